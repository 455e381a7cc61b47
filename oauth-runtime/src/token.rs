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
    scheme: TokenScheme,
    /// The `token_type` as the vendor sent it.
    sent_type: Option<String>,
    refresh: Option<Secret>,
    expires_at: SystemTime,
    issued_at: SystemTime,
    lifetime_source: LifetimeSource,
    extra: Map<String, Value>,
    /// The key the token is bound to, when its presentation binds tokens (DPoP).
    binding: Option<TokenBinding>,
}

impl Token {
    /// A Bearer token that expires in an hour unless [`Token::with_expires_at`] says otherwise.
    pub fn new(access_token: impl Into<String>) -> Token {
        let now = SystemTime::now();
        Token {
            access: Secret::new(access_token.into()),
            scheme: TokenScheme::Bearer,
            sent_type: None,
            refresh: None,
            expires_at: now + Duration::from_secs(3600),
            issued_at: now,
            lifetime_source: LifetimeSource::Assumed,
            extra: Map::new(),
            binding: None,
        }
    }

    /// Sets the refresh token.
    pub fn with_refresh_token(mut self, refresh_token: impl Into<String>) -> Token {
        self.refresh = Some(Secret::new(refresh_token.into()));
        self
    }

    /// Sets the expiry instant (its [lifetime source](Token::lifetime_source) becomes
    /// [`LifetimeSource::Instant`]).
    pub fn with_expires_at(mut self, at: SystemTime) -> Token {
        self.expires_at = at;
        self.lifetime_source = LifetimeSource::Instant;
        self
    }

    /// Sets the token type, read as in responses ([`TokenScheme::for_token_type`]).
    ///
    /// ```
    /// # use oauth_runtime::{Token, TokenScheme};
    /// assert_eq!(Token::new("t").with_token_type("Application Access Token").scheme(), TokenScheme::Bearer);
    /// assert_eq!(Token::new("t").with_token_type("dpop").scheme(), TokenScheme::DPoP);
    /// ```
    pub fn with_token_type(mut self, token_type: &str) -> Token {
        self.scheme = TokenScheme::for_token_type(Some(token_type));
        self.sent_type = Some(token_type.to_owned());
        self
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn from_parts(
        access: String,
        scheme: TokenScheme,
        sent_type: Option<String>,
        refresh: Option<String>,
        issued_at: SystemTime,
        expires_at: SystemTime,
        lifetime_source: LifetimeSource,
        extra: Map<String, Value>,
    ) -> Token {
        Token {
            access: Secret::new(access),
            scheme,
            sent_type,
            refresh: refresh.map(Secret::new),
            expires_at,
            issued_at,
            lifetime_source,
            extra,
            binding: None,
        }
    }

    /// Sets the key material the token is bound to ([`Token::binding`]): for a token saved
    /// earlier with its key, or obtained elsewhere with a known key.
    pub fn with_binding(mut self, binding: TokenBinding) -> Token {
        self.binding = Some(binding);
        self
    }

    pub(crate) fn set_binding(&mut self, binding: Option<TokenBinding>) {
        self.binding = binding;
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

    /// The name of the scheme the token is presented with ([`Token::scheme`]): `Bearer` for
    /// any spelling of bearer, for words that are no HTTP authentication scheme
    /// (`BearerToken`, `bot`, `Application Access Token`) and when the vendor sent none; the
    /// registered name otherwise (`DPoP`, `MAC`). The vendor's own word is
    /// [`Token::token_type_sent`].
    pub fn token_type(&self) -> &str {
        self.scheme.as_str()
    }

    /// The `Authorization` scheme this token is sent with: [`TokenScheme::Bearer`], or
    /// [`TokenScheme::DPoP`] for a vendor that declares DPoP. A client given a token of a
    /// scheme it does not present returns
    /// [`Error::UnsupportedTokenType`](crate::Error::UnsupportedTokenType) instead of sending
    /// it bare.
    pub fn scheme(&self) -> TokenScheme {
        self.scheme
    }

    /// The `token_type` exactly as the vendor sent it, if it sent one.
    pub fn token_type_sent(&self) -> Option<&str> {
        self.sent_type.as_deref()
    }

    /// Where the token's lifetime came from.
    ///
    /// ```
    /// # use std::time::SystemTime;
    /// # use oauth_runtime::{LifetimeSource, Token};
    /// assert_eq!(Token::new("t").lifetime_source(), LifetimeSource::Assumed);
    /// assert_eq!(Token::new("t").with_expires_at(SystemTime::now()).lifetime_source(), LifetimeSource::Instant);
    /// ```
    pub fn lifetime_source(&self) -> LifetimeSource {
        self.lifetime_source
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

    /// The `issued_token_type` of a token exchange's answer (RFC 8693 section 2.2.1): the
    /// type of the token issued, e.g. `urn:ietf:params:oauth:token-type:access_token`.
    ///
    /// ```
    /// let token = oauth_runtime::Token::new("abc");
    /// assert_eq!(token.issued_token_type(), None);
    /// ```
    pub fn issued_token_type(&self) -> Option<&str> {
        self.extra.get("issued_token_type").and_then(serde_json::Value::as_str)
    }

    /// The key material the token is bound to, when the presentation binds tokens to a key
    /// (DPoP, RFC 9449): it travels with the token through token stores and
    /// [`SavedToken`](crate::SavedToken), so that whoever presents the token proves
    /// possession of the right key. `None` for Bearer tokens.
    ///
    /// ```
    /// # use oauth_runtime::{Token, TokenBinding, Secret};
    /// assert!(Token::new("t").binding().is_none());
    /// let bound = Token::new("t").with_binding(TokenBinding::new("example", Secret::from("key material")));
    /// assert_eq!(bound.binding().map(|b| b.kind()), Some("example"));
    /// ```
    pub fn binding(&self) -> Option<&TokenBinding> {
        self.binding.as_ref()
    }

    /// The scopes the token response said were granted (its `scope`, RFC 6749 section 5.1), in
    /// the order sent: a space-separated string, also split at commas (GitHub writes
    /// `repo,gist`), or an array of strings. `None` when the response said nothing (a vendor
    /// omits `scope` when it granted what was asked, and a refresh's answer often does), or
    /// sent an empty or unreadable value.
    ///
    /// ```
    /// use oauth_runtime::Token;
    /// assert_eq!(Token::new("t").granted_scopes(), None);
    /// ```
    pub fn granted_scopes(&self) -> Option<Vec<&str>> {
        let scopes: Vec<&str> = match self.extra.get("scope")? {
            Value::String(text) => {
                text.split(|c: char| c.is_ascii_whitespace() || c == ',').filter(|s| !s.is_empty()).collect()
            }
            Value::Array(items) => items.iter().map(Value::as_str).collect::<Option<_>>()?,
            _ => return None,
        };
        (!scopes.is_empty()).then_some(scopes)
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
        zeroize::Zeroizing::new(format!("{} {}", self.scheme.as_str(), self.access.expose_secret()))
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
            .field("scheme", &self.scheme)
            .field("lifetime_source", &self.lifetime_source)
            .field("refresh_token", &self.refresh.as_ref().map(|_| "[REDACTED]"))
            .field("expires_in", &self.expires_in())
            .field("extra_fields", &self.extra.keys().collect::<Vec<_>>())
            .field("binding", &self.binding)
            .finish()
    }
}

/// The key material a token is bound to, as its presentation exports it ([`Token::binding`]):
/// a kind (`"dpop"`) and the material itself, a secret (for DPoP, the private key as a JWK).
///
/// Cheap to clone (shared). Its `Debug` shows the kind alone; the material is zeroed on drop
/// and read only through [`TokenBinding::material`].
///
/// ```
/// use oauth_runtime::{Secret, TokenBinding};
/// let binding = TokenBinding::new("dpop", Secret::from("{\"kty\":\"EC\",\"d\":\"s3cret\"}"));
/// assert_eq!(binding.kind(), "dpop");
/// assert!(!format!("{binding:?}").contains("s3cret"));
/// ```
#[derive(Clone)]
pub struct TokenBinding(std::sync::Arc<BindingInner>);

struct BindingInner {
    kind: String,
    material: Secret,
}

impl TokenBinding {
    /// Material of `kind` (the presentation's name for it, `"dpop"` for DPoP keys).
    pub fn new(kind: impl Into<String>, material: Secret) -> TokenBinding {
        TokenBinding(std::sync::Arc::new(BindingInner { kind: kind.into(), material }))
    }

    /// What kind of material it is.
    pub fn kind(&self) -> &str {
        &self.0.kind
    }

    /// The material, a secret.
    pub fn material(&self) -> &Secret {
        &self.0.material
    }

    /// Whether `other` is this very binding (not a copy read back): a cheap test for the key
    /// a presentation made itself.
    pub fn is(&self, other: &TokenBinding) -> bool {
        std::sync::Arc::ptr_eq(&self.0, &other.0)
    }
}

impl fmt::Debug for TokenBinding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenBinding").field("kind", &self.0.kind).field("material", &"[REDACTED]").finish()
    }
}

/// How a token is presented in the `Authorization` header.
///
/// A response's `token_type` is not always a scheme: vendors send descriptions and their own
/// words (`BearerToken`, `bot`, `Application Access Token`) for what are bearer tokens.
/// [`TokenScheme::for_token_type`] reads any spelling of `bearer`, a missing type, and every
/// word that is not a registered HTTP authentication scheme as [`TokenScheme::Bearer`], so
/// such a word never reaches the `Authorization` header. Registered schemes other than Bearer
/// need more than the token (a proof of possession for `DPoP` and `MAC`), which this client
/// does not implement: it returns
/// [`Error::UnsupportedTokenType`](crate::Error::UnsupportedTokenType) for them instead of
/// sending the token bare.
///
/// ```
/// use oauth_runtime::TokenScheme;
/// assert_eq!(TokenScheme::for_token_type(Some("BEARER")), TokenScheme::Bearer);
/// assert_eq!(TokenScheme::for_token_type(Some("bot")), TokenScheme::Bearer);
/// assert_eq!(TokenScheme::for_token_type(None), TokenScheme::Bearer);
/// assert_eq!(TokenScheme::for_token_type(Some("dpop")), TokenScheme::DPoP);
/// assert_eq!(TokenScheme::for_token_type(Some("mac")).as_str(), "MAC");
/// assert!(!TokenScheme::Mac.is_supported());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TokenScheme {
    /// `Authorization: Bearer <token>` (RFC 6750): the scheme this client sends.
    Bearer,
    /// DPoP (RFC 9449): needs a signed proof with each request; sent by clients of vendors
    /// that declare DPoP (feature `dpop`), refused by the others.
    DPoP,
    /// MAC (draft-ietf-oauth-v2-http-mac): needs a signature; never sent.
    Mac,
    /// Another registered HTTP authentication scheme (`Basic`, `Digest`, `GNAP`, ...), by its
    /// registered name; never sent with an OAuth token.
    Other(&'static str),
}

/// The IANA HTTP Authentication Scheme Registry (Bearer, DPoP handled apart) and the widely
/// used NTLM, for [`TokenScheme::for_token_type`]; MAC is handled apart.
const REGISTERED: [&str; 13] = [
    "Basic",
    "Concealed",
    "Digest",
    "GNAP",
    "HOBA",
    "Mutual",
    "Negotiate",
    "OAuth",
    "PrivateToken",
    "SCRAM-SHA-1",
    "SCRAM-SHA-256",
    "vapid",
    "NTLM",
];

impl TokenScheme {
    /// The scheme a `token_type` asks for, ignoring ASCII case and surrounding whitespace.
    pub fn for_token_type(token_type: Option<&str>) -> TokenScheme {
        let Some(t) = token_type.map(str::trim) else { return TokenScheme::Bearer };
        if t.eq_ignore_ascii_case("dpop") {
            TokenScheme::DPoP
        } else if t.eq_ignore_ascii_case("mac") {
            TokenScheme::Mac
        } else if let Some(name) = REGISTERED.iter().find(|name| name.eq_ignore_ascii_case(t)) {
            TokenScheme::Other(name)
        } else {
            TokenScheme::Bearer
        }
    }

    /// The scheme's name as written in the `Authorization` header.
    pub fn as_str(&self) -> &'static str {
        match self {
            TokenScheme::Bearer => "Bearer",
            TokenScheme::DPoP => "DPoP",
            TokenScheme::Mac => "MAC",
            TokenScheme::Other(name) => name,
        }
    }

    /// Whether this build can send tokens of this scheme: Bearer, and DPoP with the `dpop`
    /// feature (to clients of vendors that declare it).
    pub fn is_supported(&self) -> bool {
        *self == TokenScheme::Bearer || (*self == TokenScheme::DPoP && cfg!(feature = "dpop"))
    }
}

impl fmt::Display for TokenScheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a token's lifetime came from ([`Token::lifetime_source`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LifetimeSource {
    /// Stated as a duration (`expires_in`).
    Duration,
    /// Stated as an instant (`expires_at`, an epoch or a date), read on the vendor's clock.
    Instant,
    /// Not stated (absent, `null` or `0`): the provider's default lifetime.
    Assumed,
    /// Stated, but already past or under the provider's floor
    /// ([`ResponseSpec::min_lifetime`](crate::provider::ResponseSpec::min_lifetime)): the floor.
    Floor,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_types_that_are_no_scheme_mean_bearer() {
        let words = [None, Some(""), Some("bearer"), Some(" BEARER "), Some("BearerToken"), Some("bot"), Some("N_A")];
        for raw in words.into_iter().chain([Some("Application Access Token"), Some("example")]) {
            assert_eq!(TokenScheme::for_token_type(raw), TokenScheme::Bearer, "{raw:?}");
        }
        assert_eq!(TokenScheme::for_token_type(Some("DPoP")), TokenScheme::DPoP);
        assert_eq!(TokenScheme::for_token_type(Some("Mac")), TokenScheme::Mac);
        assert_eq!(TokenScheme::for_token_type(Some("basic")), TokenScheme::Other("Basic"));
        assert!(TokenScheme::Bearer.is_supported() && !TokenScheme::Mac.is_supported());
        let token = Token::new("t").with_token_type("BearerToken");
        assert_eq!((token.token_type(), token.token_type_sent()), ("Bearer", Some("BearerToken")));
        assert_eq!(&*token.authorization(), "Bearer t");
    }

    #[test]
    fn granted_scopes_are_read_as_vendors_write_them() {
        let with = |scope: Value| {
            let mut extra = Map::new();
            extra.insert("scope".into(), scope);
            let now = SystemTime::now();
            Token::from_parts("t".into(), TokenScheme::Bearer, None, None, now, now, LifetimeSource::Assumed, extra)
        };
        let granted = |scope: Value| with(scope).granted_scopes().map(|s| s.join("|"));
        assert_eq!(granted("read:org  repo".into()).as_deref(), Some("read:org|repo"));
        assert_eq!(granted("repo,gist".into()).as_deref(), Some("repo|gist"), "GitHub's commas");
        assert_eq!(granted(serde_json::json!(["a", "b"])).as_deref(), Some("a|b"));
        for unknown in [Value::from(""), Value::from(" "), serde_json::json!([]), serde_json::json!([1]), Value::Null] {
            assert_eq!(granted(unknown.clone()), None, "{unknown}");
        }
    }

    #[test]
    fn debug_hides_both_tokens() {
        let t = Token::new("access-xyz").with_refresh_token("refresh-xyz");
        let s = format!("{t:?}");
        assert!(!s.contains("access-xyz") && !s.contains("refresh-xyz"), "{s}");
    }
}
