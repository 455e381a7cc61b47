//! Per-request token parameters (issue 12): tokens are cached per scope/audience/resource set,
//! each set with its own single flight, and concurrent callers with different parameters never
//! receive each other's token (the race another ecosystem's library shipped).
//!
//! The authorization server here binds each token to the scope it was issued for, and its API
//! checks on every call that the token presented was issued for the scope the caller asked.

use std::{
    collections::HashMap,
    sync::{
        Arc, Mutex,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};

use axum::{
    Form, Json, Router,
    extract::{Query, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use oauth_runtime::{Client, Secret, TokenParams, oauth_provider};
use serde_json::json;

#[oauth_provider(grant = "client_credentials", token_path = "/token")]
struct Scoped {
    client_id: String,
    client_secret: Secret,
}

#[derive(Clone, Default)]
struct Server {
    /// Token -> the scope (and audience) it was issued for.
    issued: Arc<Mutex<HashMap<String, String>>>,
    token_requests: Arc<AtomicUsize>,
    mismatches: Arc<AtomicUsize>,
}

fn key(scope: Option<&String>, audience: Option<&String>) -> String {
    format!("{}|{}", scope.map_or("", String::as_str), audience.map_or("", String::as_str))
}

async fn token(State(server): State<Server>, Form(body): Form<HashMap<String, String>>) -> Json<serde_json::Value> {
    let n = server.token_requests.fetch_add(1, Ordering::SeqCst);
    // Slow enough that every caller of a set arrives while its token request is in flight.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let token = format!("token-{n}");
    server.issued.lock().unwrap().insert(token.clone(), key(body.get("scope"), body.get("audience")));
    Json(json!({"access_token": token, "token_type": "Bearer", "expires_in": 3600}))
}

async fn data(State(server): State<Server>, headers: HeaderMap, Query(q): Query<HashMap<String, String>>) -> Response {
    let token = headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or_default();
    let token = token.strip_prefix("Bearer ").unwrap_or_default();
    let wanted = key(q.get("scope"), q.get("audience"));
    let bound = server.issued.lock().unwrap().get(token).cloned();
    if bound.as_deref() != Some(wanted.as_str()) {
        server.mismatches.fetch_add(1, Ordering::SeqCst);
        return (StatusCode::FORBIDDEN, format!("token for {bound:?}, asked {wanted}")).into_response();
    }
    (StatusCode::OK, wanted).into_response()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_callers_with_mixed_scopes_get_their_own_tokens() {
    let server = Server::default();
    let app = Router::new().route("/token", post(token)).route("/data", get(data)).with_state(server.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });

    let creds = Scoped { client_id: "app".into(), client_secret: Secret::from("s3cret") };
    let client = Client::builder(creds).base_url(&base).build().unwrap();
    let sets: [(Option<&str>, Option<&str>); 5] = [
        (None, None),
        (Some("read"), None),
        (Some("write"), None),
        (Some("read write"), None),
        (Some("read"), Some("https://billing")),
    ];
    let calls = (0..200).map(|i| {
        let client = client.clone();
        let (scope, audience) = sets[i % sets.len()];
        async move {
            let mut params = TokenParams::new();
            let mut query = Vec::new();
            if let Some(scope) = scope {
                params = params.scope(scope);
                query.push(("scope", scope));
            }
            if let Some(audience) = audience {
                params = params.audience(audience);
                query.push(("audience", audience));
            }
            let handle = client.with_token_params(params);
            let answer = handle.get("/data").query(&query).send_text().await.unwrap();
            assert_eq!(answer, format!("{}|{}", scope.unwrap_or(""), audience.unwrap_or("")));
        }
    });
    futures_util::future::join_all(calls.map(tokio::spawn)).await.into_iter().for_each(|r| r.unwrap());

    assert_eq!(server.mismatches.load(Ordering::SeqCst), 0, "no caller presented another set's token");
    assert_eq!(server.token_requests.load(Ordering::SeqCst), sets.len(), "one token request per parameter set");
    // Handles made later reuse the cached tokens of their set.
    let again = client.with_token_params(TokenParams::new().scope("read"));
    assert!(again.cached_token().is_some());
    assert_eq!(again.token_params().scope_str(), Some("read"));
    assert!(client.cached_token().is_some(), "the default set has its own token too");
}

/// Defect 12: every parameter set kept a session (a cache and a copy of the grant body with
/// its secret) for the client's lifetime. Sessions of dropped handles are reclaimed now, beyond
/// a few idle ones kept for handles made per request; a live handle keeps its own. Before the
/// fix, the client held 10,002 sessions here.
#[tokio::test]
async fn sessions_of_dropped_handles_are_reclaimed() {
    let server = Server::default();
    let app = Router::new().route("/token", post(token)).route("/data", get(data)).with_state(server.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let creds = Scoped { client_id: "app".into(), client_secret: Secret::from("s3cret") };
    let client = Client::builder(creds).base_url(&base).build().unwrap();

    let kept = client.with_token_params(TokenParams::new().scope("kept"));
    let token = kept.token().await.unwrap();
    for i in 0..10_000 {
        let handle = client.with_token_params(TokenParams::new().scope(format!("scope-{i}")));
        assert_eq!(handle.token_params().scope_str(), Some(format!("scope-{i}").as_str()));
    }
    let held = client.__session_count();
    assert!(held <= 200, "{held} sessions held for 2 live handles");
    // The live handle kept its session: a new handle for its set shares its cache.
    let again = client.with_token_params(TokenParams::new().scope("kept"));
    assert!(again.cached_token().is_some_and(|t| Arc::ptr_eq(&t, &token)), "the same cached token");
    assert_eq!(server.token_requests.load(Ordering::SeqCst), 1);
    // A handle made per request and dropped still finds its token: idle sessions are kept too.
    client.with_token_params(TokenParams::new().scope("per-request")).token().await.unwrap();
    let later = client.with_token_params(TokenParams::new().scope("per-request"));
    assert!(later.cached_token().is_some(), "an idle session keeps its token");
    assert_eq!(server.token_requests.load(Ordering::SeqCst), 2);
}
