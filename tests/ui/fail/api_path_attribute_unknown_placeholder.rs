//! `#[path("name")]` names a placeholder of the operation's path.

use oauth_runtime::{Error, Secret, oauth_api, oauth_provider};

#[oauth_provider(grant = "client_credentials", token_path = "/oauth/token")]
pub struct Vendor {
    pub client_id: String,
    pub client_secret: Secret,
}

#[oauth_api(client = Vendor)]
pub trait VendorApi {
    #[get("/invoices/{invoiceId}")]
    async fn invoice(&self, #[path("invoiceID")] invoice_id: &str) -> Result<String, Error>;

    #[get("/invoices/{invoiceId}/lines/{lineId}")]
    async fn line(&self, #[path("invoiceId")] invoice_id: &str, #[path("number")] line: u32) -> Result<String, Error>;

    #[get("/invoices")]
    async fn invoices(&self, #[path("page")] page: u32) -> Result<String, Error>;
}

fn main() {}
