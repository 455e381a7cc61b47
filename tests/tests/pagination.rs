//! `#[paginate(..)]` operations end to end against the simulator: every style to its end, the
//! query each page sends, pages fetched only on demand, a failed page mid-stream (an `Err`
//! item, then the end), a 401 mid-stream (renewed, continued), loops and foreign links
//! refused, the page limit, and streams dropped mid-way leaving the client as it was.

mod common;

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{
    Json,
    http::{HeaderMap, StatusCode, Uri, header},
    response::{IntoResponse, Response},
    routing::{MethodRouter, get},
};
use common::*;
use futures_util::{StreamExt as _, TryStreamExt as _};
use oauth_runtime::{Client, Error, Pages, Provider, oauth_api};
use oauth_sim::{Fault, SimConfig, Simulator, Target};
use oauth_specs::Deyel;
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Debug, Deserialize, PartialEq)]
struct Item {
    id: u64,
}

#[derive(Debug, Deserialize)]
struct ListError {
    code: String,
}

/// The listing endpoints below, one per style and per misbehaviour.
#[oauth_api(client = Deyel, error = ListError)]
trait ListApi {
    #[get("/v1/cursor")]
    #[paginate(cursor = "meta.next_cursor", cursor_param = "cursor", items = "data", limit_param = "limit", limit = 2)]
    fn by_cursor(&self, #[query] status: &str) -> Pages<Item>;

    #[get("/v1/next")]
    #[paginate(next = "links.next", items = "data")]
    fn by_next(&self) -> Pages<Item>;

    #[get("/v1/link")]
    #[paginate(link_header, limit_param = "per_page", limit = 2)]
    fn by_link(&self) -> Pages<Item>;

    #[get("/v1/pages")]
    #[paginate(page_param = "page", items = "items")]
    fn by_page(&self) -> Pages<Item>;

    #[get("/v1/numbered")]
    #[paginate(page_param = "p", first_page = 0, total_pages = "meta.total", items = "data")]
    fn by_page_total(&self) -> Pages<Item>;

    #[get("/v1/offset")]
    #[paginate(offset_param = "offset", limit_param = "limit", limit = 3)]
    fn by_offset(&self) -> Pages<Item>;

    /// Answers every page with the same cursor.
    #[get("/v1/repeat")]
    #[paginate(cursor = "next", cursor_param = "c", items = "data")]
    fn repeating(&self) -> Pages<Item>;

    /// Ignores `page`, and answers every page alike.
    #[get("/v1/ignores")]
    #[paginate(page_param = "page")]
    fn ignores_page(&self) -> Pages<Item>;

    /// A new cursor forever.
    #[get("/v1/endless")]
    #[paginate(cursor = "next", cursor_param = "c", items = "data", max_pages = 5)]
    fn endless(&self) -> Pages<Item>;

    /// Its second page links to another origin.
    #[get("/v1/elsewhere")]
    #[paginate(next = "next", items = "data")]
    fn elsewhere(&self) -> Pages<Item>;

    /// Its second page holds an item that is no `Item`, and its third a vendor error.
    #[get("/v1/bad")]
    #[paginate(cursor = "next", cursor_param = "c", items = "data")]
    fn bad(&self) -> Pages<Item>;
}

/// Items `from..to` (at most `ITEMS`) as JSON.
fn items(from: u64, to: u64) -> Vec<Value> {
    (from..to.min(ITEMS)).map(|i| json!({ "id": i + 1 })).collect()
}

const ITEMS: u64 = 7;

/// A query parameter of `uri`, as a number.
fn param(uri: &Uri, name: &str) -> Option<u64> {
    let query = uri.query().unwrap_or_default();
    form_pairs(query).find(|(k, _)| k == name).map(|(_, v)| v.trim_start_matches('c').parse().expect("a number"))
}

fn form_pairs(query: &str) -> impl Iterator<Item = (String, String)> + '_ {
    query.split('&').filter(|p| !p.is_empty()).map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (k.to_owned(), v.to_owned())
    })
}

/// The queries each route was asked, in order, by path.
#[derive(Clone, Default)]
struct Seen(Arc<Mutex<Vec<String>>>);

impl Seen {
    fn of(&self, path: &str) -> Vec<String> {
        let seen = self.0.lock().unwrap();
        seen.iter().filter_map(|s| s.strip_prefix(path)).map(|q| q.trim_start_matches('?').to_owned()).collect()
    }
}

/// A route that records its request and answers with `answer(uri, host)`.
fn route(seen: &Seen, answer: fn(&Uri, &str) -> Response) -> MethodRouter {
    let seen = seen.clone();
    get(move |uri: Uri, headers: HeaderMap| async move {
        seen.0.lock().unwrap().push(uri.to_string());
        let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or_default().to_owned();
        answer(&uri, &host)
    })
}

fn cursor_page(uri: &Uri, _: &str) -> Response {
    let (start, limit) = (param(uri, "cursor").unwrap_or(0), param(uri, "limit").expect("the limit is sent"));
    let end = start + limit;
    // A number first, then strings: both are cursors.
    let next = match end {
        e if e >= ITEMS => Value::Null,
        2 => json!(2),
        e => json!(format!("c{e}")),
    };
    Json(json!({ "data": items(start, end), "meta": { "next_cursor": next } })).into_response()
}

fn next_link_page(uri: &Uri, host: &str) -> Response {
    let after = param(uri, "after").unwrap_or(0);
    // Relative to the page first, then absolute; the third page is empty but not the last.
    let (data, next) = match after {
        0 => (items(0, 3), json!("?after=3")),
        3 => (items(3, 5), json!(format!("http://{host}/v1/next?after=5&empty=1"))),
        5 if uri.query().is_some_and(|q| q.contains("empty")) => (vec![], json!("/v1/next?after=5")),
        _ => (items(5, ITEMS), json!("")),
    };
    Json(json!({ "data": data, "links": { "next": next } })).into_response()
}

fn link_header_page(uri: &Uri, host: &str) -> Response {
    let page = param(uri, "page").unwrap_or(1);
    let per_page = param(uri, "per_page").expect("per_page on the first page, and in the links after");
    let last = ITEMS.div_ceil(per_page);
    let at = |p: u64| format!("<http://{host}/v1/link?per_page={per_page}&page={p}>");
    let mut links = vec![format!("{}; rel=\"first\"", at(1))];
    if page < last {
        links.push(format!("{}; rel=\"next\", {}; rel=\"last\"", at(page + 1), at(last)));
    }
    let body = items((page - 1) * per_page, page * per_page);
    ([(header::LINK, links.join(", "))], Json(body)).into_response()
}

fn numbered_page(uri: &Uri, _: &str) -> Response {
    let page = param(uri, "page").expect("page is sent");
    Json(json!({ "items": items((page - 1) * 3, page * 3) })).into_response()
}

fn total_page(uri: &Uri, _: &str) -> Response {
    let page = param(uri, "p").expect("p is sent");
    Json(json!({ "meta": { "total": "3" }, "data": items(page * 3, page * 3 + 3) })).into_response()
}

fn offset_page(uri: &Uri, _: &str) -> Response {
    let (offset, limit) = (param(uri, "offset").expect("offset"), param(uri, "limit").expect("limit"));
    Json(items(offset, offset + limit)).into_response()
}

fn repeat_page(_: &Uri, _: &str) -> Response {
    Json(json!({ "data": items(0, 1), "next": "k-77" })).into_response()
}

fn same_page(_: &Uri, _: &str) -> Response {
    Json(items(0, 2)).into_response()
}

fn endless_page(uri: &Uri, _: &str) -> Response {
    let at = param(uri, "c").unwrap_or(0);
    Json(json!({ "data": [{ "id": at }], "next": at + 1 })).into_response()
}

fn bad_page(uri: &Uri, _: &str) -> Response {
    match param(uri, "c") {
        None => Json(json!({ "data": items(0, 2), "next": "c1" })).into_response(),
        Some(1) => Json(json!({ "data": [{ "id": 3 }, { "id": "four" }], "next": "c2" })).into_response(),
        Some(_) => (StatusCode::BAD_REQUEST, Json(json!({ "code": "bad_cursor" }))).into_response(),
    }
}

/// A simulator serving every listing, and what each was asked.
async fn listing_sim(elsewhere: &str) -> (Simulator, Seen) {
    let seen = Seen::default();
    let elsewhere = elsewhere.to_owned();
    let config = SimConfig::for_spec(Deyel::SPEC)
        .token_lifetime(Duration::from_secs(3600))
        .route("/v1/cursor", route(&seen, cursor_page))
        .route("/v1/next", route(&seen, next_link_page))
        .route("/v1/link", route(&seen, link_header_page))
        .route("/v1/pages", route(&seen, numbered_page))
        .route("/v1/numbered", route(&seen, total_page))
        .route("/v1/offset", route(&seen, offset_page))
        .route("/v1/repeat", route(&seen, repeat_page))
        .route("/v1/ignores", route(&seen, same_page))
        .route("/v1/endless", route(&seen, endless_page))
        .route("/v1/bad", route(&seen, bad_page))
        .route(
            "/v1/elsewhere",
            get(move |uri: Uri| {
                let elsewhere = elsewhere.clone();
                async move {
                    let next =
                        if uri.query().is_some() { format!("{elsewhere}/v1/elsewhere") } else { "?2".to_owned() };
                    Json(json!({ "data": items(0, 1), "next": next }))
                }
            }),
        );
    (Simulator::start_with(config).await.expect("simulator starts"), seen)
}

async fn client() -> (Client<Deyel>, Simulator, Seen) {
    let (sim, seen) = listing_sim("http://127.0.0.1:9").await;
    let client = builder(deyel(sim.config()), &sim).build().unwrap();
    (client, sim, seen)
}

fn ids(items: &[Item]) -> Vec<u64> {
    items.iter().map(|i| i.id).collect()
}

const ALL: [u64; 7] = [1, 2, 3, 4, 5, 6, 7];

#[tokio::test]
async fn every_style_reads_every_page_and_stops_at_the_end() {
    let (client, sim, seen) = client().await;

    let got: Vec<Item> = bounded(Duration::from_secs(10), client.by_cursor("open").try_collect()).await.unwrap();
    assert_eq!(ids(&got), ALL);
    assert_eq!(
        seen.of("/v1/cursor"),
        [
            "status=open&limit=2",
            "status=open&limit=2&cursor=2",
            "status=open&limit=2&cursor=c4",
            "status=open&limit=2&cursor=c6"
        ],
        "the argument kept, the limit on each page, the cursor (a number, then strings) sent back"
    );

    let got: Vec<Item> = client.by_next().try_collect().await.unwrap();
    assert_eq!(ids(&got), ALL, "an empty page that is not the last is skipped");
    assert_eq!(seen.of("/v1/next"), ["", "after=3", "after=5&empty=1", "after=5"], "relative and absolute links");

    let got: Vec<Item> = client.by_link().try_collect().await.unwrap();
    assert_eq!(ids(&got), ALL);
    assert_eq!(
        seen.of("/v1/link"),
        ["per_page=2", "per_page=2&page=2", "per_page=2&page=3", "per_page=2&page=4"],
        "the links followed as given"
    );

    let got: Vec<Item> = client.by_page().try_collect().await.unwrap();
    assert_eq!(ids(&got), ALL);
    assert_eq!(seen.of("/v1/pages"), ["page=1", "page=2", "page=3", "page=4"], "until the empty page");

    let got: Vec<Item> = client.by_page_total().try_collect().await.unwrap();
    assert_eq!(ids(&got), ALL);
    assert_eq!(seen.of("/v1/numbered"), ["p=0", "p=1", "p=2"], "from page 0, until the total says so");

    let got: Vec<Item> = client.by_offset().try_collect().await.unwrap();
    assert_eq!(ids(&got), ALL);
    assert_eq!(
        seen.of("/v1/offset"),
        ["limit=3&offset=0", "limit=3&offset=3", "limit=3&offset=6"],
        "until the short page"
    );

    assert_eq!(sim.counters().token_requests, 1, "one token for every page of every stream");
}

#[tokio::test]
async fn pages_are_fetched_on_demand_and_read_page_by_page() {
    let (client, sim, seen) = client().await;
    let mut stream = client.by_cursor("open");
    assert!(seen.of("/v1/cursor").is_empty(), "nothing is sent before the stream is read");
    assert_eq!(stream.try_next().await.unwrap(), Some(Item { id: 1 }));
    assert_eq!(stream.try_next().await.unwrap(), Some(Item { id: 2 }));
    assert_eq!(seen.of("/v1/cursor").len(), 1, "the second page waits until the first is used up");
    assert_eq!(stream.try_next().await.unwrap(), Some(Item { id: 3 }));
    assert_eq!(seen.of("/v1/cursor").len(), 2);

    // The rest page by page: what is left of the second page, then the others.
    let mut pages = stream.pages();
    let mut shape = Vec::new();
    while let Some(page) = pages.try_next().await.unwrap() {
        shape.push((page.number(), ids(page.items())));
    }
    assert_eq!(shape, [(2, vec![4]), (3, vec![5, 6]), (4, vec![7])]);

    let mut pages = client.by_link().pages();
    let first = pages.try_next().await.unwrap().unwrap();
    assert!(first.headers().get(header::LINK).is_some(), "each page keeps its headers");
    assert_eq!(sim.counters().token_requests, 1);
}

#[tokio::test]
async fn a_failed_page_is_an_error_item_then_the_end() {
    let (client, _sim, _) = client().await;
    // An item that is no `Item`: the page fails, with the item's path.
    let mut stream = client.bad();
    assert_eq!(ids(&[stream.try_next().await.unwrap().unwrap(), stream.try_next().await.unwrap().unwrap()]), [1, 2]);
    let err = stream.try_next().await.unwrap_err();
    let Error::Decode { path, operation, .. } = &err else { panic!("{err:?}") };
    assert_eq!((path.as_str(), *operation), ("data[1].id", Some("bad")), "{err}");
    assert!(stream.try_next().await.unwrap().is_none(), "the stream ends after its error");
    assert!(stream.next().await.is_none(), "and stays ended");
}

#[tokio::test]
async fn an_error_status_mid_stream_is_the_vendors_typed_error_then_the_end() {
    let (client, sim, _) = client().await;
    let mut stream = client.by_cursor("open");
    assert_eq!(stream.try_next().await.unwrap(), Some(Item { id: 1 }));
    sim.inject(Target::Api, Fault::status(503), 1);
    assert_eq!(stream.try_next().await.unwrap(), Some(Item { id: 2 }), "the page already read is served");
    let err = stream.try_next().await.unwrap_err();
    assert!(matches!(&err, Error::Api(api) if api.status == 503 && api.operation == Some("by_cursor")), "{err:?}");
    assert!(err.is_transient());
    assert!(stream.try_next().await.unwrap().is_none());

    // A body over the cap fails its page, as for any typed call.
    let small = builder(deyel(sim.config()), &sim).max_api_response_bytes(512).build().unwrap();
    let mut stream = small.by_next();
    assert!(stream.try_next().await.unwrap().is_some());
    sim.inject(Target::Api, Fault::huge_body(4096), 1);
    let got: Vec<Result<Item, Error>> = stream.collect().await;
    assert!(matches!(got.last(), Some(Err(Error::ResponseTooLarge { .. }))), "{got:?}");
}

#[tokio::test]
async fn a_vendor_error_page_carries_its_typed_body() {
    let (client, _sim, _) = client().await;
    // Skip the decode failure of page 2 by reading the third page with the runtime form.
    let stream = client.get("/v1/bad").query_param("c", "c2").error_type::<ListError>().pages::<Item>(
        oauth_runtime::Pagination::cursor(oauth_runtime::provider::FieldPath::name("next"), "c")
            .items(oauth_runtime::provider::FieldPath::name("data")),
    );
    let got: Vec<Result<Item, Error>> = stream.collect().await;
    let [Err(Error::Api(api))] = got.as_slice() else { panic!("{got:?}") };
    assert_eq!((api.status.as_u16(), api.body::<ListError>().map(|b| b.code.as_str())), (400, Some("bad_cursor")));
}

#[tokio::test]
async fn a_401_mid_stream_renews_the_token_and_goes_on() {
    let (client, sim, seen) = client().await;
    let mut stream = client.by_offset();
    let mut got = vec![stream.try_next().await.unwrap().unwrap()];
    sim.expire_tokens();
    while let Some(item) = stream.try_next().await.unwrap() {
        got.push(item);
    }
    assert_eq!(ids(&got), ALL);
    assert_eq!(sim.counters().token_requests, 2, "one renewal");
    assert_eq!(
        seen.of("/v1/offset"),
        ["limit=3&offset=0", "limit=3&offset=3", "limit=3&offset=6"],
        "the rejected page was sent again as it was, and only it (the simulator's 401 came before the route)"
    );
}

#[tokio::test]
async fn loops_and_foreign_links_end_with_an_error_after_the_last_good_page() {
    // Another origin, counting what reaches it.
    let foreign = Seen::default();
    let app = axum::Router::new().fallback(route(&foreign, |_, _| Json(json!({ "data": [] })).into_response()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let elsewhere = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let (sim, seen) = listing_sim(&elsewhere).await;
    let client = builder(deyel(sim.config()), &sim).build().unwrap();

    let got: Vec<Result<Item, Error>> = bounded(Duration::from_secs(10), client.repeating().collect()).await;
    assert_eq!(got.len(), 3, "page 1, page 2 (the cursor's first use), then the error: {got:?}");
    let Some(Err(Error::Pagination { page: 2, reason, operation: Some("repeating"), .. })) = got.last() else {
        panic!("{got:?}")
    };
    assert!(reason.contains("cursor of an earlier page") && !reason.contains("k-77"), "the value unshown: {reason}");
    assert_eq!(seen.of("/v1/repeat"), ["", "c=k-77"], "the repeated cursor is never sent twice");

    let got: Vec<Result<Item, Error>> = bounded(Duration::from_secs(10), client.ignores_page().collect()).await;
    assert!(matches!(got.as_slice(), [Ok(_), Ok(_), Err(Error::Pagination { page: 2, .. })]), "{got:?}");
    assert!(format!("{:?}", got[2]).contains("ignore `page`"), "{got:?}");

    let got: Vec<Result<Item, Error>> = bounded(Duration::from_secs(10), client.endless().collect()).await;
    assert_eq!(got.len(), 6, "the five pages allowed, then the error: {got:?}");
    let Some(Err(err @ Error::Pagination { page: 6, .. })) = got.last() else { panic!("{got:?}") };
    assert!(err.to_string().contains("more than 5 pages") && !err.is_transient() && !err.is_rejection(), "{err}");
    assert_eq!(seen.of("/v1/endless").len(), 5);

    let got: Vec<Result<Item, Error>> = bounded(Duration::from_secs(10), client.elsewhere().collect()).await;
    assert!(matches!(got.as_slice(), [Ok(_), Ok(_), Err(Error::Pagination { page: 2, .. })]), "{got:?}");
    let shown = got[2].as_ref().unwrap_err().to_string();
    assert!(shown.contains("not the API's origin"), "{shown}");
    assert!(foreign.0.lock().unwrap().is_empty(), "nothing, and no token, left the API's origin");
}

#[tokio::test]
async fn a_stream_dropped_mid_way_leaves_the_client_as_it_was() {
    let (client, sim, seen) = client().await;
    // Dropped after its first item: the second page is never asked for.
    let mut stream = client.by_cursor("open");
    assert_eq!(stream.try_next().await.unwrap(), Some(Item { id: 1 }));
    drop(stream);
    assert_eq!(seen.of("/v1/cursor").len(), 1);

    // Dropped while its second page is on the way.
    let mut stream = client.by_page();
    for _ in 0..3 {
        stream.try_next().await.unwrap().unwrap();
    }
    sim.inject(Target::Api, Fault::slow(Duration::from_secs(2)), 1);
    assert!(tokio::time::timeout(Duration::from_millis(200), stream.try_next()).await.is_err(), "still waiting");
    drop(stream);

    // Dropped while the token it needs is being renewed: the renewal is kept.
    let mut stream = client.by_offset();
    stream.try_next().await.unwrap().unwrap();
    let old = client.cached_token().expect("a token");
    sim.expire_tokens();
    sim.inject(Target::Token, Fault::slow(Duration::from_millis(600)), 1);
    for _ in 0..2 {
        stream.try_next().await.unwrap().unwrap();
    }
    assert!(tokio::time::timeout(Duration::from_millis(200), stream.try_next()).await.is_err(), "renewing");
    drop(stream);
    // Nothing asks for a token meanwhile: only the renewal the stream started can store one.
    let renewed = fresh_token(&client).await;
    assert_ne!(renewed.access_token().expose_secret(), old.access_token().expose_secret());
    assert_eq!(sim.counters().token_requests, 2, "once");

    // The client goes on with that token: no other token request, every item.
    let got: Vec<Item> = bounded(Duration::from_secs(10), client.by_cursor("open").try_collect()).await.unwrap();
    assert_eq!(ids(&got), ALL);
    assert_eq!(sim.counters().token_requests, 2);
}

/// The streams are `Send + 'static`, holding no borrow of the client or the arguments.
#[tokio::test]
async fn streams_can_be_spawned() {
    let (client, _sim, _) = client().await;
    let status = String::from("open");
    let stream = client.by_cursor(&status);
    drop((status, client));
    let got = tokio::spawn(stream.try_collect::<Vec<Item>>()).await.unwrap().unwrap();
    assert_eq!(ids(&got), ALL);
}
