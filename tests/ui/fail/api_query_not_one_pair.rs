//! `#[query]` sends one `name=value` pair: a type that is visibly none is refused.

use std::collections::HashMap;

use oauth_runtime::{Error, Secret, oauth_api, oauth_provider};

#[oauth_provider(grant = "client_credentials", token_path = "/oauth/token")]
pub struct Vendor {
    pub client_id: String,
    pub client_secret: Secret,
}

#[oauth_api(client = Vendor)]
pub trait VendorApi {
    #[get("/search")]
    async fn by_map(&self, #[query] filter: &HashMap<String, String>) -> Result<String, Error>;

    #[get("/search")]
    async fn by_pairs(&self, #[query] filter: &[(&str, &str)]) -> Result<String, Error>;

    #[get("/search")]
    async fn by_tuple(&self, #[query] range: (u32, u32)) -> Result<String, Error>;

    #[get("/search")]
    async fn by_lists(&self, #[query] ids: Vec<Vec<u64>>) -> Result<String, Error>;
}

fn main() {}
