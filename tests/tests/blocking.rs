//! The blocking client (issue 12, item 5) against the Deyel simulator, which runs on a runtime
//! of its own in background threads: from plain threads (the tests' own and spawned ones), and
//! from inside a Tokio runtime, where it must not panic, dropped there included.

mod common;

use std::{sync::Arc, thread, time::Duration};

use common::{builder, deyel};
use oauth_runtime::{Error, blocking::BlockingClient, reqwest::StatusCode};
use oauth_sim::{Fault, Simulator, Target, Vendor};
use oauth_specs::Deyel;
use serde::Deserialize;

/// The simulator on a multi-thread runtime: its tasks run on that runtime's worker threads,
/// whatever the test thread does.
fn background_sim() -> (tokio::runtime::Runtime, Simulator) {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let sim = rt.block_on(Simulator::start(Vendor::Deyel)).unwrap();
    (rt, sim)
}

/// Built on a plain thread: no runtime is needed until the first call.
fn blocking_client(sim: &Simulator) -> BlockingClient<Deyel> {
    builder(deyel(sim.config()), sim).build().unwrap().blocking().unwrap()
}

#[derive(Debug, Deserialize)]
struct Me {
    #[serde(flatten)]
    fields: serde_json::Map<String, serde_json::Value>,
}

#[test]
fn blocking_calls_from_a_plain_thread() {
    let (_rt, sim) = background_sim();
    let client = blocking_client(&sim);

    let token = client.token().unwrap();
    assert!(Arc::ptr_eq(&token, &client.cached_token().unwrap()));
    let response = client.get(Vendor::Deyel.protected_path()).send().unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(!response.text().unwrap().is_empty());
    let me: Me = client.get(Vendor::Deyel.protected_path()).send_json().unwrap();
    assert!(!me.fields.is_empty(), "a JSON object");
    assert!(!client.get(Vendor::Deyel.protected_path()).send_text().unwrap().is_empty());
    assert!(!client.get(Vendor::Deyel.protected_path()).send_bytes().unwrap().is_empty());
    client.get(Vendor::Deyel.protected_path()).header("x-test", "1").send_empty().unwrap();
    let c = sim.counters();
    assert_eq!((c.token_requests, c.api_authorized), (1, 5), "one token for every call");

    sim.inject(Target::Api, Fault::Unauthorized, 1);
    let response = client.get(Vendor::Deyel.protected_path()).body("replayable").send().unwrap();
    assert_eq!(response.status(), StatusCode::OK, "renewed and sent again");
    assert_eq!(sim.counters().token_requests, 2);

    let refreshed = client.refresh().unwrap();
    assert_eq!(sim.counters().token_requests, 3);
    assert!(!Arc::ptr_eq(&refreshed, &token));

    sim.inject(Target::Api, Fault::status(503), 1);
    let err = client.get(Vendor::Deyel.protected_path()).send_json::<Me>().unwrap_err();
    assert!(matches!(&err, Error::Api(api) if api.status == StatusCode::SERVICE_UNAVAILABLE), "{err}");
}

#[test]
fn many_threads_share_one_token_request() {
    let (_rt, sim) = background_sim();
    let client = blocking_client(&sim);
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let client = client.clone();
            thread::spawn(move || client.get(Vendor::Deyel.protected_path()).send().unwrap().status())
        })
        .collect();
    for t in threads {
        assert_eq!(t.join().unwrap(), StatusCode::OK);
    }
    assert_eq!(sim.counters().token_requests, 1, "8 threads, one token request");
}

/// Inside a Tokio runtime it never panics: on a multi-thread runtime's thread the call is made;
/// on a current-thread runtime's thread it is refused with a typed error (see the test below);
/// in `spawn_blocking` it is made; and dropping it there is fine.
#[test]
fn inside_a_tokio_runtime_it_neither_panics_nor_hangs() {
    let (_rt, sim) = background_sim();
    let multi = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let status = multi.block_on(async {
        let client = blocking_client(&sim);
        let status =
            client.get(Vendor::Deyel.protected_path()).timeout(Duration::from_secs(5)).send().unwrap().status();
        drop(client); // stops its runtime thread from inside an async context
        status
    });
    assert_eq!(status, StatusCode::OK);
    let caller = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let refused = caller.block_on(async {
        let client = blocking_client(&sim);
        let refused = client.get(Vendor::Deyel.protected_path()).send().unwrap_err();
        drop(client);
        refused
    });
    assert!(matches!(refused, Error::Config(_)), "{refused:?}");
    let from_blocking_task = caller.block_on(async {
        let client = blocking_client(&sim);
        tokio::task::spawn_blocking(move || client.token().map(|_| ())).await.unwrap()
    });
    from_blocking_task.unwrap();
}

#[test]
fn token_errors_are_returned() {
    let (_rt, sim) = background_sim();
    let wrong = Deyel { client_id: sim.config().client_id.clone(), client_secret: oauth_runtime::Secret::from("no") };
    let client = builder(wrong, &sim).build().unwrap().blocking().unwrap();
    let err = client.get(Vendor::Deyel.protected_path()).send().unwrap_err();
    assert!(err.is_rejection(), "{err}");
}

/// Runs `body` on a thread of its own and fails if it does not finish within `limit`: a
/// blocking call that hangs a thread cannot be interrupted by a Tokio timeout on that thread.
fn within(limit: Duration, body: impl FnOnce() + Send + 'static) {
    let (done, finished) = std::sync::mpsc::channel();
    let runner = thread::spawn(move || {
        body();
        let _ = done.send(());
    });
    match finished.recv_timeout(limit) {
        Ok(()) => runner.join().unwrap(),
        // The body panicked: show its panic.
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => std::panic::resume_unwind(runner.join().unwrap_err()),
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => panic!("hung for more than {limit:?}"),
    }
}

/// Defect 5: the async client pools a connection on a current-thread runtime (that runtime's
/// thread drives it), then the blocking client behind the same pool is called from that
/// runtime. Called in `spawn_blocking`, the runtime's thread is free and the call completes;
/// called on the runtime's thread itself, it must end with a typed error, never hang. Before
/// the fix it hung (past this test's 15 s bound, until the request timeout): the pooled
/// connection waited for the thread the call blocked.
#[test]
fn after_the_async_client_pooled_a_connection_on_a_current_thread_runtime() {
    within(Duration::from_secs(15), || {
        let (sim_rt, sim) = background_sim();
        let caller = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        caller.block_on(async {
            // A request timeout longer than the bound: a hang is not cut short by it.
            let client = builder(deyel(sim.config()), &sim).timeout(Duration::from_secs(60)).build().unwrap();
            let status = client.get(Vendor::Deyel.protected_path()).send().await.unwrap().status();
            assert_eq!(status, StatusCode::OK, "a connection is now pooled, driven by this runtime");
            let blocking = client.clone().blocking().unwrap();
            let in_blocking_task = blocking.clone();
            let status = tokio::task::spawn_blocking(move || {
                in_blocking_task.get(Vendor::Deyel.protected_path()).send().map(|r| r.status())
            })
            .await
            .unwrap()
            .unwrap();
            assert_eq!(status, StatusCode::OK, "from spawn_blocking the call completes");
            let err = blocking.get(Vendor::Deyel.protected_path()).send().unwrap_err();
            assert!(matches!(err, Error::Config(ref m) if m.contains("spawn_blocking")), "{err:?}");
            assert!(matches!(blocking.token(), Err(Error::Config(_))), "every call is refused there, token included");
            // From an async task of this runtime (not `block_on` itself): refused too.
            let in_task = blocking.clone();
            let err = tokio::spawn(async move { in_task.get(Vendor::Deyel.protected_path()).send().map(|_| ()) })
                .await
                .unwrap()
                .unwrap_err();
            assert!(matches!(err, Error::Config(ref m) if m.contains("spawn_blocking")), "{err:?}");
            // The async client still works on this runtime afterwards.
            client.get(Vendor::Deyel.protected_path()).send().await.unwrap();
        });
        drop(caller);
        drop(sim);
        drop(sim_rt);
    });
}

/// A TV app: the device grant, revocation, no secret.
#[oauth_runtime::oauth_provider(
    grant = "device_code",
    client_auth = "none",
    token_path = "/oauth/token",
    device_authorization_path = "/oauth/device/code",
    refresh = "refresh_token_grant",
    revocation_path = "/oauth/revoke"
)]
#[derive(Clone)]
struct Tv {
    client_id: String,
}

#[test]
fn a_blocking_client_runs_the_device_grant_and_revokes() {
    use oauth_runtime::Provider as _;
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let tv = Tv { client_id: "tv-app".into() };
    let config = oauth_sim::SimConfig::for_provider(tv.clone()).device_interval(Duration::ZERO);
    let sim = Arc::new(rt.block_on(Simulator::start_with(config)).unwrap());
    let client = tv.client(&sim.base_url()).unwrap().blocking().unwrap();

    assert!(matches!(client.token(), Err(Error::AuthorizationRequired { .. })), "no silent grant");
    let person = Arc::clone(&sim);
    let token = client
        .authorize_device(move |prompt| {
            person.approve_device(prompt.user_code());
        })
        .expect("approved");
    assert_eq!(client.get(sim.protected_path()).send().unwrap().status(), StatusCode::OK);

    client.revoke().expect("revoked");
    assert!(sim.is_revoked(token.access_token().expose_secret()), "the server saw the revocation");
    assert!(client.cached_token().is_none(), "nothing presents a revoked token");
    assert!(matches!(client.token(), Err(Error::AuthorizationRequired { .. })), "the person again");
}
