//! Signing (feature `jwt`): compact JWS with jsonwebtoken over RustCrypto, fresh `jti`s, and
//! the key a client's credentials hold, checked against the vendor's algorithm.

use std::{
    sync::Arc,
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use serde_json::Value;
use zeroize::Zeroizing;

use super::{Algorithm, load::Loaded};
use crate::{Credential, Credentials, provider::Role};

/// jsonwebtoken picks its backend at run time; another crate in the graph may enable a second
/// one, after which it would refuse to guess. Ours is RustCrypto, said once per process.
fn install_provider() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = jsonwebtoken::crypto::rust_crypto::DEFAULT_PROVIDER.install_default();
    });
}

fn jwt_algorithm(algorithm: Algorithm) -> jsonwebtoken::Algorithm {
    match algorithm {
        Algorithm::Rs256 => jsonwebtoken::Algorithm::RS256,
        Algorithm::Ps256 => jsonwebtoken::Algorithm::PS256,
        Algorithm::Es256 => jsonwebtoken::Algorithm::ES256,
        Algorithm::EdDsa => jsonwebtoken::Algorithm::EdDSA,
        Algorithm::Hs256 => jsonwebtoken::Algorithm::HS256,
    }
}

/// A compact JWS of `claims`: header `alg`, `typ: JWT`, and `kid` and `x5t#S256` when given.
pub(crate) fn jws(
    key: &jsonwebtoken::EncodingKey,
    algorithm: Algorithm,
    kid: Option<&str>,
    x5t_s256: Option<&str>,
    claims: &Value,
) -> Result<Zeroizing<String>, String> {
    install_provider();
    let mut header = jsonwebtoken::Header::new(jwt_algorithm(algorithm));
    header.kid = kid.map(str::to_owned);
    header.x5t_s256 = x5t_s256.map(str::to_owned);
    jsonwebtoken::encode(&header, claims, key)
        .map(Zeroizing::new)
        .map_err(|e| format!("signing the assertion ({algorithm}) failed: {}", e.kind_name()))
}

/// A JWS keyed with a shared secret (HS256, `client_secret_jwt`).
pub(crate) fn hmac_jws(secret: &str, claims: &Value) -> Result<Zeroizing<String>, String> {
    jws(&jsonwebtoken::EncodingKey::from_secret(secret.as_bytes()), Algorithm::Hs256, None, None, claims)
}

/// 128 random bits, base64url: an assertion's `jti`, never used twice.
pub(crate) fn jti() -> Result<String, String> {
    let mut bytes = [0u8; 16];
    getrandom::getrandom(&mut bytes).map_err(|e| format!("the operating system's random generator failed: {e}"))?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// Seconds since the Unix epoch, now.
pub(crate) fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or(Duration::ZERO).as_secs()
}

/// The signing key among `credentials`, read, with the algorithm it signs with for a vendor
/// that declares `declared` (if anything): errors name the field.
pub(crate) fn key_for(
    credentials: &Credentials,
    declared: Option<Algorithm>,
) -> Result<(Arc<Loaded>, Algorithm), String> {
    let (field, credential) =
        credentials.field(Role::SigningKey).ok_or("no field has the role signing_key: add one of type `SigningKey`")?;
    let Credential::Key(key) = credential else {
        return Err(format!("field `{}` has the role signing_key but holds no `SigningKey`", field.name));
    };
    let loaded = key.loaded().map_err(|e| format!("field `{}`: {e}", field.name))?;
    let algorithm = match declared {
        None => loaded.algorithm,
        Some(declared) if loaded.algorithm_named && loaded.algorithm != declared => {
            return Err(format!(
                "field `{}`: the vendor signs {declared}, but the key is set to {}: remove `with_algorithm(..)` (or the JWK's `alg`)",
                field.name, loaded.algorithm
            ));
        }
        Some(declared) if !loaded.suits.contains(&declared) => {
            let suits: Vec<&str> = loaded.suits.iter().map(|a| a.as_str()).collect();
            return Err(format!(
                "field `{}`: the vendor signs {declared}, which {} cannot do (it signs {})",
                field.name,
                loaded.kind,
                suits.join(" or ")
            ));
        }
        Some(declared) => declared,
    };
    Ok((loaded, algorithm))
}

/// Signs `claims` with the loaded key as `algorithm`.
pub(crate) fn with_key(loaded: &Loaded, algorithm: Algorithm, claims: &Value) -> Result<Zeroizing<String>, String> {
    signed(&loaded.signer, algorithm, loaded.kid.as_deref(), loaded.x5t_s256.as_deref(), claims)
}

/// A compact JWS of `claims` signed with a parsed key (RFC 7515 section 7.1): header `alg`,
/// `typ: JWT`, and `kid` and `x5t#S256` when given. The encoding is this crate's, the
/// signature RustCrypto's.
pub(crate) fn signed(
    signer: &super::load::Signer,
    algorithm: Algorithm,
    kid: Option<&str>,
    x5t_s256: Option<&str>,
    claims: &Value,
) -> Result<Zeroizing<String>, String> {
    let mut header = serde_json::Map::new();
    header.insert("typ".to_owned(), "JWT".into());
    header.insert("alg".to_owned(), algorithm.as_str().into());
    if let Some(kid) = kid {
        header.insert("kid".to_owned(), kid.into());
    }
    if let Some(x5t) = x5t_s256 {
        header.insert("x5t#S256".to_owned(), x5t.into());
    }
    // Serialising a map of strings and a JSON value cannot fail.
    let header = serde_json::to_vec(&header).unwrap_or_default();
    let claims = Zeroizing::new(serde_json::to_vec(claims).unwrap_or_default());
    let mut jws = Zeroizing::new(String::with_capacity((header.len() + claims.len()) * 4 / 3 + 360));
    URL_SAFE_NO_PAD.encode_string(&header, &mut jws);
    jws.push('.');
    URL_SAFE_NO_PAD.encode_string(&*claims, &mut jws);
    let signature = signer.sign(algorithm, jws.as_bytes())?;
    jws.push('.');
    URL_SAFE_NO_PAD.encode_string(signature, &mut jws);
    Ok(jws)
}

trait KindName {
    fn kind_name(&self) -> String;
}

impl KindName for jsonwebtoken::errors::Error {
    /// The error's kind alone: its message could in principle carry key bytes.
    fn kind_name(&self) -> String {
        let kind = format!("{:?}", self.kind());
        kind.split(['(', ' ', '{']).next().unwrap_or_default().to_owned()
    }
}

/// The claims of a client assertion (RFC 7523 sections 2.2 and 3): `iss` and `sub` the client
/// id, `aud`, a fresh `jti`, `iat`, `nbf` and `exp`.
pub(crate) fn client_claims(client_id: &str, audience: String, lifetime: Duration) -> Result<Value, String> {
    let now = now();
    Ok(serde_json::json!({
        "iss": client_id,
        "sub": client_id,
        "aud": audience,
        "jti": jti()?,
        "iat": now,
        "nbf": now,
        "exp": now.saturating_add(lifetime.as_secs()),
    }))
}

/// For the key module's tests: the jsonwebtoken algorithm of ours.
#[cfg(test)]
pub(crate) fn tests_jwt_algorithm(algorithm: Algorithm) -> jsonwebtoken::Algorithm {
    install_provider();
    jwt_algorithm(algorithm)
}
