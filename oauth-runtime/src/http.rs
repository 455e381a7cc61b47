//! The HTTP transport: one connection pool that many clients can share, with the user's
//! settings under the runtime's rules.

use std::{fmt, time::Duration};

use crate::error::Error;

type Configure = Box<dyn FnOnce(reqwest::ClientBuilder) -> reqwest::ClientBuilder + Send>;

/// A connection pool and HTTP settings (proxy, root certificates, client identity, user agent,
/// pool and resolver settings), shared by every client built with it.
///
/// A SaaS holding one credential set per customer builds one `HttpTransport` and one client per
/// customer with [`ClientBuilder::transport`](crate::ClientBuilder::transport): each client has
/// its own token cache and renewal, and all of them share one pool of connections.
///
/// Your settings go in through [`HttpTransportBuilder::configure`], a hook on the
/// `reqwest::ClientBuilder` that the runtime then finishes with its own rules, which your hook
/// cannot undo: redirects are never followed (a token request that followed one would send the
/// client secret to wherever it points; reqwest cannot change the policy per request, so it is
/// the transport's), and the connect timeout is the one set here. Each client still sets the
/// total timeout of its own requests, and refuses plain `http` to anything but loopback.
///
/// ```no_run
/// use std::time::Duration;
/// use oauth_runtime::{Client, HttpTransport, Provider};
///
/// # fn demo<P: Provider>(customers: Vec<P>) -> Result<(), oauth_runtime::Error> {
/// let transport = HttpTransport::builder()
///     .configure(|b| b.pool_max_idle_per_host(32).tcp_keepalive(Duration::from_secs(60)))
///     .build()?;
/// let clients: Vec<Client<P>> = customers
///     .into_iter()
///     .map(|creds| Client::builder(creds).base_url("https://api.example.com").transport(&transport).build())
///     .collect::<Result<_, _>>()?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct HttpTransport {
    http: reqwest::Client,
}

impl HttpTransport {
    /// A transport with the default settings: 10 s connect timeout, the runtime's `User-Agent`.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] if the TLS backend cannot be initialised.
    pub fn new() -> Result<HttpTransport, Error> {
        HttpTransport::builder().build()
    }

    /// Starts configuring a transport.
    pub fn builder() -> HttpTransportBuilder {
        HttpTransportBuilder {
            connect_timeout: Duration::from_secs(10),
            user_agent: concat!("oauth-runtime/", env!("CARGO_PKG_VERSION")).to_owned(),
            configure: Vec::new(),
        }
    }

    /// The underlying `reqwest` client (no redirects; requests made on it directly get no total
    /// timeout unless you set one).
    pub fn reqwest(&self) -> &reqwest::Client {
        &self.http
    }
}

impl fmt::Debug for HttpTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpTransport").finish_non_exhaustive()
    }
}

/// Configuration for an [`HttpTransport`].
#[must_use]
pub struct HttpTransportBuilder {
    connect_timeout: Duration,
    user_agent: String,
    configure: Vec<Configure>,
}

impl HttpTransportBuilder {
    /// Time allowed to establish a connection (default 10 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The `User-Agent` of every request (default `oauth-runtime/VERSION`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Adjusts the `reqwest::ClientBuilder` before the runtime applies its rules (no redirects,
    /// the connect timeout, the user agent): a proxy, root certificates, a client identity for
    /// mTLS, pool and resolver settings. Hooks run in the order they were added.
    ///
    #[cfg_attr(any(feature = "rustls", feature = "native-tls"), doc = "```no_run")]
    #[cfg_attr(not(any(feature = "rustls", feature = "native-tls")), doc = "```text")]
    /// # fn demo(pem: &[u8]) -> Result<(), Box<dyn std::error::Error>> {
    /// use oauth_runtime::{HttpTransport, reqwest};
    /// let root = reqwest::Certificate::from_pem(pem)?;
    /// let proxy = reqwest::Proxy::https("http://proxy.internal:3128")?;
    /// let transport = HttpTransport::builder()
    ///     .configure(move |b| b.add_root_certificate(root).proxy(proxy))
    ///     .build()?;
    /// # Ok(()) }
    /// ```
    pub fn configure(
        mut self,
        hook: impl FnOnce(reqwest::ClientBuilder) -> reqwest::ClientBuilder + Send + 'static,
    ) -> Self {
        self.configure.push(Box::new(hook));
        self
    }

    /// Builds the transport.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] if reqwest refuses the settings (a bad certificate, say).
    pub fn build(self) -> Result<HttpTransport, Error> {
        let mut builder = reqwest::Client::builder();
        for hook in self.configure {
            builder = hook(builder);
        }
        let http = builder
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(self.connect_timeout)
            .user_agent(self.user_agent)
            .build()
            .map_err(|e| Error::config(format!("cannot build the HTTP client: {e}")))?;
        Ok(HttpTransport { http })
    }
}

impl fmt::Debug for HttpTransportBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpTransportBuilder")
            .field("connect_timeout", &self.connect_timeout)
            .field("user_agent", &self.user_agent)
            .field("hooks", &self.configure.len())
            .finish()
    }
}
