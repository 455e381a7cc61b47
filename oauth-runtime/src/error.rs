//! The one error type of the runtime.

use std::{fmt, sync::Arc, time::Duration};

use reqwest::StatusCode;

/// Everything that can go wrong talking to a vendor.
///
/// Errors never hold a secret: credentials and tokens are redacted from every excerpt, and
/// transport errors carry no request body. `Error` is `Clone` so that every caller waiting on
/// one shared token request receives the same error.
///
/// ```
/// use oauth_runtime::{Error, ErrorCode};
/// # fn check(err: Error) {
/// match &err {
///     Error::OAuth(e) if e.code == ErrorCode::InvalidClient => eprintln!("check the client secret"),
///     Error::Timeout { .. } | Error::Connect { .. } => eprintln!("vendor unreachable: {err}"),
///     _ => eprintln!("{err}"),
/// }
/// # }
/// ```
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The vendor answered with an OAuth2 error (RFC 6749 section 5.2), whatever the status.
    #[error("{0}")]
    OAuth(OAuthError),

    /// The vendor answered with something that is not a token nor an OAuth2 error: an HTML page,
    /// an empty or truncated body, a redirect, a non-2xx status with an unknown body.
    #[error("{vendor}: unexpected response (HTTP {status}, {content_type}): {reason}; body starts: {excerpt:?}")]
    MalformedResponse {
        /// Vendor name.
        vendor: &'static str,
        /// HTTP status of the response.
        status: StatusCode,
        /// `Content-Type` of the response, or `"no content type"`.
        content_type: String,
        /// What was wrong.
        reason: String,
        /// The start of the body, with every token and secret redacted.
        excerpt: String,
    },

    /// The response body was larger than the configured cap.
    #[error("{vendor}: response body exceeds the {limit}-byte limit (HTTP {status})")]
    ResponseTooLarge {
        /// Vendor name.
        vendor: &'static str,
        /// HTTP status of the response.
        status: StatusCode,
        /// The cap in bytes.
        limit: usize,
    },

    /// No answer within the configured timeout.
    #[error("{vendor}: no response within {timeout:?}")]
    Timeout {
        /// Vendor name.
        vendor: &'static str,
        /// The timeout that elapsed.
        timeout: Duration,
    },

    /// The connection could not be made or broke before the response was complete.
    #[error("{vendor}: connection failed: {source}")]
    Connect {
        /// Vendor name.
        vendor: &'static str,
        /// The transport error (it holds no request body).
        #[source]
        source: Arc<reqwest::Error>,
    },

    /// An API call was still answered with 401 after the token was renewed once.
    #[error("{vendor}: the API rejected a freshly issued token (HTTP {status})")]
    Unauthorized {
        /// Vendor name.
        vendor: &'static str,
        /// HTTP status of the last answer.
        status: StatusCode,
    },

    /// An API call was answered with 401 and its body cannot be sent twice (a stream), so it was
    /// not retried. Build the request with a byte body to get the automatic retry.
    #[error(
        "{vendor}: the API answered 401; the token was renewed, but the request has a streaming body and cannot be retried"
    )]
    NotRetryable {
        /// Vendor name.
        vendor: &'static str,
    },

    /// The client was configured wrongly (bad URL, plain `http` to a remote host, ...).
    #[error("invalid configuration: {0}")]
    Config(String),
}

impl Error {
    /// A transport failure; `timeout` is the timeout that applied to the request, if any.
    pub(crate) fn transport(vendor: &'static str, e: reqwest::Error, timeout: Option<Duration>) -> Error {
        if e.is_timeout() {
            Error::Timeout { vendor, timeout: timeout.unwrap_or_default() }
        } else {
            Error::Connect { vendor, source: Arc::new(e.without_url()) }
        }
    }

    /// No token within the acquisition deadline.
    pub(crate) fn deadline(vendor: &'static str, deadline: Duration) -> Error {
        Error::Timeout { vendor, timeout: deadline }
    }

    /// A configuration mistake.
    pub(crate) fn config(msg: impl Into<String>) -> Error {
        Error::Config(msg.into())
    }

    /// The HTTP status of the vendor's answer, when there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::OAuth(e) => Some(e.status),
            Error::MalformedResponse { status, .. }
            | Error::ResponseTooLarge { status, .. }
            | Error::Unauthorized { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The OAuth2 error code, if the vendor sent one.
    pub fn oauth_code(&self) -> Option<&ErrorCode> {
        match self {
            Error::OAuth(e) => Some(&e.code),
            _ => None,
        }
    }

    /// Whether trying again later may succeed (temporary; replaced by the errors branch).
    pub fn is_transient(&self) -> bool {
        matches!(self, Error::Timeout { .. } | Error::Connect { .. })
            || self.status().is_some_and(|s| s.is_server_error() || s == StatusCode::TOO_MANY_REQUESTS)
    }

    /// Whether the credentials or grant were rejected (so retrying the same request is useless).
    pub fn is_rejection(&self) -> bool {
        match self {
            Error::OAuth(e) => !matches!(e.code, ErrorCode::TemporarilyUnavailable | ErrorCode::ServerError),
            Error::Unauthorized { .. } => true,
            _ => false,
        }
    }
}

/// An OAuth2 error response (RFC 6749 section 5.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthError {
    /// Vendor name.
    pub vendor: &'static str,
    /// HTTP status (OAuth2 errors sent with a 2xx status keep it here).
    pub status: StatusCode,
    /// The error code, matched case-insensitively.
    pub code: ErrorCode,
    /// `error_description` (or the vendor's equivalent), if any.
    pub description: Option<String>,
    /// `error_uri`, if any.
    pub uri: Option<String>,
}

impl fmt::Display for OAuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} (HTTP {})", self.vendor, self.code, self.status)?;
        if let Some(d) = &self.description {
            write!(f, ": {d}")?;
        }
        Ok(())
    }
}

/// An OAuth2 error code. Parsing ignores case (`Invalid_request` is `InvalidRequest`).
///
/// ```
/// use oauth_runtime::ErrorCode;
/// assert_eq!(ErrorCode::parse("Invalid_request"), ErrorCode::InvalidRequest);
/// assert_eq!(ErrorCode::parse("AUTHENTICATION_FAILED").as_str(), "AUTHENTICATION_FAILED");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorCode {
    /// `invalid_request`
    InvalidRequest,
    /// `invalid_client`
    InvalidClient,
    /// `invalid_grant` (also a rejected refresh token)
    InvalidGrant,
    /// `unauthorized_client`
    UnauthorizedClient,
    /// `unsupported_grant_type`
    UnsupportedGrantType,
    /// `invalid_scope`
    InvalidScope,
    /// `invalid_token` (RFC 6750)
    InvalidToken,
    /// `server_error`
    ServerError,
    /// `temporarily_unavailable`
    TemporarilyUnavailable,
    /// A code outside RFC 6749, kept as sent.
    Other(String),
}

impl ErrorCode {
    /// Parses a code, ignoring ASCII case.
    pub fn parse(code: &str) -> ErrorCode {
        const KNOWN: [(&str, ErrorCode); 9] = [
            ("invalid_request", ErrorCode::InvalidRequest),
            ("invalid_client", ErrorCode::InvalidClient),
            ("invalid_grant", ErrorCode::InvalidGrant),
            ("unauthorized_client", ErrorCode::UnauthorizedClient),
            ("unsupported_grant_type", ErrorCode::UnsupportedGrantType),
            ("invalid_scope", ErrorCode::InvalidScope),
            ("invalid_token", ErrorCode::InvalidToken),
            ("server_error", ErrorCode::ServerError),
            ("temporarily_unavailable", ErrorCode::TemporarilyUnavailable),
        ];
        KNOWN
            .into_iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(code))
            .map(|(_, c)| c)
            .unwrap_or_else(|| ErrorCode::Other(code.to_owned()))
    }

    /// The code as RFC 6749 spells it, or as the vendor sent it.
    pub fn as_str(&self) -> &str {
        match self {
            ErrorCode::InvalidRequest => "invalid_request",
            ErrorCode::InvalidClient => "invalid_client",
            ErrorCode::InvalidGrant => "invalid_grant",
            ErrorCode::UnauthorizedClient => "unauthorized_client",
            ErrorCode::UnsupportedGrantType => "unsupported_grant_type",
            ErrorCode::InvalidScope => "invalid_scope",
            ErrorCode::InvalidToken => "invalid_token",
            ErrorCode::ServerError => "server_error",
            ErrorCode::TemporarilyUnavailable => "temporarily_unavailable",
            ErrorCode::Other(s) => s,
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
