//! `#[path]` takes the placeholder's name, in double quotes.

use oauth_runtime::{Error, Secret, oauth_api, oauth_provider};

#[oauth_provider(grant = "client_credentials", token_path = "/oauth/token")]
pub struct Vendor {
    pub client_id: String,
    pub client_secret: Secret,
}

#[oauth_api(client = Vendor)]
pub trait VendorApi {
    #[get("/invoices/{invoiceId}")]
    async fn invoice(&self, #[path] invoice_id: &str) -> Result<String, Error>;

    #[get("/invoices/{invoiceId}/pdf")]
    async fn pdf(&self, #[path(invoiceId)] invoice_id: &str) -> Result<String, Error>;
}

fn main() {}
