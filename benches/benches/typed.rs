//! Issue 10: a typed GET through a generated operation (`#[oauth_api]`), against hand-written
//! `reqwest` + `serde_json` on the runtime's own `reqwest::Client` settings
//! ([`oauth_bench::typed`]), to the same minimal [`ApiServer`] answering `{"ok":true}`, one at
//! a time and 16 in flight, in one run. Divan runs one contender's samples after the other's;
//! the paired comparison (`cargo run --release -p oauth-bench --example typed_paired`) is the
//! one to quote (BENCHMARKS.md section 9).
//!
//! `cargo bench -p oauth-bench --bench typed`

use std::sync::LazyLock;

use divan::{Bencher, counter::ItemsCount};
use oauth_bench::{
    ApiServer,
    paired::Contender,
    seeded_client,
    typed::{BenchApi, InFlight, RawTyped},
};
use oauth_specs::DeyelClient;
use tokio::runtime::Runtime;

fn main() {
    divan::main();
}

const IN_FLIGHT: &[usize] = &[1, 16];

struct Rig {
    rt: Runtime,
    _api: ApiServer,
    sdk: DeyelClient,
    raw: RawTyped,
}

static RIG: LazyLock<Rig> = LazyLock::new(|| {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let api = rt.block_on(ApiServer::start()).expect("API server");
    let rig =
        Rig { sdk: seeded_client(&api.base_url()).expect("client"), raw: RawTyped::new(api.url()), _api: api, rt };
    rig.rt.block_on(async {
        for _ in 0..16 {
            assert!(rig.sdk.me().await.expect("typed GET").ok);
            assert!(rig.raw.me().await.ok);
        }
    });
    rig
});

/// The generated operation.
#[divan::bench(args = IN_FLIGHT, sample_count = 500, sample_size = 10)]
fn typed_sdk(bencher: Bencher<'_, '_>, in_flight: usize) {
    let rig = &*RIG;
    let contender = InFlight { inner: rig.sdk.clone(), in_flight };
    bencher.counter(ItemsCount::new(in_flight)).bench(|| rig.rt.block_on(contender.run(1)));
}

/// Hand-written reqwest + serde_json, same settings.
#[divan::bench(args = IN_FLIGHT, sample_count = 500, sample_size = 10)]
fn typed_raw(bencher: Bencher<'_, '_>, in_flight: usize) {
    let rig = &*RIG;
    let contender = InFlight { inner: rig.raw.clone(), in_flight };
    bencher.counter(ItemsCount::new(in_flight)).bench(|| rig.rt.block_on(contender.run(1)));
}
