use oauth_runtime::oauth_provider;

/// Named like the runtime's key, but another type: it would not be read, checked or redacted.
pub type SigningKey = String;

#[oauth_provider(grant = "jwt_bearer", token_path = "/token")]
pub struct Vendor {
    pub client_id: String,
    pub key: SigningKey,
}

fn main() {}
