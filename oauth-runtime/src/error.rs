//! The one error type of the runtime.

use std::{fmt, sync::Arc, time::Duration};

use reqwest::StatusCode;

/// Everything that can go wrong talking to a vendor, or configuring a client for one.
///
/// Errors never hold a secret: credentials and tokens are redacted from every excerpt, and
/// transport errors carry neither the request body nor the URL. `Error` is `Clone` so that
/// every caller waiting on one shared token request receives the same error.
///
/// # Deciding what to do
///
/// [`Error::is_transient`] and [`Error::is_rejection`] never are both true:
///
/// - transient: the vendor was unreachable, slow or overloaded (timeouts, connection
///   failures, 5xx, 429, `temporarily_unavailable`, `server_error`), or a renewal of the
///   client's was cut short ([`Error::Internal`]); the same request may succeed later, so
///   retrying with backoff is reasonable;
/// - rejection: the vendor refused the credentials, the grant or a fresh token, or the grant
///   lacks a scope the call needs ([`Error::Scope`]); retrying the same request is useless
///   until the configuration changes;
/// - neither: a response the client could not read, a request it could not build, an argument
///   it refused ([`Error::Argument`]), a wrong configuration. Retrying does not help either;
///   the message says what to fix.
///
/// ```
/// use oauth_runtime::Error;
/// # fn check(err: Error) {
/// if err.is_transient() {
///     eprintln!("vendor unavailable, try again later: {err}");
/// } else if err.is_rejection() {
///     eprintln!("credentials rejected: {err}");
/// } else {
///     eprintln!("{err}");
/// }
/// # }
/// ```
///
/// # Matching
///
/// The enum and each of its struct variants are `#[non_exhaustive]`: later releases may add
/// variants and fields, so match with a `_` arm and `..` in struct patterns, and prefer the
/// methods ([`Error::status`], [`Error::oauth_code`], [`Error::is_transient`]) where they
/// say what you need.
///
/// ```
/// use oauth_runtime::Error;
/// # fn check(err: Error) {
/// match &err {
///     Error::OAuth(e) if e.code.as_str() == "invalid_client" => eprintln!("check the client secret"),
///     Error::Timeout { timeout: Some(t), .. } => eprintln!("no answer within {t:?}"),
///     Error::Config(reason) => eprintln!("fix the configuration: {reason}"),
///     _ => eprintln!("{err}"),
/// }
/// # }
/// ```
///
/// # One type, configuration included
///
/// [`ClientBuilder::build`](crate::ClientBuilder::build) returns this same type, with
/// [`Error::Config`] for every configuration mistake, rather than a type of its own: the
/// usual caller builds a client and makes calls in one function that returns one error type,
/// and a separate build error would only be converted into this one. A configuration mistake
/// is told apart by its variant, and is neither transient nor a rejection.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The vendor answered with an OAuth2 error (RFC 6749 section 5.2), whatever the status.
    #[error("{0}")]
    OAuth(OAuthError),

    /// The vendor answered with something that is not a token nor an OAuth2 error: an HTML page,
    /// an empty or truncated body, a redirect, a non-2xx status with an unknown body.
    #[error("{vendor}{}: unexpected response (HTTP {status}, {content_type}): {reason}; body starts: {excerpt:?}", At(.endpoint))]
    #[non_exhaustive]
    MalformedResponse {
        /// Vendor name.
        vendor: &'static str,
        /// The token endpoint (or refresh, revocation endpoint) the request went to, when the
        /// answer was to one.
        endpoint: Option<Endpoint>,
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
    #[error("{vendor}{}: response body exceeds the {limit}-byte limit (HTTP {status})", At(.endpoint))]
    #[non_exhaustive]
    ResponseTooLarge {
        /// Vendor name.
        vendor: &'static str,
        /// The token endpoint the request went to, when it was a token request.
        endpoint: Option<Endpoint>,
        /// HTTP status of the response.
        status: StatusCode,
        /// The cap in bytes.
        limit: usize,
    },

    /// No answer within a timeout.
    #[error("{vendor}{}: {}", At(.endpoint), TimeoutText(*.timeout))]
    #[non_exhaustive]
    Timeout {
        /// Vendor name.
        vendor: &'static str,
        /// The token endpoint the request went to, when it was a token request.
        endpoint: Option<Endpoint>,
        /// The timeout that elapsed, when the runtime knows which one did: the client's
        /// request timeout ([`ClientBuilder::timeout`](crate::ClientBuilder::timeout));
        /// `None` otherwise, such as for the connect timeout.
        timeout: Option<Duration>,
    },

    /// The connection could not be made or broke before the response was complete.
    #[error("{vendor}{}: connection failed: {source}", At(.endpoint))]
    #[non_exhaustive]
    Connect {
        /// Vendor name.
        vendor: &'static str,
        /// The token endpoint the request went to, when it was a token request.
        endpoint: Option<Endpoint>,
        /// What the transport reported.
        source: TransportError,
    },

    /// The request could not be built, so nothing was sent: an invalid header name or value,
    /// an invalid URL (usually given to [`ApiRequest::header`](crate::ApiRequest::header) or
    /// [`ApiRequest::map`](crate::ApiRequest::map)).
    #[error("{vendor}: cannot build the request: {source}")]
    #[non_exhaustive]
    Request {
        /// Vendor name.
        vendor: &'static str,
        /// What the transport reported.
        source: TransportError,
    },

    /// A value given to a call cannot be sent as it is, so nothing was sent: a path argument
    /// that is empty or a dot segment (`.`, `..`, `..;x`, `%2E%2E`), which would move the call
    /// to another endpoint, or an `Authorization` header set on an
    /// [`ApiRequest`](crate::ApiRequest), which the client sets itself. Neither transient nor a
    /// rejection: change the value.
    #[error("{vendor}: {op}{message}", op = operation.map(|o| format!("`{o}`: ")).unwrap_or_default())]
    #[non_exhaustive]
    Argument {
        /// Vendor name.
        vendor: &'static str,
        /// The operation's name, for calls made through a declared operation.
        operation: Option<&'static str>,
        /// What is wrong with the value, and what to do.
        message: String,
    },

    /// A paginated call ([`Pages`](crate::Pages)) cannot go on: the API gave a cursor or link
    /// of an earlier page again, or the same page twice (it ignores the page parameter), a
    /// next link on another origin (the token never goes there), or more pages than the
    /// stream's [`max_pages`](crate::Pagination::max_pages). The pages before were yielded;
    /// the stream ends with this. Neither transient nor a rejection.
    #[error("{vendor}: {op}page {page}: {reason}", op = operation.map(|o| format!("`{o}`: ")).unwrap_or_default())]
    #[non_exhaustive]
    Pagination {
        /// Vendor name.
        vendor: &'static str,
        /// The operation's name, for calls made through a declared operation.
        operation: Option<&'static str>,
        /// The page at which it happened: 1 for the first the stream fetched.
        page: u32,
        /// What went wrong, and what to do.
        reason: String,
    },

    /// No token could be obtained within the client's token deadline, retries included.
    #[error("{vendor}: no token within {deadline:?}")]
    #[non_exhaustive]
    Deadline {
        /// Vendor name.
        vendor: &'static str,
        /// The deadline that elapsed.
        deadline: Duration,
    },

    /// The vendor's API answered a typed call with a non-2xx status.
    #[error("{0}")]
    Api(crate::ApiError),

    /// A call needs a scope its token does not carry: not sent, because the person's grant
    /// lacks a scope the call declares ([`ApiRequest::require_scopes`](crate::ApiRequest::require_scopes)),
    /// or refused by the API with `insufficient_scope` (RFC 6750 section 3.1), which a typed
    /// call reports here rather than as [`Error::Api`]. See [`ScopeError`](crate::ScopeError)
    /// (boxed: it keeps `Error` small). A rejection.
    #[error("{0}")]
    Scope(Box<crate::ScopeError>),

    /// The vendor's API answered a typed call with a body that does not fit the declared type.
    #[error("{vendor}: cannot read the answer{op} (HTTP {status}) at `{path}`: {reason}; body starts: {excerpt:?}", op = operation.map(|o| format!(" of `{o}`")).unwrap_or_default())]
    #[non_exhaustive]
    Decode {
        /// Vendor name.
        vendor: &'static str,
        /// The operation's name, for calls made through a declared operation.
        operation: Option<&'static str>,
        /// HTTP status of the answer.
        status: StatusCode,
        /// Path of the field that failed, e.g. `scopes[0]` or `.` for the whole body.
        path: String,
        /// What was wrong, with the values the vendor sent left out.
        reason: String,
        /// The start of the body, with every token and secret redacted.
        excerpt: String,
    },

    /// The vendor issued a token of a scheme this client does not present: one that needs a
    /// proof of possession (`MAC`, or `DPoP` from a vendor not declared with DPoP), another
    /// registered scheme, or a Bearer token from a vendor declared with DPoP (a server that
    /// ignored the proof). The client returns this instead of sending the token; see
    /// [`TokenScheme`](crate::TokenScheme). A vendor whose `token_type` is wrong can pin
    /// the scheme with [`ResponseSpec::with_scheme`](crate::provider::ResponseSpec::with_scheme).
    #[error(
        "{vendor}: the vendor issued a {scheme} token, which this client cannot present (it would need a proof of possession or another scheme, or the vendor is declared with DPoP and this is not a DPoP token); not sending it"
    )]
    #[non_exhaustive]
    UnsupportedTokenType {
        /// Vendor name.
        vendor: &'static str,
        /// The scheme the token type named.
        scheme: crate::TokenScheme,
    },

    /// The client already sent its limit of token requests within the interval, and sends no
    /// more until the oldest of them leaves it: whatever a vendor answers (tokens issued
    /// already expired, errors), one client never floods its token endpoint. See
    /// [`ClientBuilder::max_token_requests`](crate::ClientBuilder::max_token_requests).
    #[error("{vendor}: {limit} token requests within {interval:?} already; the next is allowed in {retry_in:?}")]
    #[non_exhaustive]
    TokenRequestLimit {
        /// Vendor name.
        vendor: &'static str,
        /// The most token requests allowed per interval.
        limit: u32,
        /// The interval.
        interval: Duration,
        /// How long until a token request is allowed again.
        retry_in: Duration,
    },

    /// The refresh token is dead (the vendor rejected it, or a refresh whose answer was lost
    /// may have spent it) and the grant cannot run unattended: only the person whose consent
    /// the refresh token carried can authorize the client again. A rejection: retrying the
    /// same call is useless. Send the user through the authorization flow again, then give
    /// the client the new token ([`ClientBuilder::token`](crate::ClientBuilder::token)).
    #[error("{vendor}: the refresh token is no longer valid and the grant needs the user: authorize again")]
    #[non_exhaustive]
    ReauthorizationRequired {
        /// Vendor name.
        vendor: &'static str,
    },

    /// The client's grant needs a person (the device or authorization code grant, or a refresh
    /// token obtained elsewhere) and the client holds no token yet: nothing was sent. Have the
    /// person authorize first ([`Client::authorize_device`](crate::Client::authorize_device),
    /// [`Client::authorize`](crate::Client::authorize)), or seed the client with a token or a
    /// refresh token ([`ClientBuilder::refresh_token`](crate::ClientBuilder::refresh_token)).
    /// Neither transient nor a rejection: the client never starts a person's step on its own.
    #[error(
        "{vendor}: no token yet, and the grant needs a person: authorize the client first (`authorize_device` or `authorize`)"
    )]
    #[non_exhaustive]
    AuthorizationRequired {
        /// Vendor name.
        vendor: &'static str,
    },

    /// The person's step of a grant ended without a grant: the person denied it, it expired,
    /// the browser's redirect did not come back (in time, or with the request's `state`), or
    /// the authorization server refused the request. See [`AuthorizationFailure`] for what each
    /// means and how it is classified.
    #[error("{vendor}: authorization {failure}{}", description.as_deref().map(|d| format!(": {d}")).unwrap_or_default())]
    #[non_exhaustive]
    Authorization {
        /// Vendor name.
        vendor: &'static str,
        /// What ended it.
        failure: AuthorizationFailure,
        /// The authorization server's `error_description`, if it sent one (redacted, cut short).
        description: Option<String>,
    },

    /// The client was configured wrongly (bad URL, plain `http` to a remote host, ...), or is
    /// used where it cannot work (a `blocking::BlockingClient` called on the thread of a
    /// current-thread runtime).
    #[error("invalid configuration: {0}")]
    Config(String),

    /// A server's metadata (RFC 8414, OpenID discovery) could not be used: another issuer, an
    /// HTML page, a document too large, an error status, the server unreachable. Transient
    /// only for [`MetadataErrorKind::Unavailable`](crate::discovery::MetadataErrorKind::Unavailable).
    #[error("metadata of {issuer}: {}: {reason}", kind.as_str())]
    #[non_exhaustive]
    Metadata {
        /// The issuer asked for.
        issuer: String,
        /// What was wrong.
        kind: crate::discovery::MetadataErrorKind,
        /// The details, naming the URL fetched.
        reason: String,
    },

    /// The client failed in itself rather than the vendor or the configuration: a token
    /// renewal that panicked, or that was dropped before it finished because the Tokio runtime
    /// it ran on shut down, or a thread or runtime that could not be started. Transient: the
    /// next call starts afresh.
    #[error("{vendor}: internal failure: {reason}")]
    #[non_exhaustive]
    Internal {
        /// Vendor name.
        vendor: &'static str,
        /// What failed.
        reason: String,
    },
}

/// `Timeout`'s message: the limit when it is known.
struct TimeoutText(Option<Duration>);

impl fmt::Display for TimeoutText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(timeout) => write!(f, "no response within {timeout:?}"),
            None => f.write_str("timed out"),
        }
    }
}

/// Where a failed token request (or refresh, or revocation request) went: why it was made and
/// its URL without query, fragment or user info (a query may carry a secret). Errors that
/// answer one show it in their `Display`: `Vendor: token request to https://h/oauth/token: ...`.
///
/// ```
/// use oauth_runtime::{Endpoint, TokenRequestKind};
/// let at = Endpoint::new(TokenRequestKind::Grant, "https://user:pw@auth.example.com/oauth/token?grant_type=x#f");
/// assert_eq!(at.url(), "https://auth.example.com/oauth/token");
/// assert_eq!(at.to_string(), "token request to https://auth.example.com/oauth/token");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Endpoint(Arc<(crate::TokenRequestKind, String)>);

impl Endpoint {
    /// The endpoint at `url` (anything after `?` or `#`, and user info, dropped), for `kind`.
    pub fn new(kind: crate::TokenRequestKind, url: &str) -> Endpoint {
        let shown = match url::Url::parse(url) {
            Ok(mut parsed) => {
                parsed.set_query(None);
                parsed.set_fragment(None);
                let _ = parsed.set_username("");
                let _ = parsed.set_password(None);
                parsed.to_string()
            }
            Err(_) => url.split(['?', '#']).next().unwrap_or_default().to_owned(),
        };
        Endpoint(Arc::new((kind, shown)))
    }

    /// Why the request was made.
    pub fn kind(&self) -> crate::TokenRequestKind {
        self.0.0
    }

    /// The URL, without query, fragment or user info.
    pub fn url(&self) -> &str {
        &self.0.1
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} request to {}", self.kind().noun(), self.url())
    }
}

impl fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Endpoint").field("kind", &self.kind()).field("url", &self.url()).finish()
    }
}

/// `": <endpoint>"` when there is one, for the variants' messages.
struct At<'a>(&'a Option<Endpoint>);

impl fmt::Display for At<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(endpoint) => write!(f, ": {endpoint}"),
            None => Ok(()),
        }
    }
}

/// Whether retrying may help: the one place both predicates come from, so they cannot overlap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Transient,
    Rejection,
    Other,
}

impl Error {
    /// The error for a failed `reqwest` send: a timeout (reported with `timeout`, the limit
    /// that applied if known), a request that could not be built, or a connection failure.
    pub(crate) fn transport(vendor: &'static str, e: reqwest::Error, timeout: Option<Duration>) -> Error {
        if e.is_timeout() {
            // A timeout while connecting is the connect timeout, not the request timeout given.
            let timeout = if e.is_connect() { None } else { timeout };
            Error::Timeout { vendor, endpoint: None, timeout }
        } else if e.is_builder() {
            Error::Request { vendor, source: TransportError::new(e) }
        } else {
            Error::Connect { vendor, endpoint: None, source: TransportError::new(e) }
        }
    }

    /// This error, marked as the answer to a request to `endpoint` (a token request, say),
    /// where its kind names the endpoint; other kinds are returned as they are.
    pub(crate) fn at(mut self, endpoint: &Endpoint) -> Error {
        match &mut self {
            Error::OAuth(e) => e.endpoint = Some(endpoint.clone()),
            Error::MalformedResponse { endpoint: at, .. }
            | Error::ResponseTooLarge { endpoint: at, .. }
            | Error::Timeout { endpoint: at, .. }
            | Error::Connect { endpoint: at, .. } => *at = Some(endpoint.clone()),
            _ => {}
        }
        self
    }

    /// The endpoint of the token request (or refresh, revocation request) this error answers,
    /// if it answers one.
    ///
    /// ```no_run
    /// # async fn demo<P>(client: oauth_runtime::Client<P>) {
    /// if let Err(error) = client.token().await {
    ///     if let Some(endpoint) = error.endpoint() {
    ///         eprintln!("{} failed at {}", endpoint.kind().as_str(), endpoint.url());
    ///     }
    /// }
    /// # }
    /// ```
    pub fn endpoint(&self) -> Option<&Endpoint> {
        match self {
            Error::OAuth(e) => e.endpoint.as_ref(),
            Error::MalformedResponse { endpoint, .. }
            | Error::ResponseTooLarge { endpoint, .. }
            | Error::Timeout { endpoint, .. }
            | Error::Connect { endpoint, .. } => endpoint.as_ref(),
            _ => None,
        }
    }

    /// No token within `deadline`.
    pub(crate) fn deadline(vendor: &'static str, deadline: Duration) -> Error {
        Error::Deadline { vendor, deadline }
    }

    /// A value given to a call that cannot be sent.
    pub(crate) fn argument(vendor: &'static str, operation: Option<&'static str>, message: impl Into<String>) -> Error {
        Error::Argument { vendor, operation, message: message.into() }
    }

    /// A configuration mistake.
    pub(crate) fn config(msg: impl Into<String>) -> Error {
        Error::Config(msg.into())
    }

    /// A failure of the client itself (see [`Error::Internal`]).
    pub(crate) fn internal(vendor: &'static str, reason: impl Into<String>) -> Error {
        Error::Internal { vendor, reason: reason.into() }
    }

    /// The HTTP status of the vendor's answer, when there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::OAuth(e) => Some(e.status),
            Error::Api(e) => Some(e.status),
            Error::Scope(e) => e.answer.as_ref().map(|a| a.status),
            Error::MalformedResponse { status, .. }
            | Error::ResponseTooLarge { status, .. }
            | Error::Decode { status, .. } => Some(*status),
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

    /// The vendor the error concerns; `None` for [`Error::Config`].
    pub fn vendor(&self) -> Option<&'static str> {
        match self {
            Error::OAuth(e) => Some(e.vendor),
            Error::Api(e) => Some(e.vendor),
            Error::Scope(e) => Some(e.vendor),
            Error::MalformedResponse { vendor, .. }
            | Error::Decode { vendor, .. }
            | Error::ResponseTooLarge { vendor, .. }
            | Error::Timeout { vendor, .. }
            | Error::Connect { vendor, .. }
            | Error::Request { vendor, .. }
            | Error::Argument { vendor, .. }
            | Error::Pagination { vendor, .. }
            | Error::Deadline { vendor, .. }
            | Error::UnsupportedTokenType { vendor, .. }
            | Error::TokenRequestLimit { vendor, .. }
            | Error::Internal { vendor, .. }
            | Error::AuthorizationRequired { vendor }
            | Error::Authorization { vendor, .. }
            | Error::ReauthorizationRequired { vendor } => Some(vendor),
            Error::Config(_) | Error::Metadata { .. } => None,
        }
    }

    /// Whether the same request may succeed later: a timeout, a connection failure, the token
    /// deadline, the token request limit, an [internal failure](Error::Internal), a 5xx or 429 answer, or the OAuth2 codes `temporarily_unavailable` and
    /// `server_error`. Never true together with [`Error::is_rejection`].
    ///
    /// The client already retried token requests per its
    /// [`RetryPolicy`](crate::RetryPolicy); this tells whether trying again later is
    /// reasonable.
    ///
    /// ```
    /// # async fn demo<P: oauth_runtime::Provider>(client: oauth_runtime::Client<P>) -> Result<(), oauth_runtime::Error> {
    /// let response = match client.get("/v1/things").send().await {
    ///     Err(e) if e.is_transient() => {
    ///         tokio::time::sleep(std::time::Duration::from_secs(5)).await;
    ///         client.get("/v1/things").send().await?
    ///     }
    ///     other => other?,
    /// };
    /// # Ok(()) }
    /// ```
    pub fn is_transient(&self) -> bool {
        self.class() == Class::Transient
    }

    /// Whether the vendor refused the credentials, the grant or a freshly issued token, or the
    /// grant lacks a scope the call needs ([`Error::Scope`]), so that retrying the same request
    /// is useless. Never true together with
    /// [`Error::is_transient`]: an OAuth2 error sent with a 5xx or 429 status, or with the
    /// code `temporarily_unavailable` or `server_error`, is transient, not a rejection.
    pub fn is_rejection(&self) -> bool {
        self.class() == Class::Rejection
    }

    fn class(&self) -> Class {
        match self {
            Error::Timeout { .. }
            | Error::Connect { .. }
            | Error::Deadline { .. }
            | Error::TokenRequestLimit { .. }
            | Error::Internal { .. } => Class::Transient,
            Error::OAuth(e) if e.is_transient() => Class::Transient,
            Error::OAuth(_) | Error::ReauthorizationRequired { .. } | Error::Scope(_) => Class::Rejection,
            Error::Authorization { failure, .. } => failure.class(),
            Error::MalformedResponse { status, .. } | Error::ResponseTooLarge { status, .. }
                if transient_status(*status) =>
            {
                Class::Transient
            }
            Error::Api(e) if transient_status(e.status) => Class::Transient,
            Error::Metadata { kind: crate::discovery::MetadataErrorKind::Unavailable, .. } => Class::Transient,
            Error::MalformedResponse { .. }
            | Error::ResponseTooLarge { .. }
            | Error::Request { .. }
            | Error::Argument { .. }
            | Error::Pagination { .. }
            | Error::Api(_)
            | Error::Decode { .. }
            | Error::UnsupportedTokenType { .. }
            | Error::Metadata { .. }
            | Error::AuthorizationRequired { .. }
            | Error::Config(_) => Class::Other,
        }
    }

    /// The person's step ended with `failure`.
    pub(crate) fn authorization(
        vendor: &'static str,
        failure: AuthorizationFailure,
        description: Option<String>,
    ) -> Error {
        Error::Authorization { vendor, failure, description }
    }
}

/// For `?` on reqwest calls in user code (reading a raw response's body, say). The vendor is
/// not known here, so it reads `"HTTP"`.
impl From<reqwest::Error> for Error {
    fn from(e: reqwest::Error) -> Error {
        Error::transport("HTTP", e, None)
    }
}

/// Why the person's step of a grant ended without a grant ([`Error::Authorization`]).
///
/// ```
/// use oauth_runtime::{AuthorizationFailure, Error};
/// # fn check(err: Error) {
/// match &err {
///     Error::Authorization { failure: AuthorizationFailure::Denied, .. } => eprintln!("the person said no"),
///     Error::Authorization { failure: AuthorizationFailure::Expired, .. } => eprintln!("too slow: start again"),
///     _ => eprintln!("{err}"),
/// }
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthorizationFailure {
    /// The person refused (`access_denied`, from the device grant's polling or the browser's
    /// redirect). A rejection.
    Denied,
    /// The person did not approve in time: the device code expired (`expired_token`, or its
    /// `expires_in` passed). Transient: start the authorization again.
    Expired,
    /// No redirect reached the loopback listener within the client's
    /// [`authorization_timeout`](crate::ClientBuilder::authorization_timeout). Transient.
    TimedOut,
    /// A redirect reached the loopback listener without the request's `state` (RFC 6749
    /// section 10.12): forged, or from another authorization. Refused; neither transient nor a
    /// rejection.
    StateMismatch,
    /// The authorization server refused the request with this error code (RFC 6749 section
    /// 4.1.2.1: `invalid_scope`, `unauthorized_client`, ...). Transient for `server_error` and
    /// `temporarily_unavailable`, a rejection otherwise.
    Refused(ErrorCode),
    /// The redirect carried neither a `code` nor an `error`. Neither transient nor a rejection.
    Malformed,
}

impl AuthorizationFailure {
    fn class(&self) -> Class {
        match self {
            AuthorizationFailure::Expired | AuthorizationFailure::TimedOut => Class::Transient,
            AuthorizationFailure::Refused(ErrorCode::ServerError | ErrorCode::TemporarilyUnavailable) => {
                Class::Transient
            }
            AuthorizationFailure::Denied | AuthorizationFailure::Refused(_) => Class::Rejection,
            AuthorizationFailure::StateMismatch | AuthorizationFailure::Malformed => Class::Other,
        }
    }
}

impl fmt::Display for AuthorizationFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuthorizationFailure::Denied => f.write_str("denied by the person (access_denied)"),
            AuthorizationFailure::Expired => f.write_str("expired before the person approved it"),
            AuthorizationFailure::TimedOut => f.write_str("timed out waiting for the browser's redirect"),
            AuthorizationFailure::StateMismatch => {
                f.write_str("refused: the redirect's `state` is not the request's (forged or stale)")
            }
            AuthorizationFailure::Refused(code) => write!(f, "refused by the authorization server: {code}"),
            AuthorizationFailure::Malformed => f.write_str("redirect carried neither `code` nor `error`"),
        }
    }
}

/// A status that says "not now" rather than "no".
fn transient_status(status: StatusCode) -> bool {
    status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS
}

/// What the HTTP transport reported for a request that failed before a response was read:
/// a refused or reset connection, a TLS failure, a request that could not be built.
///
/// It holds neither the request body nor the URL (whose query could carry a secret). Its
/// `Display` is the transport's description; [`std::error::Error::source`] gives the
/// underlying causes (such as an `io::Error`).
///
/// ```
/// # fn check(err: &oauth_runtime::Error) {
/// if let oauth_runtime::Error::Connect { source, .. } = err {
///     if source.is_connect() {
///         eprintln!("could not connect: {source}");
///     }
/// }
/// # }
/// ```
#[derive(Clone)]
pub struct TransportError(Arc<reqwest::Error>);

impl TransportError {
    pub(crate) fn new(e: reqwest::Error) -> TransportError {
        TransportError(Arc::new(e.without_url()))
    }

    /// The connection could not be established (refused, unreachable, DNS, TLS handshake).
    pub fn is_connect(&self) -> bool {
        self.0.is_connect()
    }

    /// A timeout elapsed.
    pub fn is_timeout(&self) -> bool {
        self.0.is_timeout()
    }

    /// Reading or writing a body failed: the connection broke mid-body, or the body could
    /// not be decoded.
    pub fn is_body(&self) -> bool {
        // reqwest reports a body that broke while being read as a decode error.
        self.0.is_body() || self.0.is_decode()
    }

    /// Sending the request or receiving the response failed.
    pub fn is_request(&self) -> bool {
        self.0.is_request()
    }

    /// The request could not be built (invalid header, invalid URL); nothing was sent.
    pub fn is_builder(&self) -> bool {
        self.0.is_builder()
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl fmt::Debug for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("TransportError").field(&self.0).finish()
    }
}

impl std::error::Error for TransportError {
    // The causes of the transport error, not the transport error itself: its text is
    // already this error's `Display`, and error reporters would print it twice.
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        std::error::Error::source(&*self.0)
    }
}

/// An OAuth2 error response (RFC 6749 section 5.2).
///
/// `#[non_exhaustive]`: read its fields, match it with `..`; only the runtime builds one.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct OAuthError {
    /// Vendor name.
    pub vendor: &'static str,
    /// HTTP status (OAuth2 errors sent with a 2xx status keep it here).
    pub status: StatusCode,
    /// The error code, matched case-insensitively.
    pub code: ErrorCode,
    /// `error_description` (or the vendor's equivalent), if any.
    pub description: Option<String>,
    /// `error_uri` (or the vendor's equivalent), if any.
    pub uri: Option<String>,
    /// The endpoint that answered (the token endpoint, say), when the runtime knows it.
    pub endpoint: Option<Endpoint>,
    /// The code as sent and every other field of the error body, shared (errors are cloned
    /// to every waiting caller).
    pub(crate) fields: std::sync::Arc<ErrorFields>,
}

/// The fields of an error body besides its code, description and URI: plain values as sent,
/// and the values of secret-looking fields (`mfa_token`, ...) as [`Secret`](crate::Secret)s.
///
/// Its `Debug` counts the fields and shows none: a vendor may echo a credential anywhere.
#[derive(Clone, Default, PartialEq, Eq)]
pub(crate) struct ErrorFields {
    pub raw_code: String,
    pub plain: serde_json::Map<String, serde_json::Value>,
    pub secrets: Vec<(String, HeldSecret)>,
}

/// A secret field's value; equal when the values are.
#[derive(Clone)]
pub(crate) struct HeldSecret(pub crate::Secret);

impl PartialEq for HeldSecret {
    fn eq(&self, other: &Self) -> bool {
        self.0.expose_secret() == other.0.expose_secret()
    }
}

impl Eq for HeldSecret {}

impl fmt::Debug for ErrorFields {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{} fields, {} secret]", self.plain.len(), self.secrets.len())
    }
}

impl OAuthError {
    /// The code exactly as the vendor sent it (`Invalid_request`, `40013`), without
    /// surrounding whitespace and with any known secret masked; [`OAuthError::code`] is the
    /// same code matched ignoring case.
    pub fn raw_code(&self) -> &str {
        &self.fields.raw_code
    }

    /// Every field of the error body other than its code, description and URI, as sent
    /// (`error_codes`, `trace_id`, `fbtrace_id`, ...), except those held as secrets
    /// ([`OAuthError::secret_field`]).
    pub fn fields(&self) -> &serde_json::Map<String, serde_json::Value> {
        &self.fields.plain
    }

    /// One field of the error body ([`OAuthError::fields`]).
    pub fn field(&self, name: &str) -> Option<&serde_json::Value> {
        self.fields.plain.get(name)
    }

    /// A field of the error body whose name says it holds a secret (a token, a secret, a
    /// password: an `mfa_token` that continues the flow, say), if the vendor sent one as a string.
    pub fn secret_field(&self, name: &str) -> Option<&crate::Secret> {
        self.fields.secrets.iter().find(|(k, _)| k == name).map(|(_, v)| &v.0)
    }

    /// The names of the fields held as secrets.
    pub fn secret_field_names(&self) -> impl Iterator<Item = &str> {
        self.fields.secrets.iter().map(|(k, _)| k.as_str())
    }

    fn is_transient(&self) -> bool {
        transient_status(self.status) || matches!(self.code, ErrorCode::TemporarilyUnavailable | ErrorCode::ServerError)
    }
}

impl fmt::Display for OAuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}: {} (HTTP {})", self.vendor, At(&self.endpoint), self.code, self.status)?;
        if let Some(d) = &self.description {
            write!(f, ": {d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for OAuthError {}

/// An OAuth2 error code. Parsing ignores case (`Invalid_request` is `InvalidRequest`).
///
/// ```
/// use oauth_runtime::ErrorCode;
/// assert_eq!(ErrorCode::parse("Invalid_request"), ErrorCode::InvalidRequest);
/// assert_eq!(ErrorCode::parse("AUTHENTICATION_FAILED").as_str(), "AUTHENTICATION_FAILED");
/// ```
///
/// # Matching codes that later releases may learn
///
/// A code outside the list below is [`ErrorCode::Other`], but a later release may give it a
/// variant of its own, and a pattern on `Other` would then stop matching it. Match on
/// [`ErrorCode::as_str`] instead: it gives the same text before and after. Known codes are
/// spelled as RFC 6749 does (lowercase); others are kept as the vendor sent them, so compare
/// those ignoring ASCII case.
///
/// ```
/// use oauth_runtime::ErrorCode;
/// fn advice(code: &ErrorCode) -> &'static str {
///     match code.as_str() {
///         "invalid_client" => "check the client id and secret",
///         "invalid_grant" => "log in again",
///         // Not in RFC 6749 today; matches whether or not a later release knows it.
///         c if c.eq_ignore_ascii_case("authentication_failed") => "check the credentials",
///         _ => "see the error description",
///     }
/// }
/// assert_eq!(advice(&ErrorCode::parse("Invalid_Client")), "check the client id and secret");
/// assert_eq!(advice(&ErrorCode::parse("AUTHENTICATION_FAILED")), "check the credentials");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
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
    /// A code this release does not know; read it with [`ErrorCode::as_str`].
    Other(UnknownCode),
}

/// The text of an [`ErrorCode::Other`], kept as the vendor sent it (with any known secret
/// masked). Opaque on purpose: read it with [`ErrorCode::as_str`], which keeps working when a
/// later release gives the code a variant of its own.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct UnknownCode(pub(crate) String);

impl fmt::Debug for UnknownCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl ErrorCode {
    /// Parses a code, ignoring ASCII case; an unknown code is kept exactly as sent.
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
            .unwrap_or_else(|| ErrorCode::Other(UnknownCode(code.to_owned())))
    }

    /// The code as RFC 6749 spells it, or as the vendor sent it. The stable way to match a
    /// code: see [the type's documentation](ErrorCode#matching-codes-that-later-releases-may-learn).
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
            ErrorCode::Other(UnknownCode(s)) => s,
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use std::error::Error as _;

    use tokio::{
        io::{AsyncReadExt as _, AsyncWriteExt as _},
        net::TcpListener,
    };

    use super::*;

    fn status(code: u16) -> StatusCode {
        StatusCode::from_u16(code).unwrap()
    }

    fn oauth(code: &str, http: u16) -> Error {
        Error::OAuth(OAuthError {
            vendor: "V",
            status: status(http),
            code: ErrorCode::parse(code),
            description: None,
            uri: None,
            endpoint: None,
            fields: std::sync::Arc::new(ErrorFields { raw_code: code.to_owned(), ..ErrorFields::default() }),
        })
    }

    fn malformed(http: u16) -> Error {
        Error::MalformedResponse {
            vendor: "V",
            endpoint: None,
            status: status(http),
            content_type: "text/html".into(),
            reason: "HTML page".into(),
            excerpt: "<html>".into(),
        }
    }

    fn metadata(kind: crate::discovery::MetadataErrorKind) -> Error {
        Error::Metadata { issuer: "https://a.example".into(), kind, reason: "why".into() }
    }

    fn api(code: u16) -> Error {
        Error::Api(crate::ApiError::new("V", None, status(code), String::new(), None))
    }

    fn builder_error() -> reqwest::Error {
        reqwest::Client::new().get("https://h/").header("bad name", "v").build().unwrap_err()
    }

    /// The variant's name; the match has no `_` arm, so a new variant must be added here, and
    /// then `every_variant_is_classified` fails until it has a sample.
    fn variant(e: &Error) -> &'static str {
        match e {
            Error::OAuth(_) => "OAuth",
            Error::MalformedResponse { .. } => "MalformedResponse",
            Error::ResponseTooLarge { .. } => "ResponseTooLarge",
            Error::Timeout { .. } => "Timeout",
            Error::Connect { .. } => "Connect",
            Error::Request { .. } => "Request",
            Error::Argument { .. } => "Argument",
            Error::Pagination { .. } => "Pagination",
            Error::Deadline { .. } => "Deadline",
            Error::Api(_) => "Api",
            Error::Scope(_) => "Scope",
            Error::Decode { .. } => "Decode",
            Error::UnsupportedTokenType { .. } => "UnsupportedTokenType",
            Error::TokenRequestLimit { .. } => "TokenRequestLimit",
            Error::ReauthorizationRequired { .. } => "ReauthorizationRequired",
            Error::AuthorizationRequired { .. } => "AuthorizationRequired",
            Error::Authorization { .. } => "Authorization",
            Error::Config(_) => "Config",
            Error::Internal { .. } => "Internal",
            Error::Metadata { .. } => "Metadata",
        }
    }

    const VARIANTS: usize = 20;

    #[test]
    fn every_variant_is_classified() {
        use Class::*;
        let cases: Vec<(Error, Class)> = vec![
            (oauth("invalid_client", 401), Rejection),
            (oauth("invalid_grant", 400), Rejection),
            (oauth("AUTHENTICATION_FAILED", 401), Rejection),
            (oauth("invalid_request", 200), Rejection),
            (oauth("temporarily_unavailable", 200), Transient),
            (oauth("Server_Error", 400), Transient),
            // A gateway's error in OAuth shape says "not now", whatever its code.
            (oauth("invalid_client", 503), Transient),
            (oauth("502", 502), Transient),
            (oauth("rate_limited", 429), Transient),
            (malformed(200), Other),
            (malformed(404), Other),
            (malformed(401), Other),
            (malformed(500), Transient),
            (malformed(502), Transient),
            (malformed(429), Transient),
            (Error::ResponseTooLarge { vendor: "V", endpoint: None, status: status(200), limit: 10 }, Other),
            (Error::ResponseTooLarge { vendor: "V", endpoint: None, status: status(503), limit: 10 }, Transient),
            (Error::Timeout { vendor: "V", endpoint: None, timeout: Some(Duration::from_millis(100)) }, Transient),
            (Error::Timeout { vendor: "V", endpoint: None, timeout: None }, Transient),
            (Error::Connect { vendor: "V", endpoint: None, source: TransportError::new(builder_error()) }, Transient),
            (Error::Request { vendor: "V", source: TransportError::new(builder_error()) }, Other),
            (Error::argument("V", Some("user"), "a path argument is empty"), Other),
            (Error::argument("V", None, "no"), Other),
            (Error::Pagination { vendor: "V", operation: Some("list"), page: 3, reason: "a loop".into() }, Other),
            (Error::deadline("V", Duration::from_secs(2)), Transient),
            (Error::config("bad URL"), Other),
            (Error::internal("V", "the renewal panicked"), Transient),
            (metadata(crate::discovery::MetadataErrorKind::IssuerMismatch), Other),
            (metadata(crate::discovery::MetadataErrorKind::Unavailable), Transient),
            (api(404), Other),
            (api(401), Other),
            (api(503), Transient),
            (api(429), Transient),
            (
                Error::Decode {
                    vendor: "V",
                    operation: Some("me"),
                    status: status(200),
                    path: "id".into(),
                    reason: "invalid type".into(),
                    excerpt: String::new(),
                },
                Other,
            ),
            (Error::UnsupportedTokenType { vendor: "V", scheme: crate::TokenScheme::DPoP }, Other),
            (
                Error::TokenRequestLimit {
                    vendor: "V",
                    limit: 30,
                    interval: Duration::from_secs(10),
                    retry_in: Duration::from_secs(3),
                },
                Transient,
            ),
            (Error::ReauthorizationRequired { vendor: "V" }, Rejection),
            (
                Error::Scope(Box::new(crate::ScopeError::not_granted(
                    "V",
                    None,
                    vec!["b"],
                    vec!["a".into()],
                    vec!["b".into()],
                ))),
                Rejection,
            ),
            (
                Error::Scope(Box::new(crate::ScopeError::refused(
                    Vec::new(),
                    Vec::new(),
                    crate::ApiError::new("V", None, status(403), String::new(), None),
                    false,
                ))),
                Rejection,
            ),
            (Error::AuthorizationRequired { vendor: "V" }, Other),
            (Error::authorization("V", AuthorizationFailure::Denied, None), Rejection),
            (Error::authorization("V", AuthorizationFailure::Expired, None), Transient),
            (Error::authorization("V", AuthorizationFailure::TimedOut, None), Transient),
            (Error::authorization("V", AuthorizationFailure::StateMismatch, None), Other),
            (Error::authorization("V", AuthorizationFailure::Malformed, None), Other),
            (Error::authorization("V", AuthorizationFailure::Refused(ErrorCode::InvalidScope), None), Rejection),
            (Error::authorization("V", AuthorizationFailure::Refused(ErrorCode::ServerError), None), Transient),
        ];
        let mut seen = std::collections::BTreeSet::new();
        for (err, class) in &cases {
            seen.insert(variant(err));
            assert!(!(err.is_transient() && err.is_rejection()), "both: {err:?}");
            assert_eq!(err.is_transient(), *class == Transient, "is_transient: {err:?}");
            assert_eq!(err.is_rejection(), *class == Rejection, "is_rejection: {err:?}");
            let vendorless = matches!(variant(err), "Config" | "Metadata");
            assert_eq!(err.vendor(), if vendorless { None } else { Some("V") }, "{err:?}");
        }
        assert_eq!(seen.len(), VARIANTS, "a sample of every variant: {seen:?}");
    }

    #[test]
    fn messages_say_what_happened() {
        let cases = [
            (
                Error::Timeout { vendor: "V", endpoint: None, timeout: Some(Duration::from_millis(100)) },
                "V: no response within 100ms",
            ),
            (Error::Timeout { vendor: "V", endpoint: None, timeout: None }, "V: timed out"),
            (Error::deadline("V", Duration::from_secs(2)), "V: no token within 2s"),
            (Error::config("bad URL"), "invalid configuration: bad URL"),
            (Error::internal("V", "the renewal panicked"), "V: internal failure: the renewal panicked"),
            (
                Error::argument("V", Some("user"), "the path argument `id` is empty"),
                "V: `user`: the path argument `id` is empty",
            ),
            (Error::argument("V", None, "no header"), "V: no header"),
            (
                Error::Request { vendor: "V", source: TransportError::new(builder_error()) },
                "V: cannot build the request: builder error",
            ),
            (oauth("Invalid_Grant", 400), "V: invalid_grant (HTTP 400 Bad Request)"),
            (
                Error::UnsupportedTokenType { vendor: "V", scheme: crate::TokenScheme::Mac },
                "V: the vendor issued a MAC token, which this client cannot present (it would need a proof of possession or another scheme, or the vendor is declared with DPoP and this is not a DPoP token); not sending it",
            ),
            (
                Error::TokenRequestLimit {
                    vendor: "V",
                    limit: 30,
                    interval: Duration::from_secs(10),
                    retry_in: Duration::from_secs(3),
                },
                "V: 30 token requests within 10s already; the next is allowed in 3s",
            ),
        ];
        let cases = cases.into_iter().chain([
            (
                Error::authorization("V", AuthorizationFailure::Denied, Some("the user said no".into())),
                "V: authorization denied by the person (access_denied): the user said no",
            ),
            (
                Error::authorization("V", AuthorizationFailure::Refused(ErrorCode::InvalidScope), None),
                "V: authorization refused by the authorization server: invalid_scope",
            ),
        ]);
        for (err, text) in cases {
            assert_eq!(err.to_string(), text);
        }
    }

    #[test]
    fn error_types_are_std_errors_and_shareable() {
        fn check<E: std::error::Error + Clone + Send + Sync + 'static>() {}
        check::<Error>();
        check::<OAuthError>();
        check::<TransportError>();
        let Error::OAuth(e) = oauth("invalid_client", 401) else { unreachable!() };
        let boxed: Box<dyn std::error::Error> = Box::new(e);
        assert_eq!(boxed.to_string(), "V: invalid_client (HTTP 401 Unauthorized)");
    }

    #[test]
    fn unknown_codes_keep_their_spelling() {
        let code = ErrorCode::parse("AUTHENTICATION_Failed");
        assert_eq!(code.as_str(), "AUTHENTICATION_Failed");
        assert!(matches!(code, ErrorCode::Other(_)));
        assert_eq!(format!("{code} {code:?}"), r#"AUTHENTICATION_Failed Other("AUTHENTICATION_Failed")"#);
        assert_eq!(code, ErrorCode::parse("AUTHENTICATION_Failed"));
        assert_ne!(code, ErrorCode::parse("authentication_failed"));
        assert_eq!(ErrorCode::parse("TEMPORARILY_unavailable"), ErrorCode::TemporarilyUnavailable);
        assert_eq!(ErrorCode::parse("TEMPORARILY_unavailable").as_str(), "temporarily_unavailable");
    }

    /// A server on 127.0.0.1 that answers every connection with `reply` (nothing if empty)
    /// after reading the request head, then keeps the connection open for `hold`.
    async fn server(reply: &'static [u8], hold: Duration) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                tokio::spawn(async move {
                    let mut buf = [0u8; 4096];
                    let _ = socket.read(&mut buf).await;
                    if !reply.is_empty() {
                        let _ = socket.write_all(reply).await;
                    }
                    tokio::time::sleep(hold).await;
                });
            }
        });
        format!("http://{addr}")
    }

    async fn failed_send(http: &reqwest::Client, url: &str) -> reqwest::Error {
        match http.get(url).send().await {
            Err(e) => e,
            Ok(response) => response.bytes().await.expect_err("the body must fail"),
        }
    }

    #[tokio::test]
    async fn transport_errors_are_sorted_by_kind() {
        // The short timeout only where a timeout is the point: elsewhere a loaded machine must
        // not turn the failure under test into a timeout.
        let http = reqwest::Client::builder().timeout(Duration::from_millis(200)).build().unwrap();
        let patient = reqwest::Client::builder().timeout(Duration::from_secs(30)).build().unwrap();

        // Nothing listens: a connection failure; the URL (and its query) is not kept.
        let port = TcpListener::bind("127.0.0.1:0").await.unwrap().local_addr().unwrap().port();
        let url = format!("http://127.0.0.1:{port}/token?key=s3cr3t-q");
        let err = Error::transport("V", failed_send(&patient, &url).await, Some(Duration::from_millis(200)));
        let Error::Connect { source, .. } = &err else { panic!("{err:?}") };
        assert!(source.is_connect() && source.is_request() && !source.is_timeout() && !source.is_builder());
        assert!(err.to_string().starts_with("V: connection failed: "), "{err}");
        let shown = format!("{err} {err:?} {:?}", err.source().and_then(|s| s.source()));
        assert!(!shown.contains("s3cr3t-q"), "{shown}");
        // The chain goes on to the cause without repeating the transport's own text.
        let transport = err.source().expect("the transport error");
        assert_eq!(transport.to_string(), source.to_string());
        let cause = transport.source().expect("the cause of the connection failure");
        assert_ne!(cause.to_string(), transport.to_string());

        // A server that never answers: the timeout that applied is reported.
        let silent = server(b"", Duration::from_secs(5)).await;
        let e = failed_send(&http, &silent).await;
        let err = Error::transport("V", e, Some(Duration::from_millis(200)));
        assert!(matches!(err, Error::Timeout { timeout: Some(t), .. } if t == Duration::from_millis(200)), "{err:?}");
        assert_eq!(err.to_string(), "V: no response within 200ms");
        let err = Error::transport("V", failed_send(&http, &silent).await, None);
        assert_eq!(err.to_string(), "V: timed out");

        // Headers, then the connection closes mid-body.
        let cut = server(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"access", Duration::ZERO).await;
        let err = Error::transport("V", failed_send(&patient, &cut).await, Some(Duration::from_millis(200)));
        let Error::Connect { source, .. } = &err else { panic!("{err:?}") };
        assert!(source.is_body() && !source.is_connect() && !source.is_timeout(), "{source:?}");

        // A header reqwest refuses: nothing is sent.
        let err = Error::transport("V", builder_error(), Some(Duration::from_millis(200)));
        let Error::Request { source, .. } = &err else { panic!("{err:?}") };
        assert!(source.is_builder() && !source.is_connect() && !source.is_body());
        assert!(format!("{source:?}").starts_with("TransportError("), "{source:?}");
    }
}
