//! A declaration checked against the vendor's documented sample response: what a client of
//! the spec reads from that exact body, by the runtime's own parser
//! ([`ProviderSpec::read_token_response`]), and the declared fields it would miss.

use std::{
    fmt,
    time::{Duration, SystemTime},
};

use oauth_runtime::{
    LifetimeSource, Token, TokenScheme,
    provider::{Expiry, FieldPath, InstantFormat, ProviderSpec, Refresh},
};
use serde_json::{Map, Value};

/// Reads `body`, a vendor's documented sample token response, as a client built from `spec`
/// reads it when the token endpoint answers that body, and checks that every field the spec
/// declares is there: a misspelt field name in the declaration fails here, with the field
/// named, instead of in production.
///
/// The body is read as received now, with HTTP 200 and no content type (the client sniffs
/// it: `{` is JSON, `key=value` pairs a form). A sample whose expiry is an instant is best
/// read at the time it was issued, with [`read_example_at`].
///
/// ```
/// use std::time::Duration;
/// use oauth_runtime::{Provider, Secret, oauth_provider};
///
/// #[oauth_provider(grant = "client_credentials", token_path = "/OAuth/GetAccessToken", body_style = "json")]
/// struct Microbilt { client_id: String, client_secret: Secret }
///
/// #[oauth_provider(grant = "client_credentials", token_path = "/OAuth/GetAccessToken", access_token = "acess_token")]
/// struct Misspelt { client_id: String, client_secret: Secret }
///
/// // Microbilt's documented answer.
/// let sample = r#"{ "issued_at" : "1525190727056", "expires_in" : "3599", "token_type" : "BearerToken",
///     "access_token" : "kE8WyfAAgaoPPisGakxRw9aEL8eH", "status" : "approved" }"#;
///
/// let token = oauth_sim::read_example(Microbilt::SPEC, sample)?;
/// assert_eq!(token.access_token(), "kE8WyfAAgaoPPisGakxRw9aEL8eH");
/// assert_eq!((token.token_type(), token.scheme().as_str()), (Some("BearerToken"), "Bearer"));
/// assert_eq!(token.lifetime(), Duration::from_secs(3599));
/// assert_eq!(token.field("status"), Some(&serde_json::json!("approved")));
///
/// let error = oauth_sim::read_example(Misspelt::SPEC, sample).unwrap_err();
/// assert!(error.to_string().contains("`acess_token`"), "{error}");
/// # Ok::<(), oauth_sim::ExampleError>(())
/// ```
///
/// # Errors
///
/// [`ExampleError::Unreadable`] with the client's own error when it cannot read the body as a
/// token (the access token missing under the declared name, an `expires_in` that is no
/// number, the body not JSON), or the sample is an error answer;
/// [`ExampleError::MissingExpiry`], [`ExampleError::UnreadableExpiry`] and
/// [`ExampleError::MissingRefreshToken`] for a declared field the client would silently go
/// without (it would assume the default lifetime, or run the grant again instead of
/// refreshing).
pub fn read_example(spec: &ProviderSpec, body: impl AsRef<[u8]>) -> Result<ExampleToken, ExampleError> {
    read_example_at(spec, body, SystemTime::now())
}

/// [`read_example`], as if the sample had been received at `received_at`: a sample's expiry
/// instant (Monta's `accessTokenExpirationDate`) then gives the lifetime the document means
/// instead of the floor of an instant long past.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use oauth_runtime::provider::*;
///
/// const SPEC: ProviderSpec = ProviderSpec::minimal("Example", "/token")
///     .with_response(ResponseSpec::STANDARD.with_expiry(Expiry::at("expires_at", InstantFormat::EpochSeconds)));
/// let issued = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
/// let token = oauth_sim::read_example_at(&SPEC, r#"{"access_token":"t","expires_at":1700003600}"#, issued)?;
/// assert_eq!(token.lifetime(), Duration::from_secs(3600));
/// # Ok::<(), oauth_sim::ExampleError>(())
/// ```
///
/// # Errors
///
/// As [`read_example`].
pub fn read_example_at(
    spec: &ProviderSpec,
    body: impl AsRef<[u8]>,
    received_at: SystemTime,
) -> Result<ExampleToken, ExampleError> {
    let token = spec.read_token_response(None, body.as_ref(), received_at).map_err(ExampleError::Unreadable)?;
    let response = &spec.response;
    if let Some(field) = response.expiry.field() {
        let stated = std::iter::once(field).chain(response.expiry_aliases.iter().copied()).find_map(|path| {
            let value = lookup(token.extra(), path)?;
            Some((path, value))
        });
        match (token.lifetime_source(), stated, response.expiry) {
            (LifetimeSource::Assumed, None, _) => {
                return Err(ExampleError::MissingExpiry { vendor: spec.name, field: field.to_string() });
            }
            (LifetimeSource::Assumed, Some((path, value)), Expiry::At { 1: format, .. }) if !value.is_null() => {
                return Err(ExampleError::UnreadableExpiry {
                    vendor: spec.name,
                    field: path.to_string(),
                    format: format_name(format),
                });
            }
            _ => {}
        }
    }
    let refreshes = matches!(spec.refresh, Refresh::RefreshTokenGrant { .. } | Refresh::Endpoint { .. });
    if refreshes && token.refresh_token().is_none() {
        return Err(ExampleError::MissingRefreshToken { vendor: spec.name, field: response.refresh_token.to_string() });
    }
    Ok(ExampleToken { token })
}

/// The value at `path` in `fields` (objects by name, arrays by index).
fn lookup(fields: &Map<String, Value>, path: FieldPath) -> Option<&Value> {
    let mut segments = path.segments();
    let mut value = fields.get(segments.next()?)?;
    for segment in segments {
        value = match value {
            Value::Object(map) => map.get(segment)?,
            Value::Array(items) => items.get(segment.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(value)
}

fn format_name(format: InstantFormat) -> &'static str {
    match format {
        InstantFormat::Rfc3339 => "rfc3339",
        InstantFormat::HttpDate => "http_date",
        InstantFormat::EpochMillis => "epoch_millis",
        _ => "epoch_seconds",
    }
}

/// What a client reads from a vendor's sample response ([`read_example`]): the runtime's own
/// [`Token`], with accessors that show its values plainly for assertions (the sample is the
/// vendor's document, not a credential). Its `Debug` masks the tokens all the same.
#[derive(Clone)]
#[non_exhaustive]
pub struct ExampleToken {
    token: Token,
}

impl ExampleToken {
    /// The access token, exactly as the client sends it.
    pub fn access_token(&self) -> &str {
        self.token.access_token().expose_secret()
    }

    /// The `token_type` as the sample sends it, if it does (`BearerToken`, `bearer`).
    pub fn token_type(&self) -> Option<&str> {
        self.token.token_type_sent()
    }

    /// The scheme the client presents the token with: `Bearer` for `BearerToken`, for
    /// `bearer` and for no token type at all.
    pub fn scheme(&self) -> TokenScheme {
        self.token.scheme()
    }

    /// The refresh token, if the sample has one where the spec looks for it.
    pub fn refresh_token(&self) -> Option<&str> {
        self.token.refresh_token().map(|r| r.expose_secret())
    }

    /// The lifetime the client gives the token, counted from when the sample was received
    /// (now, or the time given to [`read_example_at`]).
    pub fn lifetime(&self) -> Duration {
        self.token.expires_at().duration_since(self.token.issued_at()).unwrap_or_default()
    }

    /// Where the lifetime came from: [`LifetimeSource::Duration`] or
    /// [`LifetimeSource::Instant`] for a declared field read; [`LifetimeSource::Floor`] for
    /// an instant already past when received (read it with [`read_example_at`]);
    /// [`LifetimeSource::Assumed`] for a spec without an expiry field, or a sample that sends
    /// `0` or `null`.
    pub fn lifetime_source(&self) -> LifetimeSource {
        self.token.lifetime_source()
    }

    /// When the token expires, for the client.
    pub fn expires_at(&self) -> SystemTime {
        self.token.expires_at()
    }

    /// The `scope` the sample grants, if it has a `scope` string.
    pub fn scope(&self) -> Option<&str> {
        self.token.field("scope").and_then(Value::as_str)
    }

    /// A field other than the access token, refresh token and token type, as sent
    /// (`userName`, `.expires`, `status`).
    pub fn field(&self, name: &str) -> Option<&Value> {
        self.token.field(name)
    }

    /// Every field other than the access token, refresh token and token type.
    pub fn extra(&self) -> &Map<String, Value> {
        self.token.extra()
    }

    /// The client's token itself.
    pub fn token(&self) -> &Token {
        &self.token
    }
}

impl fmt::Debug for ExampleToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ExampleToken")
            .field("token_type", &self.token_type())
            .field("lifetime", &self.lifetime())
            .field("lifetime_source", &self.lifetime_source())
            .field("token", &self.token)
            .finish()
    }
}

/// Why a sample response does not fit a declaration ([`read_example`]).
///
/// More reasons may be added, so a `match` needs a wildcard arm.
#[derive(Debug)]
#[non_exhaustive]
pub enum ExampleError {
    /// The client cannot read the sample as a token: the error it would return (an
    /// [`Error::MalformedResponse`](oauth_runtime::Error::MalformedResponse) naming the
    /// declared access token field it did not find, an [`Error::OAuth`](oauth_runtime::Error::OAuth)
    /// for an error sample, ...).
    Unreadable(oauth_runtime::Error),
    /// The spec declares an expiry field the sample does not have: the client would give
    /// every token the default lifetime.
    #[non_exhaustive]
    MissingExpiry {
        /// The spec's name.
        vendor: &'static str,
        /// The declared field.
        field: String,
    },
    /// The sample's expiry instant is not in the declared format: the client would give every
    /// token the default lifetime.
    #[non_exhaustive]
    UnreadableExpiry {
        /// The spec's name.
        vendor: &'static str,
        /// The field.
        field: String,
        /// The declared `expires_format`.
        format: &'static str,
    },
    /// The spec refreshes with a refresh token and the sample has none where the spec looks:
    /// the client would run the grant again instead of refreshing. (A sample that rightly has
    /// none, such as a refresh answer that keeps the refresh token, is read with
    /// `ProviderSpec::read_token_response` instead.)
    #[non_exhaustive]
    MissingRefreshToken {
        /// The spec's name.
        vendor: &'static str,
        /// The declared field.
        field: String,
    },
}

impl fmt::Display for ExampleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExampleError::Unreadable(error) => write!(f, "the client cannot read the example: {error}"),
            ExampleError::MissingExpiry { vendor, field } => write!(
                f,
                "{vendor}: the example has no `{field}`, the declared expiry field (misspelt? a vendor that \
                 sends no expiry is declared with `no_expiry`)"
            ),
            ExampleError::UnreadableExpiry { vendor, field, format } => write!(
                f,
                "{vendor}: the example's `{field}` is not an instant in the declared `expires_format = \"{format}\"`"
            ),
            ExampleError::MissingRefreshToken { vendor, field } => write!(
                f,
                "{vendor}: the example has no `{field}`, the declared refresh token field (misspelt? a vendor \
                 without refresh tokens is declared with `refresh = \"regrant\"`)"
            ),
        }
    }
}

impl std::error::Error for ExampleError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ExampleError::Unreadable(error) => Some(error),
            _ => None,
        }
    }
}
