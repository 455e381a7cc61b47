//! Token revocation (RFC 7009): the refresh token, then the access token, with the client's
//! authentication; the local copies are gone before the first request leaves.

use std::time::SystemTime;

use url::Url;

use super::{Client, Inner, Session};
use crate::{
    Error, Secret, TokenRequest, TokenRequestKind,
    parse::{self, ParseContext},
    provider::BodyStyle,
    token::Token,
    wire,
};

impl<P> Client<P> {
    /// Revokes this handle's tokens at the vendor's revocation endpoint (RFC 7009): the refresh
    /// token first (which at most servers revokes the whole grant, access tokens included),
    /// then the access token, each with its `token_type_hint` and the declared client
    /// authentication. Declare the endpoint with `revocation_path = ".."`, or let discovered
    /// metadata give it ([`ClientBuilder::metadata`](crate::ClientBuilder::metadata)).
    ///
    /// Before anything is sent, the token leaves the cache, the shared store's entry is
    /// replaced by an expired one (so no process of a fleet adopts or refreshes it; others
    /// still holding a copy in memory find it refused at their next call), and its refresh
    /// token is never presented again: nothing here presents a revoked token, whatever the
    /// vendor answers. A renewal in flight is waited for (its token is revoked too) and
    /// renewals asked for meanwhile start afterwards from nothing: the next call obtains a
    /// new token with the grant, or, for a grant that needs a person,
    /// [`Error::ReauthorizationRequired`]. Other handles' parameter sets keep their tokens.
    ///
    /// An answer of 200 is success, as is revoking with nothing cached. A server that cannot
    /// revoke access tokens (`unsupported_token_type`, RFC 7009 section 2.2.1) after the
    /// refresh token was revoked is success too: that access token expires by itself.
    ///
    /// ```no_run
    /// # async fn demo<P>(client: oauth_runtime::Client<P>) -> Result<(), oauth_runtime::Error> {
    /// client.revoke().await?; // at sign-out
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when the vendor has no revocation endpoint; the vendor's refusal as
    /// [`Error::OAuth`] (`invalid_client`, `unsupported_token_type`, ...), or the transport's
    /// error, naming the revocation endpoint.
    pub async fn revoke(&self) -> Result<(), Error> {
        let (inner, session) = (&self.inner, &self.session);
        let Some(url) = inner.engine.revocation_url.clone() else {
            return Err(Error::config(format!(
                "{}: no revocation endpoint: declare `revocation_path = \"..\"` or build the client from \
                 discovered metadata that has a `revocation_endpoint`",
                inner.spec.name
            )));
        };
        session
            .cache
            .withdraw(|taken| async move {
                let token = match taken {
                    Some(entry) => Some(Token::clone(&entry.token)),
                    None => inner.stored_token(session).await,
                };
                let Some(token) = token else { return Ok(()) };
                session.renewal.spend(&token);
                session.renewal.clear_private();
                if let Some(fleet) = &session.renewal.fleet {
                    inner.forget_revoked(fleet, &token).await;
                }
                let refresh = match token.refresh_token() {
                    Some(rt) => Some(inner.revoke_one(&url, &token, rt, "refresh_token").await),
                    None => None,
                };
                if let Some(Err(error)) = refresh {
                    return Err(error);
                }
                match inner.revoke_one(&url, &token, token.access_token(), "access_token").await {
                    Err(Error::OAuth(e)) if refresh.is_some() && e.code.as_str() == "unsupported_token_type" => {
                        tracing::info!(
                            vendor = inner.spec.name,
                            "the server revokes no access tokens; it expires by itself"
                        );
                        Ok(())
                    }
                    other => other,
                }
            })
            .await
    }
}

impl Inner {
    /// The store's token for `session`, when the cache has none.
    async fn stored_token(&self, session: &Session) -> Option<Token> {
        let fleet = session.renewal.fleet.as_ref()?;
        fleet.store.get(&fleet.key).await.ok()??.token
    }

    /// One revocation request for `value` (one of `token`'s), retried as token requests are.
    async fn revoke_one(&self, url: &Url, token: &Token, value: &Secret, hint: &'static str) -> Result<(), Error> {
        let endpoint = self.endpoint(TokenRequestKind::Revocation);
        let build = || -> Result<TokenRequest, Error> {
            // RFC 7009 section 2.1: always a form body, whatever the token endpoint takes.
            let mut request = TokenRequest::new(url.clone(), TokenRequestKind::Revocation, BodyStyle::Form);
            self.engine.client_auth.apply(&self.engine.credentials, &mut request)?;
            request.param("token", value.expose_secret());
            request.param("token_type_hint", hint);
            Ok(request)
        };
        let span = tracing::info_span!("oauth.revoke", vendor = self.spec.name, token_type_hint = hint);
        let site = self.wire_site(wire::Kind::Revoke);
        let mut attempts = 0;
        let sent = self.transport.send(TokenRequestKind::Revocation, &site, &mut attempts, &build);
        let raw = tracing::Instrument::instrument(sent, span).await.map_err(|e| e.at(&endpoint))?;
        if raw.status.is_success() {
            tracing::info!(vendor = self.spec.name, token_type_hint = hint, "token revoked");
            return Ok(());
        }
        let mut secrets: Vec<&str> = self.engine.credentials.secrets().collect();
        secrets.push(token.access_token().expose_secret());
        if let Some(rt) = token.refresh_token() {
            secrets.push(rt.expose_secret());
        }
        let ctx = ParseContext { vendor: self.spec.name, response: &self.spec.response, secrets: &secrets };
        let error = match parse::token_response(&ctx, &raw, SystemTime::now()) {
            Err(error) => error,
            // A non-2xx answer is never a token; kept for the type's sake.
            Ok(_) => Error::internal(self.spec.name, "a revocation answered with a token"),
        };
        tracing::warn!(vendor = self.spec.name, %error, "token revocation failed");
        Err(error.at(&endpoint))
    }
}
