//! Store keys: keyed digests (HMAC-SHA256) of everything that identifies a set of tokens.

use std::fmt;

use base64::{Engine as _, engine::general_purpose::STANDARD};
use hmac::{Hmac, Mac as _};
use zeroize::Zeroizing;

use super::{KeyId, StoreKey};
use crate::Error;

type HmacSha256 = Hmac<sha2::Sha256>;

/// The secret key under which store keys are derived: [`StoreKey::derive`] is HMAC-SHA256
/// under it of every credential (secrets included), the token URL and the token parameters.
///
/// Why keyed: the digest covers the passwords and client secrets, so that a client holding a
/// wrong password never shares the right one's tokens; without a secret key, whoever reads
/// the store's keys could test guesses of a password (or confirm which user names have
/// tokens) offline. Keep it as secret as the credentials.
///
/// [`MemoryStore`](super::MemoryStore) makes a random one per store (its keys never leave
/// the process). `RedisStore` derives one from its encryption key unless you set one: see
/// `EncryptionKey` (feature `redis`) for why it must stay the same across a key rotation.
///
/// `Debug` shows nothing of the key.
///
/// ```
/// use oauth_runtime::store::DigestKey;
/// let key = DigestKey::generate();
/// let again = DigestKey::from_base64(&key.to_base64())?;
/// assert_eq!(key, again);
/// assert!(!format!("{key:?}").contains(key.to_base64().as_str()));
/// # Ok::<(), oauth_runtime::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct DigestKey(Zeroizing<[u8; 32]>);

impl DigestKey {
    /// A key from 32 bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> DigestKey {
        DigestKey(Zeroizing::new(bytes))
    }

    /// A key from 32 bytes in standard base64 (as `openssl rand -base64 32` prints).
    ///
    /// # Errors
    ///
    /// [`Error::Config`] if the text is not base64 of exactly 32 bytes (the message does not
    /// repeat the text).
    pub fn from_base64(text: &str) -> Result<DigestKey, Error> {
        let bad =
            || Error::config("a token store digest key must be 32 bytes in standard base64 (openssl rand -base64 32)");
        let decoded = Zeroizing::new(STANDARD.decode(text.trim()).map_err(|_| bad())?);
        let bytes: [u8; 32] = decoded.as_slice().try_into().map_err(|_| bad())?;
        Ok(DigestKey::from_bytes(bytes))
    }

    /// A new random key from the operating system's generator.
    ///
    /// # Panics
    ///
    /// If the operating system has no random generator to offer (as `getrandom` fails): no
    /// key at all is better than a guessable one.
    pub fn generate() -> DigestKey {
        let mut bytes = Zeroizing::new([0u8; 32]);
        getrandom::getrandom(bytes.as_mut()).expect("the operating system's random generator");
        DigestKey(bytes)
    }

    /// The key in standard base64, to save a generated key.
    pub fn to_base64(&self) -> Zeroizing<String> {
        Zeroizing::new(STANDARD.encode(self.0.as_ref()))
    }

    /// A key derived from `secret` for one `purpose`: HMAC-SHA256 under `secret` of a label
    /// naming the purpose, so that one secret yields unrelated keys for unrelated uses.
    #[cfg(any(feature = "redis", test))]
    pub(crate) fn derive(secret: &[u8], purpose: &str) -> DigestKey {
        let mut mac = HmacSha256::new_from_slice(secret).expect("HMAC takes keys of any length");
        mac.update(b"oauth-vendors/derive/v1|");
        mac.update(purpose.as_bytes());
        DigestKey(Zeroizing::new(mac.finalize().into_bytes().into()))
    }

    fn mac(&self) -> HmacSha256 {
        HmacSha256::new_from_slice(self.0.as_ref()).expect("HMAC takes keys of any length")
    }
}

impl fmt::Debug for DigestKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DigestKey").finish_non_exhaustive()
    }
}

impl KeyId<'_> {
    /// HMAC-SHA256 under `key` of this identity, in lower-case hex (64 characters).
    ///
    /// The input is one unambiguous encoding (every part length-prefixed, every list
    /// counted) of the vendor, the token URL, every credential by field name (secrets
    /// included) and the token parameters. The output names no credential and, without `key`,
    /// confirms none.
    ///
    /// ```
    /// # fn demo(id: &oauth_runtime::store::KeyId<'_>) {
    /// use oauth_runtime::store::DigestKey;
    /// let (a, b) = (DigestKey::generate(), DigestKey::generate());
    /// assert_eq!(id.digest_with(&a).len(), 64);
    /// assert_ne!(id.digest_with(&a), id.digest_with(&b), "another key, other names");
    /// # }
    /// ```
    pub fn digest_with(&self, key: &DigestKey) -> String {
        let mut mac = key.mac();
        mac.update(&self.canonical());
        mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The identity as bytes that hold the secrets, zeroed on drop: only ever fed to HMAC.
    fn canonical(&self) -> Zeroizing<Vec<u8>> {
        // Sized up front: a reallocation would leave a copy of the secrets behind, unzeroed.
        let params: Vec<_> = self.params.pairs().collect();
        // A token exchange's subject: its token, or its source client's own identity.
        let exchange = self.params.exchange_ref().map(|e| e.identity()).unwrap_or_default();
        let parts =
            [self.vendor, &self.token_url].into_iter().chain(self.credentials.iter().flat_map(|(n, v)| [*n, *v]));
        let size = parts
            .chain(params.iter().flat_map(|(n, v)| [*n, *v]))
            .chain(exchange.iter().map(|p| p.as_str()))
            .map(|p| p.len() + 24)
            .sum::<usize>()
            + 128;
        let mut out = Zeroizing::new(Vec::with_capacity(size));
        out.extend_from_slice(b"oauth-vendors/token-key/v2");
        let mut part = |s: &str| {
            out.push(b'|');
            out.extend_from_slice(s.len().to_string().as_bytes());
            out.push(b':');
            out.extend_from_slice(s.as_bytes());
        };
        part(self.vendor);
        part(&self.token_url);
        part(&self.credentials.len().to_string());
        for (name, value) in &self.credentials {
            part(name);
            part(value);
        }
        part(&params.len().to_string());
        for (name, value) in params {
            part(name);
            part(value);
        }
        // Only with an exchange, so that every other key stays what it was.
        if !exchange.is_empty() {
            part("exchange");
            part(&exchange.len().to_string());
            for piece in &exchange {
                part(piece);
            }
        }
        out
    }
}

impl StoreKey {
    /// The key of `id` under `key`: [`KeyId::digest_with`], and `id`'s token parameters
    /// (for [`codec::encode`](super::codec::encode)). What every store that keeps keys
    /// outside the process should use, with a secret `key` of its own.
    ///
    /// ```
    /// use oauth_runtime::store::{DigestKey, KeyId, StoreKey};
    /// fn key(digest_key: &DigestKey, id: &KeyId<'_>) -> StoreKey {
    ///     StoreKey::derive(digest_key, id)
    /// }
    /// ```
    pub fn derive(key: &DigestKey, id: &KeyId<'_>) -> StoreKey {
        StoreKey { text: id.digest_with(key), params: Some(id.params.clone()) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::TokenParams;

    fn id<'a>(credentials: Vec<(&'a str, &'a str)>, params: &'a TokenParams) -> KeyId<'a> {
        KeyId { vendor: "V", token_url: "https://h/t".into(), credentials, params }
    }

    #[test]
    fn digests_bind_every_part_and_the_key() {
        let key = DigestKey::generate();
        let params = TokenParams::new().scope("a b");
        let base = id(vec![("username", "ann"), ("password", "pw")], &params).digest_with(&key);
        assert_eq!(base.len(), 64);
        assert!(base.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(base, id(vec![("username", "ann"), ("password", "pw")], &params).digest_with(&key));
        let other = [
            id(vec![("username", "ann"), ("password", "wrong")], &params).digest_with(&key),
            id(vec![("username", "ann|password"), ("pw", "")], &params).digest_with(&key),
            id(vec![("username", "ann")], &params).digest_with(&key),
            id(vec![("username", "ann"), ("password", "pw")], &TokenParams::new()).digest_with(&key),
            id(vec![("username", "ann"), ("password", "pw")], &params).digest_with(&DigestKey::generate()),
        ];
        for (i, digest) in other.iter().enumerate() {
            assert_ne!(&base, digest, "variant {i}");
        }
        let mut url = id(vec![("username", "ann"), ("password", "pw")], &params);
        url.token_url = "https://h/other".into();
        assert_ne!(base, url.digest_with(&key));
    }

    #[test]
    fn an_exchange_subject_is_bound_and_other_keys_stay_as_they_were() {
        use crate::{Exchange, Subject};
        let key = DigestKey::generate();
        let plain = TokenParams::new().audience("a");
        let alice = plain.clone().exchange(Exchange::new(Subject::access_token("alice")));
        let bob = plain.clone().exchange(Exchange::new(Subject::access_token("bob")));
        let digest = |params: &TokenParams| id(vec![("client_id", "c")], params).digest_with(&key);
        assert_ne!(digest(&alice), digest(&bob), "each subject its own entry");
        assert_ne!(digest(&alice), digest(&plain));
        assert_eq!(digest(&alice), digest(&plain.clone().exchange(Exchange::new(Subject::access_token("alice")))));
        let shown = format!("{:?}", id(vec![("client_id", "c")], &alice));
        assert!(!shown.contains("alice"), "{shown}");
    }

    #[test]
    fn derived_keys_differ_by_purpose_and_secret() {
        let a = DigestKey::derive(b"secret", "names");
        assert_eq!(a, DigestKey::derive(b"secret", "names"));
        assert_ne!(a, DigestKey::derive(b"secret", "other"));
        assert_ne!(a, DigestKey::derive(b"secreT", "names"));
        assert!(DigestKey::from_base64("AAAA").is_err());
    }
}
