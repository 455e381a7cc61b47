//! What an API's 401 does to the token (issue 17, defect 6), and what a refresh that may have
//! reached the server does (defect 4, the transport's side), over HTTP against simulators.

mod common;

use std::time::Duration;

use common::*;
use oauth_runtime::{Provider, TokenParams, reqwest::StatusCode};
use oauth_sim::{
    Fault, SimConfig, Simulator, Target, Vendor,
    axum::{http::header, response::IntoResponse, routing::get},
};
use oauth_specs::Deyel;

/// A Deyel simulator with `/v1/ok`, which answers 200, and `/v1/denied`, which answers every
/// (valid) token with a 401 carrying `challenge`, as some vendors answer a permission error.
async fn sim_with_denied(challenge: Option<&'static str>) -> Simulator {
    let denied = get(move || async move {
        match challenge {
            Some(value) => (StatusCode::UNAUTHORIZED, [(header::WWW_AUTHENTICATE, value)], "denied").into_response(),
            None => (StatusCode::UNAUTHORIZED, "denied").into_response(),
        }
    });
    let config = SimConfig::for_spec(Deyel::SPEC)
        .token_lifetime(Duration::from_secs(3600))
        .route("/v1/ok", get(|| async { "ok" }))
        .route("/v1/denied", denied);
    Simulator::start_with(config).await.expect("simulator starts")
}

/// One endpoint that always answers 401 does not turn calls into renewals: at most three
/// 401-caused renewals per minute, whatever the other endpoint accepted in between, and calls
/// to the endpoint that works never fail (before: every 401 after a success renewed, until the
/// storm guard refused token requests and the good calls failed too).
#[tokio::test]
async fn one_endpoint_that_always_answers_401_does_not_churn_tokens() {
    for challenge in [None, Some(r#"Bearer error="invalid_token""#), Some("Bearer")] {
        let sim = sim_with_denied(challenge).await;
        let client = builder(deyel(sim.config()), &sim).build().unwrap();
        for round in 0..40 {
            let ok = client.get("/v1/ok").send().await.unwrap_or_else(|e| panic!("round {round}: {e}"));
            assert_eq!(ok.status(), StatusCode::OK, "round {round}: the good endpoint keeps working");
            let denied = client.get("/v1/denied").send().await.unwrap();
            assert_eq!(denied.status(), StatusCode::UNAUTHORIZED, "the API's answer is returned");
        }
        let c = sim.counters();
        assert!(
            c.token_requests <= 4,
            "{challenge:?}: the first token and at most 3 renewals, not {}",
            c.token_requests
        );
        assert!(c.token_requests >= 2, "{challenge:?}: a 401 that blames the token renews at first");
    }
}

/// `insufficient_scope` is about the call, not the token: no renewal, no replay, the token
/// stays.
#[tokio::test]
async fn a_401_for_insufficient_scope_renews_nothing() {
    let sim = sim_with_denied(Some(r#"Bearer realm="api", error="insufficient_scope", scope="admin""#)).await;
    let client = builder(deyel(sim.config()), &sim).build().unwrap();
    let first = client.token().await.unwrap();
    for _ in 0..5 {
        let denied = client.get("/v1/denied").send().await.unwrap();
        assert_eq!(denied.status(), StatusCode::UNAUTHORIZED);
    }
    let c = sim.counters();
    assert_eq!(c.token_requests, 1, "no renewal");
    assert_eq!(c.api_requests, 5, "no replay");
    let still = client.cached_token().expect("the token is still in use");
    assert_eq!(still.access_token().expose_secret(), first.access_token().expose_secret());
}

/// A refresh answered with a 5xx may have been carried out (and its refresh token rotated), so
/// the same refresh token is not sent again by the retry loop (before: retried up to the retry
/// policy's limit).
#[tokio::test]
async fn a_refresh_that_may_have_reached_the_server_is_not_retried() {
    let sim = sim(Vendor::MpsMonitor, Duration::from_secs(3600)).await;
    let client = builder(mps(sim.config()), &sim).build().unwrap();
    client.token().await.unwrap();
    sim.inject(Target::Refresh, Fault::status(503), 1);
    let _ = client.refresh().await;
    assert_eq!(sim.counters().refresh_requests, 1, "the refresh token was presented once");

    // A grant is retried as before: it presents no one-time credential.
    let sim = sim_with_denied(None).await;
    let client = builder(deyel(sim.config()), &sim).build().unwrap();
    sim.inject(Target::Token, Fault::status(503), 1);
    client.token().await.unwrap();
    assert_eq!(sim.counters().token_requests, 2, "the grant was retried");
}

/// A handle's scope replaces the scope the vendor's definition sends (RFC 6749 section 3.1: at
/// most once; the strict simulator refuses repeated parameters), and scope lists in another
/// order or with repeats share one token cache.
#[tokio::test]
async fn a_handles_scope_is_sent_once_and_scope_lists_are_normalised() {
    let sim = sim(Vendor::MpsMonitor, Duration::from_secs(3600)).await;
    let client = builder(mps(sim.config()), &sim).build().unwrap();
    let scope = sim.config().scope.clone();
    let one = client.with_token_params(TokenParams::new().scope(format!("{scope} {scope}")));
    let token = one.token().await.expect("the strict simulator takes one scope parameter");
    let two = client.with_token_params(TokenParams::new().scope(format!(" {scope}  ")));
    let again = two.token().await.unwrap();
    assert_eq!(token.access_token().expose_secret(), again.access_token().expose_secret(), "one cache");
    assert_eq!(sim.counters().token_requests, 1);
}
