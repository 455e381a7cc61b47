//! A document's operations as routes a simulator can serve: each with its method, path
//! template, success answer and declared error answers, every body the document's example or a
//! value made from the schema.
//!
//! A made value is valid against its schema and the same on every run: `date-time`, `date`,
//! `uuid`, `email`, `uri` and the other common formats written as such (`int64` as
//! 4294967297, which an `i32` cannot hold), bounds and lengths kept, the first value of an
//! enum, every property (required and optional), one item per list and one entry per map,
//! `allOf` merged, the first alternative of a `oneOf`/`anyOf` with its discriminator's value,
//! `$ref`s followed and recursion cut where the schema allows (an optional property, an empty
//! list, a `null`). Patterns are not followed. Declared examples are served as the document
//! writes them: [`Bodies::Generated`] makes every body from its schema instead, for a document
//! whose examples do not fit its own schemas.
//!
//! ```
//! let doc = r#"{
//!   "openapi": "3.0.3",
//!   "info": {"title": "Pets", "version": "1"},
//!   "paths": {"/pets/{id}": {"get": {
//!     "operationId": "getPet",
//!     "responses": {
//!       "200": {"description": "A pet", "content": {"application/json": {"schema": {
//!         "type": "object", "required": ["id"],
//!         "properties": {"id": {"type": "integer", "format": "int64"}, "born": {"type": "string", "format": "date"}}
//!       }}}},
//!       "404": {"description": "None", "content": {"application/json": {"example": {"message": "no such pet"}}}}
//!     }
//!   }}}
//! }"#;
//! let routes = oauth_codegen::sample::routes(doc, "pets.json")?;
//! let route = routes.get("getPet").unwrap();
//! assert_eq!((route.method.as_str(), route.path.as_str()), ("GET", "/pets/{id}"));
//! assert_eq!(route.success.status, 200);
//! assert_eq!(route.success.body, Some(serde_json::json!({"id": 4294967297_i64, "born": "2024-01-02"})));
//! let not_found = route.error(404).unwrap();
//! assert_eq!(not_found.body, Some(serde_json::json!({"message": "no such pet"})));
//! # Ok::<(), oauth_codegen::Error>(())
//! ```

mod value;

use serde_json::Value as Json;
use serde_yaml_ng::Value;

use crate::{
    Error,
    openapi::{
        body,
        doc::{Doc, at, entries, flag, key_text, str_at},
        params::{object_schema, parameters, query_style},
    },
    operations::QueryStyle,
    report::{Report, pointer_segment},
};

/// Where the bodies come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Bodies {
    /// The document's examples where it has them (a media type's `example` or `examples`, a
    /// schema's `example` or 3.1 `examples`, a property's), values made from the schema
    /// elsewhere.
    #[default]
    Examples,
    /// Every body made from its schema, examples ignored.
    Generated,
}

/// Where one answer's body came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Source {
    /// The media type's own example (`example`, or the first of `examples`).
    Example,
    /// Made from the schema (with the examples its parts declare, under [`Bodies::Examples`]).
    Schema,
    /// No body: the answer declares no content.
    Empty,
}

/// The routes of a document, in its order, and what could not be made as declared.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Routes {
    /// One per operation (every method, `options` and `trace` included).
    pub routes: Vec<Route>,
    /// What the routes do differently from the document, each at its place.
    pub report: Report,
}

impl Routes {
    /// The route of `operation`: its `operationId`, or `"GET /path"` for one without.
    pub fn get(&self, operation: &str) -> Option<&Route> {
        self.routes.iter().find(|r| r.operation == operation)
    }
}

/// One operation.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Route {
    /// The `operationId`, or `"GET /path"` for an operation without one.
    pub operation: String,
    /// The method, upper case (`GET`).
    pub method: String,
    /// The path template as the document writes it (`/repos/{owner}/{repo}`), without the
    /// server URL's path.
    pub path: String,
    /// The first 2xx answer the document declares; `204` without a body when it declares none.
    pub success: Answer,
    /// The declared error answers (4xx, 5xx, `4XX`, `default`), in the document's order.
    pub errors: Vec<Answer>,
    /// The declared request body, if the operation has one.
    pub request: Option<RequestBody>,
    /// The scopes the operation needs of the document's OAuth2 schemes, as the generator reads
    /// its `security` (or the document's): what a simulator checks the token carries. Empty
    /// for none.
    pub scopes: Vec<String>,
    /// The declared query parameters (the path item's and the operation's): what a simulator
    /// checks a request's query string against.
    pub query: Vec<QueryParam>,
}

/// A query parameter as the document declares it ([`Route::query`]).
///
/// ```
/// use oauth_codegen::operations::QueryStyle;
///
/// let doc = r#"{"openapi": "3.1.0", "paths": {"/invoices": {"get": {"operationId": "listInvoices",
///   "parameters": [
///     {"name": "ids", "in": "query", "required": true, "explode": false,
///      "schema": {"type": "array", "items": {"type": "integer"}}},
///     {"name": "filter", "in": "query", "style": "deepObject", "schema": {"type": "object"}}],
///   "responses": {"200": {"description": "ok"}}}}}}"#;
/// let routes = oauth_codegen::sample::routes(doc, "invoices.json")?;
/// let query = &routes.get("listInvoices").unwrap().query;
/// let read: Vec<(&str, bool, Option<QueryStyle>)> = query.iter().map(|q| (q.name.as_str(), q.required, q.style)).collect();
/// assert_eq!(read, [("ids", true, Some(QueryStyle::Comma)), ("filter", false, Some(QueryStyle::DeepObject))]);
/// # Ok::<(), oauth_codegen::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct QueryParam {
    /// The name on the wire.
    pub name: String,
    /// Whether the document requires it (`required: true`).
    pub required: bool,
    /// How it is written; `None` for a style the generator does not write (then a simulator
    /// checks it is there, when required, and nothing else).
    pub style: Option<QueryStyle>,
    /// Whether its schema is an object: in style [`QueryStyle::Repeated`] (OpenAPI's `form`,
    /// exploded) its fields are the pairs, under their own names, and its name is not sent.
    pub object: bool,
}

/// An operation's request body as the document declares it ([`Route::request`]): what a
/// simulator checks a request against.
///
/// ```
/// let doc = r#"{"openapi": "3.1.0", "paths": {"/images": {"post": {"operationId": "upload",
///   "requestBody": {"required": true, "content": {"multipart/form-data": {"schema": {
///     "type": "object", "required": ["image"],
///     "properties": {"image": {"type": "string", "format": "binary"}, "caption": {"type": "string"}}}}}},
///   "responses": {"201": {"description": "ok"}}}}}}"#;
/// let routes = oauth_codegen::sample::routes(doc, "images.json")?;
/// let body = routes.get("upload").unwrap().request.as_ref().unwrap();
/// assert!(body.required);
/// assert_eq!(body.content_types, ["multipart/form-data"]);
/// let parts: Vec<(&str, bool, bool)> = body.parts.iter().map(|p| (p.name.as_str(), p.required, p.file)).collect();
/// assert_eq!(parts, [("image", true, true), ("caption", false, false)]);
/// # Ok::<(), oauth_codegen::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RequestBody {
    /// Whether the document requires a body (`required: true`).
    pub required: bool,
    /// The media types it may be sent as, as the document writes them (`content`'s keys).
    pub content_types: Vec<String>,
    /// The parts a `multipart/form-data` body's schema declares, in its order; empty for other
    /// bodies.
    pub parts: Vec<DeclaredPart>,
}

impl RequestBody {
    /// Whether a body of `content_type` (a request's `Content-Type`) is one the document
    /// declares: the same media type, parameters and case aside; one of a declared range
    /// (`image/*`, `*/*`); or JSON where the document declares any JSON (a client sends
    /// `application/json` for `application/vnd.github+json`).
    ///
    /// ```
    /// # let doc = r#"{"openapi": "3.1.0", "paths": {"/a": {"put": {"requestBody": {"content": {
    /// #   "application/vnd.shop+json": {}, "image/*": {}}}, "responses": {"204": {"description": "ok"}}}}}}"#;
    /// # let routes = oauth_codegen::sample::routes(doc, "a.json")?;
    /// let body = routes.get("PUT /a").unwrap().request.as_ref().unwrap();
    /// assert!(body.accepts("application/json; charset=utf-8"));
    /// assert!(body.accepts("Image/PNG"));
    /// assert!(!body.accepts("text/plain"));
    /// # Ok::<(), oauth_codegen::Error>(())
    /// ```
    pub fn accepts(&self, content_type: &str) -> bool {
        let essence = |t: &str| t.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
        let sent = essence(content_type);
        let json = body::Media::of(&sent) == body::Media::Json;
        self.content_types.iter().map(|declared| essence(declared)).any(|declared| {
            declared == sent
                || declared == "*/*"
                || declared.strip_suffix("/*").is_some_and(|kind| sent.split('/').next() == Some(kind))
                || (json && body::Media::of(&declared) == body::Media::Json)
        })
    }
}

/// One part of a `multipart/form-data` body, as its schema declares it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct DeclaredPart {
    /// The part's name (the property's).
    pub name: String,
    /// Whether the schema requires it.
    pub required: bool,
    /// Whether it is a file (`format: binary`, or a 3.1 `contentMediaType`), or a list of files.
    pub file: bool,
}

impl Route {
    /// The error answer for `status`: the one declared for it, else for its range (`4XX`), else
    /// `default`; answered with `status` itself.
    ///
    /// ```
    /// # let doc = r#"{"openapi":"3.1.0","paths":{"/a":{"get":{"responses":{
    /// #   "200":{"description":"ok"},"default":{"description":"any","content":{"application/json":{"example":{"e":1}}}}}}}}}"#;
    /// let routes = oauth_codegen::sample::routes(doc, "a.json")?;
    /// let error = routes.get("GET /a").unwrap().error(503).unwrap();
    /// assert_eq!((error.status, error.declared.as_str()), (503, "default"));
    /// # Ok::<(), oauth_codegen::Error>(())
    /// ```
    pub fn error(&self, status: u16) -> Option<Answer> {
        let range = format!("{}XX", status / 100);
        let found = self
            .errors
            .iter()
            .find(|e| e.declared == status.to_string())
            .or_else(|| self.errors.iter().find(|e| e.declared.eq_ignore_ascii_case(&range)))
            .or_else(|| self.errors.iter().find(|e| e.declared == "default"))?;
        Some(Answer { status, ..found.clone() })
    }
}

/// One answer: its status, content type and body.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Answer {
    /// The status (`4XX` is 400, `default` 500 until [`Route::error`] picks one).
    pub status: u16,
    /// The response key as the document writes it (`200`, `4XX`, `default`).
    pub declared: String,
    /// The declared content type (the JSON one where there are several); `None` without a body.
    pub content_type: Option<String>,
    /// The body: JSON for a JSON content type, a string for a text or binary one; `None` when the
    /// answer declares no content.
    pub body: Option<Json>,
    /// Where the body came from.
    pub source: Source,
}

impl Answer {
    /// Whether the content type is JSON (`application/json`, `application/problem+json`, ...).
    pub fn is_json(&self) -> bool {
        self.content_type.as_deref().is_some_and(is_json)
    }

    /// The body's bytes as they are sent: JSON text for a JSON content type (or a body that is
    /// not a string), a string's own bytes otherwise; empty without a body.
    pub fn body_bytes(&self) -> Vec<u8> {
        match &self.body {
            None => Vec::new(),
            Some(Json::String(text)) if !self.is_json() => text.clone().into_bytes(),
            Some(value) => serde_json::to_vec(value).unwrap_or_default(),
        }
    }
}

/// The routes of `text` (a document read from `origin`, named in messages), bodies from its
/// examples where it has them ([`Bodies::Examples`]).
///
/// # Errors
///
/// When `text` is not JSON or YAML, or not an OpenAPI 3.0 or 3.1 document.
pub fn routes(text: &str, origin: &str) -> Result<Routes, Error> {
    routes_with(text, origin, Bodies::Examples)
}

/// [`routes`], with the bodies from where `bodies` says.
///
/// ```
/// use oauth_codegen::sample::{Bodies, routes_with};
/// let doc = "openapi: 3.1.0\npaths:\n  /n:\n    get:\n      operationId: n\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {type: integer, examples: [7]}\n";
/// assert_eq!(routes_with(doc, "n.yaml", Bodies::Examples)?.get("n").unwrap().success.body, Some(7.into()));
/// assert_eq!(routes_with(doc, "n.yaml", Bodies::Generated)?.get("n").unwrap().success.body, Some(1.into()));
/// # Ok::<(), oauth_codegen::Error>(())
/// ```
///
/// # Errors
///
/// As [`routes`].
pub fn routes_with(text: &str, origin: &str, bodies: Bodies) -> Result<Routes, Error> {
    let doc = Doc::parse(text, origin)?;
    let mut maker = value::Maker::new(&doc, bodies == Bodies::Examples);
    let mut report = Report::default();
    let mut routes = Vec::new();
    let mut security = crate::openapi::security::Security::new(&doc);
    for (path, item) in entries(&doc.root, "paths") {
        let Some(item) = doc.deref(item) else {
            report.note(format!("#/paths/{}", pointer_segment(path)), "a path item that leads nowhere", "no route");
            continue;
        };
        for (method, op) in item.as_mapping().into_iter().flatten() {
            let Some(method) = method.as_str().filter(|m| METHODS.contains(m)) else { continue };
            let at_ptr = format!("#/paths/{}/{method}", pointer_segment(path));
            let method = method.to_ascii_uppercase();
            let operation = str_at(op, "operationId").map_or_else(|| format!("{method} {path}"), str::to_owned);
            let (success, errors) = answers(&doc, &mut maker, op, &at_ptr, bodies, &mut report);
            let request = at(op, "requestBody").and_then(|body| doc.deref(body)).map(|body| request(&doc, body));
            // What the generator reports of the requirement is the generator's to say.
            let scopes = security.requirement(&doc, op, &at_ptr, &mut Report::default()).scopes;
            let query = parameters(&doc, item, op, &at_ptr)
                .into_iter()
                .filter(|(param, _)| str_at(param, "in") == Some("query"))
                .filter_map(|(param, _)| {
                    Some(QueryParam {
                        name: str_at(param, "name")?.to_owned(),
                        required: flag(param, "required"),
                        style: query_style(str_at(param, "style"), at(param, "explode").and_then(Value::as_bool)),
                        object: at(param, "schema").is_some_and(|schema| object_schema(&doc, schema)),
                    })
                })
                .collect();
            routes.push(Route { operation, method, path: path.to_owned(), success, errors, request, scopes, query });
        }
    }
    Ok(Routes { routes, report })
}

const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// A declared request body: its media types and, for the multipart one the generator sends,
/// the parts.
fn request(doc: &Doc, body: &Value) -> RequestBody {
    let content_types = entries(body, "content").map(|(k, _)| k.to_owned()).collect();
    let parts = match body::chosen(body) {
        Some((_, body::Media::Multipart, media)) => at(media, "schema")
            .and_then(|schema| body::form_properties(doc, schema))
            .unwrap_or_default()
            .into_iter()
            .map(|(name, prop, required)| {
                let items_are_files =
                    doc.deref(prop).and_then(|p| at(p, "items")).is_some_and(|i| body::is_file(doc, i));
                DeclaredPart { name: name.to_owned(), required, file: body::is_file(doc, prop) || items_are_files }
            })
            .collect(),
        _ => Vec::new(),
    };
    RequestBody { required: crate::openapi::doc::flag(body, "required"), content_types, parts }
}

/// The success answer (the first 2xx, as the generator reads it) and the error answers.
fn answers<'d>(
    doc: &'d Doc,
    maker: &mut value::Maker<'d>,
    op: &'d Value,
    at_ptr: &str,
    bodies: Bodies,
    report: &mut Report,
) -> (Answer, Vec<Answer>) {
    let declared: Vec<(String, &Value)> = at(op, "responses")
        .and_then(Value::as_mapping)
        .into_iter()
        .flatten()
        .filter_map(|(k, v)| Some((key_text(k)?, v)))
        .collect();
    let mut success = None;
    let mut errors = Vec::new();
    for (code, response) in &declared {
        let ptr = format!("{at_ptr}/responses/{}", pointer_segment(code));
        let Some(response) = doc.deref(response) else {
            report.note(&ptr, "a response that leads nowhere", "left out");
            continue;
        };
        let status = match code.to_ascii_uppercase().as_str() {
            "DEFAULT" => 500,
            range if range.len() == 3 && range.ends_with("XX") => match range[..1].parse::<u16>() {
                Ok(n) => n * 100,
                Err(_) => continue,
            },
            exact => match exact.parse::<u16>() {
                Ok(n) if (100..=999).contains(&n) => n,
                _ => continue,
            },
        };
        let is_error = status >= 400 || code == "default";
        if (200..300).contains(&status) && success.is_none() {
            success = Some(answer(doc, maker, response, status, code, bodies, &ptr, report));
        } else if is_error {
            errors.push(answer(doc, maker, response, status, code, bodies, &ptr, report));
        }
    }
    let success = success.unwrap_or_else(|| {
        report.note(format!("{at_ptr}/responses"), "no 2xx answer", "answered 204 without a body");
        Answer { status: 204, declared: "204".to_owned(), content_type: None, body: None, source: Source::Empty }
    });
    (success, errors)
}

/// One answer: the JSON media type (else the first), its example or a value of its schema.
#[allow(clippy::too_many_arguments)]
fn answer<'d>(
    doc: &'d Doc,
    maker: &mut value::Maker<'d>,
    response: &'d Value,
    status: u16,
    code: &str,
    bodies: Bodies,
    ptr: &str,
    report: &mut Report,
) -> Answer {
    let content: Vec<(&str, &Value)> = entries(response, "content").collect();
    let chosen = content.iter().find(|(k, _)| is_json(k)).or(content.first());
    let declared = code.to_owned();
    let Some(&(content_type, media)) = chosen else {
        return Answer { status, declared, content_type: None, body: None, source: Source::Empty };
    };
    let json = is_json(content_type);
    let example = (bodies == Bodies::Examples).then(|| value::media_example(doc, media)).flatten();
    let (body, source) = match (example, at(media, "schema")) {
        (Some(example), _) => (example, Source::Example),
        (None, Some(schema)) => (maker.value(schema), Source::Schema),
        (None, None) if json => {
            report.note(ptr, "a JSON answer without a schema or an example", "answered `{}`");
            (Json::Object(serde_json::Map::new()), Source::Schema)
        }
        (None, None) => (Json::String(String::new()), Source::Schema),
    };
    // A text or binary body is sent as a string's bytes.
    let body = match body {
        Json::String(_) => body,
        other if !json => Json::String(other.to_string()),
        other => other,
    };
    Answer { status, declared, content_type: Some(content_type.to_owned()), body: Some(body), source }
}

/// `application/json`, `application/json; charset=utf-8`, `application/problem+json`.
fn is_json(content_type: &str) -> bool {
    let k = content_type.to_ascii_lowercase();
    let essence = k.split(';').next().unwrap_or_default().trim();
    essence == "application/json" || essence.ends_with("+json") || essence == "text/json"
}
