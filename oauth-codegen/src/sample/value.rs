//! A JSON value for a schema: the declared example where there is one, else one made from the
//! schema, valid against it and the same every time.
//!
//! Made values hold every property (required and optional), one item per list, one entry per
//! map, the first value of an enum and the first alternative of a union (with its
//! discriminator's value). Recursion ends: a schema already being made further up is left out
//! where it may be (an optional property, a list's item, a map's entry, a nullable value), and
//! made at most twice on one path where it must be; past a budget of values per body only
//! what is required is made, so that one body of a large document stays small.

use serde_json::{Map, Number, Value as Json};
use serde_yaml_ng::Value;

use crate::openapi::doc::{Doc, at, entries, flag, items, str_at};

/// Values made per body before optional parts are left out.
const BUDGET: usize = 2_000;
/// How deep a value may nest before it is cut short.
const MAX_DEPTH: usize = 48;

/// Whether a value may be left out (`None`) rather than made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Need {
    Required,
    Optional,
}

/// Makes values for the schemas of one document.
pub(crate) struct Maker<'d> {
    doc: &'d Doc,
    /// Whether declared examples are used (else every value is made from its schema).
    examples: bool,
    /// The `$ref`s being made, outermost first.
    stack: Vec<&'d str>,
    budget: usize,
    depth: usize,
}

impl<'d> Maker<'d> {
    pub(crate) fn new(doc: &'d Doc, examples: bool) -> Maker<'d> {
        Maker { doc, examples, stack: Vec::new(), budget: BUDGET, depth: 0 }
    }

    /// A value for `schema`.
    pub(crate) fn value(&mut self, schema: &'d Value) -> Json {
        self.budget = BUDGET;
        self.stack.clear();
        self.depth = 0;
        self.node(schema, Need::Required, None).unwrap_or(Json::Null)
    }

    /// A value for `schema`; `None` only when `need` is optional and the value would recurse or
    /// the budget is spent. `named` is the `$ref` the schema was reached through, for the
    /// discriminator of an `allOf` parent.
    fn node(&mut self, schema: &'d Value, need: Need, named: Option<&'d str>) -> Option<Json> {
        if let Some(reference) = str_at(schema, "$ref") {
            return self.referenced(reference, need);
        }
        if need == Need::Optional && self.budget == 0 {
            return None;
        }
        if self.depth >= MAX_DEPTH {
            return (need == Need::Required).then(|| self.minimal(schema));
        }
        self.budget = self.budget.saturating_sub(1);
        // A nullable value that would recurse is `null`, rather than made once more.
        let nullable = is_nullable(self.doc, schema);
        let inner = if nullable { Need::Optional } else { need };
        self.depth += 1;
        let made = self.inline(schema, inner, named);
        self.depth -= 1;
        match made {
            Some(value) => Some(value),
            None if need == Need::Required => Some(if nullable { Json::Null } else { self.minimal(schema) }),
            None => None,
        }
    }

    fn referenced(&mut self, reference: &'d str, need: Need) -> Option<Json> {
        let Some(target) = self.doc.resolve(reference) else {
            // Out of the document or nowhere: any value does for what cannot be typed.
            return (need == Need::Required).then(|| Json::Object(Map::new()));
        };
        let seen = self.stack.iter().filter(|r| **r == reference).count();
        if seen > 0 && need == Need::Optional {
            return None;
        }
        if seen >= 2 {
            return Some(self.minimal(target));
        }
        self.stack.push(reference);
        let made = self.node(target, need, Some(reference));
        self.stack.pop();
        made
    }

    fn inline(&mut self, schema: &'d Value, need: Need, named: Option<&'d str>) -> Option<Json> {
        if self.examples {
            if let Some(example) = example(schema) {
                return Some(example);
            }
        }
        if let Some(value) = at(schema, "const") {
            return Some(to_json(value));
        }
        if let Some(value) = at(schema, "default").filter(|v| !v.is_null() && !v.is_mapping() && !v.is_sequence()) {
            return Some(to_json(value));
        }
        if let Some(values) = at(schema, "enum").and_then(Value::as_sequence) {
            if let Some(first) = values.iter().find(|v| !v.is_null()).or(values.first()) {
                return Some(to_json(first));
            }
        }
        if at(schema, "allOf").is_some() {
            return self.all_of(schema, need, named);
        }
        if let Some(key) = ["oneOf", "anyOf"].into_iter().find(|k| at(schema, k).is_some()) {
            return self.union(schema, key, need);
        }
        Some(match kind(schema).as_deref() {
            Some("object") => self.object(schema),
            Some("array") => self.array(schema),
            Some("string") => Json::String(string(schema)),
            Some("integer") => Json::Number(integer(schema).into()),
            Some("number") => Number::from_f64(number(schema)).map_or(Json::Null, Json::Number),
            Some("boolean") => Json::Bool(true),
            Some("null") => Json::Null,
            // No type: any value is valid; an empty object reads as `serde_json::Value`.
            _ => Json::Object(Map::new()),
        })
    }

    /// An object: every property, and one entry of a typed `additionalProperties`.
    fn object(&mut self, schema: &'d Value) -> Json {
        let properties: Vec<(&'d str, Vec<&'d Value>)> =
            entries(schema, "properties").map(|(k, v)| (k, vec![v])).collect();
        let required: Vec<&str> = items(schema, "required").filter_map(Value::as_str).collect();
        Json::Object(self.fill(&properties, &required, additional(schema)))
    }

    /// The properties, each from the schema that constrains it most of those that declare it
    /// (an enum or a `const`, else the last, as the generated type reads it).
    fn fill(
        &mut self,
        properties: &[(&'d str, Vec<&'d Value>)],
        required: &[&str],
        additional: Option<&'d Value>,
    ) -> Map<String, Json> {
        let mut out = Map::new();
        for (name, candidates) in properties {
            let constrained = candidates
                .iter()
                .find(|c| self.doc.deref(c).is_some_and(|c| at(c, "enum").is_some() || at(c, "const").is_some()));
            let Some(property) = constrained.or(candidates.last()) else { continue };
            let need = if required.contains(name) { Need::Required } else { Need::Optional };
            if let Some(value) = self.node(property, need, None) {
                out.insert((*name).to_owned(), value);
            }
        }
        if let Some(extra) = additional {
            if let Some(value) = self.node(extra, Need::Optional, None) {
                out.entry("key".to_owned()).or_insert(value);
            }
        }
        out
    }

    /// A list of one item (or `minItems`, up to 16), empty when its item would recurse.
    fn array(&mut self, schema: &'d Value) -> Json {
        let min = usize_at(schema, "minItems").unwrap_or(0);
        let max = usize_at(schema, "maxItems").unwrap_or(usize::MAX);
        let count = min.max(1).min(max).min(16);
        let Some(item) = at(schema, "items").filter(|i| i.is_mapping()) else {
            // Items of any kind.
            return Json::Array(vec![Json::String("string".to_owned()); count]);
        };
        if count == 0 {
            return Json::Array(Vec::new());
        }
        let first = match self.node(item, Need::Optional, None) {
            Some(value) => value,
            None if min > 0 => self.node(item, Need::Required, None).unwrap_or(Json::Null),
            None => return Json::Array(Vec::new()),
        };
        Json::Array(vec![first; count])
    }

    /// `allOf`: the properties of every part (nested `allOf`s too) in one object, the schema's
    /// own last; a parent's discriminator set to the name the value is reached through.
    fn all_of(&mut self, schema: &'d Value, need: Need, named: Option<&'d str>) -> Option<Json> {
        let parts: Vec<&'d Value> = items(schema, "allOf").collect();
        let own = at(schema, "properties").is_some() || additional(schema).is_some();
        if let ([single], false) = (parts.as_slice(), own) {
            // A wrapper (`allOf: [$ref]`, nullable or described): that schema, recursion guarded.
            return self.node(single, need, named);
        }
        let mut flat: Vec<&'d Value> = Vec::new();
        let mut todo: Vec<&'d Value> = parts.into_iter().rev().collect();
        while let Some(part) = todo.pop() {
            if flat.len() > 256 {
                break;
            }
            if let Some(reference) = str_at(part, "$ref") {
                let seen = self.stack.iter().filter(|r| **r == reference).count();
                if seen > 0 && need == Need::Optional {
                    return None;
                }
                if seen >= 2 {
                    continue;
                }
            }
            let Some(target) = self.doc.deref(part) else { continue };
            flat.push(target);
            todo.extend(items(target, "allOf").collect::<Vec<_>>().into_iter().rev());
        }
        flat.push(schema);

        let mut properties: Vec<(&'d str, Vec<&'d Value>)> = Vec::new();
        let mut required: Vec<&'d str> = Vec::new();
        let mut extra = None;
        let mut object_like = false;
        let mut unions = Vec::new();
        let mut scalars = Vec::new();
        let mut tags = Vec::new();
        for part in flat {
            let discriminator = at(part, "discriminator");
            if let Some(tag) = discriminator.and_then(|d| str_at(d, "propertyName")) {
                tags.push((tag, discriminator));
            }
            // A union part is chosen from, unless it is the parent whose union lists this very
            // schema (its discriminator says so): then only its properties count.
            if let Some(key) = ["oneOf", "anyOf"].into_iter().find(|k| at(part, k).is_some()) {
                if discriminator.is_none() {
                    unions.push((part, key));
                }
            }
            for (name, property) in entries(part, "properties") {
                match properties.iter_mut().find(|(n, _)| *n == name) {
                    Some((_, candidates)) => candidates.push(property),
                    None => properties.push((name, vec![property])),
                }
            }
            required.extend(items(part, "required").filter_map(Value::as_str));
            extra = extra.or(additional(part));
            match kind(part).as_deref() {
                Some("object") => object_like = true,
                Some(_) => scalars.push(part),
                None if at(part, "enum").is_some() || at(part, "const").is_some() => scalars.push(part),
                None => {}
            }
        }
        object_like |= !properties.is_empty() || extra.is_some();
        if !object_like && unions.is_empty() {
            let constrained = scalars.iter().find(|s| at(s, "enum").is_some() || at(s, "const").is_some());
            return match constrained.or(scalars.first()) {
                Some(scalar) => self.node(scalar, need, None),
                None => Some(Json::Object(Map::new())),
            };
        }
        let mut out = self.fill(&properties, &required, extra);
        for (union, key) in unions {
            match self.union(union, key, need)? {
                Json::Object(map) => {
                    for (k, v) in map {
                        out.entry(k).or_insert(v);
                    }
                }
                value if !object_like => return Some(value),
                _ => {}
            }
        }
        if let Some(reference) = named {
            for (tag, discriminator) in tags {
                out.insert(tag.to_owned(), Json::String(tag_value(discriminator, reference)));
            }
        }
        Some(Json::Object(out))
    }

    /// `oneOf` / `anyOf`: the first alternative that is not `null` and does not recurse, its
    /// discriminator property set; merged with the schema's own properties.
    fn union(&mut self, schema: &'d Value, key: &str, need: Need) -> Option<Json> {
        let alternatives: Vec<&'d Value> = items(schema, key).filter(|v| !is_null_schema(self.doc, v)).collect();
        let Some(&first) = alternatives.first() else {
            return Some(Json::Null);
        };
        let mut chosen = None;
        for &alternative in &alternatives {
            if let Some(value) = self.node(alternative, Need::Optional, None) {
                chosen = Some((alternative, value));
                break;
            }
        }
        let (alternative, mut value) = match chosen {
            Some(found) => found,
            None if need == Need::Required => (first, self.node(first, Need::Required, None)?),
            None => return None,
        };
        if at(schema, "properties").is_some() {
            if let (Json::Object(own), Json::Object(map)) = (self.object(schema), &mut value) {
                for (k, v) in own {
                    map.entry(k).or_insert(v);
                }
            }
        }
        let discriminator = at(schema, "discriminator");
        if let (Some(tag), Some(reference), Json::Object(map)) =
            (discriminator.and_then(|d| str_at(d, "propertyName")), str_at(alternative, "$ref"), &mut value)
        {
            map.insert(tag.to_owned(), Json::String(tag_value(discriminator, reference)));
        }
        Some(value)
    }

    /// The smallest value of a schema's type, made without looking further in.
    fn minimal(&self, schema: &Value) -> Json {
        let schema = self.doc.deref(schema).unwrap_or(schema);
        if is_nullable(self.doc, schema) {
            return Json::Null;
        }
        match kind(schema).as_deref() {
            Some("array") => Json::Array(Vec::new()),
            Some("string") => Json::String(string(schema)),
            Some("integer") => Json::Number(integer(schema).into()),
            Some("number") => Number::from_f64(number(schema)).map_or(Json::Null, Json::Number),
            Some("boolean") => Json::Bool(true),
            Some("null") => Json::Null,
            _ => Json::Object(Map::new()),
        }
    }
}

/// A typed `additionalProperties` (not `true`, `false` or `{}`).
fn additional(schema: &Value) -> Option<&Value> {
    at(schema, "additionalProperties").filter(|v| v.as_mapping().is_some_and(|m| !m.is_empty()))
}

/// The value a discriminator gives the alternative `reference`: the mapping's key for it (a
/// mapping value is a `$ref` or a bare schema name), else the schema's name.
fn tag_value(discriminator: Option<&Value>, reference: &str) -> String {
    let name = reference.rsplit('/').next().unwrap_or(reference);
    discriminator
        .into_iter()
        .flat_map(|d| entries(d, "mapping"))
        .find(|(_, target)| target.as_str().is_some_and(|t| t == reference || t == name))
        .map_or_else(|| name.to_owned(), |(key, _)| key.to_owned())
}

/// A schema's declared example: 3.0's `example`, 3.1's `examples` list (its first item).
fn example(schema: &Value) -> Option<Json> {
    if let Some(example) = at(schema, "example") {
        if !example.is_null() || is_nullable_here(schema) {
            return Some(to_json(example));
        }
    }
    items(schema, "examples").next().map(to_json)
}

/// The example of a media type or a parameter: its `example`, else the first of its
/// `examples` that has a `value` (a `$ref`'d example followed).
pub(crate) fn media_example(doc: &Doc, media: &Value) -> Option<Json> {
    if let Some(example) = at(media, "example") {
        return Some(to_json(example));
    }
    entries(media, "examples").find_map(|(_, example)| doc.deref(example).and_then(|e| at(e, "value")).map(to_json))
}

/// The schema's type, inferred from its keywords when it names none; the first non-null one of
/// a 3.1 list.
fn kind(schema: &Value) -> Option<String> {
    match at(schema, "type") {
        Some(Value::String(t)) => return Some(t.clone()),
        Some(Value::Sequence(types)) => {
            let real: Vec<&str> = types.iter().filter_map(Value::as_str).collect();
            return real.iter().find(|t| **t != "null").or(real.first()).map(|t| (*t).to_owned());
        }
        _ => {}
    }
    let has = |key: &str| at(schema, key).is_some();
    Some(
        if has("properties") || has("additionalProperties") || has("required") {
            "object"
        } else if has("items") {
            "array"
        } else if has("format") || has("pattern") || has("minLength") || has("maxLength") {
            "string"
        } else if has("minimum") || has("maximum") || has("multipleOf") {
            "number"
        } else {
            return None;
        }
        .to_owned(),
    )
}

/// A string for the schema's format, of its length bounds.
fn string(schema: &Value) -> String {
    let text = match str_at(schema, "format").unwrap_or_default() {
        "date-time" => "2024-01-02T03:04:05Z",
        "date" => "2024-01-02",
        "time" => "03:04:05Z",
        "duration" => "PT1H",
        "uuid" => "3fa85f64-5717-4562-b3fc-2c963f66afa6",
        "email" | "idn-email" => "user@example.com",
        "uri" | "url" | "iri" | "uri-reference" | "iri-reference" => "https://example.com/",
        "uri-template" => "https://example.com/{id}",
        "hostname" | "idn-hostname" => "example.com",
        "ipv4" => "192.0.2.1",
        "ipv6" => "2001:db8::1",
        "byte" => "c2FtcGxl",
        "binary" => "sample",
        "password" => "password",
        _ => "string",
    };
    let mut text = text.to_owned();
    if let Some(min) = usize_at(schema, "minLength") {
        while text.chars().count() < min {
            text.push('x');
        }
    }
    if let Some(max) = usize_at(schema, "maxLength") {
        text = text.chars().take(max).collect();
    }
    text
}

/// An integer inside the schema's bounds: 1, or 2³² + 1 for `int64` (which an `i32` cannot
/// hold), a multiple of `multipleOf`.
fn integer(schema: &Value) -> i64 {
    let mut value: i64 = if str_at(schema, "format") == Some("int64") { (1 << 32) + 1 } else { 1 };
    let (low, high) = bounds(schema);
    if let Some((low, exclusive)) = low {
        let low = if exclusive { low.floor() as i64 + 1 } else { low.ceil() as i64 };
        value = value.max(low);
    }
    if let Some((high, exclusive)) = high {
        let high = if exclusive { high.ceil() as i64 - 1 } else { high.floor() as i64 };
        value = value.min(high);
    }
    if let Some(step) = at(schema, "multipleOf").and_then(Value::as_i64).filter(|s| *s > 0) {
        value = value.div_euclid(step) * step;
        if low.is_some_and(|(low, _)| (value as f64) < low) {
            value += step;
        }
    }
    value
}

/// A number inside the schema's bounds: 1.5, or a multiple of `multipleOf`.
fn number(schema: &Value) -> f64 {
    let mut value = 1.5;
    if let Some(step) = at(schema, "multipleOf").and_then(Value::as_f64).filter(|s| *s > 0.0) {
        value = step;
    }
    let (low, high) = bounds(schema);
    if let Some((low, exclusive)) = low {
        if value < low || (exclusive && value <= low) {
            value = if exclusive { low + 1.0 } else { low };
        }
    }
    if let Some((high, exclusive)) = high {
        if value > high || (exclusive && value >= high) {
            value = if exclusive { high - 1.0 } else { high };
        }
    }
    value
}

/// The lower and upper bound, each with whether it is exclusive (3.0 flags, 3.1 numbers).
type Bound = Option<(f64, bool)>;

fn bounds(schema: &Value) -> (Bound, Bound) {
    let bound = |key: &str, exclusive: &str| match (at(schema, key).and_then(Value::as_f64), at(schema, exclusive)) {
        (_, Some(Value::Number(n))) => n.as_f64().map(|n| (n, true)),
        (Some(n), Some(Value::Bool(true))) => Some((n, true)),
        (Some(n), _) => Some((n, false)),
        (None, _) => None,
    };
    (bound("minimum", "exclusiveMinimum"), bound("maximum", "exclusiveMaximum"))
}

fn usize_at(schema: &Value, key: &str) -> Option<usize> {
    at(schema, key).and_then(Value::as_u64).map(|n| usize::try_from(n).unwrap_or(usize::MAX))
}

/// 3.0's `nullable: true`, 3.1's `null` in the type list, or a `null` alternative.
fn is_nullable(doc: &Doc, schema: &Value) -> bool {
    is_nullable_here(schema)
        || ["oneOf", "anyOf"].into_iter().any(|key| items(schema, key).any(|v| is_null_schema(doc, v)))
}

fn is_nullable_here(schema: &Value) -> bool {
    flag(schema, "nullable")
        || matches!(at(schema, "type"), Some(Value::Sequence(types)) if types.iter().any(|t| t.as_str() == Some("null")))
}

/// `{type: "null"}`, or a schema of nothing but `nullable: true` (3.0's way to say it).
fn is_null_schema(doc: &Doc, schema: &Value) -> bool {
    let Some(schema) = doc.deref(schema) else { return false };
    if str_at(schema, "type") == Some("null") {
        return true;
    }
    let Some(map) = schema.as_mapping() else { return false };
    flag(schema, "nullable") && map.keys().all(|k| matches!(k.as_str(), Some("nullable" | "enum" | "description")))
}

/// A YAML value as JSON: keys as text, tags dropped, a number JSON cannot hold as `null`.
pub(crate) fn to_json(value: &Value) -> Json {
    match value {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Json::Number(i.into())
            } else if let Some(u) = n.as_u64() {
                Json::Number(u.into())
            } else {
                n.as_f64().and_then(Number::from_f64).map_or(Json::Null, Json::Number)
            }
        }
        Value::String(s) => Json::String(s.clone()),
        Value::Sequence(items) => Json::Array(items.iter().map(to_json).collect()),
        Value::Mapping(map) => Json::Object(
            map.iter()
                .filter_map(|(k, v)| {
                    let key = match k {
                        Value::String(s) => s.clone(),
                        Value::Number(n) => n.to_string(),
                        Value::Bool(b) => b.to_string(),
                        _ => return None,
                    };
                    Some((key, to_json(v)))
                })
                .collect(),
        ),
        Value::Tagged(tagged) => to_json(&tagged.value),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// The value made for `#/components/schemas/{name}` of a document with those schemas.
    fn made(schemas: &str, name: &str, examples: bool) -> Json {
        let text = format!("openapi: 3.1.0\ncomponents:\n  schemas:\n{schemas}");
        let doc = Doc::parse(&text, "test").unwrap();
        let reference = format!("#/components/schemas/{name}");
        let schema = serde_yaml_ng::from_str::<Value>(&format!("$ref: '{reference}'")).unwrap();
        let mut maker = Maker::new(&doc, examples);
        let first = maker.value(&schema);
        assert_eq!(maker.value(&schema), first, "the same value every time");
        first
    }

    #[test]
    fn recursion_ends_where_the_schema_allows() {
        let schemas = "
    Node:
      type: object
      required: [name, next]
      properties:
        name: {type: string}
        parent: {$ref: '#/components/schemas/Node'}
        children: {type: array, items: {$ref: '#/components/schemas/Node'}}
        next: {anyOf: [{$ref: '#/components/schemas/Node'}, {type: 'null'}]}
";
        // `parent` is optional, `children` may be empty, a required `next` may be null.
        assert_eq!(made(schemas, "Node", true), json!({"name": "string", "children": [], "next": null}));
    }

    #[test]
    fn a_required_cycle_ends_too() {
        let schemas = "
    A:
      type: object
      required: [b]
      properties:
        b: {$ref: '#/components/schemas/B'}
    B:
      type: object
      required: [a]
      properties:
        a: {$ref: '#/components/schemas/A'}
";
        // No finite value is valid; the one made stops after two rounds.
        assert_eq!(made(schemas, "A", true), json!({"b": {"a": {"b": {"a": {}}}}}));
    }

    #[test]
    fn a_discriminator_names_the_alternative() {
        let schemas = "
    Pet:
      type: object
      required: [petType, name]
      properties:
        petType: {type: string}
        name: {type: string}
      oneOf:
        - $ref: '#/components/schemas/Cat'
        - $ref: '#/components/schemas/Dog'
      discriminator:
        propertyName: petType
        mapping: {kitty: Cat, dog: '#/components/schemas/Dog'}
    Cat:
      allOf:
        - $ref: '#/components/schemas/Pet'
        - type: object
          properties:
            lives: {type: integer, minimum: 1, maximum: 9}
    Dog:
      allOf:
        - $ref: '#/components/schemas/Pet'
        - {type: object, properties: {barks: {type: boolean}}}
    Owner:
      type: object
      properties:
        pet:
          oneOf: [{$ref: '#/components/schemas/Dog'}, {$ref: '#/components/schemas/Cat'}]
          discriminator: {propertyName: petType}
";
        // A mapping value may be a bare schema name.
        assert_eq!(made(schemas, "Cat", true), json!({"petType": "kitty", "name": "string", "lives": 1}));
        assert_eq!(made(schemas, "Pet", true), json!({"petType": "kitty", "name": "string", "lives": 1}));
        // Without a mapping, the schema's name.
        assert_eq!(made(schemas, "Owner", true), json!({"pet": {"petType": "Dog", "name": "string", "barks": true}}));
    }

    #[test]
    fn all_of_keeps_the_most_constrained_declaration() {
        let schemas = "
    Node:
      allOf:
        - {type: object, required: [type], properties: {type: {type: string, enum: [DOCUMENT]}}}
        - $ref: '#/components/schemas/Layer'
    Layer:
      type: object
      properties:
        type: {type: string}
        visible: {type: boolean, default: false}
";
        assert_eq!(made(schemas, "Node", true), json!({"type": "DOCUMENT", "visible": false}));
    }

    #[test]
    fn bounds_lengths_and_formats() {
        let schemas = "
    N:
      type: object
      properties:
        small: {type: integer, maximum: 0}
        excl30: {type: integer, minimum: 5, exclusiveMinimum: true}
        excl31: {type: integer, exclusiveMinimum: 5}
        step: {type: integer, minimum: 3, multipleOf: 4}
        big: {type: integer, format: int64, maximum: 100}
        ratio: {type: number, minimum: 0, exclusiveMaximum: 1}
        code: {type: string, minLength: 8, maxLength: 8}
        short: {type: string, format: uuid, maxLength: 4}
        when: {type: [string, 'null'], format: date-time}
        email: {type: string, format: email}
        three: {type: array, minItems: 3, items: {type: boolean}}
        none: {type: array, maxItems: 0, items: {type: string}}
        any: {}
        const: {const: 42}
        level: {enum: [null, 2, 3]}
";
        assert_eq!(
            made(schemas, "N", true),
            json!({
                "small": 0, "excl30": 6, "excl31": 6, "step": 4, "big": 100, "ratio": 0.0,
                "code": "stringxx", "short": "3fa8", "when": "2024-01-02T03:04:05Z",
                "email": "user@example.com", "three": [true, true, true], "none": [], "any": {},
                "const": 42, "level": 2,
            })
        );
    }

    #[test]
    fn examples_of_schemas_and_properties() {
        let schemas = "
    E:
      type: object
      properties:
        a: {type: string, example: from 3.0}
        b: {type: integer, examples: [7, 8]}
        c: {type: string, format: date}
    Whole:
      type: object
      example: {a: whole}
      properties:
        a: {type: string}
";
        assert_eq!(made(schemas, "E", true), json!({"a": "from 3.0", "b": 7, "c": "2024-01-02"}));
        assert_eq!(made(schemas, "E", false), json!({"a": "string", "b": 1, "c": "2024-01-02"}));
        assert_eq!(made(schemas, "Whole", true), json!({"a": "whole"}));
    }

    #[test]
    fn a_large_body_keeps_what_is_required() {
        // 30 × 30 × 30 optional leaves would be 27,000 values: the budget cuts the optional ones.
        let leaf = (0..30).map(|i| format!("p{i}: {{type: string}}")).collect::<Vec<_>>().join(", ");
        let mid =
            (0..30).map(|i| format!("m{i}: {{$ref: '#/components/schemas/Leaf'}}")).collect::<Vec<_>>().join(", ");
        let top = (0..30).map(|i| format!("t{i}: {{$ref: '#/components/schemas/Mid'}}")).collect::<Vec<_>>().join(", ");
        let schemas = format!(
            "    Leaf: {{type: object, required: [p0], properties: {{{leaf}}}}}\n    Mid: {{type: object, required: [m0], properties: {{{mid}}}}}\n    Top: {{type: object, required: [t29], properties: {{{top}}}}}\n"
        );
        let value = made(&schemas, "Top", true);
        let text = value.to_string();
        assert!(text.len() < 100_000, "{} bytes", text.len());
        assert_eq!(value["t29"]["m0"]["p0"], json!("string"), "required parts are made past the budget");
    }

    #[test]
    fn yaml_values_become_json() {
        let value: Value = serde_yaml_ng::from_str("{200: ok, true: 1, list: [1.5, .nan, !tag x]}").unwrap();
        assert_eq!(to_json(&value), json!({"200": "ok", "true": 1, "list": [1.5, null, "x"]}));
    }
}
