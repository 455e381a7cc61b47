//! Every answer of the generic simulator that a provider spec does not determine, in one
//! place: the status codes and bodies of errors, the token type, the protected endpoint.
//!
//! A spec says how a vendor wants to be asked and how it answers with a token; it says nothing
//! about how it refuses. The table of these choices is public, in the docs of
//! [`SimConfig::for_spec`](crate::SimConfig::for_spec); the code that makes them is here.

use axum::{
    http::{HeaderValue, StatusCode, header},
    response::Response,
};

use crate::{
    http::{JSON, json, object, with_header},
    state::Access,
};

/// The token type the simulator issues.
pub(crate) const TOKEN_TYPE: &str = "Bearer";
/// The token type of a DPoP-bound token (RFC 9449 section 5).
#[cfg_attr(not(feature = "jwt"), allow(dead_code))]
pub(crate) const DPOP_TOKEN_TYPE: &str = "DPoP";

/// A refused token or refresh request.
#[derive(Debug)]
pub(crate) enum Rejection {
    MethodNotAllowed,
    InvalidRequest(String),
    InvalidClient(String),
    InvalidGrant(String),
    UnsupportedGrantType(String),
    InvalidScope(String),
    /// RFC 9449 section 5: a DPoP proof that is missing or wrong.
    #[cfg_attr(not(feature = "jwt"), allow(dead_code))]
    InvalidDpopProof(String),
    /// RFC 9449 section 8: the proof lacks the server's current nonce (sent in `DPoP-Nonce`).
    #[cfg_attr(not(feature = "jwt"), allow(dead_code))]
    UseDpopNonce,
    /// RFC 8628 section 3.5: the person has not decided yet.
    AuthorizationPending,
    /// RFC 8628 section 3.5: poll less often; the new interval in seconds, stated in the
    /// answer as GitHub does.
    SlowDown(u64),
    /// The person denied the device authorization.
    AccessDenied,
    /// The device code expired.
    ExpiredToken,
}

impl Rejection {
    pub(crate) fn response(self, realm: &str) -> Response {
        let (status, code, description) = match self {
            Rejection::MethodNotAllowed => {
                let response = error(StatusCode::METHOD_NOT_ALLOWED, "invalid_request", "use POST");
                return with_header(response, header::ALLOW, "POST");
            }
            Rejection::InvalidRequest(d) => (StatusCode::BAD_REQUEST, "invalid_request", d),
            Rejection::InvalidClient(d) => {
                let mut response = error(StatusCode::UNAUTHORIZED, "invalid_client", &d);
                response.headers_mut().insert(header::WWW_AUTHENTICATE, challenge("Basic", realm, None));
                return response;
            }
            Rejection::InvalidGrant(d) => (StatusCode::BAD_REQUEST, "invalid_grant", d),
            Rejection::UnsupportedGrantType(d) => (StatusCode::BAD_REQUEST, "unsupported_grant_type", d),
            Rejection::InvalidScope(d) => (StatusCode::BAD_REQUEST, "invalid_scope", d),
            Rejection::InvalidDpopProof(d) => (StatusCode::BAD_REQUEST, "invalid_dpop_proof", d),
            Rejection::UseDpopNonce => (
                StatusCode::BAD_REQUEST,
                "use_dpop_nonce",
                "the DPoP proof must carry the nonce in DPoP-Nonce".to_owned(),
            ),
            Rejection::AuthorizationPending => {
                (StatusCode::BAD_REQUEST, "authorization_pending", "the person has not approved yet".to_owned())
            }
            Rejection::SlowDown(interval) => {
                let body = object(&[
                    ("error", "slow_down".into()),
                    ("error_description", "polling too fast: wait the interval between polls".into()),
                    ("interval", interval.into()),
                ]);
                return json(StatusCode::BAD_REQUEST, JSON, body);
            }
            Rejection::AccessDenied => {
                (StatusCode::BAD_REQUEST, "access_denied", "the person denied the authorization".to_owned())
            }
            Rejection::ExpiredToken => (StatusCode::BAD_REQUEST, "expired_token", "the device code expired".to_owned()),
        };
        error(status, code, &description)
    }
}

fn error(status: StatusCode, code: &str, description: &str) -> Response {
    json(status, JSON, object(&[("error", code.into()), ("error_description", description.into())]))
}

/// `<scheme> realm="<realm>"[, error="<code>"]`, the realm cut down to what a quoted string
/// holds without escapes.
pub(crate) fn challenge(scheme: &str, realm: &str, error: Option<&str>) -> HeaderValue {
    let realm: String =
        realm.chars().filter(|c| c.is_ascii_graphic() && !matches!(c, '"' | '\\') || *c == ' ').collect();
    let mut value = format!("{scheme} realm=\"{realm}\"");
    if let Some(code) = error {
        value.push_str(&format!(", error=\"{code}\""));
    }
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static("Bearer"))
}

/// The protected endpoint's 401 (RFC 6750 section 3): no error code without a token.
pub(crate) fn denied(realm: &str, access: Option<Access>) -> Response {
    let (code, description) = match access {
        None => (None, "a bearer token is required"),
        Some(Access::Expired) => (Some("invalid_token"), "the access token expired"),
        Some(_) => (Some("invalid_token"), "the access token is invalid"),
    };
    let body = match code {
        Some(code) => object(&[("error", code.into()), ("error_description", description.into())]),
        None => object(&[("error_description", description.into())]),
    };
    let mut response = json(StatusCode::UNAUTHORIZED, JSON, body);
    response.headers_mut().insert(header::WWW_AUTHENTICATE, challenge("Bearer", realm, code));
    response
}

/// The protected endpoint's 401 to a DPoP request (RFC 9449 section 7.1): a `DPoP`
/// challenge naming the accepted algorithm, with `code` when a token or proof was presented.
#[cfg_attr(not(feature = "jwt"), allow(dead_code))]
pub(crate) fn dpop_denied(realm: &str, alg: &str, code: Option<&str>, description: &str) -> Response {
    let body = match code {
        Some(code) => object(&[("error", code.into()), ("error_description", description.into())]),
        None => object(&[("error_description", description.into())]),
    };
    let mut response = json(StatusCode::UNAUTHORIZED, JSON, body);
    let base = challenge("DPoP", realm, code);
    let value = format!("{}, algs=\"{alg}\"", base.to_str().unwrap_or("DPoP"));
    response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_str(&value).unwrap_or(base));
    response
}

/// The protected endpoint's 401 with a Bearer challenge naming `code`.
#[cfg_attr(not(feature = "jwt"), allow(dead_code))]
pub(crate) fn denied_with(realm: &str, code: &str, description: &str) -> Response {
    let body = object(&[("error", code.into()), ("error_description", description.into())]);
    let mut response = json(StatusCode::UNAUTHORIZED, JSON, body);
    response.headers_mut().insert(header::WWW_AUTHENTICATE, challenge("Bearer", realm, Some(code)));
    response
}

/// The protected endpoint's answer to a valid token.
pub(crate) fn authorized() -> Response {
    json(StatusCode::OK, JSON, object(&[("ok", true.into())]))
}
