//! Names from a document made valid, unique Rust identifiers: `simple-user` is `SimpleUser`,
//! `repos/get` is `repos_get`, `+1` is `plus_1`, `type` is `r#type`.

use std::collections::BTreeSet;

use heck::{ToSnakeCase as _, ToUpperCamelCase as _};

/// Words that cannot be identifiers, even raw (`r#self` is not allowed).
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Rust's keywords (strict and reserved, 2024 edition).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate", "do", "dyn", "else",
    "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro", "match", "mod",
    "move", "mut", "override", "priv", "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait",
    "true", "try", "type", "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Names a generated type may not take: they would shadow what generated code refers to.
const RESERVED_TYPES: &[&str] = &[
    "Option",
    "Result",
    "String",
    "Vec",
    "Box",
    "Error",
    "Value",
    "BTreeMap",
    "Bytes",
    "Date",
    "OffsetDateTime",
    "Self",
];

/// Symbols that start many property names (`+1`, `-1`, `@type`, `$ref`), spelled out so that
/// names which differ only there stay apart.
fn spell_out(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        match c {
            '+' => out.push_str("plus "),
            '-' if out.trim().is_empty() => out.push_str("minus "),
            '@' if out.is_empty() => out.push_str("at "),
            '$' if out.is_empty() => out.push_str("dollar "),
            c if c.is_alphanumeric() => out.push(c),
            _ => out.push(' '),
        }
    }
    out
}

/// A snake_case identifier (field, method, argument); raw when a keyword, `_`-suffixed when it
/// cannot be raw, `_`-prefixed when it starts with a digit, `value` when nothing is left.
pub fn snake(name: &str) -> String {
    let mut s = spell_out(name).to_snake_case();
    if s.is_empty() {
        s = "value".to_owned();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, '_');
    }
    keyword_safe(s)
}

/// A PascalCase type name; `_`-prefixed when it starts with a digit, `Type` when empty.
pub fn pascal(name: &str) -> String {
    let mut s = spell_out(name).to_upper_camel_case();
    if s.is_empty() {
        s = "Type".to_owned();
    }
    if s.starts_with(|c: char| c.is_ascii_digit()) {
        s.insert(0, 'N');
    }
    if RESERVED_TYPES.contains(&s.as_str()) {
        s.push_str("Type");
    }
    s
}

/// `r#name` for a keyword that can be raw, `name_` for one that cannot.
fn keyword_safe(s: String) -> String {
    if NOT_RAW.contains(&s.as_str()) {
        format!("{s}_")
    } else if KEYWORDS.contains(&s.as_str()) {
        format!("r#{s}")
    } else {
        s
    }
}

/// Hands out names unique within one scope: the second `item` is `item_2`.
#[derive(Debug, Default, Clone)]
pub struct Unique {
    taken: BTreeSet<String>,
}

impl Unique {
    /// A scope where `reserved` are already taken.
    pub fn with_reserved<'a>(reserved: impl IntoIterator<Item = &'a str>) -> Unique {
        Unique { taken: reserved.into_iter().map(str::to_owned).collect() }
    }

    /// `name`, or `name_2`, `name_3`, .. (`Name2` for PascalCase), whichever is free first.
    pub fn claim(&mut self, name: String) -> String {
        if self.taken.insert(name.clone()) {
            return name;
        }
        let pascal = name.starts_with(|c: char| c.is_ascii_uppercase());
        let bare = name.trim_start_matches("r#");
        (2..)
            .map(|n| if pascal { format!("{bare}{n}") } else { format!("{bare}_{n}") })
            .find(|candidate| self.taken.insert(candidate.clone()))
            .unwrap_or(name)
    }
}

/// The identifier without its `r#`, as a Rust name reads in messages and `serde(rename)`.
pub fn unraw(ident: &str) -> &str {
    ident.strip_prefix("r#").unwrap_or(ident)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_names_become_identifiers() {
        assert_eq!(snake("repos/get"), "repos_get");
        assert_eq!(snake("getUserById"), "get_user_by_id");
        assert_eq!(snake("type"), "r#type");
        assert_eq!(snake("self"), "self_");
        assert_eq!(snake("+1"), "plus_1");
        assert_eq!(snake("-1"), "minus_1");
        assert_eq!(snake("2fa_enabled"), "_2fa_enabled");
        assert_eq!(snake("@odata.type"), "at_odata_type");
        assert_eq!(snake("---"), "minus");
        assert_eq!(snake(""), "value");
        assert_eq!(pascal("simple-user"), "SimpleUser");
        assert_eq!(pascal("repos/get"), "ReposGet");
        assert_eq!(pascal("3d_model"), "N3dModel");
        assert_eq!(pascal("error"), "ErrorType");
        assert_eq!(pascal("Option"), "OptionType");
    }

    #[test]
    fn a_second_claim_gets_a_number() {
        let mut names = Unique::with_reserved(["get"]);
        assert_eq!(names.claim("get".into()), "get_2");
        assert_eq!(names.claim("item".into()), "item");
        assert_eq!(names.claim("item".into()), "item_2");
        assert_eq!(names.claim("Item".into()), "Item");
        assert_eq!(names.claim("Item".into()), "Item2");
        assert_eq!(names.claim("r#type".into()), "r#type");
        assert_eq!(names.claim("r#type".into()), "type_2");
    }
}
