//! The items users name, shared by the expansion and the fallback: with a mistake in the
//! attribute, code using the client type and the base-URL constants still compiles.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{Ident, Visibility};

use crate::provider::model::BaseUrl;
use crate::respan::doc;
use crate::symbol::unraw;

/// The user-facing items, shared with the fallback so that one mistake in the attribute does
/// not also break every use of the client.
pub(crate) struct ClientApi<'a> {
    pub ident: &'a Ident,
    pub vis: &'a Visibility,
    pub p: &'a TokenStream,
    /// Vendor name, for the docs.
    pub name: &'a str,
    pub base_urls: &'a [BaseUrl],
}

impl ClientApi<'_> {
    /// `type VendorClient = Client<Vendor>;`
    pub(crate) fn alias(&self) -> TokenStream {
        let (ident, vis, p) = (self.ident, self.vis, self.p);
        let alias = format_ident!("{}Client", unraw(ident), span = ident.span());
        let doc = doc(&format!(
            "Typed client for [`{0}`]: build one with `{0}::client(..)` or `{0}::client_builder()` \
             (methods of the `Provider` trait).",
            unraw(ident)
        ));
        quote! {
            #doc
            #vis type #alias = #p::Client<#ident>;
        }
    }

    /// One associated `const` per named base URL, named by the user in `base_url(..)`; nothing
    /// when there are none.
    pub(crate) fn base_url_consts(&self) -> TokenStream {
        if self.base_urls.is_empty() {
            return TokenStream::new();
        }
        let (ident, name) = (self.ident, self.name);
        let consts = self.base_urls.iter().map(|b| {
            let (konst, url) = (&b.konst, &b.url);
            let mut text = format!(
                "{name}'s `{}` base URL, `{url}`: pass it to `client(..)`, or pick it with \
                 `.environment(\"{}\")`.",
                b.name, b.name
            );
            if let Some(auth) = &b.auth_url {
                text.push_str(&format!(" Tokens come from `{auth}`."));
            }
            if let Some(url) = &b.authorization_url {
                text.push_str(&format!(" People authorize at `{url}`."));
            }
            let doc = doc(&text);
            quote! {
                #doc
                pub const #konst: &'static str = #url;
            }
        });
        quote! {
            #[automatically_derived]
            impl #ident {
                #(#consts)*
            }
        }
    }
}
