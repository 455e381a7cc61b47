//! Code generation: the trait, with each operation returning a `Send` future, and its
//! implementation for the vendor's `Client`.
//!
//! Each method builds its request before the future starts, so borrowed arguments need not
//! outlive the call, and the future holds only the request. Every value whose type must be
//! serde-capable goes through one of the runtime's assertion traits, named at the user's type:
//! a type that is not `Serialize` or `Deserialize` is reported there, with a message naming
//! the derive to add, and once (the trait's method does the work, so no second bound fails).

use proc_macro2::{Literal, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::visit::Visit;
use syn::{Ident, Type};

use super::items::{Names, declare, impl_attrs, local, op_sig};
use super::model::{Api, Op, PathPiece, QueryStyle, Step, Success, referent};
use super::syntax::{private, respan, ungroup, unraw};

/// The code for a checked API trait.
///
/// ```
/// let item: syn::ItemTrait = syn::parse_quote! {
///     trait Api { async fn me(&self) -> Result<(), oauth_runtime::Error>; }
/// };
/// let syn::TraitItem::Fn(me) = &item.items[0] else { unreachable!() };
/// use oauth_codegen::operations::{Api, Method, Op, PathPiece, expand};
/// let op = Op::new(me.sig.clone(), Method::Get, vec![PathPiece::text("/me")]);
/// let code = expand(&Api::new(item.clone(), vec![syn::parse_quote!(Vendor)], vec![op])).to_string();
/// assert!(code.contains("send_empty"));
/// ```
pub fn expand(api: &Api) -> TokenStream {
    let p = private(&api.krate);
    let idents: Vec<&Ident> = api.ops.iter().map(|op| &op.ident).collect();
    // Paginated operations return their stream as it is.
    let futures: Vec<&Ident> =
        api.ops.iter().filter(|op| !matches!(op.success, Success::Pages(_))).map(|op| &op.ident).collect();
    let item = declare(&api.item, &idents, &futures, |_| true);
    let ident = &api.item.ident;
    let methods: Vec<TokenStream> = api.ops.iter().map(|op| method(op, &p)).collect();
    // One implementation per client: the same methods, for each provider of the vendor's API.
    let impls = api.clients.iter().map(|client| {
        let client_ty = quote_spanned!(client.span()=> #p::Client<#client>);
        quote! {
            #[automatically_derived]
            impl #ident for #client_ty {
                #(#methods)*
            }
        }
    });
    quote! {
        #item

        #(#impls)*
    }
}

/// One operation's implementation.
fn method(op: &Op, p: &TokenStream) -> TokenStream {
    let paginated = matches!(op.success, Success::Pages(_));
    let sig = op_sig(&op.sig, Names::Kept, !paginated);
    let attrs = impl_attrs(&op.attrs);
    let request = local("request");
    let (name, method) = (&op.name, Ident::new(op.method.constant(), proc_macro2::Span::call_site()));
    let path = path_expr(&op.path, p);
    let steps = op.steps.iter().map(|step| step_stmt(step, &request, p));
    let receive = receive_expr(&op.success, &request, p);
    let output_span = op.output.span();
    let future = if paginated { receive } else { quote_spanned!(output_span=> async move { #receive }) };
    quote! {
        #attrs
        #sig {
            let #request = #p::Client::operation(self, #name, #p::Method::#method, #path);
            #(#steps)*
            #future
        }
    }
}

/// The path: a literal, or the template's pieces, each argument by name for the runtime to
/// check and percent-encode.
fn path_expr(pieces: &[PathPiece], p: &TokenStream) -> TokenStream {
    if let [PathPiece::Text(text)] = pieces {
        return quote!(#text);
    }
    let pieces = pieces.iter().map(|piece| match piece {
        PathPiece::Text(text) => quote!(#p::PathPiece::Text(#text)),
        PathPiece::Arg(arg, ty) => {
            let name = unraw(arg);
            // At the argument's type, so that a type without `Display` is reported there.
            respan(quote!(#p::PathPiece::Arg(#name, &#arg)), ty.span())
        }
    });
    quote!(&[#(#pieces),*])
}

/// One step of building the request.
fn step_stmt(step: &Step, request: &Ident, p: &TokenStream) -> TokenStream {
    let expr = match step {
        Step::QueryPair { name, arg, ty, style: QueryStyle::Repeated } => {
            let call = assertion(ty, quote!(#p::QueryValue), quote!(query_pair));
            let value = borrow(arg, ty);
            quote!(#call(#value, #request, #name))
        }
        Step::QueryPair { name, arg, ty, style } => {
            let call = assertion(ty, quote!(#p::QueryValue), quote!(query_styled));
            let value = borrow(arg, ty);
            let variant = Ident::new(style.variant(), proc_macro2::Span::call_site());
            quote!(#call(#value, #request, #name, #p::QueryStyle::#variant))
        }
        Step::QueryFields { arg, ty } => {
            let call = assertion(ty, quote!(#p::QueryValue), quote!(query_fields));
            let value = borrow(arg, ty);
            quote!(#call(#value, #request))
        }
        Step::Header { name, arg, ty, optional: false } => {
            let call = by_value_assertion(ty, quote!(#p::HeaderArg), quote!(header_into));
            quote!(#call(#arg, #request, #name))
        }
        Step::Header { name, arg, ty, optional: true } => {
            let value = local("value");
            let call = by_value_assertion(option_inner(ty).unwrap_or(ty), quote!(#p::HeaderArg), quote!(header_into));
            quote! {
                match #arg {
                    ::core::option::Option::Some(#value) => #call(#value, #request, #name),
                    ::core::option::Option::None => #request,
                }
            }
        }
        Step::FixedHeader { name, value } => quote!(#request.header(#name, #value)),
        Step::Body { form, arg, ty } => {
            let method = if *form { quote!(form_body) } else { quote!(json_body) };
            let call = assertion(ty, quote!(#p::RequestBody), method);
            let value = borrow(arg, ty);
            quote!(#call(#value, #request))
        }
        Step::Bytes { content_type, arg, ty } => {
            // By value: owned bytes move into the request, borrowed ones are copied.
            let call = by_value_assertion(ty, quote!(#p::BytesBody), quote!(bytes_body));
            quote!(#call(#arg, #request, #content_type))
        }
        Step::Multipart { arg, ty } => {
            let call = assertion(ty, quote!(#p::MultipartBody), quote!(multipart_body));
            let value = borrow(arg, ty);
            quote!(#call(#value, #request))
        }
        Step::Timeout(ms) => {
            let ms = Literal::u64_unsuffixed(*ms);
            quote!(#request.timeout(::core::time::Duration::from_millis(#ms)))
        }
        Step::ErrorType(ty) => {
            let call = assertion(ty, quote!(#p::ErrorBody), quote!(error_type));
            quote!(#call(#request))
        }
        // A `&'static` list: the runtime keeps one token cache per declared list.
        Step::Scopes(scopes) => quote!(#request.require_scopes(&[#(#scopes),*])),
    };
    quote!(let #request = #expr;)
}

/// The future's result: the response read as `T` asks.
fn receive_expr(success: &Success, request: &Ident, p: &TokenStream) -> TokenStream {
    match success {
        Success::Answer(body) => answer_expr(body, request, p),
        Success::Empty => quote!(#request.send_empty().await),
        Success::Text => quote!(#request.send_text().await),
        Success::Bytes => quote!(#request.send_bytes().await),
        Success::ByteVec => quote!(#request.send_bytes().await.map(::std::vec::Vec::from)),
        Success::Raw => quote!(#request.send().await),
        Success::Json(ty) => {
            let call = assertion(ty, quote!(#p::JsonResponse), quote!(receive));
            quote!(#call(#request).await)
        }
        Success::Pages(paged) => super::paginate::expand(paged, request, p),
    }
}

/// The future's result for `Answer<T>`: the body read as for `T`, the status and headers kept.
fn answer_expr(body: &Success, request: &Ident, p: &TokenStream) -> TokenStream {
    match body {
        Success::Empty => quote!(#request.send_empty_answer().await),
        Success::Text => quote!(#request.send_text_answer().await),
        Success::Bytes => quote!(#request.send_bytes_answer().await),
        Success::ByteVec => {
            quote!(#request.send_bytes_answer().await.map(|answer| answer.map(::std::vec::Vec::from)))
        }
        Success::Json(ty) => {
            let call = assertion(ty, quote!(#p::JsonResponse), quote!(receive_answer));
            quote!(#call(#request).await)
        }
        // Refused by `valid`.
        Success::Raw | Success::Answer(_) | Success::Pages(_) => quote!(::core::unreachable!()),
    }
}

/// `<T as Trait>::method`, the trait's path at `T`'s span so that rustc reports an unmet bound
/// at the user's type, all of it. `T` is the type behind a reference, since the methods take
/// `&self`. A type holding `impl Trait` cannot be named in an expression, so then the trait's
/// method is called alone and `Self` inferred from the value.
fn assertion(ty: &Type, trait_path: TokenStream, method: TokenStream) -> TokenStream {
    let (ty, _) = referent(ty);
    let trait_path = respan(trait_path, ty.span());
    if holds_impl_trait(ty) {
        let method = respan(method, ty.span());
        quote!(#trait_path::#method)
    } else {
        quote!(<#ty as #trait_path>::#method)
    }
}

/// [`assertion`] for methods that take `self` by value: `T` is the type as declared.
fn by_value_assertion(ty: &Type, trait_path: TokenStream, method: TokenStream) -> TokenStream {
    let trait_path = respan(trait_path, ty.span());
    if holds_impl_trait(ty) {
        let method = respan(method, ty.span());
        quote!(#trait_path::#method)
    } else {
        quote!(<#ty as #trait_path>::#method)
    }
}

/// `T` of a type written `Option<T>`.
fn option_inner(ty: &Type) -> Option<&Type> {
    let Type::Path(p) = ungroup(ty) else { return None };
    let syn::PathArguments::AngleBracketed(args) = &p.path.segments.last()?.arguments else { return None };
    match args.args.first()? {
        syn::GenericArgument::Type(inner) if args.args.len() == 1 => Some(inner),
        _ => None,
    }
}

/// A shared reference to the argument's value: the argument itself when it is one.
fn borrow(arg: &Ident, ty: &Type) -> TokenStream {
    match ungroup(ty) {
        Type::Reference(r) if r.mutability.is_some() => quote!(&*#arg),
        Type::Reference(_) => quote!(#arg),
        _ => quote!(&#arg),
    }
}

/// Whether `impl Trait` appears anywhere in a type.
fn holds_impl_trait(ty: &Type) -> bool {
    struct Finder(bool);
    impl Visit<'_> for Finder {
        fn visit_type_impl_trait(&mut self, _: &syn::TypeImplTrait) {
            self.0 = true;
        }
    }
    let mut finder = Finder(false);
    finder.visit_type(ty);
    finder.0
}
