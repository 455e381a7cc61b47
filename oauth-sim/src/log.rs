//! The request log: every request a simulator received, decoded, for tests to assert on.
//!
//! A middleware records each request as it arrives (method, path, query, headers and the
//! body, read in full and handed on unchanged) and fills in what the simulator made of it
//! (the endpoint, the status) once answered. Only the most recent
//! [`SimConfig::request_log`](crate::SimConfig::request_log) requests are kept.

use std::{
    collections::VecDeque,
    fmt,
    sync::{Arc, Mutex, OnceLock},
};

use axum::{
    body::{Body, Bytes},
    extract::{Request, State},
    http::{HeaderMap, Method, request::Parts},
    middleware::Next,
    response::Response,
};
use futures_util::StreamExt as _;
use serde_json::Value;

use crate::{
    body::{self, FormPart},
    http::{self, FORM},
    state::{Shared, lock},
};

/// How many requests a simulator keeps by default ([`SimConfig::request_log`]).
///
/// [`SimConfig::request_log`]: crate::SimConfig::request_log
pub const DEFAULT_REQUEST_LOG: usize = 1000;

/// The most body bytes kept per request: 64 KiB, the largest body the token endpoints accept.
/// A longer body is kept as [`RequestBody::Raw`] of its first 64 KiB, and
/// [`SimRequest::body_truncated`] says so.
pub const MAX_LOGGED_BODY: usize = 64 * 1024;

/// Which of a simulator's listeners a request reached ([`SimRequest::origin`]).
///
/// More may be added, so a `match` needs a wildcard arm.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Origin {
    /// The one listener of a simulator that serves every endpoint at one origin (the default).
    Shared,
    /// The authorization server's listener, with
    /// [`SimConfig::separate_origins`](crate::SimConfig::separate_origins): token, refresh,
    /// revocation, metadata and authorization endpoints.
    Auth,
    /// The API's listener, with
    /// [`SimConfig::separate_origins`](crate::SimConfig::separate_origins).
    Api,
}

/// What a request was to, as the simulator understood it ([`SimRequest::kind`]).
///
/// More may be added, so a `match` needs a wildcard arm.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RouteKind {
    /// A grant at the token endpoint (a device grant's poll included).
    Token,
    /// A refresh: `grant_type=refresh_token`, or the vendor's own refresh endpoint.
    Refresh,
    /// A call to the protected API (the protected path and the routes of
    /// [`SimConfig::route`](crate::SimConfig::route)), whatever its token.
    Api,
    /// The revocation endpoint (RFC 7009).
    Revocation,
    /// The metadata document (RFC 8414, OpenID discovery).
    Metadata,
    /// The device authorization endpoint (RFC 8628 section 3.1).
    DeviceAuthorization,
    /// The authorization endpoint (the person's browser).
    Authorization,
    /// The pushed authorization request endpoint (RFC 9126).
    PushedAuthorization,
}

impl From<crate::Target> for RouteKind {
    fn from(target: crate::Target) -> RouteKind {
        match target {
            crate::Target::Token => RouteKind::Token,
            crate::Target::Refresh => RouteKind::Refresh,
            crate::Target::Api => RouteKind::Api,
            crate::Target::Revocation => RouteKind::Revocation,
            crate::Target::Metadata => RouteKind::Metadata,
        }
    }
}

/// A request body, decoded by its `Content-Type` ([`SimRequest::body`]).
///
/// More forms may be added, so a `match` needs a wildcard arm.
#[derive(Clone, PartialEq)]
#[non_exhaustive]
pub enum RequestBody {
    /// No body.
    Empty,
    /// `application/x-www-form-urlencoded`: the pairs in order, decoded, repeated names as
    /// often as sent.
    Form(Vec<(String, String)>),
    /// `application/json` (or `+json`) that parses.
    Json(Value),
    /// `multipart/form-data` that parses: the parts in order, repeated names as often as sent.
    Multipart(Vec<FormPart>),
    /// Anything else (another or no content type, an upload of bytes, JSON or multipart that
    /// does not parse, a body over [`MAX_LOGGED_BODY`]), as received.
    Raw(Bytes),
}

/// One request a [`Simulator`](crate::Simulator) received, decoded
/// ([`Simulator::requests`](crate::Simulator::requests)).
///
/// Values are as sent, credentials and tokens included, for assertions: the simulator is a
/// test tool and the credentials are the test's. Its `Debug` masks them all the same (the
/// values of `Authorization`, cookies and of every header, query or body parameter whose name
/// speaks of a secret, token, password, assertion, code or key), so a failing assertion that
/// prints a request prints no credential.
///
/// ```
/// use oauth_runtime::{Provider, Secret, oauth_provider};
/// use oauth_sim::{RouteKind, Simulator};
///
/// #[derive(Clone)]
/// #[oauth_provider(grant = "client_credentials", token_path = "/token", client_auth = "basic")]
/// struct Acme { client_id: String, client_secret: Secret }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let acme = Acme { client_id: "my id".into(), client_secret: Secret::from("s3cr:et") };
/// let sim = Simulator::for_provider(acme.clone()).await?;
/// acme.client(&sim.base_url())?.token().await?;
///
/// let requests = sim.requests();
/// let token = &requests[0];
/// assert_eq!((token.kind(), token.status()), (Some(RouteKind::Token), Some(200)));
/// assert_eq!((token.method().as_str(), token.path()), ("POST", "/token"));
/// assert_eq!(token.form("grant_type"), Some("client_credentials"));
/// assert_eq!(token.header("content-type"), Some("application/x-www-form-urlencoded"));
/// assert_eq!(token.basic_credentials(), Some(("my id".to_owned(), "s3cr:et".to_owned())));
/// assert!(!format!("{token:?}").contains("Basic "));
/// # Ok(()) }
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub struct SimRequest {
    seq: u64,
    origin: Origin,
    kind: Option<RouteKind>,
    status: Option<u16>,
    method: Method,
    path: String,
    query: Vec<(String, String)>,
    headers: HeaderMap,
    body: RequestBody,
    truncated: bool,
}

impl SimRequest {
    /// The listener the request reached: [`Origin::Shared`] unless the simulator serves
    /// [separate origins](crate::SimConfig::separate_origins).
    pub fn origin(&self) -> Origin {
        self.origin
    }

    /// The endpoint the simulator took the request for, once it got that far: `None` for a
    /// path it does not serve (a 404), a request to the wrong origin (a 421), and a request
    /// still being read.
    pub fn kind(&self) -> Option<RouteKind> {
        self.kind
    }

    /// The status the simulator answered with; `None` while the answer is still being made
    /// (a [`Fault::Slow`](crate::Fault::Slow)).
    pub fn status(&self) -> Option<u16> {
        self.status
    }

    /// The method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The path, without the query string.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The query string's pairs, decoded, in order.
    pub fn query(&self) -> &[(String, String)] {
        &self.query
    }

    /// The first value of the query parameter `name`.
    pub fn query_param(&self, name: &str) -> Option<&str> {
        first(&self.query, name)
    }

    /// Every header, as received.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The first value of the header `name` (in any case), if it is text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)?.to_str().ok()
    }

    /// The body, decoded.
    pub fn body(&self) -> &RequestBody {
        &self.body
    }

    /// Whether the body was longer than [`MAX_LOGGED_BODY`], of which [`SimRequest::body`]
    /// keeps the first bytes.
    pub fn body_truncated(&self) -> bool {
        self.truncated
    }

    /// The first value of `name` in a form body; `None` for other bodies.
    pub fn form(&self, name: &str) -> Option<&str> {
        match &self.body {
            RequestBody::Form(pairs) => first(pairs, name),
            _ => None,
        }
    }

    /// A JSON body; `None` for other bodies.
    pub fn json(&self) -> Option<&Value> {
        match &self.body {
            RequestBody::Json(value) => Some(value),
            _ => None,
        }
    }

    /// The parts of a `multipart/form-data` body; empty for other bodies.
    ///
    /// ```
    /// use oauth_runtime::{Multipart, Provider, Secret, oauth_provider};
    /// use oauth_sim::{SimConfig, Simulator, axum::routing::post};
    ///
    /// #[derive(Clone)]
    /// #[oauth_provider(grant = "client_credentials", token_path = "/token")]
    /// struct Acme { client_id: String, client_secret: Secret }
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let acme = Acme { client_id: "id".into(), client_secret: Secret::from("secret") };
    /// let config = SimConfig::for_provider(acme.clone()).route("/images", post(|| async { "{}" }));
    /// let sim = Simulator::start_with(config).await?;
    /// let form = Multipart::new().text("title", "Sunset").file("image", "s.png", "image/png", vec![0x89, b'P']);
    /// acme.client(&sim.base_url())?.post("/images").multipart(form).send_empty().await?;
    ///
    /// let upload = sim.requests().pop().expect("the upload");
    /// let [title, image] = upload.parts() else { panic!("two parts: {upload:?}") };
    /// assert_eq!((title.name(), title.text()), ("title", Some("Sunset")));
    /// assert_eq!((image.file_name(), image.content_type()), (Some("s.png"), Some("image/png")));
    /// assert_eq!(image.body().as_ref(), [0x89, b'P']);
    /// # Ok(()) }
    /// ```
    pub fn parts(&self) -> &[FormPart] {
        match &self.body {
            RequestBody::Multipart(parts) => parts,
            _ => &[],
        }
    }

    /// The first part named `name` of a `multipart/form-data` body.
    pub fn part(&self, name: &str) -> Option<&FormPart> {
        self.parts().iter().find(|p| p.name() == name)
    }

    /// A body the simulator did not decode ([`RequestBody::Raw`]: an upload of bytes, say),
    /// as received; `None` for others and for no body.
    pub fn raw_body(&self) -> Option<&Bytes> {
        match &self.body {
            RequestBody::Raw(bytes) => Some(bytes),
            _ => None,
        }
    }

    /// The parameter `name` wherever a token request may carry it: the form body, a string
    /// member of a JSON body, or else the query string (Microbilt's `grant_type`).
    pub fn param(&self, name: &str) -> Option<&str> {
        let in_body = match &self.body {
            RequestBody::Form(pairs) => first(pairs, name),
            RequestBody::Json(value) => value.get(name).and_then(Value::as_str),
            _ => None,
        };
        in_body.or_else(|| self.query_param(name))
    }

    /// The client id and secret of `Authorization: Basic`, decoded as RFC 6749 section
    /// 2.3.1 says (base64, split at the first `:`, each part form-URL-decoded):
    /// `client_auth = "basic"`. A `basic_raw` client's are
    /// [`SimRequest::basic_credentials_raw`].
    pub fn basic_credentials(&self) -> Option<(String, String)> {
        http::basic_credentials(&self.headers)
    }

    /// The client id and secret of `Authorization: Basic`, split at the first `:` and not
    /// decoded further (`client_auth = "basic_raw"`).
    pub fn basic_credentials_raw(&self) -> Option<(String, String)> {
        http::basic_raw_credentials(&self.headers)
    }

    /// The token of `Authorization: Bearer <token>`.
    pub fn bearer_token(&self) -> Option<&str> {
        http::bearer(&self.headers)
    }
}

fn first<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

/// Whether a header, parameter or field named `name` may hold a credential or a token, whose
/// value `Debug` masks.
fn sensitive(name: &str) -> bool {
    const WORDS: [&str; 12] = [
        "auth",
        "secret",
        "token",
        "password",
        "passwd",
        "assertion",
        "code",
        "key",
        "verifier",
        "cookie",
        "session",
        "dpop",
    ];
    let name = name.to_ascii_lowercase();
    WORDS.iter().any(|w| name.contains(w))
}

const MASK: &str = "[REDACTED]";

/// `pairs` with the values of sensitive names masked.
struct Pairs<'a>(&'a [(String, String)]);

impl fmt::Debug for Pairs<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = self.0.iter().map(|(k, v)| (k.as_str(), if sensitive(k) { MASK } else { v.as_str() }));
        f.debug_list().entries(shown).finish()
    }
}

/// A JSON value with the values of sensitive members masked, at any depth.
fn masked(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), if sensitive(k) { Value::String(MASK.to_owned()) } else { masked(v) }))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(masked).collect()),
        other => other.clone(),
    }
}

impl fmt::Debug for RequestBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RequestBody::Empty => f.write_str("Empty"),
            RequestBody::Form(pairs) => f.debug_tuple("Form").field(&Pairs(pairs)).finish(),
            RequestBody::Json(value) => f.debug_tuple("Json").field(&masked(value)).finish(),
            RequestBody::Multipart(parts) => f.debug_tuple("Multipart").field(parts).finish(),
            // Anything may be in there: its length only.
            RequestBody::Raw(bytes) => write!(f, "Raw({} bytes)", bytes.len()),
        }
    }
}

impl fmt::Debug for SimRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(k, v)| (k.as_str(), if sensitive(k.as_str()) { MASK } else { v.to_str().unwrap_or("[binary]") }))
            .collect();
        f.debug_struct("SimRequest")
            .field("origin", &self.origin)
            .field("kind", &self.kind)
            .field("status", &self.status)
            .field("method", &self.method)
            .field("path", &self.path)
            .field("query", &Pairs(&self.query))
            .field("headers", &headers)
            .field("body", &self.body)
            .finish()
    }
}

/// The body as its content type says, `kept` being its first bytes of `len`.
async fn decode(headers: &HeaderMap, kept: Bytes, len: usize) -> RequestBody {
    if len == 0 {
        return RequestBody::Empty;
    }
    if len > kept.len() {
        return RequestBody::Raw(kept);
    }
    let media = http::media_type(headers).unwrap_or_default();
    if media == FORM {
        let pairs = form_urlencoded::parse(&kept).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
        return RequestBody::Form(pairs);
    }
    if media == http::JSON || media.ends_with("+json") {
        if let Ok(value) = serde_json::from_slice(&kept) {
            return RequestBody::Json(value);
        }
    }
    if media == body::MULTIPART {
        if let Ok(parts) = body::parts(headers, kept.clone()).await {
            return RequestBody::Multipart(parts);
        }
    }
    RequestBody::Raw(kept)
}

/// The most recent requests, oldest first, at most `capacity`.
pub(crate) struct RequestLog {
    capacity: usize,
    inner: Mutex<Entries>,
}

#[derive(Default)]
struct Entries {
    next: u64,
    requests: VecDeque<SimRequest>,
}

impl RequestLog {
    pub(crate) fn new(capacity: usize) -> RequestLog {
        RequestLog { capacity, inner: Mutex::default() }
    }

    fn push(&self, mut request: SimRequest) -> u64 {
        let mut entries = lock(&self.inner);
        let seq = entries.next;
        entries.next += 1;
        request.seq = seq;
        if entries.requests.len() == self.capacity {
            entries.requests.pop_front();
        }
        entries.requests.push_back(request);
        seq
    }

    /// Fills in what the simulator made of request `seq`, if it is still kept.
    fn finish(&self, seq: u64, kind: Option<RouteKind>, status: u16) {
        let mut entries = lock(&self.inner);
        // Sequence numbers grow along the queue, and the oldest go first: a binary search.
        if let Ok(at) = entries.requests.binary_search_by_key(&seq, |r| r.seq) {
            let request = &mut entries.requests[at];
            request.kind = kind;
            request.status = Some(status);
        }
    }

    pub(crate) fn snapshot(&self) -> Vec<SimRequest> {
        lock(&self.inner).requests.iter().cloned().collect()
    }

    pub(crate) fn clear(&self) {
        lock(&self.inner).requests.clear();
    }
}

tokio::task_local! {
    /// The endpoint the request being handled was taken for, set by the handler's counting.
    static KIND: Arc<OnceLock<RouteKind>>;
}

/// Records that the request being handled is to `kind` (the first call wins: a device poll is
/// a token request).
pub(crate) fn classify(kind: RouteKind) {
    let _ = KIND.try_with(|slot| slot.set(kind));
}

/// The middleware that logs every request of one listener.
pub(crate) async fn record(
    State((shared, origin)): State<(Arc<Shared>, Origin)>,
    request: Request,
    next: Next,
) -> Response {
    let log = &shared.requests;
    if log.capacity == 0 {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let (kept, len, body) = read(body).await;
    let seq = log.push(logged(origin, &parts, kept, len).await);
    let slot = Arc::new(OnceLock::new());
    let response = KIND.scope(Arc::clone(&slot), next.run(Request::from_parts(parts, body))).await;
    log.finish(seq, slot.get().copied(), response.status().as_u16());
    response
}

async fn logged(origin: Origin, parts: &Parts, kept: Bytes, len: usize) -> SimRequest {
    let query = parts.uri.query().map_or_else(Vec::new, |q| {
        form_urlencoded::parse(q.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
    });
    SimRequest {
        seq: 0,
        origin,
        kind: None,
        status: None,
        method: parts.method.clone(),
        path: parts.uri.path().to_owned(),
        query,
        body: decode(&parts.headers, kept, len).await,
        headers: parts.headers.clone(),
        truncated: len > MAX_LOGGED_BODY,
    }
}

/// Reads the body for the log: its first [`MAX_LOGGED_BODY`] bytes, how many arrived, and a
/// body that hands the handler exactly what was sent (a longer body, or one that broke off,
/// goes on as it came, so the handler answers it as it always did).
async fn read(body: Body) -> (Bytes, usize, Body) {
    let mut stream = body.into_data_stream();
    let mut buffer = Vec::new();
    loop {
        match stream.next().await {
            None => {
                let bytes = Bytes::from(buffer);
                return (bytes.clone(), bytes.len(), Body::from(bytes));
            }
            Some(Ok(chunk)) => {
                buffer.extend_from_slice(&chunk);
                if buffer.len() > MAX_LOGGED_BODY {
                    let len = buffer.len();
                    let head = Bytes::from(buffer);
                    let kept = head.slice(..MAX_LOGGED_BODY);
                    let rest = futures_util::stream::once(async move { Ok(head) }).chain(stream);
                    return (kept, len, Body::from_stream(rest));
                }
            }
            Some(Err(error)) => {
                let head = Bytes::from(buffer);
                let len = head.len();
                let broken = futures_util::stream::iter([Ok(head.clone()), Err(error)]);
                return (head, len, Body::from_stream(broken));
            }
        }
    }
}
