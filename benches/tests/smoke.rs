//! Keeps the benchmark harness honest in CI without timing anything: every variant the
//! benches compare works, and a herd at expiry makes exactly one token request.

use std::time::Duration;

use oauth_bench::{
    ApiServer, BENCH_TOKEN,
    baseline::{HandToken, MutexSource, RwLockSource},
    deyel_sim, herd, raw_http, raw_token_fetch, seeded_client,
};
use oauth_runtime::Provider;

#[test]
fn baselines_read_fresh_tokens_only() {
    let fresh = HandToken::new(BENCH_TOKEN, Duration::from_secs(3600));
    assert_eq!(MutexSource::new(fresh.clone()).string().as_deref(), Some(BENCH_TOKEN));
    assert_eq!(RwLockSource::new(fresh.clone()).arc().map(|t| t.access_token.clone()).as_deref(), Some(BENCH_TOKEN));
    let due = HandToken::new(BENCH_TOKEN, Duration::from_secs(30));
    assert!(MutexSource::new(due.clone()).arc().is_none() && RwLockSource::new(due).string().is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_clients_pass_the_api_server() {
    let api = ApiServer::start().await.unwrap();
    let client = seeded_client(&api.base_url()).unwrap();
    let token = client.cached_token().expect("seeded");
    assert_eq!(token.access_token().expose_secret(), BENCH_TOKEN);
    assert_eq!(client.get(oauth_bench::API_PATH).send().await.unwrap().status(), 200);
    let raw = raw_http();
    let ok = raw.get(api.url()).bearer_auth(BENCH_TOKEN).send().await.unwrap();
    assert_eq!(ok.status(), 200);
    let wrong = raw.get(api.url()).bearer_auth("wrong").send().await.unwrap();
    assert_eq!(wrong.status(), 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_token_requests_reach_the_simulator() {
    let sim = deyel_sim().await.unwrap();
    let client = oauth_bench::deyel(sim.config()).client(&sim.base_url()).unwrap();
    client.refresh().await.unwrap();
    let raw = raw_token_fetch(&raw_http(), &sim).await.unwrap();
    assert!(!raw.access_token.is_empty());
    assert_eq!(sim.counters().token_requests, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_herd_at_expiry_makes_one_token_request() {
    let (sim, client) = herd::rig().await;
    for callers in [1, 200] {
        let round = herd::round(&sim, &client, callers).await;
        assert_eq!((round.token_requests, round.served), (1, callers), "{round:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_middleware_variants_pass_the_api_server() {
    use oauth_bench::integrations::{middleware_client, tower_with_constant_header, tower_with_layer};
    use tower::ServiceExt as _;

    let api = ApiServer::start().await.unwrap();
    let client = seeded_client(&api.base_url()).unwrap();
    let mw = middleware_client(&client, raw_http());
    assert_eq!(mw.get(api.url()).send().await.unwrap().status(), 200);
    let bearer = format!("Bearer {BENCH_TOKEN}").try_into().unwrap();
    for stack in [tower_with_layer(&client, raw_http()), tower_with_constant_header(bearer, raw_http())] {
        let request = http::Request::get(api.url()).body(String::new()).unwrap();
        assert_eq!(stack.oneshot(request).await.unwrap().status(), 200);
    }
    let wrong = tower_with_constant_header("Bearer wrong".try_into().unwrap(), raw_http());
    let request = http::Request::get(api.url()).body(String::new()).unwrap();
    assert_eq!(wrong.oneshot(request).await.unwrap().status(), 401, "the server checks the token");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dpop_variant_passes_the_api_server() {
    let api = ApiServer::start().await.unwrap();
    let client = oauth_bench::seeded_dpop_client(&api.base_url()).unwrap();
    assert_eq!(client.cached_token().expect("seeded").token_type(), "DPoP");
    assert_eq!(client.get(oauth_bench::API_PATH).send().await.unwrap().status(), 200);
    // Without a proof, a DPoP token is refused.
    let raw = raw_http().get(api.url()).header("authorization", format!("DPoP {BENCH_TOKEN}")).send().await.unwrap();
    assert_eq!(raw.status(), 401);
}

/// The paired typed comparison runs both contenders in every round against the real server
/// (its times are not looked at: only that each round measured both and formed a ratio).
#[test]
fn the_paired_typed_comparison_measures_both_contenders_each_round() {
    use oauth_bench::{
        paired,
        typed::{InFlight, RawTyped},
    };
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let api = rt.block_on(ApiServer::start()).unwrap();
    let sdk = InFlight { inner: seeded_client(&api.base_url()).unwrap(), in_flight: 4 };
    let raw = InFlight { inner: RawTyped::new(api.url()), in_flight: 4 };
    let report = paired::compare(&rt, 3, 1, 2, &sdk, &raw);
    assert_eq!((report.first.len(), report.second.len(), report.ratios.len()), (3, 3, 3));
    assert!(report.ratios.iter().all(|r| r.is_finite() && *r > 0.0), "{report:?}");
    assert!(report.first.iter().chain(&report.second).all(|d| !d.is_zero()));
}
