//! A TLS client identity (a certificate chain and its private key) held as a credential, for
//! mutual TLS (RFC 8705).

use std::fmt;

use sha2::Digest as _;

use crate::{Error, Secret};

/// A client certificate chain and its private key, both PEM, for mutual TLS.
///
/// Declare a field of this type with `role = "client_certificate"` on an
/// `#[oauth_provider(client_auth = "tls_client_auth")]` struct (or
/// `"self_signed_tls_client_auth"`): the client's own connections then present it, on token
/// requests and on the API calls whose tokens are bound to it (RFC 8705 section 3). Each client
/// has a connection pool of its own, so clients with different certificates in one process
/// each present their own.
///
/// The material is a secret: never in `Debug`, errors or logs, zeroed on drop.
///
/// ```
/// use oauth_runtime::ClientIdentity;
/// let identity = ClientIdentity::from_pem("-----BEGIN CERTIFICATE-----\n...", "-----BEGIN PRIVATE KEY-----\n...");
/// assert_eq!(format!("{identity:?}"), "ClientIdentity([REDACTED])");
/// ```
#[derive(Clone)]
pub struct ClientIdentity {
    /// The key first, then the chain: the form reqwest's rustls backend reads in one piece.
    pem: Secret,
    /// Where the chain starts in `pem`.
    chain_at: usize,
    /// The SHA-256 of the material, hex: what [`Credential::expose`](crate::Credential::expose)
    /// gives and a token store's key digest binds, so that the material itself is never
    /// handed out as a string.
    digest: String,
}

impl ClientIdentity {
    /// The certificate chain (leaf first) and its private key (PKCS#8, PKCS#1 or SEC1), both
    /// PEM. Nothing is parsed yet: bad material is an error when the client is built
    /// ([`ClientBuilder::build`](crate::ClientBuilder::build)), naming the field.
    pub fn from_pem(certificate_chain: impl AsRef<str>, private_key: impl AsRef<str>) -> ClientIdentity {
        let (chain, key) = (certificate_chain.as_ref(), private_key.as_ref());
        let mut pem = String::with_capacity(key.len() + chain.len() + 1);
        pem.push_str(key);
        if !key.ends_with('\n') {
            pem.push('\n');
        }
        let chain_at = pem.len();
        pem.push_str(chain);
        let digest = sha2::Sha256::digest(pem.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
        ClientIdentity { pem: Secret::new(pem), chain_at, digest }
    }

    /// The certificate chain, PEM (not secret).
    pub fn certificate_chain_pem(&self) -> &str {
        &self.pem.expose_secret()[self.chain_at..]
    }

    /// The digest of the whole material, key included: what a token store's key digest binds.
    pub(crate) fn binding(&self) -> &str {
        &self.digest
    }

    /// The identity for reqwest's TLS backend; `field` names the field in errors.
    #[cfg(any(feature = "rustls", feature = "native-tls"))]
    pub(crate) fn to_reqwest(&self, field: &str) -> Result<reqwest::Identity, Error> {
        let bad = |e: reqwest::Error| Error::config(format!("the client certificate in {field} cannot be read: {e}"));
        if !self.certificate_chain_pem().contains("-----BEGIN CERTIFICATE-----") {
            return Err(Error::config(format!("the client certificate in {field} holds no PEM certificate")));
        }
        // With both TLS features on, reqwest's default backend is native-tls, which reads the
        // chain and the key apart; rustls reads them in one piece.
        #[cfg(feature = "native-tls")]
        {
            let key = &self.pem.expose_secret()[..self.chain_at];
            reqwest::Identity::from_pkcs8_pem(self.certificate_chain_pem().as_bytes(), key.as_bytes()).map_err(bad)
        }
        #[cfg(not(feature = "native-tls"))]
        {
            reqwest::Identity::from_pem(self.pem.expose_secret().as_bytes()).map_err(bad)
        }
    }

    /// Without a TLS backend there is no mutual TLS.
    #[cfg(not(any(feature = "rustls", feature = "native-tls")))]
    pub(crate) fn to_reqwest(&self, field: &str) -> Result<std::convert::Infallible, Error> {
        Err(Error::config(format!(
            "{field} holds a client certificate, but oauth-runtime was built without TLS: enable its `rustls` or `native-tls` feature"
        )))
    }
}

impl fmt::Debug for ClientIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ClientIdentity([REDACTED])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chain_is_kept_apart_from_the_key() {
        let id = ClientIdentity::from_pem("CHAIN", "KEY");
        assert_eq!(id.certificate_chain_pem(), "CHAIN");
        assert_eq!(id.binding().len(), 64);
        assert_ne!(id.binding(), ClientIdentity::from_pem("CHAIN", "KEY2").binding());
        assert!(!format!("{id:?}").contains("KEY"));
    }
}
