//! What to emit when the trait has errors: the errors, the trait with every operation declared
//! as it will be, and an implementation whose methods never complete, so that calls of the
//! operations (and an IDE completing them) see no error besides the real ones.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Ident, TraitItem};

use crate::api::ast::Input;
use crate::api::paginate::is_paginated;
use crate::symbol::{default_crate_path, private};
use oauth_codegen::operations::items::{Names, declare, impl_attrs, op_sig};

/// The errors, the trait, and, if it can have one, a stand-in implementation.
pub(crate) fn expand(input: &Input<'_>, errors: TokenStream) -> TokenStream {
    let item = input.item;
    // One declaration per name: a second would add rustc's "defined multiple times".
    let mut ops: Vec<&Ident> = Vec::new();
    for op in &input.ops {
        if !ops.contains(&op.ident()) {
            ops.push(op.ident());
        }
    }
    let futures: Vec<&Ident> = input
        .ops
        .iter()
        .filter(|op| (op.http.is_some() || op.misspelt || op.func.sig.asyncness.is_some()) && !is_paginated(op))
        .map(|op| op.ident())
        .collect();
    let mut seen: Vec<Ident> = Vec::new();
    let keep = |it: &TraitItem| match it {
        // Nothing could give these a value, and the errors say so.
        TraitItem::Const(c) => c.default.is_some(),
        TraitItem::Type(_) | TraitItem::Macro(_) => false,
        TraitItem::Fn(f) if f.default.is_none() || ops.contains(&&f.sig.ident) => {
            let fresh = !seen.contains(&f.sig.ident);
            seen.push(f.sig.ident.clone());
            fresh
        }
        _ => true,
    };
    // Methods that were neither async nor given an HTTP method keep their signature.
    let declared = declare(item, &ops, &futures, keep);
    let generic = !item.generics.params.is_empty() || item.generics.where_clause.is_some();
    let Some(clients) = input.args.clients.given().filter(|_| !generic) else {
        return quote!(#errors #declared);
    };
    let krate = input.args.krate.given().map_or_else(default_crate_path, |k| k.value.clone());
    let p = private(&krate);
    let stubs: Vec<TokenStream> = declared
        .items
        .iter()
        .filter_map(|it| match it {
            TraitItem::Fn(f) if f.default.is_none() => {
                let attrs = impl_attrs(&f.attrs);
                let sig = op_sig(&f.sig, Names::Ignored, false);
                let body = if futures.contains(&&f.sig.ident) {
                    quote!(::core::future::pending())
                } else {
                    quote!(::core::unreachable!())
                };
                Some(quote!(#attrs #sig { #body }))
            }
            _ => None,
        })
        .collect();
    let ident = &item.ident;
    // A client listed twice gets one stand-in: a second would add rustc's "conflicting
    // implementations" to the error already reported.
    let mut clients_seen: Vec<String> = Vec::new();
    let impls = clients
        .value
        .iter()
        .filter(|c| {
            let written = quote!(#c).to_string();
            let fresh = !clients_seen.contains(&written);
            clients_seen.push(written);
            fresh
        })
        .map(|client| {
            let client_ty = quote_spanned!(client.span()=> #p::Client<#client>);
            quote! {
                impl #ident for #client_ty {
                    #(#stubs)*
                }
            }
        });
    quote! {
        #errors

        #declared

        #(#impls)*
    }
}
