//! A request has one body.

use oauth_runtime::{Error, Secret, oauth_api, oauth_provider};

#[oauth_provider(grant = "client_credentials", token_path = "/oauth/token")]
pub struct Vendor {
    pub client_id: String,
    pub client_secret: Secret,
}

#[oauth_api(client = Vendor)]
pub trait VendorApi {
    #[post("/charges")]
    async fn create(&self, #[json] charge: &str, #[form] note: &str) -> Result<(), Error>;
}

fn main() {}
