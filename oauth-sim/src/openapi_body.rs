//! A document route's request body checked against its declaration, as a strict server
//! would: a body the operation requires must be there, of a declared media type, and a
//! multipart body must hold its required parts, its files sent as files.
//!
//! JSON and form bodies are checked for their media type alone: their schemas are the
//! generated types', which serde already holds to them.

use axum::{
    body::{Body, Bytes},
    http::{HeaderMap, StatusCode, header},
    response::Response,
};
use oauth_codegen::sample::RequestBody;

use crate::{body, http};

/// The largest body a document route reads to check it (uploads included).
const LIMIT: usize = 16 * 1024 * 1024;

/// Whether `request` carries the body `declared` says `operation` takes; the refusal (400,
/// 413 or 415, with an RFC 6749-style error naming the fault) when it does not.
pub(crate) async fn check(
    operation: &str,
    declared: &RequestBody,
    headers: &HeaderMap,
    body: Body,
) -> Result<(), Response> {
    let bytes = axum::body::to_bytes(body, LIMIT).await.map_err(|_| {
        refuse(StatusCode::PAYLOAD_TOO_LARGE, format!("the body of `{operation}` is over {LIMIT} bytes"))
    })?;
    let declared_types = declared.content_types.join(", ");
    let Some(content_type) = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        if bytes.is_empty() && !declared.required {
            return Ok(());
        }
        let what = if bytes.is_empty() { "requires a body" } else { "got a body without a Content-Type" };
        return Err(refuse(StatusCode::BAD_REQUEST, format!("`{operation}` {what} ({declared_types})")));
    };
    if !declared.accepts(content_type) {
        return Err(refuse(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!("`{operation}` takes {declared_types}, not `{content_type}`"),
        ));
    }
    if body::is_multipart(headers) && !declared.parts.is_empty() {
        parts(operation, declared, headers, bytes).await?;
    }
    Ok(())
}

/// The declared parts of a multipart body: the required ones present, files with a file name.
async fn parts(operation: &str, declared: &RequestBody, headers: &HeaderMap, bytes: Bytes) -> Result<(), Response> {
    // Malformed bodies were refused before the handler (`body::checked`).
    let sent = body::parts(headers, bytes).await.map_err(|fault| refuse(StatusCode::BAD_REQUEST, fault))?;
    for part in &declared.parts {
        let mut named = sent.iter().filter(|p| p.name() == part.name).peekable();
        if part.required && named.peek().is_none() {
            return Err(refuse(StatusCode::BAD_REQUEST, format!("`{operation}` requires the part `{}`", part.name)));
        }
        if part.file && named.any(|p| p.file_name().is_none()) {
            return Err(refuse(
                StatusCode::BAD_REQUEST,
                format!("the part `{}` of `{operation}` is a file: send it with a file name", part.name),
            ));
        }
    }
    Ok(())
}

/// A refusal: `status` with an RFC 6749-style `invalid_request` error that names the fault.
pub(crate) fn refuse(status: StatusCode, description: String) -> Response {
    let error = serde_json::json!({"error": "invalid_request", "error_description": description});
    http::json(status, http::JSON, error.to_string())
}
