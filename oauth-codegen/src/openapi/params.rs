//! An operation's parameters as the document declares them, read once for the generator and
//! for the simulator's routes: which apply, and how a query parameter is written.

use serde_yaml_ng::Value;

use super::doc::{Doc, at, items, str_at};
use crate::operations::QueryStyle;

/// The path's and the operation's parameters, the operation's replacing the path's of the same
/// name and place, with their JSON pointers.
pub(crate) fn parameters<'a>(doc: &'a Doc, item: &'a Value, op: &'a Value, at_ptr: &str) -> Vec<(&'a Value, String)> {
    let mut out: Vec<(&Value, String)> = Vec::new();
    let path_ptr = at_ptr.rsplit_once('/').map_or(at_ptr, |(p, _)| p).to_owned();
    let all = items(item, "parameters")
        .enumerate()
        .map(|(i, p)| (p, format!("{path_ptr}/parameters/{i}")))
        .chain(items(op, "parameters").enumerate().map(|(i, p)| (p, format!("{at_ptr}/parameters/{i}"))));
    for (param, ptr) in all {
        let Some(param) = doc.deref(param) else { continue };
        let key = (str_at(param, "name"), str_at(param, "in"));
        out.retain(|(p, _)| (str_at(p, "name"), str_at(p, "in")) != key);
        out.push((param, ptr));
    }
    out
}

/// The runtime's style for a query parameter's `style` and `explode` (OpenAPI's defaults:
/// `form`, exploded; the other styles unexploded); `None` for a style it does not write.
pub(crate) fn query_style(style: Option<&str>, explode: Option<bool>) -> Option<QueryStyle> {
    Some(match (style.unwrap_or("form"), explode) {
        ("form", None | Some(true)) => QueryStyle::Repeated,
        ("form", Some(false)) => QueryStyle::Comma,
        // Exploded, the delimited styles are `form`'s pairs (OpenAPI 3.1.1's table).
        ("spaceDelimited" | "pipeDelimited", Some(true)) => QueryStyle::Repeated,
        ("spaceDelimited", _) => QueryStyle::Space,
        ("pipeDelimited", _) => QueryStyle::Pipe,
        ("deepObject", _) => QueryStyle::DeepObject,
        _ => return None,
    })
}

/// Whether a parameter's schema is an object (its fields the pairs in style `form`, exploded).
pub(crate) fn object_schema(doc: &Doc, schema: &Value) -> bool {
    let schema = doc.deref(schema).unwrap_or(schema);
    str_at(schema, "type") == Some("object")
        || ["properties", "additionalProperties", "allOf"].iter().any(|key| at(schema, key).is_some())
}
