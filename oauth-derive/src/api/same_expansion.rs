//! One core behind two front ends: a trait the OpenAPI generator writes, expanded by this
//! macro, is the code the generator writes when it expands the same operations itself
//! (`Options::expanded`). Both lower into `oauth_codegen::operations` and the core expands.

use quote::ToTokens;
use syn::{File, Item};

fn generate(path: &str, expanded: bool) -> File {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{path}: {e} (the real documents come from scripts/fetch-openapi.sh)"));
    let mut options = oauth_codegen::Options::default();
    options.expanded = expanded;
    if !path.ends_with("shop.yaml") {
        options.providers.push("crate::Vendor".into());
    }
    let generated = oauth_codegen::generate(&text, path, &options).expect("the document generates");
    syn::parse_file(&generated.source).expect("the generated module parses")
}

/// The declared module with each `#[oauth_api]` trait replaced by this macro's expansion.
fn through_the_macro(mut file: File) -> (File, usize) {
    let mut items = Vec::new();
    let mut traits = 0;
    for item in file.items {
        let Item::Trait(mut declared) = item else {
            items.push(item);
            continue;
        };
        let at = declared.attrs.iter().position(|a| a.path().segments.last().is_some_and(|s| s.ident == "oauth_api"));
        let attr = declared.attrs.remove(at.expect("the generated trait is an #[oauth_api] trait"));
        let args = attr.meta.require_list().expect("#[oauth_api(..)]").tokens.clone();
        let expansion = super::oauth_api(args, declared.into_token_stream());
        items.extend(syn::parse2::<File>(expansion).expect("the expansion parses").items);
        traits += 1;
    }
    file.items = items;
    (file, traits)
}

fn assert_same(path: &str) {
    let (declared, traits) = through_the_macro(generate(path, false));
    assert_eq!(traits, 1, "{path}: one trait");
    let expanded = generate(path, true);
    let (macro_text, core_text) = (prettyplease::unparse(&declared), prettyplease::unparse(&expanded));
    assert!(core_text.contains("::core::marker::Send + 'static"), "{path}: the expansion's futures");
    assert!(!core_text.contains("oauth_api"), "{path}: no macro left to run");
    if macro_text != core_text {
        let line = macro_text.lines().zip(core_text.lines()).position(|(a, b)| a != b).unwrap_or(0);
        panic!(
            "{path}: the macro and the generator expand differently from line {line}:\n{}\n---\n{}",
            macro_text.lines().skip(line).take(8).collect::<Vec<_>>().join("\n"),
            core_text.lines().skip(line).take(8).collect::<Vec<_>>().join("\n"),
        );
    }
}

#[test]
fn the_fixture_expands_alike() {
    assert_same(concat!(env!("CARGO_MANIFEST_DIR"), "/../oauth-codegen/tests/fixtures/shop.yaml"));
}

/// Every operation of GitHub's description (query pairs, headers, bodies, paths by wire name,
/// declared errors), and the 3.1 documents.
#[test]
fn real_documents_expand_alike() {
    for doc in ["github/api.github.com.json", "figma/openapi.yaml", "apis-guru/vercel.com.json"] {
        assert_same(&format!("{}/../target/openapi/{doc}", env!("CARGO_MANIFEST_DIR")));
    }
}
