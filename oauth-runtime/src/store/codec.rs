//! The token codec: one versioned JSON form of a [`Token`] and the [`TokenParams`] it was
//! requested with, written by the built-in stores (inside their encryption, for
//! `RedisStore`) and by [`SavedToken`](crate::SavedToken) (feature `serde`), and there for a
//! [`TokenStore`](super::TokenStore) of your own.
//!
//! **The encoding holds the access token, the refresh token and the key the token is bound
//! to in clear**: encrypt it before it leaves the process.
//!
//! Version 3 (this release writes it for tokens bound to a key) is a JSON object:
//!
//! | field | value |
//! | --- | --- |
//! | `v` | `3` |
//! | `access_token`, `token_type` | strings (`token_type` as normalised, `Bearer`) |
//! | `token_type_sent` | the vendor's own word for the type, when it sent one (optional) |
//! | `refresh_token` | a string or `null` |
//! | `expires_at`, `issued_at` | RFC 3339 instants, to the nanosecond |
//! | `extra` | the token response's other fields, an object |
//! | `params` | the token parameters, `[[name, value], …]` in wire order; absent if unknown |
//! | `binding` | the key the token is bound to ([`Token::binding`]): `{"kind": "dpop", "key": …}`, the key a secret (for DPoP, the private JWK); absent for Bearer tokens |
//!
//! Version 2 is the same without `binding`: this release writes it for tokens bound to no key
//! (Bearer tokens), so that the previous release, which reads versions 1 and 2, still shares
//! them during a rolling upgrade. [`decode`] reads it, and also the unversioned forms of
//! earlier releases (reported as version 1):
//! the stores' (`access`, `expires_at_ms`, `issued_at_ms`, …) and `SavedToken`'s
//! (`access_token`, `expires_at`, …, without `v`). A version newer than [`VERSION`] is an
//! error of kind [`Codec`](super::StoreErrorKind::Codec), never a guess.
//!
//! ```
//! use oauth_runtime::{Token, TokenParams, store::codec};
//! let token = Token::new("access").with_refresh_token("refresh");
//! let params = TokenParams::new().scope("read");
//! let bytes = codec::encode(&token, Some(&params)); // zeroed on drop
//! let back = codec::decode(&bytes)?;
//! assert_eq!(back.token.access_token().expose_secret(), "access");
//! assert_eq!((back.params.as_ref(), back.version), (Some(&params), 2)); // bound to no key
//! # Ok::<(), oauth_runtime::store::StoreError>(())
//! ```

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use time::{OffsetDateTime, format_description::well_known::Rfc3339};
use zeroize::Zeroizing;

use super::StoreError;
use crate::{Token, TokenParams};

/// The newest version [`encode`] writes (for tokens bound to a key; version 2 otherwise), and
/// the newest [`decode`] reads.
pub const VERSION: u32 = 3;

/// The version of tokens bound to no key.
const UNBOUND_VERSION: u32 = 2;

/// What [`decode`] read.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Decoded {
    /// The token.
    pub token: Token,
    /// The token parameters it was requested with; `None` if the encoding did not say
    /// (version 1, or written without them).
    pub params: Option<TokenParams>,
    /// The codec version it was written in: 1 for the unversioned forms of earlier releases.
    pub version: u32,
}

impl Decoded {
    /// `token` of `params`, as if read in the current [`VERSION`].
    pub fn new(token: Token, params: Option<TokenParams>) -> Decoded {
        Decoded { token, params, version: VERSION }
    }
}

/// The version-3 form, borrowing the token's strings so that serialising copies no secret
/// into a buffer that is not zeroed.
#[derive(Serialize)]
pub(crate) struct Encoded<'a> {
    v: u32,
    access_token: &'a str,
    token_type: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    token_type_sent: Option<&'a str>,
    refresh_token: Option<&'a str>,
    expires_at: String,
    issued_at: String,
    extra: &'a Map<String, Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    params: Option<Vec<(&'static str, &'a str)>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    binding: Option<EncodedBinding<'a>>,
}

#[derive(Serialize)]
struct EncodedBinding<'a> {
    kind: &'a str,
    key: &'a str,
}

impl<'a> Encoded<'a> {
    pub(crate) fn new(token: &'a Token, params: Option<&'a TokenParams>) -> Encoded<'a> {
        Encoded {
            v: if token.binding().is_some() { VERSION } else { UNBOUND_VERSION },
            access_token: token.access_token().expose_secret(),
            token_type: token.token_type(),
            token_type_sent: token.token_type_sent(),
            refresh_token: token.refresh_token().map(|r| r.expose_secret()),
            expires_at: rfc3339(token.expires_at()),
            issued_at: rfc3339(token.issued_at()),
            extra: token.extra(),
            params: params.map(|p| p.pairs().collect()),
            binding: token.binding().map(|b| EncodedBinding { kind: b.kind(), key: b.material().expose_secret() }),
        }
    }
}

fn rfc3339(at: SystemTime) -> String {
    // Every instant a token has is after 1970 and before 9999; the fallback is unreachable.
    OffsetDateTime::from(at).format(&Rfc3339).unwrap_or_else(|_| "1970-01-01T00:00:00Z".to_owned())
}

/// Every form [`decode`] reads, as one struct of optional fields (no buffering of the
/// secrets, as an untagged enum would do).
#[derive(Deserialize)]
pub(crate) struct AnyForm {
    #[serde(default)]
    v: Option<u32>,
    #[serde(default)]
    access_token: Option<String>,
    /// Version 1, stores.
    #[serde(default)]
    access: Option<String>,
    #[serde(default)]
    token_type: Option<String>,
    #[serde(default)]
    token_type_sent: Option<String>,
    /// Version 1, stores.
    #[serde(default)]
    sent_type: Option<String>,
    #[serde(default)]
    refresh_token: Option<String>,
    /// Version 1, stores.
    #[serde(default)]
    refresh: Option<String>,
    #[serde(default)]
    expires_at: Option<String>,
    #[serde(default)]
    issued_at: Option<String>,
    /// Version 1, stores.
    #[serde(default)]
    expires_at_ms: Option<u64>,
    /// Version 1, stores.
    #[serde(default)]
    issued_at_ms: Option<u64>,
    #[serde(default)]
    extra: Map<String, Value>,
    #[serde(default)]
    params: Option<Vec<(String, String)>>,
    /// Version 3.
    #[serde(default)]
    binding: Option<AnyBinding>,
}

#[derive(Deserialize)]
pub(crate) struct AnyBinding {
    kind: String,
    key: String,
}

impl AnyForm {
    /// The token this form describes; the error is a message without any value of the input.
    pub(crate) fn into_decoded(self) -> Result<Decoded, String> {
        let version = self.v.unwrap_or(1);
        if version == 0 || version > VERSION {
            return Err(format!("token encoding version {version}: this release reads versions 1 to {VERSION}"));
        }
        let access = self.access_token.or(self.access).ok_or("the encoding has no `access_token`")?;
        let instant = |field: &str, raw: Option<&str>, ms: Option<u64>| match (raw, ms) {
            (Some(raw), _) => OffsetDateTime::parse(raw, &Rfc3339)
                .map(SystemTime::from)
                .map_err(|_| format!("`{field}` is not an RFC 3339 instant")),
            (None, Some(ms)) => Ok(UNIX_EPOCH + Duration::from_millis(ms)),
            (None, None) => Err(format!("the encoding has no `{field}`")),
        };
        let expires_at = instant("expires_at", self.expires_at.as_deref(), self.expires_at_ms)?;
        let issued_at = match instant("issued_at", self.issued_at.as_deref(), self.issued_at_ms) {
            Ok(at) => at,
            // `SavedToken`'s first form allowed it out: counted from now, as it was then.
            Err(_) if version == 1 && self.issued_at.is_none() => SystemTime::now(),
            Err(error) => return Err(error),
        };
        let params = match self.params {
            None => None,
            Some(pairs) => {
                let mut params = TokenParams::new();
                for (name, value) in pairs {
                    params = match name.as_str() {
                        "scope" => params.scope(value),
                        "audience" => params.audience(value),
                        "resource" => params.resource(value),
                        _ => return Err(format!("unknown token parameter `{name}`")),
                    };
                }
                Some(params)
            }
        };
        // Normalised (`bearer` → `Bearer`) when the token is made.
        let token_type = self.token_type.unwrap_or_else(|| "Bearer".to_owned());
        let mut token = Token::from_parts(
            access,
            crate::TokenScheme::for_token_type(Some(&token_type)),
            self.token_type_sent.or(self.sent_type),
            self.refresh_token.or(self.refresh),
            issued_at,
            expires_at,
            // What another process read, kept as the instant it computed.
            crate::LifetimeSource::Instant,
            self.extra,
        );
        if let Some(binding) = self.binding {
            token.set_binding(Some(crate::TokenBinding::new(binding.kind, crate::Secret::new(binding.key))));
        }
        Ok(Decoded { token, params, version })
    }
}

/// `token` (and the `params` it was requested with, if known) in the current form (version 3
/// for a token bound to a key, version 2 otherwise),
/// as JSON in memory zeroed on drop.
pub fn encode(token: &Token, params: Option<&TokenParams>) -> Zeroizing<Vec<u8>> {
    // Serialising a struct of strings, numbers and a JSON map cannot fail.
    Zeroizing::new(serde_json::to_vec(&Encoded::new(token, params)).unwrap_or_default())
}

/// The token `bytes` encode, in any version this release reads (see the
/// [module docs](self)).
///
/// # Errors
///
/// A [`StoreError`] of kind [`Codec`](super::StoreErrorKind::Codec) for bytes that are not
/// such an encoding, or of a newer version. Its message names the field or the position at
/// fault, never a value.
pub fn decode(bytes: &[u8]) -> Result<Decoded, StoreError> {
    let form: AnyForm = serde_json::from_slice(bytes).map_err(|e| {
        // serde_json's own message may quote the input: only its category and position.
        StoreError::codec(format!(
            "the token encoding does not parse ({:?} at line {}, column {})",
            e.classify(),
            e.line(),
            e.column()
        ))
    })?;
    form.into_decoded().map_err(StoreError::codec)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::StoreErrorKind;

    fn sample() -> Token {
        let mut extra = Map::new();
        extra.insert("userName".into(), Value::from("ann"));
        let at = UNIX_EPOCH + Duration::from_nanos(1_900_000_000_123_456_789);
        Token::from_parts(
            "acc".into(),
            crate::TokenScheme::Bearer,
            Some("BearerToken".into()),
            Some("ref".into()),
            at - Duration::from_secs(60),
            at,
            crate::LifetimeSource::Duration,
            extra,
        )
    }

    #[test]
    fn tokens_and_params_round_trip() {
        let token = sample();
        let params = TokenParams::new().scope("a b").audience("aud").resource("r1").resource("r2");
        let bytes = encode(&token, Some(&params));
        let text = std::str::from_utf8(&bytes).unwrap();
        assert!(text.starts_with("{\"v\":2,"), "bound to no key: the previous release reads it: {text}");
        assert!(!text.contains("binding"), "a Bearer token has none: {text}");
        let back = decode(&bytes).unwrap();
        assert_eq!((back.version, back.params.as_ref()), (2, Some(&params)));
        assert!(back.token.binding().is_none());
        let t = back.token;
        assert_eq!(t.access_token().expose_secret(), "acc");
        assert_eq!(t.refresh_token().unwrap().expose_secret(), "ref");
        assert_eq!((t.token_type(), t.token_type_sent()), ("Bearer", Some("BearerToken")));
        assert_eq!((t.expires_at(), t.issued_at()), (token.expires_at(), token.issued_at()));
        assert_eq!(t.field("userName"), Some(&Value::from("ann")));
        assert!(decode(&encode(&token, None)).unwrap().params.is_none());
        assert_eq!(decode(&encode(&token, Some(&TokenParams::new()))).unwrap().params, Some(TokenParams::new()));
    }

    #[test]
    fn the_key_a_token_is_bound_to_travels_with_it() {
        let token = sample().with_binding(crate::TokenBinding::new("dpop", crate::Secret::from("{\"d\":\"k3y\"}")));
        let bytes = encode(&token, None);
        assert!(bytes.starts_with(b"{\"v\":3,"));
        let back = decode(&bytes).unwrap();
        assert_eq!(back.version, 3);
        let binding = back.token.binding().expect("the binding is read back");
        assert_eq!((binding.kind(), binding.material().expose_secret()), ("dpop", "{\"d\":\"k3y\"}"));
        assert!(!format!("{:?}", back.token).contains("k3y"));
    }

    #[test]
    fn version_2_still_decodes() {
        let v2 = br#"{"v":2,"access_token":"a","token_type":"DPoP","refresh_token":null,"expires_at":"2030-01-01T00:00:00Z","issued_at":"2029-12-31T23:00:00Z","extra":{},"params":[["scope","x"]]}"#;
        let back = decode(v2).unwrap();
        assert_eq!((back.version, back.token.token_type()), (2, "DPoP"));
        assert!(back.token.binding().is_none());
        assert_eq!(back.params, Some(TokenParams::new().scope("x")));
    }

    #[test]
    fn earlier_releases_forms_still_decode() {
        // The stores' entries before the codec was versioned.
        let store = br#"{"access":"acc","token_type":"Bearer","sent_type":"bearer","refresh":"ref","expires_at_ms":1900000000123,"issued_at_ms":1899999990000,"extra":{"k":1}}"#;
        let back = decode(store).unwrap();
        assert_eq!((back.version, back.params.is_none()), (1, true));
        assert_eq!(back.token.refresh_token().unwrap().expose_secret(), "ref");
        assert_eq!(back.token.expires_at(), UNIX_EPOCH + Duration::from_millis(1_900_000_000_123));
        assert_eq!(back.token.token_type_sent(), Some("bearer"));
        // `SavedToken`'s form before the codec was versioned.
        let saved = br#"{"access_token":"a","token_type":"bearer","refresh_token":null,"expires_at":"2030-01-01T00:00:00Z","issued_at":"2029-12-31T23:00:00Z","extra":{}}"#;
        let back = decode(saved).unwrap();
        assert_eq!((back.version, back.token.token_type()), (1, "Bearer"));
        assert!(back.token.refresh_token().is_none());
        let minimal = decode(br#"{"access_token":"a","expires_at":"2030-01-01T00:00:00Z"}"#).unwrap();
        assert_eq!(minimal.token.access_token().expose_secret(), "a");
    }

    #[test]
    fn bad_input_is_a_codec_error_that_quotes_nothing() {
        for (bytes, why) in [
            (&br#"{"access":1}"#[..], "does not parse"),
            (br#"{"v":4,"access_token":"s3cret","expires_at":"2030-01-01T00:00:00Z"}"#, "version 4"),
            (br#"{"v":3,"access_token":"a","expires_at":"2030-01-01T00:00:00Z","issued_at":"2030-01-01T00:00:00Z","binding":{"kind":"dpop"}}"#, "does not parse"),
            (br#"{"v":2,"access_token":"s3cret","expires_at":"s3cret"}"#, "`expires_at` is not"),
            (br#"{"v":2,"access_token":"s3cret","expires_at":"2030-01-01T00:00:00Z"}"#, "no `issued_at`"),
            (br#"{"refresh_token":"s3cret","expires_at":"2030-01-01T00:00:00Z"}"#, "no `access_token`"),
            (br#"{"v":2,"access_token":"a","expires_at":"2030-01-01T00:00:00Z","issued_at":"2030-01-01T00:00:00Z","params":[["s3cret","x"]]}"#, "unknown token parameter"),
            (b"\"s3cret\"", "does not parse"),
            (b"", "does not parse"),
        ] {
            let error = decode(bytes).unwrap_err();
            assert_eq!(error.kind(), StoreErrorKind::Codec);
            let text = error.to_string();
            assert!(text.contains(why), "{text}");
            if !why.contains("parameter") {
                assert!(!text.contains("s3cret"), "{text}");
            }
        }
    }
}
