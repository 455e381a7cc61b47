//! A [`tower`](https://docs.rs/tower) layer that attaches the client's token to
//! `http::Request`s: [`OAuthLayer`], its service [`OAuthService`] and their
//! [`ResponseFuture`].
//!
//! # Replaying after a 401
//!
//! Sending a request a second time needs a second copy of it, body included. The default
//! layer, [`OAuthLayer::new`], therefore asks for a request body that is `Clone`: each request
//! is cloned before it is sent (for `String` or `Vec<u8>` a copy of the body, for
//! `bytes::Bytes` or `http_body_util::Full<Bytes>` a reference count), and after a 401 the
//! token is renewed and the copy sent. For bodies that cannot be cloned (streams,
//! `hyper::body::Incoming`), [`OAuthLayer::without_replay`] accepts any body: a 401 is
//! returned as it is, the rejected token is never used again and the next request renews it.
//! Both variants are the same types with a different marker, [`Replay`] or [`NoReplay`].
//!
//! ```no_run
//! use oauth_runtime::{Client, middleware::tower::OAuthLayer};
//! use tower::{Service, ServiceBuilder, ServiceExt};
//!
//! # async fn demo<P: Send + Sync + 'static>(client: Client<P>) -> Result<(), tower::BoxError> {
//! // Any service from `http::Request<B>` to `http::Response<_>`: here reqwest behind `service_fn`.
//! let http = client.http().clone();
//! let send = tower::service_fn(move |req: http::Request<String>| {
//!     let http = http.clone();
//!     async move {
//!         let response = http.execute(reqwest::Request::try_from(req)?).await?;
//!         Ok::<_, reqwest::Error>(http::Response::from(response))
//!     }
//! });
//! let mut service = ServiceBuilder::new()
//!     .concurrency_limit(64)
//!     .layer(OAuthLayer::new(client.clone()))
//!     .service(send);
//! let request = http::Request::get(format!("{}v1/me", client.base_url())).body(String::new())?;
//! let response = service.ready().await?.call(request).await?; // Authorization: Bearer <token>
//! # Ok(()) }
//! ```

use std::{
    fmt,
    future::Future,
    marker::PhantomData,
    pin::Pin,
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    task::{Context, Poll},
};

use http::{Request, Response};
use tower_layer::Layer;
use tower_service::Service;

use crate::{
    Client,
    client::{Dispatch, Failure},
};

/// The error type of [`OAuthService`], as in tower's own middleware: the inner service's
/// error, or the client's [`Error`](crate::Error) when no token could be had (get it back with
/// `err.downcast_ref::<oauth_runtime::Error>()`).
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Marker of the default variant: request bodies are `Clone`, and a request answered with a
/// 401 is sent once more with a new token.
#[derive(Debug, Clone, Copy, Default)]
pub struct Replay;

/// Marker of the variant for bodies that cannot be cloned: a 401 is returned as it is, and the
/// next request gets a new token.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoReplay;

/// A [`Layer`] wrapping services in [`OAuthService`].
///
/// The token is attached to requests whose URI is absolute and on the client's API origin;
/// others (another host, a bare path) pass through without a token, unless the layer
/// [trusts the service's destination](OAuthLayer::trust_service_destination) for bare paths.
///
/// Where it sits in the stack matters: layers inside it (closer to the network) see every
/// attempt, the replay after a 401 included; layers outside it see one request and its final
/// answer. A concurrency limit inside it is held while a caller waits for a token; put limits
/// outside it unless that is what you want.
pub struct OAuthLayer<P, R = Replay> {
    client: Client<P>,
    destination: Destination,
    _replay: PhantomData<fn() -> R>,
}

/// Which requests get the token: those for the API's origin, and bare paths when the service
/// is trusted to send them to the API alone.
#[derive(Clone)]
struct Destination {
    trust_paths: bool,
    /// Set once a bare path went by untouched, so the warning is logged once per layer.
    warned: Arc<AtomicBool>,
}

impl Destination {
    fn new() -> Destination {
        Destination { trust_paths: false, warned: Arc::new(AtomicBool::new(false)) }
    }

    fn authorizes(&self, uri: &http::Uri, base: &url::Url, vendor: &'static str) -> bool {
        if uri.scheme().is_some() || uri.authority().is_some() {
            return super::same_origin_uri(uri, base);
        }
        if !self.trust_paths && !self.warned.swap(true, Ordering::Relaxed) {
            tracing::warn!(
                vendor,
                "a request with a bare path (no scheme and host) went through without a token; if this service sends only to the API (a gRPC channel, say), use `OAuthLayer::trust_service_destination`"
            );
        }
        self.trust_paths
    }
}

impl<P> OAuthLayer<P, Replay> {
    /// A layer attaching `client`'s tokens (its [token parameters](Client::with_token_params)
    /// included), for request bodies that are `Clone`: see the [module docs](self).
    pub fn new(client: Client<P>) -> Self {
        OAuthLayer { client, destination: Destination::new(), _replay: PhantomData }
    }

    /// The same layer for request bodies of any type, which never sends a request twice.
    pub fn without_replay(self) -> OAuthLayer<P, NoReplay> {
        OAuthLayer { client: self.client, destination: self.destination, _replay: PhantomData }
    }
}

impl<P, R> OAuthLayer<P, R> {
    /// Attaches the token to requests whose URI is a bare path (`/pkg.Service/Method`), as
    /// tonic's requests are at a layer over its channel: the service decides where they go, so
    /// say so only for a service that sends nowhere but the client's API. Absolute URIs on
    /// another origin still pass through without a token.
    ///
    /// Without it, bare paths pass through without a token, and the first one logs a WARN.
    pub fn trust_service_destination(mut self) -> Self {
        self.destination.trust_paths = true;
        self
    }
}

impl<P, R> Clone for OAuthLayer<P, R> {
    fn clone(&self) -> Self {
        OAuthLayer { client: self.client.clone(), destination: self.destination.clone(), _replay: PhantomData }
    }
}

impl<P, R> fmt::Debug for OAuthLayer<P, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthLayer").field("client", &self.client).field("replay", &std::any::type_name::<R>()).finish()
    }
}

impl<S, P, R> Layer<S> for OAuthLayer<P, R> {
    type Service = OAuthService<S, P, R>;

    fn layer(&self, inner: S) -> Self::Service {
        OAuthService { inner, client: self.client.clone(), destination: self.destination.clone(), _replay: PhantomData }
    }
}

/// A [`Service`] that attaches a [`Client`]'s token to `http::Request`s and calls `S`, with the
/// rules of [`ApiRequest::send`](crate::ApiRequest::send): renewal before expiry with one token
/// request for all callers, and after a 401 a new token and (with [`Replay`]) one more
/// attempt. Made by [`OAuthLayer`].
///
/// `S` must be `Clone` (as most client services are: reqwest's, hyper-util's, `Buffer`): each
/// call takes the instance that was polled ready and leaves a clone in its place, since a call
/// awaits the token before it reaches `S`.
pub struct OAuthService<S, P, R = Replay> {
    inner: S,
    client: Client<P>,
    destination: Destination,
    _replay: PhantomData<fn() -> R>,
}

impl<S, P> OAuthService<S, P, Replay> {
    /// Wraps `inner`, for request bodies that are `Clone`.
    pub fn new(inner: S, client: Client<P>) -> Self {
        OAuthService { inner, client, destination: Destination::new(), _replay: PhantomData }
    }

    /// An [`OAuthLayer`] for `client`, as tower-http's services offer.
    pub fn layer(client: Client<P>) -> OAuthLayer<P, Replay> {
        OAuthLayer::new(client)
    }
}

impl<S, P, R> OAuthService<S, P, R> {
    /// The inner service.
    pub fn get_ref(&self) -> &S {
        &self.inner
    }

    /// The inner service, mutably.
    pub fn get_mut(&mut self) -> &mut S {
        &mut self.inner
    }

    /// The inner service, unwrapped.
    pub fn into_inner(self) -> S {
        self.inner
    }

    /// The client whose tokens are attached.
    pub fn client(&self) -> &Client<P> {
        &self.client
    }
}

impl<S: Clone, P, R> Clone for OAuthService<S, P, R> {
    fn clone(&self) -> Self {
        OAuthService {
            inner: self.inner.clone(),
            client: self.client.clone(),
            destination: self.destination.clone(),
            _replay: PhantomData,
        }
    }
}

impl<S: fmt::Debug, P, R> fmt::Debug for OAuthService<S, P, R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthService")
            .field("inner", &self.inner)
            .field("client", &self.client)
            .field("replay", &std::any::type_name::<R>())
            .finish()
    }
}

impl<S, P, B, ResB> Service<Request<B>> for OAuthService<S, P, Replay>
where
    S: Service<Request<B>, Response = Response<ResB>> + Clone + Send + 'static,
    S::Future: Send,
    S::Error: Into<BoxError>,
    B: Clone + Send + 'static,
    ResB: Send + 'static,
    P: 'static,
{
    type Response = Response<ResB>;
    type Error = BoxError;
    type Future = ResponseFuture<Response<ResB>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, req: Request<B>) -> Self::Future {
        self.dispatch(req, |req| Some(req.clone()))
    }
}

impl<S, P, B, ResB> Service<Request<B>> for OAuthService<S, P, NoReplay>
where
    S: Service<Request<B>, Response = Response<ResB>> + Clone + Send + 'static,
    S::Future: Send,
    S::Error: Into<BoxError>,
    B: Send + 'static,
    ResB: Send + 'static,
    P: 'static,
{
    type Response = Response<ResB>;
    type Error = BoxError;
    type Future = ResponseFuture<Response<ResB>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, req: Request<B>) -> Self::Future {
        self.dispatch(req, |_| None)
    }
}

impl<S, P, R> OAuthService<S, P, R> {
    /// Sends `req` through the ready inner service with the token when it is for the API's
    /// origin; `replay` makes the copy to send after a 401, if any (for the API's origin
    /// alone: other requests are never replayed, so never copied).
    fn dispatch<B, ResB>(
        &mut self,
        req: Request<B>,
        replay: impl FnOnce(&Request<B>) -> Option<Request<B>>,
    ) -> ResponseFuture<Response<ResB>>
    where
        S: Service<Request<B>, Response = Response<ResB>> + Clone + Send + 'static,
        S::Future: Send,
        S::Error: Into<BoxError>,
        B: Send + 'static,
        ResB: Send + 'static,
        P: 'static,
    {
        // The instance polled ready is the one to call; a clone takes its place.
        let ready = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, ready);
        if !self.destination.authorizes(req.uri(), self.client.base_url(), self.client.vendor()) {
            let call = inner.call(req);
            return ResponseFuture::new(async move { call.await.map_err(Into::into) });
        }
        let replay = replay(&req);
        let client = self.client.clone();
        ResponseFuture::new(async move {
            let template = inner.clone();
            let mut service = Ready { ready: Some(inner), template };
            match client.send_authorized(req, replay, &mut service).await {
                // The body is the caller's to read: the wire event goes out with the headers.
                Ok((response, _exchange)) => Ok(response),
                Err(Failure::Token(error)) => Err(BoxError::from(error)),
                Err(Failure::Send(error)) => Err(error),
            }
        })
    }
}

/// The inner service as the send path's way of sending: the instance polled ready for the
/// first attempt, a clone polled ready for the replay.
struct Ready<S> {
    ready: Option<S>,
    template: S,
}

impl<S, B, ResB> Dispatch<Request<B>> for Ready<S>
where
    S: Service<Request<B>, Response = Response<ResB>> + Clone + Send + 'static,
    S::Future: Send,
    S::Error: Into<BoxError>,
    B: Send + 'static,
    ResB: Send + 'static,
{
    type Response = Response<ResB>;
    type Error = BoxError;

    fn dispatch(&mut self, request: Request<B>) -> impl Future<Output = Result<Response<ResB>, BoxError>> + Send {
        let ready = self.ready.take();
        let template = self.template.clone();
        async move {
            let mut service = match ready {
                Some(service) => service,
                None => {
                    let mut service = template;
                    std::future::poll_fn(|cx| service.poll_ready(cx)).await.map_err(Into::into)?;
                    service
                }
            };
            service.call(request).await.map_err(Into::into)
        }
    }

    fn error_kind(error: &BoxError) -> &'static str {
        // The inner service's error: reqwest's when it is reqwest behind `service_fn`.
        match error.downcast_ref::<reqwest::Error>() {
            Some(e) => crate::wire::reqwest_error(e),
            None => "service",
        }
    }
}

/// The response future of [`OAuthService`]: the token, the inner call and the replay, boxed.
#[must_use = "futures do nothing unless polled"]
pub struct ResponseFuture<T> {
    inner: Pin<Box<dyn Future<Output = Result<T, BoxError>> + Send>>,
}

impl<T> ResponseFuture<T> {
    fn new(fut: impl Future<Output = Result<T, BoxError>> + Send + 'static) -> Self {
        ResponseFuture { inner: Box::pin(fut) }
    }
}

impl<T> Future for ResponseFuture<T> {
    type Output = Result<T, BoxError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.inner.as_mut().poll(cx)
    }
}

impl<T> fmt::Debug for ResponseFuture<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseFuture").finish_non_exhaustive()
    }
}
