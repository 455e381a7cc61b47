//! Tolerant reading of token responses and error bodies.
//!
//! Vendors disagree on nearly everything: status (200 or 201), encoding (JSON, form, text),
//! `expires_in` as a number or a string, the case of `token_type`, errors sent with a 200.
//! This module turns any of them into a [`Token`] or a typed [`Error`], never a panic.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::StatusCode;
use serde_json::{Map, Value};

use crate::{
    error::{Error, ErrorCode, OAuthError, UnknownCode},
    provider::{Expiry, InstantFormat, ResponseSpec},
    redact,
    token::Token,
};

/// Longest lifetime believed; a larger `expires_in` is a vendor bug or an attack on our clock.
const MAX_LIFETIME: Duration = Duration::from_secs(10 * 365 * 24 * 3600);

/// A response as read off the wire (body already capped).
///
/// Its `Debug` shows the body's length, never the body: a token response holds a token.
pub struct RawResponse {
    /// HTTP status.
    pub status: StatusCode,
    /// `Content-Type`, if sent.
    pub content_type: Option<String>,
    /// `Location`, if sent (redirects are never followed on token requests).
    pub location: Option<String>,
    /// The body.
    pub body: Vec<u8>,
}

impl std::fmt::Debug for RawResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RawResponse")
            .field("status", &self.status)
            .field("content_type", &self.content_type)
            .field("location", &self.location)
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// What the parser needs to know about the vendor.
///
/// Its `Debug` counts the secrets rather than showing them.
#[derive(Clone, Copy)]
pub struct ParseContext<'a> {
    /// Vendor name for errors.
    pub vendor: &'static str,
    /// Field mapping.
    pub response: &'a ResponseSpec,
    /// Strings to redact from excerpts (credentials, tokens).
    pub secrets: &'a [&'a str],
}

impl std::fmt::Debug for ParseContext<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParseContext")
            .field("vendor", &self.vendor)
            .field("response", self.response)
            .field("secrets", &format_args!("[{} redacted]", self.secrets.len()))
            .finish()
    }
}

/// Reads a token response: a token, or the typed error it amounts to.
///
/// Public only with the unstable `__parse-internals` feature, for property tests and the fuzz
/// target.
pub fn token_response(ctx: &ParseContext<'_>, raw: &RawResponse, now: SystemTime) -> Result<Token, Error> {
    if raw.status.is_redirection() {
        let to = raw.location.as_deref().unwrap_or("nowhere");
        let reason = format!("redirect to {to:?} not followed: token requests never follow redirects");
        return Err(malformed(ctx, raw, reason));
    }
    let fields = match decode_fields(raw) {
        Ok(fields) => fields,
        Err(reason) => return Err(malformed(ctx, raw, reason)),
    };
    if let Some(err) = oauth_error(ctx, raw.status, &fields) {
        if !raw.status.is_success() || fields_have_error(&fields) {
            return Err(Error::OAuth(err));
        }
    }
    if !raw.status.is_success() {
        let reason = format!("HTTP {} without an OAuth error in the body", raw.status.as_u16());
        return Err(malformed(ctx, raw, reason));
    }
    let spec = ctx.response;
    let lifetime = lifetime(spec, &fields, now);
    // The fields are ours now: move the values out, what is left is the token's extra fields.
    let mut fields = fields;
    let access = match fields.remove(spec.access_token) {
        Some(Value::String(s)) if !s.trim().is_empty() => trimmed(s),
        Some(_) => return Err(malformed(ctx, raw, format!("`{}` is not a non-empty string", spec.access_token))),
        None => return Err(malformed(ctx, raw, format!("no `{}` in the response", spec.access_token))),
    };
    if !access.bytes().all(|b| b.is_ascii_graphic()) {
        let reason = format!("`{}` holds characters not allowed in an HTTP header", spec.access_token);
        return Err(malformed(ctx, raw, reason));
    }
    let token_type = match fields.remove(spec.token_type) {
        Some(Value::String(t)) => Some(t),
        _ => None,
    };
    if token_type.as_deref().is_some_and(|t| !t.bytes().all(|b| b.is_ascii_graphic() || b == b' ')) {
        let reason = format!("`{}` holds characters not allowed in an HTTP header", spec.token_type);
        return Err(malformed(ctx, raw, reason));
    }
    let refresh = match fields.remove(spec.refresh_token) {
        Some(Value::String(s)) if !s.is_empty() => Some(s),
        _ => None,
    };
    let expires_at = now + lifetime.min(MAX_LIFETIME);
    Ok(Token::from_parts(access, token_type.as_deref(), refresh, now, expires_at, fields))
}

/// `s` without surrounding whitespace, reusing its allocation when there is none.
fn trimmed(s: String) -> String {
    if s.trim().len() == s.len() { s } else { s.trim().to_owned() }
}

fn malformed(ctx: &ParseContext<'_>, raw: &RawResponse, reason: String) -> Error {
    Error::MalformedResponse {
        vendor: ctx.vendor,
        status: raw.status,
        content_type: raw.content_type.clone().unwrap_or_else(|| "no content type".to_owned()),
        reason,
        excerpt: redact::excerpt(&raw.body, ctx.secrets),
    }
}

/// The body as a map of fields: a JSON object, or a form-encoded body.
fn decode_fields(raw: &RawResponse) -> Result<Map<String, Value>, String> {
    let text = raw.body.trim_ascii();
    if text.is_empty() {
        return Err("empty body".to_owned());
    }
    if text.starts_with(b"{") {
        return match serde_json::from_slice::<Value>(text) {
            Ok(Value::Object(map)) => Ok(map),
            Ok(_) => Err("JSON body is not an object".to_owned()),
            Err(e) if e.is_eof() => Err("truncated JSON".to_owned()),
            Err(e) => Err(format!("invalid JSON: {e}")),
        };
    }
    let content_type = raw.content_type.as_deref().unwrap_or("").to_ascii_lowercase();
    let formish = content_type.contains("x-www-form-urlencoded") || content_type.starts_with("text/plain");
    if formish && !text.starts_with(b"<") && text.contains(&b'=') {
        return Ok(form_urlencoded::parse(text)
            .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
            .collect());
    }
    if text.starts_with(b"<") {
        return Err("HTML or XML page instead of a token response".to_owned());
    }
    Err("body is neither JSON nor form-encoded".to_owned())
}

/// Finds a field by name ignoring ASCII case, `_` and `-` (`error_code`, `ErrorCode`, `errorCode`).
fn loose<'m>(fields: &'m Map<String, Value>, wanted: &str) -> Option<(&'m str, &'m str)> {
    fields.iter().find_map(|(k, v)| {
        let norm = k.chars().filter(|c| *c != '_' && *c != '-').map(|c| c.to_ascii_lowercase());
        match v {
            Value::String(s) if norm.eq(wanted.chars()) && !s.trim().is_empty() => Some((k.as_str(), s.as_str())),
            _ => None,
        }
    })
}

/// A 2xx body signals an error only with a non-empty `error` string (golang.org/x/oauth2 does
/// the same): `status: "approved"` and friends must not trip it.
fn fields_have_error(fields: &Map<String, Value>) -> bool {
    loose(fields, "error").is_some() || loose(fields, "errorcode").is_some()
}

/// An OAuth error in `fields`, in RFC 6749 shape or a common vendor variant
/// (`{"ErrorCode","Error"}` from API gateways, `{"errorCode","message"}` from JSON APIs).
fn oauth_error(ctx: &ParseContext<'_>, status: StatusCode, fields: &Map<String, Value>) -> Option<OAuthError> {
    let (code_key, code) = loose(fields, "errorcode")
        .or_else(|| loose(fields, "error"))
        .or_else(|| if status.is_success() { None } else { loose(fields, "code") })?;
    let description = ["errordescription", "message", "errormessage", "error", "detail"]
        .iter()
        .filter_map(|k| loose(fields, k))
        .find(|(k, _)| *k != code_key)
        .map(|(_, d)| redact::excerpt(d.as_bytes(), ctx.secrets));
    Some(OAuthError {
        vendor: ctx.vendor,
        status,
        // Shown whole in Display and Debug: a vendor echoing a credential here must not leak it.
        code: match ErrorCode::parse(code.trim()) {
            ErrorCode::Other(UnknownCode(other)) => ErrorCode::Other(UnknownCode(redact::known(&other, ctx.secrets))),
            known => known,
        },
        description,
        uri: loose(fields, "erroruri").map(|(_, u)| redact::known(u, ctx.secrets)),
    })
}

/// The token's lifetime from now, as the response states it, or the default.
fn lifetime(spec: &ResponseSpec, fields: &Map<String, Value>, now: SystemTime) -> Duration {
    let stated = match spec.expiry {
        Expiry::ExpiresIn(field) => fields.get(field).and_then(seconds),
        Expiry::At(field, format) => {
            fields.get(field).and_then(|v| instant(v, format)).map(|at| at.duration_since(now).unwrap_or_default())
        }
        Expiry::None => None,
    };
    match stated {
        Some(d) => d,
        None => {
            if !matches!(spec.expiry, Expiry::None) {
                tracing::debug!(
                    default_secs = spec.default_lifetime.as_secs(),
                    "no usable expiry in the token response"
                );
            }
            spec.default_lifetime
        }
    }
}

/// A number of seconds given as a JSON number or a numeric string; negative counts as zero.
fn seconds(v: &Value) -> Option<Duration> {
    let n = number(v)?;
    Some(if n <= 0.0 { Duration::ZERO } else { Duration::try_from_secs_f64(n).unwrap_or(MAX_LIFETIME) })
}

fn number(v: &Value) -> Option<f64> {
    let n = match v {
        Value::Number(n) => n.as_f64()?,
        Value::String(s) => s.trim().parse::<f64>().ok()?,
        _ => return None,
    };
    n.is_finite().then_some(n)
}

fn instant(v: &Value, format: InstantFormat) -> Option<SystemTime> {
    let epoch = |scale: f64| {
        let secs = number(v)? / scale;
        Some(if secs <= 0.0 {
            UNIX_EPOCH
        } else {
            UNIX_EPOCH + Duration::try_from_secs_f64(secs).ok()?.min(Duration::from_secs(1 << 40))
        })
    };
    match format {
        InstantFormat::EpochMillis => epoch(1000.0),
        InstantFormat::EpochSeconds => epoch(1.0),
        InstantFormat::HttpDate => httpdate::parse_http_date(v.as_str()?.trim()).ok(),
        InstantFormat::Rfc3339 => {
            let at =
                time::OffsetDateTime::parse(v.as_str()?.trim(), &time::format_description::well_known::Rfc3339).ok()?;
            let nanos = at.unix_timestamp_nanos();
            Some(if nanos <= 0 {
                UNIX_EPOCH
            } else {
                UNIX_EPOCH + Duration::from_nanos(u64::try_from(nanos).unwrap_or(u64::MAX))
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const STANDARD: ResponseSpec = ResponseSpec::STANDARD;

    fn raw(status: u16, content_type: &str, body: &str) -> RawResponse {
        RawResponse {
            status: StatusCode::from_u16(status).unwrap(),
            content_type: Some(content_type.to_owned()),
            location: None,
            body: body.as_bytes().to_vec(),
        }
    }

    fn parse_with(spec: &ResponseSpec, r: &RawResponse) -> Result<Token, Error> {
        let ctx = ParseContext { vendor: "Test", response: spec, secrets: &["sekrit"] };
        token_response(&ctx, r, SystemTime::now())
    }

    fn parse(r: &RawResponse) -> Result<Token, Error> {
        parse_with(&STANDARD, r)
    }

    #[test]
    fn microbilt_strings_and_bearertoken() {
        let t = parse(&raw(
            200,
            "application/json",
            r#"{ "issued_at" : "1525190727056", "expires_in" : "3599", "token_type" : "BearerToken", "access_token" : "kE8W", "status" : "approved" }"#,
        ))
        .unwrap();
        assert_eq!(t.token_type(), "Bearer");
        assert_eq!(t.access_token().expose_secret(), "kE8W");
        assert!((3590..=3599).contains(&t.expires_in().as_secs()));
        assert_eq!(t.field("status"), Some(&json!("approved")));
        assert_eq!(t.field("issued_at"), Some(&json!("1525190727056")));
    }

    #[test]
    fn any_2xx_and_form_bodies() {
        let t = parse(&raw(201, "application/x-www-form-urlencoded", "access_token=a%2Bb&expires_in=60")).unwrap();
        assert_eq!(t.access_token().expose_secret(), "a+b");
        assert!(t.expires_in().as_secs() <= 60);
    }

    #[test]
    fn error_in_200_is_an_error() {
        let err = parse(&raw(200, "application/json", r#"{"error":"invalid_request","error_description":"nope"}"#))
            .unwrap_err();
        assert_eq!(err.oauth_code(), Some(&ErrorCode::InvalidRequest));
    }

    #[test]
    fn deyel_error_case_insensitive() {
        let err = parse(&raw(
            400,
            "application/json",
            r#"{"error_description": "Invalid client_id", "error": "Invalid_request"}"#,
        ))
        .unwrap_err();
        let Error::OAuth(e) = err else { panic!("{err:?}") };
        assert_eq!(e.code, ErrorCode::InvalidRequest);
        assert_eq!(e.description.as_deref(), Some("Invalid client_id"));
        assert_eq!(e.status, StatusCode::BAD_REQUEST);
    }

    #[test]
    fn gateway_and_json_api_error_shapes() {
        let err =
            parse(&raw(401, "application/json", r#"{"ErrorCode":"invalid_client","Error":"ClientId is Invalid"}"#))
                .unwrap_err();
        let Error::OAuth(e) = err else { panic!() };
        assert_eq!((e.code, e.description.as_deref()), (ErrorCode::InvalidClient, Some("ClientId is Invalid")));
        let err = parse(&raw(
            401,
            "application/json",
            r#"{"status":401,"errorCode":"AUTHENTICATION_FAILED","message":"bad"}"#,
        ))
        .unwrap_err();
        assert_eq!(err.oauth_code().map(ErrorCode::as_str), Some("AUTHENTICATION_FAILED"));
        assert!(matches!(err.oauth_code(), Some(ErrorCode::Other(_))), "{err:?}");
    }

    #[test]
    fn html_empty_truncated_are_malformed_and_redacted() {
        for (body, reason) in [
            ("<html><body>502 Bad Gateway sekrit</body></html>", "HTML"),
            ("", "empty"),
            (r#"{"access_token": "sekrit-abc"#, "truncated"),
        ] {
            let err = parse(&raw(200, "text/html", body)).unwrap_err();
            let Error::MalformedResponse { reason: r, excerpt, .. } = &err else { panic!("{err:?}") };
            assert!(r.contains(reason), "{r}");
            assert!(!excerpt.contains("sekrit"), "{excerpt}");
            assert!(!err.to_string().contains("sekrit"));
        }
    }

    #[test]
    fn absolute_expiry_formats() {
        let monta = ResponseSpec {
            access_token: "accessToken",
            refresh_token: "refreshToken",
            expiry: Expiry::At("accessTokenExpirationDate", InstantFormat::Rfc3339),
            ..STANDARD
        };
        let in_an_hour = time::OffsetDateTime::now_utc() + time::Duration::hours(1);
        let body = json!({"accessToken": "a", "refreshToken": "r", "accessTokenExpirationDate":
            in_an_hour.format(&time::format_description::well_known::Rfc3339).unwrap()});
        let t = parse_with(&monta, &raw(200, "application/json", &body.to_string())).unwrap();
        assert!((3590..=3600).contains(&t.expires_in().as_secs()), "{:?}", t.expires_in());
        assert_eq!(t.refresh_token().unwrap().expose_secret(), "r");
        assert!(t.field("accessToken").is_none());

        let http = ResponseSpec { expiry: Expiry::At(".expires", InstantFormat::HttpDate), ..STANDARD };
        let past = parse_with(
            &http,
            &raw(200, "application/json", r#"{"access_token":"a",".expires":"Mon, 30 Jan 2017 14:10:47 GMT"}"#),
        )
        .unwrap();
        assert_eq!(past.expires_in(), Duration::ZERO);

        let millis = ResponseSpec { expiry: Expiry::At("exp", InstantFormat::EpochMillis), ..STANDARD };
        let soon = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_millis() + 120_000;
        let t =
            parse_with(&millis, &raw(200, "application/json", &format!(r#"{{"access_token":"a","exp":"{soon}"}}"#)))
                .unwrap();
        assert!((110..=120).contains(&t.expires_in().as_secs()));
    }

    #[test]
    fn odd_expiries_fall_back_or_clamp() {
        for (v, lo, hi) in [
            ("-5", 0, 0),
            ("0", 0, 0),
            ("\"soon\"", 3590, 3600),
            ("1e300", 315_000_000, 316_000_000),
            ("null", 3590, 3600),
        ] {
            let t =
                parse(&raw(200, "application/json", &format!(r#"{{"access_token":"a","expires_in":{v}}}"#))).unwrap();
            assert!((lo..=hi).contains(&t.expires_in().as_secs()), "{v}: {:?}", t.expires_in());
        }
    }

    #[test]
    fn tokens_unfit_for_a_header_are_malformed() {
        for body in [
            r#"{"access_token":"a\nb"}"#,
            r#"{"access_token":"été"}"#,
            r#"{"access_token":"a","token_type":"x\u0000"}"#,
        ] {
            let err = parse(&raw(200, "application/json", body)).unwrap_err();
            assert!(err.to_string().contains("not allowed in an HTTP header"), "{body}: {err}");
        }
    }

    #[test]
    fn parse_context_debug_shows_no_secret() {
        let ctx = ParseContext { vendor: "Test", response: &STANDARD, secrets: &["sekrit", "tok-9"] };
        let shown = format!("{ctx:?}");
        assert!(!shown.contains("sekrit") && !shown.contains("tok-9"), "{shown}");
        assert!(shown.contains("[2 redacted]") && shown.contains("Test"), "{shown}");
    }

    #[test]
    fn raw_response_debug_shows_no_body() {
        let mut r = raw(200, "application/json", r#"{"access_token":"tok-5f2e","expires_in":60}"#);
        r.location = Some("https://h/next".into());
        let shown = format!("{r:?}");
        assert!(!shown.contains("tok-5f2e") && !shown.contains("expires_in"), "{shown}");
        for part in ["200", "application/json", "https://h/next", "body_len: 43"] {
            assert!(shown.contains(part), "{part} missing: {shown}");
        }
    }

    #[test]
    fn redirects_are_reported_not_followed() {
        let mut r = raw(302, "text/html", "");
        r.location = Some("https://elsewhere.example/token".into());
        let err = parse(&r).unwrap_err();
        assert!(err.to_string().contains("not followed"), "{err}");
    }
}
