//! Paginated calls: a stream of items fetched a page at a time, on demand, each page a `GET`
//! through the one send path (token, renewal, the 401 replay, the body cap, typed errors).
//!
//! The first page's request is built once, as a template that never carries the token, and
//! copied for each page with only its query (or, for the link styles, its URL) changed; the
//! send path attaches the token to the copy. A dropped stream drops the page request in flight
//! and nothing else: a renewal it caused runs in a task of its own.

mod link;
mod pagination;

pub use pagination::{PageStyle, Pagination};

use std::{
    collections::HashSet,
    fmt,
    future::Future,
    hash::{DefaultHasher, Hash, Hasher},
    marker::PhantomData,
    pin::Pin,
    sync::Arc,
    task::{Context as TaskContext, Poll, ready},
};

use bytes::Bytes;
use futures_core::Stream;
use reqwest::{
    StatusCode,
    header::{self, HeaderMap},
};
use serde::de::DeserializeOwned;
use serde_json::Value;
use url::Url;

use super::{ApiRequest, typed::Context};
use crate::{
    api_error::ErrorDecoder,
    client::{Inner, Session},
    error::Error,
    provider::FieldPath,
};

impl ApiRequest {
    /// The items of every page of this call, as a stream that fetches the next page when the
    /// items of the current one are used up: the runtime form of an operation declared with
    /// `#[paginate(..)]`. Each page is this request with the page's query parameters (or the
    /// URL the API gave) and goes through [`send`](Self::send): token, renewal, the 401 replay,
    /// the declared [error type](Self::error_type) and the body cap apply to each.
    ///
    /// A page that fails (an error status, a body that does not fit `T`, the same body as the
    /// page before) is an `Err` item, and the stream ends after it; so does a page whose pointer
    /// to the next is wrong (a cursor or link seen before, a link to another origin, the page
    /// limit), after its items.
    ///
    /// ```no_run
    /// # async fn demo<P>(client: oauth_runtime::Client<P>) -> Result<(), oauth_runtime::Error> {
    /// use oauth_runtime::{Pagination, provider::FieldPath};
    /// #[derive(serde::Deserialize)]
    /// struct Invoice { id: String }
    ///
    /// let pagination = Pagination::cursor(FieldPath::name("next_cursor"), "cursor").items(FieldPath::name("data"));
    /// let mut invoices = client.get("/v1/invoices").query_param("status", "open").pages::<Invoice>(pagination);
    /// while let Some(invoice) = invoices.try_next().await? {
    ///     println!("{}", invoice.id);
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// The first page is this request as it is, with the page size and, for page numbers and
    /// offsets, the first page's number or `0` set: a cursor already in its query (one saved to
    /// resume from) is sent with the first page. A request whose body cannot be sent twice (a
    /// stream) cannot be paginated: the stream's one item is then [`Error::Argument`].
    pub fn pages<T: DeserializeOwned>(self, pagination: Pagination) -> Pages<T> {
        Pages { pager: Pager::new(self, pagination), buffer: Vec::new().into_iter(), current: None, _item: PhantomData }
    }
}

/// The item types of `#[oauth_api]` operations declared with `#[paginate(..)]`. Generated code
/// calls it; not part of the API.
#[doc(hidden)]
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be read from the items of a page: it does not implement `serde::Deserialize`",
    label = "each item of the pages is read as this type",
    note = "add `#[derive(serde::Deserialize)]` to `{Self}`"
)]
pub trait PageItem: Sized {
    /// The stream of `request`'s pages' items.
    fn pages(request: ApiRequest, pagination: Pagination) -> Pages<Self>;
}

#[diagnostic::do_not_recommend]
impl<T: DeserializeOwned> PageItem for T {
    fn pages(request: ApiRequest, pagination: Pagination) -> Pages<T> {
        request.pages(pagination)
    }
}

/// The items of a paginated call ([`ApiRequest::pages`], or an operation declared with
/// `#[paginate(..)]`), a [`Stream`](futures_core::Stream) of `Result<T, Error>` that fetches
/// a page only when the items before it were taken.
///
/// Read it with [`try_next`](Self::try_next), with `futures`' `TryStreamExt`
/// (`try_collect`, `try_for_each`), or page by page with [`pages`](Self::pages). A failed page
/// is one `Err` item, after which the stream ends; dropping the stream cancels the page request
/// in flight and leaves the client as it was.
///
/// ```no_run
/// # async fn demo<P>(client: oauth_runtime::Client<P>) -> Result<(), oauth_runtime::Error> {
/// use futures_util::TryStreamExt as _;
/// use oauth_runtime::{Pagination, provider::FieldPath};
/// # #[derive(serde::Deserialize)] struct Repo { name: String }
///
/// let repos = client.get("/user/repos").pages::<Repo>(Pagination::link_header().limit("per_page", 100));
/// let all: Vec<Repo> = repos.try_collect().await?;
/// # Ok(()) }
/// ```
#[must_use = "a stream fetches nothing until it is read"]
pub struct Pages<T> {
    pager: Pager,
    /// The current page's items not yet yielded.
    buffer: std::vec::IntoIter<T>,
    /// The current page's number and headers, for [`Pages::pages`].
    current: Option<(u32, HeaderMap)>,
    _item: PhantomData<fn() -> T>,
}

// Nothing is pinned in place: the page request in flight is boxed.
impl<T> Unpin for Pages<T> {}

impl<T: DeserializeOwned> Pages<T> {
    /// The next item; `Ok(None)` after the last. Needs no import, unlike `TryStreamExt`'s
    /// method of the same name, which does the same.
    ///
    /// # Errors
    ///
    /// The failed page's: those of [`ApiRequest::send_json`], and [`Error::Pagination`]; the
    /// next call then returns `Ok(None)`.
    pub async fn try_next(&mut self) -> Result<Option<T>, Error> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await.transpose()
    }

    /// The same stream, a page at a time (the rest of the current page first, if some of its
    /// items were taken), for the pages' headers or numbers.
    ///
    /// ```no_run
    /// # async fn demo<P>(client: oauth_runtime::Client<P>) -> Result<(), oauth_runtime::Error> {
    /// # use oauth_runtime::Pagination;
    /// # #[derive(serde::Deserialize)] struct Order { id: u64 }
    /// let mut pages = client.get("/orders").pages::<Order>(Pagination::page_number("page")).pages();
    /// while let Some(page) = pages.try_next().await? {
    ///     println!("page {}: {} orders, {:?} left", page.number(), page.items().len(), page.headers().get("x-ratelimit-remaining"));
    /// }
    /// # Ok(()) }
    /// ```
    pub fn pages(self) -> PageStream<T> {
        let Pages { pager, buffer, current, .. } = self;
        let rest = current
            .map(|(number, headers)| Page { items: buffer.collect(), number, headers })
            .filter(|page| !page.items.is_empty());
        PageStream { pager, rest, _item: PhantomData }
    }
}

impl<T: DeserializeOwned> Stream for Pages<T> {
    type Item = Result<T, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.buffer.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            // An empty page that is not the last (a filtered cursor page) is skipped.
            match ready!(this.pager.poll_page::<T>(cx)) {
                None => return Poll::Ready(None),
                Some(Err(error)) => return Poll::Ready(Some(Err(error))),
                Some(Ok(page)) => {
                    this.buffer = page.items.into_iter();
                    this.current = Some((page.number, page.headers));
                }
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.buffer.len(), None)
    }
}

impl<T> fmt::Debug for Pages<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pages")
            .field("pager", &self.pager)
            .field("buffered", &self.buffer.len())
            .finish_non_exhaustive()
    }
}

/// The pages of a paginated call ([`Pages::pages`]), a [`Stream`](futures_core::Stream) of
/// `Result<Page<T>, Error>`. Empty pages that are not the last are yielded too.
#[must_use = "a stream fetches nothing until it is read"]
pub struct PageStream<T> {
    pager: Pager,
    /// What was left of the page [`Pages`] had started.
    rest: Option<Page<T>>,
    _item: PhantomData<fn() -> T>,
}

impl<T> Unpin for PageStream<T> {}

impl<T: DeserializeOwned> PageStream<T> {
    /// The next page; `Ok(None)` after the last.
    ///
    /// # Errors
    ///
    /// As [`Pages::try_next`].
    pub async fn try_next(&mut self) -> Result<Option<Page<T>>, Error> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await.transpose()
    }
}

impl<T: DeserializeOwned> Stream for PageStream<T> {
    type Item = Result<Page<T>, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        match this.rest.take() {
            Some(page) => Poll::Ready(Some(Ok(page))),
            None => this.pager.poll_page::<T>(cx),
        }
    }
}

impl<T> fmt::Debug for PageStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PageStream").field("pager", &self.pager).finish_non_exhaustive()
    }
}

/// One page of a paginated call: its items, its number in the stream, and the answer's
/// headers (rate limits, request ids).
pub struct Page<T> {
    items: Vec<T>,
    number: u32,
    headers: HeaderMap,
}

impl<T> Page<T> {
    /// The page's items.
    pub fn items(&self) -> &[T] {
        &self.items
    }

    /// The page's items, owned.
    pub fn into_items(self) -> Vec<T> {
        self.items
    }

    /// The page's number in the stream: 1 for the first page fetched, whatever the API calls it.
    pub fn number(&self) -> u32 {
        self.number
    }

    /// The answer's headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }
}

impl<T: fmt::Debug> fmt::Debug for Page<T> {
    /// The items and the headers' names: a header's value may be a session cookie.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.headers.keys().map(|k| k.as_str()).collect();
        f.debug_struct("Page")
            .field("number", &self.number)
            .field("items", &self.items)
            .field("headers", &names)
            .finish()
    }
}

/// What the pages of one stream share, whatever their item type: the template, the position,
/// the loop guard and the request in flight.
struct Pager {
    inner: Arc<Inner>,
    session: Arc<Session>,
    operation: Option<&'static str>,
    decoder: Option<ErrorDecoder>,
    /// The scopes the call declared, for every page.
    required: Vec<&'static str>,
    pagination: Pagination,
    /// The first page's request, without a token; `None` when it could not be built, and the
    /// state then holds why.
    template: Option<reqwest::Request>,
    /// The multipart body of every page, written anew for each (the template has none).
    #[cfg(feature = "multipart")]
    multipart: Option<crate::Multipart>,
    state: State,
    /// Pages received so far.
    fetched: u32,
    /// The current page number (page-number style) or offset (offset style).
    position: u64,
    /// Digests of the cursors and URLs followed so far: one seen again is a loop.
    seen: HashSet<u64>,
    /// Digest of the last page's body, for the styles where the client counts pages: the same
    /// body twice means the API ignores the page parameter.
    last_body: Option<u64>,
}

/// Where a stream is.
enum State {
    /// The next page is to be requested with this.
    Ready(Next),
    /// A page request is in flight.
    Fetching(Fetch),
    /// The error to yield before the end.
    Failed(Error),
    Done,
}

/// How the next page's request differs from the template.
enum Next {
    /// The style's query parameter set to this value (`None`: not sent), and the limit.
    Query(Option<String>),
    /// Another URL, given by the API.
    Url(Url),
}

type Fetch = Pin<Box<dyn Future<Output = Result<Fetched, Error>> + Send>>;

/// A 2xx answer to a page request.
struct Fetched {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    /// The URL the page was requested at, which relative links are resolved against.
    url: Url,
    ctx: Context,
}

/// A page before its items are read into the item type.
struct RawPage {
    items: Vec<Value>,
    number: u32,
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    ctx: Context,
}

/// Why a page ends the stream, before it is made an [`Error`].
enum Stop {
    /// A field of the body does not hold what the style needs.
    Decode { path: String, reason: &'static str },
    /// The pagination itself went wrong (a loop, another origin).
    Pagination(String),
}

impl Pager {
    fn new(request: ApiRequest, pagination: Pagination) -> Pager {
        #[cfg(feature = "multipart")]
        let ApiRequest { inner, session, builder, operation, error_decoder, multipart, required } = request;
        #[cfg(not(feature = "multipart"))]
        let ApiRequest { inner, session, builder, operation, error_decoder, required } = request;
        let vendor = inner.spec.name;
        let template = builder.and_then(|b| b.build().map_err(|e| Error::transport(vendor, e, None))).and_then(|r| {
            // Each page is a copy of the template: a body that cannot be copied cannot be paged.
            match r.try_clone() {
                Some(_) => Ok(r),
                None => Err(Error::argument(vendor, operation, NOT_REPEATABLE)),
            }
        });
        let first = match pagination.style {
            PageStyle::PageNumber { first, .. } => Some(first),
            PageStyle::Offset { .. } => Some(0),
            _ => None,
        };
        let (template, state) = match template {
            Ok(template) => (Some(template), State::Ready(Next::Query(first.map(|n| n.to_string())))),
            Err(error) => (None, State::Failed(error)),
        };
        Pager {
            inner,
            session,
            operation,
            decoder: error_decoder,
            required,
            pagination,
            template,
            #[cfg(feature = "multipart")]
            multipart,
            state,
            fetched: 0,
            position: first.unwrap_or(0),
            seen: HashSet::new(),
            last_body: None,
        }
    }

    /// The next page, its items read into `T`.
    fn poll_page<T: DeserializeOwned>(&mut self, cx: &mut TaskContext<'_>) -> Poll<Option<Result<Page<T>, Error>>> {
        let raw = match ready!(self.poll_raw(cx)) {
            None => return Poll::Ready(None),
            Some(Err(error)) => return Poll::Ready(Some(Err(error))),
            Some(Ok(raw)) => raw,
        };
        let page = self.decode(raw);
        if page.is_err() {
            self.state = State::Done;
        }
        Poll::Ready(Some(page))
    }

    /// The next page with its items as JSON values. Every error leaves the state `Done`.
    fn poll_raw(&mut self, cx: &mut TaskContext<'_>) -> Poll<Option<Result<RawPage, Error>>> {
        loop {
            match std::mem::replace(&mut self.state, State::Done) {
                State::Done => return Poll::Ready(None),
                State::Failed(error) => return Poll::Ready(Some(Err(error))),
                State::Ready(next) => {
                    if self.fetched >= self.pagination.max_pages {
                        let reason = format!(
                            "more than {} pages (the stream's limit, `max_pages`): raise it, or narrow the call",
                            self.pagination.max_pages
                        );
                        return Poll::Ready(Some(Err(self.error(self.fetched.saturating_add(1), reason))));
                    }
                    match self.fetch(next) {
                        Ok(fetch) => self.state = State::Fetching(fetch),
                        Err(error) => return Poll::Ready(Some(Err(error))),
                    }
                }
                State::Fetching(mut fetch) => match fetch.as_mut().poll(cx) {
                    Poll::Pending => {
                        self.state = State::Fetching(fetch);
                        return Poll::Pending;
                    }
                    Poll::Ready(Err(error)) => return Poll::Ready(Some(Err(error))),
                    Poll::Ready(Ok(fetched)) => {
                        self.fetched += 1;
                        return Poll::Ready(Some(self.turn(fetched)));
                    }
                },
            }
        }
    }

    /// The request for `next`, sent through [`ApiRequest::send`] as any call.
    fn fetch(&self, next: Next) -> Result<Fetch, Error> {
        let vendor = self.inner.spec.name;
        let Some(mut request) = self.template.as_ref().and_then(reqwest::Request::try_clone) else {
            return Err(Error::internal(vendor, "a paginated request could not be copied"));
        };
        match next {
            Next::Query(value) => {
                let url = request.url_mut();
                if let Some((param, limit)) = self.pagination.limit {
                    set_query(url, param, &limit.to_string());
                }
                if let (Some(param), Some(value)) = (self.param(), value) {
                    set_query(url, param, &value);
                }
            }
            Next::Url(next) => *request.url_mut() = next,
        }
        let url = request.url().clone();
        let call = ApiRequest {
            inner: self.inner.clone(),
            session: self.session.clone(),
            builder: Ok(reqwest::RequestBuilder::from_parts(self.inner.transport.http.clone(), request)),
            operation: self.operation,
            error_decoder: self.decoder,
            #[cfg(feature = "multipart")]
            multipart: self.multipart.clone(),
            required: self.required.clone(),
        };
        Ok(Box::pin(async move {
            let (status, headers, body, ctx) = call.success_with_headers().await?;
            Ok(Fetched { status, headers, body, url, ctx })
        }))
    }

    /// The query parameter the style sets, if it sets one.
    fn param(&self) -> Option<&'static str> {
        match self.pagination.style {
            PageStyle::Cursor { param, .. } | PageStyle::PageNumber { param, .. } | PageStyle::Offset { param } => {
                Some(param)
            }
            PageStyle::NextLink { .. } | PageStyle::LinkHeader => None,
        }
    }

    /// Reads a page's body: its items, and where the next page is (the state after it).
    fn turn(&mut self, fetched: Fetched) -> Result<RawPage, Error> {
        let Fetched { status, headers, body, url, ctx } = fetched;
        let number = self.fetched;
        let mut value: Value = match serde_json::from_slice(&body) {
            Ok(value) => value,
            Err(e) => return Err(ctx.decode_error(status, &body, String::new(), &e)),
        };
        let stop = |stop: Stop, this: &Pager| match stop {
            Stop::Decode { path, reason } => ctx.decode(status, &body, &path, reason),
            Stop::Pagination(reason) => this.error(number, reason),
        };
        let count = match items(&value, self.pagination.items) {
            Ok(items) => items.map_or(0, Vec::len),
            Err(e) => return Err(stop(e, self)),
        };
        // A page the same as the one before is no new page: it fails.
        if count > 0 && matches!(self.pagination.style, PageStyle::PageNumber { .. } | PageStyle::Offset { .. }) {
            if let Err(e) = self.not_the_same_body(digest(&body)) {
                return Err(stop(e, self));
            }
        }
        // This page's items are good whatever its pointer to the next says: they come first,
        // and a pointer that is wrong (a loop, another origin) is the error after them.
        self.state = match self.next(&value, &headers, &url, count) {
            Ok(next) => next.map_or(State::Done, State::Ready),
            Err(e) => State::Failed(stop(e, self)),
        };
        let items = match self.pagination.items {
            None => std::mem::take(&mut value),
            Some(path) => take(&mut value, path).unwrap_or(Value::Null),
        };
        let items = match items {
            Value::Array(items) => items,
            _ => Vec::new(),
        };
        Ok(RawPage { items, number, status, headers, body, ctx })
    }

    /// Where the page after this one is, `None` if this is the last.
    fn next(&mut self, body: &Value, headers: &HeaderMap, url: &Url, count: usize) -> Result<Option<Next>, Stop> {
        match self.pagination.style {
            PageStyle::Cursor { field, .. } => {
                let Some(cursor) = text_at(body, field, true)? else { return Ok(None) };
                self.first_time(&cursor, "cursor")?;
                Ok(Some(Next::Query(Some(cursor))))
            }
            PageStyle::NextLink { field } => {
                self.seen.insert(digest(url.as_str()));
                let Some(link) = text_at(body, field, false)? else { return Ok(None) };
                let next = url.join(&link).map_err(|_| Stop::Decode { path: field.to_string(), reason: NOT_A_URL })?;
                self.follow(next).map(Some)
            }
            PageStyle::LinkHeader => {
                self.seen.insert(digest(url.as_str()));
                let lines = headers.get_all(header::LINK).iter().filter_map(|v| v.to_str().ok());
                match link::next_target(lines).filter(|target| !target.is_empty()) {
                    None => Ok(None),
                    Some(target) => {
                        let next = url.join(target).map_err(|_| {
                            Stop::Pagination("the `Link` header's `rel=\"next\"` target is not a URL".to_owned())
                        })?;
                        self.follow(next).map(Some)
                    }
                }
            }
            PageStyle::PageNumber { first, total_pages, .. } => {
                if count == 0 || self.short(count) {
                    return Ok(None);
                }
                if let Some(field) = total_pages {
                    if number_at(body, field)?.is_some_and(|total| self.position.saturating_sub(first) + 1 >= total) {
                        return Ok(None);
                    }
                }
                self.position += 1;
                Ok(Some(Next::Query(Some(self.position.to_string()))))
            }
            PageStyle::Offset { .. } => {
                if count == 0 || self.short(count) {
                    return Ok(None);
                }
                self.position += count as u64;
                Ok(Some(Next::Query(Some(self.position.to_string()))))
            }
        }
    }

    /// Whether a page is shorter than the declared page size: then it is the last.
    fn short(&self, count: usize) -> bool {
        self.pagination.limit.is_some_and(|(_, limit)| (count as u64) < limit)
    }

    /// `next`, if it is on the API's origin (the token goes with it) and was not visited.
    fn follow(&mut self, next: Url) -> Result<Next, Stop> {
        let next = self
            .inner
            .on_api_origin(next)
            .map_err(|reason| Stop::Pagination(format!("the next page's link: {reason}")))?;
        self.first_time(next.as_str(), "link")?;
        Ok(Next::Url(next))
    }

    /// Records a cursor or link; one seen before is a loop.
    fn first_time(&mut self, value: &str, what: &str) -> Result<(), Stop> {
        if self.seen.insert(digest(value)) {
            return Ok(());
        }
        // The value is the vendor's, and not shown.
        Err(Stop::Pagination(format!(
            "the API gave the {what} of an earlier page again: stopping rather than fetching the same pages forever"
        )))
    }

    /// Two pages in a row with the same body: the API ignores the page parameter.
    fn not_the_same_body(&mut self, body: u64) -> Result<(), Stop> {
        if self.last_body.replace(body) != Some(body) {
            return Ok(());
        }
        Err(Stop::Pagination(format!(
            "the page has the same body as the one before, so the API seems to ignore `{}`: stopping \
             rather than fetching it forever",
            self.param().unwrap_or_default()
        )))
    }

    fn error(&self, page: u32, reason: String) -> Error {
        Error::Pagination { vendor: self.inner.spec.name, operation: self.operation, page, reason }
    }

    /// The page's items read into `T`; a failing item fails the page, with its path.
    fn decode<T: DeserializeOwned>(&self, raw: RawPage) -> Result<Page<T>, Error> {
        let RawPage { items, number, status, headers, body, ctx } = raw;
        let base = self.pagination.items.map(|p| p.to_string()).unwrap_or_default();
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.into_iter().enumerate() {
            match serde_path_to_error::deserialize::<_, T>(item) {
                Ok(item) => out.push(item),
                Err(e) => {
                    let inner = e.path().to_string();
                    let path = match inner.as_str() {
                        "." => format!("{base}[{i}]"),
                        nested if nested.starts_with('[') => format!("{base}[{i}]{nested}"),
                        nested => format!("{base}[{i}].{nested}"),
                    };
                    return Err(ctx.decode_error(status, &body, path, e.inner()));
                }
            }
        }
        Ok(Page { items: out, number, headers })
    }
}

impl fmt::Debug for Pager {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pager")
            .field("vendor", &self.inner.spec.name)
            .field("operation", &self.operation)
            .field("style", &self.pagination.style)
            .field("fetched", &self.fetched)
            .field("done", &matches!(self.state, State::Done))
            .finish_non_exhaustive()
    }
}

const NOT_REPEATABLE: &str = "a paginated call sends its request once per page, and this one's body is a \
     stream, which can be sent once: give it a body that can be copied, or page by hand";
const NOT_A_URL: &str = "the next page's link is not a URL";

/// `url`'s query with `name` set to `value` alone, the other pairs kept in order.
fn set_query(url: &mut Url, name: &str, value: &str) {
    let kept: Vec<(String, String)> =
        url.query_pairs().filter(|(k, _)| k != name).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    url.query_pairs_mut().clear().extend_pairs(kept).append_pair(name, value);
}

/// The items array of a page: at `path`, or the body itself. `Ok(None)` for an absent or
/// `null` field (an empty page).
fn items(body: &Value, path: Option<FieldPath>) -> Result<Option<&Vec<Value>>, Stop> {
    let value = match path {
        None => Some(body),
        Some(path) => at(body, path),
    };
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(items)) => Ok(Some(items)),
        Some(_) => Err(Stop::Decode {
            path: path.map_or_else(|| ".".to_owned(), |p| p.to_string()),
            reason: "expected the page's array of items here",
        }),
    }
}

/// A cursor or link at `path`: `None` when absent, `null` or empty, a number's decimal text
/// when `numbers` are accepted.
fn text_at(body: &Value, path: FieldPath, numbers: bool) -> Result<Option<String>, Stop> {
    match at(body, path) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(Value::Number(n)) if numbers => Ok(Some(n.to_string())),
        Some(_) => Err(Stop::Decode {
            path: path.to_string(),
            reason: if numbers {
                "expected the next page's cursor here: a string or a number"
            } else {
                "expected the next page's link here: a string"
            },
        }),
    }
}

/// A count at `path`: a whole number or its text; `None` when absent or `null`.
fn number_at(body: &Value, path: FieldPath) -> Result<Option<u64>, Stop> {
    let bad = || Stop::Decode { path: path.to_string(), reason: "expected the number of pages here" };
    match at(body, path) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n.as_u64().map(Some).ok_or_else(bad),
        Some(Value::String(s)) => s.trim().parse().map(Some).map_err(|_| bad()),
        Some(_) => Err(bad()),
    }
}

/// The value at `path`, descending into objects by name and arrays by index.
fn at(body: &Value, path: FieldPath) -> Option<&Value> {
    path.segments().try_fold(body, |value, segment| match value {
        Value::Object(map) => map.get(segment),
        Value::Array(items) => items.get(segment.parse::<usize>().ok()?),
        _ => None,
    })
}

/// Takes the value at `path` out of `body`.
fn take(body: &mut Value, path: FieldPath) -> Option<Value> {
    let mut value = body;
    for segment in path.segments() {
        value = match value {
            Value::Object(map) => map.get_mut(segment)?,
            Value::Array(items) => items.get_mut(segment.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(std::mem::take(value))
}

/// A digest for the loop guards, which keep no vendor data.
fn digest(value: &(impl Hash + ?Sized)) -> u64 {
    let mut hasher = DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_parameters_are_set_once_and_others_kept() {
        let mut url = Url::parse("https://h/x?status=open&cursor=old&ids=1&ids=2").unwrap();
        set_query(&mut url, "cursor", "a b&c");
        assert_eq!(url.query(), Some("status=open&ids=1&ids=2&cursor=a+b%26c"));
        let mut bare = Url::parse("https://h/x").unwrap();
        set_query(&mut bare, "page", "2");
        assert_eq!(bare.as_str(), "https://h/x?page=2");
    }

    #[test]
    fn fields_are_read_as_the_styles_need() {
        let body = serde_json::json!({
            "meta": {"next": "c2", "n": 7, "empty": "", "none": null, "obj": {}, "total": "3"},
            "data": [{"id": 1}, {"id": 2}],
        });
        let path = |s: &'static [&'static str]| FieldPath::nested(s);
        assert_eq!(text_at(&body, path(&["meta", "next"]), true).ok().flatten().as_deref(), Some("c2"));
        assert_eq!(text_at(&body, path(&["meta", "n"]), true).ok().flatten().as_deref(), Some("7"));
        for end in [&["meta", "empty"][..], &["meta", "none"], &["meta", "absent"], &["data", "9"]] {
            assert!(matches!(text_at(&body, FieldPath::nested(end), true), Ok(None)), "{end:?}");
        }
        assert!(matches!(text_at(&body, path(&["meta", "n"]), false), Err(Stop::Decode { .. })), "a link is a string");
        assert!(matches!(text_at(&body, path(&["meta", "obj"]), true), Err(Stop::Decode { .. })));
        assert!(matches!(number_at(&body, path(&["meta", "total"])), Ok(Some(3))));
        assert!(matches!(number_at(&body, path(&["meta", "next"])), Err(Stop::Decode { .. })));
        assert_eq!(items(&body, Some(FieldPath::name("data"))).ok().flatten().map(Vec::len), Some(2));
        assert!(matches!(items(&body, Some(FieldPath::name("absent"))), Ok(None)), "an absent array is empty");
        assert!(matches!(items(&body, Some(FieldPath::name("meta"))), Err(Stop::Decode { .. })));
        assert!(matches!(items(&body, None), Err(Stop::Decode { .. })), "an object body is no array");
        let mut owned = body.clone();
        assert_eq!(take(&mut owned, path(&["data", "1", "id"])), Some(serde_json::json!(2)));
    }
}
