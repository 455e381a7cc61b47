use oauth_runtime::{Secret, oauth_provider};

#[oauth_provider(
    grant = "client_credentials",
    token_path = "/oauth/token",
    access_token_aliases("token", "data.token", "data.token"),
    refresh_token_aliases("refreshToken", "refreshToken")
)]
pub struct Vendor {
    pub client_id: String,
    pub client_secret: Secret,
}

fn main() {}
