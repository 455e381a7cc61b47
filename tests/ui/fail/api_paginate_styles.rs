//! `#[paginate]` says how the next page is found, one way, with what that way needs.

use oauth_runtime::{Pages, Secret, oauth_api, oauth_provider};

#[oauth_provider(grant = "client_credentials", token_path = "/oauth/token")]
pub struct Vendor {
    pub client_id: String,
    pub client_secret: Secret,
}

#[derive(serde::Deserialize)]
pub struct Invoice {
    pub id: String,
}

#[oauth_api(client = Vendor)]
pub trait VendorApi {
    /// Two styles at once.
    #[get("/a")]
    #[paginate(cursor = "meta.next", cursor_param = "cursor", page_param = "page")]
    fn a(&self) -> Pages<Invoice>;

    /// A cursor, but no parameter to send it back in.
    #[get("/b")]
    #[paginate(cursor = "next_cursor", items = "data")]
    fn b(&self) -> Pages<Invoice>;

    /// A misspelt key.
    #[get("/c")]
    #[paginate(link_header, item = "data")]
    fn c(&self) -> Pages<Invoice>;

    /// No style.
    #[get("/d")]
    #[paginate(items = "data")]
    fn d(&self) -> Pages<Invoice>;

    /// A page size without its parameter.
    #[get("/e")]
    #[paginate(offset_param = "offset", limit = 50)]
    fn e(&self) -> Pages<Invoice>;

    /// A malformed path.
    #[get("/f")]
    #[paginate(offset_param = "offset", items = "data..rows")]
    fn f(&self) -> Pages<Invoice>;
}

fn main() {}
