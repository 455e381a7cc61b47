//! An operation is an `async fn`; a method with neither HTTP method nor body cannot be
//! implemented.

use oauth_runtime::{Error, Secret, oauth_api, oauth_provider};

#[oauth_provider(grant = "client_credentials", token_path = "/oauth/token")]
pub struct Vendor {
    pub client_id: String,
    pub client_secret: Secret,
}

#[oauth_api(client = Vendor)]
pub trait VendorApi {
    #[get("/me")]
    fn me(&self) -> Result<String, Error>;

    async fn you(&self) -> Result<String, Error>;

    fn them(&self) -> u32;
}

fn main() {}
