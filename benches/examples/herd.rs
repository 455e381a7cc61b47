//! Item 3: 1,000 concurrent callers at token expiry, against one caller (one token round
//! trip through the client) and a hand-written token request, on the same simulator.
//!
//! `cargo run --release -p oauth-bench --example herd [ROUNDS]` (default 15 rounds). Prints
//! the token requests each herd made, as counted by the simulator, and median times. Every
//! timed token request follows the same idle wait for expiry, so all start equally cold.

use std::time::{Duration, Instant};

use oauth_bench::{
    herd::{self, median},
    raw_http, raw_token_fetch,
};

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let rounds: usize = std::env::args().nth(1).and_then(|n| n.parse().ok()).unwrap_or(15);
    let (sim, client) = herd::rig().await;
    let raw = raw_http();
    raw_token_fetch(&raw, &sim).await.expect("a hand-written token request");

    let mut one = Vec::new();
    let mut many = Vec::new();
    let mut raw_times = Vec::new();
    let mut floor = Vec::new();
    let mut requests = Vec::new();
    for _ in 0..rounds {
        // Interleaved, so that load on the machine hits every variant alike.
        let single = herd::round(&sim, &client, 1).await;
        assert_eq!((single.token_requests, single.served), (1, 1), "{single:?}");
        one.push(single.elapsed);
        let herd = herd::round(&sim, &client, 1000).await;
        assert_eq!(herd.served, 1000, "{herd:?}");
        requests.push(herd.token_requests);
        many.push(herd.elapsed);
        // The same 1,000 tasks right after, the token now fresh: what the tasks alone cost.
        let fresh = herd::spawn_callers(&sim, &client, 1000).await;
        assert_eq!((fresh.token_requests, fresh.served), (0, 1000), "{fresh:?}");
        floor.push(fresh.elapsed);
        // The same idle time before the hand-written request as before the others.
        herd::wait_for_expiry(&client).await;
        let start = Instant::now();
        raw_token_fetch(&raw, &sim).await.expect("a hand-written token request");
        raw_times.push(start.elapsed());
    }
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    let (one, many, raw, floor) = (median(&mut one), median(&mut many), median(&mut raw_times), median(&mut floor));
    println!("rounds: {rounds}");
    println!("token requests per 1,000-caller herd: {requests:?}");
    println!("hand-written token request (raw reqwest): {:>9.1} us (median)", us(raw));
    println!("1 caller at expiry (one round trip):      {:>9.1} us (median)", us(one));
    println!("1,000 callers at expiry, all served:      {:>9.1} us (median)", us(many));
    println!("1,000 callers, token fresh (task cost):   {:>9.1} us (median)", us(floor));
    println!("herd / one round trip:                    {:>9.2}", us(many) / us(one));
}
