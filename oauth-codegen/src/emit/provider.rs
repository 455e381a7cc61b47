//! A document's OAuth2 flow as an `#[oauth_provider]` declaration: the credentials struct
//! whose client the API trait is implemented for.

use proc_macro2::TokenStream;
use quote::quote;

use super::{docs, ident};
use crate::ir::ProviderDecl;

pub(super) fn provider(p: &ProviderDecl) -> TokenStream {
    let mut lines = p.docs.clone();
    if !p.scopes.is_empty() {
        lines.push(String::new());
        lines.push("Scopes:".to_owned());
        lines.extend(p.scopes.iter().map(|(scope, what)| format!("- `{scope}`: {what}")));
    }
    if let Some(scope) = &p.default_scope {
        lines.push(String::new());
        lines.push(format!(
            "A person is asked for the scopes the generated operations need: `{scope}`. A handle's \
             `TokenParams::scope` asks for others instead (`client.with_token_params(..)`, before `authorize`)."
        ));
    }
    let doc = docs(&lines);
    let name = ident(&p.name);
    let grant = p.grant;
    let token_path = &p.token_path;
    let client_auth = p.client_auth;
    let mut keys = vec![quote!(grant = #grant), quote!(token_path = #token_path), quote!(client_auth = #client_auth)];
    if let Some(path) = &p.refresh_path {
        keys.push(quote!(refresh = "refresh_token_grant", refresh_path = #path));
    } else if matches!(grant, "authorization_code" | "device_code" | "refresh_token") {
        keys.push(quote!(refresh = "refresh_token_grant"));
    }
    if let Some(path) = &p.authorization_path {
        keys.push(quote!(authorization_path = #path));
    }
    if let Some(path) = &p.device_authorization_path {
        keys.push(quote!(device_authorization_path = #path));
    }
    if let Some(scope) = &p.default_scope {
        keys.push(quote!(params(scope = #scope)));
    }
    if let Some(url) = &p.base_url {
        keys.push(quote!(base_url(production = #url)));
        if let Some(auth) = &p.auth_base_url {
            keys.push(quote!(auth_base_url(production = #auth)));
        }
        if let Some(authorize) = &p.authorization_base_url {
            keys.push(quote!(authorization_base_url(production = #authorize)));
        }
    }
    let fields = p.fields.iter().map(|(field, secret)| {
        let field = ident(field);
        let doc = format!(" The `{field}` credential.");
        if *secret {
            quote!(#[doc = #doc] pub #field: ::oauth_runtime::Secret,)
        } else {
            quote!(#[doc = #doc] pub #field: ::std::string::String,)
        }
    });
    quote! {
        #doc
        #[derive(Clone)]
        #[::oauth_runtime::oauth_provider(#(#keys),*)]
        pub struct #name {
            #(#fields)*
        }
    }
}
