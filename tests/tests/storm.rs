//! Renewal storms: a vendor that issues every token already expired, over HTTP against the
//! Deyel simulator switched to do so. The floor keeps the tokens handed out usable (and says
//! so in a WARN naming the field); the storm guard bounds the token requests one client sends
//! whatever the floor.

mod common;

use std::time::{Duration, Instant};

use common::*;
use oauth_runtime::{
    Client, Credential, Error, LifetimeSource, Provider, Secret,
    provider::{ClientAuth, FieldSpec, Grant, ProviderSpec, ResponseSpec, Role, TokenEndpoint},
};
use oauth_sim::{SimConfig, Simulator, Vendor};

/// Deyel's protocol, with the floor turned off: a token stated as expired is handed out
/// expired, so every call needs a new one. The storm guard is all that is left.
struct DeyelNoFloor(SimConfig);

impl Provider for DeyelNoFloor {
    const SPEC: &'static ProviderSpec = &ProviderSpec::new(
        "DeyelNoFloor",
        TokenEndpoint::new("/oauth/token", Grant::ClientCredentials).with_client_auth(ClientAuth::Basic),
    )
    .with_fields(&[FieldSpec::new("client_id", Role::ClientId), FieldSpec::new("client_secret", Role::ClientSecret)])
    .with_response(ResponseSpec::STANDARD.with_min_lifetime(Duration::ZERO));

    fn credentials(self) -> Vec<Credential> {
        vec![Credential::from(self.0.client_id), Credential::from(Secret::from(self.0.client_secret))]
    }
}

async fn expired_sim() -> Simulator {
    Simulator::start_with(SimConfig::for_vendor(Vendor::Deyel).expired_tokens(true)).await.expect("simulator starts")
}

#[tokio::test]
async fn tokens_issued_expired_get_the_floor_and_a_warning() {
    let sim = expired_sim().await;
    let (logs, _guard) = capture_logs();
    let client = builder(deyel(sim.config()), &sim).build().unwrap();
    let token = bounded(Duration::from_secs(5), client.token()).await.unwrap();
    assert_eq!(token.lifetime_source(), LifetimeSource::Floor);
    assert_eq!(token.expires_at().duration_since(token.issued_at()).unwrap(), Duration::from_secs(1));
    assert!(token.expires_in() > Duration::ZERO, "handed out expired");
    let text = logs.text();
    let warning = text.lines().find(|l| l.contains("WARN") && l.contains("negative lifetime"));
    assert!(warning.is_some_and(|l| l.contains("field=expires_in")), "{text}");

    // Calls for two seconds: the API rejects every token; the client renews at its own pace,
    // well under the default limit (30 per 10 s).
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(2) {
        let response = bounded(Duration::from_secs(5), client.get("/api/v1/me").send()).await.unwrap();
        assert_eq!(response.status(), 401);
    }
    let sent = sim.counters().token_requests;
    assert!((2..=30).contains(&sent), "{sent} token requests");
}

#[tokio::test]
async fn the_storm_guard_bounds_token_requests() {
    // A subscriber on this thread too: `tracing` caches per call site whether anyone listens,
    // and a thread without one, hitting the floor's WARN first, would make the other test
    // (which captures that WARN) miss it.
    let (_logs, _guard) = capture_logs();
    let sim = expired_sim().await;
    let client = Client::builder(DeyelNoFloor(sim.config().clone()))
        .base_url(&sim.base_url())
        .retry(FAST_RETRY)
        .max_token_requests(5, Duration::from_secs(60))
        .build()
        .unwrap();
    let mut refused = Vec::new();
    for _ in 0..50 {
        match bounded(Duration::from_secs(5), client.token()).await {
            Ok(token) => assert_eq!(token.lifetime_source(), LifetimeSource::Floor),
            Err(err) => refused.push(err),
        }
    }
    assert_eq!(sim.counters().token_requests, 5, "exactly the limit reached the vendor");
    assert!(refused.len() >= 45, "{} refused", refused.len());
    for err in &refused {
        let Error::TokenRequestLimit { limit, interval, retry_in, .. } = err else { panic!("{err:?}") };
        assert_eq!((*limit, *interval), (5, Duration::from_secs(60)));
        assert!(*retry_in <= Duration::from_secs(60));
        assert!(err.is_transient() && !err.is_rejection());
    }

    // The default bound holds too: 30 per 10 s.
    let sim = expired_sim().await;
    let client = Client::builder(DeyelNoFloor(sim.config().clone())).base_url(&sim.base_url()).build().unwrap();
    let mut limited = false;
    for _ in 0..200 {
        limited |= matches!(client.token().await, Err(Error::TokenRequestLimit { limit: 30, .. }));
    }
    assert!(limited, "the default limit was reached");
    assert_eq!(sim.counters().token_requests, 30);
}
