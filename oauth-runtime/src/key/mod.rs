//! Signing keys: the private key behind signed client assertions (`private_key_jwt`, RFC 7523
//! section 2.2) and the JWT-bearer grant (section 2.1).
//!
//! A [`SigningKey`] is a credential like a client secret: declare a field of this type in an
//! `#[oauth_provider]` struct and the macro gives it the role `signing_key`. It is a secret:
//! its material is zeroed on drop and never shows in `Debug`, errors, logs or a token store.
//!
//! The type always compiles, so a declaration is the same whatever features are on. Reading
//! and signing need the `jwt` feature: without it, a client whose vendor signs anything is
//! refused when it is built ([`Error::Config`](crate::Error::Config) naming the feature).
//! Key material is read when the client is built, never later: a key that cannot be read is
//! an [`Error::Config`](crate::Error::Config) naming the field, never a failed request.
//!
//! ```
//! use oauth_runtime::key::{Algorithm, SigningKey};
//!
//! let pem = std::env::var("APP_KEY_PEM").unwrap_or_default();
//! let key = SigningKey::from_pem(pem).with_kid("2024-05").with_algorithm(Algorithm::Ps256);
//! assert_eq!(key.algorithm(), Some(Algorithm::Ps256));
//! assert!(!format!("{key:?}").contains("BEGIN"));
//! ```

#[cfg(feature = "jwt")]
mod load;
#[cfg(feature = "jwt")]
pub(crate) mod sign;

use std::{fmt, sync::Arc};

use sha2::{Digest as _, Sha256};
use zeroize::Zeroizing;

#[cfg(feature = "jwt")]
pub use load::ServiceAccount;

/// A JWS signature algorithm (RFC 7518 section 3) of a signed assertion: attribute key
/// `signing_alg` (`"RS256"`, `"PS256"`, `"ES256"`, `"EdDSA"`, and `"HS256"` for
/// `client_secret_jwt`).
///
/// ```
/// use oauth_runtime::key::Algorithm;
/// assert_eq!(Algorithm::EdDsa.as_str(), "EdDSA");
/// assert_eq!(Algorithm::from_name("ES256"), Some(Algorithm::Es256));
/// assert_eq!(Algorithm::from_name("none"), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Algorithm {
    /// RSASSA-PKCS1-v1_5 with SHA-256, an RSA key of at least 2048 bits.
    Rs256,
    /// RSASSA-PSS with SHA-256, an RSA key of at least 2048 bits.
    Ps256,
    /// ECDSA on P-256 with SHA-256.
    Es256,
    /// Ed25519 (RFC 8037).
    EdDsa,
    /// HMAC with SHA-256, keyed with the client secret (`client_secret_jwt` only).
    Hs256,
}

impl Algorithm {
    /// Every algorithm, in the order the documentation lists them.
    pub const ALL: [Algorithm; 5] =
        [Algorithm::Rs256, Algorithm::Ps256, Algorithm::Es256, Algorithm::EdDsa, Algorithm::Hs256];

    /// The `alg` header value.
    pub const fn as_str(self) -> &'static str {
        match self {
            Algorithm::Rs256 => "RS256",
            Algorithm::Ps256 => "PS256",
            Algorithm::Es256 => "ES256",
            Algorithm::EdDsa => "EdDSA",
            Algorithm::Hs256 => "HS256",
        }
    }

    /// The algorithm whose `alg` value is `name` (exactly, as JOSE compares them).
    pub fn from_name(name: &str) -> Option<Algorithm> {
        Algorithm::ALL.into_iter().find(|a| a.as_str() == name)
    }

    /// Whether it signs with a private key (all but HS256).
    pub const fn is_asymmetric(self) -> bool {
        !matches!(self, Algorithm::Hs256)
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a key's material came from, which says how it is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    Pem,
    Jwk,
    GoogleServiceAccount,
}

impl Source {
    fn as_str(self) -> &'static str {
        match self {
            Source::Pem => "pem",
            Source::Jwk => "jwk",
            Source::GoogleServiceAccount => "google_service_account",
        }
    }
}

/// The private key a client signs its assertions with, held as a secret.
///
/// Made from a PEM file ([`SigningKey::from_pem`]: RSA in PKCS#1 or PKCS#8, EC P-256 in PKCS#8
/// or SEC1, Ed25519 in PKCS#8), a private JWK ([`SigningKey::from_jwk`]) or Google's
/// service-account key file as downloaded ([`SigningKey::google_service_account`]). The
/// constructors only keep the text: it is read when a client is built (or by
/// [`SigningKey::check`], feature `jwt`), and a key that cannot be read is then an error
/// naming the field that holds it.
///
/// The algorithm is inferred from the key (RSA: RS256, P-256: ES256, Ed25519: EdDSA) unless
/// [`with_algorithm`](Self::with_algorithm) or the vendor's declaration (`signing_alg`) says
/// otherwise; the JWS header carries [`with_kid`](Self::with_kid)'s key id (a JWK's `kid`, a
/// service account's `private_key_id`) and, with
/// [`with_certificate_pem`](Self::with_certificate_pem), the certificate's SHA-256 thumbprint
/// (`x5t#S256`), which Microsoft Entra identifies certificate credentials by.
///
/// Its `Debug` shows where the key came from and its settings, never the material; it has no
/// `Display`. Clones share the material and what was read from it.
///
/// ```
/// use oauth_runtime::{Credential, key::SigningKey};
///
/// let json = r#"{"type":"service_account","private_key":"-----BEGIN PRIVATE KEY-----\n...","client_email":"a@b.iam.gserviceaccount.com"}"#;
/// let key = SigningKey::google_service_account(json);
/// let shown = format!("{:?}", Credential::from(key));
/// assert!(shown.contains("google_service_account") && !shown.contains("PRIVATE"));
/// ```
#[derive(Clone)]
pub struct SigningKey {
    source: Source,
    material: Arc<Zeroizing<String>>,
    kid: Option<Arc<str>>,
    certificate: Option<Arc<str>>,
    algorithm: Option<Algorithm>,
    /// What identifies this key and its settings in a token store's key: a SHA-256 digest of
    /// them, in hex (a digest of high-entropy key material reveals nothing of it).
    binding: Arc<str>,
    /// What was read from the material, once, shared by the clones.
    #[cfg(feature = "jwt")]
    loaded: Arc<std::sync::OnceLock<Result<Arc<load::Loaded>, String>>>,
}

impl SigningKey {
    fn new(source: Source, material: String) -> SigningKey {
        let mut key = SigningKey {
            source,
            material: Arc::new(Zeroizing::new(material)),
            kid: None,
            certificate: None,
            algorithm: None,
            binding: Arc::from(""),
            #[cfg(feature = "jwt")]
            loaded: Arc::default(),
        };
        key.changed();
        key
    }

    /// A key in PEM text: `-----BEGIN PRIVATE KEY-----` (PKCS#8: RSA, EC P-256 or Ed25519),
    /// `-----BEGIN RSA PRIVATE KEY-----` (PKCS#1) or `-----BEGIN EC PRIVATE KEY-----` (SEC1,
    /// P-256). A `CERTIFICATE` block in the same text is the key's certificate unless
    /// [`with_certificate_pem`](Self::with_certificate_pem) gives one. Encrypted keys are not
    /// read: decrypt them first (`openssl pkcs8 -in key.pem -nocrypt`).
    ///
    /// ```
    /// # use oauth_runtime::key::SigningKey;
    /// let key = SigningKey::from_pem(std::fs::read_to_string("app.pem").unwrap_or_default());
    /// # let _ = key;
    /// ```
    pub fn from_pem(pem: impl Into<String>) -> SigningKey {
        SigningKey::new(Source::Pem, pem.into())
    }

    /// A private JWK (RFC 7517) as JSON text: `kty` `RSA` (with `n`, `e`, `d`, `p`, `q`), `EC`
    /// on `P-256` (`x`, `y`, `d`) or `OKP` on `Ed25519` (`x`, `d`). Its `kid` and `alg`, when
    /// present, are the key id and the algorithm unless set here.
    ///
    /// ```
    /// # use oauth_runtime::key::SigningKey;
    /// let key = SigningKey::from_jwk(r#"{"kty":"OKP","crv":"Ed25519","x":"..","d":"..","kid":"k1"}"#);
    /// # let _ = key;
    /// ```
    pub fn from_jwk(json: impl Into<String>) -> SigningKey {
        SigningKey::new(Source::Jwk, json.into())
    }

    /// Google's service-account key file, the JSON as downloaded: its `private_key` (PKCS#8
    /// PEM, RSA) signs, its `private_key_id` is the key id, its `client_email` the issuer of
    /// JWT-bearer assertions and its `token_uri` their audience.
    ///
    /// ```
    /// # use oauth_runtime::key::SigningKey;
    /// let key = SigningKey::google_service_account(std::fs::read_to_string("sa.json").unwrap_or_default());
    /// # let _ = key;
    /// ```
    pub fn google_service_account(json: impl Into<String>) -> SigningKey {
        SigningKey::new(Source::GoogleServiceAccount, json.into())
    }

    /// Sends `kid` as the JWS key id (the header's `kid`), instead of the one the material
    /// names, if any.
    pub fn with_kid(mut self, kid: impl Into<String>) -> SigningKey {
        self.kid = Some(Arc::from(kid.into()));
        self.changed();
        self
    }

    /// The key's X.509 certificate in PEM: its SHA-256 thumbprint goes in every JWS header as
    /// `x5t#S256` (RFC 7515 section 4.1.8). The certificate must be for this key: one for
    /// another key is an error when the client is built.
    pub fn with_certificate_pem(mut self, certificate: impl Into<String>) -> SigningKey {
        self.certificate = Some(Arc::from(certificate.into()));
        self.changed();
        self
    }

    /// Signs with `algorithm` instead of the one inferred from the key (PS256 for an RSA key
    /// that would sign RS256, say). It must suit the key: RS256 and PS256 an RSA key, ES256 a
    /// P-256 key, EdDSA an Ed25519 key.
    pub fn with_algorithm(mut self, algorithm: Algorithm) -> SigningKey {
        self.algorithm = Some(algorithm);
        self.changed();
        self
    }

    /// The algorithm set with [`with_algorithm`](Self::with_algorithm), if any.
    pub fn algorithm(&self) -> Option<Algorithm> {
        self.algorithm
    }

    /// The key id set with [`with_kid`](Self::with_kid), if any.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// What identifies the key and its settings, for the token store's keys.
    pub(crate) fn binding(&self) -> &str {
        &self.binding
    }

    /// After any change: a new digest, and nothing read yet.
    fn changed(&mut self) {
        let mut digest = Sha256::new();
        digest.update(b"oauth-vendors/signing-key/v1");
        let mut part = |bytes: &[u8]| {
            digest.update(b"|");
            digest.update(bytes.len().to_string().as_bytes());
            digest.update(b":");
            digest.update(bytes);
        };
        part(self.source.as_str().as_bytes());
        part(self.material.as_bytes());
        part(self.kid.as_deref().unwrap_or_default().as_bytes());
        part(self.certificate.as_deref().unwrap_or_default().as_bytes());
        part(self.algorithm.map_or("", Algorithm::as_str).as_bytes());
        let hex: String = digest.finalize().iter().map(|b| format!("{b:02x}")).collect();
        self.binding = Arc::from(format!("signing-key:{hex}"));
        #[cfg(feature = "jwt")]
        {
            self.loaded = Arc::default();
        }
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("source", &self.source.as_str())
            .field("algorithm", &self.algorithm)
            .field("kid", &self.kid)
            .field("certificate", &self.certificate.is_some())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_no_material_and_settings_change_the_binding() {
        let key = SigningKey::from_pem("-----BEGIN PRIVATE KEY-----\nMIIsecret\n-----END PRIVATE KEY-----");
        let shown = format!("{key:?}");
        assert!(!shown.contains("MIIsecret") && !shown.contains("BEGIN"), "{shown}");
        let bindings = [
            key.binding().to_owned(),
            key.clone().with_kid("k").binding().to_owned(),
            key.clone().with_algorithm(Algorithm::Ps256).binding().to_owned(),
            key.clone().with_certificate_pem("cert").binding().to_owned(),
            SigningKey::from_jwk("-----BEGIN PRIVATE KEY-----\nMIIsecret\n-----END PRIVATE KEY-----")
                .binding()
                .to_owned(),
            SigningKey::from_pem("-----BEGIN PRIVATE KEY-----\nMIIsecreT\n-----END PRIVATE KEY-----")
                .binding()
                .to_owned(),
        ];
        for (i, b) in bindings.iter().enumerate() {
            assert!(!b.contains("MIIsecret"));
            for other in &bindings[i + 1..] {
                assert_ne!(b, other);
            }
        }
        assert_eq!(key.binding(), key.clone().binding(), "clones are the same key");
    }

    #[test]
    fn algorithm_names() {
        for alg in Algorithm::ALL {
            assert_eq!(Algorithm::from_name(alg.as_str()), Some(alg));
        }
        assert_eq!(Algorithm::from_name("rs256"), None, "JOSE names are case-sensitive");
    }
}
