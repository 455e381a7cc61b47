use oauth_runtime::{Secret, key::SigningKey, oauth_provider};

// JOSE names are case-sensitive; HS256 is for client_secret_jwt alone, which needs a secret.
#[oauth_provider(grant = "client_credentials", token_path = "/token", client_auth = "private_key_jwt", signing_alg = "rs256")]
pub struct Lowercase {
    pub client_id: String,
    pub key: SigningKey,
}

#[oauth_provider(grant = "jwt_bearer", token_path = "/token", signing_alg = "HS256", assertion_lifetime = 7200)]
pub struct Hmac {
    pub client_id: String,
    pub key: SigningKey,
}

#[oauth_provider(grant = "password", token_path = "/token", client_auth = "client_secret_jwt", assertion_audience = "login.example.com")]
pub struct NoSecret {
    pub client_id: String,
    pub username: String,
    pub password: Secret,
}

fn main() {}
