//! The store's steps of a renewal: read, lock (a short lease its holder extends), read again,
//! renew by the rules of the parent module, write with a version compare-and-set, release.

use std::{
    future::Future,
    sync::Arc,
    time::{Duration, Instant, SystemTime},
};

use super::super::{Inner, Session};
use crate::{
    error::Error,
    store::{LOCK_LEASE, LockId, StoreError, StoreKey, StoredToken, TokenStore},
    token::Token,
};

/// First and longest pause between two reads of the store while another process renews.
const POLL_MIN: Duration = Duration::from_millis(5);
const POLL_MAX: Duration = Duration::from_millis(100);

/// A session's place in a store.
pub(crate) struct Fleet {
    pub(in crate::client) store: Arc<dyn TokenStore>,
    pub(in crate::client) key: StoreKey,
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

    /// Replaces the stored entry by an expired token without a refresh token when it holds
    /// `revoked` (or is unreadable), so that no process adopts or refreshes a revoked token;
    /// the next renewal anywhere runs the grant. Store failures are logged and ignored: the
    /// revocation itself does not depend on the store.
    pub(in crate::client) async fn forget_revoked(&self, fleet: &Fleet, revoked: &Token) {
        let (store, key) = (&*fleet.store, &fleet.key);
        for _ in 0..3 {
            let stored = match store.get(key).await {
                Ok(Some(stored)) => stored,
                Ok(None) => return,
                Err(error) => {
                    tracing::warn!(vendor = self.spec.name, %error, "could not clear the revoked token from the store");
                    return;
                }
            };
            let same = |t: &Token| {
                t.same_access(revoked)
                    || t.refresh_token()
                        .zip(revoked.refresh_token())
                        .is_some_and(|(a, b)| a.expose_secret() == b.expose_secret())
            };
            if stored.token.as_ref().is_some_and(|t| !same(t)) {
                return; // another process stored another token meanwhile
            }
            let now = SystemTime::now();
            let gone = Token::from_parts(
                "revoked".to_owned(),
                crate::TokenScheme::Bearer,
                None,
                None,
                now - Duration::from_secs(2),
                now - Duration::from_secs(1),
                crate::LifetimeSource::Duration,
                Default::default(),
            );
            match store.put(key, &gone, stored.version).await {
                Ok(Some(_)) => return,
                Ok(None) => continue, // the version moved on: look again
                Err(error) => {
                    tracing::warn!(vendor = self.spec.name, %error, "could not clear the revoked token from the store");
                    return;
                }
            }
        }
    }

    /// A new token through the store; on a store failure, a renewal in this process alone.
    pub(super) async fn renew_shared(
        &self,
        session: &Session,
        fleet: &Fleet,
        current: Option<&Token>,
    ) -> Result<Token, Error> {
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
    pub(super) fn adoptable(
        &self,
        session: &Session,
        stored: Option<StoredToken>,
        current: Option<&Token>,
    ) -> Option<Token> {
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
}
