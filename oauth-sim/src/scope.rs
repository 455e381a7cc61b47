//! Scopes (RFC 6749 section 3.3, RFC 6750 section 3.1): what a grant is granted, what each
//! token carries and its response states, and the refusal of a token that lacks a scope a
//! route requires.

use axum::{
    http::{HeaderMap, StatusCode, header},
    response::Response,
};

use crate::{
    SimConfig,
    generic::assume,
    http::{self, JSON, object},
    state::{Grant, GrantScope, Shared},
};

/// The scopes of a space-separated list, each once, in order.
pub(crate) fn split(scope: &str) -> Vec<String> {
    let mut scopes: Vec<String> = Vec::new();
    for s in scope.split_ascii_whitespace() {
        if !scopes.iter().any(|t| t == s) {
            scopes.push(s.to_owned());
        }
    }
    scopes
}

/// Whether `scope` is `scope-token *( SP scope-token )`: printable ASCII without `"` and `\`,
/// separated by single spaces.
pub(crate) fn well_formed(scope: &str) -> bool {
    scope
        .split(' ')
        .all(|token| !token.is_empty() && token.bytes().all(|b| matches!(b, 0x21 | 0x23..=0x5B | 0x5D..=0x7E)))
}

/// Whether every scope of `wanted` is in `held`.
pub(crate) fn covers(held: &[String], wanted: &[String]) -> bool {
    wanted.iter().all(|w| held.contains(w))
}

/// What a grant that asked for `requested` is granted: what it asked, narrowed to
/// [`SimConfig::allowed_scopes`] when set.
pub(crate) fn grant(config: &SimConfig, requested: Option<&str>) -> GrantScope {
    let requested = requested.map(split).filter(|r| !r.is_empty());
    let asked = requested.clone().unwrap_or_default();
    let granted = match &config.allowed_scopes {
        Some(allowed) => asked.into_iter().filter(|s| allowed.contains(s)).collect(),
        None => asked,
    };
    GrantScope { requested, granted }
}

/// The scopes of a token issued for `grant` to a request that asked for `asked` (a refresh
/// may ask for fewer, RFC 6749 section 6; asking for more, or anything else, gets the grant's),
/// and whether the response states them: when they are not what was asked, or always with
/// [`SimConfig::state_scope`].
pub(crate) fn issued(shared: &Shared, grant: Grant, asked: Option<&str>) -> (Vec<String>, bool) {
    let of_grant = shared.grant_scope(grant);
    let asked = asked.map(split).filter(|a| !a.is_empty());
    let scope = match &asked {
        Some(asked) if covers(&of_grant.granted, asked) => asked.clone(),
        _ => of_grant.granted,
    };
    let requested = asked.or(of_grant.requested).unwrap_or_default();
    let differs = !(covers(&scope, &requested) && covers(&requested, &scope));
    let stated = !scope.is_empty() && (shared.config.state_scope || differs);
    (scope, stated)
}

/// `None` when the token of `headers` carries every scope of `required`; else the refusal
/// (RFC 6750 section 3.1), counted.
pub(crate) fn check(shared: &Shared, headers: &HeaderMap, required: &[String]) -> Option<Response> {
    if required.is_empty() {
        return None;
    }
    let token = http::bearer(headers).or_else(|| http::authorization(headers, "DPoP")).unwrap_or_default();
    if covers(&shared.access_scope(token), required) {
        return None;
    }
    shared.count_insufficient_scope();
    Some(insufficient(shared.config.spec().name, required, http::authorization(headers, "DPoP").is_some()))
}

/// `403` with an `insufficient_scope` challenge naming the scopes `required`.
fn insufficient(realm: &str, required: &[String], dpop: bool) -> Response {
    let scope = required.join(" ");
    let description = format!("the access token lacks a scope this resource requires: {scope}");
    let body = object(&[("error", "insufficient_scope".into()), ("error_description", description.into())]);
    let mut response = http::json(StatusCode::FORBIDDEN, JSON, body);
    let base = assume::challenge(if dpop { "DPoP" } else { "Bearer" }, realm, Some("insufficient_scope"));
    // A quoted string: no quote or backslash inside (scope tokens have none).
    let quoted = scope.replace(['"', '\\'], "");
    let value = format!("{}, scope=\"{quoted}\"", base.to_str().unwrap_or("Bearer"));
    let value = axum::http::HeaderValue::from_str(&value).unwrap_or(base);
    response.headers_mut().insert(header::WWW_AUTHENTICATE, value);
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_are_split_and_checked_as_rfc_6749_writes_them() {
        assert_eq!(split(" b a  b "), ["b", "a"]);
        assert!(well_formed("repo read:org") && well_formed("a"));
        for bad in ["", "a  b", " a", "a ", "a,b\"", "é"] {
            assert!(!well_formed(bad), "{bad:?}");
        }
        assert!(covers(&split("a b"), &split("b")) && !covers(&split("a"), &split("a b")));
    }
}
