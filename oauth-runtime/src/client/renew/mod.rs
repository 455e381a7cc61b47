//! One renewal, with or without a token store: read the store, lock, refresh or grant, write.
//!
//! This module holds the rules and what a session knows of its refresh tokens; `fleet` holds
//! the store's steps (the lock and its lease, the double-check, the versioned write).
//!
//! The rules live once, in [`Inner::refresh_or_grant`]; without a store the same path runs
//! with no store steps. Request building is reached through exactly three methods, `grant`,
//! `refresh` and `can_regrant`, so that it can change without touching the rules.
//!
//! A refresh token may be the only copy of a person's consent, so two rules hold everywhere:
//!
//! - **never present one twice**: every refresh token this process presented is recorded
//!   (per session) once its answer says it was rotated away, or when the answer is unknown (a
//!   timeout, a 5xx, a broken connection: the vendor may have rotated it) or a rejection; a
//!   recorded one is never presented again. Only a request that was never sent (a connect
//!   error) leaves it usable;
//! - **never lose a rotated one**: a token this process obtained that the store does not hold
//!   (its write failed, the store was unreachable or lost its entry) is kept as the session's
//!   *private* token; refreshing it races nobody, and the store's older entry, whose refresh
//!   token this process spent, is stale and never used.
//!
//! With a store, see the `store` module for the protocol. The lock is a short lease
//! ([`LOCK_LEASE`](crate::store::LOCK_LEASE)) extended while the renewal runs, so a holder
//! killed mid-renewal blocks the fleet for one lease; a holder that loses it is still fenced by
//! the write's version compare-and-set.

mod fleet;

pub(crate) use fleet::Fleet;

use std::{
    collections::VecDeque,
    future::Future,
    sync::{
        Arc, Mutex, PoisonError,
        atomic::{AtomicBool, Ordering},
    },
};

use reqwest::StatusCode;
use tracing::Instrument as _;
use zeroize::Zeroizing;

use super::{Client, Inner, Session};
use crate::{
    TokenRequestKind,
    error::{Error, ErrorCode},
    token::Token,
};

/// How many spent refresh tokens a session remembers: a renewal spends at most two, and a
/// spent one only matters while it can still be found somewhere (the store, a cached token).
const SPENT_KEPT: usize = 32;

/// A session's renewal state: where its tokens are shared, if anywhere, and what this process
/// knows about its refresh tokens.
pub(crate) struct Renewal {
    fleet: Option<Fleet>,
    state: Mutex<State>,
    /// Test hook: the grant is treated as unable to run unattended.
    regrant_forbidden: AtomicBool,
}

#[derive(Default)]
struct State {
    /// The newest token this process obtained that the store does not hold: its refresh token
    /// is this process's alone. Unused without a store.
    private: Option<Token>,
    /// Refresh tokens never to present again (rotated away, rejected, or their refresh's
    /// answer lost). Zeroed when forgotten.
    spent: VecDeque<Zeroizing<String>>,
}

impl Renewal {
    pub fn new(fleet: Option<Fleet>) -> Renewal {
        Renewal { fleet, state: Mutex::default(), regrant_forbidden: AtomicBool::new(false) }
    }

    fn with<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        f(&mut self.state.lock().unwrap_or_else(PoisonError::into_inner))
    }

    fn is_spent(&self, refresh_token: &str) -> bool {
        self.with(|s| s.spent.iter().any(|t| t.as_str() == refresh_token))
    }

    /// Whether `token`'s refresh token was spent here: a stored entry holding it is stale.
    fn holds_spent(&self, token: &Token) -> bool {
        token.refresh_token().is_some_and(|rt| self.is_spent(rt.expose_secret()))
    }

    fn spend(&self, token: &Token) {
        let Some(rt) = token.refresh_token() else { return };
        let rt = rt.expose_secret();
        self.with(|s| {
            if !s.spent.iter().any(|t| t.as_str() == rt) {
                if s.spent.len() == SPENT_KEPT {
                    s.spent.pop_front();
                }
                s.spent.push_back(Zeroizing::new(rt.to_owned()));
            }
        });
    }

    fn private(&self) -> Option<Token> {
        self.with(|s| s.private.clone())
    }

    fn keep_private(&self, token: &Token) {
        self.with(|s| s.private = Some(token.clone()));
    }

    fn clear_private(&self) {
        self.with(|s| s.private = None);
    }
}

impl Inner {
    /// The renewal given the current token, as a future that owns what it needs, so that it can
    /// run in a task of its own.
    pub(super) fn renewal(
        self: &Arc<Self>,
        session: &Arc<Session>,
        current: Option<Arc<Token>>,
    ) -> impl Future<Output = Result<Token, Error>> + Send + 'static {
        let (inner, session) = (Arc::clone(self), Arc::clone(session));
        async move { inner.renew(&session, current.as_deref()).await }
    }

    async fn renew(&self, session: &Session, current: Option<&Token>) -> Result<Token, Error> {
        match &session.renewal.fleet {
            Some(fleet) => self.renew_shared(session, fleet, current).await,
            // No store: the same rules, with the process's own token as the base.
            None => self.refresh_or_grant(session, current, None).await,
        }
    }

    /// Refresh, else grant: the rules, with or without a store.
    ///
    /// `base` is the token whose refresh token may be presented (`None`: the grant). A refresh
    /// token already spent here is never presented. A refresh that fails after it may have
    /// reached the vendor spends its refresh token; then a token another process stored
    /// meanwhile is taken (`fleet`), or the grant runs if it can run unattended, or the error
    /// is [`Error::ReauthorizationRequired`].
    async fn refresh_or_grant(
        &self,
        session: &Session,
        base: Option<&Token>,
        fleet: Option<&Fleet>,
    ) -> Result<Token, Error> {
        let renewal = &session.renewal;
        let usable = base.filter(|b| !renewal.holds_spent(b));
        if let Some(result) = match usable {
            Some(base) => self.refresh(session, base).await,
            None => None,
        } {
            let base = usable.unwrap_or_else(|| unreachable!("a refresh ran, so there was a base"));
            let error = match result {
                Ok(token) => {
                    // Rotated: the old one is dead. A vendor that keeps it sends it back (or
                    // none, and the token inherited it): then it is still the one to use.
                    if token.refresh_token().map(|r| r.expose_secret())
                        != base.refresh_token().map(|r| r.expose_secret())
                    {
                        renewal.spend(base);
                    }
                    return Ok(token);
                }
                // Nothing left the process: the refresh token is intact, for the next renewal.
                Err(error) if nothing_sent(&error) => return Err(error),
                Err(error) => error,
            };
            renewal.spend(base);
            let rejected = refresh_rejected(&error);
            if rejected {
                tracing::warn!(vendor = self.spec.name, %error, "refresh rejected; the refresh token is never presented again");
            } else {
                tracing::warn!(
                    vendor = self.spec.name, %error,
                    "refresh failed after it may have reached the vendor; the refresh token is never presented again"
                );
                // Another process may have renewed meanwhile; never after a rejection, which
                // may have revoked the family whatever that process stored from it.
                if let Some(fleet) = fleet
                    && let Ok(stored) = fleet.store.get(&fleet.key).await
                    && let Some(token) = self.adoptable(session, stored, Some(base))
                {
                    return Ok(token);
                }
            }
            if !self.may_regrant(session) {
                return Err(Error::ReauthorizationRequired { vendor: self.spec.name });
            }
            tracing::warn!(vendor = self.spec.name, "running the grant again");
            return self.grant(session).await;
        }
        if !self.may_regrant(session) {
            return Err(Error::ReauthorizationRequired { vendor: self.spec.name });
        }
        self.grant(session).await
    }

    /// Whether the grant may run now: [`Inner::can_regrant`], unless a test forbade it.
    fn may_regrant(&self, session: &Session) -> bool {
        self.can_regrant() && !session.renewal.regrant_forbidden.load(Ordering::Relaxed)
    }

    /// Whether the grant can run unattended (no person involved): the grant says so
    /// ([`TokenGrant::unattended`](crate::grant::TokenGrant::unattended)).
    fn can_regrant(&self) -> bool {
        self.engine.grant.unattended()
    }

    /// A new token by the grant, its request built anew for each attempt.
    async fn grant(&self, session: &Session) -> Result<Token, Error> {
        let span =
            tracing::info_span!("oauth.token_fetch", vendor = self.spec.name, grant = self.engine.grant.grant_type());
        let build = || self.grant_request(&session.params);
        self.fetch(session, TokenRequestKind::Grant, &build).instrument(span).await
    }

    /// A new token by refreshing `base`: `None` when the vendor has no refresh or `base` no
    /// refresh token. The new token inherits `base`'s refresh token when the vendor sends none.
    async fn refresh(&self, session: &Session, base: &Token) -> Option<Result<Token, Error>> {
        let rt = base.refresh_token()?;
        if !self.refreshes() {
            return None;
        }
        let build = || {
            self.refresh_request(rt.expose_secret(), &session.params)
                .unwrap_or_else(|| Err(Error::internal(self.spec.name, "the vendor has no refresh")))
        };
        let span =
            tracing::info_span!("oauth.refresh", vendor = self.spec.name, store = session.renewal.fleet.is_some());
        let result = self.fetch(session, TokenRequestKind::Refresh, &build).instrument(span).await;
        Some(result.map(|mut token| {
            token.inherit_refresh_token(base);
            token
        }))
    }
}

/// A rejected refresh: the refresh token is dead, so only the grant can help.
fn refresh_rejected(error: &Error) -> bool {
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

/// A token request that never left the process: no connection was made, the request could
/// not be built, or the client's own request limit held it back. Anything else may have
/// reached the vendor.
fn nothing_sent(error: &Error) -> bool {
    match error {
        Error::Connect { source, .. } => source.is_connect(),
        Error::Request { .. } | Error::TokenRequestLimit { .. } | Error::Config(_) => true,
        _ => false,
    }
}

impl<P> Client<P> {
    /// Test hook: renewals treat the grant as unable to run unattended, as for a grant that
    /// needs the user. Not part of the API.
    #[doc(hidden)]
    pub fn __forbid_unattended_grant(&self) {
        self.session.renewal.regrant_forbidden.store(true, Ordering::Relaxed);
    }

    /// Test hook for [`Inner::adopt_newer_from_store`]. Not part of the API.
    #[doc(hidden)]
    pub async fn __adopt_newer_from_store(&self, rejected: &Token) -> Option<Token> {
        self.inner.adopt_newer_from_store(&self.session, rejected).await
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_a_request_that_never_left_spends_nothing() {
        use std::time::Duration;

        use super::{Error, nothing_sent};
        let limit = Error::TokenRequestLimit {
            vendor: "V",
            limit: 1,
            interval: Duration::from_secs(1),
            retry_in: Duration::from_secs(1),
        };
        assert!(nothing_sent(&limit) && nothing_sent(&Error::config("bad")));
        assert!(!nothing_sent(&Error::Timeout { vendor: "V", timeout: Some(Duration::from_secs(1)) }));
        assert!(!nothing_sent(&Error::deadline("V", Duration::from_secs(1))));
        assert!(!nothing_sent(&Error::ReauthorizationRequired { vendor: "V" }));
    }

    #[test]
    fn spent_refresh_tokens_are_remembered_and_bounded() {
        let renewal = super::Renewal::new(None);
        let with = |rt: &str| {
            crate::Token::from_parts(
                "a".into(),
                crate::TokenScheme::Bearer,
                None,
                Some(rt.into()),
                std::time::SystemTime::now(),
                std::time::SystemTime::now(),
                crate::LifetimeSource::Duration,
                Default::default(),
            )
        };
        renewal.spend(&with("r0"));
        renewal.spend(&with("r0"));
        assert!(renewal.holds_spent(&with("r0")) && !renewal.holds_spent(&with("r1")));
        for i in 1..=super::SPENT_KEPT {
            renewal.spend(&with(&format!("r{i}")));
        }
        assert!(!renewal.holds_spent(&with("r0")), "the oldest is forgotten past the bound");
        assert!(renewal.holds_spent(&with(&format!("r{}", super::SPENT_KEPT))));
    }
}
