//! The simulator handle: binding, serving and shutting down.

use std::{
    future::poll_fn,
    io,
    net::SocketAddr,
    sync::{Arc, Mutex, PoisonError},
    time::Duration,
};

use axum::{response::IntoResponse as _, serve::Listener};
use tokio::{
    net::{TcpListener, TcpStream},
    sync::oneshot,
};

use oauth_runtime::{Provider, provider::ProviderSpec};

use crate::{
    Counters, Fault, SimConfig, SimRequest, Target, Vendor, config::Kind, generic, http, log::Origin, state::Shared,
};

/// Carries every request out to the end even when its client disconnects, as a real server
/// does: a token request the client abandoned still issues its token and rotates the refresh
/// token, so a client that loses the rotated refresh token cannot pass unnoticed.
async fn run_to_completion(request: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    match tokio::spawn(next.run(request)).await {
        Ok(response) => response,
        Err(_) => axum::http::StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// A running simulator of one vendor on `127.0.0.1` and an ephemeral port: one of the four
/// vendors ([`Simulator::start`]) or any declared one ([`Simulator::for_spec`],
/// [`Simulator::for_provider`]).
///
/// The server runs on the Tokio runtime that called [`Simulator::start`] and
/// stops when the `Simulator` is dropped: the listening socket is closed at
/// once (new connections are refused), requests in flight are answered and
/// idle keep-alive connections are closed.
#[derive(Debug)]
pub struct Simulator {
    /// The API's address (the only one without separate origins).
    addr: SocketAddr,
    /// The authorization server's address (`addr` without separate origins).
    auth_addr: SocketAddr,
    shared: Arc<Shared>,
    listeners: Vec<Arc<Mutex<Option<TcpListener>>>>,
    shutdown: Vec<oneshot::Sender<()>>,
}

/// A listener on `127.0.0.1` and an ephemeral port.
async fn bind() -> io::Result<(TcpListener, SocketAddr)> {
    let listener = TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, 0)).await?;
    let addr = listener.local_addr()?;
    Ok((listener, addr))
}

/// What one listener serves: everything (`Origin::Shared`), or one origin's endpoints with the
/// other's refused. Every request is logged, then carried out to the end.
fn app(shared: &Arc<Shared>, origin: Origin) -> axum::Router {
    let routes = match origin {
        // The user's API routes answer 421 at the authorization server's origin.
        Origin::Auth => generic::misdirected_routes(shared),
        _ => generic::routes(shared),
    };
    let app = match shared.config.kind() {
        Kind::Vendor(vendor) => vendor.router().merge(routes).fallback(http::not_found),
        Kind::Spec(_) => routes.fallback(generic::dispatch),
    };
    let state = (Arc::clone(shared), origin);
    let mut app = app.with_state(Arc::clone(shared));
    if origin != Origin::Shared {
        app = app.layer(axum::middleware::from_fn_with_state(state.clone(), crate::origin::guard));
    }
    app.layer(axum::middleware::from_fn_with_state(state, crate::log::record))
        .layer(axum::middleware::from_fn(run_to_completion))
}

/// Serves `app` on `listener` (over TLS with [`SimConfig::tls`]) until the sender returned is
/// used or dropped.
fn serve(shared: &Shared, app: axum::Router, listener: SharedListener) -> io::Result<oneshot::Sender<()>> {
    let (shutdown, stopped) = oneshot::channel::<()>();
    let stopped = async move {
        let _ = stopped.await;
    };
    let service = app.into_make_service_with_connect_info::<crate::peer::Peer>();
    #[cfg(feature = "tls")]
    if let Some(tls) = &shared.config.tls {
        let server = axum::serve(tls.listener(listener)?, service).with_graceful_shutdown(stopped);
        tokio::spawn(std::future::IntoFuture::into_future(server));
        return Ok(shutdown);
    }
    let _ = shared;
    let server = axum::serve(listener, service).with_graceful_shutdown(stopped);
    tokio::spawn(std::future::IntoFuture::into_future(server));
    Ok(shutdown)
}

impl Simulator {
    /// Starts a simulator of `vendor` with [`SimConfig::for_vendor`].
    ///
    /// Must be called within a Tokio runtime.
    pub async fn start(vendor: Vendor) -> io::Result<Simulator> {
        Simulator::start_with(SimConfig::for_vendor(vendor)).await
    }

    /// Starts a simulator of a vendor declared by `spec`, accepting the [`hostile`] default
    /// credentials of [`SimConfig::for_spec`]: build the client from
    /// [`Simulator::config`]'s values. [`Simulator::for_provider`] takes your credentials
    /// instead.
    ///
    /// [`hostile`]: crate::hostile
    ///
    /// Must be called within a Tokio runtime.
    ///
    /// ```
    /// use oauth_runtime::provider::ProviderSpec;
    /// use oauth_sim::Simulator;
    ///
    /// const SPEC: ProviderSpec = ProviderSpec::minimal("Example", "/oauth/token");
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sim = Simulator::for_spec(&SPEC).await?;
    /// assert!(sim.token_url().ends_with("/oauth/token"));
    /// # Ok(()) }
    /// ```
    pub async fn for_spec(spec: &'static ProviderSpec) -> io::Result<Simulator> {
        Simulator::start_with(SimConfig::for_spec(spec)).await
    }

    /// Starts a simulator of `P`'s vendor that accepts exactly the credentials in `provider`
    /// (pass a clone of the value your client is built from).
    ///
    /// Must be called within a Tokio runtime.
    ///
    /// ```
    /// use oauth_runtime::{Credential, Provider, Secret, provider::ProviderSpec};
    /// use oauth_sim::Simulator;
    ///
    /// #[derive(Clone)]
    /// struct Example { client_id: String, client_secret: Secret }
    /// impl Provider for Example {
    ///     const SPEC: &'static ProviderSpec = &ProviderSpec::minimal("Example", "/token");
    ///     fn credentials(self) -> Vec<Credential> { vec![self.client_id.into(), self.client_secret.into()] }
    /// }
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let mine = Example { client_id: "id".into(), client_secret: Secret::from("s3cr:et +&") };
    /// let sim = Simulator::for_provider(mine.clone()).await?;
    /// let client = mine.client(&sim.base_url())?;
    /// client.token().await?;
    /// assert_eq!(sim.counters().token_requests, 1);
    /// # Ok(()) }
    /// ```
    pub async fn for_provider<P: Provider>(provider: P) -> io::Result<Simulator> {
        Simulator::start_with(SimConfig::for_provider(provider)).await
    }

    /// Starts a simulator of what the configuration describes ([`SimConfig::for_vendor`],
    /// [`SimConfig::for_spec`], [`SimConfig::for_provider`]) with that configuration.
    ///
    /// Must be called within a Tokio runtime.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use oauth_sim::{SimConfig, Simulator, Vendor};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let config = SimConfig::for_vendor(Vendor::MpsMonitor).rotate_refresh_tokens(false);
    /// let sim = Simulator::start_with(config).await?;
    /// assert_eq!(sim.vendor(), Some(Vendor::MpsMonitor));
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// When no port can be bound, a spec simulator's protected path does not start with `/`
    /// or is one of its token or refresh paths, or the spec declares DPoP and the `jwt`
    /// feature is off.
    ///
    /// # Panics
    ///
    /// When a path given to [`SimConfig::route`] is not a valid axum route or is given twice,
    /// as [`axum::Router::route`] does.
    pub async fn start_with(config: SimConfig) -> io::Result<Simulator> {
        check_paths(&config)?;
        #[cfg(feature = "tls")]
        let scheme = if config.tls.is_some() { "https" } else { "http" };
        #[cfg(not(feature = "tls"))]
        let scheme = "http";
        let separate = config.separate_origins;
        let auth = bind().await?;
        let api = if separate { Some(bind().await?) } else { None };
        let auth_url = format!("{scheme}://{}", auth.1);
        let api_url = api.as_ref().map_or_else(|| auth_url.clone(), |(_, addr)| format!("{scheme}://{addr}"));
        let shared = Arc::new(Shared::new(config, auth_url, api_url));
        let (auth_addr, addr) = (auth.1, api.as_ref().map_or(auth.1, |(_, addr)| *addr));
        let listeners = match api {
            Some(api) => vec![(auth, Origin::Auth), (api, Origin::Api)],
            None => vec![(auth, Origin::Shared)],
        };
        let mut sim = Simulator { addr, auth_addr, shared, listeners: Vec::new(), shutdown: Vec::new() };
        for ((listener, at), origin) in listeners {
            let listener = Arc::new(Mutex::new(Some(listener)));
            sim.listeners.push(Arc::clone(&listener));
            sim.shutdown.push(serve(
                &sim.shared,
                app(&sim.shared, origin),
                SharedListener { inner: listener, addr: at },
            )?);
        }
        Ok(sim)
    }

    /// The simulated vendor, or `None` for a spec simulator.
    pub fn vendor(&self) -> Option<Vendor> {
        self.shared.config.vendor()
    }

    /// The provider model the simulator serves ([`SimConfig::spec`]).
    pub fn spec(&self) -> &'static ProviderSpec {
        self.shared.config.spec()
    }

    /// The configuration the simulator was started with (later
    /// [`Simulator::set_token_lifetime`] calls are not reflected here).
    pub fn config(&self) -> &SimConfig {
        &self.shared.config
    }

    /// `http://127.0.0.1:PORT` (`https://` with [`SimConfig::tls`]), without a trailing slash:
    /// the one origin of the simulator, what `client(&sim.base_url())` takes. With
    /// [`SimConfig::separate_origins`] it is the API's origin ([`Simulator::api_base_url`]),
    /// as `ClientBuilder::base_url` takes it, and the token endpoints are at
    /// [`Simulator::auth_base_url`].
    pub fn base_url(&self) -> String {
        self.api_base_url()
    }

    /// The origin of the token, refresh, revocation, metadata and authorization endpoints,
    /// for `ClientBuilder::auth_base_url`: [`Simulator::base_url`] unless
    /// [`SimConfig::separate_origins`].
    ///
    /// ```
    /// # use oauth_sim::{SimConfig, Simulator, Vendor};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let one = Simulator::start(Vendor::Deyel).await?;
    /// assert_eq!(one.auth_base_url(), one.api_base_url());
    /// let two = Simulator::start_with(SimConfig::for_vendor(Vendor::Deyel).separate_origins(true)).await?;
    /// assert_ne!(two.auth_base_url(), two.api_base_url());
    /// assert!(two.token_url().starts_with(&two.auth_base_url()));
    /// assert!(two.protected_url().starts_with(&two.api_base_url()));
    /// # Ok(()) }
    /// ```
    pub fn auth_base_url(&self) -> String {
        self.shared.base_url.clone()
    }

    /// The origin of the protected API and the [`SimConfig::route`]s, for
    /// `ClientBuilder::base_url`: [`Simulator::base_url`].
    pub fn api_base_url(&self) -> String {
        self.shared.api_base_url.clone()
    }

    /// The address the simulator listens on; with [`SimConfig::separate_origins`], the API's
    /// ([`Simulator::auth_addr`] is the authorization server's).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The address of the authorization server's listener: [`Simulator::addr`] unless
    /// [`SimConfig::separate_origins`].
    pub fn auth_addr(&self) -> SocketAddr {
        self.auth_addr
    }

    /// The full URL of the token endpoint.
    pub fn token_url(&self) -> String {
        format!("{}{}", self.auth_base_url(), self.spec().token.path)
    }

    /// The full URL of the refresh endpoint, if the vendor has one.
    pub fn refresh_url(&self) -> Option<String> {
        let path = self.spec().refresh.path()?;
        Some(format!("{}{}", self.auth_base_url(), path))
    }

    /// The full URL of the revocation endpoint (RFC 7009), if the spec declares one.
    pub fn revocation_url(&self) -> Option<String> {
        Some(format!("{}{}", self.auth_base_url(), self.spec().revocation_path?))
    }

    /// The issuer identifier a spec simulator's metadata document describes (RFC 8414): its
    /// base URL, followed by the spec's `issuer` when that is a path. Its document is at
    /// `/.well-known/oauth-authorization-server` (before that path) and at the issuer's
    /// `/.well-known/openid-configuration`.
    pub fn issuer(&self) -> String {
        crate::generic::endpoints::issuer(&self.shared)
    }

    /// Whether the revocation endpoint revoked `token`: itself, or as part of the family of
    /// a revoked refresh token.
    pub fn is_revoked(&self, token: &str) -> bool {
        self.shared.is_revoked(token)
    }

    /// The subject token the access token `access` was issued for by token exchange (RFC
    /// 8693), if it was.
    pub fn subject_of(&self, access: &str) -> Option<String> {
        self.shared.subject_of(access)
    }

    /// The path of the protected API endpoint ([`SimConfig::protected_path`]).
    pub fn protected_path(&self) -> &str {
        &self.shared.config.protected_path
    }

    /// The full URL of the protected API endpoint.
    pub fn protected_url(&self) -> String {
        format!("{}{}", self.api_base_url(), self.protected_path())
    }

    /// A snapshot of the request counters.
    pub fn counters(&self) -> Counters {
        self.shared.counters()
    }

    /// The most recent requests the simulator received, oldest first, decoded: token, refresh,
    /// API, revocation, metadata and authorization requests, refused, faulted and misdirected
    /// ones included, at every origin. At most [`SimConfig::request_log`] (1000 by default)
    /// are kept; [`Simulator::clear_requests`] forgets them. The counters count every request
    /// whatever the log keeps.
    ///
    /// ```
    /// use oauth_runtime::provider::ProviderSpec;
    /// use oauth_sim::{RouteKind, Simulator};
    ///
    /// const SPEC: ProviderSpec = ProviderSpec::minimal("Example", "/token");
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let sim = Simulator::for_spec(&SPEC).await?;
    /// reqwest::get(sim.protected_url()).await?;
    /// let api = &sim.requests()[0];
    /// assert_eq!((api.kind(), api.status(), api.bearer_token()), (Some(RouteKind::Api), Some(401), None));
    /// sim.clear_requests();
    /// assert!(sim.requests().is_empty());
    /// # Ok(()) }
    /// ```
    pub fn requests(&self) -> Vec<SimRequest> {
        self.shared.requests.snapshot()
    }

    /// Forgets the requests logged so far ([`Simulator::requests`]); the counters stay.
    pub fn clear_requests(&self) {
        self.shared.requests.clear();
    }

    /// Serves `fault` to the next `times` requests to `target`. Faults
    /// injected earlier for the same target are served first.
    pub fn inject(&self, target: Target, fault: Fault, times: usize) {
        self.shared.inject(target, fault, times);
    }

    /// Serves `fault` to a share `rate` (0.0 to 1.0) of the requests to `target` that no
    /// queued fault answers, drawn from a fixed pseudo-random sequence. Setting the same fault
    /// again replaces its rate; a rate of 0 removes it.
    ///
    /// ```
    /// # use oauth_sim::{Fault, Simulator, Target, Vendor};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sim = Simulator::start(Vendor::Deyel).await?;
    /// sim.set_fault_rate(Target::Token, Fault::status(503), 0.05);
    /// sim.set_fault_rate(Target::Token, Fault::too_many_requests(None), 0.02);
    /// # Ok(()) }
    /// ```
    pub fn set_fault_rate(&self, target: Target, fault: Fault, rate: f64) {
        self.shared.set_fault_rate(target, fault, rate);
    }

    /// Drops every fault still queued, and every fault rate.
    pub fn clear_faults(&self) {
        self.shared.clear_faults();
    }

    /// Makes every access token issued so far expired server-side; tokens
    /// issued afterwards are unaffected.
    pub fn expire_tokens(&self) {
        self.shared.expire_access_tokens();
    }

    /// Makes every refresh token issued so far invalid.
    pub fn revoke_refresh_tokens(&self) {
        self.shared.revoke_refresh_tokens();
    }

    /// Sets the lifetime of access tokens issued from now on.
    pub fn set_token_lifetime(&self, lifetime: Duration) {
        self.shared.set_token_lifetime(lifetime);
    }

    /// The lifetime of access tokens issued from now on.
    pub fn token_lifetime(&self) -> Duration {
        self.shared.token_lifetime()
    }

    /// The full URL of the device authorization endpoint, if the spec declares one.
    pub fn device_authorization_url(&self) -> Option<String> {
        Some(format!("{}{}", self.auth_base_url(), self.spec().authorization.device_path?))
    }

    /// The full URL of the authorization endpoint, if the spec declares one.
    pub fn authorization_url(&self) -> Option<String> {
        Some(format!("{}{}", self.auth_base_url(), self.spec().authorization.authorization_path?))
    }

    /// The person approves the device authorization whose user code is `user_code` (in any
    /// case, with or without its dash): the next poll after
    /// [`SimConfig::device_pending_polls`] pending ones gets the token. `false` if no device
    /// code has this user code (never issued, used, or expired).
    ///
    /// ```
    /// use std::time::Duration;
    /// use oauth_runtime::{Credential, Provider, provider::*};
    /// use oauth_sim::{SimConfig, Simulator};
    ///
    /// struct Tv { client_id: String }
    /// impl Provider for Tv {
    ///     const SPEC: &'static ProviderSpec = &ProviderSpec::new(
    ///         "Tv",
    ///         TokenEndpoint::new("/token", Grant::DeviceCode).with_client_auth(ClientAuth::None),
    ///     )
    ///     .with_fields(&[FieldSpec::new("client_id", Role::ClientId)])
    ///     .with_authorization(AuthorizationEndpoints::device("/device/code"));
    ///     fn credentials(self) -> Vec<Credential> { vec![self.client_id.into()] }
    /// }
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let config = SimConfig::for_provider(Tv { client_id: "tv".into() }).device_interval(Duration::ZERO);
    /// let sim = Simulator::start_with(config).await?;
    /// let client = Tv { client_id: "tv".into() }.client(&sim.base_url())?;
    /// let token = client.authorize_device(|prompt| assert!(sim.approve_device(prompt.user_code()))).await?;
    /// assert_eq!(client.get(sim.protected_path()).send().await?.status(), 200);
    /// # let _ = token; Ok(()) }
    /// ```
    pub fn approve_device(&self, user_code: &str) -> bool {
        self.shared.decide_device(user_code, Some(true))
    }

    /// The person denies the device authorization of `user_code`: the next poll is answered
    /// `access_denied`. `false` if no device code has this user code.
    pub fn deny_device(&self, user_code: &str) -> bool {
        self.shared.decide_device(user_code, Some(false))
    }

    /// The device code of `user_code` expires now: the next poll is answered `expired_token`.
    /// `false` if no device code has this user code.
    pub fn expire_device(&self, user_code: &str) -> bool {
        self.shared.decide_device(user_code, None)
    }

    /// The next `polls` polls of any device code are answered `slow_down`, each adding
    /// [`SimConfig::slow_down_increment`] to that code's interval.
    pub fn demand_slow_down(&self, polls: usize) {
        self.shared.demand_slow_down(polls);
    }

    /// Whether the person denies the authorization code requests from now on (default
    /// false): the authorization endpoint then redirects with `error=access_denied`.
    pub fn deny_authorizations(&self, deny: bool) {
        self.shared.deny_authorizations(deny);
    }

    /// A refresh token of a new grant, as if a person had authorized the client elsewhere: for
    /// refresh-only clients (`grant = "refresh_token"`) and clients seeded with
    /// `ClientBuilder::refresh_token`. It lives [`SimConfig::refresh_lifetime`].
    pub fn issue_refresh_token(&self) -> String {
        let refresh = crate::token::b64token(32);
        self.shared.remember_refresh(&refresh, self.shared.refresh_lifetime(), self.shared.new_grant());
        refresh
    }
}

/// A spec simulator's protected path must be a path of its own.
fn check_paths(config: &SimConfig) -> io::Result<()> {
    let spec = config.spec();
    let path = config.protected_path.as_str();
    let bare = |p: &str| p.split_once('?').map_or(p, |(p, _)| p).to_owned();
    let endpoints = &spec.authorization;
    let taken = [
        Some(spec.token.path),
        spec.refresh.path(),
        endpoints.device_path,
        endpoints.authorization_path,
        endpoints.par_path,
    ]
    .into_iter()
    .flatten()
    .any(|p| bare(p) == path);
    if config.vendor().is_none() && (!path.starts_with('/') || taken) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("protected path {path:?} must start with `/` and differ from the token and refresh paths"),
        ));
    }
    // Checking DPoP proofs takes the JOSE crate; without it a DPoP vendor cannot be simulated
    // strictly, so it is not simulated at all.
    if cfg!(not(feature = "jwt")) && config.vendor().is_none() && spec.presentation.dpop_alg().is_some() {
        return Err(io::Error::new(
            io::ErrorKind::Unsupported,
            format!("{} presents tokens with DPoP: simulating it needs the `jwt` feature of oauth-sim", spec.name),
        ));
    }
    Ok(())
}

impl Drop for Simulator {
    fn drop(&mut self) {
        for shutdown in self.shutdown.drain(..) {
            let _ = shutdown.send(());
        }
        // Closing the sockets here, not in the server tasks, means connections
        // are refused as soon as `drop` returns.
        for listener in &self.listeners {
            drop(listener.lock().unwrap_or_else(PoisonError::into_inner).take());
        }
    }
}

/// A listener the [`Simulator`] can close from `Drop` while the server task
/// is waiting on it.
pub(crate) struct SharedListener {
    inner: Arc<Mutex<Option<TcpListener>>>,
    addr: SocketAddr,
}

impl SharedListener {
    fn poll_accept(
        &self,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<io::Result<(TcpStream, SocketAddr)>>> {
        let guard = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        match guard.as_ref() {
            Some(listener) => listener.poll_accept(cx).map(Some),
            None => std::task::Poll::Ready(None),
        }
    }
}

impl Listener for SharedListener {
    type Io = TcpStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (TcpStream, SocketAddr) {
        loop {
            match poll_fn(|cx| self.poll_accept(cx)).await {
                Some(Ok(accepted)) => return accepted,
                // Typically EMFILE or an aborted handshake; back off a little.
                Some(Err(_)) => tokio::time::sleep(Duration::from_millis(10)).await,
                // Closed by `Drop`; the shutdown signal ends the server.
                None => std::future::pending::<()>().await,
            }
        }
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        Ok(self.addr)
    }
}

#[cfg(all(test, not(feature = "jwt")))]
mod tests {
    /// Without the JOSE crate a DPoP vendor cannot be checked strictly: it is not simulated.
    #[tokio::test]
    async fn a_dpop_spec_needs_the_jwt_feature() {
        use oauth_runtime::provider::{Presentation, ProviderSpec};
        static SPEC: ProviderSpec = ProviderSpec::minimal("V", "/token").with_presentation(Presentation::DPOP);
        let error = super::Simulator::for_spec(&SPEC).await.unwrap_err();
        assert_eq!(error.kind(), std::io::ErrorKind::Unsupported);
        assert!(error.to_string().contains("`jwt` feature"), "{error}");
    }
}
