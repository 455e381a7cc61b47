//! A token saved to storage and read back: [`SavedToken`] (feature `serde`).

use std::{fmt, time::SystemTime};

use serde::{Deserialize, Deserializer, Serialize, Serializer, de};

use crate::{Token, TokenParams, store::codec};

/// A [`Token`] in a form that can be written to storage and read back, to seed a client at
/// start-up with [`ClientBuilder::token`](crate::ClientBuilder::token) instead of requesting
/// a new token.
///
/// **Its serialised form holds the access token and the refresh token in clear.** Whoever
/// reads it can call the vendor's API as you until the tokens expire (a refresh token, for
/// weeks or for good). Store it where you would store the client secret: an encrypted store, a
/// secrets manager, a file only your service can read; never in logs or in a response.
///
/// Saving is deliberate: [`Token`] does not implement `Serialize`, so a struct that merely
/// holds one cannot write it out by accident; convert with [`Token::to_saved`] or
/// `SavedToken::from(&token)` where you mean to save it. This does not compile:
///
/// ```compile_fail,E0277
/// #[derive(serde::Serialize)]
/// struct Session {
///     user: String,
///     token: oauth_runtime::Token,
/// }
/// ```
///
/// while this does, and round-trips:
///
/// ```
/// use oauth_runtime::{SavedToken, Token};
///
/// let token = Token::new("access").with_refresh_token("refresh");
/// let json = serde_json::to_string(&token.to_saved()).unwrap(); // secrets in clear: store with care
/// let restored: Token = serde_json::from_str::<SavedToken>(&json).unwrap().into_token();
/// assert_eq!(restored.access_token().expose_secret(), "access");
/// assert_eq!(restored.expires_at(), token.expires_at());
/// // seed a client: Client::builder(credentials).token(restored)
/// ```
///
/// The format is the [token codec](crate::store::codec)'s (version 2, or 3 for a token bound
/// to a key): a JSON-friendly struct with `v`, `access_token`, `token_type`, `refresh_token`
/// (or `null`), `expires_at` and `issued_at` as RFC 3339 instants, `extra` (the response's
/// other fields), when known `params` (the [`TokenParams`] the token was requested with: see
/// [`SavedToken::with_params`]), and for a DPoP token `binding`, the private key it is bound
/// to, in clear like the tokens. What earlier releases wrote (without `v`) still reads. Its
/// `Debug` shows no token and no key.
#[derive(Clone)]
pub struct SavedToken {
    token: Token,
    params: Option<TokenParams>,
}

impl Token {
    /// This token in a form that can be serialised, for saving; see [`SavedToken`], and mind
    /// that what it writes holds the tokens in clear.
    pub fn to_saved(&self) -> SavedToken {
        SavedToken::from(self)
    }
}

impl SavedToken {
    /// The token, to seed a client with.
    pub fn into_token(self) -> Token {
        self.token
    }

    /// When the saved token expires: a token read back after that is of no use.
    pub fn expires_at(&self) -> SystemTime {
        self.token.expires_at()
    }

    /// The same, saved with the token parameters it was requested with, so that whoever reads
    /// it back seeds the right handle ([`Client::with_token_params`](crate::Client::with_token_params)).
    ///
    /// ```
    /// use oauth_runtime::{SavedToken, Token, TokenParams};
    /// let saved = Token::new("a").to_saved().with_params(TokenParams::new().scope("read"));
    /// let json = serde_json::to_string(&saved).unwrap();
    /// let back: SavedToken = serde_json::from_str(&json).unwrap();
    /// assert_eq!(back.params().and_then(TokenParams::scope_str), Some("read"));
    /// ```
    #[must_use]
    pub fn with_params(mut self, params: TokenParams) -> SavedToken {
        self.params = Some(params);
        self
    }

    /// The token parameters it was saved with, if any.
    pub fn params(&self) -> Option<&TokenParams> {
        self.params.as_ref()
    }
}

impl From<&Token> for SavedToken {
    fn from(token: &Token) -> SavedToken {
        SavedToken { token: token.clone(), params: None }
    }
}

impl From<SavedToken> for Token {
    fn from(saved: SavedToken) -> Token {
        saved.token
    }
}

impl fmt::Debug for SavedToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SavedToken")
            .field("access_token", self.token.access_token())
            .field("token_type", &self.token.token_type())
            .field("refresh_token", &self.token.refresh_token())
            .field("expires_at", &self.token.expires_at())
            .field("extra_fields", &self.token.extra().keys().collect::<Vec<_>>())
            .field("params", &self.params)
            .finish()
    }
}

impl Serialize for SavedToken {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        codec::Encoded::new(&self.token, self.params.as_ref()).serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for SavedToken {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<SavedToken, D::Error> {
        let decoded = codec::AnyForm::deserialize(deserializer)?.into_decoded().map_err(de::Error::custom)?;
        Ok(SavedToken { token: decoded.token, params: decoded.params })
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use serde_json::{Map, Value};

    use super::*;
    use crate::Secret;

    #[test]
    fn round_trip_keeps_everything() {
        let mut extra = Map::new();
        extra.insert("userName".into(), Value::from("ana"));
        let at = SystemTime::UNIX_EPOCH + Duration::from_nanos(1_900_000_000_123_456_789);
        let token = Token::from_parts(
            "acc-123".into(),
            crate::TokenScheme::Bearer,
            Some("bearer".into()),
            Some("ref-456".into()),
            at - Duration::from_secs(60),
            at,
            crate::LifetimeSource::Duration,
            extra,
        );
        let json = serde_json::to_string(&token.to_saved()).unwrap();
        assert!(json.contains("\"expires_at\":\"2030-03-17T17:46:40.123456789Z\""), "{json}");
        let back = serde_json::from_str::<SavedToken>(&json).unwrap().into_token();
        assert_eq!(back.access_token().expose_secret(), "acc-123");
        assert_eq!(back.refresh_token().map(Secret::expose_secret), Some("ref-456"));
        assert_eq!((back.expires_at(), back.issued_at()), (at, at - Duration::from_secs(60)));
        assert_eq!((back.token_type(), back.field("userName")), ("Bearer", Some(&Value::from("ana"))));
    }

    #[test]
    fn minimal_form_and_bad_instants() {
        let saved: SavedToken =
            serde_json::from_str(r#"{"access_token":"a","expires_at":"2030-01-01T00:00:00Z"}"#).unwrap();
        let token = saved.clone().into_token();
        assert_eq!((token.token_type(), token.refresh_token().is_none()), ("Bearer", true));
        assert!(!format!("{saved:?}").contains("\"a\""), "Debug shows no token");
        let err = serde_json::from_str::<SavedToken>(r#"{"access_token":"a","expires_at":"soon"}"#).unwrap_err();
        assert!(err.to_string().contains("`expires_at` is not an RFC 3339 instant"), "{err}");
    }

    #[test]
    fn saved_tokens_are_the_codec_and_carry_params() {
        let token = Token::new("acc").with_refresh_token("ref");
        let params = TokenParams::new().scope("read").resource("https://r");
        let json = serde_json::to_vec(&token.to_saved().with_params(params.clone())).unwrap();
        // One format: what SavedToken writes, the codec reads, and the other way round.
        let decoded = codec::decode(&json).unwrap();
        assert_eq!((decoded.version, decoded.params.as_ref()), (2, Some(&params)), "bound to no key: version 2");
        let back: SavedToken = serde_json::from_slice(&codec::encode(&token, Some(&params))).unwrap();
        assert_eq!(back.params(), Some(&params));
        assert_eq!(back.into_token().refresh_token().map(Secret::expose_secret), Some("ref"));
    }
}
