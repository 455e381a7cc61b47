//! The token-response parser on arbitrary input: status, content type, response mapping,
//! `Date` header, clock and body all come from the fuzzer. It must never panic, and every
//! outcome must keep the parser's promises (see `oauth-runtime/tests/parse_props.rs` for the
//! same as properties): a token only from a 2xx, with the access token exactly as a header
//! allows (no control characters), a lifetime between the floor and ten years, a Bearer or
//! registered scheme; an error only of the parser's kinds, showing no secret.

#![no_main]

use std::time::{Duration, UNIX_EPOCH};

use libfuzzer_sys::fuzz_target;
use oauth_runtime::{
    Error, LifetimeSource,
    parse::{ParseContext, RawResponse, token_response},
    provider::{ErrorShape, Expiry, FieldPath, InstantFormat, ResponseSpec},
    reqwest::StatusCode,
};

const SECRETS: &[&str] = &["SECRET-8f3a", "tok.Zq9/+w==", "pw-Ää-ß9z"];
const MAX_LIFETIME: Duration = Duration::from_secs(10 * 365 * 24 * 3600);

static SPECS: [ResponseSpec; 9] = [
    ResponseSpec::STANDARD,
    ResponseSpec::STANDARD
        .with_access_token("accessToken")
        .with_refresh_token("refreshToken")
        .with_expiry(Expiry::at("accessTokenExpirationDate", InstantFormat::Rfc3339)),
    ResponseSpec::STANDARD.with_expiry(Expiry::at(".expires", InstantFormat::HttpDate)),
    ResponseSpec::STANDARD.with_expiry(Expiry::at("exp", InstantFormat::EpochMillis)),
    ResponseSpec::STANDARD.with_expiry(Expiry::at("expires_at", InstantFormat::EpochSeconds)),
    ResponseSpec::STANDARD.with_expiry(Expiry::None).with_default_lifetime(Duration::from_secs(900)),
    // Nested paths, aliases and a vendor error shape.
    ResponseSpec::STANDARD
        .with_access_token_path(FieldPath::nested(&["authed_user", "access_token"]))
        .with_access_token_aliases(&[FieldPath::nested(&["data", "0", "token"]), FieldPath::name("accessToken")])
        .with_expiry(Expiry::expires_in_path(FieldPath::nested(&["body", "expires_in"])))
        .with_expiry_aliases(&[FieldPath::name("expire")])
        .with_error_shape(
            ErrorShape::new(FieldPath::nested(&["errors", "0", "code"]))
                .with_description(FieldPath::nested(&["errors", "0", "message"])),
        ),
    ResponseSpec::STANDARD
        .with_error_shape(
            ErrorShape::new(FieldPath::name("errcode")).with_description(FieldPath::name("errmsg")).with_success_codes(&["0"]),
        )
        .with_min_lifetime(Duration::ZERO),
    ResponseSpec::STANDARD
        .with_expiry(Expiry::at("expires_at", InstantFormat::EpochSeconds))
        .with_min_lifetime(Duration::from_secs(30)),
];

const CONTENT_TYPES: [Option<&str>; 8] = [
    None,
    Some("application/json"),
    Some("application/json; charset=utf-8"),
    Some("application/x-www-form-urlencoded"),
    Some("text/html; charset=UTF-8"),
    Some("text/plain"),
    Some("application/xml"),
    Some("application/vnd.api+json"),
];

const STATUSES: [u16; 16] = [200, 201, 202, 204, 299, 301, 302, 307, 400, 401, 403, 404, 429, 500, 502, 503];

fuzz_target!(|data: &[u8]| {
    let [status, content_type, spec, clock, date, body @ ..] = data else { return };
    let status = StatusCode::from_u16(STATUSES[usize::from(*status) % STATUSES.len()]).expect("valid status");
    // Any instant from 1970 to about 2106, so that past and future expiries both occur.
    let now = UNIX_EPOCH + Duration::from_secs(u64::from(*clock) << 24);
    let mut raw = RawResponse::new(status, CONTENT_TYPES[usize::from(*content_type) % CONTENT_TYPES.len()], body);
    raw.location = status.is_redirection().then(|| "https://elsewhere.example/".to_owned());
    // No `Date`, or one up to about four years either side of `now` (a skewed vendor clock).
    raw.date = (*date != 0).then(|| {
        let offset = Duration::from_secs(u64::from(*date & 0x7f) << 20);
        if *date & 0x80 == 0 { now + offset } else { now.checked_sub(offset).unwrap_or(UNIX_EPOCH) }
    });
    let spec = &SPECS[usize::from(*spec) % SPECS.len()];
    let ctx = ParseContext { vendor: "Fuzz", response: spec, secrets: SECRETS };
    match token_response(&ctx, &raw, now) {
        Ok(token) => {
            assert!(status.is_success(), "a token from HTTP {status}");
            let access = token.access_token().expose_secret();
            assert!(!access.trim().is_empty(), "empty access token");
            assert!(!access.chars().any(char::is_control), "a control character in the token");
            let lifetime = token.expires_at().duration_since(now).expect("expiry not before now");
            assert!(lifetime <= MAX_LIFETIME, "lifetime {lifetime:?}");
            assert!(lifetime >= spec.min_lifetime, "lifetime {lifetime:?} under the floor");
            if token.lifetime_source() == LifetimeSource::Floor {
                assert_eq!(lifetime, spec.min_lifetime, "the floor is the floor");
            }
            assert!(!token.token_type().trim().is_empty(), "blank token type");
        }
        Err(err) => {
            let (display, debug) = (err.to_string(), format!("{err:?}"));
            for secret in SECRETS {
                assert!(!display.contains(secret), "Display leaks {secret:?}: {display}");
                assert!(!debug.contains(secret), "Debug leaks {secret:?}: {debug}");
            }
            assert_eq!(err.status(), Some(status));
            assert!(
                matches!(err, Error::MalformedResponse { .. } | Error::OAuth(_)),
                "the parser returned a non-parse error: {err:?}"
            );
        }
    }
});
