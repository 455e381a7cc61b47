//! A document read into one ordered tree (JSON and YAML alike), its version, and `$ref`s
//! resolved inside it.
//!
//! One reader serves OpenAPI 3.0 and 3.1: the crates that model the documents each read one of
//! the two (`openapiv3` 3.0, `oas3` 3.1), refuse a whole document for one construct they do not
//! know, and lose the document's order. The two versions differ in few places for what is
//! generated here (a nullable type, examples), handled where they are read.

use serde_yaml_ng::Value;

use crate::Error;

/// A parsed document.
#[derive(Debug)]
pub(crate) struct Doc {
    pub root: Value,
    /// `3.0` or `3.1`.
    pub version: Version,
}

/// The OpenAPI version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Version {
    V3_0,
    V3_1,
}

impl Version {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Version::V3_0 => "OpenAPI 3.0",
            Version::V3_1 => "OpenAPI 3.1",
        }
    }
}

impl Doc {
    /// Parses `text`: JSON when it starts with `{`, YAML otherwise.
    pub(crate) fn parse(text: &str, origin: &str) -> Result<Doc, Error> {
        let parsed = if text.trim_start().starts_with('{') {
            serde_json::from_str::<Value>(text).map_err(|e| e.to_string())
        } else {
            serde_yaml_ng::from_str::<Value>(text).map_err(|e| e.to_string())
        };
        let root = parsed.map_err(|reason| Error::Parse { origin: origin.to_owned(), reason })?;
        let version = match str_at(&root, "openapi") {
            Some(v) if v.starts_with("3.0") => Version::V3_0,
            Some(v) if v.starts_with("3.1") => Version::V3_1,
            other => {
                let found =
                    other.map(str::to_owned).or_else(|| str_at(&root, "swagger").map(|v| format!("swagger {v}")));
                return Err(Error::Version { origin: origin.to_owned(), found });
            }
        };
        Ok(Doc { root, version })
    }

    /// The value a local `$ref` (`#/components/schemas/Name`) points at.
    pub(crate) fn resolve(&self, reference: &str) -> Option<&Value> {
        let pointer = reference.strip_prefix('#')?;
        let mut at = &self.root;
        for segment in pointer.split('/').skip(1) {
            let segment = percent_decode(segment).replace("~1", "/").replace("~0", "~");
            at = match at {
                Value::Mapping(map) => map.get(segment.as_str())?,
                Value::Sequence(items) => items.get(segment.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(at)
    }

    /// `value` itself, or what its `$ref` points at (followed up to 32 times); `None` for a
    /// reference that leads nowhere or out of the document.
    pub(crate) fn deref<'a>(&'a self, mut value: &'a Value) -> Option<&'a Value> {
        for _ in 0..32 {
            match str_at(value, "$ref") {
                Some(reference) => value = self.resolve(reference)?,
                None => return Some(value),
            }
        }
        None
    }
}

/// `value[key]`.
pub(crate) fn at<'a>(value: &'a Value, key: &str) -> Option<&'a Value> {
    value.as_mapping()?.get(key)
}

/// `value[key]` as a string.
pub(crate) fn str_at<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    at(value, key)?.as_str()
}

/// `value[key]` as a boolean (absent is false).
pub(crate) fn flag(value: &Value, key: &str) -> bool {
    at(value, key).and_then(Value::as_bool).unwrap_or(false)
}

/// The entries of `value[key]` as a mapping with string keys, in order.
pub(crate) fn entries<'a>(value: &'a Value, key: &str) -> impl Iterator<Item = (&'a str, &'a Value)> {
    at(value, key).and_then(Value::as_mapping).into_iter().flatten().filter_map(|(k, v)| Some((k.as_str()?, v)))
}

/// The items of `value[key]` as a sequence.
pub(crate) fn items<'a>(value: &'a Value, key: &str) -> impl Iterator<Item = &'a Value> {
    at(value, key).and_then(Value::as_sequence).into_iter().flatten()
}

/// A string or number as text (YAML reads `200:` as a number key).
pub(crate) fn key_text(key: &Value) -> Option<String> {
    match key {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn percent_decode(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Documentation lines from a description: markdown kept, but made safe for rustdoc (a bare
/// code fence or an indented block would be compiled as a Rust doctest).
pub(crate) fn doc_lines(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut fenced = false;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if let Some(lang) = trimmed.strip_prefix("```") {
            if !fenced && lang.trim().is_empty() {
                out.push("```text".to_owned());
            } else {
                out.push(trimmed.to_owned());
            }
            fenced = !fenced;
            continue;
        }
        // Four spaces would make an indented code block, which rustdoc compiles as a doctest;
        // up to three keep a list item's continuation lines in the item.
        let indent = (line.len() - trimmed.len()).min(3);
        out.push(if fenced {
            line.trim_end().to_owned()
        } else {
            format!("{}{}", &" ".repeat(indent), trimmed.trim_end())
        });
    }
    if fenced {
        out.push("```".to_owned());
    }
    while out.last().is_some_and(String::is_empty) {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_and_yaml_read_alike_and_refs_resolve() {
        let json = r##"{"openapi":"3.0.3","components":{"schemas":{"a/b":{"type":"string"},"c":{"$ref":"#/components/schemas/a~1b"}}}}"##;
        let yaml = "openapi: 3.1.0\ncomponents:\n  schemas:\n    a/b: {type: string}\n    c: {$ref: '#/components/schemas/a~1b'}\n";
        for (text, version) in [(json, Version::V3_0), (yaml, Version::V3_1)] {
            let doc = Doc::parse(text, "test").unwrap();
            assert_eq!(doc.version, version);
            let c = doc.resolve("#/components/schemas/c").unwrap();
            assert_eq!(str_at(doc.deref(c).unwrap(), "type"), Some("string"));
            assert!(doc.resolve("#/components/schemas/missing").is_none());
            assert!(doc.resolve("other.json#/x").is_none());
        }
    }

    #[test]
    fn swagger_2_is_refused_by_name() {
        let err = Doc::parse(r#"{"swagger":"2.0"}"#, "old.json").unwrap_err();
        assert!(err.to_string().contains("swagger 2.0"), "{err}");
    }

    #[test]
    fn a_ref_cycle_ends() {
        let doc = Doc::parse(r##"{"openapi":"3.0.0","a":{"$ref":"#/b"},"b":{"$ref":"#/a"}}"##, "t").unwrap();
        assert!(doc.deref(doc.resolve("#/a").unwrap()).is_none());
    }

    #[test]
    fn doc_lines_never_make_doctests() {
        let lines = doc_lines("Intro\n\n    indented\n- item\n  more\n```\ncode\n```\n```json\n{}\n```\n```\nopen");
        let want = [
            "Intro",
            "",
            "   indented",
            "- item",
            "  more",
            "```text",
            "code",
            "```",
            "```json",
            "{}",
            "```",
            "```text",
            "open",
            "```",
        ];
        assert_eq!(lines, want);
    }
}
