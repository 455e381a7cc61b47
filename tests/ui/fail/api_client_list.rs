//! `client(..)` lists each provider once, and at least one.

use oauth_runtime::{Error, Secret, oauth_api, oauth_provider};

#[oauth_provider(grant = "client_credentials", token_path = "/oauth/token")]
pub struct Vendor {
    pub client_id: String,
    pub client_secret: Secret,
}

#[oauth_api(client())]
pub trait EmptyApi {
    #[get("/me")]
    async fn me(&self) -> Result<String, Error>;
}

#[oauth_api(client(Vendor, Vendor))]
pub trait TwiceApi {
    #[get("/me")]
    async fn me(&self) -> Result<String, Error>;
}

fn main() {}
