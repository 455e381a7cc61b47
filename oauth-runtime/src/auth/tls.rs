//! Mutual-TLS client authentication (RFC 8705 section 2): the client proves who it is with the
//! certificate its connection presents; the token request carries only the client id.

use super::ClientAuthentication;
use crate::{Credentials, Error, TokenRequest, provider::Role};

/// The client authenticates with its TLS client certificate (`client_auth = "tls_client_auth"`
/// for a certificate from an authority the server trusts, `"self_signed_tls_client_auth"` for
/// a registered self-signed one). Both look the same on the wire: the client id in the body,
/// the certificate on the connection. The certificate comes from a field of role
/// `client_certificate` ([`ClientIdentity`](crate::ClientIdentity)) or from a transport
/// configured with an identity.
///
/// ```
/// use oauth_runtime::{Credentials, TokenRequest, TokenRequestKind, auth::*, provider::*};
/// let creds = Credentials::new(ProviderSpec::minimal("P", "/t").fields, vec!["id-1".into(), "unused".into()]).unwrap();
/// let mut request = TokenRequest::for_test("https://h/token", TokenRequestKind::Grant);
/// let method = TlsClientAuth::pki();
/// method.apply(&creds, &mut request).unwrap();
/// assert_eq!(request.params().collect::<Vec<_>>(), [("client_id", "id-1")]);
/// assert!(method.requires_client_certificate());
/// ```
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct TlsClientAuth {
    self_signed: bool,
}

impl TlsClientAuth {
    /// RFC 8705 section 2.1 (`tls_client_auth`): a certificate from an authority.
    pub const fn pki() -> TlsClientAuth {
        TlsClientAuth { self_signed: false }
    }

    /// RFC 8705 section 2.2 (`self_signed_tls_client_auth`): a registered self-signed one.
    pub const fn self_signed() -> TlsClientAuth {
        TlsClientAuth { self_signed: true }
    }

    /// Whether this is the self-signed variant.
    pub const fn is_self_signed(&self) -> bool {
        self.self_signed
    }
}

impl ClientAuthentication for TlsClientAuth {
    fn apply(&self, credentials: &Credentials, request: &mut TokenRequest) -> Result<(), Error> {
        // RFC 8705 section 2: the client id is required, since the certificate alone does not
        // say which client is meant.
        let (field, value) = credentials
            .field(Role::ClientId)
            .ok_or_else(|| Error::config("mutual-TLS client authentication needs a client id field"))?;
        request.param(field.name, value.expose());
        Ok(())
    }

    fn requires_client_certificate(&self) -> bool {
        true
    }
}
