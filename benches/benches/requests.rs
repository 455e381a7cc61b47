//! Items 2 and 4, each variant against the same server in the same run:
//!
//! - `get_*`: an authenticated `GET` through the generated client (seeded with a cached
//!   token) against raw `reqwest` with a constant `Authorization` header, bare and with the
//!   client's settings (timeouts, no redirects, `User-Agent`), to the minimal [`ApiServer`],
//!   one at a time (latency) and 16 in flight (throughput);
//! - `get_mw_*`: the same GET with the seeded client's token attached by a middleware over a
//!   raw `reqwest::Client`: `get_mw_reqwest` through `reqwest-middleware` and `OAuthMiddleware`,
//!   `get_mw_tower` through a `tower` stack with `OAuthLayer` over reqwest; `get_tower_raw` is
//!   that `tower` stack with a constant header instead of the layer;
//! - `token_*`: one token request through the client (`refresh()`: the grant, parsing,
//!   caching) against a raw `reqwest` `POST` of the same body to the same Deyel simulator,
//!   with the JSON parsed.
//!
//! `cargo bench -p oauth-bench --bench requests`

use std::sync::LazyLock;

use divan::{Bencher, black_box, counter::ItemsCount};
use oauth_bench::{
    ApiServer, BENCH_TOKEN, RawToken, deyel_sim,
    integrations::{TowerStack, middleware_client, tower_with_constant_header, tower_with_layer},
    raw_http, raw_http_with_settings, raw_token_fetch, seeded_client, token_client,
};
use oauth_runtime::reqwest::header::{AUTHORIZATION, HeaderValue};
use oauth_sim::Simulator;
use oauth_specs::DeyelClient;
use tokio::{runtime::Runtime, task::JoinSet};
use tower::ServiceExt as _;

fn main() {
    divan::main();
}

/// Requests in flight for the throughput variants.
const IN_FLIGHT: &[usize] = &[1, 16];

struct Rig {
    rt: Runtime,
    _api: ApiServer,
    api_url: String,
    /// The generated client, seeded with a cached token for the API server.
    sdk: DeyelClient,
    /// Raw reqwest and the header a hand-written client would keep.
    raw: reqwest::Client,
    /// Raw reqwest with the client's settings (timeouts, no redirects, `User-Agent`).
    raw_settings: reqwest::Client,
    bearer: HeaderValue,
    /// Raw reqwest behind `reqwest-middleware` with `OAuthMiddleware` for `sdk`.
    mw_reqwest: reqwest_middleware::ClientWithMiddleware,
    /// Raw reqwest behind a `tower` stack with `OAuthLayer` for `sdk`.
    mw_tower: TowerStack,
    /// The same `tower` stack with a constant header instead of the layer.
    tower_raw: TowerStack,
    sim: Simulator,
    /// The generated client aimed at the simulator, for token requests.
    sdk_tokens: DeyelClient,
    raw_tokens: reqwest::Client,
}

static RIG: LazyLock<Rig> = LazyLock::new(|| {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let (api, sim) =
        rt.block_on(async { (ApiServer::start().await.expect("API server"), deyel_sim().await.expect("simulator")) });
    let sdk = seeded_client(&api.base_url()).expect("client");
    let sdk_tokens = token_client(&sim).expect("client");
    let rig = Rig {
        api_url: api.url(),
        _api: api,
        raw: raw_http(),
        raw_settings: raw_http_with_settings(),
        bearer: HeaderValue::try_from(format!("Bearer {BENCH_TOKEN}")).expect("header"),
        mw_reqwest: middleware_client(&sdk, raw_http()),
        mw_tower: tower_with_layer(&sdk, raw_http()),
        tower_raw: tower_with_constant_header(
            HeaderValue::try_from(format!("Bearer {BENCH_TOKEN}")).expect("header"),
            raw_http(),
        ),
        sdk,
        sim,
        sdk_tokens,
        raw_tokens: raw_http(),
        rt,
    };
    // Open the connections before anything is timed.
    rig.rt.block_on(async {
        for _ in 0..16 {
            assert_eq!(sdk_get(&rig.sdk).await, 200);
            assert_eq!(raw_get(&rig.raw, &rig.api_url, &rig.bearer).await, 200);
            assert_eq!(raw_get(&rig.raw_settings, &rig.api_url, &rig.bearer).await, 200);
            assert_eq!(mw_reqwest_get(&rig.mw_reqwest, &rig.api_url).await, 200);
            assert_eq!(tower_get(&rig.mw_tower, &rig.api_url).await, 200);
            assert_eq!(tower_get(&rig.tower_raw, &rig.api_url).await, 200);
        }
        rig.sdk_tokens.refresh().await.expect("a token through the client");
        raw_token_fetch(&rig.raw_tokens, &rig.sim).await.expect("a token by hand");
    });
    rig
});

async fn sdk_get(client: &DeyelClient) -> u16 {
    let response = client.get(oauth_bench::API_PATH).send().await.expect("GET through the client");
    let status = response.status().as_u16();
    black_box(response.bytes().await.expect("body"));
    status
}

async fn raw_get(http: &reqwest::Client, url: &str, bearer: &HeaderValue) -> u16 {
    let response = http.get(url).header(AUTHORIZATION, bearer.clone()).send().await.expect("raw GET");
    let status = response.status().as_u16();
    black_box(response.bytes().await.expect("body"));
    status
}

async fn mw_reqwest_get(http: &reqwest_middleware::ClientWithMiddleware, url: &str) -> u16 {
    let response = http.get(url).send().await.expect("GET through the middleware");
    let status = response.status().as_u16();
    black_box(response.bytes().await.expect("body"));
    status
}

async fn tower_get(service: &TowerStack, url: &str) -> u16 {
    let request = http::Request::get(url).body(String::new()).expect("request");
    let response = service.clone().oneshot(request).await.expect("GET through the tower stack");
    let status = response.status().as_u16();
    let body = reqwest::Response::from(response).bytes().await.expect("body");
    black_box(body);
    status
}

/// An authenticated GET through the generated client.
#[divan::bench(args = IN_FLIGHT, sample_count = 500, sample_size = 10)]
fn get_sdk(bencher: Bencher<'_, '_>, in_flight: usize) {
    let rig = &*RIG;
    bencher.counter(ItemsCount::new(in_flight)).bench(|| {
        rig.rt.block_on(async {
            if in_flight == 1 {
                return sdk_get(&rig.sdk).await;
            }
            let mut set = JoinSet::new();
            for _ in 0..in_flight {
                let client = rig.sdk.clone();
                set.spawn(async move { sdk_get(&client).await });
            }
            set.join_all().await.into_iter().max().unwrap_or_default()
        })
    });
}

/// The same GET with raw reqwest and a constant `Authorization` header.
#[divan::bench(args = IN_FLIGHT, sample_count = 500, sample_size = 10)]
fn get_raw(bencher: Bencher<'_, '_>, in_flight: usize) {
    raw_gets(bencher, &RIG.raw, in_flight);
}

/// The same with raw reqwest configured as the client is (timeouts, no redirects, UA).
#[divan::bench(args = IN_FLIGHT, sample_count = 500, sample_size = 10)]
fn get_raw_settings(bencher: Bencher<'_, '_>, in_flight: usize) {
    raw_gets(bencher, &RIG.raw_settings, in_flight);
}

fn raw_gets(bencher: Bencher<'_, '_>, http: &reqwest::Client, in_flight: usize) {
    let rig = &*RIG;
    bencher.counter(ItemsCount::new(in_flight)).bench(|| {
        rig.rt.block_on(async {
            if in_flight == 1 {
                return raw_get(http, &rig.api_url, &rig.bearer).await;
            }
            let mut set = JoinSet::new();
            for _ in 0..in_flight {
                let (http, url, bearer) = (http.clone(), rig.api_url.clone(), rig.bearer.clone());
                set.spawn(async move { raw_get(&http, &url, &bearer).await });
            }
            set.join_all().await.into_iter().max().unwrap_or_default()
        })
    });
}

/// One token request through the client: the grant, parsing, the cache update.
#[divan::bench(sample_count = 500, sample_size = 10)]
fn token_sdk(bencher: Bencher<'_, '_>) {
    let rig = &*RIG;
    bencher.bench(|| rig.rt.block_on(rig.sdk_tokens.refresh()).expect("token"));
}

/// The same token request by hand: `POST` the same body, read it, parse the JSON.
#[divan::bench(sample_count = 500, sample_size = 10)]
fn token_raw(bencher: Bencher<'_, '_>) {
    let rig = &*RIG;
    bencher.bench(|| -> RawToken { rig.rt.block_on(raw_token_fetch(&rig.raw_tokens, &rig.sim)).expect("token") });
}

/// The GET through `reqwest-middleware` with `OAuthMiddleware`, over raw reqwest.
#[divan::bench(args = IN_FLIGHT, sample_count = 500, sample_size = 10)]
fn get_mw_reqwest(bencher: Bencher<'_, '_>, in_flight: usize) {
    let rig = &*RIG;
    gets(bencher, in_flight, || {
        let (http, url) = (rig.mw_reqwest.clone(), rig.api_url.clone());
        async move { mw_reqwest_get(&http, &url).await }
    });
}

/// The GET through a `tower` stack with `OAuthLayer`, over raw reqwest.
#[divan::bench(args = IN_FLIGHT, sample_count = 500, sample_size = 10)]
fn get_mw_tower(bencher: Bencher<'_, '_>, in_flight: usize) {
    let rig = &*RIG;
    gets(bencher, in_flight, || {
        let (service, url) = (rig.mw_tower.clone(), rig.api_url.clone());
        async move { tower_get(&service, &url).await }
    });
}

/// The same `tower` stack with a constant header instead of `OAuthLayer`.
#[divan::bench(args = IN_FLIGHT, sample_count = 500, sample_size = 10)]
fn get_tower_raw(bencher: Bencher<'_, '_>, in_flight: usize) {
    let rig = &*RIG;
    gets(bencher, in_flight, || {
        let (service, url) = (rig.tower_raw.clone(), rig.api_url.clone());
        async move { tower_get(&service, &url).await }
    });
}

/// `in_flight` GETs made by `get`, each in its own task unless there is one, as the other
/// `get_*` variants make theirs.
fn gets<F: Future<Output = u16> + Send + 'static>(
    bencher: Bencher<'_, '_>,
    in_flight: usize,
    get: impl Fn() -> F + Sync,
) {
    let rig = &*RIG;
    bencher.counter(ItemsCount::new(in_flight)).bench(|| {
        rig.rt.block_on(async {
            if in_flight == 1 {
                return get().await;
            }
            let mut set = JoinSet::new();
            for _ in 0..in_flight {
                set.spawn(get());
            }
            set.join_all().await.into_iter().max().unwrap_or_default()
        })
    });
}
