//! Signed client assertions (`private_key_jwt`, `client_secret_jwt`, RFC 7523 section 2.2) and
//! the JWT-bearer grant (section 2.1), over HTTP against the spec simulators, which verify
//! them as strict servers do. Every key is made here: RSA with the `rsa` crate, EC and Ed25519
//! (and certificates) with `rcgen`.

mod common;

use std::time::Duration;

use common::{FAST_RETRY, bounded, capture_logs};
use oauth_runtime::{Client, Error, ErrorCode, Provider, Secret, TokenParams, key::SigningKey, oauth_provider};
use oauth_sim::{Fault, SimConfig, Simulator, Target};
use oauth_specs::{GoogleServiceAccount, MicrosoftEntra, Salesforce};

const LIMIT: Duration = Duration::from_secs(20);

/// `private_key_jwt` with the client-credentials grant, the algorithm the key's.
#[derive(Debug, Clone)]
#[oauth_provider(grant = "client_credentials", token_path = "/oauth2/token", client_auth = "private_key_jwt")]
struct KeyClient {
    client_id: String,
    key: SigningKey,
}

/// The same, the vendor declaring PS256.
#[derive(Debug, Clone)]
#[oauth_provider(
    grant = "client_credentials",
    token_path = "/token",
    client_auth = "private_key_jwt",
    signing_alg = "PS256"
)]
struct Pss {
    client_id: String,
    key: SigningKey,
}

/// A vendor that takes ES256 only.
#[derive(Debug, Clone)]
#[oauth_provider(
    grant = "client_credentials",
    token_path = "/token",
    client_auth = "private_key_jwt",
    signing_alg = "ES256"
)]
struct EcOnly {
    client_id: String,
    key: SigningKey,
}

/// `client_secret_jwt`: HS256 with the secret, which never travels.
#[derive(Debug, Clone)]
#[oauth_provider(grant = "client_credentials", token_path = "/token", client_auth = "client_secret_jwt")]
struct HmacClient {
    client_id: String,
    client_secret: Secret,
}

/// A client whose assertions live ten minutes, longer than the simulator accepts.
#[derive(Debug, Clone)]
#[oauth_provider(
    grant = "client_credentials",
    token_path = "/token",
    client_auth = "private_key_jwt",
    assertion_lifetime = 600
)]
struct LongLived {
    client_id: String,
    key: SigningKey,
}

/// The JWT-bearer grant with a key and nothing that names an issuer.
#[derive(Debug, Clone)]
#[oauth_provider(grant = "jwt_bearer", token_path = "/token")]
struct Anonymous {
    key: SigningKey,
}

fn rsa_key() -> rsa::RsaPrivateKey {
    rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).expect("an RSA key")
}

fn rsa_pkcs8(key: &rsa::RsaPrivateKey) -> String {
    use rsa::pkcs8::{EncodePrivateKey as _, LineEnding};
    key.to_pkcs8_pem(LineEnding::LF).unwrap().to_string()
}

fn rsa_pkcs1(key: &rsa::RsaPrivateKey) -> String {
    use rsa::pkcs1::{EncodeRsaPrivateKey as _, LineEnding};
    key.to_pkcs1_pem(LineEnding::CRLF).unwrap().to_string()
}

fn rcgen_pem(alg: &'static rcgen::SignatureAlgorithm) -> String {
    rcgen::KeyPair::generate_for(alg).expect("a key").serialize_pem()
}

fn certificate(pem: &str) -> String {
    let key = rcgen::KeyPair::from_pem(pem).expect("rcgen reads the key");
    rcgen::CertificateParams::new(vec!["client.example.com".to_owned()]).unwrap().self_signed(&key).unwrap().pem()
}

/// The body of a PEM block, the part that must never show.
fn body_of(pem: &str) -> String {
    pem.lines().filter(|l| !l.starts_with("-----")).collect::<Vec<_>>().concat()
}

fn client<P: Provider>(provider: P, sim: &Simulator) -> Client<P> {
    Client::builder(provider)
        .base_url(&sim.base_url())
        .retry(FAST_RETRY)
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap()
}

/// A token, a call with it, and a second token by a second assertion.
async fn round_trip<P: Provider + Clone>(provider: P) -> Simulator {
    let sim = Simulator::for_provider(provider.clone()).await.unwrap();
    let client = client(provider, &sim);
    bounded(LIMIT, client.token()).await.unwrap();
    assert_eq!(client.get(sim.protected_path()).send().await.unwrap().status(), 200);
    bounded(LIMIT, client.refresh()).await.unwrap();
    let c = sim.counters();
    assert_eq!((c.token_requests, c.api_authorized, c.assertions_replayed), (2, 1, 0));
    sim
}

fn code(result: Result<impl std::fmt::Debug, Error>) -> (ErrorCode, String) {
    match result {
        Err(Error::OAuth(e)) => (e.code.clone(), e.description.clone().unwrap_or_default()),
        other => panic!("expected the vendor's refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn every_algorithm_end_to_end() {
    let rsa = rsa_key();
    let id = "cliént id@+%&=/".to_owned();
    // RS256 from PKCS#1 (CRLF line ends) and from PKCS#8, with a kid.
    round_trip(KeyClient { client_id: id.clone(), key: SigningKey::from_pem(rsa_pkcs1(&rsa)) }).await;
    round_trip(KeyClient { client_id: id.clone(), key: SigningKey::from_pem(rsa_pkcs8(&rsa)).with_kid("2024-05") })
        .await;
    // PS256, declared by the vendor, with the same RSA key.
    round_trip(Pss { client_id: id.clone(), key: SigningKey::from_pem(rsa_pkcs8(&rsa)) }).await;
    // ES256 and EdDSA from rcgen's PKCS#8.
    round_trip(KeyClient {
        client_id: id.clone(),
        key: SigningKey::from_pem(rcgen_pem(&rcgen::PKCS_ECDSA_P256_SHA256)),
    })
    .await;
    round_trip(EcOnly { client_id: id.clone(), key: SigningKey::from_pem(rcgen_pem(&rcgen::PKCS_ECDSA_P256_SHA256)) })
        .await;
    round_trip(KeyClient { client_id: id.clone(), key: SigningKey::from_pem(rcgen_pem(&rcgen::PKCS_ED25519)) }).await;
    // A private JWK of the EC key, read back from a public one plus `d`: the public half is
    // what the simulator verifies with, so the two must agree.
    let ec = SigningKey::from_pem(rcgen_pem(&rcgen::PKCS_ECDSA_P256_SHA256));
    let public = ec.public_jwk().unwrap();
    assert_eq!(
        (public["kty"].as_str(), public["alg"].as_str(), public["use"].as_str()),
        (Some("EC"), Some("ES256"), Some("sig"))
    );
    assert!(public.get("d").is_none(), "the public JWK holds no private part");
    // HS256 keyed with the client secret.
    round_trip(HmacClient { client_id: id, client_secret: Secret::from("s3cr:et @+%&=/ ß\"\\") }).await;
}

#[tokio::test]
async fn the_three_signing_vendors() {
    let rsa = rsa_pkcs8(&rsa_key());
    // Google: the file's token_uri is the audience; the scope travels in the assertion.
    let file = |token_uri: &str| {
        serde_json::json!({"type": "service_account", "private_key_id": "kid-1", "private_key": rsa,
            "client_email": "robot@project.iam.gserviceaccount.com", "token_uri": token_uri})
        .to_string()
    };
    let scope = "https://www.googleapis.com/auth/cloud-platform".to_owned();
    let google =
        |uri: &str| GoogleServiceAccount { key: SigningKey::google_service_account(file(uri)), scope: scope.clone() };
    let sim = Simulator::for_provider(google("https://oauth2.googleapis.com/token")).await.unwrap();
    let client = client(google(&sim.token_url()), &sim);
    bounded(LIMIT, client.token()).await.unwrap();
    // Another scope than the one on file is the vendor's refusal, proving it was in the claim.
    let other = client.with_token_params(TokenParams::new().scope("https://www.googleapis.com/auth/drive"));
    assert_eq!(code(bounded(LIMIT, other.token()).await).0, ErrorCode::InvalidScope);
    // A file whose token_uri is not this server: the audience is wrong.
    let elsewhere = self::client(google("https://oauth2.example.com/token"), &sim);
    let (code_, why) = code(bounded(LIMIT, elsewhere.token()).await);
    assert_eq!(code_, ErrorCode::InvalidGrant);
    assert!(why.contains("aud"), "{why}");

    // Salesforce: sub the user, aud the login host.
    let salesforce = Salesforce {
        client_id: "3MVG9key".into(),
        username: "ann@example.com".into(),
        key: SigningKey::from_pem(rsa.clone()),
    };
    round_trip(salesforce.clone()).await;
    let sim = Simulator::for_provider(salesforce.clone()).await.unwrap();
    let impostor = self::client(Salesforce { username: "root@example.com".into(), ..salesforce }, &sim);
    let (code_, why) = code(bounded(LIMIT, impostor.token()).await);
    assert_eq!(code_, ErrorCode::InvalidGrant);
    assert!(why.contains("sub"), "{why}");

    // Entra: the certificate's thumbprint names the key.
    let entra = MicrosoftEntra {
        client_id: "app-id".into(),
        certificate_key: SigningKey::from_pem(rsa.clone()).with_certificate_pem(certificate(&rsa)),
    };
    let thumbprint = entra.certificate_key.certificate_thumbprint().unwrap().unwrap();
    assert_eq!(thumbprint.len(), 43, "base64url of 32 bytes");
    round_trip(entra).await;
}

#[tokio::test]
async fn a_key_the_vendor_does_not_know_is_refused() {
    let (mine, theirs) = (rsa_pkcs8(&rsa_key()), rsa_pkcs8(&rsa_key()));
    let registered = KeyClient { client_id: "id".into(), key: SigningKey::from_pem(mine) };
    let sim = Simulator::for_provider(registered).await.unwrap();
    let stranger = client(KeyClient { client_id: "id".into(), key: SigningKey::from_pem(theirs.clone()) }, &sim);
    let (code_, why) = code(bounded(LIMIT, stranger.token()).await);
    assert_eq!(code_, ErrorCode::InvalidClient);
    assert!(why.contains("signature"), "{why}");
    // A key of another type than the one on file: signed with another algorithm.
    let ec = client(
        KeyClient { client_id: "id".into(), key: SigningKey::from_pem(rcgen_pem(&rcgen::PKCS_ECDSA_P256_SHA256)) },
        &sim,
    );
    let (_, why) = code(bounded(LIMIT, ec.token()).await);
    assert!(why.contains("ES256"), "{why}");
    // A wrong client id is another issuer.
    let other_id = client(KeyClient { client_id: "not-id".into(), key: SigningKey::from_pem(theirs) }, &sim);
    assert_eq!(code(bounded(LIMIT, other_id.token()).await).0, ErrorCode::InvalidClient);
    // The JWT-bearer grant refuses with invalid_grant.
    let salesforce =
        |pem: String| Salesforce { client_id: "k".into(), username: "u".into(), key: SigningKey::from_pem(pem) };
    let sim = Simulator::for_provider(salesforce(rsa_pkcs8(&rsa_key()))).await.unwrap();
    let wrong = client(salesforce(rsa_pkcs8(&rsa_key())), &sim);
    assert_eq!(code(bounded(LIMIT, wrong.token()).await).0, ErrorCode::InvalidGrant);
    // HS256 with another secret.
    let hmac = HmacClient { client_id: "id".into(), client_secret: Secret::from("right") };
    let sim = Simulator::for_provider(hmac).await.unwrap();
    let wrong = client(HmacClient { client_id: "id".into(), client_secret: Secret::from("wrong") }, &sim);
    assert_eq!(code(bounded(LIMIT, wrong.token()).await).0, ErrorCode::InvalidClient);
}

#[tokio::test]
async fn expired_future_and_long_lived_assertions_are_refused() {
    let pem = rcgen_pem(&rcgen::PKCS_ED25519);
    let provider = KeyClient { client_id: "id".into(), key: SigningKey::from_pem(pem.clone()) };
    // The server's clock two minutes ahead: a 60 s assertion has expired when it arrives.
    let late = Simulator::start_with(SimConfig::for_provider(provider.clone()).clock_offset(120)).await.unwrap();
    let (code_, why) = code(bounded(LIMIT, client(provider.clone(), &late).token()).await);
    assert_eq!(code_, ErrorCode::InvalidClient);
    assert!(why.contains("expired"), "{why}");
    // Two minutes behind: issued in the future.
    let early = Simulator::start_with(SimConfig::for_provider(provider.clone()).clock_offset(-120)).await.unwrap();
    let (_, why) = code(bounded(LIMIT, client(provider.clone(), &early).token()).await);
    assert!(why.contains("in the future"), "{why}");
    // Ten minutes of lifetime against the five the server accepts.
    let long = LongLived { client_id: "id".into(), key: SigningKey::from_pem(pem) };
    let sim = Simulator::for_provider(long.clone()).await.unwrap();
    let (_, why) = code(bounded(LIMIT, client(long, &sim).token()).await);
    assert!(why.contains("at most 300 s"), "{why}");
    // A server that accepts an hour takes them.
    let lenient = SimConfig::for_provider(provider.clone()).max_assertion_lifetime(Duration::from_secs(3600));
    let sim = Simulator::start_with(lenient).await.unwrap();
    bounded(LIMIT, client(provider, &sim).token()).await.unwrap();
}

#[tokio::test]
async fn a_replayed_jti_is_refused_and_the_client_never_sends_one() {
    let key = SigningKey::from_pem(rcgen_pem(&rcgen::PKCS_ECDSA_P256_SHA256));
    let provider = KeyClient { client_id: "id".into(), key: key.clone() };
    let sim = Simulator::for_provider(provider.clone()).await.unwrap();
    // One assertion, signed here as the client would, sent twice.
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let claims = serde_json::json!({"iss": "id", "sub": "id", "aud": sim.token_url(), "jti": "once", "iat": now, "exp": now + 60});
    let assertion = key.sign(&claims).unwrap();
    let form = [
        ("grant_type", "client_credentials"),
        ("client_id", "id"),
        ("client_assertion_type", oauth_runtime::auth::CLIENT_ASSERTION_TYPE),
        ("client_assertion", assertion.expose_secret()),
    ];
    let http = reqwest::Client::new();
    let first = http.post(sim.token_url()).form(&form).send().await.unwrap();
    assert_eq!(first.status(), 200);
    let second = http.post(sim.token_url()).form(&form).send().await.unwrap();
    assert_eq!(second.status(), 401);
    let body: serde_json::Value = second.json().await.unwrap();
    assert_eq!(body["error"], "invalid_client");
    assert!(body["error_description"].as_str().unwrap().contains("used before"), "{body}");
    assert_eq!(sim.counters().assertions_replayed, 1);

    // The client: a fresh jti on every request, retries after a 503 included.
    let client = client(provider, &sim);
    sim.inject(Target::Token, Fault::status(503), 2);
    bounded(LIMIT, client.token()).await.unwrap();
    for _ in 0..8 {
        bounded(LIMIT, client.refresh()).await.unwrap();
    }
    let c = sim.counters();
    assert_eq!((c.token_requests, c.assertions_replayed), (2 + 3 + 8, 1), "{c:?}");
}

#[tokio::test]
async fn an_audience_that_is_not_the_server_is_refused() {
    let provider = KeyClient { client_id: "id".into(), key: SigningKey::from_pem(rcgen_pem(&rcgen::PKCS_ED25519)) };
    let sim = Simulator::for_provider(provider.clone()).await.unwrap();
    // The same server under another name: the assertion is for `localhost`, the server is
    // 127.0.0.1.
    let aliased = sim.base_url().replace("127.0.0.1", "localhost");
    let client = Client::builder(provider).base_url(&aliased).retry(FAST_RETRY).build().unwrap();
    let (code_, why) = code(bounded(LIMIT, client.token()).await);
    assert_eq!(code_, ErrorCode::InvalidClient);
    assert!(why.contains("aud"), "{why}");
}

#[tokio::test]
async fn bad_key_material_fails_the_build_naming_the_field() {
    let build = |key: SigningKey| KeyClient { client_id: "id".into(), key }.client("https://h.example.com").map(drop);
    let cases = [
        (build(SigningKey::from_pem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----")), "PKCS#8"),
        (build(SigningKey::from_pem("garbage")), "not PEM"),
        (build(SigningKey::from_pem(rcgen_pem(&rcgen::PKCS_ECDSA_P384_SHA384))), "P-384"),
        (build(SigningKey::from_pem(certificate(&rcgen_pem(&rcgen::PKCS_ED25519)))), "no private key"),
        (build(SigningKey::from_jwk("{\"kty\":\"EC\"")), "not JSON"),
        (build(SigningKey::google_service_account("{}")), "no `private_key`"),
    ];
    for (result, expected) in cases {
        let err = result.unwrap_err();
        assert!(matches!(err, Error::Config(_)), "{err:?}");
        let text = err.to_string();
        assert!(text.contains("field `key`") && text.contains(expected), "{text:?} lacks {expected:?}");
    }
    // A key that cannot sign what the vendor takes.
    let rsa = rsa_pkcs8(&rsa_key());
    let err = EcOnly { client_id: "id".into(), key: SigningKey::from_pem(rsa.clone()) }
        .client("https://h.example.com")
        .unwrap_err();
    assert!(err.to_string().contains("field `key`: the vendor signs ES256, which an RSA key cannot do"), "{err}");
    // Entra without the certificate, and with another key's certificate.
    let entra = |key: SigningKey| {
        MicrosoftEntra { client_id: "id".into(), certificate_key: key }.client("https://h.example.com").map(drop)
    };
    let err = entra(SigningKey::from_pem(rsa.clone())).unwrap_err().to_string();
    assert!(err.contains("field `certificate_key`") && err.contains("x5t#S256"), "{err}");
    let foreign = certificate(&rsa_pkcs8(&rsa_key()));
    let err = entra(SigningKey::from_pem(rsa.clone()).with_certificate_pem(foreign)).unwrap_err().to_string();
    assert!(err.contains("certificate is not for this key"), "{err}");
    // The JWT-bearer grant needs an issuer: a client id, or a service account.
    let err = Anonymous { key: SigningKey::from_pem(rsa) }.client("https://h.example.com").unwrap_err().to_string();
    assert!(err.contains("needs an issuer"), "{err}");
}

#[tokio::test]
async fn keys_never_show_and_bind_the_store_key() {
    let pem = rsa_pkcs8(&rsa_key());
    let secret_part = body_of(&pem);
    let provider = KeyClient { client_id: "id".into(), key: SigningKey::from_pem(pem.clone()) };
    let sim = Simulator::for_provider(provider.clone()).await.unwrap();
    let (logs, guard) = capture_logs();
    let client = client(provider.clone(), &sim);
    bounded(LIMIT, client.token()).await.unwrap();
    let wrong =
        self::client(KeyClient { client_id: "id".into(), key: SigningKey::from_pem(rsa_pkcs8(&rsa_key())) }, &sim);
    let err = bounded(LIMIT, wrong.token()).await.unwrap_err();
    drop(guard);
    let bad = KeyClient { client_id: "id".into(), key: SigningKey::from_pem(pem.replace("MII", "XYZ")) }
        .client(&sim.base_url())
        .unwrap_err();
    let shown = [
        format!("{provider:?}"),
        format!("{client:?}"),
        format!("{err:?} {err}"),
        format!("{bad:?} {bad}"),
        logs.text(),
    ];
    for text in &shown {
        for line in pem.lines().filter(|l| !l.starts_with("-----")) {
            assert!(!text.contains(line), "key material in {text}");
        }
        assert!(!text.contains(&secret_part[..40]));
    }

    // One store, two keys: two identities, two tokens; the same key: one token for both.
    let store = oauth_runtime::store::MemoryStore::new();
    let with_store = |p: KeyClient| {
        Client::builder(p).base_url(&sim.base_url()).retry(FAST_RETRY).store(store.clone()).build().unwrap()
    };
    let before = sim.counters().token_requests;
    bounded(LIMIT, with_store(provider.clone()).token()).await.unwrap();
    bounded(LIMIT, with_store(provider.clone()).token()).await.unwrap();
    assert_eq!(sim.counters().token_requests, before + 1, "the same key shares the fleet's token");
    let other = KeyClient { client_id: "id".into(), key: SigningKey::from_pem(pem).with_kid("another kid") };
    let _ = bounded(LIMIT, with_store(other).token()).await;
    assert_eq!(sim.counters().token_requests, before + 2, "another key (or setting) is another identity");
}
