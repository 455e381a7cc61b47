//! Paths and methods into operations: parameters into arguments, the request body into the
//! body argument (`body`), the first 2xx answer into the success type and the declared error
//! answers into the error type.
//!
//! Required parameters are arguments in the document's order; optional query parameters of a
//! scalar type are fields of one `{Operation}Query` struct (passed as `#[query(flatten)]`,
//! `Default` for "none of them"), so that a call reads `client.list(&Default::default())`
//! rather than six `None`s. Optional list parameters stay arguments (`Option<&[T]>`): a form
//! query of a struct cannot hold a list.

use serde_yaml_ng::Value;

use super::{
    Selection,
    body::Body,
    doc::{Doc, at, doc_lines, entries, flag, items, key_text, str_at},
    params::{object_schema, parameters, query_style},
    schema::{Place, Types},
    security::{Requirement, Security},
};
use crate::{
    ir::{Arg, ArgKind, Field, Method, Operation, QueryStyle, Success, TypeDef, TypeKind, TypeRef},
    names::{Unique, pascal, snake, unraw},
    report::pointer_segment,
};

const METHODS: &[(&str, Method)] = &[
    ("get", Method::Get),
    ("put", Method::Put),
    ("post", Method::Post),
    ("delete", Method::Delete),
    ("patch", Method::Patch),
    ("head", Method::Head),
];

/// Headers the runtime or reqwest set: a document's parameter for one is left out.
const OWN_HEADERS: &[&str] = &["authorization", "content-type", "accept", "content-length", "user-agent"];

/// Every selected operation of the document, with what it needs of the OAuth2 schemes.
pub(crate) fn operations(
    doc: &Doc,
    select: &Selection,
    types: &mut Types<'_>,
    security: &mut Security,
    reserved: &[&str],
) -> Vec<(Operation, Requirement)> {
    let mut methods = Unique::with_reserved(reserved.iter().copied());
    let mut ops = Vec::new();
    for (path, item) in entries(&doc.root, "paths") {
        let Some(item) = doc.deref(item) else { continue };
        let path_ptr = format!("#/paths/{}", pointer_segment(path));
        for (key, value) in item.as_mapping().into_iter().flatten() {
            let Some(key) = key.as_str() else { continue };
            let at_ptr = format!("{path_ptr}/{key}");
            let Some(&(_, method)) = METHODS.iter().find(|(m, _)| *m == key) else {
                if matches!(key, "options" | "trace") {
                    types.report.note(
                        &at_ptr,
                        format!("the {} method", key.to_uppercase()),
                        "the operation is left out",
                    );
                }
                continue;
            };
            let op_id = str_at(value, "operationId");
            let tags: Vec<&str> = items(value, "tags").filter_map(Value::as_str).collect();
            if !select.admits(path, op_id, &tags) {
                continue;
            }
            let input = Input { path, item, op: value, method, at: &at_ptr };
            if let Some(mut op) = operation(doc, types, &mut methods, input) {
                let requirement = security.requirement(doc, value, &at_ptr, &mut types.report);
                if !requirement.scopes.is_empty() {
                    let listed: Vec<String> = requirement.scopes.iter().map(|s| format!("`{s}`")).collect();
                    op.docs.push(String::new());
                    op.docs.push(format!("Scopes: {}.", listed.join(", ")));
                }
                op.scopes = requirement.scopes.clone();
                ops.push((op, requirement));
            }
        }
    }
    ops
}

struct Input<'a> {
    path: &'a str,
    item: &'a Value,
    op: &'a Value,
    method: Method,
    at: &'a str,
}

fn operation(doc: &Doc, types: &mut Types<'_>, methods: &mut Unique, input: Input<'_>) -> Option<Operation> {
    let Input { path, item, op, method, at: at_ptr } = input;
    let op_id = str_at(op, "operationId");
    let base = op_id.map_or_else(|| format!("{} {path}", method.attr()), str::to_owned);
    let ident = methods.claim(snake(&base));
    let type_base = pascal(&base);
    let mut docs = Vec::new();
    if let Some(summary) = str_at(op, "summary") {
        docs.extend(doc_lines(summary));
    }
    if let Some(description) = str_at(op, "description") {
        if !docs.is_empty() {
            docs.push(String::new());
        }
        docs.extend(doc_lines(description));
    }
    if docs.is_empty() {
        docs.push(format!("`{} {path}`.", method.attr().to_uppercase()));
    }
    if flag(op, "deprecated") {
        docs.push(String::new());
        docs.push("Deprecated in the document.".to_owned());
    }

    let mut args = Vec::new();
    let mut arg_names = Unique::with_reserved(["query", "body"]);
    let mut optional_query = Vec::new();
    // Path parameters in style `label` or `matrix`: the text before each value.
    let mut path_prefixes: Vec<(String, String)> = Vec::new();
    for (param, param_ptr) in parameters(doc, item, op, at_ptr) {
        let Some(name) = str_at(param, "name") else { continue };
        let location = str_at(param, "in").unwrap_or_default();
        let required = flag(param, "required") || location == "path";
        let schema = at(param, "schema").cloned().unwrap_or(Value::Null);
        let explode = at(param, "explode").and_then(Value::as_bool);
        let style = str_at(param, "style");
        let hint = format!("{type_base} {name}");
        match location {
            "path" => {
                let ty = match types.type_of(&schema, &hint, &param_ptr, Place::Other) {
                    TypeRef::I32 => TypeRef::I32,
                    TypeRef::I64 => TypeRef::I64,
                    TypeRef::String => TypeRef::Str,
                    _ => {
                        types.report.note(
                            &param_ptr,
                            "a path parameter that is not a string or an integer",
                            "taken as `&str`",
                        );
                        TypeRef::Str
                    }
                };
                match style {
                    None | Some("simple") => {}
                    // A value's prefix, written into the template: a string or an integer has
                    // no other part that differs by style.
                    Some("label") => path_prefixes.push((name.to_owned(), ".".to_owned())),
                    Some("matrix") => path_prefixes.push((name.to_owned(), format!(";{name}="))),
                    Some(other) => types.report.note(
                        &param_ptr,
                        format!("path parameter `{name}` in style `{other}`"),
                        "sent in style `simple`",
                    ),
                }
                let ident = arg_names.claim(snake(name));
                args.push(Arg { ident, wire: name.to_owned(), kind: ArgKind::Path, ty });
            }
            "query" => {
                let Some(query_style) = query_style(style, explode) else {
                    types.report.note(
                        &param_ptr,
                        format!("query parameter `{name}` in style `{}`", style.unwrap_or_default()),
                        "taken as one `&str`, written by the caller",
                    );
                    let ty = if required { TypeRef::Str } else { TypeRef::Option(Box::new(TypeRef::Str)) };
                    let ident = arg_names.claim(snake(name));
                    args.push(Arg { ident, wire: name.to_owned(), kind: ArgKind::Query(QueryStyle::Repeated), ty });
                    continue;
                };
                if query_style != QueryStyle::Repeated {
                    // A styled value is one argument of its own: the optional parameters'
                    // struct is sent as plain pairs.
                    let (ty, query_style) = match types.type_of(&schema, &hint, &param_ptr, Place::Other) {
                        ty if styled_fits(&ty, query_style) => (argument(ty), query_style),
                        _ => {
                            types.report.note(
                                &param_ptr,
                                format!(
                                    "query parameter `{name}` (style {}) with a schema that style has no form for",
                                    query_style.openapi()
                                ),
                                "taken as one `&str`, written by the caller",
                            );
                            (TypeRef::Str, QueryStyle::Repeated)
                        }
                    };
                    let ty = if required { ty } else { TypeRef::Option(Box::new(ty)) };
                    let ident = arg_names.claim(snake(name));
                    args.push(Arg { ident, wire: name.to_owned(), kind: ArgKind::Query(query_style), ty });
                    continue;
                }
                let ty = types.type_of(&schema, &hint, &param_ptr, Place::Other);
                if object_schema(doc, &schema) || matches!(ty, TypeRef::Map(_)) {
                    // An object in style `form`, exploded: its fields are the pairs, under their
                    // own names, as `#[query(flatten)]` sends them.
                    let ty = argument(ty);
                    let ty = if required { ty } else { TypeRef::Option(Box::new(ty)) };
                    let ident = arg_names.claim(snake(name));
                    args.push(Arg { ident, wire: name.to_owned(), kind: ArgKind::QueryFlatten, ty });
                    continue;
                }
                match (required, ty) {
                    (true, ty) => args.push(Arg {
                        ident: arg_names.claim(snake(name)),
                        wire: name.to_owned(),
                        kind: ArgKind::Query(QueryStyle::Repeated),
                        ty: argument(ty),
                    }),
                    (false, TypeRef::Vec(inner)) => args.push(Arg {
                        ident: arg_names.claim(snake(name)),
                        wire: name.to_owned(),
                        kind: ArgKind::Query(QueryStyle::Repeated),
                        ty: TypeRef::Option(Box::new(TypeRef::Slice(inner))),
                    }),
                    (false, ty) => {
                        let mut docs =
                            at(param, "description").and_then(Value::as_str).map(doc_lines).unwrap_or_default();
                        if docs.is_empty() {
                            docs.push(format!("`{name}`."));
                        }
                        optional_query.push(Field {
                            ident: String::new(),
                            wire: name.to_owned(),
                            ty: ty.optional(),
                            required: false,
                            docs,
                        });
                    }
                }
            }
            "header" => {
                if OWN_HEADERS.contains(&name.to_ascii_lowercase().as_str()) {
                    types.report.note(
                        &param_ptr,
                        format!("header parameter `{name}`"),
                        "left out: the client sets this header itself",
                    );
                    continue;
                }
                let ty = header_type(doc, &schema, name, &param_ptr, types);
                let ty = if required { ty } else { TypeRef::Option(Box::new(ty)) };
                args.push(Arg {
                    ident: arg_names.claim(snake(name)),
                    wire: name.to_owned(),
                    kind: ArgKind::Header,
                    ty,
                });
            }
            "cookie" => {
                types.report.note(
                    &param_ptr,
                    format!("cookie parameter `{name}`"),
                    "left out: cookies are not sent by typed operations",
                );
            }
            other => types.report.note(&param_ptr, format!("a parameter in `{other}`"), "left out"),
        }
    }
    if !optional_query.is_empty() {
        let name = types.claim(&format!("{type_base} query"));
        let mut idents = Unique::default();
        for field in &mut optional_query {
            field.ident = idents.claim(snake(&field.wire));
        }
        types.push(TypeDef {
            name: name.clone(),
            docs: vec![format!("The optional query parameters of `{ident}`: `Default` sends none.")],
            kind: TypeKind::Struct { fields: optional_query, additional: None },
        });
        args.push(Arg {
            ident: "query".to_owned(),
            wire: "query".to_owned(),
            kind: ArgKind::QueryFlatten,
            ty: TypeRef::Ref(Box::new(TypeRef::Named(name))),
        });
    }

    if let Some(body) = at(op, "requestBody") {
        let at_ptr = format!("{at_ptr}/requestBody");
        let body = Body { doc, body: doc.deref(body)?, at_ptr: &at_ptr, type_base: &type_base, op: &ident };
        args.push(body.argument(types)?);
    }

    // A server of the operation's own (GitHub's uploads host): the trait has one base URL.
    let servers: Vec<&str> =
        items(op, "servers").chain(items(item, "servers")).filter_map(|s| str_at(s, "url")).collect();
    if let Some(server) = servers.first() {
        types.report.note(
            at_ptr,
            format!("the operation's own server `{server}`"),
            "called at the client's base URL: call it through a client whose base URL is that server",
        );
    }

    let (success, error) = responses(doc, types, op, at_ptr, &type_base);
    let trace_name = op_id.filter(|id| *id != ident).map(str::to_owned);
    // A placeholder that is not a Rust identifier (`{enterprise-team}`) cannot be bound by
    // name: the template names the argument instead (the value is substituted either way).
    let mut template = path.to_owned();
    for (wire, prefix) in &path_prefixes {
        template = template.replace(&format!("{{{wire}}}"), &format!("{prefix}{{{wire}}}"));
    }
    for arg in args.iter_mut().filter(|a| a.kind == ArgKind::Path && !is_identifier(&a.wire)) {
        let name = unraw(&arg.ident).to_owned();
        template = template.replace(&format!("{{{}}}", arg.wire), &format!("{{{name}}}"));
        arg.wire = name;
    }
    Some(Operation { ident, trace_name, docs, method, path: template, args, success, error, scopes: Vec::new() })
}

/// A header parameter's argument type: an integer as one (a header value is made of it), any
/// other value as the text the caller writes, a list or an object reported, since its `simple`
/// style (`a,b`) is then the caller's to write.
fn header_type(doc: &Doc, schema: &Value, name: &str, at_ptr: &str, types: &mut Types<'_>) -> TypeRef {
    let schema = doc.deref(schema).unwrap_or(schema);
    match str_at(schema, "type") {
        Some("integer") if str_at(schema, "format") == Some("int32") => TypeRef::I32,
        Some("integer") => TypeRef::I64,
        Some(kind @ ("array" | "object")) => {
            let what = if kind == "array" { "a list" } else { "an object" };
            types.report.note(
                at_ptr,
                format!("header parameter `{name}` is {what}"),
                "taken as one `&str`, its values joined by the caller (style simple: `a,b`)",
            );
            TypeRef::Str
        }
        _ => TypeRef::Str,
    }
}

/// Whether `style` has a form for values of `ty`, as far as the type shows: a joined style
/// joins plain values, `deepObject` writes an object (a struct's fields are the runtime's to
/// check, and it refuses, unsent, what it cannot write).
fn styled_fits(ty: &TypeRef, style: QueryStyle) -> bool {
    match (style, ty) {
        (QueryStyle::DeepObject, TypeRef::Named(_) | TypeRef::Map(_) | TypeRef::Value) => true,
        (QueryStyle::DeepObject, _) => false,
        (_, TypeRef::Vec(inner)) => !matches!(**inner, TypeRef::Vec(_) | TypeRef::Map(_) | TypeRef::Value),
        _ => true,
    }
}

/// Whether `name` can be written as a Rust identifier.
fn is_identifier(name: &str) -> bool {
    name.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// An argument's type: borrowed where a value would be owned.
fn argument(ty: TypeRef) -> TypeRef {
    match ty {
        TypeRef::String => TypeRef::Str,
        TypeRef::Vec(inner) => TypeRef::Slice(inner),
        TypeRef::Named(name) => TypeRef::Ref(Box::new(TypeRef::Named(name))),
        TypeRef::Map(inner) => TypeRef::Ref(Box::new(TypeRef::Map(inner))),
        other => other,
    }
}

/// The success type (the first 2xx answer's), and the error type (the declared error answers'
/// JSON body, when they share one).
fn responses(
    doc: &Doc,
    types: &mut Types<'_>,
    op: &Value,
    at_ptr: &str,
    type_base: &str,
) -> (Success, Option<TypeRef>) {
    let responses: Vec<(String, &Value)> = at(op, "responses")
        .and_then(Value::as_mapping)
        .into_iter()
        .flatten()
        .filter_map(|(k, v)| Some((key_text(k)?, doc.deref(v)?)))
        .collect();
    let success_ptr = |code: &str| format!("{at_ptr}/responses/{}", pointer_segment(code));
    let success = responses.iter().find(|(code, _)| code.starts_with('2') || code == "2XX");
    let success = match success {
        None => Success::Empty,
        Some((code, response)) => {
            let content: Vec<(&str, &Value)> = entries(response, "content").collect();
            let json = content.iter().find(|(k, _)| {
                let k = k.to_ascii_lowercase();
                k.starts_with("application/json") || k.contains("+json")
            });
            match (json, content.first()) {
                (Some((_, media)), _) => match at(media, "schema") {
                    Some(schema) => Success::Json(types.type_of(
                        schema,
                        &format!("{type_base} response"),
                        &success_ptr(code),
                        Place::Other,
                    )),
                    None => Success::Json(TypeRef::Value),
                },
                (None, Some((k, _))) if k.starts_with("text/") => Success::Text,
                (None, Some(_)) => Success::Bytes,
                (None, None) => Success::Empty,
            }
        }
    };
    // The error answers' schemas, to tell whether they share one shape.
    let mut shapes: Vec<&Value> = Vec::new();
    let mut error = None;
    for (code, response) in &responses {
        if !(code.starts_with('4') || code.starts_with('5') || code == "default") {
            continue;
        }
        let Some(schema) = entries(response, "content")
            .find(|(k, _)| k.to_ascii_lowercase().contains("json"))
            .and_then(|(_, media)| at(media, "schema"))
        else {
            continue;
        };
        if error.is_none() {
            error = Some(types.type_of(schema, &format!("{type_base} error"), &success_ptr(code), Place::Other));
        }
        if !shapes.contains(&schema) {
            shapes.push(schema);
        }
    }
    if shapes.len() > 1 {
        types.report.note(
            format!("{at_ptr}/responses"),
            "error answers of several shapes",
            "the first is the error type; `ApiError::excerpt` holds any other",
        );
    }
    (success, error)
}
