use oauth_runtime::{key::SigningKey, oauth_provider};

// A signed assertion needs a key field; a field named like one must be the runtime's type.
#[oauth_provider(grant = "client_credentials", token_path = "/oauth2/token", client_auth = "private_key_jwt")]
pub struct NoKey {
    pub client_id: String,
}

#[oauth_provider(grant = "jwt_bearer", token_path = "/token")]
pub struct StringKey {
    pub client_id: String,
    pub signing_key: String,
}

#[oauth_provider(grant = "client_credentials", token_path = "/token")]
pub struct UnusedKey {
    pub client_id: String,
    pub client_secret: oauth_runtime::Secret,
    pub key: SigningKey,
}

fn main() {}
