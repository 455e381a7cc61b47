//! A query string in the path: the query goes in arguments.

use oauth_runtime::{Error, Secret, oauth_api, oauth_provider};

#[oauth_provider(grant = "client_credentials", token_path = "/oauth/token")]
pub struct Vendor {
    pub client_id: String,
    pub client_secret: Secret,
}

#[oauth_api(client = Vendor)]
pub trait VendorApi {
    #[get("/charges?status=open&limit=10")]
    async fn open_charges(&self) -> Result<String, Error>;

    #[get("/charges/{id")]
    async fn charge(&self, id: u64) -> Result<String, Error>;
}

fn main() {}
