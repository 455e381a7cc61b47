//! A path placeholder must name an argument without attribute.

use oauth_runtime::{Error, Secret, oauth_api, oauth_provider};

#[oauth_provider(grant = "client_credentials", token_path = "/oauth/token")]
pub struct Vendor {
    pub client_id: String,
    pub client_secret: Secret,
}

#[oauth_api(client = Vendor)]
pub trait VendorApi {
    #[get("/charges/{id}")]
    async fn charge(&self, charge_id: u64) -> Result<String, Error>;

    #[get("/sites/{site}")]
    async fn site(&self, #[query] site: &str) -> Result<String, Error>;
}

fn main() {}
