//! Header names and values HTTP cannot carry.

use oauth_runtime::{Error, Secret, oauth_api, oauth_provider};

#[oauth_provider(grant = "client_credentials", token_path = "/oauth/token")]
pub struct Vendor {
    pub client_id: String,
    pub client_secret: Secret,
}

#[oauth_api(client = Vendor)]
pub trait VendorApi {
    #[get("/me", header("Api Version" = "2"), header("X-Note" = "line\nbreak"))]
    async fn me(&self, #[header] trace: &str, #[header("X-Trace:Id")] other: &str) -> Result<String, Error>;
}

fn main() {}
