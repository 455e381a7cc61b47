//! Every fault the simulators inject ends in a recovery or a typed error, in bounded time,
//! with no more token requests than the retry policy allows.

mod common;

use std::time::{Duration, Instant};

use common::*;
use oauth_runtime::{Error, ErrorCode};
use oauth_sim::{Fault, Simulator, Target, Vendor};
use reqwest::StatusCode;

const TIMEOUT: Duration = Duration::from_millis(400);

enum Expect {
    /// The call succeeds after this many token requests.
    Recovered(usize),
    /// The call fails with an error satisfying the check, after this many token requests.
    Fails(usize, fn(&Error) -> bool),
}

struct Case {
    name: &'static str,
    target: Target,
    fault: Fault,
    times: usize,
    expect: Expect,
}

fn cases() -> Vec<Case> {
    use Expect::*;
    vec![
        Case { name: "500 once", target: Target::Token, fault: Fault::Status(500), times: 1, expect: Recovered(2) },
        Case { name: "503 once", target: Target::Token, fault: Fault::Status(503), times: 1, expect: Recovered(2) },
        Case {
            name: "503 past the retries",
            target: Target::Token,
            fault: Fault::Status(503),
            times: 3,
            expect: Fails(
                3,
                |e| matches!(e, Error::MalformedResponse { status, .. } if *status == StatusCode::SERVICE_UNAVAILABLE),
            ),
        },
        Case {
            name: "429 with Retry-After",
            target: Target::Token,
            fault: Fault::TooManyRequests { retry_after: Some(1) },
            times: 1,
            expect: Recovered(2),
        },
        Case {
            name: "429 without Retry-After",
            target: Target::Token,
            fault: Fault::TooManyRequests { retry_after: None },
            times: 1,
            expect: Recovered(2),
        },
        Case {
            name: "429 with a Retry-After past the limit",
            target: Target::Token,
            fault: Fault::TooManyRequests { retry_after: Some(3600) },
            times: 1,
            expect: Fails(1, |e| e.status() == Some(StatusCode::TOO_MANY_REQUESTS)),
        },
        Case { name: "HTML 502 once", target: Target::Token, fault: Fault::Html(502), times: 1, expect: Recovered(2) },
        Case {
            name: "HTML 404",
            target: Target::Token,
            fault: Fault::Html(404),
            times: 1,
            expect: Fails(
                1,
                |e| matches!(e, Error::MalformedResponse { reason, content_type, .. } if reason.contains("HTML") && content_type.starts_with("text/html")),
            ),
        },
        Case {
            name: "truncated JSON",
            target: Target::Token,
            fault: Fault::MalformedJson,
            times: 1,
            expect: Fails(1, |e| matches!(e, Error::MalformedResponse { reason, .. } if reason.contains("truncated"))),
        },
        Case {
            name: "empty body",
            target: Target::Token,
            fault: Fault::EmptyBody,
            times: 1,
            expect: Fails(1, |e| matches!(e, Error::MalformedResponse { reason, .. } if reason.contains("empty"))),
        },
        Case {
            name: "error field in a 200",
            target: Target::Token,
            fault: Fault::ErrorIn200,
            times: 1,
            expect: Fails(1, |e| {
                e.oauth_code() == Some(&ErrorCode::InvalidRequest) && e.status() == Some(StatusCode::OK)
            }),
        },
        Case {
            name: "body over the cap",
            target: Target::Token,
            fault: Fault::HugeBody(2 << 20),
            times: 1,
            expect: Fails(1, |e| matches!(e, Error::ResponseTooLarge { limit: 1_048_576, .. })),
        },
        Case {
            name: "redirect",
            target: Target::Token,
            fault: Fault::Redirect("http://127.0.0.1:9/steal".into()),
            times: 1,
            expect: Fails(1, |e| e.to_string().contains("not followed")),
        },
        Case {
            name: "slow once",
            target: Target::Token,
            fault: Fault::Slow(Duration::from_secs(2)),
            times: 1,
            expect: Recovered(2),
        },
        Case {
            name: "slow past the retries",
            target: Target::Token,
            fault: Fault::Slow(Duration::from_secs(2)),
            times: 3,
            expect: Fails(3, |e| matches!(e, Error::Timeout { .. })),
        },
        Case {
            name: "reset mid-body once",
            target: Target::Token,
            fault: Fault::Reset,
            times: 1,
            expect: Recovered(2),
        },
        Case {
            name: "401 before expiry",
            target: Target::Api,
            fault: Fault::Unauthorized,
            times: 1,
            expect: Recovered(2),
        },
        Case {
            name: "401 twice",
            target: Target::Api,
            fault: Fault::Unauthorized,
            times: 2,
            expect: Fails(2, |e| matches!(e, Error::Unauthorized { .. })),
        },
    ]
}

#[tokio::test]
async fn every_fault_recovers_or_fails_typed() {
    for case in cases() {
        let sim = Simulator::start(Vendor::Deyel).await.unwrap();
        let client = builder(deyel(sim.config()), &sim).timeout(TIMEOUT).build().unwrap();
        if case.target == Target::Api {
            client.token().await.unwrap();
        }
        sim.inject(case.target, case.fault.clone(), case.times);
        let started = Instant::now();
        let outcome = bounded(Duration::from_secs(10), client.get(Vendor::Deyel.protected_path()).send()).await;
        let requests = sim.counters().token_requests;
        match (&case.expect, outcome) {
            (Expect::Recovered(n), Ok(response)) => {
                assert_eq!(response.status(), StatusCode::OK, "{}", case.name);
                assert_eq!(requests, *n, "{}: token requests", case.name);
            }
            (Expect::Fails(n, check), Err(err)) => {
                assert!(check(&err), "{}: unexpected error {err:?}", case.name);
                assert_eq!(requests, *n, "{}: token requests", case.name);
            }
            (_, outcome) => panic!("{}: unexpected outcome {outcome:?}", case.name),
        }
        eprintln!("{:<40} {:>6} ms, {requests} token request(s)", case.name, started.elapsed().as_millis());
    }
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let sim = Simulator::start(Vendor::Microbilt).await.unwrap();
    sim.inject(Target::Token, Fault::TooManyRequests { retry_after: Some(1) }, 1);
    let client = builder(microbilt(sim.config()), &sim).build().unwrap();
    let started = Instant::now();
    client.token().await.unwrap();
    assert!(started.elapsed() >= Duration::from_secs(1), "waited for Retry-After");
    assert_eq!(sim.counters().token_requests, 2);
}

#[tokio::test]
async fn a_401_on_a_streaming_body_is_a_clear_error() {
    let sim = Simulator::start(Vendor::Deyel).await.unwrap();
    let client = builder(deyel(sim.config()), &sim).build().unwrap();
    client.token().await.unwrap();
    sim.inject(Target::Api, Fault::Unauthorized, 1);
    let chunks = futures_util::stream::iter([Ok::<_, std::io::Error>("chunk")]);
    let err =
        client.get(Vendor::Deyel.protected_path()).body(reqwest::Body::wrap_stream(chunks)).send().await.unwrap_err();
    assert!(matches!(err, Error::NotRetryable { .. }), "{err:?}");
    assert_eq!(sim.counters().token_requests, 2, "the token was still renewed for the next call");
    let ok = client.get(Vendor::Deyel.protected_path()).send().await.unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
    assert_eq!(sim.counters().token_requests, 2);
}
