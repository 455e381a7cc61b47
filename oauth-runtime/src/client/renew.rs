//! One renewal, with or without a token store: read the store, lock, refresh or grant, write.
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

use std::{
    collections::VecDeque,
    future::Future,
    sync::{
        Arc, Mutex, PoisonError,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant, SystemTime},
};

use reqwest::StatusCode;
use tracing::Instrument as _;
use zeroize::Zeroizing;

use super::{Client, Inner, Session};
use crate::{
    TokenRequestKind,
    error::{Error, ErrorCode},
    store::{LOCK_LEASE, LockId, StoreError, StoreKey, StoredToken, TokenStore},
    token::Token,
};

/// First and longest pause between two reads of the store while another process renews.
const POLL_MIN: Duration = Duration::from_millis(5);
const POLL_MAX: Duration = Duration::from_millis(100);

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

/// A session's place in a store.
pub(crate) struct Fleet {
    store: Arc<dyn TokenStore>,
    key: StoreKey,
    /// The lock's lease, extended every third of it while the renewal runs.
    lease: Duration,
    /// The longest one renewal takes ([`crate::store::lock_ttl`]): a process waits at most
    /// twice this for another one's renewal.
    renewal_bound: Duration,
}

impl Fleet {
    pub fn new(store: Arc<dyn TokenStore>, key: StoreKey, renewal_bound: Duration) -> Fleet {
        Fleet { store, key, lease: LOCK_LEASE.min(renewal_bound), renewal_bound }
    }
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

enum Failure {
    Store(StoreError),
    Token(Error),
}

impl From<StoreError> for Failure {
    fn from(error: StoreError) -> Self {
        Failure::Store(error)
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

    /// A newer token than `rejected` from the store, if another process stored one: for a
    /// call whose token an API just refused (a vendor that revokes the old access token at
    /// each refresh), before renewing. `None` without a store, when the store fails or holds
    /// nothing newer and fresh (never a token whose refresh token this process spent).
    pub(crate) async fn adopt_newer_from_store(&self, session: &Session, rejected: &Token) -> Option<Token> {
        let fleet = session.renewal.fleet.as_ref()?;
        let stored = fleet.store.get(&fleet.key).await.ok()?;
        let token = self.adoptable(session, stored, Some(rejected))?;
        (token.issued_at() >= rejected.issued_at()).then_some(token)
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
                if let Some(fleet) = fleet {
                    if let Ok(stored) = fleet.store.get(&fleet.key).await {
                        if let Some(token) = self.adoptable(session, stored, Some(base)) {
                            return Ok(token);
                        }
                    }
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
        // Built once first, so that `None` means no refresh at all and a failure to build one
        // is reported before anything is sent.
        if let Err(error) = self.refresh_request(rt.expose_secret(), &session.params)? {
            return Some(Err(error));
        }
        let build = || {
            self.refresh_request(rt.expose_secret(), &session.params)
                .unwrap_or_else(|| Err(Error::internal(self.spec.name, "the refresh request went away")))
        };
        let span =
            tracing::info_span!("oauth.refresh", vendor = self.spec.name, store = session.renewal.fleet.is_some());
        let result = self.fetch(session, TokenRequestKind::Refresh, &build).instrument(span).await;
        Some(result.map(|mut token| {
            token.inherit_refresh_token(base);
            token
        }))
    }

    /// A new token through the store; on a store failure, a renewal in this process alone.
    async fn renew_shared(&self, session: &Session, fleet: &Fleet, current: Option<&Token>) -> Result<Token, Error> {
        let error = match self.fleet_renewal(session, fleet, current).await {
            Ok(token) => return Ok(token),
            Err(Failure::Token(error)) => return Err(error),
            Err(Failure::Store(error)) => error,
        };
        // A refresh token that other processes hold too must not be used without the lock:
        // with rotation, a second use is rejected, and servers with reuse detection revoke
        // the whole family. A token this process obtained alone may be refreshed; otherwise
        // the grant.
        let private = session.renewal.private();
        tracing::warn!(
            vendor = self.spec.name, %error,
            "token store unavailable; renewing in this process alone ({})",
            if private.is_some() { "refresh with this process's own token" } else { "a new grant" }
        );
        let base = private.or_else(|| (!self.may_regrant(session)).then(|| current.cloned()).flatten());
        let token = self.refresh_or_grant(session, base.as_ref(), None).await?;
        session.renewal.keep_private(&token);
        Ok(token)
    }

    async fn fleet_renewal(&self, session: &Session, fleet: &Fleet, current: Option<&Token>) -> Result<Token, Failure> {
        let (store, key) = (&*fleet.store, &fleet.key);
        if let Some(token) = self.adoptable(session, store.get(key).await?, current) {
            tracing::debug!(vendor = self.spec.name, "token renewed by another process; using it");
            session.renewal.clear_private();
            return Ok(token);
        }
        let started = Instant::now();
        let mut pause = POLL_MIN;
        loop {
            if let Some(lock) = store.lock(key, fleet.lease).await? {
                let outcome = holding(self.spec.name, fleet, &lock, self.renew_locked(session, fleet, current)).await;
                self.release(fleet, &lock).await;
                return outcome;
            }
            // Another process renews: read its token once it is there. A holder that died
            // leaves a lock that expires within one lease, after which it is taken here.
            if started.elapsed() > fleet.renewal_bound.saturating_mul(2) {
                return Err(Failure::Token(Error::deadline(self.spec.name, started.elapsed())));
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(POLL_MAX);
            if let Some(token) = self.adoptable(session, store.get(key).await?, current) {
                tracing::debug!(
                    vendor = self.spec.name,
                    waited_ms = started.elapsed().as_millis() as u64,
                    "token renewed by another process"
                );
                session.renewal.clear_private();
                return Ok(token);
            }
        }
    }

    /// With the lock held: read again, renew from the fleet's refresh token, write.
    async fn renew_locked(&self, session: &Session, fleet: &Fleet, current: Option<&Token>) -> Result<Token, Failure> {
        let renewal = &session.renewal;
        let stored = fleet.store.get(&fleet.key).await?;
        if let Some(token) = self.adoptable(session, stored.clone(), current) {
            renewal.clear_private();
            return Ok(token);
        }
        let version = stored.as_ref().map_or(0, |s| s.version);
        let shared = stored.and_then(|s| s.token);
        // The store's refresh token, never a local copy another process may have rotated away;
        // but this process's private token when the store's entry is stale (its refresh token
        // was spent here: a write failed) or the store has none. An empty store (first start,
        // flushed or restarted Redis) with no private token means the grant: the local token's
        // refresh token may be in flight in another process.
        let base = match (shared, renewal.private()) {
            (Some(shared), Some(private)) if renewal.holds_spent(&shared) => Some(private),
            (Some(shared), _) => Some(shared),
            (None, Some(private)) => Some(private),
            // Only the local token is left and the grant cannot help: refreshing it is the
            // one chance to keep the consent.
            (None, None) if !self.may_regrant(session) => current.cloned(),
            (None, None) => None,
        };
        let token = self.refresh_or_grant(session, base.as_ref(), Some(fleet)).await.map_err(Failure::Token)?;
        self.write(session, fleet, version, &token).await;
        Ok(token)
    }

    /// Writes `token` over `version`; whatever happens, `token` is not lost: kept as the
    /// session's private token when the store does not hold it.
    async fn write(&self, session: &Session, fleet: &Fleet, version: u64, token: &Token) {
        let (store, key, renewal) = (&*fleet.store, &fleet.key, &session.renewal);
        let written = match store.put(key, token, version).await {
            Ok(Some(_)) => true,
            Ok(None) => match store.get(key).await {
                // The store lost its entry while this renewal ran (flushed, restarted): a
                // new entry.
                Ok(None) => matches!(store.put(key, token, 0).await, Ok(Some(_))),
                Ok(Some(StoredToken { version, token: None, .. })) => {
                    matches!(store.put(key, token, version).await, Ok(Some(_)))
                }
                // Fenced: another process stored a token meanwhile (this renewal outlived its
                // lock, or the store lost its entry and another process filled it). Ours stays
                // this process's own; the next renewal takes the stored one if it is fresh.
                Ok(Some(_)) => {
                    tracing::warn!(
                        vendor = self.spec.name,
                        "another token was stored while this renewal ran; keeping this one in this process"
                    );
                    false
                }
                Err(_) => false,
            },
            Err(error) => {
                tracing::warn!(
                    vendor = self.spec.name, %error,
                    "could not store the new token; this process keeps it and writes it at its next renewal"
                );
                false
            }
        };
        if written { renewal.clear_private() } else { renewal.keep_private(token) }
    }

    async fn release(&self, fleet: &Fleet, lock: &LockId) {
        match fleet.store.unlock(&fleet.key, lock).await {
            Ok(true) => {}
            Ok(false) => tracing::warn!(vendor = self.spec.name, "the token store lock had expired before its release"),
            Err(error) => tracing::debug!(%error, "could not release the token store lock; it expires by itself"),
        }
    }

    /// The stored token, if it is another than `current`, not yet due for renewal, and not
    /// one whose refresh token this process spent (a stale entry).
    fn adoptable(&self, session: &Session, stored: Option<StoredToken>, current: Option<&Token>) -> Option<Token> {
        let token = stored?.token?;
        let other = current.is_none_or(|c| !c.same_access(&token));
        (other && self.is_fresh(&token) && !session.renewal.holds_spent(&token)).then_some(token)
    }

    /// Whether `token` is before its renewal point (the cache's rule: `skew` before expiry,
    /// at most half the lifetime).
    fn is_fresh(&self, token: &Token) -> bool {
        let lifetime = token.expires_at().duration_since(token.issued_at()).unwrap_or_default();
        let early = self.skew.min(lifetime / 2);
        token.expires_at().checked_sub(early).is_some_and(|at| SystemTime::now() < at)
    }
}

/// Runs `work` while extending `lock` every third of its lease; the extensions stop when
/// `work` ends. A lost lock (expired, taken over) is logged and `work` carries on: its
/// write is fenced by the version compare-and-set.
async fn holding<T>(vendor: &'static str, fleet: &Fleet, lock: &LockId, work: impl Future<Output = T>) -> T {
    let keep = async {
        loop {
            tokio::time::sleep(fleet.lease / 3).await;
            match fleet.store.extend(&fleet.key, lock, fleet.lease).await {
                Ok(true) => {}
                Ok(false) => {
                    tracing::warn!(
                        vendor,
                        "the token store lock was lost mid-renewal; the write stays fenced by its version"
                    );
                    break;
                }
                // The lease may still be ours: try again at the next beat.
                Err(error) => tracing::debug!(%error, "could not extend the token store lock"),
            }
        }
        std::future::pending::<()>().await;
    };
    tokio::select! {
        out = work => out,
        () = keep => unreachable!("the extensions never end by themselves"),
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
    #[tokio::test]
    async fn a_live_holder_keeps_its_lease_and_a_dead_one_loses_it_within_one() {
        use std::{sync::Arc, time::Duration};

        use crate::store::{MemoryStore, StoreKey, TokenStore};
        let store = MemoryStore::new();
        let key = StoreKey::new("k");
        let fleet = super::Fleet {
            store: Arc::new(store.clone()),
            key: key.clone(),
            lease: Duration::from_millis(300),
            renewal_bound: Duration::from_secs(10),
        };
        let lock = store.lock(&key, fleet.lease).await.unwrap().unwrap();
        // A renewal four leases long: the lock stays its holder's throughout.
        let contender = async {
            for _ in 0..12 {
                tokio::time::sleep(Duration::from_millis(80)).await;
                assert!(store.lock(&key, Duration::from_secs(1)).await.unwrap().is_none(), "the live holder's lock");
            }
        };
        super::holding("V", &fleet, &lock, contender).await;
        // The extensions stopped with the renewal: the lock lapses within one lease.
        tokio::time::sleep(Duration::from_millis(400)).await;
        assert!(!store.extend(&key, &lock, fleet.lease).await.unwrap(), "expired once nobody extends it");
        assert!(store.lock(&key, Duration::from_secs(1)).await.unwrap().is_some());
    }

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
