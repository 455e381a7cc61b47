//! A token host must belong to a named base URL, and be a URL.

use oauth_runtime::{Secret, oauth_provider};

#[oauth_provider(
    grant = "client_credentials",
    token_path = "/oauth/token",
    base_url(sandbox = "https://api-test.example.com", production = "https://api.example.com"),
    auth_base_url(prodution = "https://auth.example.com", sandbox = "auth-test.example.com")
)]
pub struct Vendor {
    pub client_id: String,
    pub client_secret: Secret,
}

fn main() {}
