//! A paginated operation is a plain `fn` of a `#[get]`, returning `Pages<T>`, whose
//! arguments leave the pagination's parameters to it.

use oauth_runtime::{Error, Pages, Secret, oauth_api, oauth_provider};

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
    #[get("/a")]
    #[paginate(link_header)]
    async fn awaited(&self) -> Pages<Invoice>;

    #[get("/b")]
    #[paginate(link_header)]
    fn one_page(&self) -> Result<Vec<Invoice>, Error>;

    #[get("/c")]
    fn forgotten(&self) -> Pages<Invoice>;

    #[post("/search")]
    #[paginate(next = "links.next")]
    fn search(&self) -> Pages<Invoice>;

    #[get("/e")]
    #[paginate(cursor = "next", cursor_param = "cursor")]
    fn resumed(&self, #[query] cursor: Option<&str>) -> Pages<Invoice>;

    #[get("/f")]
    #[paginatoin(link_header)]
    fn misspelt(&self) -> Pages<Invoice>;
}

/// The fallback declares the operations as they will be: using them adds no error.
fn use_them(client: &oauth_runtime::Client<Vendor>) -> Pages<Invoice> {
    let _ = client.resumed(None);
    client.forgotten()
}

fn main() {}
