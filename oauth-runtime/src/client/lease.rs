//! A token handed out for one request, and what the answer to that request says about it: the
//! rules every way of sending a call shares (`ApiRequest`, the middleware, your own code).

use std::{fmt, sync::Arc, time::Duration};

use reqwest::{StatusCode, header::HeaderValue};

use super::{Client, Session};
use crate::{cache::Entry, error::Error, token::Token};

/// After a renewal that a 401 caused, further 401s within this time renew no more unless the API
/// accepted the new token in between: an API that rejects every token must not turn each call
/// into a token request, while a token that worked and then expired early is still renewed.
const REJECTION_COOLDOWN: Duration = Duration::from_secs(30);

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
    pub fn header_value(&self) -> HeaderValue {
        self.entry.header.clone()
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
    /// a 401, and not when the token was issued after an earlier 401 within the cooldown and
    /// never accepted. A 401 marks the token dead; any other status marks it accepted.
    pub(crate) fn after_response(&self, vendor: &'static str, entry: &Entry, status: StatusCode) -> bool {
        if status != StatusCode::UNAUTHORIZED {
            entry.accept();
            return false;
        }
        if entry.after_rejection && !entry.was_accepted() && entry.stored_at.elapsed() < REJECTION_COOLDOWN {
            tracing::warn!(
                vendor,
                "API rejected a token issued after its earlier 401 and never accepted; not renewing again yet"
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
    pub fn after_response(&self, auth: &Authorization, status: StatusCode) -> bool {
        self.session.after_response(self.inner.spec.name, &auth.entry, status)
    }

    /// The vendor's display name, for the integrations' log events.
    #[cfg_attr(not(any(feature = "reqwest-middleware", feature = "tower")), allow(dead_code))]
    pub(crate) fn vendor(&self) -> &'static str {
        self.inner.spec.name
    }
}
