//! An issued token and what came with it.

use std::{
    fmt,
    time::{Duration, SystemTime},
};

use serde_json::{Map, Value};

use crate::credential::Secret;

/// An access token, its refresh token and expiry, and every other field of the response.
///
/// Build one by hand to seed a client with a token saved earlier:
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use oauth_runtime::Token;
///
/// let token = Token::new("saved-access-token")
///     .with_refresh_token("saved-refresh-token")
///     .with_expires_at(SystemTime::now() + Duration::from_secs(600));
/// assert!(!format!("{token:?}").contains("saved-access-token"));
/// assert_eq!(token.token_type(), "Bearer");
/// ```
#[derive(Clone)]
pub struct Token {
    access: Secret,
    token_type: String,
    refresh: Option<Secret>,
    expires_at: SystemTime,
    issued_at: SystemTime,
    extra: Map<String, Value>,
}

impl Token {
    /// A Bearer token that expires in an hour unless [`Token::with_expires_at`] says otherwise.
    pub fn new(access_token: impl Into<String>) -> Token {
        let now = SystemTime::now();
        Token {
            access: Secret::new(access_token.into()),
            token_type: "Bearer".to_owned(),
            refresh: None,
            expires_at: now + Duration::from_secs(3600),
            issued_at: now,
            extra: Map::new(),
        }
    }

    /// Sets the refresh token.
    pub fn with_refresh_token(mut self, refresh_token: impl Into<String>) -> Token {
        self.refresh = Some(Secret::new(refresh_token.into()));
        self
    }

    /// Sets the expiry instant.
    pub fn with_expires_at(mut self, at: SystemTime) -> Token {
        self.expires_at = at;
        self
    }

    /// Sets the token type, normalised as in responses (`bearer`, `BearerToken` → `Bearer`).
    pub fn with_token_type(mut self, token_type: &str) -> Token {
        self.token_type = normalize_token_type(Some(token_type));
        self
    }

    pub(crate) fn from_parts(
        access: String,
        token_type: Option<&str>,
        refresh: Option<String>,
        issued_at: SystemTime,
        expires_at: SystemTime,
        extra: Map<String, Value>,
    ) -> Token {
        Token {
            access: Secret::new(access),
            token_type: normalize_token_type(token_type),
            refresh: refresh.map(Secret::new),
            expires_at,
            issued_at,
            extra,
        }
    }

    /// The access token. Reading it is explicit: `token.access_token().expose_secret()`.
    ///
    /// ```
    /// # use oauth_runtime::Token;
    /// let token = Token::new("abc");
    /// assert_eq!(token.access_token().expose_secret(), "abc");
    /// ```
    pub fn access_token(&self) -> &Secret {
        &self.access
    }

    /// The refresh token, if the vendor issued one.
    pub fn refresh_token(&self) -> Option<&Secret> {
        self.refresh.as_ref()
    }

    /// The token type: `Bearer` for any spelling of bearer and when the vendor sent none.
    pub fn token_type(&self) -> &str {
        &self.token_type
    }

    /// When the token expires (from the response, or the provider's default lifetime).
    pub fn expires_at(&self) -> SystemTime {
        self.expires_at
    }

    /// When the token was received (or built).
    pub fn issued_at(&self) -> SystemTime {
        self.issued_at
    }

    /// Time left before expiry; zero once expired.
    pub fn expires_in(&self) -> Duration {
        self.expires_at.duration_since(SystemTime::now()).unwrap_or_default()
    }

    /// Every response field other than the access token, refresh token and token type, as
    /// sent (`userName`, `as:client_id`, `applicationId`, `status`, ...).
    pub fn extra(&self) -> &Map<String, Value> {
        &self.extra
    }

    /// One extra response field.
    ///
    /// ```
    /// # use oauth_runtime::Token;
    /// let token = Token::new("t");
    /// assert!(token.field("userName").is_none());
    /// ```
    pub fn field(&self, name: &str) -> Option<&Value> {
        self.extra.get(name)
    }

    /// The `Authorization` header value for this token, in memory zeroed on drop (the
    /// `HeaderValue` built from it is reqwest's and is not).
    pub(crate) fn authorization(&self) -> zeroize::Zeroizing<String> {
        zeroize::Zeroizing::new(format!("{} {}", self.token_type, self.access.expose_secret()))
    }

    /// Keeps `previous`'s refresh token when this response did not rotate it.
    pub(crate) fn inherit_refresh_token(&mut self, previous: &Token) {
        if self.refresh.is_none() {
            self.refresh = previous.refresh.clone();
        }
    }

    /// Whether `other` carries the same access token.
    pub(crate) fn same_access(&self, other: &Token) -> bool {
        self.access.expose_secret() == other.access.expose_secret()
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Token")
            .field("access_token", &"[REDACTED]")
            .field("token_type", &self.token_type)
            .field("refresh_token", &self.refresh.as_ref().map(|_| "[REDACTED]"))
            .field("expires_in", &self.expires_in())
            .field("extra_fields", &self.extra.keys().collect::<Vec<_>>())
            .finish()
    }
}

fn normalize_token_type(raw: Option<&str>) -> String {
    match raw.map(str::trim) {
        None | Some("") => "Bearer".to_owned(),
        Some(t) if t.eq_ignore_ascii_case("bearer") || t.eq_ignore_ascii_case("bearertoken") => "Bearer".to_owned(),
        Some(t) => t.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_types_normalise_to_bearer() {
        for raw in [None, Some(""), Some("bearer"), Some("BEARER"), Some("BearerToken")] {
            assert_eq!(normalize_token_type(raw), "Bearer", "{raw:?}");
        }
        assert_eq!(normalize_token_type(Some("DPoP")), "DPoP");
    }

    #[test]
    fn debug_hides_both_tokens() {
        let t = Token::new("access-xyz").with_refresh_token("refresh-xyz");
        let s = format!("{t:?}");
        assert!(!s.contains("access-xyz") && !s.contains("refresh-xyz"), "{s}");
    }
}
