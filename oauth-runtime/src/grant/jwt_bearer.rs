//! The JWT-bearer grant (RFC 7523 section 2.1): a signed assertion is the grant.

use super::TokenGrant;
use crate::{Credentials, Error, TokenRequest, provider::Assertion};

/// `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer` with `assertion`, a JWT signed
/// with the client's [`SigningKey`](crate::key::SigningKey) anew for every token request:
///
/// - `iss`: the client id field, or a Google service account's `client_email`;
/// - `sub`: the user name field (Salesforce's user), else the client id; none for a service
///   account acting as itself;
/// - `aud`: as the vendor declares ([`Audience`](crate::provider::Audience)): by default the
///   token endpoint, or a service account's `token_uri`;
/// - `iat`, `exp` (the declared lifetime later, 60 s by default) and a fresh `jti`;
/// - `scope`: the request's scope (the vendor's, a field's, or the handle's
///   [`TokenParams`](crate::TokenParams)) moved into the claim where the vendor wants it
///   there ([`AssertionScope::Claim`](crate::provider::AssertionScope), Google), a body
///   parameter otherwise.
///
/// It runs unattended: a new assertion needs no person. Signing needs the `jwt` feature;
/// without it a client using this grant is refused when built.
///
/// ```
/// use oauth_runtime::grant::{JwtBearer, TokenGrant};
/// use oauth_runtime::provider::Assertion;
/// let grant = JwtBearer::new(Assertion::DEFAULT);
/// assert_eq!(grant.grant_type(), "urn:ietf:params:oauth:grant-type:jwt-bearer");
/// assert!(grant.unattended());
/// ```
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct JwtBearer {
    assertion: Assertion,
}

impl JwtBearer {
    /// The grant, making assertions as `assertion` says.
    pub const fn new(assertion: Assertion) -> JwtBearer {
        JwtBearer { assertion }
    }

    /// How its assertions are made.
    pub const fn assertion(&self) -> &Assertion {
        &self.assertion
    }
}

impl Default for JwtBearer {
    fn default() -> Self {
        JwtBearer::new(Assertion::DEFAULT)
    }
}

impl TokenGrant for JwtBearer {
    fn grant_type(&self) -> &str {
        crate::provider::Grant::JwtBearer.as_str()
    }

    fn parameters(&self, credentials: &Credentials, request: &mut TokenRequest) -> Result<(), Error> {
        use crate::provider::Role;
        // The identities travel inside the assertion; other declared parameters beside it.
        for (field, value) in credentials.iter() {
            if field.role == Role::Param {
                request.param(field.name, value.expose());
            }
        }
        Ok(())
    }

    fn complete(&self, credentials: &Credentials, request: &mut TokenRequest) -> Result<(), Error> {
        #[cfg(feature = "jwt")]
        {
            let assertion = signed(&self.assertion, credentials, request).map_err(Error::Config)?;
            request.param("assertion", &assertion);
            Ok(())
        }
        #[cfg(not(feature = "jwt"))]
        {
            let _ = (credentials, request);
            Err(needs_jwt())
        }
    }

    fn check(&self, credentials: &Credentials) -> Result<(), Error> {
        #[cfg(feature = "jwt")]
        {
            crate::auth::check_key(credentials, &self.assertion)?;
            issuer(credentials).map(drop).map_err(Error::Config)
        }
        #[cfg(not(feature = "jwt"))]
        {
            let _ = credentials;
            Err(needs_jwt())
        }
    }
}

#[cfg(not(feature = "jwt"))]
fn needs_jwt() -> Error {
    Error::config(
        "grant = \"jwt_bearer\" signs JWTs, which needs the `jwt` feature of oauth-runtime: \
         `oauth-runtime = { version = \"..\", features = [\"jwt\"] }`",
    )
}

/// The issuer, and whether it is a service account.
#[cfg(feature = "jwt")]
fn issuer(credentials: &Credentials) -> Result<(String, bool), String> {
    use crate::provider::Role;
    if let Some(id) = credentials.value(Role::ClientId) {
        return Ok((id.to_owned(), false));
    }
    let account = credentials.signing_key().and_then(|k| k.loaded().ok()).and_then(|l| l.service_account.clone());
    match account {
        Some(account) => Ok((account.client_email, true)),
        None => Err("grant = \"jwt_bearer\" needs an issuer: a client id field, or a Google service-account key \
                     (`SigningKey::google_service_account(..)`) whose `client_email` is the issuer"
            .to_owned()),
    }
}

/// The assertion for `request`, whose scope it takes where the vendor wants it in the claims.
#[cfg(feature = "jwt")]
fn signed(
    assertion: &Assertion,
    credentials: &Credentials,
    request: &mut TokenRequest,
) -> Result<zeroize::Zeroizing<String>, String> {
    use crate::{
        key::sign,
        provider::{AssertionScope, Audience, Role},
    };
    let (key, algorithm) = sign::key_for(credentials, assertion.algorithm)?;
    let (iss, service_account) = issuer(credentials)?;
    let sub = match credentials.value(Role::Username) {
        Some(user) => Some(user.to_owned()),
        None if service_account => None,
        None => Some(iss.clone()),
    };
    let token_uri = key.service_account.as_ref().and_then(|a| a.token_uri.clone());
    let aud = match (assertion.audience, token_uri) {
        (Audience::TokenEndpoint, Some(uri)) => uri,
        (audience, _) => audience.resolve(request.url().as_str()),
    };
    let now = sign::now();
    let mut claims = serde_json::json!({
        "iss": iss,
        "aud": aud,
        "iat": now,
        "exp": now.saturating_add(assertion.lifetime.as_secs()),
        "jti": sign::jti()?,
    });
    if let Some(sub) = sub {
        claims["sub"] = sub.into();
    }
    if assertion.scope == AssertionScope::Claim {
        if let Some(scope) = request.get("scope").filter(|s| !s.is_empty()).map(str::to_owned) {
            claims["scope"] = scope.into();
        }
        request.remove_param("scope");
    }
    sign::with_key(&key, algorithm, &claims)
}
