//! One argument fills a placeholder.

use oauth_runtime::{Error, Secret, oauth_api, oauth_provider};

#[oauth_provider(grant = "client_credentials", token_path = "/oauth/token")]
pub struct Vendor {
    pub client_id: String,
    pub client_secret: Secret,
}

#[oauth_api(client = Vendor)]
pub trait VendorApi {
    #[get("/invoices/{id}")]
    async fn invoice(&self, #[path("id")] invoice_id: &str, id: &str) -> Result<String, Error>;

    #[get("/lines/{lineId}")]
    async fn line(&self, #[path("lineId")] a: u32, #[path("lineId")] b: u32) -> Result<String, Error>;
}

fn main() {}
