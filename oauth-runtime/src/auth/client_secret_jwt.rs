//! `client_secret_jwt`: a client assertion signed HS256 with the client secret (RFC 7523
//! section 2.2, OpenID Connect Core section 9).

use super::ClientAuthentication;
use crate::{Credentials, Error, TokenRequest, provider::Assertion};

/// A JWT with the claims of [`PrivateKeyJwt`](super::PrivateKeyJwt), signed HS256 with the
/// client secret as the key (`client_auth = "client_secret_jwt"`): the secret itself never
/// travels. Signing needs the `jwt` feature; without it a client using this is refused when
/// built.
///
/// ```
/// use oauth_runtime::{auth::ClientSecretJwt, provider::Assertion};
/// let method = ClientSecretJwt::new(Assertion::DEFAULT);
/// # let _ = method;
/// ```
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct ClientSecretJwt {
    assertion: Assertion,
}

impl ClientSecretJwt {
    /// The method, making assertions as `assertion` says (its algorithm is HS256 whatever it
    /// names; the declaration's checks refuse another).
    pub const fn new(assertion: Assertion) -> ClientSecretJwt {
        ClientSecretJwt { assertion }
    }

    /// How its assertions are made.
    pub const fn assertion(&self) -> &Assertion {
        &self.assertion
    }
}

impl Default for ClientSecretJwt {
    fn default() -> Self {
        ClientSecretJwt::new(Assertion::DEFAULT)
    }
}

impl ClientAuthentication for ClientSecretJwt {
    fn apply(&self, credentials: &Credentials, request: &mut TokenRequest) -> Result<(), Error> {
        #[cfg(feature = "jwt")]
        {
            let secret = credentials
                .value(crate::provider::Role::ClientSecret)
                .ok_or_else(|| Error::config("client_secret_jwt needs a client secret field"))?;
            super::put_client_assertion("client_secret_jwt", &self.assertion, credentials, request, |claims| {
                crate::key::sign::hmac_jws(secret, claims)
            })
        }
        #[cfg(not(feature = "jwt"))]
        {
            let _ = (credentials, request);
            Err(super::needs_jwt("client_secret_jwt"))
        }
    }

    fn check(&self, credentials: &Credentials) -> Result<(), Error> {
        #[cfg(feature = "jwt")]
        {
            use crate::{key::Algorithm, provider::Role};
            if credentials.get(Role::ClientId).is_none() || credentials.get(Role::ClientSecret).is_none() {
                return Err(Error::config(
                    "client_auth = \"client_secret_jwt\" needs a client id and a client secret field",
                ));
            }
            match self.assertion.algorithm {
                None | Some(Algorithm::Hs256) => Ok(()),
                Some(other) => Err(Error::config(format!(
                    "client_auth = \"client_secret_jwt\" signs HS256 with the client secret, not {other}: use private_key_jwt for {other}"
                ))),
            }
        }
        #[cfg(not(feature = "jwt"))]
        {
            let _ = credentials;
            Err(super::needs_jwt("client_secret_jwt"))
        }
    }
}
