//! The model into Rust source: the types as serde types, the operations as an `#[oauth_api]`
//! trait (or, [`expanded`](crate::Options::expanded), that trait as the core expands it), the
//! OAuth2 flows as `#[oauth_provider]` declarations; formatted.
//!
//! Paths are absolute (`::serde::Serialize`, `::oauth_runtime::Error`) so the module can be
//! included anywhere; it holds no inner attributes, so that `include!` accepts it.

mod api;
mod lower;
mod provider;
mod types;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::ir::{Module, TypeRef};

/// The module's items: with `expanded`, the operations' trait and implementations as the
/// generator core writes them, else the `#[oauth_api]` trait that expands to them.
///
/// # Errors
///
/// If the trait does not parse: a bug of the generator.
pub fn module(module: &Module, expanded: bool) -> Result<TokenStream, syn::Error> {
    let types = module.types.iter().map(types::type_def);
    let providers = module.providers.iter().map(provider::provider);
    let mut api = api::api(&module.api);
    if expanded && !api.is_empty() {
        let declaration: syn::ItemTrait = syn::parse2(api)?;
        api = crate::operations::expand(&lower::api(&module.api, &declaration)?);
    }
    let date = module.types.iter().any(types::needs_date_format).then(types::date_format);
    Ok(quote! {
        #date
        #(#providers)*
        #api
        #(#types)*
    })
}

/// The module as formatted source, its documentation as a header comment.
///
/// # Errors
///
/// If the tokens do not parse as a file: a bug of the generator, reported rather than written.
pub fn source(module: &Module, expanded: bool) -> Result<String, syn::Error> {
    let file: syn::File = syn::parse2(self::module(module, expanded)?)?;
    let mut out = String::new();
    for line in &module.docs {
        out.push_str("// ");
        out.push_str(line);
        out.push('\n');
    }
    if !module.docs.is_empty() {
        out.push('\n');
    }
    out.push_str(&prettyplease::unparse(&file));
    Ok(out)
}

/// An identifier, raw when written `r#..`.
pub(crate) fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// `#[doc = ".."]` per line.
pub(crate) fn docs(lines: &[String]) -> TokenStream {
    let lines = lines.iter().map(|line| format!(" {line}"));
    quote!(#(#[doc = #lines])*)
}

/// A type's tokens.
pub(crate) fn ty(t: &TypeRef) -> TokenStream {
    match t {
        TypeRef::Named(name) => {
            let name = ident(name);
            quote!(#name)
        }
        TypeRef::String => quote!(::std::string::String),
        TypeRef::Str => quote!(&str),
        TypeRef::Bool => quote!(bool),
        TypeRef::I32 => quote!(i32),
        TypeRef::I64 => quote!(i64),
        TypeRef::F64 => quote!(f64),
        TypeRef::Value => quote!(::serde_json::Value),
        TypeRef::DateTime => quote!(::time::OffsetDateTime),
        TypeRef::Date => quote!(::time::Date),
        TypeRef::Bytes => quote!(::std::vec::Vec<u8>),
        TypeRef::File => quote!(::oauth_runtime::multipart::FilePart),
        TypeRef::Multipart => quote!(::oauth_runtime::Multipart),
        TypeRef::Vec(inner) => {
            let inner = ty(inner);
            quote!(::std::vec::Vec<#inner>)
        }
        TypeRef::Map(inner) => {
            let inner = ty(inner);
            quote!(::std::collections::BTreeMap<::std::string::String, #inner>)
        }
        TypeRef::Option(inner) => {
            let inner = ty(inner);
            quote!(::std::option::Option<#inner>)
        }
        TypeRef::Boxed(inner) => {
            let inner = ty(inner);
            quote!(::std::boxed::Box<#inner>)
        }
        TypeRef::Ref(inner) => {
            let inner = ty(inner);
            quote!(&#inner)
        }
        TypeRef::Slice(inner) => {
            let inner = ty(inner);
            quote!(&[#inner])
        }
    }
}
