//! Token generation and the date formats the vendors use.

use std::{
    hash::{BuildHasher, Hasher},
    sync::atomic::{AtomicU64, Ordering},
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use time::OffsetDateTime;

/// 64 unpredictable bits from std's randomly keyed SipHash; tokens only need
/// to be unguessable between tests, not cryptographically strong.
fn random_u64() -> u64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    hasher.write_u128(unix_nanos());
    hasher.finish()
}

fn unix_nanos() -> u128 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos())
}

fn random_bytes(len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + 8);
    while out.len() < len {
        out.extend_from_slice(&random_u64().to_le_bytes());
    }
    out.truncate(len);
    out
}

/// `len` characters from `[A-Za-z0-9]`.
pub(crate) fn alphanumeric(len: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut out = String::with_capacity(len);
    while out.len() < len {
        let mut bits = random_u64();
        // Six bits at a time, rejecting 62 and 63 to stay unbiased.
        for _ in 0..10 {
            let index = (bits & 0x3f) as usize;
            bits >>= 6;
            if let Some(&c) = ALPHABET.get(index) {
                out.push(char::from(c));
                if out.len() == len {
                    break;
                }
            }
        }
    }
    out
}

/// `len` (at least 16) characters of RFC 6750's `b64token` alphabet, always including `-`,
/// `.`, `~`, `+` and `/`: a client that decodes, re-encodes or splits the token it was given
/// fails with these.
pub(crate) fn b64token(len: usize) -> String {
    let mut out: Vec<char> = alphanumeric(len.max(16)).chars().collect();
    for (i, c) in ['-', '.', '~', '+', '/'].into_iter().enumerate() {
        out[3 + 3 * i] = c;
    }
    out.into_iter().collect()
}

/// `len` lower-case hex digits.
pub(crate) fn hex(len: usize) -> String {
    random_bytes(len.div_ceil(2)).iter().map(|b| format!("{b:02x}")).collect::<String>().chars().take(len).collect()
}

/// A random version-4 UUID in its hyphenated lower-case form.
pub(crate) fn uuid() -> String {
    let mut b = random_bytes(16);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
}

/// A JWT shaped like Deyel's (RS256 header, `iss: "Deyel"`); the signature
/// is random bytes because nobody outside the simulator verifies it.
pub(crate) fn deyel_jwt(subject: &str, lifetime: Duration) -> String {
    let iat = unix_secs(SystemTime::now());
    let exp = iat.saturating_add(lifetime.as_secs());
    let header = r#"{"kid":"k1","alg":"RS256"}"#;
    let payload = crate::http::object(&[
        ("iss", "Deyel".into()),
        ("exp", exp.into()),
        ("grant_type", "client_credentials".into()),
        ("jti", URL_SAFE_NO_PAD.encode(random_bytes(16)).into()),
        ("iat", iat.into()),
        ("sub", subject.into()),
    ]);
    format!(
        "{}.{}.{}",
        URL_SAFE_NO_PAD.encode(header),
        URL_SAFE_NO_PAD.encode(payload),
        URL_SAFE_NO_PAD.encode(random_bytes(256))
    )
}

pub(crate) fn unix_secs(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

pub(crate) fn unix_millis(t: SystemTime) -> u128 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis())
}

/// `now + lifetime`, or `now` if that is not representable.
pub(crate) fn system_after(now: SystemTime, lifetime: Duration) -> SystemTime {
    now.checked_add(lifetime).unwrap_or(now)
}

/// RFC 3339 in UTC with microseconds and `Z`, as Monta writes it:
/// `2023-05-10T17:35:31.703819Z`.
pub(crate) fn rfc3339_micros(t: SystemTime) -> String {
    let t = OffsetDateTime::from(t);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.microsecond()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        let a = alphanumeric(44);
        assert_eq!(a.len(), 44);
        assert!(a.bytes().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(a, alphanumeric(44));
        let h = hex(32);
        assert_eq!(h.len(), 32);
        assert!(h.bytes().all(|c| c.is_ascii_hexdigit()));
        let u = uuid();
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        assert_eq!(
            rfc3339_micros(UNIX_EPOCH + Duration::from_micros(1_683_740_131_703_819)),
            "2023-05-10T17:35:31.703819Z"
        );
    }
}
