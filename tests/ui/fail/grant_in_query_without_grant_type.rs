use oauth_runtime::{Secret, oauth_provider};

#[oauth_provider(
    grant = "client_credentials",
    token_path = "/oauth/token",
    body_style = "form_grant_in_query",
    send_grant_type = false
)]
pub struct Vendor {
    pub client_id: String,
    pub client_secret: Secret,
}

fn main() {}
