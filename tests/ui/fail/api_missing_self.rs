//! An operation is called on the client: it takes `&self`.

use oauth_runtime::{Error, Secret, oauth_api, oauth_provider};

#[oauth_provider(grant = "client_credentials", token_path = "/oauth/token")]
pub struct Vendor {
    pub client_id: String,
    pub client_secret: Secret,
}

#[oauth_api(client = Vendor)]
pub trait VendorApi {
    #[get("/me")]
    async fn me() -> Result<String, Error>;

    #[get("/you")]
    async fn you(self) -> Result<String, Error>;

    #[get("/them")]
    async fn them(&mut self) -> Result<String, Error>;
}

fn main() {}
