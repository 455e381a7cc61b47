//! Request bodies that are neither JSON nor a form, over HTTP against the simulator: bytes
//! with their content type (`ApiRequest::bytes`) and `multipart/form-data`
//! (`oauth_runtime::Multipart`), read on the server side as a vendor's server reads them,
//! replayed after a 401 with the renewed token, and never shown in `Debug` or the wire events.

mod common;

use std::{
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};

use axum::{
    Json,
    body::Bytes,
    extract::Multipart as Form,
    http::{HeaderMap, StatusCode, header},
    routing::{post, put},
};
use common::*;
use oauth_runtime::{
    Client, Error, Multipart, Secret, ToMultipart,
    multipart::{FilePart, Part},
    oauth_api, oauth_provider,
};
use oauth_sim::{RequestBody, SimConfig, SimRequest, Simulator};
use serde_json::{Value, json};
use tracing::Level;

/// A vendor that takes uploads.
#[derive(Clone)]
#[oauth_provider(grant = "client_credentials", token_path = "/oauth/token")]
pub struct Uploads {
    /// The client id.
    pub client_id: String,
    /// The client secret.
    pub client_secret: Secret,
}

/// The uploads as typed operations.
#[oauth_api(client = Uploads)]
pub trait UploadsApi {
    /// Bytes, `application/octet-stream`.
    #[put("/v8/artifacts/{hash}")]
    async fn put_artifact(&self, hash: &str, #[body] artifact: Vec<u8>) -> Result<Value, Error>;

    /// Borrowed bytes of a declared type.
    #[put("/v8/artifacts/{hash}", name = "putPng")]
    async fn put_png(&self, hash: &str, #[body("image/png")] png: &[u8]) -> Result<Value, Error>;

    /// A form as it is.
    #[post("/uploads")]
    async fn upload(&self, #[multipart] form: &Multipart) -> Result<Value, Error>;

    /// A type of ours made a form.
    #[post("/uploads", name = "uploadAvatar")]
    async fn upload_avatar(&self, #[multipart] avatar: &Avatar) -> Result<Value, Error>;
}

/// A form of our own.
pub struct Avatar {
    /// Whose.
    pub user: String,
    /// Its labels.
    pub tags: Vec<String>,
    /// The image.
    pub image: FilePart,
}

impl ToMultipart for Avatar {
    fn to_multipart(&self) -> Multipart {
        Multipart::new().field("user", &self.user).field("tags", &self.tags).file_part("image", &self.image)
    }
}

fn uploads() -> Uploads {
    Uploads { client_id: "uploader".into(), client_secret: Secret::from("uploader-secret") }
}

/// Every byte value, twice: no text encoding survives it unchanged.
fn binary() -> Vec<u8> {
    (0..=255u8).chain((0..=255u8).rev()).collect()
}

/// A body as the routes describe it: its length and FNV-1a digest (every byte counts), and its
/// text when short, so that a failing comparison stays readable.
fn seen(body: &[u8]) -> Value {
    let digest = body.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
    let text = std::str::from_utf8(body).ok().filter(|t| t.len() <= 64);
    json!({"len": body.len(), "fnv": format!("{digest:016x}"), "text": text})
}

/// What the multipart route read, part by part, as a vendor's server reads an upload (axum's
/// `Multipart`, over multer): name, file name, content type and every byte.
async fn describe(mut form: Form) -> Result<Json<Value>, (StatusCode, String)> {
    let mut parts = Vec::new();
    while let Some(field) = form.next_field().await.map_err(|e| (e.status(), e.body_text()))? {
        let name = field.name().map(str::to_owned);
        let file_name = field.file_name().map(str::to_owned);
        let content_type = field.content_type().map(str::to_owned);
        let body = field.bytes().await.map_err(|e| (e.status(), e.body_text()))?;
        parts.push(json!({"name": name, "file_name": file_name, "content_type": content_type, "body": seen(&body)}));
    }
    Ok(Json(Value::Array(parts)))
}

/// What the bytes route read: its content type and every byte.
async fn artifact(headers: HeaderMap, body: Bytes) -> Json<Value> {
    let content_type: Vec<&str> =
        headers.get_all(header::CONTENT_TYPE).iter().filter_map(|v| v.to_str().ok()).collect();
    Json(json!({"content_type": content_type, "body": seen(&body)}))
}

/// A simulator serving `PUT /v8/artifacts/{hash}` (bytes) and `POST /uploads` (multipart),
/// counting the calls that reach the handlers, and a client of it.
async fn start() -> (Simulator, Client<Uploads>, Arc<AtomicUsize>) {
    let handled = Arc::new(AtomicUsize::new(0));
    let (a, b) = (Arc::clone(&handled), Arc::clone(&handled));
    let config = SimConfig::for_provider(uploads())
        .token_lifetime(Duration::from_secs(3600))
        .route(
            "/v8/artifacts/{hash}",
            put(move |headers: HeaderMap, body: Bytes| {
                a.fetch_add(1, Ordering::SeqCst);
                artifact(headers, body)
            }),
        )
        .route(
            "/uploads",
            post(move |form: Form| {
                b.fetch_add(1, Ordering::SeqCst);
                describe(form)
            }),
        );
    let sim = Simulator::start_with(config).await.expect("simulator starts");
    let client = builder(uploads(), &sim).build().unwrap();
    (sim, client, handled)
}

/// The requests the simulator received at `path`.
fn at(sim: &Simulator, path: &str) -> Vec<SimRequest> {
    sim.requests().into_iter().filter(|r| r.path() == path).collect()
}

/// An upload of every kind of part: text, a repeated name, a non-ASCII name, a JSON part, a
/// file of binary bytes with a quote in its name, an empty file, and one over the simulator's
/// logged body size.
fn form() -> Multipart {
    Multipart::new()
        .text("title", "Sunset over the bay")
        .text("tag", "sky")
        .text("tag", "sea")
        .text("légende", "crépuscule")
        .json("meta", &json!({"width": 640, "height": 480}))
        .file("image", "sun\"set.png", "image/png", binary())
        .part(Part::bytes("empty", Vec::new()).with_file_name("empty.txt").with_content_type("text/plain"))
        .file("archive", "big.bin", "application/octet-stream", vec![7u8; 200 * 1024])
}

/// The route's description of [`form`].
fn described() -> Value {
    let part = |name: &str, file_name: Option<&str>, content_type: Option<&str>, body: &[u8]| json!({"name": name, "file_name": file_name, "content_type": content_type, "body": seen(body)});
    json!([
        part("title", None, None, b"Sunset over the bay"),
        part("tag", None, None, b"sky"),
        part("tag", None, None, b"sea"),
        part("l\u{e9}gende", None, None, "crépuscule".as_bytes()),
        part("meta", None, Some("application/json"), br#"{"height":480,"width":640}"#),
        part("image", Some("sun\"set.png"), Some("image/png"), &binary()),
        part("empty", Some("empty.txt"), Some("text/plain"), b""),
        part("archive", Some("big.bin"), Some("application/octet-stream"), &[7u8; 200 * 1024]),
    ])
}

#[tokio::test]
async fn a_bytes_body_reaches_the_route_byte_for_byte_with_its_content_type() {
    let (sim, client, handled) = start().await;
    let read: Value =
        client.put("/v8/artifacts/0a1b").bytes("application/octet-stream", binary()).send_json().await.unwrap();
    assert_eq!(read, json!({"content_type": ["application/octet-stream"], "body": seen(&binary())}));

    // Any declared type; one set before is replaced, not doubled; `Bytes` are taken as they are.
    let png = Bytes::from_static(b"\x89PNG\r\n\x1a\n");
    let read: Value = client
        .put("/v8/artifacts/0a1c")
        .header("content-type", "text/plain")
        .bytes("image/png", png.clone())
        .send_json()
        .await
        .unwrap();
    assert_eq!(read, json!({"content_type": ["image/png"], "body": seen(&png)}));
    assert_eq!(handled.load(Ordering::SeqCst), 2);

    let logged = at(&sim, "/v8/artifacts/0a1b");
    let [upload] = &logged[..] else { panic!("one upload: {logged:?}") };
    assert_eq!(upload.raw_body().map(|b| b.to_vec()), Some(binary()));
    assert_eq!(upload.header("content-length"), Some("512"));
    assert_eq!(upload.status(), Some(200));

    // A content type that is no header value fails unsent.
    let err = client.put("/v8/artifacts/0a1d").bytes("image/png\r\nx-evil: 1", binary()).send().await.unwrap_err();
    assert!(matches!(err, Error::Request { .. }), "{err:?}");
    assert!(at(&sim, "/v8/artifacts/0a1d").is_empty());
}

#[tokio::test]
async fn a_multipart_body_reaches_the_route_part_by_part() {
    let (sim, client, handled) = start().await;
    let read: Value = client.post("/uploads").multipart(form()).send_json().await.unwrap();
    assert_eq!(read, described());
    assert_eq!(handled.load(Ordering::SeqCst), 1);

    // The simulator's log reads the same parts; the content length was known and declared.
    let logged = at(&sim, "/uploads");
    let [upload] = &logged[..] else { panic!("one upload: {logged:?}") };
    let content_type = upload.header("content-type").unwrap();
    assert!(content_type.starts_with("multipart/form-data; boundary="), "{content_type}");
    let length: usize = upload.header("content-length").expect("a declared length").parse().unwrap();
    assert!(length > 200 * 1024, "{length}");
    // Over the log's 64 KiB: kept raw and marked truncated, while the route read all of it.
    assert!(upload.body_truncated());

    // Without the big part the log holds the parts themselves.
    let small = Multipart::new().text("title", "x").file("image", "sun\"set.png", "image/png", binary());
    client.post("/uploads").multipart(small).send_json::<Value>().await.unwrap();
    let logged = at(&sim, "/uploads");
    let [title, image] = logged[1].parts() else { panic!("two parts: {:?}", logged[1]) };
    assert_eq!((title.name(), title.file_name(), title.content_type(), title.text()), ("title", None, None, Some("x")));
    assert_eq!(
        (image.name(), image.file_name(), image.content_type()),
        ("image", Some("sun\"set.png"), Some("image/png"))
    );
    assert_eq!(image.body().to_vec(), binary());
    assert_eq!(logged[1].part("image"), Some(image));
}

#[tokio::test]
async fn the_last_body_set_is_the_one_sent() {
    let (sim, client, _) = start().await;
    // A multipart body replaces a JSON one and its content type ...
    let form = Multipart::new().text("a", "1");
    let read: Value = client.post("/uploads").json(&json!({"x": 1})).multipart(form.clone()).send_json().await.unwrap();
    assert_eq!(read, json!([{"name": "a", "file_name": null, "content_type": null, "body": seen(b"1")}]));
    let logged = at(&sim, "/uploads");
    assert_eq!(logged[0].headers().get_all("content-type").iter().count(), 1, "{:?}", logged[0]);

    // ... and a body set after it replaces the form.
    let read: Value = client
        .put("/v8/artifacts/0a1b")
        .multipart(form)
        .bytes("application/zip", vec![1, 2])
        .send_json()
        .await
        .unwrap();
    assert_eq!(read, json!({"content_type": ["application/zip"], "body": seen(&[1, 2])}));
}

#[tokio::test]
async fn a_401_mid_call_replays_the_multipart_body_once_with_the_renewed_token() {
    let (sim, client, handled) = start().await;
    let old = client.token().await.unwrap().access_token().expose_secret().to_owned();
    sim.expire_tokens();

    // The simulator's bearer check answers 401; the client renews and sends the form again.
    let read: Value = client.post("/uploads").multipart(form()).send_json().await.unwrap();
    assert_eq!(read, described());
    assert_eq!(handled.load(Ordering::SeqCst), 1, "the handler ran for the replay alone");
    let new = client.cached_token().unwrap().access_token().expose_secret().to_owned();
    assert_ne!(old, new);

    let logged = at(&sim, "/uploads");
    let [first, replay] = &logged[..] else { panic!("two attempts: {logged:?}") };
    assert_eq!((first.status(), first.bearer_token()), (Some(401), Some(old.as_str())));
    assert_eq!((replay.status(), replay.bearer_token()), (Some(200), Some(new.as_str())));
    // The same form both times, whole (each with a boundary of its own).
    assert_eq!(first.header("content-length"), replay.header("content-length"));
    assert_eq!(first.body_truncated(), replay.body_truncated());
    let counters = sim.counters();
    assert_eq!(counters.token_requests, 2);

    // Parts the log keeps whole, compared part by part.
    sim.expire_tokens();
    let small = Multipart::new().text("title", "again").file("image", "s.png", "image/png", binary());
    client.post("/uploads").multipart(small).send_json::<Value>().await.unwrap();
    let logged = at(&sim, "/uploads");
    let [.., first, replay] = &logged[..] else { unreachable!() };
    assert_eq!((first.status(), replay.status()), (Some(401), Some(200)));
    assert_eq!(first.parts().len(), 2);
    assert_eq!(first.body(), replay.body());
    assert_ne!(first.header("content-type"), replay.header("content-type"), "a boundary per attempt");

    // A bytes body is replayed the same way.
    sim.expire_tokens();
    let read: Value =
        client.put("/v8/artifacts/0a1b").bytes("application/octet-stream", binary()).send_json().await.unwrap();
    assert_eq!(read["body"], seen(&binary()));
    let logged = at(&sim, "/v8/artifacts/0a1b");
    let [first, replay] = &logged[..] else { panic!("two attempts: {logged:?}") };
    assert_eq!((first.status(), replay.status()), (Some(401), Some(200)));
    assert_eq!((first.raw_body(), replay.raw_body().map(|b| b.to_vec())), (replay.raw_body(), Some(binary())));
}

#[tokio::test]
async fn typed_operations_send_bytes_and_forms_and_replay_them_after_a_401() {
    let (sim, client, handled) = start().await;
    let read = client.put_artifact("0a1b", binary()).await.unwrap();
    assert_eq!(read, json!({"content_type": ["application/octet-stream"], "body": seen(&binary())}));
    let read = client.put_png("0a1c", b"\x89PNG").await.unwrap();
    assert_eq!(read, json!({"content_type": ["image/png"], "body": seen(b"\x89PNG")}));
    assert_eq!(client.upload(&form()).await.unwrap(), described());
    let avatar = Avatar {
        user: "ada".into(),
        tags: vec!["round".into(), "blue".into()],
        image: FilePart::new("ada.png", binary()).with_content_type("image/png"),
    };
    let part = |name: &str, file_name: Option<&str>, content_type: Option<&str>, body: &[u8]| json!({"name": name, "file_name": file_name, "content_type": content_type, "body": seen(body)});
    let expected = json!([
        part("user", None, None, b"ada"),
        part("tags", None, None, b"round"),
        part("tags", None, None, b"blue"),
        part("image", Some("ada.png"), Some("image/png"), &binary()),
    ]);
    assert_eq!(client.upload_avatar(&avatar).await.unwrap(), expected);
    assert_eq!(handled.load(Ordering::SeqCst), 4);

    // Renewed and replayed, as any call: the form and the bytes whole, with the new token.
    sim.expire_tokens();
    assert_eq!(client.upload_avatar(&avatar).await.unwrap(), expected);
    sim.expire_tokens();
    let read = client.put_artifact("0a1b", binary()).await.unwrap();
    assert_eq!(read["body"], seen(&binary()));
    assert_eq!(handled.load(Ordering::SeqCst), 6);
    let statuses: Vec<Option<u16>> =
        sim.requests().iter().filter(|r| r.path() != "/oauth/token").map(SimRequest::status).collect();
    assert_eq!(statuses[4..], [Some(401), Some(200), Some(401), Some(200)]);
    assert_eq!(sim.counters().token_requests, 3);
}

#[tokio::test]
async fn a_part_whose_content_type_is_no_media_type_fails_unsent() {
    let (sim, client, _) = start().await;
    let form = Multipart::new().file("image", "s.png", "png", binary());
    let err = client.post("/uploads").multipart(form).send().await.unwrap_err();
    assert!(matches!(err, Error::Request { .. }), "{err:?}");
    assert!(at(&sim, "/uploads").is_empty());
}

#[tokio::test]
async fn a_value_that_cannot_be_written_as_a_part_fails_unsent() {
    let (sim, client, _) = start().await;
    // JSON has no map with keys that are not strings.
    let odd: std::collections::BTreeMap<[u8; 2], u8> = [([1, 2], 3)].into();
    for form in [Multipart::new().text("a", "1").json("odd", &odd), Multipart::new().field("odd", &odd).text("a", "1")]
    {
        let err = client.post("/uploads").multipart(form).send().await.unwrap_err();
        let Error::Argument { message, .. } = &err else { panic!("{err:?}") };
        assert!(message.contains("`odd` cannot be written"), "{message}");
    }
    assert!(at(&sim, "/uploads").is_empty());
}

#[tokio::test]
async fn the_simulator_refuses_a_malformed_multipart_body_before_the_route() {
    let (sim, client, handled) = start().await;
    let cases: [(&str, &[u8], &str); 3] = [
        ("multipart/form-data", b"--X\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--X--\r\n", "boundary"),
        (
            "multipart/form-data; boundary=X",
            b"--X\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n",
            "incomplete",
        ),
        (
            "multipart/form-data; boundary=X",
            b"--X\r\nContent-Disposition: attachment\r\n\r\n1\r\n--X--\r\n",
            "form-data",
        ),
    ];
    for (content_type, body, fault) in cases {
        let response = client.post("/uploads").bytes(content_type, body).send().await.unwrap();
        assert_eq!(response.status(), 400, "{content_type}");
        let error: Value = response.json().await.unwrap();
        assert_eq!(error["error"], "invalid_request");
        let description = error["error_description"].as_str().unwrap().to_lowercase();
        assert!(description.contains(fault), "{description}");
    }
    assert_eq!(handled.load(Ordering::SeqCst), 0);
    // Logged as received.
    assert!(at(&sim, "/uploads").iter().all(|r| matches!(r.body(), RequestBody::Raw(_))));
}

#[tokio::test]
async fn contents_never_show_in_debug_or_the_wire_events() {
    const CONTENT: &str = "PART-CONTENT-5521";
    let (sim, client, _) = start().await;
    let form = Multipart::new()
        .text("note", CONTENT)
        .file("doc", "doc.txt", "text/plain", format!("{CONTENT} as a file"))
        .json("meta", &json!({"inner": CONTENT}))
        .field("fields", &json!({"inner": CONTENT}));

    let shown = format!("{form:?} {:?}", client.post("/uploads").multipart(form.clone()));
    assert!(!shown.contains(CONTENT), "{shown}");
    assert!(
        shown.contains(r#"name: "doc", file_name: Some("doc.txt"), content_type: Some("text/plain"), bytes: 27"#),
        "{shown}"
    );

    client.token().await.unwrap();
    let (events, guard) = capture_events(Level::TRACE);
    sim.expire_tokens();
    client.post("/uploads").multipart(form.clone()).send_json::<Value>().await.unwrap();
    client.put("/v8/artifacts/0a1b").bytes("text/plain", CONTENT).send_json::<Value>().await.unwrap();
    drop(guard);
    let wire = events.wire();
    let calls: Vec<_> = wire.iter().filter(|e| e.get("kind") == Some("api")).collect();
    let [first, replay, bytes] = &calls[..] else { panic!("two attempts and one call: {wire:?}") };
    // The sizes only: the form's declared length, for each attempt, and the bytes' length.
    let logged = at(&sim, "/uploads");
    for (event, request) in [(first, &logged[0]), (replay, &logged[1])] {
        assert_eq!(event.get("request_bytes"), request.header("content-length"), "{event:?}");
    }
    assert_eq!(bytes.get("request_bytes"), Some(CONTENT.len().to_string().as_str()), "{bytes:?}");

    // Nothing the runtime logs at any level, spans included, holds the contents.
    let (logs, guard) = capture_logs();
    sim.expire_tokens();
    client.post("/uploads").multipart(form).send_json::<Value>().await.unwrap();
    client.put("/v8/artifacts/0a1b").bytes("text/plain", CONTENT).send_json::<Value>().await.unwrap();
    drop(guard);
    let text = logs.text();
    assert!(text.contains("request_bytes="), "{text}");
    assert!(!text.contains(CONTENT), "{text}");

    // The simulator's own `Debug` of what it received shows sizes too.
    let logged = format!("{:?}", sim.requests());
    assert!(!logged.contains(CONTENT), "{logged}");
    assert!(
        logged.contains(
            r#"FormPart { name: "doc", file_name: Some("doc.txt"), content_type: Some("text/plain"), bytes: 27 }"#
        ),
        "{logged}"
    );
}
