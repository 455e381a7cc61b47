use oauth_runtime::oauth_provider;

#[oauth_provider(grant = "client_credentials", token_path = "/oauth/token")]
pub struct Vendor {
    pub client_id: String,
}

fn main() {}
