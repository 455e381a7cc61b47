//! A public client (RFC 6749 sections 2.1 and 3.2.1): no secret, the client id in the body.

use super::ClientAuthentication;
use crate::{Credentials, Error, TokenRequest, provider::Role};

/// No client secret is sent; the client id goes in the body so the server knows the client
/// (`client_auth = "none"`).
///
/// ```
/// use oauth_runtime::{Credentials, TokenRequest, TokenRequestKind, auth::*, provider::*};
/// let creds = Credentials::new(ProviderSpec::minimal("P", "/t").fields, vec!["pub".into(), "unused".into()]).unwrap();
/// let mut request = TokenRequest::for_test("https://h/token", TokenRequestKind::Grant);
/// PublicClient::new().apply(&creds, &mut request).unwrap();
/// assert_eq!(request.params().collect::<Vec<_>>(), [("client_id", "pub")]);
/// ```
#[derive(Debug, Clone, Copy, Default)]
#[non_exhaustive]
pub struct PublicClient;

impl PublicClient {
    /// The method (it has no settings).
    pub const fn new() -> PublicClient {
        PublicClient
    }
}

impl ClientAuthentication for PublicClient {
    fn apply(&self, credentials: &Credentials, request: &mut TokenRequest) -> Result<(), Error> {
        if let Some((field, value)) = credentials.field(Role::ClientId) {
            request.param(field.name, value.expose());
        }
        Ok(())
    }
}
