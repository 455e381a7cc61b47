use oauth_runtime::{Secret, oauth_provider};

#[oauth_provider(
    grant = "client_credentials",
    token_path = "/oauth/token",
    access_token = "access_token",
    access_token_path = "authed_user.access_token",
    expires_in_path = "authed_user.expires_in",
    no_expiry
)]
pub struct Vendor {
    pub client_id: String,
    pub client_secret: Secret,
}

fn main() {}
