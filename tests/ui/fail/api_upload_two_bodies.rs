//! A request has one body, and a GET or HEAD none: `#[body]` and `#[multipart]` count.

use oauth_runtime::{Error, Multipart, Secret, oauth_api, oauth_provider};

#[oauth_provider(grant = "client_credentials", token_path = "/oauth/token")]
pub struct Vendor {
    pub client_id: String,
    pub client_secret: Secret,
}

#[oauth_api(client = Vendor)]
pub trait VendorApi {
    #[post("/uploads")]
    async fn two(&self, #[multipart] form: Multipart, #[body("image/png")] png: Vec<u8>) -> Result<(), Error>;

    #[put("/things")]
    async fn json_and_bytes(&self, #[json] thing: &str, #[body] raw: Vec<u8>) -> Result<(), Error>;

    #[get("/downloads")]
    async fn download(&self, #[body] filter: Vec<u8>) -> Result<Vec<u8>, Error>;

    #[head("/forms")]
    async fn head(&self, #[multipart] form: Multipart) -> Result<(), Error>;
}

fn main() {}
