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

use std::{fmt, future::Future};

use http::Extensions;
use reqwest::{Request, Response};
use reqwest_middleware::{Middleware, Next};

use crate::{
    Client,
    client::{Dispatch, Failure},
};

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
        let replay = req.try_clone();
        let mut chain = Chain { next, extensions };
        match self.client.send_authorized(req, replay, &mut chain).await {
            // The body is the caller's to read: the wire event goes out with the headers.
            Ok((response, _exchange)) => Ok(response),
            Err(Failure::Token(error)) => Err(reqwest_middleware::Error::middleware(error)),
            Err(Failure::Send(error)) => Err(error),
        }
    }
}

/// The rest of the middleware chain, as the send path's way of sending.
struct Chain<'a, 'e> {
    next: Next<'a>,
    extensions: &'e mut Extensions,
}

impl Dispatch<Request> for Chain<'_, '_> {
    type Response = Response;
    type Error = reqwest_middleware::Error;

    fn dispatch(&mut self, request: Request) -> impl Future<Output = reqwest_middleware::Result<Response>> + Send {
        self.next.clone().run(request, self.extensions)
    }

    fn error_kind(error: &reqwest_middleware::Error) -> &'static str {
        match error {
            reqwest_middleware::Error::Reqwest(e) => crate::wire::reqwest_error(e),
            reqwest_middleware::Error::Middleware(_) => "middleware",
        }
    }
}
