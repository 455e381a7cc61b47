//! The device authorization grant (RFC 8628): a person approves the client on another device.
//!
//! [`Client::authorize_device`](crate::Client::authorize_device) posts to the device
//! authorization endpoint (section 3.1), hands the user code and verification URI to the
//! program's callback (section 3.3), then polls the token endpoint (section 3.4) at the
//! server's interval: `authorization_pending` keeps polling, `slow_down` adds 5 s to the
//! interval for this and every later poll (or takes the interval the answer states, when it is
//! longer: GitHub states it), `access_denied` and `expired_token` end the polling as
//! [`Error::Authorization`], and so does the device code's own `expires_in` (section 3.5).
//! Each poll is one token request of the client's renewal path, so the token that arrives is
//! stored like any issued token and renewed with its refresh token afterwards.

use std::{
    future::Future,
    sync::Arc,
    time::{Duration, Instant},
};

use serde_json::{Map, Value};
use url::Url;
use zeroize::Zeroizing;

use super::{Redemption, TokenGrant};
use crate::{
    AuthorizationFailure, Credentials, Error, Token, TokenRequest,
    parse::{self, ParseContext, RawResponse},
    provider::Grant,
};

/// The interval RFC 8628 section 3.2 prescribes when the server states none.
const DEFAULT_INTERVAL: Duration = Duration::from_secs(5);

/// What `slow_down` adds to the interval (RFC 8628 section 3.5).
const SLOW_DOWN: Duration = Duration::from_secs(5);

/// The device code's lifetime when the server states none (it must, section 3.2).
const DEFAULT_LIFETIME: Duration = Duration::from_secs(1800);

/// The longest interval and lifetime believed: a larger value is a vendor bug.
const MAX_SECONDS: u64 = 24 * 3600;

/// `grant_type=urn:ietf:params:oauth:grant-type:device_code`, with the device code the person
/// approved. Tokens come from [`Client::authorize_device`](crate::Client::authorize_device);
/// the grant never runs unattended.
///
/// ```
/// use oauth_runtime::grant::{DeviceCode, TokenGrant};
/// assert_eq!(DeviceCode::new().grant_type(), "urn:ietf:params:oauth:grant-type:device_code");
/// assert!(!DeviceCode::new().unattended());
/// ```
#[derive(Debug, Clone, Copy, Default)]
#[non_exhaustive]
pub struct DeviceCode;

impl DeviceCode {
    /// The method (it has no settings).
    pub const fn new() -> DeviceCode {
        DeviceCode
    }
}

impl TokenGrant for DeviceCode {
    fn grant_type(&self) -> &str {
        Grant::DeviceCode.as_str()
    }

    /// The device code exists only once a person started the flow: the renewal never asks
    /// (the grant is not [unattended](TokenGrant::unattended)), and a caller that does gets
    /// [`Error::Config`].
    fn parameters(&self, _: &Credentials, _: &mut TokenRequest) -> Result<(), Error> {
        Err(Error::config("the device grant needs a person: call `Client::authorize_device`"))
    }

    fn unattended(&self) -> bool {
        false
    }
}

/// What the person needs to approve the client (RFC 8628 section 3.2): the code to enter at
/// the verification URI. Handed to the callback of
/// [`Client::authorize_device`](crate::Client::authorize_device); the device code itself stays
/// inside the client.
///
/// ```no_run
/// # async fn demo<P>(client: oauth_runtime::Client<P>) -> Result<(), oauth_runtime::Error> {
/// let token = client
///     .authorize_device(|prompt| {
///         println!("Open {} and enter {}", prompt.verification_uri(), prompt.user_code());
///     })
///     .await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DeviceAuthorization {
    user_code: String,
    verification_uri: String,
    verification_uri_complete: Option<String>,
    expires_in: Duration,
    interval: Duration,
}

impl DeviceAuthorization {
    /// The code the person enters (`user_code`).
    pub fn user_code(&self) -> &str {
        &self.user_code
    }

    /// Where the person enters it (`verification_uri`; Google's `verification_url`).
    pub fn verification_uri(&self) -> &str {
        &self.verification_uri
    }

    /// The verification URI with the user code in it, for a link or a QR code, if the server
    /// sent one (`verification_uri_complete`).
    pub fn verification_uri_complete(&self) -> Option<&str> {
        self.verification_uri_complete.as_deref()
    }

    /// How long the codes are valid from when they were issued (`expires_in`; 30 minutes when
    /// the server states none).
    pub fn expires_in(&self) -> Duration {
        self.expires_in
    }

    /// The server's polling interval (`interval`; 5 s when it states none).
    pub fn interval(&self) -> Duration {
        self.interval
    }
}

/// The device authorization endpoint of a vendor.
pub(crate) struct DeviceFlow {
    url: Url,
}

impl DeviceFlow {
    pub(crate) fn new(url: Url) -> DeviceFlow {
        DeviceFlow { url }
    }

    /// Where the device authorization request goes.
    pub(crate) fn url(&self) -> &Url {
        &self.url
    }

    /// Reads the device authorization response: what the person needs, and the device code.
    pub(crate) fn read(
        &self,
        ctx: &ParseContext<'_>,
        raw: &RawResponse,
    ) -> Result<(DeviceAuthorization, Zeroizing<String>), Error> {
        let fields = parse::endpoint_response(ctx, raw)?;
        let malformed = |reason: String| parse::malformed_answer(ctx, raw, reason);
        let device_code = text(&fields, &["device_code"]).map_err(&malformed)?;
        let user_code = text(&fields, &["user_code"]).map_err(&malformed)?;
        let verification_uri = text(&fields, &["verification_uri", "verification_url"]).map_err(&malformed)?;
        if !Url::parse(&verification_uri).is_ok_and(|u| matches!(u.scheme(), "https" | "http")) {
            return Err(malformed("`verification_uri` is not an http(s) URL".to_owned()));
        }
        let complete = match text(&fields, &["verification_uri_complete"]) {
            Ok(uri) => Some(uri),
            Err(_) if !fields.contains_key("verification_uri_complete") => None,
            Err(reason) => return Err(malformed(reason)),
        };
        let expires_in = seconds_field(&fields, "expires_in").map_err(&malformed)?.unwrap_or(DEFAULT_LIFETIME);
        let interval = seconds_field(&fields, "interval").map_err(&malformed)?.unwrap_or(DEFAULT_INTERVAL);
        let prompt = DeviceAuthorization {
            user_code,
            verification_uri,
            verification_uri_complete: complete,
            expires_in: expires_in.max(Duration::from_secs(1)),
            interval,
        };
        Ok((prompt, Zeroizing::new(device_code)))
    }
}

impl Redemption {
    /// The token request of a device code (RFC 8628 section 3.4).
    pub(crate) fn device(device_code: Zeroizing<String>) -> Redemption {
        Redemption { grant_type: Grant::DeviceCode.as_str(), params: vec![("device_code", device_code)] }
    }
}

/// The first of `names` present, as a non-empty string without control characters.
fn text(fields: &Map<String, Value>, names: &[&str]) -> Result<String, String> {
    let Some((name, value)) = names.iter().find_map(|n| fields.get(*n).map(|v| (*n, v))) else {
        return Err(format!("no `{}` in the response", names[0]));
    };
    match value {
        Value::String(s) if !s.trim().is_empty() && !s.chars().any(char::is_control) => Ok(s.clone()),
        _ => Err(format!("`{name}` is not a non-empty string")),
    }
}

/// A number of seconds (an integer, or a numeric string as form bodies send it), if present.
fn seconds_field(fields: &Map<String, Value>, name: &str) -> Result<Option<Duration>, String> {
    match fields.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => seconds(value).map(Some).ok_or_else(|| format!("`{name}` is not a number of seconds")),
    }
}

/// A number of seconds, capped at a day.
fn seconds(value: &Value) -> Option<Duration> {
    let secs = match value {
        Value::Number(n) => n.as_u64()?,
        Value::String(s) => s.trim().parse::<u64>().ok()?,
        _ => return None,
    };
    Some(Duration::from_secs(secs.min(MAX_SECONDS)))
}

/// What a failed poll means for the polling.
#[derive(Debug, PartialEq, Eq)]
enum Step {
    Pending,
    /// `slow_down`, with the interval the answer states, if any.
    SlowDown(Option<Duration>),
    Denied(Option<String>),
    Expired(Option<String>),
    /// Not sent: the client's own request limit; poll again after this long.
    Wait(Duration),
    /// A transient failure (the vendor unreachable or overloaded): keep polling.
    Retry,
    Fail,
}

fn step(error: &Error) -> Step {
    match error {
        Error::OAuth(e) => {
            let code = e.code.as_str();
            let is = |name: &str| code.eq_ignore_ascii_case(name);
            if is("authorization_pending") {
                Step::Pending
            } else if is("slow_down") {
                Step::SlowDown(e.field("interval").and_then(seconds))
            } else if is("access_denied") {
                Step::Denied(e.description.clone())
            } else if is("expired_token") {
                Step::Expired(e.description.clone())
            } else if error.is_transient() {
                Step::Retry
            } else {
                Step::Fail
            }
        }
        Error::TokenRequestLimit { retry_in, .. } => Step::Wait(*retry_in),
        other if other.is_transient() => Step::Retry,
        _ => Step::Fail,
    }
}

/// The interval after a `slow_down`: the one the answer states when it is longer, else 5 s
/// more (RFC 8628 section 3.5).
fn next_interval(current: Duration, stated: Option<Duration>) -> Duration {
    match stated {
        Some(stated) if stated > current => stated,
        _ => current + SLOW_DOWN,
    }
}

/// Polls with `poll` (one token request each) until a token arrives or the polling ends,
/// waiting the interval before each poll. `issued` is when the codes were issued.
///
/// Dropping the future stops the polling between two polls; a poll in flight finishes in the
/// renewal's own task, and a token it brings is stored.
pub(crate) async fn poll_until_done<F, Fut>(
    vendor: &'static str,
    prompt: &DeviceAuthorization,
    issued: Instant,
    mut poll: F,
) -> Result<Arc<Token>, Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Arc<Token>, Error>>,
{
    let deadline = issued + prompt.expires_in;
    let mut interval = prompt.interval;
    let mut pause = interval;
    loop {
        if Instant::now() + pause >= deadline {
            return Err(Error::authorization(vendor, AuthorizationFailure::Expired, None));
        }
        tokio::time::sleep(pause).await;
        pause = interval;
        let error = match poll().await {
            Ok(token) => return Ok(token),
            Err(error) => error,
        };
        match step(&error) {
            Step::Pending => tracing::debug!(vendor, "authorization pending"),
            Step::SlowDown(stated) => {
                interval = next_interval(interval, stated);
                pause = interval;
                tracing::debug!(vendor, interval_secs = interval.as_secs(), "slow_down: polling less often");
            }
            Step::Denied(description) => {
                return Err(Error::authorization(vendor, AuthorizationFailure::Denied, description));
            }
            Step::Expired(description) => {
                return Err(Error::authorization(vendor, AuthorizationFailure::Expired, description));
            }
            Step::Wait(retry_in) => pause = interval.max(retry_in),
            Step::Retry => tracing::warn!(vendor, %error, "device grant poll failed; polling on"),
            Step::Fail => return Err(error),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slow_down_adds_five_seconds_unless_the_server_states_more() {
        let five = Duration::from_secs(5);
        assert_eq!(next_interval(five, None), Duration::from_secs(10));
        assert_eq!(next_interval(five, Some(Duration::from_secs(3))), Duration::from_secs(10), "never shorter");
        assert_eq!(next_interval(five, Some(five)), Duration::from_secs(10), "never the same");
        assert_eq!(next_interval(five, Some(Duration::from_secs(15))), Duration::from_secs(15));
        assert_eq!(next_interval(Duration::ZERO, Some(Duration::from_secs(1))), Duration::from_secs(1));
    }

    #[test]
    fn seconds_are_numbers_or_numeric_strings() {
        assert_eq!(seconds(&Value::from(7)), Some(Duration::from_secs(7)));
        assert_eq!(seconds(&Value::from("7")), Some(Duration::from_secs(7)));
        assert_eq!(seconds(&Value::from(-1)), None);
        assert_eq!(seconds(&Value::from("soon")), None);
        assert_eq!(seconds(&Value::from(u64::MAX)), Some(Duration::from_secs(MAX_SECONDS)));
    }
}
