//! A JSON success type without `Deserialize` is reported at the type.

use oauth_runtime::{Error, Secret, oauth_api, oauth_provider};

#[oauth_provider(grant = "client_credentials", token_path = "/oauth/token")]
pub struct Vendor {
    pub client_id: String,
    pub client_secret: Secret,
}

pub struct Charge {
    pub amount: u32,
}

#[oauth_api(client = Vendor)]
pub trait VendorApi {
    #[get("/charges/{id}")]
    async fn charge(&self, id: u64) -> Result<Charge, Error>;

    #[get("/charges")]
    async fn charges(&self) -> Result<Vec<Charge>, Error>;
}

fn main() {}
