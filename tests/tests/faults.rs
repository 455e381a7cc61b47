//! Every fault the simulators inject ends in a recovery or a typed error, in bounded time,
//! with no more token requests than the retry policy allows.

mod common;

use std::{
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use common::*;
use oauth_runtime::{Error, ErrorCode};
use oauth_sim::{Fault, SimConfig, Simulator, Target, Vendor};
use reqwest::StatusCode;

const TIMEOUT: Duration = Duration::from_millis(400);

enum Expect {
    /// The call succeeds after this many token requests.
    Recovered(usize),
    /// The call fails with an error satisfying the check, after this many token requests.
    Fails(usize, fn(&Error) -> bool),
    /// The call returns the API's answer with this status, after this many token requests.
    Answered(usize, u16),
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
        Case { name: "500 once", target: Target::Token, fault: Fault::status(500), times: 1, expect: Recovered(2) },
        Case { name: "503 once", target: Target::Token, fault: Fault::status(503), times: 1, expect: Recovered(2) },
        Case {
            name: "503 past the retries",
            target: Target::Token,
            fault: Fault::status(503),
            times: 3,
            expect: Fails(
                3,
                |e| matches!(e, Error::MalformedResponse { status, .. } if *status == StatusCode::SERVICE_UNAVAILABLE),
            ),
        },
        Case {
            name: "429 with Retry-After",
            target: Target::Token,
            fault: Fault::too_many_requests(Some(1)),
            times: 1,
            expect: Recovered(2),
        },
        Case {
            name: "429 without Retry-After",
            target: Target::Token,
            fault: Fault::too_many_requests(None),
            times: 1,
            expect: Recovered(2),
        },
        Case {
            name: "429 with a Retry-After past the limit",
            target: Target::Token,
            fault: Fault::too_many_requests(Some(3600)),
            times: 1,
            expect: Fails(1, |e| e.status() == Some(StatusCode::TOO_MANY_REQUESTS)),
        },
        Case { name: "HTML 502 once", target: Target::Token, fault: Fault::html(502), times: 1, expect: Recovered(2) },
        Case {
            name: "HTML 404",
            target: Target::Token,
            fault: Fault::html(404),
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
            fault: Fault::huge_body(2 << 20),
            times: 1,
            expect: Fails(1, |e| matches!(e, Error::ResponseTooLarge { limit: 1_048_576, .. })),
        },
        Case {
            name: "redirect",
            target: Target::Token,
            fault: Fault::redirect("http://127.0.0.1:9/steal"),
            times: 1,
            expect: Fails(1, |e| e.to_string().contains("not followed")),
        },
        Case {
            name: "slow once",
            target: Target::Token,
            fault: Fault::slow(Duration::from_secs(2)),
            times: 1,
            expect: Recovered(2),
        },
        Case {
            name: "slow past the retries",
            target: Target::Token,
            fault: Fault::slow(Duration::from_secs(2)),
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
            // The second 401 is the API's answer, handed over like a 403 or a 500.
            expect: Answered(2, 401),
        },
    ]
}

#[tokio::test]
async fn every_fault_recovers_or_fails_typed() {
    let (logs, _guard) = capture_logs();
    let config = SimConfig::for_vendor(Vendor::Deyel).client_secret("DEYEL-SECRET-5150");
    let issued: Arc<Mutex<Vec<String>>> = Arc::default();
    let mut shown = Vec::new();
    for case in cases() {
        let sim = Simulator::start_with(config.clone()).await.unwrap();
        let sink = issued.clone();
        let client = builder(deyel(sim.config()), &sim)
            .timeout(TIMEOUT)
            .on_token(move |t| sink.lock().unwrap().push(t.access_token().expose_secret().to_owned()))
            .build()
            .unwrap();
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
            (Expect::Answered(n, status), Ok(response)) => {
                assert_eq!(response.status().as_u16(), *status, "{}", case.name);
                assert_eq!(requests, *n, "{}: token requests", case.name);
            }
            (Expect::Fails(n, check), Err(err)) => {
                assert!(check(&err), "{}: unexpected error {err:?}", case.name);
                assert_eq!(requests, *n, "{}: token requests", case.name);
                shown.push(format!("{err} {err:?}"));
            }
            (_, outcome) => panic!("{}: unexpected outcome {outcome:?}", case.name),
        }
        shown.push(format!("{client:?}"));
        eprintln!("{:<40} {:>6} ms, {requests} token request(s)", case.name, started.elapsed().as_millis());
    }
    // Across the whole matrix, no secret and no issued token in any output.
    let logs = logs.text();
    assert!(logs.contains("oauth.retry") && logs.contains("oauth.reauth"), "logs were captured");
    let mut secrets = vec!["DEYEL-SECRET-5150".to_owned()];
    secrets.extend(issued.lock().unwrap().iter().cloned());
    assert!(secrets.len() > 10, "tokens were issued");
    for secret in &secrets {
        assert!(!logs.contains(secret.as_str()), "a secret reached the logs");
        assert!(shown.iter().all(|s| !s.contains(secret.as_str())), "a secret reached an error or Debug");
    }
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let sim = Simulator::start(Vendor::Microbilt).await.unwrap();
    sim.inject(Target::Token, Fault::too_many_requests(Some(1)), 1);
    let client = builder(microbilt(sim.config()), &sim).build().unwrap();
    let started = Instant::now();
    client.token().await.unwrap();
    assert!(started.elapsed() >= Duration::from_secs(1), "waited for Retry-After");
    assert_eq!(sim.counters().token_requests, 2);
}

#[tokio::test]
async fn a_401_on_a_streaming_body_is_returned_and_renews_nothing_until_the_next_call() {
    let sim = Simulator::start(Vendor::Deyel).await.unwrap();
    let client = builder(deyel(sim.config()), &sim).build().unwrap();
    client.token().await.unwrap();
    sim.inject(Target::Api, Fault::Unauthorized, 1);
    let chunks = futures_util::stream::iter([Ok::<_, std::io::Error>("chunk")]);
    let response =
        client.get(Vendor::Deyel.protected_path()).body(reqwest::Body::wrap_stream(chunks)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "the API's answer is handed over");
    assert_eq!(sim.counters().token_requests, 1, "a call that cannot be replayed causes no renewal");
    assert!(!client.has_fresh_token(), "but the rejected token is not used again");
    let ok = client.get(Vendor::Deyel.protected_path()).send().await.unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
    assert_eq!(sim.counters().token_requests, 2, "the next call renewed it");
}

/// What an API call returns when the vendor's API (not its token endpoint) misbehaves.
enum ApiExpect {
    /// Handed to the caller as a response with this status: API errors are the caller's.
    Status(u16),
    /// A typed error.
    Fails(fn(&Error) -> bool),
}

#[tokio::test]
async fn api_faults_pass_through_or_fail_typed() {
    let cases: Vec<(&str, Fault, ApiExpect)> = vec![
        ("500", Fault::status(500), ApiExpect::Status(500)),
        ("503", Fault::status(503), ApiExpect::Status(503)),
        ("429", Fault::too_many_requests(Some(1)), ApiExpect::Status(429)),
        ("HTML 502", Fault::html(502), ApiExpect::Status(502)),
        ("redirect not followed", Fault::redirect("http://127.0.0.1:9/elsewhere"), ApiExpect::Status(302)),
        (
            "slow past the timeout",
            Fault::slow(Duration::from_secs(2)),
            ApiExpect::Fails(|e| matches!(e, Error::Timeout { .. })),
        ),
        ("reset mid-body", Fault::Reset, ApiExpect::Status(200)),
    ];
    for (name, fault, expect) in cases {
        let sim = Simulator::start(Vendor::Microbilt).await.unwrap();
        let client = builder(microbilt(sim.config()), &sim).timeout(TIMEOUT).build().unwrap();
        client.token().await.unwrap();
        sim.inject(Target::Api, fault, 1);
        let outcome = bounded(Duration::from_secs(5), client.get(Vendor::Microbilt.protected_path()).send()).await;
        match (expect, outcome) {
            (ApiExpect::Status(s), Ok(response)) => {
                assert_eq!(response.status().as_u16(), s, "{name}");
                if name.starts_with("reset") {
                    assert!(response.bytes().await.is_err(), "{name}: the broken body is an error when read");
                }
            }
            (ApiExpect::Fails(check), Err(e)) => assert!(check(&e), "{name}: {e:?}"),
            (_, outcome) => panic!("{name}: unexpected {outcome:?}"),
        }
        let c = sim.counters();
        assert_eq!((c.token_requests, c.api_requests), (1, 1), "{name}: no token request, no retry of the API call");
    }
}

#[tokio::test]
async fn connection_refused_is_retried_then_typed() {
    let sim = Simulator::start(Vendor::Deyel).await.unwrap();
    let config = sim.config().clone();
    let base = sim.base_url();
    drop(sim);
    let client = oauth_runtime::Client::builder(deyel(&config)).base_url(&base).retry(FAST_RETRY).build().unwrap();
    let started = Instant::now();
    let err = bounded(Duration::from_secs(5), client.token()).await.unwrap_err();
    assert!(matches!(err, Error::Connect { .. }), "{err:?}");
    assert!(started.elapsed() >= FAST_RETRY.min_delay, "retried with backoff");

    // An API call whose server went away after the token was issued.
    let sim = Simulator::start(Vendor::Deyel).await.unwrap();
    let client = builder(deyel(sim.config()), &sim).build().unwrap();
    client.token().await.unwrap();
    drop(sim);
    let err = bounded(Duration::from_secs(5), client.get(Vendor::Deyel.protected_path()).send()).await.unwrap_err();
    assert!(matches!(err, Error::Connect { .. }), "{err:?}");
}
