//! Token values encrypted at rest: XChaCha20-Poly1305 under a key the user supplies.
//!
//! A sealed value is `[format 1][key id, 8 bytes][nonce, 24 bytes][ciphertext and tag]`. The
//! nonce is random (XChaCha's 192 bits make collisions negligible); the associated data binds
//! the value to its storage key and version, so an entry copied to another key, or an old
//! entry written back under a newer version, fails to open.

use std::fmt;

use base64::{Engine as _, engine::general_purpose::STANDARD};
use chacha20poly1305::{
    KeyInit, XChaCha20Poly1305, XNonce,
    aead::{Aead, OsRng, Payload, rand_core::RngCore},
};
use sha2::Digest as _;
use zeroize::Zeroizing;

use super::DigestKey;
use crate::Error;

const FORMAT: u8 = 1;
const ID_LEN: usize = 8;
const NONCE_LEN: usize = 24;

/// A 256-bit key encrypting the tokens a [`RedisStore`](super::RedisStore) writes.
///
/// Every process of a fleet needs the same key. Generate one with `openssl rand -base64 32`,
/// keep it with your other secrets, and load it with [`EncryptionKey::from_base64`].
///
/// # Two secrets: sealing, and naming
///
/// A store uses a key for two things, through separate derived keys:
///
/// - **sealing**: XChaCha20-Poly1305 of each entry under the sealing key (the one given to
///   [`RedisStoreBuilder::new`](super::RedisStoreBuilder::new)); any key the store has
///   ([`previous_key`](super::RedisStoreBuilder::previous_key),
///   [`next_key`](super::RedisStoreBuilder::next_key)) opens;
/// - **naming**: the Redis key of an entry is HMAC-SHA256 of its identity (every credential,
///   secrets included, the token URL, the token parameters) under a [`DigestKey`]. By
///   default that is [`DigestKey::derive_from`] the sealing key, a separate subkey (HMAC of a
///   fixed label under the key), never the encryption key itself.
///
/// Names must **not** change when the encryption key rotates, or replicas on the old and new
/// keys would look for the same tokens under different names and stop sharing them (each
/// renewing on its own). So a store whose keys rotate names its entries under a digest key
/// that you pin with [`RedisStoreBuilder::digest_key`], the same on every replica and through
/// every phase: `DigestKey::derive_from(&first_key)`, which names entries exactly as a store
/// with the default did under `first_key` (so pinning moves nothing), or any key of your own
/// (`DigestKey::from_base64`; set it before the first deploy, since changing it moves every
/// entry once). A store given `previous_key` or `next_key` without a pinned digest key
/// refuses to build.
///
/// # Rotation in a rolling deploy
///
/// Each phase is a complete deploy of every replica before the next one starts:
///
/// 1. **Add the new key, read-only**: `RedisStore::builder(url, old).next_key(new)
///    .digest_key(DigestKey::derive_from(&old))`. Replicas open entries sealed under `new`
///    but still seal under `old`, so replicas not yet deployed read everything written.
/// 2. **Seal with the new key**: `RedisStore::builder(url, new).previous_key(old)
///    .digest_key(DigestKey::derive_from(&old))`. Every replica already opens `new`; entries
///    move to it at their next renewal.
/// 3. **Drop the old key** once every entry has been renewed (one access-token lifetime plus
///    the store's retention, or sooner if you accept one extra renewal for idle entries):
///    `RedisStore::builder(url, new).digest_key(DigestKey::derive_from(&old))`.
///
/// The digest key derived from `old` stays: it is only a naming secret. If `old` leaked, pin
/// a fresh digest key instead, accepting that entries move once (one renewal per token).
/// Skipping phase 1 (going from `old` alone to `new` + `previous_key(old)`) leaves replicas
/// that cannot read what the new ones write: they treat the entry as unreadable and renew
/// from their own refresh token, which a server with rotation rejects as reused.
///
/// An entry that no key opens is a miss (logged at WARN): the fleet renews once and writes
/// it anew.
///
/// `Debug` shows the key's id (a hash prefix), never the key.
///
/// ```
/// use oauth_runtime::store::{DigestKey, EncryptionKey, RedisStore};
/// # fn main() -> Result<(), oauth_runtime::Error> {
/// let (old, new) = (EncryptionKey::generate(), EncryptionKey::generate());
/// let names = DigestKey::derive_from(&old); // fixed through the rotation
/// let phase1 = RedisStore::builder("redis://127.0.0.1/0", old.clone()).next_key(new.clone()).digest_key(names.clone()).build()?;
/// let phase2 = RedisStore::builder("redis://127.0.0.1/0", new.clone()).previous_key(old).digest_key(names.clone()).build()?;
/// let phase3 = RedisStore::builder("redis://127.0.0.1/0", new).digest_key(names).build()?;
/// # let _ = (phase1, phase2, phase3); Ok(()) }
/// ```
#[derive(Clone)]
pub struct EncryptionKey {
    bytes: Zeroizing<[u8; 32]>,
    id: [u8; ID_LEN],
}

impl EncryptionKey {
    /// A key from 32 bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> EncryptionKey {
        let mut hasher = sha2::Sha256::new();
        hasher.update(b"oauth-vendors/store-key-id/v1");
        hasher.update(bytes);
        let mut id = [0; ID_LEN];
        id.copy_from_slice(&hasher.finalize()[..ID_LEN]);
        EncryptionKey { bytes: Zeroizing::new(bytes), id }
    }

    /// A key from 32 bytes in standard base64 (44 characters, as `openssl rand -base64 32`
    /// prints).
    ///
    /// # Errors
    ///
    /// [`Error::Config`] if the text is not base64 of exactly 32 bytes (the message does not
    /// repeat the text).
    pub fn from_base64(text: &str) -> Result<EncryptionKey, Error> {
        let decoded = Zeroizing::new(STANDARD.decode(text.trim()).map_err(|_| bad_key())?);
        let bytes: [u8; 32] = decoded.as_slice().try_into().map_err(|_| bad_key())?;
        Ok(EncryptionKey::from_bytes(bytes))
    }

    /// A new random key (from the operating system's generator).
    pub fn generate() -> EncryptionKey {
        let mut bytes = Zeroizing::new([0u8; 32]);
        OsRng.fill_bytes(bytes.as_mut());
        EncryptionKey::from_bytes(*bytes)
    }

    /// The key in standard base64, to save a generated key.
    pub fn to_base64(&self) -> Zeroizing<String> {
        Zeroizing::new(STANDARD.encode(self.bytes.as_ref()))
    }

    /// The key that names a store's entries by default, derived from this one (see the
    /// type's docs); the same as [`DigestKey::derive_from`].
    pub(crate) fn naming_key(&self) -> DigestKey {
        DigestKey::derive(self.bytes.as_ref(), "store-key-names")
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(chacha20poly1305::Key::from_slice(self.bytes.as_ref()))
    }
}

impl DigestKey {
    /// The digest key a [`RedisStore`](super::RedisStore) sealing with `key` names its entries
    /// under by default: HMAC-SHA256 under `key` of a fixed label, a subkey unrelated to the
    /// encryption. Pin it with [`RedisStoreBuilder::digest_key`](super::RedisStoreBuilder::digest_key)
    /// before rotating `key` (see [`EncryptionKey`]).
    ///
    /// ```
    /// use oauth_runtime::store::{DigestKey, EncryptionKey};
    /// let key = EncryptionKey::generate();
    /// assert_eq!(DigestKey::derive_from(&key), DigestKey::derive_from(&key));
    /// assert_ne!(DigestKey::derive_from(&key), DigestKey::derive_from(&EncryptionKey::generate()));
    /// ```
    pub fn derive_from(key: &EncryptionKey) -> DigestKey {
        key.naming_key()
    }
}

fn bad_key() -> Error {
    Error::config("the token store's encryption key must be 32 bytes in standard base64 (openssl rand -base64 32)")
}

impl fmt::Debug for EncryptionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let id: String = self.id.iter().map(|b| format!("{b:02x}")).collect();
        f.debug_struct("EncryptionKey").field("id", &id).finish_non_exhaustive()
    }
}

fn associated_data(storage_key: &str, version: u64) -> Vec<u8> {
    let mut ad = b"oauth-vendors/token/v1|".to_vec();
    ad.extend_from_slice(storage_key.as_bytes());
    ad.push(b'|');
    ad.extend_from_slice(&version.to_be_bytes());
    ad
}

/// `plaintext` sealed under `key` for `storage_key` at `version`.
pub(crate) fn seal(key: &EncryptionKey, storage_key: &str, version: u64, plaintext: &[u8]) -> Vec<u8> {
    let mut nonce = [0u8; NONCE_LEN];
    OsRng.fill_bytes(&mut nonce);
    let ad = associated_data(storage_key, version);
    let sealed = key
        .cipher()
        .encrypt(XNonce::from_slice(&nonce), Payload { msg: plaintext, aad: &ad })
        .expect("XChaCha20-Poly1305 encrypts any length a token has");
    let mut out = Vec::with_capacity(1 + ID_LEN + NONCE_LEN + sealed.len());
    out.push(FORMAT);
    out.extend_from_slice(&key.id);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&sealed);
    out
}

/// Why a value did not open.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum OpenError {
    /// Not a value this format describes (truncated, another format).
    Malformed,
    /// Sealed under a key this store does not have.
    UnknownKey,
    /// The tag did not verify: tampered with, or moved to another key or version.
    Forged,
}

impl fmt::Display for OpenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            OpenError::Malformed => "the entry is not an encrypted token (corrupted, or written by something else)",
            OpenError::UnknownKey => "the entry is encrypted under a key this store does not have",
            OpenError::Forged => "the entry failed authentication (tampered with, or moved from another key)",
        })
    }
}

/// The plaintext of `sealed`, opened with whichever of `keys` sealed it.
pub(crate) fn open(
    keys: &[EncryptionKey],
    storage_key: &str,
    version: u64,
    sealed: &[u8],
) -> Result<Zeroizing<Vec<u8>>, OpenError> {
    if sealed.len() < 1 + ID_LEN + NONCE_LEN + 16 || sealed[0] != FORMAT {
        return Err(OpenError::Malformed);
    }
    let (id, rest) = sealed[1..].split_at(ID_LEN);
    let (nonce, ciphertext) = rest.split_at(NONCE_LEN);
    let key = keys.iter().find(|k| k.id == id).ok_or(OpenError::UnknownKey)?;
    let ad = associated_data(storage_key, version);
    key.cipher()
        .decrypt(XNonce::from_slice(nonce), Payload { msg: ciphertext, aad: &ad })
        .map(Zeroizing::new)
        .map_err(|_| OpenError::Forged)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_where_they_belong() {
        let key = EncryptionKey::generate();
        let sealed = seal(&key, "k", 3, b"token");
        assert_eq!(open(std::slice::from_ref(&key), "k", 3, &sealed).unwrap().as_slice(), b"token");
        assert!(!sealed.windows(5).any(|w| w == b"token"), "encrypted");
        assert_eq!(open(std::slice::from_ref(&key), "other", 3, &sealed), Err(OpenError::Forged));
        assert_eq!(open(std::slice::from_ref(&key), "k", 4, &sealed), Err(OpenError::Forged));
        assert_eq!(open(&[EncryptionKey::generate()], "k", 3, &sealed), Err(OpenError::UnknownKey));
        let mut tampered = sealed.clone();
        *tampered.last_mut().unwrap() ^= 1;
        assert_eq!(open(std::slice::from_ref(&key), "k", 3, &tampered), Err(OpenError::Forged));
        assert_eq!(open(std::slice::from_ref(&key), "k", 3, b"garbage"), Err(OpenError::Malformed));
        assert_eq!(open(std::slice::from_ref(&key), "k", 3, &[]), Err(OpenError::Malformed));
    }

    #[test]
    fn rotation_opens_with_the_previous_key() {
        let (old, new) = (EncryptionKey::generate(), EncryptionKey::generate());
        let sealed = seal(&old, "k", 1, b"t");
        assert_eq!(open(&[new, old], "k", 1, &sealed).unwrap().as_slice(), b"t");
    }

    #[test]
    fn the_naming_key_is_a_subkey() {
        let key = EncryptionKey::from_bytes([9; 32]);
        assert_ne!(key.naming_key(), DigestKey::from_bytes([9; 32]), "not the encryption key itself");
        assert_eq!(key.naming_key(), DigestKey::derive_from(&EncryptionKey::from_bytes([9; 32])));
    }

    #[test]
    fn keys_load_from_base64_and_never_show() {
        let key = EncryptionKey::generate();
        let again = EncryptionKey::from_base64(&key.to_base64()).unwrap();
        assert_eq!(key.id, again.id);
        let shown = format!("{key:?}");
        assert!(!shown.contains(key.to_base64().as_str()) && shown.contains("id"), "{shown}");
        for bad in ["", "abc", "AAAA", &STANDARD.encode([0u8; 31])] {
            let err = EncryptionKey::from_base64(bad).unwrap_err();
            assert!(matches!(err, Error::Config(_)), "{err}");
        }
    }
}
