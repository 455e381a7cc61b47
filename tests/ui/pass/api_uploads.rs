//! Bodies of bytes (`#[body]`) of every supported type, and multipart forms (`#[multipart]`):
//! the runtime's `Multipart`, by value or borrowed, and a type of the user's implementing
//! `ToMultipart`.

use oauth_runtime::{Error, Multipart, Secret, ToMultipart, oauth_api, oauth_provider};

#[oauth_provider(grant = "client_credentials", token_path = "/oauth/token")]
pub struct Vendor {
    pub client_id: String,
    pub client_secret: Secret,
}

pub struct Avatar {
    pub user: String,
    pub png: Vec<u8>,
}

impl ToMultipart for Avatar {
    fn to_multipart(&self) -> Multipart {
        Multipart::new().text("user", self.user.as_str()).file("avatar", "avatar.png", "image/png", self.png.clone())
    }
}

#[oauth_api(client = Vendor)]
pub trait Uploads {
    #[put("/v8/artifacts/{hash}")]
    async fn artifact(&self, hash: &str, #[body] data: Vec<u8>) -> Result<(), Error>;

    #[put("/images/{id}")]
    async fn image(&self, id: u64, #[body("image/png")] png: bytes::Bytes) -> Result<(), Error>;

    #[post("/raw")]
    async fn slice(&self, #[body("application/zip")] zip: &[u8]) -> Result<(), Error>;

    #[post("/markdown")]
    async fn markdown(&self, #[body("text/x-markdown; charset=utf-8")] text: &str) -> Result<String, Error>;

    #[patch("/notes")]
    async fn note(&self, #[body("text/plain")] text: String) -> Result<(), Error>;

    #[post("/magic")]
    async fn magic(&self, #[body] bytes: [u8; 4]) -> Result<(), Error>;

    #[post("/forms")]
    async fn form(&self, #[multipart] form: Multipart) -> Result<(), Error>;

    #[post("/forms/again")]
    async fn form_again(&self, #[multipart] form: &Multipart) -> Result<(), Error>;

    #[put("/users/{user}/avatar")]
    async fn avatar(&self, user: &str, #[multipart] avatar: &Avatar) -> Result<(), Error>;
}

fn spawnable(client: oauth_runtime::Client<Vendor>) {
    let form = Multipart::new().text("a", "b");
    // The request is built before the future starts: the future borrows nothing.
    let _ = tokio::spawn(client.form_again(&form));
    let _ = tokio::spawn(client.slice(&[1, 2, 3]));
    let _ = tokio::spawn(client.artifact("0a1b", vec![0; 8]));
}

fn main() {
    let _ = spawnable;
}
