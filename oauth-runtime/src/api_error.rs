//! What a vendor's API answered when it was not what the call expected.

use std::{any::Any, fmt, sync::Arc};

use reqwest::{StatusCode, header::HeaderMap};

/// A non-2xx answer from a vendor's API to a typed call (an operation, or
/// [`ApiRequest::send_json`](crate::ApiRequest::send_json) and friends).
///
/// It keeps the status, the response's headers ([`ApiError::headers`]: `Retry-After`, request
/// ids), an excerpt of the body with every known secret redacted and, when the operation (or
/// the vendor) declares an error type, the body read into that type:
///
/// ```
/// # use oauth_runtime::Error;
/// #[derive(Debug, serde::Deserialize)]
/// struct MontaError { #[serde(rename = "errorCode")] code: String, message: String }
///
/// # fn check(err: Error) {
/// if let Error::Api(api) = &err {
///     match api.body::<MontaError>() {
///         Some(body) => eprintln!("HTTP {}: {} ({})", api.status, body.message, body.code),
///         None => eprintln!("HTTP {}: {}", api.status, api.excerpt),
///     }
/// }
/// # }
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub struct ApiError {
    /// Vendor name.
    pub vendor: &'static str,
    /// The operation's name, for calls made through a declared operation.
    pub operation: Option<&'static str>,
    /// The answer's status.
    pub status: StatusCode,
    /// The start of the body, with every token and secret redacted.
    pub excerpt: String,
    /// Shared: it keeps `Error` small, and clones cheap.
    headers: Arc<HeaderMap>,
    body: Option<TypedBody>,
}

/// Headers an error never keeps: they carry credentials or session state.
const SECRET_HEADERS: &[&str] = &["authorization", "proxy-authorization", "cookie", "set-cookie", "set-cookie2"];

/// Whether a header name suggests a secret value (`x-api-key`, `x-auth-token`, `x-csrf-token`..).
fn secret_header(name: &str) -> bool {
    SECRET_HEADERS.contains(&name)
        || ["token", "secret", "password", "api-key", "apikey", "x-auth", "session", "cookie", "csrf"]
            .iter()
            .any(|k| name.contains(k))
}

/// A body read into a declared error type, and that type's name (for Debug).
#[derive(Clone)]
pub(crate) struct TypedBody(pub Arc<dyn Any + Send + Sync>, pub &'static str);

impl ApiError {
    pub(crate) fn new(
        vendor: &'static str,
        operation: Option<&'static str>,
        status: StatusCode,
        excerpt: String,
        body: Option<TypedBody>,
    ) -> ApiError {
        ApiError { vendor, operation, status, excerpt, headers: Arc::default(), body }
    }

    /// The same, keeping the answer's `headers` but those that may carry a secret.
    pub(crate) fn with_headers(mut self, headers: &HeaderMap) -> ApiError {
        self.headers = Arc::new(
            headers
                .iter()
                .filter(|(name, _)| !secret_header(name.as_str()))
                .map(|(name, value)| (name.clone(), value.clone()))
                .collect(),
        );
        self
    }

    /// The answer's headers, to read `Retry-After` or the vendor's request id:
    ///
    /// ```
    /// # fn check(api: &oauth_runtime::ApiError) {
    /// let retry_after = api.headers().get("retry-after").and_then(|v| v.to_str().ok());
    /// let request_id = api.headers().get("x-request-id").and_then(|v| v.to_str().ok());
    /// # }
    /// ```
    ///
    /// Headers that may carry a secret are left out: `Authorization`, `Cookie`, `Set-Cookie`,
    /// and any whose name speaks of a token, an API key, a secret, a password or a session
    /// (`x-api-key`, `x-auth-token`, `x-session-id`..). `WWW-Authenticate` is kept.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The body read into the declared error type `E`: `None` if no error type was declared,
    /// the body did not fit it, or `E` is another type.
    pub fn body<E: Any>(&self) -> Option<&E> {
        self.body.as_ref()?.0.downcast_ref::<E>()
    }
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The typed body's own Debug is not shown: it may hold what the vendor echoed back.
        f.debug_struct("ApiError")
            .field("vendor", &self.vendor)
            .field("operation", &self.operation)
            .field("status", &self.status)
            .field("excerpt", &self.excerpt)
            .field("headers", &self.headers.keys().map(|k| k.as_str()).collect::<Vec<_>>())
            .field("typed_body", &self.body.as_ref().map(|b| b.1))
            .finish()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.operation {
            Some(op) => write!(f, "{}: `{op}` answered HTTP {}", self.vendor, self.status)?,
            None => write!(f, "{}: the API answered HTTP {}", self.vendor, self.status)?,
        }
        // The excerpt as the vendor wrote it, once: it holds no line break or control
        // character (the redaction replaced them), and escaping it would double every quote
        // and backslash of a JSON body.
        if !self.excerpt.is_empty() {
            write!(f, "; body starts: {}", self.excerpt)?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// Reads `body` into `E`, for [`ApiError::body`]: the decoder an operation's error type gives.
pub(crate) type ErrorDecoder = fn(&[u8]) -> Option<TypedBody>;

pub(crate) fn decoder<E>() -> ErrorDecoder
where
    E: serde::de::DeserializeOwned + Send + Sync + 'static,
{
    |body| {
        let typed = serde_json::from_slice::<E>(body).ok()?;
        Some(TypedBody(Arc::new(typed), std::any::type_name::<E>()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_shows_a_json_body_once_and_unescaped() {
        let body = br#"{"error":"bad "id"","path":"C:\x"}"#;
        let excerpt = crate::redact::excerpt(body, &[]);
        let api = ApiError::new("V", Some("me"), StatusCode::BAD_REQUEST, excerpt, None);
        let text = api.to_string();
        assert_eq!(text, r#"V: `me` answered HTTP 400 Bad Request; body starts: {"error":"bad "id"","path":"C:\x"}"#);
        let outer = crate::Error::Api(api).to_string();
        assert_eq!(outer, text, "Error::Api adds nothing around it");
        assert_eq!(outer.matches("bad").count(), 1, "{outer}");
        let api = ApiError::new("V", None, StatusCode::BAD_GATEWAY, String::new(), None);
        assert_eq!(api.to_string(), "V: the API answered HTTP 502 Bad Gateway");
    }

    #[test]
    fn headers_are_kept_but_secret_looking_ones() {
        let mut headers = HeaderMap::new();
        for (name, value) in [
            ("retry-after", "30"),
            ("x-request-id", "req-1"),
            ("content-type", "application/json"),
            ("set-cookie", "sid=s3cr3t"),
            ("authorization", "Bearer s3cr3t"),
            ("www-authenticate", "Bearer error=\"invalid_token\""),
            ("x-api-key", "s3cr3t"),
            ("x-refresh-token", "s3cr3t"),
        ] {
            headers.append(name, value.parse().unwrap());
        }
        let api = ApiError::new("V", None, StatusCode::TOO_MANY_REQUESTS, String::new(), None).with_headers(&headers);
        let kept: Vec<_> = api.headers().keys().map(|k| k.as_str()).collect();
        assert_eq!(kept, ["retry-after", "x-request-id", "content-type", "www-authenticate"]);
        assert_eq!(api.headers()["retry-after"], "30");
        assert!(!format!("{api:?} {api}").contains("s3cr3t"));
    }
}
