//! Item 1: the cached token read every API call makes, against hand-written `Mutex` and
//! `RwLock` caches, on 1 and 2 threads.
//!
//! Every variant returns what the caller would hold (an `Arc` or a `String`) and drops it
//! inside the measured closure, as real code does. `has_fresh_token` is the client's check
//! without taking a reference.
//!
//! `cargo bench -p oauth-bench --bench hot_path`

use std::{sync::LazyLock, time::Duration};

use divan::black_box;
use oauth_bench::{
    BENCH_TOKEN,
    baseline::{HandToken, MutexSource, RwLockSource},
    seeded_client,
};
use oauth_specs::DeyelClient;

fn main() {
    divan::main();
}

const THREADS: &[usize] = &[1, 2];
const HOUR: Duration = Duration::from_secs(3600);
/// Reads per sample: long enough (about 1 ms) that the threads of `t=2` really overlap.
const SAMPLE_SIZE: u32 = 20_000;

static CLIENT: LazyLock<DeyelClient> = LazyLock::new(|| {
    let client = seeded_client("http://127.0.0.1:9").expect("client builds");
    assert!(client.has_fresh_token(), "the seeded token is fresh");
    client
});
static MUTEX: LazyLock<MutexSource> = LazyLock::new(|| MutexSource::new(HandToken::new(BENCH_TOKEN, HOUR)));
static RWLOCK: LazyLock<RwLockSource> = LazyLock::new(|| RwLockSource::new(HandToken::new(BENCH_TOKEN, HOUR)));

/// The floor under every variant: one read of the monotonic clock.
#[divan::bench(threads = THREADS, sample_size = SAMPLE_SIZE)]
fn clock_only(bencher: divan::Bencher<'_, '_>) {
    bencher.bench(|| black_box(std::time::Instant::now()));
}

/// The client's hot path: `cached_token()` (lock-free load, one clock read, `Arc` clone).
#[divan::bench(threads = THREADS, sample_size = SAMPLE_SIZE)]
fn sdk_cached_token(bencher: divan::Bencher<'_, '_>) {
    let client = &*CLIENT;
    bencher.bench(|| {
        let token = client.cached_token();
        black_box(&token);
    });
}

/// The client's check without a reference: `has_fresh_token()`.
#[divan::bench(threads = THREADS, sample_size = SAMPLE_SIZE)]
fn sdk_has_fresh_token(bencher: divan::Bencher<'_, '_>) {
    let client = &*CLIENT;
    bencher.bench(|| black_box(client.has_fresh_token()));
}

/// `Mutex<Arc<Token>>`: lock, check, clone the pointer (`ReuseTokenSource`).
#[divan::bench(threads = THREADS, sample_size = SAMPLE_SIZE)]
fn mutex_arc(bencher: divan::Bencher<'_, '_>) {
    let source = &*MUTEX;
    bencher.bench(|| {
        let token = source.arc();
        black_box(&token);
    });
}

/// `RwLock<Arc<Token>>`: read-lock, check, clone the pointer.
#[divan::bench(threads = THREADS, sample_size = SAMPLE_SIZE)]
fn rwlock_arc(bencher: divan::Bencher<'_, '_>) {
    let source = &*RWLOCK;
    bencher.bench(|| {
        let token = source.arc();
        black_box(&token);
    });
}

/// `Mutex<Token>`: lock, check, clone the access token `String`.
#[divan::bench(threads = THREADS, sample_size = SAMPLE_SIZE)]
fn mutex_string(bencher: divan::Bencher<'_, '_>) {
    let source = &*MUTEX;
    bencher.bench(|| {
        let token = source.string();
        black_box(&token);
    });
}

/// `RwLock<Token>`: read-lock, check, clone the access token `String`.
#[divan::bench(threads = THREADS, sample_size = SAMPLE_SIZE)]
fn rwlock_string(bencher: divan::Bencher<'_, '_>) {
    let source = &*RWLOCK;
    bencher.bench(|| {
        let token = source.string();
        black_box(&token);
    });
}
