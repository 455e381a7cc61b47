//! The typed GET of section 9: a generated `#[oauth_api]` operation against hand-written
//! `reqwest` + `serde_json`, as contenders for the divan bench and the [paired](crate::paired)
//! comparison.
//!
//! The hand-written side is made equivalent, not merely similar: its `reqwest::Client` is the
//! one the runtime builds ([`HttpTransport::new`]: the same pool, no redirects, connect
//! timeout, `User-Agent`) and each request carries the 30 s per-request timeout the client
//! sets, so the two differ only by what the SDK does per call (the token read, the span, the
//! 401 rule, the capped body read, the typed decode).

use std::time::Duration;

use oauth_runtime::{
    Error, HttpTransport, oauth_api,
    reqwest::header::{AUTHORIZATION, HeaderValue},
};
use oauth_specs::{Deyel, DeyelClient};
use serde::Deserialize;
use tokio::task::JoinSet;

use crate::{BENCH_TOKEN, paired::Contender};

/// The small JSON body the [`ApiServer`](crate::ApiServer) answers.
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

/// The hand-written typed GET: the runtime's own `reqwest::Client` settings, a constant
/// `Authorization` header, the body read whole and parsed with `serde_json::from_slice`.
#[derive(Debug, Clone)]
pub struct RawTyped {
    http: reqwest::Client,
    url: String,
    bearer: HeaderValue,
}

impl RawTyped {
    /// For the [`ApiServer`](crate::ApiServer) at `url` (its full endpoint URL).
    ///
    /// # Panics
    ///
    /// If the transport cannot be built (no TLS backend): a benchmark rig has no other use.
    pub fn new(url: String) -> RawTyped {
        let http = HttpTransport::new().expect("the runtime's transport builds").reqwest().clone();
        let bearer = HeaderValue::try_from(format!("Bearer {BENCH_TOKEN}")).expect("a valid header");
        RawTyped { http, url, bearer }
    }

    /// One call.
    ///
    /// # Panics
    ///
    /// On any failure: the benchmark's server always answers.
    pub async fn me(&self) -> Me {
        let response = self
            .http
            .get(&self.url)
            .header(AUTHORIZATION, self.bearer.clone())
            .timeout(Duration::from_secs(30))
            .send()
            .await
            .expect("raw GET");
        assert!(response.status().is_success());
        let body = response.bytes().await.expect("body");
        serde_json::from_slice(&body).expect("JSON")
    }
}

/// `in_flight` calls at once, each its own task, as a server handling concurrent requests
/// would make them; `1` runs on the caller's task.
#[derive(Debug, Clone)]
pub struct InFlight<T> {
    /// The contender.
    pub inner: T,
    /// How many calls run at once.
    pub in_flight: usize,
}

impl Contender for InFlight<RawTyped> {
    async fn run(&self, batch: usize) {
        for _ in 0..batch {
            if self.in_flight == 1 {
                assert!(std::hint::black_box(self.inner.me().await).ok);
                continue;
            }
            let mut set = JoinSet::new();
            for _ in 0..self.in_flight {
                let raw = self.inner.clone();
                set.spawn(async move { raw.me().await.ok });
            }
            assert!(set.join_all().await.into_iter().all(|ok| ok));
        }
    }
}

impl Contender for InFlight<DeyelClient> {
    async fn run(&self, batch: usize) {
        for _ in 0..batch {
            if self.in_flight == 1 {
                assert!(std::hint::black_box(self.inner.me().await.expect("typed GET")).ok);
                continue;
            }
            let mut set = JoinSet::new();
            for _ in 0..self.in_flight {
                set.spawn(self.inner.me());
            }
            assert!(set.join_all().await.into_iter().all(|me| me.expect("typed GET").ok));
        }
    }
}
