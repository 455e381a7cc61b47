//! `Answer<T>` reads the body as `T`: a `Response` already has its status and headers.

use oauth_runtime::{Error, Secret, oauth_api, oauth_provider};

#[oauth_provider(grant = "client_credentials", token_path = "/oauth/token")]
pub struct Vendor {
    pub client_id: String,
    pub client_secret: Secret,
}

#[oauth_api(client = Vendor)]
pub trait VendorApi {
    #[get("/me")]
    async fn me(&self) -> Result<oauth_runtime::Answer<oauth_runtime::reqwest::Response>, Error>;
}

fn main() {}
