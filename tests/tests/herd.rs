//! Single flight: many callers at an expired token cause exactly one token request, and all
//! of them get its result or its error.

mod common;

use std::{
    sync::Arc,
    time::{Duration, SystemTime},
};

use common::*;
use oauth_runtime::{RetryPolicy, Token};
use oauth_sim::{Fault, Simulator, Target, Vendor};
use reqwest::StatusCode;

const CALLERS: usize = 256;

fn expired(refresh: Option<&str>) -> Token {
    let token = Token::new("stale-access").with_expires_at(SystemTime::now() - Duration::from_secs(1));
    match refresh {
        Some(rt) => token.with_refresh_token(rt),
        None => token,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn herd_on_expired_token_makes_one_grant() {
    let sim = Simulator::start(Vendor::Deyel).await.unwrap();
    // A slow token endpoint makes sure every caller arrives while the request is in flight.
    sim.inject(Target::Token, Fault::slow(Duration::from_millis(200)), 1);
    let client = builder(deyel(sim.config()), &sim).token(expired(None)).build().unwrap();
    let calls = (0..CALLERS).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.get(Vendor::Deyel.protected_path()).send().await.map(|r| r.status()) })
    });
    let results = bounded(Duration::from_secs(20), futures_join(calls)).await;
    assert!(results.iter().all(|r| matches!(r, Ok(StatusCode::OK))), "{results:?}");
    let c = sim.counters();
    assert_eq!(c.token_requests, 1, "exactly one token request for {CALLERS} callers");
    assert_eq!(c.api_authorized, CALLERS);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn herd_on_expired_token_makes_one_refresh() {
    let sim = Simulator::start(Vendor::MpsMonitor).await.unwrap();
    let seed = builder(mps(sim.config()), &sim).build().unwrap().token().await.unwrap();
    let refresh = seed.refresh_token().unwrap().expose_secret().to_owned();
    sim.inject(Target::Refresh, Fault::slow(Duration::from_millis(200)), 1);
    let client = builder(mps(sim.config()), &sim).token(expired(Some(&refresh))).build().unwrap();
    let calls = (0..CALLERS).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.token().await.map(|t| t.expires_in()) })
    });
    let results = bounded(Duration::from_secs(20), futures_join(calls)).await;
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    let c = sim.counters();
    assert_eq!((c.token_requests, c.refresh_requests), (1, 1), "the seeding grant, then one refresh");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn herd_shares_one_error() {
    let sim = Simulator::start(Vendor::Microbilt).await.unwrap();
    // One slow request that ends in a timeout: every caller arrives while it is in flight.
    sim.inject(Target::Token, Fault::slow(Duration::from_secs(2)), 1);
    let client = builder(microbilt(sim.config()), &sim)
        .retry(RetryPolicy::NONE)
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let calls = (0..CALLERS).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.token().await.map(|_| ()) })
    });
    let results = bounded(Duration::from_secs(20), futures_join(calls)).await;
    let first = results[0].as_ref().unwrap_err().to_string();
    assert!(first.contains("no response within"), "{first}");
    assert!(
        results.iter().all(|r| r.as_ref().is_err_and(|e| e.to_string() == first)),
        "every caller gets the one error"
    );
    assert_eq!(sim.counters().token_requests, 1, "one request, its error shared");
    // The next caller tries again (the failure is not cached forever).
    client.token().await.unwrap();
    assert_eq!(sim.counters().token_requests, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn burst_of_401s_renews_once() {
    let sim = Simulator::start(Vendor::Monta).await.unwrap();
    let client = Arc::new(builder(monta(sim.config()), &sim).build().unwrap());
    client.token().await.unwrap();
    sim.expire_tokens();
    let calls = (0..CALLERS).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.get(Vendor::Monta.protected_path()).send().await.map(|r| r.status()) })
    });
    let results = bounded(Duration::from_secs(20), futures_join(calls)).await;
    assert!(results.iter().all(|r| matches!(r, Ok(StatusCode::OK))), "{results:?}");
    let c = sim.counters();
    assert_eq!((c.token_requests, c.refresh_requests), (1, 1), "one refresh for {CALLERS} rejected calls");
}

async fn futures_join<T>(handles: impl Iterator<Item = tokio::task::JoinHandle<T>>) -> Vec<T> {
    let mut out = Vec::new();
    for h in handles.collect::<Vec<_>>() {
        out.push(h.await.expect("no task panicked"));
    }
    out
}
