//! The client: configuration, the token lifecycle, and authenticated API calls.

use std::{
    fmt,
    marker::PhantomData,
    net::IpAddr,
    sync::Arc,
    time::{Duration, SystemTime},
};

use reqwest::{Method, StatusCode, header};
use tracing::Instrument as _;
use url::Url;

use crate::{
    cache::{Entry, TokenCache},
    credential::Credential,
    error::{Error, ErrorCode},
    parse::{self, ParseContext},
    provider::{Provider, ProviderSpec},
    request::{self, TokenRequest},
    token::Token,
    transport::{RetryPolicy, Transport},
};

/// A function called with every newly issued token (to persist it, say).
pub type TokenHook = Arc<dyn Fn(&Token) + Send + Sync>;

/// A typed client for the vendor `P`: it gets, caches and renews tokens, and sends API calls
/// with `Authorization: Bearer <token>`.
///
/// Cloning is cheap and clones share one token cache and one connection pool.
///
/// ```no_run
/// use oauth_runtime::{Client, Secret, provider::*, Credential, Provider};
/// # struct Example { client_id: String, client_secret: Secret }
/// # impl Provider for Example {
/// #     const SPEC: &'static ProviderSpec = &ProviderSpec::minimal("Example", "/token");
/// #     fn credentials(self) -> Vec<Credential> { vec![self.client_id.into(), self.client_secret.into()] }
/// # }
/// # async fn demo() -> Result<(), oauth_runtime::Error> {
/// let creds = Example { client_id: "id".into(), client_secret: Secret::from("secret") };
/// let client = Client::builder(creds).base_url("https://api.example.com").build()?;
/// let response = client.get("/v1/things").send().await?;
/// println!("{}", response.status());
/// # Ok(()) }
/// ```
pub struct Client<P: Provider> {
    inner: Arc<Inner>,
    _provider: PhantomData<fn() -> P>,
}

impl<P: Provider> Clone for Client<P> {
    fn clone(&self) -> Self {
        Client { inner: self.inner.clone(), _provider: PhantomData }
    }
}

/// Everything that does not depend on the provider type, so it is compiled once.
struct Inner {
    spec: &'static ProviderSpec,
    base: Url,
    credentials: Vec<Credential>,
    /// The grant request, built once: it depends on nothing but the credentials and the URL.
    grant_request: TokenRequest,
    transport: Transport,
    cache: TokenCache,
    skew: Duration,
    on_token: Option<TokenHook>,
}

impl<P: Provider> Client<P> {
    /// Starts configuring a client for the credentials in `provider`.
    pub fn builder(provider: P) -> ClientBuilder<P> {
        ClientBuilder::new(provider)
    }

    /// The vendor's description.
    pub fn spec(&self) -> &'static ProviderSpec {
        P::SPEC
    }

    /// The base URL token requests and API calls go to.
    pub fn base_url(&self) -> &Url {
        &self.inner.base
    }

    /// The underlying HTTP client (no redirects, the configured timeouts).
    pub fn http(&self) -> &reqwest::Client {
        &self.inner.transport.http
    }

    /// A valid token: the cached one, or a new one if it is missing or due for renewal.
    ///
    /// Concurrent callers share one token request; all of them get its token or its error.
    pub async fn token(&self) -> Result<Arc<Token>, Error> {
        Ok(self.inner.entry().await?.token.clone())
    }

    /// The cached token if it is valid and not due for renewal; never does I/O, never waits.
    pub fn cached_token(&self) -> Option<Arc<Token>> {
        self.inner.cache.with_fresh(|e| e.token.clone())
    }

    /// Whether a valid cached token is present (the hot-path check, without cloning anything).
    pub fn has_fresh_token(&self) -> bool {
        self.inner.cache.with_fresh(|_| ()).is_some()
    }

    /// Renews the token now (with the refresh token where the vendor has one), whatever the
    /// cached token's state.
    pub async fn refresh(&self) -> Result<Arc<Token>, Error> {
        self.inner.cache.expire();
        self.token().await
    }

    /// An API call to `path` (relative to the base URL) with the token attached.
    pub fn request(&self, method: Method, path: &str) -> ApiRequest {
        let url = request::join(&self.inner.base, path);
        ApiRequest { inner: self.inner.clone(), builder: self.inner.transport.http.request(method, url) }
    }

    /// `GET path` with the token attached.
    pub fn get(&self, path: &str) -> ApiRequest {
        self.request(Method::GET, path)
    }

    /// `POST path` with the token attached.
    pub fn post(&self, path: &str) -> ApiRequest {
        self.request(Method::POST, path)
    }

    /// `PUT path` with the token attached.
    pub fn put(&self, path: &str) -> ApiRequest {
        self.request(Method::PUT, path)
    }

    /// `PATCH path` with the token attached.
    pub fn patch(&self, path: &str) -> ApiRequest {
        self.request(Method::PATCH, path)
    }

    /// `DELETE path` with the token attached.
    pub fn delete(&self, path: &str) -> ApiRequest {
        self.request(Method::DELETE, path)
    }
}

impl<P: Provider> fmt::Debug for Client<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("vendor", &self.inner.spec.name)
            .field("base_url", &self.inner.base.as_str())
            .field("credentials", &self.inner.credentials)
            .field("token", &self.inner.cache.current().map(|e| e.token.clone()))
            .finish_non_exhaustive()
    }
}

impl Inner {
    async fn entry(&self) -> Result<Arc<Entry>, Error> {
        self.cache.get_or_renew(|current| self.renew(current)).await
    }

    /// A new token: by refresh when possible, by the grant otherwise or when the refresh is
    /// rejected (a revoked or rotated-away refresh token must not strand the client).
    async fn renew(&self, current: Option<Arc<Token>>) -> Result<Entry, Error> {
        let refreshable = current.as_deref().and_then(|t| {
            let rt = t.refresh_token()?;
            request::refresh(self.spec, &self.base, &self.credentials, rt.expose_secret())
        });
        let token = match refreshable {
            Some(req) => {
                let span = tracing::info_span!("oauth.refresh", vendor = self.spec.name);
                match self.fetch(&req).instrument(span).await {
                    Ok(mut token) => {
                        if let Some(previous) = &current {
                            token.inherit_refresh_token(previous);
                        }
                        token
                    }
                    Err(error) if refresh_rejected(&error) => {
                        tracing::warn!(vendor = self.spec.name, %error, "refresh rejected; running the grant again");
                        self.grant().await?
                    }
                    Err(error) => return Err(error),
                }
            }
            None => self.grant().await?,
        };
        if let Some(hook) = &self.on_token {
            hook(&token);
        }
        Entry::new(token, self.skew)
            .ok_or_else(|| Error::Config(format!("{}: issued token is not a valid header", self.spec.name)))
    }

    async fn grant(&self) -> Result<Token, Error> {
        let span =
            tracing::info_span!("oauth.token_fetch", vendor = self.spec.name, grant = self.spec.token.grant.as_str());
        self.fetch(&self.grant_request).instrument(span).await
    }

    async fn fetch(&self, req: &TokenRequest) -> Result<Token, Error> {
        let raw = self.transport.send(req).await?;
        let current = self.cache.current();
        let mut secrets: Vec<&str> =
            self.credentials.iter().filter(|c| c.is_secret()).map(Credential::expose).collect();
        if let Some(entry) = &current {
            secrets.push(entry.token.access_token().expose_secret());
            if let Some(rt) = entry.token.refresh_token() {
                secrets.push(rt.expose_secret());
            }
        }
        let ctx = ParseContext { vendor: self.spec.name, response: &self.spec.response, secrets: &secrets };
        let result = parse::token_response(&ctx, &raw, SystemTime::now());
        match &result {
            Ok(token) => tracing::info!(expires_in_secs = token.expires_in().as_secs(), "token issued"),
            Err(error) => tracing::warn!(%error, "token request failed"),
        }
        result
    }
}

/// A rejected refresh: the refresh token is dead, so only the grant can help.
fn refresh_rejected(error: &Error) -> bool {
    match error {
        Error::OAuth(e) => {
            e.code == ErrorCode::InvalidGrant || matches!(e.status, StatusCode::BAD_REQUEST | StatusCode::UNAUTHORIZED)
        }
        Error::MalformedResponse { status, .. } => {
            matches!(*status, StatusCode::BAD_REQUEST | StatusCode::UNAUTHORIZED)
        }
        _ => false,
    }
}

/// An API call being built; [`ApiRequest::send`] attaches the token.
///
/// On a 401 the token is renewed once and the call sent once more, if its body can be sent
/// twice (anything but a stream).
#[must_use = "an ApiRequest does nothing until `send` is awaited"]
pub struct ApiRequest {
    inner: Arc<Inner>,
    builder: reqwest::RequestBuilder,
}

impl ApiRequest {
    /// Adjusts the underlying `reqwest` builder (query, JSON body, headers, timeout...).
    ///
    /// ```no_run
    /// # async fn demo<P: oauth_runtime::Provider>(client: oauth_runtime::Client<P>) -> Result<(), oauth_runtime::Error> {
    /// let response = client
    ///     .post("/v1/things")
    ///     .map(|rb| rb.header("content-type", "application/json").body(r#"{"name":"x"}"#))
    ///     .send()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn map(self, f: impl FnOnce(reqwest::RequestBuilder) -> reqwest::RequestBuilder) -> Self {
        ApiRequest { inner: self.inner, builder: f(self.builder) }
    }

    /// Adds a header.
    pub fn header<K, V>(self, key: K, value: V) -> Self
    where
        header::HeaderName: TryFrom<K>,
        <header::HeaderName as TryFrom<K>>::Error: Into<http::Error>,
        header::HeaderValue: TryFrom<V>,
        <header::HeaderValue as TryFrom<V>>::Error: Into<http::Error>,
    {
        self.map(|rb| rb.header(key, value))
    }

    /// Sets the body.
    pub fn body(self, body: impl Into<reqwest::Body>) -> Self {
        self.map(|rb| rb.body(body))
    }

    /// Sends the call with the token; renews the token and retries once on a 401.
    pub async fn send(self) -> Result<reqwest::Response, Error> {
        let ApiRequest { inner, builder } = self;
        let entry = inner.entry().await?;
        let second = builder.try_clone();
        let response = send_with(&inner, builder, &entry).await?;
        if response.status() != StatusCode::UNAUTHORIZED {
            return Ok(response);
        }
        let span = tracing::info_span!("oauth.reauth", vendor = inner.spec.name);
        async {
            tracing::info!("API answered 401; renewing the token");
            inner.cache.revoke(&entry);
            let entry = inner.entry().await?;
            let Some(second) = second else {
                return Err(Error::NotRetryable { vendor: inner.spec.name });
            };
            let response = send_with(&inner, second, &entry).await?;
            if response.status() == StatusCode::UNAUTHORIZED {
                return Err(Error::Unauthorized { vendor: inner.spec.name, status: response.status() });
            }
            Ok(response)
        }
        .instrument(span)
        .await
    }
}

impl fmt::Debug for ApiRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiRequest").field("vendor", &self.inner.spec.name).finish_non_exhaustive()
    }
}

async fn send_with(inner: &Inner, builder: reqwest::RequestBuilder, entry: &Entry) -> Result<reqwest::Response, Error> {
    builder
        .header(header::AUTHORIZATION, entry.header.clone())
        .send()
        .await
        .map_err(|e| inner.transport.transport_error(e))
}

/// Configuration for a [`Client`].
///
/// Defaults: 10 s connect timeout, 30 s request timeout, renewal 60 s before expiry (never
/// more than half the token's lifetime), [`RetryPolicy::default`], 1 MiB response cap, `https`
/// required except for loopback hosts.
#[must_use]
pub struct ClientBuilder<P: Provider> {
    provider: P,
    base_url: Option<String>,
    environment: Option<String>,
    connect_timeout: Duration,
    timeout: Duration,
    skew: Duration,
    retry: RetryPolicy,
    max_body: usize,
    allow_http: bool,
    on_token: Option<TokenHook>,
    token: Option<Token>,
}

impl<P: Provider> ClientBuilder<P> {
    fn new(provider: P) -> Self {
        ClientBuilder {
            provider,
            base_url: None,
            environment: None,
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            skew: Duration::from_secs(60),
            retry: RetryPolicy::default(),
            max_body: 1 << 20,
            allow_http: false,
            on_token: None,
            token: None,
        }
    }

    /// The vendor's base URL (scheme, host, optional path prefix), e.g. `https://api.example.com`.
    pub fn base_url(mut self, url: &str) -> Self {
        self.base_url = Some(url.to_owned());
        self
    }

    /// Picks one of the vendor's named base URLs (e.g. `"sandbox"`); see [`ProviderSpec::base_urls`].
    pub fn environment(mut self, name: &str) -> Self {
        self.environment = Some(name.to_owned());
        self
    }

    /// Time allowed to establish a connection.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Time allowed for a whole request, body included.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How long before expiry a token is renewed; capped at half the token's lifetime.
    pub fn refresh_skew(mut self, skew: Duration) -> Self {
        self.skew = skew;
        self
    }

    /// How token requests are retried.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Largest response body read from the token endpoint.
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.max_body = bytes;
        self
    }

    /// Allows plain `http` to hosts other than loopback. Tokens and secrets then cross the
    /// network in clear text: for test rigs only.
    pub fn danger_allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_http = allow;
        self
    }

    /// Calls `hook` with every newly issued token, e.g. to persist the refresh token.
    pub fn on_token(mut self, hook: impl Fn(&Token) + Send + Sync + 'static) -> Self {
        self.on_token = Some(Arc::new(hook));
        self
    }

    /// Starts with a token saved earlier instead of requesting one.
    pub fn token(mut self, token: Token) -> Self {
        self.token = Some(token);
        self
    }

    /// Checks the configuration and builds the client. No request is sent yet.
    pub fn build(self) -> Result<Client<P>, Error> {
        let spec = P::SPEC;
        let base = resolve_base(spec, self.base_url.as_deref(), self.environment.as_deref())?;
        check_transport_security(&base, self.allow_http)?;
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(self.connect_timeout)
            .timeout(self.timeout)
            .user_agent(concat!("oauth-runtime/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?;
        let credentials = self.provider.credentials();
        if credentials.len() != spec.fields.len() {
            return Err(Error::Config(format!(
                "{}: {} credential values for {} declared fields",
                spec.name,
                credentials.len(),
                spec.fields.len()
            )));
        }
        let cache = TokenCache::default();
        if let Some(token) = self.token {
            let entry = Entry::new(token, self.skew).ok_or_else(|| {
                Error::Config("the seeded token holds characters not allowed in an HTTP header".to_owned())
            })?;
            cache.store(entry);
        }
        let transport =
            Transport { http, vendor: spec.name, retry: self.retry, max_body: self.max_body, timeout: self.timeout };
        let grant_request = request::grant(spec, &base, &credentials);
        let inner = Inner {
            spec,
            base,
            credentials,
            grant_request,
            transport,
            cache,
            skew: self.skew,
            on_token: self.on_token,
        };
        Ok(Client { inner: Arc::new(inner), _provider: PhantomData })
    }
}

impl<P: Provider> fmt::Debug for ClientBuilder<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("vendor", &P::SPEC.name)
            .field("base_url", &self.base_url)
            .field("environment", &self.environment)
            .finish_non_exhaustive()
    }
}

fn resolve_base(spec: &ProviderSpec, explicit: Option<&str>, environment: Option<&str>) -> Result<Url, Error> {
    let raw = match (explicit, environment) {
        (Some(url), _) => url,
        (None, Some(name)) => spec.base_url(name).ok_or_else(|| {
            let known: Vec<_> = spec.base_urls.iter().map(|b| b.name).collect();
            Error::Config(format!("{} has no base URL named {name:?}; known: {known:?}", spec.name))
        })?,
        (None, None) => spec.base_urls.first().map(|b| b.url).ok_or_else(|| {
            Error::Config(format!("{} publishes no base URL: call `.base_url(..)` on the builder", spec.name))
        })?,
    };
    let url = Url::parse(raw).map_err(|e| Error::Config(format!("invalid base URL {raw:?}: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(Error::Config(format!("base URL {raw:?} must be http(s)://host")));
    }
    Ok(url)
}

/// Secrets travel only over TLS, except to this machine or when the user opted out.
fn check_transport_security(url: &Url, allow_http: bool) -> Result<(), Error> {
    if url.scheme() == "https" || allow_http {
        return Ok(());
    }
    let loopback = match url.host() {
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    };
    if loopback {
        Ok(())
    } else {
        Err(Error::Config(format!(
            "refusing plain http to {url}: credentials would cross the network unencrypted; use https, or call `.danger_allow_insecure_http(true)` for a test rig"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Minimal;

    impl Provider for Minimal {
        const SPEC: &'static ProviderSpec = &ProviderSpec::minimal("Minimal", "/token");
        fn credentials(self) -> Vec<Credential> {
            vec![Credential::from("id"), Credential::from(crate::Secret::from("secret"))]
        }
    }

    #[test]
    fn seeded_token_must_fit_a_header() {
        let bad = Token::new("line\nbreak");
        let err = Client::builder(Minimal).base_url("https://h").token(bad).build().unwrap_err();
        assert!(matches!(&err, Error::Config(m) if m.contains("seeded token")), "{err}");
        let good = Client::builder(Minimal).base_url("https://h").token(Token::new("fine")).build().unwrap();
        assert!(good.has_fresh_token());
        assert!(!format!("{good:?}").contains("secret\""), "credentials redacted in Debug");
    }

    #[test]
    fn http_only_for_loopback_unless_opted_out() {
        for ok in ["https://api.example.com", "http://127.0.0.1:8080", "http://localhost", "http://[::1]:1"] {
            check_transport_security(&Url::parse(ok).unwrap(), false).unwrap();
        }
        let remote = Url::parse("http://api.example.com").unwrap();
        assert!(matches!(check_transport_security(&remote, false), Err(Error::Config(_))));
        check_transport_security(&remote, true).unwrap();
    }
}
