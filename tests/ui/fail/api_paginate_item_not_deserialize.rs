//! A paginated operation's item type without `Deserialize` is reported at the type.

use oauth_runtime::{Pages, Secret, oauth_api, oauth_provider};

#[oauth_provider(grant = "client_credentials", token_path = "/oauth/token")]
pub struct Vendor {
    pub client_id: String,
    pub client_secret: Secret,
}

pub struct Invoice {
    pub id: String,
}

#[oauth_api(client = Vendor)]
pub trait VendorApi {
    #[get("/invoices")]
    #[paginate(cursor = "next_cursor", cursor_param = "cursor", items = "data")]
    fn invoices(&self) -> Pages<Invoice>;
}

fn main() {}
