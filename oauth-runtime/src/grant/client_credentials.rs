//! The client credentials grant (RFC 6749 section 4.4).

use super::TokenGrant;
use crate::{Credentials, Error, TokenRequest};

/// `grant_type=client_credentials`: the client authenticates itself (see
/// [`auth`](crate::auth)); any other declared parameter goes under its wire name.
///
/// ```
/// use oauth_runtime::grant::{ClientCredentials, TokenGrant};
/// assert_eq!(ClientCredentials::new().grant_type(), "client_credentials");
/// ```
#[derive(Debug, Clone, Copy, Default)]
#[non_exhaustive]
pub struct ClientCredentials;

impl ClientCredentials {
    /// The method (it has no settings).
    pub const fn new() -> ClientCredentials {
        ClientCredentials
    }
}

impl TokenGrant for ClientCredentials {
    fn grant_type(&self) -> &str {
        "client_credentials"
    }

    fn parameters(&self, credentials: &Credentials, request: &mut TokenRequest) -> Result<(), Error> {
        super::add_fields(credentials, request);
        Ok(())
    }
}
