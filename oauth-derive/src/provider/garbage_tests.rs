//! Property tests: `#[oauth_provider]` given garbage never panics (issue 4).
//!
//! Attribute arguments and items are generated from a grammar of odd pieces (every kind of
//! literal, raw and non-ASCII identifiers, paths, lifetimes, stray punctuation, groups of every
//! delimiter including invisible ones, nesting, 100 KB strings), lexed as rustc would, and handed
//! to the expansion inside `catch_unwind`. The expansion must not panic; input that is certainly
//! invalid must yield `compile_error!`; an expansion without errors must be valid Rust; and when
//! the item is a plain struct, even the error fallback must be valid Rust besides its errors.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::str::FromStr;

use proc_macro2::{Delimiter, Group, Literal, Punct, Spacing, TokenStream, TokenTree};
use proptest::prelude::*;
use proptest::sample::select;
use quote::quote;

use super::attr::{FieldArgs, ProviderArgs};
use super::oauth_provider;

/// Tokens from source text, as rustc's lexer would give them to the macro.
fn lex(text: &str) -> TokenStream {
    TokenStream::from_str(text).unwrap_or_else(|e| panic!("the generator wrote unlexable text {text:?}: {e}"))
}

/// Runs the expansion, failing (not aborting) on a panic.
fn expand_caught(args: &TokenStream, item: &TokenStream) -> Result<String, String> {
    let (args, item) = (args.clone(), item.clone());
    catch_unwind(AssertUnwindSafe(|| oauth_provider(args, item).to_string())).map_err(|panic| {
        panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_else(|| "a non-string panic".to_owned())
    })
}

// ---------------------------------------------------------------- the grammar

/// Every kind of literal, as source text.
fn literal() -> BoxedStrategy<String> {
    let fixed = select(vec![
        r#""password""#,
        r#""client_credentials""#,
        r#""/oauth/token""#,
        r#""json""#,
        r#""form_grant_in_query""#,
        r#""basic""#,
        r#""grant""#,
        r#""regrant""#,
        r#""refresh_token_grant""#,
        r#""endpoint""#,
        r#""rfc3339""#,
        r#""https://x.io""#,
        r#""::oauth_runtime""#,
        r#""""#,
        r#"" ""#,
        r#""é ü 日本 🦀""#,
        r#""\0""#,
        r#""a\0b""#,
        r#""\u{0}""#,
        r#""\u{10FFFF}""#,
        r#""\u{202e}rtl""#,
        r#""\x7f\t\r\n\\\"""#,
        "\"a\u{0}b\"",
        "\"line\nbreak\"",
        r#""x"suffix"#,
        r#""x"_"#,
        r#"r"raw""#,
        r###"r#"ra"w"#"###,
        r#"b"password""#,
        r#"br"bytes""#,
        r#"b'p'"#,
        r#"b'\xff'"#,
        r#"c"cstr""#,
        r#"cr"cstr""#,
        "'p'",
        r"'\u{10FFFF}'",
        r"'\0'",
        "'é'",
        "1.5",
        "1e10",
        "1.0f32",
        "2.5e-3_f64",
        "1e999",
        "0.0",
        "99999999999999999999999999999999999999",
        "340282366920938463463374607431768211456",
        "0xFFFF_FFFF_FFFF_FFFF_FFFF",
        "0b1010",
        "0o777",
        "1u8",
        "5usize",
        "3600u64",
        "3600i8",
        "3600suffix",
        "1_000",
        "0",
        "3600",
        "18446744073709551615",
        "18446744073709551616",
        "true",
        "false",
    ])
    .prop_map(str::to_owned);
    prop_oneof![
        8 => fixed,
        1 => any::<i128>().prop_map(|n| n.to_string()),
        1 => any::<u64>().prop_map(|n| format!("{n}u64")),
        1 => any::<f64>().prop_filter("finite", |n| n.is_finite()).prop_map(|n| format!("{n:?}")),
        2 => "\\PC{0,24}".prop_map(|s| Literal::string(&s).to_string()),
        1 => any::<String>().prop_map(|s| Literal::string(&s).to_string()),
        1 => "[^\"\r]{0,24}".prop_map(|s| format!("r#\"{s}\"#")),
        1 => any::<char>().prop_map(|c| Literal::character(c).to_string()),
        1 => prop::collection::vec(any::<u8>(), 0..16).prop_map(|b| Literal::byte_string(&b).to_string()),
        // Very long strings, in one of the places values go.
        1 => (1usize..=100_000, select(vec!["x", "/", "é", "\\0"])).prop_map(|(n, s)| format!("\"{}\"", s.repeat(n))),
    ]
    .boxed()
}

/// Identifiers: the attribute's keys and values, raw, reserved, non-ASCII and random ones.
fn ident() -> BoxedStrategy<String> {
    let known: Vec<&str> = ProviderArgs::KEYS.iter().chain(FieldArgs::KEYS).copied().collect();
    let odd = select(vec![
        "r#type",
        "r#grant",
        "r#crate_",
        "self",
        "Self",
        "crate",
        "super",
        "_",
        "é",
        "ß",
        "Ünïcödé",
        "日本",
        "NaN",
        "inf",
        "password",
        "json",
        "basic",
        "none",
        "oauth",
        "oauth_provider",
        "Secret",
        "String",
        "dyn",
        "impl",
        "fn",
        "r#fn",
    ]);
    prop_oneof![
        3 => select(known).prop_map(str::to_owned),
        2 => odd.prop_map(str::to_owned),
        2 => "[a-zA-Z_][a-zA-Z0-9_]{0,10}",
    ]
    .boxed()
}

/// Punctuation, lifetimes and other lone tokens.
fn punct() -> BoxedStrategy<String> {
    select(vec![
        "=", ",", "#", "::", "!", "->", "=>", "..", "...", "..=", "&&", "'a", "'static", "'_", "$", "@", "?", ";", ":",
        "-", "+", "*", "/", "<", ">", "&", "|", "^", "%", "~", ".", "==", "#!", "::<>",
    ])
    .prop_map(str::to_owned)
    .boxed()
}

/// Wraps `inner` in a group with any delimiter.
fn group(inner: String, delimiter: u8) -> String {
    match delimiter % 3 {
        0 => format!("({inner})"),
        1 => format!("[{inner}]"),
        _ => format!("{{{inner}}}"),
    }
}

/// Any token soup, with nested groups.
fn tokens() -> BoxedStrategy<String> {
    let leaf = prop_oneof![literal(), ident(), punct()];
    leaf.prop_recursive(4, 24, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(|v| v.join(" ")),
            (prop::collection::vec(inner, 0..4), any::<u8>()).prop_map(|(v, d)| group(v.join(" "), d)),
        ]
    })
    .boxed()
}

/// A value after `key =`.
fn value() -> BoxedStrategy<String> {
    prop_oneof![
        6 => literal(),
        2 => ident(),
        1 => literal().prop_map(|l| format!("-{l}")),
        1 => (ident(), ident()).prop_map(|(a, b)| format!("{a}::{b}")),
        1 => (literal(), literal()).prop_map(|(a, b)| format!("({a}, {b})")),
        1 => (literal(), literal()).prop_map(|(a, b)| format!("[{a}, {b}]")),
        1 => Just("[..]".to_owned()),
        1 => Just("{}".to_owned()),
        1 => (literal(), literal()).prop_map(|(a, b)| format!("{a} + {b}")),
        1 => tokens(),
    ]
    .boxed()
}

/// One attribute argument, valid or not.
fn arg() -> BoxedStrategy<String> {
    prop_oneof![
        6 => (ident(), value()).prop_map(|(k, v)| format!("{k} = {v}")),
        1 => ident(),
        1 => (ident(), prop::collection::vec((ident(), value()), 0..4)).prop_map(|(k, kv)| {
            let inner: Vec<String> = kv.into_iter().map(|(k, v)| format!("{k} = {v}")).collect();
            format!("{k}({})", inner.join(", "))
        }),
        1 => (ident(), tokens(), any::<u8>()).prop_map(|(k, t, d)| format!("{k}{}", group(t, d))),
        1 => (prop::collection::vec(ident(), 1..12), literal()).prop_map(|(names, leaf)| {
            let open: String = names.iter().map(|n| format!("{n}(")).collect();
            format!("{open}{leaf}{}", ")".repeat(names.len()))
        }),
        1 => tokens(),
    ]
    .boxed()
}

/// An argument that makes any attribute invalid, wherever it stands.
fn bad_arg() -> BoxedStrategy<String> {
    let known = ProviderArgs::KEYS;
    prop_oneof![
        literal(),
        "[a-z]{1,8}".prop_map(|k| format!("zz{k} = 1")),
        value().prop_map(|v| format!("= {v}")),
        select(known.to_vec()).prop_map(|k| format!("{k} =")),
        (select(known.to_vec()), literal(), literal()).prop_map(|(k, a, b)| format!("{k} = {a} {b}")),
        (ident(), ident(), value()).prop_map(|(a, b, v)| format!("{a}::{b} = {v}")),
        (select(known.to_vec()), value(), value()).prop_map(|(k, a, b)| format!("{k} = {a}, {k} = {b}")),
        Just("grant = 5".to_owned()),
        Just("token_path = \"no-slash\"".to_owned()),
        Just("#".to_owned()),
    ]
    .boxed()
}

/// Separators between arguments.
fn separator() -> impl Strategy<Value = &'static str> {
    prop_oneof![8 => Just(", "), 1 => Just(",, "), 1 => Just(" "), 1 => Just("; "), 1 => Just(",,,")]
}

/// The tokens of `#[oauth_provider(..)]`, and whether they are certainly invalid.
fn attribute_args() -> BoxedStrategy<(String, bool)> {
    let base = select(vec![
        "",
        "grant = \"password\", token_path = \"/t\"",
        "grant = \"client_credentials\", token_path = \"/oauth/token\"",
        "grant = \"client_credentials\", token_path = \"/auth/token\", body_style = \"json\", refresh = \"endpoint\", \
         refresh_path = \"/auth/refresh\", expires_at = \"exp\", expires_format = \"rfc3339\"",
    ]);
    (
        base,
        prop::collection::vec((arg(), separator()), 0..6),
        prop::option::weighted(0.7, (bad_arg(), any::<prop::sample::Index>())),
        prop::option::of(separator()),
    )
        .prop_map(|(base, args, bad, trailing)| {
            let mut items: Vec<String> = Vec::new();
            if !base.is_empty() {
                items.push(base.to_owned());
            }
            let mut seps = Vec::new();
            for (a, sep) in args {
                items.push(a);
                seps.push(sep);
            }
            let certainly_bad = bad.is_some();
            if let Some((b, at)) = bad {
                items.insert(at.index(items.len() + 1), b);
            }
            let mut text = String::new();
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    text.push_str(seps.get(i - 1).copied().unwrap_or(", "));
                }
                text.push_str(item);
            }
            text.push_str(trailing.unwrap_or(""));
            (text, certainly_bad)
        })
        .boxed()
}

/// A field type, sensible or not.
fn field_type() -> BoxedStrategy<String> {
    select(vec![
        "String",
        "Secret",
        "oauth_runtime::Secret",
        "::secrecy::SecretString",
        "Option<String>",
        "&'static str",
        "[u8; 4]",
        "fn()",
        "dyn Fn()",
        "Box<dyn Fn() -> Secret>",
        "()",
        "!",
        "(Secret)",
        "Box<str>",
        "Secret<T>",
        "<T as X>::Secret",
        "impl Trait",
        "r#type",
    ])
    .prop_map(str::to_owned)
    .boxed()
}

/// A field's `#[..]` attributes.
fn field_attrs() -> BoxedStrategy<String> {
    let one = prop_oneof![
        4 => prop::collection::vec(arg(), 0..3).prop_map(|a| format!("#[oauth({})]", a.join(", "))),
        2 => select(vec![
            "#[oauth(rename = \"clientId\")]",
            "#[oauth(role = \"client_id\")]",
            "#[oauth(param)]",
            "#[oauth(param, secret)]",
            "#[oauth(role = \"param\", param)]",
            "#[oauth]",
            "#[oauth = \"x\"]",
            "#[oauth()]",
            "#[doc = \"docs\"]",
            "#[serde(rename = \"x\")]",
            "#[cfg(test)]",
        ])
        .prop_map(str::to_owned),
        1 => tokens().prop_map(|t| format!("#[oauth{}]", group(t, 0))),
    ];
    prop::collection::vec(one, 0..3).prop_map(|v| v.join(" ")).boxed()
}

/// The annotated item, and whether it can never be a provider.
fn item() -> BoxedStrategy<(String, bool)> {
    let field_name = prop_oneof![
        3 => select(vec!["client_id", "client_secret", "username", "password"]).prop_map(str::to_owned),
        1 => select(vec!["scope", "r#type", "r#match", "é", "api_key", "_x"]).prop_map(str::to_owned),
        1 => "[a-z][a-z0-9_]{0,8}",
    ];
    let field = (field_attrs(), select(vec!["", "pub ", "pub(crate) "]), field_name, field_type())
        .prop_map(|(attrs, vis, name, ty)| format!("{attrs} {vis}{name}: {ty}"));
    let fields = prop::collection::vec(field, 0..5).prop_map(|f| f.join(", "));
    let struct_attrs = prop_oneof![
        4 => Just(String::new()),
        1 => select(vec!["#[derive(Debug)]", "#[doc = \"x\"]", "#[oauth(param)]", "#[oauth_provider(grant = \"x\")]"])
            .prop_map(str::to_owned),
    ];
    let name = select(vec!["Vendor", "r#Vendor", "Véndor", "S", "r#type", "Self_", "V2"]);
    let shape = prop_oneof![
        8 => Just(("", false)),
        1 => select(vec![("<T>", true), ("<'a>", true), ("<const N: usize>", true), (" where u8: Copy", true)]),
    ];
    let named = (struct_attrs, select(vec!["pub ", "", "pub(crate) ", "pub(in crate::a) "]), name, shape, fields)
        .prop_map(|(attrs, vis, name, (generics, bad), fields)| {
            (format!("{attrs} {vis}struct {name}{generics} {{ {fields} }}"), bad)
        });
    let other = select(vec![
        ("enum E { A, B(String) }", true),
        ("union U { a: u8 }", true),
        ("struct S(String, Secret);", true),
        ("struct S;", true),
        ("fn f() {}", true),
        ("impl S {}", true),
        ("", true),
        ("struct", true),
        ("struct S { client_id: }", true),
        ("struct S { , }", true),
    ])
    .prop_map(|(s, bad)| (s.to_owned(), bad));
    prop_oneof![
        8 => named,
        2 => other,
        1 => tokens().prop_map(|t| (t, false)),
    ]
    .boxed()
}

/// Wraps the value after each `=` (at any depth) in an invisible group, as `macro_rules!`
/// hands over a `$value:expr`, where `mask` says so.
fn invisible(tokens: TokenStream, mask: &[bool], counter: &mut usize) -> TokenStream {
    let mut out = Vec::new();
    let mut after_eq = false;
    for tree in tokens {
        let tree = match tree {
            TokenTree::Group(g) => {
                let mut inner = Group::new(g.delimiter(), invisible(g.stream(), mask, counter));
                inner.set_span(g.span());
                TokenTree::Group(inner)
            }
            other => other,
        };
        let wrap = after_eq && !matches!(&tree, TokenTree::Punct(_)) && {
            *counter += 1;
            mask.get(*counter % mask.len().max(1)).copied().unwrap_or(false)
        };
        after_eq = matches!(&tree, TokenTree::Punct(p) if p.as_char() == '=' && p.spacing() == Spacing::Alone);
        if wrap {
            out.push(TokenTree::Group(Group::new(Delimiter::None, tree.into())));
        } else {
            out.push(tree);
        }
    }
    out.into_iter().collect()
}

/// Whether `item` is a struct with named fields and no generics: one the fallback re-emits.
fn plain_struct(item: &TokenStream) -> bool {
    match syn::parse2::<syn::DeriveInput>(item.clone()) {
        Ok(input) => {
            matches!(&input.data, syn::Data::Struct(s) if matches!(s.fields, syn::Fields::Named(_)))
                && input.generics.params.is_empty()
                && input.generics.where_clause.is_none()
        }
        Err(_) => false,
    }
}

/// The properties of one expansion.
fn check(args: &TokenStream, item: &TokenStream, certainly_bad: bool) -> Result<(), TestCaseError> {
    let out = expand_caught(args, item).map_err(|p| TestCaseError::fail(format!("panicked: {p}")))?;
    let has_errors = out.contains("compile_error");
    prop_assert!(!certainly_bad || has_errors, "invalid input expanded without errors: {out}");
    if !has_errors {
        let file = syn::parse_str::<syn::File>(&out);
        prop_assert!(file.is_ok(), "an expansion without errors is not valid Rust: {out}");
        prop_assert!(out.contains("Provider for"), "no Provider impl: {out}");
    } else if plain_struct(item) {
        // The fallback keeps the struct and stand-ins for the client API: valid Rust besides
        // the `compile_error!`s.
        let file = syn::parse_str::<syn::File>(&out);
        prop_assert!(file.is_ok(), "the fallback is not valid Rust: {:?}\n{out}", file.err());
    }
    Ok(())
}

proptest! {
    /// Garbage attribute arguments on a plain, valid struct.
    #[test]
    fn garbage_arguments(
        (args, certainly_bad) in attribute_args(),
        mask in prop::collection::vec(any::<bool>(), 0..8),
    ) {
        let args = invisible(lex(&args), &mask, &mut 0);
        let item = quote!(pub struct Vendor { pub client_id: String, pub client_secret: Secret, pub username: String, pub password: Secret });
        check(&args, &item, certainly_bad)?;
    }

    /// Garbage arguments on garbage items.
    #[test]
    fn garbage_items(
        (args, bad_args) in attribute_args(),
        (item, bad_item) in item(),
        mask in prop::collection::vec(any::<bool>(), 0..8),
    ) {
        let args = invisible(lex(&args), &mask, &mut 0);
        let item = invisible(lex(&item), &mask, &mut 3);
        check(&args, &item, bad_args || bad_item)?;
    }

    /// Pure token soup in both places.
    #[test]
    fn token_soup(args in tokens(), item in tokens()) {
        check(&lex(&args), &lex(&item), false)?;
    }
}

/// Hand-picked inputs that reach the corners of each reader.
#[test]
fn nasty_inputs() {
    let long = "é".repeat(50_000);
    let deep_list = format!("params({}1{})", "a(".repeat(200), ")".repeat(200));
    let deep_value = format!("name = {}\"x\"{}", "(".repeat(64), ")".repeat(64));
    let deep_item = format!("struct S {{ client_id: {}String{} }}", "(".repeat(64), ")".repeat(64));
    // (arguments, item, certainly invalid)
    let valid_pair = "grant = \"password\", token_path = \"/t\"";
    let texts: Vec<(String, String, bool)> = vec![
        (format!("{valid_pair}, name = \"{long}\""), "struct S { username: String, password: Secret }".into(), false),
        (format!("grant = \"{long}\", name = \"{long}\", crate = \"{long}\""), "struct S {}".into(), true),
        (format!("base_url({long} = \"https://x.io\")"), "struct S {}".into(), true),
        (deep_list, "struct S {}".into(), true),
        (deep_value, "struct S {}".into(), true),
        (valid_pair.into(), deep_item, true),
        (format!("{valid_pair}, crate = \"a::\""), "struct S { username: String, password: Secret }".into(), true),
        ("crate = \"::\", name = \"\\u{0}\"".into(), "struct S {}".into(), true),
        ("crate = \"(\"".into(), "struct S {}".into(), true),
        ("crate = \"/*\"".into(), "struct S {}".into(), true),
        ("crate = \"\\\"\"".into(), "struct S {}".into(), true),
        ("crate = \"'a\"".into(), "struct S {}".into(), true),
        ("crate = \"r#crate\"".into(), "struct S {}".into(), true),
        ("crate = \"1e\"".into(), "struct S {}".into(), true),
        ("base_url(r#type = \"https://x.io\", ß = \"https://x.io\", ǆ = \"https://y.io\")".into(), "struct S {}".into(), true),
        ("base_url(_ = \"https://x.io\")".into(), "struct S {}".into(), true),
        ("base_url(self = \"https://x.io\", Self = \"https://y.io\")".into(), "struct S {}".into(), true),
        ("base_url(a = \"https://\u{0}\")".into(), "struct S {}".into(), true),
        (
            "params(\"\" = \"\", \"\u{0}\" = \"\\u{0}\")".into(),
            "struct S { #[oauth(rename = \"\")] client_id: String }".into(),
            true,
        ),
        ("token_path = \"é://ü/ä\", refresh_path = \"://\", refresh = \"grant\"".into(), "struct S {}".into(), true),
        ("token_path = \"https://é\", base_url(a = \"https://é?#\")".into(), "struct S {}".into(), true),
        ("default_lifetime = -0, expires_in = 1".into(), "struct S {}".into(), true),
        ("default_lifetime = 0x_FF, grant = 'x'".into(), "struct S {}".into(), true),
        ("default_lifetime = 1e400".into(), "struct S {}".into(), true),
        ("default_lifetime = -99999999999999999999999999999999999999".into(), "struct S {}".into(), true),
        ("default_lifetime = \"-1\"".into(), "struct S {}".into(), true),
        ("name = r#\"raw \" name\"#, grant = b\"password\"".into(), "struct S {}".into(), true),
        ("#[oauth] grant = \"password\"".into(), "struct S {}".into(), true),
        ("= = = , , ,".into(), "struct S {}".into(), true),
        ("'a, 'static, $x, @".into(), "struct S {}".into(), true),
        (valid_pair.into(), "struct r#type { username: String, password: Secret }".into(), false),
        (valid_pair.into(), "struct S { r#type: String, password: Secret }".into(), true),
        (
            valid_pair.into(),
            "#[oauth(role = \"username\")] struct S { #[oauth(role = \"username\", role = \"password\")] u: String, password: Secret }".into(),
            true,
        ),
        (
            valid_pair.into(),
            "struct S { #[oauth(rename = \"\\u{0}\", rename = 1)] username: String, #[oauth(secret = true)] password: Secret }".into(),
            true,
        ),
    ];
    let mut cases: Vec<(TokenStream, TokenStream, bool)> =
        texts.iter().map(|(a, i, bad)| (lex(a), lex(i), *bad)).collect();
    // Tokens no lexer gives but a macro can build: invisible groups anywhere, odd literals.
    let none = |t: TokenStream| TokenTree::Group(Group::new(Delimiter::None, t));
    let eq = TokenTree::Punct(Punct::new('=', Spacing::Alone));
    let nul = TokenTree::Literal(Literal::string("a\0b\u{10ffff}\u{202e}"));
    cases.push((
        [none(quote!(grant)), eq.clone(), none(none(quote!("password")).into()), none(quote!(,))].into_iter().collect(),
        quote!(
            struct S {
                username: String,
                password: Secret,
            }
        ),
        true,
    ));
    cases.push((
        [none(quote!(grant = "password", token_path = "/t"))].into_iter().collect(),
        quote!(
            struct S {}
        ),
        true,
    ));
    cases.push((
        quote!(name #eq #nul, token_path #eq #nul),
        quote!(
            struct S {}
        ),
        true,
    ));
    cases.push((
        quote!(default_lifetime = 1.5),
        none(quote!(
            struct S {
                username: String,
            }
        ))
        .into(),
        true,
    ));
    cases.push((TokenStream::new(), TokenStream::new(), true));
    cases.push((
        [TokenTree::Literal(Literal::f64_unsuffixed(1e300)), TokenTree::Literal(Literal::u128_suffixed(u128::MAX))]
            .into_iter()
            .collect(),
        quote!(
            struct S {}
        ),
        true,
    ));
    for (args, item, bad) in &cases {
        if let Err(e) = check(args, item, *bad) {
            panic!("{e}\nargs: {args}\nitem: {item}");
        }
    }
}
