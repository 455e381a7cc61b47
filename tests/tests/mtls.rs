//! Mutual TLS (RFC 8705): `tls_client_auth` and `self_signed_tls_client_auth` over HTTPS
//! against the simulator's TLS listener, with certificate-bound tokens (section 3).
//!
//! Every certificate is made here with rcgen: a server authority and the simulator's
//! certificate for 127.0.0.1, a client authority and clients it signs, self-signed clients.

use oauth_runtime::{Client, ClientIdentity, Error, oauth_provider, reqwest};
use oauth_sim::{SimConfig, Simulator, TlsServer};
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
    KeyUsagePurpose,
};

/// An open-banking-like vendor: client credentials, the client proven by its certificate.
#[oauth_provider(grant = "client_credentials", token_path = "/as/token", client_auth = "tls_client_auth")]
#[derive(Clone)]
struct Bank {
    client_id: String,
    client_certificate: ClientIdentity,
}

/// The same vendor with a registered self-signed certificate.
#[oauth_provider(grant = "client_credentials", token_path = "/as/token", client_auth = "self_signed_tls_client_auth")]
#[derive(Clone)]
struct SelfSigned {
    client_id: String,
    client_certificate: ClientIdentity,
}

/// A FAPI-like vendor: mutual TLS for the client, DPoP for its tokens.
#[oauth_provider(
    grant = "client_credentials",
    token_path = "/as/token",
    client_auth = "tls_client_auth",
    presentation = "dpop"
)]
#[derive(Clone)]
struct Fapi {
    client_id: String,
    client_certificate: ClientIdentity,
}

fn authority(name: &str) -> CertifiedIssuer<'static, KeyPair> {
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.distinguished_name.push(DnType::CommonName, name);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::DigitalSignature];
    CertifiedIssuer::self_signed(params, KeyPair::generate().unwrap()).unwrap()
}

/// A leaf for `names`, signed by `issuer` or self-signed: (certificate PEM, key PEM).
fn leaf(
    names: &[&str],
    usage: ExtendedKeyUsagePurpose,
    issuer: Option<&CertifiedIssuer<'_, KeyPair>>,
) -> (String, String) {
    let mut params = CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>()).unwrap();
    params.distinguished_name.push(DnType::CommonName, names[0]);
    params.extended_key_usages = vec![usage];
    let key = KeyPair::generate().unwrap();
    let cert = match issuer {
        Some(issuer) => params.signed_by(&key, issuer).unwrap(),
        None => params.self_signed(&key).unwrap(),
    };
    (cert.pem(), key.serialize_pem())
}

/// The simulator's side: a server authority the clients trust, and its certificate.
struct Pki {
    server_ca: String,
    server: (String, String),
}

fn pki() -> Pki {
    let server_ca = authority("sim server authority");
    let server = leaf(&["127.0.0.1"], ExtendedKeyUsagePurpose::ServerAuth, Some(&server_ca));
    Pki { server_ca: server_ca.pem(), server }
}

fn client<P: oauth_runtime::Provider>(provider: P, sim: &Simulator, pki: &Pki) -> Client<P> {
    let root = reqwest::Certificate::from_pem(pki.server_ca.as_bytes()).unwrap();
    Client::builder(provider)
        .base_url(&sim.base_url())
        .configure_http(move |b| b.add_root_certificate(root))
        .build()
        .unwrap()
}

async fn bank_sim(pki: &Pki, client_ca: &str, dns: &str) -> Simulator {
    let tls = TlsServer::new(&pki.server.0, &pki.server.1).unwrap().client_ca(client_ca, dns).unwrap();
    let config = SimConfig::for_spec(<Bank as oauth_runtime::Provider>::SPEC).client_id("bank-app").tls(tls);
    Simulator::start_with(config).await.unwrap()
}

#[tokio::test]
async fn tls_client_auth_gets_a_token_and_calls_the_api_with_the_same_certificate() {
    let pki = pki();
    let client_ca = authority("client authority");
    let (cert, key) = leaf(&["client-1.example.com"], ExtendedKeyUsagePurpose::ClientAuth, Some(&client_ca));
    let sim = bank_sim(&pki, &client_ca.pem(), "client-1.example.com").await;
    assert!(sim.base_url().starts_with("https://127.0.0.1:"));

    let bank = client(
        Bank { client_id: "bank-app".into(), client_certificate: ClientIdentity::from_pem(&cert, &key) },
        &sim,
        &pki,
    );
    let token = bank.token().await.expect("a token for the certificate");
    let answer = bank.get(sim.protected_path()).send().await.expect("the bound token on the same certificate");
    assert_eq!(answer.status(), 200);
    assert_eq!(sim.counters().token_requests, 1);

    // The token is bound to the certificate: the same token on a connection without it is
    // refused, as RFC 8705 section 3 requires.
    let root = reqwest::Certificate::from_pem(pki.server_ca.as_bytes()).unwrap();
    let other = reqwest::Client::builder().add_root_certificate(root).build().unwrap();
    let stolen = other.get(sim.protected_url()).bearer_auth(token.access_token().expose_secret()).send().await.unwrap();
    assert_eq!(stolen.status(), 401, "a certificate-bound token without its certificate");
    let challenge = stolen.headers()["www-authenticate"].to_str().unwrap().to_owned();
    assert!(challenge.contains("invalid_token"), "{challenge}");
}

#[tokio::test]
async fn a_certificate_naming_another_client_is_invalid_client() {
    let pki = pki();
    let client_ca = authority("client authority");
    let (cert, key) = leaf(&["client-2.example.com"], ExtendedKeyUsagePurpose::ClientAuth, Some(&client_ca));
    let sim = bank_sim(&pki, &client_ca.pem(), "client-1.example.com").await;
    let bank = client(
        Bank { client_id: "bank-app".into(), client_certificate: ClientIdentity::from_pem(&cert, &key) },
        &sim,
        &pki,
    );
    let err = bank.token().await.expect_err("the certificate names another client");
    assert!(err.is_rejection(), "{err:?}");
    assert!(err.to_string().contains("invalid_client"), "{err}");
}

#[tokio::test]
async fn a_certificate_from_another_authority_fails_the_handshake() {
    let pki = pki();
    let client_ca = authority("client authority");
    let stranger = authority("some other authority");
    let (cert, key) = leaf(&["client-1.example.com"], ExtendedKeyUsagePurpose::ClientAuth, Some(&stranger));
    let sim = bank_sim(&pki, &client_ca.pem(), "client-1.example.com").await;
    let bank = client(
        Bank { client_id: "bank-app".into(), client_certificate: ClientIdentity::from_pem(&cert, &key) },
        &sim,
        &pki,
    );
    let err = bank.token().await.expect_err("the server does not trust the client's authority");
    assert!(matches!(err, Error::Connect { .. }), "{err:?}");
    assert_eq!(sim.counters().token_requests, 0, "no request got through the handshake");
}

#[tokio::test]
async fn self_signed_clients_are_known_by_their_registered_certificate_and_each_presents_its_own() {
    let pki = pki();
    let (first_cert, first_key) = leaf(&["app-1"], ExtendedKeyUsagePurpose::ClientAuth, None);
    let (second_cert, second_key) = leaf(&["app-2"], ExtendedKeyUsagePurpose::ClientAuth, None);
    let (unknown_cert, unknown_key) = leaf(&["app-3"], ExtendedKeyUsagePurpose::ClientAuth, None);
    let tls = TlsServer::new(&pki.server.0, &pki.server.1)
        .unwrap()
        .self_signed_client(&first_cert)
        .unwrap()
        .self_signed_client(&second_cert)
        .unwrap();
    let config = SimConfig::for_spec(<SelfSigned as oauth_runtime::Provider>::SPEC).client_id("app").tls(tls);
    let sim = Simulator::start_with(config).await.unwrap();

    let make = |cert: &str, key: &str| {
        client(
            SelfSigned { client_id: "app".into(), client_certificate: ClientIdentity::from_pem(cert, key) },
            &sim,
            &pki,
        )
    };
    let (first, second) = (make(&first_cert, &first_key), make(&second_cert, &second_key));
    // Two clients in one process, each on its own certificate: each token works on its own
    // client's connections only.
    for c in [&first, &second] {
        c.token().await.expect("a registered certificate");
        assert_eq!(c.get(sim.protected_path()).send().await.unwrap().status(), 200);
    }
    let first_token = first.cached_token().unwrap();
    let crossed = second
        .http()
        .get(sim.protected_url())
        .bearer_auth(first_token.access_token().expose_secret())
        .send()
        .await
        .unwrap();
    assert_eq!(crossed.status(), 401, "the first client's token on the second client's certificate");

    let err = make(&unknown_cert, &unknown_key).token().await.expect_err("an unregistered certificate");
    assert!(err.to_string().contains("invalid_client"), "{err}");
}

#[tokio::test]
async fn without_a_certificate_the_token_endpoint_answers_invalid_client() {
    // The client declares mutual TLS but a configured transport without an identity stands in
    // for the certificate field's absence: the server sees no certificate.
    let pki = pki();
    let client_ca = authority("client authority");
    let sim = bank_sim(&pki, &client_ca.pem(), "client-1.example.com").await;
    let root = reqwest::Certificate::from_pem(pki.server_ca.as_bytes()).unwrap();
    let no_cert = reqwest::Client::builder().add_root_certificate(root).build().unwrap();
    let answer = no_cert
        .post(sim.token_url())
        .form(&[("grant_type", "client_credentials"), ("client_id", "bank-app")])
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 401);
    assert!(answer.text().await.unwrap().contains("no client certificate"));
}

#[test]
fn bad_certificate_material_is_refused_at_build_naming_the_field_and_never_shown() {
    let bank = Bank {
        client_id: "bank-app".into(),
        client_certificate: ClientIdentity::from_pem(
            "not a certificate",
            "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWtleQ==\n-----END PRIVATE KEY-----\n",
        ),
    };
    assert!(!format!("{:?}", bank.client_certificate).contains("c2VjcmV0"));
    let err =
        Client::builder(bank).base_url("https://bank.example.com").build().expect_err("no certificate in the PEM");
    let text = format!("{err} {err:?}");
    assert!(text.contains("client_certificate"), "{text}");
    assert!(!text.contains("c2VjcmV0"), "{text}");
    assert!(matches!(err, Error::Config(_)));
}

#[test]
fn a_shared_transport_cannot_carry_a_certificate_field() {
    let pki = pki();
    let (cert, key) = leaf(&["app-1"], ExtendedKeyUsagePurpose::ClientAuth, None);
    let shared = oauth_runtime::HttpTransport::builder().build().unwrap();
    let bank = Bank { client_id: "bank-app".into(), client_certificate: ClientIdentity::from_pem(&cert, &key) };
    let err =
        Client::builder(bank).base_url("https://bank.example.com").transport(&shared).build().expect_err("shared");
    assert!(err.to_string().contains("shared `.transport(..)` cannot present"), "{err}");
    drop(pki);
}

#[tokio::test]
async fn mutual_tls_and_dpop_together_over_https() {
    let pki = pki();
    let client_ca = authority("client authority");
    let (cert, key) = leaf(&["client-1.example.com"], ExtendedKeyUsagePurpose::ClientAuth, Some(&client_ca));
    let tls = TlsServer::new(&pki.server.0, &pki.server.1)
        .unwrap()
        .client_ca(&client_ca.pem(), "client-1.example.com")
        .unwrap();
    let config = SimConfig::for_spec(<Fapi as oauth_runtime::Provider>::SPEC)
        .client_id("fapi-app")
        .tls(tls)
        .require_dpop_nonce(oauth_sim::Target::Token);
    let sim = Simulator::start_with(config).await.unwrap();
    let fapi = client(
        Fapi { client_id: "fapi-app".into(), client_certificate: ClientIdentity::from_pem(&cert, &key) },
        &sim,
        &pki,
    );
    let token = fapi.token().await.expect("a DPoP token for the certificate's client");
    assert_eq!(token.token_type(), "DPoP");
    // The proofs name `https://` URLs, which the simulator checks against its own scheme.
    assert_eq!(fapi.get(sim.protected_path()).send().await.unwrap().status(), 200);
    let counters = sim.counters();
    assert_eq!((counters.dpop_nonce_challenges, counters.dpop_proofs_refused), (1, 0), "{counters:?}");
}
