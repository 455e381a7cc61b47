//! Tolerant reading of token responses and error bodies.
//!
//! Vendors disagree on nearly everything: status (200 or 201), encoding (JSON, form, text),
//! `expires_in` as a number or a string, the case of `token_type`, errors sent with a 200.
//! This module turns any of them into a [`Token`] or a typed [`Error`], never a panic.
//!
//! The rules, decided as golang.org/x/oauth2 and oauth2-rs decide where they agree:
//!
//! - bodies: one leading UTF-8 BOM is dropped; a body starting with `{` is JSON whatever the
//!   content type says; a form body is read when the content type says so, or, with no content
//!   type or `text/plain`, when the body is made of `key=value` pairs; an HTML page never is;
//!   media-type parameters are ignored, malformed or not;
//! - the access token is opaque: any string a header value allows (spaces and punctuation
//!   included) is kept exactly as sent, never URL-decoded; control characters make the
//!   response malformed;
//! - `token_type` must be a string (or absent or `null`); it picks the scheme
//!   ([`TokenScheme::for_token_type`]) unless the provider pins one;
//! - the expiry: see [`Expiry`](crate::provider::Expiry#how-expires_in-is-read).

use std::{
    collections::HashSet,
    sync::{Mutex, PoisonError},
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use reqwest::StatusCode;
use serde_json::{Map, Value};

use crate::{
    credential::Secret,
    error::{Error, ErrorCode, ErrorFields, HeldSecret, OAuthError, UnknownCode},
    provider::{ErrorShape, Expiry, FieldPath, InstantFormat, ResponseSpec},
    redact,
    token::{LifetimeSource, Token, TokenScheme},
};

/// Longest lifetime believed; a larger `expires_in` is a vendor bug or an attack on our clock.
const MAX_LIFETIME: Duration = Duration::from_secs(10 * 365 * 24 * 3600);

/// The `Date` header has a one-second resolution and the response took time to arrive: a
/// difference this small is not a skewed clock.
const SKEW_TOLERANCE: Duration = Duration::from_secs(2);

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
    /// `Date`, if sent and readable: the vendor's clock when it answered.
    pub date: Option<SystemTime>,
    /// The body.
    pub body: Vec<u8>,
    /// Every header, for the presentation's reading of the answer (a DPoP nonce).
    pub headers: reqwest::header::HeaderMap,
}

impl RawResponse {
    /// A response with `status`, `content_type` and `body`, and no `Location` or `Date`.
    pub fn new(status: StatusCode, content_type: Option<&str>, body: impl Into<Vec<u8>>) -> RawResponse {
        RawResponse {
            status,
            content_type: content_type.map(str::to_owned),
            location: None,
            date: None,
            body: body.into(),
            headers: reqwest::header::HeaderMap::new(),
        }
    }
}

impl std::fmt::Debug for RawResponse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RawResponse")
            .field("status", &self.status)
            .field("content_type", &self.content_type)
            .field("location", &self.location)
            .field("date", &self.date)
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
    let spec = ctx.response;
    if let Some(err) = spec.error_shape.and_then(|shape| shaped_error(ctx, raw.status, &shape, &fields)) {
        return Err(Error::OAuth(err));
    }
    if let Some(err) = oauth_error(ctx, raw.status, &fields)
        && (!raw.status.is_success() || fields_have_error(&fields))
    {
        return Err(Error::OAuth(err));
    }
    if !raw.status.is_success() {
        let reason = format!("HTTP {} without an OAuth error in the body", raw.status.as_u16());
        return Err(malformed(ctx, raw, reason));
    }
    let (lifetime, source) = lifetime(ctx, &fields, raw.date, now).map_err(|reason| malformed(ctx, raw, reason))?;
    // The fields are ours now: move the values out, what is left is the token's extra fields.
    let mut fields = fields;
    let (access_at, access) = take_first(&mut fields, spec.access_token, spec.access_token_aliases);
    let access = match access {
        Some(Value::String(s)) if !s.trim().is_empty() => s,
        Some(_) => return Err(malformed(ctx, raw, format!("`{access_at}` is not a non-empty string"))),
        None => return Err(malformed(ctx, raw, format!("no `{}` in the response", spec.access_token))),
    };
    if access.chars().any(char::is_control) {
        let reason = format!("`{access_at}` holds control characters, which no HTTP header allows");
        return Err(malformed(ctx, raw, reason));
    }
    let (type_at, token_type) = take_first(&mut fields, spec.token_type, spec.token_type_aliases);
    let token_type = match token_type {
        Some(Value::String(t)) => Some(t),
        None | Some(Value::Null) => None,
        Some(_) => return Err(malformed(ctx, raw, format!("`{type_at}` is not a string"))),
    };
    if token_type.as_deref().is_some_and(|t| t.chars().any(char::is_control)) {
        let reason = format!("`{type_at}` holds control characters, which no HTTP header allows");
        return Err(malformed(ctx, raw, reason));
    }
    let scheme = spec.scheme.unwrap_or_else(|| TokenScheme::for_token_type(token_type.as_deref()));
    let refresh = match take_first(&mut fields, spec.refresh_token, spec.refresh_token_aliases).1 {
        Some(Value::String(s)) if !s.is_empty() => Some(s),
        _ => None,
    };
    let expires_at = now.checked_add(lifetime).unwrap_or(now);
    Ok(Token::from_parts(access, scheme, token_type, refresh, now, expires_at, source, fields))
}

/// Reads the answer of an authorization server's endpoint other than the token endpoint (the
/// device authorization endpoint, the pushed authorization request endpoint): its fields, or
/// the typed error it amounts to, by the token response's rules (bodies, error shapes).
pub(crate) fn endpoint_response(ctx: &ParseContext<'_>, raw: &RawResponse) -> Result<Map<String, Value>, Error> {
    if raw.status.is_redirection() {
        let to = raw.location.as_deref().unwrap_or("nowhere");
        return Err(malformed(ctx, raw, format!("redirect to {to:?} not followed")));
    }
    let fields = decode_fields(raw).map_err(|reason| malformed(ctx, raw, reason))?;
    if let Some(err) = ctx.response.error_shape.and_then(|shape| shaped_error(ctx, raw.status, &shape, &fields)) {
        return Err(Error::OAuth(err));
    }
    if let Some(err) = oauth_error(ctx, raw.status, &fields)
        && (!raw.status.is_success() || fields_have_error(&fields))
    {
        return Err(Error::OAuth(err));
    }
    if !raw.status.is_success() {
        let reason = format!("HTTP {} without an OAuth error in the body", raw.status.as_u16());
        return Err(malformed(ctx, raw, reason));
    }
    Ok(fields)
}

/// A malformed answer of any of the vendor's endpoints, with a redacted excerpt.
pub(crate) fn malformed_answer(ctx: &ParseContext<'_>, raw: &RawResponse, reason: String) -> Error {
    malformed(ctx, raw, reason)
}

fn malformed(ctx: &ParseContext<'_>, raw: &RawResponse, reason: String) -> Error {
    Error::MalformedResponse {
        vendor: ctx.vendor,
        endpoint: None,
        status: raw.status,
        content_type: raw.content_type.clone().unwrap_or_else(|| "no content type".to_owned()),
        reason,
        excerpt: redact::excerpt(&raw.body, ctx.secrets),
    }
}

/// The media type without parameters, lower-cased: `text/plain` from `Text/Plain; charset`.
fn essence(content_type: Option<&str>) -> String {
    content_type.unwrap_or("").split(';').next().unwrap_or("").trim().to_ascii_lowercase()
}

/// The body as a map of fields: a JSON object, or a form-encoded body.
fn decode_fields(raw: &RawResponse) -> Result<Map<String, Value>, String> {
    let body = raw.body.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&raw.body);
    let text = body.trim_ascii();
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
    if text.starts_with(b"<") {
        return Err("HTML or XML page instead of a token response".to_owned());
    }
    let essence = essence(raw.content_type.as_deref());
    let declared_form = essence == "application/x-www-form-urlencoded" && text.contains(&b'=');
    let sniffed_form = matches!(essence.as_str(), "" | "text/plain") && looks_like_pairs(text);
    if declared_form || sniffed_form {
        return Ok(form_urlencoded::parse(text)
            .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
            .collect());
    }
    Err("body is neither JSON nor form-encoded".to_owned())
}

/// Whether `text` is `key=value` pairs joined by `&`: keys of URL-safe characters, values
/// without spaces, so that prose holding an `=` is not read as a form.
fn looks_like_pairs(text: &[u8]) -> bool {
    let key_byte = |b: u8| b.is_ascii_alphanumeric() || b"-._~%+*:[]!$'(),;/@".contains(&b);
    let mut pairs = text.split(|b| *b == b'&').filter(|p| !p.is_empty()).peekable();
    pairs.peek().is_some()
        && pairs.all(|pair| match pair.iter().position(|b| *b == b'=') {
            Some(eq) => {
                let (key, value) = (&pair[..eq], &pair[eq + 1..]);
                !key.is_empty()
                    && key.iter().all(|b| key_byte(*b))
                    && value.iter().all(|b| !b.is_ascii_whitespace() && !b.is_ascii_control() && *b != b'<')
            }
            None => false,
        })
}

/// The value at `path`, descending into objects by name and into arrays by index.
fn get(fields: &Map<String, Value>, path: FieldPath) -> Option<&Value> {
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

/// Removes the value at `path` and returns it (the containers around it stay).
fn take(fields: &mut Map<String, Value>, path: FieldPath) -> Option<Value> {
    let segments: Vec<&str> = path.segments().collect();
    let (last, parents) = segments.split_last()?;
    let Some((first, rest)) = parents.split_first() else { return fields.remove(*last) };
    let mut value = fields.get_mut(*first)?;
    for segment in rest {
        value = match value {
            Value::Object(map) => map.get_mut(*segment)?,
            Value::Array(items) => items.get_mut(segment.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    match value {
        Value::Object(map) => map.remove(*last),
        // An array element is read, not removed, so that later indexes keep their meaning.
        Value::Array(items) => items.get(last.parse::<usize>().ok()?).cloned(),
        _ => None,
    }
}

/// The first of `path` and its `aliases` that is present (not `null` for an alias), with the
/// path it was found at, taken out of `fields`.
fn take_first(fields: &mut Map<String, Value>, path: FieldPath, aliases: &[FieldPath]) -> (FieldPath, Option<Value>) {
    if get(fields, path).is_some() {
        return (path, take(fields, path));
    }
    for alias in aliases {
        if get(fields, *alias).is_some_and(|v| !v.is_null()) {
            return (*alias, take(fields, *alias));
        }
    }
    (path, None)
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
        .find(|(k, _)| *k != code_key);
    let uri = loose(fields, "erroruri");
    let used = [Some(code_key), description.map(|d| d.0), uri.map(|u| u.0)];
    let rest = rest_of(fields, |k| used.contains(&Some(k)));
    Some(build_error(ctx, status, code, description.map(|d| d.1), uri.map(|u| u.1), rest))
}

/// An error in the vendor's own shape, unless its code is absent or a success code.
fn shaped_error(
    ctx: &ParseContext<'_>,
    status: StatusCode,
    shape: &ErrorShape,
    fields: &Map<String, Value>,
) -> Option<OAuthError> {
    let code = match get(fields, shape.code)? {
        Value::String(s) if !s.trim().is_empty() => s.trim().to_owned(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => return None,
    };
    if shape.success_codes.iter().any(|ok| ok.eq_ignore_ascii_case(&code)) {
        return None;
    }
    let text = |path: Option<FieldPath>| match path.and_then(|p| get(fields, p)) {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.as_str()),
        _ => None,
    };
    let top = |path: Option<FieldPath>| path.and_then(|p| p.as_name());
    let used = [shape.code.as_name(), top(shape.description), top(shape.uri)];
    let rest = rest_of(fields, |k| used.contains(&Some(k)));
    Some(build_error(ctx, status, &code, text(shape.description), text(shape.uri), rest))
}

/// The fields not `used`: secret-looking string values as secrets, the others as sent.
fn rest_of(fields: &Map<String, Value>, used: impl Fn(&str) -> bool) -> ErrorFields {
    let mut rest = ErrorFields::default();
    for (k, v) in fields.iter().filter(|(k, _)| !used(k)) {
        match v {
            Value::String(s) if redact::is_sensitive(k) => {
                rest.secrets.push((k.clone(), HeldSecret(Secret::new(s.clone()))))
            }
            _ => {
                rest.plain.insert(k.clone(), v.clone());
            }
        }
    }
    rest
}

fn build_error(
    ctx: &ParseContext<'_>,
    status: StatusCode,
    code: &str,
    description: Option<&str>,
    uri: Option<&str>,
    mut fields: ErrorFields,
) -> OAuthError {
    // Shown whole in Display and Debug: a vendor echoing a credential here must not leak it.
    let raw_code = redact::known(code.trim(), ctx.secrets);
    OAuthError {
        vendor: ctx.vendor,
        status,
        code: match ErrorCode::parse(code.trim()) {
            ErrorCode::Other(UnknownCode(_)) => ErrorCode::Other(UnknownCode(raw_code.clone())),
            known => known,
        },
        description: description.map(|d| redact::excerpt(d.as_bytes(), ctx.secrets)),
        uri: uri.map(|u| redact::known(u, ctx.secrets)),
        endpoint: None,
        fields: {
            fields.raw_code = raw_code;
            std::sync::Arc::new(fields)
        },
    }
}

/// The token's lifetime from now and where it came from, or why the response is malformed.
fn lifetime(
    ctx: &ParseContext<'_>,
    fields: &Map<String, Value>,
    date: Option<SystemTime>,
    now: SystemTime,
) -> Result<(Duration, LifetimeSource), String> {
    let spec = ctx.response;
    let assumed = (spec.default_lifetime.min(MAX_LIFETIME), LifetimeSource::Assumed);
    let found = |path: FieldPath| {
        let aliases = spec.expiry_aliases.iter().copied();
        std::iter::once(path).chain(aliases).find_map(|p| get(fields, p).filter(|v| !v.is_null()).map(|v| (p, v)))
    };
    let (path, stated) = match spec.expiry {
        Expiry::None => return Ok(assumed),
        Expiry::ExpiresIn(path) => {
            let legacy = || {
                // Early OAuth 2.0 drafts (and Facebook) named the field `expires`: a guess, so
                // anything but a number there is ignored rather than malformed.
                let p = FieldPath::name("expires");
                let v = get(fields, p).filter(|_| path == "expires_in")?;
                seconds(v).ok().map(|s| (p, s))
            };
            match found(path) {
                Some((at, value)) => {
                    let secs = seconds(value).map_err(|()| format!("`{at}` is not a number of seconds"))?;
                    (at, secs.map(Stated::Seconds))
                }
                None => match legacy() {
                    Some((at, secs)) => (at, secs.map(Stated::Seconds)),
                    None => (path, None),
                },
            }
        }
        Expiry::At(path, format) => match found(path) {
            Some((at, value)) => match instant(value, format) {
                Some(instant) => (at, Some(Stated::Instant(instant))),
                None => {
                    tracing::warn!(vendor = ctx.vendor, field = %at, "cannot read the expiry instant; assuming the default lifetime");
                    return Ok(assumed);
                }
            },
            None => (path, None),
        },
    };
    let floor = spec.min_lifetime.min(MAX_LIFETIME);
    let floored = |why: &str| {
        let floor_ms = u64::try_from(floor.as_millis()).unwrap_or(u64::MAX);
        tracing::warn!(vendor = ctx.vendor, field = %path, floor_ms, "{why}; using the floor lifetime");
        (floor, LifetimeSource::Floor)
    };
    Ok(match stated {
        None => {
            // `null` and `0` say "unknown"; only a field that is not there at all is suspect.
            if found(path).is_none() && get(fields, path).is_none() {
                warn_missing_once(ctx.vendor, path);
            }
            assumed
        }
        Some(Stated::Seconds(n)) if n < 0 => floored("the response states a negative lifetime"),
        Some(Stated::Seconds(n)) => {
            let d = Duration::from_secs(n.unsigned_abs()).min(MAX_LIFETIME);
            if d < floor { floored("the stated lifetime is under the floor") } else { (d, LifetimeSource::Duration) }
        }
        Some(Stated::Instant(at)) => {
            // The instant is on the vendor's clock: count from the vendor's now when the two
            // clocks are apart.
            let apart = |d: SystemTime| d.duration_since(now).unwrap_or_else(|e| e.duration()) > SKEW_TOLERANCE;
            let from = date.filter(|d| apart(*d)).unwrap_or(now);
            match at.duration_since(from) {
                Ok(d) if d >= floor => (d.min(MAX_LIFETIME), LifetimeSource::Instant),
                Ok(_) => floored("the stated expiry is under the floor from now"),
                Err(_) => floored("the stated expiry is already past"),
            }
        }
    })
}

/// A stated expiry.
enum Stated {
    /// Seconds from now, `0` excluded (it means unknown).
    Seconds(i64),
    Instant(SystemTime),
}

/// Warns once per vendor and field that a configured expiry field is missing: a misspelt
/// field name is the usual cause, and every token of that vendor would have the default
/// lifetime.
fn warn_missing_once(vendor: &'static str, path: FieldPath) {
    static WARNED: Mutex<Option<HashSet<(&'static str, String)>>> = Mutex::new(None);
    let mut warned = WARNED.lock().unwrap_or_else(PoisonError::into_inner);
    if warned.get_or_insert_with(HashSet::new).insert((vendor, path.to_string())) {
        tracing::warn!(vendor, field = %path, "the configured expiry field is missing from the token response (misspelt?); assuming the default lifetime");
    } else {
        tracing::debug!(vendor, field = %path, "no expiry in the token response; assuming the default lifetime");
    }
}

/// `expires_in` as whole seconds: `Ok(None)` for `0` (unknown); `Err` for anything that is not
/// an integer, an integral float or a numeric string. Huge values saturate.
fn seconds(v: &Value) -> Result<Option<i64>, ()> {
    let n = match v {
        Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => i,
            (None, Some(_), _) => i64::MAX,
            (None, None, Some(f)) => integral(f)?,
            _ => return Err(()),
        },
        Value::String(s) => {
            let s = s.trim();
            if !is_numeric(s) {
                return Err(());
            }
            match s.parse::<i64>() {
                Ok(i) => i,
                Err(_) => integral(s.parse::<f64>().map_err(|_| ())?)?,
            }
        }
        _ => return Err(()),
    };
    Ok((n != 0).then_some(n))
}

/// An integral float as an integer, saturating; infinities (from `1e400`) saturate too.
fn integral(f: f64) -> Result<i64, ()> {
    if f.is_nan() || (f.is_finite() && f.fract() != 0.0) {
        return Err(());
    }
    // `as` saturates, infinities included.
    Ok(f as i64)
}

/// JSON's number grammar with an optional `+`: what a numeric string may hold (no `inf`,
/// `NaN`, hex or digit separators).
fn is_numeric(s: &str) -> bool {
    let b = s.strip_prefix(['+', '-']).unwrap_or(s).as_bytes();
    let digits = |b: &[u8]| b.iter().take_while(|c| c.is_ascii_digit()).count();
    let int = digits(b);
    if int == 0 {
        return false;
    }
    let mut rest = &b[int..];
    if let Some(frac) = rest.strip_prefix(b".") {
        let n = digits(frac);
        if n == 0 {
            return false;
        }
        rest = &frac[n..];
    }
    if let Some(exp) = rest.strip_prefix(b"e").or_else(|| rest.strip_prefix(b"E")) {
        let exp = exp.strip_prefix(b"+").or_else(|| exp.strip_prefix(b"-")).unwrap_or(exp);
        let n = digits(exp);
        return n > 0 && n == exp.len();
    }
    rest.is_empty()
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
    use crate::provider::{ErrorShape, FieldPath};
    use serde_json::json;

    const STANDARD: ResponseSpec = ResponseSpec::STANDARD;

    fn raw(status: u16, content_type: &str, body: &str) -> RawResponse {
        RawResponse::new(StatusCode::from_u16(status).unwrap(), Some(content_type), body)
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
        let monta = STANDARD
            .with_access_token("accessToken")
            .with_refresh_token("refreshToken")
            .with_expiry(Expiry::at("accessTokenExpirationDate", InstantFormat::Rfc3339));
        let in_an_hour = time::OffsetDateTime::now_utc() + time::Duration::hours(1);
        let body = json!({"accessToken": "a", "refreshToken": "r", "accessTokenExpirationDate":
            in_an_hour.format(&time::format_description::well_known::Rfc3339).unwrap()});
        let t = parse_with(&monta, &raw(200, "application/json", &body.to_string())).unwrap();
        assert!((3590..=3600).contains(&t.expires_in().as_secs()), "{:?}", t.expires_in());
        assert_eq!(t.refresh_token().unwrap().expose_secret(), "r");
        assert!(t.field("accessToken").is_none());

        let http = STANDARD.with_expiry(Expiry::at(".expires", InstantFormat::HttpDate));
        let past = parse_with(
            &http,
            &raw(200, "application/json", r#"{"access_token":"a",".expires":"Mon, 30 Jan 2017 14:10:47 GMT"}"#),
        )
        .unwrap();
        // Already past: the floor, never a token handed out expired.
        assert_eq!(past.lifetime_source(), LifetimeSource::Floor);
        assert_eq!(past.expires_at().duration_since(past.issued_at()).unwrap(), STANDARD.min_lifetime);

        let millis = STANDARD.with_expiry(Expiry::at("exp", InstantFormat::EpochMillis));
        let soon = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_millis() + 120_000;
        let t =
            parse_with(&millis, &raw(200, "application/json", &format!(r#"{{"access_token":"a","exp":"{soon}"}}"#)))
                .unwrap();
        assert!((110..=120).contains(&t.expires_in().as_secs()));
    }

    fn lifetime_of(body: &str) -> Result<(u64, LifetimeSource), Error> {
        let t = parse(&raw(200, "application/json", body))?;
        Ok((t.expires_at().duration_since(t.issued_at()).unwrap().as_secs(), t.lifetime_source()))
    }

    #[test]
    fn expires_in_forms() {
        use LifetimeSource::*;
        let ten_years = MAX_LIFETIME.as_secs();
        for (v, secs, source) in [
            ("3599", 3599, Duration),
            ("\"3599\"", 3599, Duration),
            ("\" 60 \"", 60, Duration),
            ("3600.0", 3600, Duration),
            ("\"3600.0\"", 3600, Duration),
            ("\"1e3\"", 1000, Duration),
            ("0", 3600, Assumed),
            ("\"0\"", 3600, Assumed),
            ("null", 3600, Assumed),
            ("-5", 1, Floor),
            ("1e300", ten_years, Duration),
            ("\"1e400\"", ten_years, Duration),
            ("18446744073709551616", ten_years, Duration),
            ("340282366920938463463374607431768211456", ten_years, Duration),
        ] {
            let got = lifetime_of(&format!(r#"{{"access_token":"a","expires_in":{v}}}"#)).unwrap();
            assert_eq!(got, (secs, source), "{v}");
        }
        assert_eq!(lifetime_of(r#"{"access_token":"a"}"#).unwrap(), (3600, Assumed));
        for v in ["\"soon\"", "\"NaN\"", "\"inf\"", "\"0x10\"", "\"1_000\"", "3600.5", "\"\"", "false", "{}", "[3600]"]
        {
            let err = lifetime_of(&format!(r#"{{"access_token":"a","expires_in":{v}}}"#)).unwrap_err();
            assert!(err.to_string().contains("`expires_in` is not a number of seconds"), "{v}: {err}");
        }
    }

    #[test]
    fn legacy_expires_is_read_when_expires_in_is_absent() {
        assert_eq!(
            lifetime_of(r#"{"access_token":"a","expires":"5183999"}"#).unwrap(),
            (5_183_999, LifetimeSource::Duration)
        );
        assert_eq!(lifetime_of(r#"{"access_token":"a","expires_in":60,"expires":5183999}"#).unwrap().0, 60);
        // A guess: anything but a number there is not the lifetime.
        assert_eq!(
            lifetime_of(r#"{"access_token":"a","expires":"tomorrow"}"#).unwrap(),
            (3600, LifetimeSource::Assumed)
        );
        let t = parse(&raw(200, "text/plain", "access_token=urlencoded&expires=5183999")).unwrap();
        assert_eq!(t.lifetime_source(), LifetimeSource::Duration);
    }

    #[test]
    fn instants_are_read_on_the_vendors_clock() {
        let spec = STANDARD.with_expiry(Expiry::at("expires_at", InstantFormat::EpochSeconds));
        let now = SystemTime::now();
        let secs = |t: SystemTime| t.duration_since(UNIX_EPOCH).unwrap().as_secs();
        // The vendor's clock is an hour behind ours: its instant an hour from its now.
        let vendor_now = now - Duration::from_secs(3600);
        let mut r =
            raw(200, "application/json", &format!(r#"{{"access_token":"a","expires_at":{}}}"#, secs(vendor_now) + 600));
        r.date = Some(vendor_now);
        let ctx = ParseContext { vendor: "Test", response: &spec, secrets: &[] };
        let t = token_response(&ctx, &r, now).unwrap();
        let lifetime = t.expires_at().duration_since(now).unwrap().as_secs();
        assert!((599..=601).contains(&lifetime), "{lifetime}");
        assert_eq!(t.lifetime_source(), LifetimeSource::Instant);
        // Without a Date, the same instant is already past: the floor.
        r.date = None;
        let t = token_response(&ctx, &r, now).unwrap();
        assert_eq!(
            (t.lifetime_source(), t.expires_at().duration_since(now).unwrap()),
            (LifetimeSource::Floor, STANDARD.min_lifetime)
        );
    }

    #[test]
    fn access_tokens_are_opaque() {
        for token in [
            "this is the access token",
            "v^1.1#i^1#p^1#r^0#I^3#f^0#t^H4s",
            "AAAA%2FAAA%3DAAAAAAAA",
            "Atza|IQEBLjAsAhRmHjNg",
            "00Dx!AR8AQ:~x",
            " padded ",
            "été",
        ] {
            let body = serde_json::json!({ "access_token": token }).to_string();
            let t = parse(&raw(200, "application/json", &body)).unwrap();
            assert_eq!(t.access_token().expose_secret(), token);
        }
    }

    #[test]
    fn tokens_with_control_characters_are_malformed() {
        for body in [
            r#"{"access_token":"a\nb"}"#,
            r#"{"access_token":"a\rb"}"#,
            r#"{"access_token":"a\tb"}"#,
            r#"{"access_token":"a\u007fb"}"#,
            r#"{"access_token":"a","token_type":"x\u0000"}"#,
        ] {
            let err = parse(&raw(200, "application/json", body)).unwrap_err();
            assert!(err.to_string().contains("control characters"), "{body}: {err}");
        }
    }

    #[test]
    fn token_type_picks_the_scheme_or_is_malformed() {
        for (t, scheme) in [
            ("\"bearer\"", TokenScheme::Bearer),
            ("\"bot\"", TokenScheme::Bearer),
            ("null", TokenScheme::Bearer),
            ("\"DPoP\"", TokenScheme::DPoP),
            ("\"mac\"", TokenScheme::Mac),
        ] {
            let token =
                parse(&raw(200, "application/json", &format!(r#"{{"access_token":"a","token_type":{t}}}"#))).unwrap();
            assert_eq!(token.scheme(), scheme, "{t}");
        }
        for t in ["123", "true", "{}", "[\"bearer\"]"] {
            let err = parse(&raw(200, "application/json", &format!(r#"{{"access_token":"a","token_type":{t}}}"#)))
                .unwrap_err();
            assert!(err.to_string().contains("`token_type` is not a string"), "{t}: {err}");
        }
        let pinned = STANDARD.with_scheme(TokenScheme::Bearer);
        let t =
            parse_with(&pinned, &raw(200, "application/json", r#"{"access_token":"a","token_type":"DPoP"}"#)).unwrap();
        assert_eq!((t.scheme(), t.token_type_sent()), (TokenScheme::Bearer, Some("DPoP")));
    }

    #[test]
    fn bodies_bom_media_types_and_sniffing() {
        let bom = "\u{feff}{\"access_token\":\"a\"}";
        assert_eq!(parse(&raw(200, "application/json", bom)).unwrap().access_token().expose_secret(), "a");
        for ct in
            ["application/json; charset", "application/json;;", "application/json; charset=\"utf-8", "text/plain; =x"]
        {
            assert!(parse(&raw(200, ct, r#"{"access_token":"a"}"#)).is_ok(), "{ct}");
        }
        let form = "access_token=a%2Bb&token_type=bearer&expires_in=60";
        for ct in
            [None, Some("text/plain"), Some("Text/Plain; charset=UTF-8"), Some("application/x-www-form-urlencoded;")]
        {
            let r = RawResponse::new(StatusCode::OK, ct, form);
            assert_eq!(parse(&r).unwrap().access_token().expose_secret(), "a+b", "{ct:?}");
        }
        for body in ["<html><body>access_token=a</body></html>", "Bad request: access_token=a", "broken json", "a=b c"]
        {
            assert!(parse(&RawResponse::new(StatusCode::OK, None, body)).is_err(), "{body}");
            assert!(parse(&raw(200, "text/plain", body)).is_err(), "{body}");
        }
    }

    #[test]
    fn nested_paths_and_aliases() {
        const SLACK: ResponseSpec = ResponseSpec::STANDARD
            .with_access_token_path(FieldPath::nested(&["authed_user", "access_token"]))
            .with_token_type_path(FieldPath::nested(&["authed_user", "token_type"]));
        let body = r#"{"ok":true,"access_token":"xoxb-1","token_type":"bot","authed_user":{"id":"U1","access_token":"xoxp-1","token_type":"user"}}"#;
        let t = parse_with(&SLACK, &raw(200, "application/json", body)).unwrap();
        assert_eq!((t.access_token().expose_secret(), t.scheme()), ("xoxp-1", TokenScheme::Bearer));
        assert_eq!(t.field("access_token"), Some(&serde_json::json!("xoxb-1")));
        assert_eq!(t.field("authed_user"), Some(&serde_json::json!({"id":"U1"})));

        const FEISHU: ResponseSpec = ResponseSpec::STANDARD
            .with_access_token_aliases(&[FieldPath::name("tenant_access_token"), FieldPath::nested(&["data", "token"])])
            .with_expiry_aliases(&[FieldPath::name("expire")]);
        let t = parse_with(
            &FEISHU,
            &raw(200, "application/json", r#"{"code":0,"msg":"ok","tenant_access_token":"t-1","expire":7200}"#),
        )
        .unwrap();
        assert_eq!(t.access_token().expose_secret(), "t-1");
        assert!((7190..=7200).contains(&t.expires_in().as_secs()));
        let t = parse_with(&FEISHU, &raw(200, "application/json", r#"{"data":{"token":"d-1"}}"#)).unwrap();
        assert_eq!(t.access_token().expose_secret(), "d-1");
        let err = parse_with(&FEISHU, &raw(200, "application/json", r#"{"data":{"token":5}}"#)).unwrap_err();
        assert!(err.to_string().contains("`data.token` is not a non-empty string"), "{err}");
    }

    #[test]
    fn vendor_error_shapes() {
        let wechat = STANDARD.with_error_shape(
            ErrorShape::new(FieldPath::name("errcode"))
                .with_description(FieldPath::name("errmsg"))
                .with_success_codes(&["0"]),
        );
        let err = parse_with(&wechat, &raw(200, "application/json", r#"{"errcode":40013,"errmsg":"invalid appid"}"#))
            .unwrap_err();
        let Error::OAuth(e) = &err else { panic!("{err:?}") };
        assert_eq!(
            (e.code.as_str(), e.raw_code(), e.description.as_deref()),
            ("40013", "40013", Some("invalid appid"))
        );
        assert!(
            parse_with(&wechat, &raw(200, "application/json", r#"{"errcode":0,"errmsg":"ok","access_token":"a"}"#))
                .is_ok()
        );

        let fitbit = STANDARD.with_error_shape(ErrorShape::new(FieldPath::nested(&["errors", "0", "errorType"])));
        let err = parse_with(
            &fitbit,
            &raw(
                400,
                "application/json",
                r#"{"errors":[{"errorType":"invalid_grant","message":"x"}],"success":false}"#,
            ),
        )
        .unwrap_err();
        assert_eq!(err.oauth_code(), Some(&ErrorCode::InvalidGrant));
        let Error::OAuth(e) = &err else { panic!() };
        assert_eq!(e.field("success"), Some(&serde_json::json!(false)));
    }

    #[test]
    fn errors_keep_what_the_vendor_said() {
        let body = r#"{"error":"Invalid_request","error_description":"d","error_uri":"https://e/x","error_codes":[70011],"trace_id":"t-1","mfa_token":"Fe26.mfa"}"#;
        let err = parse(&raw(400, "application/json", body)).unwrap_err();
        let Error::OAuth(e) = &err else { panic!("{err:?}") };
        assert_eq!((e.code.clone(), e.raw_code()), (ErrorCode::InvalidRequest, "Invalid_request"));
        assert_eq!(e.uri.as_deref(), Some("https://e/x"));
        assert_eq!(e.field("error_codes"), Some(&serde_json::json!([70011])));
        assert_eq!(e.field("trace_id"), Some(&serde_json::json!("t-1")));
        assert!(e.field("mfa_token").is_none() && e.field("error").is_none());
        assert_eq!(e.secret_field("mfa_token").map(Secret::expose_secret), Some("Fe26.mfa"));
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains("Fe26.mfa"), "{shown}");
        assert_eq!(err.to_string(), "Test: invalid_request (HTTP 400 Bad Request): d");
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
