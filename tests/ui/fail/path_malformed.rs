use oauth_runtime::{Secret, oauth_provider};

#[oauth_provider(
    grant = "client_credentials",
    token_path = "/oauth/token",
    access_token_path = "authed_user..access_token",
    token_type_path = "data.types[0",
    refresh_token_path = "tokens[first].refresh",
    expires_in_path = "data[0]expires"
)]
pub struct Vendor {
    pub client_id: String,
    pub client_secret: Secret,
}

fn main() {}
