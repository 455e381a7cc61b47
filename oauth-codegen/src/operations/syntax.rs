//! Syntax helpers the model, the expansion and `#[oauth_api]`'s reader share: one reading of a
//! type's spelling, an attribute's name and the attributes an operation keeps.

use proc_macro2::{Group, Span, TokenStream, TokenTree};
use quote::quote;
use syn::ext::IdentExt;
use syn::{Attribute, Ident, Path, ReturnType, Type};

/// Attributes an operation keeps as written: on the trait's method, and those in
/// [`IMPL_ATTRS`] also on the generated implementation.
pub const KEPT_ATTRS: &[&str] = &["doc", "allow", "warn", "deny", "expect", "forbid", "deprecated", "must_use", "cfg"];

/// The attributes among [`KEPT_ATTRS`] that also go on the generated implementation.
pub const IMPL_ATTRS: &[&str] = &["allow", "warn", "deny", "expect", "forbid", "cfg"];

/// The public inherent methods of `Client` (in any `impl<P> Client<P>` block of the runtime,
/// feature-gated ones included), and `clone`: an operation of the same name would be shadowed
/// by them in `client.name(..)` calls. Kept in step with the runtime by
/// oauth-derive's `tests::client_methods_follow_the_runtime`, which reads its sources.
pub const CLIENT_METHODS: &[&str] = &[
    "__adopt_newer_from_store",
    "__forbid_unattended_grant",
    "__session_count",
    "after_response",
    "after_response_headers",
    "auth_base_url",
    "authorization",
    "authorize",
    "authorize_device",
    "base_url",
    "blocking",
    "builder",
    "cached_token",
    "clone",
    "delete",
    "drain",
    "exchange",
    "get",
    "has_fresh_token",
    "http",
    "operation",
    "patch",
    "post",
    "put",
    "refresh",
    "request",
    "revoke",
    "server_metadata",
    "spec",
    "token",
    "token_params",
    "with_token_params",
];

/// An identifier as written, without `r#`.
///
/// ```
/// let ident: syn::Ident = syn::parse_quote!(r#type);
/// assert_eq!(oauth_codegen::operations::syntax::unraw(&ident), "type");
/// ```
pub fn unraw(ident: &Ident) -> String {
    ident.unraw().to_string()
}

/// The default path to the runtime crate, `::oauth_runtime`.
pub fn default_crate_path() -> Path {
    syn::parse_quote!(::oauth_runtime)
}

/// `path::to::oauth_runtime::__private`, where generated code finds everything.
pub fn private(krate: &Path) -> TokenStream {
    quote!(#krate::__private)
}

/// An attribute's name: `get`, `tracing::instrument`.
///
/// ```
/// let attr: syn::Attribute = syn::parse_quote!(#[tracing::instrument]);
/// assert_eq!(oauth_codegen::operations::syntax::attr_name(&attr), "tracing::instrument");
/// ```
pub fn attr_name(attr: &Attribute) -> String {
    let segments: Vec<String> = attr.path().segments.iter().map(|s| unraw(&s.ident)).collect();
    segments.join("::")
}

/// Lint-level attributes, which an argument may carry through.
pub fn is_lint_attr(name: &str) -> bool {
    matches!(name, "allow" | "warn" | "deny" | "expect" | "forbid")
}

/// `tokens` with every span set to `span`: generated tokens moved to the user's type, so that
/// rustc reports a type error there rather than at the attribute.
pub fn respan(tokens: TokenStream, span: Span) -> TokenStream {
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

/// `T` and `E` of a return type written `Result<T, E>` (any path ending in `Result`).
///
/// ```
/// let output: syn::ReturnType = syn::parse_quote!(-> Result<u8, MyError>);
/// assert!(oauth_codegen::operations::syntax::result_types(&output).is_some());
/// ```
pub fn result_types(output: &ReturnType) -> Option<(&Type, &Type)> {
    let ReturnType::Type(_, ty) = output else { return None };
    let Type::Path(path) = ungroup(ty) else { return None };
    if path.qself.is_some() {
        return None;
    }
    let last = path.path.segments.last()?;
    if last.ident != "Result" {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else { return None };
    let mut types = args.args.iter().filter_map(|a| match a {
        syn::GenericArgument::Type(t) => Some(t),
        _ => None,
    });
    match (types.next(), types.next(), types.next()) {
        (Some(ok), Some(err), None) if args.args.len() == 2 => Some((ok, err)),
        _ => None,
    }
}

/// A type without the invisible groups and parentheses `macro_rules!` and users wrap it in.
pub fn ungroup(ty: &Type) -> &Type {
    match ty {
        Type::Group(g) => ungroup(&g.elem),
        Type::Paren(p) => ungroup(&p.elem),
        other => other,
    }
}
