//! Operations named like `Client`'s less obvious methods (defect 13): each compiled, and
//! `client.authorization()` called the client's own method, never the operation.

use oauth_runtime::{Error, Secret, oauth_api, oauth_provider};

#[oauth_provider(grant = "client_credentials", token_path = "/oauth/token")]
pub struct Vendor {
    pub client_id: String,
    pub client_secret: Secret,
}

#[oauth_api(client = Vendor)]
pub trait VendorApi {
    #[get("/authorization")]
    async fn authorization(&self) -> Result<String, Error>;

    #[get("/token-params")]
    async fn token_params(&self) -> Result<String, Error>;

    #[post("/params")]
    async fn with_token_params(&self) -> Result<(), Error>;

    #[get("/auth-base-url")]
    async fn auth_base_url(&self) -> Result<String, Error>;

    #[get("/after")]
    async fn after_response(&self) -> Result<(), Error>;

    #[get("/blocking")]
    async fn blocking(&self) -> Result<(), Error>;
}

fn main() {}
