use oauth_runtime::oauth_provider;

#[oauth_provider(grant = "client_credentials", token_path = "/oauth/token")]
pub fn vendor() {}

fn main() {}
