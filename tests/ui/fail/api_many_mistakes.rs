//! Several mistakes in one trait: all are reported in one build, and calls of its operations
//! add nothing.

use oauth_runtime::{Error, Provider, Secret, oauth_api, oauth_provider};

#[oauth_provider(grant = "client_credentials", token_path = "/oauth/token")]
pub struct Vendor {
    pub client_id: String,
    pub client_secret: Secret,
}

#[oauth_api(client = Vendor)]
pub trait VendorApi {
    #[post("charges/{id}")]
    async fn create(&self, #[json] charge: &str, #[json] note: &str) -> Result<(), Error>;

    #[gett("/me")]
    async fn me(&self, unused: u32) -> Vec<u8>;

    #[get("/you/{id}")]
    async fn you(&self, unused: u32) -> Vec<u8>;
}

pub async fn call() -> Result<(), Error> {
    let client = Vendor { client_id: "id".into(), client_secret: "s".into() }.client("https://api.example.com")?;
    client.create("{}", "note").await?;
    let _: Vec<u8> = client.me(1).await;
    let _: Vec<u8> = client.you(2).await;
    Ok(())
}

fn main() {}
