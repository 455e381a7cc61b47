//! A 2xx answer read into a value, with its status and headers beside it.

use std::fmt;

use reqwest::{StatusCode, header::HeaderMap};

/// A successful (2xx) answer: the body read into `T`, and the status and headers it came with,
/// for a `201 Created` and its `Location`, an `ETag` to send back as `If-Match`, or the
/// vendor's rate-limit headers.
///
/// Returned by [`ApiRequest::send_json_answer`](crate::ApiRequest::send_json_answer) and its
/// siblings, and by `#[oauth_api]` operations declared `-> Result<Answer<T>, Error>`, where `T`
/// is read as it would be alone (`()`, `String`, `Bytes`, `Vec<u8>` or a `Deserialize` type).
/// A non-2xx answer is still [`Error::Api`](crate::Error::Api), which keeps its headers too.
///
#[cfg_attr(feature = "derive", doc = "```no_run")]
#[cfg_attr(not(feature = "derive"), doc = "```text")]
/// use oauth_runtime::{Answer, Client, Error, oauth_api};
///
/// #[derive(serde::Serialize)]
/// pub struct NewInvoice { pub amount: u32 }
/// #[derive(Debug, serde::Deserialize)]
/// pub struct Invoice { pub id: String }
///
/// # #[oauth_runtime::oauth_provider(grant = "client_credentials", token_path = "/oauth/token")]
/// # pub struct Billing { pub client_id: String, pub client_secret: oauth_runtime::Secret }
/// #[oauth_api(client = Billing)]
/// pub trait BillingApi {
///     #[post("/invoices")]
///     async fn create_invoice(&self, #[json] invoice: &NewInvoice) -> Result<Answer<Invoice>, Error>;
/// }
///
/// # async fn demo(client: Client<Billing>) -> Result<(), Error> {
/// let created = client.create_invoice(&NewInvoice { amount: 42 }).await?;
/// assert_eq!(created.status(), 201);
/// let location = created.location().map(str::to_owned);
/// let remaining = created.header("x-ratelimit-remaining").and_then(|n| n.parse::<u32>().ok());
/// let invoice: Invoice = created.into_body();
/// # Ok(()) }
/// ```
///
/// Every header the server sent is kept, as [`reqwest::Response`] keeps them; `Debug` shows
/// their names alone, since a value may be a credential (`Set-Cookie`).
#[derive(Clone)]
pub struct Answer<T> {
    status: StatusCode,
    headers: HeaderMap,
    body: T,
}

impl<T> Answer<T> {
    /// An answer made of its parts: for tests of code that takes one, or a stand-in.
    ///
    /// ```
    /// use oauth_runtime::{Answer, reqwest::{StatusCode, header::{HeaderMap, ETAG}}};
    ///
    /// let mut headers = HeaderMap::new();
    /// headers.insert(ETAG, "\"v7\"".parse().unwrap());
    /// let answer = Answer::new(StatusCode::OK, headers, "body");
    /// assert_eq!(answer.etag(), Some("\"v7\""));
    /// ```
    pub fn new(status: StatusCode, headers: HeaderMap, body: T) -> Answer<T> {
        Answer { status, headers, body }
    }

    /// The status: `200`, `201`, `204`, or another 2xx.
    ///
    /// ```
    /// # let answer = oauth_runtime::Answer::new(oauth_runtime::reqwest::StatusCode::CREATED, Default::default(), ());
    /// assert!(answer.status().is_success());
    /// assert_eq!(answer.status(), 201);
    /// ```
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The headers, every one the server sent.
    ///
    /// ```
    /// # let answer = oauth_runtime::Answer::new(oauth_runtime::reqwest::StatusCode::OK, Default::default(), ());
    /// let links = answer.headers().get_all("link").iter().count();
    /// ```
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The first value of the header `name` (any case), if it is there and is text (visible
    /// ASCII): `answer.header("x-ratelimit-remaining")`.
    ///
    /// ```
    /// use oauth_runtime::{Answer, reqwest::{StatusCode, header::HeaderMap}};
    ///
    /// let mut headers = HeaderMap::new();
    /// headers.insert("x-ratelimit-remaining", "59".parse().unwrap());
    /// let answer = Answer::new(StatusCode::OK, headers, ());
    /// assert_eq!(answer.header("X-RateLimit-Remaining"), Some("59"));
    /// assert_eq!(answer.header("retry-after"), None);
    /// ```
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)?.to_str().ok()
    }

    /// The `Location` header: where a `201 Created` put the new resource (as the server wrote
    /// it, often relative to the API's base URL).
    ///
    /// ```
    /// use oauth_runtime::{Answer, reqwest::{StatusCode, header::{HeaderMap, LOCATION}}};
    ///
    /// let mut headers = HeaderMap::new();
    /// headers.insert(LOCATION, "/invoices/inv_1".parse().unwrap());
    /// assert_eq!(Answer::new(StatusCode::CREATED, headers, ()).location(), Some("/invoices/inv_1"));
    /// ```
    pub fn location(&self) -> Option<&str> {
        self.header("location")
    }

    /// The `ETag` header, quotes included (`"v7"`, `W/"v7"`): the version to send back in
    /// `If-Match` or `If-None-Match`.
    ///
    /// ```
    /// use oauth_runtime::{Answer, reqwest::{StatusCode, header::{HeaderMap, ETAG}}};
    ///
    /// let mut headers = HeaderMap::new();
    /// headers.insert(ETAG, "W/\"v7\"".parse().unwrap());
    /// assert_eq!(Answer::new(StatusCode::OK, headers, ()).etag(), Some("W/\"v7\""));
    /// ```
    pub fn etag(&self) -> Option<&str> {
        self.header("etag")
    }

    /// The body.
    ///
    /// ```
    /// # let answer = oauth_runtime::Answer::new(oauth_runtime::reqwest::StatusCode::OK, Default::default(), 7_u32);
    /// assert_eq!(*answer.body(), 7);
    /// ```
    pub fn body(&self) -> &T {
        &self.body
    }

    /// The body, the status and headers dropped.
    ///
    /// ```
    /// # let answer = oauth_runtime::Answer::new(oauth_runtime::reqwest::StatusCode::OK, Default::default(), String::from("text"));
    /// let text: String = answer.into_body();
    /// ```
    pub fn into_body(self) -> T {
        self.body
    }

    /// The status, headers and body.
    ///
    /// ```
    /// # let answer = oauth_runtime::Answer::new(oauth_runtime::reqwest::StatusCode::OK, Default::default(), ());
    /// let (status, headers, body) = answer.into_parts();
    /// ```
    pub fn into_parts(self) -> (StatusCode, HeaderMap, T) {
        (self.status, self.headers, self.body)
    }

    /// The same answer with its body changed by `f`.
    ///
    /// ```
    /// # let answer = oauth_runtime::Answer::new(oauth_runtime::reqwest::StatusCode::OK, Default::default(), String::from("42"));
    /// let number = answer.map(|text| text.len());
    /// assert_eq!(*number.body(), 2);
    /// ```
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Answer<U> {
        Answer { status: self.status, headers: self.headers, body: f(self.body) }
    }
}

impl<T: fmt::Debug> fmt::Debug for Answer<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Answer")
            .field("status", &self.status)
            .field("headers", &self.headers.keys().map(|k| k.as_str()).collect::<Vec<_>>())
            .field("body", &self.body)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use reqwest::header::{HeaderValue, SET_COOKIE};

    use super::*;

    #[test]
    fn debug_names_headers_without_their_values() {
        let mut headers = HeaderMap::new();
        headers.insert(SET_COOKIE, HeaderValue::from_static("session=s3cr3t"));
        let shown = format!("{:?}", Answer::new(StatusCode::OK, headers, ()));
        assert!(shown.contains("set-cookie") && !shown.contains("s3cr3t"), "{shown}");
    }

    #[test]
    fn a_header_that_is_not_text_reads_as_none() {
        let mut headers = HeaderMap::new();
        headers.insert("x-raw", HeaderValue::from_bytes(b"caf\xe9").unwrap());
        assert_eq!(Answer::new(StatusCode::OK, headers, ()).header("x-raw"), None);
    }
}
