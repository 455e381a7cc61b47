//! The wire events (target `oauth_runtime::wire`, issue 19): one per HTTP exchange from every
//! path (token, refresh, revocation, discovery, device authorization, PAR, `ApiRequest`, the
//! reqwest middleware, the tower layer, `#[oauth_api]` operations), with their fields, over
//! HTTP against the simulators, captured by a `tracing` layer of the test's own.

mod common;

use std::{future::Future, sync::Arc, time::Duration};

use common::*;
use oauth_runtime::{
    Client, Error, Provider, RetryPolicy, Secret, Token,
    middleware::{reqwest::OAuthMiddleware, tower::OAuthLayer},
    oauth_api, oauth_provider,
    reqwest::{self, Url},
};
use oauth_sim::{Fault, SimConfig, Simulator, Target, Vendor, hostile};
use tower::{ServiceBuilder, ServiceExt};
use tracing::Level;

/// The events of `kind`.
fn of_kind<'a>(events: &'a [Event], kind: &str) -> Vec<&'a Event> {
    events.iter().filter(|e| e.field("kind") == kind).collect()
}

/// The event's status, which it must have.
fn status(event: &Event) -> u16 {
    event.field("status").parse().unwrap()
}

fn attempt(event: &Event) -> u32 {
    event.field("attempt").parse().unwrap()
}

/// Every event has the fields every exchange has, at DEBUG, with no header names.
fn assert_common(events: &[Event]) {
    for event in events {
        assert_eq!(event.level, Level::DEBUG, "{event:?}");
        assert_eq!(event.field("message"), "http exchange");
        for name in ["kind", "method", "url", "elapsed_ms", "attempt"] {
            event.field(name);
        }
        assert!(event.field("elapsed_ms").parse::<f64>().unwrap() >= 0.0);
        assert!(event.get("status").is_some() || event.get("error").is_some(), "a status or an error: {event:?}");
    }
}

#[tokio::test]
async fn token_api_refresh_and_replay_are_one_event_each() {
    let (events, _guard) = capture_events(Level::DEBUG);
    let sim = sim(Vendor::MpsMonitor, Duration::from_secs(3600)).await;
    let client = builder(mps(sim.config()), &sim).build().unwrap();

    client.token().await.unwrap();
    let wire = events.take_wire();
    assert_common(&wire);
    let [token] = &wire[..] else { panic!("one event for one token request: {wire:?}") };
    assert_eq!(
        (token.field("vendor"), token.field("kind"), token.field("method"), token.field("url")),
        ("MPS Monitor", "token", "POST", sim.token_url().as_str())
    );
    assert_eq!((status(token), attempt(token)), (200, 1));
    assert!(token.field("bytes").parse::<u64>().unwrap() > 20, "the token response was read: {token:?}");
    assert_eq!(token.get("request_headers"), None, "header names only at TRACE");
    assert_eq!(token.get("operation"), None);

    // A raw send: the body is the caller's, so no length; a typed one reads it.
    client.get(sim.protected_path()).send().await.unwrap();
    let body = client.get(sim.protected_path()).send_text().await.unwrap();
    let wire = events.take_wire();
    assert_common(&wire);
    let [raw, typed] = &wire[..] else { panic!("one event per call: {wire:?}") };
    for call in [raw, typed] {
        assert_eq!(
            (call.field("kind"), call.field("method"), call.field("url")),
            ("api", "GET", sim.protected_url().as_str())
        );
        assert_eq!((status(call), attempt(call)), (200, 1));
    }
    assert_eq!(raw.get("bytes"), None, "{raw:?}");
    assert_eq!(typed.field("bytes"), body.len().to_string());

    client.refresh().await.unwrap();
    let wire = events.take_wire();
    let [refresh] = &wire[..] else { panic!("{wire:?}") };
    assert_eq!((refresh.field("kind"), status(refresh)), ("refresh", 200));

    // A 401: the call, the renewal, the replay (attempt 2).
    sim.inject(Target::Api, Fault::Unauthorized, 1);
    client.get(sim.protected_path()).send().await.unwrap();
    let wire = events.take_wire();
    assert_common(&wire);
    let kinds: Vec<(&str, u16, u32)> = wire.iter().map(|e| (e.field("kind"), status(e), attempt(e))).collect();
    assert_eq!(kinds, [("api", 401, 1), ("refresh", 200, 1), ("api", 200, 2)]);

    // One event per request the simulator saw: 1 + 2 + 1 + 3 above.
    let c = sim.counters();
    assert_eq!((c.token_requests, c.refresh_requests, c.api_requests), (1, 2, 4));
}

#[tokio::test]
async fn retries_count_as_attempts_and_failures_name_their_kind() {
    let (events, _guard) = capture_events(Level::DEBUG);
    let sim = sim(Vendor::Deyel, Duration::from_secs(3600)).await;
    sim.inject(Target::Token, Fault::status(503), 1);
    let client = builder(deyel(sim.config()), &sim).build().unwrap();
    client.token().await.unwrap();
    let wire = events.take_wire();
    assert_common(&wire);
    let seen: Vec<(&str, u16, u32)> = wire.iter().map(|e| (e.field("kind"), status(e), attempt(e))).collect();
    assert_eq!(seen, [("token", 503, 1), ("token", 200, 2)]);

    // The connection breaks mid-body: the status came, then the body failed.
    sim.inject(Target::Api, Fault::Reset, 1);
    client.get(sim.protected_path()).send_bytes().await.unwrap_err();
    let wire = events.take_wire();
    let [broken] = &wire[..] else { panic!("{wire:?}") };
    assert_eq!((status(broken), broken.field("error"), broken.get("bytes")), (200, "body", None), "{broken:?}");

    // Nothing listens: no status, the failure's kind, each attempt.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let nowhere = oauth_runtime::Client::builder(deyel(sim.config()))
        .base_url(&format!("http://127.0.0.1:{port}"))
        .retry(RetryPolicy::NONE.with_max_retries(1))
        .build()
        .unwrap();
    nowhere.token().await.unwrap_err();
    let wire = events.take_wire();
    assert_common(&wire);
    let seen: Vec<(Option<&str>, &str, u32)> =
        wire.iter().map(|e| (e.get("status"), e.field("error"), attempt(e))).collect();
    assert_eq!(seen, [(None, "connect", 1), (None, "connect", 2)]);

    // A body over the cap.
    sim.inject(Target::Token, Fault::huge_body(2 << 20), 1);
    builder(deyel(sim.config()), &sim).build().unwrap().token().await.unwrap_err();
    let wire = events.take_wire();
    let [huge] = &wire[..] else { panic!("{wire:?}") };
    assert_eq!((status(huge), huge.field("error")), (200, "too_large"));
}

#[tokio::test]
async fn trace_adds_header_names_and_never_values() {
    let (events, _guard) = capture_events(Level::TRACE);
    let sim = sim(Vendor::Monta, Duration::from_secs(3600)).await;
    let client = builder(monta(sim.config()), &sim).build().unwrap();
    let token = client.token().await.unwrap();
    client.get(sim.protected_path()).header("x-request-id", "rid-778").send().await.unwrap();
    let wire = events.take_wire();
    let [grant, call] = &wire[..] else { panic!("{wire:?}") };
    assert_eq!(grant.level, Level::DEBUG, "the same event, with more fields");
    let names = |e: &Event, f: &str| e.field(f).split(',').map(str::to_owned).collect::<Vec<_>>();
    assert!(names(grant, "request_headers").contains(&"content-type".to_owned()), "{grant:?}");
    assert!(names(grant, "response_headers").contains(&"content-type".to_owned()), "{grant:?}");
    let sent = names(call, "request_headers");
    assert!(sent.contains(&"authorization".to_owned()) && sent.contains(&"x-request-id".to_owned()), "{call:?}");
    let shown = format!("{wire:?}");
    assert!(!shown.contains(token.access_token().expose_secret()) && !shown.contains("rid-778"), "{shown}");
    assert!(!shown.contains("Bearer") && !shown.contains("application/json"), "no header value: {shown}");
}

#[tokio::test]
async fn secret_query_values_are_masked() {
    let (events, _guard) = capture_events(Level::DEBUG);
    let config = SimConfig::for_vendor(Vendor::Microbilt).client_secret("MB-SECRET-5150");
    let sim = Simulator::start_with(config).await.unwrap();
    let client = builder(microbilt(sim.config()), &sim).build().unwrap();
    let token = client.token().await.unwrap();
    let access = token.access_token().expose_secret().to_owned();
    let id = sim.config().client_id.clone();
    client
        .get(sim.protected_path())
        .query_param("client_id", &id)
        .query_param("client_secret", "MB-SECRET-5150")
        .query_param("password", "pw-1")
        .query_param("code", "c-2")
        .query_param("echo", &access)
        .query_param("page", &2)
        .send()
        .await
        .unwrap();
    let wire = events.take_wire();
    let call = of_kind(&wire, "api")[0];
    let url = Url::parse(call.field("url")).unwrap();
    let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    let shown = |name: &str| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap();
    assert_eq!(shown("client_id"), id, "a public value stays readable");
    for name in ["client_secret", "password", "code", "echo"] {
        assert_eq!(shown(name), "[REDACTED]", "{name} in {url}");
    }
    assert_eq!(shown("page"), "2");
    let text = format!("{wire:?}");
    assert!(!text.contains("MB-SECRET-5150") && !text.contains(&access), "{text}");

    // The form variant sends `grant_type` in the token URL's query, which stays readable.
    let form = builder(microbilt_form(sim.config()), &sim).build().unwrap();
    form.token().await.unwrap();
    let wire = events.take_wire();
    assert_eq!(wire[0].field("url"), format!("{}?grant_type=client_credentials", sim.token_url()));
}

/// A vendor with rotating refresh tokens, a revocation endpoint and metadata.
#[derive(Clone)]
#[oauth_provider(
    grant = "client_credentials",
    token_path = "/oauth/token",
    client_auth = "basic",
    refresh = "refresh_token_grant",
    revocation_path = "/oauth/revoke"
)]
struct Revocable {
    client_id: String,
    client_secret: Secret,
}

#[tokio::test]
async fn discovery_and_revocation() {
    let (events, _guard) = capture_events(Level::DEBUG);
    let sim = Simulator::for_spec(Revocable::SPEC).await.unwrap();
    let c = sim.config();
    let creds = Revocable { client_id: c.client_id.clone(), client_secret: Secret::from(c.client_secret.clone()) };
    let client = creds.client_builder().base_url(&sim.base_url()).issuer(&sim.issuer()).discover().await.unwrap();
    let client = client.build().unwrap();
    client.token().await.unwrap();
    client.revoke().await.unwrap();
    let wire = events.take_wire();
    assert_common(&wire);
    let seen: Vec<(&str, u16, u32)> = wire.iter().map(|e| (e.field("kind"), status(e), attempt(e))).collect();
    assert_eq!(seen, [("discovery", 200, 1), ("token", 200, 1), ("revoke", 200, 1), ("revoke", 200, 1)]);
    let discovery = &wire[0];
    assert_eq!(discovery.get("vendor"), None, "a document serves every vendor on its issuer");
    assert!(discovery.field("url").contains("/.well-known/oauth-authorization-server"), "{discovery:?}");
    assert!(discovery.field("bytes").parse::<u64>().unwrap() > 0);
    assert_eq!(wire[2].field("url"), sim.revocation_url().unwrap());
}

/// A TV app: the device grant, a public client.
#[derive(Clone)]
#[oauth_provider(
    grant = "device_code",
    client_auth = "none",
    token_path = "/oauth/token",
    device_authorization_path = "/oauth/device/code"
)]
struct TvApp {
    client_id: String,
}

/// A confidential client whose vendor wants pushed authorization requests.
#[derive(Clone)]
#[oauth_provider(
    grant = "authorization_code",
    client_auth = "basic",
    token_path = "/oauth/token",
    authorization_path = "/oauth/authorize",
    par_path = "/oauth/par"
)]
struct PushedApp {
    client_id: String,
    client_secret: Secret,
}

#[tokio::test]
async fn device_authorization_and_pushed_authorization_requests() {
    let (events, _guard) = capture_events(Level::DEBUG);
    let tv = TvApp { client_id: hostile::CLIENT_ID.into() };
    let config = SimConfig::for_provider(tv.clone()).device_interval(Duration::ZERO).device_pending_polls(1);
    let sim = Simulator::start_with(config).await.unwrap();
    let client = tv.client(&sim.base_url()).unwrap();
    client.authorize_device(|prompt| assert!(sim.approve_device(prompt.user_code()))).await.unwrap();
    let wire = events.take_wire();
    assert_common(&wire);
    let seen: Vec<(&str, u16)> = wire.iter().map(|e| (e.field("kind"), status(e))).collect();
    assert_eq!(seen, [("device_authorization", 200), ("token", 400), ("token", 200)], "a pending poll, then the token");
    assert_eq!(wire[0].field("url"), sim.device_authorization_url().unwrap());

    let app = PushedApp { client_id: hostile::CLIENT_ID.into(), client_secret: Secret::from(hostile::CLIENT_SECRET) };
    let sim = Simulator::for_provider(app.clone()).await.unwrap();
    let client = app.client(&sim.base_url()).unwrap();
    authorize_in_browser(&client).await.unwrap();
    let wire = events.take_wire();
    assert_common(&wire);
    let kinds: Vec<&str> = wire.iter().map(|e| e.field("kind")).collect();
    assert_eq!(kinds, ["par", "token"], "the browser's requests are not the runtime's");
    let text = format!("{wire:?}");
    assert!(!text.contains(hostile::CLIENT_SECRET), "{text}");
}

/// `client.authorize(..)`, with a browser that opens the URL and follows the redirect.
async fn authorize_in_browser<P>(client: &Client<P>) -> Result<Arc<Token>, Error> {
    let (tx, rx) = tokio::sync::oneshot::channel::<Url>();
    let browser = tokio::spawn(async move {
        let url = rx.await.expect("the callback gave a URL");
        reqwest::get(url).await.unwrap().text().await.unwrap()
    });
    let result = client.authorize(move |url| tx.send(url.clone()).unwrap()).await;
    browser.await.unwrap();
    result
}

#[oauth_api(client = oauth_specs::Deyel)]
trait DeyelApi {
    #[get("/api/v1/me")]
    async fn me(&self) -> Result<String, Error>;

    #[get("/api/v1/me", name = "whoAmI")]
    async fn who(&self) -> Result<(), Error>;
}

#[tokio::test]
async fn operations_the_middleware_and_the_tower_layer() {
    let (events, _guard) = capture_events(Level::DEBUG);
    let sim = sim(Vendor::Deyel, Duration::from_secs(3600)).await;
    let client = builder(deyel(sim.config()), &sim).build().unwrap();
    client.token().await.unwrap();
    let me = client.me().await.unwrap();
    client.who().await.unwrap();
    let wire = events.take_wire();
    let calls = of_kind(&wire, "api");
    let named: Vec<(&str, Option<&str>)> = calls.iter().map(|e| (e.field("operation"), e.get("bytes"))).collect();
    let length = me.len().to_string();
    assert_eq!(named, [("me", Some(length.as_str())), ("whoAmI", Some(length.as_str()))]);

    let http = reqwest_middleware::ClientBuilder::new(client.http().clone())
        .with(OAuthMiddleware::new(client.clone()))
        .build();
    sim.inject(Target::Api, Fault::Unauthorized, 1);
    assert_eq!(http.get(sim.protected_url()).send().await.unwrap().status(), 200);
    let wire = events.take_wire();
    assert_common(&wire);
    let seen: Vec<(&str, u16, u32)> = wire.iter().map(|e| (e.field("kind"), status(e), attempt(e))).collect();
    assert_eq!(seen, [("api", 401, 1), ("token", 200, 1), ("api", 200, 2)]);
    for call in of_kind(&wire, "api") {
        assert_eq!((call.get("operation"), call.get("bytes")), (None, None), "the caller reads the body: {call:?}");
    }

    let send = reqwest_service(client.http().clone());
    let service = ServiceBuilder::new().layer(OAuthLayer::new(client.clone())).service(send);
    let request = http::Request::get(sim.protected_url()).body(String::new()).unwrap();
    assert_eq!(service.clone().oneshot(request).await.unwrap().status(), 200);
    let wire = events.take_wire();
    let [call] = &wire[..] else { panic!("{wire:?}") };
    assert_eq!(
        (call.field("kind"), call.field("method"), call.field("url"), status(call)),
        ("api", "GET", sim.protected_url().as_str(), 200)
    );

    // The inner service's failure, named: an API that is gone, tokens from the simulator.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let gone = format!("http://127.0.0.1:{port}");
    let elsewhere = builder(deyel(sim.config()), &sim).base_url(&gone).auth_base_url(&sim.base_url()).build().unwrap();
    let service =
        ServiceBuilder::new().layer(OAuthLayer::new(elsewhere)).service(reqwest_service(client.http().clone()));
    service.oneshot(http::Request::get(format!("{gone}/x")).body(String::new()).unwrap()).await.unwrap_err();
    let wire = events.take_wire();
    let [token, failed] = &wire[..] else { panic!("{wire:?}") };
    assert_eq!((token.field("kind"), status(token)), ("token", 200));
    assert_eq!((failed.field("kind"), failed.get("status"), failed.field("error")), ("api", None, "connect"));
}

/// reqwest as a tower service over `http` types.
fn reqwest_service(
    http: reqwest::Client,
) -> impl tower::Service<
    http::Request<String>,
    Response = http::Response<reqwest::Body>,
    Error = reqwest::Error,
    Future = impl Future<Output = Result<http::Response<reqwest::Body>, reqwest::Error>> + Send,
> + Clone
+ Send
+ 'static {
    tower::service_fn(move |req: http::Request<String>| {
        let http = http.clone();
        let req = reqwest::Request::try_from(req);
        async move { Ok(http::Response::from(http.execute(req?).await?)) }
    })
}

#[tokio::test]
async fn nothing_is_recorded_when_the_target_is_off() {
    let (events, _guard) = capture_events(Level::INFO);
    let sim = sim(Vendor::Deyel, Duration::from_secs(3600)).await;
    let client = builder(deyel(sim.config()), &sim).build().unwrap();
    client.get(sim.protected_path()).send().await.unwrap();
    assert_eq!(sim.counters().api_requests, 1);
    assert!(events.wire().is_empty(), "no wire event below DEBUG");
}
