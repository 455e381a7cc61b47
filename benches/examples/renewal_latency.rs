//! Issue 9: API-call latency while the token is being renewed, against latency without a
//! renewal, with renewal ahead of expiry (callers keep the usable token while one renewal runs
//! behind them) and with renewal at expiry (`refresh_skew(0)`: callers have no usable token
//! and wait for the renewal, as every caller past the renewal point used to).
//!
//! `cargo run --release -p oauth-bench --example renewal_latency [SECONDS]` (default 12).
//! Deyel simulator on 127.0.0.1, 2 s tokens, every token request slowed by 100 ms, 16 tasks
//! calling the protected endpoint back to back. A call counts as "during renewal" when the
//! client held no fresh token as it started.

use std::time::{Duration, Instant};

use oauth_runtime::Client;
use oauth_sim::{Fault, SimConfig, Simulator, Target, Vendor};
use oauth_specs::Deyel;

const TASKS: usize = 16;
const TOKEN_ROUND_TRIP: Duration = Duration::from_millis(100);

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let secs: u64 = std::env::args().nth(1).and_then(|n| n.parse().ok()).unwrap_or(12);
    for (name, skew) in
        [("renewal ahead of expiry (default)", Duration::from_secs(60)), ("renewal at expiry", Duration::ZERO)]
    {
        let (during, outside, token_requests) = run(skew, Duration::from_secs(secs)).await;
        println!("{name}: {token_requests} token requests");
        report("  calls during a renewal ", during);
        report("  calls without a renewal", outside);
    }
}

async fn run(skew: Duration, length: Duration) -> (Vec<Duration>, Vec<Duration>, usize) {
    let config = SimConfig::for_vendor(Vendor::Deyel).token_lifetime(Duration::from_secs(2));
    let sim = Simulator::start_with(config).await.expect("simulator");
    sim.set_fault_rate(Target::Token, Fault::slow(TOKEN_ROUND_TRIP), 1.0);
    let cfg = sim.config();
    let creds = Deyel { client_id: cfg.client_id.clone(), client_secret: cfg.client_secret.clone().into() };
    let client = Client::builder(creds).base_url(&sim.base_url()).refresh_skew(skew).build().expect("client");
    client.token().await.expect("first token");
    let end = Instant::now() + length;
    let tasks: Vec<_> = (0..TASKS)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move {
                let (mut during, mut outside) = (Vec::new(), Vec::new());
                while Instant::now() < end {
                    let renewing = !client.has_fresh_token();
                    let start = Instant::now();
                    let response = client.get(Vendor::Deyel.protected_path()).send().await.expect("call");
                    let elapsed = start.elapsed();
                    assert!(response.status().is_success(), "{}", response.status());
                    if renewing { during.push(elapsed) } else { outside.push(elapsed) }
                }
                (during, outside)
            })
        })
        .collect();
    let (mut during, mut outside) = (Vec::new(), Vec::new());
    for task in tasks {
        let (d, o) = task.await.expect("task");
        during.extend(d);
        outside.extend(o);
    }
    (during, outside, sim.counters().token_requests)
}

fn report(label: &str, mut times: Vec<Duration>) {
    times.sort();
    let at = |q: f64| times.get(((times.len() as f64 * q) as usize).min(times.len().saturating_sub(1))).copied();
    let ms = |d: Option<Duration>| d.map_or(f64::NAN, |d| d.as_secs_f64() * 1e3);
    println!(
        "{label}: {:>7} calls, p50 {:>7.2} ms, p99 {:>7.2} ms, max {:>7.2} ms",
        times.len(),
        ms(at(0.5)),
        ms(at(0.99)),
        ms(times.last().copied())
    );
}
