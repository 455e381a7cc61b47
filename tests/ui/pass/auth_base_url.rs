//! Tokens from another host than the API, per environment.

use oauth_runtime::{Provider, Secret, oauth_provider};

#[oauth_provider(
    grant = "client_credentials",
    token_path = "/oauth/token",
    base_url(sandbox = "https://api-test.example.com", production = "https://api.example.com/v2"),
    auth_base_url(production = "https://auth.example.com")
)]
pub struct Vendor {
    pub client_id: String,
    pub client_secret: Secret,
}

fn main() {
    let production = Vendor::SPEC.environment("production").expect("named");
    assert_eq!(production.auth_url(), "https://auth.example.com");
    assert_eq!(Vendor::SPEC.environment("sandbox").expect("named").auth_url(), "https://api-test.example.com");
}
