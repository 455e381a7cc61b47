//! Schemas into types: a named type for each object, enum and union, the rest inline.
//!
//! Types are made on demand, from the operations that use them: a subset of a large document
//! generates only what its operations reach. A `$ref`'d schema becomes one named type however
//! often it is used (its name is claimed before its body is read, so recursion ends); inline
//! schemas are named after where they stand (`ReposCreateRequest`, `IssueLabelsItem`).

use std::collections::{BTreeMap, BTreeSet};

use serde_yaml_ng::Value;

use super::doc::{Doc, at, doc_lines, entries, flag, items, str_at};
use crate::{
    ir::{Field, TypeDef, TypeKind, TypeRef, UnionVariant},
    names::{Unique, pascal, snake},
    report::Report,
};

/// Where a type stands: only a struct's field can hold a date or time (serde reads them with
/// `time`'s helpers, given per field); anywhere else they are strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Place {
    Field,
    Other,
}

/// The types made so far.
pub(crate) struct Types<'d> {
    doc: &'d Doc,
    defs: Vec<Option<TypeDef>>,
    /// `$ref` to the index of its definition.
    by_ref: BTreeMap<String, usize>,
    names: Unique,
    /// How deep `type_of` is (named types nest too: 200 allows long chains of them): a list of itself (`A: {items: {$ref: A}}`) has no named type to
    /// stop at.
    depth: usize,
    pub report: Report,
}

impl<'d> Types<'d> {
    pub(crate) fn new(doc: &'d Doc, reserved: &[&str]) -> Types<'d> {
        Types {
            doc,
            defs: Vec::new(),
            by_ref: BTreeMap::new(),
            names: Unique::with_reserved(reserved.iter().copied()),
            depth: 0,
            report: Report::default(),
        }
    }

    /// The definitions, recursive fields boxed.
    pub(crate) fn finish(self) -> (Vec<TypeDef>, Report) {
        let mut defs: Vec<TypeDef> = self.defs.into_iter().flatten().collect();
        box_cycles(&mut defs);
        (defs, self.report)
    }

    /// Claims a type name (for a type made elsewhere, a query struct, say).
    pub(crate) fn claim(&mut self, name: &str) -> String {
        self.names.claim(pascal(name))
    }

    /// Adds a definition made elsewhere.
    pub(crate) fn push(&mut self, def: TypeDef) {
        self.defs.push(Some(def));
    }

    /// The type of `schema`, named `hint` if it needs a name; `at` is its JSON pointer.
    pub(crate) fn type_of(&mut self, schema: &Value, hint: &str, at_ptr: &str, place: Place) -> TypeRef {
        if self.depth > 200 {
            self.report.note(
                at_ptr,
                "a schema nested more than 200 levels deep",
                "typed as any JSON (`serde_json::Value`)",
            );
            return TypeRef::Value;
        }
        self.depth += 1;
        let ty = if let Some(reference) = str_at(schema, "$ref") {
            self.referenced(reference, at_ptr, place)
        } else {
            let (ty, nullable) = self.inline(schema, hint, at_ptr, place);
            if nullable { ty.optional() } else { ty }
        };
        self.depth -= 1;
        ty
    }

    /// A `$ref`: its named type, made the first time; a schema that needs no name (a string, a
    /// list) is used in place.
    fn referenced(&mut self, reference: &str, at_ptr: &str, place: Place) -> TypeRef {
        if let Some(&index) = self.by_ref.get(reference) {
            return TypeRef::Named(self.name_at(index));
        }
        let Some(target) = self.doc.resolve(reference) else {
            self.report.note(
                at_ptr,
                format!("`$ref: {reference}` points outside the document or nowhere"),
                "typed as any JSON (`serde_json::Value`)",
            );
            return TypeRef::Value;
        };
        let base = reference.rsplit('/').next().unwrap_or("Type");
        if !needs_name(self.doc, target) {
            return self.type_of(target, base, reference, place);
        }
        let name = self.names.claim(pascal(base));
        let index = self.defs.len();
        self.by_ref.insert(reference.to_owned(), index);
        // Claimed before it is read: a schema that refers to itself finds its name.
        self.defs.push(Some(TypeDef { name: name.clone(), docs: Vec::new(), kind: TypeKind::Alias(TypeRef::Value) }));
        let (ty, nullable) = self.inline_named(target, &name, reference);
        match ty {
            TypeRef::Named(made) if made == name => {}
            other => {
                // Not a struct, enum or union after all (an `allOf` of one, say): an alias.
                if let Some(Some(def)) = self.defs.get_mut(index) {
                    def.kind = TypeKind::Alias(other);
                }
            }
        }
        let named = TypeRef::Named(name);
        if nullable { named.optional() } else { named }
    }

    fn name_at(&self, index: usize) -> String {
        self.defs.get(index).and_then(Option::as_ref).map(|d| d.name.clone()).unwrap_or_default()
    }

    /// An inline schema whose name is not claimed yet.
    fn inline(&mut self, schema: &Value, hint: &str, at_ptr: &str, place: Place) -> (TypeRef, bool) {
        if needs_name(self.doc, schema) && !is_single_wrapper(schema) {
            let name = self.names.claim(pascal(hint));
            let index = self.defs.len();
            self.defs.push(Some(TypeDef {
                name: name.clone(),
                docs: Vec::new(),
                kind: TypeKind::Alias(TypeRef::Value),
            }));
            let (ty, nullable) = self.inline_named(schema, &name, at_ptr);
            if !matches!(&ty, TypeRef::Named(n) if *n == name) {
                self.defs[index] = None;
            }
            return (ty, nullable);
        }
        self.plain(schema, hint, at_ptr, place)
    }

    /// A schema that may fill the definition already claimed under `name`.
    fn inline_named(&mut self, schema: &Value, name: &str, at_ptr: &str) -> (TypeRef, bool) {
        let nullable = is_nullable(self.doc, schema);
        let docs = schema_docs(schema);
        let kind = if let Some(variants) = union_parts(schema) {
            match self.union(schema, variants, name, at_ptr) {
                Ok(kind) => kind,
                Err(single) => return (single, nullable),
            }
        } else if at(schema, "allOf").is_some() {
            match self.all_of(schema, name, at_ptr) {
                Ok(kind) => kind,
                Err(single) => return (single, nullable),
            }
        } else if let Some(values) = string_enum(schema) {
            let mut names = Unique::with_reserved(["Unknown"]);
            TypeKind::Enum { variants: values.into_iter().map(|v| (names.claim(pascal(&v)), v)).collect() }
        } else {
            self.object(schema, name, at_ptr)
        };
        self.set(name, docs, kind);
        (TypeRef::Named(name.to_owned()), nullable)
    }

    fn set(&mut self, name: &str, docs: Vec<String>, kind: TypeKind) {
        if let Some(slot) = self.defs.iter_mut().flatten().find(|d| d.name == name) {
            slot.docs = if docs.is_empty() { vec![format!("The `{name}` schema.")] } else { docs };
            slot.kind = kind;
        }
    }

    /// A struct from `properties`, `required` and `additionalProperties`.
    fn object(&mut self, schema: &Value, name: &str, at_ptr: &str) -> TypeKind {
        let (properties, required, additional) = self.collect_object(schema);
        self.struct_kind(name, at_ptr, &properties, &required, additional)
    }

    fn collect_object<'a>(
        &self,
        schema: &'a Value,
    ) -> (Vec<(&'a str, &'a Value)>, BTreeSet<&'a str>, Option<&'a Value>) {
        let properties = entries(schema, "properties").collect();
        let required = items(schema, "required").filter_map(Value::as_str).collect();
        let additional = at(schema, "additionalProperties").filter(|v| !matches!(v, Value::Bool(false)));
        (properties, required, additional)
    }

    fn struct_kind(
        &mut self,
        name: &str,
        at_ptr: &str,
        properties: &[(&str, &Value)],
        required: &BTreeSet<&str>,
        additional: Option<&Value>,
    ) -> TypeKind {
        let mut idents = Unique::with_reserved(["additional_properties"]);
        let mut fields = Vec::new();
        for (wire, prop) in properties {
            let ident = idents.claim(snake(wire));
            let ptr = format!("{at_ptr}/properties/{}", crate::report::pointer_segment(wire));
            let ty = self.type_of(prop, &format!("{name} {wire}"), &ptr, Place::Field);
            let is_required = required.contains(wire);
            let ty = if is_required { ty } else { ty.optional() };
            // The property's own words: a `$ref`'s target describes its type, not this use of it.
            let mut docs = schema_docs(prop);
            if docs.is_empty() {
                docs.push(format!("`{wire}`."));
            }
            fields.push(Field { ident, wire: (*wire).to_owned(), ty, required: is_required, docs });
        }
        let additional = additional.map(|extra| match extra {
            Value::Bool(true) => TypeRef::Value,
            schema if schema.as_mapping().is_some_and(|m| m.is_empty()) => TypeRef::Value,
            schema => {
                self.type_of(schema, &format!("{name} value"), &format!("{at_ptr}/additionalProperties"), Place::Other)
            }
        });
        TypeKind::Struct { fields, additional }
    }

    /// `allOf`: the parts' properties in one struct (a single part is that part's type).
    fn all_of(&mut self, schema: &Value, name: &str, at_ptr: &str) -> Result<TypeKind, TypeRef> {
        let parts: Vec<&Value> = items(schema, "allOf").collect();
        let own = at(schema, "properties").is_some();
        if let ([single], false) = (parts.as_slice(), own) {
            return Err(self.type_of(single, name, &format!("{at_ptr}/allOf/0"), Place::Other));
        }
        let mut properties: Vec<(&str, &Value)> = Vec::new();
        let mut required = BTreeSet::new();
        let mut additional = None;
        let mut stack: Vec<&Value> = parts.into_iter().rev().collect();
        stack.insert(0, schema);
        let mut seen = 0;
        while let Some(part) = stack.pop() {
            seen += 1;
            if seen > 256 {
                break;
            }
            let Some(part) = self.doc.deref(part) else { continue };
            if !std::ptr::eq(part, schema) {
                stack.extend(items(part, "allOf").collect::<Vec<_>>().into_iter().rev());
                if union_parts(part).is_some() {
                    self.report.note(
                        at_ptr,
                        "an `allOf` part is a `oneOf`/`anyOf`",
                        "its alternatives' properties are left out",
                    );
                }
            }
            let (props, req, extra) = self.collect_object(part);
            for (k, v) in props {
                if let Some(slot) = properties.iter_mut().find(|(name, _)| *name == k) {
                    slot.1 = v;
                } else {
                    properties.push((k, v));
                }
            }
            required.extend(req);
            additional = additional.or(extra);
        }
        Ok(self.struct_kind(name, at_ptr, &properties, &required, additional))
    }

    /// `oneOf` / `anyOf`: one alternative left after `null` is that type; more make a union,
    /// tagged when a discriminator names the property.
    fn union(&mut self, schema: &Value, key: &str, name: &str, at_ptr: &str) -> Result<TypeKind, TypeRef> {
        let alternatives: Vec<(usize, &Value)> =
            items(schema, key).enumerate().filter(|(_, v)| !is_null_schema(self.doc, v)).collect();
        if let [(i, single)] = alternatives.as_slice() {
            return Err(self.type_of(single, name, &format!("{at_ptr}/{key}/{i}"), Place::Other));
        }
        if alternatives.is_empty() {
            return Err(TypeRef::Value);
        }
        let tag = at(schema, "discriminator").and_then(|d| str_at(d, "propertyName")).map(str::to_owned);
        let mapping: Vec<(String, String)> = at(schema, "discriminator")
            .map(|d| entries(d, "mapping").filter_map(|(k, v)| Some((k.to_owned(), v.as_str()?.to_owned()))).collect())
            .unwrap_or_default();
        let mut names = Unique::with_reserved(["Unknown"]);
        let mut variants = Vec::new();
        for (i, alternative) in alternatives {
            let reference = str_at(alternative, "$ref");
            let base = reference
                .and_then(|r| r.rsplit('/').next())
                .map(str::to_owned)
                .unwrap_or_else(|| variant_hint(self.doc, alternative).unwrap_or_else(|| format!("variant {}", i + 1)));
            let ty = self.type_of(alternative, &format!("{name} {base}"), &format!("{at_ptr}/{key}/{i}"), Place::Other);
            let tag_value = tag.as_ref().and_then(|_| match reference {
                // A mapping names its schema by `$ref` or by its bare name (`kitty: Cat`).
                Some(r) => mapping
                    .iter()
                    .find(|(_, target)| target == r || r.rsplit('/').next() == Some(target.as_str()))
                    .map(|(k, _)| k.clone())
                    .or_else(|| Some(base.clone())),
                None => None,
            });
            if tag.is_some() && tag_value.is_none() {
                self.report.note(
                    format!("{at_ptr}/{key}/{i}"),
                    "an inline alternative of a union with a discriminator has no tag value",
                    "it is read as the union's `Unknown`",
                );
            }
            variants.push(UnionVariant { name: names.claim(pascal(&base)), tag_value, ty });
        }
        Ok(TypeKind::Union { tag, variants })
    }

    /// A schema that needs no name: a primitive, a list, a map.
    fn plain(&mut self, schema: &Value, hint: &str, at_ptr: &str, place: Place) -> (TypeRef, bool) {
        let nullable = is_nullable(self.doc, schema);
        if let Some(key) = union_parts(schema) {
            // `oneOf: [X, null]`: X, optional.
            let alternatives: Vec<(usize, &Value)> =
                items(schema, key).enumerate().filter(|(_, v)| !is_null_schema(self.doc, v)).collect();
            return match alternatives.as_slice() {
                [(i, single)] => (self.type_of(single, hint, &format!("{at_ptr}/{key}/{i}"), place), nullable),
                _ => (TypeRef::Value, nullable),
            };
        }
        if let Some(parts) = at(schema, "allOf").and_then(Value::as_sequence) {
            if let [single] = parts.as_slice() {
                return (self.type_of(single, hint, &format!("{at_ptr}/allOf/0"), place), nullable);
            }
        }
        let ty = match primary_type(schema).as_deref() {
            Some("string") => match (str_at(schema, "format"), place) {
                (Some("date-time"), Place::Field) => TypeRef::DateTime,
                (Some("date"), Place::Field) => TypeRef::Date,
                _ => TypeRef::String,
            },
            Some("integer") => match str_at(schema, "format") {
                Some("int32") => TypeRef::I32,
                _ => TypeRef::I64,
            },
            Some("number") => TypeRef::F64,
            Some("boolean") => TypeRef::Bool,
            Some("array") => {
                let item = at(schema, "items").cloned().unwrap_or(Value::Null);
                let inner = if item.is_null() {
                    TypeRef::Value
                } else {
                    self.type_of(&item, &format!("{hint} item"), &format!("{at_ptr}/items"), Place::Other)
                };
                TypeRef::Vec(Box::new(inner))
            }
            Some("object") | None
                if at(schema, "additionalProperties")
                    .is_some_and(|a| a.is_mapping() && !a.as_mapping().is_some_and(|m| m.is_empty())) =>
            {
                let extra = at(schema, "additionalProperties").cloned().unwrap_or(Value::Null);
                let inner = self.type_of(
                    &extra,
                    &format!("{hint} value"),
                    &format!("{at_ptr}/additionalProperties"),
                    Place::Other,
                );
                TypeRef::Map(Box::new(inner))
            }
            Some("object") => TypeRef::Map(Box::new(TypeRef::Value)),
            Some("null") => return (TypeRef::Value, true),
            Some(other) if other.contains(',') => {
                self.report.note(
                    at_ptr,
                    format!("a schema of several types ({other})"),
                    "typed as any JSON (`serde_json::Value`)",
                );
                TypeRef::Value
            }
            _ => TypeRef::Value,
        };
        (ty, nullable)
    }
}

/// `oneOf` or `anyOf`, whichever the schema has.
fn union_parts(schema: &Value) -> Option<&'static str> {
    ["oneOf", "anyOf"].into_iter().find(|key| at(schema, key).and_then(Value::as_sequence).is_some())
}

/// Whether a schema becomes a named type: an object with properties, a string enum, a union
/// of more than one non-null alternative, an `allOf` of several parts.
fn needs_name(doc: &Doc, schema: &Value) -> bool {
    if let Some(key) = union_parts(schema) {
        return items(schema, key).filter(|v| !is_null_schema(doc, v)).count() > 1;
    }
    if let Some(parts) = at(schema, "allOf").and_then(Value::as_sequence) {
        return parts.len() > 1
            || at(schema, "properties").is_some()
            || parts.first().is_some_and(|p| needs_name(doc, p));
    }
    string_enum(schema).is_some() || at(schema, "properties").and_then(Value::as_mapping).is_some_and(|m| !m.is_empty())
}

/// An `allOf` of a single `$ref` and nothing else: that type, not a new one.
fn is_single_wrapper(schema: &Value) -> bool {
    at(schema, "properties").is_none()
        && at(schema, "allOf")
            .and_then(Value::as_sequence)
            .is_some_and(|parts| parts.len() == 1 && str_at(&parts[0], "$ref").is_some())
}

/// The schema's type, the first non-null one of a 3.1 type list (`["string", "null"]`); a
/// list of several real types is returned comma-joined.
fn primary_type(schema: &Value) -> Option<String> {
    match at(schema, "type")? {
        Value::String(t) => Some(t.clone()),
        Value::Sequence(types) => {
            let real: Vec<&str> = types.iter().filter_map(Value::as_str).filter(|t| *t != "null").collect();
            match real.as_slice() {
                [] => Some("null".to_owned()),
                [one] => Some((*one).to_owned()),
                many => Some(many.join(",")),
            }
        }
        _ => None,
    }
}

/// 3.0's `nullable: true`, 3.1's `null` in the type list, or a `null` alternative.
pub(crate) fn is_nullable(doc: &Doc, schema: &Value) -> bool {
    if flag(schema, "nullable") {
        return true;
    }
    if let Some(Value::Sequence(types)) = at(schema, "type") {
        if types.iter().any(|t| t.as_str() == Some("null")) {
            return true;
        }
    }
    union_parts(schema).is_some_and(|key| items(schema, key).any(|v| is_null_schema(doc, v)))
}

/// `{type: "null"}` (3.1), or `{nullable: true}` alone or with `enum: [null]` (3.0 idioms).
fn is_null_schema(doc: &Doc, schema: &Value) -> bool {
    let Some(schema) = doc.deref(schema) else { return false };
    if str_at(schema, "type") == Some("null") {
        return true;
    }
    let Some(map) = schema.as_mapping() else { return false };
    let only_nullable = map.keys().all(|k| matches!(k.as_str(), Some("nullable" | "enum" | "description")));
    only_nullable && flag(schema, "nullable")
}

/// The values of a string enum (or a 3.1 string `const`), without a `null`.
fn string_enum(schema: &Value) -> Option<Vec<String>> {
    if primary_type(schema).is_some_and(|t| t != "string") {
        return None;
    }
    let values: Vec<String> = match (at(schema, "enum"), at(schema, "const")) {
        (Some(Value::Sequence(values)), _) => values.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect(),
        _ => return None,
    };
    let mut seen = BTreeSet::new();
    let values: Vec<String> = values.into_iter().filter(|v| seen.insert(v.clone())).collect();
    (!values.is_empty()).then_some(values)
}

/// A variant name for an inline alternative: its title, or its type.
fn variant_hint(doc: &Doc, schema: &Value) -> Option<String> {
    let schema = doc.deref(schema)?;
    if let Some(title) = str_at(schema, "title") {
        return Some(title.to_owned());
    }
    Some(match primary_type(schema)?.as_str() {
        "string" => "text".to_owned(),
        "integer" => "integer".to_owned(),
        "number" => "number".to_owned(),
        "boolean" => "flag".to_owned(),
        "array" => "list".to_owned(),
        "object" => "object".to_owned(),
        other => other.to_owned(),
    })
}

/// Documentation: the title and description.
pub(crate) fn schema_docs(schema: &Value) -> Vec<String> {
    let mut docs = Vec::new();
    if let Some(title) = str_at(schema, "title") {
        docs.extend(doc_lines(title));
    }
    if let Some(description) = str_at(schema, "description") {
        if !docs.is_empty() {
            docs.push(String::new());
        }
        docs.extend(doc_lines(description));
    }
    if flag(schema, "deprecated") {
        docs.push(String::new());
        docs.push("Deprecated in the document.".to_owned());
    }
    docs
}

/// Boxes every field that would make a type contain itself (`Node { parent: Option<Node> }`):
/// a field is boxed when its type reaches back to its struct through fields held by value.
fn box_cycles(defs: &mut [TypeDef]) {
    let edges: BTreeMap<String, Vec<String>> = defs
        .iter()
        .map(|d| {
            let direct: Vec<String> = match &d.kind {
                TypeKind::Struct { fields, .. } => {
                    fields.iter().flat_map(|f| f.ty.direct_names()).map(str::to_owned).collect()
                }
                TypeKind::Union { variants, .. } => {
                    variants.iter().flat_map(|v| v.ty.direct_names()).map(str::to_owned).collect()
                }
                TypeKind::Alias(t) => t.direct_names().into_iter().map(str::to_owned).collect(),
                // No type holds a form: a form is only ever an operation's body.
                TypeKind::Enum { .. } | TypeKind::Form { .. } => Vec::new(),
            };
            (d.name.clone(), direct)
        })
        .collect();
    let reaches = |from: &str, to: &str| {
        let mut stack = vec![from.to_owned()];
        let mut seen = BTreeSet::new();
        while let Some(n) = stack.pop() {
            if n == to {
                return true;
            }
            if seen.insert(n.clone()) {
                stack.extend(edges.get(&n).into_iter().flatten().cloned());
            }
        }
        false
    };
    for def in defs.iter_mut() {
        let me = def.name.clone();
        let wrap = |t: &mut TypeRef| {
            if t.direct_names().iter().any(|n| reaches(n, &me)) {
                *t = boxed(std::mem::replace(t, TypeRef::Value));
            }
        };
        match &mut def.kind {
            TypeKind::Struct { fields, .. } => fields.iter_mut().for_each(|f| wrap(&mut f.ty)),
            TypeKind::Union { variants, .. } => variants.iter_mut().for_each(|v| wrap(&mut v.ty)),
            _ => {}
        }
    }
}

/// `Box<T>` inside the `Option`, where serde's `skip_serializing_if` still sees the `Option`.
fn boxed(t: TypeRef) -> TypeRef {
    match t {
        TypeRef::Option(inner) => TypeRef::Option(Box::new(TypeRef::Boxed(inner))),
        other => TypeRef::Boxed(Box::new(other)),
    }
}
