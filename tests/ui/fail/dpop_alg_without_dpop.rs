use oauth_runtime::{Secret, oauth_provider};

#[oauth_provider(grant = "client_credentials", token_path = "/oauth/token", dpop_alg = "ES256")]
pub struct Vendor {
    pub client_id: String,
    pub client_secret: Secret,
}

fn main() {}
