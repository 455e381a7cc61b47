use oauth_runtime::{Secret, oauth_provider};

#[oauth_provider(grant = "password", token_path = "/oauth/token", client_auth = "basic")]
pub struct Vendor {
    pub client_id: String,
    pub username: String,
    pub password: Secret,
}

fn main() {}
