//! The simulator of any declared vendor: it accepts exactly the requests a [`ProviderSpec`]
//! describes and answers with the response shape it declares. What a spec does not say is
//! decided in [`assume`].

mod assertion;
pub(crate) mod assume;
pub(crate) mod code;
pub(crate) mod device;
#[cfg(feature = "jwt")]
pub(crate) mod dpop;
pub(crate) mod endpoints;
mod exchange;

use std::{sync::Arc, time::SystemTime};

use axum::{
    Router,
    extract::{Request, State},
    http::{HeaderMap, Method, StatusCode, Uri, header, request::Parts},
    middleware::Next,
    response::{IntoResponse as _, Response},
};
use oauth_runtime::provider::{
    AssertionScope, BodyStyle, ClientAuth, Expiry, FieldPath, Grant as GrantType, InstantFormat, ProviderSpec, Refresh,
    ResponseFormat, Role,
};
use serde_json::Value;

use self::assume::Rejection;
use crate::{
    Target,
    config::Kind,
    fault::intercept,
    http::{self, FORM, Form, JSON, bearer, media_type, read_body, with_header},
    peer::Peer,
    scope,
    state::{Access, Grant, Shared},
    token,
};

/// The user's routes ([`SimConfig::route`](crate::SimConfig::route)) behind the bearer check.
/// A spec simulator serves everything else from [`dispatch`], so that spec paths are data,
/// never axum route syntax.
pub(crate) fn routes(shared: &Arc<Shared>) -> Router<Arc<Shared>> {
    let mut router = Router::new();
    for route in &shared.config.routes {
        let state = (Arc::clone(shared), Arc::<[RouteScopes]>::from(route.scopes.as_slice()));
        let guarded = Router::new()
            .route(&route.path, route.router.clone().with_state(()))
            .route_layer(axum::middleware::from_fn_with_state(state, guard));
        router = router.merge(guarded);
    }
    router
}

/// The user's routes at the authorization server's origin, with
/// [`SimConfig::separate_origins`](crate::SimConfig::separate_origins): each answers 421.
pub(crate) fn misdirected_routes(shared: &Arc<Shared>) -> Router<Arc<Shared>> {
    shared
        .config
        .routes
        .iter()
        .fold(Router::new(), |router, route| router.route(&route.path, axum::routing::any(crate::origin::api_route)))
}

/// The spec's path without a query string (a token path may carry one).
fn bare(path: &str) -> &str {
    path.split_once('?').map_or(path, |(p, _)| p)
}

/// The spec's token, refresh and protected endpoints.
pub(crate) async fn dispatch(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let spec = shared.config.spec();
    let path = request.uri().path();
    let at = |declared: Option<&str>| declared.is_some_and(|p| path == bare(p));
    let endpoints = &spec.authorization;
    if at(endpoints.authorization_path) {
        let (parts, _) = request.into_parts();
        return code::authorize(&shared, spec, &parts);
    }
    if at(endpoints.device_path) || at(endpoints.par_path) {
        let device = at(endpoints.device_path);
        return authorization_server(&shared, spec, device, request).await;
    }
    let token = path == bare(spec.token.path);
    let refresh = spec.refresh.path().is_some_and(|p| path == bare(p));
    if token || refresh {
        let response = token_endpoint(&shared, spec, token, request).await;
        with_nonce(&shared, shared.config.dpop_nonce_at_token, response)
    } else if spec.revocation_path.is_some_and(|p| path == bare(p)) {
        endpoints::revocation(&shared, spec, request).await
    } else if endpoints::is_metadata(spec, path) {
        let method = request.method().clone();
        endpoints::metadata(&shared, spec, &method).await
    } else if path == shared.config.protected_path {
        let peer = Peer::of(request.extensions());
        let response = protected(&shared, request.method(), request.uri(), request.headers(), &peer, &[])
            .await
            .unwrap_or_else(assume::authorized);
        with_nonce(&shared, shared.config.dpop_nonce_at_api, response)
    } else {
        http::not_found().await
    }
}

/// The scopes a route's requests need, for one method or (`None`) any other.
type RouteScopes = (Option<Method>, Vec<String>);

/// The bearer (or DPoP) check in front of the user's routes, and the scopes the route requires.
async fn guard(
    State((shared, scopes)): State<(Arc<Shared>, Arc<[RouteScopes]>)>,
    request: Request,
    next: Next,
) -> Response {
    let peer = Peer::of(request.extensions());
    let required = crate::config::UserRoute::required(&scopes, request.method());
    let response = match protected(&shared, request.method(), request.uri(), request.headers(), &peer, required).await {
        Some(refused) => refused,
        None => {
            // A strict server refuses a multipart body it cannot read before the handler.
            let (parts, body) = request.into_parts();
            match crate::body::checked(&parts.headers, body).await {
                Ok(body) => next.run(Request::from_parts(parts, body)).await,
                Err(refused) => refused,
            }
        }
    };
    with_nonce(&shared, shared.config.dpop_nonce_at_api, response)
}

/// `response` with the server's current DPoP nonce, where DPoP is declared and `required`.
fn with_nonce(shared: &Shared, required: bool, response: Response) -> Response {
    #[cfg(feature = "jwt")]
    if let (Some(dpop), true) = (&shared.dpop, required) {
        let mut response = response;
        response.headers_mut().insert("dpop-nonce", dpop.nonce());
        return response;
    }
    let _ = (shared, required);
    response
}

/// The URI a request was addressed to, without query and fragment, as a proof's `htu` names
/// it: the listener is plain HTTP, the authority the `Host` header.
#[cfg(feature = "jwt")]
fn request_uri(shared: &Shared, uri: &Uri, headers: &HeaderMap) -> String {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or_default();
    // `https` on the TLS listener: the scheme is the simulator's own.
    let scheme = shared.base_url.split_once("://").map_or("http", |(scheme, _)| scheme);
    format!("{scheme}://{host}{}", uri.path())
}

/// Counts an API request and checks its token, and that the token carries the scopes in
/// `scope`: `None` when it may go on.
async fn protected(
    shared: &Shared,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    peer: &Peer,
    scope: &[String],
) -> Option<Response> {
    shared.count_request(Target::Api);
    if let Some(response) = intercept(shared, Target::Api).await {
        return Some(response);
    }
    #[cfg(feature = "jwt")]
    if let (Some(dpop), Kind::Spec(spec)) = (&shared.dpop, shared.config.kind()) {
        let refused = dpop_protected(shared, spec, dpop, method, uri, headers)
            .or_else(|| crate::scope::check(shared, headers, scope));
        if refused.is_none() {
            shared.count_authorized();
        }
        return refused;
    }
    let _ = (method, uri);
    let token = bearer(headers);
    let access = token.map(|t| shared.check_access(t));
    if access != Some(Access::Valid) {
        return Some(match shared.config.kind() {
            Kind::Vendor(vendor) => vendor.unauthorized(Target::Api),
            Kind::Spec(spec) => assume::denied(spec.name, access),
        });
    }
    // A certificate-bound token is good only on a connection with its certificate (RFC 8705
    // section 3): 401 `invalid_token` otherwise.
    if let Some(bound) = token.and_then(|t| shared.access_binding(t)) {
        if peer.thumbprint().as_deref() != Some(bound.as_str()) {
            return Some(assume::denied(shared.config.spec().name, Some(Access::Unknown)));
        }
    }
    if let Some(refused) = crate::scope::check(shared, headers, scope) {
        return Some(refused);
    }
    shared.count_authorized();
    None
}

/// A DPoP API call (RFC 9449 section 7): `Authorization: DPoP <token>` with a proof by the key
/// the token is bound to, for this request and this token. `None` when it may go on.
#[cfg(feature = "jwt")]
fn dpop_protected(
    shared: &Shared,
    spec: &ProviderSpec,
    dpop: &dpop::DpopState,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
) -> Option<Response> {
    let alg = spec.presentation.dpop_alg().map_or("ES256", |a| a.as_str());
    let deny = |code: Option<&str>, description: &str| assume::dpop_denied(spec.name, alg, code, description);
    if let Some(token) = bearer(headers) {
        // A DPoP-bound token presented as a bearer token (section 7.2): refused.
        let why = if dpop.binding(token).is_some() {
            "a DPoP-bound token must be presented with DPoP"
        } else {
            "the access token is invalid"
        };
        return Some(assume::denied_with(spec.name, "invalid_token", why));
    }
    let Some(token) = http::authorization(headers, "DPoP") else {
        return Some(deny(None, "a DPoP-bound access token and its proof are required"));
    };
    match shared.check_access(token) {
        Access::Valid => {}
        Access::Expired => return Some(deny(Some("invalid_token"), "the access token expired")),
        Access::Unknown => return Some(deny(Some("invalid_token"), "the access token is invalid")),
    }
    let Some(bound) = dpop.binding(token) else {
        return Some(deny(Some("invalid_token"), "the access token is not DPoP-bound"));
    };
    let expected = dpop::Expected {
        method,
        htu: request_uri(shared, uri, headers),
        access_token: Some(token),
        nonce: shared.config.dpop_nonce_at_api,
    };
    let refused = match dpop.check(headers, &expected) {
        Ok(proof) if proof.jkt == bound => return None,
        Ok(_) => "the proof's key is not the key the access token is bound to".to_owned(),
        Err(dpop::Refusal::UseNonce) => {
            shared.count_dpop_nonce_challenge();
            return Some(deny(Some("use_dpop_nonce"), "the DPoP proof must carry the nonce in DPoP-Nonce"));
        }
        Err(dpop::Refusal::Invalid(why)) => why,
    };
    shared.count_dpop_refusal();
    Some(deny(Some("invalid_dpop_proof"), &refused))
}

/// The DPoP proof of a token request, for a spec that declares DPoP: the thumbprint of its
/// key, `None` without DPoP.
fn token_proof(shared: &Shared, sent: &Sent) -> Result<Option<String>, Rejection> {
    #[cfg(feature = "jwt")]
    if let Some(dpop) = &shared.dpop {
        let expected = dpop::Expected {
            method: &sent.parts.method,
            htu: request_uri(shared, &sent.parts.uri, &sent.parts.headers),
            access_token: None,
            nonce: shared.config.dpop_nonce_at_token,
        };
        return match dpop.check(&sent.parts.headers, &expected) {
            Ok(proof) => Ok(Some(proof.jkt)),
            Err(dpop::Refusal::UseNonce) => {
                shared.count_dpop_nonce_challenge();
                Err(Rejection::UseDpopNonce)
            }
            Err(dpop::Refusal::Invalid(why)) => {
                shared.count_dpop_refusal();
                Err(Rejection::InvalidDpopProof(why))
            }
        };
    }
    let _ = (shared, sent);
    Ok(None)
}

/// The parameters of a token request: the body's and the query string's.
pub(crate) struct Sent {
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

/// The device authorization endpoint (`device`) or the pushed authorization request endpoint.
async fn authorization_server(
    shared: &Shared,
    spec: &'static ProviderSpec,
    device: bool,
    request: Request,
) -> Response {
    let (parts, body) = request.into_parts();
    if device {
        shared.count(crate::state::PersonCounter::DeviceAuthorization);
    }
    let bytes = match read_body(body).await {
        Ok(bytes) => bytes,
        Err(response) => return response,
    };
    let sent = parse(spec, parts, &bytes);
    let host = sent.parts.headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("127.0.0.1").to_owned();
    let outcome =
        if device { device::authorization(shared, spec, &sent, &host) } else { code::par(shared, spec, &sent) };
    let response = outcome.unwrap_or_else(|rejection| rejection.response(spec.name));
    declared_shape(spec, &sent.parts.headers, response).await
}

/// The response in the encoding and with the error status the spec declares (GitHub: a form
/// body unless the request accepts JSON, errors with HTTP 200).
async fn declared_shape(spec: &ProviderSpec, request: &HeaderMap, response: Response) -> Response {
    let declared = &spec.response;
    let form = match declared.format {
        ResponseFormat::Form => true,
        ResponseFormat::FormUnlessJsonAccepted => !accepts_json(request),
        _ => false,
    };
    let is_error = response.status().is_client_error();
    let error_status = declared.error_status.and_then(|s| StatusCode::from_u16(s).ok()).filter(|_| is_error);
    if !form && error_status.is_none() {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if let Some(status) = error_status {
        parts.status = status;
    }
    let body = match (form, serde_json::from_slice::<Value>(&bytes)) {
        (true, Ok(Value::Object(fields))) => {
            parts.headers.insert(header::CONTENT_TYPE, axum::http::HeaderValue::from_static(FORM));
            parts.headers.remove(header::CONTENT_LENGTH);
            axum::body::Body::from(http::to_form(&fields))
        }
        _ => axum::body::Body::from(bytes),
    };
    Response::from_parts(parts, body)
}

/// Whether the request's `Accept` names `application/json`.
fn accepts_json(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|item| item.split(';').next().unwrap_or("").trim().eq_ignore_ascii_case(JSON))
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
    // A fault served after processing (`Fault::after_processing`) answers a request the
    // simulator carried out: its tokens were issued, its refresh token rotated.
    let after = match crate::fault::intercept_before(shared, target).await {
        Err(response) => return response,
        Ok(after) => after,
    };
    let outcome = match target {
        Target::Refresh => refresh(shared, spec, &sent),
        _ => match spec.token.grant {
            GrantType::DeviceCode => device::redeem(shared, spec, &sent),
            GrantType::AuthorizationCode => code::redeem(shared, spec, &sent),
            GrantType::RefreshToken => {
                common(spec, &sent).and_then(|()| authenticate(shared, spec, &sent)).and_then(|()| {
                    Err(Rejection::UnsupportedGrantType("this vendor issues tokens for refresh tokens only".to_owned()))
                })
            }
            _ => grant(shared, spec, &sent),
        },
    };
    let response = outcome.unwrap_or_else(|rejection| rejection.response(spec.name));
    let response = declared_shape(spec, &sent.parts.headers, response).await;
    match after {
        Some(fault) => crate::fault::after(shared, target, fault, response).await,
        None => response,
    }
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
        matches!(name, "grant_type" | "scope" | "assertion" | "client_assertion" | "client_assertion_type")
            || spec.fields.iter().any(|f| f.name == name)
            || spec.token.params.iter().any(|(k, _)| *k == name)
            || spec.refresh.param() == Some(name)
            || exchange::PARAMS.contains(&name)
            || (spec.token.grant.needs_person()
                && ["code", "code_verifier", "redirect_uri", "device_code", "scope", "state", "code_challenge"]
                    .contains(&name))
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
pub(crate) fn authenticate(shared: &Shared, spec: &ProviderSpec, sent: &Sent) -> Result<(), Rejection> {
    authenticate_with(shared, spec, sent, false)
}

/// [`authenticate`], where `client_id` may also be a request parameter in the body (a pushed
/// authorization request carries it whatever the client authentication, RFC 9126 section 2.1).
fn authenticate_with(
    shared: &Shared,
    spec: &ProviderSpec,
    sent: &Sent,
    id_is_a_parameter: bool,
) -> Result<(), Rejection> {
    let config = &shared.config;
    let headers = &sent.parts.headers;
    let basic = http::has_basic(headers);
    let id_field = spec.field(Role::ClientId).map(|(_, f)| f.name);
    let secret_field = spec.field(Role::ClientSecret).map(|(_, f)| f.name);
    let in_body = |field: Option<&str>| field.is_some_and(|name| sent.body.first(name).is_some());
    let body_credentials = (!id_is_a_parameter && in_body(id_field)) || in_body(secret_field);
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
        ClientAuth::Tls | ClientAuth::SelfSignedTls => {
            if basic || in_body(secret_field) {
                return Err(Rejection::InvalidClient("a mutual-TLS client sends no secret".to_owned()));
            }
            if id_field.is_some_and(|name| sent.body.value(name) != Some(config.client_id.as_str())) {
                return Err(wrong());
            }
            mutual_tls(shared, spec.token.client_auth, &Peer::of(&sent.parts.extensions))?;
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

/// The certificate of a mutual-TLS client (RFC 8705 section 2): the registered one, or one
/// from the client authority that names the registered DNS name.
#[cfg(feature = "tls")]
fn mutual_tls(shared: &Shared, auth: ClientAuth, peer: &Peer) -> Result<(), Rejection> {
    use crate::tls::{Registration, names};
    let refuse = |why: &str| Err(Rejection::InvalidClient(why.to_owned()));
    let Some(certificate) = peer.certificate.as_deref() else {
        return refuse("no client certificate was presented");
    };
    match (auth, shared.config.tls.as_ref().map(|t| &t.registration)) {
        (ClientAuth::Tls, Some(Registration::SubjectDns(name))) if names(certificate, name) => Ok(()),
        (ClientAuth::SelfSignedTls, Some(Registration::Thumbprints(known)))
            if known.contains(&crate::peer::thumbprint(certificate)) =>
        {
            Ok(())
        }
        (_, Some(Registration::None) | None) => refuse(
            "no mutual-TLS client is registered: configure `SimConfig::tls` with `TlsServer::client_ca` or `TlsServer::self_signed_client`",
        ),
        _ => refuse("the client certificate is not the registered client's"),
    }
}

#[cfg(not(feature = "tls"))]
fn mutual_tls(_: &Shared, _: ClientAuth, _: &Peer) -> Result<(), Rejection> {
    Err(Rejection::InvalidClient("mutual TLS needs oauth-sim's `tls` feature".to_owned()))
}

fn grant(shared: &Shared, spec: &ProviderSpec, sent: &Sent) -> Result<Response, Rejection> {
    common(spec, sent)?;
    let jkt = token_proof(shared, sent)?;
    authenticate(shared, spec, sent)?;
    let expected = spec.token.send_grant_type.then(|| spec.token.grant.as_str());
    check_grant_type(spec, sent, expected)?;
    let bearer = spec.token.grant == GrantType::JwtBearer;
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
            // The scopes the credentials name must be among those sent (a call's own may come
            // along, RFC 6749 section 3.3).
            Role::Param if field.name == "scope" => {
                let expected = config.param_value(field.name).unwrap_or_default();
                match sent.body.value(field.name) {
                    None => return Err(Rejection::InvalidRequest("parameter scope is missing".to_owned())),
                    Some(given) if !scope::covers(&scope::split(given), &scope::split(expected)) => {
                        return Err(Rejection::InvalidScope("scope is wrong".to_owned()));
                    }
                    Some(_) => continue,
                }
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
        let given = sent.body.value(name);
        let fits = match (*name, given) {
            // The vendor's fixed scopes, with any the call adds.
            ("scope", Some(given)) => scope::covers(&scope::split(given), &scope::split(expected)),
            _ => given == Some(*expected),
        };
        if !fits {
            return Err(Rejection::InvalidRequest(format!("parameter {name} is missing or wrong")));
        }
    }
    let asked = sent.body.value("scope");
    check_scope_syntax(spec, asked)?;
    let exchanging = spec.token.grant == GrantType::TokenExchange;
    if exchanging || matches!(spec.token.grant, GrantType::Custom(_)) {
        only_declared(spec, sent, exchanging)?;
    }
    let subject = if exchanging { Some(exchange::check(shared, sent)?) } else { None };
    Ok(issue(shared, spec, shared.new_grant_asking(asked), true, sent, subject.as_deref(), jkt.as_deref()))
}

/// A `scope` sent must be scope tokens separated by single spaces (RFC 6749 section 3.3),
/// unless the spec has a `scope` field, whose value is the credentials' own.
pub(crate) fn check_scope_syntax(spec: &ProviderSpec, scope: Option<&str>) -> Result<(), Rejection> {
    let own_field = spec.fields.iter().any(|f| f.name == "scope");
    match scope {
        Some(scope) if !own_field && !scope::well_formed(scope) => Err(Rejection::InvalidScope(
            "scope must be scope tokens separated by single spaces (RFC 6749 section 3.3)".to_owned(),
        )),
        _ => Ok(()),
    }
}

/// A grant type of the vendor's own (or token exchange) takes exactly its declared parameters:
/// the fields, the fixed parameters, the token parameters a client may add (scope, audience,
/// resource) and, for token exchange, RFC 8693's. Anything else is refused, so a misspelt
/// parameter (`acount_id`) fails loudly instead of the vendor ignoring it.
fn only_declared(spec: &ProviderSpec, sent: &Sent, exchanging: bool) -> Result<(), Rejection> {
    // A client assertion is the client authentication's, whatever the grant.
    let asserts = matches!(spec.token.client_auth, ClientAuth::PrivateKeyJwt | ClientAuth::ClientSecretJwt);
    let declared = |name: &str| {
        matches!(name, "grant_type" | "scope" | "audience" | "resource")
            || (asserts && matches!(name, "client_assertion" | "client_assertion_type"))
            || spec.fields.iter().any(|f| f.name == name)
            || spec.token.params.iter().any(|(k, _)| *k == name)
            || (exchanging && exchange::PARAMS.contains(&name))
    };
    match sent.body.names().find(|name| !declared(name)) {
        Some(name) => Err(Rejection::InvalidRequest(format!("parameter {name} is not a parameter of this grant"))),
        None => Ok(()),
    }
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
    let jkt = token_proof(shared, sent)?;
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
    // A refresh token bound to a key (a public client's, RFC 9449 section 5) is redeemed only
    // with a proof by that key, checked before the token is used up.
    #[cfg(feature = "jwt")]
    if let Some(bound) = shared.dpop.as_ref().and_then(|dpop| dpop.binding(refresh_token)) {
        if jkt.as_deref() != Some(bound.as_str()) {
            shared.count_dpop_refusal();
            return Err(Rejection::InvalidDpopProof(
                "the proof's key is not the key the refresh token is bound to".to_owned(),
            ));
        }
    }
    let rotate = shared.config.rotate_refresh_tokens;
    let grant = if rotate { shared.redeem_refresh(refresh_token) } else { shared.use_refresh(refresh_token) };
    match grant {
        Some(grant) => Ok(issue(shared, spec, grant, rotate, sent, None, jkt.as_deref())),
        None => Err(Rejection::InvalidGrant("the refresh token is invalid, used or expired".to_owned())),
    }
}

/// A token response in the spec's shape: its field names, its expiry, a refresh token where
/// the spec refreshes with one (unless a refresh keeps the old one). A token requested on a
/// connection with a client certificate is bound to it (RFC 8705 section 3); an exchanged one
/// to its subject. With a DPoP proof's key `jkt`, the access token is bound to it and typed
/// `DPoP`, and so is a public client's refresh token (RFC 9449 section 5).
fn issue(
    shared: &Shared,
    spec: &ProviderSpec,
    grant: Grant,
    with_refresh: bool,
    sent: &Sent,
    subject: Option<&str>,
    jkt: Option<&str>,
) -> Response {
    let (lifetime, stated) = shared.issued_lifetime();
    let access = token::b64token(32);
    shared.remember_access(&access, lifetime, grant);
    let (scope, scope_stated) = scope::issued(shared, grant, sent.body.value("scope"));
    shared.remember_access_scope(&access, scope.clone());
    if let Some(thumbprint) = Peer::of(&sent.parts.extensions).thumbprint() {
        shared.bind_access(&access, thumbprint);
    }
    if let Some(subject) = subject {
        shared.bind_subject(&access, subject);
    }
    #[cfg(feature = "jwt")]
    let bind = |token: &str| {
        if let (Some(dpop), Some(jkt)) = (&shared.dpop, jkt) {
            dpop.bind(token, jkt);
        }
    };
    #[cfg(not(feature = "jwt"))]
    let bind = |_: &str| {};
    bind(&access);
    let token_type = if jkt.is_some() { assume::DPOP_TOKEN_TYPE } else { assume::TOKEN_TYPE };
    let response = &spec.response;
    let mut body = Value::Object(serde_json::Map::new());
    put(&mut body, response.access_token, access.into());
    put(&mut body, response.token_type, token_type.into());
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
        if spec.token.client_auth == ClientAuth::None {
            bind(&refresh);
        }
        put(&mut body, response.refresh_token, refresh.into());
    }
    if scope_stated {
        put(&mut body, FieldPath::name("scope"), scope.join(" ").into());
    }
    if subject.is_some() {
        // RFC 8693 section 2.2.1: required in a token exchange's answer.
        put(&mut body, FieldPath::name("issued_token_type"), exchange::ACCESS_TOKEN.into());
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
