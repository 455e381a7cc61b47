//! A spec simulator's revocation endpoint (RFC 7009) and metadata document (RFC 8414, OpenID
//! discovery), which describes the simulator itself.

use axum::{
    extract::Request,
    http::{Method, StatusCode, header},
    response::{IntoResponse as _, Response},
};
use oauth_runtime::provider::{ProviderSpec, Refresh};
use serde_json::{Value, json};

use super::{Sent, assume::Rejection, authenticate};
use crate::{
    Target,
    fault::intercept,
    http::{self, FORM, Form, JSON, media_type, read_body},
    state::Shared,
};

const RFC8414: &str = "/.well-known/oauth-authorization-server";
const OPENID: &str = "/.well-known/openid-configuration";

/// The issuer the simulator is: its base URL, followed by the spec's `issuer` when that is a
/// path (an absolute one names a real host the simulator cannot be).
pub(crate) fn issuer(shared: &Shared) -> String {
    format!("{}{}", shared.base_url, issuer_path(shared.config.spec()))
}

fn issuer_path(spec: &ProviderSpec) -> &'static str {
    spec.issuer.filter(|i| i.starts_with('/')).map_or("", |i| i.trim_end_matches('/'))
}

/// Where the metadata document is served (RFC 8414's path, OpenID discovery's).
#[cfg(feature = "openapi")]
pub(crate) fn metadata_paths(spec: &ProviderSpec) -> [String; 2] {
    let at = issuer_path(spec);
    [format!("{RFC8414}{at}"), format!("{at}{OPENID}")]
}

/// Whether `path` is where the metadata document is served.
pub(crate) fn is_metadata(spec: &ProviderSpec, path: &str) -> bool {
    let at = issuer_path(spec);
    path == format!("{RFC8414}{at}") || path == format!("{at}{OPENID}")
}

/// The metadata document.
pub(crate) async fn metadata(shared: &Shared, spec: &'static ProviderSpec, method: &Method) -> Response {
    shared.count_request(Target::Metadata);
    if let Some(response) = intercept(shared, Target::Metadata).await {
        return response;
    }
    if method != Method::GET && method != Method::HEAD {
        return Rejection::MethodNotAllowed.response(spec.name);
    }
    let base = &shared.base_url;
    let bare = |path: &str| path.split_once('?').map_or(path, |(p, _)| p).to_owned();
    let auth_method = spec.token.client_auth.registered_name();
    let mut grants = vec![spec.token.grant.as_str()];
    if !matches!(spec.refresh, Refresh::Regrant) {
        grants.push("refresh_token");
    }
    let mut document = json!({
        "issuer": shared.config.metadata_issuer.clone().unwrap_or_else(|| issuer(shared)),
        "token_endpoint": format!("{base}{}", bare(spec.token.path)),
        "token_endpoint_auth_methods_supported": auth_method.into_iter().collect::<Vec<_>>(),
        "grant_types_supported": grants,
        "response_types_supported": Vec::<&str>::new(),
    });
    if let Some(path) = spec.revocation_path {
        document["revocation_endpoint"] = Value::String(format!("{base}{path}"));
        document["revocation_endpoint_auth_methods_supported"] = json!(auth_method.into_iter().collect::<Vec<_>>());
    }
    http::json(StatusCode::OK, JSON, document.to_string())
}

/// The revocation endpoint: the client authenticated as at the token endpoint, the token
/// revoked (a refresh token with its family), 200 whether it was known or not.
pub(crate) async fn revocation(shared: &Shared, spec: &'static ProviderSpec, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let bytes = match read_body(body).await {
        Ok(bytes) => bytes,
        Err(response) => {
            shared.count_request(Target::Revocation);
            return response;
        }
    };
    shared.count_request(Target::Revocation);
    if let Some(response) = intercept(shared, Target::Revocation).await {
        return response;
    }
    let body_ok = match media_type(&parts.headers) {
        Some(given) if given == FORM => Ok(()),
        given => Err(format!("Content-Type {} is not supported: send {FORM}", given.as_deref().unwrap_or("none"))),
    };
    let sent = Sent {
        body: if body_ok.is_ok() { Form::parse(&bytes) } else { Form::default() },
        query: Form::parse(parts.uri.query().unwrap_or("").as_bytes()),
        parts,
        body_ok,
    };
    revoke(shared, spec, &sent).unwrap_or_else(|rejection| rejection.response(spec.name))
}

fn revoke(shared: &Shared, spec: &ProviderSpec, sent: &Sent) -> Result<Response, Rejection> {
    if sent.parts.method != Method::POST {
        return Err(Rejection::MethodNotAllowed);
    }
    sent.body_ok.clone().map_err(Rejection::InvalidRequest)?;
    if let Some(name) = sent.body.repeated(|name| matches!(name, "token" | "token_type_hint")) {
        return Err(Rejection::InvalidRequest(format!("parameter {name} is repeated")));
    }
    authenticate(shared, spec, sent)?;
    let Some(token) = sent.body.value("token") else {
        return Err(Rejection::InvalidRequest("parameter token is missing".to_owned()));
    };
    // The hint only speeds a search up (section 2.1); an unknown token is no error (2.2).
    shared.revoke_token(token);
    Ok((StatusCode::OK, [(header::CACHE_CONTROL, "no-store")]).into_response())
}
