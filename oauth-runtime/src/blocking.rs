//! A blocking client, for programs without an async runtime, as `reqwest::blocking` is to
//! `reqwest`: [`BlockingClient`], [`BlockingRequest`] and [`BlockingResponse`].
//!
//! ```no_run
//! use oauth_runtime::{Client, Provider, blocking::BlockingClient};
//!
//! # fn demo<P: Provider>(credentials: P) -> Result<(), oauth_runtime::Error> {
//! let client = Client::builder(credentials).base_url("https://api.example.com").build()?.blocking()?;
//! let me: serde_json::Value = client.get("/v1/me").send_json()?;
//! let response = client.get("/v1/things").send()?;
//! println!("{} {}", response.status(), response.text()?);
//! # Ok(()) }
//! ```

use std::{fmt, future::Future, sync::Arc, thread, time::Duration};

use bytes::Bytes;
use reqwest::{Method, StatusCode, header::HeaderMap};
use serde::{Serialize, de::DeserializeOwned};
use url::Url;

use crate::{ApiRequest, Client, Error, Token, TokenParams};

/// A [`Client`] whose calls block the calling thread until they are done.
///
/// It owns a Tokio runtime: a current-thread runtime on a thread of its own, started by
/// [`BlockingClient::new`] and stopped when the last clone is dropped. Each call is handed to
/// that thread and the caller waits for its outcome, so a `BlockingClient` works from any
/// thread without a runtime, from `tokio::task::spawn_blocking`, and from the threads of a
/// multi-thread Tokio runtime. Nothing panics in an async context (unlike `reqwest::blocking`).
///
/// # Not on the thread of a current-thread runtime
///
/// Called on the thread that runs a current-thread Tokio runtime (`#[tokio::main(flavor =
/// "current_thread")]`, `#[tokio::test]`, inside `Runtime::block_on` or a task of such a
/// runtime), every call returns [`Error::Config`] at once instead of blocking: the
/// connections the async client pooled on that runtime are driven by that thread, so a call
/// that reuses one would wait for the thread it blocks, until its timeout. Call it in
/// `tokio::task::spawn_blocking` there (the runtime's thread stays free), or use the async
/// [`Client`]. (A call from a task of such a runtime is told apart from one in
/// `spawn_blocking` by asking the runtime to run a no-op task: a runtime that does not run it
/// within a second counts as blocked by the caller.)
///
/// On a multi-thread runtime a call blocks one worker thread, and its other workers drive the
/// connections; still, in async code prefer the async [`Client`] or `spawn_blocking`.
///
/// The client behind it keeps every rule of the async one (the token cache, renewal in the
/// background, single flight, the replay after a 401); renewals started by its calls run on
/// the blocking client's runtime. Clones share the runtime, the token cache and the connection
/// pool.
pub struct BlockingClient<P> {
    client: Client<P>,
    runtime: Arc<Background>,
}

impl<P> Client<P> {
    /// This client behind a blocking facade with a runtime of its own; see [`BlockingClient`].
    ///
    /// # Errors
    ///
    /// [`Error::Internal`] if the runtime or its thread cannot be started.
    pub fn blocking(self) -> Result<BlockingClient<P>, Error> {
        BlockingClient::new(self)
    }
}

impl<P> BlockingClient<P> {
    /// Starts the runtime thread and wraps `client` (see [`Client::blocking`]).
    ///
    /// # Errors
    ///
    /// [`Error::Internal`] if the runtime or its thread cannot be started.
    pub fn new(client: Client<P>) -> Result<BlockingClient<P>, Error> {
        Ok(BlockingClient { client, runtime: Arc::new(Background::start()?) })
    }

    /// The async client behind this one (same cache, same pool).
    pub fn client(&self) -> &Client<P> {
        &self.client
    }

    /// The base URL API calls go to.
    pub fn base_url(&self) -> &Url {
        self.client.base_url()
    }

    /// A usable token, as [`Client::token`] gives it.
    ///
    /// # Errors
    ///
    /// As [`Client::token`].
    pub fn token(&self) -> Result<Arc<Token>, Error>
    where
        P: 'static,
    {
        let client = self.client.clone();
        self.runtime.run(async move { client.token().await })
    }

    /// Renews the token now, as [`Client::refresh`] does.
    ///
    /// # Errors
    ///
    /// As [`Client::refresh`].
    pub fn refresh(&self) -> Result<Arc<Token>, Error>
    where
        P: 'static,
    {
        let client = self.client.clone();
        self.runtime.run(async move { client.refresh().await })
    }

    /// The cached token if it is valid and not due for renewal; never waits.
    pub fn cached_token(&self) -> Option<Arc<Token>> {
        self.client.cached_token()
    }

    /// Waits for every token renewal in flight, as [`Client::drain`] does: call it before the
    /// program exits.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] on the thread of a current-thread runtime (see [`BlockingClient`]).
    pub fn drain(&self) -> Result<(), Error>
    where
        P: 'static,
    {
        let client = self.client.clone();
        self.runtime.run(async move {
            client.drain().await;
            Ok(())
        })
    }

    /// Revokes the refresh and access tokens, as [`Client::revoke`] does.
    ///
    /// # Errors
    ///
    /// As [`Client::revoke`].
    pub fn revoke(&self) -> Result<(), Error>
    where
        P: 'static,
    {
        let client = self.client.clone();
        self.runtime.run(async move { client.revoke().await })
    }

    /// Runs the device grant, as [`Client::authorize_device`] does: `on_prompt` gets the user
    /// code and verification URI (it runs on the blocking client's runtime thread), and this
    /// returns once the person decided or the code expired.
    ///
    /// # Errors
    ///
    /// As [`Client::authorize_device`].
    pub fn authorize_device(
        &self,
        on_prompt: impl FnOnce(&crate::grant::DeviceAuthorization) + Send + 'static,
    ) -> Result<Arc<Token>, Error>
    where
        P: 'static,
    {
        let client = self.client.clone();
        self.runtime.run(async move { client.authorize_device(on_prompt).await })
    }

    /// Runs the authorization code grant, as [`Client::authorize`] does: `on_url` gets the URL
    /// to open in the person's browser (on the blocking client's runtime thread), and this
    /// returns once the loopback redirect came back or the wait timed out.
    ///
    /// # Errors
    ///
    /// As [`Client::authorize`].
    pub fn authorize(&self, on_url: impl FnOnce(&Url) + Send + 'static) -> Result<Arc<Token>, Error>
    where
        P: 'static,
    {
        let client = self.client.clone();
        self.runtime.run(async move { client.authorize(on_url).await })
    }

    /// A handle whose tokens are exchanged for `exchange`'s subject, as [`Client::exchange`]
    /// makes one; it shares this one's runtime.
    pub fn exchange(&self, exchange: crate::Exchange) -> BlockingClient<P> {
        BlockingClient { client: self.client.exchange(exchange), runtime: self.runtime.clone() }
    }

    /// A handle whose tokens are requested with `params`, as [`Client::with_token_params`]
    /// makes one; it shares this one's runtime.
    pub fn with_token_params(&self, params: TokenParams) -> BlockingClient<P> {
        BlockingClient { client: self.client.with_token_params(params), runtime: self.runtime.clone() }
    }

    /// An API call to `path` with the token attached; see [`Client::request`].
    pub fn request(&self, method: Method, path: &str) -> BlockingRequest {
        self.wrap(self.client.request(method, path))
    }

    /// A call of the declared operation `name`; see [`Client::operation`].
    pub fn operation(&self, name: &'static str, method: Method, path: &str) -> BlockingRequest {
        self.wrap(self.client.operation(name, method, path))
    }

    /// `GET path` with the token attached.
    pub fn get(&self, path: &str) -> BlockingRequest {
        self.request(Method::GET, path)
    }

    /// `POST path` with the token attached.
    pub fn post(&self, path: &str) -> BlockingRequest {
        self.request(Method::POST, path)
    }

    /// `PUT path` with the token attached.
    pub fn put(&self, path: &str) -> BlockingRequest {
        self.request(Method::PUT, path)
    }

    /// `PATCH path` with the token attached.
    pub fn patch(&self, path: &str) -> BlockingRequest {
        self.request(Method::PATCH, path)
    }

    /// `DELETE path` with the token attached.
    pub fn delete(&self, path: &str) -> BlockingRequest {
        self.request(Method::DELETE, path)
    }

    fn wrap(&self, request: ApiRequest) -> BlockingRequest {
        BlockingRequest { request, runtime: self.runtime.clone() }
    }
}

impl<P> Clone for BlockingClient<P> {
    fn clone(&self) -> Self {
        BlockingClient { client: self.client.clone(), runtime: self.runtime.clone() }
    }
}

impl<P> fmt::Debug for BlockingClient<P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BlockingClient").field("client", &self.client).finish_non_exhaustive()
    }
}

/// An API call being built, sent by the blocking `send` methods; the blocking form of
/// [`ApiRequest`], with the same methods.
#[must_use = "a BlockingRequest does nothing until it is sent"]
pub struct BlockingRequest {
    request: ApiRequest,
    runtime: Arc<Background>,
}

impl BlockingRequest {
    fn with(self, f: impl FnOnce(ApiRequest) -> ApiRequest) -> Self {
        BlockingRequest { request: f(self.request), runtime: self.runtime }
    }

    /// Adjusts the underlying `reqwest` builder; see [`ApiRequest::map`].
    pub fn map(self, f: impl FnOnce(reqwest::RequestBuilder) -> reqwest::RequestBuilder) -> Self {
        self.with(|r| r.map(f))
    }

    /// Adds a header; see [`ApiRequest::header`].
    pub fn header<K, V>(self, key: K, value: V) -> Self
    where
        reqwest::header::HeaderName: TryFrom<K>,
        <reqwest::header::HeaderName as TryFrom<K>>::Error: Into<http::Error>,
        reqwest::header::HeaderValue: TryFrom<V>,
        <reqwest::header::HeaderValue as TryFrom<V>>::Error: Into<http::Error>,
    {
        self.with(|r| r.header(key, value))
    }

    /// Sets the body.
    pub fn body(self, body: impl Into<reqwest::Body>) -> Self {
        self.with(|r| r.body(body))
    }

    /// Sets a body of bytes and its `Content-Type`; see [`ApiRequest::bytes`].
    pub fn bytes(self, content_type: &str, body: impl Into<bytes::Bytes>) -> Self {
        self.with(|r| r.bytes(content_type, body))
    }

    /// Sets a `multipart/form-data` body (feature `multipart`); see [`ApiRequest::multipart`].
    #[cfg(feature = "multipart")]
    pub fn multipart(self, form: crate::Multipart) -> Self {
        self.with(|r| r.multipart(form))
    }

    /// Sets a JSON body; see [`ApiRequest::json`].
    pub fn json<T: Serialize + ?Sized>(self, value: &T) -> Self {
        self.with(|r| r.json(value))
    }

    /// Sets a form body; see [`ApiRequest::form`].
    pub fn form<T: Serialize + ?Sized>(self, value: &T) -> Self {
        self.with(|r| r.form(value))
    }

    /// Adds the fields of `value` to the query string; see [`ApiRequest::query`].
    pub fn query<T: Serialize + ?Sized>(self, value: &T) -> Self {
        self.with(|r| r.query(value))
    }

    /// Adds `name=value` to the query string; see [`ApiRequest::query_param`].
    pub fn query_param<T: Serialize + ?Sized>(self, name: &str, value: &T) -> Self {
        self.with(|r| r.query_param(name, value))
    }

    /// Sets a timeout for this call alone, instead of the client's.
    pub fn timeout(self, timeout: Duration) -> Self {
        self.with(|r| r.timeout(timeout))
    }

    /// Declares the scopes this call needs; see [`ApiRequest::require_scopes`].
    pub fn require_scopes(self, scopes: &'static [&'static str]) -> Self {
        self.with(|r| r.require_scopes(scopes))
    }

    /// Declares the type the API's error bodies are read into; see [`ApiRequest::error_type`].
    pub fn error_type<E>(self) -> Self
    where
        E: DeserializeOwned + Send + Sync + fmt::Debug + 'static,
    {
        self.with(|r| r.error_type::<E>())
    }

    /// Sends the call with the token and returns the API's response whatever its status, as
    /// [`ApiRequest::send`] does (renewal and one replay after a 401 included).
    ///
    /// # Errors
    ///
    /// As [`ApiRequest::send`].
    pub fn send(self) -> Result<BlockingResponse, Error> {
        let request = self.request;
        let response = self.runtime.run(request.send())?;
        Ok(BlockingResponse { response, runtime: self.runtime })
    }

    /// Sends the call and reads a 2xx JSON body into `T`; see [`ApiRequest::send_json`].
    ///
    /// # Errors
    ///
    /// As [`ApiRequest::send_json`].
    pub fn send_json<T: DeserializeOwned + Send + 'static>(self) -> Result<T, Error> {
        self.runtime.run(self.request.send_json::<T>())
    }

    /// Sends the call and returns a 2xx body as text; see [`ApiRequest::send_text`].
    ///
    /// # Errors
    ///
    /// As [`ApiRequest::send_text`].
    pub fn send_text(self) -> Result<String, Error> {
        self.runtime.run(self.request.send_text())
    }

    /// Sends the call and returns a 2xx body as bytes; see [`ApiRequest::send_bytes`].
    ///
    /// # Errors
    ///
    /// As [`ApiRequest::send_bytes`].
    pub fn send_bytes(self) -> Result<Bytes, Error> {
        self.runtime.run(self.request.send_bytes())
    }

    /// Sends the call and checks that the answer is a 2xx; see [`ApiRequest::send_empty`].
    ///
    /// # Errors
    ///
    /// As [`ApiRequest::send_empty`].
    pub fn send_empty(self) -> Result<(), Error> {
        self.runtime.run(self.request.send_empty())
    }
}

impl fmt::Debug for BlockingRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("BlockingRequest").field(&self.request).finish()
    }
}

/// The API's answer to a [`BlockingRequest::send`], whatever its status; reading its body
/// blocks. No cap applies to the body: use the typed sends for a capped read.
pub struct BlockingResponse {
    response: reqwest::Response,
    runtime: Arc<Background>,
}

impl BlockingResponse {
    /// The status code.
    pub fn status(&self) -> StatusCode {
        self.response.status()
    }

    /// The headers.
    pub fn headers(&self) -> &HeaderMap {
        self.response.headers()
    }

    /// The URL of the request answered.
    pub fn url(&self) -> &Url {
        self.response.url()
    }

    /// The body as bytes.
    ///
    /// # Errors
    ///
    /// [`Error::Timeout`] or [`Error::Connect`] if the body cannot be read.
    pub fn bytes(self) -> Result<Bytes, Error> {
        let response = self.response;
        self.runtime.run(async move { response.bytes().await.map_err(Error::from) })
    }

    /// The body as text, invalid UTF-8 replaced.
    ///
    /// # Errors
    ///
    /// As [`BlockingResponse::bytes`].
    pub fn text(self) -> Result<String, Error> {
        let response = self.response;
        self.runtime.run(async move { response.text().await.map_err(Error::from) })
    }

    /// The body as JSON, read into `T`.
    ///
    /// # Errors
    ///
    /// As [`BlockingResponse::bytes`], and a body that does not fit `T`. For the API's error
    /// statuses, the vendor's typed error body and field paths in errors, use
    /// [`BlockingRequest::send_json`] instead.
    pub fn json<T: DeserializeOwned + Send + 'static>(self) -> Result<T, Error> {
        let response = self.response;
        self.runtime.run(async move { response.json::<T>().await.map_err(Error::from) })
    }
}

impl fmt::Debug for BlockingResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BlockingResponse")
            .field("status", &self.response.status())
            .field("url", &self.response.url().as_str())
            .finish_non_exhaustive()
    }
}

/// A current-thread Tokio runtime on a thread of its own, running until dropped.
struct Background {
    handle: tokio::runtime::Handle,
    /// Dropping it ends the thread's `block_on`.
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<thread::JoinHandle<()>>,
}

impl Background {
    fn start() -> Result<Background, Error> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| Error::internal(VENDOR, format!("cannot start the blocking client's runtime: {e}")))?;
        let handle = runtime.handle().clone();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = thread::Builder::new()
            .name("oauth-runtime-blocking".to_owned())
            .spawn(move || {
                // Ends when the sender is dropped; dropping the runtime here, outside any async
                // context, is what Tokio requires.
                let _ = runtime.block_on(stopped);
            })
            .map_err(|e| Error::internal(VENDOR, format!("cannot start the blocking client's thread: {e}")))?;
        Ok(Background { handle, stop: Some(stop), thread: Some(thread) })
    }

    /// Runs `fut` on the runtime thread and waits for its outcome. A std channel rather than
    /// `Runtime::block_on` or Tokio's `blocking_recv`, which both panic in an async context.
    fn run<F, T>(&self, fut: F) -> Result<T, Error>
    where
        F: Future<Output = Result<T, Error>> + Send + 'static,
        T: Send + 'static,
    {
        refuse_on_a_current_thread_runtime()?;
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        self.handle.spawn(async move {
            let _ = tx.send(fut.await);
        });
        // The thread only stops once every handle is gone, so this fails only if a task
        // panicked, which is a bug in this crate: pass it on.
        rx.recv().expect("the blocking client's task panicked")
    }
}

/// The blocking client's own errors name no vendor.
const VENDOR: &str = "blocking client";

/// How long the runtime of a caller in one of its tasks has to run a no-op task before the
/// caller counts as blocking it.
const PROBE: Duration = Duration::from_secs(1);

/// `Err` on the thread that runs a current-thread runtime: blocking it would stall the
/// connections that runtime drives, which the call may be waiting for (see [`BlockingClient`]).
fn refuse_on_a_current_thread_runtime() -> Result<(), Error> {
    let Ok(handle) = tokio::runtime::Handle::try_current() else { return Ok(()) };
    if handle.runtime_flavor() != tokio::runtime::RuntimeFlavor::CurrentThread {
        return Ok(());
    }
    let refused = || {
        Error::config(
            "a BlockingClient cannot block the thread that runs a current-thread Tokio runtime: \
             the connections that runtime drives would wait for it; call it in \
             tokio::task::spawn_blocking, or use the async Client",
        )
    };
    // Not in a task: in `block_on` itself (or under `Handle::enter`), so the runtime's thread.
    if tokio::task::try_id().is_none() {
        return Err(refused());
    }
    // In a task: one of `spawn_blocking`, whose runtime's thread is free to run a task, or an
    // async one, on the very thread that would run it.
    let (tx, rx) = std::sync::mpsc::sync_channel(1);
    handle.spawn(async move {
        let _ = tx.send(());
    });
    rx.recv_timeout(PROBE).map_err(|_| refused())
}

impl Drop for Background {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            // A token hook holding the last handle may drop it on the runtime thread itself.
            if thread.thread().id() != thread::current().id() {
                let _ = thread.join();
            }
        }
    }
}
