//! `private_key_jwt`: a client assertion signed with the client's private key (RFC 7523
//! section 2.2, OpenID Connect Core section 9).

use super::ClientAuthentication;
use crate::{Credentials, Error, TokenRequest, provider::Assertion};

/// A JWT signed with the client's [`SigningKey`](crate::key::SigningKey) on every token
/// request (`client_auth = "private_key_jwt"`): `iss` and `sub` the client id, `aud` the token
/// endpoint (or the audience the vendor declares), a fresh `jti`, `iat`, `nbf` and an `exp`
/// the declared lifetime later (60 s by default); header `alg`, `typ: JWT`, `kid` and
/// `x5t#S256` when known. Sent as `client_assertion` with
/// `client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer`, beside the
/// client id.
///
/// Signing needs the `jwt` feature; without it a client using this is refused when built.
///
/// ```
/// use oauth_runtime::{auth::PrivateKeyJwt, provider::Assertion};
/// let method = PrivateKeyJwt::new(Assertion::DEFAULT.with_certificate_thumbprint(true));
/// assert!(format!("{method:?}").contains("PrivateKeyJwt"));
/// ```
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct PrivateKeyJwt {
    assertion: Assertion,
}

impl PrivateKeyJwt {
    /// The method, making assertions as `assertion` says.
    pub const fn new(assertion: Assertion) -> PrivateKeyJwt {
        PrivateKeyJwt { assertion }
    }

    /// How its assertions are made.
    pub const fn assertion(&self) -> &Assertion {
        &self.assertion
    }
}

impl Default for PrivateKeyJwt {
    fn default() -> Self {
        PrivateKeyJwt::new(Assertion::DEFAULT)
    }
}

impl ClientAuthentication for PrivateKeyJwt {
    fn apply(&self, credentials: &Credentials, request: &mut TokenRequest) -> Result<(), Error> {
        #[cfg(feature = "jwt")]
        {
            use crate::key::sign;
            let (key, algorithm) = sign::key_for(credentials, self.assertion.algorithm).map_err(Error::Config)?;
            super::put_client_assertion("private_key_jwt", &self.assertion, credentials, request, |claims| {
                sign::with_key(&key, algorithm, claims)
            })
        }
        #[cfg(not(feature = "jwt"))]
        {
            let _ = (credentials, request);
            Err(super::needs_jwt("private_key_jwt"))
        }
    }

    fn check(&self, credentials: &Credentials) -> Result<(), Error> {
        #[cfg(feature = "jwt")]
        {
            if credentials.get(crate::provider::Role::ClientId).is_none() {
                return Err(Error::config(
                    "client_auth = \"private_key_jwt\" needs a client id field (`iss` and `sub`)",
                ));
            }
            super::check_key(credentials, &self.assertion)
        }
        #[cfg(not(feature = "jwt"))]
        {
            let _ = credentials;
            Err(super::needs_jwt("private_key_jwt"))
        }
    }
}
