//! Section 9's typed GET measured in pairs: in each round the generated operation and its
//! hand-written equivalent ([`oauth_bench::typed`]) run the same batch back to back, in
//! alternating order, and the round's ratio of their times is kept; the median ratio and its
//! 10th–90th percentile spread are printed for 1 and 16 calls in flight.
//!
//! `cargo run --release -p oauth-bench --example typed_paired [ROUNDS] [BATCH]` (default 400
//! rounds of 50 calls, or of 50 groups of 16).

use oauth_bench::{
    ApiServer,
    paired::{self, Contender as _},
    seeded_client,
    typed::{InFlight, RawTyped},
};

fn main() {
    let mut args = std::env::args().skip(1).map(|a| a.parse::<usize>().expect("a number"));
    let rounds = args.next().unwrap_or(400);
    let batch = args.next().unwrap_or(50);
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let api = rt.block_on(ApiServer::start()).expect("API server");
    let sdk = seeded_client(&api.base_url()).expect("client");
    let raw = RawTyped::new(api.url());
    println!("typed GET, SDK against hand-written reqwest + serde ({rounds} rounds of {batch})");
    println!("in flight | SDK median µs/call | raw median µs/call | throughput SDK/raw: median [p10, p90]");
    for in_flight in [1, 16] {
        let sdk = InFlight { inner: sdk.clone(), in_flight };
        let raw = InFlight { inner: raw.clone(), in_flight };
        // Both pools warmed to `in_flight` connections before anything is measured.
        rt.block_on(async {
            sdk.run(4).await;
            raw.run(4).await;
        });
        let report = paired::compare(&rt, rounds, rounds / 10, batch, &sdk, &raw);
        let (sdk_us, raw_us) = report.median_micros();
        let (lo, hi) = report.ratio_spread();
        let per_call = |us: f64| us / in_flight as f64;
        println!(
            "{in_flight:>9} | {:>18.2} | {:>18.2} | {:.3} [{lo:.3}, {hi:.3}]",
            per_call(sdk_us),
            per_call(raw_us),
            report.median_ratio()
        );
    }
}
