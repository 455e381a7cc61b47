//! A token handed out for one request, and what the answer to that request says about it: the
//! rules every way of sending a call shares (`ApiRequest`, the middleware, your own code).

use std::{fmt, sync::Arc, time::Duration};

use reqwest::{
    StatusCode,
    header::{HeaderMap, HeaderValue},
};

use super::{Client, Session};
use crate::{cache::Entry, error::Error, token::Token};

/// After a renewal that a 401 caused, further 401s within this time renew no more unless the API
/// accepted the new token in between: an API that rejects every token must not turn each call
/// into a token request, while a token that worked and then expired early is still renewed.
const REJECTION_COOLDOWN: Duration = Duration::from_secs(30);

/// At most this many renewals caused by 401s per [`REJECTION_WINDOW`], whatever the API
/// accepted in between: one endpoint that answers every token with 401 (a permission error
/// some vendors send that way) must not turn calls to it into renewals, while calls to the
/// others go on with a token that works.
pub(crate) const REJECTION_RENEWALS: u32 = 3;
pub(crate) const REJECTION_WINDOW: Duration = Duration::from_secs(60);

/// The token for one request: its `Authorization` header value, and the token it came from.
///
/// For sending calls through your own HTTP stack: get one with [`Client::authorization`],
/// attach [`Authorization::header_value`], and report the answer's status with
/// [`Client::after_response`], which says whether to renew and send again.
///
/// ```no_run
/// # async fn demo<P>(client: oauth_runtime::Client<P>, http: oauth_runtime::reqwest::Client) -> Result<(), oauth_runtime::Error> {
/// let mut auth = client.authorization().await?;
/// let mut response = http.get("https://api.example.com/v1/me").header("authorization", auth.header_value()).send().await?;
/// if client.after_response(&auth, response.status()) {
///     auth = client.authorization().await?; // a new token
///     response = http.get("https://api.example.com/v1/me").header("authorization", auth.header_value()).send().await?;
///     client.after_response(&auth, response.status());
/// }
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Authorization {
    pub(crate) entry: Arc<Entry>,
}

impl Authorization {
    /// The `Authorization` header value (`Bearer <token>`), marked sensitive.
    ///
    /// For presentations whose header is the same on every request (Bearer, the default); one
    /// that computes a header per request (a proof of possession) has none prepared, and this
    /// is then an empty value.
    pub fn header_value(&self) -> HeaderValue {
        self.entry.prepared.header_value().cloned().unwrap_or_else(|| HeaderValue::from_static(""))
    }

    /// The token.
    pub fn token(&self) -> &Arc<Token> {
        &self.entry.token
    }
}

impl fmt::Debug for Authorization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Authorization").field("token", &self.entry.token).finish()
    }
}

impl Session {
    /// Whether a call answered with `status` should be sent again with a new token: only after
    /// a 401 that blames the token, within the renewal limits. A 401 that renews marks the
    /// token dead; any other status marks it accepted.
    ///
    /// The rules, in order:
    /// - a challenge whose `error` is not `invalid_token` (`insufficient_scope`, say) is about
    ///   the call, not the token: no renewal, the token stays;
    /// - a token issued after an earlier 401 within the cooldown and never accepted is not
    ///   renewed again (an API that rejects every token);
    /// - a token another 401 already discarded is replaced by the renewal under way;
    /// - at most [`REJECTION_RENEWALS`] 401-caused renewals per [`REJECTION_WINDOW`]; past
    ///   it the token stays in use until it expires.
    pub(crate) fn after_response(
        &self,
        vendor: &'static str,
        entry: &Entry,
        status: StatusCode,
        headers: &HeaderMap,
    ) -> bool {
        if status != StatusCode::UNAUTHORIZED {
            entry.accept();
            return false;
        }
        if let Some(error) = super::flow::challenge_error(headers).filter(|e| !e.eq_ignore_ascii_case("invalid_token"))
        {
            tracing::info!(vendor, error = %error, "API answered 401 for a reason other than the token; not renewing");
            return false;
        }
        if entry.after_rejection && !entry.was_accepted() && entry.stored_at.elapsed() < REJECTION_COOLDOWN {
            tracing::warn!(
                vendor,
                "API rejected a token issued after its earlier 401 and never accepted; not renewing again yet"
            );
            return false;
        }
        if !self.cache.holds(entry) {
            // Another call's 401 already discarded this token (or a renewal replaced it): this
            // one joins that renewal, and counts as no renewal of its own.
            return true;
        }
        if !self.rejections.try_take() {
            tracing::warn!(
                vendor,
                limit = REJECTION_RENEWALS,
                window_s = REJECTION_WINDOW.as_secs(),
                "API answered 401 again, past the limit of 401-caused renewals; keeping the token until it expires"
            );
            return false;
        }
        self.cache.revoke(entry);
        true
    }
}

impl<P> Client<P> {
    /// The token for a request you send yourself (through middleware, another HTTP client, a
    /// gRPC channel): the cached one, renewed as [`Client::token`] renews it.
    ///
    /// # Errors
    ///
    /// As [`Client::token`].
    pub async fn authorization(&self) -> Result<Authorization, Error> {
        Ok(Authorization { entry: self.inner.entry(&self.session).await? })
    }

    /// Reports the status of the answer to a request sent with `auth`, and returns whether to
    /// get a new [`authorization`](Client::authorization) and send the request again: after a
    /// 401 (the token is then never used again), unless the API keeps rejecting fresh tokens.
    /// Send again at most once, and only if the request can be replayed.
    ///
    /// Without the answer's headers a 401 always blames the token; prefer
    /// [`after_response_headers`](Self::after_response_headers), which reads the challenge.
    pub fn after_response(&self, auth: &Authorization, status: StatusCode) -> bool {
        self.after_response_headers(auth, status, &HeaderMap::new())
    }

    /// As [`after_response`](Self::after_response), reading the answer's `WWW-Authenticate`
    /// challenge too: a 401 whose `error` is not `invalid_token` (`insufficient_scope`, say)
    /// is about the call, not the token, and renews nothing. A presentation that signs each
    /// call (DPoP) needs the client's own send path (`ApiRequest`, the middleware, the tower
    /// layer), which also reads its challenges (a nonce).
    pub fn after_response_headers(&self, auth: &Authorization, status: StatusCode, headers: &HeaderMap) -> bool {
        self.judge(auth, None, status, headers) != super::flow::Verdict::Done
    }

    /// The vendor's display name, for the integrations' log events.
    #[cfg_attr(not(feature = "tower"), allow(dead_code))]
    pub(crate) fn vendor(&self) -> &'static str {
        self.inner.spec.name
    }
}
