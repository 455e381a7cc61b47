//! Many credentials, one transport (issue 12): clients built on one `HttpTransport` share its
//! connection pool, each with its own token cache; the user's settings go in, the runtime's
//! rules stay.

mod common;

use std::{
    collections::HashSet,
    net::SocketAddr,
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{
    Form, Json, Router,
    extract::{ConnectInfo, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use oauth_runtime::{Client, HttpTransport, Secret, oauth_provider, reqwest};
use serde_json::json;

/// One customer's credentials for a client-credentials vendor.
#[oauth_provider(grant = "client_credentials", token_path = "/token")]
struct Tenant {
    client_id: String,
    client_secret: Secret,
}

#[derive(Clone, Default)]
struct Seen {
    peers: Arc<Mutex<HashSet<SocketAddr>>>,
    agents: Arc<Mutex<HashSet<String>>>,
    tokens: Arc<Mutex<u32>>,
}

async fn token(
    State(seen): State<Seen>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(body): Form<std::collections::HashMap<String, String>>,
) -> Response {
    seen.peers.lock().unwrap().insert(peer);
    if let Some(agent) = headers.get("x-tenant-proxy") {
        seen.agents.lock().unwrap().insert(agent.to_str().unwrap().to_owned());
    }
    *seen.tokens.lock().unwrap() += 1;
    let id = body.get("client_id").cloned().unwrap_or_default();
    if id.starts_with("slow") {
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    Json(json!({"access_token": format!("token-of-{id}"), "token_type": "Bearer", "expires_in": 3600})).into_response()
}

async fn whoami(State(seen): State<Seen>, ConnectInfo(peer): ConnectInfo<SocketAddr>, headers: HeaderMap) -> Response {
    seen.peers.lock().unwrap().insert(peer);
    let auth = headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    (StatusCode::OK, auth).into_response()
}

async fn moved() -> Response {
    (StatusCode::FOUND, [("location", "/whoami")]).into_response()
}

async fn server() -> (String, Seen) {
    let seen = Seen::default();
    let app = Router::new()
        .route("/token", post(token))
        .route("/whoami", get(whoami))
        .route("/moved", get(moved))
        .with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>()).await });
    (base, seen)
}

fn tenant(i: usize) -> Tenant {
    Tenant { client_id: format!("tenant-{i}"), client_secret: Secret::from(format!("secret-{i}")) }
}

fn slow_tenant(i: usize) -> Tenant {
    Tenant { client_id: format!("slow-{i}"), client_secret: Secret::from(format!("secret-{i}")) }
}

#[tokio::test]
async fn many_clients_share_one_pool_and_keep_their_own_tokens() {
    let (base, seen) = server().await;
    let transport = HttpTransport::builder()
        .configure(|b| {
            let mut headers = reqwest::header::HeaderMap::new();
            headers.insert("x-tenant-proxy", "configured".parse().unwrap());
            // The runtime's rule wins over the user's: redirects are never followed.
            b.default_headers(headers).redirect(reqwest::redirect::Policy::limited(5))
        })
        .build()
        .unwrap();
    let clients: Vec<Client<Tenant>> =
        (0..50).map(|i| Client::builder(tenant(i)).base_url(&base).transport(&transport).build().unwrap()).collect();
    for (i, client) in clients.iter().enumerate() {
        let answer = client.get("/whoami").send_text().await.unwrap();
        assert_eq!(answer, format!("Bearer token-of-tenant-{i}"), "each client its own token");
    }
    assert_eq!(*seen.tokens.lock().unwrap(), 50, "one token per client");
    let peers = seen.peers.lock().unwrap().len();
    assert!(peers <= 2, "100 sequential requests of 50 clients reused the pool: {peers} connections");
    assert_eq!(*seen.agents.lock().unwrap(), HashSet::from(["configured".to_owned()]), "the user's settings apply");
    let moved = clients[0].get("/moved").send().await.unwrap();
    assert_eq!(moved.status(), StatusCode::FOUND, "not followed");

    // Without the shared transport, every client opens its own connection.
    let (base, seen) = server().await;
    let own: Vec<Client<Tenant>> =
        (0..10).map(|i| Client::builder(tenant(i)).base_url(&base).build().unwrap()).collect();
    for client in &own {
        client.token().await.unwrap();
    }
    assert_eq!(seen.peers.lock().unwrap().len(), 10);
}

#[tokio::test]
async fn clients_on_one_transport_keep_their_own_timeouts() {
    let (base, _seen) = server().await;
    let transport = HttpTransport::new().unwrap();
    let patient = Client::builder(slow_tenant(1)).base_url(&base).transport(&transport).build().unwrap();
    let hasty = Client::builder(slow_tenant(2))
        .base_url(&base)
        .transport(&transport)
        .timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    let (patient, hasty) = tokio::join!(patient.token(), hasty.token());
    patient.unwrap();
    let err = hasty.unwrap_err();
    let expected = Some(Duration::from_millis(100));
    assert!(matches!(err, oauth_runtime::Error::Timeout { timeout, .. } if timeout == expected), "{err:?}");
}
