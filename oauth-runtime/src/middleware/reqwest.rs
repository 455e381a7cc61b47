//! A [`reqwest_middleware::Middleware`] that attaches the client's token.
//!
//! ```no_run
//! use oauth_runtime::{Client, middleware::reqwest::OAuthMiddleware};
//!
//! # async fn demo<P: Send + Sync + 'static>(client: Client<P>) -> Result<(), Box<dyn std::error::Error>> {
//! let http = reqwest_middleware::ClientBuilder::new(client.http().clone())
//!     .with(OAuthMiddleware::new(client.clone()))
//!     .build();
//! let url = client.base_url().join("/v1/me")?;
//! let response = http.get(url).send().await?; // Authorization: Bearer <token>
//! # Ok(()) }
//! ```

use std::fmt;

use http::Extensions;
use reqwest::{Request, Response, header::AUTHORIZATION};
use reqwest_middleware::{Middleware, Next};
use tracing::Instrument as _;

use crate::Client;

/// Attaches `Authorization: <type> <token>` from a [`Client`] to every request for the client's
/// API origin, with the rules of [`ApiRequest::send`](crate::ApiRequest::send): the token is
/// renewed before expiry with one token request for all callers, and after a 401 it is renewed
/// and the request sent once more if it can be cloned (any body but a stream). Requests for
/// other origins pass through without a token.
///
/// Where it sits in the chain matters: middleware added after it (closer to the network)
/// sees every attempt, the replay after a 401 included, and the `Authorization` header;
/// middleware added before it sees one request and its final answer. Put a retry middleware
/// before it, so that each retry gets a fresh look at the token.
///
/// When no token can be had, the request fails with
/// [`reqwest_middleware::Error::Middleware`] holding the client's [`Error`](crate::Error):
/// get it back with `err.downcast_ref::<oauth_runtime::Error>()` on the inner
/// [`anyhow::Error`](https://docs.rs/anyhow).
///
/// The middleware does not set the client's total [timeout](crate::ClientBuilder::timeout):
/// set one on the `reqwest::Client` or on each request.
pub struct OAuthMiddleware<P> {
    client: Client<P>,
}

impl<P> OAuthMiddleware<P> {
    /// A middleware attaching `client`'s tokens (its [token parameters](Client::with_token_params)
    /// included).
    pub fn new(client: Client<P>) -> Self {
        OAuthMiddleware { client }
    }

    /// The client whose tokens are attached.
    pub fn client(&self) -> &Client<P> {
        &self.client
    }
}

impl<P> Clone for OAuthMiddleware<P> {
    fn clone(&self) -> Self {
        OAuthMiddleware { client: self.client.clone() }
    }
}

impl<P> fmt::Debug for OAuthMiddleware<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthMiddleware").field("client", &self.client).finish()
    }
}

#[async_trait::async_trait]
impl<P: 'static> Middleware for OAuthMiddleware<P> {
    async fn handle(
        &self,
        req: Request,
        extensions: &mut Extensions,
        next: Next<'_>,
    ) -> reqwest_middleware::Result<Response> {
        if !super::same_origin_url(req.url(), self.client.base_url()) {
            return next.run(req, extensions).await;
        }
        let client = &self.client;
        let replay = req.try_clone();
        let auth = client.authorization().await.map_err(reqwest_middleware::Error::middleware)?;
        let response = next.clone().run(with_auth(req, auth.header_value()), extensions).await?;
        if !client.after_response(&auth, response.status()) {
            return Ok(response);
        }
        let vendor = client.vendor();
        let Some(replay) = replay else {
            tracing::info!(vendor, "API answered 401; the request has a streaming body, so it is not sent again");
            return Ok(response);
        };
        let span = tracing::info_span!("oauth.reauth", vendor);
        async move {
            tracing::info!("API answered 401; renewing the token and sending the request again");
            // The first answer is dropped before the second request, freeing its connection.
            drop(response);
            let auth = client.authorization().await.map_err(reqwest_middleware::Error::middleware)?;
            let response = next.run(with_auth(replay, auth.header_value()), extensions).await?;
            client.after_response(&auth, response.status());
            Ok(response)
        }
        .instrument(span)
        .await
    }
}

fn with_auth(mut req: Request, value: http::HeaderValue) -> Request {
    req.headers_mut().insert(AUTHORIZATION, value);
    req
}
