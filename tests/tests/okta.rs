//! `oauth_specs::Okta` against its simulator: a `private_key_jwt` client assertion and DPoP
//! together, as Okta's service apps with "Require DPoP" take them. The simulator checks both:
//! the assertion's signature, claims and `jti`, and every DPoP proof, its nonce and the
//! token's binding.

use oauth_runtime::Error;
use oauth_sim::{SimConfig, Simulator, Target};
use oauth_specs::{Okta, Provider, SigningKey};

fn rsa_pem() -> String {
    use rsa::pkcs8::{EncodePrivateKey as _, LineEnding};
    let key = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).expect("an RSA key");
    key.to_pkcs8_pem(LineEnding::LF).expect("PEM").to_string()
}

fn okta(pem: &str) -> Okta {
    Okta {
        client_id: "0oa1service".into(),
        key: SigningKey::from_pem(pem).with_kid("k1"),
        scope: "okta.users.read".into(),
    }
}

#[tokio::test]
async fn a_signed_assertion_gets_a_dpop_bound_token_after_the_nonce_and_a_stranger_key_is_refused() {
    let pem = rsa_pem();
    let config = SimConfig::for_provider(okta(&pem)).require_dpop_nonce(Target::Token);
    let sim = Simulator::start_with(config).await.unwrap();
    let client = okta(&pem).client(&sim.base_url()).unwrap();

    let token = client.token().await.expect("a token");
    assert_eq!(token.token_type(), "DPoP");
    let answer = client.get(sim.protected_path()).send().await.unwrap();
    assert_eq!(answer.status(), 200, "the DPoP-bound token with a proof by its key");
    let counters = sim.counters();
    // The first token request is answered `use_dpop_nonce`; the second, with the nonce and a
    // fresh assertion (a new `jti`), gets the token.
    assert_eq!((counters.token_requests, counters.dpop_nonce_challenges), (2, 1), "{counters:?}");
    assert_eq!(counters.assertions_replayed, 0, "a resent request carries a new assertion");
    assert_eq!(counters.dpop_proofs_refused, 0);

    let stranger = okta(&rsa_pem()).client(&sim.base_url()).unwrap();
    let err = stranger.token().await.expect_err("a key Okta does not know");
    assert!(matches!(err, Error::OAuth(_)) && err.is_rejection(), "{err:?}");
    assert!(!format!("{err} {err:?} {stranger:?}").contains("PRIVATE KEY"));
}
