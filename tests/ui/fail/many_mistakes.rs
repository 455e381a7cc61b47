//! Several mistakes: all of them are reported in one build.

use oauth_runtime::oauth_provider;

#[oauth_provider(grant = "client_credentials", token_path = "oauth/token", body_style = "jsn", default_lifetime = 0)]
pub struct Vendor {
    pub client_id: String,
    pub client_secret: String,
    pub tenant: String,
}

fn main() {}
