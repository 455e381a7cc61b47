//! Microbilt: an Apigee gateway's OAuthV2 `client_credentials` flow (the
//! `BearerToken`/`approved`/`issued_at` shape is Apigee's), with Apigee's
//! error bodies. The protected path `/api/v1/ping` is the simulator's choice.

use std::{sync::Arc, time::SystemTime};

use axum::{
    Router,
    extract::{Request, State},
    http::{Method, StatusCode, header},
    response::Response,
    routing::any,
};
use serde_json::Value;

use crate::{
    Target, Vendor,
    fault::intercept,
    generic::assume::challenge,
    http::{FORM, Form, JSON, bearer, has_basic, json, media_type, object, read_body, with_header},
    state::{Access, Shared},
    token,
};

pub(crate) fn router() -> Router<Arc<Shared>> {
    let vendor = Vendor::Microbilt;
    Router::new().route(vendor.token_path(), any(token_endpoint)).route(vendor.protected_path(), any(ping))
}

fn error(status: StatusCode, code: &str, message: &str) -> Response {
    let body = object(&[("ErrorCode", code.into()), ("Error", message.into())]);
    json(status, JSON, body)
}

fn invalid_client_id() -> Response {
    error(StatusCode::UNAUTHORIZED, "invalid_client", "ClientId is Invalid")
}

fn fault(message: &str, code: &str, challenge_code: Option<&str>) -> Response {
    let detail = object(&[("errorcode", code.into())]);
    let body = format!(r#"{{"fault":{{"faultstring":{},"detail":{detail}}}}}"#, Value::from(message));
    let mut response = json(StatusCode::UNAUTHORIZED, JSON, body);
    // Apigee sends no challenge by default; RFC 6750 section 3 wants one on every 401.
    response.headers_mut().insert(header::WWW_AUTHENTICATE, challenge("Bearer", "Microbilt", challenge_code));
    response
}

fn invalid_token(access: Option<Access>) -> Response {
    match access {
        None => fault("Invalid access token", "oauth.v2.InvalidAccessToken", None),
        Some(Access::Expired) => {
            fault("Access Token expired", "keymanagement.service.access_token_expired", Some("invalid_token"))
        }
        Some(_) => fault("Invalid Access Token", "keymanagement.service.invalid_access_token", Some("invalid_token")),
    }
}

struct TokenRequest {
    grant_type: String,
    client_id: Option<String>,
    client_secret: Option<String>,
}

/// Reads the request the way the gateway's policy does: a JSON body carries
/// everything; a form body carries the client credentials while the grant
/// type comes from the query string only.
///
/// Not in the document: a repeated parameter (RFC 6749 section 3.2) or client credentials in
/// HTTP Basic and the body (section 2.3) get the gateway's `invalid_request` shape.
async fn token_request(request: Request) -> Result<TokenRequest, Response> {
    let media = media_type(request.headers());
    let query = Form::parse(request.uri().query().unwrap_or("").as_bytes());
    let basic = has_basic(request.headers());
    let repeated = |form: &Form| {
        let name = form.repeated(|_| true)?;
        Some(error(StatusCode::BAD_REQUEST, "invalid_request", &format!("Duplicate parameter : {name}")))
    };
    if let Some(response) = repeated(&query) {
        return Err(response);
    }
    let twice = || error(StatusCode::BAD_REQUEST, "invalid_request", "Client credentials sent more than once");
    match media.as_deref() {
        Some(JSON) => {
            let bytes = read_body(request.into_body()).await?;
            let Ok(Value::Object(object)) = serde_json::from_slice::<Value>(&bytes) else {
                return Err(error(StatusCode::BAD_REQUEST, "invalid_request", "Invalid JSON payload"));
            };
            if let Some(response) = repeated(&Form::from_json(&bytes).unwrap_or_default()) {
                return Err(response);
            }
            let text = |name: &str| object.get(name).and_then(Value::as_str).map(str::to_owned);
            if basic && (object.contains_key("client_id") || object.contains_key("client_secret")) {
                return Err(twice());
            }
            Ok(TokenRequest {
                grant_type: text("grant_type").unwrap_or_default(),
                client_id: text("client_id"),
                client_secret: text("client_secret"),
            })
        }
        Some(FORM) => {
            let form = Form::parse(&read_body(request.into_body()).await?);
            if let Some(response) = repeated(&form) {
                return Err(response);
            }
            if basic && (form.first("client_id").is_some() || form.first("client_secret").is_some()) {
                return Err(twice());
            }
            Ok(TokenRequest {
                grant_type: query.first("grant_type").unwrap_or_default().to_owned(),
                client_id: form.first("client_id").map(str::to_owned),
                client_secret: form.first("client_secret").map(str::to_owned),
            })
        }
        other => Err(error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            &format!("Unsupported Content-Type : {}", other.unwrap_or("")),
        )),
    }
}

async fn token_endpoint(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    shared.count_request(Target::Token);
    if let Some(response) = intercept(&shared, Target::Token).await {
        return response;
    }
    if request.method() != Method::POST {
        let response = error(
            StatusCode::METHOD_NOT_ALLOWED,
            "invalid_request",
            &format!("Unsupported method : {}", request.method()),
        );
        return with_header(response, header::ALLOW, "POST");
    }
    let request = match token_request(request).await {
        Ok(request) => request,
        Err(response) => return response,
    };
    if request.grant_type != "client_credentials" {
        return error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            &format!("Unsupported grant type : {}", request.grant_type),
        );
    }
    let config = &shared.config;
    if request.client_id.as_deref() != Some(config.client_id.as_str()) {
        return invalid_client_id();
    }
    if request.client_secret.as_deref() != Some(config.client_secret.as_str()) {
        return error(StatusCode::UNAUTHORIZED, "invalid_client", "Client credentials are invalid");
    }
    let (lifetime, stated) = shared.issued_lifetime();
    let access = token::alphanumeric(28);
    shared.remember_access(&access, lifetime, shared.new_grant());
    let body = object(&[
        ("issued_at", token::unix_millis(SystemTime::now()).to_string().into()),
        ("expires_in", stated.to_string().into()),
        ("token_type", "BearerToken".into()),
        ("access_token", access.into()),
        ("status", "approved".into()),
    ]);
    json(StatusCode::OK, JSON, body)
}

async fn ping(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    shared.count_request(Target::Api);
    if let Some(response) = intercept(&shared, Target::Api).await {
        return response;
    }
    if request.method() != Method::GET {
        let response = error(
            StatusCode::METHOD_NOT_ALLOWED,
            "invalid_request",
            &format!("Unsupported method : {}", request.method()),
        );
        return with_header(response, header::ALLOW, "GET");
    }
    let access = bearer(request.headers()).map(|t| shared.check_access(t));
    if access != Some(Access::Valid) {
        return invalid_token(access);
    }
    shared.count_authorized();
    json(StatusCode::OK, JSON, object(&[("status", "ok".into()), ("message", "pong".into())]))
}

pub(crate) fn unauthorized(target: Target) -> Response {
    match target {
        Target::Api => invalid_token(Some(Access::Unknown)),
        Target::Token | Target::Refresh | Target::Revocation | Target::Metadata => invalid_client_id(),
    }
}
