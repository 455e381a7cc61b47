//! `#[body]` and `#[multipart]` misused: a content type that is no media type, a multipart
//! content type on bytes, malformed attributes, and argument types that visibly are not bodies.

use oauth_runtime::{Error, Multipart, Secret, oauth_api, oauth_provider};

#[oauth_provider(grant = "client_credentials", token_path = "/oauth/token")]
pub struct Vendor {
    pub client_id: String,
    pub client_secret: Secret,
}

#[oauth_api(client = Vendor)]
pub trait VendorApi {
    #[post("/a")]
    async fn no_slash(&self, #[body("png")] data: Vec<u8>) -> Result<(), Error>;

    #[post("/b")]
    async fn control(&self, #[body("text/plain; charset=\n")] data: Vec<u8>) -> Result<(), Error>;

    #[post("/c")]
    async fn boundary(&self, #[body("multipart/form-data")] data: Vec<u8>) -> Result<(), Error>;

    #[post("/d")]
    async fn unquoted(&self, #[body(image / png)] data: Vec<u8>) -> Result<(), Error>;

    #[post("/e")]
    async fn with_args(&self, #[multipart("form")] form: Multipart) -> Result<(), Error>;

    #[post("/f")]
    async fn optional(&self, #[body] data: Option<Vec<u8>>) -> Result<(), Error>;

    #[post("/g")]
    async fn strings(&self, #[body] data: Vec<String>) -> Result<(), Error>;

    #[post("/h")]
    async fn number(&self, #[body] data: u32) -> Result<(), Error>;

    #[post("/i")]
    async fn form_as_bytes(&self, #[body] form: Multipart) -> Result<(), Error>;

    #[post("/j")]
    async fn bytes_as_form(&self, #[multipart] data: &[u8]) -> Result<(), Error>;

    #[post("/k")]
    async fn optional_form(&self, #[multipart] form: Option<Multipart>) -> Result<(), Error>;

    #[post("/l")]
    async fn typo(&self, #[multpart] form: Multipart) -> Result<(), Error>;
}

fn main() {}
