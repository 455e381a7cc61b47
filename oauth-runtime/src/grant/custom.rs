//! A grant type of the vendor's own (RFC 6749 section 4.5, extension grants): Zoom's
//! `account_credentials`, say.

use std::borrow::Cow;

use super::TokenGrant;
use crate::{Credentials, Error, TokenRequest};

/// `grant_type=<name>` with the declared parameters: every credential field other than the
/// client's id and secret (those are the client authentication's), under its wire name, and
/// the vendor's fixed `params(..)`. Declared with `grant_type = "<name>"`.
///
/// Zoom's server-to-server apps: `grant_type=account_credentials&account_id=...`, the client
/// id and secret in HTTP Basic.
///
/// ```
/// use oauth_runtime::grant::{Custom, TokenGrant};
/// let zoom = Custom::new("account_credentials");
/// assert_eq!(zoom.grant_type(), "account_credentials");
/// assert!(zoom.unattended());
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Custom {
    grant_type: Cow<'static, str>,
}

impl Custom {
    /// The grant sent as `grant_type=<grant_type>`.
    pub fn new(grant_type: impl Into<Cow<'static, str>>) -> Custom {
        Custom { grant_type: grant_type.into() }
    }
}

impl TokenGrant for Custom {
    fn grant_type(&self) -> &str {
        &self.grant_type
    }

    fn parameters(&self, credentials: &Credentials, request: &mut TokenRequest) -> Result<(), Error> {
        super::add_fields(credentials, request);
        Ok(())
    }
}
