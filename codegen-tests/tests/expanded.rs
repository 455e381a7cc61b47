//! The fixture's client written expanded (no `#[oauth_api]` left to run) behaves as the
//! declared one: the same requests on the wire, the same renewal, the same typed errors.

use oauth_codegen_tests::{shop_expanded as shop, shop_expanded::ShopApi as _};

use oauth_runtime::{Error, Provider, Secret};
use oauth_sim::{SimConfig, Simulator};

const SHOP: &str = include_str!("../../oauth-codegen/tests/fixtures/shop.yaml");

#[tokio::test]
async fn the_expanded_client_sends_renews_and_reads_errors_as_the_declared_one() {
    let credentials =
        || shop::ShopClientCredentials { client_id: "shop id".into(), client_secret: Secret::from("s3cr:et/+&") };
    let sim = Simulator::start_with(SimConfig::for_provider(credentials()).openapi(SHOP).unwrap()).await.unwrap();
    let client = credentials().client(&sim.base_url()).unwrap();

    let orders =
        client.list_orders(Some(&["tea".to_owned()]), Some("req-1"), &shop::ListOrdersQuery::default()).await.unwrap();
    assert_eq!((orders[0].id, &orders[0].status), (1, &shop::Status::Open));
    let sent = sim.requests().into_iter().find(|r| r.path() == "/orders").unwrap();
    assert_eq!((sent.query_param("sku"), sent.header("x-request-id")), (Some("tea"), Some("req-1")));

    let new = shop::NewOrder { lines: vec![shop::Line { sku: "tea".into(), quantity: 1, price: None }], note: None };
    client.create_order(&new).await.unwrap();
    client.rate_order(7, 5, &shop::RateOrderRequest { comment: Some("fine".into()) }).await.unwrap();
    let rated = sim.requests().into_iter().rev().find(|r| r.path() == "/orders/7/rating").unwrap();
    assert_eq!((rated.method().as_str(), rated.query_param("stars")), ("PUT", Some("5")));
    assert_eq!(rated.form("comment"), Some("fine"));
    let created = sim.requests().into_iter().find(|r| r.path() == "/orders" && r.method() == "POST").unwrap();
    assert_eq!(created.json().unwrap()["lines"][0]["sku"], "tea");
    // One token per scope set: `orders:read` (the document's default) and `orders:write`
    // (`createOrder`'s own).
    assert_eq!(sim.counters().token_requests, 2);

    sim.expire_tokens();
    client.get_order(7).await.unwrap();
    assert_eq!(sim.counters().token_requests, 3);

    assert!(sim.respond_with_error("getOrder", 404));
    let Err(Error::Api(api)) = client.get_order(1).await else { panic!("a 404 is an API error") };
    assert_eq!(api.status, 404);
    assert!(api.body::<shop::Problem>().is_some(), "{api:?}");
}
