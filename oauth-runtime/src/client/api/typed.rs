//! Typed answers: a 2xx body read into a value under the body cap, anything else an
//! [`Error::Api`] carrying the vendor's error body.

use bytes::Bytes;
use reqwest::{StatusCode, header::HeaderMap};
use serde::de::DeserializeOwned;

use super::ApiRequest;
use crate::{
    ApiError,
    client::{Inner, Session},
    error::Error,
    redact,
    transport::{ReadError, read_capped},
};

impl ApiRequest {
    /// Sends the call and reads a 2xx JSON body into `T`.
    ///
    /// # Errors
    ///
    /// Those of [`ApiRequest::send`]; [`Error::Api`] for a non-2xx answer (with the body in the
    /// declared [error type](ApiRequest::error_type), if any); [`Error::Decode`] with the path
    /// of the failing field when the body does not fit `T`; [`Error::ResponseTooLarge`] past
    /// the client's [API body cap](crate::ClientBuilder::max_api_response_bytes).
    pub async fn send_json<T: DeserializeOwned>(self) -> Result<T, Error> {
        let (status, body, ctx) = self.success_body().await?;
        let mut de = serde_json::Deserializer::from_slice(&body);
        match serde_path_to_error::deserialize::<_, T>(&mut de) {
            Ok(value) => match de.end() {
                Ok(()) => Ok(value),
                Err(e) => Err(ctx.decode_error(status, &body, String::new(), &e)),
            },
            Err(e) => Err(ctx.decode_error(status, &body, e.path().to_string(), e.inner())),
        }
    }

    /// Sends the call and returns a 2xx body as text (UTF-8).
    ///
    /// # Errors
    ///
    /// As [`ApiRequest::send_json`]; a body that is not UTF-8 is [`Error::Decode`].
    pub async fn send_text(self) -> Result<String, Error> {
        let (status, body, ctx) = self.success_body().await?;
        String::from_utf8(body.to_vec()).map_err(|e| ctx.decode(status, &body, ".", &e.utf8_error().to_string()))
    }

    /// Sends the call and returns a 2xx body as bytes.
    ///
    /// # Errors
    ///
    /// As [`ApiRequest::send_json`], without the decoding.
    pub async fn send_bytes(self) -> Result<Bytes, Error> {
        Ok(self.success_body().await?.1)
    }

    /// Sends the call and checks that the answer is a 2xx; its body, if any, is dropped.
    ///
    /// # Errors
    ///
    /// As [`ApiRequest::send_json`], without the decoding.
    pub async fn send_empty(self) -> Result<(), Error> {
        self.success_body().await.map(|_| ())
    }

    /// The status and capped body of a 2xx answer, or the [`Error::Api`] of any other.
    async fn success_body(self) -> Result<(StatusCode, Bytes, Context), Error> {
        let (status, _, body, ctx) = self.success_with_headers().await?;
        Ok((status, body, ctx))
    }

    /// [`success_body`](Self::success_body) with the answer's headers (a page's `Link`).
    pub(super) async fn success_with_headers(self) -> Result<(StatusCode, HeaderMap, Bytes, Context), Error> {
        let ctx = Context {
            inner: self.inner.clone(),
            session: self.session.clone(),
            operation: self.operation,
            decoder: self.error_decoder,
        };
        let mut response = self.send().await?;
        let status = response.status();
        // Moved out, not copied: reading the body needs none of them.
        let headers = std::mem::take(response.headers_mut());
        let cap = ctx.inner.max_api_body;
        let body = match read_capped(response, cap).await {
            Ok(body) => Bytes::from(body),
            Err(ReadError::TooLarge) => {
                return Err(Error::ResponseTooLarge {
                    vendor: ctx.inner.spec.name,
                    endpoint: None,
                    status,
                    limit: cap,
                });
            }
            Err(ReadError::Transport(e)) => return Err(Error::transport(ctx.inner.spec.name, e, None)),
        };
        if !status.is_success() {
            let typed = ctx.decoder.and_then(|decode| decode(&body));
            let excerpt = ctx.inner.with_secrets(&ctx.session, |secrets| redact::excerpt(&body, secrets));
            let api = ApiError::new(ctx.inner.spec.name, ctx.operation, status, excerpt, typed).with_headers(&headers);
            return Err(Error::Api(api));
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
