//! The client: a vendor's credentials, its token cache and its transport.
//!
//! `builder` configures one, `renew` obtains tokens, `api` sends authenticated calls.

mod api;
mod builder;
mod engine;
mod exchange;
mod flow;
mod lease;
mod person;
mod renew;
mod revoke;

use std::{
    collections::{HashMap, VecDeque},
    fmt,
    marker::PhantomData,
    sync::{Arc, Mutex, PoisonError, Weak},
    time::Duration,
};

use reqwest::Method;
use url::Url;

pub use api::{Answer, ApiRequest, Page, PageItem, PageStream, PageStyle, Pages, Pagination};
pub use builder::ClientBuilder;
#[cfg(feature = "dpop")]
pub(crate) use flow::error_param as challenge_error_param;
#[cfg_attr(not(any(feature = "reqwest-middleware", feature = "tower")), allow(unused_imports))]
pub(crate) use flow::{Dispatch, Failure};
pub use lease::Authorization;

use crate::{
    TokenParams,
    cache::{Entry, TokenCache, TokenHook},
    error::Error,
    provider::{Provider, ProviderSpec},
    token::Token,
    token_request,
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
    /// The credentials, the grant, the client authentication and the presentation.
    engine: engine::Engine,
    transport: Transport,
    /// Longest a caller waits for a token.
    deadline: Duration,
    /// Longest the authorization code grant waits for the browser's redirect.
    authorization_timeout: Duration,
    /// Largest API body read into a typed value.
    max_api_body: usize,
    /// Whether a person's grant lacking a scope a call declares stops the call (`api::scopes`).
    check_granted_scopes: bool,
    skew: Duration,
    on_token: Option<TokenHook>,
    /// The sessions of the token parameter sets in use.
    sessions: Mutex<Sessions>,
    /// The token store shared with other clients, and its lock's lifetime.
    store: Option<(Arc<dyn crate::store::TokenStore>, Duration)>,
}

/// The sessions of a client, by token parameter set.
///
/// The map holds them weakly: a session lives as long as a handle (or a renewal in flight)
/// holds it, plus while it is among the `idle_max` sessions used last, which the map holds
/// strongly so that handles made per request and dropped keep finding their cached token.
/// Memory is then bounded by the live handles' sessions plus `idle_max`, whatever the number
/// of parameter sets ever used.
pub(crate) struct Sessions {
    map: HashMap<TokenParams, Weak<Session>>,
    /// The sessions used last, oldest first.
    recent: VecDeque<Arc<Session>>,
    idle_max: usize,
    /// When the map reaches this size, its dead entries are pruned (twice the size left by
    /// the last pruning, so that pruning costs O(1) per insertion on average).
    prune_at: usize,
}

/// The smallest size at which the session map is pruned.
const PRUNE_FLOOR: usize = 64;

impl Sessions {
    pub(crate) fn new(idle_max: usize) -> Sessions {
        Sessions { map: HashMap::new(), recent: VecDeque::new(), idle_max, prune_at: PRUNE_FLOOR }
    }

    /// The live session of `params`, marked as used last, and the sessions no longer kept
    /// idle (see [`Sessions::insert`]).
    fn get(&mut self, params: &TokenParams) -> Option<(Arc<Session>, Vec<Arc<Session>>)> {
        let session = self.map.get(params)?.upgrade()?;
        let evicted = self.touch(&session);
        Some((session, evicted))
    }

    /// Adds `session`; returns the sessions no longer kept idle, to be dropped outside the lock
    /// (a session's drop runs the token hook's and the store's drops).
    fn insert(&mut self, session: &Arc<Session>) -> Vec<Arc<Session>> {
        if self.map.len() >= self.prune_at {
            self.map.retain(|_, s| s.strong_count() > 0);
            self.prune_at = (self.map.len() * 2).max(PRUNE_FLOOR);
        }
        self.map.insert(session.params.clone(), Arc::downgrade(session));
        self.touch(session)
    }

    /// Moves `session` to the back of the recent list, and drops the oldest beyond `idle_max`.
    fn touch(&mut self, session: &Arc<Session>) -> Vec<Arc<Session>> {
        if self.idle_max == 0 {
            return Vec::new();
        }
        // The list is short (`idle_max`), and a hit at the back, the common case, is O(1).
        if !self.recent.back().is_some_and(|s| Arc::ptr_eq(s, session)) {
            if let Some(at) = self.recent.iter().position(|s| Arc::ptr_eq(s, session)) {
                self.recent.remove(at);
            }
            self.recent.push_back(session.clone());
        }
        let excess = self.recent.len().saturating_sub(self.idle_max);
        self.recent.drain(..excess).collect()
    }

    /// The sessions alive now.
    fn live(&self) -> Vec<Arc<Session>> {
        self.map.values().filter_map(Weak::upgrade).collect()
    }
}

/// The tokens of one parameter set: their cache, with its own single flight.
pub(crate) struct Session {
    params: TokenParams,
    cache: Arc<TokenCache>,
    /// Where the tokens are shared with other clients, if anywhere, and what this process
    /// knows of its refresh tokens (`renew`).
    renewal: renew::Renewal,
    /// The renewals API 401s caused lately (see `lease.rs`).
    rejections: crate::storm::TokenRequestBudget,
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

    /// The server metadata the client was built from ([`ClientBuilder::metadata`],
    /// [`ClientBuilder::discover`]), with every endpoint the server publishes; `None` for a
    /// client built from its declaration alone.
    pub fn server_metadata(&self) -> Option<&crate::discovery::ServerMetadata> {
        self.inner.engine.metadata.as_deref()
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
    /// renewal runs in a task of its own and its token is stored for the next caller. When
    /// this call caused or joined a renewal, it returns once that renewal's
    /// [`on_token`](ClientBuilder::on_token) hook has run.
    ///
    /// The renewal task runs on the Tokio runtime of the call that started it. If that runtime
    /// shuts down before the renewal ends (a `Runtime` built for one call, a test's runtime),
    /// the renewal is dropped with it and leaves nothing behind: callers waiting on it from
    /// other runtimes start a new one on theirs, and the next call starts afresh. Only what the
    /// dropped renewal had obtained is lost (with a rotating refresh token, the next refresh may
    /// then be refused and the grant run again). Use [`Client::drain`] before shutting a
    /// runtime down to let renewals finish.
    ///
    /// # Errors
    ///
    /// The renewal's error, [`Error::Deadline`] when no token arrived within the
    /// [token deadline](ClientBuilder::token_deadline), or [`Error::Internal`] (transient) when
    /// the renewal panicked or its runtime kept shutting down under it.
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
    /// resource). Each parameter set has its own token cache and single flight, so handles for
    /// one set share tokens and a caller never receives a token requested for another set.
    /// Cheap enough to call per request.
    ///
    /// A set's cache lives as long as a handle for it does, and after the last one is dropped
    /// while it is among the [`max_idle_sessions`](ClientBuilder::max_idle_sessions) sets used
    /// last (64 by default): handles made per request keep finding their token, and a client
    /// that sees unboundedly many sets keeps memory bounded. A set whose cache was reclaimed
    /// gets a new token when next used.
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

    /// How many token parameter sets the client's session map holds an entry for (live or not
    /// yet pruned): for the tests that bound it. Not part of the API.
    #[doc(hidden)]
    pub fn __session_count(&self) -> usize {
        self.inner.sessions.lock().unwrap_or_else(PoisonError::into_inner).map.len()
    }

    /// Waits for every token renewal in flight on this client, for every token parameter set:
    /// the token request, the store's write (with a [store](ClientBuilder::store)) and the
    /// [`on_token`](ClientBuilder::on_token) hook. Call it before the program exits, so that a
    /// renewal running in the background (a token due for renewal is used while it is renewed
    /// behind the caller) is not cut off, and a rotated refresh token is saved.
    ///
    /// The client stays usable: a renewal started after the call began is not waited for, and
    /// dropping the future only stops the wait. Each renewal is bounded by the client's
    /// timeouts and retries; wrap the call in `tokio::time::timeout` to bound the wait more.
    pub async fn drain(&self) {
        let sessions = self.inner.sessions.lock().unwrap_or_else(PoisonError::into_inner).live();
        for session in &sessions {
            session.cache.settle().await;
        }
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
            .field("credentials", &self.inner.engine.credentials)
            .field("token_params", &self.session.params)
            .field("token", &self.session.cache.current().map(|e| e.token.clone()))
            .finish_non_exhaustive()
    }
}

impl Inner {
    /// A request builder for `path` (relative, or absolute on the API's origin).
    fn builder(&self, method: Method, path: &str) -> Result<reqwest::RequestBuilder, Error> {
        let url = match Url::parse(path) {
            Ok(absolute) => {
                self.on_api_origin(absolute).map_err(|reason| Error::config(format!("{}: {reason}", self.spec.name)))?
            }
            Err(_) => token_request::join(&self.base, path),
        };
        Ok(self.transport.http.request(method, url))
    }

    /// `url` if it is on the API's origin (scheme, host and port), or why the token may not go
    /// there: every URL a call is sent to, a page's link included, passes here.
    pub(crate) fn on_api_origin(&self, url: Url) -> Result<Url, String> {
        if url.origin() == self.base.origin() {
            return Ok(url);
        }
        Err(format!(
            "refusing to send the token to {}, which is not the API's origin {}",
            url.origin().ascii_serialization(),
            self.base.origin().ascii_serialization()
        ))
    }

    /// The session of `params`: the live one, or a new one.
    fn session(&self, params: TokenParams) -> Arc<Session> {
        let mut sessions = self.sessions.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((session, evicted)) = sessions.get(&params) {
            drop(sessions);
            drop(evicted);
            return session;
        }
        let session = Arc::new(Session {
            cache: Arc::new(TokenCache::new(
                self.spec.name,
                self.skew,
                self.on_token.clone(),
                self.engine.presentation.clone(),
            )),
            renewal: renew::Renewal::new(
                self.store
                    .as_ref()
                    .map(|(store, ttl)| renew::Fleet::new(store.clone(), store.key(&self.key_id(&params)), *ttl)),
            ),
            params,
            rejections: crate::storm::TokenRequestBudget::new(lease::REJECTION_RENEWALS, lease::REJECTION_WINDOW),
        });
        let evicted = sessions.insert(&session);
        drop(sessions);
        drop(evicted);
        session
    }

    /// What identifies `params`' tokens in a store: every credential, the secret ones too (a
    /// client with a wrong password must never share the right one's tokens), the token URL
    /// and the parameters. Stores see it only through a keyed digest ([`StoreKey::derive`]).
    ///
    /// [`StoreKey::derive`]: crate::store::StoreKey::derive
    fn key_id<'a>(&'a self, params: &'a TokenParams) -> crate::store::KeyId<'a> {
        let credentials = self.engine.credentials.iter().map(|(f, c)| (f.name, c.expose())).collect();
        // The token endpoint itself, not only its base: two providers that share a host but
        // not a token path are two identities.
        let token_url = self.engine.token_url.to_string().into();
        crate::store::KeyId { vendor: self.spec.name, token_url, credentials, params }
    }

    /// Calls `f` with every secret an excerpt must not show: the secret credentials and
    /// `session`'s cached token and refresh token.
    fn with_secrets<R>(&self, session: &Session, f: impl FnOnce(&[&str]) -> R) -> R {
        let current = session.cache.current();
        let mut secrets: Vec<&str> = self.engine.credentials.secrets().collect();
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

#[cfg(test)]
mod tests {
    mod keys {
        use crate::{
            Client, Credential, Provider, Secret, TokenParams,
            provider::*,
            store::{DigestKey, StoreKey},
        };

        struct Owner(&'static str);

        impl Provider for Owner {
            const SPEC: &'static ProviderSpec = &ProviderSpec::minimal("Owner", "/token");
            fn credentials(self) -> Vec<Credential> {
                vec![Credential::from("the-client-id"), Credential::from(Secret::from(self.0))]
            }
        }

        /// Keys bind the secret too (a wrong secret is another identity), the token endpoint and
        /// the token parameters, and name no credential.
        #[test]
        fn store_keys_bind_every_credential_and_name_none() {
            let key = DigestKey::generate();
            let derive = |secret: &'static str, base: &str, params: &TokenParams| {
                let client = Client::builder(Owner(secret)).base_url(base).build().unwrap();
                StoreKey::derive(&key, &client.inner.key_id(params)).as_str().to_owned()
            };
            let (none, scoped) = (TokenParams::new(), TokenParams::new().scope("read"));
            let plain = derive("the-client-secret", "https://h.example", &none);
            assert!(!plain.contains("client") && plain.len() == 64, "{plain}");
            assert_eq!(plain, derive("the-client-secret", "https://h.example", &none), "stable");
            assert_ne!(plain, derive("another-secret", "https://h.example", &none), "the secret is bound");
            assert_ne!(plain, derive("the-client-secret", "https://h.example", &scoped), "the parameters are bound");
            assert_ne!(plain, derive("the-client-secret", "https://other.example", &none), "the endpoint is bound");
            let client = Client::builder(Owner("the-client-secret")).base_url("https://h.example").build().unwrap();
            let id = client.inner.key_id(&none);
            let shown = format!("{id:?}");
            assert!(!shown.contains("the-client-secret") && !shown.contains("the-client-id"), "{shown}");
            assert!(shown.contains("https://h.example/token"), "the token URL itself: {shown}");
        }
    }

    mod sessions {
        use super::super::*;
        use crate::{Credential, Secret, provider::ProviderSpec};

        struct Minimal;

        impl Provider for Minimal {
            const SPEC: &'static ProviderSpec = &ProviderSpec::minimal("Minimal", "/token");
            fn credentials(self) -> Vec<Credential> {
                vec![Credential::from("id"), Credential::from(Secret::from("secret"))]
            }
        }

        fn scoped(client: &Client<Minimal>, scope: &str) -> Client<Minimal> {
            client.with_token_params(TokenParams::new().scope(scope))
        }

        /// Idle sessions are kept up to the bound, the ones used last; live ones whatever the bound;
        /// and the map of dead entries is pruned, so it stays bounded.
        #[test]
        fn sessions_are_kept_while_live_or_among_the_last_idle_ones() {
            let client = Client::builder(Minimal).base_url("https://h").max_idle_sessions(2).build().unwrap();
            let kept = scoped(&client, "kept");
            let idle: Vec<Weak<Session>> =
                (0..5).map(|i| Arc::downgrade(&scoped(&client, &format!("s{i}")).session)).collect();
            let alive: Vec<bool> = idle.iter().map(|w| w.strong_count() > 0).collect();
            assert_eq!(alive, [false, false, false, true, true], "the two used last are kept idle");
            assert!(Arc::ptr_eq(&scoped(&client, "kept").session, &kept.session), "a live handle keeps its session");
            assert!(Arc::ptr_eq(&scoped(&client, "s4").session, &idle[4].upgrade().unwrap()), "an idle one is found");
            for i in 0..1000 {
                drop(scoped(&client, &format!("churn{i}")));
            }
            assert!(client.__session_count() <= 2 * PRUNE_FLOOR, "{}", client.__session_count());
            assert!(Arc::ptr_eq(&scoped(&client, "kept").session, &kept.session));
            assert!(Arc::ptr_eq(&client.with_token_params(TokenParams::new()).session, &client.session));

            let none_idle = Client::builder(Minimal).base_url("https://h").max_idle_sessions(0).build().unwrap();
            let gone = Arc::downgrade(&scoped(&none_idle, "once").session);
            assert_eq!(gone.strong_count(), 0, "with no idle sessions, a dropped handle's is freed at once");
        }
    }
}
