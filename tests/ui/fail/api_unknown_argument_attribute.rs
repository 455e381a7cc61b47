//! Misspelt argument attributes and `#[query]` options.

use oauth_runtime::{Error, Secret, oauth_api, oauth_provider};

#[oauth_provider(grant = "client_credentials", token_path = "/oauth/token")]
pub struct Vendor {
    pub client_id: String,
    pub client_secret: Secret,
}

#[oauth_api(client = Vendor)]
pub trait VendorApi {
    #[get("/charges")]
    async fn charges(&self, #[quer] status: &str, #[query(flaten)] page: u32, #[query] #[header("X-A")] a: &str) -> Result<String, Error>;
}

fn main() {}
