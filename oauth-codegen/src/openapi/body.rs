//! A request body into the operation's body argument: JSON (`#[json]`), a URL-encoded form
//! (`#[form]`), `multipart/form-data` (`#[multipart]`: a struct of its parts when the schema
//! declares them, else a `Multipart` the caller fills), and any other media type as bytes sent
//! as they are (`#[body("..")]`: `Vec<u8>`, or `&str` for text).
//!
//! One media type is chosen where a body declares several, in that order: JSON, the
//! URL-encoded form, multipart, then the first other one. The simulator's routes
//! ([`sample`](crate::sample)) read the same media types to check what they receive.

use serde_yaml_ng::Value;

use super::{
    doc::{Doc, at, entries, items, str_at},
    schema::{Place, Types, is_nullable, schema_docs},
};
use crate::{
    ir::{Arg, ArgKind, Field, TypeDef, TypeKind, TypeRef},
    names::{Unique, snake},
    report::pointer_segment,
};

/// How a body of one media type is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Media {
    Json,
    /// `application/x-www-form-urlencoded`.
    Form,
    /// `multipart/form-data`.
    Multipart,
    /// Anything else, sent as bytes.
    Bytes,
}

impl Media {
    /// How a body of `media_type` (a `content` key) is sent.
    pub(crate) fn of(media_type: &str) -> Media {
        let lower = media_type.to_ascii_lowercase();
        let essence = lower.split(';').next().unwrap_or_default().trim();
        if essence == "application/json" || essence.ends_with("+json") {
            Media::Json
        } else if essence == "application/x-www-form-urlencoded" {
            Media::Form
        } else if essence == "multipart/form-data" {
            Media::Multipart
        } else {
            Media::Bytes
        }
    }
}

/// The media type a body is sent as, with its media type object: JSON first, then a form,
/// multipart, and the first other one.
pub(crate) fn chosen(body: &Value) -> Option<(&str, Media, &Value)> {
    let content: Vec<(&str, Media, &Value)> = entries(body, "content").map(|(k, v)| (k, Media::of(k), v)).collect();
    [Media::Json, Media::Form, Media::Multipart, Media::Bytes]
        .into_iter()
        .find_map(|want| content.iter().find(|(_, media, _)| *media == want).copied())
}

/// Whether a property is a file: `format: binary` (3.0), or a 3.1 `contentMediaType` without
/// a `contentEncoding` (which would make it text).
pub(crate) fn is_file(doc: &Doc, schema: &Value) -> bool {
    let Some(schema) = doc.deref(schema) else { return false };
    str_at(schema, "format") == Some("binary")
        || (str_at(schema, "contentMediaType").is_some() && str_at(schema, "contentEncoding").is_none())
}

/// The properties of a multipart body's object schema (its `$ref` followed), with whether each
/// is required; `None` when it declares none.
pub(crate) fn form_properties<'d>(doc: &'d Doc, schema: &'d Value) -> Option<Vec<(&'d str, &'d Value, bool)>> {
    let schema = doc.deref(schema)?;
    let required: Vec<&str> = items(schema, "required").filter_map(Value::as_str).collect();
    let properties: Vec<(&str, &Value, bool)> =
        entries(schema, "properties").map(|(name, prop)| (name, prop, required.contains(&name))).collect();
    (!properties.is_empty()).then_some(properties)
}

/// What an operation's body makes.
pub(super) struct Body<'a> {
    pub doc: &'a Doc,
    /// The `requestBody`, its `$ref` followed.
    pub body: &'a Value,
    pub at_ptr: &'a str,
    /// The operation's type name base (`UploadImage`), for the types the body needs.
    pub type_base: &'a str,
    /// The operation's method name, for documentation.
    pub op: &'a str,
}

impl Body<'_> {
    /// The body argument; `None` (reported) for a body that declares no content.
    pub(super) fn argument(&self, types: &mut Types<'_>) -> Option<Arg> {
        let Some((media_type, media, media_object)) = chosen(self.body) else {
            types.report.note(self.at_ptr, "a request body without content", "the operation is left out");
            return None;
        };
        let content_ptr = format!("{}/content/{}", self.at_ptr, pointer_segment(media_type));
        let schema = at(media_object, "schema").cloned().unwrap_or(Value::Null);
        let arg = |kind, ty| Arg { ident: "body".to_owned(), wire: "body".to_owned(), kind, ty };
        let hint = format!("{} request", self.type_base);
        match media {
            Media::Json | Media::Form => {
                let ty = match types.type_of(&schema, &hint, &format!("{}/content", self.at_ptr), Place::Other) {
                    TypeRef::Vec(inner) => TypeRef::Slice(inner),
                    other => TypeRef::Ref(Box::new(other)),
                };
                Some(arg(if media == Media::Json { ArgKind::Json } else { ArgKind::Form }, ty))
            }
            Media::Multipart => {
                let ty = self.form(types, &schema, media_object, &content_ptr);
                Some(arg(ArgKind::Multipart, TypeRef::Ref(Box::new(ty))))
            }
            Media::Bytes => {
                let content_type = sendable(media_type).unwrap_or_else(|| {
                    types.report.note(
                        &content_ptr,
                        format!("the request media type `{media_type}`, which is a range or no media type"),
                        "sent as `application/octet-stream`",
                    );
                    "application/octet-stream".to_owned()
                });
                let text = content_type.to_ascii_lowercase().starts_with("text/")
                    && self.doc.deref(&schema).is_some_and(|s| str_at(s, "type") == Some("string"))
                    && !is_file(self.doc, &schema);
                Some(arg(ArgKind::Bytes { content_type }, if text { TypeRef::Str } else { TypeRef::Bytes }))
            }
        }
    }

    /// A multipart body's type: a struct of the parts its schema declares, or a `Multipart`
    /// the caller fills.
    fn form(&self, types: &mut Types<'_>, schema: &Value, media_object: &Value, content_ptr: &str) -> TypeRef {
        let Some(properties) = form_properties(self.doc, schema) else {
            types.report.note(
                content_ptr,
                "a multipart/form-data body that declares no parts",
                "the argument is an `oauth_runtime::Multipart` the caller fills",
            );
            return TypeRef::Multipart;
        };
        let name = types.claim(&format!("{} request", self.type_base));
        let mut idents = Unique::default();
        let mut fields = Vec::new();
        let schema_ptr = format!("{content_ptr}/schema");
        for (wire, prop, required) in properties {
            let ptr = format!("{schema_ptr}/properties/{}", pointer_segment(wire));
            let files = self.doc.deref(prop).and_then(|p| at(p, "items")).is_some_and(|item| is_file(self.doc, item));
            let (ty, file) = if is_file(self.doc, prop) {
                (TypeRef::File, true)
            } else if files {
                (TypeRef::Vec(Box::new(TypeRef::File)), true)
            } else {
                // Dates stay strings: a part is text, which `Multipart::field` writes from JSON.
                (types.type_of(prop, &format!("{name} {wire}"), &ptr, Place::Other), false)
            };
            let nullable = self.doc.deref(prop).is_some_and(|p| is_nullable(self.doc, p));
            let ty = if required && !nullable { ty } else { ty.optional() };
            let mut docs = self.doc.deref(prop).map(schema_docs).unwrap_or_default();
            if docs.is_empty() {
                docs.push(format!("`{wire}`."));
            }
            if file {
                docs.push(String::new());
                let asked = at(media_object, "encoding")
                    .and_then(|e| at(e, wire))
                    .and_then(|e| str_at(e, "contentType"))
                    .map(|c| format!(" (the document names `{c}`)"))
                    .unwrap_or_default();
                docs.push(format!(
                    "A file: `FilePart::new(file_name, bytes)`, sent with the content type you give it{asked}, \
                     else `application/octet-stream`."
                ));
            }
            fields.push(Field { ident: idents.claim(snake(wire)), wire: wire.to_owned(), ty, required, docs });
        }
        let mut docs = self.doc.deref(schema).map(schema_docs).unwrap_or_default();
        if !docs.is_empty() {
            docs.push(String::new());
        }
        docs.push(format!("The `multipart/form-data` body of `{}`: each field is a part.", self.op));
        types.push(TypeDef { name: name.clone(), docs, kind: TypeKind::Form { fields } });
        TypeRef::Named(name)
    }
}

/// `media_type` as a body's `Content-Type`, if it is a media type one can send: `type/subtype`
/// in token characters (no `*` range), parameters in visible ASCII.
fn sendable(media_type: &str) -> Option<String> {
    let token = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "!#$%&'+-.^_`|~".contains(c));
    let (essence, params) = media_type.split_once(';').unwrap_or((media_type, ""));
    let (kind, subtype) = essence.trim().split_once('/')?;
    let visible = params.chars().all(|c| c == '\t' || (' '..='~').contains(&c));
    (token(kind) && token(subtype) && visible).then(|| media_type.trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_types_sort_into_how_they_are_sent() {
        assert_eq!(Media::of("application/json; charset=utf-8"), Media::Json);
        assert_eq!(Media::of("application/vnd.github+json"), Media::Json);
        assert_eq!(Media::of("Application/X-WWW-Form-Urlencoded"), Media::Form);
        assert_eq!(Media::of("multipart/form-data"), Media::Multipart);
        for bytes in ["application/octet-stream", "image/png", "text/plain", "multipart/mixed", "*/*"] {
            assert_eq!(Media::of(bytes), Media::Bytes, "{bytes}");
        }
    }

    #[test]
    fn only_media_types_one_can_send_are_kept() {
        assert_eq!(sendable("image/png").as_deref(), Some("image/png"));
        assert_eq!(sendable(" text/plain; charset=utf-8").as_deref(), Some("text/plain; charset=utf-8"));
        for range in ["*/*", "image/*", "png", "image/", "a b/c", "text/plain; x=\u{e9}"] {
            assert_eq!(sendable(range), None, "{range}");
        }
    }
}
