//! Transport rules of token requests: https except loopback, no redirects, a body cap,
//! timeouts, named environments.

mod common;

use std::time::Duration;

use common::*;
use oauth_runtime::{Client, Error, Provider};
use oauth_sim::{Fault, SimConfig, Simulator, Target, Vendor};
use oauth_specs::Microbilt;

fn creds() -> Microbilt {
    microbilt(&SimConfig::for_vendor(Vendor::Microbilt))
}

#[test]
fn plain_http_only_to_loopback_unless_opted_out() {
    let err = Client::builder(creds()).base_url("http://api.microbilt.com").build().unwrap_err();
    assert!(matches!(&err, Error::Config(m) if m.contains("danger_allow_insecure_http")), "{err}");
    Client::builder(creds()).base_url("http://api.microbilt.com").danger_allow_insecure_http(true).build().unwrap();
    for ok in ["https://api.microbilt.com", "http://127.0.0.1:1", "http://localhost:1", "http://[::1]:1"] {
        Client::builder(creds()).base_url(ok).build().unwrap();
    }
    for bad in ["ftp://api.microbilt.com", "not a url", "https://"] {
        assert!(matches!(Client::builder(creds()).base_url(bad).build(), Err(Error::Config(_))), "{bad}");
    }
}

#[test]
fn named_environments() {
    let client = Client::builder(creds()).environment("production").build().unwrap();
    assert_eq!(client.base_url().as_str(), "https://api.microbilt.com/");
    assert_eq!(Microbilt::SANDBOX, "https://apitest.microbilt.com");
    let default = creds().client_builder().build().unwrap();
    assert_eq!(default.base_url().as_str(), "https://apitest.microbilt.com/", "the first named URL is the default");
    let err = Client::builder(creds()).environment("staging").build().unwrap_err();
    assert!(err.to_string().contains("sandbox"), "lists the known names: {err}");
}

#[tokio::test]
async fn redirects_are_never_followed() {
    let sim = Simulator::start(Vendor::Microbilt).await.unwrap();
    let elsewhere = Simulator::start(Vendor::Microbilt).await.unwrap();
    sim.inject(Target::Token, Fault::redirect(elsewhere.token_url()), 1);
    let err = builder(microbilt(sim.config()), &sim).build().unwrap().token().await.unwrap_err();
    assert!(err.to_string().contains("not followed"), "{err}");
    assert_eq!(elsewhere.counters().token_requests, 0, "the credentials did not go to the redirect target");
}

#[tokio::test]
async fn body_cap_is_configurable() {
    let sim = Simulator::start(Vendor::Microbilt).await.unwrap();
    let client = builder(microbilt(sim.config()), &sim).max_response_bytes(1_000).build().unwrap();
    client.token().await.expect("a normal token response fits in 1000 bytes");
    sim.inject(Target::Token, Fault::huge_body(1_001), 1);
    let err = client.refresh().await.unwrap_err();
    assert!(matches!(err, Error::ResponseTooLarge { limit: 1_000, .. }), "{err:?}");
}

#[tokio::test]
async fn total_timeout_applies_to_token_requests() {
    let sim = Simulator::start(Vendor::Microbilt).await.unwrap();
    sim.inject(Target::Token, Fault::slow(Duration::from_secs(3)), 3);
    let client = builder(microbilt(sim.config()), &sim).timeout(Duration::from_millis(200)).build().unwrap();
    let err = bounded(Duration::from_secs(3), client.token()).await.unwrap_err();
    assert!(matches!(err, Error::Timeout { timeout: Some(t), .. } if t == Duration::from_millis(200)), "{err:?}");
    assert_eq!(sim.counters().token_requests, 3);
}
