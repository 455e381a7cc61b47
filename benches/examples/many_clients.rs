//! Issue 12: memory per additional client and sockets held when 10,000 clients (one per
//! customer's credentials) share one `HttpTransport`, against one Microbilt simulator.
//!
//! `cargo run --release -p oauth-bench --example many_clients [N]` (default 10,000). Memory is
//! counted by `stats_alloc`'s instrumented global allocator (live bytes); sockets are this process's socket
//! descriptors (`/proc/self/fd`), which include the in-process simulator's own ends.

use oauth_runtime::{Client, HttpTransport};
use oauth_sim::{Simulator, Vendor};
use oauth_specs::Microbilt;
use stats_alloc::{INSTRUMENTED_SYSTEM, StatsAlloc};

#[global_allocator]
static GLOBAL: &StatsAlloc<std::alloc::System> = &INSTRUMENTED_SYSTEM;

/// Live heap bytes.
fn live() -> isize {
    let stats = GLOBAL.stats();
    stats.bytes_allocated as isize - stats.bytes_deallocated as isize + stats.bytes_reallocated
}

fn sockets() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .map(|dir| {
            dir.filter_map(Result::ok)
                .filter(|e| std::fs::read_link(e.path()).is_ok_and(|t| t.to_string_lossy().starts_with("socket:")))
                .count()
        })
        .unwrap_or(0)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let n: usize = std::env::args().nth(1).and_then(|n| n.parse().ok()).unwrap_or(10_000);
    let sim = Simulator::start(Vendor::Microbilt).await.expect("simulator");
    let cfg = sim.config().clone();
    let creds = || Microbilt { client_id: cfg.client_id.clone(), client_secret: cfg.client_secret.clone().into() };
    let transport = HttpTransport::new().expect("transport");
    let base = sim.base_url();
    let sockets_before = sockets();

    // One client first, so that one-time allocations (the spec's statics, TLS, tracing
    // callsites) are not charged to the others.
    let first = Client::builder(creds()).base_url(&base).transport(&transport).build().expect("client");
    first.token().await.expect("token");
    let start = live();
    let clients: Vec<Client<Microbilt>> = (0..n)
        .map(|_| Client::builder(creds()).base_url(&base).transport(&transport).build().expect("client"))
        .collect();
    let built = live();
    for chunk in clients.chunks(64) {
        let tokens = futures_util::future::join_all(chunk.iter().map(|c| c.token())).await;
        assert!(tokens.iter().all(Result::is_ok));
    }
    // Let the renewal tasks finish dropping their state.
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let with_tokens = live();
    let sockets_after = sockets();

    let per_client = (built - start) as f64 / n as f64;
    let per_token = (with_tokens - built) as f64 / n as f64;
    println!("clients: {n}, token requests counted by the simulator: {}", sim.counters().token_requests);
    println!("memory per additional client, before its token: {per_client:>8.0} bytes");
    println!("memory per client's token (token, header, cache entry): {per_token:>8.0} bytes");
    println!("sockets of this process: {sockets_before} before, {sockets_after} after (client and server ends)");
    drop(first);
}
