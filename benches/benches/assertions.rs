//! The cost of a signed assertion per token request (issue 18; BENCHMARKS.md):
//!
//! - `sign_*`: building one client assertion as `private_key_jwt` does before every token
//!   request (claims with a fresh `jti`, the JWS signed), for each algorithm, RS256 and PS256
//!   with a 2048-bit RSA key;
//! - `token_*`: one whole token request (`refresh()`: the grant, parsing, caching) against
//!   the spec simulator, which verifies the assertion as a server does, signed
//!   (`private_key_jwt`, ES256 and RS256) against sent in the body (`client_secret_post`).
//!
//! `cargo bench -p oauth-bench --bench assertions`

use std::{sync::LazyLock, time::Duration};

use divan::{Bencher, black_box};
use oauth_runtime::{Client, Provider, Secret, key::SigningKey, oauth_provider};
use oauth_sim::Simulator;
use tokio::runtime::Runtime;

fn main() {
    divan::main();
}

/// `private_key_jwt`, the key's algorithm.
#[derive(Clone)]
#[oauth_provider(grant = "client_credentials", token_path = "/token", client_auth = "private_key_jwt")]
struct Signed {
    client_id: String,
    key: SigningKey,
}

/// The same vendor with the secret in the body.
#[derive(Clone)]
#[oauth_provider(grant = "client_credentials", token_path = "/token")]
struct Plain {
    client_id: String,
    client_secret: Secret,
}

fn rsa_pem() -> String {
    use rsa::pkcs8::{EncodePrivateKey as _, LineEnding};
    let key = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).expect("an RSA key");
    key.to_pkcs8_pem(LineEnding::LF).expect("PEM").to_string()
}

static RSA: LazyLock<String> = LazyLock::new(rsa_pem);

fn key(alg: &str) -> SigningKey {
    let key = match alg {
        "ES256" => {
            SigningKey::from_pem(rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap().serialize_pem())
        }
        "EdDSA" => SigningKey::from_pem(rcgen::KeyPair::generate_for(&rcgen::PKCS_ED25519).unwrap().serialize_pem()),
        "PS256" => SigningKey::from_pem(RSA.clone()).with_algorithm(oauth_runtime::key::Algorithm::Ps256),
        _ => SigningKey::from_pem(RSA.clone()),
    };
    key.check().expect("the key reads");
    key
}

/// One client assertion, as `private_key_jwt` builds it per token request.
#[divan::bench(args = ["RS256", "PS256", "ES256", "EdDSA"])]
fn sign(bencher: Bencher<'_, '_>, alg: &str) {
    let key = key(alg);
    bencher.bench_local(|| {
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_secs();
        let mut jti = [0u8; 16];
        getrandom::getrandom(&mut jti).expect("random");
        let claims = serde_json::json!({
            "iss": "client", "sub": "client", "aud": "https://login.example.com/oauth2/v2.0/token",
            "jti": format!("{jti:?}"), "iat": now, "nbf": now, "exp": now + 60,
        });
        black_box(key.sign(&claims).expect("signed"))
    });
}

struct Rig<P: Provider> {
    rt: Runtime,
    _sim: Simulator,
    client: Client<P>,
}

fn rig<P: Provider + Clone>(provider: P) -> Rig<P> {
    let rt = Runtime::new().expect("runtime");
    let (sim, client) = rt.block_on(async {
        let sim = Simulator::for_provider(provider.clone()).await.expect("simulator");
        let client = provider
            .client_builder()
            .base_url(&sim.base_url())
            .max_token_requests(u32::MAX, Duration::from_secs(1))
            .build()
            .expect("client");
        (sim, client)
    });
    Rig { rt, _sim: sim, client }
}

/// A whole token request with a signed assertion the simulator verifies.
#[divan::bench(args = ["ES256", "RS256"])]
fn token_private_key_jwt(bencher: Bencher<'_, '_>, alg: &str) {
    let rig = rig(Signed { client_id: "client".into(), key: key(alg) });
    bencher.bench_local(|| rig.rt.block_on(async { black_box(rig.client.refresh().await.expect("a token")) }));
}

/// The same token request with the secret in the body.
#[divan::bench]
fn token_client_secret_post(bencher: Bencher<'_, '_>) {
    let rig = rig(Plain { client_id: "client".into(), client_secret: Secret::from("secret") });
    bencher.bench_local(|| rig.rt.block_on(async { black_box(rig.client.refresh().await.expect("a token")) }));
}
