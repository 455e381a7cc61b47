//! Client authentication: how the client proves who it is on each token request.
//!
//! One module per method, each behind [`ClientAuthentication`]: the id and secret as body
//! parameters ([`ClientSecretPost`]), in an HTTP Basic header ([`ClientSecretBasic`], encoded
//! as RFC 6749 section 2.3.1 says or raw), only the id for a public client ([`PublicClient`]),
//! or the id with a TLS client certificate on the connection ([`TlsClientAuth`], RFC 8705),
//! or a signed client assertion (RFC 7523 section 2.2, feature `jwt`): with the client's
//! private key ([`PrivateKeyJwt`]) or HS256 with its secret ([`ClientSecretJwt`]).
//! A vendor's declaration names its method ([`provider::ClientAuth`](crate::provider::ClientAuth));
//! [`ClientBuilder::client_auth`](crate::ClientBuilder::client_auth) plugs in one of your own.
//!
//! It is applied to every token request when it is sent, never prebuilt, so that a method
//! whose proof must be fresh each time (a signed assertion with its own `jti`) can be one.

mod basic;
mod body;
mod client_secret_jwt;
mod private_key_jwt;
mod public;
mod tls;

use std::{fmt, sync::Arc};

pub use basic::ClientSecretBasic;
pub use body::ClientSecretPost;
pub use client_secret_jwt::ClientSecretJwt;
pub use private_key_jwt::PrivateKeyJwt;
pub use public::PublicClient;
pub use tls::TlsClientAuth;

use crate::{Credentials, Error, TokenRequest, provider::ProviderSpec};

/// A way for the client to authenticate itself on a token request.
///
/// ```
/// use oauth_runtime::{Credentials, Error, TokenRequest, auth::ClientAuthentication, provider::Role};
///
/// /// A vendor that wants the client id in a header of its own.
/// #[derive(Debug)]
/// struct ClientIdHeader;
///
/// impl ClientAuthentication for ClientIdHeader {
///     fn apply(&self, credentials: &Credentials, request: &mut TokenRequest) -> Result<(), Error> {
///         let id = credentials.value(Role::ClientId).unwrap_or_default();
///         let value = id.parse().map_err(|_| Error::Config("the client id is not a header value".into()))?;
///         request.header("x-client-id".parse().unwrap(), value);
///         Ok(())
///     }
/// }
/// ```
pub trait ClientAuthentication: Send + Sync + fmt::Debug + 'static {
    /// Adds the client's proof (headers, body parameters) to one token request.
    ///
    /// # Errors
    ///
    /// Whatever keeps the proof from being made; the token request is then not sent.
    fn apply(&self, credentials: &Credentials, request: &mut TokenRequest) -> Result<(), Error>;

    /// Whether the transport must present a TLS client certificate for this method (RFC 8705
    /// `tls_client_auth`); default `false`. Such a client needs an identity on its transport
    /// ([`ClientBuilder::configure_http`](crate::ClientBuilder::configure_http)).
    fn requires_client_certificate(&self) -> bool {
        false
    }

    /// Checks, when the client is built, that the method can work with `credentials` (a key
    /// it can sign with, a field it needs, a feature that is on); default `Ok`. A client
    /// whose method fails this is not built.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] saying what to change.
    fn check(&self, credentials: &Credentials) -> Result<(), Error> {
        let _ = credentials;
        Ok(())
    }
}

/// The `client_assertion_type` of a JWT client assertion (RFC 7523 section 2.2).
///
/// ```
/// assert!(oauth_runtime::auth::CLIENT_ASSERTION_TYPE.ends_with(":jwt-bearer"));
/// ```
pub const CLIENT_ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// The method a vendor's declaration names.
pub(crate) fn from_spec(spec: &ProviderSpec) -> Arc<dyn ClientAuthentication> {
    use crate::provider::ClientAuth;
    match spec.token.client_auth {
        ClientAuth::Basic => Arc::new(ClientSecretBasic::new()),
        ClientAuth::BasicRaw => Arc::new(ClientSecretBasic::raw()),
        ClientAuth::None => Arc::new(PublicClient),
        ClientAuth::Tls => Arc::new(TlsClientAuth::pki()),
        ClientAuth::SelfSignedTls => Arc::new(TlsClientAuth::self_signed()),
        ClientAuth::PrivateKeyJwt => Arc::new(PrivateKeyJwt::new(spec.token.assertion)),
        ClientAuth::ClientSecretJwt => Arc::new(ClientSecretJwt::new(spec.token.assertion)),
        _ => Arc::new(ClientSecretPost),
    }
}

/// Puts a client assertion on `request` (RFC 7523 section 2.2): the client id (`iss` and
/// `sub`), the audience `assertion` says for this request's URL, a fresh `jti`; `sign` makes
/// the JWS of those claims. The one shape of `private_key_jwt` and `client_secret_jwt`.
#[cfg(feature = "jwt")]
pub(crate) fn put_client_assertion(
    method: &str,
    assertion: &crate::provider::Assertion,
    credentials: &Credentials,
    request: &mut TokenRequest,
    sign: impl FnOnce(&serde_json::Value) -> Result<zeroize::Zeroizing<String>, String>,
) -> Result<(), Error> {
    let (field, id) = credentials
        .field(crate::provider::Role::ClientId)
        .ok_or_else(|| Error::config(format!("{method} needs a client id field")))?;
    let audience = assertion.audience.resolve(request.url().as_str());
    let claims = crate::key::sign::client_claims(id.expose(), audience, assertion.lifetime).map_err(Error::Config)?;
    let jws = sign(&claims).map_err(Error::Config)?;
    request.param(field.name, id.expose());
    request.param("client_assertion_type", CLIENT_ASSERTION_TYPE);
    request.param("client_assertion", &jws);
    Ok(())
}

/// The refusal of a signing method when the `jwt` feature is off.
#[cfg(not(feature = "jwt"))]
pub(crate) fn needs_jwt(what: &str) -> Error {
    Error::config(format!(
        "{what} signs JWTs, which needs the `jwt` feature of oauth-runtime: \
         `oauth-runtime = {{ version = \"..\", features = [\"jwt\"] }}`"
    ))
}

/// That the signing key can sign as the vendor wants, and has a certificate where the vendor
/// identifies keys by one.
#[cfg(feature = "jwt")]
pub(crate) fn check_key(credentials: &Credentials, assertion: &crate::provider::Assertion) -> Result<(), Error> {
    let (key, _) = crate::key::sign::key_for(credentials, assertion.algorithm).map_err(Error::Config)?;
    if assertion.certificate_thumbprint && key.x5t_s256.is_none() {
        let field = credentials.field(crate::provider::Role::SigningKey).map_or("", |(f, _)| f.name);
        return Err(Error::config(format!(
            "field `{field}`: the vendor identifies the key by its certificate (`x5t#S256`): add it with \
             `SigningKey::with_certificate_pem(..)`"
        )));
    }
    Ok(())
}
