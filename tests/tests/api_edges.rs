//! The edges of API calls: where a named environment's tokens come from, what an API error
//! keeps and shows, base URLs holding a password, and `Authorization` headers set by the caller.

mod common;

use std::{
    net::SocketAddr,
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{Router, extract::State, http::HeaderMap, response::IntoResponse, routing::any};
use common::*;
use oauth_runtime::{Client, Error, Provider, Secret, oauth_provider};
use oauth_sim::{Simulator, Vendor};

/// A vendor whose production API and token endpoints live on two hosts. The hosts are resolved
/// to loopback servers by the test's HTTP client.
#[derive(Clone)]
#[oauth_provider(
    grant = "client_credentials",
    token_path = "/oauth/token",
    base_url(production = "http://api.split.test", sandbox = "http://sandbox.split.test"),
    auth_base_url(production = "http://auth.split.test")
)]
pub struct Split {
    /// The client id.
    pub client_id: String,
    /// The client secret.
    pub client_secret: Secret,
}

/// The same shape over https, for checks that send nothing.
#[oauth_provider(
    grant = "client_credentials",
    token_path = "/oauth/token",
    base_url(production = "https://api.example.com/v2"),
    auth_base_url(production = "https://auth.example.com")
)]
pub struct SplitTls {
    /// The client id.
    pub client_id: String,
    /// The client secret.
    pub client_secret: Secret,
}

/// Every request a server saw: method, path, headers and body, as text.
#[derive(Clone, Default)]
struct Seen(Arc<Mutex<Vec<String>>>);

impl Seen {
    fn all(&self) -> Vec<String> {
        self.0.lock().unwrap().clone()
    }
}

/// A server that records each request and answers `status`, `headers` and `body`.
async fn recorder(
    status: u16,
    headers: &'static [(&'static str, &'static str)],
    body: &'static str,
) -> (SocketAddr, Seen) {
    let seen = Seen::default();
    let answer = move |State(seen): State<Seen>, request: axum::extract::Request| async move {
        let (parts, body_in) = request.into_parts();
        let bytes = axum::body::to_bytes(body_in, 1 << 20).await.unwrap();
        seen.0.lock().unwrap().push(format!(
            "{} {} {:?} {}",
            parts.method,
            parts.uri,
            parts.headers,
            String::from_utf8_lossy(&bytes)
        ));
        let mut out = HeaderMap::new();
        for (name, value) in headers {
            out.append(*name, value.parse().unwrap());
        }
        (axum::http::StatusCode::from_u16(status).unwrap(), out, body).into_response()
    };
    let app = Router::new().fallback(any(answer)).with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (addr, seen)
}

/// Defect 14: `Vendor::PRODUCTION` was the bare API URL, so a client built from it sent its
/// token requests, client secret included, to the API host. The constant now brings the
/// environment's token host, as `.environment("production")` does.
#[tokio::test]
async fn a_named_environment_brings_its_token_host() {
    let creds = Split { client_id: "split-id".into(), client_secret: Secret::from("split-s3cr3t-value") };
    let auth = Simulator::for_provider(creds.clone()).await.unwrap();
    let (api, api_seen) = recorder(200, &[("content-type", "application/json")], r#"{"ok":true}"#).await;
    let auth_addr = auth.addr();
    let client = creds
        .clone()
        .client_builder()
        .base_url(Split::PRODUCTION)
        .danger_allow_insecure_http(true)
        .configure_http(move |b| b.resolve("api.split.test", api).resolve("auth.split.test", auth_addr))
        .retry(FAST_RETRY)
        .build()
        .unwrap();
    let got = client.get("/things").send_json::<serde_json::Value>().await;
    let seen = api_seen.all();
    assert!(!format!("{seen:?}").contains("split-s3cr3t-value"), "the API host saw the secret: {seen:?}");
    assert!(!format!("{seen:?}").contains("oauth/token"), "a token request went to the API host: {seen:?}");
    assert_eq!(got.unwrap()["ok"], true);
    assert_eq!(auth.counters().token_requests, 1, "the token came from the token host");
    assert_eq!(auth.counters().api_requests, 0);
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert!(seen[0].starts_with("GET /things"), "{seen:?}");
    assert_eq!(client.auth_base_url().as_str(), "http://auth.split.test/");

    // An environment without a token host of its own keeps the API's; an explicit token host
    // still wins.
    let sandbox = creds.clone().client_builder().base_url(Split::SANDBOX).danger_allow_insecure_http(true);
    assert_eq!(sandbox.build().unwrap().auth_base_url().as_str(), "http://sandbox.split.test/");
    let explicit = creds
        .client_builder()
        .base_url(Split::PRODUCTION)
        .auth_base_url("http://127.0.0.1:9")
        .danger_allow_insecure_http(true)
        .build()
        .unwrap();
    assert_eq!(explicit.auth_base_url().as_str(), "http://127.0.0.1:9/");
}

/// `Vendor::client(Vendor::PRODUCTION)`, the form the generated docs show, and the same URL
/// with a trailing slash.
#[test]
fn client_with_an_environment_constant_gets_its_token_host() {
    let creds = || SplitTls { client_id: "id".into(), client_secret: Secret::from("s") };
    let client = creds().client(SplitTls::PRODUCTION).unwrap();
    assert_eq!(client.base_url().as_str(), "https://api.example.com/v2");
    assert_eq!(client.auth_base_url().as_str(), "https://auth.example.com/");
    let client = creds().client("https://api.example.com/v2/").unwrap();
    assert_eq!(client.auth_base_url().as_str(), "https://auth.example.com/");
    // Any other URL is a base URL of its own, for tokens too.
    let client = creds().client("https://api.example.com/v3").unwrap();
    assert_eq!(client.auth_base_url().as_str(), "https://api.example.com/v3");
}

/// An API error keeps the answer's headers (`Retry-After`, the request id) but the secret
/// ones, and its message shows the JSON body once, quotes unescaped.
#[tokio::test]
async fn api_errors_keep_headers_and_show_the_body_once() {
    let auth = sim(Vendor::Deyel, Duration::from_secs(3600)).await;
    let headers: &'static [(&str, &str)] = &[
        ("content-type", "application/json"),
        ("retry-after", "17"),
        ("x-request-id", "req-42"),
        ("set-cookie", "session=cookie-s3cr3t"),
        ("x-auth-token", "header-s3cr3t"),
    ];
    let (api, _) = recorder(429, headers, r#"{"error":"slow down","detail":"wait \"17\" s"}"#).await;
    let client = Client::builder(deyel(auth.config()))
        .base_url(&format!("http://{api}"))
        .auth_base_url(&auth.base_url())
        .retry(FAST_RETRY)
        .build()
        .unwrap();
    let err = client.get("/things").send_json::<serde_json::Value>().await.unwrap_err();
    assert!(err.is_transient(), "{err:?}");
    let Error::Api(api_error) = &err else { panic!("{err:?}") };
    let h = api_error.headers();
    assert_eq!(h.get("retry-after").unwrap(), "17");
    assert_eq!(h.get("x-request-id").unwrap(), "req-42");
    assert!(h.get("set-cookie").is_none() && h.get("x-auth-token").is_none(), "{h:?}");
    let text = err.to_string();
    assert_eq!(
        text,
        r#"Deyel: the API answered HTTP 429 Too Many Requests; body starts: {"error":"slow down","detail":"wait \"17\" s"}"#
    );
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains("s3cr3t"), "{shown}");
}

/// A password in a base URL appears in no `Debug` output and no error message.
#[test]
fn a_password_in_the_base_url_is_redacted() {
    let creds = || SplitTls { client_id: "id".into(), client_secret: Secret::from("s") };
    let client = creds().client("https://user:url-pw-s3cr3t@api.example.com").unwrap();
    let shown = format!("{client:?}");
    assert!(!shown.contains("url-pw-s3cr3t") && shown.contains("user:[REDACTED]@api.example.com"), "{shown}");
    let builder = creds().client_builder().base_url("https://user:url-pw-s3cr3t@api.example.com");
    assert!(!format!("{builder:?}").contains("url-pw-s3cr3t"), "{builder:?}");

    let errors = [
        creds().client("http://user:url-pw-s3cr3t@api.example.com").unwrap_err(),
        creds().client("ftp://user:url-pw-s3cr3t@api.example.com").unwrap_err(),
        creds().client("https://user:url-pw-s3cr3t@[::1").unwrap_err(),
        creds().client_builder().auth_base_url("http://user:url-pw-s3cr3t@auth.example.com").build().unwrap_err(),
    ];
    for err in errors {
        let shown = format!("{err} {err:?}");
        assert!(matches!(err, Error::Config(_)), "{shown}");
        assert!(!shown.contains("url-pw-s3cr3t") && shown.contains("[REDACTED]"), "{shown}");
    }
}

/// An `Authorization` header set on a request would be replaced by the token without a word;
/// it is refused before anything is sent. The one reqwest derives from a base URL's user info
/// is not the caller's and is replaced as before.
#[tokio::test]
async fn an_authorization_header_set_on_a_request_is_refused() {
    let auth = sim(Vendor::Deyel, Duration::from_secs(3600)).await;
    let (api, seen) = recorder(200, &[], "fine").await;
    let client = Client::builder(deyel(auth.config()))
        .base_url(&format!("http://user:pw@{api}"))
        .auth_base_url(&auth.base_url())
        .retry(FAST_RETRY)
        .build()
        .unwrap();
    let refused = [
        client.get("/a").header("authorization", "Bearer mine").send().await.unwrap_err(),
        client.get("/b").header("Authorization", "Basic eDp5").send_text().await.unwrap_err(),
        client.post("/c").map(|rb| rb.bearer_auth("mine")).send_empty().await.unwrap_err(),
    ];
    for err in refused {
        let Error::Argument { vendor: "Deyel", operation: None, message, .. } = &err else { panic!("{err:?}") };
        assert!(message.contains("`Authorization`"), "{message}");
        assert!(!err.is_transient() && !err.is_rejection());
    }
    assert!(seen.all().is_empty(), "nothing was sent: {:?}", seen.all());
    assert_eq!(auth.counters().token_requests, 0, "not even a token request");

    assert_eq!(client.get("/d").send_text().await.unwrap(), "fine");
    let seen = seen.all();
    let token = client.cached_token().unwrap();
    assert!(seen[0].contains(&format!("Bearer {}", token.access_token().expose_secret())), "{seen:?}");
}
