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
use crate::provider::model::{
    Assertion, Audience, ErrorShape, Expiry, GrantSpec, Presentation, Refresh, Response, Spec,
};
use crate::provider::path::FieldPathArg;
use crate::respan::respan;
use crate::symbol::{
    AssertionScope, BodyStyle, ClientAuth, DpopAlg, Grant, InstantFormat, ResponseFormat, Role, SigningAlg,
    TokenScheme, private,
};

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
        if f.role == Role::SigningKey {
            // Likewise, only the runtime's `SigningKey` is a key.
            let (span, p) = (ty.span(), respan(p.clone(), ty.span()));
            quote_spanned!(span=> <#ty as #p::IsSigningKey>::into_key_credential(self.#member))
        } else if f.role == Role::ClientCertificate {
            let (span, p) = (ty.span(), respan(p.clone(), ty.span()));
            quote_spanned!(span=> <#ty as #p::IsClientIdentity>::into_identity_credential(self.#member))
        } else if f.secret {
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
        let auth = b.auth_url.as_ref().map(|auth| quote!(.with_auth_url(#auth)));
        let authorize = b.authorization_url.as_ref().map(|url| quote!(.with_authorization_url(#url)));
        quote!(#p::BaseUrl::new(#name, #url) #auth #authorize)
    });
    let path = &spec.token_path;
    let grant = match &spec.grant {
        GrantSpec::Known(Grant::Password) => quote!(#p::Grant::Password),
        GrantSpec::Known(Grant::ClientCredentials) => quote!(#p::Grant::ClientCredentials),
        GrantSpec::Known(Grant::TokenExchange) => quote!(#p::Grant::TokenExchange),
        GrantSpec::Known(Grant::JwtBearer) => quote!(#p::Grant::JwtBearer),
        GrantSpec::Known(Grant::RefreshToken) => quote!(#p::Grant::RefreshToken),
        GrantSpec::Known(Grant::DeviceCode) => quote!(#p::Grant::DeviceCode),
        GrantSpec::Known(Grant::AuthorizationCode) => quote!(#p::Grant::AuthorizationCode),
        GrantSpec::Custom(name) => quote!(#p::Grant::custom(#name)),
    };
    let endpoints = {
        let revocation = spec.revocation_path.as_ref().map(|path| quote!(.with_revocation_path(#path)));
        let issuer = spec.issuer.as_ref().map(|issuer| quote!(.with_issuer(#issuer)));
        quote!(#revocation #issuer)
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
        ClientAuth::Tls => quote!(#p::ClientAuth::Tls),
        ClientAuth::SelfSignedTls => quote!(#p::ClientAuth::SelfSignedTls),
        ClientAuth::PrivateKeyJwt => quote!(#p::ClientAuth::PrivateKeyJwt),
        ClientAuth::ClientSecretJwt => quote!(#p::ClientAuth::ClientSecretJwt),
    };
    let assertion = spec.assertion.as_ref().map(|a| {
        let a = assertion_expr(a, p);
        quote!(.with_assertion(#a))
    });
    let params = spec.params.iter().map(|(k, v)| quote!((#k, #v)));
    let fields = spec.fields.iter().map(|f| {
        let (wire, secret) = (&f.wire, f.secret);
        let role = match f.role {
            Role::ClientId => quote!(#p::Role::ClientId),
            Role::ClientSecret => quote!(#p::Role::ClientSecret),
            Role::Username => quote!(#p::Role::Username),
            Role::Password => quote!(#p::Role::Password),
            Role::Param => quote!(#p::Role::Param),
            Role::ClientCertificate => quote!(#p::Role::ClientCertificate),
            Role::SigningKey => quote!(#p::Role::SigningKey),
        };
        quote!(#p::FieldSpec::new(#wire, #role).with_secret(#secret))
    });
    let refresh = match &spec.refresh {
        Refresh::Regrant => quote!(#p::Refresh::Regrant),
        Refresh::RefreshTokenGrant { path, param } => quote!(#p::Refresh::refresh_token_grant(#path, #param)),
        Refresh::Endpoint { path, param } => quote!(#p::Refresh::endpoint(#path, #param)),
    };
    let response = response_expr(&spec.response, p);
    let presentation = match spec.presentation {
        Presentation::Bearer => quote!(#p::Presentation::Bearer),
        Presentation::Dpop(alg) => {
            let alg = match alg {
                DpopAlg::Es256 => quote!(#p::DpopAlg::Es256),
                DpopAlg::Rs256 => quote!(#p::DpopAlg::Rs256),
                DpopAlg::Ps256 => quote!(#p::DpopAlg::Ps256),
            };
            quote!(#p::Presentation::dpop(#alg))
        }
    };
    // Written only when declared, so that the other grants' expansions stay as they were.
    let authorization = spec.authorization.is_declared().then(|| {
        let a = &spec.authorization;
        let base = match (&a.device_path, &a.authorization_path) {
            (Some(device), _) => quote!(#p::AuthorizationEndpoints::device(#device)),
            (None, Some(code)) => quote!(#p::AuthorizationEndpoints::code(#code)),
            (None, None) => quote!(#p::AuthorizationEndpoints::NONE),
        };
        let par = a.par_path.as_ref().map(|par| quote!(.with_par(#par)));
        let redirect = a.redirect_path.as_ref().map(|path| quote!(.with_redirect_path(#path)));
        quote!(.with_authorization(#base #par #redirect))
    });
    quote! {
        #p::ProviderSpec::new(
            #name,
            #p::TokenEndpoint::new(#path, #grant)
                .with_send_grant_type(#send_grant_type)
                .with_body_style(#body_style)
                .with_client_auth(#client_auth)
                .with_params(&[#(#params),*])
                #assertion,
        )
        .with_base_urls(&[#(#base_urls),*])
        .with_fields(&[#(#fields),*])
        .with_refresh(#refresh)
        .with_response(#response)
        #endpoints
        .with_presentation(#presentation)
        #authorization
    }
}

/// The `Assertion::DEFAULT.with_..(..)` expression, every setting written out.
fn assertion_expr(a: &Assertion, p: &TokenStream) -> TokenStream {
    let audience = match &a.audience {
        Audience::TokenEndpoint => quote!(#p::Audience::TokenEndpoint),
        Audience::TokenOrigin => quote!(#p::Audience::TokenOrigin),
        Audience::Fixed(url) => quote!(#p::Audience::Fixed(#url)),
    };
    let lifetime = Literal::u64_unsuffixed(a.lifetime);
    let algorithm = a.algorithm.map(|alg| {
        let alg = match alg {
            SigningAlg::Rs256 => quote!(Rs256),
            SigningAlg::Ps256 => quote!(Ps256),
            SigningAlg::Es256 => quote!(Es256),
            SigningAlg::EdDsa => quote!(EdDsa),
            SigningAlg::Hs256 => quote!(Hs256),
        };
        quote!(.with_algorithm(#p::SigningAlgorithm::#alg))
    });
    let scope = match a.scope {
        AssertionScope::Body => quote!(#p::AssertionScope::Body),
        AssertionScope::Claim => quote!(#p::AssertionScope::Claim),
    };
    let thumbprint = a.thumbprint;
    quote! {
        #p::Assertion::DEFAULT
            .with_audience(#audience)
            .with_lifetime(::core::time::Duration::from_secs(#lifetime))
            #algorithm
            .with_scope(#scope)
            .with_certificate_thumbprint(#thumbprint)
    }
}

/// The `ResponseSpec::STANDARD.with_..(..)` expression. A field at a top-level name keeps the
/// plain constructor, so that most expansions read as the vendor's field names.
fn response_expr(r: &Response, p: &TokenStream) -> TokenStream {
    let field = |path: &FieldPathArg, plain: TokenStream, nested: TokenStream| match path.segments.as_slice() {
        [name] => quote!(.#plain(#name)),
        _ => {
            let path = field_path(path, p);
            quote!(.#nested(#path))
        }
    };
    let access_token = field(&r.access_token, quote!(with_access_token), quote!(with_access_token_path));
    let token_type = field(&r.token_type, quote!(with_token_type), quote!(with_token_type_path));
    let refresh_token = field(&r.refresh_token, quote!(with_refresh_token), quote!(with_refresh_token_path));
    let expiry = match &r.expiry {
        Expiry::In(path) => match path.segments.as_slice() {
            [name] => quote!(#p::Expiry::expires_in(#name)),
            _ => {
                let path = field_path(path, p);
                quote!(#p::Expiry::expires_in_path(#path))
            }
        },
        Expiry::At(path, format) => {
            let format = match format {
                InstantFormat::Rfc3339 => quote!(#p::InstantFormat::Rfc3339),
                InstantFormat::HttpDate => quote!(#p::InstantFormat::HttpDate),
                InstantFormat::EpochMillis => quote!(#p::InstantFormat::EpochMillis),
                InstantFormat::EpochSeconds => quote!(#p::InstantFormat::EpochSeconds),
            };
            match path.segments.as_slice() {
                [name] => quote!(#p::Expiry::at(#name, #format)),
                _ => {
                    let path = field_path(path, p);
                    quote!(#p::Expiry::at_path(#path, #format))
                }
            }
        }
        Expiry::None => quote!(#p::Expiry::None),
    };
    let aliases = |list: &[FieldPathArg], with: TokenStream| {
        if list.is_empty() {
            return quote!();
        }
        let paths = list.iter().map(|a| field_path(a, p));
        quote!(.#with(&[#(#paths),*]))
    };
    let access_aliases = aliases(&r.access_token_aliases, quote!(with_access_token_aliases));
    let type_aliases = aliases(&r.token_type_aliases, quote!(with_token_type_aliases));
    let refresh_aliases = aliases(&r.refresh_token_aliases, quote!(with_refresh_token_aliases));
    let expiry_aliases = aliases(&r.expiry_aliases, quote!(with_expiry_aliases));
    let lifetime = Literal::u64_unsuffixed(r.default_lifetime);
    let floor = Literal::u64_unsuffixed(r.min_lifetime);
    let scheme = r.scheme.map(|scheme| match scheme {
        TokenScheme::Bearer => quote!(.with_scheme(#p::TokenScheme::Bearer)),
    });
    let error_shape = r.error_shape.as_ref().map(|shape| {
        let shape = error_shape_expr(shape, p);
        quote!(.with_error_shape(#shape))
    });
    let format = match r.format {
        ResponseFormat::Json => None,
        ResponseFormat::Form => Some(quote!(.with_format(#p::ResponseFormat::Form))),
        ResponseFormat::FormUnlessJsonAccepted => {
            Some(quote!(.with_format(#p::ResponseFormat::FormUnlessJsonAccepted)))
        }
    };
    let error_status = r.error_status.map(|status| {
        let status = Literal::u16_unsuffixed(status);
        quote!(.with_error_status(#status))
    });
    quote! {
        #p::ResponseSpec::STANDARD
            #access_token
            #access_aliases
            #token_type
            #type_aliases
            #refresh_token
            #refresh_aliases
            .with_expiry(#expiry)
            #expiry_aliases
            .with_default_lifetime(::core::time::Duration::from_secs(#lifetime))
            .with_min_lifetime(::core::time::Duration::from_secs(#floor))
            #scheme
            #error_shape
            #format
            #error_status
    }
}

/// `ErrorShape::new(..)` with the parts the vendor has.
fn error_shape_expr(shape: &ErrorShape, p: &TokenStream) -> TokenStream {
    let code = field_path(&shape.code, p);
    let description = shape.description.as_ref().map(|d| {
        let d = field_path(d, p);
        quote!(.with_description(#d))
    });
    let uri = shape.uri.as_ref().map(|u| {
        let u = field_path(u, p);
        quote!(.with_uri(#u))
    });
    let codes = &shape.success_codes;
    let success = (!codes.is_empty()).then(|| quote!(.with_success_codes(&[#(#codes),*])));
    quote!(#p::ErrorShape::new(#code) #description #uri #success)
}

/// `FieldPath::name("x")` for one segment, `FieldPath::nested(&["a", "0", "b"])` for more.
fn field_path(path: &FieldPathArg, p: &TokenStream) -> TokenStream {
    match path.segments.as_slice() {
        [name] => quote!(#p::FieldPath::name(#name)),
        segments => quote!(#p::FieldPath::nested(&[#(#segments),*])),
    }
}
