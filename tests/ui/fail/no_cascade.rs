//! A mistake in the attribute is the only error: the struct, its client type, its `Provider`
//! impl (with the constructors) and its base URL constants still exist for the code that uses
//! them.

use oauth_runtime::{Error, Provider, Secret, oauth_provider};

#[oauth_provider(
    grant = "client_credentials",
    token_path = "/oauth/token",
    body_style = "jsonn",
    base_url(sandbox = "https://sandbox.example.com")
)]
pub struct Vendor {
    pub client_id: String,
    pub client_secret: Secret,
}

pub fn client() -> Result<VendorClient, Error> {
    let _ = Vendor::SPEC;
    Vendor { client_id: "id".into(), client_secret: "secret".into() }.client(Vendor::SANDBOX)
}

fn main() {}
