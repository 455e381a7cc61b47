use oauth_runtime::{Secret, oauth_provider};

#[oauth_provider(
    grant = "device_code", client_auth = "none", token_path = "/token",
    device_authorization_path = "/device", send_grant_type = false,
)]
pub struct NoGrantType {
    pub client_id: String,
    pub password: Secret,
}

#[oauth_provider(grant = "refresh_token", token_path = "/token", refresh = "regrant", error_status = 302)]
pub struct RegrantOnly {
    pub client_id: String,
    pub client_secret: Secret,
}

fn main() {}
