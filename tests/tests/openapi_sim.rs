//! A simulator from an OpenAPI document (oauth-sim feature `openapi`): every operation served
//! behind the bearer check with its example or a body made from its schema, declared errors on
//! demand; a client in the generated style called end to end with its token, a renewal and its
//! typed errors; the four real documents (`scripts/fetch-openapi.sh`) served route by route.

mod common;

use std::{path::PathBuf, time::Duration};

use common::*;
use oauth_runtime::{Error, Secret, TokenParams, oauth_api, oauth_provider};
use oauth_sim::{
    SimConfig, Simulator,
    axum::routing::get,
    oauth_codegen::sample::{self, Bodies},
};
use serde::{Deserialize, Serialize};
use time::macros::{date, datetime};

/// The fixture's OAuth2 flow, as the generator declares it.
#[derive(Clone)]
#[oauth_provider(grant = "client_credentials", token_path = "/oauth/token", client_auth = "basic")]
pub struct Shop {
    /// The client id.
    pub client_id: String,
    /// The client secret.
    pub client_secret: Secret,
}

/// The fixture's `Status`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Status {
    /// `open`.
    #[serde(rename = "open")]
    Open,
    /// `shipped`.
    #[serde(rename = "shipped")]
    Shipped,
    /// A value the document does not list.
    #[serde(untagged)]
    Unknown(String),
}

/// The fixture's `Order`, as the generator types it (`int64` as `i64`, dates with `time`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Order {
    /// `id`.
    pub id: i64,
    /// `status`.
    pub status: Status,
    /// `lines`.
    pub lines: Vec<Line>,
    /// `created_at`.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: time::OffsetDateTime,
    /// `ship_on`.
    #[serde(default, with = "date_format::option")]
    pub ship_on: Option<time::Date>,
    /// `payment`.
    #[serde(default)]
    pub payment: Option<serde_json::Value>,
    /// `parent`.
    #[serde(default)]
    pub parent: Option<Box<Order>>,
}

time::serde::format_description!(date_format, Date, "[year]-[month]-[day]");

/// The fixture's `Line`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Line {
    /// `sku`.
    pub sku: String,
    /// `quantity`.
    pub quantity: i32,
}

/// The fixture's `NewOrder`.
#[derive(Debug, Serialize)]
pub struct NewOrder {
    /// `lines`.
    pub lines: Vec<Line>,
}

/// The fixture's `Problem`: the declared error body.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Problem {
    /// `code`.
    pub code: String,
    /// `message`.
    pub message: String,
}

/// Five of the fixture's operations, in the generator's style (the document's scopes: its
/// default, `orders:read`, here the trait's; `createOrder`'s and `cancelOrder`'s own).
#[oauth_api(client = Shop, scopes = "orders:read")]
pub trait ShopApi {
    /// `GET /orders`.
    #[get("/orders", name = "listOrders", error = Problem)]
    async fn list_orders(&self) -> Result<Vec<Order>, Error>;
    /// `POST /orders`.
    #[post("/orders", name = "createOrder", error = Problem, scopes = "orders:write")]
    async fn create_order(&self, #[json] body: &NewOrder) -> Result<Order, Error>;
    /// `GET /orders/{orderId}`.
    #[get("/orders/{order_id}", name = "getOrder", error = Problem)]
    async fn get_order(&self, order_id: i64) -> Result<Order, Error>;
    /// `DELETE /orders/{orderId}`.
    #[delete("/orders/{order_id}", name = "cancelOrder", scopes = "orders:write")]
    async fn cancel_order(&self, order_id: i64) -> Result<(), Error>;
    /// `GET /orders/{orderId}/invoice`.
    #[get("/orders/{order_id}/invoice", name = "getInvoice")]
    async fn get_invoice(&self, order_id: &str) -> Result<String, Error>;
}

fn fixture() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../oauth-codegen/tests/fixtures/shop.yaml")).unwrap()
}

fn real(path: &str) -> String {
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/openapi").join(path);
    std::fs::read_to_string(&file)
        .unwrap_or_else(|e| panic!("{}: {e}; run `bash scripts/fetch-openapi.sh`", file.display()))
}

fn shop() -> Shop {
    Shop { client_id: "shop client".into(), client_secret: Secret::from("s3cr:et +&") }
}

async fn shop_sim(config: SimConfig) -> (Simulator, oauth_runtime::Client<Shop>) {
    let sim = Simulator::start_with(config).await.unwrap();
    let client = builder(shop(), &sim).build().unwrap();
    (sim, client)
}

#[tokio::test]
async fn a_call_without_a_token_gets_the_bearer_401() {
    let config = SimConfig::for_provider(shop()).openapi(&fixture()).unwrap();
    assert!(config.openapi_report().is_empty(), "{}", config.openapi_report());
    let (sim, _) = shop_sim(config).await;
    let http = reqwest::Client::new();
    for (method, path) in [("GET", "/orders"), ("POST", "/orders"), ("GET", "/orders/7"), ("DELETE", "/orders/7")] {
        let response = http.request(method.parse().unwrap(), format!("{}{path}", sim.base_url())).send().await.unwrap();
        assert_eq!(response.status(), 401, "{method} {path}");
        assert!(response.headers()["www-authenticate"].to_str().unwrap().starts_with("Bearer"));
    }
    let wrong = http.get(format!("{}/orders", sim.base_url())).bearer_auth("forged").send().await.unwrap();
    assert_eq!(wrong.status(), 401);
    assert_eq!((sim.counters().api_requests, sim.counters().api_authorized), (5, 0));
}

#[tokio::test]
async fn typed_calls_read_the_example_and_the_made_bodies() {
    let (sim, client) = shop_sim(SimConfig::for_provider(shop()).openapi(&fixture()).unwrap()).await;

    // The declared example, as written.
    let listed = client.list_orders().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!((listed[0].id, &listed[0].status), (1, &Status::Open));
    assert_eq!(listed[0].created_at, datetime!(2026-11-30 10:00:00 UTC));
    assert_eq!(listed[0].lines, [Line { sku: "tea".into(), quantity: 2 }]);

    // Made from the schema: an `int64` an `i32` cannot hold, dates in their formats, the
    // discriminator's value, the recursive `parent` left out.
    let order = client.get_order(7).await.unwrap();
    assert_eq!(order.id, 4_294_967_297);
    assert_eq!((order.created_at, order.ship_on), (datetime!(2024-01-02 03:04:05 UTC), Some(date!(2024 - 01 - 02))));
    assert_eq!(order.payment.as_ref().unwrap()["kind"], "card");
    assert!(order.parent.is_none());
    let created =
        client.create_order(&NewOrder { lines: vec![Line { sku: "tea".into(), quantity: 1 }] }).await.unwrap();
    assert_eq!(created, order);
    client.cancel_order(7).await.unwrap();
    assert_eq!(client.get_invoice("7").await.unwrap(), "string");

    let counters = sim.counters();
    assert_eq!((counters.token_requests, counters.api_authorized), (2, 5), "a token per scope set");
}

#[tokio::test]
async fn the_raw_answers_carry_the_declared_status_and_type() {
    let (sim, client) = shop_sim(SimConfig::for_provider(shop()).openapi(&fixture()).unwrap()).await;
    let write = &["orders:write"];
    let created =
        client.post("/orders").require_scopes(write).json(&serde_json::json!({"lines": []})).send().await.unwrap();
    assert_eq!(created.status(), 201);
    assert_eq!(created.headers()["content-type"], "application/json");
    let cancelled = client.delete("/orders/7").require_scopes(write).send().await.unwrap();
    assert_eq!(cancelled.status(), 204);
    assert!(cancelled.bytes().await.unwrap().is_empty());
    let invoice = client.get("/orders/7/invoice").require_scopes(&["orders:read"]).send().await.unwrap();
    assert_eq!(invoice.headers()["content-type"], "text/plain");
    // A method the document does not declare on a served path.
    assert_eq!(client.patch("/orders/7").send().await.unwrap().status(), 405);
    // A token without the operation's scope.
    let refused = client.delete("/orders/7").send().await.unwrap();
    assert_eq!(refused.status(), 403);
    assert!(refused.headers()["www-authenticate"].to_str().unwrap().contains(r#"scope="orders:write""#));
    assert_eq!((sim.counters().api_authorized, sim.counters().insufficient_scope), (4, 1));
}

#[tokio::test]
async fn a_declared_error_on_demand_is_the_typed_error() {
    let (sim, client) = shop_sim(SimConfig::for_provider(shop()).openapi(&fixture()).unwrap()).await;
    assert!(sim.respond_with_error("getOrder", 404));
    assert!(sim.respond_with_error("getOrder", 404));
    assert!(!sim.respond_with_error("getOrder", 500), "getOrder declares no 500 and no default");
    assert!(!sim.respond_with_error("noSuchOperation", 404));

    for _ in 0..2 {
        let err = client.get_order(7).await.unwrap_err();
        let Error::Api(api) = &err else { panic!("{err:?}") };
        assert_eq!(api.status.as_u16(), 404);
        let problem = api.body::<Problem>().expect("the declared error body");
        assert_eq!(problem, &Problem { code: "string".into(), message: "string".into() });
    }
    // Served once each: the next call answers its success again.
    assert_eq!(client.get_order(7).await.unwrap().id, 4_294_967_297);

    // `default` answers whatever status is asked for; another operation is not affected.
    assert!(sim.respond_with_error("listOrders", 409));
    assert_eq!(client.get_order(7).await.unwrap().id, 4_294_967_297);
    let err = client.list_orders().await.unwrap_err();
    let Error::Api(api) = &err else { panic!("{err:?}") };
    assert_eq!(api.status.as_u16(), 409);
    assert_eq!(api.body::<Problem>().unwrap().code, "string");
}

#[tokio::test]
async fn a_token_expired_on_the_server_is_renewed_under_a_document_route() {
    let config = SimConfig::for_provider(shop()).openapi(&fixture()).unwrap().token_lifetime(Duration::from_secs(3600));
    let (sim, client) = shop_sim(config).await;
    client.get_order(1).await.unwrap();
    sim.expire_tokens();
    // The 401 of the bearer check makes the client renew its token and call again.
    assert_eq!(client.get_order(1).await.unwrap().id, 4_294_967_297);
    let counters = sim.counters();
    assert_eq!((counters.token_requests, counters.api_requests, counters.api_authorized), (2, 3, 2));
}

#[tokio::test]
async fn bodies_made_from_the_schemas_instead_of_the_examples() {
    let routes = sample::routes_with(&fixture(), "shop.yaml", Bodies::Generated).unwrap();
    let (_sim, client) = shop_sim(SimConfig::for_provider(shop()).openapi_routes(routes)).await;
    let listed = client.list_orders().await.unwrap();
    assert_eq!(listed, [client.get_order(1).await.unwrap()]);
}

#[tokio::test]
async fn clashing_and_odd_paths_are_merged_or_reported() {
    let document = r#"
openapi: 3.0.3
paths:
  /a/{x}:
    get: {operationId: getA, responses: {'200': {description: ok, content: {application/json: {example: get}}}}}
  /a/{y}:
    get: {operationId: getAAgain, responses: {'200': {description: ok}}}
    post: {operationId: postA, responses: {'201': {description: ok, content: {application/json: {example: post}}}}}
  /a/{x}/b:
    get: {operationId: getB, responses: {'200': {description: ok, content: {application/json: {example: b}}}}}
  /oauth/token:
    post: {operationId: token, responses: {'200': {description: ok}}}
  /oauth/{step}:
    get: {operationId: step, responses: {'200': {description: ok}}}
  /files/{name}.json:
    get: {operationId: file, responses: {'200': {description: ok, content: {application/json: {example: file}}}}}
  /x/:colon/*star:
    get: {operationId: colon, responses: {'200': {description: ok, content: {application/json: {example: colon}}}}}
  no/slash?query=1:
    options: {operationId: options, responses: {'200': {description: ok, content: {application/json: {example: options}}}}}
  /mine/{other}:
    get: {operationId: mine, responses: {'200': {description: ok}}}
"#;
    let config = SimConfig::for_provider(shop())
        .route("/mine/{id}", get(|| async { "mine" }))
        .openapi(document)
        .expect("a document");
    let report = config.openapi_report().to_string();
    for expected in [
        "GET /a/{y}: the same route as GET /a/{x} (`getA`)",
        "POST /oauth/token: the simulator's own endpoint /oauth/token is on this route",
        "GET /oauth/{step}: the simulator's own endpoint /oauth/token is on this route",
        "GET /mine/{other}: a route given to `SimConfig::route` has this path",
    ] {
        assert!(report.contains(expected), "{expected}\nnot in\n{report}");
    }
    assert_eq!(config.openapi_report().notes().len(), 4, "{report}");

    let (sim, client) = shop_sim(config).await;
    for (method, path, status, body) in [
        ("GET", "/a/1", 200, r#""get""#),
        ("POST", "/a/1", 201, r#""post""#),
        ("GET", "/a/1/b", 200, r#""b""#),
        ("GET", "/files/report.json", 200, r#""file""#),
        ("GET", "/x/anything/else", 200, r#""colon""#),
        ("OPTIONS", "/no/slash", 200, r#""options""#),
        ("GET", "/mine/1", 200, "mine"),
    ] {
        let response = client.request(method.parse().unwrap(), path).send().await.unwrap();
        assert_eq!(response.status(), status, "{method} {path}");
        assert_eq!(response.text().await.unwrap(), body, "{method} {path}");
    }
    // The token endpoint is still the simulator's.
    assert_eq!(sim.counters().token_requests, 1);
}

/// `request` with a body of the route's first declared media type, if it declares one (the
/// simulator refuses a missing or undeclared body): empty, or for a multipart body its
/// required parts, files as files. Schemas are not checked, so an empty JSON body passes.
/// `request` with the query parameters `route` requires, each in its declared style.
fn with_declared_query(request: oauth_runtime::ApiRequest, route: &sample::Route) -> oauth_runtime::ApiRequest {
    use oauth_sim::oauth_codegen::operations::QueryStyle;
    route.query.iter().filter(|q| q.required).fold(request, |request, q| match q.style {
        Some(QueryStyle::DeepObject) => request.query_param(&format!("{}[key]", q.name), "x"),
        _ => request.query_param(&q.name, "x"),
    })
}

fn with_declared_body(request: oauth_runtime::ApiRequest, route: &sample::Route) -> oauth_runtime::ApiRequest {
    let Some(declared) = &route.request else { return request };
    let Some(content_type) = declared.content_types.first() else { return request };
    if content_type.to_ascii_lowercase().starts_with("multipart/form-data") {
        let form = declared.parts.iter().filter(|p| p.required).fold(oauth_runtime::Multipart::new(), |form, part| {
            if part.file {
                form.file(part.name.as_str(), "file.bin", "application/octet-stream", vec![0])
            } else {
                form.text(part.name.as_str(), "x")
            }
        });
        return request.multipart(form);
    }
    // A range (`*/*`, `image/*`) is sent as one of its types.
    let content_type = match content_type.split_once("/*") {
        Some(("*", _)) => "application/octet-stream".to_owned(),
        Some((kind, _)) => format!("{kind}/x-test"),
        None => content_type.clone(),
    };
    request.bytes(&content_type, Vec::new())
}

/// Every operation of the four real documents is served (GitHub's 1,200 included): each route
/// registers, answers its declared success status and body with a token, and the bearer check
/// guards it.
#[tokio::test]
async fn every_route_of_the_real_documents_is_served() {
    let documents = [
        "github/api.github.com.json",
        "figma/openapi.yaml",
        "apis-guru/sell-marketing.json",
        "apis-guru/vercel.com.json",
    ];
    for path in documents {
        let text = real(path);
        let routes = sample::routes_with(&text, path, Bodies::Generated).unwrap();
        let config = SimConfig::for_provider(shop()).openapi_routes(routes.clone());
        let report = config.openapi_report();
        let (sim, client) = shop_sim(config).await;
        let left_out: Vec<String> = report.notes().iter().map(|n| n.at.clone()).collect();
        let mut served = 0;
        let mut sets = std::collections::HashSet::new();
        for route in &routes.routes {
            if left_out.contains(&format!("{} {}", route.method, route.path)) {
                continue;
            }
            let concrete: Vec<&str> = route.path.split('/').map(|s| if s.contains('{') { "x" } else { s }).collect();
            // The operation's scopes, chosen at run time: a handle of their set.
            let scoped = client.with_token_params(TokenParams::new().scope(route.scopes.join(" ")));
            sets.insert(scoped.token_params().clone());
            let request = scoped.request(route.method.parse().unwrap(), &concrete.join("/"));
            let response = with_declared_body(with_declared_query(request, route), route).send().await.unwrap();
            let at = format!("{path}: {} {}", route.method, route.path);
            assert_eq!(response.status().as_u16(), route.success.status, "{at}");
            if route.method != "HEAD" {
                assert_eq!(response.bytes().await.unwrap(), route.success.body_bytes(), "{at}");
            }
            served += 1;
        }
        // Each route is served or named in the report (GitHub's `compare/{base}...{head}` is the
        // route of `compare/{basehead}`).
        let named = routes.routes.iter().filter(|r| left_out.contains(&format!("{} {}", r.method, r.path))).count();
        assert_eq!(served + named, routes.routes.len(), "{path}");
        assert!(served * 10 >= routes.routes.len() * 9, "{path}: {served} of {} served\n{report}", routes.routes.len());
        let counters = sim.counters();
        assert_eq!((counters.token_requests, counters.api_authorized), (sets.len(), served), "{path}");
        assert_eq!(counters.insufficient_scope, 0, "{path}");

        // A token without the scopes a route needs is refused with 403.
        if let Some(route) = routes.routes.iter().find(|r| !r.scopes.is_empty() && r.method == "GET") {
            let concrete: Vec<&str> = route.path.split('/').map(|s| if s.contains('{') { "x" } else { s }).collect();
            let response = client.get(&concrete.join("/")).send().await.unwrap();
            assert_eq!(response.status(), 403, "{path}: {}", route.path);
            assert_eq!(sim.counters().insufficient_scope, 1, "{path}");
        }

        // Without a token, a route of the document is refused.
        let first = &routes.routes[0];
        let url = format!("{}{}", sim.base_url(), first.path.replace(['{', '}'], ""));
        let unauthenticated = reqwest::Client::new().request(first.method.parse().unwrap(), url).send().await.unwrap();
        assert_eq!(unauthenticated.status(), 401, "{path}");
    }
}
