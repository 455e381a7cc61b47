//! Sending token requests: bounded retries with backoff, `Retry-After`, capped bodies.

use std::time::Duration;

use backon::{BackoffBuilder, ExponentialBuilder};
use reqwest::{StatusCode, header};
use tracing::Instrument as _;

use crate::{TokenRequest, TokenRequestKind, error::Error, parse::RawResponse, storm::TokenRequestBudget, wire};

/// How token requests are retried.
///
/// Connection errors, timeouts, 5xx and 429 are retried with exponential backoff and full
/// jitter; a `Retry-After` header (seconds or HTTP-date) is honoured when it is no longer than
/// [`RetryPolicy::max_retry_after`], and otherwise ends the retries.
///
/// `#[non_exhaustive]`, so later releases can add settings: start from
/// [`RetryPolicy::new`] (the default), [`RetryPolicy::default`] or [`RetryPolicy::NONE`]
/// and change what you need with the `with_*` methods, which are `const`.
///
/// ```
/// use std::time::Duration;
/// use oauth_runtime::RetryPolicy;
///
/// const PATIENT: RetryPolicy = RetryPolicy::new().with_max_retries(5).with_max_delay(Duration::from_secs(20));
/// assert_eq!(PATIENT.max_retries, 5);
/// assert_eq!(PATIENT.min_delay, Duration::from_millis(100));
/// assert_eq!(RetryPolicy::default(), RetryPolicy::new());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Retries after the first attempt (0 disables retries). Default 3.
    pub max_retries: usize,
    /// Delay before the first retry (before jitter). Default 100 ms.
    pub min_delay: Duration,
    /// Longest backoff delay. Default 5 s.
    pub max_delay: Duration,
    /// Longest `Retry-After` the client will wait; a longer one fails the request at once.
    /// Default 30 s.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy::new()
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub const NONE: RetryPolicy = RetryPolicy {
        max_retries: 0,
        min_delay: Duration::ZERO,
        max_delay: Duration::ZERO,
        max_retry_after: Duration::ZERO,
    };

    /// The default policy: 3 retries, backoff from 100 ms up to 5 s, `Retry-After` up to 30 s.
    pub const fn new() -> RetryPolicy {
        RetryPolicy {
            max_retries: 3,
            min_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(30),
        }
    }

    /// Sets [`RetryPolicy::max_retries`].
    #[must_use]
    pub const fn with_max_retries(mut self, max_retries: usize) -> RetryPolicy {
        self.max_retries = max_retries;
        self
    }

    /// Sets [`RetryPolicy::min_delay`].
    #[must_use]
    pub const fn with_min_delay(mut self, min_delay: Duration) -> RetryPolicy {
        self.min_delay = min_delay;
        self
    }

    /// Sets [`RetryPolicy::max_delay`].
    #[must_use]
    pub const fn with_max_delay(mut self, max_delay: Duration) -> RetryPolicy {
        self.max_delay = max_delay;
        self
    }

    /// Sets [`RetryPolicy::max_retry_after`].
    #[must_use]
    pub const fn with_max_retry_after(mut self, max_retry_after: Duration) -> RetryPolicy {
        self.max_retry_after = max_retry_after;
        self
    }
}

/// What the transport needs besides the request.
pub(crate) struct Transport {
    pub http: reqwest::Client,
    pub vendor: &'static str,
    pub retry: RetryPolicy,
    pub max_body: usize,
    pub timeout: Duration,
    /// The renewal storm guard: every attempt, retries included, counts.
    pub budget: TokenRequestBudget,
}

/// The outcome of one attempt.
enum Attempt {
    Done(RawResponse),
    /// Worth another try; `Retry-After` if the server gave one, the response if there was one,
    /// and whether the request may have reached the server.
    Retry {
        error: Error,
        after: Option<Duration>,
        response: Option<RawResponse>,
        sent: bool,
    },
    Fatal(Error),
}

impl Transport {
    /// Sends the request `build` makes (anew for each attempt), retrying transient failures.
    /// Returns the last response read (any status), or the transport error that ended the
    /// retries.
    ///
    /// A refresh is retried only when it cannot have reached the server (the connection was
    /// never made): a refresh token the server may have seen is never presented twice, since
    /// with rotation the second use is refused and servers with reuse detection revoke the
    /// whole grant.
    ///
    /// Each attempt is one wire event at `site`, numbered on from `attempts` (which counts the
    /// attempts made, so that a caller sending again, after a DPoP nonce, numbers on).
    pub async fn send(
        &self,
        kind: TokenRequestKind,
        site: &wire::Site<'_>,
        attempts: &mut u32,
        build: &(dyn Fn() -> Result<TokenRequest, Error> + Send + Sync),
    ) -> Result<RawResponse, Error> {
        let mut delays = ExponentialBuilder::default()
            .with_min_delay(self.retry.min_delay)
            .with_max_delay(self.retry.max_delay)
            .with_max_times(self.retry.max_retries)
            .with_jitter()
            .build();
        loop {
            *attempts += 1;
            let attempt = *attempts;
            self.budget.acquire(self.vendor)?;
            let req = build()?;
            let span = tracing::debug_span!("oauth.attempt", vendor = self.vendor, kind = kind.as_str(), attempt);
            let outcome = self.attempt(&req, site, attempt).instrument(span).await;
            drop(req);
            let (error, after, response) = match outcome {
                Attempt::Done(raw) => return Ok(raw),
                Attempt::Fatal(e) => return Err(e),
                Attempt::Retry { error, after, response, sent } => {
                    if sent && kind == TokenRequestKind::Refresh {
                        tracing::warn!(vendor = self.vendor, %error, "refresh failed after it may have reached the server; not sending that refresh token again");
                        return response.ok_or(error);
                    }
                    (error, after, response)
                }
            };
            let give_up = |response: Option<RawResponse>| response.ok_or_else(|| error.clone());
            let Some(backoff) = delays.next() else { return give_up(response) };
            let delay = match after {
                Some(after) if after > self.retry.max_retry_after => {
                    tracing::warn!(
                        vendor = self.vendor,
                        retry_after_ms = after.as_millis() as u64,
                        "Retry-After exceeds the limit; not waiting"
                    );
                    return give_up(response);
                }
                Some(after) => after.max(backoff),
                None => backoff,
            };
            let _retry =
                tracing::info_span!("oauth.retry", vendor = self.vendor, kind = kind.as_str(), attempt).entered();
            tracing::warn!(delay_ms = delay.as_millis() as u64, error = %error, "token request failed; retrying");
            drop(_retry);
            tokio::time::sleep(delay).await;
        }
    }

    async fn attempt(&self, req: &TokenRequest, site: &wire::Site<'_>, attempt: u32) -> Attempt {
        // A request that cannot be built is no exchange: nothing went on the wire.
        let request = match req.to_reqwest(&self.http).timeout(self.timeout).build() {
            Ok(request) => request,
            Err(e) => {
                return Attempt::Retry { error: self.transport_error(e), after: None, response: None, sent: true };
            }
        };
        let mut exchange = wire::Exchange::start(site, attempt, || wire::Request {
            method: request.method(),
            url: request.url().as_str().into(),
            headers: request.headers(),
            body: wire::body_len(&request),
        });
        let response = match self.http.execute(request).await {
            Ok(r) => r,
            Err(e) => {
                exchange.failed(wire::reqwest_error(&e));
                // Only a connection that was never made proves the server saw nothing.
                let sent = !e.is_connect();
                return Attempt::Retry { error: self.transport_error(e), after: None, response: None, sent };
            }
        };
        exchange.response(response.status(), response.headers());
        let status = response.status();
        let header =
            |name: header::HeaderName| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let content_type = header(header::CONTENT_TYPE);
        let location = header(header::LOCATION);
        let date = header(header::DATE).and_then(|v| httpdate::parse_http_date(v.trim()).ok());
        let retry_after = header(header::RETRY_AFTER).and_then(|v| parse_retry_after(&v));
        let mut response = response;
        let headers = std::mem::take(response.headers_mut());
        let body = match read_capped(response, self.max_body).await {
            Ok(body) => {
                exchange.body(body.len());
                body
            }
            Err(ReadError::TooLarge) => {
                exchange.failed("too_large");
                return Attempt::Fatal(Error::ResponseTooLarge {
                    vendor: self.vendor,
                    endpoint: None,
                    status,
                    limit: self.max_body,
                });
            }
            Err(ReadError::Transport(e)) => {
                exchange.failed(wire::reqwest_error(&e));
                return Attempt::Retry { error: self.transport_error(e), after: None, response: None, sent: true };
            }
        };
        let raw = RawResponse { status, content_type, location, date, body, headers };
        if status.is_server_error() || status == StatusCode::TOO_MANY_REQUESTS {
            let error = Error::MalformedResponse {
                vendor: self.vendor,
                endpoint: None,
                status,
                content_type: raw.content_type.clone().unwrap_or_default(),
                reason: "transient server error".to_owned(),
                excerpt: String::new(),
            };
            return Attempt::Retry { error, after: retry_after, response: Some(raw), sent: true };
        }
        Attempt::Done(raw)
    }

    pub(crate) fn transport_error(&self, e: reqwest::Error) -> Error {
        Error::transport(self.vendor, e, Some(self.timeout))
    }
}

pub(crate) enum ReadError {
    TooLarge,
    Transport(reqwest::Error),
}

/// Reads the body, refusing more than `cap` bytes (checked before and while reading).
pub(crate) async fn read_capped(mut response: reqwest::Response, cap: usize) -> Result<Vec<u8>, ReadError> {
    if response.content_length().is_some_and(|n| n > cap as u64) {
        return Err(ReadError::TooLarge);
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(ReadError::Transport)? {
        if body.len() + chunk.len() > cap {
            return Err(ReadError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// `Retry-After` as delay-seconds or an HTTP-date.
fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(std::time::SystemTime::now()).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_policy_builders() {
        const P: RetryPolicy = RetryPolicy::NONE
            .with_max_retries(4)
            .with_min_delay(Duration::from_millis(1))
            .with_max_delay(Duration::from_millis(2))
            .with_max_retry_after(Duration::from_millis(3));
        assert_eq!(
            (P.max_retries, P.min_delay, P.max_delay, P.max_retry_after),
            (4, Duration::from_millis(1), Duration::from_millis(2), Duration::from_millis(3))
        );
        assert_eq!(RetryPolicy::default(), RetryPolicy::new());
        assert_eq!(RetryPolicy::new().with_max_retries(0).max_retries, RetryPolicy::NONE.max_retries);
        assert_ne!(RetryPolicy::new(), RetryPolicy::NONE);
    }

    #[test]
    fn retry_after_forms() {
        assert_eq!(parse_retry_after(" 7 "), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after("Mon, 30 Jan 2017 14:10:47 GMT"), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon"), None);
    }
}
