//! The one send path: attach the token, send, judge the answer (a presentation's challenge,
//! the 401 rules), renew, and send once more at most. [`ApiRequest`](super::ApiRequest), the
//! reqwest middleware and the tower layer all go through [`Client::send_authorized`]; each
//! supplies only how a request is sent ([`Dispatch`]).

use std::{borrow::Cow, future::Future};

use reqwest::{
    Method, StatusCode,
    header::{self, HeaderMap},
};
use tracing::Instrument as _;

use super::{Authorization, Client};
use crate::{error::Error, present::Call, wire};

/// A request the send path can put a token on.
pub(crate) trait Outgoing: Send {
    fn method(&self) -> &Method;
    fn url(&self) -> Cow<'_, str>;
    fn headers(&self) -> &HeaderMap;
    fn headers_mut(&mut self) -> &mut HeaderMap;
    /// The body's length, when known before sending (the wire event's `request_bytes`).
    fn body_len(&self) -> Option<u64> {
        wire::content_length(self.headers())
    }
}

/// An answer the send path can judge.
pub(crate) trait Incoming {
    fn status(&self) -> StatusCode;
    fn headers(&self) -> &HeaderMap;
}

/// How one integration sends a request.
pub(crate) trait Dispatch<R> {
    type Response: Incoming + Send;
    type Error: Send;
    fn dispatch(&mut self, request: R) -> impl Future<Output = Result<Self::Response, Self::Error>> + Send;
    /// What kind of failure `error` is, as the wire events name it (`connect`, `timeout`, ..).
    fn error_kind(error: &Self::Error) -> &'static str;
    /// The call's operation name, when it has one (an `#[oauth_api]` operation's).
    fn operation(&self) -> Option<&'static str> {
        None
    }
    /// Whether the call may go with `auth`'s token, checked before each attempt (the scopes an
    /// operation declares, `api::scopes`); default yes.
    fn admit(&self, auth: &Authorization) -> Result<(), Error> {
        let _ = auth;
        Ok(())
    }
}

/// Why the send path gave up: no token, or the integration's own send failed.
pub(crate) enum Failure<E> {
    Token(Error),
    Send(E),
}

/// What an answer asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// The answer stands.
    Done,
    /// The token was rejected: a new one, then one more attempt.
    Renew,
    /// The presentation asks for one more attempt with the same token (a DPoP nonce).
    SameToken,
}

impl<P> Client<P> {
    /// Sends `request` with the token; after a 401 that the rules say to renew for (or a
    /// presentation's challenge), sends `replay` once with the new (or same) token. Without a
    /// replay copy the first answer is returned as it is; the rejected token is never used
    /// again either way.
    ///
    /// Each attempt is one wire event; the last one's is returned with the answer, still open,
    /// for a caller that reads the body to add its length (dropping it emits the event).
    pub(crate) async fn send_authorized<R, D>(
        &self,
        mut request: R,
        replay: Option<R>,
        dispatch: &mut D,
    ) -> Result<(D::Response, wire::Exchange), Failure<D::Error>>
    where
        R: Outgoing,
        D: Dispatch<R> + Send,
    {
        let auth = self.authorization().await.map_err(Failure::Token)?;
        dispatch.admit(&auth).map_err(Failure::Token)?;
        let url = self.attach(&auth, &mut request).map_err(Failure::Token)?;
        let (response, exchange) = self.send_once(&auth, 1, request, dispatch).await?;
        let verdict = self.judge(&auth, url.as_deref(), response.status(), response.headers());
        if verdict == Verdict::Done {
            return Ok((response, exchange));
        }
        let vendor = self.inner.spec.name;
        let Some(mut replay) = replay else {
            tracing::info!(
                vendor,
                "API answered 401; the request cannot be sent twice (a streaming body), so it is not"
            );
            return Ok((response, exchange));
        };
        // The first answer goes before the second request, freeing its connection; its event
        // before the second's.
        drop((response, exchange));
        let span = tracing::info_span!("oauth.reauth", vendor);
        async move {
            let auth = match verdict {
                Verdict::SameToken => {
                    tracing::info!("the API asked for another attempt with the same token");
                    auth
                }
                _ => {
                    tracing::info!("API answered 401; renewing the token and sending the call again");
                    self.authorization().await.map_err(Failure::Token)?
                }
            };
            dispatch.admit(&auth).map_err(Failure::Token)?;
            let url = self.attach(&auth, &mut replay).map_err(Failure::Token)?;
            let (response, exchange) = self.send_once(&auth, 2, replay, dispatch).await?;
            // Reported like any answer (a new nonce is remembered); no third attempt whatever
            // it says.
            self.judge(&auth, url.as_deref(), response.status(), response.headers());
            Ok((response, exchange))
        }
        .instrument(span)
        .await
    }

    /// Sends `request` (carrying `auth`'s token) as attempt `attempt`, recording it.
    async fn send_once<R, D>(
        &self,
        auth: &Authorization,
        attempt: u32,
        request: R,
        dispatch: &mut D,
    ) -> Result<(D::Response, wire::Exchange), Failure<D::Error>>
    where
        R: Outgoing,
        D: Dispatch<R> + Send,
    {
        let token = auth.token();
        let tokens = [token.access_token().expose_secret(), token.refresh_token().map_or("", |rt| rt.expose_secret())];
        let known = wire::Known {
            credentials: Some(&self.inner.engine.credentials),
            param: self.inner.spec.refresh.param(),
            values: &tokens,
        };
        let site = wire::Site {
            vendor: Some(self.inner.spec.name),
            kind: wire::Kind::Api,
            operation: dispatch.operation(),
            known,
        };
        let mut exchange = wire::Exchange::start(&site, attempt, || wire::Request {
            method: request.method(),
            url: request.url(),
            headers: request.headers(),
            body: request.body_len(),
        });
        match dispatch.dispatch(request).await {
            Ok(response) => {
                exchange.response(response.status(), response.headers());
                Ok((response, exchange))
            }
            Err(error) => {
                exchange.failed(D::error_kind(&error));
                Err(Failure::Send(error))
            }
        }
    }

    /// Puts `auth`'s token on `request` the way the client presents tokens; the URL when the
    /// presentation attached it (and reads the answer's challenge), `None` on the fast path.
    fn attach<R: Outgoing>(&self, auth: &Authorization, request: &mut R) -> Result<Option<String>, Error> {
        // A header prepared once per token (Bearer) goes on as it is: the hot path copies no
        // URL and calls no presentation. A scheme that signs each call (DPoP) prepares none.
        if let Some(value) = auth.entry.prepared.header_value() {
            request.headers_mut().insert(header::AUTHORIZATION, value.clone());
            return Ok(None);
        }
        let method = request.method().clone();
        let url = request.url().into_owned();
        let mut call = Call::new(&method, &url, request.headers_mut());
        self.inner.engine.presentation.attach(&auth.entry.token, &auth.entry.prepared, &mut call)?;
        Ok(Some(url))
    }

    /// What the answer to a request sent with `auth` (to `url`, when the presentation attached
    /// the token itself) asks for.
    pub(crate) fn judge(
        &self,
        auth: &Authorization,
        url: Option<&str>,
        status: StatusCode,
        headers: &HeaderMap,
    ) -> Verdict {
        use crate::present::Challenge;
        let presentation = &self.inner.engine.presentation;
        if url.is_some_and(|url| presentation.challenge(url, status, headers) == Challenge::RetrySameToken) {
            return Verdict::SameToken;
        }
        if self.session.after_response(self.inner.spec.name, &auth.entry, status, headers) {
            Verdict::Renew
        } else {
            Verdict::Done
        }
    }
}

impl Outgoing for reqwest::Request {
    fn method(&self) -> &Method {
        reqwest::Request::method(self)
    }
    fn url(&self) -> Cow<'_, str> {
        Cow::Borrowed(reqwest::Request::url(self).as_str())
    }
    fn headers(&self) -> &HeaderMap {
        reqwest::Request::headers(self)
    }
    fn headers_mut(&mut self) -> &mut HeaderMap {
        reqwest::Request::headers_mut(self)
    }
    fn body_len(&self) -> Option<u64> {
        wire::body_len(self)
    }
}

impl Incoming for reqwest::Response {
    fn status(&self) -> StatusCode {
        reqwest::Response::status(self)
    }
    fn headers(&self) -> &HeaderMap {
        reqwest::Response::headers(self)
    }
}

#[cfg(feature = "tower")]
impl<B: Send> Outgoing for http::Request<B> {
    fn method(&self) -> &Method {
        http::Request::method(self)
    }
    fn url(&self) -> Cow<'_, str> {
        Cow::Owned(self.uri().to_string())
    }
    fn headers(&self) -> &HeaderMap {
        http::Request::headers(self)
    }
    fn headers_mut(&mut self) -> &mut HeaderMap {
        http::Request::headers_mut(self)
    }
}

#[cfg(feature = "tower")]
impl<B> Incoming for http::Response<B> {
    fn status(&self) -> StatusCode {
        http::Response::status(self)
    }
    fn headers(&self) -> &HeaderMap {
        http::Response::headers(self)
    }
}

/// The `error` parameter of a `WWW-Authenticate` challenge (RFC 6750 section 3), if any: one
/// of `invalid_token`, `insufficient_scope`, `invalid_request`, or a vendor's word.
pub(crate) fn challenge_error(headers: &HeaderMap) -> Option<String> {
    headers.get_all(header::WWW_AUTHENTICATE).iter().filter_map(|v| v.to_str().ok()).find_map(error_param)
}

/// `error="..."` or `error=token` in a challenge, not `error_description` or `error_uri`.
pub(crate) fn error_param(challenge: &str) -> Option<String> {
    param(challenge, "error")
}

/// The parameter `name` of a `WWW-Authenticate` challenge, in the first challenge that has
/// one: the `scope` an `insufficient_scope` answer names (RFC 6750 section 3), say.
pub(crate) fn challenge_param(headers: &HeaderMap, name: &str) -> Option<String> {
    headers.get_all(header::WWW_AUTHENTICATE).iter().filter_map(|v| v.to_str().ok()).find_map(|c| param(c, name))
}

/// `name="..."` or `name=token` in a challenge (lowercase `name`), not a longer parameter
/// that starts with it (`error_description` for `error`).
fn param(challenge: &str, name: &str) -> Option<String> {
    let bytes = challenge.as_bytes();
    let lower = challenge.to_ascii_lowercase();
    let mut from = 0;
    while let Some(at) = lower[from..].find(name).map(|i| i + from) {
        from = at + name.len();
        let starts_param = at == 0 || matches!(bytes[at - 1], b' ' | b',' | b'\t');
        let rest = challenge[from..].trim_start_matches([' ', '\t']);
        let (true, Some(value)) = (starts_param, rest.strip_prefix('=')) else { continue };
        let value = value.trim_start_matches([' ', '\t']);
        let value = match value.strip_prefix('"') {
            Some(quoted) => quoted.split('"').next().unwrap_or_default(),
            None => value.split([',', ' ', '\t']).next().unwrap_or_default(),
        };
        return Some(value.to_owned());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::error_param;

    #[test]
    fn challenge_errors() {
        assert_eq!(error_param(r#"Bearer realm="x", error="invalid_token""#).as_deref(), Some("invalid_token"));
        assert_eq!(
            error_param(r#"Bearer error_description="no", error = "insufficient_scope""#).as_deref(),
            Some("insufficient_scope")
        );
        assert_eq!(error_param("Bearer error=invalid_token, scope=x").as_deref(), Some("invalid_token"));
        assert_eq!(error_param(r#"Bearer realm="error""#), None);
        assert_eq!(error_param("Bearer"), None);
        assert_eq!(error_param(r#"Bearer error_uri="https://x""#), None);
        let scope = |c: &str| super::param(c, "scope");
        assert_eq!(
            scope(r#"Bearer error="insufficient_scope", scope="repo read:org""#).as_deref(),
            Some("repo read:org")
        );
        assert_eq!(scope("Bearer error=insufficient_scope,scope=admin").as_deref(), Some("admin"));
        assert_eq!(scope(r#"Bearer scopes="x""#), None);
    }
}
