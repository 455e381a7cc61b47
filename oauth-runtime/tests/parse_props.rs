//! Property tests of the token-response parser against hostile input (issue 4).
//!
//! Whatever the status, content type and body — random bytes, random JSON, token-shaped
//! objects with adversarial values, form bodies, truncated bodies — `token_response`:
//!
//! - never panics;
//! - fails only with a typed error (`MalformedResponse` or `OAuth`) whose `Display` and `Debug`
//!   never contain a known secret, even when the body echoes one;
//! - classifies every error as transient exactly when its status is 5xx or 429 or its code is
//!   `temporarily_unavailable` or `server_error`, and never as transient and rejected at once;
//! - on success returns a non-empty access token from a 2xx response, with a lifetime of at most
//!   ten years, and never from a 2xx body that carries an `error` string;
//! - reads RFC 6749 error codes whatever their case, keeping the code as sent, and expiries in
//!   every supported format: `expires_in` of zero means unknown (the default lifetime), negative
//!   and past values give the floor lifetime, huge ones are clamped to ten years, and a
//!   non-numeric `expires_in` is malformed;
//! - keeps access tokens exactly as sent (spaces and punctuation included), ignores a leading
//!   BOM and media-type parameters, and finds values at nested paths.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use oauth_runtime::parse::{ParseContext, RawResponse, token_response};
use oauth_runtime::provider::{Expiry, FieldPath, InstantFormat, ResponseSpec};
use oauth_runtime::{Error, ErrorCode, Token};
use proptest::prelude::*;
use proptest::sample::select;
use reqwest::StatusCode;
use serde_json::Value;

/// `parse.rs`'s `MAX_LIFETIME`: the longest lifetime the parser believes.
const MAX_LIFETIME: Duration = Duration::from_secs(10 * 365 * 24 * 3600);

/// Known secrets handed to the parser. None is a substring of ordinary text, so finding one in
/// an error really is a leak; one has base64 characters that form decoding changes (`+`, `/`,
/// `=`), one is not ASCII.
const SECRETS: &[&str] = &["SECRET-8f3a", "tok.Zq9/+w==", "pw-Ää-ß9z"];

const MONTA: ResponseSpec = ResponseSpec::STANDARD
    .with_access_token("accessToken")
    .with_refresh_token("refreshToken")
    .with_expiry(Expiry::at("accessTokenExpirationDate", InstantFormat::Rfc3339));
const HTTP_DATE: ResponseSpec = ResponseSpec::STANDARD.with_expiry(Expiry::at(".expires", InstantFormat::HttpDate));
const EPOCH_MILLIS: ResponseSpec = ResponseSpec::STANDARD.with_expiry(Expiry::at("exp", InstantFormat::EpochMillis));
const EPOCH_SECONDS: ResponseSpec = ResponseSpec::STANDARD
    .with_token_type("tokenType")
    .with_expiry(Expiry::at("expires_at", InstantFormat::EpochSeconds));
const NO_EXPIRY: ResponseSpec =
    ResponseSpec::STANDARD.with_expiry(Expiry::None).with_default_lifetime(Duration::from_secs(900));

/// Every response mapping under test.
static SPECS: [ResponseSpec; 6] = [ResponseSpec::STANDARD, MONTA, HTTP_DATE, EPOCH_MILLIS, EPOCH_SECONDS, NO_EXPIRY];

/// The field a spec reads the expiry from, if any (all top-level here).
fn expiry_field(spec: &ResponseSpec) -> Option<String> {
    spec.expiry.field().map(|p| p.to_string())
}

/// Whether `result` is the rejection of a non-numeric `expires_in`.
fn bad_lifetime(result: &Result<Token, Error>) -> bool {
    matches!(result, Err(Error::MalformedResponse { reason, .. }) if reason.contains("is not a number of seconds"))
}

fn parse(spec: &ResponseSpec, raw: &RawResponse, now: SystemTime) -> Result<Token, Error> {
    let ctx = ParseContext { vendor: "Prop", response: spec, secrets: SECRETS };
    token_response(&ctx, raw, now)
}

fn raw(status: u16, content_type: Option<&str>, body: impl Into<Vec<u8>>) -> RawResponse {
    RawResponse::new(StatusCode::from_u16(status).expect("status in range"), content_type, body)
}

/// The invariants of every outcome, whatever the input.
fn check_outcome(result: &Result<Token, Error>, raw: &RawResponse, now: SystemTime) -> Result<(), TestCaseError> {
    match result {
        Ok(token) => {
            prop_assert!(raw.status.is_success(), "a token from HTTP {}", raw.status);
            let access = token.access_token().expose_secret();
            prop_assert!(!access.trim().is_empty(), "empty access token");
            // `expires_in` counts from the real clock; `now` may be a later instant.
            let ahead = now.duration_since(SystemTime::now()).unwrap_or_default();
            prop_assert!(token.expires_in() <= MAX_LIFETIME + ahead, "lifetime {:?}", token.expires_in());
            prop_assert_eq!(token.issued_at(), now);
            let lifetime = token.expires_at().duration_since(now);
            prop_assert!(
                lifetime.as_ref().is_ok_and(|d| *d <= MAX_LIFETIME),
                "expires_at before now or too late: {lifetime:?}"
            );
            prop_assert!(!token.token_type().trim().is_empty());
            // Debug hides the tokens: a secret carried as the access or refresh token does not
            // show, unless the response also put it where Debug shows text (type, field names).
            let debug = format!("{token:?}");
            let refresh = token.refresh_token().map(|r| r.expose_secret()).unwrap_or_default();
            for secret in SECRETS.iter().filter(|s| access.contains(**s) || refresh.contains(**s)) {
                let shown_elsewhere =
                    token.token_type().contains(secret) || token.extra().keys().any(|k| k.contains(secret));
                prop_assert!(shown_elsewhere || !debug.contains(secret), "Token Debug leaks {secret:?}: {debug}");
            }
            if let Some(refresh) = token.refresh_token() {
                prop_assert!(!refresh.expose_secret().is_empty());
            }
        }
        Err(err) => {
            let (display, debug) = (err.to_string(), format!("{err:?}"));
            for secret in SECRETS {
                prop_assert!(!display.contains(secret), "Display leaks {secret:?}: {display}");
                prop_assert!(!debug.contains(secret), "Debug leaks {secret:?}: {debug}");
            }
            prop_assert_eq!(err.status(), Some(raw.status));
            // Transient exactly when the status or the code says "not now"; never also a rejection.
            let not_now = raw.status.is_server_error()
                || raw.status == StatusCode::TOO_MANY_REQUESTS
                || matches!(err.oauth_code(), Some(ErrorCode::TemporarilyUnavailable | ErrorCode::ServerError));
            prop_assert_eq!(err.is_transient(), not_now, "is_transient: {:?}", err);
            prop_assert!(!(err.is_transient() && err.is_rejection()), "transient and rejected: {err:?}");
            match err {
                Error::MalformedResponse { excerpt, reason, vendor, .. } => {
                    prop_assert_eq!(*vendor, "Prop");
                    prop_assert!(!reason.is_empty());
                    prop_assert!(excerpt.chars().count() <= 161, "excerpt too long: {}", excerpt.chars().count());
                    prop_assert!(err.oauth_code().is_none() && !err.is_rejection());
                }
                Error::OAuth(e) => {
                    prop_assert_eq!(e.vendor, "Prop");
                    prop_assert!(!e.code.as_str().trim().is_empty(), "blank error code");
                    prop_assert!(e.description.as_ref().is_none_or(|d| d.chars().count() <= 161));
                }
                other => prop_assert!(false, "the parser returned a non-parse error: {other:?}"),
            }
        }
    }
    Ok(())
}

// ---------------------------------------------------------------- strategies

fn status() -> impl Strategy<Value = u16> {
    prop_oneof![3 => 200u16..=299, 2 => 400u16..=599, 1 => 100u16..=599]
}

fn content_type() -> BoxedStrategy<Option<String>> {
    let common = select(vec![
        "application/json",
        "application/json; charset=utf-8",
        "APPLICATION/JSON",
        "application/x-www-form-urlencoded",
        "Application/X-WWW-Form-Urlencoded; charset=ISO-8859-1",
        "text/plain",
        "text/plain;charset=UTF-8",
        "text/html",
        "application/xml",
        "application/problem+json",
        "",
        "*/*",
    ]);
    prop_oneof![
        4 => common.prop_map(|s| Some(s.to_owned())),
        1 => Just(None),
        // Header values are not redacted; they hold no secret here (only bodies do).
        1 => "\\PC{0,40}".prop_map(Some),
    ]
    .boxed()
}

fn json_str(s: &str) -> String {
    serde_json::to_string(s).expect("a string serializes")
}

/// Text that embeds a known secret, or ordinary text.
fn text() -> BoxedStrategy<String> {
    prop_oneof![
        2 => select(SECRETS.to_vec()).prop_map(str::to_owned),
        2 => ("\\PC{0,12}", select(SECRETS.to_vec()), "\\PC{0,12}").prop_map(|(a, s, b)| format!("{a}{s}{b}")),
        1 => (select(SECRETS.to_vec()), 1usize..4).prop_map(|(s, n)| s.repeat(n)),
        2 => any::<String>(),
        1 => "[a-z_]{0,20}",
        1 => select(vec!["", " ", "\t\n", "\u{a0}", "\0", "\u{feff}", "\u{10ffff}", "bearer", "BearerToken", "DPoP"])
            .prop_map(str::to_owned),
    ]
    .boxed()
}

/// An RFC 3339 date-time, mostly well formed, over years 0..=10000 with occasional
/// out-of-range parts (month 13, day 32, hour 24, second 60/61, offsets beyond ±23:59).
fn rfc3339() -> BoxedStrategy<String> {
    let parts = (0u32..=10000, 0u32..=13, 0u32..=32, 0u32..=24, 0u32..=61, 0u32..=61, 0u32..1_000_000_000);
    let offset = prop_oneof![
        Just("Z".to_owned()),
        Just("z".to_owned()),
        (-25i32..=25, 0u32..=60)
            .prop_map(|(h, m)| { format!("{}{:02}:{:02}", if h < 0 { '-' } else { '+' }, h.unsigned_abs(), m) })
    ];
    let generated = (parts, offset, any::<bool>()).prop_map(|((y, mo, d, h, mi, s, ns), off, frac)| {
        let frac = if frac { format!(".{ns:09}") } else { String::new() };
        format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{frac}{off}")
    });
    let fixed = select(vec![
        "9999-12-31T23:59:59.999999999Z",
        "9999-12-31T23:59:59-23:59",
        "0000-01-01T00:00:00+23:59",
        "0001-01-01T00:00:00Z",
        "1969-12-31T23:59:59.999999999Z",
        "1970-01-01T00:00:00Z",
        "2016-12-31T23:59:60Z",
        "2023-02-29T00:00:00Z",
        "+10000-01-01T00:00:00Z",
        "-0001-01-01T00:00:00Z",
        "2023-05-10T17:35:31.703819Z",
        "2023-05-10 17:35:31Z",
        "2023-05-10T17:35:31",
        "2554-07-21T23:34:33.709551615Z",
        "2554-07-21T23:34:33.709551616Z",
        "",
    ])
    .prop_map(str::to_owned);
    prop_oneof![3 => generated, 1 => fixed].boxed()
}

/// An HTTP-date (IMF-fixdate, RFC 850 and asctime forms) over years 0..=10000.
fn http_date() -> BoxedStrategy<String> {
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let generated = (0usize..7, 0u32..=32, 0usize..12, 0u32..=10000, 0u32..=24, 0u32..=61, 0u32..=61, 0u8..3).prop_map(
        |(wd, d, mo, y, h, mi, s, form)| {
            let (wd, mo) = (DAYS[wd], MONTHS[mo]);
            match form {
                0 => format!("{wd}, {d:02} {mo} {y:04} {h:02}:{mi:02}:{s:02} GMT"),
                1 => format!("{wd}day, {d:02}-{mo}-{:02} {h:02}:{mi:02}:{s:02} GMT", y % 100),
                _ => format!("{wd} {mo} {d:>2} {h:02}:{mi:02}:{s:02} {y:04}"),
            }
        },
    );
    let fixed = select(vec![
        "Fri, 31 Dec 9999 23:59:59 GMT",
        "Mon, 01 Jan 0001 00:00:00 GMT",
        "Thu, 01 Jan 1970 00:00:00 GMT",
        "Sun, 06 Nov 1994 08:49:37 GMT",
        "Sunday, 06-Nov-94 08:49:37 GMT",
        "Sun Nov  6 08:49:37 1994",
        "Sun, 06 Nov 1994 08:49:37 UTC",
        "Mon, 30 Jan 2017 14:10:47 GMT ",
    ])
    .prop_map(str::to_owned);
    prop_oneof![3 => generated, 1 => fixed].boxed()
}

/// A value as written in a JSON body: numbers as numbers or strings, huge and special numbers,
/// dates of every format, secrets, other JSON types. Not always valid JSON (`NaN`, `1e999`).
fn raw_value() -> BoxedStrategy<String> {
    let numbers = select(vec![
        "0",
        "-0",
        "-1",
        "1",
        "3599",
        "0.5",
        "1e308",
        "-1e308",
        "1.7976931348623157e308",
        "1e309",
        "4.9e-324",
        "1e-400",
        "18446744073709551615",
        "18446744073709551616",
        "-9223372036854775808",
        "9223372036854775807",
        "340282366920938463463374607431768211456",
        "NaN",
        "Infinity",
        "-inf",
        "null",
        "true",
        "false",
        "[]",
        "{}",
        "[3600]",
        "{\"seconds\":3600}",
    ])
    .prop_map(str::to_owned);
    let numeric_strings = select(vec![
        "NaN",
        "nan",
        "inf",
        "-inf",
        "+inf",
        "infinity",
        "-0",
        "+0",
        " 42 ",
        "1e308",
        "1e400",
        "-1e400",
        "0x10",
        "1_000",
        "１２３",
        "",
        " ",
        "3599",
        "-3599",
        "18446744073709551615",
        "-9223372036854775808",
    ])
    .prop_map(json_str);
    prop_oneof![
        2 => numbers,
        2 => numeric_strings,
        1 => any::<i64>().prop_map(|n| n.to_string()),
        1 => any::<u64>().prop_map(|n| n.to_string()),
        1 => any::<f64>().prop_map(|n| if n.is_finite() { format!("{n:e}") } else { json_str(&n.to_string()) }),
        1 => any::<i64>().prop_map(|n| json_str(&n.to_string())),
        1 => any::<f64>().prop_map(|n| json_str(&n.to_string())),
        2 => rfc3339().prop_map(|s| json_str(&s)),
        1 => http_date().prop_map(|s| json_str(&s)),
        3 => text().prop_map(|s| json_str(&s)),
    ]
    .boxed()
}

/// Any JSON value, keys drawn partly from the names the parser looks at.
fn json_value() -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        text().prop_map(Value::String),
        rfc3339().prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..6).prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
    .boxed()
}

/// A field name: one the parser reads, a near miss, a secret, or anything.
fn key() -> BoxedStrategy<String> {
    let known = select(vec![
        "access_token",
        "accessToken",
        "refresh_token",
        "refreshToken",
        "token_type",
        "tokenType",
        "expires_in",
        "expires_at",
        "exp",
        ".expires",
        "accessTokenExpirationDate",
        "error",
        "Error",
        "ERROR",
        "error_code",
        "errorCode",
        "ErrorCode",
        "error-code",
        "code",
        "error_description",
        "errorDescription",
        "message",
        "detail",
        "error_uri",
        "status",
    ]);
    prop_oneof![3 => known.prop_map(str::to_owned), 1 => text()].boxed()
}

/// Splices `secret` into `bytes` at `at` (a fraction of the length).
fn splice(mut bytes: Vec<u8>, secret: &str, at: f64) -> Vec<u8> {
    let i = ((bytes.len() as f64) * at) as usize;
    bytes.splice(i.min(bytes.len())..i.min(bytes.len()), secret.bytes());
    bytes
}

/// A token-shaped JSON object for `spec`: each mapped field present or not, with an adversarial
/// value, plus extra fields. Returns the fields in order, values as raw JSON text.
fn token_fields(spec: &'static ResponseSpec) -> BoxedStrategy<Vec<(String, String)>> {
    let access = prop_oneof![
        3 => text().prop_map(|s| json_str(&s)),
        1 => "[A-Za-z0-9._~+/=-]{1,40}".prop_map(|s| json_str(&s)),
        1 => raw_value(),
    ];
    let expiry = raw_value();
    let extras = prop::collection::vec(("x_[a-z]{1,8}", raw_value()), 0..4);
    (
        prop::option::weighted(0.9, access),
        prop::option::of(raw_value()),
        prop::option::of(raw_value()),
        prop::option::weighted(0.8, expiry),
        extras,
        any::<prop::sample::Index>(),
    )
        .prop_map(move |(access, token_type, refresh, expiry, extras, shuffle)| {
            let mut fields = Vec::new();
            if let Some(v) = access {
                fields.push((spec.access_token.to_string(), v));
            }
            if let Some(v) = token_type {
                fields.push((spec.token_type.to_string(), v));
            }
            if let Some(v) = refresh {
                fields.push((spec.refresh_token.to_string(), v));
            }
            if let (Some(v), Some(f)) = (expiry, expiry_field(spec)) {
                fields.push((f, v));
            }
            fields.extend(extras);
            let n = fields.len();
            if n > 1 {
                fields.rotate_left(shuffle.index(n));
            }
            fields
        })
        .boxed()
}

fn json_object(fields: &[(String, String)]) -> String {
    let inner: Vec<String> = fields.iter().map(|(k, v)| format!("{}: {v}", json_str(k))).collect();
    format!("{{{}}}", inner.join(", "))
}

/// The fields as a form body; JSON strings are decoded to their text, other values kept as written.
fn form_body(fields: &[(String, String)]) -> String {
    let mut form = form_urlencoded::Serializer::new(String::new());
    for (k, v) in fields {
        let v = serde_json::from_str::<String>(v).unwrap_or_else(|_| v.clone());
        form.append_pair(k, &v);
    }
    form.finish()
}

fn spec() -> impl Strategy<Value = &'static ResponseSpec> {
    (0..SPECS.len()).prop_map(|i| &SPECS[i])
}

/// A time from the Unix epoch to about the year 2500, as the parser's `now`.
fn now() -> impl Strategy<Value = SystemTime> {
    prop_oneof![3 => Just(SystemTime::now()), 1 => (0u64..(1 << 34)).prop_map(|s| UNIX_EPOCH + Duration::from_secs(s))]
}

/// A non-blank `error` value, and the key it goes under.
fn error_field() -> BoxedStrategy<(String, String)> {
    let key = select(vec!["error", "Error", "ERROR", "error_code", "errorCode", "ErrorCode", "ERROR-CODE"]);
    let value = prop_oneof![
        select(vec!["invalid_request", "invalid_grant", "Invalid_Client", "server_error", "denied", "0", "null"])
            .prop_map(str::to_owned),
        text(),
    ]
    .prop_filter("blank", |v| !v.trim().is_empty());
    (key.prop_map(str::to_owned), value).boxed()
}

// ---------------------------------------------------------------- properties

proptest! {
    /// Random bytes (with a secret spliced in) under any status and content type.
    #[test]
    fn arbitrary_bytes(
        spec in spec(),
        status in 100u16..=599,
        content_type in content_type(),
        bytes in prop::collection::vec(any::<u8>(), 0..600),
        secret in select(SECRETS.to_vec()),
        at in 0.0f64..=1.0,
        now in now(),
    ) {
        let raw = raw(status, content_type.as_deref(), splice(bytes, secret, at));
        let result = parse(spec, &raw, now);
        check_outcome(&result, &raw, now)?;
    }

    /// Arbitrary JSON documents, whole or cut anywhere, prefixed with `{`-looking noise or not.
    #[test]
    fn arbitrary_json(
        spec in spec(),
        status in status(),
        content_type in content_type(),
        value in json_value(),
        pretty in any::<bool>(),
        cut in prop::option::weighted(0.2, 0.0f64..1.0),
        now in now(),
    ) {
        let mut body = if pretty { serde_json::to_vec_pretty(&value) } else { serde_json::to_vec(&value) }
            .expect("a value serializes");
        if let Some(cut) = cut {
            body.truncate(((body.len() as f64) * cut) as usize);
        }
        let raw = raw(status, content_type.as_deref(), body);
        let result = parse(spec, &raw, now);
        check_outcome(&result, &raw, now)?;
    }

    /// Token-shaped objects with adversarial values, as JSON or as a form body, maybe truncated.
    #[test]
    fn token_shaped_bodies(
        (spec, fields) in spec().prop_flat_map(|s| (Just(s), token_fields(s))),
        status in status(),
        form in any::<bool>(),
        content_type in content_type(),
        cut in prop::option::weighted(0.1, 0.0f64..1.0),
        now in now(),
    ) {
        let (mut body, content_type) = if form {
            (form_body(&fields), Some("application/x-www-form-urlencoded".to_owned()))
        } else {
            (json_object(&fields), content_type)
        };
        if let Some(cut) = cut {
            let mut at = ((body.len() as f64) * cut) as usize;
            while !body.is_char_boundary(at) {
                at -= 1;
            }
            body.truncate(at);
        }
        let raw = raw(status, content_type.as_deref(), body);
        let result = parse(spec, &raw, now);
        check_outcome(&result, &raw, now)?;
    }

    /// A well-formed 2xx token response is a token whatever its expiry value says, unless it
    /// is a non-numeric `expires_in`; the lifetime is clamped to [floor, 10 years].
    #[test]
    fn any_expiry_value_still_gives_a_token(
        spec in spec(),
        status in 200u16..=299,
        expiry in raw_value(),
        access in "[A-Za-z0-9._~+/=-]{1,40}",
        now in now(),
    ) {
        let mut fields = vec![(spec.access_token.to_string(), json_str(&access))];
        if let Some(f) = expiry_field(spec) {
            fields.push((f, expiry.clone()));
        }
        let body = json_object(&fields);
        let raw = raw(status, Some("application/json"), body.clone());
        let result = parse(spec, &raw, now);
        check_outcome(&result, &raw, now)?;
        // Only an expiry value that is not JSON at all (`NaN`, `1e309`) may break the body, and
        // only `expires_in` rejects values.
        let valid_json = serde_json::from_str::<Value>(&body).is_ok();
        let rejectable = matches!(spec.expiry, Expiry::ExpiresIn { .. });
        prop_assert_eq!(result.is_ok() || (rejectable && bad_lifetime(&result)), valid_json, "{} -> {:?}", body, result);
        if let Ok(token) = result {
            prop_assert_eq!(token.access_token().expose_secret(), access);
            let lifetime = token.expires_at().duration_since(now).unwrap_or_default();
            prop_assert!(lifetime >= spec.min_lifetime, "under the floor: {lifetime:?}");
        }
    }

    /// A 2xx body carrying a non-blank `error` (or `errorCode`) string is never a token, in JSON
    /// or form encoding, whatever else it holds.
    #[test]
    fn error_in_2xx_is_never_a_token(
        (spec, fields) in spec().prop_flat_map(|s| (Just(s), token_fields(s))),
        (error_key, error_value) in error_field(),
        status in 200u16..=299,
        form in any::<bool>(),
        at in any::<prop::sample::Index>(),
        now in now(),
    ) {
        let mut fields = fields;
        let at = at.index(fields.len() + 1);
        fields.insert(at, (error_key, json_str(&error_value)));
        let (body, content_type) = if form {
            (form_body(&fields), "application/x-www-form-urlencoded")
        } else {
            (json_object(&fields), "application/json")
        };
        let raw = raw(status, Some(content_type), body);
        let result = parse(spec, &raw, now);
        check_outcome(&result, &raw, now)?;
        prop_assert!(result.is_err(), "a token from a body with an error: {}", String::from_utf8_lossy(&raw.body));
    }

    /// RFC 6749 error bodies: codes in any case parse to the right `ErrorCode`, under any
    /// status, with the description read and redacted.
    #[test]
    fn rfc6749_errors_in_any_case(
        spec in spec(),
        (code, name) in select(vec![
            (ErrorCode::InvalidRequest, "invalid_request"),
            (ErrorCode::InvalidClient, "invalid_client"),
            (ErrorCode::InvalidGrant, "invalid_grant"),
            (ErrorCode::UnauthorizedClient, "unauthorized_client"),
            (ErrorCode::UnsupportedGrantType, "unsupported_grant_type"),
            (ErrorCode::InvalidScope, "invalid_scope"),
            (ErrorCode::InvalidToken, "invalid_token"),
            (ErrorCode::ServerError, "server_error"),
            (ErrorCode::TemporarilyUnavailable, "temporarily_unavailable"),
        ]),
        upper in prop::collection::vec(any::<bool>(), 32),
        pad in select(vec!["", " ", "\t", "\n "]),
        status in prop_oneof![400u16..=599, 200u16..=299, 100u16..=199],
        description in prop::option::of(text()),
        uri in prop::option::of(text()),
        form in any::<bool>(),
        now in now(),
    ) {
        let written: String = name
            .chars()
            .zip(upper.iter().cycle())
            .map(|(c, up)| if *up { c.to_ascii_uppercase() } else { c })
            .collect();
        let mut fields = vec![("error".to_owned(), json_str(&format!("{pad}{written}{pad}")))];
        if let Some(d) = &description {
            fields.push(("error_description".to_owned(), json_str(d)));
        }
        if let Some(u) = &uri {
            fields.push(("error_uri".to_owned(), json_str(u)));
        }
        let (body, content_type) = if form {
            (form_body(&fields), "application/x-www-form-urlencoded")
        } else {
            (json_object(&fields), "application/json")
        };
        let raw = raw(status, Some(content_type), body);
        let result = parse(spec, &raw, now);
        check_outcome(&result, &raw, now)?;
        let Err(Error::OAuth(e)) = &result else {
            return Err(TestCaseError::fail(format!("not an OAuth error: {result:?}")));
        };
        prop_assert_eq!(&e.code, &code);
        prop_assert_eq!(e.raw_code(), written.as_str(), "the code as sent");
        prop_assert_eq!(e.status.as_u16(), status);
        prop_assert_eq!(e.description.is_some(), description.is_some_and(|d| !d.trim().is_empty()));
        prop_assert_eq!(result.as_ref().err().and_then(Error::oauth_code), Some(&code));
    }

    /// `expires_in` as an integer, a number or a numeric string: zero means unknown (the
    /// default), negative gives the floor, integral values are believed up to ten years, and
    /// fractions or non-numbers are malformed.
    #[test]
    fn expires_in_is_clamped(
        n in prop_oneof![any::<i64>().prop_map(|n| n as f64), -1e6f64..1e10, (-1_000_000i64..1_000_000).prop_map(|n| n as f64), any::<f64>()],
        as_string in any::<bool>(),
        now in now(),
    ) {
        let value = if as_string {
            json_str(&n.to_string())
        } else if n.is_finite() {
            format!("{n:e}")
        } else {
            "null".to_owned()
        };
        let body = format!(r#"{{"access_token": "t", "expires_in": {value}}}"#);
        let raw = raw(200, Some("application/json"), body);
        let result = parse(&ResponseSpec::STANDARD, &raw, now);
        check_outcome(&result, &raw, now)?;
        let spec = ResponseSpec::STANDARD;
        let expected = if !n.is_finite() {
            // `null` as a number; `inf` and `NaN` as strings are not numbers.
            if as_string { None } else { Some(spec.default_lifetime) }
        } else if n.fract() != 0.0 {
            None
        } else if n == 0.0 {
            Some(spec.default_lifetime)
        } else if n < 0.0 {
            Some(spec.min_lifetime)
        } else {
            Some(Duration::try_from_secs_f64(n).unwrap_or(MAX_LIFETIME).min(MAX_LIFETIME).max(spec.min_lifetime))
        };
        match expected {
            None => prop_assert!(bad_lifetime(&result), "{value}: {result:?}"),
            Some(expected) => {
                let token = result.map_err(|e| TestCaseError::fail(e.to_string()))?;
                let lifetime = token.expires_at().duration_since(now).unwrap_or_default();
                prop_assert!(lifetime.abs_diff(expected) <= Duration::from_millis(1), "{value}: {lifetime:?} != {expected:?}");
            }
        }
    }

    /// Numbers of any size, as digits, as a number or a string: never an overflow, at most ten
    /// years.
    #[test]
    fn huge_lifetimes_clamp(digits in "[1-9][0-9]{0,80}", as_string in any::<bool>(), now in now()) {
        let value = if as_string { json_str(&digits) } else { digits.clone() };
        let raw = raw(200, Some("application/json"), format!(r#"{{"access_token":"t","expires_in":{value}}}"#));
        let result = parse(&ResponseSpec::STANDARD, &raw, now);
        check_outcome(&result, &raw, now)?;
        let token = result.map_err(|e| TestCaseError::fail(e.to_string()))?;
        let lifetime = token.expires_at().duration_since(now).unwrap_or_default();
        let expected = digits.parse::<u64>().map_or(MAX_LIFETIME, |n| Duration::from_secs(n).min(MAX_LIFETIME));
        prop_assert_eq!(lifetime, expected.max(ResponseSpec::STANDARD.min_lifetime));
    }

    /// Access tokens are opaque: any printable text (spaces, `/ | ^ # % ~ ! :`, non-ASCII) comes
    /// back exactly as sent, from JSON and from form bodies, never URL-decoded.
    #[test]
    fn access_tokens_round_trip(token in "[ -~\u{a0}-\u{2fff}]{1,60}", form in any::<bool>()) {
        prop_assume!(!token.trim().is_empty());
        let (body, content_type) = if form {
            (form_urlencoded::Serializer::new(String::new()).append_pair("access_token", &token).finish(), "application/x-www-form-urlencoded")
        } else {
            (serde_json::json!({ "access_token": token }).to_string(), "application/json")
        };
        let raw = raw(200, Some(content_type), body);
        let now = SystemTime::now();
        let result = parse(&ResponseSpec::STANDARD, &raw, now);
        check_outcome(&result, &raw, now)?;
        let parsed = result.map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(parsed.access_token().expose_secret(), token.as_str());
    }

    /// A leading BOM and any media-type parameters, well formed or not, change nothing.
    #[test]
    fn bom_and_media_type_parameters_change_nothing(
        (spec, fields) in spec().prop_flat_map(|s| (Just(s), token_fields(s))),
        essence in select(vec!["application/json", "text/plain", "application/x-www-form-urlencoded"]),
        params in "(;[ a-z=\"-]{0,12}){0,3}",
        form in any::<bool>(),
    ) {
        let body = if form { form_body(&fields) } else { json_object(&fields) };
        let now = SystemTime::now();
        let plain = parse(spec, &raw(200, Some(essence), body.clone()), now);
        let mut with_bom = b"\xef\xbb\xbf".to_vec();
        with_bom.extend_from_slice(body.as_bytes());
        let odd = raw(200, Some(&format!("{essence}{params}")), with_bom);
        let result = parse(spec, &odd, now);
        check_outcome(&result, &odd, now)?;
        match (&plain, &result) {
            (Ok(a), Ok(b)) => prop_assert_eq!(a.access_token().expose_secret(), b.access_token().expose_secret()),
            (Err(a), Err(b)) => prop_assert_eq!(a.oauth_code(), b.oauth_code()),
            _ => prop_assert!(false, "{plain:?} vs {result:?}"),
        }
    }

    /// Values at nested paths and aliases are found whatever surrounds them.
    #[test]
    fn nested_paths_are_found(
        token in "[A-Za-z0-9._~+/=-]{1,40}",
        noise in prop::collection::vec(("[a-z_]{1,8}", json_value()), 0..5),
        index in 0usize..3,
        alias in any::<bool>(),
    ) {
        const NESTED: ResponseSpec = ResponseSpec::STANDARD
            .with_access_token_path(FieldPath::nested(&["data", "items", "1", "token"]))
            .with_access_token_aliases(&[FieldPath::nested(&["authed_user", "access_token"])]);
        let mut items: Vec<Value> = (0..3).map(|i| serde_json::json!({ "n": i })).collect();
        let mut object = serde_json::Map::new();
        for (k, v) in noise {
            object.insert(k, v);
        }
        if alias {
            object.insert("authed_user".into(), serde_json::json!({ "access_token": token }));
        } else {
            items[1] = serde_json::json!({ "token": token });
        }
        object.insert("data".into(), serde_json::json!({ "items": items, "at": index }));
        let body = Value::Object(object).to_string();
        let raw = raw(200, Some("application/json"), body);
        let now = SystemTime::now();
        let result = parse(&NESTED, &raw, now);
        check_outcome(&result, &raw, now)?;
        let parsed = result.map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(parsed.access_token().expose_secret(), token.as_str());
    }

    /// Absolute expiries in RFC 3339, HTTP-date and epoch seconds or millis, from year 1 to
    /// 9999: the past is expired, the future believed up to ten years.
    #[test]
    fn absolute_expiries_are_clamped(
        secs in prop_oneof![
            -62_135_596_800i64..=253_402_300_799,
            0i64..=253_402_300_799,
            1_500_000_000i64..=2_200_000_000,
        ],
        nanos in 0u32..1_000_000_000,
        now in now(),
    ) {
        let at = time::OffsetDateTime::from_unix_timestamp(secs).expect("in range")
            + time::Duration::nanoseconds(i64::from(nanos));
        let instant = |t: time::OffsetDateTime| {
            let n = t.unix_timestamp_nanos();
            if n <= 0 { UNIX_EPOCH } else { UNIX_EPOCH + Duration::from_nanos(u64::try_from(n).unwrap_or(u64::MAX)) }
        };
        // Past instants, and those under the floor, give the floor.
        let floor = ResponseSpec::STANDARD.min_lifetime;
        let expected = |at: SystemTime| at.duration_since(now).unwrap_or_default().max(floor).min(MAX_LIFETIME);
        let whole = at.replace_nanosecond(0).expect("zero is valid");
        let http = httpdate::HttpDate::from(instant(whole).max(UNIX_EPOCH)).to_string();
        let cases = [
            (&MONTA, json_str(&at.format(&time::format_description::well_known::Rfc3339).expect("formats")), expected(instant(at))),
            (&HTTP_DATE, json_str(&http), expected(instant(whole))),
            (&EPOCH_SECONDS, secs.to_string(), expected(instant(whole))),
            (&EPOCH_MILLIS, json_str(&(i128::from(secs) * 1000).to_string()), expected(instant(whole))),
        ];
        for (spec, value, want) in cases {
            let mut fields = vec![(spec.access_token.to_string(), json_str("t"))];
            fields.push((expiry_field(spec).expect("absolute"), value.clone()));
            let raw = raw(200, Some("application/json"), json_object(&fields));
            let result = parse(spec, &raw, now);
            check_outcome(&result, &raw, now)?;
            let token = result.map_err(|e| TestCaseError::fail(e.to_string()))?;
            let lifetime = token.expires_at().duration_since(now).unwrap_or_default();
            prop_assert!(lifetime.abs_diff(want) <= Duration::from_millis(1), "{value}: {lifetime:?} != {want:?}");
        }
    }

    /// Any status outside 2xx without an OAuth error is malformed, never a token; 3xx reports the
    /// redirect and is not followed.
    #[test]
    fn non_2xx_is_never_a_token(
        spec in spec(),
        status in prop_oneof![100u16..=199, 300u16..=599],
        (_, fields) in spec().prop_flat_map(|s| (Just(s), token_fields(s))),
        location in prop::option::of("https://[a-z]{1,10}\\.example/[a-z]{0,10}"),
        now in now(),
    ) {
        let mut raw = raw(status, Some("application/json"), json_object(&fields));
        raw.location = location;
        let result = parse(spec, &raw, now);
        check_outcome(&result, &raw, now)?;
        prop_assert!(result.is_err());
        if (300..400).contains(&status) {
            let is_redirect = matches!(&result, Err(Error::MalformedResponse { reason, .. }) if reason.contains("redirect"));
            prop_assert!(is_redirect, "{result:?}");
        }
    }
}

/// Hand-picked bodies that once looked dangerous, under every spec and a few statuses.
#[test]
fn nasty_bodies() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let deep_object = format!("{{\"a\":{}1{}}}", "[".repeat(10_000), "]".repeat(10_000));
    let long_secret_run = format!("{{\"error\":\"{}\"}}", SECRETS[0].repeat(10_000));
    let bodies: Vec<Vec<u8>> = vec![
        deep.into_bytes(),
        deep_object.into_bytes(),
        long_secret_run.into_bytes(),
        b"{\"access_token\":\"\\ud800\"}".to_vec(),
        b"{\"access_token\":\"\\\"".to_vec(),
        b"\"\\".to_vec(),
        b"\"".to_vec(),
        b"\\".to_vec(),
        "\"SECRET-8f3a\\".as_bytes().to_vec(),
        "{\"access_token\":\"\\é\"}".as_bytes().to_vec(),
        b"{\"token\":\"\\\xff\xfe\"".to_vec(),
        b"\xef\xbb\xbf{\"access_token\":\"t\"}".to_vec(),
        b"\xef\xbb\xbf\xef\xbb\xbf{\"access_token\":\"t\"}".to_vec(),
        b"\xef\xbb\xbfaccess_token=t&expires_in=1e999999".to_vec(),
        b"{\"access_token\":\"t\",\"expires_in\":\"99999999999999999999999999999999999999999\"}".to_vec(),
        b"{\"access_token\":\"a b\",\"token_type\":\"Application Access Token\",\"expires\":\"1e400\"}".to_vec(),
        b"access_token=%FF%FE&expires_in=%00".to_vec(),
        b"access_token&&&==&=&error".to_vec(),
        b"error=%20&access_token=t".to_vec(),
        b"{\"access_token\":\"t\",\"expires_in\":1e309}".to_vec(),
        b"{\"access_token\":\"t\",\"exp\":-1e308,\"expires_at\":1e308,\".expires\":\"\"}".to_vec(),
        // Escapes that spell a secret without holding it (found by the fuzz target).
        b"<html>\tok.Zq9/+w== rejected</html>".to_vec(),
        b"{\"error\":\"\\tok.Zq9/+w==\",\"error_description\":\"\\tok.Zq9/+w==\"}".to_vec(),
        vec![0u8; 5000],
        vec![b'{'; 5000],
        vec![b'<'; 5000],
        "é".repeat(3000).into_bytes(),
    ];
    for spec in &SPECS {
        for status in [200, 201, 204, 302, 400, 401, 500, 599, 100] {
            for content_type in [Some("application/json"), Some("application/x-www-form-urlencoded"), None] {
                for body in &bodies {
                    let raw = raw(status, content_type, body.clone());
                    let now = SystemTime::now();
                    let result = parse(spec, &raw, now);
                    if let Err(e) = check_outcome(&result, &raw, now) {
                        panic!("{e}: {:?}", String::from_utf8_lossy(&raw.body));
                    }
                }
            }
        }
    }
}
