use oauth_runtime::oauth_provider;

#[oauth_provider(grant = "password", token_path = "/oauth/token")]
pub struct Vendor {
    pub username: String,
    pub password: String,
}

fn main() {}
