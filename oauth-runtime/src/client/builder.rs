//! Configuring a client: base URL, timeouts, renewal, retries, transport rules.

use std::{fmt, marker::PhantomData, net::IpAddr, sync::Arc, time::Duration};

use url::Url;

use super::{Client, Inner};
use crate::{
    HttpTransport, TokenParams,
    cache::TokenHook,
    error::Error,
    provider::{Provider, ProviderSpec},
    storm::TokenRequestBudget,
    token::Token,
    transport::{RetryPolicy, Transport},
};

/// Configuration for a [`Client`].
///
/// Defaults: 10 s connect timeout, 30 s request timeout, renewal 60 s before expiry (never
/// more than half the token's lifetime), a 60 s deadline for getting a token, at most 30 token
/// requests per 10 s,
/// [`RetryPolicy::default`], 1 MiB response cap, `https` required except for loopback hosts.
///
/// ```no_run
/// # use oauth_runtime::{Client, Provider};
/// # fn demo<P: Provider>(credentials: P) -> Result<(), oauth_runtime::Error> {
/// use std::time::Duration;
/// let client = Client::builder(credentials)
///     .base_url("https://api.example.com")
///     .timeout(Duration::from_secs(10))
///     .token_deadline(Duration::from_secs(15))
///     .build()?;
/// # Ok(()) }
/// ```
#[must_use]
pub struct ClientBuilder<P> {
    provider: P,
    spec: &'static ProviderSpec,
    base_url: Option<String>,
    auth_base_url: Option<String>,
    authorization_base_url: Option<String>,
    environment: Option<String>,
    connect_timeout: Duration,
    timeout: Duration,
    skew: Duration,
    deadline: Duration,
    retry: RetryPolicy,
    transport: Option<HttpTransport>,
    configure_http: Vec<Box<dyn FnOnce(reqwest::ClientBuilder) -> reqwest::ClientBuilder + Send>>,
    max_body: usize,
    max_api_body: usize,
    allow_http: bool,
    on_token: Option<TokenHook>,
    token: Option<Token>,
    refresh_token: Option<crate::Secret>,
    authorization_timeout: Duration,
    token_requests: (u32, Duration),
    store: Option<Arc<dyn crate::store::TokenStore>>,
    grant: Option<Arc<dyn crate::grant::TokenGrant>>,
    client_auth: Option<Arc<dyn crate::auth::ClientAuthentication>>,
    presentation: Option<Arc<dyn crate::present::Presentation>>,
    dpop_key: Option<crate::present::DpopKeyArg>,
    idle_sessions: usize,
    check_granted_scopes: bool,
    /// The server's metadata, whose endpoints replace the declared paths.
    metadata: Option<Arc<crate::discovery::ServerMetadata>>,
    /// The issuer [`ClientBuilder::discover`] reads, instead of the declared one.
    issuer: Option<String>,
    /// Set when [`ClientBuilder::discover`] made the transport: whether it was given
    /// `configure_http` hooks (which may have added a client certificate).
    discovered_with_hooks: Option<bool>,
}

impl<P: Provider> ClientBuilder<P> {
    pub(super) fn new(provider: P) -> Self {
        ClientBuilder {
            provider,
            spec: P::SPEC,
            base_url: None,
            auth_base_url: None,
            authorization_base_url: None,
            environment: None,
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            skew: Duration::from_secs(60),
            deadline: Duration::from_secs(60),
            retry: RetryPolicy::default(),
            transport: None,
            configure_http: Vec::new(),
            max_body: 1 << 20,
            max_api_body: 16 << 20,
            allow_http: false,
            on_token: None,
            token: None,
            refresh_token: None,
            authorization_timeout: Duration::from_secs(300),
            token_requests: TokenRequestBudget::DEFAULT,
            store: None,
            grant: None,
            client_auth: None,
            presentation: None,
            dpop_key: None,
            idle_sessions: 64,
            check_granted_scopes: true,
            metadata: None,
            issuer: None,
            discovered_with_hooks: None,
        }
    }

    /// The vendor's base URL (scheme, host, optional path prefix), e.g. `https://api.example.com`:
    /// API calls go there, and so do token requests unless [`Self::auth_base_url`] says
    /// otherwise. Overrides the vendor's named environments; one of their URLs (such as the
    /// generated `Vendor::PRODUCTION`) picks that environment, token host included.
    pub fn base_url(mut self, url: &str) -> Self {
        self.base_url = Some(url.to_owned());
        self
    }

    /// The base URL of the token endpoints, when they live on another host than the API
    /// (`https://auth.example.com`). Overrides the environment's.
    pub fn auth_base_url(mut self, url: &str) -> Self {
        self.auth_base_url = Some(url.to_owned());
        self
    }

    /// The base URL of the authorization endpoint (where a person's browser goes, for
    /// `grant = "authorization_code"`), when it lives on another host than the token endpoints.
    /// Overrides the environment's (`authorization_base_url(..)` in the declaration); without
    /// either, the token endpoints' base URL.
    ///
    /// ```no_run
    /// # fn demo<P: oauth_runtime::Provider>(p: P) -> Result<(), oauth_runtime::Error> {
    /// let client = p
    ///     .client_builder()
    ///     .base_url("http://127.0.0.1:8080")
    ///     .authorization_base_url("http://127.0.0.1:8081")
    ///     .build()?;
    /// # Ok(()) }
    /// ```
    pub fn authorization_base_url(mut self, url: &str) -> Self {
        self.authorization_base_url = Some(url.to_owned());
        self
    }

    /// Picks one of the vendor's named environments (e.g. `"sandbox"`): its API base URL and its
    /// token base URL; see [`ProviderSpec::base_urls`].
    pub fn environment(mut self, name: &str) -> Self {
        self.environment = Some(name.to_owned());
        self
    }

    /// Time allowed to establish a connection (default 10 s). With a shared
    /// [`transport`](Self::transport), the transport's applies instead.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Sends every request of this client through `transport`, a connection pool and HTTP
    /// settings shared with other clients; see [`HttpTransport`].
    pub fn transport(mut self, transport: &HttpTransport) -> Self {
        self.transport = Some(transport.clone());
        self
    }

    /// Adjusts the `reqwest::ClientBuilder` of this client's own transport (a proxy, root
    /// certificates, a client identity...), as [`HttpTransportBuilder::configure`] does; the
    /// runtime's rules are applied after it. Ignored with a shared [`transport`](Self::transport),
    /// which carries its own settings.
    ///
    /// [`HttpTransportBuilder::configure`]: crate::HttpTransportBuilder::configure
    pub fn configure_http(
        mut self,
        hook: impl FnOnce(reqwest::ClientBuilder) -> reqwest::ClientBuilder + Send + 'static,
    ) -> Self {
        self.configure_http.push(Box::new(hook));
        self
    }

    /// Time allowed for a whole request, body included (default 30 s): token requests and API
    /// calls alike; [`ApiRequest::timeout`](crate::ApiRequest::timeout) overrides it per call.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How long before expiry a token is renewed; capped at half the token's lifetime.
    ///
    /// From that point on, callers keep using the token while one renewal runs behind them;
    /// the skew is therefore also the time the renewal has, retries included, before callers
    /// must wait for it.
    pub fn refresh_skew(mut self, skew: Duration) -> Self {
        self.skew = skew;
        self
    }

    /// The longest a caller waits for a token when it has no usable one (default 60 s); past
    /// it the caller gets [`Error::Deadline`]. The renewal itself goes on and its token is
    /// stored for the next caller.
    pub fn token_deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    /// How token requests are retried.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Largest response body read from the token endpoint (default 1 MiB).
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.max_body = bytes;
        self
    }

    /// Largest API response body read into a typed value (default 16 MiB); a larger one is
    /// [`Error::ResponseTooLarge`]. Raw responses ([`ApiRequest::send`](crate::ApiRequest::send))
    /// are not capped: read them as you see fit.
    pub fn max_api_response_bytes(mut self, bytes: usize) -> Self {
        self.max_api_body = bytes;
        self
    }

    /// Allows plain `http` to hosts other than loopback. Tokens and secrets then cross the
    /// network in clear text: for test rigs only.
    pub fn danger_allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_http = allow;
        self
    }

    /// Calls `hook` with every newly issued token, e.g. to persist the refresh token.
    ///
    /// The hook runs in the task that renewed the token, after the token is stored (callers
    /// that find it in the cache use it at once) and before the callers waiting on that renewal
    /// get it: when [`Client::token`], [`Client::refresh`] or an API call that caused a renewal
    /// returns, the renewal's hook has run, so a program that refreshes and exits has saved the
    /// rotated refresh token. [`Client::drain`] waits for the hooks of renewals in flight (one
    /// running in the background, say). A panicking hook is logged and loses nothing.
    ///
    /// A slow hook delays the callers waiting on its renewal (not those holding a usable token)
    /// and holds a thread of the async runtime while it runs: keep it short. To write to slow
    /// storage without holding up callers, send the token to a channel of your own, and wait
    /// for that writer yourself before exiting.
    pub fn on_token(mut self, hook: impl Fn(&Token) + Send + Sync + 'static) -> Self {
        self.on_token = Some(Arc::new(hook));
        self
    }

    /// The renewal storm guard: at most `count` token requests (grants, refreshes and their
    /// retries) in any `per` (default 30 per 10 s). Past it, token requests fail at once with
    /// [`Error::TokenRequestLimit`] until the oldest one leaves the window, whatever the vendor
    /// answers (tokens issued already expired, errors on every request).
    pub fn max_token_requests(mut self, count: u32, per: Duration) -> Self {
        self.token_requests = (count, per);
        self
    }

    /// How many token parameter sets with no live handle keep their token cache (default 64):
    /// those used last. See [`Client::with_token_params`]: a set's cache lives as long as a
    /// handle for it does, and after that only while it is among these; a set used again after
    /// its cache was reclaimed gets a new token. `0` keeps only the sets a handle holds.
    ///
    /// Raise it when handles are made per request for more sets than that, so that each
    /// request does not cause a token request.
    pub fn max_idle_sessions(mut self, count: usize) -> Self {
        self.idle_sessions = count;
        self
    }

    /// Whether a call that declares scopes ([`ApiRequest::require_scopes`], an operation's
    /// `scopes = ".."`) fails unsent when the client's grant needs a person and the token
    /// response named the granted scopes without one of them (default `true`). See
    /// [`Error::Scope`].
    ///
    /// Turn it off for a vendor whose granted scopes imply others under other names (GitHub's
    /// `admin:org` holds `read:org`, `repo` holds `repo:status`), which the string comparison
    /// cannot know: such calls are then sent, and the API decides.
    ///
    /// ```no_run
    /// # fn demo<P: oauth_runtime::Provider>(creds: P) -> Result<(), oauth_runtime::Error> {
    /// let client = oauth_runtime::Client::builder(creds)
    ///     .base_url("https://api.github.com")
    ///     .check_granted_scopes(false)
    ///     .build()?;
    /// # Ok(()) }
    /// ```
    ///
    /// [`ApiRequest::require_scopes`]: crate::ApiRequest::require_scopes
    /// [`Error::Scope`]: crate::Error::Scope
    pub fn check_granted_scopes(mut self, check: bool) -> Self {
        self.check_granted_scopes = check;
        self
    }

    /// Starts with a token saved earlier instead of requesting one.
    pub fn token(mut self, token: Token) -> Self {
        self.token = Some(token);
        self
    }

    /// Starts with a refresh token a person obtained elsewhere (an earlier authorization, a
    /// vendor's console): the first token comes from refreshing it, and rotated refresh tokens
    /// are kept (save them with [`on_token`](Self::on_token)). With a
    /// [`token`](Self::token) as well, that token carries this refresh token.
    ///
    /// For a vendor declared with `grant = "refresh_token"`, or any grant that needs a person,
    /// a rejected refresh token is [`Error::ReauthorizationRequired`]: the grant is never run
    /// in its place.
    ///
    /// ```no_run
    /// # use oauth_runtime::{Client, Provider, Secret};
    /// # async fn demo<P: Provider>(credentials: P) -> Result<(), oauth_runtime::Error> {
    /// let client = Client::builder(credentials)
    ///     .base_url("https://api.example.com")
    ///     .refresh_token(Secret::from(std::env::var("REFRESH_TOKEN").unwrap_or_default()))
    ///     .on_token(|token| { /* save token.refresh_token() for the next start */ })
    ///     .build()?;
    /// let response = client.get("/v1/me").send().await?;
    /// # Ok(()) }
    /// ```
    pub fn refresh_token(mut self, refresh_token: crate::Secret) -> Self {
        self.refresh_token = Some(refresh_token);
        self
    }

    /// How long [`Client::authorize`] waits for the person's browser to come back to the
    /// loopback redirect (default 5 minutes); then the authorization ends with
    /// [`AuthorizationFailure::TimedOut`](crate::AuthorizationFailure::TimedOut).
    pub fn authorization_timeout(mut self, timeout: Duration) -> Self {
        self.authorization_timeout = timeout;
        self
    }

    /// Uses `spec` instead of `P::SPEC`: for tests that generate specs at run time (the
    /// simulator's round trips over the whole provider model). Not part of the API.
    #[doc(hidden)]
    pub fn __spec(mut self, spec: &'static ProviderSpec) -> Self {
        self.spec = spec;
        self
    }

    /// Shares this client's tokens through `store` with every client (in this process or
    /// another) that uses the same store and credentials: one token per token parameter set
    /// for the whole fleet, renewed by one of them at a time. See [`crate::store`].
    ///
    /// The cached token is still read from memory on every call; the store is consulted only
    /// when a renewal is due. The store's lock is a short lease
    /// ([`store::LOCK_LEASE`](crate::store::LOCK_LEASE)) that the renewing process extends
    /// while it renews, so the fleet waits one lease at most for a process killed mid-renewal;
    /// [`store::lock_ttl`](crate::store::lock_ttl) of this builder's [`timeout`](Self::timeout)
    /// and [`retry`](Self::retry) policy, the longest a renewal can take, bounds how long a
    /// process waits for another one's renewal. Without a store (the default), tokens stay in
    /// this client.
    pub fn store<S: crate::store::TokenStore>(mut self, store: S) -> Self {
        self.store = Some(Arc::new(store));
        self
    }

    /// Obtains tokens with `grant` instead of the grant the vendor's declaration names: a
    /// grant of your own (any `grant_type` with its parameters), see [`crate::grant`].
    ///
    /// ```no_run
    /// # use oauth_runtime::{Client, Credentials, Error, TokenRequest, grant::TokenGrant};
    /// #[derive(Debug)]
    /// struct AccountCredentials { account_id: String }
    /// impl TokenGrant for AccountCredentials {
    ///     fn grant_type(&self) -> &str { "account_credentials" }
    ///     fn parameters(&self, _: &Credentials, request: &mut TokenRequest) -> Result<(), Error> {
    ///         request.param("account_id", &self.account_id);
    ///         Ok(())
    ///     }
    /// }
    /// # fn demo<P: oauth_runtime::Provider>(credentials: P) -> Result<(), Error> {
    /// let client = Client::builder(credentials)
    ///     .base_url("https://zoom.example.com")
    ///     .grant(AccountCredentials { account_id: "acc-1".into() })
    ///     .build()?;
    /// # Ok(()) }
    /// ```
    pub fn grant(mut self, grant: impl crate::grant::TokenGrant) -> Self {
        self.grant = Some(Arc::new(grant));
        self
    }

    /// Authenticates the client with `method` instead of the vendor's declared
    /// `client_auth`; see [`crate::auth`].
    pub fn client_auth(mut self, method: impl crate::auth::ClientAuthentication) -> Self {
        self.client_auth = Some(Arc::new(method));
        self
    }

    /// Presents tokens with `presentation` instead of Bearer; see [`crate::present`].
    pub fn presentation(mut self, presentation: impl crate::present::Presentation) -> Self {
        self.presentation = Some(Arc::new(presentation));
        self
    }

    /// Takes the token endpoint and the revocation endpoint from a server's metadata
    /// ([`discovery`](crate::discovery)) instead of the declared paths; refreshes declared at
    /// the token path go to the metadata's token endpoint too. A declared client
    /// authentication method or grant type the metadata says the server does not support is
    /// logged at WARN when the client is built ([`ServerMetadata::unsupported`] tells it
    /// beforehand, to refuse instead): documents are often incomplete, and the token endpoint
    /// has the last word.
    ///
    /// [`ServerMetadata::unsupported`]: crate::discovery::ServerMetadata::unsupported
    ///
    /// ```no_run
    /// # use oauth_runtime::{Client, Provider};
    /// # async fn demo<P: Provider + Clone>(a: P, b: P) -> Result<(), oauth_runtime::Error> {
    /// use oauth_runtime::{HttpTransport, discovery::Discovery};
    /// let transport = HttpTransport::new()?;
    /// let metadata = Discovery::shared().get(&transport, "https://auth.example.com").await?;
    /// let first = a.client_builder().base_url("https://api.example.com").transport(&transport).metadata(metadata.clone()).build()?;
    /// let second = b.client_builder().base_url("https://api.example.com").transport(&transport).metadata(metadata).build()?;
    /// # Ok(()) }
    /// ```
    pub fn metadata(mut self, metadata: Arc<crate::discovery::ServerMetadata>) -> Self {
        self.metadata = Some(metadata);
        self
    }

    /// The issuer [`ClientBuilder::discover`] reads the metadata of, instead of the vendor's
    /// declared `issuer` (a tenant's, say): an absolute URL.
    pub fn issuer(mut self, issuer: &str) -> Self {
        self.issuer = Some(issuer.to_owned());
        self
    }

    /// Reads the server's metadata (RFC 8414, then OpenID discovery) from the issuer given to
    /// [`ClientBuilder::issuer`], or else the vendor's declared `issuer` (a path is joined to
    /// the token base URL), and uses it as [`ClientBuilder::metadata`] does. Documents are
    /// cached per issuer for the process ([`Discovery::shared`]): clients built from one
    /// issuer share one fetch.
    ///
    /// [`Discovery::shared`]: crate::discovery::Discovery::shared
    ///
    /// ```no_run
    /// # async fn demo<P: oauth_runtime::Provider>(credentials: P) -> Result<(), oauth_runtime::Error> {
    /// let client = credentials
    ///     .client_builder()
    ///     .base_url("https://api.example.com")
    ///     .issuer("https://auth.example.com")
    ///     .discover()
    ///     .await?
    ///     .build()?;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when there is no issuer or it is plain `http` to a remote host;
    /// [`Error::Metadata`] when the document cannot be used (another issuer, an HTML page, a
    /// body too large, an error status, the server unreachable).
    pub async fn discover(mut self) -> Result<Self, Error> {
        let issuer = match (&self.issuer, self.spec.issuer) {
            (Some(issuer), _) => issuer.clone(),
            (None, Some(declared)) if declared.starts_with('/') => {
                let (_, auth_base, _) = resolve_bases(self.spec, &self)?;
                let joined = crate::token_request::join(&auth_base, declared).to_string();
                joined.trim_end_matches('/').to_owned()
            }
            (None, Some(declared)) => declared.to_owned(),
            (None, None) => {
                return Err(Error::config(format!(
                    "{}: no issuer to discover: call `.issuer(..)`, or declare `issuer = \"..\"`",
                    self.spec.name
                )));
            }
        };
        if let Ok(url) = Url::parse(&issuer) {
            check_transport_security(&url, self.allow_http)?;
        }
        let transport = match &self.transport {
            Some(transport) => transport.clone(),
            None => {
                let mut transport = HttpTransport::builder().connect_timeout(self.connect_timeout);
                self.discovered_with_hooks = Some(!self.configure_http.is_empty());
                for hook in std::mem::take(&mut self.configure_http) {
                    transport = transport.configure(hook);
                }
                let transport = transport.build()?;
                self.transport = Some(transport.clone());
                transport
            }
        };
        let metadata = crate::discovery::Discovery::shared().get(&transport, &issuer).await?;
        Ok(self.metadata(metadata))
    }

    /// Proves possession of `key` for a vendor that declares DPoP (`presentation = "dpop"`),
    /// instead of a key generated for this client (ES256, when the client is built). Supply
    /// one when the vendor registers the client's public key, when the declared `dpop_alg` is
    /// RSA, or to keep the key across restarts. Clients sharing a token store need not share
    /// a key: a token travels with the key it is bound to.
    ///
    /// Building the client fails with [`Error::Config`] when the vendor does not declare DPoP
    /// or the key's algorithm is not the declared one.
    ///
    /// ```no_run
    /// # use oauth_runtime::{provider::*, Credential, Provider, Secret, present::DpopKey};
    /// # struct Okta { client_id: String, client_secret: Secret }
    /// # impl Provider for Okta {
    /// #     const SPEC: &'static ProviderSpec = &ProviderSpec::minimal("Okta", "/oauth2/v1/token").with_presentation(Presentation::DPOP);
    /// #     fn credentials(self) -> Vec<Credential> { vec![self.client_id.into(), self.client_secret.into()] }
    /// # }
    /// # fn demo(pem: &str) -> Result<(), oauth_runtime::Error> {
    /// let key = DpopKey::from_pem(pem)?; // a P-256 key in PKCS#8 or SEC1 PEM
    /// let client = Okta { client_id: "id".into(), client_secret: Secret::from("secret") }
    ///     .client_builder()
    ///     .base_url("https://example.okta.com")
    ///     .dpop_key(key)
    ///     .build()?;
    /// # Ok(()) }
    /// ```
    #[cfg(feature = "dpop")]
    pub fn dpop_key(mut self, key: crate::present::DpopKey) -> Self {
        self.dpop_key = Some(key);
        self
    }

    /// Checks the configuration and builds the client. No request is sent yet.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] for a base URL that is missing or invalid, plain `http` to a remote
    /// host, credentials that do not match the vendor's fields, a signing key that cannot be
    /// read or cannot sign as the vendor wants (the message names the field), a signing
    /// mechanism without the `jwt` feature, a seeded token that cannot go in a header, or a
    /// presentation that cannot be made (DPoP without the `dpop` feature, a DPoP key that does
    /// not fit).
    pub fn build(self) -> Result<Client<P>, Error> {
        let spec = self.spec;
        let (base, auth_base, authorize_base) = resolve_bases(spec, &self)?;
        check_transport_security(&base, self.allow_http)?;
        check_transport_security(&auth_base, self.allow_http)?;
        check_transport_security(&authorize_base, self.allow_http)?;
        // The declaration decides what is secret, whatever type a value came in.
        let credentials = crate::Credentials::new(spec.fields, self.provider.credentials())
            .map_err(|why| Error::config(format!("{}: {why}", spec.name)))?;
        let identity = credentials.iter().find_map(|(field, c)| c.client_identity().map(|id| (field.name, id)));
        // Whether the transport can carry a client certificate: a certificate field, or the
        // user configured one (this crate cannot look inside a reqwest client to see one).
        let configured_tls = identity.is_some()
            || match self.discovered_with_hooks {
                Some(hooks) => hooks,
                None => self.transport.is_some() || !self.configure_http.is_empty(),
            };
        let http = match self.transport {
            Some(_) if identity.is_some() => {
                return Err(Error::config(format!(
                    "{}: a shared `.transport(..)` cannot present this client's certificate: drop `.transport(..)` (the client then has a connection pool of its own), or leave the certificate out of the credentials and build the shared transport with it",
                    spec.name
                )));
            }
            Some(shared) => shared,
            None => {
                let mut transport = HttpTransport::builder().connect_timeout(self.connect_timeout);
                for hook in self.configure_http {
                    transport = transport.configure(hook);
                }
                if let Some((field, identity)) = identity {
                    let identity = identity.to_reqwest(&format!("{}'s field `{field}`", spec.name))?;
                    #[cfg(any(feature = "rustls", feature = "native-tls"))]
                    {
                        transport = transport.configure(move |b| b.identity(identity));
                    }
                    #[cfg(not(any(feature = "rustls", feature = "native-tls")))]
                    match identity {}
                }
                transport.build()?
            }
        }
        .reqwest()
        .clone();
        let declared = (self.grant.is_none(), self.client_auth.is_none());
        let mut engine = super::engine::Engine::new(
            spec,
            (&auth_base, &authorize_base),
            credentials,
            self.grant,
            self.client_auth,
            self.presentation,
            self.dpop_key,
        )?;
        // A method that cannot work (a key it cannot sign with, a feature that is off) fails
        // here, not at the first request.
        let named = |e: Error| match e {
            Error::Config(why) => Error::config(format!("{}: {why}", spec.name)),
            other => other,
        };
        engine.client_auth.check(&engine.credentials).map_err(named)?;
        engine.grant.check(&engine.credentials).map_err(named)?;
        if let Some(metadata) = &self.metadata {
            engine.apply_metadata(spec, metadata);
            for url in [Some(&engine.token_url), engine.refresh_url.as_ref(), engine.revocation_url.as_ref()] {
                check_transport_security(url.unwrap_or(&engine.token_url), self.allow_http)?;
            }
            // Only what the declaration decides: a grant or method of the user's own is theirs.
            let grant = declared.0.then(|| metadata.unsupported_grant(spec)).flatten();
            let auth = declared.1.then(|| metadata.unsupported_auth(spec)).flatten();
            for unsupported in grant.into_iter().chain(auth) {
                tracing::warn!(vendor = spec.name, issuer = %metadata.issuer, "{unsupported}");
            }
        }
        if engine.client_auth.requires_client_certificate() && !configured_tls {
            return Err(Error::config(format!(
                "{}: the client authentication presents a TLS client certificate, but the transport has none: add one with `.configure_http(|b| b.identity(..))` or a shared `.transport(..)` built with it",
                spec.name
            )));
        }
        let budget = TokenRequestBudget::new(self.token_requests.0, self.token_requests.1);
        let transport = Transport {
            http,
            vendor: spec.name,
            retry: self.retry,
            max_body: self.max_body,
            timeout: self.timeout,
            budget,
        };
        let inner = Arc::new(Inner {
            spec,
            base,
            auth_base,
            engine,
            transport,
            deadline: self.deadline,
            authorization_timeout: self.authorization_timeout,
            max_api_body: self.max_api_body,
            check_granted_scopes: self.check_granted_scopes,
            skew: self.skew,
            on_token: self.on_token,
            sessions: std::sync::Mutex::new(super::Sessions::new(self.idle_sessions)),
            store: self.store.map(|store| (store, crate::store::lock_ttl(self.timeout, &self.retry))),
        });
        let session = inner.session(TokenParams::new());
        let token = match (self.token, self.refresh_token) {
            (Some(token), Some(rt)) => Some(token.with_refresh_token(rt.expose_secret())),
            (Some(token), None) => Some(token),
            // No access token yet: an expired placeholder that carries the refresh token, so
            // that the first renewal refreshes it by the one renewal path. It is never sent.
            (None, Some(rt)) => {
                Some(Token::new("").with_refresh_token(rt.expose_secret()).with_expires_at(std::time::UNIX_EPOCH))
            }
            (None, None) => None,
        };
        if let Some(token) = token {
            session
                .cache
                .seed(token)
                .ok_or_else(|| Error::config("the seeded token cannot be sent: it holds characters not allowed in an HTTP header, its scheme is not the one the vendor's tokens are presented with (Bearer, or DPoP where the vendor declares it), or the key it is bound to cannot be read"))?;
        }
        Ok(Client { inner, session, _provider: PhantomData })
    }
}

impl<P: Provider> fmt::Debug for ClientBuilder<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("vendor", &P::SPEC.name)
            .field("base_url", &self.base_url.as_deref().map(redact_url))
            .field("auth_base_url", &self.auth_base_url.as_deref().map(redact_url))
            .field("authorization_base_url", &self.authorization_base_url.as_deref().map(redact_url))
            .field("environment", &self.environment)
            .finish_non_exhaustive()
    }
}

/// The API's, the token endpoints' and the authorization endpoint's base URLs: explicit ones
/// first, then the environment's, then the vendor's first environment. An explicit base URL
/// that is one of the vendor's environments (`Vendor::PRODUCTION`) brings that environment's
/// token host along: its token requests, client secret included, must not go to the API host.
/// The authorization endpoint is under the token host unless the environment or the builder
/// names another.
fn resolve_bases<P>(spec: &ProviderSpec, b: &ClientBuilder<P>) -> Result<(Url, Url, Url), Error> {
    let environment = match (&b.base_url, &b.environment) {
        (Some(url), _) => named_environment(spec, url)?,
        (None, Some(name)) => Some(spec.environment(name).ok_or_else(|| {
            let known: Vec<_> = spec.base_urls.iter().map(|b| b.name).collect();
            Error::config(format!("{} has no base URL named {name:?}; known: {known:?}", spec.name))
        })?),
        (None, None) => Some(spec.base_urls.first().ok_or_else(|| {
            Error::config(format!("{} publishes no base URL: call `.base_url(..)` on the builder", spec.name))
        })?),
    };
    let api = b.base_url.as_deref().or(environment.map(|e| e.url)).unwrap_or_default();
    let auth = b.auth_base_url.as_deref().or(environment.map(|e| e.auth_url())).unwrap_or(api);
    let authorize = b.authorization_base_url.as_deref().or(environment.and_then(|e| e.authorize)).unwrap_or(auth);
    Ok((parse_base(api)?, parse_base(auth)?, parse_base(authorize)?))
}

/// The vendor's environment whose API URL `url` is (ignoring a trailing slash), if any.
/// Two environments with this API URL but different token hosts leave the choice to the user.
fn named_environment(spec: &ProviderSpec, url: &str) -> Result<Option<&'static crate::provider::BaseUrl>, Error> {
    let same = |published: &str| published.trim_end_matches('/') == url.trim_end_matches('/');
    let mut matching = spec.base_urls.iter().filter(|e| same(e.url));
    let Some(first) = matching.next() else { return Ok(None) };
    match matching.find(|e| e.auth_url() != first.auth_url()) {
        None => Ok(Some(first)),
        Some(other) => Err(Error::config(format!(
            "{}: the base URL {} is both the `{}` and the `{}` environment, whose token hosts differ: \
             pick one with `.environment(..)`, or set `.auth_base_url(..)`",
            spec.name,
            redact_url(url),
            first.name,
            other.name
        ))),
    }
}

/// `raw` with the password of its user info, if any, replaced by `[REDACTED]`: for every
/// message and `Debug` output that shows a base URL.
pub(crate) fn redact_url(raw: &str) -> String {
    match Url::parse(raw) {
        Ok(url) if url.password().is_some() => {
            // The serialization is `scheme://user:password@host..`; the first `:password@` is it.
            let password = format!(":{}@", url.password().unwrap_or_default());
            url.as_str().replacen(&password, ":[REDACTED]@", 1)
        }
        Ok(_) => raw.to_owned(),
        // Not a URL: mask whatever sits between `://` and an `@` before the path.
        Err(_) => match (raw.find("://"), raw.rfind('@')) {
            (Some(start), Some(at)) if at > start && !raw[start + 3..at].contains('/') => {
                let userinfo = &raw[start + 3..at];
                let user = userinfo.split(':').next().unwrap_or_default();
                format!("{}{user}:[REDACTED]{}", &raw[..start + 3], &raw[at..])
            }
            _ => raw.to_owned(),
        },
    }
}

/// The `Authorization` value reqwest derives from the user info of `url` (`https://user:pw@host`)
/// for every request to it, which the client replaces with the token: not one the caller set.
pub(super) fn userinfo_authorization(url: &Url) -> Option<reqwest::header::HeaderValue> {
    use base64::Engine as _;
    if url.username().is_empty() && url.password().is_none() {
        return None;
    }
    // As reqwest's `basic_auth` writes it, from the decoded user info.
    let decode = |s: &str| percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned();
    let pair = format!("{}:{}", decode(url.username()), url.password().map(decode).unwrap_or_default());
    let value = format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(pair));
    reqwest::header::HeaderValue::from_str(&value).ok()
}

fn parse_base(raw: &str) -> Result<Url, Error> {
    let shown = redact_url(raw);
    let url = Url::parse(raw).map_err(|e| Error::config(format!("invalid base URL {shown:?}: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(Error::config(format!("base URL {shown:?} must be http(s)://host")));
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
        Err(Error::config(format!(
            "refusing plain http to {}: credentials would cross the network unencrypted; use https, or call `.danger_allow_insecure_http(true)` for a test rig",
            redact_url(url.as_str())
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Credential;

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
        assert!(!format!("{good:?}").contains("\"secret\""), "credentials redacted in Debug");
    }

    /// A hand-written provider that hands its secret over as a public string.
    struct Careless;

    impl Provider for Careless {
        const SPEC: &'static ProviderSpec = &ProviderSpec::minimal("Careless", "/token");
        fn credentials(self) -> Vec<Credential> {
            vec![Credential::from("id"), Credential::from("careless-secret-42")]
        }
    }

    #[test]
    fn the_spec_decides_what_is_secret() {
        let client = Client::builder(Careless).base_url("https://h").build().unwrap();
        assert!(client.inner.engine.credentials.get(crate::provider::Role::ClientSecret).unwrap().is_secret());
        let shown = format!("{client:?}");
        assert!(!shown.contains("careless-secret-42") && shown.contains("\"id\""), "{shown}");
    }

    /// Without the `jwt` feature, a vendor that signs is refused when the client is built,
    /// naming the feature; the declaration itself is the same.
    #[cfg(not(feature = "jwt"))]
    #[test]
    fn signing_vendors_need_the_jwt_feature() {
        use crate::provider::{ClientAuth, FieldSpec, Grant, Role, TokenEndpoint};
        struct Signing;
        impl Provider for Signing {
            const SPEC: &'static ProviderSpec = &ProviderSpec::new(
                "Signing",
                TokenEndpoint::new("/token", Grant::ClientCredentials).with_client_auth(ClientAuth::PrivateKeyJwt),
            )
            .with_fields(&[FieldSpec::new("client_id", Role::ClientId), FieldSpec::new("key", Role::SigningKey)]);
            fn credentials(self) -> Vec<Credential> {
                vec![Credential::from("id"), Credential::from(crate::key::SigningKey::from_pem("pem"))]
            }
        }
        struct Hmac;
        impl Provider for Hmac {
            const SPEC: &'static ProviderSpec = &ProviderSpec::new(
                "Hmac",
                TokenEndpoint::new("/token", Grant::ClientCredentials).with_client_auth(ClientAuth::ClientSecretJwt),
            )
            .with_fields(ProviderSpec::minimal("Hmac", "/token").fields);
            fn credentials(self) -> Vec<Credential> {
                vec![Credential::from("id"), Credential::from(crate::Secret::from("secret"))]
            }
        }
        let key = Client::builder(Signing).base_url("https://h").build().unwrap_err().to_string();
        assert!(key.contains("field `key`") && key.contains("`jwt` feature"), "{key}");
        let hmac = Client::builder(Hmac).base_url("https://h").build().unwrap_err().to_string();
        assert!(hmac.contains("client_secret_jwt") && hmac.contains("`jwt` feature"), "{hmac}");
    }

    #[test]
    fn passwords_in_urls_are_redacted() {
        assert_eq!(redact_url("https://u:p%40ss@h/x"), "https://u:[REDACTED]@h/x");
        assert_eq!(redact_url("https://u@h/x"), "https://u@h/x");
        assert_eq!(redact_url("https://h/x"), "https://h/x");
        assert_eq!(redact_url("https://u:pw@[::1"), "https://u:[REDACTED]@[::1");
        assert_eq!(redact_url("not a url"), "not a url");
    }

    #[test]
    fn userinfo_authorization_is_what_reqwest_derives() {
        let http = reqwest::Client::new();
        for raw in ["https://u:p%40ss@h/", "https://u@h/", "https://:pw@h/", "https://%C3%A9:%20@h/x"] {
            let url = Url::parse(raw).unwrap();
            let request = http.get(url.clone()).build().unwrap();
            let derived = request.headers().get(reqwest::header::AUTHORIZATION);
            assert!(derived.is_some(), "{raw}");
            assert_eq!(derived, userinfo_authorization(&url).as_ref(), "{raw}");
        }
        assert!(userinfo_authorization(&Url::parse("https://h/").unwrap()).is_none());
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
