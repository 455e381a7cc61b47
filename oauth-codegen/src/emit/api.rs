//! The operations as an `#[oauth_api]` trait: one method per operation, as a user would
//! declare it, so that the macro checks and expands generated and hand-written code alike.

use proc_macro2::TokenStream;
use quote::quote;

use super::{docs, ident, ty};
use crate::{
    ir::{Api, Arg, ArgKind, Operation, QueryStyle, Success},
    names::unraw,
};

/// The trait, or nothing when there are no operations.
pub(super) fn api(api: &Api) -> TokenStream {
    if api.ops.is_empty() {
        return TokenStream::new();
    }
    let doc = docs(&api.docs);
    let name = ident(&api.name);
    let clients: Vec<syn::Path> = api.clients.iter().filter_map(|c| syn::parse_str(c).ok()).collect();
    let client = match clients.as_slice() {
        [one] => quote!(client = #one),
        many => quote!(client(#(#many),*)),
    };
    let ops = api.ops.iter().map(operation);
    quote! {
        #doc
        #[::oauth_runtime::oauth_api(#client)]
        pub trait #name {
            #(#ops)*
        }
    }
}

fn operation(op: &Operation) -> TokenStream {
    let doc = docs(&op.docs);
    let method = ident(op.method.attr());
    let path = &op.path;
    let mut options = Vec::new();
    if let Some(name) = &op.trace_name {
        options.push(quote!(name = #name));
    }
    if let Some(error) = &op.error {
        let error = ty(error);
        options.push(quote!(error = #error));
    }
    if !op.scopes.is_empty() {
        let scopes = op.scopes.join(" ");
        options.push(quote!(scopes = #scopes));
    }
    let name = ident(&op.ident);
    let args = op.args.iter().map(arg);
    let ok = match &op.success {
        Success::Empty => quote!(()),
        Success::Text => quote!(::std::string::String),
        Success::Bytes => quote!(::std::vec::Vec<u8>),
        Success::Json(t) => ty(t),
    };
    // Clippy's limit is seven; a vendor's operation takes what it takes.
    let allow = (op.args.len() > 6).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    quote! {
        #doc
        #allow
        #[#method(#path #(, #options)*)]
        async fn #name(&self #(, #args)*) -> ::std::result::Result<#ok, ::oauth_runtime::Error>;
    }
}

fn arg(arg: &Arg) -> TokenStream {
    let name = ident(&arg.ident);
    let t = ty(&arg.ty);
    let wire = &arg.wire;
    let same = unraw(&arg.ident) == arg.wire;
    let attr = match &arg.kind {
        ArgKind::Path if same => quote!(),
        ArgKind::Path => quote!(#[path(#wire)]),
        ArgKind::Query(QueryStyle::Repeated) if same => quote!(#[query]),
        ArgKind::Query(QueryStyle::Repeated) => quote!(#[query(#wire)]),
        ArgKind::Query(style) => {
            let style = style.attr();
            if same { quote!(#[query(style = #style)]) } else { quote!(#[query(#wire, style = #style)]) }
        }
        ArgKind::QueryFlatten => quote!(#[query(flatten)]),
        ArgKind::Header => quote!(#[header(#wire)]),
        ArgKind::Json => quote!(#[json]),
        ArgKind::Form => quote!(#[form]),
        ArgKind::Bytes { content_type } => quote!(#[body(#content_type)]),
        ArgKind::Multipart => quote!(#[multipart]),
    };
    quote!(#attr #name: #t)
}
