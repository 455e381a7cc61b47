//! MPS Monitor: an ASP.NET OWIN (Katana) OAuth authorization server with the
//! `password` grant, rotating refresh tokens and a Web API behind it.

use std::{
    sync::Arc,
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use axum::{
    Router,
    extract::{Request, State},
    http::{Method, StatusCode, header},
    response::Response,
    routing::any,
};

use crate::{
    Target, Vendor,
    fault::{self, intercept},
    http::{FORM, Form, bearer, has_basic, is_media, json, object, read_body, with_header},
    state::{Access, Grant, Shared},
    token,
};

pub(crate) fn router() -> Router<Arc<Shared>> {
    let vendor = Vendor::MpsMonitor;
    Router::new().route(vendor.token_path(), any(token_endpoint)).route(vendor.protected_path(), any(account))
}

const OWIN_JSON: &str = "application/json;charset=UTF-8";
const WEB_API_JSON: &str = "application/json; charset=utf-8";

const INVALID_REQUEST: &str = r#"{"error":"invalid_request"}"#;
const UNSUPPORTED_GRANT_TYPE: &str = r#"{"error":"unsupported_grant_type"}"#;
const INVALID_CLIENT: &str = r#"{"error":"invalid_client","error_description":"Client credentials are invalid."}"#;
const INVALID_USER: &str = r#"{"error":"invalid_grant","error_description":"The user name or password is incorrect."}"#;
const INVALID_SCOPE: &str = r#"{"error":"invalid_scope"}"#;
// Katana rejects an unknown, expired or already used refresh token without a
// description.
const INVALID_REFRESH: &str = r#"{"error":"invalid_grant"}"#;

/// Katana's token endpoint marks every answer, errors included, uncacheable.
fn token_response(status: StatusCode, body: String) -> Response {
    let response = json(status, OWIN_JSON, body);
    let response = with_header(response, header::CACHE_CONTROL, "no-cache");
    let response = with_header(response, header::PRAGMA, "no-cache");
    with_header(response, header::EXPIRES, "-1")
}

fn token_error(body: &str) -> Response {
    token_response(StatusCode::BAD_REQUEST, body.to_owned())
}

async fn token_endpoint(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let bytes = match read_body(body).await {
        Ok(bytes) => bytes,
        Err(response) => {
            shared.count_request(Target::Token);
            return response;
        }
    };
    // Strict: only a POSTed form counts; anything else reads as an empty form,
    // which OWIN answers with unsupported_grant_type.
    let form = if parts.method == Method::POST && is_media(&parts.headers, FORM) {
        Form::parse(&bytes)
    } else {
        Form::default()
    };
    let grant_type = form.joined("grant_type");
    let target = match grant_type.as_deref() {
        Some("refresh_token") => Target::Refresh,
        _ => Target::Token,
    };
    shared.count_request(target);
    let after = match fault::intercept_before(&shared, target).await {
        Ok(after) => after,
        Err(response) => return response,
    };
    let response = token_answer(&shared, &parts, &form, grant_type.as_deref());
    match after {
        Some(fault) => fault::after(&shared, target, fault, response).await,
        None => response,
    }
}

fn token_answer(
    shared: &Shared,
    parts: &axum::http::request::Parts,
    form: &Form,
    grant_type: Option<&str>,
) -> Response {
    // Not in the document: a repeated parameter (RFC 6749 section 3.2) or the client
    // authenticated in HTTP Basic and the body (section 2.3) is refused as Katana refuses
    // malformed requests, with a bare `invalid_request`.
    if form.repeated(|_| true).is_some()
        || (has_basic(&parts.headers) && (form.first("client_id").is_some() || form.first("client_secret").is_some()))
    {
        return token_error(INVALID_REQUEST);
    }
    match grant_type {
        Some("password") => password_grant(shared, form),
        Some("refresh_token") => refresh_grant(shared, form),
        _ => token_error(UNSUPPORTED_GRANT_TYPE),
    }
}

fn client_is_valid(shared: &Shared, form: &Form) -> bool {
    let config = &shared.config;
    form.joined("client_id").as_deref() == Some(config.client_id.as_str())
        && form.joined("client_secret").as_deref() == Some(config.client_secret.as_str())
}

fn password_grant(shared: &Shared, form: &Form) -> Response {
    let config = &shared.config;
    if !client_is_valid(shared, form) {
        return token_error(INVALID_CLIENT);
    }
    if form.joined("username").as_deref() != Some(config.username.as_str())
        || form.joined("password").as_deref() != Some(config.password.as_str())
    {
        return token_error(INVALID_USER);
    }
    if form.joined("scope").as_deref() != Some(config.scope.as_str()) {
        return token_error(INVALID_SCOPE);
    }
    issue(shared, shared.new_grant(), true)
}

fn refresh_grant(shared: &Shared, form: &Form) -> Response {
    if !client_is_valid(shared, form) {
        return token_error(INVALID_CLIENT);
    }
    let rotate = shared.config.rotate_refresh_tokens;
    let refresh = form.joined("refresh_token").unwrap_or_default();
    let grant = if rotate { shared.redeem_refresh(&refresh) } else { shared.use_refresh(&refresh) };
    match grant {
        Some(grant) => issue(shared, grant, rotate),
        None => token_error(INVALID_REFRESH),
    }
}

/// A token response; `with_refresh` is false for a refresh that keeps the old refresh token.
fn issue(shared: &Shared, grant: Grant, with_refresh: bool) -> Response {
    let (lifetime, stated) = shared.issued_lifetime();
    let access = token::alphanumeric(44);
    let refresh = token::hex(32);
    shared.remember_access(&access, lifetime, grant);
    if with_refresh {
        shared.remember_refresh(&refresh, shared.refresh_lifetime(), grant);
    }
    // Katana drops the milliseconds of `.issued` so that it round-trips.
    let issued = UNIX_EPOCH + Duration::from_secs(token::unix_secs(SystemTime::now()));
    let expires = if stated < 0 { issued - Duration::from_secs(60) } else { token::system_after(issued, lifetime) };
    let refresh_field = with_refresh.then(|| ("refresh_token", refresh.into()));
    let fields: Vec<_> =
        [("access_token", access.into()), ("token_type", "bearer".into()), ("expires_in", stated.into())]
            .into_iter()
            .chain(refresh_field)
            .chain([
                ("as:client_id", shared.config.client_id.as_str().into()),
                ("userName", shared.config.username.as_str().into()),
                (".issued", httpdate::fmt_http_date(issued).into()),
                (".expires", httpdate::fmt_http_date(expires).into()),
            ])
            .collect();
    let body = object(&fields);
    token_response(StatusCode::OK, body)
}

fn denied() -> Response {
    let response = json(
        StatusCode::UNAUTHORIZED,
        WEB_API_JSON,
        r#"{"Message":"Authorization has been denied for this request."}"#.to_owned(),
    );
    with_header(response, header::WWW_AUTHENTICATE, "Bearer")
}

async fn account(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    shared.count_request(Target::Api);
    if let Some(response) = intercept(&shared, Target::Api).await {
        return response;
    }
    // Web API selects the action (and may answer 405) before authorizing.
    if request.method() != Method::GET {
        let body = object(&[(
            "Message",
            format!("The requested resource does not support http method '{}'.", request.method()).into(),
        )]);
        let response = json(StatusCode::METHOD_NOT_ALLOWED, WEB_API_JSON, body);
        return with_header(response, header::ALLOW, "GET");
    }
    let access = bearer(request.headers()).map_or(Access::Unknown, |t| shared.check_access(t));
    if access != Access::Valid {
        return denied();
    }
    shared.count_authorized();
    let username = shared.config.username.as_str();
    let body = object(&[
        ("Id", 1.into()),
        ("Name", "MPS Monitor Demo Dealer".into()),
        ("UserName", username.into()),
        ("Email", username.into()),
        ("IsActive", true.into()),
    ]);
    json(StatusCode::OK, WEB_API_JSON, body)
}

pub(crate) fn unauthorized(target: Target) -> Response {
    match target {
        Target::Api => denied(),
        Target::Token | Target::Revocation | Target::Metadata => token_error(INVALID_CLIENT),
        Target::Refresh => token_error(INVALID_REFRESH),
    }
}
