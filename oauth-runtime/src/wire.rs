//! The wire events: one `tracing` event for each HTTP exchange the runtime makes, whatever
//! sent it (a token request, a refresh, a revocation, a metadata fetch, a device
//! authorization, a pushed authorization request, an API call through `ApiRequest`, the
//! reqwest middleware or the tower layer).
//!
//! Every path calls [`Exchange::start`] before it sends and drops the [`Exchange`] when it is
//! done with the answer, so the event's fields and its redaction rules exist once, here. When
//! DEBUG is off for [`WIRE_TARGET`], `start` returns an empty record: nothing is allocated,
//! no URL is copied or redacted, no clock is read.

use std::{borrow::Cow, fmt, time::Instant};

use reqwest::{
    Method, StatusCode,
    header::{HeaderMap, HeaderName},
};
use tracing::Level;

use crate::{Credentials, TokenRequestKind, redact};

/// The `tracing` target of the wire events: one DEBUG event per HTTP exchange, with the
/// header names of the request and the answer when TRACE is on for this target too.
///
/// Show them with a filter on this target (`RUST_LOG=oauth_runtime::wire=debug` with
/// `tracing-subscriber`'s `EnvFilter`), or on `oauth_runtime` for every event of the runtime.
/// Each event carries `vendor`, `kind` (`token`, `refresh`, `revoke`, `discovery`,
/// `device_authorization`, `par` or `api`), `operation` (an `#[oauth_api]` operation's name),
/// `method`, `url` (secret query values, user info and known secrets masked as
/// `[REDACTED]`), `status` or `error` (the transport failure's kind: `connect`, `timeout`,
/// `body`, `request`, `too_large`, `cancelled`, ...), `elapsed_ms`, `attempt` (retries, a DPoP
/// nonce's second attempt and the replay after a 401 count), `request_bytes` (the request
/// body's length, when known before sending: a body in memory, a multipart form) and `bytes`
/// (the answer's length, when the runtime read it); at TRACE also `request_headers` and
/// `response_headers`, names alone. Header values, bodies and secrets never appear.
///
/// ```
/// use tracing_subscriber::{filter::Targets, prelude::*};
/// let filter = Targets::new().with_target(oauth_runtime::WIRE_TARGET, tracing::Level::DEBUG);
/// let _subscriber = tracing_subscriber::registry().with(tracing_subscriber::fmt::layer().with_filter(filter));
/// assert_eq!(oauth_runtime::WIRE_TARGET, "oauth_runtime::wire");
/// ```
pub const WIRE_TARGET: &str = "oauth_runtime::wire";

const MASK: &str = "[REDACTED]";

/// Query parameters whose values are secret wherever they appear (RFC 6749, 7523, 7636,
/// 8628, 8693 names, and the usual API key names), compared without case. Names that contain
/// `token`, `secret`, `password` or `assertion` are masked too ([`redact::is_sensitive`]).
const SECRET_PARAMS: &[&str] = &[
    "client_secret",
    "password",
    "refresh_token",
    "access_token",
    "id_token",
    "code",
    "code_verifier",
    "assertion",
    "client_assertion",
    "subject_token",
    "actor_token",
    "device_code",
    "token",
    "api_key",
    "apikey",
    "key",
    "sig",
    "signature",
];

/// What an exchange is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A token request with the grant (a device poll and a code exchange included).
    Token,
    Refresh,
    Revoke,
    /// A server metadata document (RFC 8414, OpenID discovery).
    Discovery,
    /// A device authorization request (RFC 8628 section 3.1).
    DeviceAuthorization,
    /// A pushed authorization request (RFC 9126).
    Par,
    /// An API call.
    Api,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Kind::Token => "token",
            Kind::Refresh => "refresh",
            Kind::Revoke => "revoke",
            Kind::Discovery => "discovery",
            Kind::DeviceAuthorization => "device_authorization",
            Kind::Par => "par",
            Kind::Api => "api",
        }
    }
}

impl From<TokenRequestKind> for Kind {
    fn from(kind: TokenRequestKind) -> Kind {
        match kind {
            TokenRequestKind::Refresh => Kind::Refresh,
            TokenRequestKind::Revocation => Kind::Revoke,
            _ => Kind::Token,
        }
    }
}

/// What an event's URL must not show besides [`SECRET_PARAMS`]: the client's secret
/// credentials (their wire names and their values), one more secret parameter name (the
/// vendor's refresh token parameter), and more secret values (the tokens a call carries).
#[derive(Clone, Copy, Default)]
pub(crate) struct Known<'a> {
    pub credentials: Option<&'a Credentials>,
    pub param: Option<&'a str>,
    pub values: &'a [&'a str],
}

/// Where exchanges happen: who sends them, for what, and what their URLs must not show.
#[derive(Clone, Copy)]
pub(crate) struct Site<'a> {
    /// `None` for a metadata document, which clients of several vendors share.
    pub vendor: Option<&'static str>,
    pub kind: Kind,
    pub operation: Option<&'static str>,
    pub known: Known<'a>,
}

/// The request as the event shows it, made only when the event is on.
pub(crate) struct Request<'r> {
    pub method: &'r Method,
    pub url: Cow<'r, str>,
    pub headers: &'r HeaderMap,
    /// The body's length, when known.
    pub body: Option<u64>,
}

/// One exchange being recorded; its event is emitted when it is dropped (an exchange dropped
/// before any answer, its future cancelled, reports `error="cancelled"`).
#[must_use = "the event is emitted when the exchange is dropped"]
pub(crate) struct Exchange(Option<Box<Record>>);

struct Record {
    /// The span the exchange started in: the event goes there wherever the record is
    /// dropped (a typed read drops it after the call's span was left).
    span: tracing::Span,
    started: Instant,
    vendor: Option<&'static str>,
    kind: Kind,
    operation: Option<&'static str>,
    method: Method,
    url: String,
    attempt: u32,
    status: Option<u16>,
    error: Option<&'static str>,
    request_bytes: Option<u64>,
    bytes: Option<u64>,
    /// Header names, when TRACE is on.
    request_headers: Option<String>,
    response_headers: Option<String>,
}

impl Exchange {
    /// Starts recording attempt `attempt` at `site`; `request` is called only when DEBUG is
    /// on for [`WIRE_TARGET`].
    pub fn start<'r>(site: &Site<'_>, attempt: u32, request: impl FnOnce() -> Request<'r>) -> Exchange {
        if !tracing::enabled!(target: WIRE_TARGET, Level::DEBUG) {
            return Exchange(None);
        }
        let request = request();
        let trace = tracing::enabled!(target: WIRE_TARGET, Level::TRACE);
        Exchange(Some(Box::new(Record {
            span: tracing::Span::current(),
            started: Instant::now(),
            vendor: site.vendor,
            kind: site.kind,
            operation: site.operation,
            method: request.method.clone(),
            url: redact_url(&request.url, &site.known),
            attempt,
            status: None,
            error: Some("cancelled"),
            request_bytes: request.body,
            bytes: None,
            request_headers: trace.then(|| names(request.headers)),
            response_headers: None,
        })))
    }

    /// The answer's status and headers arrived.
    pub fn response(&mut self, status: StatusCode, headers: &HeaderMap) {
        if let Some(record) = &mut self.0 {
            record.status = Some(status.as_u16());
            record.error = None;
            if record.request_headers.is_some() {
                record.response_headers = Some(names(headers));
            }
        }
    }

    /// The exchange failed: no answer, or its body could not be read; `kind` says how.
    pub fn failed(&mut self, kind: &'static str) {
        if let Some(record) = &mut self.0 {
            record.error = Some(kind);
        }
    }

    /// The runtime read the answer's body: `bytes` long.
    pub fn body(&mut self, bytes: usize) {
        if let Some(record) = &mut self.0 {
            record.bytes = Some(bytes as u64);
        }
    }
}

impl Drop for Exchange {
    fn drop(&mut self) {
        let Some(r) = self.0.take() else { return };
        // Microseconds as fractional milliseconds: loopback exchanges take less than one.
        let elapsed_ms = r.started.elapsed().as_micros() as f64 / 1000.0;
        tracing::event!(
            target: WIRE_TARGET,
            parent: &r.span,
            Level::DEBUG,
            vendor = r.vendor,
            kind = r.kind.as_str(),
            operation = r.operation,
            method = %r.method,
            url = %r.url,
            status = r.status,
            error = r.error,
            elapsed_ms,
            attempt = r.attempt,
            request_bytes = r.request_bytes,
            bytes = r.bytes,
            request_headers = r.request_headers.as_deref().map(tracing::field::display),
            response_headers = r.response_headers.as_deref().map(tracing::field::display),
            "http exchange"
        );
    }
}

impl fmt::Debug for Exchange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Exchange").field("recording", &self.0.is_some()).finish()
    }
}

/// A reqwest failure's kind, as events name it.
pub(crate) fn reqwest_error(e: &reqwest::Error) -> &'static str {
    if e.is_timeout() {
        "timeout"
    } else if e.is_connect() {
        "connect"
    } else if e.is_builder() {
        "request"
    } else if e.is_body() || e.is_decode() {
        "body"
    } else if e.is_redirect() {
        "redirect"
    } else {
        "transport"
    }
}

/// The kind of the runtime's error for a failed send.
pub(crate) fn error(e: &crate::Error) -> &'static str {
    use crate::Error;
    match e {
        Error::Timeout { .. } => "timeout",
        Error::Connect { source, .. } if source.is_connect() => "connect",
        Error::Connect { source, .. } if source.is_body() => "body",
        Error::Connect { .. } => "transport",
        Error::Request { .. } => "request",
        Error::ResponseTooLarge { .. } => "too_large",
        _ => "other",
    }
}

/// The length of `request`'s body: its bytes, or else its `Content-Length` (a multipart form,
/// whose parts are all in memory, declares it); `None` for a stream of unknown length.
pub(crate) fn body_len(request: &reqwest::Request) -> Option<u64> {
    match request.body().and_then(reqwest::Body::as_bytes) {
        Some(bytes) => Some(bytes.len() as u64),
        None => content_length(request.headers()),
    }
}

/// The `Content-Length` header's value, if it is one number.
pub(crate) fn content_length(headers: &HeaderMap) -> Option<u64> {
    headers.get(reqwest::header::CONTENT_LENGTH)?.to_str().ok()?.parse().ok()
}

/// The names of `headers`, in order, each once.
fn names(headers: &HeaderMap) -> String {
    let mut out = String::new();
    for name in headers.keys().map(HeaderName::as_str) {
        if !out.is_empty() {
            out.push(',');
        }
        out.push_str(name);
    }
    out
}

/// `url` with the user info, the values of secret query parameters, and every path segment,
/// query name or value holding a known secret replaced by `[REDACTED]`; no fragment.
pub(crate) fn redact_url(url: &str, known: &Known<'_>) -> String {
    let values: Vec<&str> = known
        .credentials
        .into_iter()
        .flat_map(Credentials::secrets)
        .chain(known.values.iter().copied())
        .filter(|v| !v.is_empty())
        .collect();
    let holds_secret = |raw: &str, plus_is_space: bool| {
        let decoded = decode(raw, plus_is_space);
        values.iter().any(|v| raw.contains(v) || decoded.contains(v))
    };
    let secret_name = |raw: &str| {
        let name = decode(raw, true);
        SECRET_PARAMS.iter().any(|s| name.eq_ignore_ascii_case(s))
            || redact::is_sensitive(&name)
            || known.param.is_some_and(|s| name.eq_ignore_ascii_case(s))
            || known.credentials.is_some_and(|c| {
                c.iter().any(|(f, v)| (f.secret || v.is_secret()) && name.eq_ignore_ascii_case(f.name))
            })
    };

    let url = url.split('#').next().unwrap_or_default();
    let (head, query) = url.split_once('?').map_or((url, None), |(h, q)| (h, Some(q)));
    let mut out = String::with_capacity(url.len() + 16);
    let path = match head.split_once("://") {
        Some((scheme, rest)) => {
            let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
            out.push_str(scheme);
            out.push_str("://");
            match authority.rsplit_once('@') {
                Some((_, host)) => {
                    out.push_str(MASK);
                    out.push('@');
                    out.push_str(host);
                }
                None => out.push_str(authority),
            }
            path
        }
        None => head,
    };
    for (i, segment) in path.split('/').enumerate() {
        if i > 0 {
            out.push('/');
        }
        out.push_str(if holds_secret(segment, false) { MASK } else { segment });
    }
    if let Some(query) = query {
        out.push('?');
        for (i, pair) in query.split('&').enumerate() {
            if i > 0 {
                out.push('&');
            }
            match pair.split_once('=') {
                _ if holds_secret(pair.split('=').next().unwrap_or_default(), true) => out.push_str(MASK),
                Some((name, value)) if secret_name(name) || holds_secret(value, true) => {
                    out.push_str(name);
                    out.push('=');
                    out.push_str(MASK);
                }
                _ => out.push_str(pair),
            }
        }
    }
    // A secret spelled across segments or pairs (`a/b` unencoded) is masked where it stands.
    redact::known(&out, &values)
}

/// A URL part percent-decoded (and `+` read as a space in a query), lossily.
fn decode(raw: &str, plus_is_space: bool) -> Cow<'_, str> {
    if !raw.contains(['%', '+']) {
        return Cow::Borrowed(raw);
    }
    let spaced = if plus_is_space { Cow::Owned(raw.replace('+', " ")) } else { Cow::Borrowed(raw) };
    Cow::Owned(percent_encoding::percent_decode_str(&spaced).decode_utf8_lossy().into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Credential, Secret, provider::*};

    fn redact(url: &str, values: &[&str]) -> String {
        redact_url(url, &Known { values, ..Known::default() })
    }

    #[test]
    fn standard_secret_parameters_are_masked_by_name() {
        let url = "https://h/p?grant_type=x&client_secret=s1&Password=p%20w&code=c&code_verifier=v&assertion=a\
                   &client_assertion=ca&subject_token=st&actor_token=at&device_code=d&token=t&access_token=x\
                   &refresh_token=r&id_token=i&apiKey=k&scope=read+write&state=ok&empty=";
        let shown = redact(url, &[]);
        assert_eq!(
            shown,
            "https://h/p?grant_type=x&client_secret=[REDACTED]&Password=[REDACTED]&code=[REDACTED]\
             &code_verifier=[REDACTED]&assertion=[REDACTED]&client_assertion=[REDACTED]&subject_token=[REDACTED]\
             &actor_token=[REDACTED]&device_code=[REDACTED]&token=[REDACTED]&access_token=[REDACTED]\
             &refresh_token=[REDACTED]&id_token=[REDACTED]&apiKey=[REDACTED]&scope=read+write&state=ok&empty="
        );
        // An encoded name is still that name; `token_type` is not a secret.
        assert_eq!(
            redact("https://h/?client%5Fsecret=s&token_type=bearer", &[]),
            "https://h/?client%5Fsecret=[REDACTED]&token_type=bearer"
        );
    }

    #[test]
    fn known_secrets_are_masked_anywhere_encoded_or_not() {
        let secret = "s3cr:et/+&x";
        let encoded = "s3cr%3Aet%2F%2B%26x";
        let url = format!("https://user:pw@h/a/{encoded}/b?q={encoded}&{encoded}=1&plain=ok#frag");
        assert_eq!(redact(&url, &[secret]), "https://[REDACTED]@h/a/[REDACTED]/b?q=[REDACTED]&[REDACTED]&plain=ok");
        // A secret spelled across two segments, unencoded.
        assert_eq!(redact("https://h/ab/cd", &["b/c"]), "https://h/a[REDACTED]d");
        // A bare path, as a tower request may have.
        assert_eq!(redact("/pkg.Service/tok123?x=tok123", &["tok123"]), "/pkg.Service/[REDACTED]?x=[REDACTED]");
    }

    #[test]
    fn the_specs_credential_names_and_values_are_masked() {
        const FIELDS: &[FieldSpec] = &[
            FieldSpec::new("ClientId", Role::ClientId),
            FieldSpec::new("ClientKey", Role::ClientSecret),
            FieldSpec::new("tenant", Role::Param).with_secret(true),
        ];
        let creds = Credentials::new(
            FIELDS,
            vec![Credential::from("my-id"), Credential::from(Secret::from("hunter2")), Credential::from("t-9")],
        )
        .unwrap();
        let known = Known { credentials: Some(&creds), param: Some("refreshToken2"), values: &[] };
        let shown =
            redact_url("https://h/x?ClientId=my-id&clientkey=zz&tenant=q&refreshtoken2=r&other=hunter2", &known);
        assert_eq!(
            shown,
            "https://h/x?ClientId=my-id&clientkey=[REDACTED]&tenant=[REDACTED]&refreshtoken2=[REDACTED]&other=[REDACTED]"
        );
    }

    #[test]
    fn header_names_without_values() {
        let mut headers = HeaderMap::new();
        headers.insert("authorization", "Bearer tok".parse().unwrap());
        headers.append("accept", "a".parse().unwrap());
        headers.append("accept", "b".parse().unwrap());
        assert_eq!(names(&headers), "authorization,accept");
    }

    #[test]
    fn no_subscriber_no_record() {
        let site = Site { vendor: Some("V"), kind: Kind::Api, operation: None, known: Known::default() };
        let exchange = Exchange::start(&site, 1, || unreachable!("the request is not looked at when the event is off"));
        assert!(exchange.0.is_none());
    }
}
