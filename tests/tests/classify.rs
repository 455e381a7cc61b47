//! `Error::is_transient` and `Error::is_rejection` over real HTTP: every fault a token
//! endpoint can produce is transient (retry later), a rejection (fix the credentials) or
//! neither, never both, so a caller can decide on retries from the error alone.

mod common;

use std::time::Duration;

use common::*;
use oauth_runtime::{Error, RetryPolicy};
use oauth_sim::{Fault, SimConfig, Simulator, Target, Vendor};
use oauth_specs::Deyel;
use reqwest::StatusCode;
use tokio::{
    io::{AsyncReadExt as _, AsyncWriteExt as _},
    net::TcpListener,
};

const TIMEOUT: Duration = Duration::from_millis(300);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Transient,
    Rejection,
    Neither,
}

fn class(err: &Error) -> Class {
    match (err.is_transient(), err.is_rejection()) {
        (true, false) => Class::Transient,
        (false, true) => Class::Rejection,
        (false, false) => Class::Neither,
        (true, true) => panic!("transient and a rejection at once: {err:?}"),
    }
}

/// What else must hold of the error.
type Check = fn(&Error) -> bool;

/// One token request, no retries: the error the fault amounts to.
async fn token_error(sim: &Simulator) -> Error {
    let client = builder(deyel(sim.config()), sim).retry(RetryPolicy::NONE).timeout(TIMEOUT).build().unwrap();
    bounded(Duration::from_secs(5), client.token()).await.expect_err("the fault makes the token request fail")
}

#[tokio::test]
async fn simulator_faults_are_classified() {
    use Class::*;
    let cases: Vec<(Fault, Class, Check)> = vec![
        (Fault::status(500), Transient, |e| e.status() == Some(StatusCode::INTERNAL_SERVER_ERROR)),
        (Fault::status(502), Transient, |e| e.status() == Some(StatusCode::BAD_GATEWAY)),
        (Fault::status(503), Transient, |e| e.status() == Some(StatusCode::SERVICE_UNAVAILABLE)),
        (Fault::status(504), Transient, |e| e.status() == Some(StatusCode::GATEWAY_TIMEOUT)),
        (Fault::too_many_requests(None), Transient, |e| e.status() == Some(StatusCode::TOO_MANY_REQUESTS)),
        (Fault::too_many_requests(Some(3600)), Transient, |e| e.status() == Some(StatusCode::TOO_MANY_REQUESTS)),
        (
            Fault::html(502),
            Transient,
            |e| matches!(e, Error::MalformedResponse { reason, .. } if reason.contains("HTML")),
        ),
        (Fault::html(503), Transient, |e| e.status() == Some(StatusCode::SERVICE_UNAVAILABLE)),
        (Fault::html(404), Neither, |e| e.status() == Some(StatusCode::NOT_FOUND)),
        (Fault::slow(Duration::from_secs(2)), Transient, |e| {
            matches!(e, Error::Timeout { timeout: Some(t), .. } if *t == TIMEOUT)
                && e.to_string().ends_with("no response within 300ms")
        }),
        (Fault::Reset, Transient, |e| matches!(e, Error::Connect { source, .. } if source.is_body())),
        // Deyel rejects a client with `Invalid_request`.
        (Fault::Unauthorized, Rejection, |e| {
            e.oauth_code().is_some_and(|c| c.as_str() == "invalid_request")
                && e.status() == Some(StatusCode::UNAUTHORIZED)
        }),
        (Fault::ErrorIn200, Rejection, |e| e.oauth_code().is_some_and(|c| c.as_str() == "invalid_request")),
        (Fault::MalformedJson, Neither, |e| e.to_string().contains("truncated")),
        (Fault::EmptyBody, Neither, |e| e.to_string().contains("empty")),
        (Fault::huge_body(2 << 20), Neither, |e| matches!(e, Error::ResponseTooLarge { .. })),
        (Fault::redirect("http://127.0.0.1:9/elsewhere"), Neither, |e| e.to_string().contains("not followed")),
    ];
    for (fault, want, check) in cases {
        let sim = Simulator::start(Vendor::Deyel).await.unwrap();
        sim.inject(Target::Token, fault.clone(), 1);
        let err = token_error(&sim).await;
        assert_eq!(class(&err), want, "{fault:?}: {err:?}");
        assert!(check(&err), "{fault:?}: unexpected {err:?}");
        assert_eq!(sim.counters().token_requests, 1, "{fault:?}: one request, no retry");
    }
}

#[tokio::test]
async fn wrong_credentials_are_a_rejection() {
    let sim = Simulator::start(Vendor::Deyel).await.unwrap();
    let wrong = Deyel { client_id: sim.config().client_id.clone(), client_secret: "wrong".into() };
    let err = builder(wrong, &sim).build().unwrap().token().await.unwrap_err();
    assert_eq!(class(&err), Class::Rejection, "{err:?}");
}

#[tokio::test]
async fn unreachable_vendor_is_transient() {
    let sim = Simulator::start(Vendor::Deyel).await.unwrap();
    let (config, base) = (sim.config().clone(), sim.base_url());
    drop(sim);
    let client =
        oauth_runtime::Client::builder(deyel(&config)).base_url(&base).retry(RetryPolicy::NONE).build().unwrap();
    let err = bounded(Duration::from_secs(5), client.token()).await.unwrap_err();
    assert_eq!(class(&err), Class::Transient, "{err:?}");
    let Error::Connect { source, .. } = &err else { panic!("{err:?}") };
    assert!(source.is_connect(), "{source:?}");
}

#[tokio::test]
async fn a_request_that_cannot_be_built_is_neither_and_not_sent() {
    let sim = Simulator::start(Vendor::Deyel).await.unwrap();
    let client = builder(deyel(sim.config()), &sim).build().unwrap();
    let err = client.get(Vendor::Deyel.protected_path()).header("bad header", "x").send().await.unwrap_err();
    assert_eq!(class(&err), Class::Neither, "{err:?}");
    assert!(matches!(&err, Error::Request { source, .. } if source.is_builder()), "{err:?}");
    assert!(err.to_string().contains("cannot build the request"), "{err}");
    assert_eq!(sim.counters().api_requests, 0, "nothing was sent");
}

/// A token endpoint on 127.0.0.1 that answers every request with `status` and a JSON `body`.
async fn fixed_endpoint(status: u16, body: &'static str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                read_request(&mut socket).await;
                let reply = format!(
                    "HTTP/1.1 {status} Whatever\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(reply.as_bytes()).await;
            });
        }
    });
    format!("http://{addr}")
}

/// Reads the request head and a body of its `content-length`.
async fn read_request(socket: &mut tokio::net::TcpStream) {
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let Ok(n @ 1..) = socket.read(&mut buf).await else { return };
        seen.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&seen).to_ascii_lowercase();
        let Some(head_end) = text.find("\r\n\r\n") else { continue };
        let length = text
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse::<usize>().ok())
            .unwrap_or(0);
        if seen.len() >= head_end + 4 + length {
            return;
        }
    }
}

/// Gateways and overloaded servers answer in OAuth2 shape too; the status (or the code) says
/// "not now", so these are transient, not rejections.
#[tokio::test]
async fn oauth_shaped_errors_from_overloaded_servers_are_transient() {
    use Class::*;
    let cases = [
        (503, r#"{"error":"invalid_client","error_description":"backend down"}"#, Transient),
        (502, r#"{"code":"502","message":"Bad Gateway"}"#, Transient),
        (429, r#"{"error":"rate_limit_exceeded","error_description":"slow down"}"#, Transient),
        (200, r#"{"error":"temporarily_unavailable"}"#, Transient),
        (400, r#"{"error":"Server_Error"}"#, Transient),
        (400, r#"{"error":"invalid_grant"}"#, Rejection),
        (401, r#"{"errorCode":"AUTHENTICATION_FAILED","message":"bad"}"#, Rejection),
    ];
    let config = SimConfig::for_vendor(Vendor::Deyel);
    for (status, body, want) in cases {
        let base = fixed_endpoint(status, body).await;
        let client =
            oauth_runtime::Client::builder(deyel(&config)).base_url(&base).retry(RetryPolicy::NONE).build().unwrap();
        let err = bounded(Duration::from_secs(5), client.token()).await.unwrap_err();
        assert!(matches!(err, Error::OAuth(_)), "{status} {body}: read as an OAuth2 error: {err:?}");
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        assert_eq!(class(&err), want, "{status} {body}: {err:?}");
    }
}
