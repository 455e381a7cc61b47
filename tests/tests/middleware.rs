//! The client's tokens in other HTTP stacks (issue 12, item 4): the `reqwest-middleware`
//! middleware and the `tower` layer over real HTTP against the Deyel simulator, each composed
//! with other middleware: the token, its reuse, single flight, the renewal and replay after a
//! 401, a 401 that cannot be replayed, other origins left alone, and token errors.

mod common;

use std::{
    sync::{
        Arc, Mutex,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};

use common::{bounded, builder, deyel};
use oauth_runtime::{
    Client,
    middleware::{
        reqwest::OAuthMiddleware,
        tower::{BoxError, OAuthLayer},
    },
    reqwest::{self, StatusCode},
};
use oauth_sim::{Fault, Simulator, Target, Vendor};
use oauth_specs::Deyel;
use reqwest_middleware::{ClientWithMiddleware, Middleware, Next};
use tower::{Service, ServiceBuilder, ServiceExt};

/// What a middleware saw: requests, and which of them carried an `Authorization` header.
#[derive(Clone, Default)]
struct Seen {
    requests: Arc<AtomicUsize>,
    authorization: Arc<Mutex<Vec<Option<String>>>>,
}

impl Seen {
    fn record(&self, headers: &http::HeaderMap) {
        self.requests.fetch_add(1, Ordering::SeqCst);
        let auth = headers.get(http::header::AUTHORIZATION).map(|v| v.to_str().unwrap().to_owned());
        self.authorization.lock().unwrap().push(auth);
    }

    fn count(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }

    fn last_authorization(&self) -> Option<String> {
        self.authorization.lock().unwrap().last().cloned().flatten()
    }
}

/// A reqwest middleware of the test's own: counts requests and records their header.
struct Counting(Seen);

#[async_trait::async_trait]
impl Middleware for Counting {
    async fn handle(
        &self,
        req: reqwest::Request,
        extensions: &mut http::Extensions,
        next: Next<'_>,
    ) -> reqwest_middleware::Result<reqwest::Response> {
        self.0.record(req.headers());
        next.run(req, extensions).await
    }
}

async fn deyel_sim() -> (Simulator, Client<Deyel>) {
    let sim = Simulator::start(Vendor::Deyel).await.unwrap();
    let client = builder(deyel(sim.config()), &sim).build().unwrap();
    (sim, client)
}

/// `outer` → OAuth → `inner` → reqwest.
fn reqwest_stack(client: &Client<Deyel>, outer: &Seen, inner: &Seen) -> ClientWithMiddleware {
    reqwest_middleware::ClientBuilder::new(client.http().clone())
        .with(Counting(outer.clone()))
        .with(OAuthMiddleware::new(client.clone()))
        .with(Counting(inner.clone()))
        .build()
}

#[tokio::test]
async fn reqwest_middleware_attaches_reuses_renews_and_replays_once() {
    let (sim, client) = deyel_sim().await;
    let (outer, inner) = (Seen::default(), Seen::default());
    let http = reqwest_stack(&client, &outer, &inner);
    let url = sim.protected_url();

    for _ in 0..2 {
        assert_eq!(http.get(&url).send().await.unwrap().status(), StatusCode::OK);
    }
    let c = sim.counters();
    assert_eq!((c.token_requests, c.api_authorized), (1, 2), "one token, used twice");
    let first = client.cached_token().unwrap();
    assert_eq!(inner.last_authorization(), Some(format!("Bearer {}", first.access_token().expose_secret())));
    assert_eq!(outer.last_authorization(), None, "middleware before it sees no token");

    sim.inject(Target::Api, Fault::Unauthorized, 1);
    let response = bounded(Duration::from_secs(5), http.get(&url).body("replayable").send()).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "renewed and sent again");
    assert_eq!(sim.counters().token_requests, 2, "one renewal");
    assert_eq!((outer.count(), inner.count()), (3, 4), "one call outside, two attempts inside");
    let second = client.cached_token().unwrap();
    assert!(!second.same_as(&first));
    assert_eq!(inner.last_authorization(), Some(format!("Bearer {}", second.access_token().expose_secret())));

    sim.inject(Target::Api, Fault::Unauthorized, 2);
    let response = http.get(&url).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "the second 401 is handed over: one replay only");
    assert_eq!(sim.counters().token_requests, 3);
}

/// Token identity without showing either token.
trait SameAs {
    fn same_as(&self, other: &Self) -> bool;
}

impl SameAs for Arc<oauth_runtime::Token> {
    fn same_as(&self, other: &Self) -> bool {
        self.access_token().expose_secret() == other.access_token().expose_secret()
    }
}

#[tokio::test]
async fn reqwest_middleware_streaming_401_is_returned_and_the_next_call_renews() {
    let (sim, client) = deyel_sim().await;
    let http = reqwest_stack(&client, &Seen::default(), &Seen::default());
    client.token().await.unwrap();
    sim.inject(Target::Api, Fault::Unauthorized, 1);
    let chunks = futures_util::stream::iter([Ok::<_, std::io::Error>("chunk")]);
    let response = http.get(sim.protected_url()).body(reqwest::Body::wrap_stream(chunks)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "a stream cannot be sent twice");
    assert_eq!(sim.counters().token_requests, 1, "no renewal for a call that cannot be replayed");
    assert!(!client.has_fresh_token(), "the rejected token is not used again");
    assert_eq!(http.get(sim.protected_url()).send().await.unwrap().status(), StatusCode::OK);
    assert_eq!(sim.counters().token_requests, 2, "the next call renewed it");
}

#[tokio::test]
async fn reqwest_middleware_single_flight_other_origins_and_token_errors() {
    let (sim, client) = deyel_sim().await;
    let inner = Seen::default();
    let http = reqwest_stack(&client, &Seen::default(), &inner);
    let calls = (0..32).map(|_| {
        let (http, url) = (http.clone(), sim.protected_url());
        tokio::spawn(async move { http.get(url).send().await.unwrap().status() })
    });
    for status in futures_util::future::join_all(calls).await {
        assert_eq!(status.unwrap(), StatusCode::OK);
    }
    assert_eq!(sim.counters().token_requests, 1, "32 callers, one token request");

    // Same server, another origin (`localhost` is not `127.0.0.1`): no token leaves.
    let other = format!("http://localhost:{}{}", sim.addr().port(), Vendor::Deyel.protected_path());
    let response = http.get(&other).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(inner.last_authorization(), None, "no token for another origin");

    let wrong = oauth_specs::Deyel {
        client_id: sim.config().client_id.clone(),
        client_secret: oauth_runtime::Secret::from("wrong"),
    };
    let refused = builder(wrong, &sim).build().unwrap();
    let http = reqwest_middleware::ClientBuilder::new(refused.http().clone())
        .with(OAuthMiddleware::new(refused.clone()))
        .build();
    let err = http.get(sim.protected_url()).send().await.unwrap_err();
    let reqwest_middleware::Error::Middleware(err) = err else { panic!("a middleware error: {err:?}") };
    let err = err.downcast_ref::<oauth_runtime::Error>().expect("the client's error");
    assert!(err.is_rejection(), "{err}");
}

type Stack = tower::util::BoxCloneService<http::Request<String>, http::Response<reqwest::Body>, BoxError>;

/// `outer` (a `map_request`) → concurrency limit → OAuth → `inner` → reqwest behind
/// `service_fn`.
fn tower_stack(client: &Client<Deyel>, outer: &Seen, inner: &Seen) -> Stack {
    let (outer, inner) = (outer.clone(), inner.clone());
    let service = ServiceBuilder::new()
        .map_request(move |req: http::Request<String>| {
            outer.record(req.headers());
            req
        })
        .concurrency_limit(8)
        .layer(OAuthLayer::new(client.clone()))
        .map_request(move |req: http::Request<String>| {
            inner.record(req.headers());
            req
        })
        .service(reqwest_service(client.http().clone()));
    tower::util::BoxCloneService::new(service)
}

/// reqwest as a tower service over `http` types.
fn reqwest_service<B: Into<reqwest::Body>>(
    http: reqwest::Client,
) -> impl Service<
    http::Request<B>,
    Response = http::Response<reqwest::Body>,
    Error = reqwest::Error,
    Future = impl Future<Output = Result<http::Response<reqwest::Body>, reqwest::Error>> + Send,
> + Clone
+ Send
+ 'static {
    tower::service_fn(move |req: http::Request<B>| {
        let http = http.clone();
        let req = reqwest::Request::try_from(req);
        async move { Ok(http::Response::from(http.execute(req?).await?)) }
    })
}

fn get(url: &str) -> http::Request<String> {
    http::Request::get(url).body(String::new()).unwrap()
}

#[tokio::test]
async fn tower_layer_attaches_reuses_renews_and_replays_once() {
    let (sim, client) = deyel_sim().await;
    let (outer, inner) = (Seen::default(), Seen::default());
    let mut service = tower_stack(&client, &outer, &inner);
    let url = sim.protected_url();

    for _ in 0..2 {
        let response = service.ready().await.unwrap().call(get(&url)).await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
    }
    let c = sim.counters();
    assert_eq!((c.token_requests, c.api_authorized), (1, 2), "one token, used twice");
    let first = client.cached_token().unwrap();
    assert_eq!(inner.last_authorization(), Some(format!("Bearer {}", first.access_token().expose_secret())));
    assert_eq!(outer.last_authorization(), None);

    sim.inject(Target::Api, Fault::Unauthorized, 1);
    let replayable = http::Request::get(&url).body("replayable".to_owned()).unwrap();
    let response = bounded(Duration::from_secs(5), service.ready().await.unwrap().call(replayable)).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "renewed and sent again");
    assert_eq!(sim.counters().token_requests, 2, "one renewal");
    assert_eq!((outer.count(), inner.count()), (3, 4), "one call outside, two attempts inside");
    let second = client.cached_token().unwrap();
    assert!(!second.same_as(&first));
    assert_eq!(inner.last_authorization(), Some(format!("Bearer {}", second.access_token().expose_secret())));

    sim.inject(Target::Api, Fault::Unauthorized, 2);
    let response = service.ready().await.unwrap().call(get(&url)).await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "one replay only");
    assert_eq!(sim.counters().token_requests, 3);
}

#[tokio::test]
async fn tower_layer_single_flight_other_origins_and_token_errors() {
    let (sim, client) = deyel_sim().await;
    let inner = Seen::default();
    let service = tower_stack(&client, &Seen::default(), &inner);
    let calls = (0..32).map(|_| {
        let (service, url) = (service.clone(), sim.protected_url());
        tokio::spawn(async move { service.oneshot(get(&url)).await.unwrap().status() })
    });
    for status in futures_util::future::join_all(calls).await {
        assert_eq!(status.unwrap(), StatusCode::OK);
    }
    assert_eq!(sim.counters().token_requests, 1, "32 callers, one token request");

    let other = format!("http://localhost:{}{}", sim.addr().port(), Vendor::Deyel.protected_path());
    let response = service.clone().oneshot(get(&other)).await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(inner.last_authorization(), None, "no token for another origin");

    let wrong = oauth_specs::Deyel {
        client_id: sim.config().client_id.clone(),
        client_secret: oauth_runtime::Secret::from("wrong"),
    };
    let refused = builder(wrong, &sim).build().unwrap();
    let service = tower_stack(&refused, &Seen::default(), &Seen::default());
    let err = service.oneshot(get(&sim.protected_url())).await.unwrap_err();
    let err = err.downcast_ref::<oauth_runtime::Error>().expect("the client's error");
    assert!(err.is_rejection(), "{err}");
}

#[tokio::test]
async fn tower_layer_without_replay_takes_any_body_and_returns_the_401() {
    let (sim, client) = deyel_sim().await;
    let mut service = ServiceBuilder::new()
        .layer(OAuthLayer::new(client.clone()).without_replay())
        .service(reqwest_service::<reqwest::Body>(client.http().clone()));
    let request = |body: reqwest::Body| http::Request::get(sim.protected_url()).body(body).unwrap();

    let ok = service.ready().await.unwrap().call(request(reqwest::Body::from("x"))).await.unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
    sim.inject(Target::Api, Fault::Unauthorized, 1);
    let chunks = futures_util::stream::iter([Ok::<_, std::io::Error>("chunk")]);
    let response = service.ready().await.unwrap().call(request(reqwest::Body::wrap_stream(chunks))).await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "handed over, not replayed");
    assert_eq!(sim.counters().token_requests, 1, "no renewal for that call");
    assert!(!client.has_fresh_token(), "the rejected token is not used again");
    let ok = service.ready().await.unwrap().call(request(reqwest::Body::from("x"))).await.unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
    assert_eq!(sim.counters().token_requests, 2, "the next call renewed it");
}

/// A service that sends bare paths to the API itself, as a gRPC channel does: behind it, the
/// layer attaches the token only when told to trust the service's destination, and says once
/// that it did not otherwise (issue 17, defect 16: before, no token and no word).
#[tokio::test]
async fn tower_layer_authorizes_bare_paths_only_when_the_service_is_trusted() {
    let (sim, client) = deyel_sim().await;
    let (base, http) = (sim.base_url(), client.http().clone());
    let channel = move |seen: Seen| {
        let (http, base) = (http.clone(), base.clone());
        tower::service_fn(move |req: http::Request<String>| {
            seen.record(req.headers());
            // The channel knows where it goes: a bare path is joined to its own origin.
            let (mut parts, body) = req.into_parts();
            if parts.uri.scheme().is_none() {
                parts.uri = format!("{}{}", base.trim_end_matches('/'), parts.uri).parse().unwrap();
            }
            let req = reqwest::Request::try_from(http::Request::from_parts(parts, body));
            let http = http.clone();
            async move { Ok::<_, reqwest::Error>(http::Response::from(http.execute(req?).await?)) }
        })
    };
    let path = Vendor::Deyel.protected_path();

    let (logs, _guard) = common::capture_logs();
    let untrusted = Seen::default();
    let mut service = ServiceBuilder::new().layer(OAuthLayer::new(client.clone())).service(channel(untrusted.clone()));
    for _ in 0..2 {
        let response = service.ready().await.unwrap().call(get(path)).await.unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "no token on a bare path by default");
    }
    assert_eq!(untrusted.last_authorization(), None);
    assert_eq!(logs.text().matches("trust_service_destination").count(), 1, "said once: {}", logs.text());

    let trusted = Seen::default();
    let mut service = ServiceBuilder::new()
        .layer(OAuthLayer::new(client.clone()).trust_service_destination())
        .service(channel(trusted.clone()));
    let response = service.ready().await.unwrap().call(get(path)).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let token = client.cached_token().unwrap();
    assert_eq!(trusted.last_authorization(), Some(format!("Bearer {}", token.access_token().expose_secret())));
    // Absolute URIs on another origin still get no token.
    let other = format!("http://localhost:{}{}", sim.addr().port(), path);
    let response = service.ready().await.unwrap().call(get(&other)).await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(trusted.last_authorization(), None, "no token for another origin");
}
