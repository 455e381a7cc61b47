//! The cost of DPoP (RFC 9449) per call: an authenticated `GET` through a generated client
//! whose vendor declares DPoP (a fresh ES256 proof signed for every call: `htm`, `htu`, `iat`,
//! `jti`, `ath`) against the same `GET` through a Bearer client (the header prepared once per
//! token), both seeded with a cached token, to the same minimal [`ApiServer`], one at a time
//! and 16 in flight; and `proof_*`, the presentation's work alone (no I/O): attaching the
//! token to a call's headers.
//!
//! `cargo bench -p oauth-bench --bench dpop`

use std::sync::LazyLock;

use divan::{Bencher, black_box, counter::ItemsCount};
use oauth_bench::{API_PATH, ApiServer, BENCH_TOKEN, DpopBenchClient, seeded_client, seeded_dpop_client};
use oauth_runtime::{
    Token,
    present::{Bearer, Call, Dpop, Prepared, Presentation},
    reqwest::{Method, header::HeaderMap},
};
use oauth_specs::DeyelClient;
use tokio::{runtime::Runtime, task::JoinSet};

fn main() {
    divan::main();
}

/// Requests in flight.
const IN_FLIGHT: &[usize] = &[1, 16];

struct Rig {
    rt: Runtime,
    _api: ApiServer,
    api_url: String,
    bearer: DeyelClient,
    dpop: DpopBenchClient,
    /// The presentations alone, with their prepared tokens.
    bearer_only: (Bearer, Token, Prepared),
    dpop_only: (Dpop, Token, Prepared),
}

static RIG: LazyLock<Rig> = LazyLock::new(|| {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let api = rt.block_on(ApiServer::start()).expect("API server");
    let bearer_token = Token::new(BENCH_TOKEN);
    let dpop_token = Token::new(BENCH_TOKEN).with_token_type("DPoP");
    let dpop = Dpop::generate().expect("a key");
    let rig = Rig {
        api_url: api.url(),
        bearer: seeded_client(&api.base_url()).expect("client"),
        dpop: seeded_dpop_client(&api.base_url()).expect("client"),
        _api: api,
        bearer_only: (Bearer::new(), bearer_token.clone(), Bearer::new().prepare(&bearer_token).expect("prepared")),
        dpop_only: {
            let prepared = dpop.prepare(&dpop_token).expect("prepared");
            (dpop, dpop_token, prepared)
        },
        rt,
    };
    // Open the connections before anything is timed.
    rig.rt.block_on(async {
        for _ in 0..16 {
            assert_eq!(get(&rig.bearer).await, 200);
            assert_eq!(get_dpop(&rig.dpop).await, 200);
        }
    });
    rig
});

async fn get(client: &DeyelClient) -> u16 {
    let response = client.get(API_PATH).send().await.expect("GET through the Bearer client");
    let status = response.status().as_u16();
    black_box(response.bytes().await.expect("body"));
    status
}

async fn get_dpop(client: &DpopBenchClient) -> u16 {
    let response = client.get(API_PATH).send().await.expect("GET through the DPoP client");
    let status = response.status().as_u16();
    black_box(response.bytes().await.expect("body"));
    status
}

/// The authenticated GET with a Bearer token.
#[divan::bench(args = IN_FLIGHT, sample_count = 500, sample_size = 10)]
fn get_bearer(bencher: Bencher<'_, '_>, in_flight: usize) {
    let rig = &*RIG;
    bencher.counter(ItemsCount::new(in_flight)).bench(|| {
        rig.rt.block_on(async {
            let mut set = JoinSet::new();
            for _ in 0..in_flight {
                let client = rig.bearer.clone();
                set.spawn(async move { get(&client).await });
            }
            set.join_all().await.into_iter().max().unwrap_or_default()
        })
    });
}

/// The same GET with a DPoP token and a proof signed for it.
#[divan::bench(args = IN_FLIGHT, sample_count = 500, sample_size = 10)]
fn get_dpop_proof(bencher: Bencher<'_, '_>, in_flight: usize) {
    let rig = &*RIG;
    bencher.counter(ItemsCount::new(in_flight)).bench(|| {
        rig.rt.block_on(async {
            let mut set = JoinSet::new();
            for _ in 0..in_flight {
                let client = rig.dpop.clone();
                set.spawn(async move { get_dpop(&client).await });
            }
            set.join_all().await.into_iter().max().unwrap_or_default()
        })
    });
}

/// Bearer's work on one call: the prepared header attached.
#[divan::bench(sample_count = 1000, sample_size = 100)]
fn proof_bearer(bencher: Bencher<'_, '_>) {
    let (bearer, token, prepared) = &RIG.bearer_only;
    let url = &RIG.api_url;
    bencher.bench(|| {
        let mut headers = HeaderMap::new();
        bearer.attach(token, prepared, &mut Call::new(&Method::GET, url, &mut headers)).expect("attached");
        black_box(headers)
    });
}

/// DPoP's work on one call: the URL read, the nonce looked up, a proof signed (ES256).
#[divan::bench(sample_count = 1000, sample_size = 100)]
fn proof_dpop(bencher: Bencher<'_, '_>) {
    let (dpop, token, prepared) = &RIG.dpop_only;
    let url = &RIG.api_url;
    bencher.bench(|| {
        let mut headers = HeaderMap::new();
        dpop.attach(token, prepared, &mut Call::new(&Method::GET, url, &mut headers)).expect("attached");
        black_box(headers)
    });
}
