use oauth_runtime::{Secret, oauth_provider};

#[oauth_provider(grant = "client_credentials", token_path = "/oauth/token", presentation = "DPoP")]
pub struct Spelt {
    pub client_id: String,
    pub client_secret: Secret,
}

#[oauth_provider(grant = "client_credentials", token_path = "/oauth/token", presentation = "dpop", dpop_alg = "es256")]
pub struct LowerCaseAlg {
    pub client_id: String,
    pub client_secret: Secret,
}

#[oauth_provider(grant = "client_credentials", token_path = "/oauth/token", presentation = "dpop", dpop_alg = "HS256")]
pub struct Symmetric {
    pub client_id: String,
    pub client_secret: Secret,
}

fn main() {}
