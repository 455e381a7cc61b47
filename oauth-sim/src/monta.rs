//! Monta: a JSON API with its own camelCase token flow. The documentation
//! shows no error bodies; errors use a typical JSON API shape
//! `{"status":401,"errorCode":"...","message":"..."}`.

use std::{sync::Arc, time::SystemTime};

use axum::{
    Router,
    extract::{Request, State},
    http::{HeaderMap, Method, StatusCode, header},
    response::Response,
    routing::any,
};
use serde_json::{Map, Value};

use crate::{
    Target, Vendor,
    fault::intercept,
    http::{Form, JSON, bearer, has_basic, is_media, json, media_type, object, read_body, with_header},
    state::{Access, Grant, Shared},
    token,
};

pub(crate) fn router() -> Router<Arc<Shared>> {
    let vendor = Vendor::Monta;
    Router::new()
        .route(vendor.token_path(), any(token_endpoint))
        .route(vendor.refresh_path().unwrap_or("/auth/refresh"), any(refresh_endpoint))
        .route(vendor.protected_path(), any(me))
}

fn error(status: StatusCode, code: &str, message: &str) -> Response {
    let body = object(&[("status", status.as_u16().into()), ("errorCode", code.into()), ("message", message.into())]);
    json(status, JSON, body)
}

fn bad_credentials() -> Response {
    error(StatusCode::UNAUTHORIZED, "AUTHENTICATION_FAILED", "Invalid client credentials")
}

fn bad_refresh_token() -> Response {
    error(StatusCode::UNAUTHORIZED, "INVALID_REFRESH_TOKEN", "Refresh token is invalid or expired")
}

fn bad_access_token() -> Response {
    let response = error(StatusCode::UNAUTHORIZED, "AUTHENTICATION_FAILED", "Access token is invalid or expired");
    with_header(response, header::WWW_AUTHENTICATE, "Bearer")
}

fn method_not_allowed(method: &Method, allow: &'static str) -> Response {
    let message = format!("Request method '{method}' is not supported");
    let response = error(StatusCode::METHOD_NOT_ALLOWED, "METHOD_NOT_ALLOWED", &message);
    with_header(response, header::ALLOW, allow)
}

/// The JSON object a `POST` with `Content-Type: application/json` carries,
/// or the error Monta answers instead.
async fn json_object(request: Request) -> Result<Map<String, Value>, Response> {
    if request.method() != Method::POST {
        return Err(method_not_allowed(request.method(), "POST"));
    }
    if !is_media(request.headers(), JSON) {
        return Err(unsupported_media_type(request.headers()));
    }
    // Not in the document: client credentials in HTTP Basic besides the body (RFC 6749
    // section 2.3) and repeated fields (section 3.2; Jackson's strict duplicate detection)
    // are refused as malformed requests.
    let basic = has_basic(request.headers());
    let bytes = read_body(request.into_body()).await?;
    let map = match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(map)) => map,
        _ => return Err(error(StatusCode::BAD_REQUEST, "BAD_REQUEST", "Malformed JSON request body")),
    };
    if let Some(name) = Form::from_json(&bytes).unwrap_or_default().repeated(|_| true) {
        return Err(error(StatusCode::BAD_REQUEST, "BAD_REQUEST", &format!("Duplicate field '{name}'")));
    }
    if basic && (map.contains_key("clientId") || map.contains_key("clientSecret")) {
        let message = "Client credentials must be sent in the body only";
        return Err(error(StatusCode::BAD_REQUEST, "BAD_REQUEST", message));
    }
    Ok(map)
}

fn unsupported_media_type(headers: &HeaderMap) -> Response {
    let given = media_type(headers).unwrap_or_else(|| "application/octet-stream".to_owned());
    error(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "UNSUPPORTED_MEDIA_TYPE",
        &format!("Content-Type '{given}' is not supported"),
    )
}

/// A required, non-blank string field, or Monta's 400.
fn field<'a>(object: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    match object.get(name) {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s),
        _ => None,
    }
}

fn blank(name: &str) -> Response {
    error(StatusCode::BAD_REQUEST, "BAD_REQUEST", &format!("{name} must not be blank"))
}

async fn token_endpoint(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    shared.count_request(Target::Token);
    if let Some(response) = intercept(&shared, Target::Token).await {
        return response;
    }
    let object = match json_object(request).await {
        Ok(object) => object,
        Err(response) => return response,
    };
    let Some(client_id) = field(&object, "clientId") else {
        return blank("clientId");
    };
    let Some(client_secret) = field(&object, "clientSecret") else {
        return blank("clientSecret");
    };
    if client_id != shared.config.client_id || client_secret != shared.config.client_secret {
        return bad_credentials();
    }
    issue(&shared, shared.new_grant())
}

async fn refresh_endpoint(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    shared.count_request(Target::Refresh);
    if let Some(response) = intercept(&shared, Target::Refresh).await {
        return response;
    }
    let object = match json_object(request).await {
        Ok(object) => object,
        Err(response) => return response,
    };
    match field(&object, "refreshToken") {
        Some(refresh) => match shared.redeem_refresh(refresh) {
            Some(grant) => issue(&shared, grant),
            None => bad_refresh_token(),
        },
        None => blank("refreshToken"),
    }
}

fn issue(shared: &Shared, grant: Grant) -> Response {
    let (lifetime, stated) = shared.issued_lifetime();
    let refresh_lifetime = shared.refresh_lifetime();
    let access = token::uuid();
    let refresh = token::uuid();
    shared.remember_access(&access, lifetime, grant);
    shared.remember_refresh(&refresh, refresh_lifetime, grant);
    let now = SystemTime::now();
    let expires_at =
        if stated < 0 { now - std::time::Duration::from_secs(60) } else { token::system_after(now, lifetime) };
    let body = object(&[
        ("applicationId", 1.into()),
        ("userId", 1.into()),
        ("accessToken", access.into()),
        ("accessTokenExpirationDate", token::rfc3339_micros(expires_at).into()),
        ("refreshToken", refresh.into()),
        ("refreshTokenExpirationDate", token::rfc3339_micros(token::system_after(now, refresh_lifetime)).into()),
    ]);
    json(StatusCode::OK, JSON, body)
}

async fn me(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    shared.count_request(Target::Api);
    if let Some(response) = intercept(&shared, Target::Api).await {
        return response;
    }
    if request.method() != Method::GET {
        return method_not_allowed(request.method(), "GET");
    }
    let access = bearer(request.headers()).map_or(Access::Unknown, |t| shared.check_access(t));
    if access != Access::Valid {
        return bad_access_token();
    }
    shared.count_authorized();
    let body = object(&[
        ("id", 1.into()),
        ("userId", 1.into()),
        ("name", "Public Api Demo".into()),
        ("clientId", shared.config.client_id.as_str().into()),
        ("clientSecret", Value::Null),
        ("scopes", Value::from(vec!["all"])),
        ("createdAt", "2023-05-04T14:29:06Z".into()),
        ("updatedAt", "2023-05-04T14:29:06Z".into()),
    ]);
    json(StatusCode::OK, JSON, body)
}

pub(crate) fn unauthorized(target: Target) -> Response {
    match target {
        Target::Api => bad_access_token(),
        Target::Token | Target::Revocation | Target::Metadata => bad_credentials(),
        Target::Refresh => bad_refresh_token(),
    }
}
