//! Raw-HTTP helpers shared by the integration tests.

#![allow(dead_code)]

use base64::{Engine, engine::general_purpose::STANDARD};
use oauth_sim::{Simulator, Vendor};
use reqwest::{Client, StatusCode, header::HeaderMap, redirect::Policy};
use serde_json::Value;

pub const FORM: &str = "application/x-www-form-urlencoded";
pub const JSON: &str = "application/json";

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.body))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

pub fn client() -> Client {
    Client::builder().redirect(Policy::none()).build().unwrap()
}

pub async fn send(request: reqwest::RequestBuilder) -> Reply {
    let response = request.send().await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.text().await.unwrap();
    Reply { status, headers, body }
}

/// POST `body` to `url` with the given content type (none if `None`).
pub async fn post(url: &str, content_type: Option<&str>, body: &str) -> Reply {
    post_with(url, content_type, body, &[]).await
}

pub async fn post_with(url: &str, content_type: Option<&str>, body: &str, headers: &[(&str, &str)]) -> Reply {
    let mut request = client().post(url).body(body.to_owned());
    if let Some(content_type) = content_type {
        request = request.header("content-type", content_type);
    }
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    send(request).await
}

pub async fn get_with_token(url: &str, authorization: Option<&str>) -> Reply {
    let mut request = client().get(url);
    if let Some(value) = authorization {
        request = request.header("authorization", value);
    }
    send(request).await
}

pub fn form(pairs: &[(&str, &str)]) -> String {
    form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish()
}

pub fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// `Basic base64(urlencode(id):urlencode(secret))`, as RFC 6749 §2.3.1 says.
pub fn basic(id: &str, secret: &str) -> String {
    format!("Basic {}", STANDARD.encode(format!("{}:{}", enc(id), enc(secret))))
}

pub fn mps_password_form(sim: &Simulator) -> String {
    let c = sim.config();
    form(&[
        ("client_id", &c.client_id),
        ("client_secret", &c.client_secret),
        ("grant_type", "password"),
        ("username", &c.username),
        ("password", &c.password),
        ("scope", &c.scope),
    ])
}

pub fn mps_refresh_form(sim: &Simulator, refresh_token: &str) -> String {
    let c = sim.config();
    form(&[
        ("client_id", &c.client_id),
        ("client_secret", &c.client_secret),
        ("grant_type", "refresh_token"),
        ("refresh_token", refresh_token),
    ])
}

pub fn monta_credentials(sim: &Simulator) -> String {
    let c = sim.config();
    serde_json::json!({"clientId": c.client_id, "clientSecret": c.client_secret}).to_string()
}

pub fn microbilt_json(sim: &Simulator) -> String {
    let c = sim.config();
    serde_json::json!({
        "client_id": c.client_id,
        "client_secret": c.client_secret,
        "grant_type": "client_credentials",
    })
    .to_string()
}

/// A correct token request for the simulator's vendor.
pub async fn request_token(sim: &Simulator) -> Reply {
    let url = sim.token_url();
    let c = sim.config();
    match sim.vendor().expect("a vendor simulator") {
        Vendor::MpsMonitor => post(&url, Some(FORM), &mps_password_form(sim)).await,
        Vendor::Monta => post(&url, Some(JSON), &monta_credentials(sim)).await,
        Vendor::Deyel => {
            let auth = basic(&c.client_id, &c.client_secret);
            post_with(&url, Some(FORM), "grant_type=client_credentials", &[("authorization", &auth)]).await
        }
        Vendor::Microbilt => post(&url, Some(JSON), &microbilt_json(sim)).await,
        other => panic!("no token request written for {other}"),
    }
}

pub fn access_token_of(vendor: Vendor, body: &Value) -> String {
    let key = match vendor {
        Vendor::Monta => "accessToken",
        _ => "access_token",
    };
    body[key].as_str().unwrap_or_else(|| panic!("no {key} in {body}")).to_owned()
}

/// Obtains an access token, asserting success.
pub async fn access_token(sim: &Simulator) -> String {
    let reply = request_token(sim).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    access_token_of(sim.vendor().expect("a vendor simulator"), &reply.json())
}

pub async fn call_api(sim: &Simulator, token: &str) -> Reply {
    get_with_token(&sim.protected_url(), Some(&format!("Bearer {token}"))).await
}

pub fn keys(value: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = value.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    keys
}
