//! Typed answers: a 2xx body read into a value under the body cap, anything else an
//! [`Error::Api`] carrying the vendor's error body (or, for a refusal for insufficient scope,
//! an [`Error::Scope`] carrying it). The `*_answer` forms keep the 2xx status
//! and headers too ([`Answer`]); the others drop the headers unread.

use bytes::Bytes;
use reqwest::{StatusCode, header::HeaderMap};
use serde::de::DeserializeOwned;

use super::{Answer, ApiRequest};
use crate::{
    ApiError,
    client::{Inner, Session},
    error::Error,
    redact,
    transport::{ReadError, read_capped},
    wire,
};

impl ApiRequest {
    /// Sends the call and reads a 2xx JSON body into `T`.
    ///
    /// # Errors
    ///
    /// Those of [`ApiRequest::send`]; [`Error::Api`] for a non-2xx answer (with the body in the
    /// declared [error type](ApiRequest::error_type), if any), or [`Error::Scope`] for one
    /// whose challenge says `insufficient_scope`; [`Error::Scope`] too, unsent, for a
    /// person's token lacking a [required scope](ApiRequest::require_scopes); [`Error::Decode`] with the path
    /// of the failing field when the body does not fit `T`; [`Error::ResponseTooLarge`] past
    /// the client's [API body cap](crate::ClientBuilder::max_api_response_bytes).
    pub async fn send_json<T: DeserializeOwned>(self) -> Result<T, Error> {
        let (status, _, body, ctx) = self.success_body(false).await?;
        ctx.json(status, &body)
    }

    /// Sends the call and returns a 2xx body as text (UTF-8).
    ///
    /// # Errors
    ///
    /// As [`ApiRequest::send_json`]; a body that is not UTF-8 is [`Error::Decode`].
    pub async fn send_text(self) -> Result<String, Error> {
        let (status, _, body, ctx) = self.success_body(false).await?;
        ctx.text(status, body)
    }

    /// Sends the call and returns a 2xx body as bytes.
    ///
    /// # Errors
    ///
    /// As [`ApiRequest::send_json`], without the decoding.
    pub async fn send_bytes(self) -> Result<Bytes, Error> {
        Ok(self.success_body(false).await?.2)
    }

    /// Sends the call and checks that the answer is a 2xx; its body, if any, is dropped.
    ///
    /// # Errors
    ///
    /// As [`ApiRequest::send_json`], without the decoding.
    pub async fn send_empty(self) -> Result<(), Error> {
        self.success_body(false).await.map(|_| ())
    }

    /// [`send_json`](Self::send_json), keeping the status and headers of the 2xx answer:
    ///
    /// ```no_run
    /// # async fn demo<P>(client: oauth_runtime::Client<P>) -> Result<(), oauth_runtime::Error> {
    /// #[derive(serde::Deserialize)]
    /// struct Invoice { id: String }
    ///
    /// let created = client.post("/invoices").json(&serde_json::json!({"amount": 42}))
    ///     .send_json_answer::<Invoice>().await?;
    /// println!("{} at {:?}", created.body().id, created.location());
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// As [`ApiRequest::send_json`].
    pub async fn send_json_answer<T: DeserializeOwned>(self) -> Result<Answer<T>, Error> {
        let (status, headers, body, ctx) = self.success_body(true).await?;
        Ok(Answer::new(status, headers, ctx.json(status, &body)?))
    }

    /// [`send_text`](Self::send_text), keeping the status and headers of the 2xx answer.
    ///
    /// ```no_run
    /// # async fn demo<P>(client: oauth_runtime::Client<P>) -> Result<(), oauth_runtime::Error> {
    /// let page = client.get("/report.csv").send_text_answer().await?;
    /// let etag = page.etag().map(str::to_owned);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// As [`ApiRequest::send_text`].
    pub async fn send_text_answer(self) -> Result<Answer<String>, Error> {
        let (status, headers, body, ctx) = self.success_body(true).await?;
        Ok(Answer::new(status, headers, ctx.text(status, body)?))
    }

    /// [`send_bytes`](Self::send_bytes), keeping the status and headers of the 2xx answer.
    ///
    /// ```no_run
    /// # async fn demo<P>(client: oauth_runtime::Client<P>) -> Result<(), oauth_runtime::Error> {
    /// let pdf = client.get("/invoices/inv_1/pdf").send_bytes_answer().await?;
    /// let kind = pdf.header("content-type").unwrap_or("application/octet-stream");
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// As [`ApiRequest::send_bytes`].
    pub async fn send_bytes_answer(self) -> Result<Answer<Bytes>, Error> {
        let (status, headers, body, _) = self.success_body(true).await?;
        Ok(Answer::new(status, headers, body))
    }

    /// [`send_empty`](Self::send_empty), keeping the status and headers of the 2xx answer
    /// (a `202 Accepted` and its `Location`, say).
    ///
    /// ```no_run
    /// # async fn demo<P>(client: oauth_runtime::Client<P>) -> Result<(), oauth_runtime::Error> {
    /// let accepted = client.post("/exports").send_empty_answer().await?;
    /// let status_url = accepted.location();
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// As [`ApiRequest::send_empty`].
    pub async fn send_empty_answer(self) -> Result<Answer<()>, Error> {
        let (status, headers, _, _) = self.success_body(true).await?;
        Ok(Answer::new(status, headers, ()))
    }

    /// [`success_body`](Self::success_body) with the answer's headers (a page's `Link`).
    pub(super) async fn success_with_headers(self) -> Result<(StatusCode, HeaderMap, Bytes, Context), Error> {
        self.success_body(true).await
    }

    /// The status, headers (those of a 2xx only with `keep_headers`) and capped body of a 2xx
    /// answer, or the [`Error::Api`] of any other.
    async fn success_body(self, keep_headers: bool) -> Result<(StatusCode, HeaderMap, Bytes, Context), Error> {
        let ctx = Context {
            inner: self.inner.clone(),
            session: self.session.clone(),
            operation: self.operation,
            decoder: self.error_decoder,
        };
        let required = self.required.clone();
        let (mut response, mut exchange) = self.send_recorded().await?;
        let status = response.status();
        // Taken for an error or an `Answer` alone: a plain 2xx answer's headers are dropped
        // unread. The body is read without them (its length comes from the body itself).
        let headers = if keep_headers || !status.is_success() {
            std::mem::take(response.headers_mut())
        } else {
            HeaderMap::new()
        };
        let cap = ctx.inner.max_api_body;
        let body = match read_capped(response, cap).await {
            Ok(body) => {
                exchange.body(body.len());
                Bytes::from(body)
            }
            Err(ReadError::TooLarge) => {
                exchange.failed("too_large");
                return Err(Error::ResponseTooLarge {
                    vendor: ctx.inner.spec.name,
                    endpoint: None,
                    status,
                    limit: cap,
                });
            }
            Err(ReadError::Transport(e)) => {
                exchange.failed(wire::reqwest_error(&e));
                return Err(Error::transport(ctx.inner.spec.name, e, None));
            }
        };
        // The exchange ends with its body read, before any decoding.
        drop(exchange);
        if !status.is_success() {
            let typed = ctx.decoder.and_then(|decode| decode(&body));
            let excerpt = ctx.inner.with_secrets(&ctx.session, |secrets| redact::excerpt(&body, secrets));
            let api = ApiError::new(ctx.inner.spec.name, ctx.operation, status, excerpt, typed).with_headers(&headers);
            return Err(super::scopes::refusal(&ctx.inner, required, api));
        }
        Ok((status, headers, body, ctx))
    }
}

/// What reading an answer needs once the request is gone.
pub(super) struct Context {
    inner: std::sync::Arc<Inner>,
    session: std::sync::Arc<Session>,
    operation: Option<&'static str>,
    decoder: Option<crate::api_error::ErrorDecoder>,
}

impl Context {
    /// A 2xx body read as JSON into `T`.
    fn json<T: DeserializeOwned>(&self, status: StatusCode, body: &[u8]) -> Result<T, Error> {
        let mut de = serde_json::Deserializer::from_slice(body);
        match serde_path_to_error::deserialize::<_, T>(&mut de) {
            Ok(value) => match de.end() {
                Ok(()) => Ok(value),
                Err(e) => Err(self.decode_error(status, body, String::new(), &e)),
            },
            Err(e) => Err(self.decode_error(status, body, e.path().to_string(), e.inner())),
        }
    }

    /// A 2xx body as UTF-8 text.
    fn text(&self, status: StatusCode, body: Bytes) -> Result<String, Error> {
        String::from_utf8(body.to_vec()).map_err(|e| self.decode(status, &body, ".", &e.utf8_error().to_string()))
    }

    pub(super) fn decode_error(&self, status: StatusCode, body: &[u8], path: String, e: &serde_json::Error) -> Error {
        let path = if path.is_empty() { ".".to_owned() } else { path };
        self.decode(status, body, &path, &without_values(&e.to_string()))
    }

    pub(super) fn decode(&self, status: StatusCode, body: &[u8], path: &str, reason: &str) -> Error {
        let (excerpt, reason) = self
            .inner
            .with_secrets(&self.session, |secrets| (redact::excerpt(body, secrets), redact::known(reason, secrets)));
        Error::Decode {
            vendor: self.inner.spec.name,
            operation: self.operation,
            status,
            path: path.to_owned(),
            reason,
            excerpt,
        }
    }
}

/// serde's message with the quoted values it cites left out: they are the vendor's data and may
/// be secrets (`invalid type: string "…", expected u64`).
fn without_values(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut quoted = false;
    for c in message.chars() {
        match (c, quoted) {
            ('"', false) => {
                quoted = true;
                out.push_str("\"…");
            }
            ('"', true) => {
                quoted = false;
                out.push('"');
            }
            (_, true) => {}
            (c, false) => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::without_values;

    #[test]
    fn serde_messages_lose_their_values() {
        let m = r#"invalid type: string "s3cr3t", expected u64 at line 1 column 12"#;
        assert_eq!(without_values(m), r#"invalid type: string "…", expected u64 at line 1 column 12"#);
        assert_eq!(without_values("missing field `id`"), "missing field `id`");
    }
}
