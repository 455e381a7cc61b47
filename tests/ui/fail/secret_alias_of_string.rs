//! A secret field's type must be the runtime's `Secret` itself, not a type that is only named
//! `Secret`: the value would otherwise show in `Debug` and in logs.

use oauth_runtime::oauth_provider;

type Secret = String;

#[oauth_provider(grant = "password", token_path = "/oauth/token")]
pub struct Vendor {
    pub client_id: String,
    pub client_secret: Secret,
    pub username: String,
    pub password: Secret,
}

mod keys {
    pub type Secret = Box<str>;
}

#[oauth_provider(grant = "client_credentials", token_path = "/oauth/token", client_auth = "none")]
pub struct Keyed {
    pub client_id: String,
    #[oauth(param, secret)]
    pub api_key: keys::Secret,
}

fn main() {}
