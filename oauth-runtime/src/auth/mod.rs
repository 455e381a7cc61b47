//! Client authentication: how the client proves who it is on each token request.
//!
//! One module per method, each behind [`ClientAuthentication`]: the id and secret as body
//! parameters ([`ClientSecretPost`]), in an HTTP Basic header ([`ClientSecretBasic`], encoded
//! as RFC 6749 section 2.3.1 says or raw), only the id for a public client ([`PublicClient`]),
//! or the id with a TLS client certificate on the connection ([`TlsClientAuth`], RFC 8705).
//! A vendor's declaration names its method ([`provider::ClientAuth`](crate::provider::ClientAuth));
//! [`ClientBuilder::client_auth`](crate::ClientBuilder::client_auth) plugs in one of your own.
//!
//! It is applied to every token request when it is sent, never prebuilt, so that a method
//! whose proof must be fresh each time (a signed assertion with its own `jti`) can be one.

mod basic;
mod body;
mod public;
mod tls;

use std::{fmt, sync::Arc};

pub use basic::ClientSecretBasic;
pub use body::ClientSecretPost;
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
}

/// The method a vendor's declaration names.
pub(crate) fn from_spec(spec: &ProviderSpec) -> Arc<dyn ClientAuthentication> {
    use crate::provider::ClientAuth;
    match spec.token.client_auth {
        ClientAuth::Basic => Arc::new(ClientSecretBasic::new()),
        ClientAuth::BasicRaw => Arc::new(ClientSecretBasic::raw()),
        ClientAuth::None => Arc::new(PublicClient),
        ClientAuth::Tls => Arc::new(TlsClientAuth::pki()),
        ClientAuth::SelfSignedTls => Arc::new(TlsClientAuth::self_signed()),
        _ => Arc::new(ClientSecretPost),
    }
}
