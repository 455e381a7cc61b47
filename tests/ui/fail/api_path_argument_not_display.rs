//! A path argument must implement `Display`; reported at its type.

use oauth_runtime::{Error, Secret, oauth_api, oauth_provider};

#[oauth_provider(grant = "client_credentials", token_path = "/oauth/token")]
pub struct Vendor {
    pub client_id: String,
    pub client_secret: Secret,
}

pub struct ChargeId(pub u64);

#[oauth_api(client = Vendor)]
pub trait VendorApi {
    #[get("/charges/{id}")]
    async fn charge(&self, id: ChargeId) -> Result<String, Error>;
}

fn main() {}
