//! A renewal shared with other clients through a token store: one per key across the fleet.
//!
//! Runs inside the cache's renewal task (so one per session in this process already); see the
//! `store` module for the protocol and its guarantees.

use std::{
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant, SystemTime},
};

use super::{Inner, Session, renew::refresh_rejected};
use crate::{
    error::Error,
    store::{LockId, StoreError, StoreKey, StoredToken, TokenStore},
    token::Token,
};

/// First and longest pause between two reads of the store while another process renews.
const POLL_MIN: Duration = Duration::from_millis(5);
const POLL_MAX: Duration = Duration::from_millis(100);

/// A session's place in a store.
pub(crate) struct Fleet {
    pub store: Arc<dyn TokenStore>,
    pub key: StoreKey,
    pub lock_ttl: Duration,
    /// The cached token was obtained while the store was unreachable, by this process alone:
    /// its refresh token is nobody else's, so refreshing with it cannot race another process.
    private: AtomicBool,
}

impl Fleet {
    pub fn new(store: Arc<dyn TokenStore>, key: StoreKey, lock_ttl: Duration) -> Fleet {
        Fleet { store, key, lock_ttl, private: AtomicBool::new(false) }
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
    /// A new token through the store; on a store failure, a renewal in this process alone.
    pub(super) async fn renew_shared(
        &self,
        session: &Session,
        fleet: &Fleet,
        current: Option<Arc<Token>>,
    ) -> Result<Token, Error> {
        match self.fleet_renewal(session, fleet, current.as_deref()).await {
            Ok(token) => {
                fleet.private.store(false, Ordering::Relaxed);
                Ok(token)
            }
            Err(Failure::Token(error)) => Err(error),
            Err(Failure::Store(error)) => {
                // A refresh token that other processes hold too must not be used without the
                // lock: with rotation, a second use is rejected, and servers with reuse
                // detection revoke the whole family. The grant is safe; a token this process
                // obtained alone may be refreshed.
                let private = fleet.private.load(Ordering::Relaxed);
                tracing::warn!(
                    vendor = self.spec.name, %error,
                    "token store unavailable; renewing in this process alone ({})",
                    if private { "refresh with this process's own token" } else { "a new grant" }
                );
                let result = if private { self.renew_local(session, current).await } else { self.grant(session).await };
                if result.is_ok() {
                    fleet.private.store(true, Ordering::Relaxed);
                }
                result
            }
        }
    }

    async fn fleet_renewal(&self, session: &Session, fleet: &Fleet, current: Option<&Token>) -> Result<Token, Failure> {
        let (store, key) = (&*fleet.store, &fleet.key);
        if let Some(token) = self.adoptable(store.get(key).await?, current) {
            tracing::debug!(vendor = self.spec.name, "token renewed by another process; using it");
            return Ok(token);
        }
        let started = Instant::now();
        let mut pause = POLL_MIN;
        loop {
            if let Some(lock) = store.lock(key, fleet.lock_ttl).await? {
                let outcome = self.renew_locked(session, fleet, current).await;
                self.release(fleet, &lock).await;
                return outcome;
            }
            // Another process renews: read its token once it is there. A holder that died
            // leaves a lock that expires within its TTL, after which the lock is taken here.
            if started.elapsed() > fleet.lock_ttl.saturating_mul(2) {
                return Err(Failure::Token(Error::deadline(self.spec.name, started.elapsed())));
            }
            tokio::time::sleep(pause).await;
            pause = (pause * 2).min(POLL_MAX);
            if let Some(token) = self.adoptable(store.get(key).await?, current) {
                tracing::debug!(
                    vendor = self.spec.name,
                    waited_ms = started.elapsed().as_millis() as u64,
                    "token renewed by another process"
                );
                return Ok(token);
            }
        }
    }

    /// With the lock held: read again, renew from the store's refresh token, write if the
    /// version is still the one read.
    async fn renew_locked(&self, session: &Session, fleet: &Fleet, current: Option<&Token>) -> Result<Token, Failure> {
        let (store, key) = (&*fleet.store, &fleet.key);
        let stored = store.get(key).await?;
        if let Some(token) = self.adoptable(stored.clone(), current) {
            return Ok(token);
        }
        let version = stored.as_ref().map_or(0, |s| s.version);
        // The store's refresh token, never a local copy another process may have rotated away;
        // the local one only when the store has none (first start, a flushed Redis).
        let base = stored.and_then(|s| s.token).or_else(|| current.cloned());
        let token = self.refresh_or_grant(session, fleet, base.as_ref(), current).await?;
        match store.put(key, &token, version).await {
            Ok(Some(_)) => Ok(token),
            Ok(None) => {
                // Fencing: this renewal outlived its lock and another process stored a newer
                // token meanwhile. Use that one; ours is a valid token, kept only if the store
                // has nothing better.
                tracing::warn!(
                    vendor = self.spec.name,
                    "a newer token was stored while this renewal ran (its lock expired); using the stored one"
                );
                let newer = store.get(key).await.ok().flatten().and_then(|s| s.token);
                Ok(newer.filter(|t| self.is_fresh(t)).unwrap_or(token))
            }
            Err(error) => {
                tracing::warn!(vendor = self.spec.name, %error, "could not store the new token; other processes will renew on their own");
                fleet.private.store(true, Ordering::Relaxed);
                Ok(token)
            }
        }
    }

    async fn refresh_or_grant(
        &self,
        session: &Session,
        fleet: &Fleet,
        base: Option<&Token>,
        current: Option<&Token>,
    ) -> Result<Token, Failure> {
        let Some(result) = self.refresh(session, base).await else {
            return self.grant(session).await.map_err(Failure::Token);
        };
        match result {
            Ok(token) => Ok(token),
            Err(error) if refresh_rejected(&error) => {
                // Someone may have refreshed with it meanwhile (a process whose lock expired):
                // their token is in the store then, and a grant would be one request too many.
                if let Ok(Some(token)) = fleet.store.get(&fleet.key).await.map(|s| self.adoptable(s, current)) {
                    if base.is_none_or(|b| !b.same_access(&token)) {
                        return Ok(token);
                    }
                }
                tracing::warn!(vendor = self.spec.name, %error, "refresh rejected; running the grant again");
                self.grant(session).await.map_err(Failure::Token)
            }
            Err(error) => Err(Failure::Token(error)),
        }
    }

    async fn release(&self, fleet: &Fleet, lock: &LockId) {
        match fleet.store.unlock(&fleet.key, lock).await {
            Ok(true) => {}
            Ok(false) => tracing::warn!(vendor = self.spec.name, "the token store lock had expired before its release"),
            Err(error) => tracing::debug!(%error, "could not release the token store lock; it expires by itself"),
        }
    }

    /// The stored token, if it is another than `current` and not yet due for renewal.
    fn adoptable(&self, stored: Option<StoredToken>, current: Option<&Token>) -> Option<Token> {
        let token = stored?.token?;
        let other = current.is_none_or(|c| !c.same_access(&token));
        (other && self.is_fresh(&token)).then_some(token)
    }

    /// Whether `token` is before its renewal point (the cache's rule: `skew` before expiry,
    /// at most half the lifetime).
    fn is_fresh(&self, token: &Token) -> bool {
        let lifetime = token.expires_at().duration_since(token.issued_at()).unwrap_or_default();
        let early = self.skew.min(lifetime / 2);
        token.expires_at().checked_sub(early).is_some_and(|at| SystemTime::now() < at)
    }
}
