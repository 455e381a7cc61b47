//! `#[query(style = "..")]`: an unknown style, a misspelled option, and values a style has no
//! form for, each refused at its place.

use oauth_runtime::{Error, Secret, oauth_api, oauth_provider};

#[oauth_provider(grant = "client_credentials", token_path = "/oauth/token")]
pub struct Vendor {
    pub client_id: String,
    pub client_secret: Secret,
}

#[oauth_api(client = Vendor)]
pub trait VendorApi {
    #[get("/search")]
    async fn unknown(&self, #[query(style = "commas")] ids: &[u32]) -> Result<String, Error>;

    #[get("/search")]
    async fn misspelled(&self, #[query(styel = "comma")] ids: &[u32]) -> Result<String, Error>;

    #[get("/search")]
    async fn deep_list(&self, #[query(style = "deep_object")] ids: Vec<u32>) -> Result<String, Error>;

    #[get("/search")]
    async fn joined_lists(&self, #[query("grid", style = "pipe")] rows: &[Vec<u32>]) -> Result<String, Error>;

    #[get("/search")]
    async fn flatten_styled(&self, #[query(flatten, style = "comma")] ids: &[u32]) -> Result<String, Error>;
}

fn main() {}
