//! The simulator's TLS listener (feature `tls`): HTTPS with a client certificate asked for, as
//! a mutual-TLS authorization server (RFC 8705) serves it.

use std::{io, net::SocketAddr, sync::Arc, time::Duration};

use axum::{extract::connect_info::Connected, serve::IncomingStream, serve::Listener};
use rustls::{
    DistinguishedName, ServerConfig, SignatureScheme,
    client::danger::HandshakeSignatureValid,
    crypto::WebPkiSupportedAlgorithms,
    pki_types::{CertificateDer, PrivateKeyDer, UnixTime, pem::PemObject as _},
    server::{
        WebPkiClientVerifier,
        danger::{ClientCertVerified, ClientCertVerifier},
    },
};
use tokio::net::TcpStream;
use tokio_rustls::{TlsAcceptor, server::TlsStream};

use crate::{peer::Peer, server::SharedListener};

/// The simulator serves HTTPS with this identity and asks every client for a certificate.
///
/// How it knows its client (RFC 8705 section 2) is the registration: [`TlsServer::client_ca`]
/// for `tls_client_auth` (the chain must lead to that authority, and the certificate name the
/// registered DNS name), [`TlsServer::self_signed_client`] for `self_signed_tls_client_auth`
/// (the certificate must be the registered one). Without either, certificates are asked for
/// and not required, and any the client presents binds its tokens.
///
/// ```no_run
/// # async fn demo(chain: &str, key: &str, client_ca: &str) -> std::io::Result<()> {
/// use oauth_sim::{SimConfig, Simulator, TlsServer};
/// # use oauth_runtime::provider::{ClientAuth, Grant, ProviderSpec, TokenEndpoint};
/// # static SPEC: ProviderSpec =
/// #     ProviderSpec::new("Bank", TokenEndpoint::new("/as/token", Grant::ClientCredentials).with_client_auth(ClientAuth::Tls));
/// # let spec = &SPEC;
/// let tls = TlsServer::new(chain, key)?.client_ca(client_ca, "client-1.example.com")?;
/// let sim = Simulator::start_with(SimConfig::for_spec(spec).tls(tls)).await?;
/// assert!(sim.base_url().starts_with("https://"));
/// # Ok(()) }
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub struct TlsServer {
    chain: Vec<CertificateDer<'static>>,
    key: Arc<PrivateKeyDer<'static>>,
    client_roots: Option<Arc<rustls::RootCertStore>>,
    pub(crate) registration: Registration,
}

/// How the token endpoint recognises its mutual-TLS client.
#[derive(Clone, Debug)]
pub(crate) enum Registration {
    /// Nobody: certificates only bind tokens.
    None,
    /// `tls_client_auth` with `tls_client_auth_san_dns`: a chain to the client authority, and
    /// this DNS name in the certificate.
    SubjectDns(String),
    /// `self_signed_tls_client_auth`: one of these certificates' thumbprints.
    Thumbprints(Vec<String>),
}

fn invalid(what: &str) -> impl Fn(rustls::pki_types::pem::Error) -> io::Error + '_ {
    move |e| io::Error::new(io::ErrorKind::InvalidInput, format!("{what}: {e}"))
}

fn certificates(pem: &str, what: &str) -> io::Result<Vec<CertificateDer<'static>>> {
    let chain = CertificateDer::pem_slice_iter(pem.as_bytes()).collect::<Result<Vec<_>, _>>().map_err(invalid(what))?;
    if chain.is_empty() {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, format!("{what}: no PEM certificate")));
    }
    Ok(chain)
}

impl TlsServer {
    /// The server's certificate chain (leaf first; its names must include `127.0.0.1`) and
    /// private key, both PEM.
    ///
    /// # Errors
    ///
    /// When either cannot be read.
    pub fn new(chain_pem: &str, key_pem: &str) -> io::Result<TlsServer> {
        let chain = certificates(chain_pem, "the server certificate")?;
        let key = PrivateKeyDer::from_pem_slice(key_pem.as_bytes()).map_err(invalid("the server key"))?;
        Ok(TlsServer { chain, key: Arc::new(key), client_roots: None, registration: Registration::None })
    }

    /// `tls_client_auth` (RFC 8705 section 2.1): client certificates must chain to `ca_pem`
    /// (a handshake with another one fails), and the token endpoint accepts the one whose
    /// subject alternative names include `dns_name`.
    ///
    /// # Errors
    ///
    /// When the authority's certificate cannot be read.
    pub fn client_ca(mut self, ca_pem: &str, dns_name: &str) -> io::Result<TlsServer> {
        let mut roots = rustls::RootCertStore::empty();
        for cert in certificates(ca_pem, "the client authority")? {
            roots
                .add(cert)
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, format!("the client authority: {e}")))?;
        }
        self.client_roots = Some(Arc::new(roots));
        self.registration = Registration::SubjectDns(dns_name.to_owned());
        Ok(self)
    }

    /// `self_signed_tls_client_auth` (RFC 8705 section 2.2): the token endpoint accepts a
    /// client that presents this certificate (PEM; its `x5t#S256` is what is registered). Call
    /// again to register more than one.
    ///
    /// # Errors
    ///
    /// When the certificate cannot be read.
    pub fn self_signed_client(mut self, cert_pem: &str) -> io::Result<TlsServer> {
        let cert = certificates(cert_pem, "the client certificate")?.remove(0);
        let thumbprint = crate::peer::thumbprint(&cert);
        match &mut self.registration {
            Registration::Thumbprints(known) => known.push(thumbprint),
            other => *other = Registration::Thumbprints(vec![thumbprint]),
        }
        Ok(self)
    }

    fn server_config(&self) -> io::Result<ServerConfig> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let verifier: Arc<dyn ClientCertVerifier> = match &self.client_roots {
            // Without a certificate the handshake goes on, so the token endpoint can answer
            // `invalid_client` as RFC 8705 section 2 says, rather than a TLS alert.
            Some(roots) => WebPkiClientVerifier::builder_with_provider(Arc::clone(roots), Arc::clone(&provider))
                .allow_unauthenticated()
                .build()
                .map_err(|e| io::Error::other(format!("the client verifier: {e}")))?,
            None => Arc::new(AnyClientCertificate { algorithms: provider.signature_verification_algorithms }),
        };
        let mut config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| io::Error::other(e.to_string()))?
            .with_client_cert_verifier(verifier)
            .with_single_cert(self.chain.clone(), self.key.clone_key())
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, format!("the server identity: {e}")))?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(config)
    }

    /// Wraps `inner` so that every connection is TLS.
    pub(crate) fn listener(&self, inner: SharedListener) -> io::Result<TlsListener> {
        Ok(TlsListener { inner, acceptor: TlsAcceptor::from(Arc::new(self.server_config()?)) })
    }
}

impl std::fmt::Debug for TlsServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsServer")
            .field("chain", &self.chain.len())
            .field("client_ca", &self.client_roots.is_some())
            .field("registration", &self.registration)
            .finish_non_exhaustive()
    }
}

/// Asks for a certificate and takes any whose handshake signature holds: a self-signed client
/// is recognised by its registered thumbprint afterwards, not by an authority.
#[derive(Debug)]
struct AnyClientCertificate {
    algorithms: WebPkiSupportedAlgorithms,
}

impl ClientCertVerifier for AnyClientCertificate {
    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &[]
    }

    fn verify_client_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        Ok(ClientCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }

    fn client_auth_mandatory(&self) -> bool {
        false
    }
}

/// Whether `der` names `dns_name` among its subject alternative names.
pub(crate) fn names(der: &[u8], dns_name: &str) -> bool {
    let cert = CertificateDer::from(der);
    let Ok(cert) = webpki::EndEntityCert::try_from(&cert) else { return false };
    let Ok(name) = rustls::pki_types::ServerName::try_from(dns_name) else { return false };
    cert.verify_is_valid_for_subject_name(&name).is_ok()
}

/// TCP connections, each through a TLS handshake (5 s at most) before it is served. The
/// handshakes run one at a time, which a test simulator can afford.
pub(crate) struct TlsListener {
    inner: SharedListener,
    acceptor: TlsAcceptor,
}

impl Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, SocketAddr) {
        loop {
            let (tcp, addr) = self.inner.accept().await;
            // A failed handshake (a certificate from another authority, say) is the client's
            // error to see; the listener goes on.
            if let Ok(Ok(tls)) = tokio::time::timeout(Duration::from_secs(5), self.acceptor.accept(tcp)).await {
                return (tls, addr);
            }
        }
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.local_addr()
    }
}

impl Connected<IncomingStream<'_, TlsListener>> for Peer {
    fn connect_info(stream: IncomingStream<'_, TlsListener>) -> Peer {
        let (_, session) = stream.io().get_ref();
        Peer { certificate: session.peer_certificates().and_then(|c| c.first()).map(|c| Arc::from(c.as_ref())) }
    }
}
