//! Deyel: `client_credentials` with the client authenticated only by HTTP
//! Basic, JWT access tokens, no refresh. The documentation names no paths;
//! the simulator uses `/oauth/token` and `/api/v1/me`.

use std::sync::Arc;

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
    http::{FORM, Form, JSON, basic_credentials, bearer, is_media, json, object, read_body},
    http::{object_with, with_header},
    state::{Access, Shared},
    token,
};

pub(crate) fn router() -> Router<Arc<Shared>> {
    let vendor = Vendor::Deyel;
    Router::new().route(vendor.token_path(), any(token_endpoint)).route(vendor.protected_path(), any(me))
}

/// Deyel's documented failure body, spacing and key order included:
/// `{"error_description": "Invalid client_id", "error": "Invalid_request"}`.
fn error(status: StatusCode, description: &str, code: &str) -> Response {
    let body = object_with(&[("error_description", description.into()), ("error", code.into())], ", ", ": ");
    json(status, JSON, body)
}

fn invalid_request(description: &str) -> Response {
    error(StatusCode::BAD_REQUEST, description, "Invalid_request")
}

/// The protected endpoint's 401; the document shows none, so the body follows the token
/// endpoint's and the challenge RFC 6750 section 3 (no error code without a token).
fn invalid_token(access: Option<Access>) -> Response {
    let description = match access {
        Some(Access::Expired) => "Expired token",
        _ => "Invalid token",
    };
    let mut response = error(StatusCode::UNAUTHORIZED, description, "Invalid_token");
    let code = access.map(|_| "invalid_token");
    response.headers_mut().insert(header::WWW_AUTHENTICATE, challenge("Bearer", "Deyel", code));
    response
}

async fn token_endpoint(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    shared.count_request(Target::Token);
    if let Some(response) = intercept(&shared, Target::Token).await {
        return response;
    }
    if request.method() != Method::POST {
        let response = error(StatusCode::METHOD_NOT_ALLOWED, "Method not allowed", "Invalid_request");
        return with_header(response, header::ALLOW, "POST");
    }
    let config = &shared.config;
    let Some((client_id, client_secret)) = basic_credentials(request.headers()) else {
        return invalid_request("Invalid client_id");
    };
    if client_id != config.client_id {
        return invalid_request("Invalid client_id");
    }
    if client_secret != config.client_secret {
        return invalid_request("Invalid client_secret");
    }
    // Parameters are read from a form body only; any other body has none.
    let form = if is_media(request.headers(), FORM) {
        match read_body(request.into_body()).await {
            Ok(bytes) => Form::parse(&bytes),
            Err(response) => return response,
        }
    } else {
        Form::default()
    };
    // Not in the document: parameters repeated (RFC 6749 section 3.2) or the client
    // authenticated twice (section 2.3) get its usual failure body.
    if let Some(name) = form.repeated(|_| true) {
        return invalid_request(&format!("Duplicate parameter {name}"));
    }
    if form.first("client_id").is_some() || form.first("client_secret").is_some() {
        return invalid_request("Client credentials must be sent only in the Authorization header");
    }
    if form.first("grant_type") != Some("client_credentials") {
        return invalid_request("Invalid grant_type");
    }
    let (lifetime, stated) = shared.issued_lifetime();
    let access = token::deyel_jwt(&config.client_id, lifetime);
    shared.remember_access(&access, lifetime, shared.new_grant());
    let body = object_with(
        &[("access_token", access.into()), ("token_type", "Bearer".into()), ("expires_in", stated.into())],
        ", ",
        ": ",
    );
    let response = json(StatusCode::OK, JSON, body);
    let response = with_header(response, header::CACHE_CONTROL, "no-store");
    with_header(response, header::PRAGMA, "no-cache")
}

async fn me(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    shared.count_request(Target::Api);
    if let Some(response) = intercept(&shared, Target::Api).await {
        return response;
    }
    if request.method() != Method::GET {
        let response = error(StatusCode::METHOD_NOT_ALLOWED, "Method not allowed", "Invalid_request");
        return with_header(response, header::ALLOW, "GET");
    }
    let access = bearer(request.headers()).map(|t| shared.check_access(t));
    if access != Some(Access::Valid) {
        return invalid_token(access);
    }
    shared.count_authorized();
    let body = object(&[
        ("sub", shared.config.client_id.as_str().into()),
        ("iss", "Deyel".into()),
        ("grant_type", "client_credentials".into()),
        ("permissions", Value::from(vec!["USUARIOFINAL"])),
    ]);
    json(StatusCode::OK, JSON, body)
}

pub(crate) fn unauthorized(target: Target) -> Response {
    match target {
        Target::Api => invalid_token(Some(Access::Unknown)),
        Target::Token | Target::Refresh | Target::Revocation | Target::Metadata => invalid_request("Invalid client_id"),
    }
}
