//! `#[oauth_api]` end to end: generated operations send what their arguments say, read what
//! their return types say, and carry the vendor's typed errors, over HTTP against an echo
//! server and the Monta simulator.

mod common;

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{Json, Router, extract::State, http::HeaderMap, routing::any};
use common::*;
use oauth_runtime::{Client, Error, oauth_api};
use oauth_sim::{Fault, Target, Vendor};
use oauth_specs::{Deyel, Monta};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// Monta's `GET /auth/me`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Application {
    client_id: String,
    scopes: Vec<String>,
}

/// Monta's error body.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct MontaError {
    error_code: String,
}

/// The part of Monta's API the simulator serves.
#[oauth_api(client = Monta, error = MontaError)]
trait MontaApi {
    /// The application behind the token.
    #[get("/auth/me")]
    async fn me(&self) -> Result<Application, Error>;

    /// The same, as text.
    #[get("/auth/me")]
    async fn me_text(&self) -> Result<String, Error>;

    /// Monta answers a POST to this path with 405 and its error body.
    #[post("/auth/me", name = "postMe")]
    async fn post_me(&self) -> Result<Application, Error>;

    /// A provided method, built on an operation.
    async fn scopes(&self) -> Result<Vec<String>, Error> {
        Ok(self.me().await?.scopes)
    }
}

#[derive(Serialize)]
struct Filter<'a> {
    status: &'a str,
    limit: Option<u32>,
}

#[derive(Serialize)]
struct NewCharge<'a> {
    amount: u32,
    note: &'a str,
}

/// Every kind of argument and answer, against a server that echoes what it got.
#[oauth_api(client = Deyel)]
trait EchoApi {
    #[get("/charges/{id}", timeout_ms = 2000)]
    async fn charge(
        &self,
        id: &str,
        #[query] include: Option<&str>,
        #[query("pageSize")] page_size: u32,
        #[query] ids: &[u32],
        #[header("X-Trace-Id")] trace: &str,
        #[header("X-Tenant")] tenant: Option<String>,
    ) -> Result<Value, Error>;

    #[get("/charges")]
    async fn charges(&self, #[query(flatten)] filter: &Filter<'_>) -> Result<Value, Error>;

    #[post("/charges", header("X-Api-Version" = "2"), header("X-Client" = "sdk"))]
    async fn create(&self, #[json] charge: &NewCharge<'_>) -> Result<Value, Error>;

    #[put("/sites/{site}/files/{name}.json")]
    async fn put_form(&self, site: u64, name: &str, #[form] charge: NewCharge<'_>) -> Result<String, Error>;

    #[delete("/charges/{id}")]
    async fn remove(&self, id: u64) -> Result<(), Error>;

    #[get("/raw")]
    async fn raw(&self) -> Result<oauth_runtime::reqwest::Response, Error>;

    #[get("/bytes")]
    async fn bytes(&self) -> Result<Vec<u8>, Error>;

    #[get("/bytes")]
    async fn bytes_shared(&self) -> Result<bytes::Bytes, Error>;

    /// Two path arguments, each a whole segment.
    #[get("/users/{user}/repos/{repo}")]
    async fn repo(&self, user: &str, repo: &str) -> Result<Value, Error>;

    /// Lists and structs in OpenAPI's other query styles.
    #[get("/styled")]
    async fn styled(
        &self,
        #[query(style = "comma")] ids: &[u32],
        #[query("tag", style = "pipe")] tags: Option<&[&str]>,
        #[query(style = "space")] fields: Vec<&str>,
        #[query(style = "deep_object")] filter: Option<&Filter<'_>>,
    ) -> Result<Value, Error>;

    /// An argument named like the generated code's locals.
    #[get("/locals/{value}")]
    async fn locals(&self, value: u8, #[query] request: u8, #[query] output: u8) -> Result<Value, Error>;
}

/// A server that records what each request carried and answers it back as JSON.
#[derive(Clone, Default)]
struct Echo(Arc<Mutex<Vec<Value>>>);

async fn echo(State(seen): State<Echo>, headers: HeaderMap, request: axum::extract::Request) -> Json<Value> {
    let (method, uri) = (request.method().to_string(), request.uri().clone());
    let body = axum::body::to_bytes(request.into_body(), 1 << 20).await.unwrap();
    let header = |name: &str| headers.get(name).map(|v| v.to_str().unwrap().to_owned());
    let record = json!({
        "method": method,
        "path": uri.path(),
        "query": uri.query(),
        "trace": header("x-trace-id"),
        "tenant": header("x-tenant"),
        "version": header("x-api-version"),
        "client": header("x-client"),
        "authorization": header("authorization").is_some(),
        "content_type": header("content-type"),
        "body": String::from_utf8_lossy(&body),
    });
    seen.0.lock().unwrap().push(record.clone());
    Json(record)
}

#[tokio::test]
async fn operations_send_what_their_arguments_say() {
    let auth = sim(Vendor::Deyel, Duration::from_secs(3600)).await;
    let seen = Echo::default();
    let app = Router::new().fallback(any(echo)).with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let api = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let client = Client::builder(deyel(auth.config()))
        .base_url(&format!("{api}/v2"))
        .auth_base_url(&auth.base_url())
        .retry(FAST_RETRY)
        .build()
        .unwrap();

    let got = client.charge("a/b c", Some("site"), 50, &[1, 2], "t-1", None).await.unwrap();
    assert_eq!(got["method"], "GET");
    assert_eq!(got["path"], "/v2/charges/a%2Fb%20c", "one segment, percent-encoded");
    assert_eq!(got["query"], "include=site&pageSize=50&ids=1&ids=2");
    assert_eq!((&got["trace"], &got["tenant"]), (&json!("t-1"), &Value::Null));
    assert_eq!(got["authorization"], true);
    let got = client.charge("1", None, 1, &[], "t-2", Some("acme".into())).await.unwrap();
    assert_eq!((&got["query"], &got["tenant"]), (&json!("pageSize=1"), &json!("acme")));

    let got = client.charges(&Filter { status: "open", limit: None }).await.unwrap();
    assert_eq!(got["query"], "status=open");

    let got = client.create(&NewCharge { amount: 12, note: "a&b" }).await.unwrap();
    assert_eq!((&got["method"], &got["content_type"]), (&json!("POST"), &json!("application/json")));
    assert_eq!(
        serde_json::from_str::<Value>(got["body"].as_str().unwrap()).unwrap(),
        json!({"amount": 12, "note": "a&b"})
    );
    assert_eq!((&got["version"], &got["client"]), (&json!("2"), &json!("sdk")));

    let text = client.put_form(7, "report", NewCharge { amount: 1, note: "x y" }).await.unwrap();
    let got: Value = serde_json::from_str(&text).unwrap();
    assert_eq!((&got["method"], &got["path"]), (&json!("PUT"), &json!("/v2/sites/7/files/report.json")));
    assert_eq!(got["body"], "amount=1&note=x+y");

    client.remove(3).await.unwrap();
    let response = client.raw().await.unwrap();
    assert_eq!(response.status(), 200);
    let bytes = client.bytes().await.unwrap();
    assert_eq!(serde_json::from_slice::<Value>(&bytes).unwrap()["path"], "/v2/bytes");
    assert_eq!(client.bytes_shared().await.unwrap().len(), bytes.len());
    let got = client.locals(1, 2, 3).await.unwrap();
    assert_eq!((&got["path"], &got["query"]), (&json!("/v2/locals/1"), &json!("request=2&output=3")));
    let filter = Filter { status: "open", limit: Some(5) };
    let got = client.styled(&[1, 2], Some(&["a b", "c"]), vec!["id", "name"], Some(&filter)).await.unwrap();
    // An object's keys in serde_json's order (sorted, unless its `preserve_order` is on).
    let mut pairs: Vec<&str> = got["query"].as_str().unwrap().split('&').collect();
    pairs.sort();
    assert_eq!(pairs, ["fields=id+name", "filter%5Blimit%5D=5", "filter%5Bstatus%5D=open", "ids=1%2C2", "tag=a+b%7Cc"]);
    let got = client.styled(&[], None, vec![], None).await.unwrap();
    assert_eq!(got["query"], "ids=&fields=", "an empty list is `name=`, `None` nothing");

    // A path argument cannot move an operation elsewhere.
    let err = client.charge("..", None, 1, &[], "t", None).await.unwrap_err();
    assert!(matches!(&err, Error::Argument { operation: Some("charge"), .. }), "{err:?}");
    assert_eq!(seen.0.lock().unwrap().len(), 12);
    assert_eq!(auth.counters().token_requests, 1);
}

/// Defect 11: an empty path argument made `/users//repos/x` (or `/users/x/repos/`, another
/// endpoint), and `..;` went out raw (`..` to servers that strip `;` parameters). Such
/// arguments are refused before anything is sent, as an argument error; `;` is encoded.
#[tokio::test]
async fn empty_and_dot_like_path_arguments_never_reach_the_server() {
    let auth = sim(Vendor::Deyel, Duration::from_secs(3600)).await;
    let seen = Echo::default();
    let app = Router::new().fallback(any(echo)).with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let api = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let client = Client::builder(deyel(auth.config()))
        .base_url(&format!("{api}/v2"))
        .auth_base_url(&auth.base_url())
        .retry(FAST_RETRY)
        .build()
        .unwrap();

    let got = client.repo("ann", "a;b").await.unwrap();
    assert_eq!(got["path"], "/v2/users/ann/repos/a%3Bb", "`;` is encoded");
    let got = client.repo("ann", "...").await.unwrap();
    assert_eq!(got["path"], "/v2/users/ann/repos/...", "three dots are a name");
    let sent = seen.0.lock().unwrap().len();

    let bad = [
        ("", "x"),
        ("ann", ""),
        ("..", "x"),
        ("ann", "."),
        ("ann", "..;"),
        ("ann", ".;x"),
        ("%2e%2E", "x"),
        ("ann", "..%3B"),
    ];
    for (user, repo) in bad {
        let err = client.repo(user, repo).await.unwrap_err();
        let Error::Argument { vendor, operation, message, .. } = &err else { panic!("{user:?}/{repo:?}: {err:?}") };
        assert_eq!((*vendor, *operation), ("Deyel", Some("repo")), "{err}");
        let name = if user == "ann" { "`repo`" } else { "`user`" };
        assert!(message.contains(name), "{user:?}/{repo:?}: {message}");
        assert!(!err.is_transient() && !err.is_rejection(), "{err:?}");
        assert!(err.to_string().starts_with("Deyel: `repo`: the path argument"), "{err}");
    }
    assert_eq!(seen.0.lock().unwrap().len(), sent, "no refused call reached the server");
}

#[tokio::test]
async fn operations_read_answers_and_typed_errors() {
    let sim = sim(Vendor::Monta, Duration::from_secs(3600)).await;
    let client = builder(monta(sim.config()), &sim).build().unwrap();
    let me = client.me().await.unwrap();
    assert_eq!(me.client_id, sim.config().client_id);
    assert_eq!(client.scopes().await.unwrap(), ["all"]);
    // The text as sent: the (hostile) client id appears JSON-escaped in it.
    let text: serde_json::Value = serde_json::from_str(&client.me_text().await.unwrap()).unwrap();
    assert_eq!(text["clientId"], sim.config().client_id.as_str());

    let err = client.post_me().await.unwrap_err();
    let Error::Api(api) = &err else { panic!("{err:?}") };
    assert_eq!(api.status.as_u16(), 405);
    assert_eq!(api.body::<MontaError>().expect("the trait's error type").error_code, "METHOD_NOT_ALLOWED");

    sim.inject(Target::Api, Fault::status(503), 1);
    assert!(client.me().await.unwrap_err().is_transient());

    // The futures are `Send + 'static`, holding no borrow of the client or the arguments:
    // they can be spawned as they are.
    let spawned = tokio::spawn(client.me());
    drop(client);
    assert_eq!(spawned.await.unwrap().unwrap().client_id, sim.config().client_id);
}
