use oauth_runtime::{Secret, oauth_provider};

#[oauth_provider(grant = "password", token_path = "/oauth/token")]
pub struct Vendor {
    pub client_id: String,
    pub client_secret: Secret,
    pub password: Secret,
}

fn main() {}
