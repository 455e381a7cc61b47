//! A misspelt HTTP method attribute: did you mean. The operation still exists for callers,
//! so the call below adds no error.

use oauth_runtime::{Error, Provider, Secret, oauth_api, oauth_provider};

#[oauth_provider(grant = "client_credentials", token_path = "/oauth/token")]
pub struct Vendor {
    pub client_id: String,
    pub client_secret: Secret,
}

#[oauth_api(client = Vendor)]
pub trait VendorApi {
    #[gett("/me")]
    async fn me(&self) -> Result<String, Error>;

    #[update("/me")]
    async fn rename(&self, #[json] name: &str) -> Result<(), Error>;
}

pub async fn call() -> Result<String, Error> {
    let client = Vendor { client_id: "id".into(), client_secret: "s".into() }.client("https://api.example.com")?;
    client.me().await
}

fn main() {}
