//! Query values without `Serialize` are reported at the type.

use oauth_runtime::{Error, Secret, oauth_api, oauth_provider};

#[oauth_provider(grant = "client_credentials", token_path = "/oauth/token")]
pub struct Vendor {
    pub client_id: String,
    pub client_secret: Secret,
}

pub struct Filter {
    pub status: String,
}

/// A page cursor without `Serialize`.
pub struct Cursor(pub u64);

#[oauth_api(client = Vendor)]
pub trait VendorApi {
    #[get("/charges")]
    async fn charges(&self, #[query(flatten)] filter: &Filter, #[query] page: Cursor) -> Result<String, Error>;
}

fn main() {}
