//! Token parameters chosen per call or per handle: scope, audience, resource.

use std::{fmt, sync::Arc};

use crate::grant::Exchange;

/// The parameters a token is requested with beyond the vendor's fixed ones: `scope`
/// (RFC 6749 section 3.3), `audience` (as Auth0, Okta and RFC 8693 name it) and `resource`
/// (RFC 8707, repeatable).
///
/// A client keeps one token cache, with its own single flight, per parameter set:
/// [`Client::with_token_params`](crate::Client::with_token_params) gives a handle whose calls
/// use tokens requested with exactly these parameters, never another set's.
///
/// ```
/// use oauth_runtime::TokenParams;
/// let read = TokenParams::new().scope("orders:read").audience("https://api.example.com");
/// assert_eq!(read.scope_str(), Some("orders:read"));
/// assert_ne!(read, TokenParams::new());
/// ```
#[derive(Clone, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct TokenParams {
    scope: Option<String>,
    audience: Option<String>,
    resources: Vec<String>,
    /// The subject of a token exchange (RFC 8693): each its own parameter set.
    exchange: Option<Arc<Exchange>>,
}

impl TokenParams {
    /// No parameters: the vendor's defaults.
    pub fn new() -> TokenParams {
        TokenParams::default()
    }

    /// The space-separated scopes to request, normalised: in a fixed order, each once, so
    /// that `"a b"` and `"b a a"` are one parameter set sharing one token cache. It replaces a
    /// `scope` the vendor's definition sends (a token request carries `scope` once, RFC 6749
    /// section 3.1). An empty list sends no `scope`.
    ///
    /// ```
    /// use oauth_runtime::TokenParams;
    /// assert_eq!(TokenParams::new().scope("write  read read"), TokenParams::new().scope("read write"));
    /// assert_eq!(TokenParams::new().scope("b a").scope_str(), Some("a b"));
    /// assert_eq!(TokenParams::new().scope(" "), TokenParams::new());
    /// ```
    #[must_use]
    pub fn scope(mut self, scope: impl Into<String>) -> TokenParams {
        let scope = scope.into();
        let mut scopes: Vec<&str> = scope.split_ascii_whitespace().collect();
        scopes.sort_unstable();
        scopes.dedup();
        self.scope = (!scopes.is_empty()).then(|| scopes.join(" "));
        self
    }

    /// The audience to request.
    #[must_use]
    pub fn audience(mut self, audience: impl Into<String>) -> TokenParams {
        self.audience = Some(audience.into());
        self
    }

    /// Adds a resource indicator (an absolute URI) to request.
    #[must_use]
    pub fn resource(mut self, resource: impl Into<String>) -> TokenParams {
        self.resources.push(resource.into());
        self
    }

    /// Tokens obtained by exchanging a subject token (RFC 8693): see
    /// [`Client::exchange`](crate::Client::exchange), which sets this. Each subject is a
    /// parameter set of its own (its own cache); the subject never goes into
    /// [`codec`](crate::store::codec) output, and a store sees it only through the key's HMAC.
    ///
    /// ```
    /// use oauth_runtime::{Exchange, Subject, TokenParams};
    /// let alice = TokenParams::new().audience("backend").exchange(Exchange::new(Subject::access_token("alice's")));
    /// let bob = TokenParams::new().audience("backend").exchange(Exchange::new(Subject::access_token("bob's")));
    /// assert_ne!(alice, bob);
    /// assert!(alice.exchange_ref().is_some());
    /// ```
    #[must_use]
    pub fn exchange(mut self, exchange: Exchange) -> TokenParams {
        self.exchange = Some(Arc::new(exchange));
        self
    }

    /// The token exchange, if set.
    pub fn exchange_ref(&self) -> Option<&Exchange> {
        self.exchange.as_deref()
    }

    /// The scope, if set.
    pub fn scope_str(&self) -> Option<&str> {
        self.scope.as_deref()
    }

    /// Whether resource indicators are set (they replace the vendor's fixed ones).
    pub(crate) fn has_resources(&self) -> bool {
        !self.resources.is_empty()
    }

    /// The parameters as they go on the wire, in a fixed order.
    pub(crate) fn pairs(&self) -> impl Iterator<Item = (&'static str, &str)> {
        let scope = self.scope.as_deref().map(|s| ("scope", s));
        let audience = self.audience.as_deref().map(|a| ("audience", a));
        let resources = self.resources.iter().map(|r| ("resource", r.as_str()));
        scope.into_iter().chain(audience).chain(resources)
    }
}

impl fmt::Debug for TokenParams {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("TokenParams");
        for (name, value) in self.pairs() {
            d.field(name, &value);
        }
        if let Some(exchange) = &self.exchange {
            d.field("exchange", exchange);
        }
        d.finish()
    }
}
