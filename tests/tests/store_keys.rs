//! The token store's keys, errors and timing over real HTTP: an MPS Monitor simulator
//! (password grant, rotating refresh tokens, reuse detection) and a real `redis-server` on an
//! ephemeral port.

mod common;
// Shared with fleet.rs, which uses the server's other helpers (restart, flush, ...).
#[allow(dead_code)]
#[path = "common/redis_server.rs"]
mod redis_server;

use std::time::{Duration, Instant};

use common::*;
use oauth_runtime::{
    Client, Error, Secret,
    store::{DigestKey, EncryptionKey, MemoryStore, RedisStore, RedisStoreBuilder, TokenStore},
};
use oauth_sim::{SimConfig, Simulator, Vendor};
use oauth_specs::MpsMonitor;
use redis_server::RedisServer;

/// MPS Monitor (password grant, rotating refresh tokens) with reuse detection on.
async fn strict_sim() -> Simulator {
    let config = SimConfig::for_vendor(Vendor::MpsMonitor)
        .token_lifetime(Duration::from_secs(3600))
        .refresh_reuse_detection(true);
    Simulator::start_with(config).await.expect("simulator starts")
}

fn redis_store(url: &str, key: &EncryptionKey, prefix: &str) -> RedisStore {
    RedisStore::builder(url, key.clone())
        .prefix(prefix)
        .connect_timeout(Duration::from_millis(300))
        .response_timeout(Duration::from_millis(500))
        .build()
        .unwrap()
}

/// The simulator's user, but with a password that is not theirs.
fn impostor(sim: &Simulator) -> MpsMonitor {
    MpsMonitor { password: Secret::from("not-the-password".to_owned()), ..mps(sim.config()) }
}

/// The right user gets a token through `store`; a client that knows the user name but not
/// the password, sharing `store`, must not be handed that token: it goes to the vendor and
/// gets the vendor's refusal.
async fn a_wrong_password_gets_no_token_from(store: impl TokenStore + Clone) {
    let sim = strict_sim().await;
    let user = builder(mps(sim.config()), &sim).store(store.clone()).build().unwrap();
    let token = user.token().await.expect("the right user gets a token");
    assert_eq!(sim.counters().token_requests, 1);

    let intruder: Client<MpsMonitor> = builder(impostor(&sim), &sim).store(store).build().unwrap();
    let outcome = bounded(Duration::from_secs(10), intruder.token()).await;
    match outcome {
        Err(Error::OAuth(e)) => assert_eq!(e.code.as_str(), "invalid_grant", "the vendor's refusal: {e}"),
        Err(other) => panic!("expected the vendor's OAuth error, got {other}"),
        Ok(stolen) => {
            // Not printed: a token in a test log is a token in CI's log.
            let same = stolen.access_token().expose_secret() == token.access_token().expose_secret();
            panic!("a client with a wrong password got a token (the real user's: {same})");
        }
    }
    assert_eq!(sim.counters().token_requests, 2, "the impostor's grant reached the simulator");
}

#[tokio::test]
async fn memory_store_keys_bind_the_password() {
    a_wrong_password_gets_no_token_from(MemoryStore::new()).await;
}

#[tokio::test]
async fn redis_store_keys_bind_the_password() {
    let redis = RedisServer::start();
    a_wrong_password_gets_no_token_from(redis_store(&redis.url(), &EncryptionKey::generate(), "secrets")).await;
}

/// A Redis key is a keyed digest: it names no user, and a reader without the store's key
/// cannot recompute it from the public parts (the same user under another store key is
/// another name), so it cannot confirm which users have tokens.
#[tokio::test]
async fn redis_keys_are_keyed_digests_that_name_no_user() {
    let sim = strict_sim().await;
    let redis = RedisServer::start();
    for _ in 0..2 {
        let store = redis_store(&redis.url(), &EncryptionKey::generate(), "names");
        builder(mps(sim.config()), &sim).store(store).build().unwrap().token().await.unwrap();
    }
    let keys = redis.command("KEYS names:token:*").expect("KEYS answers");
    let names: Vec<&str> = keys.lines().filter(|l| l.starts_with("names:token:")).collect();
    assert_eq!(names.len(), 2, "two store keys, two names for one user: {keys}");
    for name in names {
        let digest = name.trim_start_matches("names:token:");
        assert!(digest.len() == 64 && digest.bytes().all(|b| b.is_ascii_hexdigit()), "{name}");
        assert!(!name.contains(&sim.config().username) && !name.contains(&sim.config().client_id), "{name}");
    }
}

/// With nothing listening on Redis's port (connections refused), a renewal tries the store,
/// fails fast and renews in this process: no reconnection backoff in between.
#[tokio::test]
async fn a_refused_redis_costs_a_renewal_little_time() {
    let sim = strict_sim().await;
    let url = format!("redis://127.0.0.1:{}/0", redis_server::free_port());
    let client = builder(mps(sim.config()), &sim)
        .store(redis_store(&url, &EncryptionKey::generate(), "refused"))
        .build()
        .unwrap();
    for round in 0..3 {
        let started = Instant::now();
        let token = if round == 0 { client.token().await } else { client.refresh().await };
        let took = started.elapsed();
        token.expect("renewed locally");
        // The bound is generous (the connect timeout is 300 ms; a refusal is immediate):
        // before the fix, the connection manager's backoff made each renewal wait ~3.4 s.
        assert!(took < Duration::from_millis(1_500), "renewal {round} with Redis refused took {took:?}");
    }
}

/// Redis went away after the store had connected (nothing listens any more: connections
/// refused): each renewal still fails over to a local one within about the connect timeout.
#[tokio::test]
async fn a_redis_gone_away_costs_a_renewal_little_time() {
    let sim = strict_sim().await;
    let mut redis = RedisServer::start();
    // The default timeouts (2 s to connect, 2 s per command), as a user has them.
    let store = RedisStore::new(&redis.url(), EncryptionKey::generate()).unwrap();
    let client = builder(mps(sim.config()), &sim).store(store).build().unwrap();
    client.token().await.expect("a token through the store");
    redis.stop();
    for round in 0..3 {
        let started = Instant::now();
        let token = client.refresh().await;
        let took = started.elapsed();
        token.expect("renewed locally");
        eprintln!("renewal {round}: {took:?}");
        assert!(took < Duration::from_millis(1_500), "renewal {round} with Redis refused took {took:?}");
    }
}

/// The id a sealed entry names its key by (bytes 1 to 8 of the value), as `Debug` shows it.
fn key_id(key: &EncryptionKey) -> String {
    let shown = format!("{key:?}");
    shown.split('"').nth(1).expect("EncryptionKey's Debug shows its id").to_owned()
}

/// The id of the key that sealed the one entry under `prefix`.
async fn sealed_under(redis: &RedisServer, prefix: &str) -> String {
    let mut raw = redis::Client::open(redis.url()).unwrap().get_multiplexed_async_connection().await.unwrap();
    let keys: Vec<String> = redis::cmd("KEYS").arg(format!("{prefix}:token:*")).query_async(&mut raw).await.unwrap();
    assert_eq!(keys.len(), 1, "one entry for the fleet's one credential set: {keys:?}");
    let sealed: Vec<u8> = redis::cmd("HGET").arg(&keys[0]).arg("d").query_async(&mut raw).await.unwrap();
    sealed[1..9].iter().map(|b| format!("{b:02x}")).collect()
}

/// A key rotation rolled out replica by replica, in the documented phases: (1) the new key
/// added read-only (`next_key`), (2) the new key sealing with the old one as `previous_key`,
/// (3) the old key dropped; the digest key pinned to the old key's throughout. At every step
/// of every rolling deploy, replicas of two configurations share one Redis and each renews
/// through the store several times: no replica finds an entry unreadable, the fleet never
/// needs a second grant, and the simulator (rotating refresh tokens, reuse detection) sees no
/// refresh token presented twice.
#[tokio::test]
async fn a_phased_key_rotation_in_a_rolling_deploy_keeps_the_fleet_sharing() {
    let (logs, _guard) = capture_logs();
    let sim = strict_sim().await;
    let redis = RedisServer::start();
    let (old, new) = (EncryptionKey::generate(), EncryptionKey::generate());
    let names = DigestKey::derive_from(&old);
    let url = redis.url();
    let replica = |store: RedisStoreBuilder| {
        let store = store
            .prefix("rotation")
            .connect_timeout(Duration::from_millis(300))
            .response_timeout(Duration::from_millis(500))
            .build()
            .unwrap();
        builder(mps(sim.config()), &sim).store(store).build().unwrap()
    };
    // Before the rotation: the old key and the default digest key.
    let before = || replica(RedisStore::builder(&url, old.clone()));
    let phase1 = || replica(RedisStore::builder(&url, old.clone()).next_key(new.clone()).digest_key(names.clone()));
    let phase2 = || replica(RedisStore::builder(&url, new.clone()).previous_key(old.clone()).digest_key(names.clone()));
    let phase3 = || replica(RedisStore::builder(&url, new.clone()).digest_key(names.clone()));

    let mut fleet = [before(), before()];
    type Deploy<'a> = &'a dyn Fn() -> Client<MpsMonitor>;
    let steps: [(&str, usize, Deploy<'_>); 6] = [
        ("phase 1, half deployed", 0, &phase1),
        ("phase 1, deployed", 1, &phase1),
        ("phase 2, half deployed", 0, &phase2),
        ("phase 2, deployed", 1, &phase2),
        ("phase 3, half deployed", 0, &phase3),
        ("phase 3, deployed", 1, &phase3),
    ];
    fleet[0].token().await.expect("the fleet's first grant");
    for (step, replaced, deploy) in steps {
        fleet[replaced] = deploy();
        // Each replica renews in turn, the order alternating, so that both refresh (and write
        // under their sealing key) and both adopt the other's token: a renewal either takes a
        // newer token from the store or refreshes with the stored refresh token.
        let mut wrote = [false; 2];
        for round in 0..6 {
            let order = if round % 2 == 0 { [0, 1] } else { [1, 0] };
            for i in order {
                let requests = sim.counters().refresh_requests;
                let renewed = fleet[i].refresh().await;
                assert!(renewed.is_ok(), "{step}: replica {i}, round {round}: {:?}", renewed.err());
                wrote[i] |= sim.counters().refresh_requests > requests;
            }
        }
        assert_eq!(wrote, [true, true], "{step}: both replicas wrote, each read what the other wrote");
        let c = sim.counters();
        assert!(
            !logs.text().contains("cannot be read"),
            "{step}: a replica found an entry unreadable:\n{}",
            logs.text()
        );
        assert_eq!(c.refresh_reuse_detected, 0, "{step}: a refresh token was presented twice");
        assert_eq!(c.token_requests, 1, "{step}: the fleet shared one token family, no second grant");
        // One replica takes the other's latest token from the store, sealed under the other's
        // key (another configuration, in a half-deployed step), without a request of its own:
        // replica 0 if replica 1 wrote last; otherwise replica 0 refreshes and replica 1 adopts.
        let requests = sim.counters().refresh_requests;
        let first = fleet[0].refresh().await.unwrap();
        let (adopted, written) = if sim.counters().refresh_requests == requests {
            (first, fleet[1].cached_token().unwrap())
        } else {
            let adopted = fleet[1].refresh().await.unwrap();
            assert_eq!(sim.counters().refresh_requests, requests + 1, "{step}: replica 1 adopted replica 0's token");
            (adopted, first)
        };
        assert!(adopted.access_token().expose_secret() == written.access_token().expose_secret(), "{step}");
        let sealing = if step.starts_with("phase 1") { &old } else { &new };
        if !step.ends_with("half deployed") {
            assert_eq!(sealed_under(&redis, "rotation").await, key_id(sealing), "{step}: sealed under the phase's key");
        }
    }
    assert!(sim.counters().refresh_requests >= 6, "the entries were rewritten at every step");
}
