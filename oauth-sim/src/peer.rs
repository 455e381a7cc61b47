//! What the simulator knows of a connection's client: its TLS certificate, if it presented one.

use std::sync::Arc;

use axum::{extract::connect_info::Connected, serve::IncomingStream};
use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use sha2::{Digest as _, Sha256};

/// A connection's client, attached to every request (axum's `ConnectInfo`).
#[derive(Clone, Debug, Default)]
pub(crate) struct Peer {
    /// The DER of the certificate the client presented in the TLS handshake.
    pub(crate) certificate: Option<Arc<[u8]>>,
}

impl Peer {
    /// RFC 8705 section 3.1's `x5t#S256`: base64url of the certificate's SHA-256.
    pub(crate) fn thumbprint(&self) -> Option<String> {
        self.certificate.as_deref().map(thumbprint)
    }

    /// The peer of a request, when the simulator served it with connection info.
    pub(crate) fn of(extensions: &axum::http::Extensions) -> Peer {
        extensions.get::<axum::extract::ConnectInfo<Peer>>().map(|c| c.0.clone()).unwrap_or_default()
    }
}

/// `x5t#S256` of a DER certificate.
pub(crate) fn thumbprint(der: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(der))
}

/// Plain TCP: no certificate.
impl Connected<IncomingStream<'_, crate::server::SharedListener>> for Peer {
    fn connect_info(_: IncomingStream<'_, crate::server::SharedListener>) -> Peer {
        Peer::default()
    }
}
