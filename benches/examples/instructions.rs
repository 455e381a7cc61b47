//! Load-independent figures: runs one variant `N` times on a single-threaded runtime (server
//! and client on one thread), so that `valgrind --tool=callgrind` counts its instructions.
//!
//! ```sh
//! cargo build --release -p oauth-bench --example instructions
//! for v in get-sdk get-raw token-sdk token-raw; do
//!   valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.$v target/release/examples/instructions $v 2000
//! done
//! ```
//!
//! Subtract a run with `N = 0` (start-up and warm-up only) and divide by `N` for the
//! instructions per operation; `callgrind_annotate --inclusive=yes` shows where they go.

use std::hint::black_box;

use oauth_bench::{
    ApiServer, BENCH_TOKEN,
    baseline::{HandToken, MutexSource, RwLockSource},
    deyel_sim, raw_http, raw_token_fetch, seeded_client, token_client,
};
use oauth_runtime::reqwest::header::{AUTHORIZATION, HeaderValue};

const VARIANTS: &str = "get-sdk | get-raw | token-sdk | token-raw | cached-token | has-fresh-token | mutex-arc | rwlock-arc | mutex-string | rwlock-string";

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(variant), Some(n)) = (args.next(), args.next().and_then(|n| n.parse::<usize>().ok())) else {
        eprintln!("usage: instructions <{VARIANTS}> <N>");
        std::process::exit(2);
    };
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    rt.block_on(async {
        let api = ApiServer::start().await.expect("API server");
        let sim = deyel_sim().await.expect("simulator");
        let sdk = seeded_client(&api.base_url()).expect("client");
        let sdk_tokens = token_client(&sim).expect("client");
        let raw = raw_http();
        let url = api.url();
        let bearer = HeaderValue::try_from(format!("Bearer {BENCH_TOKEN}")).expect("header");
        let hand = HandToken::new(BENCH_TOKEN, std::time::Duration::from_secs(3600));
        let (mutex, rwlock) = (MutexSource::new(hand.clone()), RwLockSource::new(hand));
        // Warm-up: connections open, every lazy initialisation done.
        for _ in 0..10 {
            sdk.get(oauth_bench::API_PATH).send().await.expect("GET").bytes().await.expect("body");
            raw.get(&url).header(AUTHORIZATION, bearer.clone()).send().await.expect("GET").bytes().await.expect("body");
            sdk_tokens.refresh().await.expect("token");
            raw_token_fetch(&raw, &sim).await.expect("token");
        }
        for _ in 0..n {
            match variant.as_str() {
                "get-sdk" => {
                    let response = sdk.get(oauth_bench::API_PATH).send().await.expect("GET");
                    black_box(response.bytes().await.expect("body"));
                }
                "get-raw" => {
                    let response = raw.get(&url).header(AUTHORIZATION, bearer.clone()).send().await.expect("GET");
                    black_box(response.bytes().await.expect("body"));
                }
                "token-sdk" => drop(black_box(sdk_tokens.refresh().await.expect("token"))),
                "token-raw" => drop(black_box(raw_token_fetch(&raw, &sim).await.expect("token"))),
                "cached-token" => drop(black_box(sdk.cached_token())),
                "has-fresh-token" => drop(black_box(sdk.has_fresh_token())),
                "mutex-arc" => drop(black_box(mutex.arc())),
                "rwlock-arc" => drop(black_box(rwlock.arc())),
                "mutex-string" => drop(black_box(mutex.string())),
                "rwlock-string" => drop(black_box(rwlock.string())),
                other => panic!("unknown variant {other:?}: expected one of {VARIANTS}"),
            }
        }
    });
}
