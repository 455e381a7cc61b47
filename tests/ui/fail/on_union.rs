use oauth_runtime::oauth_provider;

#[oauth_provider(grant = "client_credentials", token_path = "/oauth/token")]
pub union Vendor {
    pub id: u64,
    pub secret: u64,
}

fn main() {}
