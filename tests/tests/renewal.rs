//! The renewal path ("read the store, lock, refresh or grant, write"), over HTTP against the
//! MPS Monitor simulator with rotating refresh tokens and reuse detection: the same rules with
//! and without a store, a refresh token never presented twice, a rotated one never lost.

mod common;

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use common::*;
use oauth_runtime::{
    Client, Error, RetryPolicy, Token,
    store::{DigestKey, KeyId, LockId, MemoryStore, StoreError, StoreFuture, StoreKey, StoredToken, TokenStore},
};
use oauth_sim::{Fault, SimConfig, Simulator, Target, Vendor};
use oauth_specs::MpsMonitor;

/// MPS Monitor (rotating refresh tokens) with reuse detection on.
async fn strict_sim() -> Simulator {
    let config = SimConfig::for_vendor(Vendor::MpsMonitor)
        .token_lifetime(Duration::from_secs(3600))
        .refresh_reuse_detection(true);
    Simulator::start_with(config).await.expect("simulator starts")
}

/// A `MemoryStore` whose writes fail on demand, and whose entries can be lost at once (a
/// flushed or restarted Redis).
#[derive(Clone, Debug)]
struct FlakyStore {
    inner: Arc<std::sync::Mutex<MemoryStore>>,
    fail_puts: Arc<AtomicBool>,
    /// Its own digest key: a `MemoryStore` draws a new one when it is replaced, and the
    /// entries' names must survive the loss of the entries, as Redis keys do.
    digest: DigestKey,
}

impl Default for FlakyStore {
    fn default() -> Self {
        FlakyStore { inner: Default::default(), fail_puts: Default::default(), digest: DigestKey::generate() }
    }
}

impl FlakyStore {
    fn memory(&self) -> MemoryStore {
        self.inner.lock().unwrap().clone()
    }

    /// Every entry and lock gone, as after `FLUSHALL`.
    fn forget(&self) {
        *self.inner.lock().unwrap() = MemoryStore::new();
    }
}

impl TokenStore for FlakyStore {
    fn key(&self, id: &KeyId<'_>) -> StoreKey {
        StoreKey::derive(&self.digest, id)
    }

    fn get<'a>(&'a self, key: &'a StoreKey) -> StoreFuture<'a, Option<StoredToken>> {
        let memory = self.memory();
        Box::pin(async move { memory.get(key).await })
    }

    fn put<'a>(&'a self, key: &'a StoreKey, token: &'a Token, expected: u64) -> StoreFuture<'a, Option<u64>> {
        let (memory, fail) = (self.memory(), self.fail_puts.load(Ordering::SeqCst));
        Box::pin(async move {
            if fail {
                return Err(StoreError::new("write refused by the test"));
            }
            memory.put(key, token, expected).await
        })
    }

    fn lock<'a>(&'a self, key: &'a StoreKey, ttl: Duration) -> StoreFuture<'a, Option<LockId>> {
        let memory = self.memory();
        Box::pin(async move { memory.lock(key, ttl).await })
    }

    fn extend<'a>(&'a self, key: &'a StoreKey, lock: &'a LockId, ttl: Duration) -> StoreFuture<'a, bool> {
        let memory = self.memory();
        Box::pin(async move { memory.extend(key, lock, ttl).await })
    }

    fn unlock<'a>(&'a self, key: &'a StoreKey, lock: &'a LockId) -> StoreFuture<'a, bool> {
        let memory = self.memory();
        Box::pin(async move { memory.unlock(key, lock).await })
    }
}

fn client(sim: &Simulator, store: Option<&FlakyStore>) -> Client<MpsMonitor> {
    // No transport retries: what is tested here is the renewal's own rule, not the
    // transport's retry policy.
    let builder = builder(mps(sim.config()), sim).retry(RetryPolicy::NONE).timeout(Duration::from_secs(1));
    match store {
        Some(store) => builder.store(store.clone()),
        None => builder,
    }
    .build()
    .unwrap()
}

fn same(a: &Token, b: &Token) -> bool {
    a.access_token().expose_secret() == b.access_token().expose_secret()
}

async fn ok_call(client: &Client<MpsMonitor>) {
    let response = client.get(Vendor::MpsMonitor.protected_path()).send().await.unwrap();
    assert_eq!(response.status(), oauth_runtime::reqwest::StatusCode::OK);
}

/// A refresh whose answer was lost after the vendor processed it (a 500 from behind the
/// server, an answer that timed out) is never presented again: the renewal runs the grant,
/// with and without a store, and the next renewal refreshes the grant's refresh token.
#[tokio::test]
async fn an_ambiguous_refresh_is_never_presented_again() {
    let lost =
        [Fault::after_processing(Fault::status(500)), Fault::after_processing(Fault::slow(Duration::from_secs(2)))];
    for fault in lost {
        for with_store in [false, true] {
            let sim = strict_sim().await;
            let store = FlakyStore::default();
            let client = client(&sim, with_store.then_some(&store));
            client.token().await.unwrap();
            sim.inject(Target::Refresh, fault.clone(), 1);
            let renewed = client.refresh().await;
            let c = sim.counters();
            assert!(renewed.is_ok(), "{fault:?}, store {with_store}: the grant replaced the lost refresh: {renewed:?}");
            assert_eq!((c.refresh_requests, c.token_requests), (1, 2), "{fault:?}, store {with_store}");
            client.refresh().await.unwrap();
            ok_call(&client).await;
            let c = sim.counters();
            assert_eq!(c.refresh_tokens_repeated, 0, "{fault:?}, store {with_store}: a refresh token presented twice");
            assert_eq!(c.refresh_reuse_detected, 0, "{fault:?}, store {with_store}");
            assert_eq!((c.refresh_requests, c.token_requests), (2, 2), "{fault:?}, store {with_store}");
        }
    }
}

/// A rejected refresh with a grant that cannot run unattended is
/// `Error::ReauthorizationRequired`, a rejection, and no grant is sent; with and without a
/// store.
#[tokio::test]
async fn a_rejected_refresh_without_an_unattended_grant_needs_reauthorization() {
    for with_store in [false, true] {
        let sim = strict_sim().await;
        let store = FlakyStore::default();
        let client = client(&sim, with_store.then_some(&store));
        client.token().await.unwrap();
        client.__forbid_unattended_grant();
        sim.inject(Target::Refresh, Fault::Unauthorized, 1);
        let error = client.refresh().await.unwrap_err();
        assert!(
            matches!(error, Error::ReauthorizationRequired { vendor: "MPS Monitor", .. }),
            "store {with_store}: {error:?}"
        );
        assert!(error.is_rejection() && !error.is_transient(), "store {with_store}");
        assert_eq!(sim.counters().token_requests, 1, "store {with_store}: no grant was sent");
        // The rejected refresh token is never presented again either.
        let again = client.refresh().await.unwrap_err();
        assert!(matches!(again, Error::ReauthorizationRequired { .. }), "{again:?}");
        assert_eq!(sim.counters().refresh_requests, 1, "store {with_store}");
    }
}

/// The same rules with and without a store: for each refresh outcome, the vendor sees the same
/// requests and the caller the same result.
#[tokio::test]
async fn the_same_rules_with_and_without_a_store() {
    let faults = [
        None,
        Some(Fault::Unauthorized),
        Some(Fault::status(503)),
        Some(Fault::after_processing(Fault::status(502))),
        Some(Fault::Reset),
    ];
    for fault in faults {
        let mut seen = Vec::new();
        for with_store in [false, true] {
            let sim = strict_sim().await;
            let store = FlakyStore::default();
            let client = client(&sim, with_store.then_some(&store));
            client.token().await.unwrap();
            if let Some(fault) = &fault {
                sim.inject(Target::Refresh, fault.clone(), 1);
            }
            let first = client.refresh().await.map(|_| ()).map_err(|e| e.to_string());
            let second = client.refresh().await.map(|_| ()).map_err(|e| e.to_string());
            let c = sim.counters();
            assert_eq!(c.refresh_tokens_repeated, 0, "{fault:?}, store {with_store}");
            seen.push((first.is_ok(), second.is_ok(), c.token_requests, c.refresh_requests));
        }
        assert_eq!(seen[0], seen[1], "{fault:?}: without a store, then with one");
    }
}

/// Defect 3: the store refuses the write after a refresh. The process keeps the rotated token
/// and never presents the store's older refresh token, which the vendor rotated away; once the
/// store takes writes again, the fleet shares the newer token.
#[tokio::test]
async fn a_failed_write_never_leads_to_the_stores_old_refresh_token() {
    let sim = strict_sim().await;
    let store = FlakyStore::default();
    let a = client(&sim, Some(&store));
    let b = client(&sim, Some(&store));
    let first = a.token().await.unwrap();
    assert!(same(&first, &b.token().await.unwrap()));

    store.fail_puts.store(true, Ordering::SeqCst);
    let rotated = a.refresh().await.unwrap(); // refreshed; the write fails
    assert!(!same(&rotated, &first));
    store.fail_puts.store(false, Ordering::SeqCst);
    let next = a.refresh().await.unwrap(); // must refresh `rotated`, not the store's `first`
    ok_call(&a).await;
    let adopted = b.refresh().await.unwrap();
    assert!(same(&adopted, &next), "`b` took the token `a` stored once writes worked again");
    ok_call(&b).await;
    let c = sim.counters();
    assert_eq!((c.refresh_reuse_detected, c.refresh_tokens_repeated), (0, 0), "no family revoked");
    assert_eq!((c.token_requests, c.refresh_requests), (1, 2));
}

/// Defect 17, in one process: the store loses every entry (a flushed Redis) while the holder's
/// refresh is in flight. Another client renews by the grant, never with the refresh token the
/// fleet shared; the holder's fresh token is not lost to its compare-and-set against the
/// emptied store.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_emptied_mid_refresh_never_leads_to_a_shared_refresh_token() {
    let sim = strict_sim().await;
    let store = FlakyStore::default();
    let holder = client(&sim, Some(&store));
    let other = builder(mps(sim.config()), &sim)
        .retry(RetryPolicy::NONE)
        .timeout(Duration::from_secs(3))
        .store(store.clone())
        .build()
        .unwrap();
    let first = holder.token().await.unwrap();
    assert!(same(&first, &other.token().await.unwrap()));

    sim.inject(Target::Refresh, Fault::slow(Duration::from_millis(600)), 1);
    let renewing = {
        let holder = holder.clone();
        tokio::spawn(async move { holder.refresh().await })
    };
    bounded(Duration::from_secs(5), async {
        while sim.counters().refresh_requests == 0 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await;
    store.forget();
    let others = other.refresh().await.unwrap(); // the store is empty: a grant, not `first`'s refresh token
    let held = bounded(Duration::from_secs(5), renewing).await.unwrap().unwrap();
    assert!(!same(&held, &first) && !same(&others, &first));
    let c = sim.counters();
    assert_eq!((c.refresh_reuse_detected, c.refresh_tokens_repeated), (0, 0), "no family revoked");
    assert_eq!((c.token_requests, c.refresh_requests), (2, 1));
    let kept = client(&sim, Some(&store)).token().await.unwrap();
    assert!(same(&kept, &held) || same(&kept, &others), "the store holds one of the fresh tokens");
    assert_eq!(sim.counters().token_requests, 2, "a new client took the stored token");
    ok_call(&holder).await;
    ok_call(&other).await;
}

/// The holder's fresh token survives a store emptied while its refresh was in flight: it is
/// written as a new entry, for the next client.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_holders_token_survives_an_emptied_store() {
    let sim = strict_sim().await;
    let store = FlakyStore::default();
    let holder = client(&sim, Some(&store));
    holder.token().await.unwrap();
    sim.inject(Target::Refresh, Fault::slow(Duration::from_millis(300)), 1);
    let renewing = {
        let holder = holder.clone();
        tokio::spawn(async move { holder.refresh().await })
    };
    bounded(Duration::from_secs(5), async {
        while sim.counters().refresh_requests == 0 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await;
    store.forget();
    let held = bounded(Duration::from_secs(5), renewing).await.unwrap().unwrap();
    let late = client(&sim, Some(&store));
    let adopted = late.token().await.unwrap();
    assert!(same(&adopted, &held), "the new client took the holder's token from the store");
    let c = sim.counters();
    assert_eq!((c.token_requests, c.refresh_requests, c.refresh_reuse_detected), (1, 1, 0));
}

/// A 401 for a token that another process already replaced: the store's newer token is
/// adopted without a token request.
#[tokio::test]
async fn a_newer_stored_token_is_adopted_after_a_rejection() {
    let sim = strict_sim().await;
    let store = FlakyStore::default();
    let a = client(&sim, Some(&store));
    let b = client(&sim, Some(&store));
    let old = a.token().await.unwrap();
    b.token().await.unwrap();
    let newer = b.refresh().await.unwrap();
    let adopted = a.__adopt_newer_from_store(&old).await.expect("the stored token is newer");
    assert!(same(&adopted, &newer));
    assert!(a.__adopt_newer_from_store(&newer).await.is_none(), "nothing newer than the newest");
    assert_eq!(sim.counters().token_requests, 1);
}
