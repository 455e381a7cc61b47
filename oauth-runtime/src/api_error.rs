//! What a vendor's API answered when it was not what the call expected.

use std::{any::Any, fmt, sync::Arc};

use reqwest::StatusCode;

/// A non-2xx answer from a vendor's API to a typed call (an operation, or
/// [`ApiRequest::send_json`](crate::ApiRequest::send_json) and friends).
///
/// It keeps the status, an excerpt of the body with every known secret redacted and, when the
/// operation (or the vendor) declares an error type, the body read into that type:
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
    body: Option<TypedBody>,
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
        ApiError { vendor, operation, status, excerpt, body }
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
        if !self.excerpt.is_empty() {
            write!(f, ": {:?}", self.excerpt)?;
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
