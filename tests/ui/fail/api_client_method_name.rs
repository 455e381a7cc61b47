//! An operation named like a method of `Client` would never be called.

use oauth_runtime::{Error, Secret, oauth_api, oauth_provider};

#[oauth_provider(grant = "client_credentials", token_path = "/oauth/token")]
pub struct Vendor {
    pub client_id: String,
    pub client_secret: Secret,
}

#[oauth_api(client = Vendor)]
pub trait VendorApi {
    #[delete("/charges/{id}")]
    async fn delete(&self, id: u64) -> Result<(), Error>;
}

fn main() {}
