//! A token saved to storage and read back: [`SavedToken`] (feature `serde`).

use std::{fmt, time::SystemTime};

use serde::{Deserialize, Deserializer, Serialize, Serializer, de, ser::SerializeStruct as _};
use serde_json::{Map, Value};
use time::{OffsetDateTime, format_description::well_known::Rfc3339};

use crate::{Secret, Token};

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
/// The format is a JSON-friendly struct: `access_token`, `token_type`, `refresh_token` (or
/// `null`), `expires_at` and `issued_at` as RFC 3339 instants, and `extra`, the response's
/// other fields. Its `Debug` shows no token.
#[derive(Clone)]
pub struct SavedToken {
    access_token: Secret,
    token_type: String,
    refresh_token: Option<Secret>,
    expires_at: SystemTime,
    issued_at: SystemTime,
    extra: Map<String, Value>,
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
        Token::from(self)
    }

    /// When the saved token expires: a token read back after that is of no use.
    pub fn expires_at(&self) -> SystemTime {
        self.expires_at
    }
}

impl From<&Token> for SavedToken {
    fn from(token: &Token) -> SavedToken {
        SavedToken {
            access_token: token.access_token().clone(),
            token_type: token.token_type().to_owned(),
            refresh_token: token.refresh_token().cloned(),
            expires_at: token.expires_at(),
            issued_at: token.issued_at(),
            extra: token.extra().clone(),
        }
    }
}

impl From<SavedToken> for Token {
    fn from(saved: SavedToken) -> Token {
        Token::from_parts(
            saved.access_token.expose_secret().to_owned(),
            crate::TokenScheme::for_token_type(Some(&saved.token_type)),
            None,
            saved.refresh_token.as_ref().map(|r| r.expose_secret().to_owned()),
            saved.issued_at,
            saved.expires_at,
            // Kept as the instant it was computed to be.
            crate::LifetimeSource::Instant,
            saved.extra,
        )
    }
}

impl fmt::Debug for SavedToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SavedToken")
            .field("access_token", &self.access_token)
            .field("token_type", &self.token_type)
            .field("refresh_token", &self.refresh_token)
            .field("expires_at", &self.expires_at)
            .field("extra_fields", &self.extra.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl Serialize for SavedToken {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let instant = |at: SystemTime| {
            OffsetDateTime::from(at).format(&Rfc3339).map_err(|e| serde::ser::Error::custom(format!("instant: {e}")))
        };
        let mut s = serializer.serialize_struct("SavedToken", 6)?;
        s.serialize_field("access_token", self.access_token.expose_secret())?;
        s.serialize_field("token_type", &self.token_type)?;
        s.serialize_field("refresh_token", &self.refresh_token.as_ref().map(Secret::expose_secret))?;
        s.serialize_field("expires_at", &instant(self.expires_at)?)?;
        s.serialize_field("issued_at", &instant(self.issued_at)?)?;
        s.serialize_field("extra", &self.extra)?;
        s.end()
    }
}

/// The serialised form as read; the token strings move into `Secret`s without a copy.
#[derive(Deserialize)]
struct Wire {
    access_token: String,
    #[serde(default)]
    token_type: Option<String>,
    #[serde(default)]
    refresh_token: Option<String>,
    expires_at: String,
    #[serde(default)]
    issued_at: Option<String>,
    #[serde(default)]
    extra: Map<String, Value>,
}

impl<'de> Deserialize<'de> for SavedToken {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<SavedToken, D::Error> {
        let wire = Wire::deserialize(deserializer)?;
        let instant = |field: &str, raw: &str| {
            OffsetDateTime::parse(raw, &Rfc3339)
                .map(SystemTime::from)
                .map_err(|_| de::Error::custom(format!("`{field}` is not an RFC 3339 instant")))
        };
        let expires_at = instant("expires_at", &wire.expires_at)?;
        let issued_at = match &wire.issued_at {
            Some(raw) => instant("issued_at", raw)?,
            None => SystemTime::now(),
        };
        // Normalised (`bearer` → `Bearer`) when the token is made.
        let token_type = wire.token_type.unwrap_or_else(|| "Bearer".to_owned());
        Ok(SavedToken {
            access_token: Secret::new(wire.access_token),
            token_type,
            refresh_token: wire.refresh_token.map(Secret::new),
            expires_at,
            issued_at,
            extra: wire.extra,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

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
}
