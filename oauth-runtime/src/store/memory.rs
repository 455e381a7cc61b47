//! The in-process store: several clients of one process sharing tokens.

use std::{
    collections::HashMap,
    fmt,
    sync::{
        Arc, Mutex, PoisonError,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use super::{DigestKey, KeyId, LockId, StoreFuture, StoreKey, StoredToken, TokenStore};
use crate::Token;

/// A [`TokenStore`] in this process's memory: clients built with clones of one `MemoryStore`
/// share their tokens and renew once between them, as processes sharing a Redis store do.
///
/// Without a store (the default), each client keeps its tokens to itself; that is the usual
/// choice within one process, where one client (cheap to clone) serves every task. A
/// `MemoryStore` is for the case of several clients for the same credentials, built apart
/// (by different libraries, say), and for testing the fleet protocol without Redis.
///
/// Keys bind every credential, secrets included ([`StoreKey::derive`]): a client holding a
/// wrong password never reads the right one's token. They are digests under a random
/// [`DigestKey`] each store makes for itself (its clones share it), so that no password, nor
/// a hash anyone could recompute, sits in memory as a key.
///
/// ```
/// use oauth_runtime::store::MemoryStore;
/// let store = MemoryStore::new();
/// let shared = store.clone(); // the same entries
/// # let _ = shared;
/// ```
#[derive(Clone)]
pub struct MemoryStore {
    entries: Arc<Mutex<HashMap<StoreKey, Slot>>>,
    owners: Arc<AtomicU64>,
    digest_key: Arc<DigestKey>,
}

impl Default for MemoryStore {
    fn default() -> MemoryStore {
        MemoryStore { entries: Arc::default(), owners: Arc::default(), digest_key: Arc::new(DigestKey::generate()) }
    }
}

#[derive(Default)]
struct Slot {
    version: u64,
    token: Option<Token>,
    lock: Option<(u64, Instant)>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }

    fn with<R>(&self, f: impl FnOnce(&mut HashMap<StoreKey, Slot>) -> R) -> R {
        f(&mut self.entries.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

impl fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryStore").field("entries", &self.with(|e| e.len())).finish()
    }
}

impl TokenStore for MemoryStore {
    fn key(&self, id: &KeyId<'_>) -> StoreKey {
        StoreKey::derive(&self.digest_key, id)
    }

    fn get<'a>(&'a self, key: &'a StoreKey) -> StoreFuture<'a, Option<StoredToken>> {
        let found =
            self.with(|e| e.get(key).filter(|s| s.version > 0).map(|s| StoredToken::new(s.version, s.token.clone())));
        Box::pin(async move { Ok(found) })
    }

    fn put<'a>(&'a self, key: &'a StoreKey, token: &'a Token, expected: u64) -> StoreFuture<'a, Option<u64>> {
        let written = self.with(|e| {
            let slot = e.entry(key.clone()).or_default();
            (slot.version == expected).then(|| {
                slot.version += 1;
                slot.token = Some(token.clone());
                slot.version
            })
        });
        Box::pin(async move { Ok(written) })
    }

    fn lock<'a>(&'a self, key: &'a StoreKey, ttl: Duration) -> StoreFuture<'a, Option<LockId>> {
        let owner = self.owners.fetch_add(1, Ordering::Relaxed) + 1;
        let now = Instant::now();
        let taken = self.with(|e| {
            let slot = e.entry(key.clone()).or_default();
            match slot.lock {
                Some((_, until)) if now < until => None,
                _ => {
                    slot.lock = Some((owner, now + ttl));
                    Some(LockId::new(owner.to_string()))
                }
            }
        });
        Box::pin(async move { Ok(taken) })
    }

    fn extend<'a>(&'a self, key: &'a StoreKey, lock: &'a LockId, ttl: Duration) -> StoreFuture<'a, bool> {
        let now = Instant::now();
        let extended = self.with(|e| match e.get_mut(key).and_then(|slot| slot.lock.as_mut()) {
            Some((owner, until)) if now < *until && owner.to_string() == lock.owner() => {
                *until = now + ttl;
                true
            }
            _ => false,
        });
        Box::pin(async move { Ok(extended) })
    }

    fn unlock<'a>(&'a self, key: &'a StoreKey, lock: &'a LockId) -> StoreFuture<'a, bool> {
        let now = Instant::now();
        let released = self.with(|e| match e.get_mut(key) {
            Some(slot) => match slot.lock {
                Some((owner, until)) if now < until && owner.to_string() == lock.owner() => {
                    slot.lock = None;
                    true
                }
                _ => false,
            },
            None => false,
        });
        Box::pin(async move { Ok(released) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run<T>(f: StoreFuture<'_, T>) -> T {
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        rt.block_on(f).unwrap()
    }

    #[test]
    fn writes_are_compare_and_set() {
        let store = MemoryStore::new();
        let key = StoreKey::new("k");
        assert!(run(store.get(&key)).is_none());
        assert_eq!(run(store.put(&key, &Token::new("a"), 0)), Some(1));
        assert_eq!(run(store.put(&key, &Token::new("stale"), 0)), None, "fenced: version 1 is stored");
        assert_eq!(run(store.put(&key, &Token::new("b"), 1)), Some(2));
        let got = run(store.get(&key)).unwrap();
        assert_eq!((got.version, got.token.unwrap().access_token().expose_secret()), (2, "b"));
    }

    #[test]
    fn locks_are_exclusive_expire_and_are_released_by_their_owner_only() {
        let store = MemoryStore::new();
        let key = StoreKey::new("k");
        let first = run(store.lock(&key, Duration::from_millis(50))).unwrap();
        assert!(run(store.lock(&key, Duration::from_secs(1))).is_none(), "held");
        assert!(!run(store.unlock(&key, &LockId::new("someone else"))));
        assert!(run(store.lock(&key, Duration::from_secs(1))).is_none(), "still held");
        std::thread::sleep(Duration::from_millis(60));
        let second = run(store.lock(&key, Duration::from_secs(1))).expect("the expired lock is taken over");
        assert!(!run(store.unlock(&key, &first)), "the first owner's lock expired: it releases nothing");
        assert!(run(store.lock(&key, Duration::from_secs(1))).is_none(), "the second owner still holds it");
        assert!(run(store.unlock(&key, &second)));
        assert!(run(store.lock(&key, Duration::from_secs(1))).is_some());
    }

    #[test]
    fn only_the_owner_extends_a_lock_and_only_before_it_expires() {
        let store = MemoryStore::new();
        let key = StoreKey::new("k");
        let lock = run(store.lock(&key, Duration::from_millis(40))).unwrap();
        assert!(!run(store.extend(&key, &LockId::new("someone else"), Duration::from_secs(1))));
        assert!(run(store.extend(&key, &lock, Duration::from_millis(200))));
        std::thread::sleep(Duration::from_millis(60));
        assert!(run(store.lock(&key, Duration::from_secs(1))).is_none(), "extended past its first expiry");
        assert!(run(store.extend(&key, &lock, Duration::from_millis(10))));
        std::thread::sleep(Duration::from_millis(20));
        assert!(!run(store.extend(&key, &lock, Duration::from_secs(1))), "expired: nothing to extend");
        let other = run(store.lock(&key, Duration::from_secs(1))).expect("taken over");
        assert!(!run(store.extend(&key, &lock, Duration::from_secs(1))), "another owner's lock stays");
        assert!(run(store.unlock(&key, &other)));
    }
}
