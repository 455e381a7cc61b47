//! A [`Multipart`] body on a call: reqwest's form is a stream that can be sent once, so each
//! attempt (the first, and the replay after a 401) gets a form written from the owned parts.

use reqwest::header;

use crate::{Multipart, client::Inner, error::Error, multipart::Unsendable};

/// `request` with `multipart` as its body, and a copy with a form of its own for the replay.
/// The form replaces any body and `Content-Type` the request had.
pub(super) fn attempts(
    inner: &Inner,
    operation: Option<&'static str>,
    mut request: reqwest::Request,
    multipart: &Multipart,
) -> Result<(reqwest::Request, Option<reqwest::Request>), Error> {
    *request.body_mut() = None;
    request.headers_mut().remove(header::CONTENT_TYPE);
    request.headers_mut().remove(header::CONTENT_LENGTH);
    // Without a body, the request is always copied.
    let replay = request.try_clone();
    let first = with_form(inner, operation, request, multipart)?;
    let replay = replay.map(|replay| with_form(inner, operation, replay, multipart)).transpose()?;
    Ok((first, replay))
}

/// `request` with a new form written from `multipart` (its boundary, `Content-Type` and
/// `Content-Length`, all parts' lengths being known).
fn with_form(
    inner: &Inner,
    operation: Option<&'static str>,
    request: reqwest::Request,
    multipart: &Multipart,
) -> Result<reqwest::Request, Error> {
    let vendor = inner.spec.name;
    let form = multipart.to_form().map_err(|e| match e {
        Unsendable::Value(reason) => Error::argument(vendor, operation, reason),
        Unsendable::Part(e) => Error::transport(vendor, e, None),
    })?;
    reqwest::RequestBuilder::from_parts(inner.transport.http.clone(), request)
        .multipart(form)
        .build()
        .map_err(|e| Error::transport(vendor, e, None))
}
