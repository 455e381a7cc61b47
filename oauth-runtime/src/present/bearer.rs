//! Bearer tokens (RFC 6750 section 2.1): `Authorization: Bearer <token>`.

use reqwest::header::{AUTHORIZATION, HeaderValue};

use super::{Call, Prepared, Presentation};
use crate::{Error, Token, TokenScheme};

/// `Authorization: Bearer <token>`, the header value built once per token.
///
/// ```
/// use oauth_runtime::{Token, present::{Bearer, Presentation}};
/// let prepared = Bearer::new().prepare(&Token::new("abc")).unwrap();
/// assert_eq!(prepared.header_value().unwrap(), "Bearer abc");
/// assert!(prepared.header_value().unwrap().is_sensitive());
/// ```
#[derive(Debug, Clone, Copy, Default)]
#[non_exhaustive]
pub struct Bearer;

impl Bearer {
    /// The method (it has no settings).
    pub const fn new() -> Bearer {
        Bearer
    }
}

impl Presentation for Bearer {
    fn accepts(&self, scheme: &TokenScheme) -> bool {
        *scheme == TokenScheme::Bearer
    }

    fn prepare(&self, token: &Token) -> Result<Prepared, Error> {
        let text = token.authorization();
        let value = HeaderValue::from_str(&text)
            .map_err(|_| Error::config("the token holds characters not allowed in an HTTP header"))?;
        Ok(Prepared::header(value))
    }

    fn attach(&self, token: &Token, prepared: &Prepared, call: &mut Call<'_>) -> Result<(), Error> {
        let value = match prepared.header_value() {
            Some(value) => value.clone(),
            None => self.prepare(token)?.header.unwrap_or_else(|| HeaderValue::from_static("")),
        };
        call.headers.insert(AUTHORIZATION, value);
        Ok(())
    }
}
