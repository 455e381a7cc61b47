use oauth_runtime::{Secret, oauth_provider};

#[oauth_provider(
    grant = "client_credentials",
    token_path = "/oauth/token",
    access_token_path = "authed_user.access_token",
    access_token_aliases("authed_user.access_token", "token"),
    token_type_aliases("token_type")
)]
pub struct Vendor {
    pub client_id: String,
    pub client_secret: Secret,
}

fn main() {}
