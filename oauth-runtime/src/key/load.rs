//! Reading a [`SigningKey`]'s material (feature `jwt`): the private key, the algorithm it
//! signs with, its key id, its certificate's thumbprint and its public JWK.
//!
//! Messages never repeat the material: parser errors that could quote it (serde's "invalid
//! type: string ..") are reduced to where the problem is.

use std::sync::Arc;

use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};
use zeroize::Zeroizing;

use super::{Algorithm, Source};
use crate::{Error, Secret, key::SigningKey};

/// What Google's service-account key file says besides the key.
///
/// ```
/// # fn demo(key: &oauth_runtime::key::SigningKey) -> Result<(), oauth_runtime::Error> {
/// if let Some(account) = key.service_account()? {
///     println!("signing as {}", account.client_email);
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServiceAccount {
    /// The account's address, the issuer of its assertions (`client_email`).
    pub client_email: String,
    /// Where it gets tokens, the audience of its assertions (`token_uri`), if the file says.
    pub token_uri: Option<String>,
    /// The key's id (`private_key_id`), sent as `kid`.
    pub private_key_id: Option<String>,
}

/// The private key, by type.
enum Private {
    Rsa(Box<rsa::RsaPrivateKey>),
    P256(p256::SecretKey),
    Ed25519(Box<ed25519_dalek::SigningKey>),
}

impl Private {
    fn kind(&self) -> &'static str {
        match self {
            Private::Rsa(_) => "an RSA key",
            Private::P256(_) => "an EC P-256 key",
            Private::Ed25519(_) => "an Ed25519 key",
        }
    }

    fn default_algorithm(&self) -> Algorithm {
        match self {
            Private::Rsa(_) => Algorithm::Rs256,
            Private::P256(_) => Algorithm::Es256,
            Private::Ed25519(_) => Algorithm::EdDsa,
        }
    }

    /// The algorithms this key signs with.
    fn algorithms(&self) -> &'static [Algorithm] {
        match self {
            Private::Rsa(_) => &[Algorithm::Rs256, Algorithm::Ps256],
            Private::P256(_) => &[Algorithm::Es256],
            Private::Ed25519(_) => &[Algorithm::EdDsa],
        }
    }

    /// The public half as a JWK (RFC 7517, RFC 8037), without `kid` and `alg`.
    fn public_jwk(&self) -> Value {
        use rsa::traits::PublicKeyParts as _;
        match self {
            Private::Rsa(key) => json!({
                "kty": "RSA",
                "n": URL_SAFE_NO_PAD.encode(key.n().to_bytes_be()),
                "e": URL_SAFE_NO_PAD.encode(key.e().to_bytes_be()),
            }),
            Private::P256(key) => {
                let point = p256::elliptic_curve::sec1::ToEncodedPoint::to_encoded_point(&key.public_key(), false);
                json!({
                    "kty": "EC",
                    "crv": "P-256",
                    "x": URL_SAFE_NO_PAD.encode(point.x().map(|x| x.as_slice()).unwrap_or_default()),
                    "y": URL_SAFE_NO_PAD.encode(point.y().map(|y| y.as_slice()).unwrap_or_default()),
                })
            }
            Private::Ed25519(key) => json!({
                "kty": "OKP",
                "crv": "Ed25519",
                "x": URL_SAFE_NO_PAD.encode(key.verifying_key().to_bytes()),
            }),
        }
    }

    /// The public key's SubjectPublicKeyInfo in DER, as a certificate for it embeds it.
    fn public_key_der(&self) -> Option<Vec<u8>> {
        use rsa::pkcs8::EncodePublicKey as _;
        match self {
            Private::Rsa(key) => key.to_public_key().to_public_key_der().ok().map(|d| d.into_vec()),
            Private::P256(key) => {
                p256::pkcs8::EncodePublicKey::to_public_key_der(&key.public_key()).ok().map(|d| d.into_vec())
            }
            Private::Ed25519(key) => ed25519_dalek::pkcs8::EncodePublicKey::to_public_key_der(&key.verifying_key())
                .ok()
                .map(|d| d.into_vec()),
        }
    }
}

/// A key parsed once, ready to sign: RustCrypto's signing types, which jsonwebtoken would
/// otherwise rebuild from DER for every signature (for P-256 a second scalar multiplication,
/// for RSA the CRT values; BENCHMARKS.md section 11).
pub(crate) enum Signer {
    Rsa { pkcs1: Box<rsa::pkcs1v15::SigningKey<Sha256>>, pss: Box<rsa::pss::BlindedSigningKey<Sha256>> },
    Es256(Box<p256::ecdsa::SigningKey>),
    EdDsa(Box<ed25519_dalek::SigningKey>),
}

impl Signer {
    fn new(private: &Private) -> Signer {
        match private {
            Private::Rsa(key) => Signer::Rsa {
                pkcs1: Box::new(rsa::pkcs1v15::SigningKey::new(key.as_ref().clone())),
                pss: Box::new(rsa::pss::BlindedSigningKey::new(key.as_ref().clone())),
            },
            Private::P256(key) => Signer::Es256(Box::new(p256::ecdsa::SigningKey::from(key))),
            Private::Ed25519(key) => Signer::EdDsa(key.clone()),
        }
    }

    /// The JWS signature of `message` (RFC 7518 section 3): PKCS#1 v1.5 or PSS (salt of 32
    /// bytes) for RSA, both blinded; `r || s` for ES256; Ed25519's 64 bytes.
    pub(crate) fn sign(&self, algorithm: Algorithm, message: &[u8]) -> Result<Vec<u8>, String> {
        use rsa::signature::{RandomizedSigner as _, SignatureEncoding as _};
        let mut rng = rand_core::OsRng;
        let failed = |e: rsa::signature::Error| format!("signing the assertion ({algorithm}) failed: {e}");
        Ok(match (self, algorithm) {
            (Signer::Rsa { pkcs1, .. }, Algorithm::Rs256) => {
                pkcs1.try_sign_with_rng(&mut rng, message).map_err(failed)?.to_vec()
            }
            (Signer::Rsa { pss, .. }, Algorithm::Ps256) => {
                pss.try_sign_with_rng(&mut rng, message).map_err(failed)?.to_vec()
            }
            (Signer::Es256(key), Algorithm::Es256) => {
                let signature: p256::ecdsa::Signature =
                    p256::ecdsa::signature::Signer::try_sign(key.as_ref(), message).map_err(failed)?;
                signature.to_bytes().to_vec()
            }
            (Signer::EdDsa(key), Algorithm::EdDsa) => {
                ed25519_dalek::Signer::sign(key.as_ref(), message).to_bytes().to_vec()
            }
            _ => return Err(format!("this key cannot sign {algorithm}")),
        })
    }
}

/// Everything read from a key, ready to sign with.
pub(crate) struct Loaded {
    pub(crate) signer: Signer,
    /// The algorithm the key signs with unless the vendor declares another one it suits.
    pub(crate) algorithm: Algorithm,
    /// Whether the key's settings (or its JWK) name the algorithm, rather than its type.
    pub(crate) algorithm_named: bool,
    /// The algorithms the key can sign with.
    pub(crate) suits: &'static [Algorithm],
    pub(crate) kind: &'static str,
    pub(crate) kid: Option<String>,
    pub(crate) x5t_s256: Option<String>,
    pub(crate) public_jwk: Value,
    pub(crate) service_account: Option<ServiceAccount>,
}

impl SigningKey {
    /// What was read from the material, reading it on first use.
    pub(crate) fn loaded(&self) -> Result<Arc<Loaded>, String> {
        self.loaded.get_or_init(|| load(self).map(Arc::new)).clone()
    }

    /// Reads the key now: what building a client does with it. Feature `jwt`.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] saying what is wrong with the material (not PEM, an encrypted or a
    /// public key, an unsupported key type or curve, an RSA key under 2048 bits, a
    /// certificate for another key, an algorithm the key cannot sign with), never quoting it.
    ///
    /// ```
    /// use oauth_runtime::key::SigningKey;
    /// let err = SigningKey::from_pem("not a key").check().unwrap_err();
    /// assert!(err.to_string().contains("PEM"), "{err}");
    /// ```
    pub fn check(&self) -> Result<(), Error> {
        self.loaded().map(drop).map_err(Error::Config)
    }

    /// The public half of the key as a JWK (with `kid`, `alg` and `use: sig`): what to
    /// register with the vendor (a JWKS is `{"keys":[..]}` of these). Feature `jwt`.
    ///
    /// # Errors
    ///
    /// As [`SigningKey::check`].
    pub fn public_jwk(&self) -> Result<Value, Error> {
        let loaded = self.loaded().map_err(Error::Config)?;
        let mut jwk = loaded.public_jwk.clone();
        if let Some(map) = jwk.as_object_mut() {
            if let Some(kid) = &loaded.kid {
                map.insert("kid".into(), kid.clone().into());
            }
            map.insert("alg".into(), loaded.algorithm.as_str().into());
            map.insert("use".into(), "sig".into());
        }
        Ok(jwk)
    }

    /// The algorithm the key signs with when the vendor declares none: the one set with
    /// [`with_algorithm`](Self::with_algorithm), the JWK's `alg`, or the key type's (RS256,
    /// ES256, EdDSA). Feature `jwt`.
    ///
    /// # Errors
    ///
    /// As [`SigningKey::check`].
    pub fn signing_algorithm(&self) -> Result<Algorithm, Error> {
        Ok(self.loaded().map_err(Error::Config)?.algorithm)
    }

    /// The key id sent as `kid`: the one set with [`with_kid`](Self::with_kid), the JWK's, or
    /// the service account's `private_key_id`. Feature `jwt`.
    ///
    /// # Errors
    ///
    /// As [`SigningKey::check`].
    pub fn key_id(&self) -> Result<Option<String>, Error> {
        Ok(self.loaded().map_err(Error::Config)?.kid.clone())
    }

    /// The certificate's SHA-256 thumbprint sent as `x5t#S256` (base64url), if the key has a
    /// certificate. Feature `jwt`.
    ///
    /// # Errors
    ///
    /// As [`SigningKey::check`].
    pub fn certificate_thumbprint(&self) -> Result<Option<String>, Error> {
        Ok(self.loaded().map_err(Error::Config)?.x5t_s256.clone())
    }

    /// The service account, for a key made with
    /// [`google_service_account`](Self::google_service_account). Feature `jwt`.
    ///
    /// # Errors
    ///
    /// As [`SigningKey::check`].
    pub fn service_account(&self) -> Result<Option<ServiceAccount>, Error> {
        Ok(self.loaded().map_err(Error::Config)?.service_account.clone())
    }

    /// A compact JWS of `claims` signed with this key: header `alg` (as
    /// [`signing_algorithm`](Self::signing_algorithm)), `typ: JWT`, and `kid` and `x5t#S256`
    /// when known. For assertions of your own; the built-in grants and client
    /// authentications sign theirs. Feature `jwt`.
    ///
    /// # Errors
    ///
    /// As [`SigningKey::check`], or [`Error::Config`] if signing fails.
    pub fn sign(&self, claims: &Value) -> Result<Secret, Error> {
        let loaded = self.loaded().map_err(Error::Config)?;
        let jws = super::sign::signed(
            &loaded.signer,
            loaded.algorithm,
            loaded.kid.as_deref(),
            loaded.x5t_s256.as_deref(),
            claims,
        )
        .map_err(Error::Config)?;
        Ok(Secret::from(jws.as_str()))
    }
}

/// Reads everything from the key's material and settings.
fn load(key: &SigningKey) -> Result<Loaded, String> {
    let text = key.material.as_str();
    let (private, embedded_certificate, mut kid, mut named, service_account) = match key.source {
        Source::Pem => {
            let (private, certificate) = from_pem(text)?;
            (private, certificate, None, None, None)
        }
        Source::Jwk => {
            let jwk = from_jwk(text)?;
            (jwk.private, None, jwk.kid, jwk.alg, None)
        }
        Source::GoogleServiceAccount => {
            let (private, account) = from_service_account(text)?;
            (private, None, account.private_key_id.clone(), None, Some(account))
        }
    };
    if let Some(explicit) = &key.kid {
        kid = Some(explicit.to_string());
    }
    if key.algorithm.is_some() {
        named = key.algorithm;
    }
    if let Private::Rsa(rsa) = &private {
        use rsa::traits::PublicKeyParts as _;
        let bits = rsa.n().bits();
        if bits < 2048 {
            return Err(format!("the RSA key has {bits} bits: RS256 and PS256 need at least 2048"));
        }
    }
    let algorithm = named.unwrap_or_else(|| private.default_algorithm());
    if !private.algorithms().contains(&algorithm) {
        return Err(unsuited(&private, algorithm));
    }
    let certificate = match key.certificate.as_deref() {
        Some(pem) => Some(certificate_der(pem)?),
        None => embedded_certificate,
    };
    let x5t_s256 = match certificate {
        Some(der) => {
            // A certificate embeds its subject's public key verbatim (SubjectPublicKeyInfo).
            let spki = private.public_key_der().ok_or("the key's public half could not be encoded")?;
            if !der.windows(spki.len()).any(|w| w == spki.as_slice()) {
                return Err("the certificate is not for this key: its public key is another one".to_owned());
            }
            Some(URL_SAFE_NO_PAD.encode(Sha256::digest(&der)))
        }
        None => None,
    };
    Ok(Loaded {
        signer: Signer::new(&private),
        algorithm,
        algorithm_named: named.is_some(),
        suits: private.algorithms(),
        kind: private.kind(),
        kid,
        x5t_s256,
        public_jwk: private.public_jwk(),
        service_account,
    })
}

/// Why `private` cannot sign with `algorithm`.
fn unsuited(private: &Private, algorithm: Algorithm) -> String {
    let suits: Vec<&str> = private.algorithms().iter().map(|a| a.as_str()).collect();
    let hint = if algorithm == Algorithm::Hs256 {
        "; HS256 signs with the client secret (`client_auth = \"client_secret_jwt\"`), not with a key"
    } else {
        ""
    };
    format!("{} cannot sign {algorithm}: it signs {}{hint}", private.kind(), suits.join(" or "))
}

/// The private key (and a certificate, if one is there) in PEM text.
fn from_pem(text: &str) -> Result<(Private, Option<Vec<u8>>), String> {
    let blocks = pem::parse_many(text.trim()).map_err(|_| {
        "the key is not PEM text: expected `-----BEGIN PRIVATE KEY-----` (or `RSA PRIVATE KEY`, `EC PRIVATE KEY`) \
         followed by base64 lines and the matching END line"
            .to_owned()
    })?;
    if blocks.is_empty() {
        return Err("the key is not PEM text: expected a `-----BEGIN PRIVATE KEY-----` block".to_owned());
    }
    let mut private = None;
    let mut certificate = None;
    for block in &blocks {
        let der = Zeroizing::new(block.contents().to_vec());
        let key = match block.tag() {
            "PRIVATE KEY" => pkcs8(&der)?,
            "RSA PRIVATE KEY" => {
                use rsa::pkcs1::DecodeRsaPrivateKey as _;
                let key = rsa::RsaPrivateKey::from_pkcs1_der(&der)
                    .map_err(|_| "the RSA PRIVATE KEY block is not a PKCS#1 RSA private key".to_owned())?;
                Private::Rsa(Box::new(key))
            }
            "EC PRIVATE KEY" => {
                let key = p256::SecretKey::from_sec1_der(&der).map_err(|_| {
                    "the EC PRIVATE KEY block is not a SEC1 private key on P-256 (the one curve ES256 uses)".to_owned()
                })?;
                Private::P256(key)
            }
            "ENCRYPTED PRIVATE KEY" => {
                return Err("the key is encrypted: decrypt it first (`openssl pkcs8 -in key.pem -nocrypt`)".to_owned());
            }
            "CERTIFICATE" => {
                certificate.get_or_insert_with(|| block.contents().to_vec());
                continue;
            }
            _ => continue,
        };
        if private.replace(key).is_some() {
            return Err("the PEM text holds more than one private key: give one".to_owned());
        }
    }
    match private {
        Some(private) => Ok((private, certificate)),
        None => {
            let tags: Vec<&str> = blocks.iter().map(|b| b.tag()).collect();
            Err(format!("the PEM text holds no private key (it holds {}): give the private key", tags.join(", ")))
        }
    }
}

/// A PKCS#8 private key, by its algorithm identifier.
fn pkcs8(der: &[u8]) -> Result<Private, String> {
    use rsa::pkcs8::DecodePrivateKey as _;
    let info = rsa::pkcs8::PrivateKeyInfo::try_from(der)
        .map_err(|_| "the PRIVATE KEY block is not a PKCS#8 private key".to_owned())?;
    let bad = |what: &str| format!("the PRIVATE KEY block is not a valid {what} private key");
    match info.algorithm.oid.to_string().as_str() {
        "1.2.840.113549.1.1.1" => {
            Ok(Private::Rsa(Box::new(rsa::RsaPrivateKey::from_pkcs8_der(der).map_err(|_| bad("RSA"))?)))
        }
        "1.2.840.10045.2.1" => {
            let curve = info.algorithm.parameters_oid().map(|oid| oid.to_string()).unwrap_or_default();
            match curve.as_str() {
                "1.2.840.10045.3.1.7" => {
                    Ok(Private::P256(p256::SecretKey::from_pkcs8_der(der).map_err(|_| bad("EC P-256"))?))
                }
                "1.3.132.0.34" => Err("the key is on curve P-384: only P-256 (ES256) is supported".to_owned()),
                "1.3.132.0.35" => Err("the key is on curve P-521: only P-256 (ES256) is supported".to_owned()),
                "1.3.132.0.10" => Err("the key is on curve secp256k1: only P-256 (ES256) is supported".to_owned()),
                other => Err(format!("the EC key is on curve {other}: only P-256 (ES256) is supported")),
            }
        }
        "1.3.101.112" => {
            Ok(Private::Ed25519(Box::new(ed25519_dalek::SigningKey::from_pkcs8_der(der).map_err(|_| bad("Ed25519"))?)))
        }
        "1.3.101.113" => Err("the key is an Ed448 key: only Ed25519 (EdDSA) is supported".to_owned()),
        "1.3.101.110" | "1.3.101.111" => Err("the key is an X25519/X448 key, which cannot sign".to_owned()),
        "1.2.840.113549.1.1.10" => {
            Err("the key is an RSASSA-PSS-only key: give it as a plain RSA key (rsaEncryption) and sign PS256"
                .to_owned())
        }
        other => Err(format!("the key's algorithm {other} is not supported: use RSA, EC P-256 or Ed25519")),
    }
}

/// A certificate's DER from PEM.
fn certificate_der(text: &str) -> Result<Vec<u8>, String> {
    let blocks = pem::parse_many(text.trim()).map_err(|_| "the certificate is not PEM text".to_owned())?;
    blocks
        .iter()
        .find(|b| b.tag() == "CERTIFICATE")
        .map(|b| b.contents().to_vec())
        .ok_or_else(|| "the certificate PEM holds no `-----BEGIN CERTIFICATE-----` block".to_owned())
}

/// A private JWK, read.
struct Jwk {
    private: Private,
    kid: Option<String>,
    alg: Option<Algorithm>,
}

#[derive(serde::Deserialize)]
struct JwkFields {
    kty: Option<String>,
    crv: Option<String>,
    kid: Option<String>,
    alg: Option<String>,
    n: Option<String>,
    e: Option<String>,
    d: Option<String>,
    p: Option<String>,
    q: Option<String>,
    x: Option<String>,
    y: Option<String>,
}

/// Why JSON could not be read, without quoting it.
fn json_problem(what: &str, e: &serde_json::Error) -> String {
    match e.classify() {
        serde_json::error::Category::Data => {
            format!("the {what} is not an object of string fields (line {}, column {})", e.line(), e.column())
        }
        _ => format!("the {what} is not JSON (line {}, column {})", e.line(), e.column()),
    }
}

fn b64(field: &str, value: &Option<String>) -> Result<Zeroizing<Vec<u8>>, String> {
    let value = value.as_deref().ok_or_else(|| format!("the JWK has no `{field}`"))?;
    URL_SAFE_NO_PAD
        .decode(value.trim_end_matches('='))
        .map(Zeroizing::new)
        .map_err(|_| format!("the JWK's `{field}` is not base64url"))
}

fn from_jwk(text: &str) -> Result<Jwk, String> {
    let fields: JwkFields = serde_json::from_str(text).map_err(|e| json_problem("JWK", &e))?;
    let alg = match fields.alg.as_deref() {
        None => None,
        Some(name) => Some(Algorithm::from_name(name).ok_or_else(|| {
            let names: Vec<&str> = Algorithm::ALL.iter().map(|a| a.as_str()).collect();
            format!("the JWK's `alg` {name:?} is not one of {}", names.join(", "))
        })?),
    };
    if fields.d.is_none() {
        return Err("the JWK has no `d`: it is a public key; give the private JWK".to_owned());
    }
    let private = match (fields.kty.as_deref(), fields.crv.as_deref()) {
        (Some("RSA"), _) => {
            let int = |field: &str, value: &Option<String>| -> Result<rsa::BigUint, String> {
                Ok(rsa::BigUint::from_bytes_be(&b64(field, value)?))
            };
            let mut primes = Vec::new();
            for (field, value) in [("p", &fields.p), ("q", &fields.q)] {
                if value.is_some() {
                    primes.push(int(field, value)?);
                }
            }
            let key = rsa::RsaPrivateKey::from_components(
                int("n", &fields.n)?,
                int("e", &fields.e)?,
                int("d", &fields.d)?,
                primes,
            )
            .map_err(|_| "the JWK's RSA parameters do not make a private key".to_owned())?;
            key.validate().map_err(|_| "the JWK's RSA parameters do not make a valid private key".to_owned())?;
            Private::Rsa(Box::new(key))
        }
        (Some("EC"), Some("P-256")) => {
            let key = p256::SecretKey::from_slice(&b64("d", &fields.d)?)
                .map_err(|_| "the JWK's `d` is not a P-256 private key".to_owned())?;
            Private::P256(key)
        }
        (Some("EC"), crv) => {
            return Err(format!("the JWK is on curve {}: only P-256 (ES256) is supported", crv.unwrap_or("(none)")));
        }
        (Some("OKP"), Some("Ed25519")) => {
            let d = b64("d", &fields.d)?;
            let bytes: [u8; 32] = d.as_slice().try_into().map_err(|_| "the JWK's `d` is not 32 bytes".to_owned())?;
            let bytes = Zeroizing::new(bytes);
            Private::Ed25519(Box::new(ed25519_dalek::SigningKey::from_bytes(&bytes)))
        }
        (Some("OKP"), crv) => {
            return Err(format!(
                "the JWK is an OKP key on {}: only Ed25519 (EdDSA) is supported",
                crv.unwrap_or("(none)")
            ));
        }
        (Some("oct"), _) => {
            return Err("the JWK is a symmetric (`oct`) key: for HS256 use `client_auth = \"client_secret_jwt\"` with the client secret".to_owned());
        }
        (Some(kty), _) => return Err(format!("the JWK's `kty` {kty:?} is not supported: use RSA, EC or OKP")),
        (None, _) => return Err("the JWK has no `kty`".to_owned()),
    };
    // The public half, where given, must be this key's: a mix-up would sign with one key and
    // register another.
    let public = private.public_jwk();
    for field in ["n", "e", "x", "y"] {
        let given = match field {
            "n" => &fields.n,
            "e" => &fields.e,
            "x" => &fields.x,
            _ => &fields.y,
        };
        if let (Some(given), Some(derived)) = (given, public.get(field).and_then(Value::as_str))
            && given.trim_end_matches('=') != derived
        {
            return Err(format!("the JWK's `{field}` is not the public half of its `d`"));
        }
    }
    Ok(Jwk { private, kid: fields.kid, alg })
}

#[derive(serde::Deserialize)]
struct ServiceAccountFields {
    #[serde(rename = "type")]
    kind: Option<String>,
    private_key: Option<String>,
    private_key_id: Option<String>,
    client_email: Option<String>,
    token_uri: Option<String>,
}

fn from_service_account(text: &str) -> Result<(Private, ServiceAccount), String> {
    let fields: ServiceAccountFields =
        serde_json::from_str(text).map_err(|e| json_problem("service-account key file", &e))?;
    if let Some(kind) = fields.kind.as_deref().filter(|k| *k != "service_account") {
        return Err(format!(
            "the file is a {kind:?} credential, not a service-account key (`\"type\": \"service_account\"`)"
        ));
    }
    let pem = Zeroizing::new(fields.private_key.ok_or("the service-account key file has no `private_key`")?);
    let client_email = fields.client_email.ok_or("the service-account key file has no `client_email`")?;
    let (private, _) = from_pem(&pem).map_err(|e| format!("its `private_key`: {e}"))?;
    Ok((private, ServiceAccount { client_email, token_uri: fields.token_uri, private_key_id: fields.private_key_id }))
}

#[cfg(test)]
mod tests {
    use rsa::pkcs8::EncodePrivateKey as _;

    use super::*;

    /// Keys generated here, as PEM text of the given tag.
    fn pem_of(tag: &str, der: &[u8]) -> String {
        pem::encode(&pem::Pem::new(tag, der.to_vec()))
    }

    fn random<const N: usize>() -> [u8; N] {
        let mut bytes = [0u8; N];
        getrandom::getrandom(&mut bytes).unwrap();
        bytes
    }

    fn rsa_key(bits: usize) -> rsa::RsaPrivateKey {
        rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, bits).unwrap()
    }

    fn p256_key() -> p256::SecretKey {
        p256::SecretKey::from_slice(&random::<32>()).unwrap()
    }

    /// The signature of `key` checks out with its own public JWK.
    fn verifies(key: &SigningKey) -> Value {
        let jwk: jsonwebtoken::jwk::Jwk = serde_json::from_value(key.public_jwk().unwrap()).unwrap();
        let alg = key.signing_algorithm().unwrap();
        let jws = key.sign(&json!({"iss": "me", "exp": 4_000_000_000u64})).unwrap();
        let mut validation = jsonwebtoken::Validation::new(super::super::sign::tests_jwt_algorithm(alg));
        validation.validate_aud = false;
        let data = jsonwebtoken::decode::<Value>(
            jws.expose_secret(),
            &jsonwebtoken::DecodingKey::from_jwk(&jwk).unwrap(),
            &validation,
        )
        .unwrap();
        assert_eq!(data.claims["iss"], "me");
        serde_json::to_value(&data.header).unwrap()
    }

    #[test]
    fn every_supported_format_reads_and_signs() {
        use rsa::pkcs1::EncodeRsaPrivateKey as _;
        let rsa = rsa_key(2048);
        let p256 = p256_key();
        let ed = ed25519_dalek::SigningKey::from_bytes(&random::<32>());
        let cases = [
            (pem_of("RSA PRIVATE KEY", rsa.to_pkcs1_der().unwrap().as_bytes()), Algorithm::Rs256),
            (pem_of("PRIVATE KEY", rsa.to_pkcs8_der().unwrap().as_bytes()), Algorithm::Rs256),
            (pem_of("PRIVATE KEY", p256.to_pkcs8_der().unwrap().as_bytes()), Algorithm::Es256),
            (pem_of("EC PRIVATE KEY", p256.to_sec1_der().unwrap().as_slice()), Algorithm::Es256),
            (pem_of("PRIVATE KEY", ed.to_pkcs8_der().unwrap().as_bytes()), Algorithm::EdDsa),
        ];
        for (pem, alg) in cases {
            let key = SigningKey::from_pem(pem.clone()).with_kid("k1");
            assert_eq!(key.signing_algorithm().unwrap(), alg, "{pem}");
            let header = verifies(&key);
            assert_eq!((header["kid"].as_str(), header["typ"].as_str()), (Some("k1"), Some("JWT")));
        }
        let pss = SigningKey::from_pem(pem_of("PRIVATE KEY", rsa.to_pkcs8_der().unwrap().as_bytes()))
            .with_algorithm(Algorithm::Ps256);
        assert_eq!(verifies(&pss)["alg"], "PS256");
    }

    #[test]
    fn private_jwks_read_and_must_be_consistent() {
        use rsa::traits::{PrivateKeyParts as _, PublicKeyParts as _};
        let b = |bytes: Vec<u8>| URL_SAFE_NO_PAD.encode(bytes);
        let rsa = rsa_key(2048);
        let rsa_jwk = json!({"kty": "RSA", "kid": "r", "n": b(rsa.n().to_bytes_be()), "e": b(rsa.e().to_bytes_be()),
            "d": b(rsa.d().to_bytes_be()), "p": b(rsa.primes()[0].to_bytes_be()), "q": b(rsa.primes()[1].to_bytes_be())});
        let key = SigningKey::from_jwk(rsa_jwk.to_string());
        assert_eq!(key.key_id().unwrap().as_deref(), Some("r"));
        verifies(&key);
        let p256 = p256_key();
        let public = Private::P256(p256.clone()).public_jwk();
        let ec_jwk = json!({"kty": "EC", "crv": "P-256", "alg": "ES256", "x": public["x"], "y": public["y"], "d": b(p256.to_bytes().to_vec())});
        verifies(&SigningKey::from_jwk(ec_jwk.to_string()));
        let ed = random::<32>();
        let ed_jwk = json!({"kty": "OKP", "crv": "Ed25519", "d": b(ed.to_vec())});
        verifies(&SigningKey::from_jwk(ed_jwk.to_string()));

        let mut wrong = ec_jwk.clone();
        wrong["x"] = rsa_jwk["e"].clone();
        let err = SigningKey::from_jwk(wrong.to_string()).check().unwrap_err().to_string();
        assert!(err.contains("`x` is not the public half"), "{err}");
        let mut public_only = ec_jwk.clone();
        public_only.as_object_mut().unwrap().remove("d");
        assert!(SigningKey::from_jwk(public_only.to_string()).check().unwrap_err().to_string().contains("public key"));
        let mut mismatched_alg = ec_jwk;
        mismatched_alg["alg"] = "RS256".into();
        let err = SigningKey::from_jwk(mismatched_alg.to_string()).check().unwrap_err().to_string();
        assert!(err.contains("cannot sign RS256"), "{err}");
    }

    #[test]
    fn bad_material_is_named_never_quoted() {
        use rsa::pkcs8::EncodePublicKey as _;
        let secretish = "c2VjcmV0LWtleS1tYXRlcmlhbA==";
        let rsa_small = rsa_key(1024);
        let public = rsa_key(2048).to_public_key().to_public_key_der().unwrap();
        let cases = [
            (SigningKey::from_pem(secretish), "not PEM"),
            (
                SigningKey::from_pem(format!("-----BEGIN PRIVATE KEY-----\n{secretish}\n-----END PRIVATE KEY-----")),
                "not a PKCS#8",
            ),
            (
                SigningKey::from_pem(format!(
                    "-----BEGIN ENCRYPTED PRIVATE KEY-----\n{secretish}\n-----END ENCRYPTED PRIVATE KEY-----"
                )),
                "encrypted",
            ),
            (SigningKey::from_pem(pem_of("PUBLIC KEY", public.as_bytes())), "no private key"),
            (
                SigningKey::from_pem(pem_of(
                    "PRIVATE KEY",
                    rsa::pkcs8::EncodePrivateKey::to_pkcs8_der(&rsa_small).unwrap().as_bytes(),
                )),
                "1024 bits",
            ),
            (SigningKey::from_jwk(format!("\"{secretish}\"")), "not an object"),
            (SigningKey::from_jwk(format!("{{\"kty\":\"oct\",\"k\":\"{secretish}\",\"d\":\"x\"}}")), "symmetric"),
            (
                SigningKey::google_service_account(format!(
                    "{{\"type\":\"authorized_user\",\"private_key\":\"{secretish}\"}}"
                )),
                "not a service-account key",
            ),
            (
                SigningKey::google_service_account(format!(
                    "{{\"private_key\":\"{secretish}\",\"client_email\":\"a@b\"}}"
                )),
                "`private_key`: the key is not PEM",
            ),
            (SigningKey::google_service_account("{\"private_key\":\"x\"}"), "no `client_email`"),
            (
                SigningKey::from_pem(pem_of("PRIVATE KEY", p256_key().to_pkcs8_der().unwrap().as_bytes()))
                    .with_algorithm(Algorithm::Hs256),
                "client secret",
            ),
            (
                SigningKey::from_pem(pem_of("PRIVATE KEY", p256_key().to_pkcs8_der().unwrap().as_bytes()))
                    .with_certificate_pem("nope"),
                "certificate",
            ),
        ];
        for (key, expected) in cases {
            let err = key.check().unwrap_err().to_string();
            assert!(err.contains(expected), "{err:?} should say {expected:?}");
            assert!(!err.contains(secretish), "{err}");
        }
    }

    #[test]
    fn service_accounts_give_issuer_audience_and_kid() {
        let p8 = pem_of("PRIVATE KEY", rsa::pkcs8::EncodePrivateKey::to_pkcs8_der(&rsa_key(2048)).unwrap().as_bytes());
        let file = json!({"type": "service_account", "project_id": "p", "private_key_id": "abc123", "private_key": p8,
            "client_email": "robot@p.iam.gserviceaccount.com", "token_uri": "https://oauth2.googleapis.com/token"});
        let key = SigningKey::google_service_account(file.to_string());
        let account = key.service_account().unwrap().unwrap();
        assert_eq!(account.client_email, "robot@p.iam.gserviceaccount.com");
        assert_eq!(account.token_uri.as_deref(), Some("https://oauth2.googleapis.com/token"));
        assert_eq!(key.key_id().unwrap().as_deref(), Some("abc123"));
        assert_eq!(key.clone().with_kid("mine").key_id().unwrap().as_deref(), Some("mine"));
        assert_eq!(verifies(&key)["kid"], "abc123");
    }
}
