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

/// The same vendor, for a person's account.
#[oauth_runtime::oauth_provider(grant = "password", token_path = "/oauth/token")]
pub struct VendorUser {
    /// Id.
    pub client_id: String,
    /// Secret.
    pub client_secret: oauth_runtime::Secret,
    /// The person.
    pub username: String,
    /// Their password.
    pub password: oauth_runtime::Secret,
}

/// The vendor's API, for both clients.
#[oauth_runtime::oauth_api(client(Vendor, VendorUser), error = Me)]
pub trait VendorApi {
    /// Who the token belongs to.
    #[get("/me/{id}", timeout_ms = 100)]
    async fn me(&self, id: u64, #[query] page: Option<u32>, #[header("X-A")] a: Option<&str>) -> Result<Me, oauth_runtime::Error>;

    /// Updates it.
    #[patch("/me", header("X-B" = "1"))]
    async fn update(&self, #[json] me: &std::collections::HashMap<String, String>) -> Result<(), oauth_runtime::Error>;

    /// Creates one, with its status and headers.
    #[post("/sites/{siteId}/me")]
    async fn create(&self, #[path("siteId")] site_id: &str) -> Result<oauth_runtime::Answer<Me>, oauth_runtime::Error>;

    /// Its picture.
    #[get("/me/picture")]
    async fn picture(&self) -> Result<oauth_runtime::Answer<Vec<u8>>, oauth_runtime::Error>;

    /// Removes it.
    #[delete("/me")]
    async fn remove(&self) -> Result<oauth_runtime::Answer<()>, oauth_runtime::Error>;
}

fn main() {}
