//! A type the macro cannot see into is checked by rustc, at the type: a `#[body]` that is not
//! bytes, a `#[multipart]` that does not implement `ToMultipart`.

use oauth_runtime::{Error, Secret, oauth_api, oauth_provider};

#[oauth_provider(grant = "client_credentials", token_path = "/oauth/token")]
pub struct Vendor {
    pub client_id: String,
    pub client_secret: Secret,
}

pub struct Archive {
    pub bytes: Vec<u8>,
}

pub struct Upload {
    pub file: Vec<u8>,
}

#[oauth_api(client = Vendor)]
pub trait VendorApi {
    #[put("/archives")]
    async fn archive(&self, #[body("application/zip")] archive: &Archive) -> Result<(), Error>;

    #[post("/uploads")]
    async fn upload(&self, #[multipart] upload: &Upload) -> Result<(), Error>;
}

fn main() {}
