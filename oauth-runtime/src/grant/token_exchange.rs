//! Token exchange (RFC 8693): a token for a subject token (and optionally an actor token).
//!
//! The subject is part of the handle's [`TokenParams`](crate::TokenParams), so each subject
//! has its own token cache and single flight, like any other parameter set: see
//! [`Client::exchange`](crate::Client::exchange).

use std::{
    borrow::Cow,
    fmt,
    future::Future,
    hash::{Hash, Hasher},
    pin::Pin,
    sync::Arc,
};

use zeroize::Zeroizing;

use super::TokenGrant;
use crate::{Credentials, Error, Secret, Token, TokenRequest, provider::Grant};

/// Token type identifiers (RFC 8693 section 3), for `subject_token_type`,
/// `actor_token_type` and `requested_token_type`.
pub mod token_type {
    /// An OAuth 2.0 access token.
    pub const ACCESS_TOKEN: &str = "urn:ietf:params:oauth:token-type:access_token";
    /// An OAuth 2.0 refresh token.
    pub const REFRESH_TOKEN: &str = "urn:ietf:params:oauth:token-type:refresh_token";
    /// An OpenID Connect ID token.
    pub const ID_TOKEN: &str = "urn:ietf:params:oauth:token-type:id_token";
    /// A JWT (RFC 7519).
    pub const JWT: &str = "urn:ietf:params:oauth:token-type:jwt";
    /// A base64url-encoded SAML 1.1 assertion.
    pub const SAML1: &str = "urn:ietf:params:oauth:token-type:saml1";
    /// A base64url-encoded SAML 2.0 assertion.
    pub const SAML2: &str = "urn:ietf:params:oauth:token-type:saml2";
}

/// The token exchange grant: `grant_type=urn:ietf:params:oauth:grant-type:token-exchange`,
/// declared with `grant = "token_exchange"`. The subject (and actor) come from the handle
/// ([`Client::exchange`](crate::Client::exchange)); the declared parameters (fields other than
/// the client's id and secret, fixed `params(..)`) go along, and the handle's audience,
/// resource and scope.
///
/// ```
/// use oauth_runtime::grant::{TokenExchange, TokenGrant};
/// assert_eq!(TokenExchange::new().grant_type(), "urn:ietf:params:oauth:grant-type:token-exchange");
/// ```
#[derive(Debug, Clone, Copy, Default)]
#[non_exhaustive]
pub struct TokenExchange;

impl TokenExchange {
    /// The grant (it has no settings).
    pub const fn new() -> TokenExchange {
        TokenExchange
    }
}

impl TokenGrant for TokenExchange {
    fn grant_type(&self) -> &str {
        Grant::TOKEN_EXCHANGE
    }

    fn parameters(&self, credentials: &Credentials, request: &mut TokenRequest) -> Result<(), Error> {
        super::add_fields(credentials, request);
        Ok(())
    }
}

/// What a token is exchanged for: the subject token, an optional actor token (delegation,
/// RFC 8693 section 1.1) and the token type asked for.
///
/// Two exchanges are the same parameter set (one cache) when their subjects, actors and
/// requested types are: the same token value and type, or the same source client.
///
/// ```
/// use oauth_runtime::{Exchange, Subject, grant::token_type};
/// let exchange = Exchange::new(Subject::access_token("the user's token"))
///     .actor(Subject::new("the service's token", token_type::JWT))
///     .requested_token_type(token_type::ACCESS_TOKEN);
/// assert_eq!(exchange.subject().token_type(), token_type::ACCESS_TOKEN);
/// assert!(!format!("{exchange:?}").contains("the user's token"));
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Exchange {
    subject: Subject,
    actor: Option<Subject>,
    requested_token_type: Option<Cow<'static, str>>,
}

impl Exchange {
    /// An exchange of `subject`, with no actor, the server choosing the token type.
    pub fn new(subject: Subject) -> Exchange {
        Exchange { subject, actor: None, requested_token_type: None }
    }

    /// The party acting for the subject (`actor_token`, `actor_token_type`).
    #[must_use]
    pub fn actor(mut self, actor: Subject) -> Exchange {
        self.actor = Some(actor);
        self
    }

    /// The type of token asked for (`requested_token_type`), e.g.
    /// [`token_type::ACCESS_TOKEN`].
    #[must_use]
    pub fn requested_token_type(mut self, token_type: impl Into<Cow<'static, str>>) -> Exchange {
        self.requested_token_type = Some(token_type.into());
        self
    }

    /// The subject.
    pub fn subject(&self) -> &Subject {
        &self.subject
    }

    /// The actor, if any.
    pub fn actor_ref(&self) -> Option<&Subject> {
        self.actor.as_ref()
    }

    /// The parameters of one token request: the subject's and actor's tokens as they are now
    /// (a source client's current token, renewed if due).
    pub(crate) async fn resolve(&self) -> Result<Resolved, Error> {
        let mut params = Vec::with_capacity(5);
        let subject = self.subject.current().await?;
        params.push(("subject_token", subject));
        params.push(("subject_token_type", Zeroizing::new(self.subject.token_type.to_string())));
        if let Some(actor) = &self.actor {
            params.push(("actor_token", actor.current().await?));
            params.push(("actor_token_type", Zeroizing::new(actor.token_type.to_string())));
        }
        if let Some(requested) = &self.requested_token_type {
            params.push(("requested_token_type", Zeroizing::new(requested.to_string())));
        }
        Ok(Resolved { params })
    }

    /// [`Exchange::resolve`] without waiting: `None` when a token comes from a client.
    #[cfg(test)]
    pub(crate) fn resolve_now(&self) -> Option<Resolved> {
        let literal = |s: &Subject| match &s.from {
            Origin::Token(token) => Some(token.expose_secret().to_owned()),
            Origin::Client(_) => None,
        };
        let mut params = vec![
            ("subject_token", Zeroizing::new(literal(&self.subject)?)),
            ("subject_token_type", Zeroizing::new(self.subject.token_type.to_string())),
        ];
        if let Some(actor) = &self.actor {
            params.push(("actor_token", Zeroizing::new(literal(actor)?)));
            params.push(("actor_token_type", Zeroizing::new(actor.token_type.to_string())));
        }
        if let Some(requested) = &self.requested_token_type {
            params.push(("requested_token_type", Zeroizing::new(requested.to_string())));
        }
        Some(Resolved { params })
    }

    /// What identifies the exchange's tokens in a store key (fed only to HMAC): the token
    /// values and types, or a source client's own identity.
    pub(crate) fn identity(&self) -> Vec<Zeroizing<String>> {
        let mut parts = Vec::new();
        for (role, subject) in [("subject", Some(&self.subject)), ("actor", self.actor.as_ref())] {
            let Some(subject) = subject else { continue };
            parts.push(Zeroizing::new(role.to_owned()));
            parts.push(Zeroizing::new(subject.token_type.to_string()));
            match &subject.from {
                Origin::Token(token) => {
                    parts.push(Zeroizing::new("token".to_owned()));
                    parts.push(Zeroizing::new(token.expose_secret().to_owned()));
                }
                Origin::Client(source) => {
                    parts.push(Zeroizing::new("client".to_owned()));
                    let inner = source.identity();
                    parts.push(Zeroizing::new(inner.len().to_string()));
                    parts.extend(inner);
                }
            }
        }
        parts.push(Zeroizing::new(self.requested_token_type.as_deref().unwrap_or("").to_owned()));
        parts
    }
}

impl fmt::Debug for Exchange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Exchange")
            .field("subject", &self.subject)
            .field("actor", &self.actor)
            .field("requested_token_type", &self.requested_token_type)
            .finish()
    }
}

/// The wire parameters of one exchange request, in buffers zeroed on drop.
pub(crate) struct Resolved {
    pub params: Vec<(&'static str, Zeroizing<String>)>,
}

/// A token to exchange (RFC 8693 `subject_token` or `actor_token`) and its type: a token you
/// hold, or the current access token of another client (read at each exchange, so an
/// exchange after that client renewed its token sends the new one).
///
/// ```
/// use oauth_runtime::{Subject, grant::token_type};
/// let user = Subject::access_token("eyJ...");
/// let id = Subject::new("eyJ...", token_type::ID_TOKEN);
/// assert_ne!(user, id, "another type, another subject");
/// assert_eq!(format!("{user:?}"), r#"Subject { token_type: "urn:ietf:params:oauth:token-type:access_token", from: "a token" }"#);
/// ```
#[derive(Clone)]
pub struct Subject {
    token_type: Cow<'static, str>,
    from: Origin,
}

#[derive(Clone)]
enum Origin {
    Token(Secret),
    Client(Arc<dyn SubjectSource>),
}

impl Subject {
    /// `token`, of type `token_type` (see [`token_type`]).
    pub fn new(token: impl Into<Secret>, token_type: impl Into<Cow<'static, str>>) -> Subject {
        Subject { token_type: token_type.into(), from: Origin::Token(token.into()) }
    }

    /// An access token ([`token_type::ACCESS_TOKEN`]).
    pub fn access_token(token: impl Into<Secret>) -> Subject {
        Subject::new(token, token_type::ACCESS_TOKEN)
    }

    /// The current access token of `client` ([`token_type::ACCESS_TOKEN`]), obtained or
    /// renewed as `client.token()` does at each exchange.
    ///
    /// ```no_run
    /// # async fn demo<P, Q>(user: oauth_runtime::Client<P>, backend: oauth_runtime::Client<Q>) -> Result<(), oauth_runtime::Error> {
    /// use oauth_runtime::{Exchange, Subject};
    /// let on_behalf = backend.exchange(Exchange::new(Subject::from_client(&user)));
    /// on_behalf.get("/orders").send().await?;
    /// # Ok(()) }
    /// ```
    pub fn from_client<P>(client: &crate::Client<P>) -> Subject {
        Subject { token_type: Cow::Borrowed(token_type::ACCESS_TOKEN), from: Origin::Client(client.subject_source()) }
    }

    /// The same subject declared as another token type.
    #[must_use]
    pub fn with_token_type(mut self, token_type: impl Into<Cow<'static, str>>) -> Subject {
        self.token_type = token_type.into();
        self
    }

    /// The token type sent with it.
    pub fn token_type(&self) -> &str {
        &self.token_type
    }

    async fn current(&self) -> Result<Zeroizing<String>, Error> {
        match &self.from {
            Origin::Token(token) => Ok(Zeroizing::new(token.expose_secret().to_owned())),
            Origin::Client(source) => {
                let token = source.current().await?;
                Ok(Zeroizing::new(token.access_token().expose_secret().to_owned()))
            }
        }
    }
}

impl PartialEq for Subject {
    fn eq(&self, other: &Subject) -> bool {
        self.token_type == other.token_type
            && match (&self.from, &other.from) {
                (Origin::Token(a), Origin::Token(b)) => a.expose_secret() == b.expose_secret(),
                (Origin::Client(a), Origin::Client(b)) => a.id() == b.id(),
                _ => false,
            }
    }
}

impl Eq for Subject {}

impl Hash for Subject {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // Into the session map's keyed hasher only; never printed nor stored.
        self.token_type.hash(state);
        match &self.from {
            Origin::Token(token) => token.expose_secret().hash(state),
            Origin::Client(source) => source.id().hash(state),
        }
    }
}

impl fmt::Debug for Subject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let from = match &self.from {
            Origin::Token(_) => "a token".to_owned(),
            Origin::Client(source) => format!("the current token of a {} client", source.vendor()),
        };
        f.debug_struct("Subject").field("token_type", &self.token_type).field("from", &from).finish()
    }
}

/// The future of a source client's current token.
pub(crate) type TokenFuture<'a> = Pin<Box<dyn Future<Output = Result<Arc<Token>, Error>> + Send + 'a>>;

/// A client whose current token is a subject: implemented by the client module.
pub(crate) trait SubjectSource: Send + Sync + 'static {
    /// Its current token, renewed if due.
    fn current(&self) -> TokenFuture<'_>;
    /// Tells sources apart: the address of their token session.
    fn id(&self) -> usize;
    /// Its identity for store keys (credentials included: fed only to HMAC).
    fn identity(&self) -> Vec<Zeroizing<String>>;
    /// Its vendor's name, for `Debug`.
    fn vendor(&self) -> &'static str;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_are_equal_by_token_and_type() {
        let a = Exchange::new(Subject::access_token("t1"));
        assert_eq!(a, Exchange::new(Subject::access_token("t1")));
        assert_ne!(a, Exchange::new(Subject::access_token("t2")));
        assert_ne!(a, Exchange::new(Subject::new("t1", token_type::JWT)));
        assert_ne!(a, a.clone().requested_token_type(token_type::ID_TOKEN));
        assert_ne!(a, a.clone().actor(Subject::access_token("actor")));
        let resolved = a.clone().actor(Subject::new("act", token_type::JWT)).resolve_now().unwrap();
        let names: Vec<&str> = resolved.params.iter().map(|(k, _)| *k).collect();
        assert_eq!(names, ["subject_token", "subject_token_type", "actor_token", "actor_token_type"]);
        let shown = format!("{:?}", a.actor(Subject::access_token("the-actor-secret")));
        assert!(!shown.contains("t1") && !shown.contains("the-actor-secret"), "{shown}");
    }
}
