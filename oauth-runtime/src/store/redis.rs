//! The Redis (or Valkey) store: one token per key for a whole fleet, encrypted at rest.
//!
//! Layout, for a prefix `p` and a key digest `h` (HMAC-SHA256 of the key's identity, secrets
//! included, under the store's [`DigestKey`]; see [`StoreKey::derive`]):
//!
//! - `p:token:h`, a hash: `v` the version (an integer), `d` the sealed token
//!   ([`crypto`](super::crypto)) of the [`codec`](super::codec) encoding; it expires `retention` after the access token;
//! - `p:lock:h`, a string: the lock owner's random value, set with `SET NX PX`.
//!
//! Reads, compare-and-set writes and releases are Lua scripts, each atomic on the server.

use std::{fmt, sync::Arc, time::Duration};

use chacha20poly1305::aead::{OsRng, rand_core::RngCore};
use redis::{
    Script,
    aio::{ConnectionManager, ConnectionManagerConfig},
};
use tokio::sync::Mutex;
use url::Url;

use super::{
    DigestKey, KeyId, LockId, StoreError, StoreErrorKind, StoreFuture, StoreKey, StoredToken, TokenStore, codec,
    crypto::{self, EncryptionKey},
};
use crate::{Error, Token};

/// The entry as `{version, sealed}`; nil when there is none. Anything that is not a hash
/// reads as an unreadable entry of version 0, which the next write replaces.
const GET: &str = r"
local kind = redis.call('TYPE', KEYS[1])['ok']
if kind == 'none' then return false end
if kind ~= 'hash' then return {0, ''} end
local entry = redis.call('HMGET', KEYS[1], 'v', 'd')
return {tonumber(entry[1]) or 0, entry[2] or ''}
";

/// Writes `{v = ARGV[2], d = ARGV[3]}` with a lifetime of ARGV[4] ms if the version is still
/// ARGV[1] (0: no entry); returns the new version, or -1 if the version moved on.
const PUT: &str = r"
local kind = redis.call('TYPE', KEYS[1])['ok']
local current = 0
if kind == 'hash' then current = tonumber(redis.call('HGET', KEYS[1], 'v')) or 0 end
if current ~= tonumber(ARGV[1]) then return -1 end
if kind ~= 'hash' and kind ~= 'none' then redis.call('DEL', KEYS[1]) end
redis.call('HSET', KEYS[1], 'v', ARGV[2], 'd', ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return tonumber(ARGV[2])
";

/// Deletes the lock only if ARGV[1] still owns it.
const UNLOCK: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
";

/// Sets the lock's expiry to ARGV[2] ms only if ARGV[1] still owns it.
const EXTEND: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
";

/// A [`TokenStore`] on Redis or Valkey, for processes on any number of hosts.
///
/// Keys are HMAC-SHA256 digests of the key's identity, every credential included
/// ([`StoreKey::derive`]), under a [`DigestKey`] derived from your [`EncryptionKey`] (or one
/// you pin: see [`EncryptionKey`] for rotation), and a prefix: a client with a wrong password
/// never finds the right one's token, and whoever reads the keys cannot tell whose tokens
/// they are. Values are sealed with XChaCha20-Poly1305 under your [`EncryptionKey`], bound to
/// their key and version. `rediss://` URLs connect over TLS (rustls, the system's root certificates). A
/// password in the URL never shows in `Debug` or in errors.
///
/// The connection is made on first use and re-made after a failure by itself; while Redis is
/// unreachable, clients renew in their own process (logged at WARN) and no call fails.
/// Clones share one connection.
///
/// ```no_run
/// # fn demo<P: oauth_runtime::Provider>(credentials: P) -> Result<(), oauth_runtime::Error> {
/// use oauth_runtime::{Client, store::{EncryptionKey, RedisStore}};
/// let key = EncryptionKey::from_base64(&std::env::var("TOKEN_STORE_KEY").unwrap_or_default())?;
/// let store = RedisStore::new("rediss://:password@redis.internal:6380/0", key)?;
/// let client = Client::builder(credentials).base_url("https://api.example.com").store(store).build()?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct RedisStore {
    inner: Arc<Inner>,
}

struct Inner {
    client: redis::Client,
    redacted_url: String,
    password: Option<String>,
    connection: Mutex<Option<ConnectionManager>>,
    /// The first key seals; all of them open.
    keys: Vec<EncryptionKey>,
    /// Names the entries ([`StoreKey::derive`]).
    digest_key: DigestKey,
    prefix: String,
    retention: Duration,
    connect_timeout: Duration,
    response_timeout: Duration,
    get: Script,
    put: Script,
    extend: Script,
    unlock: Script,
}

/// Configuration of a [`RedisStore`].
#[must_use]
pub struct RedisStoreBuilder {
    url: String,
    /// The first key seals; all of them open.
    keys: Vec<EncryptionKey>,
    /// Whether `previous_key` or `next_key` was given: a rotation, which needs `digest_key`.
    rotating: bool,
    digest_key: Option<DigestKey>,
    prefix: String,
    retention: Duration,
    connect_timeout: Duration,
    response_timeout: Duration,
}

impl RedisStore {
    /// A store on the Redis at `url` (`redis://`, or `rediss://` for TLS) with the default
    /// settings; see [`RedisStoreBuilder`].
    ///
    /// # Errors
    ///
    /// [`Error::Config`] for a URL that is not a Redis URL (the message redacts its password).
    pub fn new(url: &str, key: EncryptionKey) -> Result<RedisStore, Error> {
        RedisStoreBuilder::new(url, key).build()
    }

    /// Starts configuring a store; see [`RedisStoreBuilder::new`].
    pub fn builder(url: &str, key: EncryptionKey) -> RedisStoreBuilder {
        RedisStoreBuilder::new(url, key)
    }

    fn storage_key(&self, key: &StoreKey) -> String {
        format!("{}:token:{}", self.inner.prefix, key.as_str())
    }

    fn lock_key(&self, key: &StoreKey) -> String {
        format!("{}:lock:{}", self.inner.prefix, key.as_str())
    }

    /// The connection, made now if there is none yet.
    async fn connection(&self) -> Result<ConnectionManager, StoreError> {
        let mut slot = self.inner.connection.lock().await;
        if let Some(connection) = &*slot {
            return Ok(connection.clone());
        }
        // No retries inside the manager. In redis 0.32 its backoff (backon's) starts at a fixed
        // 1 s, whatever `set_factor` says (a growth factor, not a unit) and `set_max_delay`
        // (which never shortens that first pause): with retries, a refused connection cost
        // each renewal seconds before it went local. `run` re-sends once on a fresh connection
        // after a dropped one, and the next renewal connects afresh, which is all the
        // retrying a store that is only ever a shortcut needs.
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(self.inner.connect_timeout)
            .set_response_timeout(self.inner.response_timeout)
            .set_number_of_retries(0);
        let connect = ConnectionManager::new_with_config(self.inner.client.clone(), config);
        let connection = match tokio::time::timeout(self.inner.connect_timeout * 2, connect).await {
            Ok(Ok(connection)) => connection,
            Ok(Err(error)) => return Err(self.error("cannot connect", error)),
            Err(_) => {
                return Err(StoreError::timeout(format!(
                    "cannot connect to Redis at {}: no connection within {:?}",
                    self.inner.redacted_url, self.inner.connect_timeout
                )));
            }
        };
        *slot = Some(connection.clone());
        Ok(connection)
    }

    /// A store error for `error`, with the URL's password masked wherever it appears. The
    /// redis error is its source only if its text holds no password (masking changed nothing).
    fn error(&self, doing: &str, error: redis::RedisError) -> StoreError {
        let text = error.to_string();
        let mut redacted = text.clone();
        if let Some(password) = self.inner.password.as_deref().filter(|p| !p.is_empty()) {
            redacted = redacted.replace(password, "[REDACTED]");
            if let Ok(decoded) = percent_encoding::percent_decode_str(password).decode_utf8() {
                redacted = redacted.replace(decoded.as_ref(), "[REDACTED]");
            }
        }
        let kind = if error.is_timeout() {
            StoreErrorKind::Timeout
        } else if error.is_connection_refusal() || error.is_connection_dropped() || error.is_io_error() {
            StoreErrorKind::Unavailable
        } else {
            StoreErrorKind::Protocol
        };
        let store_error =
            StoreError::with_kind(kind, format!("Redis at {}: {doing}: {redacted}", self.inner.redacted_url));
        if redacted == text { store_error.with_source(error) } else { store_error }
    }

    /// Runs `op` on the connection, bounded by the response timeout. A command that met a
    /// dropped connection (Redis restarted, a proxy closed it) is sent once more on a new
    /// connection; after a timeout, the next command connects afresh.
    async fn run<T, F, Fut>(&self, doing: &str, op: F) -> Result<T, StoreError>
    where
        F: Fn(ConnectionManager) -> Fut,
        Fut: std::future::Future<Output = redis::RedisResult<T>>,
    {
        let mut retried = false;
        loop {
            let connection = self.connection().await?;
            let error = match tokio::time::timeout(self.inner.response_timeout, op(connection)).await {
                Ok(Ok(value)) => return Ok(value),
                Ok(Err(error)) if error.is_connection_dropped() || error.is_io_error() => {
                    self.inner.connection.lock().await.take();
                    if !retried {
                        retried = true;
                        continue;
                    }
                    self.error(doing, error)
                }
                Ok(Err(error)) => return Err(self.error(doing, error)),
                Err(_) => {
                    // The manager may be stuck in its own reconnection backoff: the next
                    // command starts a connection afresh.
                    self.inner.connection.lock().await.take();
                    StoreError::timeout(format!(
                        "Redis at {}: {doing}: no answer within {:?}",
                        self.inner.redacted_url, self.inner.response_timeout
                    ))
                }
            };
            return Err(error);
        }
    }

    async fn read(&self, key: &StoreKey) -> Result<Option<StoredToken>, StoreError> {
        let storage_key = &self.storage_key(key);
        let script = &self.inner.get;
        let found: Option<(u64, Vec<u8>)> =
            self.run("read", |mut c| async move { script.key(storage_key).invoke_async(&mut c).await }).await?;
        let Some((version, sealed)) = found else { return Ok(None) };
        let token = match crypto::open(&self.inner.keys, storage_key, version, &sealed) {
            Ok(plain) => match codec::decode(&plain) {
                Ok(decoded) => Some(decoded.token),
                Err(why) => {
                    tracing::warn!(key = %storage_key, reason = %why, "the stored token does not parse; treating it as absent");
                    None
                }
            },
            Err(why) => {
                tracing::warn!(key = %storage_key, reason = %why, "the stored token cannot be read; treating it as absent");
                None
            }
        };
        Ok(Some(StoredToken::new(version, token)))
    }

    async fn write(&self, key: &StoreKey, token: &Token, expected: u64) -> Result<Option<u64>, StoreError> {
        let storage_key = &self.storage_key(key);
        let version = expected + 1;
        let sealed = &crypto::seal(&self.inner.keys[0], storage_key, version, &codec::encode(token, key.params()));
        let keep = token.expires_in().saturating_add(self.inner.retention);
        let keep_ms = u64::try_from(keep.as_millis()).unwrap_or(u64::MAX).max(1);
        let script = &self.inner.put;
        let written: i64 = self
            .run("write", |mut c| async move {
                script.key(storage_key).arg(expected).arg(version).arg(sealed).arg(keep_ms).invoke_async(&mut c).await
            })
            .await?;
        Ok((written > 0).then_some(version))
    }

    async fn acquire(&self, key: &StoreKey, ttl: Duration) -> Result<Option<LockId>, StoreError> {
        // Chosen once, before the first attempt: `run` sends `SET NX` again after a dropped
        // connection, and the first attempt may have set the lock before its reply was lost.
        let mut owner = [0u8; 16];
        OsRng.fill_bytes(&mut owner);
        let owner: String = owner.iter().map(|b| format!("{b:02x}")).collect();
        let (lock_key, value) = (&self.lock_key(key), &owner);
        let ttl_ms = millis(ttl);
        let set: Option<String> = self
            .run("lock", |mut c| async move {
                redis::cmd("SET").arg(lock_key).arg(value).arg("NX").arg("PX").arg(ttl_ms).query_async(&mut c).await
            })
            .await?;
        if set.is_some() {
            return Ok(Some(LockId::new(owner)));
        }
        // Held: by another owner, or by this call's own earlier attempt whose reply was lost.
        let holder: Option<String> =
            self.run("lock", |mut c| async move { redis::cmd("GET").arg(lock_key).query_async(&mut c).await }).await?;
        Ok((holder.as_deref() == Some(owner.as_str())).then(|| LockId::new(owner)))
    }

    async fn prolong(&self, key: &StoreKey, lock: &LockId, ttl: Duration) -> Result<bool, StoreError> {
        let lock_key = &self.lock_key(key);
        let script = &self.inner.extend;
        let ttl_ms = millis(ttl);
        let extended: i64 = self
            .run("extend the lock", |mut c| async move {
                script.key(lock_key).arg(lock.owner()).arg(ttl_ms).invoke_async(&mut c).await
            })
            .await?;
        Ok(extended == 1)
    }

    async fn release(&self, key: &StoreKey, lock: &LockId) -> Result<bool, StoreError> {
        let lock_key = &self.lock_key(key);
        let script = &self.inner.unlock;
        let deleted: i64 = self
            .run("unlock", |mut c| async move { script.key(lock_key).arg(lock.owner()).invoke_async(&mut c).await })
            .await?;
        Ok(deleted == 1)
    }

    /// Deletes nothing and reads nothing: checks that Redis answers (`PING`), connecting if
    /// needed. For readiness probes.
    ///
    /// # Errors
    ///
    /// The store error (unreachable, timing out), with the URL's password redacted.
    pub async fn ping(&self) -> Result<(), StoreError> {
        let _: String = self.run("ping", |mut c| async move { redis::cmd("PING").query_async(&mut c).await }).await?;
        Ok(())
    }
}

impl TokenStore for RedisStore {
    fn key(&self, id: &KeyId<'_>) -> StoreKey {
        StoreKey::derive(&self.inner.digest_key, id)
    }

    fn get<'a>(&'a self, key: &'a StoreKey) -> StoreFuture<'a, Option<StoredToken>> {
        Box::pin(self.read(key))
    }

    fn put<'a>(&'a self, key: &'a StoreKey, token: &'a Token, expected: u64) -> StoreFuture<'a, Option<u64>> {
        Box::pin(self.write(key, token, expected))
    }

    fn lock<'a>(&'a self, key: &'a StoreKey, ttl: Duration) -> StoreFuture<'a, Option<LockId>> {
        Box::pin(self.acquire(key, ttl))
    }

    fn extend<'a>(&'a self, key: &'a StoreKey, lock: &'a LockId, ttl: Duration) -> StoreFuture<'a, bool> {
        Box::pin(self.prolong(key, lock, ttl))
    }

    fn unlock<'a>(&'a self, key: &'a StoreKey, lock: &'a LockId) -> StoreFuture<'a, bool> {
        Box::pin(self.release(key, lock))
    }
}

/// `ttl` in whole milliseconds, at least 1 (`PX 0` is an error).
fn millis(ttl: Duration) -> u64 {
    u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1)
}

impl fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisStore")
            .field("url", &self.inner.redacted_url)
            .field("prefix", &self.inner.prefix)
            .field("keys", &self.inner.keys)
            .finish_non_exhaustive()
    }
}

impl RedisStoreBuilder {
    /// A store on the Redis at `url`, sealing tokens with `key`.
    ///
    /// `url` is `redis://[[user]:password@]host[:port][/db]`, or `rediss://` for TLS. Defaults:
    /// prefix `oauth-vendors`, 2 s to connect, 2 s per command, entries kept 1 day past their
    /// access token's expiry.
    pub fn new(url: &str, key: EncryptionKey) -> RedisStoreBuilder {
        RedisStoreBuilder {
            url: url.to_owned(),
            keys: vec![key],
            rotating: false,
            digest_key: None,
            prefix: "oauth-vendors".to_owned(),
            retention: Duration::from_secs(24 * 60 * 60),
            connect_timeout: Duration::from_secs(2),
            response_timeout: Duration::from_secs(2),
        }
    }

    /// A former key, to read entries written before a key rotation: phase 2 of a rotation
    /// (see [`EncryptionKey`]). Never used to seal. Needs a pinned
    /// [`digest_key`](Self::digest_key).
    pub fn previous_key(mut self, key: EncryptionKey) -> Self {
        self.keys.push(key);
        self.rotating = true;
        self
    }

    /// The key a rotation is moving to, read-only: entries sealed under it open, nothing is
    /// sealed with it. Phase 1 of a rotation (see [`EncryptionKey`]): once every replica can
    /// read the new key, the next deploy may seal with it. Needs a pinned
    /// [`digest_key`](Self::digest_key).
    ///
    /// ```
    /// use oauth_runtime::store::{DigestKey, EncryptionKey, RedisStore};
    /// # fn main() -> Result<(), oauth_runtime::Error> {
    /// let (old, new) = (EncryptionKey::generate(), EncryptionKey::generate());
    /// let store = RedisStore::builder("redis://127.0.0.1/0", old.clone())
    ///     .next_key(new)
    ///     .digest_key(DigestKey::derive_from(&old))
    ///     .build()?;
    /// # let _ = store; Ok(()) }
    /// ```
    pub fn next_key(mut self, key: EncryptionKey) -> Self {
        self.keys.push(key);
        self.rotating = true;
        self
    }

    /// The secret the entries' Redis keys are derived under ([`StoreKey::derive`]); by
    /// default [`DigestKey::derive_from`] the sealing key. It must be the same on every
    /// process that shares tokens and must stay the same while the encryption key rotates
    /// (see [`EncryptionKey`]); changing it moves every entry (one renewal per token).
    pub fn digest_key(mut self, key: DigestKey) -> Self {
        self.digest_key = Some(key);
        self
    }

    /// The prefix of every Redis key (default `oauth-vendors`): to share one database between
    /// fleets that must not share tokens, or to spot the keys.
    pub fn prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    /// How long an entry is kept after its access token expires (default 1 day): long enough
    /// for an idle fleet to come back and refresh with the stored refresh token.
    pub fn retention(mut self, retention: Duration) -> Self {
        self.retention = retention;
        self
    }

    /// Time allowed to connect (default 2 s). While Redis is unreachable, each renewal spends
    /// up to twice this before renewing locally, so keep it short.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Time allowed for each command (default 2 s).
    pub fn response_timeout(mut self, timeout: Duration) -> Self {
        self.response_timeout = timeout;
        self
    }

    /// Checks the URL and builds the store. No connection is made yet.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] for a URL that is not a Redis URL (the message redacts its password),
    /// or for a [`previous_key`](Self::previous_key) or [`next_key`](Self::next_key) without
    /// a [`digest_key`](Self::digest_key): the default digest key follows the sealing key, so
    /// the entries' names would move during the rotation.
    pub fn build(self) -> Result<RedisStore, Error> {
        if self.rotating && self.digest_key.is_none() {
            return Err(Error::config(
                "a RedisStore with a previous_key or next_key needs a digest_key, the same on every replica \
                 through the rotation (DigestKey::derive_from(&the key you started with) names entries as \
                 before): otherwise entries move to new names as the sealing key changes",
            ));
        }
        let digest_key = self.digest_key.unwrap_or_else(|| self.keys[0].naming_key());
        let (redacted_url, password) = redact_url(&self.url);
        let client = redis::Client::open(self.url.as_str()).map_err(|error| {
            let mut message = format!("invalid Redis URL {redacted_url}: {error}");
            if let Some(p) = password.as_deref().filter(|p| !p.is_empty()) {
                message = message.replace(p, "[REDACTED]");
            }
            Error::config(message)
        })?;
        Ok(RedisStore {
            inner: Arc::new(Inner {
                client,
                redacted_url,
                password,
                connection: Mutex::new(None),
                keys: self.keys,
                digest_key,
                prefix: self.prefix,
                retention: self.retention,
                connect_timeout: self.connect_timeout,
                response_timeout: self.response_timeout,
                get: Script::new(GET),
                put: Script::new(PUT),
                extend: Script::new(EXTEND),
                unlock: Script::new(UNLOCK),
            }),
        })
    }
}

impl fmt::Debug for RedisStoreBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisStoreBuilder")
            .field("url", &redact_url(&self.url).0)
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

/// The URL with its password replaced, and the password (percent-decoded and as written).
fn redact_url(raw: &str) -> (String, Option<String>) {
    match Url::parse(raw) {
        Ok(mut url) => {
            let password = url.password().map(str::to_owned);
            if password.is_some() {
                let _ = url.set_password(Some("REDACTED"));
            }
            (url.to_string(), password)
        }
        // Not a URL: show nothing of it past the scheme, in case it holds a password.
        Err(_) => match raw.split_once("://") {
            Some((scheme, _)) if scheme.bytes().all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b)) => {
                (format!("{scheme}://[unparsable]"), None)
            }
            _ => ("[unparsable URL]".to_owned(), None),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_show() {
        let store = RedisStore::new("redis://user:hunter2@localhost:6379/0", EncryptionKey::generate()).unwrap();
        let shown = format!("{store:?}");
        assert!(!shown.contains("hunter2") && shown.contains(":REDACTED@") && shown.contains("user"), "{shown}");
        let builder = RedisStore::builder("rediss://:hunter2@h:6380", EncryptionKey::generate());
        assert!(!format!("{builder:?}").contains("hunter2"));
        let tls = builder.build().expect("rediss URLs are accepted");
        assert!(format!("{tls:?}").contains("rediss://"));
        for bad in ["http://:hunter2@h", "redis//:hunter2@h"] {
            let err = RedisStore::new(bad, EncryptionKey::generate()).unwrap_err();
            let text = format!("{err} {err:?}");
            assert!(!text.contains("hunter2"), "{text}");
        }
    }

    #[tokio::test]
    async fn an_unreachable_redis_is_an_error_without_the_password() {
        // Port 1 on loopback: nothing listens there.
        let store = RedisStore::builder("redis://:hunter2@127.0.0.1:1", EncryptionKey::generate())
            .connect_timeout(Duration::from_millis(200))
            .build()
            .unwrap();
        let err = store.ping().await.unwrap_err();
        let text = format!("{err} {err:?}");
        assert!(!text.contains("hunter2") && text.contains("127.0.0.1:1"), "{text}");
        assert!(store.get(&StoreKey::new("k")).await.is_err());
        assert_eq!(err.kind(), StoreErrorKind::Unavailable, "{err}");
        let source = std::error::Error::source(&err).map(ToString::to_string).unwrap_or_default();
        assert!(!source.contains("hunter2"), "{source}");
    }

    #[test]
    fn a_rotation_needs_a_pinned_digest_key() {
        let (old, new) = (EncryptionKey::generate(), EncryptionKey::generate());
        let url = "redis://127.0.0.1:1";
        for builder in [
            RedisStore::builder(url, old.clone()).next_key(new.clone()),
            RedisStore::builder(url, new.clone()).previous_key(old.clone()),
        ] {
            let err = builder.build().unwrap_err();
            assert!(matches!(err, Error::Config(_)) && err.to_string().contains("digest_key"), "{err}");
        }
        // Pinned to the old key's naming key: the names of a store that never rotated.
        let plain = RedisStore::new(url, old.clone()).unwrap();
        let pinned = RedisStore::builder(url, new).previous_key(old.clone()).digest_key(DigestKey::derive_from(&old));
        assert_eq!(pinned.build().unwrap().inner.digest_key, plain.inner.digest_key);
    }
}
