//! An operation is called on the client: it takes `&self`. Each mistake is one error at the
//! method: calls of the operations see them declared with `&self`, and add none.

use oauth_runtime::{Error, Secret, oauth_api, oauth_provider};

#[oauth_provider(grant = "client_credentials", token_path = "/oauth/token")]
pub struct Vendor {
    pub client_id: String,
    pub client_secret: Secret,
}

#[oauth_api(client = Vendor)]
pub trait VendorApi {
    #[get("/me")]
    async fn me() -> Result<String, Error>;

    #[get("/you")]
    async fn you(self) -> Result<String, Error>;

    #[get("/them")]
    async fn them(&mut self) -> Result<String, Error>;
}

pub async fn calls(client: oauth_runtime::Client<Vendor>) -> Result<String, Error> {
    let me = client.me().await?;
    let you = client.you().await?;
    let them = client.them().await?;
    Ok(me + &you + &them)
}

fn main() {}
