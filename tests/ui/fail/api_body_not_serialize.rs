//! A body type without `Serialize` is reported at the type.

use oauth_runtime::{Error, Secret, oauth_api, oauth_provider};
use serde::Serialize;

#[oauth_provider(grant = "client_credentials", token_path = "/oauth/token")]
pub struct Vendor {
    pub client_id: String,
    pub client_secret: Secret,
}

pub struct NewCharge {
    pub amount: u32,
}

#[derive(Serialize)]
pub struct Note;

#[oauth_api(client = Vendor)]
pub trait VendorApi {
    #[post("/charges")]
    async fn create(&self, #[json] charge: &NewCharge) -> Result<(), Error>;

    #[put("/notes")]
    async fn note(&self, #[form] note: &Note) -> Result<(), Error>;
}

fn main() {}
