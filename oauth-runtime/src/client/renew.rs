//! One renewal: by refresh where the vendor has one, by the grant otherwise.

use std::{future::Future, sync::Arc};

use reqwest::StatusCode;
use tracing::Instrument as _;

use super::{Inner, Session};
use crate::{
    TokenRequestKind,
    error::{Error, ErrorCode},
    token::Token,
};

impl Inner {
    /// The renewal given the current token, as a future that owns what it needs, so that it can
    /// run in a task of its own.
    pub(super) fn renewal(
        self: &Arc<Self>,
        session: &Arc<Session>,
        current: Option<Arc<Token>>,
    ) -> impl Future<Output = Result<Token, Error>> + Send + 'static {
        let (inner, session) = (Arc::clone(self), Arc::clone(session));
        async move { inner.renew(&session, current).await }
    }

    async fn renew(&self, session: &Session, current: Option<Arc<Token>>) -> Result<Token, Error> {
        // Token store (client/fleet.rs): one renewal across every client sharing the store.
        if let Some(fleet) = &session.fleet {
            return self.renew_shared(session, fleet, current).await;
        }
        self.renew_local(session, current).await
    }

    /// A new token: by refresh when possible, by the grant otherwise or when the refresh is
    /// rejected (a revoked or rotated-away refresh token must not strand the client).
    pub(super) async fn renew_local(&self, session: &Session, current: Option<Arc<Token>>) -> Result<Token, Error> {
        let Some(result) = self.refresh(session, current.as_deref()).await else { return self.grant(session).await };
        match result {
            Ok(token) => Ok(token),
            Err(error) if refresh_rejected(&error) => {
                tracing::warn!(vendor = self.spec.name, %error, "refresh rejected; running the grant again");
                self.grant(session).await
            }
            Err(error) => Err(error),
        }
    }

    pub(super) async fn grant(&self, session: &Session) -> Result<Token, Error> {
        let span =
            tracing::info_span!("oauth.token_fetch", vendor = self.spec.name, grant = self.engine.grant.grant_type());
        let build = || self.grant_request(&session.params);
        self.fetch(session, TokenRequestKind::Grant, &build).instrument(span).await
    }

    /// A refresh with `base`'s refresh token, or `None` if there is none or the vendor has no
    /// refresh. The new token keeps `base`'s refresh token when the vendor sent none.
    pub(super) async fn refresh(&self, session: &Session, base: Option<&Token>) -> Option<Result<Token, Error>> {
        let base = base?;
        let rt = base.refresh_token()?;
        // Checked once before the first attempt, so that `None` means no refresh at all.
        if let Err(error) = self.refresh_request(rt.expose_secret(), &session.params)? {
            return Some(Err(error));
        }
        let build = || {
            self.refresh_request(rt.expose_secret(), &session.params)
                .unwrap_or_else(|| Err(Error::config("no refresh")))
        };
        let span = tracing::info_span!("oauth.refresh", vendor = self.spec.name);
        let result = self.fetch(session, TokenRequestKind::Refresh, &build).instrument(span).await;
        Some(result.map(|mut token| {
            token.inherit_refresh_token(base);
            token
        }))
    }
}

/// A rejected refresh: the refresh token is dead, so only the grant can help.
pub(super) fn refresh_rejected(error: &Error) -> bool {
    match error {
        Error::OAuth(e) => {
            e.code == ErrorCode::InvalidGrant || matches!(e.status, StatusCode::BAD_REQUEST | StatusCode::UNAUTHORIZED)
        }
        Error::MalformedResponse { status, .. } => {
            matches!(*status, StatusCode::BAD_REQUEST | StatusCode::UNAUTHORIZED)
        }
        _ => false,
    }
}
