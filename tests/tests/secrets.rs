//! No secret reaches a `Debug`, a `Display`, an error, a panic message or a log line.

mod common;

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use common::*;
use oauth_runtime::{Credential, Secret};
use oauth_sim::{Fault, SimConfig, Simulator, Target, Vendor};

#[tokio::test]
async fn full_flow_leaks_nothing() {
    let (logs, _guard) = capture_logs();

    let config = SimConfig::for_vendor(Vendor::MpsMonitor)
        .client_secret("CLIENT-SECRET-4417")
        .password("USER-PASSWORD-9921")
        .token_lifetime(Duration::from_secs(1));
    let sim = Simulator::start_with(config.clone()).await.unwrap();
    let issued: Arc<Mutex<Vec<String>>> = Arc::default();
    let sink = issued.clone();
    let client = builder(mps(&config), &sim)
        .on_token(move |t| {
            let mut all = sink.lock().unwrap();
            all.push(t.access_token().expose_secret().to_owned());
            all.extend(t.refresh_token().map(|r| r.expose_secret().to_owned()));
        })
        .build()
        .unwrap();

    let mut shown = Vec::new();
    let token = client.token().await.unwrap();
    shown.push(format!("{token:?} {client:?}"));
    client.get(Vendor::MpsMonitor.protected_path()).send().await.unwrap();
    client.refresh().await.unwrap();
    sim.expire_tokens();
    client.get(Vendor::MpsMonitor.protected_path()).send().await.unwrap();
    // Calls whose URL carries secrets (by name and by value), typed reads, an API error, a
    // connection broken mid-body: each a wire event at TRACE, header names included.
    let path = Vendor::MpsMonitor.protected_path();
    let current = client.token().await.unwrap().access_token().expose_secret().to_owned();
    client
        .get(path)
        .query_param("password", "USER-PASSWORD-9921")
        .query_param("q", "CLIENT-SECRET-4417")
        .query_param("t", &current)
        .send_text()
        .await
        .unwrap();
    sim.inject(Target::Api, Fault::status(500), 1);
    shown.push(client.get(path).send_text().await.unwrap_err().to_string());
    sim.inject(Target::Api, Fault::Reset, 1);
    shown.push(client.get(path).send_bytes().await.unwrap_err().to_string());
    sim.revoke_refresh_tokens();
    client.refresh().await.unwrap();
    for fault in [Fault::html(502), Fault::MalformedJson, Fault::ErrorIn200, Fault::status(500), Fault::Reset] {
        sim.inject(Target::Refresh, fault.clone(), 3);
        sim.inject(Target::Token, fault, 3);
        if let Err(e) = client.refresh().await {
            shown.push(format!("{e} {e:?}"));
        }
        sim.clear_faults();
    }
    // A grant that fails once is retried (a refresh that may have reached the server is not).
    sim.inject(Target::Token, Fault::status(503), 1);
    builder(mps(&config), &sim).build().unwrap().token().await.unwrap();
    let mut wrong = config.clone();
    wrong.password = "USER-PASSWORD-9921-typo".into();
    let err = builder(mps(&wrong), &sim).build().unwrap().token().await.unwrap_err();
    shown.push(format!("{err} {err:?}"));
    // What a user's `unwrap()` would print: the panic message carries the `Debug` of the value.
    shown.push(panic_message(|| std::hint::black_box(Err::<(), _>(err.clone())).unwrap()));
    let token = client.token().await.unwrap();
    shown.push(panic_message(|| std::hint::black_box(Ok::<_, ()>(token)).unwrap_err()));
    shown.push(format!("{:?}", Credential::from(Secret::from("CLIENT-SECRET-4417".to_owned()))));
    shown.push(format!("{:?} {:?}", client.token().await.unwrap(), builder(mps(&config), &sim)));

    let mut secrets = vec!["CLIENT-SECRET-4417".to_owned(), "USER-PASSWORD-9921".to_owned()];
    secrets.extend(issued.lock().unwrap().iter().cloned());
    assert!(secrets.len() >= 8, "tokens were issued and collected: {}", secrets.len());
    let logs = logs.text();
    assert!(logs.contains("oauth.refresh") && logs.contains("oauth.token_fetch"), "spans were captured");
    assert!(logs.contains("oauth.retry") && logs.contains("oauth.reauth"), "spans were captured");
    for wire in ["oauth_runtime::wire", "kind=\"refresh\"", "kind=\"api\"", "request_headers=", "error=\"body\""] {
        assert!(logs.contains(wire), "wire events were captured at TRACE: {wire}");
    }
    assert!(logs.contains("password=[REDACTED]&q=[REDACTED]&t=[REDACTED]"), "secret query values are masked");
    for secret in &secrets {
        assert!(!logs.contains(secret.as_str()), "a secret reached the logs");
        for text in &shown {
            assert!(!text.contains(secret.as_str()), "a secret reached Debug/Display: {text}");
        }
    }
}

/// A vendor with rotating refresh tokens, a revocation endpoint and server metadata.
#[derive(Clone)]
#[oauth_runtime::oauth_provider(
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
async fn every_send_path_at_trace_leaks_nothing() {
    use oauth_runtime::{
        Provider,
        middleware::{reqwest::OAuthMiddleware, tower::OAuthLayer},
    };
    use tower::ServiceExt;

    let (logs, _guard) = capture_logs();
    let config = SimConfig::for_spec(Revocable::SPEC).client_secret("REV-SECRET-3141");
    let sim = Simulator::start_with(config).await.unwrap();
    let issued: Arc<Mutex<Vec<String>>> = Arc::default();
    let sink = issued.clone();
    let creds = Revocable { client_id: sim.config().client_id.clone(), client_secret: Secret::from("REV-SECRET-3141") };
    let client = creds
        .clone()
        .client_builder()
        .base_url(&sim.base_url())
        .issuer(&sim.issuer())
        .discover()
        .await
        .unwrap()
        .on_token(move |t| {
            let mut all = sink.lock().unwrap();
            all.push(t.access_token().expose_secret().to_owned());
            all.extend(t.refresh_token().map(|r| r.expose_secret().to_owned()));
        })
        .build()
        .unwrap();

    // The reqwest middleware and the tower layer, a 401 replay through each.
    let http = reqwest_middleware::ClientBuilder::new(client.http().clone())
        .with(OAuthMiddleware::new(client.clone()))
        .build();
    sim.inject(Target::Api, Fault::Unauthorized, 1);
    assert_eq!(http.get(sim.protected_url()).send().await.unwrap().status(), 200);
    let reqwest = client.http().clone();
    let send = tower::service_fn(move |req: http::Request<String>| {
        let reqwest = reqwest.clone();
        async move {
            let response = reqwest.execute(oauth_runtime::reqwest::Request::try_from(req)?).await?;
            Ok::<_, oauth_runtime::reqwest::Error>(http::Response::from(response))
        }
    });
    let service = tower::ServiceBuilder::new().layer(OAuthLayer::new(client.clone())).service(send);
    sim.inject(Target::Api, Fault::Unauthorized, 1);
    let request = http::Request::get(sim.protected_url()).body(String::new()).unwrap();
    assert_eq!(service.oneshot(request).await.unwrap().status(), 200);
    // A refresh, a revocation (the tokens in its body), a refused client.
    client.refresh().await.unwrap();
    client.revoke().await.unwrap();
    let wrong = Revocable { client_secret: Secret::from("REV-SECRET-3141-typo"), ..creds };
    let err = wrong.client(&sim.base_url()).unwrap().token().await.unwrap_err();

    let logs = logs.text();
    for kind in ["discovery", "token", "refresh", "revoke", "api"] {
        assert!(logs.contains(&format!("kind=\"{kind}\"")), "a {kind} wire event was captured");
    }
    assert!(logs.contains("request_headers=") && logs.contains("authorization"), "header names at TRACE");
    let mut secrets = vec!["REV-SECRET-3141".to_owned()];
    secrets.extend(issued.lock().unwrap().iter().cloned());
    assert!(secrets.len() >= 7, "tokens were issued and collected: {}", secrets.len());
    for secret in &secrets {
        assert!(!logs.contains(secret.as_str()), "a secret reached the logs");
        assert!(!format!("{err} {err:?}").contains(secret.as_str()));
    }
    assert!(!logs.contains("Bearer ") && !logs.contains("Basic "), "no header value");
}

/// The message of the panic `f` raises.
fn panic_message<R>(f: impl FnOnce() -> R) -> String {
    let payload = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).err().expect("the closure panics");
    let message = payload.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(message.contains("called `Result::"), "a panic message was caught: {message}");
    message
}

#[test]
fn vendor_structs_debug_redacts_secrets() {
    let creds = mps(&SimConfig::for_vendor(Vendor::MpsMonitor).client_secret("CLIENT-SECRET-1").password("PASSWORD-2"));
    let shown = format!("{creds:?}");
    assert!(shown.contains("account"), "public fields stay readable: {shown}");
    assert!(!shown.contains("CLIENT-SECRET-1") && !shown.contains("PASSWORD-2"), "{shown}");
}
