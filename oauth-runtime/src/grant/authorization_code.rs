//! The authorization code grant (RFC 6749 section 4.1) with PKCE (RFC 7636, `S256` only) and
//! `state`, through the person's browser and a loopback redirect (RFC 8252), with pushed
//! authorization requests (RFC 9126) where the vendor has them.
//!
//! [`Client::authorize`](crate::Client::authorize) makes a fresh `state` and code verifier,
//! listens on `127.0.0.1` at an ephemeral port ([`Loopback`](super::Loopback)), builds the
//! authorization URL (or posts its parameters to the PAR endpoint with client authentication
//! and builds a URL of `client_id` and `request_uri` alone), hands it to the program's
//! callback, waits for the redirect, checks its `state`, and exchanges the code with the
//! verifier and the same `redirect_uri`, as one token request of the client's renewal path.

use base64::Engine as _;
use serde_json::Value;
use sha2::{Digest as _, Sha256};
use url::Url;
use zeroize::Zeroizing;

use super::{Redemption, TokenGrant};
use crate::{
    Credentials, Error, TokenRequest,
    parse::{self, ParseContext, RawResponse},
    provider::Grant,
};

/// `grant_type=authorization_code`, with the code the person's browser brought back. Tokens
/// come from [`Client::authorize`](crate::Client::authorize); the grant never runs unattended.
///
/// ```
/// use oauth_runtime::grant::{AuthorizationCode, TokenGrant};
/// assert_eq!(AuthorizationCode::new().grant_type(), "authorization_code");
/// assert!(!AuthorizationCode::new().unattended());
/// ```
#[derive(Debug, Clone, Copy, Default)]
#[non_exhaustive]
pub struct AuthorizationCode;

impl AuthorizationCode {
    /// The method (it has no settings).
    pub const fn new() -> AuthorizationCode {
        AuthorizationCode
    }
}

impl TokenGrant for AuthorizationCode {
    fn grant_type(&self) -> &str {
        Grant::AuthorizationCode.as_str()
    }

    /// The code exists only once a person authorized: the renewal never asks (the grant is not
    /// [unattended](TokenGrant::unattended)), and a caller that does gets [`Error::Config`].
    fn parameters(&self, _: &Credentials, _: &mut TokenRequest) -> Result<(), Error> {
        Err(Error::config("the authorization code grant needs a person: call `Client::authorize`"))
    }

    fn unattended(&self) -> bool {
        false
    }
}

/// The authorization endpoint of a vendor, its PAR endpoint and the redirect path.
pub(crate) struct CodeFlow {
    authorization_url: Url,
    par_url: Option<Url>,
    redirect_path: &'static str,
}

impl CodeFlow {
    pub(crate) fn new(authorization_url: Url, par_url: Option<Url>, redirect_path: &'static str) -> CodeFlow {
        CodeFlow { authorization_url, par_url, redirect_path }
    }

    /// The pushed authorization request endpoint, if the vendor has one.
    pub(crate) fn par_url(&self) -> Option<&Url> {
        self.par_url.as_ref()
    }

    /// The path of the loopback redirect URI.
    pub(crate) fn redirect_path(&self) -> &'static str {
        self.redirect_path
    }

    /// The URL the person's browser opens: the authorization endpoint with `pairs` added to
    /// its query.
    pub(crate) fn browser_url<'a>(&self, pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Url {
        let mut url = self.authorization_url.clone();
        url.query_pairs_mut().extend_pairs(pairs);
        url
    }

    /// Reads a pushed authorization response (RFC 9126 section 2.2): its `request_uri`.
    pub(crate) fn read_par(&self, ctx: &ParseContext<'_>, raw: &RawResponse) -> Result<String, Error> {
        let fields = parse::endpoint_response(ctx, raw)?;
        match fields.get("request_uri") {
            Some(Value::String(uri)) if !uri.trim().is_empty() && !uri.chars().any(char::is_control) => Ok(uri.clone()),
            Some(_) => Err(parse::malformed_answer(ctx, raw, "`request_uri` is not a non-empty string".to_owned())),
            None => Err(parse::malformed_answer(ctx, raw, "no `request_uri` in the response".to_owned())),
        }
    }
}

/// A PKCE code verifier and its `S256` challenge (RFC 7636 section 4): 32 random bytes from
/// the operating system, base64url-encoded without padding (43 characters).
pub(crate) struct Pkce {
    verifier: Zeroizing<String>,
    challenge: String,
}

impl Pkce {
    /// A fresh verifier.
    pub(crate) fn new(vendor: &'static str) -> Result<Pkce, Error> {
        let verifier = Zeroizing::new(random_b64(vendor)?);
        let challenge = challenge(&verifier);
        Ok(Pkce { verifier, challenge })
    }

    /// `BASE64URL(SHA256(verifier))`.
    pub(crate) fn challenge(&self) -> &str {
        &self.challenge
    }

    /// The verifier, for the token request.
    pub(crate) fn verifier(&self) -> Zeroizing<String> {
        self.verifier.clone()
    }
}

/// The `S256` challenge of `verifier`.
fn challenge(verifier: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// A fresh `state` (RFC 6749 section 10.12): 32 random bytes, base64url without padding.
pub(crate) fn random_state(vendor: &'static str) -> Result<String, Error> {
    random_b64(vendor)
}

fn random_b64(vendor: &'static str) -> Result<String, Error> {
    let mut bytes = Zeroizing::new([0u8; 32]);
    getrandom::getrandom(&mut *bytes)
        .map_err(|e| Error::internal(vendor, format!("the operating system's random source failed: {e}")))?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(*bytes))
}

impl Redemption {
    /// The token request of an authorization code (RFC 6749 section 4.1.3, RFC 7636 section
    /// 4.5): the code, the same `redirect_uri` as the authorization request, the verifier.
    pub(crate) fn code(code: Zeroizing<String>, redirect_uri: &str, verifier: Zeroizing<String>) -> Redemption {
        Redemption {
            grant_type: Grant::AuthorizationCode.as_str(),
            params: vec![
                ("code", code),
                ("redirect_uri", Zeroizing::new(redirect_uri.to_owned())),
                ("code_verifier", verifier),
            ],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 7636 appendix B.
    #[test]
    fn the_challenge_is_the_rfc_example() {
        assert_eq!(
            challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn verifiers_are_fresh_and_well_formed() {
        let (a, b) = (Pkce::new("V").unwrap(), Pkce::new("V").unwrap());
        assert_ne!(*a.verifier(), *b.verifier());
        assert_eq!(a.verifier().len(), 43);
        assert!(a.verifier().bytes().all(|c| c.is_ascii_alphanumeric() || b"-._~".contains(&c)));
        assert_eq!(a.challenge(), challenge(&a.verifier()));
        assert_ne!(random_state("V").unwrap(), random_state("V").unwrap());
    }

    #[test]
    fn browser_urls_keep_the_endpoints_query() {
        let flow = CodeFlow::new(Url::parse("https://h/authorize?tenant=x").unwrap(), None, "/callback");
        let url = flow.browser_url([("client_id", "a b"), ("state", "s&t")]);
        assert_eq!(url.as_str(), "https://h/authorize?tenant=x&client_id=a+b&state=s%26t");
    }
}
