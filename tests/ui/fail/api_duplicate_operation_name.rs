//! Operation names tell operations apart in traces.

use oauth_runtime::{Error, Secret, oauth_api, oauth_provider};

#[oauth_provider(grant = "client_credentials", token_path = "/oauth/token")]
pub struct Vendor {
    pub client_id: String,
    pub client_secret: Secret,
}

#[oauth_api(client = Vendor)]
pub trait VendorApi {
    #[get("/charges", name = "listCharges")]
    async fn charges(&self) -> Result<String, Error>;

    #[get("/v2/charges", name = "listCharges")]
    async fn charges_v2(&self) -> Result<String, Error>;
}

fn main() {}
