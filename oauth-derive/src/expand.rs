//! Code generation: the struct, its `Provider` impl and its client constructors.
//!
//! The generated code only describes the vendor; all behaviour lives in `oauth-runtime`.

use proc_macro2::{Group, Literal, Span, TokenStream, TokenTree};
use quote::{format_ident, quote};
use syn::spanned::Spanned;
use syn::{DeriveInput, Ident, Path, Visibility};

use crate::ast::{Input, strip};
use crate::ctxt::Ctxt;
use crate::model::{Auth, BaseUrl, Expiry, Grant, InstantFormat, Refresh, Role, Spec, Style};
use crate::{fallback, valid};

/// The whole attribute: read, check, then expand, or fall back with every error.
pub(crate) fn oauth_provider(args: TokenStream, input: TokenStream) -> TokenStream {
    let item: DeriveInput = match syn::parse2(input.clone()) {
        Ok(item) => item,
        Err(_) => {
            let err = syn::Error::new(
                Span::call_site(),
                "#[oauth_provider] goes on a struct whose named fields hold the credentials, \
                 e.g. `struct Vendor { client_id: String, client_secret: Secret }`",
            )
            .into_compile_error();
            return quote!(#input #err);
        }
    };
    let mut cx = Ctxt::default();
    let input = Input::from_syn(&item, args, &mut cx);
    valid::check(&input, &mut cx);
    if cx.is_ok() {
        if let Some(spec) = Spec::new(&input) {
            return expand(&spec, &strip(&item));
        }
        cx.error_at(
            Span::call_site(),
            "internal error in #[oauth_provider]: a setting passed the checks but is missing; \
             please report this",
        );
    }
    fallback::expand(&input, cx.into_compile_errors())
}

/// The code for a checked provider.
pub(crate) fn expand(spec: &Spec, item: &DeriveInput) -> TokenStream {
    let ident = &spec.ident;
    let p = private(&spec.krate);
    let spec_expr = spec_expr(spec, &p);
    let credentials = spec.fields.iter().map(|f| {
        let (ty, member) = (&f.ty, &f.member);
        // Every token at the field's type, so that rustc reports an unsupported type there.
        let from = quote!(<#p::Credential as ::core::convert::From<#ty>>::from(self.#member));
        respan(from, ty.span())
    });
    let api = ClientApi {
        ident,
        vis: &spec.vis,
        p: &p,
        name: &spec.name,
        token_path: Some(&spec.token_path),
        base_urls: &spec.base_urls,
    };
    let alias = api.alias();
    let inherent = api.inherent_impl();
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

            #inherent
        };
    }
}

/// `path::to::oauth_runtime::__private`, where generated code finds everything.
pub(crate) fn private(krate: &Path) -> TokenStream {
    quote!(#krate::__private)
}

/// The `ProviderSpec { .. }` expression.
fn spec_expr(spec: &Spec, p: &TokenStream) -> TokenStream {
    let name = &spec.name;
    let base_urls = spec.base_urls.iter().map(|b| {
        let (name, url) = (&b.name, &b.url);
        quote!(#p::BaseUrl { name: #name, url: #url })
    });
    let path = &spec.token_path;
    let grant = match spec.grant {
        Grant::Password => quote!(#p::Grant::Password),
        Grant::ClientCredentials => quote!(#p::Grant::ClientCredentials),
    };
    let send_grant_type = spec.send_grant_type;
    let style = match spec.style {
        Style::Form => quote!(#p::BodyStyle::Form),
        Style::Json => quote!(#p::BodyStyle::Json),
        Style::FormGrantInQuery => quote!(#p::BodyStyle::FormGrantInQuery),
    };
    let auth = match spec.auth {
        Auth::Body => quote!(#p::ClientAuth::Body),
        Auth::Basic => quote!(#p::ClientAuth::Basic),
        Auth::BasicRaw => quote!(#p::ClientAuth::BasicRaw),
        Auth::None => quote!(#p::ClientAuth::None),
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
        quote!(#p::FieldSpec { name: #wire, role: #role, secret: #secret })
    });
    let refresh = match &spec.refresh {
        Refresh::Regrant => quote!(#p::Refresh::Regrant),
        Refresh::Grant { path, param } => {
            quote!(#p::Refresh::RefreshTokenGrant { path: #path, param: #param })
        }
        Refresh::Endpoint { path, param } => {
            quote!(#p::Refresh::Endpoint { path: #path, param: #param })
        }
    };
    let r = &spec.response;
    let (access_token, token_type, refresh_token) = (&r.access_token, &r.token_type, &r.refresh_token);
    let expiry = match &r.expiry {
        Expiry::In(field) => quote!(#p::Expiry::ExpiresIn(#field)),
        Expiry::At(field, format) => {
            let format = match format {
                InstantFormat::Rfc3339 => quote!(#p::InstantFormat::Rfc3339),
                InstantFormat::HttpDate => quote!(#p::InstantFormat::HttpDate),
                InstantFormat::EpochMillis => quote!(#p::InstantFormat::EpochMillis),
                InstantFormat::EpochSeconds => quote!(#p::InstantFormat::EpochSeconds),
            };
            quote!(#p::Expiry::At(#field, #format))
        }
        Expiry::None => quote!(#p::Expiry::None),
    };
    let lifetime = Literal::u64_unsuffixed(r.default_lifetime);
    quote! {
        #p::ProviderSpec {
            name: #name,
            base_urls: &[#(#base_urls),*],
            token: #p::TokenEndpoint {
                path: #path,
                grant: #grant,
                send_grant_type: #send_grant_type,
                style: #style,
                client_auth: #auth,
                params: &[#(#params),*],
            },
            fields: &[#(#fields),*],
            refresh: #refresh,
            response: #p::ResponseSpec {
                access_token: #access_token,
                token_type: #token_type,
                refresh_token: #refresh_token,
                expiry: #expiry,
                default_lifetime: ::core::time::Duration::from_secs(#lifetime),
            },
        }
    }
}

/// The user-facing items, shared with the fallback so that one mistake in the attribute does
/// not also break every use of the client.
pub(crate) struct ClientApi<'a> {
    pub ident: &'a Ident,
    pub vis: &'a Visibility,
    pub p: &'a TokenStream,
    /// Vendor name, for the docs.
    pub name: &'a str,
    /// For the docs, when known.
    pub token_path: Option<&'a str>,
    pub base_urls: &'a [BaseUrl],
}

impl ClientApi<'_> {
    /// `type VendorClient = Client<Vendor>;`
    pub(crate) fn alias(&self) -> TokenStream {
        let (ident, vis, p) = (self.ident, self.vis, self.p);
        let alias = format_ident!("{}Client", crate::ast::unraw(ident), span = ident.span());
        let doc = doc(&format!("Typed client for [`{}`].", crate::ast::unraw(ident)));
        quote! {
            #doc
            #vis type #alias = #p::Client<#ident>;
        }
    }

    /// The base URL constants and the client constructors.
    pub(crate) fn inherent_impl(&self) -> TokenStream {
        let (ident, p, name) = (self.ident, self.p, self.name);
        let endpoint = match self.token_path {
            Some(path) => format!(" from `POST {path}`"),
            None => String::new(),
        };
        let builder_doc = format!(
            "Starts a client for {name} that gets tokens with these credentials{endpoint}.\n\n\
             Set the base URL (`.base_url(..)` or `.environment(..)`), then `.build()`."
        );
        let client_doc = format!(
            "A client for {name} that gets tokens with these credentials{endpoint} under \
             `base_url`.\n\n\
             # Errors\n\n\
             When `base_url` is not a valid base URL, or the client cannot be built."
        );
        let consts = self.base_urls.iter().map(|b| {
            let (konst, url) = (&b.konst, &b.url);
            let text = format!(
                "{name}'s `{}` base URL, `{url}`: pass it to [`Self::client`], or pick it with \
                 `.environment(\"{}\")`.",
                b.name, b.name
            );
            let doc = doc(&text);
            quote! {
                #doc
                pub const #konst: &'static str = #url;
            }
        });
        let (builder_doc, client_doc) = (doc(&builder_doc), doc(&client_doc));
        quote! {
            #[automatically_derived]
            impl #ident {
                #(#consts)*

                #builder_doc
                pub fn client_builder(self) -> #p::ClientBuilder<Self> {
                    #p::Client::builder(self)
                }

                #client_doc
                pub fn client(
                    self,
                    base_url: &str,
                ) -> ::core::result::Result<#p::Client<Self>, #p::Error> {
                    #p::Client::builder(self).base_url(base_url).build()
                }
            }
        }
    }
}

/// `#[doc]` attributes, one per line, each with the space that `///` would give.
fn doc(text: &str) -> TokenStream {
    text.lines()
        .map(|line| {
            let line = if line.is_empty() { String::new() } else { format!(" {line}") };
            quote!(#[doc = #line])
        })
        .collect()
}

/// `tokens` with every span set to `span`.
fn respan(tokens: TokenStream, span: Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut tree| {
            if let TokenTree::Group(group) = &tree {
                let mut respanned = Group::new(group.delimiter(), respan(group.stream(), span));
                respanned.set_span(span);
                tree = TokenTree::Group(respanned);
            } else {
                tree.set_span(span);
            }
            tree
        })
        .collect()
}
