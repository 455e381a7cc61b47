//! A per-call header takes a value HTTP headers can hold; another type is reported at the type.

use oauth_runtime::{Error, Secret, oauth_api, oauth_provider};

#[oauth_provider(grant = "client_credentials", token_path = "/oauth/token")]
pub struct Vendor {
    pub client_id: String,
    pub client_secret: Secret,
}

#[oauth_api(client = Vendor)]
pub trait VendorApi {
    #[get("/me")]
    async fn me(&self, #[header("X-Flag")] flag: bool, #[header("X-Names")] names: Option<Vec<String>>) -> Result<String, Error>;
}

fn main() {}
