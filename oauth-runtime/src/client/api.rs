//! Authenticated API calls: the token attached, renewed and replayed once after a 401.

use std::{fmt, sync::Arc, time::Duration};

use reqwest::{StatusCode, header};
use tracing::Instrument as _;

use super::Inner;
use crate::{cache::Entry, error::Error};

/// After a renewal that a 401 caused, further 401s within this time renew no more unless the API
/// accepted the new token in between: an API that rejects every token must not turn each call
/// into a token request, while a token that worked and then expired early is still renewed.
const REJECTION_COOLDOWN: Duration = Duration::from_secs(30);

/// An API call being built; [`ApiRequest::send`] attaches the token.
///
/// On a 401 the token is renewed once and the call sent once more, if its body can be sent
/// twice (anything but a stream).
#[must_use = "an ApiRequest does nothing until `send` is awaited"]
pub struct ApiRequest {
    inner: Arc<Inner>,
    builder: reqwest::RequestBuilder,
}

impl ApiRequest {
    pub(super) fn new(inner: Arc<Inner>, builder: reqwest::RequestBuilder) -> ApiRequest {
        ApiRequest { inner, builder }
    }

    /// Adjusts the underlying `reqwest` builder (query, body, headers, timeout...).
    ///
    /// ```no_run
    /// # async fn demo<P: oauth_runtime::Provider>(client: oauth_runtime::Client<P>) -> Result<(), oauth_runtime::Error> {
    /// let response = client
    ///     .post("/v1/things")
    ///     .map(|rb| rb.header("content-type", "application/json").body(r#"{"name":"x"}"#))
    ///     .send()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn map(self, f: impl FnOnce(reqwest::RequestBuilder) -> reqwest::RequestBuilder) -> Self {
        ApiRequest { inner: self.inner, builder: f(self.builder) }
    }

    /// Adds a header.
    pub fn header<K, V>(self, key: K, value: V) -> Self
    where
        header::HeaderName: TryFrom<K>,
        <header::HeaderName as TryFrom<K>>::Error: Into<http::Error>,
        header::HeaderValue: TryFrom<V>,
        <header::HeaderValue as TryFrom<V>>::Error: Into<http::Error>,
    {
        self.map(|rb| rb.header(key, value))
    }

    /// Sets the body.
    pub fn body(self, body: impl Into<reqwest::Body>) -> Self {
        self.map(|rb| rb.body(body))
    }

    /// Sets a timeout for this call alone, instead of the client's.
    pub fn timeout(self, timeout: Duration) -> Self {
        self.map(|rb| rb.timeout(timeout))
    }

    /// Sends the call with the token, and returns the API's response whatever its status.
    ///
    /// On a 401 the token is marked dead and, if the request can be sent again (its body is
    /// not a stream), renewed and the call sent once more; the second answer is returned as it
    /// is, 401 included. After such a renewal, 401s to the new token within 30 s return the
    /// response without renewing again, unless the API accepted the new token in between.
    ///
    /// # Errors
    ///
    /// [`Error::Request`] if the request cannot be built (a bad header, say), the token's error
    /// if none can be had, and [`Error::Timeout`] or [`Error::Connect`] if the API does not
    /// answer.
    pub async fn send(self) -> Result<reqwest::Response, Error> {
        let ApiRequest { inner, builder } = self;
        let vendor = inner.spec.name;
        let request = builder.build().map_err(|e| Error::transport(vendor, e, None))?;
        let replay = request.try_clone();
        let entry = inner.entry().await?;
        let response = execute(&inner, request, &entry).await?;
        if response.status() != StatusCode::UNAUTHORIZED {
            entry.accept();
            return Ok(response);
        }
        if entry.after_rejection && !entry.was_accepted() && entry.stored_at.elapsed() < REJECTION_COOLDOWN {
            tracing::warn!(
                vendor,
                "API rejected a token issued after its earlier 401 and never accepted; not renewing again yet"
            );
            return Ok(response);
        }
        inner.cache.revoke(&entry);
        let Some(replay) = replay else {
            tracing::info!(vendor, "API answered 401; the request has a streaming body, so it is not sent again");
            return Ok(response);
        };
        let span = tracing::info_span!("oauth.reauth", vendor);
        async {
            tracing::info!("API answered 401; renewing the token and sending the call again");
            let entry = inner.entry().await?;
            execute(&inner, replay, &entry).await
        }
        .instrument(span)
        .await
    }
}

impl fmt::Debug for ApiRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiRequest").field("vendor", &self.inner.spec.name).finish_non_exhaustive()
    }
}

async fn execute(inner: &Inner, mut request: reqwest::Request, entry: &Entry) -> Result<reqwest::Response, Error> {
    let timeout = request.timeout().copied().unwrap_or(inner.transport.timeout);
    request.headers_mut().insert(header::AUTHORIZATION, entry.header.clone());
    inner.transport.http.execute(request).await.map_err(|e| Error::transport(inner.spec.name, e, Some(timeout)))
}
