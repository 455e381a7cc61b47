//! Signed assertions, verified as a strict server does (RFC 7523 section 3): client
//! assertions (`private_key_jwt`, `client_secret_jwt`) and JWT-bearer grants.
//!
//! The signature is checked with what the vendor has on file for the client (the public half
//! of [`SimConfig::signing_key`](crate::SimConfig::signing_key), a registered
//! [`SimConfig::public_jwk`](crate::SimConfig::public_jwk), or the client secret for HS256),
//! under the algorithm the vendor declares; then `iss`, `sub`, `aud`, `exp` (in the future,
//! and not too far: [`SimConfig::max_assertion_lifetime`](crate::SimConfig::max_assertion_lifetime)),
//! `iat` and `nbf` (not in the future), and `jti` (never seen before, remembered until the
//! assertion's `exp`). The key id and the certificate thumbprint, when the client's key has
//! them, must be the ones on file. Every refusal says why.

use oauth_runtime::provider::ProviderSpec;

use super::Sent;
use crate::state::Shared;

/// What an assertion is for, which decides what it must name and how a refusal reads.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Purpose {
    /// A `client_assertion`: `iss = sub = client_id`; refused with `invalid_client`.
    Client,
    /// A JWT-bearer grant's `assertion`; refused with `invalid_grant`.
    Grant,
}

/// Verifies `token` for `purpose`: its claims, or why it is refused.
#[cfg(not(feature = "jwt"))]
pub(crate) fn verify(
    _shared: &Shared,
    _spec: &ProviderSpec,
    _sent: &Sent,
    _token: &str,
    _purpose: Purpose,
) -> Result<serde_json::Value, String> {
    Err("this simulator was built without the `jwt` feature of oauth-sim, which verifies signed assertions".to_owned())
}

/// Verifies `token` for `purpose`: its claims, or why it is refused.
#[cfg(feature = "jwt")]
pub(crate) fn verify(
    shared: &Shared,
    spec: &ProviderSpec,
    sent: &Sent,
    token: &str,
    purpose: Purpose,
) -> Result<serde_json::Value, String> {
    jwt::verify(shared, spec, sent, token, purpose)
}

#[cfg(feature = "jwt")]
mod jwt {
    use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

    use jsonwebtoken::{Algorithm as Jose, DecodingKey, Validation};
    use oauth_runtime::{
        key::Algorithm,
        provider::{Audience, ClientAuth, ProviderSpec, Role},
    };
    use serde_json::Value;

    use super::{Purpose, Sent, Shared};

    /// How far in the future `iat` and `nbf` may be: clocks tick in whole seconds.
    const LEEWAY: i64 = 5;

    fn jose(algorithm: Algorithm) -> Jose {
        match algorithm {
            Algorithm::Rs256 => Jose::RS256,
            Algorithm::Ps256 => Jose::PS256,
            Algorithm::Es256 => Jose::ES256,
            Algorithm::EdDsa => Jose::EdDSA,
            _ => Jose::HS256,
        }
    }

    /// The server's now, in seconds since the epoch.
    fn now(shared: &Shared) -> i64 {
        let secs = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or(Duration::ZERO).as_secs();
        i64::try_from(secs).unwrap_or(i64::MAX).saturating_add(shared.config.clock_offset)
    }

    pub(super) fn verify(
        shared: &Shared,
        spec: &ProviderSpec,
        sent: &Sent,
        token: &str,
        purpose: Purpose,
    ) -> Result<Value, String> {
        let _ = jsonwebtoken::crypto::rust_crypto::DEFAULT_PROVIDER.install_default();
        let config = &shared.config;
        let header = jsonwebtoken::decode_header(token).map_err(|_| "the assertion is not a signed JWT".to_owned())?;
        let hmac = purpose == Purpose::Client && spec.token.client_auth == ClientAuth::ClientSecretJwt;
        let key = config.signing_key.as_ref().filter(|_| !hmac);
        let expected = match (hmac, spec.token.assertion.algorithm, key) {
            (true, _, _) => Algorithm::Hs256,
            (false, Some(declared), _) => declared,
            (false, None, Some(key)) => {
                key.signing_algorithm().map_err(|e| format!("the key on file is unusable: {e}"))?
            }
            (false, None, None) => Algorithm::Rs256,
        };
        if header.alg != jose(expected) {
            return Err(format!("the assertion is signed {:?}; this client signs {expected}", header.alg));
        }
        if header.typ.as_deref().is_some_and(|t| !t.eq_ignore_ascii_case("JWT")) {
            return Err("the assertion's typ is not JWT".to_owned());
        }
        let decoding = if hmac {
            DecodingKey::from_secret(config.client_secret.as_bytes())
        } else {
            let jwk = match (&config.public_jwk, key) {
                (Some(jwk), _) => jwk.clone(),
                (None, Some(key)) => key.public_jwk().map_err(|e| format!("the key on file is unusable: {e}"))?,
                (None, None) => return Err("no public key is registered for this client".to_owned()),
            };
            let jwk: jsonwebtoken::jwk::Jwk =
                serde_json::from_value(jwk).map_err(|_| "the registered public key is not a JWK".to_owned())?;
            DecodingKey::from_jwk(&jwk).map_err(|_| "the registered public key is unusable".to_owned())?
        };
        if let Some(key) = key.filter(|_| config.public_jwk.is_none()) {
            check_key_names(spec, key, &header)?;
        }
        let mut validation = Validation::new(jose(expected));
        validation.validate_exp = false;
        validation.validate_nbf = false;
        validation.validate_aud = false;
        validation.required_spec_claims.clear();
        let claims = jsonwebtoken::decode::<Value>(token, &decoding, &validation)
            .map_err(|_| "the assertion's signature does not verify with the client's registered key".to_owned())?
            .claims;
        check_time(shared, &claims)?;
        check_parties(shared, spec, sent, &claims, purpose)?;
        let jti = claims.get("jti").and_then(Value::as_str).filter(|j| !j.is_empty());
        let jti = jti.ok_or("the assertion has no jti")?;
        let exp = claims.get("exp").and_then(Value::as_i64).unwrap_or_default();
        let left = u64::try_from(exp.saturating_sub(now(shared))).unwrap_or_default();
        let until =
            Instant::now().checked_add(Duration::from_secs(left.saturating_add(1))).unwrap_or_else(Instant::now);
        if !shared.claim_jti(jti, until) {
            return Err("the assertion was used before (its jti is not new)".to_owned());
        }
        Ok(claims)
    }

    /// The `kid` and `x5t#S256` headers, against what the client's key on file has.
    fn check_key_names(
        spec: &ProviderSpec,
        key: &oauth_runtime::key::SigningKey,
        header: &jsonwebtoken::Header,
    ) -> Result<(), String> {
        let unusable = |e: oauth_runtime::Error| format!("the key on file is unusable: {e}");
        if let (Some(sent), Some(on_file)) = (header.kid.as_deref(), key.key_id().map_err(unusable)?)
            && sent != on_file
        {
            return Err(format!("the assertion names key {sent:?}, not the client's key"));
        }
        let thumbprint = key.certificate_thumbprint().map_err(unusable)?;
        match (header.x5t_s256.as_deref(), thumbprint) {
            (None, _) if spec.token.assertion.certificate_thumbprint => {
                Err("the assertion names no certificate: its header needs x5t#S256".to_owned())
            }
            (Some(_), None) if spec.token.assertion.certificate_thumbprint => {
                Err("no certificate is registered for this client".to_owned())
            }
            (Some(sent), Some(on_file)) if sent != on_file => {
                Err("the assertion's x5t#S256 is not the thumbprint of the client's certificate".to_owned())
            }
            _ => Ok(()),
        }
    }

    /// `exp` in the future and not too far; `iat` and `nbf` not in the future.
    fn check_time(shared: &Shared, claims: &Value) -> Result<(), String> {
        let now = now(shared);
        let number = |name: &str| match claims.get(name) {
            None => Ok(None),
            Some(v) => v.as_i64().map(Some).ok_or_else(|| format!("the assertion's {name} is not a number")),
        };
        let exp = number("exp")?.ok_or("the assertion has no exp")?;
        if exp <= now {
            return Err(format!("the assertion expired {} s ago", now - exp));
        }
        let iat = number("iat")?;
        for (name, value) in [("iat", iat), ("nbf", number("nbf")?)] {
            if let Some(at) = value.filter(|at| *at > now + LEEWAY) {
                return Err(format!("the assertion's {name} is {} s in the future", at - now));
            }
        }
        let lifetime = exp - iat.unwrap_or(now).min(now);
        let max = i64::try_from(shared.config.max_assertion_lifetime.as_secs()).unwrap_or(i64::MAX);
        if lifetime > max {
            return Err(format!("the assertion lives {lifetime} s; this server accepts at most {max} s"));
        }
        Ok(())
    }

    /// `iss`, `sub` and `aud`, as the vendor expects them for `purpose`.
    fn check_parties(
        shared: &Shared,
        spec: &ProviderSpec,
        sent: &Sent,
        claims: &Value,
        purpose: Purpose,
    ) -> Result<(), String> {
        let config = &shared.config;
        let text = |name: &str| claims.get(name).and_then(Value::as_str);
        let service_account = match config.signing_key.as_ref() {
            Some(key) => key.service_account().ok().flatten(),
            None => None,
        };
        let (issuer, subject) = match purpose {
            Purpose::Client => (config.client_id.clone(), Some(config.client_id.clone())),
            Purpose::Grant if spec.field(Role::ClientId).is_some() => {
                let subject = if spec.field(Role::Username).is_some() { &config.username } else { &config.client_id };
                (config.client_id.clone(), Some(subject.clone()))
            }
            Purpose::Grant => match service_account {
                Some(account) => (account.client_email, None),
                None => {
                    return Err("no issuer is registered for this grant (a client id or a service account)".to_owned());
                }
            },
        };
        if text("iss") != Some(issuer.as_str()) {
            return Err("the assertion's iss is not the client".to_owned());
        }
        match (text("sub"), subject) {
            (sent, Some(expected)) if sent != Some(expected.as_str()) => {
                return Err("the assertion's sub is not the expected subject".to_owned());
            }
            (Some(_), None) => {
                return Err("the assertion's sub names a user this service account may not act for".to_owned());
            }
            _ => {}
        }
        if purpose == Purpose::Client {
            // A client id beside the assertion must be the same client (RFC 7521 section 4.2).
            if let Some((_, field)) = spec.field(Role::ClientId)
                && sent.body.value(field.name).is_some_and(|id| id != issuer)
            {
                return Err("client_id is not the assertion's issuer".to_owned());
            }
        }
        let audience = expected_audience(shared, spec);
        // At a vendor whose refresh endpoint is a path of its own, that endpoint is a token
        // endpoint too: an assertion naming it is for this server.
        let here = format!("{}{}", shared.base_url, sent.parts.uri.path());
        let ours =
            |aud: &str| aud == audience || (spec.token.assertion.audience == Audience::TokenEndpoint && aud == here);
        let matches = match claims.get("aud") {
            Some(Value::String(aud)) => ours(aud),
            Some(Value::Array(auds)) => auds.iter().any(|a| a.as_str().is_some_and(ours)),
            _ => false,
        };
        if !matches {
            return Err(format!("the assertion's aud is not this server ({audience})"));
        }
        Ok(())
    }

    /// What this server takes as its audience: the declared one, its origin, or its token
    /// endpoint.
    fn expected_audience(shared: &Shared, spec: &ProviderSpec) -> String {
        let token_url = format!("{}{}", shared.base_url, spec.token.path);
        match spec.token.assertion.audience {
            Audience::TokenOrigin => shared.base_url.clone(),
            audience => audience.resolve(&token_url),
        }
    }
}
