//! A public client (`client_auth = "none"`, RFC 6749 sections 2.2 and 3.2.1) identifies itself with
//! `client_id` in the body of every token request, grant and refresh alike (issue 9).
//!
//! The server here is a small recording authorization server on 127.0.0.1 that refuses any
//! request without `client_id`, as a real one does for public clients.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use axum::{Form, Json, Router, extract::State, http::StatusCode, routing::post};
use oauth_runtime::{Client, oauth_provider};
use serde_json::{Value, json};

/// A public client: it has an id and no secret.
#[oauth_provider(
    grant = "client_credentials",
    token_path = "/token",
    client_auth = "none",
    refresh = "refresh_token_grant"
)]
struct Public {
    client_id: String,
}

type Seen = Arc<Mutex<Vec<HashMap<String, String>>>>;

async fn token(State(seen): State<Seen>, Form(body): Form<HashMap<String, String>>) -> (StatusCode, Json<Value>) {
    let n = {
        let mut seen = seen.lock().unwrap();
        seen.push(body.clone());
        seen.len()
    };
    if body.get("client_id").map(String::as_str) != Some("public app") {
        let error = json!({"error": "invalid_client", "error_description": "client_id required"});
        return (StatusCode::UNAUTHORIZED, Json(error));
    }
    let token = json!({"access_token": format!("at-{n}"), "token_type": "Bearer", "expires_in": 3600,
                       "refresh_token": format!("rt-{n}")});
    (StatusCode::OK, Json(token))
}

#[tokio::test]
async fn a_public_client_sends_its_id_on_grant_and_refresh() {
    let seen: Seen = Arc::default();
    let app = Router::new().route("/token", post(token)).with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(async move { axum::serve(listener, app).await });

    let client = Client::builder(Public { client_id: "public app".into() }).base_url(&base).build().unwrap();
    client.token().await.unwrap();
    client.refresh().await.unwrap();
    server.abort();

    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 2, "one grant, one refresh: {seen:?}");
    let grant: Vec<_> = sorted(&seen[0]);
    assert_eq!(grant, [("client_id", "public app"), ("grant_type", "client_credentials")]);
    let refresh: Vec<_> = sorted(&seen[1]);
    assert_eq!(refresh, [("client_id", "public app"), ("grant_type", "refresh_token"), ("refresh_token", "rt-1")]);
}

fn sorted(body: &HashMap<String, String>) -> Vec<(&str, &str)> {
    let mut pairs: Vec<_> = body.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    pairs.sort();
    pairs
}
