//! The client: a vendor's credentials, its token cache and its transport.
//!
//! `builder` configures one, `renew` obtains tokens, `api` sends authenticated calls.

mod api;
mod builder;
mod fleet;
mod lease;
mod renew;

use std::{
    collections::HashMap,
    fmt,
    marker::PhantomData,
    sync::{Arc, Mutex, PoisonError},
    time::Duration,
};

use reqwest::Method;
use url::Url;

pub use api::ApiRequest;
pub use builder::ClientBuilder;
pub use lease::Authorization;

use crate::{
    TokenParams,
    cache::{Entry, TokenCache, TokenHook},
    credential::Credential,
    error::Error,
    provider::{Provider, ProviderSpec},
    request::{self, TokenRequest},
    token::Token,
    transport::Transport,
};

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
pub struct Client<P> {
    inner: Arc<Inner>,
    /// The token parameters this handle uses, with their cache.
    session: Arc<Session>,
    _provider: PhantomData<fn() -> P>,
}

impl<P> Clone for Client<P> {
    fn clone(&self) -> Self {
        Client { inner: self.inner.clone(), session: self.session.clone(), _provider: PhantomData }
    }
}

/// Everything that does not depend on the provider type, so it is compiled once.
pub(crate) struct Inner {
    spec: &'static ProviderSpec,
    /// Where API calls go.
    base: Url,
    /// Where token requests go.
    auth_base: Url,
    credentials: Vec<Credential>,
    transport: Transport,
    /// Longest a caller waits for a token.
    deadline: Duration,
    /// Largest API body read into a typed value.
    max_api_body: usize,
    skew: Duration,
    on_token: Option<TokenHook>,
    /// One session per token parameter set, kept for the client's lifetime.
    sessions: Mutex<HashMap<TokenParams, Arc<Session>>>,
    /// The token store shared with other clients, and its lock's lifetime.
    store: Option<(Arc<dyn crate::store::TokenStore>, Duration)>,
}

/// The tokens of one parameter set: their cache, with its own single flight, and the grant
/// request that obtains them.
pub(crate) struct Session {
    params: TokenParams,
    /// Built once: it depends on nothing but the credentials, the URL and the parameters.
    grant_request: TokenRequest,
    cache: Arc<TokenCache>,
    /// Where the tokens are shared with other clients, if anywhere.
    fleet: Option<fleet::Fleet>,
}

impl<P: Provider> Client<P> {
    /// Starts configuring a client for the credentials in `provider`.
    pub fn builder(provider: P) -> ClientBuilder<P> {
        ClientBuilder::new(provider)
    }

    /// The vendor's description.
    pub fn spec(&self) -> &'static ProviderSpec {
        self.inner.spec
    }
}

impl<P> Client<P> {
    /// The base URL API calls go to.
    pub fn base_url(&self) -> &Url {
        &self.inner.base
    }

    /// The base URL token requests go to (the API's unless the vendor or the builder set
    /// another).
    pub fn auth_base_url(&self) -> &Url {
        &self.inner.auth_base
    }

    /// The underlying HTTP client (no redirects, the connect timeout; requests made on it
    /// directly get no total timeout unless you set one), shared with every client on the same
    /// [`HttpTransport`](crate::HttpTransport).
    pub fn http(&self) -> &reqwest::Client {
        &self.inner.transport.http
    }

    /// A usable token: the cached one, or a new one if there is none or it expired.
    ///
    /// A token due for renewal but not yet expired is returned at once while the renewal runs
    /// in the background. Concurrent callers share one token request; all of them get its
    /// token or its error. Dropping the returned future never cancels a token request: the
    /// renewal runs in a task of its own and its token is stored for the next caller.
    ///
    /// # Errors
    ///
    /// The renewal's error, or [`Error::Deadline`] when no token arrived within the
    /// [token deadline](ClientBuilder::token_deadline).
    pub async fn token(&self) -> Result<Arc<Token>, Error> {
        Ok(self.inner.entry(&self.session).await?.token.clone())
    }

    /// The cached token if it is valid and not due for renewal; never does I/O, never waits.
    pub fn cached_token(&self) -> Option<Arc<Token>> {
        self.session.cache.with_fresh(|e| e.token.clone())
    }

    /// Whether a valid cached token is present (the hot-path check, without cloning anything).
    pub fn has_fresh_token(&self) -> bool {
        self.session.cache.with_fresh(|_| ()).is_some()
    }

    /// Renews the token now (with the refresh token where the vendor has one), whatever the
    /// cached token's state, and returns the new token.
    ///
    /// If a renewal is already in flight, this joins it. If the renewal fails, the error is
    /// returned and a still-valid cached token stays in use.
    pub async fn refresh(&self) -> Result<Arc<Token>, Error> {
        let (inner, session) = (&self.inner, &self.session);
        Ok(session.cache.force(inner.deadline, |current| inner.renewal(session, current)).await?.token.clone())
    }

    /// An API call to `path` with the token attached.
    ///
    /// A relative `path` is joined to the [base URL](Self::base_url) by plain concatenation:
    /// with a base of `https://api.example.com/v2`, `things`, `/things` and `//things` all
    /// give `https://api.example.com/v2/things` (the base's path prefix is kept, leading
    /// slashes are one separator, a trailing slash on the base makes no difference), and a
    /// `?query` in `path` is kept. Dot segments (`..`) are resolved, but never past the host.
    ///
    /// An absolute URL is accepted only on the base URL's origin (scheme, host and port): the
    /// token must never reach another host. Any other origin makes the call fail with
    /// [`Error::Config`] when sent.
    pub fn request(&self, method: Method, path: &str) -> ApiRequest {
        ApiRequest::new(self.inner.clone(), self.session.clone(), self.inner.builder(method, path), None)
    }

    /// A call of the declared operation `name` (its tracing span and errors carry the name).
    /// Generated operations call this with their template's pieces; a `&str` path works as in
    /// [`Self::request`].
    ///
    /// A path argument that is empty, or a dot segment (`.`, `..`, `..;x`, `%2E%2E`, which URL
    /// parsing or the server would resolve), makes the call fail with [`Error::Argument`] when
    /// sent, and nothing is sent: a value cannot move a call to another endpoint. So does a
    /// `&str` path holding a dot segment. Arguments are encoded as one segment each, `;`
    /// included (see [`encode_segment`](crate::encode_segment)).
    pub fn operation<'a>(
        &self,
        name: &'static str,
        method: Method,
        path: impl Into<crate::path::OperationPath<'a>>,
    ) -> ApiRequest {
        let builder = match path.into().render() {
            Ok(path) => self.inner.builder(method, &path),
            Err(message) => Err(Error::argument(self.inner.spec.name, Some(name), message)),
        };
        ApiRequest::new(self.inner.clone(), self.session.clone(), builder, Some(name))
    }

    /// A handle on the same client whose tokens are requested with `params` (scope, audience,
    /// resource). Each parameter set has its own token cache and single flight, kept for the
    /// client's lifetime, so handles for one set share tokens and a caller never receives a
    /// token requested for another set. Cheap enough to call per request.
    ///
    /// ```no_run
    /// # async fn demo<P>(client: oauth_runtime::Client<P>) -> Result<(), oauth_runtime::Error> {
    /// use oauth_runtime::TokenParams;
    /// let reader = client.with_token_params(TokenParams::new().scope("orders:read"));
    /// let orders = reader.get("/orders").send().await?;
    /// # Ok(()) }
    /// ```
    pub fn with_token_params(&self, params: TokenParams) -> Client<P> {
        let session = self.inner.session(params);
        Client { inner: self.inner.clone(), session, _provider: PhantomData }
    }

    /// The token parameters of this handle.
    pub fn token_params(&self) -> &TokenParams {
        &self.session.params
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

impl<P> fmt::Debug for Client<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("vendor", &self.inner.spec.name)
            .field("base_url", &builder::redact_url(self.inner.base.as_str()))
            .field("auth_base_url", &builder::redact_url(self.inner.auth_base.as_str()))
            .field("credentials", &self.inner.credentials)
            .field("token_params", &self.session.params)
            .field("token", &self.session.cache.current().map(|e| e.token.clone()))
            .finish_non_exhaustive()
    }
}

impl Inner {
    /// A request builder for `path` (relative, or absolute on the API's origin).
    fn builder(&self, method: Method, path: &str) -> Result<reqwest::RequestBuilder, Error> {
        let url = match Url::parse(path) {
            Ok(absolute) if absolute.origin() == self.base.origin() => absolute,
            Ok(absolute) => {
                return Err(Error::config(format!(
                    "{}: refusing to send the token to {}, which is not the API's origin {}",
                    self.spec.name,
                    absolute.origin().ascii_serialization(),
                    self.base.origin().ascii_serialization()
                )));
            }
            Err(_) => request::join(&self.base, path),
        };
        Ok(self.transport.http.request(method, url))
    }

    /// The session of `params`, created on first use.
    fn session(&self, params: TokenParams) -> Arc<Session> {
        let mut sessions = self.sessions.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(session) = sessions.get(&params) {
            return session.clone();
        }
        let session = Arc::new(Session {
            grant_request: request::grant(self.spec, &self.auth_base, &self.credentials, &params),
            cache: Arc::new(TokenCache::new(self.spec.name, self.skew, self.on_token.clone())),
            fleet: self
                .store
                .as_ref()
                .map(|(store, ttl)| fleet::Fleet::new(store.clone(), store.key(&self.key_id(&params)), *ttl)),
            params: params.clone(),
        });
        sessions.insert(params, session.clone());
        session
    }

    /// What identifies `params`' tokens in a store: no secret credential.
    fn key_id<'a>(&'a self, params: &'a TokenParams) -> crate::store::KeyId<'a> {
        let public = self
            .spec
            .fields
            .iter()
            .zip(&self.credentials)
            .filter(|(_, c)| !c.is_secret())
            .map(|(f, c)| (f.name, c.expose()))
            .collect();
        crate::store::KeyId { vendor: self.spec.name, token_url: self.auth_base.as_str(), public, params }
    }

    /// Calls `f` with every secret an excerpt must not show: the secret credentials and
    /// `session`'s cached token and refresh token.
    fn with_secrets<R>(&self, session: &Session, f: impl FnOnce(&[&str]) -> R) -> R {
        let current = session.cache.current();
        let mut secrets: Vec<&str> =
            self.credentials.iter().filter(|c| c.is_secret()).map(Credential::expose).collect();
        if let Some(entry) = &current {
            secrets.push(entry.token.access_token().expose_secret());
            if let Some(rt) = entry.token.refresh_token() {
                secrets.push(rt.expose_secret());
            }
        }
        f(&secrets)
    }

    /// A usable cache entry, renewing in the background or waiting as needed.
    async fn entry(self: &Arc<Self>, session: &Arc<Session>) -> Result<Arc<Entry>, Error> {
        session.cache.get(self.deadline, |current| self.renewal(session, current)).await
    }
}
