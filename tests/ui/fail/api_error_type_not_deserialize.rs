//! An error type must be `Deserialize + Debug`; reported at the type, once per attribute.

use oauth_runtime::{Error, Secret, oauth_api, oauth_provider};
use serde::Deserialize;

#[oauth_provider(grant = "client_credentials", token_path = "/oauth/token")]
pub struct Vendor {
    pub client_id: String,
    pub client_secret: Secret,
}

pub struct VendorError {
    pub code: String,
}

#[derive(Deserialize)]
pub struct NoDebug {
    pub code: String,
}

#[oauth_api(client = Vendor, error = VendorError)]
pub trait VendorApi {
    #[get("/me")]
    async fn me(&self) -> Result<String, Error>;

    #[get("/you", error = NoDebug)]
    async fn you(&self) -> Result<String, Error>;
}

fn main() {}
