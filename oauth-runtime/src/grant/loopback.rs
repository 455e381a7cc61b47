//! The loopback redirect listener of the authorization code grant (RFC 8252 sections 7.3 and
//! 8.3): `http://127.0.0.1:<ephemeral port><path>`, one redirect, a short HTML page.
//!
//! It answers every request with a page and reads at most a request head of 8 KiB from each;
//! requests for other paths (a browser's `/favicon.ico`) get a 404 and the wait goes on. The
//! redirect for the path ends the wait: its `state` must be the request's, then its `code` or
//! its `error` is the outcome. The whole wait is bounded by the client's authorization timeout.

use std::time::Duration;

use tokio::{
    io::{AsyncReadExt as _, AsyncWriteExt as _},
    net::{TcpListener, TcpStream},
};
use zeroize::Zeroizing;

use crate::{AuthorizationFailure, Error, ErrorCode};

/// The largest request head read from the browser.
const MAX_HEAD: usize = 8 * 1024;

/// How long one connection may take to send its request head.
const READ_TIMEOUT: Duration = Duration::from_secs(10);

/// The longest `error_description` kept from a redirect.
const MAX_DESCRIPTION: usize = 200;

/// A listener on `127.0.0.1` waiting for one redirect.
pub(crate) struct Loopback {
    listener: TcpListener,
    redirect_uri: String,
    path: &'static str,
}

impl Loopback {
    /// Listens on `127.0.0.1` at a port the system picks; `path` is the redirect's path.
    pub(crate) async fn bind(vendor: &'static str, path: &'static str) -> Result<Loopback, Error> {
        let listener = TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, 0))
            .await
            .map_err(|e| Error::internal(vendor, format!("cannot listen on 127.0.0.1 for the redirect: {e}")))?;
        let port = listener
            .local_addr()
            .map_err(|e| Error::internal(vendor, format!("cannot read the redirect listener's port: {e}")))?
            .port();
        Ok(Loopback { listener, redirect_uri: format!("http://127.0.0.1:{port}{path}"), path })
    }

    /// The redirect URI to send in the authorization request.
    pub(crate) fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }

    /// Waits at most `timeout` for the redirect, and returns its code; the redirect's error,
    /// a wrong `state` or the timeout as [`Error::Authorization`].
    pub(crate) async fn wait(
        self,
        vendor: &'static str,
        state: &str,
        timeout: Duration,
    ) -> Result<Zeroizing<String>, Error> {
        let wait = async {
            loop {
                let Ok((stream, _)) = self.listener.accept().await else { continue };
                if let Some(outcome) = self.serve(vendor, stream, state).await {
                    return outcome;
                }
            }
        };
        match tokio::time::timeout(timeout, wait).await {
            Ok(outcome) => outcome,
            Err(_) => Err(Error::authorization(vendor, AuthorizationFailure::TimedOut, None)),
        }
    }

    /// Answers one connection; `Some` when it was the redirect.
    async fn serve(
        &self,
        vendor: &'static str,
        mut stream: TcpStream,
        state: &str,
    ) -> Option<Result<Zeroizing<String>, Error>> {
        let head = match tokio::time::timeout(READ_TIMEOUT, read_head(&mut stream)).await {
            Ok(Some(head)) => head,
            _ => return None,
        };
        let Some(query) = redirect_query(&head, self.path) else {
            respond(&mut stream, "404 Not Found", "Not found.").await;
            return None;
        };
        let outcome = outcome(vendor, &query, state);
        let page = match &outcome {
            Ok(_) => "Authorization complete. You can close this window and return to the program.".to_owned(),
            Err(Error::Authorization { failure, .. }) => {
                format!("Authorization {failure}. You can close this window.")
            }
            Err(_) => "Authorization failed. You can close this window.".to_owned(),
        };
        respond(&mut stream, "200 OK", &page).await;
        Some(outcome)
    }
}

/// Reads a request head, up to the blank line or [`MAX_HEAD`] bytes.
async fn read_head(stream: &mut TcpStream) -> Option<Zeroizing<Vec<u8>>> {
    let mut head = Zeroizing::new(Vec::with_capacity(MAX_HEAD));
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buf).await.ok()?;
        if n == 0 || head.len() + n > MAX_HEAD {
            // A head cut short still has its request line, which is all that is read.
            let room = MAX_HEAD.saturating_sub(head.len());
            head.extend_from_slice(&buf[..n.min(room)]);
            break;
        }
        head.extend_from_slice(&buf[..n]);
    }
    buf.fill(0);
    Some(head)
}

/// The query of `GET <path>?<query> HTTP/1.x`, if the head is a GET of `path`.
fn redirect_query(head: &[u8], path: &str) -> Option<Zeroizing<String>> {
    let line = head.split(|b| *b == b'\n').next()?;
    let line = std::str::from_utf8(line).ok()?.trim_end();
    let mut parts = line.split(' ');
    let (method, target) = (parts.next()?, parts.next()?);
    if method != "GET" {
        return None;
    }
    let (at, query) = target.split_once('?').unwrap_or((target, ""));
    (at == path).then(|| Zeroizing::new(query.to_owned()))
}

/// The redirect's outcome (RFC 6749 sections 4.1.2 and 4.1.2.1): the `state` first, whatever
/// else the redirect says, then its error or its code.
fn outcome(vendor: &'static str, query: &str, expected_state: &str) -> Result<Zeroizing<String>, Error> {
    let mut state = None;
    let (mut code, mut error, mut description) = (None, None, None);
    for (k, v) in form_urlencoded::parse(query.as_bytes()) {
        let slot = match &*k {
            "state" => &mut state,
            "code" => &mut code,
            "error" => &mut error,
            "error_description" => &mut description,
            _ => continue,
        };
        // A parameter sent twice is not one value: refuse it as missing.
        *slot = if slot.is_some() { Some(Zeroizing::new(String::new())) } else { Some(Zeroizing::new(v.into_owned())) };
    }
    let fail = |failure, description: Option<String>| Err(Error::authorization(vendor, failure, description));
    if state.as_deref().map(String::as_str) != Some(expected_state) {
        return fail(AuthorizationFailure::StateMismatch, None);
    }
    if let Some(error) = error.filter(|e| !e.is_empty()) {
        let description = description.map(|d| clean(&d));
        return match ErrorCode::parse(&clean(&error)) {
            ErrorCode::Other(c) if c.0.eq_ignore_ascii_case("access_denied") => {
                fail(AuthorizationFailure::Denied, description)
            }
            code => fail(AuthorizationFailure::Refused(code), description),
        };
    }
    match code.filter(|c| !c.is_empty() && !c.chars().any(char::is_control)) {
        Some(code) => Ok(code),
        None => fail(AuthorizationFailure::Malformed, None),
    }
}

/// `text` without control characters, cut to [`MAX_DESCRIPTION`] characters.
fn clean(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).take(MAX_DESCRIPTION).collect()
}

/// Writes a short HTML page and closes the connection.
async fn respond(stream: &mut TcpStream, status: &str, text: &str) {
    let body = format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>Authorization</title></head>\
         <body><p>{}</p></body></html>",
        html_escape(text)
    );
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nReferrer-Policy: no-referrer\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes()).await;
    let _ = stream.write_all(body.as_bytes()).await;
    let _ = stream.shutdown().await;
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(result: Result<Zeroizing<String>, Error>) -> AuthorizationFailure {
        match result {
            Err(Error::Authorization { failure, .. }) => failure,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_state_is_checked_before_anything_else() {
        assert_eq!(*outcome("V", "code=c1&state=s", "s").unwrap(), "c1");
        assert_eq!(failure(outcome("V", "code=c1&state=other", "s")), AuthorizationFailure::StateMismatch);
        assert_eq!(failure(outcome("V", "code=c1", "s")), AuthorizationFailure::StateMismatch);
        assert_eq!(failure(outcome("V", "error=access_denied&state=x", "s")), AuthorizationFailure::StateMismatch);
        assert_eq!(failure(outcome("V", "code=c1&state=s&state=s", "s")), AuthorizationFailure::StateMismatch);
        assert_eq!(failure(outcome("V", "error=access_denied&state=s", "s")), AuthorizationFailure::Denied);
        assert_eq!(
            failure(outcome("V", "error=invalid_scope&state=s", "s")),
            AuthorizationFailure::Refused(ErrorCode::InvalidScope)
        );
        assert_eq!(failure(outcome("V", "state=s", "s")), AuthorizationFailure::Malformed);
    }

    #[test]
    fn only_a_get_of_the_path_is_the_redirect() {
        let query = |head: &str| redirect_query(head.as_bytes(), "/callback").map(|q| q.to_string());
        assert_eq!(query("GET /callback?code=a HTTP/1.1\r\nHost: x\r\n\r\n").as_deref(), Some("code=a"));
        assert_eq!(query("GET /callback HTTP/1.1\r\n\r\n").as_deref(), Some(""));
        assert_eq!(query("GET /favicon.ico HTTP/1.1\r\n\r\n"), None);
        assert_eq!(query("POST /callback?code=a HTTP/1.1\r\n\r\n"), None);
        assert_eq!(query("\u{0}\u{ff}garbage"), None);
    }
}
