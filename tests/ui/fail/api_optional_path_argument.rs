//! A path segment cannot be absent: a path argument is no `Option`.

use oauth_runtime::{Error, Secret, oauth_api, oauth_provider};

#[oauth_provider(grant = "client_credentials", token_path = "/oauth/token")]
pub struct Vendor {
    pub client_id: String,
    pub client_secret: Secret,
}

#[oauth_api(client = Vendor)]
pub trait VendorApi {
    #[get("/invoices/{id}")]
    async fn invoice(&self, id: Option<u64>) -> Result<String, Error>;

    #[get("/customers/{customerId}/invoices")]
    async fn invoices(&self, #[path("customerId")] customer: Option<&str>) -> Result<String, Error>;
}

fn main() {}
