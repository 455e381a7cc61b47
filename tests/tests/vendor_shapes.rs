//! Vendor shapes declared with `#[oauth_provider]` keys rather than by hand, read over HTTP:
//! a Slack-like vendor that nests the user token, a WeChat-like one that answers errors with
//! HTTP 200 and an `errcode`, and one whose `token_type` is wrong and whose scheme is pinned.
//!
//! A small axum server serves one canned token response at `/token` and records the
//! `Authorization` header `/api` receives, so each test sees what would go on the wire.

mod common;

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{
    Router,
    extract::State,
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
    routing::{any, get},
};
use common::bounded;
use oauth_runtime::{Client, Error, LifetimeSource, Provider, RetryPolicy, Secret, TokenScheme, oauth_provider};

#[oauth_provider(
    grant = "client_credentials",
    token_path = "/token",
    access_token_path = "authed_user.access_token",
    token_type_path = "authed_user.token_type",
    expires_in_path = "authed_user.expires_in"
)]
struct SlackLike {
    client_id: String,
    client_secret: Secret,
}

#[oauth_provider(
    grant = "client_credentials",
    token_path = "/token",
    access_token_aliases("component_access_token"),
    error_shape(code = "errcode", description = "errmsg", success_codes("0"))
)]
struct WeChatLike {
    #[oauth(rename = "appid")]
    client_id: String,
    #[oauth(rename = "secret")]
    client_secret: Secret,
}

#[oauth_provider(grant = "client_credentials", token_path = "/token", token_scheme = "bearer", min_lifetime = 30)]
struct Pinned {
    client_id: String,
    client_secret: Secret,
}

/// The same vendor without the pin, for contrast.
#[oauth_provider(grant = "client_credentials", token_path = "/token")]
struct Unpinned {
    client_id: String,
    client_secret: Secret,
}

/// What the server answers at `/token`, and the `Authorization` `/api` got.
#[derive(Clone)]
struct Served {
    body: &'static str,
    auth: Arc<Mutex<Option<String>>>,
}

async fn token_endpoint(State(s): State<Served>) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], s.body).into_response()
}

async fn api(State(s): State<Served>, headers: HeaderMap) -> StatusCode {
    let auth = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).map(str::to_owned);
    *s.auth.lock().unwrap() = auth;
    StatusCode::NO_CONTENT
}

/// A client of `provider` against a server answering `body`, and the recorded `Authorization`.
async fn client_for<P: Provider>(provider: P, body: &'static str) -> (Client<P>, Arc<Mutex<Option<String>>>) {
    let served = Served { body, auth: Arc::new(Mutex::new(None)) };
    let auth = served.auth.clone();
    let app = Router::new().route("/token", any(token_endpoint)).route("/api", get(api)).with_state(served);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    let client =
        Client::builder(provider).base_url(&format!("http://{addr}")).retry(RetryPolicy::NONE).build().unwrap();
    (client, auth)
}

fn credentials<P>(make: impl FnOnce(String, Secret) -> P) -> P {
    make("shape-client".to_owned(), Secret::from("shape-secret-41f"))
}

/// Slack's `oauth.v2.access` with a user scope: the bot token at the top, the user's inside
/// `authed_user`; the vendor reads the user's.
#[tokio::test]
async fn a_nested_token_is_read_at_its_path() {
    let body = r#"{"ok":true,"access_token":"xoxb-bot","token_type":"bot",
        "authed_user":{"id":"U1234","access_token":"xoxp-user","token_type":"user","expires_in":43200}}"#;
    let provider = credentials(|client_id, client_secret| SlackLike { client_id, client_secret });
    let (client, auth) = client_for(provider, body).await;
    let token = bounded(Duration::from_secs(5), client.token()).await.unwrap();
    assert_eq!(token.access_token().expose_secret(), "xoxp-user");
    assert_eq!(token.token_type_sent(), Some("user"));
    assert_eq!(token.expires_at().duration_since(token.issued_at()).unwrap(), Duration::from_secs(43200));
    bounded(Duration::from_secs(5), client.get("/api").send()).await.unwrap();
    assert_eq!(auth.lock().unwrap().as_deref(), Some("Bearer xoxp-user"));
}

/// WeChat's component token comes under another name, with `errcode` 0.
#[tokio::test]
async fn an_alias_and_a_success_code_give_a_token() {
    let body =
        r#"{"errcode":0,"errmsg":"ok","component_access_token":"61W3mEpU66027wgNZ_MhGHNQDHnF","expires_in":7200}"#;
    let provider = credentials(|client_id, client_secret| WeChatLike { client_id, client_secret });
    let (client, auth) = client_for(provider, body).await;
    let token = bounded(Duration::from_secs(5), client.token()).await.unwrap();
    assert_eq!(token.access_token().expose_secret(), "61W3mEpU66027wgNZ_MhGHNQDHnF");
    bounded(Duration::from_secs(5), client.get("/api").send()).await.unwrap();
    assert_eq!(auth.lock().unwrap().as_deref(), Some("Bearer 61W3mEpU66027wgNZ_MhGHNQDHnF"));
}

/// WeChat answers a bad app id with HTTP 200: the error shape makes it an OAuth error with
/// the vendor's code and message.
#[tokio::test]
async fn an_error_code_with_http_200_is_an_error() {
    let body = r#"{"errcode":40013,"errmsg":"invalid appid"}"#;
    let provider = credentials(|client_id, client_secret| WeChatLike { client_id, client_secret });
    let (client, auth) = client_for(provider, body).await;
    let err = bounded(Duration::from_secs(5), client.token()).await.expect_err("errcode 40013 is an error");
    let Error::OAuth(oauth) = &err else { panic!("not an OAuth error: {err:?}") };
    assert_eq!(oauth.raw_code(), "40013");
    assert_eq!(oauth.description.as_deref(), Some("invalid appid"));
    assert!(auth.lock().unwrap().is_none());
}

/// A vendor that calls its bearer tokens "mac": pinned, the token goes out as Bearer and the
/// type it claimed is kept; the floor lifts its five-second lifetime to thirty.
#[tokio::test]
async fn a_pinned_scheme_sends_bearer_whatever_the_token_type() {
    let body = r#"{"access_token":"tok-4e1","token_type":"mac","expires_in":5}"#;
    let provider = credentials(|client_id, client_secret| Pinned { client_id, client_secret });
    let (client, auth) = client_for(provider, body).await;
    let token = bounded(Duration::from_secs(5), client.token()).await.unwrap();
    assert_eq!((token.scheme(), token.token_type_sent()), (TokenScheme::Bearer, Some("mac")));
    assert_eq!(token.lifetime_source(), LifetimeSource::Floor);
    assert_eq!(token.expires_at().duration_since(token.issued_at()).unwrap(), Duration::from_secs(30));
    bounded(Duration::from_secs(5), client.get("/api").send()).await.unwrap();
    assert_eq!(auth.lock().unwrap().as_deref(), Some("Bearer tok-4e1"));
}

/// Without the pin the same answer is a MAC token, which is never sent as a bearer token.
#[tokio::test]
async fn without_the_pin_a_mac_token_is_refused() {
    let body = r#"{"access_token":"tok-4e1","token_type":"mac","expires_in":3600}"#;
    let provider = credentials(|client_id, client_secret| Unpinned { client_id, client_secret });
    let (client, auth) = client_for(provider, body).await;
    let err = bounded(Duration::from_secs(5), client.get("/api").send()).await.expect_err("no MAC token sent");
    assert!(matches!(err, Error::UnsupportedTokenType { scheme: TokenScheme::Mac, .. }), "{err:?}");
    assert!(auth.lock().unwrap().is_none());
}
