//! `#[oauth_api]` operations over HTTP (issue 19), against spec simulators serving one set of
//! routes: placeholders filled by arguments of another name (`#[path("invoiceId")]`), answers
//! read with their status and headers (`Answer<T>`: a 201 and its `Location`, an `ETag` sent
//! back as `If-Match`, rate-limit headers), one trait implemented for a client-credentials
//! and a password client of the same API (`client(A, B)`), and `#[query]` values that are no
//! one pair refused before anything is sent.

mod common;

use std::time::Duration;

use axum::{
    Json,
    extract::{Path, RawQuery},
    http::{HeaderMap, StatusCode},
    response::IntoResponse,
    routing::{delete, get, post},
};
use common::bounded;
use oauth_runtime::{Answer, Client, Error, Provider, Secret, oauth_api, oauth_provider};
use oauth_sim::{SimConfig, Simulator};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// The billing API for machines: client credentials.
#[derive(Clone)]
#[oauth_provider(grant = "client_credentials", token_path = "/oauth/token")]
struct Billing {
    client_id: String,
    client_secret: Secret,
}

/// The same API for a person's account: the password grant.
#[derive(Clone)]
#[oauth_provider(grant = "password", token_path = "/oauth/token", body_style = "form")]
struct BillingUser {
    client_id: String,
    client_secret: Secret,
    username: String,
    password: Secret,
}

#[derive(Debug, Deserialize, PartialEq)]
struct Invoice {
    id: String,
    customer: String,
    amount: u32,
}

#[derive(Serialize)]
struct NewInvoice {
    amount: u32,
}

#[derive(Debug, Deserialize)]
struct BillingError {
    code: String,
}

#[derive(Serialize)]
struct Period {
    from: &'static str,
    to: &'static str,
}

/// One trait for both clients of the vendor.
#[oauth_api(client(Billing, BillingUser), error = BillingError)]
trait BillingApi {
    /// `201 Created`, with the new invoice's `Location`.
    #[post("/customers/{customerId}/invoices")]
    async fn create_invoice(
        &self,
        #[path("customerId")] customer_id: &str,
        #[json] invoice: &NewInvoice,
    ) -> Result<Answer<Invoice>, Error>;

    #[get("/customers/{customerId}/invoices/{invoiceId}")]
    async fn invoice(
        &self,
        #[path("invoiceId")] invoice_id: &str,
        #[path("customerId")] customer_id: &str,
    ) -> Result<Answer<Invoice>, Error>;

    /// The same, without the status and headers: the plain path.
    #[get("/customers/{customerId}/invoices/{invoiceId}", name = "invoiceBody")]
    async fn invoice_body(
        &self,
        #[path("customerId")] customer: &str,
        #[path("invoiceId")] id: &str,
    ) -> Result<Invoice, Error>;

    /// `204 No Content` when `If-Match` holds the current `ETag`, else `412`.
    #[delete("/invoices/{invoiceId}")]
    async fn delete_invoice(
        &self,
        #[path("invoiceId")] invoice_id: &str,
        #[header("If-Match")] etag: &str,
    ) -> Result<Answer<()>, Error>;

    #[get("/invoices/{invoiceId}/pdf")]
    async fn pdf(&self, #[path("invoiceId")] invoice_id: &str) -> Result<Answer<Vec<u8>>, Error>;

    #[get("/invoices/{invoiceId}/pdf", name = "pdfShared")]
    async fn pdf_shared(&self, #[path("invoiceId")] invoice_id: &str) -> Result<Answer<bytes::Bytes>, Error>;

    #[get("/invoices/{invoiceId}/note")]
    async fn note(&self, #[path("invoiceId")] invoice_id: &str) -> Result<Answer<String>, Error>;

    /// `period` is a struct, which is no one `period=value` pair: it needs `flatten`.
    #[get("/search")]
    async fn search_wrongly(&self, #[query] period: &Period) -> Result<Value, Error>;

    #[get("/search")]
    async fn search(&self, #[query(flatten)] period: &Period) -> Result<Value, Error>;
}

const ETAG: &str = "\"v1\"";

fn rate_limits(remaining: u32) -> [(&'static str, String); 3] {
    [
        ("x-ratelimit-limit", "100".to_owned()),
        ("x-ratelimit-remaining", remaining.to_string()),
        ("x-ratelimit-reset", "1700000000".to_owned()),
    ]
}

/// The vendor's routes, one set for every simulator of its API: each answers with the path
/// values as the server decoded them.
fn routes(config: SimConfig) -> SimConfig {
    config
        .route(
            "/customers/{customer}/invoices",
            post(|Path(customer): Path<String>, Json(new): Json<Value>| async move {
                let location = format!("/customers/{}/invoices/inv_1", oauth_runtime::encode_segment(&customer));
                let body = json!({"id": "inv_1", "customer": customer, "amount": new["amount"]});
                (StatusCode::CREATED, [("location", location), ("etag", ETAG.to_owned())], rate_limits(99), Json(body))
            }),
        )
        .route(
            "/customers/{customer}/invoices/{invoice}",
            get(|Path((customer, invoice)): Path<(String, String)>| async move {
                let body = json!({"id": invoice, "customer": customer, "amount": 42});
                ([("etag", ETAG)], rate_limits(98), Json(body))
            }),
        )
        .route(
            "/invoices/{invoice}",
            delete(|headers: HeaderMap| async move {
                if headers.get("if-match").is_some_and(|v| v == ETAG) {
                    (StatusCode::NO_CONTENT, rate_limits(97)).into_response()
                } else {
                    (StatusCode::PRECONDITION_FAILED, [("etag", ETAG)], Json(json!({"code": "stale"}))).into_response()
                }
            }),
        )
        .route(
            "/invoices/{invoice}/pdf",
            get(|| async { ([("content-type", "application/pdf")], b"%PDF-1.7".to_vec()) }),
        )
        .route(
            "/invoices/{invoice}/note",
            get(|Path(invoice): Path<String>| async move { format!("note of {invoice}") }),
        )
        .route("/search", get(|RawQuery(query): RawQuery| async move { Json(json!({ "query": query })) }))
}

fn billing(sim: &Simulator) -> Client<Billing> {
    let c = sim.config();
    Client::builder(Billing { client_id: c.client_id.clone(), client_secret: Secret::from(c.client_secret.clone()) })
        .base_url(&sim.base_url())
        .timeout(Duration::from_secs(2))
        .build()
        .unwrap()
}

fn billing_user(sim: &Simulator) -> Client<BillingUser> {
    let c = sim.config();
    let user = BillingUser {
        client_id: c.client_id.clone(),
        client_secret: Secret::from(c.client_secret.clone()),
        username: c.username.clone(),
        password: Secret::from(c.password.clone()),
    };
    Client::builder(user).base_url(&sim.base_url()).timeout(Duration::from_secs(2)).build().unwrap()
}

async fn start<P: Provider>() -> Simulator {
    Simulator::start_with(routes(SimConfig::for_spec(P::SPEC))).await.expect("simulator starts")
}

#[tokio::test]
async fn a_created_answer_keeps_its_status_location_etag_and_rate_limits() {
    let sim = start::<Billing>().await;
    let client = billing(&sim);
    // A customer id that needs encoding: it reaches the server as one segment, as written.
    let created = client.create_invoice("acme/eu 1", &NewInvoice { amount: 42 }).await.unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    assert_eq!(created.location(), Some("/customers/acme%2Feu%201/invoices/inv_1"));
    assert_eq!(created.etag(), Some(ETAG));
    assert_eq!(created.header("X-RateLimit-Remaining").and_then(|n| n.parse::<u32>().ok()), Some(99));
    assert_eq!(created.headers()["x-ratelimit-limit"], "100");
    assert_eq!(created.body(), &Invoice { id: "inv_1".into(), customer: "acme/eu 1".into(), amount: 42 });
    let (status, headers, invoice) = created.into_parts();
    assert_eq!((status.as_u16(), headers.get("etag").unwrap().to_str().unwrap(), invoice.amount), (201, ETAG, 42));

    // Two placeholders, each filled by an argument of another name, in another order.
    let fetched = client.invoice("inv_1", "acme").await.unwrap();
    assert_eq!((fetched.status().as_u16(), fetched.etag()), (200, Some(ETAG)));
    assert_eq!(fetched.header("x-ratelimit-remaining"), Some("98"));
    assert_eq!(fetched.into_body(), Invoice { id: "inv_1".into(), customer: "acme".into(), amount: 42 });
    // The plain `T` of the same route: the body alone.
    let plain = client.invoice_body("acme", "inv_1").await.unwrap();
    assert_eq!(plain.customer, "acme");
    assert_eq!(sim.counters().token_requests, 1);
}

#[tokio::test]
async fn an_etag_goes_back_as_if_match_and_a_stale_one_is_the_vendors_error() {
    let sim = start::<Billing>().await;
    let client = billing(&sim);
    let etag = client.invoice("inv_1", "acme").await.unwrap().etag().unwrap().to_owned();
    let deleted = client.delete_invoice("inv_1", &etag).await.unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    assert_eq!(deleted.header("x-ratelimit-remaining"), Some("97"));
    assert_eq!(deleted.location(), None);

    let err = client.delete_invoice("inv_1", "\"v0\"").await.unwrap_err();
    let Error::Api(api) = &err else { panic!("{err:?}") };
    assert_eq!(api.status, StatusCode::PRECONDITION_FAILED);
    assert_eq!(api.body::<BillingError>().map(|b| b.code.as_str()), Some("stale"));
    assert_eq!(api.headers()["etag"], ETAG, "an error keeps its headers too");
}

#[tokio::test]
async fn bytes_and_text_answers_keep_their_headers() {
    let sim = start::<Billing>().await;
    let client = billing(&sim);
    let pdf = client.pdf("inv_1").await.unwrap();
    assert_eq!((pdf.header("content-type"), pdf.body().as_slice()), (Some("application/pdf"), b"%PDF-1.7".as_slice()));
    let shared = client.pdf_shared("inv_1").await.unwrap();
    assert_eq!(shared.map(|b| b.len()).into_body(), 8);
    let note = client.note("inv 1").await.unwrap();
    assert_eq!(note.body(), "note of inv 1");
    assert!(note.header("content-type").is_some_and(|t| t.starts_with("text/plain")));
    let debug = format!("{note:?}");
    assert!(debug.contains("content-type") && !debug.contains("text/plain"), "names only: {debug}");
}

/// Code written once against the trait, for any of the vendor's clients.
async fn bill<C: BillingApi>(client: &C, customer: &str) -> Result<Answer<Invoice>, Error> {
    client.create_invoice(customer, &NewInvoice { amount: 7 }).await
}

#[tokio::test]
async fn one_trait_serves_a_client_credentials_and_a_password_client() {
    let (machines, people) = (start::<Billing>().await, start::<BillingUser>().await);
    let (service, user) = (billing(&machines), billing_user(&people));
    let a = bounded(Duration::from_secs(10), bill(&service, "acme")).await.unwrap();
    let b = bounded(Duration::from_secs(10), bill(&user, "globex")).await.unwrap();
    assert_eq!((a.status().as_u16(), a.body().customer.as_str()), (201, "acme"));
    assert_eq!((b.status().as_u16(), b.body().customer.as_str()), (201, "globex"));
    assert_eq!(user.note("inv_1").await.unwrap().into_body(), "note of inv_1");
    // Each client got its token by its own grant, which its simulator alone accepts.
    assert_eq!((machines.counters().token_requests, people.counters().token_requests), (1, 1));
    assert_eq!((machines.counters().api_authorized, people.counters().api_authorized), (1, 2));
    let wrong = billing(&people).note("inv_1").await.unwrap_err();
    assert!(matches!(wrong, Error::OAuth(_)), "a client-credentials grant at the password vendor: {wrong:?}");
}

#[tokio::test]
async fn a_struct_as_one_query_pair_is_refused_before_sending() {
    let sim = start::<Billing>().await;
    let client = billing(&sim);
    let period = Period { from: "2026-01-01", to: "2026-02-01" };
    let err = client.search_wrongly(&period).await.unwrap_err();
    let Error::Argument { operation, message, .. } = &err else { panic!("{err:?}") };
    assert_eq!(*operation, Some("search_wrongly"));
    assert!(message.contains("`period` is a struct or a map"), "{message}");
    assert!(message.contains("mark the argument `#[query(flatten)]`"), "{message}");
    assert_eq!(sim.counters().api_requests, 0, "nothing was sent");
    assert_eq!(sim.counters().token_requests, 0, "not even for a token");

    let found = client.search(&period).await.unwrap();
    assert_eq!(found["query"], "from=2026-01-01&to=2026-02-01");

    // The same for a call built by hand, with what to call instead.
    let err = client.get("/search").query_param("period", &period).send().await.unwrap_err();
    let Error::Argument { message, .. } = &err else { panic!("{err:?}") };
    assert!(message.contains("send its fields as pairs with `.query(&value)`"), "{message}");
    let err = client.get("/search").query_param("ids", &[vec![1, 2], vec![3]]).send().await.unwrap_err();
    assert!(matches!(&err, Error::Argument { message, .. } if message.contains("a list holding")), "{err:?}");
    assert_eq!(sim.counters().api_requests, 1, "the flattened search alone");
}
