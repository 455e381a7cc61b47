//! `multipart/form-data` bodies (RFC 7578): read into their parts by multer for the request
//! log, and checked before an API route's handler runs, as a strict server would.

use std::fmt;

use axum::{
    body::{Body, Bytes},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse as _, Response},
};

use crate::http;

/// The media type of multipart form bodies.
pub(crate) const MULTIPART: &str = "multipart/form-data";

/// The largest API call body the multipart check reads (the handler gets the same body):
/// uploads are larger than the token endpoints' bodies.
const MULTIPART_LIMIT: usize = 16 * 1024 * 1024;

/// One part of a `multipart/form-data` body, as received ([`RequestBody::Multipart`]).
///
/// Its `Debug` shows the name, file name, content type and length, never the contents.
///
/// [`RequestBody::Multipart`]: crate::RequestBody::Multipart
#[derive(Clone, PartialEq)]
#[non_exhaustive]
pub struct FormPart {
    name: String,
    file_name: Option<String>,
    content_type: Option<String>,
    body: Bytes,
}

impl FormPart {
    /// The name, from the part's `Content-Disposition: form-data; name="…"`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The file name (`filename="…"`), if the part has one.
    pub fn file_name(&self) -> Option<&str> {
        self.file_name.as_deref()
    }

    /// The part's `Content-Type`, as sent; `None` without one (`text/plain` by RFC 7578).
    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }

    /// The contents, as received.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The contents as text, if they are UTF-8.
    pub fn text(&self) -> Option<&str> {
        std::str::from_utf8(&self.body).ok()
    }
}

impl fmt::Debug for FormPart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Uploads may be anything, credentials included: their length only.
        f.debug_struct("FormPart")
            .field("name", &self.name)
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("bytes", &self.body.len())
            .finish()
    }
}

/// Whether the request says its body is `multipart/form-data`.
pub(crate) fn is_multipart(headers: &HeaderMap) -> bool {
    http::is_media(headers, MULTIPART)
}

/// The parts of a `multipart/form-data` body, in order, or what is wrong with it: no
/// boundary, broken framing, a part without `Content-Disposition: form-data` or a name.
pub(crate) async fn parts(headers: &HeaderMap, body: Bytes) -> Result<Vec<FormPart>, String> {
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let boundary = multer::parse_boundary(content_type).map_err(|e| e.to_string())?;
    let stream = futures_util::stream::once(async move { Ok::<_, std::convert::Infallible>(body) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    let mut parts = Vec::new();
    while let Some(field) = multipart.next_field().await.map_err(|e| e.to_string())? {
        let at = parts.len() + 1;
        // As bytes: a name may be UTF-8, which `HeaderValue::to_str` refuses.
        let disposition = field.headers().get(header::CONTENT_DISPOSITION).map(|v| v.as_bytes());
        let form_data = disposition
            .and_then(|d| d.split(|&b| b == b';').next())
            .is_some_and(|kind| kind.trim_ascii().eq_ignore_ascii_case(b"form-data"));
        if !form_data {
            return Err(format!("part {at} has no `Content-Disposition: form-data` (RFC 7578 section 4.2)"));
        }
        let name = match field.name() {
            Some(name) if !name.is_empty() => name.to_owned(),
            _ => return Err(format!("part {at} has no `name` in its Content-Disposition (RFC 7578 section 4.2)")),
        };
        let file_name = field.file_name().map(str::to_owned);
        let content_type = field.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let body = field.bytes().await.map_err(|e| e.to_string())?;
        parts.push(FormPart { name, file_name, content_type, body });
    }
    Ok(parts)
}

/// The request's body, unless it is a `multipart/form-data` body that does not parse: then
/// the answer a strict server gives, `400` with an RFC 6749-style error naming the fault.
pub(crate) async fn checked(headers: &HeaderMap, body: Body) -> Result<Body, Response> {
    if !is_multipart(headers) {
        return Ok(body);
    }
    let bytes = axum::body::to_bytes(body, MULTIPART_LIMIT).await.map_err(|_| {
        (StatusCode::PAYLOAD_TOO_LARGE, [(header::CONTENT_TYPE, "text/plain")], "413 Payload Too Large").into_response()
    })?;
    match parts(headers, bytes.clone()).await {
        Ok(_) => Ok(Body::from(bytes)),
        Err(fault) => {
            let description = format!("the multipart/form-data body is malformed: {fault}");
            let error = serde_json::json!({"error": "invalid_request", "error_description": description});
            Err(http::json(StatusCode::BAD_REQUEST, http::JSON, error.to_string()))
        }
    }
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn headers(content_type: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_str(content_type).unwrap());
        headers
    }

    #[tokio::test]
    async fn parts_in_order_with_their_names_files_and_types() {
        let body: &[u8] = b"--XB\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nSunset\r\n\
                    --XB\r\nContent-Disposition: form-data; name=\"image\"; filename=\"s.png\"\r\n\
                    Content-Type: image/png\r\n\r\n\x89PNG\r\n--XB--\r\n";
        let parts = parts(&headers("multipart/form-data; boundary=XB"), Bytes::from_static(body)).await.unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!((parts[0].name(), parts[0].file_name(), parts[0].text()), ("title", None, Some("Sunset")));
        assert_eq!(
            (parts[1].name(), parts[1].file_name(), parts[1].content_type()),
            ("image", Some("s.png"), Some("image/png"))
        );
        assert_eq!(parts[1].body().as_ref(), b"\x89PNG");
        let shown = format!("{parts:?}");
        assert!(!shown.contains("Sunset") && shown.contains("bytes: 6"), "{shown}");
    }

    #[tokio::test]
    async fn malformed_bodies_are_named() {
        let ok_part = "--XB\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n";
        let cases = [
            ("multipart/form-data", format!("{ok_part}--XB--\r\n"), "boundary"),
            ("multipart/form-data; boundary=XB", ok_part.to_owned(), "incomplete"),
            (
                "multipart/form-data; boundary=XB",
                "--XB\r\nContent-Type: text/plain\r\n\r\n1\r\n--XB--\r\n".into(),
                "form-data",
            ),
            (
                "multipart/form-data; boundary=XB",
                "--XB\r\nContent-Disposition: form-data; filename=\"f\"\r\n\r\n1\r\n--XB--\r\n".into(),
                "no `name`",
            ),
        ];
        for (content_type, body, fault) in cases {
            let error = parts(&headers(content_type), Bytes::from(body)).await.unwrap_err();
            assert!(error.to_lowercase().contains(fault), "{content_type}: {error}");
        }
    }
}
