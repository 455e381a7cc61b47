//! One renewal: by refresh where the vendor has one, by the grant otherwise.

use std::{future::Future, sync::Arc, time::SystemTime};

use reqwest::StatusCode;
use tracing::Instrument as _;

use super::{Inner, Session};
use crate::{
    error::{Error, ErrorCode},
    parse::{self, ParseContext},
    request::{self, TokenRequest},
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
        let refreshable = current.as_deref().and_then(|t| {
            let rt = t.refresh_token()?;
            request::refresh(self.spec, &self.auth_base, &self.credentials, rt.expose_secret(), &session.params)
        });
        let Some(req) = refreshable else { return self.grant(session).await };
        let span = tracing::info_span!("oauth.refresh", vendor = self.spec.name);
        match self.fetch(session, &req).instrument(span).await {
            Ok(mut token) => {
                if let Some(previous) = &current {
                    token.inherit_refresh_token(previous);
                }
                Ok(token)
            }
            Err(error) if refresh_rejected(&error) => {
                tracing::warn!(vendor = self.spec.name, %error, "refresh rejected; running the grant again");
                self.grant(session).await
            }
            Err(error) => Err(error),
        }
    }

    pub(super) async fn grant(&self, session: &Session) -> Result<Token, Error> {
        let span =
            tracing::info_span!("oauth.token_fetch", vendor = self.spec.name, grant = self.spec.token.grant.as_str());
        self.fetch(session, &session.grant_request).instrument(span).await
    }

    pub(super) async fn fetch(&self, session: &Session, req: &TokenRequest) -> Result<Token, Error> {
        let raw = self.transport.send(req).await?;
        let result = self.with_secrets(session, |secrets| {
            let ctx = ParseContext { vendor: self.spec.name, response: &self.spec.response, secrets };
            parse::token_response(&ctx, &raw, SystemTime::now())
        });
        // Never sent bare: a token that needs a proof of possession is an error here.
        let result = result.and_then(|token| match token.scheme() {
            scheme if scheme.is_supported() => Ok(token),
            scheme => Err(Error::UnsupportedTokenType { vendor: self.spec.name, scheme }),
        });
        match &result {
            Ok(token) => tracing::info!(expires_in_secs = token.expires_in().as_secs(), "token issued"),
            Err(error) => tracing::warn!(%error, "token request failed"),
        }
        result
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
