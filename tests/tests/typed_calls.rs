//! Typed API calls over HTTP (issue 10): bodies in and out, typed vendor errors, decoding
//! errors with the failing field's path, the API body cap, and where the token may go.

mod common;

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{Json, Router, extract::State, http::HeaderMap, routing::any};
use common::*;
use oauth_runtime::{Client, Error, reqwest::Method};
use oauth_sim::{Fault, Simulator, Target, Vendor};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// Monta's `GET /auth/me`, as its document shows it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)]
struct Application {
    id: u64,
    user_id: u64,
    name: String,
    client_id: String,
    client_secret: Option<String>,
    scopes: Vec<String>,
    created_at: String,
}

/// Monta's error body (the simulator's assumption, see oauth-sim).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct MontaError {
    error_code: String,
    message: String,
}

#[tokio::test]
async fn a_typed_get_reads_the_documented_shape() {
    let sim = sim(Vendor::Monta, Duration::from_secs(3600)).await;
    let client = builder(monta(sim.config()), &sim).build().unwrap();
    let me: Application = client.get("/auth/me").send_json().await.unwrap();
    assert_eq!(me.client_id, sim.config().client_id);
    assert_eq!((me.id, me.user_id, me.scopes.as_slice()), (1, 1, ["all".to_owned()].as_slice()));
    assert!(me.client_secret.is_none());
    let text = client.get("/auth/me").send_text().await.unwrap();
    assert!(text.contains("Public Api Demo"));
    let bytes = client.get("/auth/me").send_bytes().await.unwrap();
    assert_eq!(bytes, text.as_bytes());
    client.get("/auth/me").send_empty().await.unwrap();
}

#[tokio::test]
async fn a_non_2xx_answer_is_a_typed_api_error() {
    let sim = sim(Vendor::Monta, Duration::from_secs(3600)).await;
    let client = builder(monta(sim.config()), &sim).build().unwrap();
    // Monta answers a POST to /auth/me with its JSON error body and 405.
    let err = client.post("/auth/me").error_type::<MontaError>().send_json::<Application>().await.unwrap_err();
    let Error::Api(api) = &err else { panic!("{err:?}") };
    assert_eq!(api.status.as_u16(), 405);
    let body = api.body::<MontaError>().expect("the typed body");
    assert_eq!(body.error_code, "METHOD_NOT_ALLOWED");
    assert!(body.message.contains("POST"), "{}", body.message);
    assert!(api.body::<String>().is_none(), "another type is not there");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(405));
    assert!(!err.is_transient() && !err.is_rejection());

    // Without an error type: status and excerpt.
    sim.inject(Target::Api, Fault::status(503), 1);
    let err = client.get("/auth/me").send_json::<Application>().await.unwrap_err();
    let Error::Api(api) = &err else { panic!("{err:?}") };
    assert!(api.body::<MontaError>().is_none());
    assert!(api.excerpt.contains("503"), "{}", api.excerpt);
    assert!(err.is_transient());
}

#[tokio::test]
async fn a_body_that_does_not_fit_names_the_field_and_hides_values() {
    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct WrongScopes {
        scopes: Vec<u32>,
    }
    let sim = sim(Vendor::Monta, Duration::from_secs(3600)).await;
    let client = builder(monta(sim.config()), &sim).build().unwrap();
    let err = client.get("/auth/me").send_json::<WrongScopes>().await.unwrap_err();
    let Error::Decode { path, reason, status, .. } = &err else { panic!("{err:?}") };
    assert_eq!(path, "scopes[0]");
    assert_eq!(status.as_u16(), 200);
    assert!(!reason.contains("all"), "the value is not repeated: {reason}");
    // The client id is in the body: it is not a secret, but the client secret never is there.
    assert!(!err.to_string().contains(&sim.config().client_secret), "{err}");

    // An HTML page where JSON was expected.
    sim.inject(Target::Api, Fault::html(200), 1);
    let err = client.get("/auth/me").send_json::<Application>().await.unwrap_err();
    assert!(matches!(&err, Error::Decode { path, .. } if path == "."), "{err:?}");
}

#[tokio::test]
async fn the_api_body_cap_holds() {
    let sim = sim(Vendor::Monta, Duration::from_secs(3600)).await;
    let client = builder(monta(sim.config()), &sim).max_api_response_bytes(64).build().unwrap();
    let err = client.get("/auth/me").send_json::<Application>().await.unwrap_err();
    assert!(matches!(err, Error::ResponseTooLarge { limit: 64, .. }), "{err:?}");
    sim.inject(Target::Api, Fault::huge_body(1 << 20), 1);
    let client = builder(monta(sim.config()), &sim).build().unwrap();
    let huge = client.get("/auth/me").send_bytes().await.unwrap();
    assert_eq!(huge.len(), 1 << 20, "under the default cap");
}

/// A server that records what each request carried and answers it back as JSON.
#[derive(Clone, Default)]
struct Echo(Arc<Mutex<Vec<Value>>>);

async fn echo(State(seen): State<Echo>, headers: HeaderMap, request: axum::extract::Request) -> Json<Value> {
    let uri = request.uri().clone();
    let body = axum::body::to_bytes(request.into_body(), 1 << 20).await.unwrap();
    let record = json!({
        "path": uri.path(),
        "query": uri.query(),
        "authorization": headers.get("authorization").map(|v| v.to_str().unwrap()),
        "content_type": headers.get("content-type").map(|v| v.to_str().unwrap()),
        "body": String::from_utf8_lossy(&body),
    });
    seen.0.lock().unwrap().push(record.clone());
    Json(record)
}

async fn echo_server() -> (String, Echo) {
    let seen = Echo::default();
    let app = Router::new().fallback(any(echo)).with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (base, seen)
}

#[tokio::test]
async fn token_and_api_hosts_are_separate_and_bodies_go_out_typed() {
    #[derive(Serialize)]
    struct Filter<'a> {
        status: &'a str,
        limit: Option<u32>,
        after: Option<&'a str>,
    }
    #[derive(Serialize)]
    struct NewCharge<'a> {
        amount: u32,
        note: &'a str,
    }
    let auth = sim(Vendor::Deyel, Duration::from_secs(3600)).await;
    let (api, seen) = echo_server().await;
    let client = Client::builder(deyel(auth.config()))
        .base_url(&format!("{api}/v2"))
        .auth_base_url(&auth.base_url())
        .retry(FAST_RETRY)
        .build()
        .unwrap();
    let token = client.token().await.unwrap();
    let filter = Filter { status: "open", limit: Some(5), after: None };
    let echoed: Value = client
        .get("charges")
        .query(&filter)
        .query_param("id", &[1, 2])
        .query_param("missing", &None::<u32>)
        .send_json()
        .await
        .unwrap();
    assert_eq!(echoed["path"], "/v2/charges");
    assert_eq!(echoed["query"], "status=open&limit=5&id=1&id=2");
    assert_eq!(echoed["authorization"], format!("Bearer {}", token.access_token().expose_secret()));
    let echoed: Value = client.post("/charges").json(&NewCharge { amount: 12, note: "a&b" }).send_json().await.unwrap();
    assert_eq!(echoed["content_type"], "application/json");
    assert_eq!(
        serde_json::from_str::<Value>(echoed["body"].as_str().unwrap()).unwrap(),
        json!({"amount": 12, "note": "a&b"})
    );
    let echoed: Value =
        client.put("/charges/1").form(&NewCharge { amount: 12, note: "a&b" }).send_json().await.unwrap();
    assert_eq!(echoed["body"], "amount=12&note=a%26b");
    assert_eq!(auth.counters().token_requests, 1, "tokens come from the auth host");
    assert_eq!(auth.counters().api_requests, 0, "API calls never go there");
    assert_eq!(seen.0.lock().unwrap().len(), 3);

    // An absolute URL on the API's origin is fine; on any other origin the token stays home.
    let same_origin: Value = client.get(&format!("{api}/v3/other")).send_json().await.unwrap();
    assert_eq!(same_origin["path"], "/v3/other");
    let err = client.get(&format!("{}/steal", auth.base_url())).send().await.unwrap_err();
    assert!(matches!(&err, Error::Config(m) if m.contains("not the API's origin")), "{err:?}");
    let err = client.get("https://api.example/v2/me").send().await.unwrap_err();
    assert!(matches!(err, Error::Config(_)), "{err:?}");
    // A path argument cannot move an operation to another endpoint.
    let id = oauth_runtime::encode_segment(&"../admin");
    let echoed: Value = client.operation("charge", Method::GET, &format!("/charges/{id}")).send_json().await.unwrap();
    assert_eq!(echoed["path"], "/v2/charges/..%2Fadmin");
    let dots = oauth_runtime::encode_segment(&"..");
    let err = client.operation("charge", Method::GET, &format!("/charges/{dots}")).send().await.unwrap_err();
    assert!(matches!(&err, Error::Argument { operation: Some("charge"), .. }), "{err:?}");
    assert_eq!(seen.0.lock().unwrap().len(), 5, "nothing else was sent");
}

#[tokio::test]
async fn reqwest_errors_convert_for_question_marks() {
    async fn read(client: &oauth_specs::MontaClient) -> Result<usize, Error> {
        let response = client.get("/auth/me").send().await?;
        Ok(response.bytes().await?.len())
    }
    let sim = Simulator::start(Vendor::Monta).await.unwrap();
    let client = builder(monta(sim.config()), &sim).build().unwrap();
    assert!(read(&client).await.unwrap() > 0);
    // A body cut off mid-way: reqwest's error, converted by `?`, typed and transient.
    sim.inject(Target::Api, Fault::Reset, 1);
    let err = read(&client).await.unwrap_err();
    assert!(matches!(&err, Error::Connect { source, .. } if source.is_body()), "{err:?}");
    assert!(err.is_transient());
}
