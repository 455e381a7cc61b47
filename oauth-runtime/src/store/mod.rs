//! Token stores: where the tokens of a fleet of processes live, so that the fleet holds one
//! token per credential set and renews it once.
//!
//! The in-process cache stays the hot path: a call reads its token with one atomic load and
//! never touches a store. A store is consulted only when a renewal is due, inside the renewal
//! task of the cache (see [`ClientBuilder::store`](crate::ClientBuilder::store)):
//!
//! 1. read the store: another process may have renewed already; if its token is fresh, use it;
//! 2. take the store's lock for the key (an owner value and a short lease, [`LOCK_LEASE`]), or
//!    wait for its holder by polling the store, then read the holder's token; the holder
//!    extends its lease ([`TokenStore::extend`]) while it renews;
//! 3. with the lock held, read again (double-check), then renew with the refresh token found
//!    **in the store**, never a local copy that another process may have rotated away; an
//!    empty store means the grant, unless this process holds a token the store lost or never
//!    got (its own, which races nobody); a refresh token this process presented once (rotated
//!    away, rejected, or its answer lost) is never presented again;
//! 4. write with a compare-and-set on the version read in step 3, so that a holder whose lock
//!    expired while it was slow cannot overwrite a newer token (fencing); a store emptied
//!    meanwhile gets the token as a new entry, and a failed write leaves it with this process,
//!    which writes it at its next renewal; release the lock.
//!
//! A store that fails (unreachable, timing out) is logged at WARN and the renewal happens in
//! this process alone, with the process-local single flight; the next renewal tries the store
//! again.
//!
//! Stores: [`MemoryStore`] (several clients of one process) and, with the `redis` feature,
//! `RedisStore` (several processes or hosts, values encrypted). Write your own by implementing
//! [`TokenStore`].

#[cfg(feature = "redis")]
mod crypto;
mod memory;
#[cfg(feature = "redis")]
mod redis;

use std::{
    fmt,
    future::Future,
    pin::Pin,
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

pub use memory::MemoryStore;

#[cfg(feature = "redis")]
pub use self::{
    crypto::EncryptionKey,
    redis::{RedisStore, RedisStoreBuilder},
};
use crate::{RetryPolicy, Token, TokenParams};

/// The future a [`TokenStore`] method returns.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// Shared storage for tokens, with a lock per key; see the [module docs](self) for how the
/// runtime uses it.
///
/// Every method may fail with a [`StoreError`]; the runtime then renews in its own process.
/// An entry that exists but cannot be read (corrupted, encrypted under an unknown key) is
/// not an error: [`TokenStore::get`] returns it with `token: None` and its version, logging
/// why at WARN, so that the next write replaces it.
pub trait TokenStore: Send + Sync + fmt::Debug + 'static {
    /// The key of the tokens described by `id`. Stores that leave the process must derive it
    /// with a cryptographic hash ([`KeyId::digest`]), so that it holds no credential.
    fn key(&self, id: &KeyId<'_>) -> StoreKey;

    /// The entry under `key`, or `None` if there is none.
    fn get<'a>(&'a self, key: &'a StoreKey) -> StoreFuture<'a, Option<StoredToken>>;

    /// Writes `token` under `key` if the entry's version is still `expected` (0: no entry),
    /// and returns the new version; `None` if the version moved on (nothing written).
    fn put<'a>(&'a self, key: &'a StoreKey, token: &'a Token, expected: u64) -> StoreFuture<'a, Option<u64>>;

    /// Takes the lock of `key` for at most `ttl` (a lease, which its holder extends with
    /// [`TokenStore::extend`] while it renews), or returns `None` if another owner holds it.
    ///
    /// The owner value is chosen once per call, before the first attempt: a store that sends
    /// its command again after a lost reply must recognise the lock it finds under its own
    /// owner value as taken by this call (it is, by the attempt whose reply was lost), never
    /// as someone else's, or the caller would wait out its own lease.
    fn lock<'a>(&'a self, key: &'a StoreKey, ttl: Duration) -> StoreFuture<'a, Option<LockId>>;

    /// Extends the lock of `key` to expire `ttl` from now if `lock` still owns it (compare,
    /// then set the expiry, atomically); `false` if it expired or belongs to another owner,
    /// whose lock is left as it is.
    ///
    /// The runtime holds a short lease and extends it while its renewal runs, so that a holder
    /// that dies (killed mid-renewal) blocks the fleet for one lease at most, never for the
    /// longest renewal. A holder whose extension fails carries on: its write is still fenced
    /// by the version compare-and-set of [`TokenStore::put`].
    fn extend<'a>(&'a self, key: &'a StoreKey, lock: &'a LockId, ttl: Duration) -> StoreFuture<'a, bool>;

    /// Releases the lock of `key` if `lock` still owns it; `false` if it had expired (and may
    /// now belong to another owner, whose lock stays).
    fn unlock<'a>(&'a self, key: &'a StoreKey, lock: &'a LockId) -> StoreFuture<'a, bool>;
}

/// A key in a [`TokenStore`], derived once per client and token parameter set.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct StoreKey(String);

impl StoreKey {
    /// A key with this text.
    pub fn new(key: impl Into<String>) -> StoreKey {
        StoreKey(key.into())
    }

    /// The key's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for StoreKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("StoreKey").field(&self.0).finish()
    }
}

/// What identifies a set of tokens: the vendor, its token endpoint, the credentials that are
/// not secret (client id, user name, fixed parameters) and the token parameters. Secrets are
/// left out: two clients that differ only by a secret share tokens, and no hash of a password
/// is ever written anywhere.
pub struct KeyId<'a> {
    pub(crate) vendor: &'a str,
    pub(crate) token_url: &'a str,
    pub(crate) public: Vec<(&'a str, &'a str)>,
    pub(crate) params: &'a TokenParams,
}

impl KeyId<'_> {
    /// The identity as one unambiguous string (each part length-prefixed). It holds the
    /// client id and user name in clear: for keys that stay in the process.
    pub fn canonical(&self) -> String {
        let mut out = String::from("oauth-vendors/token-key/v1");
        let mut part = |s: &str| {
            out.push('|');
            out.push_str(&s.len().to_string());
            out.push(':');
            out.push_str(s);
        };
        part(self.vendor);
        part(self.token_url);
        for (name, value) in &self.public {
            part(name);
            part(value);
        }
        for (name, value) in self.params.pairs() {
            part(name);
            part(value);
        }
        out
    }

    /// SHA-256 of [`KeyId::canonical`], in lower-case hex: a key that names no credential.
    #[cfg(feature = "redis")]
    pub fn digest(&self) -> String {
        use sha2::Digest as _;
        let hash = sha2::Sha256::digest(self.canonical().as_bytes());
        hash.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The vendor's name.
    pub fn vendor(&self) -> &str {
        self.vendor
    }
}

impl fmt::Debug for KeyId<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyId")
            .field("vendor", &self.vendor)
            .field("token_url", &self.token_url)
            .field("public", &self.public)
            .field("params", self.params)
            .finish()
    }
}

/// An entry of a [`TokenStore`]: its version (incremented by every write) and its token.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct StoredToken {
    /// The entry's version, at least 1.
    pub version: u64,
    /// The token; `None` if the entry could not be read (corrupted, or encrypted under a key
    /// this store does not have).
    pub token: Option<Token>,
}

impl StoredToken {
    /// An entry of `version` holding `token`.
    pub fn new(version: u64, token: Option<Token>) -> StoredToken {
        StoredToken { version, token }
    }
}

/// Proof of owning a store lock: an owner value unique to one acquisition.
#[derive(Clone, PartialEq, Eq)]
pub struct LockId(String);

impl LockId {
    /// A lock owned under `owner`, which must be unique to this acquisition.
    pub fn new(owner: impl Into<String>) -> LockId {
        LockId(owner.into())
    }

    /// The owner value.
    pub fn owner(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for LockId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("LockId").field(&self.0).finish()
    }
}

/// A store that could not be used: unreachable, timing out, or answering nonsense. The
/// message never holds a password or a token.
#[derive(Clone, Debug)]
pub struct StoreError(String);

impl StoreError {
    /// An error with this message (which must hold no secret).
    pub fn new(message: impl Into<String>) -> StoreError {
        StoreError(message.into())
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StoreError {}

/// The store lock's lease: a holder that dies is replaced within this; a live one extends it
/// every third of it while its renewal runs ([`TokenStore::extend`]). Five seconds: several
/// times a store's usual response timeout (the Redis store's default is 2 s), so that one
/// slow extension does not lose a live holder's lock.
pub const LOCK_LEASE: Duration = Duration::from_secs(5);

/// An upper bound on one renewal: how long a process waits at most for another one's renewal
/// (twice this) before giving up. The lock itself is a short lease ([`LOCK_LEASE`] at most,
/// this when shorter) that the live holder extends while it renews, so that a holder killed
/// mid-renewal blocks the fleet for one lease, not for this.
///
/// A renewal is at most two token requests (a refresh, then the grant if the refresh is
/// rejected); a request is at most `max_retries + 1` attempts of `timeout` each, with a pause
/// before each retry of at most twice `max_delay` (backoff with jitter) or `max_retry_after`,
/// whichever is longer. One second is added for the store's own round trips:
///
/// `ttl = 2 × ((max_retries + 1) × timeout + max_retries × max(2 × max_delay, max_retry_after)) + 1 s`
///
/// With the defaults (30 s timeout, 3 retries, 5 s backoff, 30 s `Retry-After`) that is
/// 421 s; with a 2 s timeout and 1 retry of at most 100 ms backoff and `Retry-After`, 9.4 s.
///
/// ```
/// use std::time::Duration;
/// use oauth_runtime::{RetryPolicy, store::lock_ttl};
/// let policy = RetryPolicy::new()
///     .with_max_retries(1)
///     .with_max_delay(Duration::from_millis(100))
///     .with_max_retry_after(Duration::from_millis(100));
/// assert_eq!(lock_ttl(Duration::from_secs(2), &policy), Duration::from_millis(9_400));
/// ```
pub fn lock_ttl(timeout: Duration, retry: &RetryPolicy) -> Duration {
    let retries = u32::try_from(retry.max_retries).unwrap_or(u32::MAX);
    let pause = (retry.max_delay.saturating_mul(2)).max(retry.max_retry_after);
    let request = timeout.saturating_mul(retries.saturating_add(1)).saturating_add(pause.saturating_mul(retries));
    request.saturating_mul(2).saturating_add(Duration::from_secs(1))
}

/// A token as stored: every field, instants in Unix milliseconds.
#[derive(Serialize, Deserialize)]
struct Wire {
    access: String,
    token_type: String,
    /// The vendor's own word for the type, when it sent one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sent_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    refresh: Option<String>,
    expires_at_ms: u64,
    issued_at_ms: u64,
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    extra: Map<String, Value>,
}

fn unix_ms(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// The token as JSON, in memory zeroed on drop.
#[cfg_attr(not(feature = "redis"), allow(dead_code))]
pub(crate) fn encode(token: &Token) -> zeroize::Zeroizing<Vec<u8>> {
    let wire = Wire {
        access: token.access_token().expose_secret().to_owned(),
        token_type: token.token_type().to_owned(),
        sent_type: token.token_type_sent().map(str::to_owned),
        refresh: token.refresh_token().map(|r| r.expose_secret().to_owned()),
        expires_at_ms: unix_ms(token.expires_at()),
        issued_at_ms: unix_ms(token.issued_at()),
        extra: token.extra().clone(),
    };
    let bytes = serde_json::to_vec(&wire).unwrap_or_default();
    // The strings copied into `wire` are secrets too.
    let Wire { access, refresh, .. } = wire;
    drop(zeroize::Zeroizing::new(access));
    drop(refresh.map(zeroize::Zeroizing::new));
    zeroize::Zeroizing::new(bytes)
}

/// The token [`encode`] wrote, or `None`.
#[cfg_attr(not(feature = "redis"), allow(dead_code))]
pub(crate) fn decode(bytes: &[u8]) -> Option<Token> {
    let wire: Wire = serde_json::from_slice(bytes).ok()?;
    let at = |ms: u64| UNIX_EPOCH + Duration::from_millis(ms);
    Some(Token::from_parts(
        wire.access,
        crate::TokenScheme::for_token_type(Some(&wire.token_type)),
        wire.sent_type,
        wire.refresh,
        at(wire.issued_at_ms),
        at(wire.expires_at_ms),
        // What another process read, kept as the instant it computed.
        crate::LifetimeSource::Instant,
        wire.extra,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip() {
        let mut extra = Map::new();
        extra.insert("userName".into(), Value::from("ann"));
        let at = UNIX_EPOCH + Duration::from_millis(1_900_000_000_123);
        let token = Token::from_parts(
            "acc".into(),
            crate::TokenScheme::Bearer,
            Some("BearerToken".into()),
            Some("ref".into()),
            at,
            at,
            crate::LifetimeSource::Duration,
            extra,
        );
        let back = decode(&encode(&token)).unwrap();
        assert_eq!(back.access_token().expose_secret(), "acc");
        assert_eq!(back.refresh_token().unwrap().expose_secret(), "ref");
        assert_eq!((back.token_type(), back.expires_at(), back.issued_at()), ("Bearer", at, at));
        assert_eq!(back.token_type_sent(), Some("BearerToken"));
        assert_eq!(back.field("userName"), Some(&Value::from("ann")));
        assert!(decode(b"{\"access\":1}").is_none());
    }

    #[test]
    fn canonical_ids_are_unambiguous() {
        let params = TokenParams::new().scope("a b");
        let id = |public| KeyId { vendor: "V", token_url: "https://h/t", public, params: &params };
        let one = id(vec![("client_id", "a|b"), ("username", "c")]).canonical();
        let two = id(vec![("client_id", "a"), ("username", "b|c")]).canonical();
        assert_ne!(one, two);
        assert!(one.contains("5:scope") || one.contains("|5:scope"), "{one}");
    }

    #[test]
    fn lock_ttl_follows_the_policy() {
        let ttl = lock_ttl(Duration::from_secs(30), &RetryPolicy::default());
        assert_eq!(ttl, Duration::from_secs(421));
        assert_eq!(lock_ttl(Duration::from_secs(1), &RetryPolicy::NONE), Duration::from_secs(3));
    }
}
