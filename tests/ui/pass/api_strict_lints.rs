//! The generated operations are quiet under strict lints, and need no imports but the trait.
#![deny(warnings, missing_docs, unsafe_code, rust_2018_idioms, unused_qualifications)]
#![deny(clippy::all)]

//! A crate with one vendor and its API.

/// A vendor.
#[oauth_runtime::oauth_provider(grant = "client_credentials", token_path = "/oauth/token")]
pub struct Vendor {
    /// Id.
    pub client_id: String,
    /// Secret.
    pub client_secret: oauth_runtime::Secret,
}

/// What the API answers.
#[derive(Debug, serde::Deserialize)]
pub struct Me {
    /// A name.
    pub name: String,
}

/// The vendor's API.
#[oauth_runtime::oauth_api(client = Vendor, error = Me)]
pub trait VendorApi {
    /// Who the token belongs to.
    #[get("/me/{id}", timeout_ms = 100)]
    async fn me(&self, id: u64, #[query] page: Option<u32>, #[header("X-A")] a: Option<&str>) -> Result<Me, oauth_runtime::Error>;

    /// Updates it.
    #[patch("/me", header("X-B" = "1"))]
    async fn update(&self, #[json] me: &std::collections::HashMap<String, String>) -> Result<(), oauth_runtime::Error>;
}

fn main() {}
