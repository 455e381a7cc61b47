//! The authorization code grant with PKCE (RFC 6749 section 4.1, RFC 7636) and pushed
//! authorization requests (RFC 9126), strictly.
//!
//! The authorization endpoint (a `GET` from the person's browser) checks the client id and
//! the redirect URI first, and answers a mistake in either with a 400 page, never a redirect
//! (section 4.1.2.1). The redirect URI must be a loopback one, `http://127.0.0.1:<any
//! port><the spec's redirect path>` (RFC 8252 section 7.3). Then `response_type=code`, a
//! `code_challenge` with `code_challenge_method=S256` (`plain`, or no method, is refused:
//! `invalid_request`), and the person's decision ([`Simulator::deny_authorizations`]): a
//! `302` to the redirect URI with `code` and the request's `state`, or with
//! `error=access_denied`. Where the spec declares a PAR endpoint, the authorization endpoint
//! takes only `client_id` and a `request_uri` from it (one use, 60 s).
//!
//! At the token endpoint a code is one-time: a second use is `invalid_grant` and revokes the
//! tokens the first one issued (section 4.1.2). It must be unexpired, of the same client,
//! sent with exactly the authorization request's `redirect_uri`, and with the verifier whose
//! `S256` challenge was sent (43 to 128 unreserved characters).
//!
//! [`Simulator::deny_authorizations`]: crate::Simulator::deny_authorizations

use std::{
    collections::HashMap,
    time::{Duration, Instant},
};

use axum::{
    http::{HeaderValue, StatusCode, Uri, header, request::Parts},
    response::{IntoResponse as _, Response},
};
use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use oauth_runtime::provider::{ProviderSpec, Role};
use sha2::{Digest as _, Sha256};

use super::{Sent, assume::Rejection, authenticate, authenticate_with, check_grant_type, common, issue};
use crate::{
    http::{self, Form, JSON, object, with_header},
    state::{Grant, PersonCounter, Shared, lock},
    token,
};

/// How long a pushed request's `request_uri` is valid.
const PUSHED_LIFETIME: Duration = Duration::from_secs(60);

struct Code {
    client_id: String,
    redirect_uri: String,
    challenge: String,
    /// The scope the authorization request asked for: the person's consent.
    scope: Option<String>,
    expires: Instant,
    /// Presented once already; with the grant it issued, if it issued one.
    used: Option<Option<Grant>>,
}

/// Issued codes, pushed requests, and the scripted decision.
#[derive(Default)]
pub(crate) struct Codes {
    codes: HashMap<String, Code>,
    pushed: HashMap<String, (Instant, Form)>,
    deny: bool,
}

impl Shared {
    /// Whether the person denies the authorization requests from now on.
    pub(crate) fn deny_authorizations(&self, deny: bool) {
        lock(&self.codes).deny = deny;
    }
}

/// A checked authorization request.
struct Valid {
    redirect_uri: String,
    challenge: String,
    state: Option<String>,
    scope: Option<String>,
}

/// Why an authorization request is refused: on a page (the client or redirect URI cannot be
/// trusted), or by a redirect with an error code.
enum Refused {
    Page(String),
    Redirect { redirect_uri: String, state: Option<String>, code: &'static str, description: String },
}

/// Checks the parameters of an authorization request, as the endpoint or PAR receives them.
fn check(shared: &Shared, spec: &ProviderSpec, params: &Form) -> Result<Valid, Refused> {
    let config = &shared.config;
    if params.value("client_id") != Some(config.client_id.as_str()) {
        return Err(Refused::Page("unknown client_id".to_owned()));
    }
    let Some(redirect_uri) = params.value("redirect_uri") else {
        return Err(Refused::Page("redirect_uri is missing".to_owned()));
    };
    if !loopback_redirect(redirect_uri, spec.authorization.redirect_path) {
        return Err(Refused::Page(format!(
            "redirect_uri must be http://127.0.0.1:<port>{}",
            spec.authorization.redirect_path
        )));
    }
    let state = params.value("state").map(str::to_owned);
    let redirect = |code, description: &str| Refused::Redirect {
        redirect_uri: redirect_uri.to_owned(),
        state: state.clone(),
        code,
        description: description.to_owned(),
    };
    if params.value("response_type") != Some("code") {
        return Err(redirect("unsupported_response_type", "response_type must be code"));
    }
    let Some(challenge) = params.value("code_challenge") else {
        return Err(redirect("invalid_request", "PKCE is required: send code_challenge"));
    };
    if params.value("code_challenge_method") != Some("S256") {
        return Err(redirect("invalid_request", "code_challenge_method must be S256 (plain is refused)"));
    }
    if challenge.len() != 43 || !challenge.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_".contains(&b)) {
        return Err(redirect("invalid_request", "code_challenge is not a base64url SHA-256 digest"));
    }
    let scope = params.value("scope");
    if let Err(Rejection::InvalidScope(why)) = super::check_scope_syntax(spec, scope) {
        return Err(redirect("invalid_scope", &why));
    }
    let scope = scope.map(str::to_owned);
    Ok(Valid { redirect_uri: redirect_uri.to_owned(), challenge: challenge.to_owned(), state, scope })
}

/// `http://127.0.0.1:<port><path>` or `http://[::1]:<port><path>`, no query, no fragment.
fn loopback_redirect(uri: &str, path: &str) -> bool {
    let Ok(parsed) = uri.parse::<Uri>() else { return false };
    parsed.scheme_str() == Some("http")
        && matches!(parsed.host(), Some("127.0.0.1" | "[::1]"))
        && parsed.port_u16().is_some()
        && parsed.path() == path
        && parsed.query().is_none()
        && !uri.contains('#')
}

/// `GET` at the authorization endpoint, from the person's browser.
pub(super) fn authorize(shared: &Shared, spec: &ProviderSpec, parts: &Parts) -> Response {
    shared.count(PersonCounter::Authorization);
    let query = Form::parse(parts.uri.query().unwrap_or("").as_bytes());
    let params = if spec.authorization.par_path.is_some() {
        match pushed(shared, &query) {
            Ok(params) => params,
            Err(why) => return page(StatusCode::BAD_REQUEST, &why),
        }
    } else {
        query
    };
    let valid = match check(shared, spec, &params) {
        Ok(valid) => valid,
        Err(Refused::Page(why)) => return page(StatusCode::BAD_REQUEST, &why),
        Err(Refused::Redirect { redirect_uri, state, code, description }) => {
            return redirect(&redirect_uri, &[("error", code), ("error_description", &description)], state.as_deref());
        }
    };
    let mut codes = lock(&shared.codes);
    if codes.deny {
        drop(codes);
        let pairs = [("error", "access_denied"), ("error_description", "the person denied the authorization")];
        return redirect(&valid.redirect_uri, &pairs, valid.state.as_deref());
    }
    let code = token::b64token(32);
    codes.codes.insert(
        code.clone(),
        Code {
            client_id: shared.config.client_id.clone(),
            redirect_uri: valid.redirect_uri.clone(),
            challenge: valid.challenge,
            scope: valid.scope,
            expires: Instant::now() + crate::state::clamp(shared.config.code_lifetime),
            used: None,
        },
    );
    drop(codes);
    redirect(&valid.redirect_uri, &[("code", &code)], valid.state.as_deref())
}

/// The pushed request a browser's `client_id` and `request_uri` name, taken (one use).
fn pushed(shared: &Shared, query: &Form) -> Result<Form, String> {
    let Some(request_uri) = query.value("request_uri") else {
        return Err("this server requires pushed authorization requests: send request_uri".to_owned());
    };
    let Some((expires, params)) = lock(&shared.codes).pushed.remove(request_uri) else {
        return Err("request_uri is unknown or was used".to_owned());
    };
    if Instant::now() >= expires {
        return Err("request_uri expired".to_owned());
    }
    if query.value("client_id") != params.value("client_id") {
        return Err("client_id is not the pushed request's".to_owned());
    }
    Ok(params)
}

/// `POST` at the PAR endpoint (RFC 9126 section 2): the client authenticates, the request is
/// checked as at the authorization endpoint, and a `request_uri` comes back.
pub(super) fn par(shared: &Shared, spec: &ProviderSpec, sent: &Sent) -> Result<Response, Rejection> {
    shared.count(PersonCounter::PushedAuthorization);
    common(spec, sent)?;
    authenticate_with(shared, spec, sent, true)?;
    if sent.body.has("request_uri") {
        return Err(Rejection::InvalidRequest("request_uri is not allowed in a pushed request".to_owned()));
    }
    if let Err(refused) = check(shared, spec, &sent.body) {
        let description = match refused {
            Refused::Page(why) => why,
            Refused::Redirect { description, .. } => description,
        };
        return Err(Rejection::InvalidRequest(description));
    }
    let request_uri = format!("urn:ietf:params:oauth:request_uri:{}", token::alphanumeric(32));
    lock(&shared.codes).pushed.insert(request_uri.clone(), (Instant::now() + PUSHED_LIFETIME, sent.body.clone()));
    let body = object(&[("request_uri", request_uri.into()), ("expires_in", PUSHED_LIFETIME.as_secs().into())]);
    Ok(with_header(http::json(StatusCode::CREATED, JSON, body), header::CACHE_CONTROL, "no-store"))
}

/// A token request with an authorization code.
pub(super) fn redeem(shared: &Shared, spec: &ProviderSpec, sent: &Sent) -> Result<Response, Rejection> {
    common(spec, sent)?;
    authenticate(shared, spec, sent)?;
    check_grant_type(spec, sent, Some(spec.token.grant.as_str()))?;
    let Some(code) = sent.body.value("code") else {
        return Err(Rejection::InvalidRequest("parameter code is missing".to_owned()));
    };
    let mut codes = lock(&shared.codes);
    let Some(entry) = codes.codes.get_mut(code) else {
        return Err(Rejection::InvalidGrant("the authorization code is unknown".to_owned()));
    };
    if let Some(issued) = entry.used {
        // RFC 6749 section 4.1.2: a code used twice revokes what it issued.
        drop(codes);
        if let Some(grant) = issued {
            shared.revoke_grant(grant);
        }
        return Err(Rejection::InvalidGrant("the authorization code was already used".to_owned()));
    }
    entry.used = Some(None);
    let id_field = spec.field(Role::ClientId).map(|(_, f)| f.name);
    if id_field.is_some() && entry.client_id != shared.config.client_id {
        return Err(Rejection::InvalidGrant("the code was issued to another client".to_owned()));
    }
    if Instant::now() >= entry.expires {
        return Err(Rejection::InvalidGrant("the authorization code expired".to_owned()));
    }
    if sent.body.value("redirect_uri") != Some(entry.redirect_uri.as_str()) {
        return Err(Rejection::InvalidGrant("redirect_uri is not the authorization request's".to_owned()));
    }
    let Some(verifier) = sent.body.value("code_verifier") else {
        return Err(Rejection::InvalidGrant("code_verifier is missing".to_owned()));
    };
    let well_formed = (43..=128).contains(&verifier.len())
        && verifier.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b));
    if !well_formed || URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())) != entry.challenge {
        return Err(Rejection::InvalidGrant("code_verifier does not match the code_challenge".to_owned()));
    }
    let grant = shared.new_grant_asking(entry.scope.as_deref());
    entry.used = Some(Some(grant));
    drop(codes);
    // A DPoP vendor's tokens are bound to the proof's key, as at the token endpoint.
    let jkt = super::token_proof(shared, sent)?;
    Ok(issue(shared, spec, grant, true, sent, None, jkt.as_deref()))
}

/// A `302` to `redirect_uri` with `pairs` and `state` added to its query.
fn redirect(redirect_uri: &str, pairs: &[(&str, &str)], state: Option<&str>) -> Response {
    let mut query = form_urlencoded::Serializer::new(String::new());
    query.extend_pairs(pairs.iter().copied());
    if let Some(state) = state {
        query.append_pair("state", state);
    }
    let location = format!("{redirect_uri}?{}", query.finish());
    let mut response = StatusCode::FOUND.into_response();
    match HeaderValue::from_str(&location) {
        Ok(value) => {
            response.headers_mut().insert(header::LOCATION, value);
        }
        Err(_) => return page(StatusCode::BAD_REQUEST, "the redirect URI cannot be a header"),
    }
    with_header(response, header::CACHE_CONTROL, "no-store")
}

/// A short HTML page, as an authorization server shows the person.
fn page(status: StatusCode, text: &str) -> Response {
    let text = text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    let body = format!("<!doctype html><html><body><h1>Authorization error</h1><p>{text}</p></body></html>");
    (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response()
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_loopback_redirects_of_the_path() {
        let ok = |uri| super::loopback_redirect(uri, "/callback");
        assert!(ok("http://127.0.0.1:5000/callback") && ok("http://[::1]:5000/callback"));
        assert!(!ok("https://127.0.0.1:5000/callback"), "loopback redirects are http");
        assert!(!ok("http://localhost:5000/callback"), "RFC 8252 section 7.3");
        assert!(!ok("http://127.0.0.1/callback"), "an ephemeral port");
        assert!(!ok("http://127.0.0.1:5000/other") && !ok("http://127.0.0.1:5000/callback?x=1"));
        assert!(!ok("http://evil.example:5000/callback"));
    }
}
