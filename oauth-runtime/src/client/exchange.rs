//! Token exchange handles: a subject per parameter set, and clients as subjects.

use std::sync::Arc;

use zeroize::Zeroizing;

use super::{Client, Inner, Session};
use crate::grant::{
    Exchange,
    token_exchange::{SubjectSource, TokenFuture},
};

impl<P> Client<P> {
    /// A handle whose tokens are obtained by exchanging `exchange`'s subject token (RFC 8693),
    /// for a vendor declared with `grant = "token_exchange"`. It keeps this handle's audience,
    /// resource and scope ([`Client::with_token_params`]), and like any parameter set each
    /// subject has its own token cache and single flight: two subjects, two tokens, each
    /// requested once and reused until it is due for renewal.
    ///
    /// A subject taken from another client ([`Subject::from_client`](crate::Subject::from_client))
    /// is that client's current access token when the exchange is made: after it renewed, the
    /// next exchange sends the new one. The issued token's type is
    /// [`Token::issued_token_type`](crate::Token::issued_token_type).
    ///
    /// A vendor with another grant refuses the exchange's token requests with
    /// [`Error::Config`](crate::Error::Config).
    ///
    /// ```no_run
    /// # async fn demo<P>(backend: oauth_runtime::Client<P>, user_token: String) -> Result<(), oauth_runtime::Error> {
    /// use oauth_runtime::{Exchange, Subject, TokenParams, grant::token_type};
    /// let for_user = backend
    ///     .with_token_params(TokenParams::new().audience("https://orders.example.com"))
    ///     .exchange(Exchange::new(Subject::access_token(user_token)).requested_token_type(token_type::ACCESS_TOKEN));
    /// let token = for_user.token().await?;
    /// assert_eq!(token.issued_token_type(), Some(token_type::ACCESS_TOKEN));
    /// # Ok(()) }
    /// ```
    pub fn exchange(&self, exchange: Exchange) -> Client<P> {
        self.with_token_params(self.session.params.clone().exchange(exchange))
    }

    /// This handle as the source of a subject token.
    pub(crate) fn subject_source(&self) -> Arc<dyn SubjectSource> {
        Arc::new(Source { inner: self.inner.clone(), session: self.session.clone() })
    }
}

/// A client handle whose current token is a subject.
struct Source {
    inner: Arc<Inner>,
    session: Arc<Session>,
}

impl SubjectSource for Source {
    fn current(&self) -> TokenFuture<'_> {
        Box::pin(async move { Ok(self.inner.entry(&self.session).await?.token.clone()) })
    }

    fn id(&self) -> usize {
        Arc::as_ptr(&self.session) as usize
    }

    fn identity(&self) -> Vec<Zeroizing<String>> {
        let id = self.inner.key_id(&self.session.params);
        let mut parts = vec![Zeroizing::new(id.vendor.to_owned()), Zeroizing::new(id.token_url.to_string())];
        for (name, value) in &id.credentials {
            parts.push(Zeroizing::new((*name).to_owned()));
            parts.push(Zeroizing::new((*value).to_owned()));
        }
        for (name, value) in id.params.pairs() {
            parts.push(Zeroizing::new(name.to_owned()));
            parts.push(Zeroizing::new(value.to_owned()));
        }
        if let Some(exchange) = id.params.exchange_ref() {
            parts.extend(exchange.identity());
        }
        parts
    }

    fn vendor(&self) -> &'static str {
        self.inner.spec.name
    }
}
