//! A fleet sharing one token through a store: real OS processes (the `fleet-worker` binary)
//! on a real `redis-server` (started here on an ephemeral port) against one simulator with
//! rotating refresh tokens and reuse detection; and the store's faults, each a test.
//!
//! CI runs a short form of the fleet. The full soak, whose figures are in RELIABILITY.md:
//!
//! ```text
//! FLEET_PROCS=8 FLEET_TASKS=64 FLEET_SECS=20 FLEET_5XX=0.05 FLEET_RESTART=1 \
//!   cargo test --release -p oauth-tests --test fleet fleet_of_processes -- --nocapture
//! ```
//!
//! `FLEET_STORE=0` runs the same fleet without the store (each process renews alone), for
//! comparison; `FLEET_SKEW_MS` sets the renewal skew (default 50).

mod common;
#[path = "common/redis_server.rs"]
mod redis_server;

use std::{
    process::Stdio,
    time::{Duration, Instant},
};

use common::*;
use oauth_runtime::{
    Client,
    store::{DigestKey, EncryptionKey, MemoryStore, RedisStore},
};
use oauth_sim::{Fault, SimConfig, Simulator, Target, Vendor};
use oauth_specs::MpsMonitor;
use redis_server::RedisServer;
use reqwest::StatusCode;

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// MPS Monitor (rotating refresh tokens) with reuse detection on.
async fn strict_sim(lifetime: Duration) -> Simulator {
    let config = SimConfig::for_vendor(Vendor::MpsMonitor).token_lifetime(lifetime).refresh_reuse_detection(true);
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

fn fleet_client(sim: &Simulator, store: Option<RedisStore>) -> Client<MpsMonitor> {
    let builder = builder(mps(sim.config()), sim);
    match store {
        Some(store) => builder.store(store),
        None => builder,
    }
    .build()
    .unwrap()
}

/// What one worker process reported.
#[derive(Default)]
struct Report {
    calls: usize,
    failed: usize,
    p99_us: u64,
    waited_us: Vec<u64>,
}

fn worker(
    sim: &Simulator,
    redis: Option<&RedisServer>,
    key: &EncryptionKey,
    vars: &[(&str, String)],
) -> tokio::process::Command {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_fleet-worker"));
    command.env("FLEET_SIM_URL", sim.base_url()).env("FLEET_KEY", key.to_base64().as_str());
    if let Some(redis) = redis {
        command.env("FLEET_REDIS_URL", redis.url());
    }
    command.envs(vars.iter().map(|(k, v)| (k, v))).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    command.kill_on_drop(true);
    command
}

fn parse(stdout: &str) -> Report {
    let mut report = Report::default();
    for field in stdout.split_whitespace() {
        let (name, value) = field.split_once('=').unwrap_or((field, ""));
        match name {
            "calls" => report.calls = value.parse().unwrap(),
            "failed" => report.failed = value.parse().unwrap(),
            "p99_us" => report.p99_us = value.parse().unwrap(),
            "waited_us" => report.waited_us = value.split(',').filter_map(|v| v.parse().ok()).collect(),
            _ => {}
        }
    }
    report
}

fn p99(values: &mut [u64]) -> u64 {
    values.sort_unstable();
    values.get((values.len().saturating_sub(1)) * 99 / 100).copied().unwrap_or(0)
}

/// Processes sharing one Redis make one renewal per token lifetime between them, none of
/// them fails a call, and no refresh token is ever presented twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fleet_of_processes_renews_once_per_lifetime() {
    let procs: usize = env_or("FLEET_PROCS", 4);
    let tasks: usize = env_or("FLEET_TASKS", 8);
    let secs: u64 = env_or("FLEET_SECS", 3);
    let rate_5xx: f64 = env_or("FLEET_5XX", 0.0);
    let restart = env_or("FLEET_RESTART", 0) == 1;
    let use_store = env_or("FLEET_STORE", 1) == 1;
    let skew = Duration::from_millis(env_or("FLEET_SKEW_MS", 50));
    let lifetime = Duration::from_millis(env_or("FLEET_LIFETIME_MS", 1_000));
    let sim = strict_sim(lifetime).await;
    for target in [Target::Token, Target::Refresh] {
        sim.set_fault_rate(target, Fault::status(503), rate_5xx);
    }
    let mut redis = RedisServer::start();
    let key = EncryptionKey::generate();
    let vars = [
        ("FLEET_TASKS", tasks.to_string()),
        ("FLEET_MILLIS", (secs * 1000).to_string()),
        ("FLEET_SKEW_MS", skew.as_millis().to_string()),
    ];
    let started = Instant::now();
    let children: Vec<_> = (0..procs)
        .map(|_| worker(&sim, use_store.then_some(&redis), &key, &vars).spawn().expect("worker starts"))
        .collect();
    if restart {
        tokio::time::sleep(Duration::from_millis(secs * 1000 / 2)).await;
        redis.restart();
        println!("redis restarted at {:?}", started.elapsed());
    }
    let mut reports = Vec::new();
    for child in children {
        let out = bounded(Duration::from_secs(secs + 60), child.wait_with_output()).await.unwrap();
        let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(out.status.success(), "worker failed: {}\n{stderr}", out.status);
        let report = parse(&stdout);
        assert!(report.calls > 0, "the worker made calls:\n{stdout}\n{stderr}");
        if report.failed > 0 {
            eprintln!("worker stderr:\n{stderr}");
        }
        reports.push(report);
    }
    let elapsed = started.elapsed();
    let c = sim.counters();
    let calls: usize = reports.iter().map(|r| r.calls).sum();
    let failed: usize = reports.iter().map(|r| r.failed).sum();
    let mut waited: Vec<u64> = reports.iter().flat_map(|r| r.waited_us.iter().copied()).collect();
    let renewals = c.token_requests + c.refresh_requests;
    let successful = renewals - c.faults_served;
    let period = lifetime - skew.min(lifetime / 2);
    let periods = elapsed.as_secs_f64() / period.as_secs_f64();
    println!(
        "fleet: {procs} processes x {tasks} tasks, store {use_store}, {:.2} s; {calls} calls, failed {failed}; \
         grants {} + refreshes {} = {renewals} (faults served {}); successful renewals per renewal period {:.2} \
         ({:.2} per token lifetime); reuse detected {}; p99 of all calls (worst process) {} us; \
         calls started without a fresh token: {}, p99 {} us",
        elapsed.as_secs_f64(),
        c.token_requests,
        c.refresh_requests,
        c.faults_served,
        successful as f64 / periods,
        successful as f64 / (elapsed.as_secs_f64() / lifetime.as_secs_f64()),
        c.refresh_reuse_detected,
        reports.iter().map(|r| r.p99_us).max().unwrap_or(0),
        waited.len(),
        p99(&mut waited),
    );
    assert_eq!(failed, 0, "no call failed");
    assert_eq!(c.refresh_reuse_detected, 0, "no refresh token was presented twice");
    if use_store {
        // One per renewal period across the whole fleet, plus the first grant; a Redis restart
        // may cost each process one renewal of its own while Redis is away, and one more to
        // agree again.
        let budget = periods.ceil() as usize + 1 + if restart { procs + 1 } else { 0 };
        assert!(successful <= budget, "{successful} successful renewals for {procs} processes, budget {budget}");
    }
}

/// Clients built apart in one process, sharing a `MemoryStore`, renew once between them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clients_sharing_a_memory_store_renew_once() {
    let lifetime = Duration::from_secs(1);
    let sim = strict_sim(lifetime).await;
    let store = MemoryStore::new();
    let clients: Vec<_> = (0..4)
        .map(|_| {
            builder(mps(sim.config()), &sim)
                .refresh_skew(Duration::from_millis(50))
                .store(store.clone())
                .build()
                .unwrap()
        })
        .collect();
    let started = Instant::now();
    let run_for = Duration::from_millis(2_500);
    let tasks: Vec<_> = clients
        .iter()
        .flat_map(|client| (0..4).map(move |_| client.clone()))
        .map(|client| {
            tokio::spawn(async move {
                let mut failed = 0;
                while started.elapsed() < run_for {
                    let response = client.get(Vendor::MpsMonitor.protected_path()).send().await;
                    failed += usize::from(!response.is_ok_and(|r| r.status() == StatusCode::OK));
                }
                failed
            })
        })
        .collect();
    let mut failed = 0;
    for task in tasks {
        failed += bounded(Duration::from_secs(30), task).await.unwrap();
    }
    let c = sim.counters();
    let budget = (started.elapsed().as_secs_f64() / 0.95).ceil() as usize + 1;
    assert_eq!(failed, 0);
    assert_eq!(c.refresh_reuse_detected, 0);
    assert_eq!(c.token_requests, 1, "one grant for four clients");
    assert!(c.refresh_requests < budget, "{} refreshes, budget {budget}", c.refresh_requests);
}

/// The simulator's reuse detection, and why the store exists: two clients holding the same
/// refresh token, each refreshing alone, get the family revoked; with a shared store, the
/// second one takes the first one's token instead.
#[tokio::test]
async fn reuse_detection_revokes_the_family_unless_the_clients_share_a_store() {
    let sim = strict_sim(Duration::from_secs(3600)).await;
    let a = builder(mps(sim.config()), &sim).build().unwrap();
    let first = a.token().await.unwrap();
    let b = builder(mps(sim.config()), &sim).token((*first).clone()).build().unwrap();
    a.refresh().await.unwrap();
    b.refresh().await.unwrap(); // presents the refresh token `a` rotated away, then runs the grant
    let c = sim.counters();
    assert_eq!((c.refresh_reuse_detected, c.refresh_requests, c.token_requests), (1, 2, 2));
    let response = a.get(Vendor::MpsMonitor.protected_path()).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "`a` recovers by the grant");
    assert_eq!(sim.counters().token_requests, 3, "after its family was revoked, `a` needed a new grant");

    let sim = strict_sim(Duration::from_secs(3600)).await;
    let store = MemoryStore::new();
    let a = builder(mps(sim.config()), &sim).store(store.clone()).build().unwrap();
    let b = builder(mps(sim.config()), &sim).store(store).build().unwrap();
    let first = a.token().await.unwrap();
    assert!(same(&first, &b.token().await.unwrap()), "`b` took `a`'s token from the store");
    let renewed = a.refresh().await.unwrap();
    assert!(same(&renewed, &b.refresh().await.unwrap()), "`b` took `a`'s renewed token");
    let c = sim.counters();
    assert_eq!((c.refresh_reuse_detected, c.refresh_requests, c.token_requests), (0, 1, 1));
}

fn same(a: &oauth_runtime::Token, b: &oauth_runtime::Token) -> bool {
    a.access_token().expose_secret() == b.access_token().expose_secret()
}

/// Redis unreachable at start: clients serve with their own renewals (WARN), then use Redis
/// as soon as it is there, reconnecting by themselves.
#[tokio::test]
async fn redis_unreachable_at_start_then_back() {
    let (logs, _guard) = capture_logs();
    let sim = strict_sim(Duration::from_secs(3600)).await;
    let port = redis_server::free_port();
    let url = format!("redis://127.0.0.1:{port}/0");
    let key = EncryptionKey::generate();
    let a = fleet_client(&sim, Some(redis_store(&url, &key, "start")));
    let b = fleet_client(&sim, Some(redis_store(&url, &key, "start")));
    for client in [&a, &b] {
        let response = client.get(Vendor::MpsMonitor.protected_path()).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
    }
    assert!(logs.text().contains("WARN") && logs.text().contains("token store unavailable"), "{}", logs.text());
    assert_eq!(sim.counters().token_requests, 2, "each renewed alone, by the grant");

    let _redis = RedisServer::start_on(port);
    let renewed = a.refresh().await.unwrap(); // through the store now: refreshes its own token
    let adopted = b.refresh().await.unwrap(); // finds `a`'s token in the store
    assert!(same(&renewed, &adopted));
    let c = sim.counters();
    assert_eq!((c.token_requests, c.refresh_requests, c.refresh_reuse_detected), (2, 1, 0));
}

/// Redis lost mid-run, then restarted empty: no call fails, and the fleet renews once.
#[tokio::test]
async fn redis_restarted_mid_run() {
    let (logs, _guard) = capture_logs();
    let sim = strict_sim(Duration::from_secs(3600)).await;
    let mut redis = RedisServer::start();
    let key = EncryptionKey::generate();
    let clients: Vec<_> =
        (0..3).map(|_| fleet_client(&sim, Some(redis_store(&redis.url(), &key, "restart")))).collect();
    for client in &clients {
        assert_eq!(client.get(Vendor::MpsMonitor.protected_path()).send().await.unwrap().status(), StatusCode::OK);
    }
    assert_eq!(sim.counters().token_requests, 1, "one grant for three clients");

    redis.stop();
    let alone = clients[0].refresh().await.unwrap(); // Redis is away: a grant of its own
    for client in &clients {
        assert_eq!(client.get(Vendor::MpsMonitor.protected_path()).send().await.unwrap().status(), StatusCode::OK);
    }
    redis.restart();
    // The restarted Redis is empty: the fleet's refresh token may be in flight in another
    // process, so it is never refreshed outside the store's protocol; a grant, stored.
    let renewed = clients[1].refresh().await.unwrap();
    for client in [&clients[2], &clients[0]] {
        let token = client.refresh().await.unwrap();
        assert!(same(&token, &renewed) && !same(&token, &alone), "took the stored token: {}", logs.text());
    }
    let c = sim.counters();
    assert_eq!((c.token_requests, c.refresh_requests, c.refresh_reuse_detected), (3, 0, 0));
}

/// A flushed Redis: the clients renewing together after it make one request between them, a
/// grant (the fleet's refresh token, no longer in the store, is never refreshed from a local
/// copy that another process may be presenting).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_flushed_refetches_once() {
    let sim = strict_sim(Duration::from_secs(3600)).await;
    let redis = RedisServer::start();
    let key = EncryptionKey::generate();
    let clients: Vec<_> = (0..4).map(|_| fleet_client(&sim, Some(redis_store(&redis.url(), &key, "flush")))).collect();
    for client in &clients {
        client.token().await.unwrap();
    }
    redis.flush();
    let renewed = futures_util::future::join_all(clients.iter().map(|c| c.refresh())).await;
    let first = renewed[0].as_ref().unwrap();
    assert!(renewed.iter().all(|t| same(t.as_ref().unwrap(), first)), "one token for all");
    let c = sim.counters();
    assert_eq!((c.token_requests, c.refresh_requests, c.refresh_reuse_detected), (2, 0, 0));
}

/// An entry that cannot be read (another key, garbage, a value of the wrong type) is a miss
/// with a WARN: the client renews and overwrites it, and nothing panics.
#[tokio::test]
async fn an_unreadable_entry_is_a_miss() {
    let (logs, _guard) = capture_logs();
    let sim = strict_sim(Duration::from_secs(3600)).await;
    let redis = RedisServer::start();
    let key = EncryptionKey::generate();
    let a = fleet_client(&sim, Some(redis_store(&redis.url(), &key, "corrupt")));
    a.token().await.unwrap();

    // Another encryption key under the same names (the digest key pinned to `key`'s, as in a
    // rotation): the entry is found but does not open. With the default digest key, another
    // encryption key names its entries apart and would never meet this one.
    let other_key = fleet_client(
        &sim,
        Some(
            RedisStore::builder(&redis.url(), EncryptionKey::generate())
                .digest_key(DigestKey::derive_from(&key))
                .prefix("corrupt")
                .build()
                .unwrap(),
        ),
    );
    other_key.token().await.unwrap();
    assert!(logs.text().contains("encrypted under a key this store does not have"), "{}", logs.text());
    assert_eq!(sim.counters().token_requests, 2);

    let mut raw = redis::Client::open(redis.url()).unwrap().get_multiplexed_async_connection().await.unwrap();
    let keys: Vec<String> = redis::cmd("KEYS").arg("corrupt:token:*").query_async(&mut raw).await.unwrap();
    assert_eq!(keys.len(), 1, "one entry for one credential set");
    let damage: [&[&str]; 3] =
        [&["HSET", "", "d", "garbage"], &["HSET", "", "v", "not a number"], &["SET", "", "a string"]];
    for (i, command) in damage.iter().enumerate() {
        let mut cmd = redis::cmd(command[0]);
        if command[0] == "SET" {
            let _: () = redis::cmd("DEL").arg(&keys[0]).query_async(&mut raw).await.unwrap();
        }
        cmd.arg(&keys[0]);
        for arg in &command[2..] {
            cmd.arg(*arg);
        }
        let _: () = cmd.query_async(&mut raw).await.unwrap();
        let fresh = fleet_client(&sim, Some(redis_store(&redis.url(), &key, "corrupt")));
        let response = fresh.get(Vendor::MpsMonitor.protected_path()).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "damage {i}");
        assert_eq!(sim.counters().token_requests, 3 + i, "damage {i}: a miss, then a grant");
    }
    assert!(logs.text().contains("cannot be read; treating it as absent"), "{}", logs.text());
}

/// A process killed (SIGKILL) while it holds the lock mid-renewal: another process takes
/// over once the lock expires, not before.
#[tokio::test]
async fn a_killed_lock_holder_is_taken_over_after_the_lock_expiry() {
    let sim = strict_sim(Duration::from_secs(3600)).await;
    let redis = RedisServer::start();
    let key = EncryptionKey::generate();
    sim.inject(Target::Token, Fault::slow(Duration::from_secs(5)), 1);
    // 1 s timeout, no retries: the lock lives 2 × 1 s + 1 s = 3 s.
    let vars = [
        ("FLEET_MODE", "token".to_owned()),
        ("FLEET_TIMEOUT_MS", "1000".to_owned()),
        ("FLEET_RETRIES", "0".to_owned()),
        ("FLEET_PREFIX", "killed".to_owned()),
    ];
    let mut holder = worker(&sim, Some(&redis), &key, &vars).spawn().unwrap();
    bounded(Duration::from_secs(20), async {
        while sim.counters().token_requests == 0 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await;
    let locked_at = Instant::now();
    holder.kill().await.unwrap(); // SIGKILL: no unlock, no cleanup

    let store = redis_store(&redis.url(), &key, "killed");
    let client = builder(mps(sim.config()), &sim)
        .timeout(Duration::from_secs(1))
        .retry(oauth_runtime::RetryPolicy::NONE)
        .store(store)
        .build()
        .unwrap();
    let token = bounded(Duration::from_secs(20), client.token()).await.unwrap();
    let waited = locked_at.elapsed();
    assert!(!token.access_token().expose_secret().is_empty());
    assert!(waited >= Duration::from_millis(2_500), "the lock was respected until it expired: {waited:?}");
    assert!(waited < Duration::from_millis(5_000), "taken over soon after the expiry: {waited:?}");
    assert_eq!(sim.counters().token_requests, 2, "the dead holder's request, then the new holder's");
}

/// Defect 7: the lock is a short lease that its live holder extends, so a holder killed
/// (SIGKILL) mid-renewal blocks the fleet for seconds, even with a renewal bound of minutes
/// (30 s timeout, 2 retries: a 201 s bound, the old lock's lifetime).
#[tokio::test]
async fn a_killed_lock_holder_is_replaced_within_seconds_whatever_the_renewal_bound() {
    let sim = strict_sim(Duration::from_secs(3600)).await;
    let redis = RedisServer::start();
    let key = EncryptionKey::generate();
    sim.inject(Target::Token, Fault::slow(Duration::from_secs(60)), 1);
    let vars = [
        ("FLEET_MODE", "token".to_owned()),
        ("FLEET_TIMEOUT_MS", "30000".to_owned()),
        ("FLEET_RETRIES", "2".to_owned()),
        ("FLEET_PREFIX", "lease".to_owned()),
    ];
    let mut holder = worker(&sim, Some(&redis), &key, &vars).spawn().unwrap();
    bounded(Duration::from_secs(20), async {
        while sim.counters().token_requests == 0 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await;
    // Long enough for the holder to have extended its lease at least once.
    tokio::time::sleep(Duration::from_millis(2_000)).await;
    let killed_at = Instant::now();
    holder.kill().await.unwrap(); // SIGKILL: no unlock, no cleanup

    let client = builder(mps(sim.config()), &sim)
        .timeout(Duration::from_secs(30))
        .store(redis_store(&redis.url(), &key, "lease"))
        .build()
        .unwrap();
    let token = bounded(Duration::from_secs(20), client.token()).await.unwrap();
    let waited = killed_at.elapsed();
    assert!(!token.access_token().expose_secret().is_empty());
    assert!(waited < Duration::from_secs(15), "taken over within seconds, not minutes: {waited:?}");
    assert_eq!(sim.counters().token_requests, 2, "the dead holder's request, then the new holder's");
}

/// A TCP proxy to `upstream` that forwards everything, except that it drops the connection
/// after forwarding the first `SET ... NX` command, before its reply: the lock is set, the
/// client never hears it.
async fn proxy_losing_the_first_set_nx_reply(upstream: u16) -> u16 {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let tripped = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    tokio::spawn(async move {
        loop {
            let Ok((mut client, _)) = listener.accept().await else { return };
            let tripped = tripped.clone();
            tokio::spawn(async move {
                let mut server = tokio::net::TcpStream::connect(("127.0.0.1", upstream)).await.unwrap();
                let (mut up, mut down) = ([0u8; 8192], [0u8; 8192]);
                loop {
                    tokio::select! {
                        n = client.read(&mut up) => {
                            let Ok(n @ 1..) = n else { return };
                            let chunk = &up[..n];
                            let set_nx = chunk.windows(3).any(|w| w == b"SET")
                                && chunk.windows(6).any(|w| w == b"\r\nNX\r\n");
                            if server.write_all(chunk).await.is_err() { return }
                            if set_nx && !tripped.swap(true, std::sync::atomic::Ordering::SeqCst) {
                                let _ = server.read(&mut down).await; // the reply, lost
                                return; // both connections dropped
                            }
                        }
                        n = server.read(&mut down) => {
                            let Ok(n @ 1..) = n else { return };
                            if client.write_all(&down[..n]).await.is_err() { return }
                        }
                    }
                }
            });
        }
    });
    port
}

/// Defect 8: the reply to `SET NX` is lost after Redis set the lock; the store sends it again
/// on a new connection, finds the lock under its own owner value and knows it is its own,
/// instead of waiting out its own lease as if another process held it.
#[tokio::test]
async fn a_lost_set_nx_reply_still_takes_the_lock() {
    use oauth_runtime::store::{StoreKey, TokenStore};
    let redis = RedisServer::start();
    let port: u16 = redis.url().rsplit(':').next().unwrap().trim_end_matches("/0").parse().unwrap();
    let proxy = proxy_losing_the_first_set_nx_reply(port).await;
    let store = redis_store(&format!("redis://127.0.0.1:{proxy}/0"), &EncryptionKey::generate(), "lost");
    let key = StoreKey::new("k");
    let started = Instant::now();
    let lock = bounded(Duration::from_secs(5), store.lock(&key, Duration::from_secs(30)))
        .await
        .expect("the store answers")
        .expect("the lock is this call's own, set by the attempt whose reply was lost");
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
    let held = redis.command("GET lost:lock:k").unwrap();
    assert!(held.contains(lock.owner()), "Redis holds this owner value: {held}");
    assert!(store.extend(&key, &lock, Duration::from_secs(30)).await.unwrap());
    assert!(store.unlock(&key, &lock).await.unwrap(), "released by its owner");
    let again = store.lock(&key, Duration::from_secs(30)).await.unwrap().expect("free again");
    let other = store.lock(&key, Duration::from_secs(30)).await.unwrap();
    assert!(other.is_none(), "a second call, with its own owner value, does not take a held lock");
    assert!(
        !store.extend(&key, &oauth_runtime::store::LockId::new("someone else"), Duration::from_secs(1)).await.unwrap()
    );
    assert!(store.unlock(&key, &again).await.unwrap());
}

/// Defect 17: Redis flushed, or killed and restarted empty, while the fleet's refresh is in
/// flight (a slow refresh). No process refreshes the refresh token the fleet shared (they run
/// the grant, as when the store is unreachable); no family is revoked; no call fails.
async fn fleet_survives_store_loss_mid_refresh(restart: bool) {
    let sim = strict_sim(Duration::from_millis(2_000)).await;
    let mut redis = RedisServer::start();
    let key = EncryptionKey::generate();
    sim.inject(Target::Refresh, Fault::slow(Duration::from_millis(1_500)), 1);
    let prefix = if restart { "lost-restart" } else { "lost-flush" };
    let vars = [
        ("FLEET_TASKS", "4".to_owned()),
        ("FLEET_MILLIS", "5000".to_owned()),
        ("FLEET_SKEW_MS", "50".to_owned()),
        ("FLEET_TIMEOUT_MS", "5000".to_owned()),
        ("FLEET_PREFIX", prefix.to_owned()),
    ];
    let children: Vec<_> = (0..3).map(|_| worker(&sim, Some(&redis), &key, &vars).spawn().unwrap()).collect();
    bounded(Duration::from_secs(20), async {
        while sim.counters().refresh_requests == 0 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await;
    // The others are polling the holder's lock by now.
    tokio::time::sleep(Duration::from_millis(200)).await;
    if restart {
        redis.restart();
    } else {
        redis.flush();
    }
    let mut failed = 0;
    for child in children {
        let out = bounded(Duration::from_secs(60), child.wait_with_output()).await.unwrap();
        let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(out.status.success(), "worker failed: {}\n{stderr}", out.status);
        let report = parse(&stdout);
        assert!(report.calls > 0, "{stdout}\n{stderr}");
        if report.failed > 0 {
            eprintln!("worker stderr:\n{stderr}");
        }
        failed += report.failed;
    }
    let c = sim.counters();
    println!("store lost (restart {restart}): {c:?}");
    assert_eq!(c.refresh_reuse_detected, 0, "restart {restart}: no family revoked");
    assert_eq!(c.refresh_tokens_repeated, 0, "restart {restart}: no refresh token presented twice");
    assert_eq!(failed, 0, "restart {restart}: no call failed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_flushed_while_a_refresh_is_in_flight() {
    fleet_survives_store_loss_mid_refresh(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redis_restarted_while_a_refresh_is_in_flight() {
    fleet_survives_store_loss_mid_refresh(true).await;
}

/// A server that revokes the old access token at each refresh: a client whose cached token was
/// superseded by another client's refresh gets one 401, takes the newer token from the store
/// (no token request of its own) and its call is replayed with it (issue 17, defect 17).
#[tokio::test]
async fn a_401_after_another_clients_refresh_takes_the_stored_token() {
    let config = SimConfig::for_vendor(Vendor::MpsMonitor)
        .token_lifetime(Duration::from_secs(3600))
        .refresh_reuse_detection(true)
        .revoke_superseded_access_tokens(true);
    let sim = Simulator::start_with(config).await.unwrap();
    let store = MemoryStore::new();
    let a = builder(mps(sim.config()), &sim).store(store.clone()).build().unwrap();
    let b = builder(mps(sim.config()), &sim).store(store.clone()).build().unwrap();
    let first = b.token().await.unwrap();
    assert!(same(&a.token().await.unwrap(), &first), "one token for both, through the store");
    let newer = a.refresh().await.unwrap();
    assert!(!same(&newer, &first));
    // B still holds the superseded token: its call is answered 401, then replayed.
    let response = b.get(Vendor::MpsMonitor.protected_path()).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(same(&b.cached_token().unwrap(), &newer), "B took A's token from the store");
    let c = sim.counters();
    assert_eq!((c.token_requests, c.refresh_requests), (1, 1), "no token request of B's own");
    assert_eq!(c.refresh_reuse_detected, 0);
}
