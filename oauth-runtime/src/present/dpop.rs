//! DPoP (RFC 9449): tokens bound to a key of the client's, presented as
//! `Authorization: DPoP <token>` with a proof of possession (a JWT signed by that key, the
//! `DPoP` header) on every API call and every token request.
//!
//! A proof says what it is for: `htm` (the method), `htu` (the URL without query and
//! fragment), `iat`, a fresh `jti`, on API calls `ath` (the SHA-256 of the access token), and
//! the server's latest `nonce` when it sent one. Nonces are remembered per origin (a bounded
//! number of origins); an answer that asks for a new one (`use_dpop_nonce`) gets one more
//! attempt, once.
//!
//! The key is generated per client (ES256) unless one is supplied ([`DpopKey`]). A token
//! records the key it is bound to ([`TokenBinding`]): it travels with the token through a
//! token store, so that a replica that adopts the token presents it with that key, and a
//! refresh proves possession of the key of the token it renews.

use std::{
    collections::VecDeque,
    fmt,
    sync::{Arc, Mutex, PoisonError},
    time::{SystemTime, UNIX_EPOCH},
};

use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use p256::ecdsa::{Signature, SigningKey, signature::Signer as _};
use rand_core::{OsRng, RngCore as _};
use reqwest::{
    StatusCode,
    header::{AUTHORIZATION, HeaderMap, HeaderName, HeaderValue, WWW_AUTHENTICATE},
};
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};
use url::Url;
use zeroize::Zeroizing;

use super::{Call, Challenge, Prepared, Presentation, TokenAnswer};
use crate::{Error, Secret, Token, TokenBinding, TokenRequest, TokenScheme, provider::DpopAlg};

/// The request header that carries the proof.
const DPOP: HeaderName = HeaderName::from_static("dpop");
/// The answer header that carries the server's nonce.
const DPOP_NONCE: &str = "dpop-nonce";
/// The kind of [`TokenBinding`] a DPoP key exports.
const BINDING_KIND: &str = "dpop";
/// How many servers' nonces are remembered; the one used longest ago is forgotten first.
const NONCES_KEPT: usize = 32;
/// The longest nonce kept: a server's nonce is short, and memory stays bounded.
const NONCE_MAX: usize = 512;

/// The key a client proves possession of: ES256 by default, generated for the client
/// ([`DpopKey::generate`]), or supplied from PEM or a JWK; RS256 and PS256 keys from PEM.
///
/// A secret: its `Debug` shows the algorithm and the public key's thumbprint (RFC 7638, the
/// `jkt` a server binds tokens to) and nothing else; the private key is zeroed on drop and
/// never appears in errors. Cheap to clone (shared).
///
/// ```
/// use oauth_runtime::{present::DpopKey, provider::DpopAlg};
/// let key = DpopKey::generate()?;
/// assert_eq!(key.alg(), DpopAlg::Es256);
/// assert_eq!(key.thumbprint().len(), 43); // base64url of a SHA-256 digest
/// assert!(format!("{key:?}").contains(key.thumbprint()));
/// assert!(key.public_jwk().contains("\"kty\":\"EC\"") && !key.public_jwk().contains("\"d\""));
/// # Ok::<(), oauth_runtime::Error>(())
/// ```
#[derive(Clone)]
pub struct DpopKey(Arc<KeyInner>);

struct KeyInner {
    alg: DpopAlg,
    signer: KeySigner,
    /// The public key as a JWK (no private member), as it goes in the proofs' header.
    public_jwk: String,
    /// The proofs' protected header, base64url: the same for every proof of this key.
    header: String,
    thumbprint: String,
    /// The private key as it travels with the tokens bound to it.
    binding: TokenBinding,
}

enum KeySigner {
    /// Zeroed on drop by p256.
    Es256(SigningKey),
    /// jsonwebtoken's key (zeroed on drop) and its algorithm.
    Rsa(jsonwebtoken::EncodingKey, jsonwebtoken::Algorithm),
}

/// The form of a key inside a [`TokenBinding`]: the algorithm, and the key's bytes in
/// base64url (the P-256 scalar, or the RSA key's DER).
#[derive(Serialize, Deserialize)]
struct Material<'a> {
    alg: &'a str,
    key: &'a str,
}

/// jsonwebtoken's RustCrypto backend, installed unless another backend already is (another
/// crate of the program may enable one).
fn install_provider() {
    let _ = jsonwebtoken::crypto::rust_crypto::DEFAULT_PROVIDER.install_default();
}

fn bad_key(why: &str) -> Error {
    Error::config(format!("the DPoP key {why}"))
}

impl DpopKey {
    /// A new ES256 (P-256) key from the operating system's random source.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when the operating system gives no randomness.
    pub fn generate() -> Result<DpopKey, Error> {
        // A scalar outside the group's order is refused: the odds are about 2^-32 per draw.
        for _ in 0..8 {
            let mut bytes = Zeroizing::new([0u8; 32]);
            OsRng.try_fill_bytes(&mut *bytes).map_err(|_| bad_key("cannot be generated: no randomness"))?;
            if let Ok(key) = SigningKey::from_bytes(&(*bytes).into()) {
                return Ok(DpopKey::es256(key));
            }
        }
        Err(bad_key("cannot be generated"))
    }

    /// A key from PEM: P-256 in PKCS#8 (`PRIVATE KEY`) or SEC1 (`EC PRIVATE KEY`) form, for
    /// ES256; RSA in PKCS#8 or PKCS#1 (`RSA PRIVATE KEY`) form, for RS256 (PS256 with
    /// [`DpopKey::with_alg`]).
    ///
    /// ```
    /// # use oauth_runtime::present::DpopKey;
    /// let error = DpopKey::from_pem("-----BEGIN PRIVATE KEY-----\nbm9wZQ==\n-----END PRIVATE KEY-----").unwrap_err();
    /// assert!(error.to_string().contains("DPoP key"));
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Config`] for anything else (the message quotes none of the input).
    pub fn from_pem(pem: &str) -> Result<DpopKey, Error> {
        use p256::pkcs8::DecodePrivateKey as _;
        if let Ok(key) = SigningKey::from_pkcs8_pem(pem) {
            return Ok(DpopKey::es256(key));
        }
        if let Ok(secret) = p256::SecretKey::from_sec1_pem(pem) {
            return Ok(DpopKey::es256(SigningKey::from(secret)));
        }
        install_provider();
        let key = jsonwebtoken::EncodingKey::from_rsa_pem(pem.as_bytes())
            .map_err(|_| bad_key("is neither a P-256 nor an RSA private key in PEM (PKCS#8, SEC1 or PKCS#1)"))?;
        DpopKey::rsa(key, DpopAlg::Rs256)
    }

    /// A P-256 private key as a JWK (`{"kty":"EC","crv":"P-256","x":..,"y":..,"d":..}`), for
    /// ES256. An `alg` member, if present, must be `ES256`.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] for anything else: RSA keys are read from PEM.
    pub fn from_jwk(jwk: &str) -> Result<DpopKey, Error> {
        #[derive(Deserialize)]
        struct Alg {
            #[serde(default)]
            alg: Option<String>,
            #[serde(default)]
            kty: Option<String>,
        }
        let head: Alg = serde_json::from_str(jwk).map_err(|_| bad_key("is not a JWK (a JSON object)"))?;
        if head.kty.as_deref() == Some("RSA") {
            return Err(bad_key("is an RSA JWK: supply RSA keys as PEM"));
        }
        if head.alg.as_deref().is_some_and(|alg| alg != "ES256") {
            return Err(bad_key("JWK names an algorithm other than ES256"));
        }
        let secret =
            p256::SecretKey::from_jwk_str(jwk).map_err(|_| bad_key("is not a P-256 private key JWK (with `d`)"))?;
        Ok(DpopKey::es256(SigningKey::from(secret)))
    }

    /// The same key for proofs signed with `alg`: RS256 and PS256 for RSA keys, ES256 for
    /// P-256 keys.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when the key cannot sign with `alg`.
    pub fn with_alg(self, alg: DpopAlg) -> Result<DpopKey, Error> {
        if alg == self.0.alg {
            return Ok(self);
        }
        match (&self.0.signer, alg) {
            (KeySigner::Rsa(key, _), DpopAlg::Rs256 | DpopAlg::Ps256) => DpopKey::rsa(key.clone(), alg),
            _ => Err(Error::config(format!("a {} DPoP key cannot sign {} proofs", self.0.alg.as_str(), alg.as_str()))),
        }
    }

    /// The proofs' algorithm.
    pub fn alg(&self) -> DpopAlg {
        self.0.alg
    }

    /// The public key's JWK thumbprint (RFC 7638, SHA-256, base64url): the `jkt` a server
    /// binds the tokens to.
    pub fn thumbprint(&self) -> &str {
        &self.0.thumbprint
    }

    /// The public key as a JWK, without any private member: what a vendor that registers the
    /// client's DPoP key asks for.
    pub fn public_jwk(&self) -> &str {
        &self.0.public_jwk
    }

    /// The key as it travels with the tokens bound to it.
    fn binding(&self) -> &TokenBinding {
        &self.0.binding
    }

    fn es256(key: SigningKey) -> DpopKey {
        let point = key.verifying_key().to_encoded_point(false);
        // An uncompressed point always has both coordinates.
        let (x, y) = (point.x().map(|x| URL_SAFE_NO_PAD.encode(x)), point.y().map(|y| URL_SAFE_NO_PAD.encode(y)));
        let (x, y) = (x.unwrap_or_default(), y.unwrap_or_default());
        let public_jwk = format!(r#"{{"kty":"EC","crv":"P-256","x":"{x}","y":"{y}"}}"#);
        let thumbprint = thumbprint(&format!(r#"{{"crv":"P-256","kty":"EC","x":"{x}","y":"{y}"}}"#));
        let material = material(DpopAlg::Es256, &key.to_bytes());
        DpopKey::assemble(DpopAlg::Es256, KeySigner::Es256(key), public_jwk, thumbprint, material)
    }

    fn rsa(key: jsonwebtoken::EncodingKey, alg: DpopAlg) -> Result<DpopKey, Error> {
        use jsonwebtoken::jwk::{AlgorithmParameters, Jwk};
        install_provider();
        let jws = match alg {
            DpopAlg::Ps256 => jsonwebtoken::Algorithm::PS256,
            _ => jsonwebtoken::Algorithm::RS256,
        };
        let jwk = Jwk::from_encoding_key(&key, jws).map_err(|_| bad_key("is not a usable RSA private key"))?;
        let AlgorithmParameters::RSA(rsa) = jwk.algorithm else { return Err(bad_key("is not an RSA key")) };
        // Signing once here makes a key that cannot sign an error now, not at the first call.
        jsonwebtoken::crypto::sign(b"probe", &key, jws).map_err(|_| bad_key("cannot sign"))?;
        let public_jwk = format!(r#"{{"kty":"RSA","n":"{}","e":"{}"}}"#, rsa.n, rsa.e);
        let thumbprint = thumbprint(&format!(r#"{{"e":"{}","kty":"RSA","n":"{}"}}"#, rsa.e, rsa.n));
        let material = material(alg, key.inner());
        Ok(DpopKey::assemble(alg, KeySigner::Rsa(key, jws), public_jwk, thumbprint, material))
    }

    fn assemble(alg: DpopAlg, signer: KeySigner, public_jwk: String, thumbprint: String, material: Secret) -> DpopKey {
        let header = format!(r#"{{"typ":"dpop+jwt","alg":"{}","jwk":{public_jwk}}}"#, alg.as_str());
        DpopKey(Arc::new(KeyInner {
            alg,
            signer,
            header: URL_SAFE_NO_PAD.encode(header),
            public_jwk,
            thumbprint,
            binding: TokenBinding::new(BINDING_KIND, material),
        }))
    }

    /// The key a token's binding holds.
    fn from_binding(binding: &TokenBinding) -> Result<DpopKey, Error> {
        if binding.kind() != BINDING_KIND {
            return Err(bad_key("is missing: the token is bound to another kind of key"));
        }
        let form: Material<'_> = serde_json::from_str(binding.material().expose_secret())
            .map_err(|_| bad_key("the token is bound to cannot be read"))?;
        let bytes = Zeroizing::new(
            URL_SAFE_NO_PAD.decode(form.key).map_err(|_| bad_key("the token is bound to cannot be read"))?,
        );
        match form.alg {
            "ES256" => SigningKey::from_slice(&bytes)
                .map(DpopKey::es256)
                .map_err(|_| bad_key("the token is bound to is not a P-256 key")),
            "RS256" | "PS256" => {
                let alg = if form.alg == "PS256" { DpopAlg::Ps256 } else { DpopAlg::Rs256 };
                DpopKey::rsa(jsonwebtoken::EncodingKey::from_rsa_der(&bytes), alg)
            }
            _ => Err(bad_key("the token is bound to has an unknown algorithm")),
        }
    }

    /// A proof for `htm` at `htu`, for `access_token`'s hash `ath` on API calls, with the
    /// server's `nonce`.
    fn proof(&self, htm: &str, htu: &str, ath: Option<&str>, nonce: Option<&str>) -> Result<HeaderValue, Error> {
        #[derive(Serialize)]
        struct Claims<'a> {
            jti: &'a str,
            htm: &'a str,
            htu: &'a str,
            iat: u64,
            #[serde(skip_serializing_if = "Option::is_none")]
            ath: Option<&'a str>,
            #[serde(skip_serializing_if = "Option::is_none")]
            nonce: Option<&'a str>,
        }
        let mut jti = [0u8; 16];
        OsRng.try_fill_bytes(&mut jti).map_err(|_| Error::config("no randomness for a DPoP proof's jti"))?;
        let jti = URL_SAFE_NO_PAD.encode(jti);
        let iat = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let claims = Claims { jti: &jti, htm, htu, iat, ath, nonce };
        // Serialising strings and a number cannot fail.
        let claims = serde_json::to_vec(&claims).unwrap_or_default();
        let mut jwt = String::with_capacity(self.0.header.len() + claims.len() * 4 / 3 + 100);
        jwt.push_str(&self.0.header);
        jwt.push('.');
        URL_SAFE_NO_PAD.encode_string(&claims, &mut jwt);
        let signature = match &self.0.signer {
            KeySigner::Es256(key) => {
                let signature: Signature = key.sign(jwt.as_bytes());
                URL_SAFE_NO_PAD.encode(signature.to_bytes())
            }
            KeySigner::Rsa(key, alg) => {
                install_provider();
                jsonwebtoken::crypto::sign(jwt.as_bytes(), key, *alg)
                    .map_err(|_| Error::config("the DPoP key could not sign a proof"))?
            }
        };
        jwt.push('.');
        jwt.push_str(&signature);
        let mut value = HeaderValue::from_str(&jwt).map_err(|_| Error::config("a DPoP proof is not a header value"))?;
        // Not a secret, but replayable for a while: kept out of `Debug` like a token.
        value.set_sensitive(true);
        Ok(value)
    }
}

/// `alg` and `key` as a binding's material, in memory zeroed on drop.
fn material(alg: DpopAlg, key: &[u8]) -> Secret {
    // Sized up front: a buffer that grew would leave a copy of the key behind.
    let mut text = String::with_capacity(32 + key.len().div_ceil(3) * 4);
    text.push_str(r#"{"alg":""#);
    text.push_str(alg.as_str());
    text.push_str(r#"","key":""#);
    URL_SAFE_NO_PAD.encode_string(key, &mut text);
    text.push_str(r#""}"#);
    Secret::new(text)
}

/// RFC 7638: base64url(SHA-256(the required members, sorted, no whitespace)).
fn thumbprint(canonical: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(canonical.as_bytes()))
}

impl fmt::Debug for DpopKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DpopKey").field("alg", &self.0.alg).field("thumbprint", &self.0.thumbprint).finish()
    }
}

/// DPoP (RFC 9449) presentation: a proof on every token request and API call, with a key of
/// its own (see the [module docs](self) of what a proof holds and how nonces are handled).
///
/// A vendor declared with `presentation = "dpop"` gets one when its client is built, with a
/// generated key or the one given to
/// [`ClientBuilder::dpop_key`](crate::ClientBuilder::dpop_key). For a vendor of your own,
/// plug one in with [`ClientBuilder::presentation`](crate::ClientBuilder::presentation).
///
/// ```
/// use oauth_runtime::{Token, present::{Call, Dpop, DpopKey, Presentation}, reqwest::{Method, header::HeaderMap}};
/// let dpop = Dpop::new(DpopKey::generate()?);
/// let token = Token::new("abc").with_token_type("DPoP");
/// let prepared = dpop.prepare(&token)?;
/// let mut headers = HeaderMap::new();
/// dpop.attach(&token, &prepared, &mut Call::new(&Method::GET, "https://api.example.com/v1/me?x=1", &mut headers))?;
/// assert_eq!(headers["authorization"], "DPoP abc");
/// assert_eq!(headers["dpop"].to_str().unwrap().split('.').count(), 3);
/// # Ok::<(), oauth_runtime::Error>(())
/// ```
pub struct Dpop {
    key: DpopKey,
    nonces: Mutex<VecDeque<(String, String)>>,
}

/// What [`Dpop::prepare`] computes once per token: the key it is bound to, the
/// `Authorization` value and the token's hash.
struct Bound {
    key: DpopKey,
    authorization: HeaderValue,
    ath: String,
}

impl Dpop {
    /// Proves possession of `key`.
    pub fn new(key: DpopKey) -> Dpop {
        Dpop { key, nonces: Mutex::new(VecDeque::new()) }
    }

    /// With a new ES256 key ([`DpopKey::generate`]).
    ///
    /// # Errors
    ///
    /// As [`DpopKey::generate`].
    pub fn generate() -> Result<Dpop, Error> {
        Ok(Dpop::new(DpopKey::generate()?))
    }

    /// The key the tokens this presentation obtains are bound to.
    pub fn key(&self) -> &DpopKey {
        &self.key
    }

    /// The vendor's declared DPoP with `alg`, and the builder's key if there is one.
    pub(crate) fn for_spec(vendor: &str, alg: DpopAlg, key: Option<DpopKey>) -> Result<Dpop, Error> {
        let key = match key {
            Some(key) if key.alg() == alg => key,
            Some(key) => {
                return Err(Error::config(format!(
                    "{vendor}: the DPoP key signs {} proofs, but the vendor declares `dpop_alg = \"{}\"`: supply a key for {} (`DpopKey::with_alg` switches an RSA key between RS256 and PS256)",
                    key.alg().as_str(),
                    alg.as_str(),
                    alg.as_str()
                )));
            }
            None if alg == DpopAlg::Es256 => {
                DpopKey::generate().map_err(|e| Error::config(format!("{vendor}: {e}")))?
            }
            None => {
                return Err(Error::config(format!(
                    "{vendor}: DPoP with {} needs a key: supply one with `.dpop_key(DpopKey::from_pem(..)?)` (only ES256 keys are generated)",
                    alg.as_str()
                )));
            }
        };
        Ok(Dpop::new(key))
    }

    /// The key a token (or a request renewing it) is bound to: this presentation's own, or
    /// the one that travelled with it.
    fn key_for(&self, binding: Option<&TokenBinding>) -> Result<DpopKey, Error> {
        match binding {
            Some(binding) if !binding.is(self.key.binding()) => DpopKey::from_binding(binding),
            _ => Ok(self.key.clone()),
        }
    }

    fn with_nonces<R>(&self, f: impl FnOnce(&mut VecDeque<(String, String)>) -> R) -> R {
        f(&mut self.nonces.lock().unwrap_or_else(PoisonError::into_inner))
    }

    /// The latest nonce `origin` sent, if any.
    fn nonce(&self, origin: &str) -> Option<String> {
        self.with_nonces(|nonces| nonces.iter().find(|(o, _)| o == origin).map(|(_, n)| n.clone()))
    }

    /// Remembers the nonce in `headers`, if there is a valid one, as `origin`'s latest;
    /// whether there was one that differs from the one already known.
    fn remember(&self, origin: &str, headers: &HeaderMap) -> bool {
        let Some(nonce) = headers.get(DPOP_NONCE).and_then(|v| v.to_str().ok()).filter(|n| valid_nonce(n)) else {
            return false;
        };
        self.with_nonces(|nonces| {
            let at = nonces.iter().position(|(o, _)| o == origin);
            let known = at.and_then(|i| nonces.remove(i));
            let new = known.as_ref().is_none_or(|(_, n)| n != nonce);
            nonces.push_back((origin.to_owned(), nonce.to_owned()));
            if nonces.len() > NONCES_KEPT {
                nonces.pop_front();
            }
            new
        })
    }
}

impl fmt::Debug for Dpop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let servers = self.with_nonces(|nonces| nonces.len());
        f.debug_struct("Dpop").field("key", &self.key).field("nonces_of_servers", &servers).finish()
    }
}

/// RFC 9449 section 8.1: `nonce = 1*NQCHAR` (printable ASCII but `"` and `\`).
fn valid_nonce(nonce: &str) -> bool {
    !nonce.is_empty()
        && nonce.len() <= NONCE_MAX
        && nonce.bytes().all(|b| (0x21..=0x7e).contains(&b) && b != b'"' && b != b'\\')
}

/// The origin of `url` (the key of the nonce memory) and its `htu`: without query and
/// fragment.
fn origin_and_htu(url: &Url) -> (String, String) {
    let mut htu = url.clone();
    htu.set_query(None);
    htu.set_fragment(None);
    (url.origin().ascii_serialization(), htu.into())
}

/// Whether a `WWW-Authenticate` of `headers` is a DPoP challenge asking for a nonce.
fn asks_for_nonce(headers: &HeaderMap) -> bool {
    headers.get_all(WWW_AUTHENTICATE).iter().filter_map(|v| v.to_str().ok()).any(|challenge| {
        let challenge = challenge.trim_start();
        let dpop = challenge.get(..4).is_some_and(|s| s.eq_ignore_ascii_case("dpop"))
            && challenge[4..].starts_with([' ', '\t', ',']);
        dpop && crate::client::challenge_error_param(challenge).as_deref() == Some("use_dpop_nonce")
    })
}

impl Presentation for Dpop {
    /// `DPoP` tokens only: a Bearer token from a server that should bind it is refused.
    fn accepts(&self, scheme: &TokenScheme) -> bool {
        *scheme == TokenScheme::DPoP
    }

    fn prepare(&self, token: &Token) -> Result<Prepared, Error> {
        let key = self.key_for(token.binding())?;
        let authorization = HeaderValue::from_str(&token.authorization())
            .map_err(|_| Error::config("the token holds characters not allowed in an HTTP header"))?;
        let ath = URL_SAFE_NO_PAD.encode(Sha256::digest(token.access_token().expose_secret().as_bytes()));
        // No header prepared: every call needs a proof of its own.
        Ok(Prepared::none().with_state(Bound { key, authorization, ath }))
    }

    fn attach(&self, token: &Token, prepared: &Prepared, call: &mut Call<'_>) -> Result<(), Error> {
        let computed;
        let bound = match prepared.state::<Bound>() {
            Some(bound) => bound,
            None => {
                computed = self.prepare(token)?;
                computed.state::<Bound>().ok_or_else(|| Error::config("DPoP state missing"))?
            }
        };
        let url = Url::parse(call.url).map_err(|_| Error::config("a DPoP proof needs an absolute URL"))?;
        let (origin, htu) = origin_and_htu(&url);
        let nonce = self.nonce(&origin);
        let proof = bound.key.proof(call.method.as_str(), &htu, Some(&bound.ath), nonce.as_deref())?;
        let mut authorization = bound.authorization.clone();
        authorization.set_sensitive(true);
        call.headers.insert(AUTHORIZATION, authorization);
        call.headers.insert(DPOP, proof);
        Ok(())
    }

    fn on_token_request(&self, request: &mut TokenRequest) -> Result<(), Error> {
        let key = self.key_for(request.binding())?;
        let (origin, htu) = origin_and_htu(request.url());
        let nonce = self.nonce(&origin);
        let proof = key.proof("POST", &htu, None, nonce.as_deref())?;
        request.header(DPOP, proof);
        Ok(())
    }

    fn token_challenge(&self, answer: &TokenAnswer<'_>) -> Challenge {
        let new = self.remember(&answer.url.origin().ascii_serialization(), answer.headers);
        if new && answer.error == Some("use_dpop_nonce") { Challenge::RetrySameToken } else { Challenge::None }
    }

    fn binding(&self) -> Option<TokenBinding> {
        Some(self.key.binding().clone())
    }

    fn challenge(&self, url: &str, status: StatusCode, headers: &HeaderMap) -> Challenge {
        let Ok(url) = Url::parse(url) else { return Challenge::None };
        let new = self.remember(&url.origin().ascii_serialization(), headers);
        if new && status == StatusCode::UNAUTHORIZED && asks_for_nonce(headers) {
            Challenge::RetrySameToken
        } else {
            Challenge::None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(proof: &HeaderValue) -> (serde_json::Value, serde_json::Value) {
        let text = proof.to_str().unwrap();
        let parts: Vec<&str> = text.split('.').collect();
        assert_eq!(parts.len(), 3);
        let decode = |p: &str| serde_json::from_slice(&URL_SAFE_NO_PAD.decode(p).unwrap()).unwrap();
        (decode(parts[0]), decode(parts[1]))
    }

    #[test]
    fn a_proof_says_what_it_is_for() {
        let dpop = Dpop::generate().unwrap();
        let token = Token::new("tok").with_token_type("DPoP");
        let prepared = dpop.prepare(&token).unwrap();
        assert!(prepared.header_value().is_none(), "no fixed header: each call signs");
        let mut headers = HeaderMap::new();
        let method = reqwest::Method::PATCH;
        dpop.attach(&token, &prepared, &mut Call::new(&method, "https://API.example.com:443/a/b?q=1#f", &mut headers))
            .unwrap();
        let (header, body) = claims(&headers[DPOP]);
        assert_eq!((header["typ"].as_str(), header["alg"].as_str()), (Some("dpop+jwt"), Some("ES256")));
        assert!(header["jwk"].get("d").is_none(), "{header}");
        assert_eq!(body["htm"], "PATCH");
        assert_eq!(body["htu"], "https://api.example.com/a/b");
        assert_eq!(body["ath"], URL_SAFE_NO_PAD.encode(Sha256::digest(b"tok")));
        assert!(body.get("nonce").is_none());
        let mut again = HeaderMap::new();
        dpop.attach(&token, &prepared, &mut Call::new(&method, "https://api.example.com/a/b", &mut again)).unwrap();
        assert_ne!(claims(&again[DPOP]).1["jti"], body["jti"], "a fresh jti each time");
    }

    #[test]
    fn nonces_are_per_origin_bounded_and_asked_for_once() {
        let dpop = Dpop::generate().unwrap();
        let mut headers = HeaderMap::new();
        headers.insert("dpop-nonce", HeaderValue::from_static("n1"));
        headers.insert(WWW_AUTHENTICATE, HeaderValue::from_static(r#"DPoP error="use_dpop_nonce", algs="ES256""#));
        let url = "https://a.example/x";
        assert_eq!(dpop.challenge(url, StatusCode::UNAUTHORIZED, &headers), Challenge::RetrySameToken);
        assert_eq!(dpop.challenge(url, StatusCode::UNAUTHORIZED, &headers), Challenge::None, "the same nonce: no loop");
        assert_eq!(dpop.nonce("https://a.example").as_deref(), Some("n1"));
        assert_eq!(dpop.nonce("https://b.example"), None);
        for i in 0..100 {
            dpop.remember(&format!("https://h{i}.example"), &headers);
        }
        assert_eq!(dpop.with_nonces(|n| n.len()), NONCES_KEPT);
        let mut bad = HeaderMap::new();
        bad.insert("dpop-nonce", HeaderValue::from_static("has\"quote"));
        assert!(!dpop.remember("https://c.example", &bad));
        let bearer = HeaderValue::from_static(r#"Bearer error="use_dpop_nonce""#);
        headers.insert(WWW_AUTHENTICATE, bearer);
        headers.insert("dpop-nonce", HeaderValue::from_static("n2"));
        assert_eq!(dpop.challenge(url, StatusCode::UNAUTHORIZED, &headers), Challenge::None, "not a DPoP challenge");
    }

    #[test]
    fn keys_travel_through_their_binding_and_hide_their_material() {
        let key = DpopKey::generate().unwrap();
        let material = key.binding().material().expose_secret().to_owned();
        let back = DpopKey::from_binding(&TokenBinding::new("dpop", Secret::from(material.clone()))).unwrap();
        assert_eq!(back.thumbprint(), key.thumbprint());
        let d: serde_json::Value = serde_json::from_str(&material).unwrap();
        let d = d["key"].as_str().unwrap();
        for shown in [format!("{key:?}"), format!("{:?}", Dpop::new(key.clone())), format!("{:?}", key.binding())] {
            assert!(!shown.contains(d), "{shown}");
        }
        for bad in ["", "{}", r#"{"alg":"ES256","key":"AAAA"}"#, r#"{"alg":"HS256","key":"AAAA"}"#] {
            let error = DpopKey::from_binding(&TokenBinding::new("dpop", Secret::from(bad))).unwrap_err();
            assert!(matches!(error, Error::Config(_)), "{error:?}");
        }
        assert!(DpopKey::from_binding(&TokenBinding::new("mtls", Secret::from(material))).is_err());
    }

    #[test]
    fn jwk_and_pem_keys_and_their_errors() {
        let key = DpopKey::generate().unwrap();
        let KeySigner::Es256(signing) = &key.0.signer else { unreachable!() };
        let jwk = p256::SecretKey::from(signing).to_jwk_string();
        assert_eq!(DpopKey::from_jwk(&jwk).unwrap().thumbprint(), key.thumbprint());
        let pem = {
            use p256::pkcs8::EncodePrivateKey as _;
            signing.to_pkcs8_pem(Default::default()).unwrap()
        };
        assert_eq!(DpopKey::from_pem(&pem).unwrap().thumbprint(), key.thumbprint());
        for bad in ["not json", r#"{"kty":"RSA","n":"x"}"#, r#"{"kty":"EC","alg":"ES384"}"#, key.public_jwk()] {
            let error = DpopKey::from_jwk(bad).unwrap_err();
            assert!(error.to_string().contains("DPoP key"), "{error}");
        }
        assert!(key.clone().with_alg(DpopAlg::Ps256).is_err());
        assert_eq!(key.clone().with_alg(DpopAlg::Es256).unwrap().thumbprint(), key.thumbprint());
    }

    #[test]
    fn declared_algorithms_and_supplied_keys_must_agree() {
        assert!(Dpop::for_spec("V", DpopAlg::Es256, None).is_ok());
        let error = Dpop::for_spec("V", DpopAlg::Rs256, None).unwrap_err();
        assert!(error.to_string().contains("needs a key"), "{error}");
        let error = Dpop::for_spec("V", DpopAlg::Ps256, Some(DpopKey::generate().unwrap())).unwrap_err();
        assert!(error.to_string().contains("dpop_alg = \"PS256\""), "{error}");
    }
}
