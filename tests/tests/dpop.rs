//! DPoP (RFC 9449) over HTTP against the spec-driven simulator, which checks every proof
//! strictly (see `oauth-sim`'s `generic::dpop`): tokens bound to the client's key, a fresh
//! proof on every token request and API call, nonces from the token endpoint and the API
//! (one retry, never a loop), replays, other keys and wrong hashes refused, Bearer
//! presentations of DPoP tokens refused both ways, and replicas sharing a store (memory and a
//! real Redis) presenting the token with the key it is bound to, which never leaves the
//! process in clear.

mod common;
#[path = "common/redis_server.rs"]
#[allow(dead_code)]
mod redis_server;

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use common::*;
use oauth_runtime::{
    Client, Error, Provider, Secret, Token, oauth_provider,
    present::{Call, Dpop, DpopKey, Presentation},
    provider::DpopAlg,
    reqwest::{
        Method, StatusCode,
        header::{AUTHORIZATION, HeaderMap, HeaderValue, WWW_AUTHENTICATE},
    },
    store::{EncryptionKey, MemoryStore, RedisStore},
};
use oauth_sim::{SimConfig, Simulator, Target};
use redis_server::RedisServer;

/// Okta-like: client credentials, the secret in HTTP Basic, DPoP-bound tokens.
#[oauth_provider(
    grant = "client_credentials",
    token_path = "/oauth2/v1/token",
    client_auth = "basic",
    presentation = "dpop"
)]
struct Confidential {
    client_id: String,
    client_secret: Secret,
}

/// A public client with refresh tokens, which the server binds to the key too.
#[oauth_provider(
    grant = "password",
    token_path = "/token",
    client_auth = "none",
    refresh = "refresh_token_grant",
    presentation = "dpop"
)]
struct Public {
    client_id: String,
    username: String,
    password: Secret,
}

/// The same endpoint as `Confidential`, declared with RSA proofs.
#[oauth_provider(
    grant = "client_credentials",
    token_path = "/oauth2/v1/token",
    client_auth = "basic",
    presentation = "dpop",
    dpop_alg = "PS256"
)]
struct RsaProofs {
    client_id: String,
    client_secret: Secret,
}

/// `Confidential` without DPoP: its simulator issues Bearer tokens.
#[oauth_provider(grant = "client_credentials", token_path = "/oauth2/v1/token", client_auth = "basic")]
struct BearerTwin {
    client_id: String,
    client_secret: Secret,
}

/// A throwaway 2048-bit RSA key made for this test with `openssl genpkey -algorithm RSA`; it
/// protects nothing (the ring backend the tests use cannot generate RSA keys).
const RSA_TEST_KEY: &str = "-----BEGIN PRIVATE KEY-----\nMIIEvAIBADANBgkqhkiG9w0BAQEFAASCBKYwggSiAgEAAoIBAQDWMscAYYAqfxsO\neyvF69S0erdlH9so6PynaYB90hP0Q0uUtKW4ysXx8AkAkPopqmnSvcspQyCLa1Lr\n2Dvlx/JZYHRcr6AaiWqqfvcVt2pIAtp9/jMfd0+UUMU4YXI+HbccXrFo391OEdMJ\nUX5EHNxMYQDdXpVPeqb1IAaImJs5iubBSiGaZiAukWQFRvJEfUeEgPfv4H/9gRNN\nt/9yI7LhZ1OPdzMVUxxYivlCcUfrwDlO0dXktZa3iGvJoaYrt+u3dPZjbxxWkHJ0\ngMNDw58lrSO6jt3DKVatV0NwFybHGxpZtA3RV8fkIAgSXxq9O/DxDiLLYnyQ8WXi\nflk712kZAgMBAAECggEAGYmNQ0TcmHR1/9h8hAjVX70fv104bly0vqrr6FRTD7S0\nPqL4/Rqj1e/1ysz+HliUbE03exBnQWgGx1qM7ZzUjoZa6TABKRjIEFK516t57uL0\nNMBJTQ+W+8pTcSDhE3nMeoPpp+TEyEmEvSArqyg7tZl9Fmdv6r1nSWNLlB6Jpybp\n0IKimbrRqQLJk9wmDu9UvwPcwTQhRWsdpn4VnkCwFjmnV/dx+YrfL9Xp29872FYh\nJvrNEocrulUQywqiAwGKjQQjggqdnYIQ0jiXshzLVDV1/MmSnUws1PRKvCPUjZcI\ny7CLW5eMoeGDjkFkrVDQ/7/+8HgdqRLorSk07qO1pwKBgQD9VG32YEtGstvEzM9g\n3QJy9nvKNe1Q+A6vGpYnfQkj0IrAA+PBYJHyXMmPU7N4Eo++Jqt8QF7jkUFAFTAc\nrAT8R+YSLUrpTsJinr0cdyMNL2SXil3YezI4o7dqp+1dhYjHCpb9HfCqaxzLXev7\njIQjQOTqDwK3FcwQxohKfHNPowKBgQDYdMH8qFuT+vtwUHm7qrLI8e4ODthArewK\nibxSQPEiX/IRMML4UQr9XmM+hw6uqAcy9U1JyjSmWut6I01haGLCqYLZlxGuwkpj\nxDjZtSLKtXeS2PjmQg7usI1L2cFYXv2ZDkurkiJaWaLyRegCSSj1l58AVYbWh0Qj\nfHRThh2AEwKBgA9nX9xYVJty6rwXvBBmv+xfon1UNB71RmdNVY4HI1QjLRyp3+J1\nTcqP682kSEhn0Ie+cDT48QwjW/ValHdZ2l/Au3Olf2WaXWWDw3oEoIP/ur0gM76j\nFxWsls2Mcnl6UivQMAgqFuU16CVRi7TbAXnnS0QUL5UUZTkr6UOmN5jDAoGAK3mP\n+NorwpYXaGCRgrLvQ9LruGEc6CjGjvtJGtA2Xmwc53z+u/czGN6bWlSwCz5ua7q/\nMkHtvzflsdtjUFwx8d0wDdn80Dfvzwf7TybFfSdjg9gWbdD4xNIrHv/2iHRTxSkM\n48HvKmx0gOqvhb4B/wncAqoq8e2rLuFxT9FRHYcCgYBJPHn56vSTyBghb/6ba5Y+\n8FN1aGcCGZYbExVSCCzusIc0bfr32QLH7cfPjGF0mXxOcsTJmlqY3rhFp1XuR5q+\nR7FCNAooilOHWX9t3nXHl1YRZN1roeAzJV3Lo7vpbnca+k+xn0w1bnZdzILvF+FG\nhxqzkqN3Btshc6Fo+U+atw==\n-----END PRIVATE KEY-----";

fn confidential(c: &SimConfig) -> Confidential {
    Confidential { client_id: c.client_id.clone(), client_secret: Secret::from(c.client_secret.clone()) }
}

fn public(c: &SimConfig) -> Public {
    Public { client_id: c.client_id.clone(), username: c.username.clone(), password: Secret::from(c.password.clone()) }
}

async fn start(config: SimConfig) -> Simulator {
    Simulator::start_with(config).await.expect("simulator starts")
}

fn config() -> SimConfig {
    SimConfig::for_spec(Confidential::SPEC)
}

fn client(sim: &Simulator) -> Client<Confidential> {
    builder(confidential(sim.config()), sim).build().unwrap()
}

async fn status<P>(client: &Client<P>) -> StatusCode {
    client.get("/protected").send().await.expect("the call is sent").status()
}

/// `Authorization` and `DPoP` for a call of `method` to `url` with `token`, made by `dpop` as
/// the client makes them.
fn presented(dpop: &Dpop, token: &Token, method: &Method, url: &str) -> HeaderMap {
    let prepared = dpop.prepare(token).unwrap();
    let mut headers = HeaderMap::new();
    dpop.attach(token, &prepared, &mut Call::new(method, url, &mut headers)).unwrap();
    headers
}

/// A token of the same access token, with no key bound to it: `Dpop::prepare` then signs with
/// its own key.
fn unbound(token: &Token) -> Token {
    Token::new(token.access_token().expose_secret()).with_token_type("DPoP")
}

async fn send_raw(sim: &Simulator, method: Method, path: &str, headers: HeaderMap) -> oauth_runtime::reqwest::Response {
    let url = format!("{}{path}", sim.base_url());
    oauth_runtime::reqwest::Client::new().request(method, url).headers(headers).send().await.unwrap()
}

fn challenge(response: &oauth_runtime::reqwest::Response) -> String {
    response.headers().get(WWW_AUTHENTICATE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned()
}

/// The private key material a token carries (what must never show).
fn key_material(token: &Token) -> String {
    let material = token.binding().expect("a DPoP token is bound").material().expose_secret();
    let value: serde_json::Value = serde_json::from_str(material).unwrap();
    value["key"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_token_is_bound_and_every_call_carries_a_fresh_proof() {
    let sim = start(config()).await;
    let client = client(&sim);
    let token = client.token().await.unwrap();
    assert_eq!((token.token_type(), token.token_type_sent()), ("DPoP", Some("DPoP")));
    assert_eq!(token.binding().map(|b| b.kind()), Some("dpop"));
    for _ in 0..5 {
        assert_eq!(status(&client).await, StatusCode::OK);
    }
    let with_query = client.post("/protected?page=2#top").send().await.unwrap();
    assert_eq!(with_query.status(), StatusCode::OK, "htu without query and fragment, htm POST");
    let c = sim.counters();
    assert_eq!((c.token_requests, c.api_authorized, c.dpop_proofs_refused), (1, 6, 0), "{c:?}");
}

#[tokio::test]
async fn the_token_endpoints_nonce_takes_one_retry_and_is_remembered() {
    let sim = start(config().require_dpop_nonce(Target::Token)).await;
    let client = client(&sim);
    client.token().await.unwrap();
    let c = sim.counters();
    assert_eq!((c.token_requests, c.dpop_nonce_challenges), (2, 1), "asked once, sent again with the nonce");
    client.refresh().await.unwrap();
    let c = sim.counters();
    assert_eq!((c.token_requests, c.dpop_nonce_challenges), (3, 1), "the remembered nonce is used");
    assert_eq!(status(&client).await, StatusCode::OK);
}

#[tokio::test]
async fn a_token_endpoint_that_keeps_asking_is_not_looped() {
    let sim = start(config().require_dpop_nonce(Target::Token).rotate_dpop_nonce_every(1)).await;
    let error = client(&sim).token().await.unwrap_err();
    assert_eq!(error.oauth_code().map(|c| c.as_str()), Some("use_dpop_nonce"), "{error:?}");
    assert_eq!(sim.counters().token_requests, 2, "one retry, no loop");
}

#[tokio::test]
async fn the_apis_nonce_takes_one_retry_with_the_same_token() {
    let sim = start(config().require_dpop_nonce(Target::Api)).await;
    let client = client(&sim);
    assert_eq!(status(&client).await, StatusCode::OK);
    let c = sim.counters();
    assert_eq!((c.token_requests, c.api_requests, c.api_authorized, c.dpop_nonce_challenges), (1, 2, 1, 1));
    assert_eq!(status(&client).await, StatusCode::OK);
    assert_eq!(sim.counters().api_requests, 3, "the remembered nonce is used");
}

#[tokio::test]
async fn rotating_nonces_cost_one_retry_each_and_never_a_token() {
    let sim = start(config().require_dpop_nonce(Target::Api).rotate_dpop_nonce_every(3)).await;
    let client = client(&sim);
    for i in 0..12 {
        assert_eq!(status(&client).await, StatusCode::OK, "call {i}");
    }
    let c = sim.counters();
    assert_eq!(c.token_requests, 1);
    assert!(c.dpop_nonce_challenges >= 4, "{c:?}");
    assert_eq!(c.api_requests, c.api_authorized + c.dpop_nonce_challenges, "one retry per challenge: {c:?}");
}

#[tokio::test]
async fn an_api_that_keeps_asking_gets_its_answer_after_one_retry() {
    let sim = start(config().require_dpop_nonce(Target::Api).rotate_dpop_nonce_every(1)).await;
    let client = client(&sim);
    let response = client.get("/protected").send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(challenge(&response).contains("use_dpop_nonce"), "{}", challenge(&response));
    let c = sim.counters();
    assert_eq!((c.api_requests, c.token_requests), (2, 1), "one retry, and no renewal for a nonce");
}

/// What the client sent to the route `/echo`: its `Authorization` and `DPoP` headers.
type Seen = Arc<Mutex<Vec<HeaderMap>>>;

fn echo(seen: &Seen) -> oauth_sim::axum::routing::MethodRouter {
    let seen = seen.clone();
    oauth_sim::axum::routing::get(move |headers: oauth_sim::axum::http::HeaderMap| {
        let seen = seen.clone();
        async move {
            let mut kept = HeaderMap::new();
            for name in ["authorization", "dpop"] {
                if let Some(value) = headers.get(name).and_then(|v| HeaderValue::from_bytes(v.as_bytes()).ok()) {
                    kept.insert(name, value);
                }
            }
            seen.lock().unwrap().push(kept);
            "ok"
        }
    })
}

#[tokio::test]
async fn a_replayed_proof_is_refused_and_the_client_never_replays() {
    let seen = Seen::default();
    let sim = start(config().route("/echo", echo(&seen))).await;
    let client = client(&sim);
    for _ in 0..20 {
        assert_eq!(client.get("/echo").send().await.unwrap().status(), StatusCode::OK);
    }
    let proofs: Vec<HeaderMap> = seen.lock().unwrap().clone();
    let mut distinct: Vec<&HeaderValue> = proofs.iter().map(|h| &h["dpop"]).collect();
    distinct.dedup();
    assert_eq!((proofs.len(), distinct.len()), (20, 20));
    let replay = send_raw(&sim, Method::GET, "/echo", proofs[7].clone()).await;
    assert_eq!(replay.status(), StatusCode::UNAUTHORIZED);
    assert!(challenge(&replay).contains(r#"error="invalid_dpop_proof""#), "{}", challenge(&replay));
    assert!(replay.text().await.unwrap().contains("used before"));
    assert_eq!(sim.counters().dpop_proofs_refused, 1);
}

#[tokio::test]
async fn a_proof_by_another_key_or_for_another_token_is_refused() {
    let sim = start(config()).await;
    let key = DpopKey::generate().unwrap();
    let client = builder(confidential(sim.config()), &sim).dpop_key(key.clone()).build().unwrap();
    let token = client.token().await.unwrap();
    let url = format!("{}/protected", sim.base_url());
    // The control: the client's key, the client's token.
    let mine = presented(&Dpop::new(key.clone()), &unbound(&token), &Method::GET, &url);
    assert_eq!(send_raw(&sim, Method::GET, "/protected", mine).await.status(), StatusCode::OK);

    let theirs = presented(&Dpop::generate().unwrap(), &unbound(&token), &Method::GET, &url);
    let refused = send_raw(&sim, Method::GET, "/protected", theirs).await;
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    assert!(challenge(&refused).contains("invalid_dpop_proof"));
    assert!(refused.text().await.unwrap().contains("not the key the access token is bound to"));

    // `ath` of another token, sent with this one.
    let mut other_hash =
        presented(&Dpop::new(key.clone()), &Token::new("another").with_token_type("DPoP"), &Method::GET, &url);
    other_hash.insert(
        AUTHORIZATION,
        HeaderValue::from_str(&format!("DPoP {}", token.access_token().expose_secret())).unwrap(),
    );
    let refused = send_raw(&sim, Method::GET, "/protected", other_hash).await;
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    assert!(refused.text().await.unwrap().contains("ath is not the hash"));

    // A proof for another method.
    let post = presented(&Dpop::new(key), &unbound(&token), &Method::POST, &url);
    let refused = send_raw(&sim, Method::GET, "/protected", post).await;
    assert!(refused.text().await.unwrap().contains("htm"));
    assert_eq!(sim.counters().dpop_proofs_refused, 3);
}

#[tokio::test]
async fn bearer_and_dpop_never_mix() {
    let sim = start(config()).await;
    let token = client(&sim).token().await.unwrap();
    // A DPoP-bound token presented as a bearer token, with a valid proof or without.
    let url = format!("{}/protected", sim.base_url());
    let mut as_bearer = presented(&Dpop::generate().unwrap(), &unbound(&token), &Method::GET, &url);
    as_bearer.insert(
        AUTHORIZATION,
        HeaderValue::from_str(&format!("Bearer {}", token.access_token().expose_secret())).unwrap(),
    );
    let refused = send_raw(&sim, Method::GET, "/protected", as_bearer).await;
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
    assert!(challenge(&refused).starts_with("Bearer") && challenge(&refused).contains("invalid_token"));
    assert!(refused.text().await.unwrap().contains("must be presented with DPoP"));

    // A Bearer client of a DPoP server sends no proof: refused at the token endpoint.
    let bearer_client = builder(
        BearerTwin {
            client_id: sim.config().client_id.clone(),
            client_secret: Secret::from(sim.config().client_secret.clone()),
        },
        &sim,
    )
    .build()
    .unwrap();
    let error = bearer_client.token().await.unwrap_err();
    assert_eq!(error.oauth_code().map(|c| c.as_str()), Some("invalid_dpop_proof"), "{error:?}");

    // A DPoP client refuses the Bearer token of a server that ignored its proof.
    let bearer_sim = start(SimConfig::for_spec(BearerTwin::SPEC)).await;
    let error = client(&bearer_sim).token().await.unwrap_err();
    assert!(matches!(error, Error::UnsupportedTokenType { .. }), "{error:?}");
}

#[tokio::test]
async fn replicas_sharing_a_memory_store_present_the_token_with_its_key() {
    let sim = start(SimConfig::for_spec(Public::SPEC)).await;
    let store = MemoryStore::new();
    let replica = || builder(public(sim.config()), &sim).store(store.clone()).build().unwrap();
    let (a, b) = (replica(), replica());
    assert_eq!(status(&a).await, StatusCode::OK);
    // B has a key of its own, but adopts A's token from the store and proves A's key.
    assert_eq!(status(&b).await, StatusCode::OK);
    let (ta, tb) = (a.token().await.unwrap(), b.token().await.unwrap());
    assert_eq!(ta.access_token().expose_secret(), tb.access_token().expose_secret());
    assert_eq!(key_material(&ta), key_material(&tb));

    // The token expires server-side; B refreshes it with its refresh token, which the server
    // bound to A's key (a public client's): B proves that key, and A adopts the result.
    sim.expire_tokens();
    assert_eq!(status(&b).await, StatusCode::OK);
    assert_eq!(status(&a).await, StatusCode::OK);
    let c = sim.counters();
    assert_eq!((c.token_requests, c.refresh_requests, c.dpop_proofs_refused), (1, 1, 0), "{c:?}");
    assert_eq!(key_material(&a.token().await.unwrap()), key_material(&ta), "the refreshed token keeps its key");
}

#[tokio::test]
async fn a_refresh_token_bound_to_a_key_is_redeemed_only_with_that_key() {
    let sim = start(SimConfig::for_spec(Public::SPEC)).await;
    let a = builder(public(sim.config()), &sim).build().unwrap();
    let token = a.token().await.unwrap();
    // A client with another key, seeded with the token's values but not its key.
    let unkeyed = Token::new(token.access_token().expose_secret())
        .with_token_type("DPoP")
        .with_refresh_token(token.refresh_token().unwrap().expose_secret());
    let other = builder(public(sim.config()), &sim).token(unkeyed).build().unwrap();
    other.__forbid_unattended_grant();
    let error = other.refresh().await.unwrap_err();
    assert!(matches!(error, Error::ReauthorizationRequired { .. }), "{error:?}");
    assert_eq!(sim.counters().dpop_proofs_refused, 1);
    // The refresh token was not used up: its own client still refreshes with it.
    a.refresh().await.unwrap();
}

#[tokio::test]
async fn replicas_sharing_redis_share_the_key_encrypted() {
    let sim = start(config()).await;
    let redis = RedisServer::start();
    let encryption = EncryptionKey::generate();
    let store = || RedisStore::builder(&redis.url(), encryption.clone()).prefix("dpop").build().unwrap();
    let a = builder(confidential(sim.config()), &sim).store(store()).build().unwrap();
    let b = builder(confidential(sim.config()), &sim).store(store()).build().unwrap();
    assert_eq!(status(&a).await, StatusCode::OK);
    assert_eq!(status(&b).await, StatusCode::OK);
    assert_eq!(sim.counters().token_requests, 1, "B adopted A's token");
    let token = a.token().await.unwrap();
    let secret = key_material(&token);
    assert_eq!(key_material(&b.token().await.unwrap()), secret);

    let mut raw = redis::Client::open(redis.url()).unwrap().get_multiplexed_async_connection().await.unwrap();
    let keys: Vec<String> = redis::cmd("KEYS").arg("dpop:*").query_async(&mut raw).await.unwrap();
    assert!(!keys.is_empty());
    for key in keys {
        let kind: String = redis::cmd("TYPE").arg(&key).query_async(&mut raw).await.unwrap();
        let dump: Vec<u8> = match kind.as_str() {
            "hash" => {
                let fields: Vec<Vec<u8>> = redis::cmd("HVALS").arg(&key).query_async(&mut raw).await.unwrap();
                fields.concat()
            }
            "string" => redis::cmd("GET").arg(&key).query_async(&mut raw).await.unwrap(),
            _ => Vec::new(),
        };
        let text = String::from_utf8_lossy(&dump);
        for clear in [secret.as_str(), token.access_token().expose_secret(), "dpop", "ES256"] {
            assert!(!text.contains(clear), "{key} holds {clear:?} in clear");
        }
    }
    // A third replica, started later, reads the key back from the store.
    let c = builder(confidential(sim.config()), &sim).store(store()).build().unwrap();
    assert_eq!(status(&c).await, StatusCode::OK);
    assert_eq!(key_material(&c.token().await.unwrap()), secret);
    assert_eq!(sim.counters().token_requests, 1);
}

#[tokio::test]
async fn the_key_never_shows() {
    let sim = start(config()).await;
    let client = client(&sim);
    let token = client.token().await.unwrap();
    let secret = key_material(&token);
    let key = DpopKey::from_jwk("{\"kty\":\"EC\"}").unwrap_err();
    let shown = [
        format!("{client:?}"),
        format!("{token:?}"),
        format!("{:?}", token.binding()),
        format!("{:?}", client.authorization().await.unwrap()),
        format!("{key:?} {key}"),
        format!("{:?}", Dpop::generate().unwrap()),
    ];
    for text in shown {
        assert!(!text.contains(&secret), "{text}");
    }
    let pem_error =
        DpopKey::from_pem("-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWJ5dGVz\n-----END PRIVATE KEY-----").unwrap_err();
    assert!(!pem_error.to_string().contains("c2VjcmV0"), "{pem_error}");
}

#[tokio::test]
async fn rsa_keys_are_supplied_and_checked_against_the_declaration() {
    let sim = start(SimConfig::for_spec(RsaProofs::SPEC)).await;
    let credentials = || RsaProofs {
        client_id: sim.config().client_id.clone(),
        client_secret: Secret::from(sim.config().client_secret.clone()),
    };
    // No key: none is generated for PS256.
    let error = builder(credentials(), &sim).build().unwrap_err();
    assert!(error.to_string().contains("needs a key"), "{error}");
    // An RS256 key for a PS256 declaration.
    let rs256 = DpopKey::from_pem(RSA_TEST_KEY).unwrap();
    assert_eq!(rs256.alg(), DpopAlg::Rs256);
    let error = builder(credentials(), &sim).dpop_key(rs256.clone()).build().unwrap_err();
    assert!(error.to_string().contains("dpop_alg = \"PS256\""), "{error}");
    let client = builder(credentials(), &sim).dpop_key(rs256.with_alg(DpopAlg::Ps256).unwrap()).build().unwrap();
    assert_eq!(status(&client).await, StatusCode::OK);
    assert_eq!(sim.counters().dpop_proofs_refused, 0);
    // An ES256 client of this server: refused for its algorithm.
    let es256 = client_of_rsa_server_with_es256(&sim).await;
    assert_eq!(es256.oauth_code().map(|c| c.as_str()), Some("invalid_dpop_proof"), "{es256:?}");
}

/// `Confidential` (ES256) against a simulator of the PS256 declaration: the same endpoint.
async fn client_of_rsa_server_with_es256(sim: &Simulator) -> Error {
    client(sim).token().await.unwrap_err()
}

#[tokio::test]
async fn a_dpop_key_needs_a_dpop_vendor() {
    let sim = start(SimConfig::for_spec(BearerTwin::SPEC)).await;
    let twin = BearerTwin { client_id: "id".into(), client_secret: Secret::from("s") };
    let error = builder(twin, &sim).dpop_key(DpopKey::generate().unwrap()).build().unwrap_err();
    assert!(matches!(error, Error::Config(_)) && error.to_string().contains("presentation = \"dpop\""), "{error}");
}

/// Keeps the bounded helper in use (the nonce tests could hang if the client looped).
#[tokio::test]
async fn nothing_loops() {
    let sim =
        start(config().require_dpop_nonce(Target::Token).require_dpop_nonce(Target::Api).rotate_dpop_nonce_every(1))
            .await;
    let client = client(&sim);
    let result = bounded(Duration::from_secs(10), client.get("/protected").send()).await;
    assert!(result.is_err());
    assert_eq!(sim.counters().token_requests, 2);
}

/// The reqwest middleware goes through the same send path: a proof per call, the API's nonce
/// answered with one retry.
#[tokio::test]
async fn the_reqwest_middleware_carries_proofs_and_answers_nonces() {
    use oauth_runtime::middleware::reqwest::OAuthMiddleware;
    let sim = start(config().require_dpop_nonce(Target::Api)).await;
    let http = reqwest_middleware::ClientBuilder::new(oauth_runtime::reqwest::Client::new())
        .with(OAuthMiddleware::new(client(&sim)))
        .build();
    for _ in 0..3 {
        let response = http.get(format!("{}/protected", sim.base_url())).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
    }
    let c = sim.counters();
    assert_eq!((c.api_authorized, c.dpop_nonce_challenges, c.dpop_proofs_refused), (3, 1, 0), "{c:?}");
}
