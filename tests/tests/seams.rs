//! The open core (issue 17, part 1): a grant, a client authentication and a token presentation
//! of the user's own, plugged into a client with `ClientBuilder::{grant, client_auth,
//! presentation}`, over HTTP against a small strict server on 127.0.0.1.
//!
//! The server is Zoom-like: `grant_type=account_credentials` with an `account_id`, the client
//! id in a header of its own, tokens presented in `x-api-token`, and an API that asks for one
//! more attempt with a nonce it hands out (the shape DPoP nonces have).

use std::sync::{
    Arc, Mutex,
    atomic::{AtomicU32, Ordering},
};

use axum::{
    Form, Json, Router,
    extract::State,
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use oauth_runtime::{
    Client, Credentials, Error, RetryPolicy, Token, TokenRequest, TokenScheme,
    auth::ClientAuthentication,
    grant::TokenGrant,
    oauth_provider,
    present::{Call, Challenge, Prepared, Presentation},
    provider::Role,
    reqwest::header::HeaderValue,
};
use serde_json::json;

#[oauth_provider(grant = "client_credentials", token_path = "/oauth/token", client_auth = "none")]
struct Zoomish {
    client_id: String,
}

/// `account_credentials` with the account id, and a fresh `jti` on every request.
#[derive(Debug, Default)]
struct AccountCredentials {
    sent: AtomicU32,
}

impl TokenGrant for AccountCredentials {
    fn grant_type(&self) -> &str {
        "account_credentials"
    }

    fn parameters(&self, _: &Credentials, request: &mut TokenRequest) -> Result<(), Error> {
        request.param("account_id", "acc-42");
        request.param("jti", &self.sent.fetch_add(1, Ordering::SeqCst).to_string());
        Ok(())
    }
}

/// The client id in `x-client-id`, nothing in the body.
#[derive(Debug)]
struct ClientIdHeader;

impl ClientAuthentication for ClientIdHeader {
    fn apply(&self, credentials: &Credentials, request: &mut TokenRequest) -> Result<(), Error> {
        let id = credentials.value(Role::ClientId).unwrap_or_default();
        let value = HeaderValue::from_str(id).map_err(|_| Error::Config("client id".into()))?;
        request.header("x-client-id".parse().unwrap(), value);
        Ok(())
    }
}

/// The token in `x-api-token`, with the server's latest nonce in `x-nonce`; a 401 carrying a
/// new nonce asks for one more attempt with the same token.
#[derive(Debug, Default)]
struct NonceHeader {
    nonce: Mutex<Option<String>>,
}

impl Presentation for NonceHeader {
    fn accepts(&self, scheme: &TokenScheme) -> bool {
        *scheme == TokenScheme::Bearer
    }

    fn prepare(&self, _: &Token) -> Result<Prepared, Error> {
        Ok(Prepared::none())
    }

    fn attach(&self, token: &Token, _: &Prepared, call: &mut Call<'_>) -> Result<(), Error> {
        let value = HeaderValue::from_str(token.access_token().expose_secret()).unwrap();
        call.headers.insert("x-api-token", value);
        if let Some(nonce) = self.nonce.lock().unwrap().clone() {
            call.headers.insert("x-nonce", HeaderValue::from_str(&nonce).unwrap());
        }
        Ok(())
    }

    fn challenge(&self, _url: &str, status: StatusCode, headers: &HeaderMap) -> Challenge {
        match headers.get("x-new-nonce").and_then(|v| v.to_str().ok()) {
            Some(nonce) if status == StatusCode::UNAUTHORIZED => {
                *self.nonce.lock().unwrap() = Some(nonce.to_owned());
                Challenge::RetrySameToken
            }
            _ => Challenge::None,
        }
    }
}

/// One token request's body, as pairs in order.
type Body = Vec<(String, String)>;

#[derive(Clone, Default)]
struct Seen {
    token_bodies: Arc<Mutex<Vec<Body>>>,
    api_calls: Arc<AtomicU32>,
}

async fn token(State(seen): State<Seen>, headers: HeaderMap, Form(body): Form<Vec<(String, String)>>) -> Response {
    let n = {
        let mut bodies = seen.token_bodies.lock().unwrap();
        bodies.push(body.clone());
        bodies.len()
    };
    if n == 1 {
        // The first attempt fails as a load balancer would: the grant is retried.
        return (StatusCode::SERVICE_UNAVAILABLE, "busy").into_response();
    }
    let field = |name: &str| body.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    let id = headers.get("x-client-id").and_then(|v| v.to_str().ok());
    if (field("grant_type"), field("account_id"), id) != (Some("account_credentials"), Some("acc-42"), Some("zoom-app"))
    {
        return (StatusCode::BAD_REQUEST, Json(json!({"error": "invalid_request"}))).into_response();
    }
    Json(json!({"access_token": format!("at-{n}"), "token_type": "bearer", "expires_in": 3600})).into_response()
}

async fn api(State(seen): State<Seen>, headers: HeaderMap) -> Response {
    seen.api_calls.fetch_add(1, Ordering::SeqCst);
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
    if header("authorization").is_some() || header("x-api-token").as_deref() != Some("at-2") {
        return (StatusCode::UNAUTHORIZED, "bad token").into_response();
    }
    if header("x-nonce").as_deref() != Some("n-1") {
        return (StatusCode::UNAUTHORIZED, [("x-new-nonce", "n-1")], "use the nonce").into_response();
    }
    "ok".into_response()
}

#[tokio::test]
async fn a_grant_an_authentication_and_a_presentation_of_ones_own() {
    let seen = Seen::default();
    let app = Router::new().route("/oauth/token", post(token)).route("/v1/me", get(api)).with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(async move { axum::serve(listener, app).await });

    let client = Client::builder(Zoomish { client_id: "zoom-app".into() })
        .base_url(&base)
        .retry(RetryPolicy::new().with_min_delay(std::time::Duration::from_millis(5)))
        .grant(AccountCredentials::default())
        .client_auth(ClientIdHeader)
        .presentation(NonceHeader::default())
        .build()
        .unwrap();
    let response = client.get("/v1/me").send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.text().await.unwrap(), "ok");
    server.abort();

    let bodies = seen.token_bodies.lock().unwrap();
    assert_eq!(bodies.len(), 2, "the grant was retried once: {bodies:?}");
    let jti = |i: usize| bodies[i].iter().find(|(k, _)| k == "jti").map(|(_, v)| v.clone());
    assert_eq!((jti(0), jti(1)), (Some("0".into()), Some("1".into())), "the request is built anew per attempt");
    assert!(bodies.iter().all(|b| !b.iter().any(|(k, _)| k == "client_id")), "the id went in the header only");
    assert_eq!(seen.api_calls.load(Ordering::SeqCst), 2, "one more attempt with the nonce");
    assert_eq!(client.cached_token().unwrap().access_token().expose_secret(), "at-2", "the same token, not renewed");
}
