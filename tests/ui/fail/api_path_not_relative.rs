//! Paths start with `/` and are relative to the base URL.

use oauth_runtime::{Error, Secret, oauth_api, oauth_provider};

#[oauth_provider(grant = "client_credentials", token_path = "/oauth/token")]
pub struct Vendor {
    pub client_id: String,
    pub client_secret: Secret,
}

#[oauth_api(client = Vendor)]
pub trait VendorApi {
    #[get("charges")]
    async fn charges(&self) -> Result<String, Error>;

    #[get("https://api.example.com/v1/me")]
    async fn me(&self) -> Result<String, Error>;
}

fn main() {}
