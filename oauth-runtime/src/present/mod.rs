//! Token presentation: how a token is put on a request, and what a server's challenge asks of
//! the next attempt.
//!
//! One module per scheme, each behind [`Presentation`]: [`Bearer`] (RFC 6750) today. A scheme
//! that binds tokens to a key (DPoP, RFC 9449) adds a proof to each API call and to token
//! requests, and asks for one more attempt with the same token when the server sends a nonce.
//! [`ClientBuilder::presentation`](crate::ClientBuilder::presentation) plugs in one of your own.

mod bearer;

use std::{fmt, sync::Arc};

pub use bearer::Bearer;
use reqwest::{
    Method, StatusCode,
    header::{HeaderMap, HeaderValue},
};

use crate::{Error, Token, TokenRequest, TokenScheme};

/// What a presentation computes once per token, so that the hot path does not: for Bearer, the
/// `Authorization` header value.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct Prepared {
    header: Option<HeaderValue>,
}

impl Prepared {
    /// Nothing prepared: every request computes its own header.
    pub fn none() -> Prepared {
        Prepared { header: None }
    }

    /// An `Authorization` value that is the same for every request (marked sensitive here).
    /// The runtime then sets it on every API call itself, without calling
    /// [`Presentation::attach`].
    pub fn header(mut value: HeaderValue) -> Prepared {
        value.set_sensitive(true);
        Prepared { header: Some(value) }
    }

    /// The prepared `Authorization` value, if there is one.
    pub fn header_value(&self) -> Option<&HeaderValue> {
        self.header.as_ref()
    }
}

/// The parts of an API call a presentation may read and change.
#[derive(Debug)]
#[non_exhaustive]
pub struct Call<'a> {
    /// The method.
    pub method: &'a Method,
    /// The absolute URL.
    pub url: &'a str,
    /// The headers, where the token goes.
    pub headers: &'a mut HeaderMap,
}

impl<'a> Call<'a> {
    /// A call's parts.
    pub fn new(method: &'a Method, url: &'a str, headers: &'a mut HeaderMap) -> Call<'a> {
        Call { method, url, headers }
    }
}

/// What an answer's challenge asks of the next attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Challenge {
    /// Nothing: the answer stands (a 401 is then judged by the rules of
    /// [`Client::after_response`](crate::Client::after_response)).
    None,
    /// Send once more with the same token (a DPoP nonce was supplied, say).
    RetrySameToken,
}

/// A way of presenting tokens.
///
/// ```
/// use oauth_runtime::{Error, Token, TokenScheme, present::{Call, Prepared, Presentation}};
///
/// /// A vendor that wants the token in a header of its own.
/// #[derive(Debug)]
/// struct ApiKeyHeader;
///
/// impl Presentation for ApiKeyHeader {
///     fn accepts(&self, scheme: &TokenScheme) -> bool { *scheme == TokenScheme::Bearer }
///     fn prepare(&self, _: &Token) -> Result<Prepared, Error> { Ok(Prepared::none()) }
///     fn attach(&self, token: &Token, _: &Prepared, call: &mut Call<'_>) -> Result<(), Error> {
///         let value = token.access_token().expose_secret().parse().map_err(|_| Error::Config("the token is not a header value".into()))?;
///         call.headers.insert("x-api-token", value);
///         Ok(())
///     }
/// }
/// ```
pub trait Presentation: Send + Sync + fmt::Debug + 'static {
    /// Whether tokens of `scheme` can be presented this way; a token of another scheme is
    /// refused when issued ([`Error::UnsupportedTokenType`]).
    fn accepts(&self, scheme: &TokenScheme) -> bool;

    /// What is computed once per token (called when the token is stored).
    ///
    /// # Errors
    ///
    /// If the token cannot be presented at all (a character no header allows).
    fn prepare(&self, token: &Token) -> Result<Prepared, Error>;

    /// Puts `token` on an API call, when [`prepare`](Self::prepare) prepared no header.
    ///
    /// # Errors
    ///
    /// Whatever keeps the token from being attached; the call is then not sent.
    fn attach(&self, token: &Token, prepared: &Prepared, call: &mut Call<'_>) -> Result<(), Error>;

    /// Adds what the scheme needs to a token request (a DPoP proof); by default nothing.
    ///
    /// # Errors
    ///
    /// Whatever keeps the part from being made; the token request is then not sent.
    fn on_token_request(&self, request: &mut TokenRequest) -> Result<(), Error> {
        let _ = request;
        Ok(())
    }

    /// Reads an API answer's challenge: whether to send once more with the same token. By
    /// default [`Challenge::None`].
    fn challenge(&self, status: StatusCode, headers: &HeaderMap) -> Challenge {
        let _ = (status, headers);
        Challenge::None
    }
}

/// The presentation of a vendor's tokens: Bearer, the only scheme declarations name today.
pub(crate) fn default_presentation() -> Arc<dyn Presentation> {
    Arc::new(Bearer)
}
