//! `expires_in` names the response field holding the lifetime; a number there meant the
//! lifetime itself.

use oauth_runtime::{Secret, oauth_provider};

#[oauth_provider(grant = "client_credentials", token_path = "/oauth/token", expires_in = 3600)]
pub struct Vendor {
    pub client_id: String,
    pub client_secret: Secret,
}

#[oauth_provider(grant = "client_credentials", token_path = "/oauth/token", access_token = 1, name = 42)]
pub struct Other {
    pub client_id: String,
    pub client_secret: Secret,
}

#[oauth_provider(
    grant = "client_credentials",
    token_path = "/oauth/token",
    expires_at = 1700000000,
    expires_format = "epoch_seconds",
    refresh_token = 0
)]
pub struct Third {
    pub client_id: String,
    pub client_secret: Secret,
}

fn main() {}
