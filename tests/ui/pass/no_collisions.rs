//! The generated code adds nothing to the struct but the base-URL consts the user names, so the
//! struct's own `client`, `client_builder` and other consts do not collide with it; the
//! constructors are the `Provider` trait's.

use oauth_runtime::{Client, Provider, Secret, oauth_provider};

#[oauth_provider(grant = "client_credentials", token_path = "/oauth/token", base_url(live = "https://api.example.com"))]
pub struct Vendor {
    pub client_id: String,
    pub client_secret: Secret,
}

impl Vendor {
    pub const SANDBOX: &'static str = "https://sandbox.example.com";

    pub fn client(&self) -> &str {
        &self.client_id
    }

    pub fn client_builder() -> u8 {
        7
    }
}

/// Without the trait in scope, method calls find only the struct's own methods.
mod plain {
    pub fn client_id(vendor: &super::Vendor) -> &str {
        vendor.client()
    }
}

fn vendor() -> Vendor {
    Vendor { client_id: "id".into(), client_secret: Secret::from("s") }
}

fn main() {
    assert_eq!(plain::client_id(&vendor()), "id");
    // A path names the inherent item first, trait in scope or not.
    assert_eq!(Vendor::client(&vendor()), "id");
    assert_eq!(Vendor::client_builder(), 7);
    assert_eq!(Vendor::SANDBOX, "https://sandbox.example.com");
    assert_eq!(Vendor::LIVE, "https://api.example.com");
    // With the trait in scope, a by-value call finds the trait's constructor.
    let client: Client<Vendor> = vendor().client(Vendor::LIVE).unwrap();
    assert_eq!(client.base_url().as_str(), "https://api.example.com/");
    let _built: VendorClient = <Vendor as Provider>::client_builder(vendor()).build().unwrap();
}
