//! The options of an operation attribute: misspelt, zero, repeated, or missing the path.

use oauth_runtime::{Error, Secret, oauth_api, oauth_provider};

#[oauth_provider(grant = "client_credentials", token_path = "/oauth/token")]
pub struct Vendor {
    pub client_id: String,
    pub client_secret: Secret,
}

#[oauth_api(client = Vendor)]
pub trait VendorApi {
    #[get("/me", timout_ms = 500)]
    async fn me(&self) -> Result<String, Error>;

    #[get("/you", timeout_ms = 0, name = "")]
    async fn you(&self) -> Result<String, Error>;

    #[get(timeout_ms = 500)]
    async fn them(&self) -> Result<String, Error>;

    #[get("/us", timeout_ms = 1, timeout_ms = 2)]
    async fn us(&self) -> Result<String, Error>;
}

fn main() {}
