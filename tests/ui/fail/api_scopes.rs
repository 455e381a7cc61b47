//! `scopes = ".."`: empty, a character RFC 6749 does not allow in a scope, a scope listed twice,
//! a value without quotes, on the trait and on operations.

use oauth_runtime::{Error, Secret, oauth_api, oauth_provider};

#[oauth_provider(grant = "client_credentials", token_path = "/oauth/token")]
pub struct Vendor {
    pub client_id: String,
    pub client_secret: Secret,
}

#[oauth_api(client = Vendor, scopes = "répertoires")]
pub trait VendorApi {
    #[get("/a", scopes = "")]
    async fn a(&self) -> Result<(), Error>;

    #[get("/b", scopes = "repo read:org repo")]
    async fn b(&self) -> Result<(), Error>;

    #[get("/c", scopes = "say\"cheese\"")]
    async fn c(&self) -> Result<(), Error>;

    #[get("/d", scopes = repo)]
    async fn d(&self) -> Result<(), Error>;

    #[get("/e", scope = "repo")]
    async fn e(&self) -> Result<(), Error>;
}

fn main() {}
