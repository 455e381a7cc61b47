//! Issue 10: a typed GET through a generated operation (`#[oauth_api]`), against hand-written
//! `reqwest` + `serde_json` with a constant `Authorization` header and the client's settings
//! (timeouts, no redirects, `User-Agent`), to the same minimal [`ApiServer`] answering
//! `{"ok":true}`, one at a time and 16 in flight, in one run.
//!
//! `cargo bench -p oauth-bench --bench typed`

use std::sync::LazyLock;

use divan::{Bencher, black_box, counter::ItemsCount};
use oauth_bench::{ApiServer, BENCH_TOKEN, raw_http_with_settings, seeded_client};
use oauth_runtime::{
    Error, oauth_api,
    reqwest::header::{AUTHORIZATION, HeaderValue},
};
use oauth_specs::{Deyel, DeyelClient};
use serde::Deserialize;
use tokio::{runtime::Runtime, task::JoinSet};

fn main() {
    divan::main();
}

const IN_FLIGHT: &[usize] = &[1, 16];

/// The small JSON body the server answers.
#[derive(Debug, Deserialize)]
pub struct Me {
    /// Always true.
    pub ok: bool,
}

/// The operation under test.
#[oauth_api(client = Deyel)]
pub trait BenchApi {
    /// `GET /api/v1/me` into [`Me`].
    #[get("/api/v1/me")]
    async fn me(&self) -> Result<Me, Error>;
}

struct Rig {
    rt: Runtime,
    _api: ApiServer,
    url: String,
    sdk: DeyelClient,
    raw: reqwest::Client,
    bearer: HeaderValue,
}

static RIG: LazyLock<Rig> = LazyLock::new(|| {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let api = rt.block_on(ApiServer::start()).expect("API server");
    let rig = Rig {
        url: api.url(),
        sdk: seeded_client(&api.base_url()).expect("client"),
        _api: api,
        raw: raw_http_with_settings(),
        bearer: HeaderValue::try_from(format!("Bearer {BENCH_TOKEN}")).expect("header"),
        rt,
    };
    rig.rt.block_on(async {
        for _ in 0..16 {
            assert!(rig.sdk.me().await.expect("typed GET").ok);
            assert!(raw_typed(&rig.raw, &rig.url, &rig.bearer).await.ok);
        }
    });
    rig
});

async fn raw_typed(http: &reqwest::Client, url: &str, bearer: &HeaderValue) -> Me {
    let response = http.get(url).header(AUTHORIZATION, bearer.clone()).send().await.expect("raw GET");
    assert!(response.status().is_success());
    let body = response.bytes().await.expect("body");
    serde_json::from_slice(&body).expect("JSON")
}

/// The generated operation.
#[divan::bench(args = IN_FLIGHT, sample_count = 500, sample_size = 10)]
fn typed_sdk(bencher: Bencher<'_, '_>, in_flight: usize) {
    let rig = &*RIG;
    bencher.counter(ItemsCount::new(in_flight)).bench(|| {
        rig.rt.block_on(async {
            if in_flight == 1 {
                return black_box(rig.sdk.me().await.expect("typed GET")).ok;
            }
            let mut set = JoinSet::new();
            for _ in 0..in_flight {
                set.spawn(rig.sdk.me());
            }
            set.join_all().await.into_iter().all(|me| me.expect("typed GET").ok)
        })
    });
}

/// Hand-written reqwest + serde_json, same settings.
#[divan::bench(args = IN_FLIGHT, sample_count = 500, sample_size = 10)]
fn typed_raw(bencher: Bencher<'_, '_>, in_flight: usize) {
    let rig = &*RIG;
    bencher.counter(ItemsCount::new(in_flight)).bench(|| {
        rig.rt.block_on(async {
            if in_flight == 1 {
                return black_box(raw_typed(&rig.raw, &rig.url, &rig.bearer).await).ok;
            }
            let mut set = JoinSet::new();
            for _ in 0..in_flight {
                let (http, url, bearer) = (rig.raw.clone(), rig.url.clone(), rig.bearer.clone());
                set.spawn(async move { raw_typed(&http, &url, &bearer).await });
            }
            set.join_all().await.into_iter().all(|me| me.ok)
        })
    });
}
