//! Code generation: the struct, its `Provider` impl, its client type and base-URL constants.
//!
//! The generated code only describes the vendor; all behaviour lives in `oauth-runtime`. The
//! client constructors are the `Provider` trait's provided methods, so nothing is generated on
//! the struct that could collide with the user's own items, except the base-URL constants whose
//! names the user chooses in `base_url(..)`. The spec is built with the runtime's `const fn`
//! constructors, never struct literals, so the runtime can add settings without breaking it.

use proc_macro2::{Literal, TokenStream};
use quote::{quote, quote_spanned};
use syn::DeriveInput;
use syn::spanned::Spanned;

use crate::provider::items::ClientApi;
use crate::provider::model::{Expiry, Refresh, Spec};
use crate::respan::respan;
use crate::symbol::{BodyStyle, ClientAuth, Grant, InstantFormat, Role, private};

/// The code for a checked provider.
pub(crate) fn expand(spec: &Spec, item: &DeriveInput) -> TokenStream {
    let ident = &spec.ident;
    let p = private(&spec.krate);
    let spec_expr = spec_expr(spec, &p);
    let credentials = spec.fields.iter().map(|f| {
        let (ty, member) = (&f.ty, &f.member);
        // Every token is at the field's type, so that rustc reports a wrong type there. A secret
        // goes through a trait only the runtime's `Secret` implements, so that a type merely
        // named `Secret` does not compile; its type keeps its own spans, so that the error
        // underlines all of it.
        if f.secret {
            let (span, p) = (ty.span(), respan(p.clone(), ty.span()));
            quote_spanned!(span=> <#ty as #p::IsSecret>::into_secret_credential(self.#member))
        } else {
            respan(quote!(<#p::Credential as ::core::convert::From<#ty>>::from(self.#member)), ty.span())
        }
    });
    let api = ClientApi { ident, vis: &spec.vis, p: &p, name: &spec.name, base_urls: &spec.base_urls };
    let alias = api.alias();
    let consts = api.base_url_consts();
    quote! {
        #item

        #alias

        const _: () = {
            #[automatically_derived]
            impl #p::Provider for #ident {
                const SPEC: &'static #p::ProviderSpec = &#spec_expr;

                fn credentials(self) -> ::std::vec::Vec<#p::Credential> {
                    ::std::vec::Vec::from([#(#credentials),*])
                }
            }

            #consts
        };
    }
}

/// The `ProviderSpec::new(..).with_..(..)` expression. Settings at their defaults are written
/// out anyway, so that the expansion reads as a complete description.
fn spec_expr(spec: &Spec, p: &TokenStream) -> TokenStream {
    let name = &spec.name;
    let base_urls = spec.base_urls.iter().map(|b| {
        let (name, url) = (&b.name, &b.url);
        match &b.auth_url {
            Some(auth) => quote!(#p::BaseUrl::new(#name, #url).with_auth_url(#auth)),
            None => quote!(#p::BaseUrl::new(#name, #url)),
        }
    });
    let path = &spec.token_path;
    let grant = match spec.grant {
        Grant::Password => quote!(#p::Grant::Password),
        Grant::ClientCredentials => quote!(#p::Grant::ClientCredentials),
    };
    let send_grant_type = spec.send_grant_type;
    let body_style = match spec.body_style {
        BodyStyle::Form => quote!(#p::BodyStyle::Form),
        BodyStyle::Json => quote!(#p::BodyStyle::Json),
        BodyStyle::FormGrantInQuery => quote!(#p::BodyStyle::FormGrantInQuery),
    };
    let client_auth = match spec.client_auth {
        ClientAuth::Body => quote!(#p::ClientAuth::Body),
        ClientAuth::Basic => quote!(#p::ClientAuth::Basic),
        ClientAuth::BasicRaw => quote!(#p::ClientAuth::BasicRaw),
        ClientAuth::None => quote!(#p::ClientAuth::None),
    };
    let params = spec.params.iter().map(|(k, v)| quote!((#k, #v)));
    let fields = spec.fields.iter().map(|f| {
        let (wire, secret) = (&f.wire, f.secret);
        let role = match f.role {
            Role::ClientId => quote!(#p::Role::ClientId),
            Role::ClientSecret => quote!(#p::Role::ClientSecret),
            Role::Username => quote!(#p::Role::Username),
            Role::Password => quote!(#p::Role::Password),
            Role::Param => quote!(#p::Role::Param),
        };
        quote!(#p::FieldSpec::new(#wire, #role).with_secret(#secret))
    });
    let refresh = match &spec.refresh {
        Refresh::Regrant => quote!(#p::Refresh::Regrant),
        Refresh::RefreshTokenGrant { path, param } => quote!(#p::Refresh::refresh_token_grant(#path, #param)),
        Refresh::Endpoint { path, param } => quote!(#p::Refresh::endpoint(#path, #param)),
    };
    let r = &spec.response;
    let (access_token, token_type, refresh_token) = (&r.access_token, &r.token_type, &r.refresh_token);
    let expiry = match &r.expiry {
        Expiry::In(field) => quote!(#p::Expiry::expires_in(#field)),
        Expiry::At(field, format) => {
            let format = match format {
                InstantFormat::Rfc3339 => quote!(#p::InstantFormat::Rfc3339),
                InstantFormat::HttpDate => quote!(#p::InstantFormat::HttpDate),
                InstantFormat::EpochMillis => quote!(#p::InstantFormat::EpochMillis),
                InstantFormat::EpochSeconds => quote!(#p::InstantFormat::EpochSeconds),
            };
            quote!(#p::Expiry::at(#field, #format))
        }
        Expiry::None => quote!(#p::Expiry::None),
    };
    let lifetime = Literal::u64_unsuffixed(r.default_lifetime);
    quote! {
        #p::ProviderSpec::new(
            #name,
            #p::TokenEndpoint::new(#path, #grant)
                .with_send_grant_type(#send_grant_type)
                .with_body_style(#body_style)
                .with_client_auth(#client_auth)
                .with_params(&[#(#params),*]),
        )
        .with_base_urls(&[#(#base_urls),*])
        .with_fields(&[#(#fields),*])
        .with_refresh(#refresh)
        .with_response(
            #p::ResponseSpec::STANDARD
                .with_access_token(#access_token)
                .with_token_type(#token_type)
                .with_refresh_token(#refresh_token)
                .with_expiry(#expiry)
                .with_default_lifetime(::core::time::Duration::from_secs(#lifetime)),
        )
    }
}
