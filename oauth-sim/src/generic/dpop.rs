//! DPoP (RFC 9449) as a strict server checks it, for a spec that declares DPoP: every proof
//! (section 4.3: `typ`, an asymmetric `alg`, the signature with the header's `jwk`, which must
//! hold no private key, `htm`, `htu` without query and fragment and matching the request,
//! `iat` within a window, a `jti` never seen, `ath` on API calls, the server's nonce where it
//! is required), the tokens bound to the proof key's thumbprint (RFC 7638 `jkt`), and on API
//! calls the proof's key against the token's binding (section 7.1).

use std::{
    collections::HashMap,
    sync::{Mutex, MutexGuard, PoisonError},
    time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};

use axum::http::{HeaderMap, HeaderValue, Method};
use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use serde_json::Value;
use sha2::{Digest as _, Sha256};

use crate::token;

/// How far in the past a proof's `iat` may be.
const IAT_PAST: Duration = Duration::from_secs(60);
/// How far in the future (clock skew).
const IAT_FUTURE: Duration = Duration::from_secs(10);
/// Members of a JWK that belong to a private (or symmetric) key.
const PRIVATE_MEMBERS: [&str; 8] = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

/// Why a proof was refused.
#[derive(Debug)]
pub(crate) enum Refusal {
    /// `invalid_dpop_proof`, with what is wrong.
    Invalid(String),
    /// `use_dpop_nonce`: the proof lacks the current nonce.
    UseNonce,
}

/// A proof that passed every check.
pub(crate) struct Checked {
    /// The thumbprint of its key.
    pub jkt: String,
}

/// What one request's proof must say.
pub(crate) struct Expected<'a> {
    pub method: &'a Method,
    /// The request's URL without query and fragment, as the client addressed it.
    pub htu: String,
    /// The access token presented with it, on API calls.
    pub access_token: Option<&'a str>,
    /// Whether the server's nonce is required here.
    pub nonce: bool,
}

/// The DPoP state of a simulator: the proofs seen, the nonce, the tokens' bindings.
pub(crate) struct DpopState {
    alg: &'static str,
    rotate_every: u32,
    inner: Mutex<Inner>,
}

struct Inner {
    /// `jti`s seen within the `iat` window, and when they stop mattering.
    seen: HashMap<String, Instant>,
    nonce: String,
    /// Requests that needed a nonce, for the rotation.
    nonce_requests: u64,
    /// Access and refresh tokens, by value, and the thumbprint they are bound to.
    bound: HashMap<String, String>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl DpopState {
    pub(crate) fn new(alg: &'static str, rotate_every: u32) -> DpopState {
        let inner =
            Inner { seen: HashMap::new(), nonce: token::b64token(24), nonce_requests: 0, bound: HashMap::new() };
        DpopState { alg, rotate_every, inner: Mutex::new(inner) }
    }

    /// The current nonce.
    pub(crate) fn nonce(&self) -> HeaderValue {
        HeaderValue::from_str(&lock(&self.inner).nonce).unwrap_or_else(|_| HeaderValue::from_static("n"))
    }

    /// Binds `token` (an access or refresh token just issued) to `jkt`.
    pub(crate) fn bind(&self, token: &str, jkt: &str) {
        lock(&self.inner).bound.insert(token.to_owned(), jkt.to_owned());
    }

    /// The thumbprint `token` is bound to, if it is.
    pub(crate) fn binding(&self, token: &str) -> Option<String> {
        lock(&self.inner).bound.get(token).cloned()
    }

    /// Checks the `DPoP` header of a request against what it must say.
    pub(crate) fn check(&self, headers: &HeaderMap, expected: &Expected<'_>) -> Result<Checked, Refusal> {
        let invalid = |why: &str| Refusal::Invalid(why.to_owned());
        let mut proofs = headers.get_all("dpop").iter();
        let (Some(proof), None) = (proofs.next(), proofs.next()) else {
            return Err(invalid("exactly one DPoP header with a proof is required"));
        };
        let proof = proof.to_str().map_err(|_| invalid("the DPoP header is not a JWT"))?;
        let mut parts = proof.split('.');
        let (Some(head), Some(_), Some(_), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
            return Err(invalid("the DPoP proof is not a JWS in compact form"));
        };
        let header: Value = URL_SAFE_NO_PAD
            .decode(head)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .ok_or_else(|| invalid("the proof's header is not base64url JSON"))?;
        if header["typ"] != "dpop+jwt" {
            return Err(invalid("the proof's typ is not dpop+jwt"));
        }
        let alg = header["alg"].as_str().unwrap_or_default();
        if alg != self.alg {
            return Err(Refusal::Invalid(format!(
                "the proof's alg {alg:?} is not supported: this server accepts {} (asymmetric algorithms only)",
                self.alg
            )));
        }
        let jwk =
            header.get("jwk").filter(|j| j.is_object()).ok_or_else(|| invalid("the proof's header has no jwk"))?;
        if PRIVATE_MEMBERS.iter().any(|m| jwk.get(m).is_some()) {
            return Err(invalid("the proof's jwk holds a private key"));
        }
        let jkt = thumbprint(jwk).ok_or_else(|| invalid("the proof's jwk is not a public EC, RSA or OKP key"))?;
        let claims =
            verify(proof, alg, jwk).ok_or_else(|| invalid("the proof's signature does not verify with its jwk"))?;
        self.check_claims(&claims, expected)?;
        Ok(Checked { jkt })
    }

    fn check_claims(&self, claims: &Value, expected: &Expected<'_>) -> Result<(), Refusal> {
        let invalid = |why: &str| Refusal::Invalid(why.to_owned());
        if claims["htm"] != expected.method.as_str() {
            return Err(invalid("the proof's htm is not the request's method"));
        }
        let htu = claims["htu"].as_str().unwrap_or_default();
        if htu.contains(['?', '#']) {
            return Err(invalid("the proof's htu carries a query or a fragment"));
        }
        if !same_uri(htu, &expected.htu) {
            return Err(Refusal::Invalid(format!("the proof's htu {htu:?} is not the request's URI")));
        }
        let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default().as_secs();
        let iat = claims["iat"].as_u64().ok_or_else(|| invalid("the proof has no iat"))?;
        if iat + IAT_PAST.as_secs() < now || iat > now + IAT_FUTURE.as_secs() {
            return Err(invalid("the proof's iat is outside the accepted window"));
        }
        let jti = claims["jti"].as_str().filter(|j| !j.is_empty()).ok_or_else(|| invalid("the proof has no jti"))?;
        match (expected.access_token, claims["ath"].as_str()) {
            (Some(token), Some(ath)) if ath == URL_SAFE_NO_PAD.encode(Sha256::digest(token.as_bytes())) => {}
            (Some(_), Some(_)) => return Err(invalid("the proof's ath is not the hash of the access token")),
            (Some(_), None) => return Err(invalid("the proof has no ath")),
            (None, _) => {}
        }
        let mut inner = lock(&self.inner);
        let moment = Instant::now();
        inner.seen.retain(|_, until| *until > moment);
        if inner.seen.contains_key(jti) {
            return Err(invalid("the proof's jti was used before: a proof is used once"));
        }
        if expected.nonce {
            inner.nonce_requests += 1;
            if self.rotate_every > 0 && inner.nonce_requests.is_multiple_of(u64::from(self.rotate_every)) {
                inner.nonce = token::b64token(24);
            }
            if claims["nonce"].as_str() != Some(inner.nonce.as_str()) {
                return Err(Refusal::UseNonce);
            }
        }
        inner.seen.insert(jti.to_owned(), moment + IAT_PAST + IAT_FUTURE);
        Ok(())
    }
}

/// The proof's claims if its signature verifies with `jwk` under `alg`.
fn verify(proof: &str, alg: &str, jwk: &Value) -> Option<Value> {
    use jsonwebtoken::{Algorithm, DecodingKey, Validation, jwk::Jwk};
    let _ = jsonwebtoken::crypto::rust_crypto::DEFAULT_PROVIDER.install_default();
    let alg: Algorithm = alg.parse().ok()?;
    let jwk: Jwk = serde_json::from_value(jwk.clone()).ok()?;
    let key = DecodingKey::from_jwk(&jwk).ok()?;
    let mut validation = Validation::new(alg);
    validation.required_spec_claims.clear();
    validation.validate_exp = false;
    validation.validate_aud = false;
    jsonwebtoken::decode::<Value>(proof, &key, &validation).ok().map(|data| data.claims)
}

/// RFC 7638: the SHA-256 of the key type's required members, sorted, without whitespace.
fn thumbprint(jwk: &Value) -> Option<String> {
    let member = |name: &str| jwk.get(name).and_then(Value::as_str).filter(|v| !v.is_empty());
    let required: &[&str] = match member("kty")? {
        "EC" => &["crv", "kty", "x", "y"],
        "RSA" => &["e", "kty", "n"],
        "OKP" => &["crv", "kty", "x"],
        _ => return None,
    };
    let mut canonical = String::from("{");
    for (i, name) in required.iter().enumerate() {
        if i > 0 {
            canonical.push(',');
        }
        canonical.push_str(&serde_json::to_string(name).ok()?);
        canonical.push(':');
        canonical.push_str(&serde_json::to_string(member(name)?).ok()?);
    }
    canonical.push('}');
    Some(URL_SAFE_NO_PAD.encode(Sha256::digest(canonical.as_bytes())))
}

/// RFC 9449 section 4.3: the URIs compared after normalisation (RFC 3986 section 6): scheme
/// and host in any case, the default port implied.
fn same_uri(htu: &str, expected: &str) -> bool {
    fn normal(uri: &str) -> Option<(String, String, String)> {
        let (scheme, rest) = uri.split_once("://")?;
        let scheme = scheme.to_ascii_lowercase();
        let (authority, path) = rest.find('/').map_or((rest, "/"), |at| (&rest[..at], &rest[at..]));
        let authority = authority.to_ascii_lowercase();
        let default = if scheme == "https" { ":443" } else { ":80" };
        let authority = authority.strip_suffix(default).unwrap_or(&authority).to_owned();
        Some((scheme, authority, path.to_owned()))
    }
    normal(htu).is_some_and(|h| Some(h) == normal(expected))
}

#[cfg(test)]
mod tests {
    use jsonwebtoken::{Algorithm, EncodingKey, Header, jwk::Jwk};
    use serde_json::json;

    use super::*;

    const HTU: &str = "http://127.0.0.1:8080/protected";

    /// A P-256 key: its signing half and its public JWK.
    fn key() -> (EncodingKey, Value) {
        let _ = jsonwebtoken::crypto::rust_crypto::DEFAULT_PROVIDER.install_default();
        let pair = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
        let key = EncodingKey::from_ec_pem(pair.serialize_pem().as_bytes()).unwrap();
        let mut jwk = serde_json::to_value(Jwk::from_encoding_key(&key, Algorithm::ES256).unwrap()).unwrap();
        jwk.as_object_mut().unwrap().remove("alg");
        (key, jwk)
    }

    fn now() -> u64 {
        SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
    }

    fn claims(token: Option<&str>) -> Value {
        let mut claims = json!({"jti": token::b64token(16), "htm": "GET", "htu": HTU, "iat": now()});
        if let Some(token) = token {
            claims["ath"] = URL_SAFE_NO_PAD.encode(Sha256::digest(token.as_bytes())).into();
        }
        claims
    }

    /// A proof of `claims`, signed by `key` under a header with `jwk`, changed by `header`.
    fn proof(key: &EncodingKey, jwk: &Value, claims: &Value, header: impl FnOnce(&mut Value)) -> HeaderMap {
        let mut head = json!({"typ": "dpop+jwt", "alg": "ES256", "jwk": jwk});
        header(&mut head);
        let signing = Header {
            typ: Some("dpop+jwt".into()),
            jwk: serde_json::from_value(jwk.clone()).ok(),
            ..Header::new(Algorithm::ES256)
        };
        let signed = jsonwebtoken::encode(&signing, claims, key).unwrap();
        let mut parts: Vec<String> = signed.split('.').map(str::to_owned).collect();
        parts[0] = URL_SAFE_NO_PAD.encode(head.to_string());
        // Re-signed over the header as changed, so that only the change is wrong.
        let message = format!("{}.{}", parts[0], parts[1]);
        parts[2] = jsonwebtoken::crypto::sign(message.as_bytes(), key, Algorithm::ES256).unwrap();
        let mut headers = HeaderMap::new();
        headers.insert("dpop", HeaderValue::from_str(&parts.join(".")).unwrap());
        headers
    }

    fn expected(token: Option<&str>, nonce: bool) -> Expected<'_> {
        Expected { method: &Method::GET, htu: HTU.to_owned(), access_token: token, nonce }
    }

    fn refused(result: Result<Checked, Refusal>, why: &str) {
        match result {
            Err(Refusal::Invalid(text)) => assert!(text.contains(why), "{text:?} lacks {why:?}"),
            Err(Refusal::UseNonce) => panic!("asked for a nonce, not refused for {why:?}"),
            Ok(_) => panic!("accepted, but {why:?}"),
        }
    }

    #[test]
    fn a_valid_proof_passes_once_and_names_its_key() {
        let (key, jwk) = key();
        let state = DpopState::new("ES256", 0);
        let headers = proof(&key, &jwk, &claims(Some("tok")), |_| {});
        let checked = state.check(&headers, &expected(Some("tok"), false)).unwrap();
        assert_eq!(Some(checked.jkt), thumbprint(&jwk));
        refused(state.check(&headers, &expected(Some("tok"), false)), "used before");
    }

    #[test]
    fn every_header_member_is_checked() {
        let (key, jwk) = key();
        let state = DpopState::new("ES256", 0);
        let c = claims(None);
        let check = |headers: &HeaderMap| state.check(headers, &expected(None, false));
        refused(check(&HeaderMap::new()), "exactly one DPoP header");
        let mut two = proof(&key, &jwk, &c, |_| {});
        two.append("dpop", proof(&key, &jwk, &claims(None), |_| {})["dpop"].clone());
        refused(check(&two), "exactly one DPoP header");
        refused(check(&proof(&key, &jwk, &c, |h| h["typ"] = "JWT".into())), "typ");
        refused(check(&proof(&key, &jwk, &c, |h| h["alg"] = "HS256".into())), "asymmetric algorithms only");
        refused(check(&proof(&key, &jwk, &c, |h| h["alg"] = "none".into())), "asymmetric algorithms only");
        refused(check(&proof(&key, &jwk, &c, |h| h["jwk"]["d"] = "c2VjcmV0".into())), "private key");
        refused(
            check(&proof(&key, &jwk, &c, |h| h.as_object_mut().unwrap().remove("jwk").map(drop).unwrap_or(()))),
            "no jwk",
        );
        let (_, other) = self::key();
        refused(check(&proof(&key, &jwk, &c, |h| h["jwk"] = other.clone())), "signature does not verify");
        let mut garbage = HeaderMap::new();
        garbage.insert("dpop", HeaderValue::from_static("a.b"));
        refused(check(&garbage), "compact form");
    }

    #[test]
    fn every_claim_is_checked() {
        let (key, jwk) = key();
        let state = DpopState::new("ES256", 0);
        let with = |change: &dyn Fn(&mut Value)| {
            let mut c = claims(Some("tok"));
            change(&mut c);
            proof(&key, &jwk, &c, |_| {})
        };
        let check = |headers: HeaderMap| state.check(&headers, &expected(Some("tok"), false));
        refused(check(with(&|c| c["htm"] = "POST".into())), "htm");
        refused(check(with(&|c| c["htu"] = format!("{HTU}?q=1").into())), "query or a fragment");
        refused(check(with(&|c| c["htu"] = format!("{HTU}#f").into())), "query or a fragment");
        refused(check(with(&|c| c["htu"] = "http://127.0.0.1:8080/other".into())), "is not the request's URI");
        refused(check(with(&|c| c["iat"] = (now() - 600).into())), "iat");
        refused(check(with(&|c| c["iat"] = (now() + 600).into())), "iat");
        refused(check(with(&|c| c["iat"] = "now".into())), "no iat");
        refused(check(with(&|c| c["jti"] = "".into())), "no jti");
        refused(check(with(&|c| c["ath"] = "bm90IHRoZSBoYXNo".into())), "ath is not the hash");
        refused(check(with(&|c| drop(c.as_object_mut().unwrap().remove("ath")))), "no ath");
        assert!(check(with(&|c| c["htu"] = "HTTP://127.0.0.1:8080/protected".into())).is_ok(), "normalised");
    }

    #[test]
    fn nonces_are_required_and_rotated() {
        let (key, jwk) = key();
        let state = DpopState::new("ES256", 3);
        let nonce = |state: &DpopState| state.nonce().to_str().unwrap().to_owned();
        let send = |nonce: Option<&str>| {
            let mut c = claims(None);
            if let Some(nonce) = nonce {
                c["nonce"] = nonce.into();
            }
            state.check(&proof(&key, &jwk, &c, |_| {}), &expected(None, true))
        };
        assert!(matches!(send(None), Err(Refusal::UseNonce)));
        let first = nonce(&state);
        assert!(send(Some("made-up")).is_err());
        // The third request that needs a nonce rotates it before it is checked.
        assert!(matches!(send(Some(&first)), Err(Refusal::UseNonce)));
        let second = nonce(&state);
        assert_ne!(first, second);
        assert!(send(Some(&second)).is_ok() && send(Some(&second)).is_ok());
        assert!(matches!(send(Some(&second)), Err(Refusal::UseNonce)), "rotated again");
    }

    #[test]
    fn uris_compare_after_normalisation() {
        assert!(same_uri("HTTP://127.0.0.1:80/a", "http://127.0.0.1/a"));
        assert!(same_uri("http://Host:8080/a/b", "http://host:8080/a/b"));
        assert!(!same_uri("http://host:8080/a", "http://host:8081/a"));
        assert!(!same_uri("https://host/a", "http://host/a"));
        assert!(!same_uri("http://host/A", "http://host/a"), "paths are case-sensitive");
        assert!(!same_uri("nonsense", "http://host/a"));
    }

    #[test]
    fn thumbprints_follow_rfc_7638() {
        // RFC 7638 section 3.1's example key and thumbprint.
        let jwk = serde_json::json!({
            "kty": "RSA",
            "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
            "e": "AQAB",
            "alg": "RS256",
            "kid": "2011-04-29"
        });
        assert_eq!(thumbprint(&jwk).as_deref(), Some("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"));
        assert_eq!(thumbprint(&serde_json::json!({"kty": "oct", "k": "x"})), None);
    }
}
