//! Values of the wrong kind: each says how to write it.

use oauth_runtime::{Secret, oauth_provider};

#[oauth_provider(
    grant = client_credentials,
    token_path = "/oauth/token",
    send_grant_type = "false",
    default_lifetime = -1,
    no_expiry = true,
)]
pub struct Vendor {
    pub client_id: String,
    pub client_secret: Secret,
}

fn main() {}
