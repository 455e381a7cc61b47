//! `client_secret_basic`: the client id and secret in an HTTP Basic header.

use std::{fmt, sync::OnceLock};

use base64::Engine as _;
use reqwest::header::{AUTHORIZATION, HeaderValue};
use zeroize::Zeroizing;

use super::ClientAuthentication;
use crate::{Credentials, Error, TokenRequest, provider::Role};

/// `Authorization: Basic base64(id:secret)`. RFC 6749 section 2.3.1 wants both
/// form-URL-encoded first ([`ClientSecretBasic::new`], `client_auth = "basic"`); some servers
/// do not decode them ([`ClientSecretBasic::raw`], `client_auth = "basic_raw"`).
///
/// ```
/// use oauth_runtime::{Credentials, TokenRequest, TokenRequestKind, auth::*, provider::*};
/// let creds = Credentials::new(ProviderSpec::minimal("D", "/t").fields, vec!["my id".into(), "p:ss".into()]).unwrap();
/// let mut request = TokenRequest::for_test("https://h/token", TokenRequestKind::Grant);
/// ClientSecretBasic::new().apply(&creds, &mut request).unwrap();
/// // base64("my+id:p%3Ass")
/// assert_eq!(request.headers()["authorization"], "Basic bXkraWQ6cCUzQXNz");
/// assert_eq!(request.params().count(), 0);
/// ```
#[non_exhaustive]
pub struct ClientSecretBasic {
    url_encode: bool,
    /// The header value, made on first use: a client's id and secret never change, and each
    /// client has its own instance. Zeroed on drop.
    value: OnceLock<Zeroizing<Vec<u8>>>,
}

impl Clone for ClientSecretBasic {
    /// A clone starts without the header made from the original's credentials: it may serve
    /// a client with others.
    fn clone(&self) -> Self {
        ClientSecretBasic { url_encode: self.url_encode, value: OnceLock::new() }
    }
}

impl fmt::Debug for ClientSecretBasic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientSecretBasic").field("url_encode", &self.url_encode).finish_non_exhaustive()
    }
}

impl ClientSecretBasic {
    /// Id and secret form-URL-encoded before base64, as RFC 6749 says.
    pub const fn new() -> ClientSecretBasic {
        ClientSecretBasic { url_encode: true, value: OnceLock::new() }
    }

    /// Id and secret used as they are, for servers that do not decode them.
    pub const fn raw() -> ClientSecretBasic {
        ClientSecretBasic { url_encode: false, value: OnceLock::new() }
    }
}

impl Default for ClientSecretBasic {
    fn default() -> Self {
        ClientSecretBasic::new()
    }
}

impl ClientAuthentication for ClientSecretBasic {
    fn apply(&self, credentials: &Credentials, request: &mut TokenRequest) -> Result<(), Error> {
        let header = self.value.get_or_init(|| self.encode(credentials));
        // base64 is always a valid header value.
        let value = HeaderValue::from_bytes(header).map_err(|_| Error::config("unreachable: base64 header"))?;
        request.header(AUTHORIZATION, value);
        Ok(())
    }
}

impl ClientSecretBasic {
    /// `Basic base64(id:secret)`, in a buffer zeroed on drop.
    fn encode(&self, credentials: &Credentials) -> Zeroizing<Vec<u8>> {
        let id = credentials.value(Role::ClientId).unwrap_or_default();
        let secret = credentials.value(Role::ClientSecret).unwrap_or_default();
        // Sized for the worst case up front, so no buffer holding the secret is left behind
        // unzeroed when one grows.
        let mut pair = Zeroizing::new(String::with_capacity(3 * (id.len() + secret.len()) + 1));
        for (i, part) in [id, secret].into_iter().enumerate() {
            if i > 0 {
                pair.push(':');
            }
            if self.url_encode {
                pair.extend(form_urlencoded::byte_serialize(part.as_bytes()));
            } else {
                pair.push_str(part);
            }
        }
        const PREFIX: &[u8] = b"Basic ";
        let encoded = base64::encoded_len(pair.len(), true).unwrap_or(0);
        let mut header = Zeroizing::new(vec![0; PREFIX.len() + encoded]);
        header[..PREFIX.len()].copy_from_slice(PREFIX);
        // The buffer has exactly the encoded length, so this cannot fail.
        let _ = base64::engine::general_purpose::STANDARD.encode_slice(pair.as_bytes(), &mut header[PREFIX.len()..]);
        header
    }
}
