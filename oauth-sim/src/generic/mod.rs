//! The simulator of any declared vendor: it accepts exactly the requests a [`ProviderSpec`]
//! describes and answers with the response shape it declares. What a spec does not say is
//! decided in [`assume`].

mod assertion;
pub(crate) mod assume;

use std::{sync::Arc, time::SystemTime};

use axum::{
    Router,
    extract::{Request, State},
    http::{HeaderMap, Method, StatusCode, header, request::Parts},
    middleware::Next,
    response::Response,
};
use oauth_runtime::provider::{
    AssertionScope, BodyStyle, ClientAuth, Expiry, FieldPath, Grant as SpecGrant, InstantFormat, ProviderSpec, Refresh,
    Role,
};
use serde_json::Value;

use self::assume::Rejection;
use crate::{
    Target,
    config::Kind,
    fault::intercept,
    http::{self, FORM, Form, JSON, bearer, media_type, read_body, with_header},
    state::{Access, Grant, Shared},
    token,
};

/// The user's routes ([`SimConfig::route`](crate::SimConfig::route)) behind the bearer check.
/// A spec simulator serves everything else from [`dispatch`], so that spec paths are data,
/// never axum route syntax.
pub(crate) fn routes(shared: &Arc<Shared>) -> Router<Arc<Shared>> {
    let mut router = Router::new();
    for (path, route) in &shared.config.routes {
        let guarded = Router::new()
            .route(path, route.clone().with_state(()))
            .route_layer(axum::middleware::from_fn_with_state(Arc::clone(shared), guard));
        router = router.merge(guarded);
    }
    router
}

/// The spec's path without a query string (a token path may carry one).
fn bare(path: &str) -> &str {
    path.split_once('?').map_or(path, |(p, _)| p)
}

/// The spec's token, refresh and protected endpoints.
pub(crate) async fn dispatch(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let spec = shared.config.spec();
    let path = request.uri().path();
    let token = path == bare(spec.token.path);
    let refresh = spec.refresh.path().is_some_and(|p| path == bare(p));
    if token || refresh {
        token_endpoint(&shared, spec, token, request).await
    } else if path == shared.config.protected_path {
        protected(&shared, request.headers()).await.unwrap_or_else(assume::authorized)
    } else {
        http::not_found().await
    }
}

/// The bearer check in front of the user's routes.
async fn guard(State(shared): State<Arc<Shared>>, request: Request, next: Next) -> Response {
    match protected(&shared, request.headers()).await {
        Some(refused) => refused,
        None => next.run(request).await,
    }
}

/// Counts an API request and checks its token: `None` when it may go on.
async fn protected(shared: &Shared, headers: &HeaderMap) -> Option<Response> {
    shared.count_request(Target::Api);
    if let Some(response) = intercept(shared, Target::Api).await {
        return Some(response);
    }
    let access = bearer(headers).map(|t| shared.check_access(t));
    if access != Some(Access::Valid) {
        return Some(match shared.config.kind() {
            Kind::Vendor(vendor) => vendor.unauthorized(Target::Api),
            Kind::Spec(spec) => assume::denied(spec.name, access),
        });
    }
    shared.count_authorized();
    None
}

/// The parameters of a token request: the body's and the query string's.
struct Sent {
    parts: Parts,
    body: Form,
    query: Form,
    /// The body was of the spec's content type and parsed.
    body_ok: Result<(), String>,
}

fn grant_type_in_query(spec: &ProviderSpec) -> bool {
    spec.token.body_style == BodyStyle::FormGrantInQuery
}

/// The 401 served for [`Fault::Unauthorized`](crate::Fault::Unauthorized).
pub(crate) fn unauthorized(spec: &ProviderSpec, target: Target) -> Response {
    match target {
        Target::Api => assume::denied(spec.name, Some(Access::Unknown)),
        Target::Refresh => Rejection::InvalidGrant("the refresh token is invalid".to_owned()).response(spec.name),
        _ => Rejection::InvalidClient("client authentication failed".to_owned()).response(spec.name),
    }
}

async fn token_endpoint(shared: &Shared, spec: &'static ProviderSpec, at_token: bool, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let bytes = match read_body(body).await {
        Ok(bytes) => bytes,
        Err(response) => {
            shared.count_request(if at_token { Target::Token } else { Target::Refresh });
            return response;
        }
    };
    let sent = parse(spec, parts, &bytes);
    let target = classify(spec, at_token, &sent);
    shared.count_request(target);
    if let Some(response) = intercept(shared, target).await {
        return response;
    }
    let outcome = match target {
        Target::Refresh => refresh(shared, spec, &sent),
        _ => grant(shared, spec, &sent),
    };
    outcome.unwrap_or_else(|rejection| rejection.response(spec.name))
}

fn parse(spec: &ProviderSpec, parts: Parts, bytes: &[u8]) -> Sent {
    let query = Form::parse(parts.uri.query().unwrap_or("").as_bytes());
    let expected = match spec.token.body_style {
        BodyStyle::Json => JSON,
        _ => FORM,
    };
    let given = media_type(&parts.headers);
    let (body, body_ok) = if given.as_deref() != Some(expected) {
        let given = given.unwrap_or_else(|| "none".to_owned());
        (Form::default(), Err(format!("Content-Type {given} is not supported: send {expected}")))
    } else if expected == JSON {
        match Form::from_json(bytes) {
            Some(form) => (form, Ok(())),
            None => (Form::default(), Err("the body is not a JSON object".to_owned())),
        }
    } else {
        (Form::parse(bytes), Ok(()))
    };
    Sent { parts, body, query, body_ok }
}

/// A grant or a refresh: at a path that serves both, by `grant_type=refresh_token` or, for an
/// endpoint refresh, by the refresh parameter.
fn classify(spec: &ProviderSpec, at_token: bool, sent: &Sent) -> Target {
    let at_refresh = spec.refresh.path().is_some_and(|p| bare(p) == sent.parts.uri.path());
    if !at_refresh {
        return Target::Token;
    }
    if !at_token {
        return Target::Refresh;
    }
    match spec.refresh {
        Refresh::RefreshTokenGrant { .. } => {
            let place = if grant_type_in_query(spec) { &sent.query } else { &sent.body };
            if place.value("grant_type") == Some("refresh_token") { Target::Refresh } else { Target::Token }
        }
        Refresh::Endpoint { param, .. } if sent.body.has(param) => Target::Refresh,
        _ => Target::Token,
    }
}

/// The checks every token request passes: method, content type, body, repeated parameters.
fn common(spec: &ProviderSpec, sent: &Sent) -> Result<(), Rejection> {
    if sent.parts.method != Method::POST {
        return Err(Rejection::MethodNotAllowed);
    }
    sent.body_ok.clone().map_err(Rejection::InvalidRequest)?;
    let recognized = |name: &str| {
        matches!(name, "grant_type" | "assertion" | "client_assertion" | "client_assertion_type")
            || spec.fields.iter().any(|f| f.name == name)
            || spec.token.params.iter().any(|(k, _)| *k == name)
            || spec.refresh.param() == Some(name)
    };
    if let Some(name) = sent.body.repeated(recognized).or_else(|| sent.query.repeated(recognized)) {
        return Err(Rejection::InvalidRequest(format!("parameter {name} is repeated")));
    }
    if sent.body.first("grant_type").is_some() && sent.query.first("grant_type").is_some() {
        return Err(Rejection::InvalidRequest("parameter grant_type is repeated".to_owned()));
    }
    Ok(())
}

/// `grant_type` is `expected`, sent where the spec puts it, or absent if the spec sends none.
fn check_grant_type(spec: &ProviderSpec, sent: &Sent, expected: Option<&str>) -> Result<(), Rejection> {
    let in_query = grant_type_in_query(spec);
    let (place, other, where_) =
        if in_query { (&sent.query, &sent.body, "the query string") } else { (&sent.body, &sent.query, "the body") };
    let Some(expected) = expected else {
        return match sent.body.first("grant_type").or(sent.query.first("grant_type")) {
            Some(_) => Err(Rejection::InvalidRequest("grant_type is not expected here".to_owned())),
            None => Ok(()),
        };
    };
    if other.first("grant_type").is_some() {
        return Err(Rejection::InvalidRequest(format!("grant_type belongs in {where_}")));
    }
    match place.value("grant_type") {
        None => Err(Rejection::InvalidRequest(format!("grant_type is missing from {where_}"))),
        Some(given) if given != expected => {
            Err(Rejection::UnsupportedGrantType(format!("grant type {given} is not supported")))
        }
        Some(_) => Ok(()),
    }
}

/// Client authentication as the spec declares it (RFC 6749 sections 2.3 and 3.2.1).
fn authenticate(shared: &Shared, spec: &ProviderSpec, sent: &Sent) -> Result<(), Rejection> {
    let config = &shared.config;
    let headers = &sent.parts.headers;
    let basic = http::has_basic(headers);
    let id_field = spec.field(Role::ClientId).map(|(_, f)| f.name);
    let secret_field = spec.field(Role::ClientSecret).map(|(_, f)| f.name);
    let in_body = |field: Option<&str>| field.is_some_and(|name| sent.body.first(name).is_some());
    let body_credentials = in_body(id_field) || in_body(secret_field);
    if basic && body_credentials {
        return Err(Rejection::InvalidRequest("client credentials sent both in HTTP Basic and in the body".to_owned()));
    }
    let wrong = || Rejection::InvalidClient("client authentication failed".to_owned());
    let assertion = sent.body.first("client_assertion").is_some() || sent.body.first("client_assertion_type").is_some();
    if assertion && (basic || in_body(secret_field)) {
        return Err(Rejection::InvalidRequest("more than one client authentication method".to_owned()));
    }
    match spec.token.client_auth {
        ClientAuth::PrivateKeyJwt | ClientAuth::ClientSecretJwt => {
            if sent.body.value("client_assertion_type") != Some(oauth_runtime::auth::CLIENT_ASSERTION_TYPE) {
                return Err(Rejection::InvalidClient(format!(
                    "client_assertion_type must be {}",
                    oauth_runtime::auth::CLIENT_ASSERTION_TYPE
                )));
            }
            let token = sent
                .body
                .value("client_assertion")
                .ok_or_else(|| Rejection::InvalidClient("client_assertion is missing".to_owned()))?;
            assertion::verify(shared, spec, sent, token, assertion::Purpose::Client)
                .map_err(Rejection::InvalidClient)?;
        }
        ClientAuth::Basic | ClientAuth::BasicRaw => {
            let decoded = if spec.token.client_auth == ClientAuth::Basic {
                http::basic_credentials(headers)
            } else {
                http::basic_raw_credentials(headers)
            };
            let (id, secret) = decoded.ok_or_else(wrong)?;
            if id != config.client_id || secret != config.client_secret {
                return Err(wrong());
            }
        }
        ClientAuth::None => {
            if basic || in_body(secret_field) {
                return Err(Rejection::InvalidClient("a public client sends no secret".to_owned()));
            }
            if let Some(name) = id_field
                && sent.body.value(name) != Some(config.client_id.as_str())
            {
                return Err(wrong());
            }
        }
        _ => {
            if basic {
                return Err(wrong());
            }
            for (field, expected) in [(id_field, &config.client_id), (secret_field, &config.client_secret)] {
                if let Some(name) = field
                    && sent.body.value(name) != Some(expected.as_str())
                {
                    return Err(wrong());
                }
            }
        }
    }
    Ok(())
}

fn grant(shared: &Shared, spec: &ProviderSpec, sent: &Sent) -> Result<Response, Rejection> {
    common(spec, sent)?;
    authenticate(shared, spec, sent)?;
    let expected = spec.token.send_grant_type.then(|| spec.token.grant.as_str());
    check_grant_type(spec, sent, expected)?;
    let bearer = spec.token.grant == SpecGrant::JwtBearer;
    let claimed;
    let sent = if bearer {
        claimed = jwt_bearer(shared, spec, sent)?;
        &claimed
    } else {
        sent
    };
    let config = &shared.config;
    for field in spec.fields {
        let (expected, wrong): (&str, fn(String) -> Rejection) = match field.role {
            // The assertion's `sub`, checked with it.
            Role::Username if bearer => continue,
            Role::Username => (&config.username, Rejection::InvalidGrant),
            Role::Password => (&config.password, Rejection::InvalidGrant),
            Role::Param if field.name == "scope" => {
                (config.param_value(field.name).unwrap_or_default(), Rejection::InvalidScope)
            }
            Role::Param => (config.param_value(field.name).unwrap_or_default(), Rejection::InvalidRequest),
            _ => continue,
        };
        match sent.body.value(field.name) {
            None => return Err(Rejection::InvalidRequest(format!("parameter {} is missing", field.name))),
            Some(given) if given != expected => return Err(wrong(format!("{} is wrong", field.name))),
            Some(_) => {}
        }
    }
    for (name, expected) in spec.token.params {
        if sent.body.value(name) != Some(*expected) {
            return Err(Rejection::InvalidRequest(format!("parameter {name} is missing or wrong")));
        }
    }
    Ok(issue(shared, spec, shared.new_grant(), true))
}

/// A JWT-bearer grant's assertion, verified: the request as the rest of the checks read it,
/// with the scope claim as the scope parameter where the vendor puts the scope there.
fn jwt_bearer(shared: &Shared, spec: &ProviderSpec, sent: &Sent) -> Result<Sent, Rejection> {
    let token = sent
        .body
        .value("assertion")
        .ok_or_else(|| Rejection::InvalidRequest("parameter assertion is missing".to_owned()))?;
    let claims =
        assertion::verify(shared, spec, sent, token, assertion::Purpose::Grant).map_err(Rejection::InvalidGrant)?;
    let mut body = sent.body.clone();
    if spec.token.assertion.scope == AssertionScope::Claim {
        if body.first("scope").is_some() {
            return Err(Rejection::InvalidRequest("the scope goes in the assertion, not in the body".to_owned()));
        }
        if let Some(scope) = claims.get("scope").and_then(Value::as_str) {
            body.push("scope", scope);
        }
    }
    Ok(Sent { parts: sent.parts.clone(), body, query: sent.query.clone(), body_ok: sent.body_ok.clone() })
}

fn refresh(shared: &Shared, spec: &ProviderSpec, sent: &Sent) -> Result<Response, Rejection> {
    common(spec, sent)?;
    let param = match spec.refresh {
        Refresh::RefreshTokenGrant { param, .. } => {
            authenticate(shared, spec, sent)?;
            check_grant_type(spec, sent, Some("refresh_token"))?;
            param
        }
        Refresh::Endpoint { param, .. } => {
            // The vendor's own endpoint takes the refresh token alone, in a body of the
            // token endpoint's style: no grant type, nothing in the query.
            if sent.body.first("grant_type").is_some() || sent.query.first("grant_type").is_some() {
                return Err(Rejection::InvalidRequest("grant_type is not expected here".to_owned()));
            }
            param
        }
        _ => return Err(Rejection::UnsupportedGrantType("this vendor issues no refresh tokens".to_owned())),
    };
    let Some(refresh_token) = sent.body.value(param) else {
        return Err(Rejection::InvalidRequest(format!("parameter {param} is missing")));
    };
    let rotate = shared.config.rotate_refresh_tokens;
    let grant = if rotate { shared.redeem_refresh(refresh_token) } else { shared.use_refresh(refresh_token) };
    match grant {
        Some(grant) => Ok(issue(shared, spec, grant, rotate)),
        None => Err(Rejection::InvalidGrant("the refresh token is invalid, used or expired".to_owned())),
    }
}

/// A token response in the spec's shape: its field names, its expiry, a refresh token where
/// the spec refreshes with one (unless a refresh keeps the old one).
fn issue(shared: &Shared, spec: &ProviderSpec, grant: Grant, with_refresh: bool) -> Response {
    let (lifetime, stated) = shared.issued_lifetime();
    let access = token::b64token(32);
    shared.remember_access(&access, lifetime, grant);
    let response = &spec.response;
    let mut body = Value::Object(serde_json::Map::new());
    put(&mut body, response.access_token, access.into());
    put(&mut body, response.token_type, assume::TOKEN_TYPE.into());
    let now = SystemTime::now();
    let at = if stated < 0 { now - std::time::Duration::from_secs(60) } else { token::system_after(now, lifetime) };
    match response.expiry {
        Expiry::ExpiresIn { 0: field, .. } => put(&mut body, field, stated.into()),
        Expiry::At { 0: field, 1: format, .. } => put(&mut body, field, instant(at, format)),
        _ => {}
    }
    if with_refresh && spec.refresh != Refresh::Regrant {
        let refresh = token::b64token(32);
        shared.remember_refresh(&refresh, shared.refresh_lifetime(), grant);
        put(&mut body, response.refresh_token, refresh.into());
    }
    let response = http::json(StatusCode::OK, JSON, body.to_string());
    let response = with_header(response, header::CACHE_CONTROL, "no-store");
    with_header(response, header::PRAGMA, "no-cache")
}

/// Writes `value` at `path`, creating the objects (and, for digit segments, the arrays) on
/// the way, so a nested response mapping gets the nesting it reads.
fn put(body: &mut Value, path: FieldPath, value: Value) {
    let segments: Vec<&str> = path.segments().collect();
    let mut at = body;
    for (i, segment) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        let next = if last {
            value.clone()
        } else if segments[i + 1].parse::<usize>().is_ok() {
            Value::Array(Vec::new())
        } else {
            Value::Object(serde_json::Map::new())
        };
        at = match (at, segment.parse::<usize>()) {
            (Value::Array(items), Ok(index)) => {
                while items.len() <= index {
                    items.push(Value::Null);
                }
                if last || items[index].is_null() {
                    items[index] = next;
                }
                &mut items[index]
            }
            (Value::Object(map), _) if last => {
                map.insert((*segment).to_owned(), next);
                return;
            }
            (Value::Object(map), _) => map.entry((*segment).to_owned()).or_insert(next),
            // A path through a value that is neither an object nor an array: nothing to write.
            _ => return,
        };
    }
}

fn instant(at: SystemTime, format: InstantFormat) -> Value {
    match format {
        InstantFormat::Rfc3339 => token::rfc3339_micros(at).into(),
        InstantFormat::HttpDate => httpdate::fmt_http_date(at).into(),
        InstantFormat::EpochMillis => u64::try_from(token::unix_millis(at)).unwrap_or(u64::MAX).into(),
        _ => token::unix_secs(at).into(),
    }
}
