//! The generated code is quiet under strict lints, and needs no imports (the constructors are
//! called through the `Provider` trait's path).
#![deny(warnings, missing_docs, unsafe_code, rust_2018_idioms, unused_qualifications)]
#![deny(clippy::all)]

//! A crate with one vendor.

/// A vendor.
#[oauth_runtime::oauth_provider(
    grant = "client_credentials",
    token_path = "/oauth/token",
    refresh = "refresh_token_grant",
    base_url(sandbox = "https://sandbox.example.com", production = "https://api.example.com/v2")
)]
pub struct Vendor {
    /// Id.
    pub client_id: String,
    /// Secret.
    pub client_secret: oauth_runtime::Secret,
}

/// Builds a client.
pub fn client() -> Result<VendorClient, oauth_runtime::Error> {
    oauth_runtime::Provider::client(Vendor { client_id: "id".into(), client_secret: "secret".into() }, Vendor::SANDBOX)
}

fn main() {
    let _ = client;
}
