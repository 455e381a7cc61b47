//! The token-response parser on arbitrary input: status, content type, response mapping and
//! body all come from the fuzzer. It must never panic, and every outcome must keep the
//! parser's promises (see `oauth-runtime/tests/parse_props.rs` for the same as properties).

#![no_main]

use std::time::{Duration, UNIX_EPOCH};

use libfuzzer_sys::fuzz_target;
use oauth_runtime::{
    Error,
    parse::{ParseContext, RawResponse, token_response},
    provider::{Expiry, InstantFormat, ResponseSpec},
    reqwest::StatusCode,
};

const SECRETS: &[&str] = &["SECRET-8f3a", "tok.Zq9/+w==", "pw-Ää-ß9z"];
const MAX_LIFETIME: Duration = Duration::from_secs(10 * 365 * 24 * 3600);

static SPECS: [ResponseSpec; 6] = [
    ResponseSpec::STANDARD,
    ResponseSpec::STANDARD
        .with_access_token("accessToken")
        .with_refresh_token("refreshToken")
        .with_expiry(Expiry::at("accessTokenExpirationDate", InstantFormat::Rfc3339)),
    ResponseSpec::STANDARD.with_expiry(Expiry::at(".expires", InstantFormat::HttpDate)),
    ResponseSpec::STANDARD.with_expiry(Expiry::at("exp", InstantFormat::EpochMillis)),
    ResponseSpec::STANDARD.with_expiry(Expiry::at("expires_at", InstantFormat::EpochSeconds)),
    ResponseSpec::STANDARD.with_expiry(Expiry::None).with_default_lifetime(Duration::from_secs(900)),
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
    let [status, content_type, spec, clock, body @ ..] = data else { return };
    let status = StatusCode::from_u16(STATUSES[usize::from(*status) % STATUSES.len()]).expect("valid status");
    let raw = RawResponse {
        status,
        content_type: CONTENT_TYPES[usize::from(*content_type) % CONTENT_TYPES.len()].map(str::to_owned),
        location: status.is_redirection().then(|| "https://elsewhere.example/".to_owned()),
        body: body.to_vec(),
    };
    let spec = &SPECS[usize::from(*spec) % SPECS.len()];
    // Any instant from 1970 to about 2106, so that past and future expiries both occur.
    let now = UNIX_EPOCH + Duration::from_secs(u64::from(*clock) << 24);
    let ctx = ParseContext { vendor: "Fuzz", response: spec, secrets: SECRETS };
    match token_response(&ctx, &raw, now) {
        Ok(token) => {
            assert!(status.is_success(), "a token from HTTP {status}");
            assert!(!token.access_token().expose_secret().trim().is_empty(), "empty access token");
            let lifetime = token.expires_at().duration_since(now).expect("expiry not before now");
            assert!(lifetime <= MAX_LIFETIME, "lifetime {lifetime:?}");
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
