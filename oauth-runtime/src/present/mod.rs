//! Token presentation: how a token is put on a request, and what a server's challenge asks of
//! the next attempt.
//!
//! One module per scheme, each behind [`Presentation`]: [`Bearer`] (RFC 6750) and, with the
//! `dpop` feature, `Dpop` (RFC 9449), which binds tokens to a key of the client's: it adds a
//! proof to each API call and to token requests, asks for one more attempt when the server
//! sends a nonce, and lets the key travel with the token ([`TokenBinding`]) so that a fleet
//! sharing the token through a store presents it with the key it is bound to.
//! [`ClientBuilder::presentation`](crate::ClientBuilder::presentation) plugs in one of your own.

mod bearer;
#[cfg(feature = "dpop")]
mod dpop;

use std::{any::Any, fmt, sync::Arc};

pub use bearer::Bearer;
#[cfg(feature = "dpop")]
pub use dpop::{Dpop, DpopKey};
use reqwest::{
    Method, StatusCode,
    header::{HeaderMap, HeaderValue},
};
use url::Url;

pub use crate::token::TokenBinding;
use crate::{Error, Token, TokenRequest, TokenScheme, provider::ProviderSpec};

/// What a presentation computes once per token, so that the hot path does not: for Bearer, the
/// `Authorization` header value; for a scheme that signs every call, what it signs with (the
/// key the token is bound to, the token's hash), as a value of its own type.
///
/// ```
/// use oauth_runtime::present::Prepared;
/// let prepared = Prepared::none().with_state(42_u32);
/// assert_eq!(prepared.state::<u32>(), Some(&42));
/// assert!(prepared.header_value().is_none());
/// ```
#[derive(Clone, Default)]
#[non_exhaustive]
pub struct Prepared {
    header: Option<HeaderValue>,
    state: Option<Arc<dyn Any + Send + Sync>>,
}

impl Prepared {
    /// Nothing prepared: every request computes its own header.
    pub fn none() -> Prepared {
        Prepared { header: None, state: None }
    }

    /// An `Authorization` value that is the same for every request (marked sensitive here).
    /// The runtime then sets it on every API call itself, without calling
    /// [`Presentation::attach`] or [`Presentation::challenge`]: a scheme that needs a fresh
    /// header on each call (a proof of possession) must not prepare one.
    pub fn header(mut value: HeaderValue) -> Prepared {
        value.set_sensitive(true);
        Prepared { header: Some(value), state: None }
    }

    /// The same, carrying `state`: what [`Presentation::attach`] reads back with
    /// [`Prepared::state`] on every call with this token.
    pub fn with_state<T: Any + Send + Sync>(mut self, state: T) -> Prepared {
        self.state = Some(Arc::new(state));
        self
    }

    /// The prepared `Authorization` value, if there is one.
    pub fn header_value(&self) -> Option<&HeaderValue> {
        self.header.as_ref()
    }

    /// The state prepared with [`Prepared::with_state`], if it is a `T`.
    pub fn state<T: Any>(&self) -> Option<&T> {
        self.state.as_deref().and_then(|state| (state as &dyn Any).downcast_ref())
    }
}

impl fmt::Debug for Prepared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The header holds the token (reqwest prints a sensitive value as `Sensitive`); the
        // state may hold key material: neither is printed.
        f.debug_struct("Prepared")
            .field("header", &self.header.as_ref().map(|_| "[REDACTED]"))
            .field("state", &self.state.as_ref().map(|_| ".."))
            .finish()
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
    /// Send once more (a DPoP nonce was supplied, say): an API call with the same token, a
    /// token request built anew. Once at most: a second challenge of the same request is
    /// answered as it is.
    RetrySameToken,
}

/// A token endpoint's answer, as [`Presentation::token_challenge`] reads it.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct TokenAnswer<'a> {
    /// Where the token request went.
    pub url: &'a Url,
    /// The answer's status.
    pub status: StatusCode,
    /// The answer's headers.
    pub headers: &'a HeaderMap,
    /// The OAuth error code (RFC 6749 section 5.2) when the answer is an error.
    pub error: Option<&'a str>,
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

    /// Adds what the scheme needs to a token request (a DPoP proof); by default nothing. A
    /// request that renews a token carries that token's [`binding`](TokenRequest::binding),
    /// the key to prove possession with.
    ///
    /// # Errors
    ///
    /// Whatever keeps the part from being made; the token request is then not sent.
    fn on_token_request(&self, request: &mut TokenRequest) -> Result<(), Error> {
        let _ = request;
        Ok(())
    }

    /// Reads a token endpoint's answer (success or error): [`Challenge::RetrySameToken`] asks
    /// for the token request to be built anew and sent once more (a DPoP `use_dpop_nonce`
    /// error with a new nonce). By default [`Challenge::None`].
    fn token_challenge(&self, answer: &TokenAnswer<'_>) -> Challenge {
        let _ = answer;
        Challenge::None
    }

    /// The key material the tokens this presentation obtains are bound to, if any: set on
    /// every token the client is issued ([`Token::binding`]), so that it travels with the
    /// token through a token store (encrypted as the token is) to the replicas that present
    /// it. By default none.
    fn binding(&self) -> Option<TokenBinding> {
        None
    }

    /// Reads an API answer to a call whose token [`attach`](Self::attach) put on `url`:
    /// whether to send once more with the same token. By default [`Challenge::None`]. Not
    /// called when [`prepare`](Self::prepare) gave a fixed header (the Bearer fast path), nor
    /// from [`Client::after_response_headers`](crate::Client::after_response_headers), which
    /// knows no URL.
    fn challenge(&self, url: &str, status: StatusCode, headers: &HeaderMap) -> Challenge {
        let _ = (url, status, headers);
        Challenge::None
    }
}

/// The presentation a vendor declares ([`ProviderSpec::presentation`]), with the DPoP key the
/// builder was given, if any.
pub(crate) fn from_spec(spec: &ProviderSpec, dpop_key: Option<DpopKeyArg>) -> Result<Arc<dyn Presentation>, Error> {
    use crate::provider::Presentation as Declared;
    match spec.presentation {
        Declared::Dpop { alg } => dpop_from_spec(spec, alg, dpop_key),
        _ if dpop_key.is_some() => Err(Error::config(format!(
            "{}: a DPoP key was given, but the vendor presents tokens as Bearer: declare `presentation = \"dpop\"`, or remove `.dpop_key(..)`",
            spec.name
        ))),
        _ => Ok(Arc::new(Bearer)),
    }
}

/// The key `ClientBuilder::dpop_key` takes (nothing without the feature, which has no such
/// method).
#[cfg(feature = "dpop")]
pub(crate) type DpopKeyArg = DpopKey;
#[cfg(not(feature = "dpop"))]
pub(crate) type DpopKeyArg = std::convert::Infallible;

#[cfg(feature = "dpop")]
fn dpop_from_spec(
    spec: &ProviderSpec,
    alg: crate::provider::DpopAlg,
    key: Option<DpopKey>,
) -> Result<Arc<dyn Presentation>, Error> {
    Ok(Arc::new(Dpop::for_spec(spec.name, alg, key)?))
}

#[cfg(not(feature = "dpop"))]
fn dpop_from_spec(
    spec: &ProviderSpec,
    _: crate::provider::DpopAlg,
    _: Option<DpopKeyArg>,
) -> Result<Arc<dyn Presentation>, Error> {
    Err(Error::config(format!(
        "{}: the vendor presents tokens with DPoP (RFC 9449), which needs the `dpop` feature of oauth-runtime: enable it in Cargo.toml",
        spec.name
    )))
}

/// Bearer, the presentation of a vendor that declares none.
#[cfg(test)]
pub(crate) fn default_presentation() -> Arc<dyn Presentation> {
    Arc::new(Bearer)
}

#[cfg(all(test, not(feature = "dpop")))]
mod tests {
    #[test]
    fn dpop_without_the_feature_is_a_config_error_naming_it() {
        use crate::provider::*;
        const SPEC: ProviderSpec = ProviderSpec::minimal("V", "/t").with_presentation(Presentation::DPOP);
        let error = super::from_spec(&SPEC, None).unwrap_err();
        assert!(matches!(error, crate::Error::Config(_)), "{error:?}");
        assert!(error.to_string().contains("`dpop` feature"), "{error}");
    }
}
