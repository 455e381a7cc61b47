//! Operations return the runtime's `Error`.

use oauth_runtime::{Secret, oauth_api, oauth_provider};

#[oauth_provider(grant = "client_credentials", token_path = "/oauth/token")]
pub struct Vendor {
    pub client_id: String,
    pub client_secret: Secret,
}

#[oauth_api(client = Vendor)]
pub trait VendorApi {
    #[get("/me")]
    async fn me(&self) -> Result<String, String>;
}

fn main() {}
