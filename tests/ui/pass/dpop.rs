//! DPoP declarations: the default ES256, and RSA proofs; the model says what was declared.

use oauth_runtime::provider::{DpopAlg, Presentation};
use oauth_runtime::{Provider, Secret, oauth_provider};

#[oauth_provider(grant = "client_credentials", token_path = "/oauth2/v1/token", client_auth = "basic", presentation = "dpop")]
pub struct Okta {
    pub client_id: String,
    pub client_secret: Secret,
}

#[oauth_provider(
    grant = "client_credentials",
    token_path = "/token",
    presentation = "dpop",
    dpop_alg = "PS256"
)]
pub struct RsaProofs {
    pub client_id: String,
    pub client_secret: Secret,
}

#[oauth_provider(grant = "client_credentials", token_path = "/token", presentation = "bearer")]
pub struct Plain {
    pub client_id: String,
    pub client_secret: Secret,
}

const _: () = assert!(matches!(Okta::SPEC.presentation.dpop_alg(), Some(DpopAlg::Es256)));
const _: () = assert!(matches!(RsaProofs::SPEC.presentation.dpop_alg(), Some(DpopAlg::Ps256)));
const _: () = assert!(matches!(Plain::SPEC.presentation, Presentation::Bearer));

fn main() {}
