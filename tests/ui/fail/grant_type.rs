use oauth_runtime::{Secret, oauth_provider};

// A vendor's own grant type under `grant`: the way to declare it.
#[oauth_provider(grant = "account_credentials", token_path = "/oauth/token")]
pub struct Unknown {
    pub client_id: String,
    pub client_secret: Secret,
}

// A grant the runtime knows, by its wire name.
#[oauth_provider(grant_type = "client_credentials", token_path = "/oauth/token")]
pub struct Known {
    pub client_id: String,
    pub client_secret: Secret,
}

// Both keys, and a name that is not sent.
#[oauth_provider(
    grant = "client_credentials",
    grant_type = "account_credentials",
    token_path = "/oauth/token"
)]
pub struct Both {
    pub client_id: String,
    pub client_secret: Secret,
}

#[oauth_provider(grant_type = "account credentials", send_grant_type = false, token_path = "/oauth/token")]
pub struct Unsent {
    pub client_id: String,
    pub client_secret: Secret,
}

// Endpoint paths and the issuer.
#[oauth_provider(
    grant = "client_credentials",
    token_path = "/oauth/token",
    revocation_path = "oauth/revoke",
    issuer = "auth.example.com"
)]
pub struct Endpoints {
    pub client_id: String,
    pub client_secret: Secret,
}

fn main() {}
