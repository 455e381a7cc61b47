//! Items 2 and 4 measured a second way: the variants interleaved call by call, in a rotating
//! order, so that drift of the machine and the position of a call in the sequence fall on all
//! variants alike. Divan runs each variant's samples together, one variant after the other.
//!
//! `cargo run --release -p oauth-bench --example interleaved [ROUNDS]` (default 5,000).
//!
//! `raw+settings` is raw reqwest configured as the client configures its own (no redirects,
//! connect and total timeouts, a `User-Agent`): the difference between it and `raw` is the
//! price of those settings, the difference between it and `sdk` the price of the SDK itself.

use std::{
    future::Future,
    pin::Pin,
    time::{Duration, Instant},
};

use oauth_bench::{
    ApiServer, BENCH_TOKEN, deyel_sim, raw_http, raw_http_with_settings, raw_token_fetch, seeded_client, token_client,
};
use oauth_runtime::reqwest::header::{AUTHORIZATION, HeaderValue};
use tokio::task::JoinSet;

type Call<'a> = Box<dyn Fn() -> Pin<Box<dyn Future<Output = ()> + 'a>> + 'a>;

/// Runs every call of `group` once per round, starting each round one variant later, and
/// prints the median and 10th percentile of each, and the first's median time over each's.
fn compare(rt: &tokio::runtime::Runtime, rounds: usize, title: &str, group: &[(&str, Call<'_>)]) {
    let mut times = vec![Vec::with_capacity(rounds); group.len()];
    for round in 0..rounds + 200 {
        for k in 0..group.len() {
            let v = (round + k) % group.len();
            let start = Instant::now();
            rt.block_on(group[v].1());
            if round >= 200 {
                times[v].push(start.elapsed());
            }
        }
    }
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    let stats: Vec<(f64, f64)> = times
        .iter_mut()
        .map(|t| {
            t.sort_unstable();
            (us(t[t.len() / 2]), us(t[t.len() / 10]))
        })
        .collect();
    println!("{title} ({rounds} rounds)");
    for ((name, _), (median, p10)) in group.iter().zip(&stats) {
        println!(
            "  {name:14} median {median:>7.2} µs  p10 {p10:>7.2} µs  sdk time / this time {:.3}",
            stats[0].0 / median
        );
    }
}

fn main() {
    let rounds: usize = std::env::args().nth(1).and_then(|n| n.parse().ok()).unwrap_or(5000);
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let (api, sim) = rt.block_on(async { (ApiServer::start().await.expect("API"), deyel_sim().await.expect("sim")) });
    let sdk = seeded_client(&api.base_url()).expect("client");
    let sdk_tokens = token_client(&sim).expect("client");
    let (raw, raw_set) = (raw_http(), raw_http_with_settings());
    let url = api.url();
    let bearer = HeaderValue::try_from(format!("Bearer {BENCH_TOKEN}")).expect("header");

    // `in_flight` GETs at once, each its own task, as in the divan bench.
    let get = |http: &reqwest::Client, in_flight: usize| -> Call<'_> {
        let (http, url, bearer) = (http.clone(), url.clone(), bearer.clone());
        Box::new(move || {
            let (http, url, bearer) = (http.clone(), url.clone(), bearer.clone());
            Box::pin(async move {
                let mut set = JoinSet::new();
                for _ in 0..in_flight {
                    let (http, url, bearer) = (http.clone(), url.clone(), bearer.clone());
                    set.spawn(async move {
                        let response = http.get(&url).header(AUTHORIZATION, bearer).send().await.expect("GET");
                        assert_eq!(response.status(), 200);
                        std::hint::black_box(response.bytes().await.expect("body"));
                    });
                }
                drop(set.join_all().await);
            })
        })
    };
    let sdk_get = |in_flight: usize| -> Call<'_> {
        let sdk = sdk.clone();
        Box::new(move || {
            let sdk = sdk.clone();
            Box::pin(async move {
                let mut set = JoinSet::new();
                for _ in 0..in_flight {
                    let sdk = sdk.clone();
                    set.spawn(async move {
                        let response = sdk.get(oauth_bench::API_PATH).send().await.expect("GET");
                        assert_eq!(response.status(), 200);
                        std::hint::black_box(response.bytes().await.expect("body"));
                    });
                }
                drop(set.join_all().await);
            })
        })
    };
    for in_flight in [1, 16] {
        compare(
            &rt,
            rounds,
            &format!("authenticated GET, {in_flight} in flight"),
            &[("sdk", sdk_get(in_flight)), ("raw", get(&raw, in_flight)), ("raw+settings", get(&raw_set, in_flight))],
        );
    }

    let token = |http: &reqwest::Client| -> Call<'_> {
        let http = http.clone();
        let sim = &sim;
        Box::new(move || {
            let http = http.clone();
            Box::pin(async move {
                std::hint::black_box(raw_token_fetch(&http, sim).await.expect("token"));
            })
        })
    };
    let sdk_token: Call<'_> = Box::new(|| {
        Box::pin(async {
            std::hint::black_box(sdk_tokens.refresh().await.expect("token"));
        })
    });
    compare(
        &rt,
        rounds,
        "token request",
        &[("sdk", sdk_token), ("raw", token(&raw)), ("raw+settings", token(&raw_set))],
    );
}
