//! `#[oauth_api]` goes on a trait.

use oauth_runtime::{Error, Secret, oauth_api, oauth_provider};

#[oauth_provider(grant = "client_credentials", token_path = "/oauth/token")]
pub struct Vendor {
    pub client_id: String,
    pub client_secret: Secret,
}

#[oauth_api(client = Vendor)]
pub struct VendorApi;

pub fn error() -> Option<Error> {
    None
}

fn main() {}
