//! Injectable faults and how they are served.

use std::{convert::Infallible, io, time::Duration};

use axum::{
    body::{Body, Bytes},
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use futures_util::stream;

use crate::{Reshape, config::Kind, state::Shared};

/// Which kind of request a [`Fault`] applies to.
///
/// More kinds may be added, so a `match` on it needs a wildcard arm.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Target {
    /// Grant requests to the token endpoint.
    Token,
    /// Refresh requests: MPS Monitor's `grant_type=refresh_token` at `/token`,
    /// Monta's `/auth/refresh`. Vendors without refresh never see these.
    Refresh,
    /// Requests to the protected API endpoint.
    Api,
    /// Requests to a spec simulator's revocation endpoint (RFC 7009).
    Revocation,
    /// Requests for a spec simulator's metadata document (RFC 8414, OpenID discovery).
    Metadata,
}

/// A failure served instead of (or, for [`Fault::Slow`], before) the normal
/// answer. Faults are applied before any validation of the request, and the
/// request is still counted.
///
/// More faults, and more details of a fault, may be added: the faults with
/// data are built with their constructors ([`Fault::status`],
/// [`Fault::too_many_requests`], [`Fault::html`], [`Fault::huge_body`],
/// [`Fault::slow`], [`Fault::redirect`], [`Fault::after_processing`], [`Fault::respond`],
/// [`Fault::reshape`]), and a `match` needs a wildcard arm.
///
/// Two are not failures: [`Fault::Respond`] serves an answer of your own, and
/// [`Fault::Reshape`] the real answer in a shape the declaration does not describe (numbers as
/// strings, extra fields, a form body), to test that a client copes with a vendor that
/// drifts from its document.
///
/// ```
/// use std::time::Duration;
/// use oauth_sim::Fault;
///
/// let faults = [Fault::status(503), Fault::too_many_requests(Some(2)), Fault::slow(Duration::from_secs(1)), Fault::Reset];
/// assert_eq!(faults[0], Fault::status(503));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// That status with a short `text/plain` body such as
    /// `503 Service Unavailable`, like a load balancer answers. A code outside
    /// 100..=999 is served as 500.
    #[non_exhaustive]
    Status(u16),
    /// `429 Too Many Requests`, with `Retry-After: N` (seconds) if `Some(N)`.
    #[non_exhaustive]
    TooManyRequests {
        /// The `Retry-After` value in seconds, if any.
        retry_after: Option<u64>,
    },
    /// An HTML error page (`text/html`) with that status, like a gateway or
    /// IIS serves. A code outside 100..=999 is served as 500.
    #[non_exhaustive]
    Html(u16),
    /// `200`, `application/json`, truncated JSON: `{"access_token": "abc`.
    MalformedJson,
    /// `200`, `application/json`, empty body.
    EmptyBody,
    /// `200` with an OAuth error object:
    /// `{"error":"invalid_request","error_description":"..."}`.
    ErrorIn200,
    /// `200`, `application/json`, a body of exactly that many bytes
    /// (`{"padding":"xxxx…"}`), streamed with chunked transfer encoding so a
    /// client only finds out how big it is by reading it.
    #[non_exhaustive]
    HugeBody(usize),
    /// Waits that long, then answers normally.
    #[non_exhaustive]
    Slow(Duration),
    /// `302 Found` with `Location:` the given URL. A URL that is not a valid
    /// header value is served as a 500.
    #[non_exhaustive]
    Redirect(String),
    /// Sends the status line, headers (announcing a `Content-Length` larger
    /// than what follows) and part of the body, then drops the connection.
    Reset,
    /// A `401` with the vendor's own rejection body: for [`Target::Api`] the
    /// vendor's answer to an invalid or expired bearer token (even though the
    /// token presented is valid); for [`Target::Token`] and
    /// [`Target::Refresh`] the vendor's client or refresh-token rejection body.
    Unauthorized,
    /// The request is processed as usual (tokens issued, a refresh token
    /// rotated away), then the inner fault is served instead of the answer:
    /// the answer lost after the vendor acted on the request, as with a 500 from
    /// a gateway behind the server or a timeout while the answer travels.
    /// [`Fault::Slow`] inside delays the normal answer after processing. Only
    /// MPS Monitor's token endpoint processes first; elsewhere it is a 500.
    /// Built with [`Fault::after_processing`].
    #[non_exhaustive]
    AfterProcessing(Box<Fault>),
    /// Exactly this answer: the status (outside 100..=999 served as 500), a `Content-Type`
    /// (none if empty; a value no header can hold is served as 500) and the body, for a shape
    /// no other fault has (a vendor's own error page, a token answer written by hand). Built
    /// with [`Fault::respond`].
    #[non_exhaustive]
    Respond {
        /// The status.
        status: u16,
        /// The `Content-Type`, or empty for none.
        content_type: String,
        /// The body, as sent.
        body: Bytes,
    },
    /// The request is processed as usual and its answer, tokens and all, is rewritten as
    /// the [`Reshape`] says: numbers as strings, extra fields, a form body. Like
    /// [`Fault::AfterProcessing`] it needs a handler that processes first: a spec simulator's
    /// token and refresh endpoints and MPS Monitor's token endpoint; elsewhere it is a 500.
    /// Built with [`Fault::reshape`].
    #[non_exhaustive]
    Reshape(Reshape),
}

impl Fault {
    /// [`Fault::Status`]: that status with a short `text/plain` body.
    pub const fn status(code: u16) -> Fault {
        Fault::Status(code)
    }

    /// [`Fault::TooManyRequests`]: a 429, with `Retry-After` in seconds if given.
    pub const fn too_many_requests(retry_after: Option<u64>) -> Fault {
        Fault::TooManyRequests { retry_after }
    }

    /// [`Fault::Html`]: an HTML error page with that status.
    pub const fn html(code: u16) -> Fault {
        Fault::Html(code)
    }

    /// [`Fault::HugeBody`]: a 200 whose body is exactly `size` bytes.
    pub const fn huge_body(size: usize) -> Fault {
        Fault::HugeBody(size)
    }

    /// [`Fault::Slow`]: the normal answer after `delay`.
    pub const fn slow(delay: Duration) -> Fault {
        Fault::Slow(delay)
    }

    /// [`Fault::Redirect`]: a `302 Found` to `location`.
    pub fn redirect(location: impl Into<String>) -> Fault {
        Fault::Redirect(location.into())
    }

    /// [`Fault::AfterProcessing`]: the request is processed, then `fault` is served.
    pub fn after_processing(fault: Fault) -> Fault {
        Fault::AfterProcessing(Box::new(fault))
    }

    /// [`Fault::Respond`]: exactly this answer instead of the simulator's, before the request
    /// is looked at (wrap it in [`Fault::after_processing`] to have the request carried out
    /// first). An empty `content_type` sends none.
    ///
    /// ```
    /// use oauth_sim::{Fault, Target};
    /// # use oauth_sim::{Simulator, Vendor};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// # let sim = Simulator::start(Vendor::Deyel).await?;
    /// // A gateway's JSON error no RFC describes, for the next token request.
    /// let body = r#"{"fault":{"faultstring":"Rate limit quota violation","detail":{"errorcode":"policies.ratelimit.QuotaViolation"}}}"#;
    /// sim.inject(Target::Token, Fault::respond(429, "application/json", body), 1);
    /// # Ok(()) }
    /// ```
    pub fn respond(status: u16, content_type: impl Into<String>, body: impl Into<Bytes>) -> Fault {
        Fault::Respond { status, content_type: content_type.into(), body: body.into() }
    }

    /// [`Fault::Reshape`]: the request is processed, then its answer rewritten.
    ///
    /// ```
    /// use oauth_sim::{Fault, Reshape, Target};
    /// # use oauth_sim::{Simulator, Vendor};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// # let sim = Simulator::start(Vendor::MpsMonitor).await?;
    /// // Every token answer from now on with `"expires_in": "1799"` and an unknown field.
    /// let drift = Reshape::new().numbers_as_strings().extra_field("scope", "account");
    /// sim.set_fault_rate(Target::Token, Fault::reshape(drift), 1.0);
    /// # Ok(()) }
    /// ```
    pub fn reshape(reshape: Reshape) -> Fault {
        Fault::Reshape(reshape)
    }
}

/// Serves the next queued fault for `target`, if any. `Slow` only delays, so
/// it yields `None` and the caller carries on normally.
pub(crate) async fn intercept(shared: &Shared, target: Target) -> Option<Response> {
    match intercept_before(shared, target).await {
        Err(response) => Some(response),
        // Handlers that do not process first: served as a plain 500.
        Ok(Some(_)) => Some(render(Fault::Status(500))),
        Ok(None) => None,
    }
}

/// As [`intercept`], for handlers that process first: `Ok(Some(fault))` is a
/// [`Fault::AfterProcessing`]'s inner fault, to serve with [`after`] once the
/// request was processed.
pub(crate) async fn intercept_before(shared: &Shared, target: Target) -> Result<Option<Fault>, Response> {
    match shared.next_fault(target) {
        None => Ok(None),
        Some(Fault::AfterProcessing(inner)) => Ok(Some(*inner)),
        Some(Fault::Reshape(reshape)) => Ok(Some(Fault::Reshape(reshape))),
        Some(fault) => serve(shared, target, fault).await.map_or(Ok(None), Err),
    }
}

/// The answer to a processed request under `fault`, instead of `normal`.
pub(crate) async fn after(shared: &Shared, target: Target, fault: Fault, normal: Response) -> Response {
    if let Fault::Reshape(reshape) = &fault {
        return reshape.apply(normal).await;
    }
    match serve(shared, target, fault).await {
        Some(response) => response,
        None => normal,
    }
}

async fn serve(shared: &Shared, target: Target, fault: Fault) -> Option<Response> {
    Some(match fault {
        Fault::Slow(delay) => {
            tokio::time::sleep(delay).await;
            return None;
        }
        Fault::Unauthorized => {
            let mut response = match shared.config.kind() {
                Kind::Vendor(vendor) => vendor.unauthorized(target),
                Kind::Spec(spec) => crate::generic::unauthorized(spec, target),
            };
            *response.status_mut() = StatusCode::UNAUTHORIZED;
            response
        }
        other => render(other),
    })
}

fn status(code: u16) -> StatusCode {
    StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

fn reason(status: StatusCode) -> &'static str {
    status.canonical_reason().unwrap_or("Error")
}

const JSON: &str = "application/json";

fn render(fault: Fault) -> Response {
    match fault {
        Fault::Status(code) => {
            let status = status(code);
            let body = format!("{} {}", status.as_u16(), reason(status));
            (status, [(header::CONTENT_TYPE, "text/plain")], body).into_response()
        }
        Fault::TooManyRequests { retry_after } => {
            let mut response =
                (StatusCode::TOO_MANY_REQUESTS, [(header::CONTENT_TYPE, "text/plain")], "429 Too Many Requests")
                    .into_response();
            if let Some(secs) = retry_after {
                response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
            }
            response
        }
        Fault::Html(code) => {
            let status = status(code);
            (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], html_page(status)).into_response()
        }
        Fault::MalformedJson => {
            (StatusCode::OK, [(header::CONTENT_TYPE, JSON)], r#"{"access_token": "abc"#).into_response()
        }
        Fault::EmptyBody => (StatusCode::OK, [(header::CONTENT_TYPE, JSON)]).into_response(),
        Fault::ErrorIn200 => (
            StatusCode::OK,
            [(header::CONTENT_TYPE, JSON)],
            r#"{"error":"invalid_request","error_description":"The request could not be processed."}"#,
        )
            .into_response(),
        Fault::HugeBody(size) => {
            (StatusCode::OK, [(header::CONTENT_TYPE, JSON)], Body::from_stream(huge_body(size))).into_response()
        }
        Fault::Redirect(location) => match HeaderValue::from_str(&location) {
            Ok(location) => (StatusCode::FOUND, [(header::LOCATION, location)]).into_response(),
            Err(_) => render(Fault::Status(500)),
        },
        Fault::Reset => reset(),
        Fault::Respond { status: code, content_type, body } => {
            let mut response = (status(code), body).into_response();
            match HeaderValue::from_str(&content_type) {
                _ if content_type.is_empty() => {
                    response.headers_mut().remove(header::CONTENT_TYPE);
                }
                Ok(value) => {
                    response.headers_mut().insert(header::CONTENT_TYPE, value);
                }
                Err(_) => return render(Fault::Status(500)),
            }
            response
        }
        // Handled by `serve` and `after`, which know the vendor and the normal answer.
        Fault::Slow(_) | Fault::Unauthorized | Fault::AfterProcessing(_) | Fault::Reshape(_) => {
            render(Fault::Status(500))
        }
    }
}

fn html_page(status: StatusCode) -> String {
    let code = status.as_u16();
    let reason = reason(status);
    format!(
        "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Strict//EN\" \
         \"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd\">\n\
         <html xmlns=\"http://www.w3.org/1999/xhtml\">\n\
         <head><title>{code} - {reason}</title></head>\n\
         <body>\n<div id=\"header\"><h1>Server Error</h1></div>\n\
         <div id=\"content\"><fieldset><h2>{code} - {reason}</h2>\n\
         <h3>The server could not complete the request.</h3></fieldset></div>\n\
         </body>\n</html>\n"
    )
}

static FILLER: [u8; 64 * 1024] = [b'x'; 64 * 1024];

/// Exactly `size` bytes of JSON-looking data, produced lazily.
fn huge_body(size: usize) -> impl futures_util::Stream<Item = Result<Bytes, Infallible>> {
    const HEAD: &[u8] = br#"{"padding":""#;
    const TAIL: &[u8] = br#""}"#;
    let (head, filler, tail) = if size >= HEAD.len() + TAIL.len() {
        (HEAD, size - HEAD.len() - TAIL.len(), TAIL)
    } else {
        (&b""[..], size, &b""[..])
    };
    let chunks = filler.div_ceil(FILLER.len());
    let middle = (0..chunks).map(move |i| {
        let len = (filler - i * FILLER.len()).min(FILLER.len());
        Bytes::from_static(&FILLER[..len])
    });
    let all = std::iter::once(Bytes::from_static(head))
        .chain(middle)
        .chain(std::iter::once(Bytes::from_static(tail)))
        .filter(|chunk| !chunk.is_empty())
        .map(Ok);
    stream::iter(all)
}

/// Headers promising 1024 bytes, a first chunk, then a failing body so hyper
/// aborts the connection.
fn reset() -> Response {
    const PARTIAL: &[u8] = br#"{"access_token":"dGhpcyBib2R5IGlzIGN1dCBzaG9ydA"#;
    let body = stream::unfold(0u8, |step| async move {
        match step {
            0 => Some((Ok(Bytes::from_static(PARTIAL)), 1)),
            1 => {
                // Give hyper a pending poll so it flushes what it has.
                tokio::time::sleep(Duration::from_millis(30)).await;
                Some((Err(io::Error::new(io::ErrorKind::ConnectionReset, "simulated reset")), 2))
            }
            _ => None,
        }
    });
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, HeaderValue::from_static(JSON)), (header::CONTENT_LENGTH, HeaderValue::from(1024u32))],
        Body::from_stream(body),
    )
        .into_response()
}
