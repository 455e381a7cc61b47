//! Every pagination style compiles, and the streams are read as streams.

use futures_util::TryStreamExt as _;
use oauth_runtime::{Client, Error, Pages, Secret, oauth_api, oauth_provider};

#[oauth_provider(grant = "client_credentials", token_path = "/oauth/token")]
pub struct Vendor {
    pub client_id: String,
    pub client_secret: Secret,
}

#[derive(Debug, serde::Deserialize)]
pub struct Invoice {
    pub id: String,
}

#[derive(Debug, serde::Deserialize)]
pub struct VendorError {
    pub message: String,
}

#[oauth_api(client = Vendor, error = VendorError)]
pub trait VendorApi {
    /// Open invoices.
    #[get("/invoices")]
    #[paginate(cursor = "meta.next_cursor", cursor_param = "cursor", items = "data", limit_param = "limit", limit = 100)]
    fn invoices(&self, #[query] status: &str) -> Pages<Invoice>;

    #[get("/customers/{id}/invoices", timeout_ms = 5000)]
    #[paginate(next = "links.next", items = "data", max_pages = 50)]
    fn customer_invoices(&self, id: u64, #[header("X-Trace-Id")] trace: Option<&str>) -> Pages<Invoice>;

    #[get("/repos")]
    #[paginate(link_header, limit_param = "per_page", limit = 100)]
    fn repos(&self) -> oauth_runtime::Pages<serde_json::Value>;

    #[get("/orders")]
    #[paginate(page_param = "page", first_page = 0, total_pages = "meta.total_pages", items = "orders")]
    fn orders(&self) -> Pages<Invoice>;

    #[get("/events", name = "listEvents")]
    #[paginate(offset_param = "offset", limit_param = "limit", limit = 25)]
    fn events(&self) -> Pages<Invoice>;

    #[get("/me")]
    async fn me(&self) -> Result<String, Error>;
}

async fn read(client: Client<Vendor>) -> Result<(), Error> {
    let all: Vec<Invoice> = client.invoices("open").try_collect().await?;
    let mut notes = client.customer_invoices(7, None);
    while let Some(invoice) = notes.try_next().await? {
        println!("{}", invoice.id);
    }
    let mut pages = client.orders().pages();
    while let Some(page) = pages.try_next().await? {
        println!("{}: {}", page.number(), page.items().len());
    }
    let spawned = tokio::spawn(client.events().try_collect::<Vec<_>>());
    let _ = (all, client.repos(), spawned, client.me().await?);
    Ok(())
}

fn main() {
    let _ = read;
}
