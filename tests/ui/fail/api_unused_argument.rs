//! An argument without attribute that the path does not use would be lost.

use oauth_runtime::{Error, Secret, oauth_api, oauth_provider};

#[oauth_provider(grant = "client_credentials", token_path = "/oauth/token")]
pub struct Vendor {
    pub client_id: String,
    pub client_secret: Secret,
}

#[oauth_api(client = Vendor)]
pub trait VendorApi {
    #[get("/charges")]
    async fn charges(&self, status: &str) -> Result<String, Error>;
}

fn main() {}
