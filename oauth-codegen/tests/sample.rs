//! The routes of a document as a simulator serves them: the fixture's, answer by answer, and
//! every route of the real vendor documents (`scripts/fetch-openapi.sh` fetches them), each
//! made body checked against its schema.

use std::path::PathBuf;

use oauth_codegen::sample::{self, Bodies, Source};
use serde_json::{Value as Json, json};

fn fixture() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/shop.yaml")).unwrap()
}

fn real(path: &str) -> String {
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/openapi").join(path);
    std::fs::read_to_string(&file)
        .unwrap_or_else(|e| panic!("{}: {e}; run `bash scripts/fetch-openapi.sh`", file.display()))
}

#[test]
fn every_operation_is_a_route_in_the_documents_order() {
    let routes = sample::routes(&fixture(), "shop.yaml").unwrap();
    let listed: Vec<(&str, &str, &str)> =
        routes.routes.iter().map(|r| (r.operation.as_str(), r.method.as_str(), r.path.as_str())).collect();
    assert_eq!(
        listed,
        [
            ("listOrders", "GET", "/orders"),
            ("createOrder", "POST", "/orders"),
            ("getOrder", "GET", "/orders/{orderId}"),
            ("cancelOrder", "DELETE", "/orders/{orderId}"),
            ("rateOrder", "PUT", "/orders/{orderId}/rating"),
            ("getInvoice", "GET", "/orders/{orderId}/invoice"),
            ("upload", "POST", "/uploads"),
            ("uploadProductImage", "PUT", "/products/{sku}/image"),
            ("putProductManual", "PUT", "/products/{sku}/manual"),
            ("addNote", "POST", "/notes"),
            ("searchOrders", "GET", "/orders/search"),
            ("getReceipt", "GET", "/receipts/{receiptId}"),
            // No operationId: named by method and path.
            ("GET /health", "GET", "/health"),
        ]
    );
    assert!(routes.report.is_empty(), "{}", routes.report);
}

#[test]
fn request_bodies_are_routes_declarations() {
    let routes = sample::routes(&fixture(), "shop.yaml").unwrap();
    let image = routes.get("uploadProductImage").unwrap().request.as_ref().unwrap();
    assert!(image.required);
    assert_eq!(image.content_types, ["multipart/form-data"]);
    let parts: Vec<(&str, bool, bool)> = image.parts.iter().map(|p| (p.name.as_str(), p.required, p.file)).collect();
    assert_eq!(
        parts,
        [
            ("image", true, true),
            ("caption", true, false),
            ("position", false, false),
            ("tags", false, false),
            ("crop", false, false),
            ("thumbnails", false, true),
        ]
    );
    assert!(image.accepts("multipart/form-data; boundary=x") && !image.accepts("application/json"));
    let manual = routes.get("putProductManual").unwrap().request.as_ref().unwrap();
    assert_eq!((manual.content_types.as_slice(), manual.parts.len()), (&["application/pdf".to_owned()][..], 0));
    // No body declared; an optional one; a form without declared parts.
    assert_eq!(routes.get("getOrder").unwrap().request, None);
    assert!(!routes.get("rateOrder").unwrap().request.as_ref().unwrap().required);
    assert!(routes.get("upload").unwrap().request.as_ref().unwrap().parts.is_empty());
}

#[test]
fn each_route_needs_the_scopes_the_generator_declares() {
    let routes = sample::routes(&fixture(), "shop.yaml").unwrap();
    let scopes = |operation: &str| routes.get(operation).unwrap().scopes.join(" ");
    assert_eq!(scopes("listOrders"), "orders:read", "its own");
    assert_eq!(scopes("getOrder"), "orders:read", "the document's");
    assert_eq!(scopes("cancelOrder"), "orders:write");
    assert_eq!(scopes("createOrder"), "orders:write", "the OAuth2 alternative of two");
    assert_eq!(scopes("GET /health"), "", "`security: []`");
    // Figma lists the deprecated `files:read` beside each successor.
    let figma = sample::routes(&real("figma/openapi.yaml"), "openapi.yaml").unwrap();
    assert_eq!(figma.get("getFile").unwrap().scopes, ["file_content:read"]);
}

#[test]
fn a_declared_example_is_served_as_written() {
    let routes = sample::routes(&fixture(), "shop.yaml").unwrap();
    let list = &routes.get("listOrders").unwrap().success;
    assert_eq!(
        (list.status, list.source, list.content_type.as_deref()),
        (200, Source::Example, Some("application/json"))
    );
    assert_eq!(
        list.body,
        Some(json!([{
            "id": 1,
            "status": "open",
            "lines": [{"sku": "tea", "quantity": 2}],
            "created_at": "2026-11-30T10:00:00Z",
            "payment": {"kind": "card", "last4": "4242"},
        }]))
    );
}

#[test]
fn a_body_without_example_is_made_from_its_schema() {
    let routes = sample::routes(&fixture(), "shop.yaml").unwrap();
    let created = &routes.get("createOrder").unwrap().success;
    assert_eq!((created.status, created.declared.as_str(), created.source), (201, "201", Source::Schema));
    // Every property, required and optional; `parent` (an `Order` in an `Order`) is left out.
    assert_eq!(
        created.body,
        Some(json!({
            "id": 4294967297_i64,
            "status": "open",
            "lines": [{"sku": "string", "quantity": 1, "price": 1.5}],
            "created_at": "2024-01-02T03:04:05Z",
            "ship_on": "2024-01-02",
            "note": "string",
            "customer": {"name": "string", "email": "string"},
            "payment": {"kind": "card", "last4": "string"},
            "tags": {"key": "string"},
            "+1": 1,
            "type": "string",
        }))
    );
    assert!(created.is_json());
    // The same document gives the same bodies every time.
    assert_eq!(sample::routes(&fixture(), "shop.yaml").unwrap().routes, routes.routes);
}

#[test]
fn generated_bodies_ignore_the_examples() {
    let routes = sample::routes_with(&fixture(), "shop.yaml", Bodies::Generated).unwrap();
    let list = &routes.get("listOrders").unwrap().success;
    let order = &routes.get("getOrder").unwrap().success;
    assert_eq!(list.source, Source::Schema);
    assert_eq!(list.body, Some(Json::Array(vec![order.body.clone().unwrap()])));
}

#[test]
fn error_answers_by_status_range_and_default() {
    let routes = sample::routes(&fixture(), "shop.yaml").unwrap();
    let get = routes.get("getOrder").unwrap();
    assert_eq!(get.errors.len(), 1);
    let not_found = get.error(404).unwrap();
    assert_eq!((not_found.status, not_found.source), (404, Source::Schema));
    assert_eq!(not_found.body, Some(json!({"code": "string", "message": "string"})));
    assert_eq!(not_found.body_bytes(), br#"{"code":"string","message":"string"}"#);
    assert!(get.error(500).is_none(), "no 500 and no default declared");
    // `default` answers any status asked for.
    let list = routes.get("listOrders").unwrap();
    let unavailable = list.error(503).unwrap();
    assert_eq!((unavailable.status, unavailable.declared.as_str()), (503, "default"));
    assert_eq!(list.errors[0].status, 500);
}

#[test]
fn answers_without_json() {
    let routes = sample::routes(&fixture(), "shop.yaml").unwrap();
    let cancel = &routes.get("cancelOrder").unwrap().success;
    assert_eq!((cancel.status, cancel.source, &cancel.content_type, &cancel.body), (204, Source::Empty, &None, &None));
    assert!(cancel.body_bytes().is_empty());
    let invoice = &routes.get("getInvoice").unwrap().success;
    assert_eq!(invoice.content_type.as_deref(), Some("text/plain"));
    assert_eq!(invoice.body_bytes(), b"string", "a text body is sent as the string, unquoted");
    // `anyOf: [integer, string]`: the first alternative.
    assert_eq!(routes.get("rateOrder").unwrap().success.body, Some(json!(1)));
}

#[test]
fn not_a_document() {
    assert!(matches!(sample::routes("{\"swagger\": \"2.0\"}", "old.json"), Err(oauth_codegen::Error::Version { .. })));
    assert!(matches!(sample::routes("{ truncated", "bad.json"), Err(oauth_codegen::Error::Parse { .. })));
}

/// Every route of the four real documents gets its bodies (GitHub's 1,200 operations included),
/// and every body made from a schema is valid against it.
#[test]
fn real_documents() {
    let documents = [
        ("github/api.github.com.json", 1000),
        ("figma/openapi.yaml", 40),
        ("apis-guru/sell-marketing.json", 60),
        ("apis-guru/vercel.com.json", 100),
    ];
    for (path, at_least) in documents {
        let text = real(path);
        let tree: Json = if path.ends_with(".yaml") {
            serde_yaml_ng::from_str(&text).unwrap()
        } else {
            serde_json::from_str(&text).unwrap()
        };
        let examples = sample::routes(&text, path).unwrap();
        assert!(examples.routes.len() >= at_least, "{path}: {} routes", examples.routes.len());
        assert!(examples.routes.iter().all(|r| r.success.body.is_some() || r.success.source == Source::Empty));
        assert!(examples.routes.iter().any(|r| r.success.source == Source::Example) || !path.starts_with("github"));

        let generated = sample::routes_with(&text, path, Bodies::Generated).unwrap();
        assert_eq!(generated.routes.len(), examples.routes.len());
        let mut errors = Vec::new();
        for route in &generated.routes {
            for answer in std::iter::once(&route.success).chain(&route.errors) {
                assert_ne!(answer.source, Source::Example);
                let Some(body) = &answer.body else { continue };
                assert!(answer.body_bytes().len() < 256 * 1024, "{path} {}: a body too large", route.operation);
                let Some(schema) =
                    schema_of(&tree, &route.path, &route.method, &answer.declared, answer.content_type.as_deref())
                else {
                    continue;
                };
                let mut errs = Vec::new();
                check(&tree, schema, body, "", &mut errs, 0);
                errors.extend(errs.into_iter().map(|e| format!("{} {}: {e}", route.operation, answer.declared)));
            }
        }
        assert!(
            errors.is_empty(),
            "{path}: {} made bodies do not fit their schemas:\n{}",
            errors.len(),
            errors.join("\n")
        );
    }
}

/// The schema of an answer's JSON content, as the document declares it (`None` for others).
fn schema_of<'a>(tree: &'a Json, path: &str, method: &str, code: &str, content_type: Option<&str>) -> Option<&'a Json> {
    let mut response = &tree["paths"][path][method.to_ascii_lowercase()]["responses"][code];
    while let Some(r) = response.get("$ref").and_then(Json::as_str) {
        response = tree.pointer(&r[1..])?;
    }
    let media = &response["content"][content_type?];
    if !content_type?.contains("json") {
        return None;
    }
    media.get("schema")
}

/// `schema`, its `$ref`s followed.
fn resolve<'a>(tree: &'a Json, mut schema: &'a Json) -> &'a Json {
    while let Some(r) = schema.get("$ref").and_then(Json::as_str) {
        schema = tree.pointer(&r[1..].replace("%7B", "{").replace("%7D", "}")).unwrap_or(&Json::Null);
    }
    schema
}

/// Whether `null` is valid (3.0 `nullable`, 3.1 type lists, null alternatives).
fn nullable(tree: &Json, schema: &Json) -> bool {
    schema.get("nullable") == Some(&Json::Bool(true))
        || schema.get("type") == Some(&json!("null"))
        || schema.get("type").and_then(Json::as_array).is_some_and(|t| t.contains(&json!("null")))
        || schema.get("enum").and_then(Json::as_array).is_some_and(|e| e.contains(&Json::Null))
        || ["oneOf", "anyOf"].iter().any(|k| {
            schema.get(k).and_then(Json::as_array).is_some_and(|alts| {
                alts.iter().any(|a| {
                    let a = resolve(tree, a);
                    a.get("type") == Some(&json!("null")) || nullable(tree, a)
                })
            })
        })
}

/// Checks `value` against the parts of OpenAPI's schema dialect the made values claim to keep
/// (types, nullability, enums, formats, bounds, lengths, required properties, `allOf`, unions
/// and their discriminators, items, maps): a test oracle written apart from the maker.
fn check(tree: &Json, schema: &Json, value: &Json, at: &str, errs: &mut Vec<String>, depth: usize) {
    if depth > 64 {
        return;
    }
    let schema = resolve(tree, schema);
    let Some(map) = schema.as_object() else { return };
    if value.is_null() {
        if !nullable(tree, schema) && (map.contains_key("type") || map.contains_key("properties")) {
            errs.push(format!("{at}: null for a schema that is not nullable"));
        }
        return;
    }
    if let Some(values) = map.get("enum").and_then(Json::as_array) {
        if !values.contains(value) {
            errs.push(format!("{at}: {value} not in the enum"));
        }
    }
    for part in map.get("allOf").and_then(Json::as_array).into_iter().flatten() {
        check(tree, part, value, at, errs, depth + 1);
    }
    for key in ["oneOf", "anyOf"] {
        let Some(alts) = map.get(key).and_then(Json::as_array) else { continue };
        let fits = alts.iter().any(|alt| {
            let mut e = Vec::new();
            check(tree, alt, value, at, &mut e, depth + 1);
            e.is_empty()
        });
        if !fits {
            errs.push(format!("{at}: no alternative of the {key} fits {value}"));
        }
        if let Some(tag) = map.get("discriminator").and_then(|d| d["propertyName"].as_str()) {
            if value.is_object() && value.get(tag).is_none() {
                errs.push(format!("{at}: no discriminator `{tag}`"));
            }
        }
    }
    let types: Vec<&str> = match map.get("type") {
        Some(Json::String(t)) => vec![t.as_str()],
        Some(Json::Array(t)) => t.iter().filter_map(Json::as_str).collect(),
        _ => Vec::new(),
    };
    let fits = |t: &str| match t {
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "string" => value.is_string(),
        "boolean" => value.is_boolean(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        _ => true,
    };
    if !types.is_empty() && !types.iter().any(|t| fits(t)) {
        errs.push(format!("{at}: {value} is not of type {types:?}"));
        return;
    }
    if let Some(text) = value.as_str() {
        let ok = match map.get("format").and_then(Json::as_str) {
            Some("date-time") => text.len() >= 20 && text.as_bytes()[10] == b'T',
            Some("date") => text.len() == 10 && text.as_bytes()[4] == b'-',
            Some("email") => text.contains('@'),
            Some("uuid") => text.len() == 36,
            _ => true,
        };
        if !ok {
            errs.push(format!("{at}: {text:?} is not a {}", map["format"]));
        }
        let len = text.chars().count() as u64;
        if map.get("minLength").and_then(Json::as_u64).is_some_and(|m| len < m)
            || map.get("maxLength").and_then(Json::as_u64).is_some_and(|m| len > m)
        {
            errs.push(format!("{at}: {text:?} is too short or long"));
        }
    }
    if let Some(n) = value.as_f64() {
        if map.get("minimum").and_then(Json::as_f64).is_some_and(|m| n < m)
            || map.get("maximum").and_then(Json::as_f64).is_some_and(|m| n > m)
        {
            errs.push(format!("{at}: {n} out of bounds"));
        }
        if map.get("format").and_then(Json::as_str) == Some("int32")
            && value.as_i64().is_none_or(|i| i32::try_from(i).is_err())
        {
            errs.push(format!("{at}: {n} is not an int32"));
        }
    }
    if let Some(object) = value.as_object() {
        for name in map.get("required").and_then(Json::as_array).into_iter().flatten().filter_map(Json::as_str) {
            if !object.contains_key(name) && map.get("properties").is_some_and(|p| p.get(name).is_some()) {
                errs.push(format!("{at}: required `{name}` missing"));
            }
        }
        let properties = map.get("properties").and_then(Json::as_object);
        for (name, v) in object {
            match properties.and_then(|p| p.get(name)) {
                Some(property) => check(tree, property, v, &format!("{at}/{name}"), errs, depth + 1),
                None => {
                    if let Some(extra) = map.get("additionalProperties").filter(|a| a.is_object()) {
                        check(tree, extra, v, &format!("{at}/{name}"), errs, depth + 1);
                    }
                }
            }
        }
    }
    if let Some(list) = value.as_array() {
        if let Some(item) = map.get("items") {
            for (i, v) in list.iter().enumerate() {
                check(tree, item, v, &format!("{at}/{i}"), errs, depth + 1);
            }
        }
        if map.get("minItems").and_then(Json::as_u64).is_some_and(|m| (list.len() as u64) < m) {
            errs.push(format!("{at}: too few items"));
        }
    }
}
