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
//! [`TokenStore`]: derive its keys with [`StoreKey::derive`] under a secret [`DigestKey`] (the
//! rule is on [`TokenStore::key`]), encode its values with [`codec`], and report failures
//! with a [`StoreError`] of the right [`StoreErrorKind`].

pub mod codec;
#[cfg(feature = "redis")]
mod crypto;
mod digest;
mod memory;
#[cfg(feature = "redis")]
mod redis;

use std::{
    error::Error as StdError,
    fmt,
    future::Future,
    hash::{Hash, Hasher},
    pin::Pin,
    sync::Arc,
    time::Duration,
};

pub use self::{digest::DigestKey, memory::MemoryStore};

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
    /// The key of the tokens described by `id`, computed once per client and token parameter
    /// set.
    ///
    /// The rule: two ids share a key only if they are the same in every part (vendor, token
    /// URL, every credential **secrets included**, token parameters), so that a client with a
    /// wrong password never reads the right one's tokens; and a key names no credential.
    /// Follow it with [`StoreKey::derive`] (HMAC-SHA256 under a [`DigestKey`]): under a
    /// secret key of the store's own, never a key anyone could recompute, since the digest
    /// covers the secrets; and under the same key in every process that must share tokens.
    ///
    /// ```
    /// use oauth_runtime::store::{DigestKey, KeyId, StoreKey};
    /// struct MyStore { digest_key: DigestKey }
    /// impl MyStore {
    ///     fn key(&self, id: &KeyId<'_>) -> StoreKey {
    ///         StoreKey::derive(&self.digest_key, id)
    ///     }
    /// }
    /// ```
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

/// A key in a [`TokenStore`], derived once per client and token parameter set, most often
/// with [`StoreKey::derive`].
///
/// Two keys are equal when their texts are; the token parameters a derived key carries (see
/// [`StoreKey::params`]) follow from its text.
#[derive(Clone)]
pub struct StoreKey {
    text: String,
    params: Option<TokenParams>,
}

impl StoreKey {
    /// A key with this text, carrying no token parameters.
    pub fn new(key: impl Into<String>) -> StoreKey {
        StoreKey { text: key.into(), params: None }
    }

    /// The key's text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The token parameters of the tokens under this key, for a key made by
    /// [`StoreKey::derive`]; `None` for [`StoreKey::new`]. Stores pass them to
    /// [`codec::encode`] so that an entry says which parameters its token was requested with.
    pub fn params(&self) -> Option<&TokenParams> {
        self.params.as_ref()
    }
}

impl PartialEq for StoreKey {
    fn eq(&self, other: &StoreKey) -> bool {
        self.text == other.text
    }
}

impl Eq for StoreKey {}

impl Hash for StoreKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.text.hash(state);
    }
}

impl fmt::Debug for StoreKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("StoreKey").field(&self.text).finish()
    }
}

/// What identifies a set of tokens: the vendor, its token endpoint, every credential (the
/// secret ones too: a client with another password is another identity) and the token
/// parameters. The runtime makes one for [`TokenStore::key`]; turn it into a key with
/// [`StoreKey::derive`] or [`KeyId::digest_with`].
///
/// It holds the secrets: its `Debug` shows only the vendor, the token URL, the credentials'
/// field names and the parameters.
pub struct KeyId<'a> {
    pub(crate) vendor: &'a str,
    pub(crate) token_url: std::borrow::Cow<'a, str>,
    /// Every credential, by field name, in the provider's field order.
    pub(crate) credentials: Vec<(&'a str, &'a str)>,
    pub(crate) params: &'a TokenParams,
}

impl KeyId<'_> {
    /// The vendor's name.
    pub fn vendor(&self) -> &str {
        self.vendor
    }

    /// The token parameters.
    pub fn params(&self) -> &TokenParams {
        self.params
    }
}

impl fmt::Debug for KeyId<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyId")
            .field("vendor", &self.vendor)
            .field("token_url", &self.token_url)
            .field("credentials", &self.credentials.iter().map(|(name, _)| *name).collect::<Vec<_>>())
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

/// What kind of failure a [`StoreError`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StoreErrorKind {
    /// The store cannot be reached: connection refused or reset, DNS, TLS.
    Unavailable,
    /// The store did not answer in time.
    Timeout,
    /// The store answered, but with an error or something this client does not expect (a
    /// script error, a wrong type, an authentication failure).
    Protocol,
    /// A value could not be encoded or decoded ([`codec`]).
    Codec,
    /// Anything else.
    Other,
}

impl fmt::Display for StoreErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            StoreErrorKind::Unavailable => "unavailable",
            StoreErrorKind::Timeout => "timeout",
            StoreErrorKind::Protocol => "protocol error",
            StoreErrorKind::Codec => "codec error",
            StoreErrorKind::Other => "error",
        })
    }
}

/// A store that could not be used: unreachable, timing out, or answering nonsense; see
/// [`StoreError::kind`]. Its message never holds a password or a token, nor does its
/// [`source`](std::error::Error::source), which the built-in stores attach only when its text
/// holds no secret.
///
/// For a store of your own:
///
/// ```
/// use oauth_runtime::store::{StoreError, StoreErrorKind};
/// let io = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
/// let error = StoreError::unavailable("my store at db.internal: cannot connect").with_source(io);
/// assert_eq!(error.kind(), StoreErrorKind::Unavailable);
/// assert!(std::error::Error::source(&error).is_some());
/// ```
#[derive(Clone, Debug)]
pub struct StoreError {
    kind: StoreErrorKind,
    message: String,
    source: Option<Arc<dyn StdError + Send + Sync + 'static>>,
}

impl StoreError {
    /// An error of kind [`StoreErrorKind::Other`] with this message (which must hold no
    /// secret).
    pub fn new(message: impl Into<String>) -> StoreError {
        StoreError::with_kind(StoreErrorKind::Other, message)
    }

    /// An error of `kind` with this message (which must hold no secret).
    pub fn with_kind(kind: StoreErrorKind, message: impl Into<String>) -> StoreError {
        StoreError { kind, message: message.into(), source: None }
    }

    /// [`StoreErrorKind::Unavailable`]: the store cannot be reached.
    pub fn unavailable(message: impl Into<String>) -> StoreError {
        StoreError::with_kind(StoreErrorKind::Unavailable, message)
    }

    /// [`StoreErrorKind::Timeout`]: the store did not answer in time.
    pub fn timeout(message: impl Into<String>) -> StoreError {
        StoreError::with_kind(StoreErrorKind::Timeout, message)
    }

    /// [`StoreErrorKind::Protocol`]: the store answered with an error or nonsense.
    pub fn protocol(message: impl Into<String>) -> StoreError {
        StoreError::with_kind(StoreErrorKind::Protocol, message)
    }

    /// [`StoreErrorKind::Codec`]: a value could not be encoded or decoded.
    pub fn codec(message: impl Into<String>) -> StoreError {
        StoreError::with_kind(StoreErrorKind::Codec, message)
    }

    /// The same error, caused by `source` (whose `Display` must hold no secret either).
    #[must_use]
    pub fn with_source(mut self, source: impl StdError + Send + Sync + 'static) -> StoreError {
        self.source = Some(Arc::new(source));
        self
    }

    /// What kind of failure this is.
    pub fn kind(&self) -> StoreErrorKind {
        self.kind
    }

    /// The message, without the kind.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl StdError for StoreError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source.as_deref().map(|s| s as &(dyn StdError + 'static))
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_errors_have_a_kind_and_a_source() {
        let plain = StoreError::new("x");
        assert_eq!((plain.kind(), plain.to_string()), (StoreErrorKind::Other, "x".to_owned()));
        assert!(plain.source().is_none());
        let timeout = StoreError::timeout("slow").with_source(std::io::Error::from(std::io::ErrorKind::TimedOut));
        assert_eq!(timeout.kind(), StoreErrorKind::Timeout);
        assert!(timeout.source().is_some_and(|s| s.is::<std::io::Error>()));
        for (error, kind) in [
            (StoreError::unavailable("a"), StoreErrorKind::Unavailable),
            (StoreError::protocol("a"), StoreErrorKind::Protocol),
            (StoreError::codec("a"), StoreErrorKind::Codec),
        ] {
            assert_eq!(error.kind(), kind);
        }
    }

    #[test]
    fn store_keys_compare_by_text() {
        let params = TokenParams::new().scope("s");
        let id = KeyId { vendor: "V", token_url: "https://h/t".into(), credentials: vec![("u", "p")], params: &params };
        let derived = StoreKey::derive(&DigestKey::from_bytes([7; 32]), &id);
        assert_eq!(derived.params(), Some(&params));
        assert_eq!(StoreKey::new(derived.as_str()), derived);
        assert!(!format!("{id:?}").contains("\"p\""), "KeyId's Debug shows no credential value");
    }

    #[test]
    fn lock_ttl_follows_the_policy() {
        let ttl = lock_ttl(Duration::from_secs(30), &RetryPolicy::default());
        assert_eq!(ttl, Duration::from_secs(421));
        assert_eq!(lock_ttl(Duration::from_secs(1), &RetryPolicy::NONE), Duration::from_secs(3));
    }
}
