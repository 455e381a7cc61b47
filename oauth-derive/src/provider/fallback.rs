//! What to emit when the item has errors: the errors, the struct itself, and stand-ins for the
//! generated items, so that code using the struct, its client type, its base-URL constants and
//! its `Provider` methods does not add "cannot find" errors on top of the real ones.

use proc_macro2::TokenStream;
use quote::quote;

use crate::provider::ast::{Input, strip};
use crate::provider::items::ClientApi;
use crate::provider::model::BaseUrl;
use crate::symbol::{default_crate_path, private, unraw};

/// The errors, the item, and, if the item can carry them, stand-in impls.
pub(crate) fn expand(input: &Input<'_>, errors: TokenStream) -> TokenStream {
    let item = strip(input.item);
    // A generic item would need its parameters on every impl; the errors say to remove them.
    let generics = &item.generics;
    if !generics.params.is_empty() || generics.where_clause.is_some() {
        return quote!(#errors #item);
    }
    let args = &input.args;
    let krate = args.krate.given().map_or_else(default_crate_path, |k| k.value.clone());
    let p = private(&krate);
    let ident = &item.ident;
    let name = args.name.given().map_or_else(|| unraw(ident), |n| n.value.clone());
    // Only base URLs whose const name is usable; their values may be wrong, they are never used.
    let base_urls: Vec<BaseUrl> = args
        .base_urls
        .given()
        .map(|urls| {
            urls.value
                .iter()
                .filter_map(|pair| {
                    Some(BaseUrl {
                        name: pair.key_string(),
                        konst: pair.const_ident()?,
                        url: pair.value.value.clone(),
                        auth_url: None,
                        authorization_url: None,
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    let mut seen = Vec::new();
    let base_urls: Vec<BaseUrl> = base_urls
        .into_iter()
        .filter(|b| {
            let fresh = !seen.contains(&b.konst);
            seen.push(b.konst.clone());
            fresh
        })
        .collect();
    let api = ClientApi { ident, vis: &item.vis, p: &p, name: &name, base_urls: &base_urls };
    let alias = api.alias();
    let consts = api.base_url_consts();
    quote! {
        #errors

        #item

        #alias

        const _: () = {
            impl #p::Provider for #ident {
                const SPEC: &'static #p::ProviderSpec =
                    &#p::ProviderSpec::minimal(#name, "/");

                fn credentials(self) -> ::std::vec::Vec<#p::Credential> {
                    ::std::vec::Vec::new()
                }
            }

            #consts
        };
    }
}
