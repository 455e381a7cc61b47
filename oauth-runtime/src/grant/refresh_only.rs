//! Refresh-only: tokens from a refresh token a person obtained elsewhere (RFC 6749 section 6).

use super::TokenGrant;
use crate::{Credentials, Error, TokenRequest};

/// No grant of its own: the client is seeded with a refresh token
/// ([`ClientBuilder::refresh_token`](crate::ClientBuilder::refresh_token)) and renews with
/// it; rotated refresh tokens are kept. It never runs unattended: once the refresh token is
/// rejected, the caller gets [`Error::ReauthorizationRequired`], and before any token was given,
/// [`Error::AuthorizationRequired`].
///
/// ```
/// use oauth_runtime::grant::{RefreshOnly, TokenGrant};
/// assert_eq!(RefreshOnly::new().grant_type(), "refresh_token");
/// assert!(!RefreshOnly::new().unattended());
/// ```
#[derive(Debug, Clone, Copy, Default)]
#[non_exhaustive]
pub struct RefreshOnly;

impl RefreshOnly {
    /// The method (it has no settings).
    pub const fn new() -> RefreshOnly {
        RefreshOnly
    }
}

impl TokenGrant for RefreshOnly {
    fn grant_type(&self) -> &str {
        "refresh_token"
    }

    /// There is nothing to send without a refresh token: the renewal never asks (the grant is
    /// not [unattended](TokenGrant::unattended)), and a caller that does gets
    /// [`Error::Config`].
    fn parameters(&self, _: &Credentials, _: &mut TokenRequest) -> Result<(), Error> {
        Err(Error::config("a refresh-only client obtains tokens with its refresh token alone"))
    }

    fn unattended(&self) -> bool {
        false
    }
}
