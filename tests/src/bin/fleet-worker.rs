//! One process of a fleet, for `tests/tests/fleet.rs`: an MPS Monitor client (optionally on a
//! Redis token store) whose tasks make authenticated calls to a simulator for a while, then a
//! report on stdout. Configured by environment variables (`FLEET_*`, see `Config`).
//!
//! Report lines: `calls=N failed=N p50_us=N p99_us=N` then `waited_us=a,b,...`, the latencies
//! of the calls that started without a fresh token (they waited for a renewal, or used a
//! still-valid token while one ran).

use std::{
    env,
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use oauth_runtime::{
    Client, RetryPolicy, Secret,
    reqwest::StatusCode,
    store::{EncryptionKey, RedisStore},
};
use oauth_sim::{SimConfig, Vendor};
use oauth_specs::MpsMonitor;

fn var<T: std::str::FromStr>(name: &str, default: T) -> T {
    env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(tracing_subscriber::filter::LevelFilter::WARN)
        .init();
    let sim_url = env::var("FLEET_SIM_URL").expect("FLEET_SIM_URL");
    let c = SimConfig::for_vendor(Vendor::MpsMonitor);
    let credentials = MpsMonitor {
        client_id: c.client_id.clone(),
        client_secret: Secret::from(c.client_secret.clone()),
        username: c.username.clone(),
        password: Secret::from(c.password.clone()),
        scope: c.scope.clone(),
    };
    let retry = RetryPolicy::new()
        .with_max_retries(var("FLEET_RETRIES", 4))
        .with_min_delay(Duration::from_millis(5))
        .with_max_delay(Duration::from_millis(100))
        .with_max_retry_after(Duration::from_millis(100));
    let mut builder = Client::builder(credentials)
        .base_url(&sim_url)
        .retry(retry)
        .timeout(Duration::from_millis(var("FLEET_TIMEOUT_MS", 2_000)))
        .refresh_skew(Duration::from_millis(var("FLEET_SKEW_MS", 50)));
    if let Ok(redis_url) = env::var("FLEET_REDIS_URL") {
        let key = EncryptionKey::from_base64(&env::var("FLEET_KEY").expect("FLEET_KEY")).expect("a valid key");
        let store = RedisStore::builder(&redis_url, key)
            .prefix(env::var("FLEET_PREFIX").unwrap_or_else(|_| "fleet-test".into()))
            .connect_timeout(Duration::from_millis(300))
            .response_timeout(Duration::from_millis(500))
            .build()
            .expect("a valid Redis URL");
        builder = builder.store(store);
    }
    let client = builder.build().expect("client builds");

    if env::var("FLEET_MODE").as_deref() == Ok("token") {
        // One token, then exit: the killed-holder test kills this process mid-renewal.
        let token = client.token().await;
        println!("token={}", if token.is_ok() { "ok" } else { "failed" });
        return;
    }

    let tasks: usize = var("FLEET_TASKS", 8);
    let run_for = Duration::from_millis(var("FLEET_MILLIS", 3_000));
    let started = Instant::now();
    let failed = Arc::new(AtomicUsize::new(0));
    let handles: Vec<_> = (0..tasks)
        .map(|_| {
            let (client, failed) = (client.clone(), failed.clone());
            tokio::spawn(async move {
                let (mut all, mut waited) = (Vec::new(), Vec::new());
                while started.elapsed() < run_for {
                    let fresh = client.has_fresh_token();
                    let t = Instant::now();
                    let ok = match client.get(Vendor::MpsMonitor.protected_path()).send().await {
                        Ok(response) => response.status() == StatusCode::OK,
                        Err(error) => {
                            eprintln!("call failed: {error}");
                            false
                        }
                    };
                    let took = t.elapsed();
                    all.push(took);
                    if !fresh {
                        waited.push(took);
                    }
                    if !ok {
                        failed.fetch_add(1, Ordering::Relaxed);
                    }
                }
                (all, waited)
            })
        })
        .collect();
    let (mut all, mut waited) = (Vec::new(), Vec::new());
    for handle in handles {
        let (a, w) = handle.await.expect("task ends");
        all.extend(a);
        waited.extend(w);
    }
    all.sort();
    let pct = |p: f64| all.get(((all.len().saturating_sub(1)) as f64 * p) as usize).map_or(0, |d| d.as_micros());
    println!("calls={} failed={} p50_us={} p99_us={}", all.len(), failed.load(Ordering::Relaxed), pct(0.5), pct(0.99));
    let waited: Vec<String> = waited.iter().map(|d| d.as_micros().to_string()).collect();
    println!("waited_us={}", waited.join(","));
}
