//! Soak: many tasks make authenticated calls while tokens live one second and the token
//! endpoint fails 5% of the time with a 5xx and 2% with a 429. No call may fail, and renewals
//! stay near one per token lifetime.
//!
//! CI runs a short form. The full form, whose figures are in RELIABILITY.md:
//!
//! ```text
//! SOAK_CALLS=10000 SOAK_SECS=20 cargo test --release -p oauth-tests --test soak -- --nocapture
//! ```
//!
//! `SOAK_5XX` and `SOAK_429` change the fault rates (defaults 0.05 and 0.02), `SOAK_SKEW_MS`
//! the renewal skew (default 50), `SOAK_RETRIES` the retries per token request (default 4).

mod common;

use std::{
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use common::*;
use oauth_runtime::RetryPolicy;
use oauth_sim::{Fault, Target, Vendor};
use reqwest::StatusCode;

const TASKS: usize = 64;
const LIFETIME: Duration = Duration::from_secs(1);

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn soak() {
    let calls: usize = env_or("SOAK_CALLS", 2_000);
    let min_duration = Duration::from_secs(env_or("SOAK_SECS", 3));
    let (rate_5xx, rate_429): (f64, f64) = (env_or("SOAK_5XX", 0.05), env_or("SOAK_429", 0.02));
    let skew = Duration::from_millis(env_or("SOAK_SKEW_MS", 50));
    let max_retries: usize = env_or("SOAK_RETRIES", 4);
    let sim = sim(Vendor::MpsMonitor, LIFETIME).await;
    for target in [Target::Token, Target::Refresh] {
        sim.set_fault_rate(target, Fault::status(503), rate_5xx);
        sim.set_fault_rate(target, Fault::too_many_requests(None), rate_429);
    }
    let retry = RetryPolicy::new()
        .with_max_retries(max_retries)
        .with_min_delay(Duration::from_millis(5))
        .with_max_delay(Duration::from_millis(100));
    let client = builder(mps(sim.config()), &sim).retry(retry).refresh_skew(skew).build().unwrap();

    let started = Instant::now();
    let done = Arc::new(AtomicUsize::new(0));
    let failed = Arc::new(AtomicUsize::new(0));
    let tasks: Vec<_> = (0..TASKS)
        .map(|_| {
            let (client, done, failed) = (client.clone(), done.clone(), failed.clone());
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                while done.fetch_add(1, Ordering::Relaxed) < calls || started.elapsed() < min_duration {
                    let t = Instant::now();
                    let ok = match client.get(Vendor::MpsMonitor.protected_path()).send().await {
                        Ok(r) => r.status() == StatusCode::OK,
                        Err(e) => {
                            eprintln!("call failed: {e}");
                            false
                        }
                    };
                    latencies.push(t.elapsed());
                    if !ok {
                        failed.fetch_add(1, Ordering::Relaxed);
                    }
                }
                latencies
            })
        })
        .collect();
    let mut latencies = Vec::new();
    for task in tasks {
        latencies.extend(bounded(min_duration + Duration::from_secs(120), task).await.unwrap());
    }
    let elapsed = started.elapsed();
    latencies.sort();
    let pct = |p: f64| latencies[((latencies.len() - 1) as f64 * p) as usize];
    let c = sim.counters();
    let lifetimes = elapsed.as_secs_f64() / LIFETIME.as_secs_f64();
    let renewals = c.token_requests + c.refresh_requests;
    let failed = failed.load(Ordering::Relaxed);
    println!(
        "soak: {} calls from {TASKS} tasks in {:.2} s; failed {failed}; token lifetimes elapsed {lifetimes:.1}; \
         grants {} + refreshes {} = {renewals} (faults served {}); renewals per lifetime {:.2}, \
         excluding faulted attempts {:.2}; latency p50 {:?}, p99 {:?}, max {:?}",
        latencies.len(),
        elapsed.as_secs_f64(),
        c.token_requests,
        c.refresh_requests,
        c.faults_served,
        renewals as f64 / lifetimes,
        (renewals - c.faults_served) as f64 / lifetimes,
        pct(0.50),
        pct(0.99),
        latencies.last().unwrap(),
    );
    assert!(latencies.len() >= calls, "all calls made");
    assert_eq!(failed, 0, "no call failed");
    if renewals as f64 * (rate_5xx + rate_429) >= 3.0 {
        assert!(c.faults_served > 0, "the fault rates were exercised");
    }
    // Successful renewals: about one per (lifetime - skew), plus the first grant and any
    // renewal caused by a 401 from the server's clock being a round trip ahead of ours.
    let successful = renewals - c.faults_served;
    let effective = LIFETIME - skew.min(LIFETIME / 2);
    let budget = (elapsed.as_secs_f64() / effective.as_secs_f64()).ceil() as usize + 2;
    assert!(successful <= budget + budget / 10, "{successful} successful renewals, budget {budget}");
}
