//! Keys and values renamed for one vocabulary with the model types: each former spelling is an
//! error naming the new one, and the values are still checked under the new key.

use oauth_runtime::{Secret, oauth_provider};

#[oauth_provider(
    grant = "client_credentials",
    token_path = "/oauth/token",
    style = "json",
    auth = "basic",
    refresh = "none",
)]
pub struct Vendor {
    pub client_id: String,
    pub client_secret: Secret,
}

#[oauth_provider(grant = "password", token_path = "/token", style = "jsn", refresh = "grant")]
pub struct Other {
    pub username: String,
    pub password: Secret,
}

fn main() {}
