//! The generated clients called end to end against simulators built from the same documents
//! (oauth-sim's feature `openapi`): tokens requested and renewed, typed bodies read, declared
//! errors read into the document's error types, over HTTP on 127.0.0.1.

use oauth_codegen_tests::{figma, figma::FigmaApi as _, github_subset, github_uploads, shop, shop::ShopApi as _};
use std::time::Duration;

use oauth_runtime::{Client, Error, Provider, Secret, TokenParams};
use oauth_sim::{
    SimConfig, Simulator,
    oauth_codegen::sample::{self, Bodies},
};

const SHOP: &str = include_str!("../../oauth-codegen/tests/fixtures/shop.yaml");

fn shop_credentials() -> shop::ShopClientCredentials {
    shop::ShopClientCredentials { client_id: "shop id".into(), client_secret: Secret::from("s3cr:et/+&") }
}

#[tokio::test]
async fn the_shop_client_reads_examples_and_made_bodies_and_renews_its_token() {
    let config = SimConfig::for_provider(shop_credentials()).openapi(SHOP).unwrap();
    let sim = Simulator::start_with(config).await.unwrap();
    let client = shop_credentials().client(&sim.base_url()).unwrap();

    // The declared example, into the generated types.
    let orders =
        client.list_orders(Some(&["tea".to_owned()]), Some("req-1"), &shop::ListOrdersQuery::default()).await.unwrap();
    assert_eq!(orders.len(), 1);
    assert_eq!((orders[0].id, &orders[0].status), (1, &shop::Status::Open));
    assert_eq!(orders[0].lines[0].quantity, 2);
    assert_eq!(orders[0].created_at.year(), 2026);
    assert!(matches!(&orders[0].payment, Some(shop::Payment::Card(card)) if card.last4 == "4242"));

    // What the client sent: the generated arguments on the wire.
    let sent = sim.requests().into_iter().find(|r| r.path() == "/orders").unwrap();
    assert_eq!(sent.query_param("sku"), Some("tea"));
    assert_eq!(sent.header("x-request-id"), Some("req-1"));

    // Bodies made from the schema: every required field present and typed.
    let order = client.get_order(7).await.unwrap();
    assert!(!order.lines.is_empty());
    let query = shop::ListOrdersQuery { status: Some(shop::Status::Shipped), limit: Some(5) };
    client.list_orders(None, None, &query).await.unwrap();
    let sent = sim.requests().into_iter().rev().find(|r| r.path() == "/orders").unwrap();
    assert_eq!((sent.query_param("status"), sent.query_param("limit")), (Some("shipped"), Some("5")));
    let new = shop::NewOrder { lines: vec![shop::Line { sku: "tea".into(), quantity: 1, price: None }], note: None };
    client.create_order(&new).await.unwrap();
    client.cancel_order(7).await.unwrap();
    assert!(!client.get_invoice("7").await.unwrap().is_empty());
    client.rate_order(7, 5, &shop::RateOrderRequest { comment: Some("fine".into()) }).await.unwrap();
    // One token per scope set the operations declare: `orders:read` (the document's default)
    // and `orders:write` (`createOrder`'s and `cancelOrder`'s own).
    assert_eq!(sim.counters().token_requests, 2);

    // A token that expired at the vendor: the 401 renews it, and the call goes through.
    sim.expire_tokens();
    client.get_order(7).await.unwrap();
    assert_eq!(sim.counters().token_requests, 3);
}

/// The token request's `scope` of each grant the simulator received, in order.
fn granted_scopes(sim: &Simulator) -> Vec<Option<String>> {
    sim.requests()
        .iter()
        .filter(|r| r.kind() == Some(oauth_sim::RouteKind::Token))
        .map(|r| r.form("scope").map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn each_operation_goes_with_a_token_of_the_scopes_its_document_declares() {
    let config = SimConfig::for_provider(shop_credentials()).openapi(SHOP).unwrap();
    let sim = Simulator::start_with(config).await.unwrap();
    let client = shop_credentials().client(&sim.base_url()).unwrap();
    client.get_order(7).await.unwrap();
    client.cancel_order(7).await.unwrap();
    client.get_order(8).await.unwrap();
    client.cancel_order(8).await.unwrap();
    assert_eq!(granted_scopes(&sim), [Some("orders:read".to_owned()), Some("orders:write".to_owned())]);
    // `security: []`: the call goes with the client's own token, of no scope.
    client.get_health().await.unwrap();
    assert_eq!((sim.counters().api_authorized, sim.counters().insufficient_scope), (5, 0));

    // A vendor that allows the client `orders:read` alone: the write token it issues lacks
    // `orders:write`, and the simulator refuses it as the document's operation requires.
    let config = SimConfig::for_provider(shop_credentials()).openapi(SHOP).unwrap().allow_scopes("orders:read");
    let sim = Simulator::start_with(config).await.unwrap();
    let client = shop_credentials().client(&sim.base_url()).unwrap();
    let Err(Error::Scope(scope)) = client.cancel_order(7).await else { panic!("a 403 for insufficient scope") };
    assert_eq!((scope.operation, scope.required.as_slice()), (Some("cancelOrder"), &["orders:write"][..]));
    assert_eq!(scope.missing, ["orders:write"], "the scopes the simulator's challenge names");
    assert_eq!(scope.answer.as_ref().map(|a| a.status.as_u16()), Some(403));
    assert_eq!(sim.counters().insufficient_scope, 1);
}

#[tokio::test]
async fn uploads_of_files_forms_and_bytes_reach_the_simulator_as_declared() {
    use oauth_runtime::{Multipart, multipart::FilePart};
    let config = SimConfig::for_provider(shop_credentials()).openapi(SHOP).unwrap();
    let sim = Simulator::start_with(config).await.unwrap();
    let client = shop_credentials().client(&sim.base_url()).unwrap();
    let png = vec![0x89, b'P', b'N', b'G', 0, 0xff];

    // A multipart body of the generated struct: a file, text, a number, a list, an object.
    let image = shop::UploadProductImageRequest {
        image: FilePart::new("tea.png", png.clone()).with_content_type("image/png"),
        caption: "Green tea".into(),
        position: Some(2),
        tags: Some(vec!["tea".into(), "green".into()]),
        crop: Some(shop::Crop { width: 640, height: 480 }),
        thumbnails: Some(vec![FilePart::new("small.png", vec![1, 2]), FilePart::new("tiny.png", vec![3])]),
    };
    let stored = client.upload_product_image("tea", &image).await.unwrap();
    assert_eq!(stored.url, "https://cdn.shop.example/tea.png");
    let sent = sim.requests().into_iter().find(|r| r.path() == "/products/tea/image").unwrap();
    assert_eq!(sent.method().as_str(), "PUT");
    /// A part as received: name, file name, content type, contents.
    type Seen<'a> = (&'a str, Option<&'a str>, Option<&'a str>, &'a [u8]);
    let parts: Vec<Seen<'_>> =
        sent.parts().iter().map(|p| (p.name(), p.file_name(), p.content_type(), p.body().as_ref())).collect();
    assert_eq!(
        parts,
        [
            ("image", Some("tea.png"), Some("image/png"), png.as_slice()),
            ("caption", None, None, b"Green tea".as_slice()),
            ("position", None, None, b"2"),
            ("tags", None, None, b"tea"),
            ("tags", None, None, b"green"),
            ("crop", None, Some("application/json"), br#"{"height":480,"width":640}"#),
            ("thumbnails", Some("small.png"), Some("application/octet-stream"), &[1, 2]),
            ("thumbnails", Some("tiny.png"), Some("application/octet-stream"), &[3]),
        ]
    );
    // Optional parts left out are not sent; the token expired at the vendor: renewed, replayed.
    sim.expire_tokens();
    let bare = shop::UploadProductImageRequest { position: None, tags: None, crop: None, thumbnails: None, ..image };
    client.upload_product_image("tea", &bare).await.unwrap();
    let sent: Vec<_> = sim.requests().into_iter().filter(|r| r.path() == "/products/tea/image").collect();
    let [_, refused, replayed] = &sent[..] else { panic!("a first upload, then two attempts: {sent:?}") };
    assert_eq!((refused.status(), replayed.status()), (Some(401), Some(201)));
    assert_eq!(replayed.parts().iter().map(|p| p.name()).collect::<Vec<_>>(), ["image", "caption"]);
    assert_eq!(replayed.part("image").unwrap().body().as_ref(), png.as_slice());

    // A form without declared parts is the caller's `Multipart`; bytes and text as they are.
    client.upload(&Multipart::new().text("anything", "goes")).await.unwrap();
    client.put_product_manual("tea", b"%PDF-1.7".to_vec()).await.unwrap();
    assert_eq!(client.add_note("Steep for 3 minutes").await.unwrap(), "note-1");
    let manual = sim.requests().into_iter().find(|r| r.path() == "/products/tea/manual").unwrap();
    assert_eq!(
        (manual.header("content-type"), manual.raw_body().map(|b| b.as_ref())),
        (Some("application/pdf"), Some(&b"%PDF-1.7"[..]))
    );
    let note = sim.requests().into_iter().find(|r| r.path() == "/notes").unwrap();
    assert_eq!(
        (note.header("content-type"), note.raw_body().map(|b| b.as_ref())),
        (Some("text/plain"), Some(&b"Steep for 3 minutes"[..]))
    );
}

#[tokio::test]
async fn the_simulator_refuses_bodies_the_document_does_not_declare() {
    use oauth_runtime::Multipart;
    let config = SimConfig::for_provider(shop_credentials()).openapi(SHOP).unwrap();
    let sim = Simulator::start_with(config).await.unwrap();
    // Untyped calls carry no scopes of their own: a handle with every scope these routes
    // require, so that the simulator's scope check passes and its body check is what answers.
    let client = shop_credentials()
        .client(&sim.base_url())
        .unwrap()
        .with_token_params(oauth_runtime::TokenParams::new().scope("orders:read orders:write"));
    let refusal = |response: oauth_runtime::reqwest::Response| async move {
        let status = response.status().as_u16();
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["error"], "invalid_request", "{body}");
        (status, body["error_description"].as_str().unwrap().to_owned())
    };
    // A required part missing, a file sent as text, another media type, no body at all.
    let no_image = Multipart::new().text("caption", "Green tea");
    let (status, why) = refusal(client.put("/products/tea/image").multipart(no_image).send().await.unwrap()).await;
    assert_eq!(status, 400);
    assert!(why.contains("requires the part `image`"), "{why}");
    let not_a_file = Multipart::new().text("caption", "Green tea").bytes("image", "image/png", vec![1]);
    let (status, why) = refusal(client.put("/products/tea/image").multipart(not_a_file).send().await.unwrap()).await;
    assert_eq!(status, 400);
    assert!(why.contains("is a file: send it with a file name"), "{why}");
    let (status, why) =
        refusal(client.put("/products/tea/manual").bytes("text/plain", "a manual").send().await.unwrap()).await;
    assert_eq!(status, 415);
    assert!(why.contains("takes application/pdf, not `text/plain`"), "{why}");
    let (status, why) = refusal(client.post("/notes").send().await.unwrap()).await;
    assert_eq!(status, 400);
    assert!(why.contains("`addNote` requires a body"), "{why}");
    // JSON of any kind where JSON is declared; an optional body may be left out.
    client
        .post("/orders")
        .header("content-type", "application/problem+json")
        .body(r#"{"lines":[]}"#)
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap();
    client.put("/orders/7/rating?stars=5").send().await.unwrap().error_for_status().unwrap();
}

#[tokio::test]
async fn parameters_go_in_their_declared_styles_and_the_simulator_holds_the_client_to_them() {
    let config = SimConfig::for_provider(shop_credentials()).openapi(SHOP).unwrap();
    let sim = Simulator::start_with(config).await.unwrap();
    let client = shop_credentials().client(&sim.base_url()).unwrap();
    let sent_query = || {
        let sent = sim.requests().into_iter().rev().find(|r| r.path() == "/orders/search").unwrap();
        let mut pairs: Vec<(String, String)> = sent.query().to_vec();
        pairs.sort();
        pairs
    };
    let pairs = |expected: &[(&str, &str)]| -> Vec<(String, String)> {
        let mut pairs: Vec<_> = expected.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        pairs.sort();
        pairs
    };

    // `form` unexploded, `deepObject`, `pipeDelimited`, `spaceDelimited`: each as declared.
    let filter = shop::SearchOrdersFilter { status: Some(shop::Status::Open), customer: Some("Ada & Co".into()) };
    let skus = ["tea".to_owned(), "mug".to_owned()];
    let fields = ["id".to_owned(), "status".to_owned()];
    let page = shop::SearchOrdersPage { offset: Some(20), size: None };
    let found =
        client.search_orders(&[7, 9], Some(&filter), Some(&skus), Some(&fields), Some(50), Some(&page)).await.unwrap();
    assert!(!found.is_empty());
    assert_eq!(
        sent_query(),
        pairs(&[
            ("ids", "7,9"),
            ("filter[status]", "open"),
            ("filter[customer]", "Ada & Co"),
            ("skus", "tea|mug"),
            ("fields", "id status"),
            // `form`, exploded: an object's fields under their own names.
            ("offset", "20"),
        ])
    );
    let sent = sim.requests().into_iter().rev().find(|r| r.path() == "/orders/search").unwrap();
    assert_eq!(sent.header("x-page-size"), Some("50"), "an integer header, typed");
    // What is not given is not sent; a field left `None` neither.
    let only_status = shop::SearchOrdersFilter { status: Some(shop::Status::Shipped), customer: None };
    client.search_orders(&[1], Some(&only_status), None, None, None, None).await.unwrap();
    assert_eq!(sent_query(), pairs(&[("ids", "1"), ("filter[status]", "shipped")]));

    // A path parameter in style `matrix`.
    assert_eq!(client.get_receipt(42).await.unwrap(), "receipt");
    assert!(sim.requests().iter().any(|r| r.path() == "/receipts/;receiptId=42"));

    // Another style is refused by the simulator, as a strict server would.
    let scoped = client.with_token_params(TokenParams::new().scope("orders:read"));
    let refused = |query: &'static str| {
        let scoped = scoped.clone();
        async move {
            let response = scoped.get(&format!("/orders/search?{query}")).send().await.unwrap();
            assert_eq!(response.status(), 400, "{query}");
            let body: serde_json::Value = response.json().await.unwrap();
            body["error_description"].as_str().unwrap().to_owned()
        }
    };
    assert!(refused("ids=7&ids=9").await.contains("takes `ids` once, its values joined by commas"));
    assert!(refused("filter[status]=open").await.contains("requires the query parameter `ids`"));
    assert!(refused("ids=7&filter=status,open").await.contains("`filter[key]=value` pairs"));
    assert!(refused("ids=7&skus=tea&skus=mug").await.contains("joined by pipes"));
}

#[tokio::test]
async fn declared_errors_arrive_in_the_documents_error_type() {
    let config = SimConfig::for_provider(shop_credentials()).openapi(SHOP).unwrap();
    let sim = Simulator::start_with(config).await.unwrap();
    let client = shop_credentials().client(&sim.base_url()).unwrap();
    assert!(sim.respond_with_error("getOrder", 404));
    let Err(Error::Api(api)) = client.get_order(1).await else { panic!("a 404 is an API error") };
    assert_eq!(api.status, 404);
    let problem: &shop::Problem = api.body().expect("the body in the declared error type");
    assert!(!problem.code.is_empty());
    // `default` stands for any other status.
    assert!(sim.respond_with_error("listOrders", 503));
    let Err(Error::Api(api)) = client.list_orders(None, None, &Default::default()).await else {
        panic!("an API error")
    };
    assert_eq!(api.status, 503);
    assert!(api.body::<shop::Problem>().is_some());
}

/// A simulator of GitHub's whole document, and a client authorized through its device flow.
async fn github() -> (Simulator, oauth_runtime::Client<oauth_specs::GitHub>) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../target/openapi/github/api.github.com.json");
    let document = std::fs::read_to_string(path).expect("scripts/fetch-openapi.sh fetched GitHub's document");
    // GitHub's declared examples do not all fit its schemas (188 of 930 do not): bodies made
    // from the schemas, which the generated types must read.
    let routes = sample::routes_with(&document, "api.github.com.json", Bodies::Generated).unwrap();
    let github = oauth_specs::GitHub { client_id: "Iv1.test".into() };
    let config = SimConfig::for_provider(github.clone()).openapi_routes(routes).device_interval(Duration::ZERO);
    let sim = Simulator::start_with(config).await.unwrap();
    // GitHub's device flow, the person's approval scripted.
    let client = github.client(&sim.base_url()).unwrap();
    client.authorize_device(|prompt| assert!(sim.approve_device(prompt.user_code()))).await.unwrap();
    (sim, client)
}

#[tokio::test]
async fn githubs_release_asset_upload_and_raw_markdown() {
    use github_uploads::GitHubUploadsApi as _;
    let (sim, client) = github().await;
    let zip = vec![b'P', b'K', 3, 4, 0, 0xff];
    let asset = client
        .repos_upload_release_asset("octo", "hello", 7, "hello.zip", &Default::default(), zip.clone())
        .await
        .unwrap();
    assert!(!asset.name.is_empty());
    let sent = sim.requests().into_iter().find(|r| r.path() == "/repos/octo/hello/releases/7/assets").unwrap();
    assert_eq!(sent.query_param("name"), Some("hello.zip"));
    assert_eq!(sent.header("content-type"), Some("application/octet-stream"));
    assert_eq!(sent.raw_body().map(|b| b.to_vec()), Some(zip));
    assert!(!client.markdown_render_raw("Hello **world**").await.unwrap().is_empty());
    let sent = sim.requests().into_iter().find(|r| r.path() == "/markdown/raw").unwrap();
    assert_eq!(
        (sent.header("content-type"), sent.raw_body().map(|b| b.as_ref())),
        (Some("text/plain"), Some(&b"Hello **world**"[..]))
    );
}

#[tokio::test]
async fn twenty_github_operations_against_githubs_own_document() {
    let (sim, client) = github().await;

    use github_subset::GitHubSubsetApi as _;
    let me = client.users_get_authenticated().await.unwrap();
    let _ = me;
    let repo = client.repos_get("rust-lang", "rust").await.unwrap();
    assert!(!repo.full_name.is_empty());
    let limits = client.rate_limit_get().await.unwrap();
    assert!(limits.resources.core.limit >= 0);
    let issues = client.issues_list_for_repo("rust-lang", "rust", &Default::default()).await.unwrap();
    assert!(!issues.is_empty());
    let pulls = client.pulls_list("rust-lang", "rust", &Default::default()).await.unwrap();
    assert!(!pulls.is_empty());
    let found = client.search_repos("oauth", &Default::default()).await.unwrap();
    assert!(found.total_count >= 0);
    assert!(sim.respond_with_error("repos/get", 404));
    let Err(Error::Api(api)) = client.repos_get("rust-lang", "missing").await else { panic!("an API error") };
    assert_eq!(api.status, 404);
    assert!(api.body::<github_subset::BasicError>().is_some(), "{api:?}");
}

/// The person's authorization of `client`, the test playing the browser.
async fn authorize<P>(client: &Client<P>) {
    let (tx, rx) = tokio::sync::oneshot::channel::<String>();
    let browser = tokio::spawn(async move {
        let url = rx.await.expect("the callback gave a URL");
        oauth_runtime::reqwest::get(url).await.expect("the browser follows the redirect").status()
    });
    client.authorize(move |url| tx.send(url.to_string()).unwrap()).await.unwrap();
    assert!(browser.await.unwrap().is_success());
}

#[tokio::test]
async fn a_generated_persons_flow_asks_for_its_operations_scopes_and_is_held_to_them() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../target/openapi/figma/openapi.yaml");
    let document = std::fs::read_to_string(path).expect("scripts/fetch-openapi.sh fetched Figma's document");
    let routes = sample::routes_with(&document, "openapi.yaml", Bodies::Generated).unwrap();
    let app =
        figma::FigmaOAuth2AuthorizationCode { client_id: "figma id".into(), client_secret: Secret::from("s3cr:et") };
    // Figma's token answers are taken to state the scope granted.
    let config = SimConfig::for_provider(app.clone()).openapi_routes(routes).state_scope(true);
    let sim = Simulator::start_with(config).await.unwrap();
    let client = app.client(&sim.base_url()).unwrap();
    authorize(&client).await;
    // The person was asked, once, for every scope the generated operations need.
    let asked = sim.requests().into_iter().find(|r| r.kind() == Some(oauth_sim::RouteKind::Authorization)).unwrap();
    let asked: Vec<String> = asked.query_param("scope").unwrap().split(' ').map(str::to_owned).collect();
    for needed in ["current_user:read", "file_content:read", "webhooks:write"] {
        assert!(asked.iter().any(|s| s == needed), "{needed} in {asked:?}");
    }
    assert!(!asked.iter().any(|s| s == "files:read"), "not the deprecated scope: {asked:?}");
    client.get_me().await.unwrap();
    client.get_file("key", &Default::default()).await.unwrap();

    // A handle that asked for less: its token says so, and a call beyond it is not sent.
    let narrow = client.with_token_params(TokenParams::new().scope("current_user:read"));
    authorize(&narrow).await;
    narrow.get_me().await.unwrap();
    let sent = sim.counters().api_requests;
    let Err(Error::Scope(scope)) = narrow.get_file("key", &Default::default()).await else {
        panic!("a call beyond the person's consent")
    };
    assert!(!scope.sent(), "{scope:?}");
    assert_eq!(scope.missing, ["file_content:read"]);
    assert_eq!(sim.counters().api_requests, sent, "nothing was sent");
    assert_eq!(sim.counters().authorization_requests, 2, "no authorization the program did not ask for");
}
