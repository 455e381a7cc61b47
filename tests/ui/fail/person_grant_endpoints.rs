use oauth_runtime::{Secret, oauth_provider};

#[oauth_provider(grant = "device_code", client_auth = "none", token_path = "/token")]
pub struct NoDeviceEndpoint {
    pub client_id: String,
}

#[oauth_provider(grant = "client_credentials", token_path = "/token", authorization_path = "/authorize")]
pub struct EndpointWithoutItsGrant {
    pub client_id: String,
    pub client_secret: Secret,
}

#[oauth_provider(grant = "authorization_code", token_path = "/token", authorization_path = "/authorize")]
pub struct ConfidentialWithoutSecret {
    pub client_id: String,
}

fn main() {}
