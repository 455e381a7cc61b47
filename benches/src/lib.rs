//! Side-by-side benchmarks of the generated clients against hand-written glue.
//!
//! Everything here is shared by the divan benches (`cargo bench -p oauth-bench`), the
//! examples (`herd`, `interleaved`, `instructions`: `cargo run --release -p oauth-bench
//! --example NAME`) and the smoke tests that keep them working in CI (which never looks at a
//! time). `benches/build_cost.py` measures the build side. The figures and the exact commands
//! are in `BENCHMARKS.md` at the repository root.
//!
//! - [`baseline`]: what hand-written code keeps instead of the client's cache (a token behind
//!   a `Mutex` or an `RwLock`, read the way `golang.org/x/oauth2`'s `ReuseTokenSource` does);
//! - [`ApiServer`]: a minimal loopback API that checks one bearer token, for the request
//!   overhead comparison;
//! - [`raw_token_fetch`]: a token request written by hand with `reqwest`, against which the
//!   client's token request is measured;
//! - [`herd`]: many callers at token expiry, counted by the simulator;
//! - [`integrations`]: the client's tokens through `reqwest-middleware` and `tower`;
//! - [`DpopBench`]: a vendor that declares DPoP, for the cost of a proof per call against
//!   Bearer ([`seeded_dpop_client`]);
//! - [`typed`]: a generated typed operation and its hand-written equivalent, compared in
//!   alternating rounds by [`paired`].

use std::{
    io,
    net::SocketAddr,
    sync::Arc,
    time::{Duration, Instant, SystemTime},
};

use axum::{
    Router,
    extract::State,
    http::{HeaderMap, StatusCode, header},
    routing::get,
};
use oauth_runtime::{Error, Provider, Secret, Token, oauth_provider};
use oauth_sim::{SimConfig, Simulator, Vendor};
use oauth_specs::{Deyel, DeyelClient};
use tokio::sync::oneshot;

pub mod baseline;
pub mod herd;
pub mod integrations;
pub mod paired;
pub mod typed;

/// The access token every [`ApiServer`] accepts and every seeded client presents.
pub const BENCH_TOKEN: &str = "bench-access-token-0123456789abcdef";

/// The path of the [`ApiServer`]'s only endpoint.
pub const API_PATH: &str = "/api/v1/me";

/// A loopback API with one endpoint, `GET /api/v1/me`, that answers `200 {"ok":true}` to
/// `Authorization: Bearer` [`BENCH_TOKEN`] (or `Authorization: DPoP` [`BENCH_TOKEN`] with a
/// `DPoP` header) and `401` to anything else.
///
/// It does as little as a server can, so that the comparison of clients is not drowned in
/// server work: it does not verify DPoP proofs (the simulator does, in the tests), so that the
/// DPoP variant measures what the client pays for a proof. It stops when dropped.
#[derive(Debug)]
pub struct ApiServer {
    addr: SocketAddr,
    _shutdown: oneshot::Sender<()>,
}

impl ApiServer {
    /// Starts the server on `127.0.0.1` and an ephemeral port. Must be called within a Tokio
    /// runtime.
    pub async fn start() -> io::Result<ApiServer> {
        let listener = tokio::net::TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, 0)).await?;
        let addr = listener.local_addr()?;
        let expected: Arc<str> = BENCH_TOKEN.into();
        let app = Router::new().route(API_PATH, get(me)).with_state(expected);
        let (shutdown, stopped) = oneshot::channel::<()>();
        let server = axum::serve(listener, app).with_graceful_shutdown(async move {
            let _ = stopped.await;
        });
        tokio::spawn(std::future::IntoFuture::into_future(server));
        Ok(ApiServer { addr, _shutdown: shutdown })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The full URL of the endpoint.
    pub fn url(&self) -> String {
        format!("{}{API_PATH}", self.base_url())
    }
}

async fn me(
    State(expected): State<Arc<str>>,
    headers: HeaderMap,
) -> (StatusCode, [(header::HeaderName, &'static str); 1], &'static str) {
    let authorization = headers.get(header::AUTHORIZATION).map(|v| v.as_bytes()).unwrap_or_default();
    let ok = match authorization.split_at_checked(authorization.iter().position(|b| *b == b' ').unwrap_or(0)) {
        Some((b"Bearer", token)) => &token[1..] == expected.as_bytes(),
        Some((b"DPoP", token)) => &token[1..] == expected.as_bytes() && headers.contains_key("dpop"),
        _ => false,
    };
    let status = if ok { StatusCode::OK } else { StatusCode::UNAUTHORIZED };
    (status, [(header::CONTENT_TYPE, "application/json")], if ok { r#"{"ok":true}"# } else { "{}" })
}

/// The generated Deyel credentials for a simulator's configuration.
pub fn deyel(config: &SimConfig) -> Deyel {
    Deyel { client_id: config.client_id.clone(), client_secret: Secret::from(config.client_secret.clone()) }
}

/// A generated Deyel client aimed at `base_url`, seeded with [`BENCH_TOKEN`] valid for an
/// hour, so it sends no token request: what every API call pays once a token is cached.
///
/// # Errors
///
/// When the client cannot be built.
pub fn seeded_client(base_url: &str) -> Result<DeyelClient, Error> {
    let token = Token::new(BENCH_TOKEN).with_expires_at(SystemTime::now() + Duration::from_secs(3600));
    let creds = Deyel { client_id: "bench".into(), client_secret: Secret::from("bench") };
    creds.client_builder().base_url(base_url).token(token).build()
}

/// Deyel's endpoint declared with DPoP (RFC 9449): every call carries a fresh ES256 proof.
#[oauth_provider(grant = "client_credentials", token_path = "/oauth/token", presentation = "dpop")]
pub struct DpopBench {
    /// The client id.
    pub client_id: String,
    /// The client secret.
    pub client_secret: Secret,
}

/// A [`DpopBench`] client aimed at `base_url`, seeded with [`BENCH_TOKEN`] typed `DPoP` and
/// valid for an hour: what every API call pays once a DPoP token is cached, a proof signed
/// per call included.
///
/// # Errors
///
/// When the client cannot be built.
pub fn seeded_dpop_client(base_url: &str) -> Result<DpopBenchClient, Error> {
    let token =
        Token::new(BENCH_TOKEN).with_token_type("DPoP").with_expires_at(SystemTime::now() + Duration::from_secs(3600));
    let creds = DpopBench { client_id: "bench".into(), client_secret: Secret::from("bench") };
    creds.client_builder().base_url(base_url).token(token).build()
}

/// A generated Deyel client for `sim` that fetches tokens as often as it is asked: the token
/// benches send thousands a second by design, which the storm guard (30 per 10 s by default)
/// would refuse.
///
/// # Errors
///
/// When the client cannot be built.
pub fn token_client(sim: &Simulator) -> Result<DeyelClient, Error> {
    deyel(sim.config())
        .client_builder()
        .base_url(&sim.base_url())
        .max_token_requests(u32::MAX, Duration::from_secs(1))
        .build()
}

/// The `reqwest` client hand-written glue would use: `reqwest::Client::new()`.
pub fn raw_http() -> reqwest::Client {
    reqwest::Client::new()
}

/// Raw `reqwest` configured as the generated client configures its own: no redirects, a 10 s
/// connect timeout, a 30 s total timeout and a `User-Agent`. Against [`raw_http`], it prices
/// those settings; against the client, the SDK itself.
pub fn raw_http_with_settings() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(30))
        .user_agent(concat!("oauth-runtime/", env!("CARGO_PKG_VERSION")))
        .build()
        .expect("a client with these settings builds")
}

/// A token as hand-written glue keeps it after a token request.
#[derive(Debug, Clone)]
pub struct RawToken {
    /// The access token.
    pub access_token: String,
    /// When it expires.
    pub expires_at: Instant,
}

/// Deyel's token request written by hand: `POST` the same form body with HTTP Basic (id and
/// secret form-URL-encoded first, as RFC 6749 section 2.3.1 says) to the simulator's token
/// endpoint, read the body and parse the JSON.
///
/// # Errors
///
/// A transport error, a non-2xx status or a body without `access_token`, as a string.
pub async fn raw_token_fetch(http: &reqwest::Client, sim: &Simulator) -> Result<RawToken, String> {
    let config = sim.config();
    let encode = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let response = http
        .post(sim.token_url())
        .basic_auth(encode(&config.client_id), Some(encode(&config.client_secret)))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body("grant_type=client_credentials")
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if !response.status().is_success() {
        return Err(format!("token endpoint answered {}", response.status()));
    }
    let body = response.bytes().await.map_err(|e| e.to_string())?;
    let json: serde_json::Value = serde_json::from_slice(&body).map_err(|e| e.to_string())?;
    let access_token = json["access_token"].as_str().ok_or("no access_token")?.to_owned();
    let expires_in = json["expires_in"].as_u64().unwrap_or(3600);
    Ok(RawToken { access_token, expires_at: Instant::now() + Duration::from_secs(expires_in) })
}

/// A Deyel simulator with its documented configuration.
///
/// # Errors
///
/// When the port cannot be bound.
pub async fn deyel_sim() -> io::Result<Simulator> {
    Simulator::start(Vendor::Deyel).await
}
