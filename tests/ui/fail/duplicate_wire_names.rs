use oauth_runtime::{Secret, oauth_provider};

#[oauth_provider(grant = "client_credentials", token_path = "/oauth/token", params(scope = "read"))]
pub struct Vendor {
    pub client_id: String,
    #[oauth(rename = "client_id")]
    pub client_secret: Secret,
    #[oauth(param)]
    pub scope: String,
}

fn main() {}
