//! The resource owner password credentials grant (RFC 6749 section 4.3).

use super::TokenGrant;
use crate::{Credentials, Error, TokenRequest};

/// `grant_type=password`: the user name and password fields, and any other declared
/// parameter, under their wire names.
///
/// ```
/// use oauth_runtime::grant::{Password, TokenGrant};
/// assert_eq!(Password::new().grant_type(), "password");
/// assert!(Password::new().unattended());
/// ```
#[derive(Debug, Clone, Copy, Default)]
#[non_exhaustive]
pub struct Password;

impl Password {
    /// The method (it has no settings).
    pub const fn new() -> Password {
        Password
    }
}

impl TokenGrant for Password {
    fn grant_type(&self) -> &str {
        "password"
    }

    fn parameters(&self, credentials: &Credentials, request: &mut TokenRequest) -> Result<(), Error> {
        super::add_fields(credentials, request);
        Ok(())
    }
}
