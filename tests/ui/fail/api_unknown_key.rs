//! A misspelt key of `#[oauth_api]` is named, with the nearest key.

use oauth_runtime::{Error, Secret, oauth_api, oauth_provider};

#[oauth_provider(grant = "client_credentials", token_path = "/oauth/token")]
pub struct Vendor {
    pub client_id: String,
    pub client_secret: Secret,
}

#[oauth_api(client = Vendor, eror = String)]
pub trait VendorApi {
    #[get("/me")]
    async fn me(&self) -> Result<String, Error>;
}

fn main() {}
