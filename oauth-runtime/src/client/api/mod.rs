//! Authenticated API calls: building one, sending it with the token (renewed and replayed once
//! after a 401), reading the answer into typed values (`typed`), and paginated calls (`pages`).

mod answer;
#[cfg(feature = "multipart")]
mod form;
mod pages;
mod scopes;
mod typed;

pub use answer::Answer;
pub use pages::{Page, PageItem, PageStream, PageStyle, Pages, Pagination};

use std::{fmt, future::Future, marker::PhantomData, sync::Arc, time::Duration};

use bytes::Bytes;
use reqwest::header;
use serde::Serialize;
use tracing::Instrument as _;

use super::{
    Client, Inner, Session,
    flow::{Dispatch, Failure},
};
use crate::{
    QueryStyle,
    api_error::{self, ErrorDecoder},
    error::Error,
    query, wire,
};

/// An API call being built; `send` and its typed forms attach the token.
///
/// On a 401 the token is renewed once and the call sent once more, if its body can be sent
/// twice (anything but a stream).
///
/// ```no_run
/// # async fn demo<P>(client: oauth_runtime::Client<P>) -> Result<(), oauth_runtime::Error> {
/// #[derive(serde::Serialize)]
/// struct NewThing<'a> { name: &'a str }
/// #[derive(serde::Deserialize)]
/// struct Thing { id: u64 }
///
/// let thing: Thing = client
///     .post("/v1/things")
///     .query_param("dry_run", &Some(false))
///     .json(&NewThing { name: "x" })
///     .send_json()
///     .await?;
/// # Ok(()) }
/// ```
#[must_use = "an ApiRequest does nothing until it is sent"]
pub struct ApiRequest {
    inner: Arc<Inner>,
    session: Arc<Session>,
    /// The request, or why it cannot be sent (a URL on another origin, say).
    builder: Result<reqwest::RequestBuilder, Error>,
    operation: Option<&'static str>,
    error_decoder: Option<ErrorDecoder>,
    /// A multipart body, written into a reqwest form of its own for each attempt (that form is
    /// a stream, sent once).
    #[cfg(feature = "multipart")]
    multipart: Option<crate::Multipart>,
    /// The scopes the call declared it needs ([`ApiRequest::require_scopes`]), each once.
    required: Vec<&'static str>,
}

impl ApiRequest {
    pub(super) fn new(
        inner: Arc<Inner>,
        session: Arc<Session>,
        builder: Result<reqwest::RequestBuilder, Error>,
        operation: Option<&'static str>,
    ) -> ApiRequest {
        ApiRequest {
            inner,
            session,
            builder,
            operation,
            error_decoder: None,
            #[cfg(feature = "multipart")]
            multipart: None,
            required: Vec::new(),
        }
    }

    /// Adjusts the underlying `reqwest` builder (anything the other methods do not cover:
    /// streams, basic settings).
    ///
    /// ```no_run
    /// # async fn demo<P>(client: oauth_runtime::Client<P>) -> Result<(), oauth_runtime::Error> {
    /// let response = client
    ///     .post("/v1/things")
    ///     .map(|rb| rb.header("content-type", "application/json").body(r#"{"name":"x"}"#))
    ///     .send()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn map(self, f: impl FnOnce(reqwest::RequestBuilder) -> reqwest::RequestBuilder) -> Self {
        ApiRequest { builder: self.builder.map(f), ..self }
    }

    /// Adds a header. An invalid name or value is reported as [`Error::Request`] when sent.
    pub fn header<K, V>(self, key: K, value: V) -> Self
    where
        header::HeaderName: TryFrom<K>,
        <header::HeaderName as TryFrom<K>>::Error: Into<http::Error>,
        header::HeaderValue: TryFrom<V>,
        <header::HeaderValue as TryFrom<V>>::Error: Into<http::Error>,
    {
        self.map(|rb| rb.header(key, value))
    }

    /// Sets the body. A stream cannot be sent twice: after a 401 the call is not replayed.
    pub fn body(self, body: impl Into<reqwest::Body>) -> Self {
        self.with_body(|rb| rb.body(body))
    }

    /// Sets a body of bytes and its `Content-Type`, replacing one set before: an image, an
    /// archive, a file of any kind, as the API's operation declares it
    /// (`application/octet-stream` when it names none).
    ///
    /// ```no_run
    /// # async fn demo<P>(client: oauth_runtime::Client<P>) -> Result<(), oauth_runtime::Error> {
    /// let archive = std::fs::read("build.tar.gz").expect("the artifact");
    /// client.put("/v8/artifacts/0a1b2c").bytes("application/octet-stream", archive).send_empty().await?;
    /// # Ok(()) }
    /// ```
    ///
    /// The bytes are sent again as they are after a 401; `Bytes` and `Vec<u8>` are taken
    /// without a copy. A content type that is no header value makes the call fail with
    /// [`Error::Request`] when sent.
    pub fn bytes(self, content_type: &str, body: impl Into<Bytes>) -> Self {
        let body = body.into();
        self.with_body(|rb| match header::HeaderValue::from_str(content_type) {
            Ok(value) => rb.headers(header::HeaderMap::from_iter([(header::CONTENT_TYPE, value)])).body(body),
            // reqwest reports the invalid value when the call is sent, as any header's.
            Err(_) => rb.header(header::CONTENT_TYPE, content_type),
        })
    }

    /// Sets a `multipart/form-data` body (feature `multipart`), replacing any body and
    /// `Content-Type` set before.
    ///
    /// ```no_run
    /// # async fn demo<P>(client: oauth_runtime::Client<P>) -> Result<(), oauth_runtime::Error> {
    /// use oauth_runtime::Multipart;
    ///
    /// let form = Multipart::new().text("name", "v1.2.0.zip").file("asset", "v1.2.0.zip", "application/zip", vec![0x50, 0x4b]);
    /// let asset: serde_json::Value = client.post("/uploads").multipart(form).send_json().await?;
    /// # Ok(()) }
    /// ```
    ///
    /// Each attempt writes the form anew (with a boundary of its own), so a call with a
    /// multipart body is replayed after a 401 like any other. A part's content type that is
    /// no media type makes the call fail with [`Error::Request`] when sent.
    #[cfg(feature = "multipart")]
    pub fn multipart(self, form: crate::Multipart) -> Self {
        ApiRequest { multipart: Some(form), ..self }
    }

    /// Sets a JSON body (and `Content-Type: application/json`).
    pub fn json<T: Serialize + ?Sized>(self, value: &T) -> Self {
        self.with_body(|rb| rb.json(value))
    }

    /// Sets a form body (`application/x-www-form-urlencoded`); `None` fields are left out.
    pub fn form<T: Serialize + ?Sized>(self, value: &T) -> Self {
        self.with_body(|rb| rb.form(value))
    }

    /// [`map`](Self::map) for a method that sets the body: the last body set is sent.
    #[cfg_attr(not(feature = "multipart"), allow(unused_mut))]
    fn with_body(mut self, f: impl FnOnce(reqwest::RequestBuilder) -> reqwest::RequestBuilder) -> Self {
        #[cfg(feature = "multipart")]
        {
            self.multipart = None;
        }
        self.map(f)
    }

    /// Adds the fields of `value` (a struct or a map) to the query string; `None` fields are
    /// left out.
    pub fn query<T: Serialize + ?Sized>(self, value: &T) -> Self {
        self.map(|rb| rb.query(value))
    }

    /// Adds `name=value` to the query string: nothing for `None`, one pair per element of a
    /// sequence (`id=1&id=2`), the value itself otherwise.
    ///
    /// A value with no such form (a struct or a map, or a sequence holding one or a sequence)
    /// makes the call fail with [`Error::Argument`] unsent: send a struct's fields with
    /// [`query`](Self::query), or write it in another style with
    /// [`query_styled`](Self::query_styled).
    pub fn query_param<T: Serialize + ?Sized>(self, name: &str, value: &T) -> Self {
        self.query_value(name, value, QueryStyle::Repeated, "send its fields as pairs with `.query(&value)`")
    }

    /// Adds `value` to the query string under `name` in one of the styles OpenAPI defines: a
    /// list joined by commas, spaces or pipes, an object as `name[key]=value` pairs
    /// ([`QueryStyle`] shows each). Nothing is sent for `None`.
    ///
    /// ```no_run
    /// # async fn demo<P>(client: oauth_runtime::Client<P>) -> Result<(), oauth_runtime::Error> {
    /// use oauth_runtime::QueryStyle;
    ///
    /// #[derive(serde::Serialize)]
    /// struct Filter<'a> { status: &'a str, owner: Option<&'a str> }
    ///
    /// // GET /v1/invoices?ids=7,9&filter[status]=open
    /// let invoices: serde_json::Value = client
    ///     .get("/v1/invoices")
    ///     .query_styled("ids", &[7, 9], QueryStyle::Comma)
    ///     .query_styled("filter", &Filter { status: "open", owner: None }, QueryStyle::DeepObject)
    ///     .send_json()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    ///
    /// A value the style has no form for (a list of lists, a list in
    /// [`QueryStyle::DeepObject`]) makes the call fail with [`Error::Argument`] unsent.
    pub fn query_styled<T: Serialize + ?Sized>(self, name: &str, value: &T, style: QueryStyle) -> Self {
        self.query_value(name, value, style, "send it in another style, or as a string written by hand")
    }

    /// `value` under `name` in `style`, `fix` saying what to do with a value it has no form for.
    pub(crate) fn query_value<T: Serialize + ?Sized>(
        self,
        name: &str,
        value: &T,
        style: QueryStyle,
        fix: &str,
    ) -> Self {
        let pairs = match serde_json::to_value(value) {
            Ok(value) => query::pairs(name, value, style),
            // Serializing failed: reqwest reports it, as for any query, when the call is sent.
            Err(_) => return self.map(|rb| rb.query(&[(name, value)])),
        };
        match pairs {
            Ok(pairs) if pairs.is_empty() => self,
            Ok(pairs) => self.map(|rb| rb.query(&pairs)),
            Err(why) => self.refuse(format!("{why}: {fix}")),
        }
    }

    /// The call, failing with [`Error::Argument`] unsent (after any earlier error).
    fn refuse(self, message: String) -> Self {
        let error = Error::argument(self.inner.spec.name, self.operation, message);
        ApiRequest { builder: self.builder.and(Err(error)), ..self }
    }

    /// Sets a timeout for this call alone, instead of the client's.
    pub fn timeout(self, timeout: Duration) -> Self {
        self.map(|rb| rb.timeout(timeout))
    }

    /// Declares the type the API's error bodies are read into: a non-2xx answer to a typed
    /// send becomes [`Error::Api`] with the body in that type ([`ApiError::body`]).
    ///
    /// [`ApiError::body`]: crate::ApiError::body
    pub fn error_type<E>(self) -> Self
    where
        E: serde::de::DeserializeOwned + Send + Sync + fmt::Debug + 'static,
    {
        ApiRequest { error_decoder: Some(api_error::decoder::<E>()), ..self }
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
    /// [`Error::Request`] if the request cannot be built (a bad header, say),
    /// [`Error::Argument`] if it carries an `Authorization` header of its own (set with
    /// [`header`](Self::header) or [`map`](Self::map)) or a refused path argument, the token's error
    /// if none can be had, [`Error::Scope`] if the grant needs a person and its token lacks a
    /// [required scope](Self::require_scopes), and [`Error::Timeout`] or [`Error::Connect`] if
    /// the API does not answer.
    pub async fn send(self) -> Result<reqwest::Response, Error> {
        // The runtime reads no body here: the wire event goes out with the answer's headers.
        self.send_recorded().await.map(|(response, _exchange)| response)
    }

    /// [`ApiRequest::send`], with the wire event of the last attempt left open for the
    /// typed forms, which read the body.
    async fn send_recorded(self) -> Result<(reqwest::Response, wire::Exchange), Error> {
        let (inner, session, operation) = (self.inner.clone(), self.session.clone(), self.operation);
        let required = self.required;
        let vendor = inner.spec.name;
        let span = tracing::info_span!("oauth.call", vendor, operation = operation.unwrap_or("-"));
        async move {
            let request = self.builder?.build().map_err(|e| Error::transport(vendor, e, None))?;
            // The client sets `Authorization` itself: one set by the caller would be replaced.
            let from_url = super::builder::userinfo_authorization(&inner.base);
            if request.headers().get_all(header::AUTHORIZATION).iter().any(|v| Some(v) != from_url.as_ref()) {
                return Err(Error::argument(vendor, operation, AUTHORIZATION_SET));
            }
            #[cfg(feature = "multipart")]
            let (request, replay) = match &self.multipart {
                Some(multipart) => form::attempts(&inner, operation, request, multipart)?,
                None => replayable(request),
            };
            #[cfg(not(feature = "multipart"))]
            let (request, replay) = replayable(request);
            send(&inner, &session, operation, &required, request, replay).await
        }
        .instrument(span)
        .await
    }
}

const AUTHORIZATION_SET: &str = "an `Authorization` header was set on the request, and the client \
     sends its token there: remove it (use `client.http()` for a request with credentials of your own)";

/// `request` and its copy for a replay after a 401, unless its body is a stream.
fn replayable(request: reqwest::Request) -> (reqwest::Request, Option<reqwest::Request>) {
    let replay = request.try_clone();
    (request, replay)
}

/// The token attached, and the 401 handling of [`ApiRequest::send`]: the one send path;
/// `replay` is sent after a 401 that asks for another attempt.
async fn send(
    inner: &Arc<Inner>,
    session: &Arc<Session>,
    operation: Option<&'static str>,
    required: &[&'static str],
    request: reqwest::Request,
    replay: Option<reqwest::Request>,
) -> Result<(reqwest::Response, wire::Exchange), Error> {
    let client: Client<()> = Client { inner: inner.clone(), session: session.clone(), _provider: PhantomData };
    let mut http = Execute { inner, operation, required };
    client.send_authorized(request, replay, &mut http).await.map_err(|failure| match failure {
        Failure::Token(error) | Failure::Send(error) => error,
    })
}

/// Sends with the client's transport and its per-call timeout, a token that carries the
/// call's scopes.
struct Execute<'a> {
    inner: &'a Inner,
    operation: Option<&'static str>,
    required: &'a [&'static str],
}

impl Dispatch<reqwest::Request> for Execute<'_> {
    type Response = reqwest::Response;
    type Error = Error;

    fn dispatch(
        &mut self,
        mut request: reqwest::Request,
    ) -> impl Future<Output = Result<reqwest::Response, Error>> + Send {
        let inner = self.inner;
        let timeout = *request.timeout_mut().get_or_insert(inner.transport.timeout);
        let sent = inner.transport.http.execute(request);
        async move { sent.await.map_err(|e| Error::transport(inner.spec.name, e, Some(timeout))) }
    }

    fn error_kind(error: &Error) -> &'static str {
        wire::error(error)
    }

    fn operation(&self) -> Option<&'static str> {
        self.operation
    }

    fn admit(&self, auth: &super::Authorization) -> Result<(), Error> {
        scopes::admit(self.inner, self.operation, self.required, auth.token())
    }
}

impl fmt::Debug for ApiRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiRequest")
            .field("vendor", &self.inner.spec.name)
            .field("operation", &self.operation)
            .field("required_scopes", &self.required)
            .finish_non_exhaustive()
    }
}
