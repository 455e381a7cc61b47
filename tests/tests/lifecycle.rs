//! The token lifecycle under cancellation, failure and rejection: each test here failed before
//! renewals ran in a task of their own (issue 9).

mod common;

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicUsize, Ordering},
    },
    time::Duration,
};

use common::*;
use oauth_runtime::{Error, Token};
use oauth_sim::{Fault, Simulator, Target, Vendor};
use reqwest::StatusCode;

const SLOW: Duration = Duration::from_secs(1);

/// A caller that gives up mid-renewal does not abort the token request: the next caller joins
/// it instead of starting over, and callers that all give up still leave a cached token.
#[tokio::test]
async fn a_dropped_caller_does_not_cancel_the_renewal() {
    let sim = sim(Vendor::Deyel, Duration::from_secs(3600)).await;
    let client = builder(deyel(sim.config()), &sim).build().unwrap();
    sim.inject(Target::Token, Fault::slow(SLOW), 1);
    let first = tokio::time::timeout(Duration::from_millis(300), client.token()).await;
    assert!(first.is_err(), "the first caller gave up");
    let second = bounded(Duration::from_secs(5), client.token()).await.unwrap();
    assert_eq!(sim.counters().token_requests, 1, "the second caller joined the first caller's request");
    assert!(client.cached_token().is_some_and(|t| same(&t, &second)));

    // Callers with 300..500 ms deadlines against a 1 s endpoint: all give up, one request is
    // made, and its token is cached once it arrives.
    let sim = sim_slow_token(Vendor::Deyel).await;
    let client = builder(deyel(sim.config()), &sim).build().unwrap();
    let callers = [300, 350, 400, 450, 500].map(|ms| tokio::time::timeout(Duration::from_millis(ms), client.token()));
    let outcomes = futures_util::future::join_all(callers).await;
    assert!(outcomes.iter().all(Result::is_err), "every caller gave up");
    bounded(Duration::from_secs(5), async {
        while !client.has_fresh_token() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    assert_eq!(sim.counters().token_requests, 1, "one request for all of them");
}

async fn sim_slow_token(vendor: Vendor) -> Simulator {
    let sim = sim(vendor, Duration::from_secs(3600)).await;
    sim.inject(Target::Token, Fault::slow(SLOW), 1);
    sim
}

/// With rotating refresh tokens, a refresh the server carried out but whose caller gave up
/// still stores the rotated refresh token: the next refresh uses it, and the grant is not run.
#[tokio::test]
async fn an_abandoned_refresh_keeps_the_rotated_refresh_token() {
    let sim = sim(Vendor::MpsMonitor, Duration::from_secs(3600)).await;
    let client = builder(mps(sim.config()), &sim).build().unwrap();
    let first = client.token().await.unwrap();
    sim.inject(Target::Refresh, Fault::slow(SLOW), 1);
    let abandoned = tokio::time::timeout(Duration::from_millis(300), client.refresh()).await;
    assert!(abandoned.is_err(), "the caller gave up");
    tokio::time::sleep(SLOW + Duration::from_millis(300)).await;
    let second = client.cached_token().expect("the abandoned refresh's token was stored");
    assert!(!same(&second, &first));
    let third = bounded(Duration::from_secs(5), client.refresh()).await.unwrap();
    assert!(!same(&third, &second));
    let c = sim.counters();
    assert_eq!((c.token_requests, c.refresh_requests), (1, 2), "two refreshes with rotated tokens, no new grant");
}

/// The token deadline bounds the wait; the renewal goes on and its token is kept.
#[tokio::test]
async fn the_token_deadline_bounds_the_wait_not_the_renewal() {
    let sim = sim_slow_token(Vendor::Microbilt).await;
    let client = builder(microbilt(sim.config()), &sim).token_deadline(Duration::from_millis(200)).build().unwrap();
    let err = bounded(Duration::from_secs(5), client.token()).await.unwrap_err();
    assert!(err.is_transient(), "{err:?}");
    assert!(err.to_string().contains("200ms"), "the deadline is named: {err}");
    tokio::time::sleep(SLOW).await;
    client.token().await.unwrap();
    assert_eq!(sim.counters().token_requests, 1);
}

/// A token due for renewal but not expired is used at once while the renewal runs behind.
#[tokio::test]
async fn callers_with_a_usable_token_do_not_wait_for_its_renewal() {
    let sim = sim(Vendor::Deyel, Duration::from_secs(4)).await;
    // Renewal is due half-way through the lifetime (the skew is capped there).
    let client = builder(deyel(sim.config()), &sim).refresh_skew(Duration::from_secs(60)).build().unwrap();
    let first = client.token().await.unwrap();
    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert!(!client.has_fresh_token(), "due for renewal");
    sim.inject(Target::Token, Fault::slow(SLOW), 1);
    let response = bounded(Duration::from_secs(5), client.get(Vendor::Deyel.protected_path()).send()).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(!client.has_fresh_token(), "the call returned while the renewal was still running");
    assert_eq!(sim.counters().token_requests, 2, "the renewal was started");
    tokio::time::sleep(SLOW + Duration::from_millis(300)).await;
    let second = client.cached_token().expect("renewed");
    assert!(!same(&second, &first));
    assert_eq!(sim.counters().token_requests, 2);
}

/// A forced refresh that fails keeps the still-valid token, and concurrent forced refreshes
/// share one request.
#[tokio::test]
async fn a_failed_refresh_keeps_the_valid_token() {
    let sim = sim(Vendor::Deyel, Duration::from_secs(86400)).await;
    let client = builder(deyel(sim.config()), &sim).build().unwrap();
    let token = client.token().await.unwrap();
    sim.inject(Target::Token, Fault::status(503), 10);
    let err = client.refresh().await.unwrap_err();
    assert!(err.is_transient(), "{err:?}");
    assert!(client.cached_token().is_some_and(|t| same(&t, &token)), "the valid token is kept");
    let before = sim.counters().token_requests;
    for _ in 0..3 {
        let response = client.get(Vendor::Deyel.protected_path()).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
    }
    assert_eq!(sim.counters().token_requests, before, "no call waited on the outage");

    sim.clear_faults();
    let refreshes = futures_util::future::join_all((0..10).map(|_| client.refresh())).await;
    let renewed: Vec<_> = refreshes.into_iter().map(Result::unwrap).collect();
    assert!(renewed.iter().all(|t| same(t, &renewed[0]) && !same(t, &token)));
    assert_eq!(sim.counters().token_requests, before + 1, "concurrent refreshes share one request");
}

/// An API that rejects every token causes one renewal, not one per call.
#[tokio::test]
async fn an_api_that_rejects_every_token_renews_once() {
    let sim = sim(Vendor::Deyel, Duration::from_secs(3600)).await;
    let client = builder(deyel(sim.config()), &sim).build().unwrap();
    sim.inject(Target::Api, Fault::Unauthorized, 100);
    for _ in 0..5 {
        let response = client.get(Vendor::Deyel.protected_path()).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "the API's answer is returned");
    }
    let c = sim.counters();
    assert_eq!(c.token_requests, 2, "the first token and one renewal");
    assert_eq!(c.api_requests, 6, "the first call was replayed once, the others not");

    // Once the API accepts the new token, a later 401 is a real expiry and renews at once.
    sim.clear_faults();
    let response = client.get(Vendor::Deyel.protected_path()).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    sim.inject(Target::Api, Fault::Unauthorized, 1);
    let response = client.get(Vendor::Deyel.protected_path()).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "renewed and replayed");
    assert_eq!(sim.counters().token_requests, 3);
}

/// The token hook runs after the token is stored and before the callers of its renewal get it:
/// a hook that blocks holds up only those callers (every other one finds the token in the
/// cache), and one that panics loses nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_token_hook_can_neither_stall_readers_nor_lose_a_token() {
    let sim = sim(Vendor::MpsMonitor, Duration::from_secs(3600)).await;
    let release = Arc::new(AtomicBool::new(false));
    let calls = Arc::new(AtomicUsize::new(0));
    let (r, n) = (release.clone(), calls.clone());
    let client = builder(mps(sim.config()), &sim)
        .on_token(move |_| {
            if n.fetch_add(1, Ordering::SeqCst) == 0 {
                // The first call blocks until the test releases it.
                while !r.load(Ordering::SeqCst) {
                    std::thread::sleep(Duration::from_millis(5));
                }
            } else {
                panic!("a hook that panics");
            }
        })
        .build()
        .unwrap();
    let renewing = tokio::spawn({
        let client = client.clone();
        async move { client.token().await }
    });
    // While the hook blocks, the token is in the cache and other callers use it at once.
    let cached = fresh_token(&client).await;
    let other = bounded(Duration::from_millis(500), client.token()).await.unwrap();
    assert!(same(&other, &cached));
    assert!(!renewing.is_finished(), "the renewal's own caller waits for its hook");
    release.store(true, Ordering::SeqCst);
    let first = bounded(Duration::from_secs(5), renewing).await.unwrap().unwrap();
    assert!(same(&first, &cached));
    let second = bounded(Duration::from_secs(5), client.refresh()).await.unwrap();
    assert!(!same(&second, &first));
    // The panicking hook did not lose the rotated refresh token: the next refresh uses it.
    bounded(Duration::from_secs(5), client.refresh()).await.unwrap();
    let c = sim.counters();
    assert_eq!((c.token_requests, c.refresh_requests), (1, 2));
    assert_eq!(calls.load(Ordering::SeqCst), 3, "each call returned after its renewal's hook");
}

/// The simulator on a runtime of its own, so that the tests below can build and drop the
/// runtimes their client runs on.
fn background_sim(vendor: Vendor, lifetime: Duration) -> (tokio::runtime::Runtime, Simulator) {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let sim = rt.block_on(sim(vendor, lifetime));
    (rt, sim)
}

fn current_thread() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}

/// Defect 2: a renewal task dropped before its first poll (its runtime ended first) left a
/// closed channel in the flight slot, and every later renewal failed with `Error::Config`.
/// Before the fix, the call on runtime B failed with "token renewal ended without an outcome".
#[test]
fn a_renewal_whose_runtime_ended_before_it_ran_leaves_nothing_behind() {
    let (sim_rt, sim) = background_sim(Vendor::Deyel, Duration::from_secs(3600));
    let client = builder(deyel(sim.config()), &sim).build().unwrap();
    // Runtime A: the first poll of `token()` spawns the renewal; the block_on ends at once,
    // so the task is dropped with the runtime without ever running.
    let a = current_thread();
    a.block_on(async {
        let mut call = std::pin::pin!(client.token());
        std::future::poll_fn(|cx| {
            assert!(call.as_mut().poll(cx).is_pending(), "a renewal is in flight");
            std::task::Poll::Ready(())
        })
        .await;
    });
    drop(a);
    assert_eq!(sim.counters().token_requests, 0, "the renewal never ran");
    // Runtime B: a renewal starts afresh and succeeds.
    let b = current_thread();
    let token = b.block_on(bounded(Duration::from_secs(5), client.token())).expect("renewed on runtime B");
    assert!(client.cached_token().is_some_and(|t| same(&t, &token)));
    b.block_on(bounded(Duration::from_secs(5), client.refresh())).expect("and forced renewals too");
    drop(b);
    drop(sim);
    drop(sim_rt);
}

/// A renewal killed mid-flight by the end of its runtime: a caller waiting on it from another
/// runtime starts a new one instead of failing. Before the fix, that caller got
/// `Error::Config` ("token renewal ended without an outcome").
#[test]
fn a_renewal_killed_by_its_runtime_is_restarted_by_its_waiters() {
    let (sim_rt, sim) = background_sim(Vendor::Deyel, Duration::from_secs(3600));
    sim.inject(Target::Token, Fault::slow(SLOW), 1);
    let client = builder(deyel(sim.config()), &sim).build().unwrap();
    let first = client.clone();
    let runtime_a = std::thread::spawn(move || {
        let a = current_thread();
        let gave_up = a.block_on(async { tokio::time::timeout(Duration::from_millis(400), first.token()).await });
        assert!(gave_up.is_err(), "the slow token request was still in flight");
        // Kills the renewal task, mid-request.
        drop(a);
    });
    // Joins once runtime A's token request reached the server (it is slow, so still in flight).
    let since = std::time::Instant::now();
    while sim.counters().token_requests == 0 {
        assert!(since.elapsed() < Duration::from_secs(5), "runtime A never sent its token request");
        std::thread::sleep(Duration::from_millis(5));
    }
    let b = current_thread();
    let token = b.block_on(bounded(Duration::from_secs(5), client.token())).expect("the waiter started afresh");
    runtime_a.join().unwrap();
    assert!(client.cached_token().is_some_and(|t| same(&t, &token)));
    assert_eq!(sim.counters().token_requests, 2, "the killed request and the new one");
    drop(b);
    drop(sim);
    drop(sim_rt);
}

/// Defect 15: the hook ran after the outcome was published, so a program that refreshed and
/// exited could lose the rotated refresh token its hook was about to save. Now the caller of
/// a renewal gets its answer only once the hook ran. Before the fix, the hook had recorded
/// nothing yet when `token()` returned.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_returns_after_its_hook_saved_the_rotated_refresh_token() {
    let sim = sim(Vendor::MpsMonitor, Duration::from_secs(3600)).await;
    let saved = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let record = saved.clone();
    let client = builder(mps(sim.config()), &sim)
        .on_token(move |token| {
            // A slow save (a file, a database): the caller must not return before it is done.
            std::thread::sleep(Duration::from_millis(200));
            let rt = token.refresh_token().expect("MPS issues refresh tokens").expose_secret().to_owned();
            record.lock().unwrap().push(rt);
        })
        .build()
        .unwrap();
    let rt = |t: &Token| t.refresh_token().unwrap().expose_secret().to_owned();
    let first = bounded(Duration::from_secs(5), client.token()).await.unwrap();
    assert_eq!(*saved.lock().unwrap(), [rt(&first)], "token() returned after the hook ran");
    let second = bounded(Duration::from_secs(5), client.refresh()).await.unwrap();
    assert_ne!(rt(&second), rt(&first), "the refresh token rotated");
    assert_eq!(*saved.lock().unwrap(), [rt(&first), rt(&second)], "refresh() returned after the hook ran");
}

/// `drain()` waits for a renewal running in the background (a due but usable token), its
/// hook included, so a program can wait for it before exiting.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drain_waits_for_a_background_renewal_and_its_hook() {
    let sim = sim(Vendor::Deyel, Duration::from_secs(4)).await;
    let hooked = Arc::new(AtomicUsize::new(0));
    let count = hooked.clone();
    let client = builder(deyel(sim.config()), &sim)
        .refresh_skew(Duration::from_secs(60))
        .on_token(move |_| {
            count.fetch_add(1, Ordering::SeqCst);
        })
        .build()
        .unwrap();
    let first = client.token().await.unwrap();
    tokio::time::sleep(Duration::from_millis(2100)).await;
    sim.inject(Target::Token, Fault::slow(SLOW), 1);
    let still = bounded(Duration::from_millis(500), client.token()).await.unwrap();
    assert!(same(&still, &first), "the usable token, while its renewal runs behind");
    assert_eq!(hooked.load(Ordering::SeqCst), 1);
    let started = std::time::Instant::now();
    bounded(Duration::from_secs(5), client.drain()).await;
    assert!(started.elapsed() >= Duration::from_millis(500), "drain waited for the slow renewal");
    assert_eq!(hooked.load(Ordering::SeqCst), 2, "the renewal's hook ran before drain returned");
    assert!(client.cached_token().is_some_and(|t| !same(&t, &first)), "the renewed token is stored");
    // Nothing in flight: returns at once.
    bounded(Duration::from_millis(100), client.drain()).await;
}

fn same(a: &Token, b: &Token) -> bool {
    a.access_token().expose_secret() == b.access_token().expose_secret()
}
/// Typed errors name what applied: a per-call timeout, a request that cannot be built.
#[tokio::test]
async fn api_call_errors_say_what_happened() {
    let sim = sim(Vendor::Microbilt, Duration::from_secs(3600)).await;
    let client = builder(microbilt(sim.config()), &sim).build().unwrap();
    client.token().await.unwrap();
    sim.inject(Target::Api, Fault::slow(SLOW), 1);
    let path = Vendor::Microbilt.protected_path();
    let err = client.get(path).timeout(Duration::from_millis(100)).send().await.unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }) && err.to_string().contains("100ms"), "{err}");
    let err = client.get(path).header("bad header", "x").send().await.unwrap_err();
    assert!(matches!(err, Error::Request { .. }), "{err:?}");
    assert!(!err.is_transient() && !err.is_rejection());
}

/// The same rules for calls sent through the user's own HTTP client.
#[tokio::test]
async fn authorization_leases_follow_the_same_rules() {
    let sim = sim(Vendor::Deyel, Duration::from_secs(3600)).await;
    let client = builder(deyel(sim.config()), &sim).build().unwrap();
    let http = reqwest::Client::new();
    let url = format!("{}{}", sim.base_url(), Vendor::Deyel.protected_path());
    let auth = client.authorization().await.unwrap();
    let response = http.get(&url).header("authorization", auth.header_value()).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(!client.after_response(&auth, response.status()), "nothing to do after a 200");

    sim.inject(Target::Api, Fault::Unauthorized, 3);
    let response = http.get(&url).header("authorization", auth.header_value()).send().await.unwrap();
    assert!(client.after_response(&auth, response.status()), "a 401: renew and send again");
    let renewed = client.authorization().await.unwrap();
    assert!(!same(renewed.token(), auth.token()));
    let response = http.get(&url).header("authorization", renewed.header_value()).send().await.unwrap();
    assert!(!client.after_response(&renewed, response.status()), "a fresh token rejected too: give up for now");
    assert_eq!(sim.counters().token_requests, 2);
    assert!(!format!("{renewed:?}").contains(renewed.token().access_token().expose_secret()));
}
