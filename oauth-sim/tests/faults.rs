//! Fault injection, counters and shutdown.

mod common;

use std::time::{Duration, Instant};

use common::*;
use oauth_sim::{Counters, Fault, Simulator, Target, Vendor};
use reqwest::StatusCode;

/// Injects `fault` once on the token endpoint, returns the faulted reply and
/// checks that the next request succeeds normally.
async fn once(sim: &Simulator, fault: Fault) -> Reply {
    sim.inject(Target::Token, fault, 1);
    let faulted = request_token(sim).await;
    let normal = request_token(sim).await;
    assert_eq!(normal.status, StatusCode::OK, "after fault: {}", normal.body);
    assert_eq!(normal.json()["token_type"], "BearerToken");
    faulted
}

#[tokio::test]
async fn each_fault_is_served_once_then_normal_behaviour_resumes() {
    let sim = Simulator::start(Vendor::Microbilt).await.unwrap();

    let reply = once(&sim, Fault::status(503)).await;
    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(reply.body, "503 Service Unavailable");

    let reply = once(&sim, Fault::status(500)).await;
    assert_eq!(reply.status, StatusCode::INTERNAL_SERVER_ERROR);

    let reply = once(&sim, Fault::too_many_requests(Some(7))).await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(reply.header("retry-after"), Some("7"));

    let reply = once(&sim, Fault::too_many_requests(None)).await;
    assert_eq!(reply.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(reply.header("retry-after"), None);

    let reply = once(&sim, Fault::html(502)).await;
    assert_eq!(reply.status, StatusCode::BAD_GATEWAY);
    assert!(reply.header("content-type").unwrap().starts_with("text/html"));
    assert!(reply.body.contains("<html") && reply.body.contains("502"));

    let reply = once(&sim, Fault::html(200)).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert!(reply.header("content-type").unwrap().starts_with("text/html"));

    let reply = once(&sim, Fault::MalformedJson).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.header("content-type"), Some(JSON));
    assert_eq!(reply.body, r#"{"access_token": "abc"#);
    assert!(serde_json::from_str::<serde_json::Value>(&reply.body).is_err());

    let reply = once(&sim, Fault::EmptyBody).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.header("content-type"), Some(JSON));
    assert_eq!(reply.body, "");

    let reply = once(&sim, Fault::ErrorIn200).await;
    assert_eq!(reply.status, StatusCode::OK);
    let body = reply.json();
    assert_eq!(body["error"], "invalid_request");
    assert!(body["error_description"].is_string());

    let reply = once(&sim, Fault::redirect("https://login.example.invalid/x")).await;
    assert_eq!(reply.status, StatusCode::FOUND);
    assert_eq!(reply.header("location"), Some("https://login.example.invalid/x"));

    let started = Instant::now();
    sim.inject(Target::Token, Fault::slow(Duration::from_millis(400)), 1);
    let reply = request_token(&sim).await;
    assert!(started.elapsed() >= Duration::from_millis(400));
    assert_eq!(reply.status, StatusCode::OK, "slow answers normally");
    let started = Instant::now();
    assert_eq!(request_token(&sim).await.status, StatusCode::OK);
    assert!(started.elapsed() < Duration::from_millis(400));

    let reply = once(&sim, Fault::Unauthorized).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.json()["ErrorCode"], "invalid_client");

    let counters = sim.counters();
    assert_eq!(counters.faults_served, 12);
    assert_eq!(counters.token_requests, 24);
}

#[tokio::test]
async fn huge_body_is_streamed_with_exactly_that_many_bytes() {
    let sim = Simulator::start(Vendor::MpsMonitor).await.unwrap();
    let size = 3 * 1024 * 1024 + 17;
    sim.inject(Target::Token, Fault::huge_body(size), 1);
    let response =
        client().post(sim.token_url()).header("content-type", FORM).body(mps_password_form(&sim)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], JSON);
    assert!(response.headers().get("content-length").is_none());
    let bytes = response.bytes().await.unwrap();
    assert_eq!(bytes.len(), size);
    let value: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert!(value["padding"].is_string());

    sim.inject(Target::Token, Fault::huge_body(5), 1);
    let reply = request_token(&sim).await;
    assert_eq!(reply.body.len(), 5);
    assert_eq!(request_token(&sim).await.status, StatusCode::OK);
}

#[tokio::test]
async fn reset_drops_the_connection_mid_body() {
    let sim = Simulator::start(Vendor::Monta).await.unwrap();
    sim.inject(Target::Token, Fault::Reset, 1);
    let result = client().post(sim.token_url()).header("content-type", JSON).body(monta_credentials(&sim)).send().await;
    match result {
        Ok(response) => {
            assert_eq!(response.status(), StatusCode::OK);
            assert_eq!(response.content_length(), Some(1024));
            assert!(response.bytes().await.is_err(), "body must be cut short");
        }
        // Also acceptable: the reset beat the headers to the client.
        Err(error) => assert!(!error.is_status(), "{error}"),
    }
    assert_eq!(request_token(&sim).await.status, StatusCode::OK);

    // On the wire: status line, headers and the start of the body, then EOF.
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    sim.inject(Target::Api, Fault::Reset, 1);
    let mut stream = tokio::net::TcpStream::connect(sim.addr()).await.unwrap();
    let request = "GET /auth/me HTTP/1.1\r\nhost: localhost\r\n\r\n";
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut received = Vec::new();
    let _ = stream.read_to_end(&mut received).await;
    let received = String::from_utf8_lossy(&received);
    let (head, body) = received.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 200 OK"), "{head}");
    assert!(head.contains("content-length: 1024"), "{head}");
    assert!(body.starts_with(r#"{"access_token":""#), "{body}");
    assert!(body.len() < 1024);
    assert_eq!(sim.counters().faults_served, 2);
}

#[tokio::test]
async fn unauthorized_on_the_api_rejects_a_valid_token_once() {
    for vendor in Vendor::ALL {
        let sim = Simulator::start(vendor).await.unwrap();
        let token = access_token(&sim).await;
        sim.inject(Target::Api, Fault::Unauthorized, 1);
        let rejected = call_api(&sim, &token).await;
        assert_eq!(rejected.status, StatusCode::UNAUTHORIZED, "{vendor}");
        // The vendor's own rejection body.
        let fresh_sim_reply = call_api(&sim, "not-a-token").await;
        assert_eq!(rejected.body, fresh_sim_reply.body, "{vendor}");
        assert_eq!(call_api(&sim, &token).await.status, StatusCode::OK, "{vendor}");
        let counters = sim.counters();
        assert_eq!((counters.api_requests, counters.api_authorized, counters.faults_served), (3, 1, 1), "{vendor}");
    }
}

#[tokio::test]
async fn faults_queue_per_target_in_order() {
    let sim = Simulator::start(Vendor::MpsMonitor).await.unwrap();
    sim.inject(Target::Refresh, Fault::status(503), 2);
    sim.inject(Target::Refresh, Fault::html(500), 1);
    sim.inject(Target::Api, Fault::EmptyBody, 1);

    // Grants and API calls are not refreshes.
    let first = request_token(&sim).await;
    assert_eq!(first.status, StatusCode::OK);
    let refresh = first.json()["refresh_token"].as_str().unwrap().to_owned();
    let url = sim.token_url();
    let form = mps_refresh_form(&sim, &refresh);
    let statuses = [
        post(&url, Some(FORM), &form).await.status,
        post(&url, Some(FORM), &form).await.status,
        post(&url, Some(FORM), &form).await.status,
    ];
    assert_eq!(statuses, [503, 503, 500]);
    // Faults come before validation, so the refresh token is still unused.
    let reply = post(&url, Some(FORM), &form).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);

    let token = first.json()["access_token"].as_str().unwrap().to_owned();
    assert_eq!(call_api(&sim, &token).await.body, "");
    assert_eq!(call_api(&sim, &token).await.status, StatusCode::OK);

    sim.inject(Target::Token, Fault::status(503), 5);
    sim.clear_faults();
    assert_eq!(request_token(&sim).await.status, StatusCode::OK);

    assert_eq!(counted(sim.counters()), (2, 4, 2, 1, 4));
}

#[tokio::test]
async fn rejected_requests_are_counted() {
    let sim = Simulator::start(Vendor::Deyel).await.unwrap();
    let url = sim.token_url();
    post(&url, Some(FORM), "grant_type=client_credentials").await;
    send(client().get(&url)).await;
    get_with_token(&sim.protected_url(), None).await;
    sim.inject(Target::Refresh, Fault::status(500), 1);
    assert_eq!(counted(sim.counters()), (2, 0, 1, 0, 0));
}

/// Token, refresh, API and authorized API requests, and faults served.
fn counted(c: Counters) -> (usize, usize, usize, usize, usize) {
    (c.token_requests, c.refresh_requests, c.api_requests, c.api_authorized, c.faults_served)
}

#[tokio::test]
async fn dropping_the_simulator_stops_the_server() {
    let sim = Simulator::start(Vendor::Monta).await.unwrap();
    let addr = sim.addr();
    assert_eq!(request_token(&sim).await.status, StatusCode::OK);
    assert!(tokio::net::TcpStream::connect(addr).await.is_ok());
    drop(sim);
    let error = tokio::net::TcpStream::connect(addr).await.unwrap_err();
    assert_eq!(error.kind(), std::io::ErrorKind::ConnectionRefused);
    let result = client().get(format!("http://{addr}/auth/me")).timeout(Duration::from_secs(2)).send().await;
    assert!(result.is_err());
}

#[tokio::test]
async fn fault_rates_hit_about_their_share_and_queued_faults_come_first() {
    let sim = Simulator::start(Vendor::Microbilt).await.unwrap();
    sim.set_fault_rate(Target::Token, Fault::status(503), 0.25);
    sim.set_fault_rate(Target::Token, Fault::too_many_requests(None), 0.25);
    sim.inject(Target::Token, Fault::status(500), 1);
    assert_eq!(request_token(&sim).await.status, StatusCode::INTERNAL_SERVER_ERROR, "queued first");
    let mut statuses = std::collections::HashMap::new();
    for _ in 0..400 {
        *statuses.entry(request_token(&sim).await.status.as_u16()).or_insert(0) += 1;
    }
    for (status, expected) in [(200, 200), (503, 100), (429, 100)] {
        let got = statuses.get(&status).copied().unwrap_or(0);
        assert!((expected * 7 / 10..=expected * 13 / 10).contains(&got), "{status}: {got} of 400: {statuses:?}");
    }
    sim.clear_faults();
    for _ in 0..20 {
        assert_eq!(request_token(&sim).await.status, StatusCode::OK, "rates cleared");
    }
}
