//! The trait as emitted, shared by the expansion and `#[oauth_api]`'s fallback: each operation's signature
//! rewritten from `async fn` to a method returning `impl Future + Send + 'static`, so that callers see the
//! same methods whether or not the attribute found mistakes.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::spanned::Spanned;
use syn::{
    FnArg, Ident, ItemTrait, Pat, PatIdent, ReturnType, Signature, TraitItem, TraitItemFn, parse_quote,
    parse_quote_spanned,
};

use super::syntax::{IMPL_ATTRS, KEPT_ATTRS, attr_name, is_lint_attr};

/// How the arguments of an emitted signature are named.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Names {
    /// By their names (a pattern other than a name becomes `_`).
    Kept,
    /// All `_`: for stubs, which use none of them.
    Ignored,
}

/// The trait with every method in `ops` declared as an operation: no body, no attributes of
/// ours, and, for those also in `futures`, `impl Future<Output = R> + Send` for
/// `async fn .. -> R`. Other items are kept, except those `keep` rejects.
pub fn declare(
    item: &ItemTrait,
    ops: &[&Ident],
    futures: &[&Ident],
    mut keep: impl FnMut(&TraitItem) -> bool,
) -> ItemTrait {
    let mut item = item.clone();
    item.items.retain(|it| keep(it));
    for it in &mut item.items {
        let TraitItem::Fn(func) = it else { continue };
        if !ops.contains(&&func.sig.ident) {
            continue;
        }
        *func = TraitItemFn {
            attrs: kept_attrs(&func.attrs, KEPT_ATTRS),
            sig: op_sig(&func.sig, Names::Kept, futures.contains(&&func.sig.ident)),
            default: None,
            semi_token: Some(Default::default()),
        };
    }
    item
}

/// The attributes among `names` (doc comments, lint levels, `cfg`..).
pub fn kept_attrs(attrs: &[syn::Attribute], names: &[&str]) -> Vec<syn::Attribute> {
    attrs.iter().filter(|a| names.contains(&attr_name(a).as_str())).cloned().collect()
}

/// The attributes an operation's implementation carries: lint levels and `cfg`.
pub fn impl_attrs(attrs: &[syn::Attribute]) -> TokenStream {
    let attrs = kept_attrs(attrs, IMPL_ATTRS);
    quote!(#(#attrs)*)
}

/// An operation's signature as emitted: arguments stripped of attributes other than lint
/// levels and, with `future`, `async` removed and the output wrapped in a `Send` future.
pub fn op_sig(sig: &Signature, names: Names, future: bool) -> Signature {
    let mut sig = sig.clone();
    // Operations take `&self` (`valid` says so when they do not): declared so even then, so
    // that `client.op(..)` calls see the method and add no error of their own.
    if future {
        match sig.inputs.first_mut() {
            Some(FnArg::Receiver(receiver)) => *receiver = parse_quote_spanned!(receiver.span()=> &self),
            _ => sig.inputs.insert(0, parse_quote_spanned!(sig.ident.span()=> &self)),
        }
    }
    // At the declared type, so that rustc reports a mismatch with the generated body there.
    let (output, span) = match &sig.output {
        ReturnType::Type(_, ty) => (quote!(#ty), ty.span()),
        ReturnType::Default => (quote!(()), sig.ident.span()),
    };
    if future && (sig.asyncness.take().is_some() || !returns_future(&sig.output)) {
        sig.output = parse_quote_spanned! {span=>
            -> impl ::core::future::Future<Output = #output> + ::core::marker::Send + 'static
        };
    }
    for input in &mut sig.inputs {
        let FnArg::Typed(arg) = input else { continue };
        arg.attrs.retain(|a| is_lint_attr(&attr_name(a)));
        let ident = match (&*arg.pat, names) {
            (Pat::Ident(p), Names::Kept) if p.by_ref.is_none() && p.subpat.is_none() => Some(p.ident.clone()),
            _ => None,
        };
        *arg.pat = match ident {
            Some(ident) => {
                Pat::Ident(PatIdent { attrs: Vec::new(), by_ref: None, mutability: None, ident, subpat: None })
            }
            None => parse_quote!(_),
        };
    }
    sig
}

/// Whether a signature already returns `impl Future..` (a sync method meant as an operation).
fn returns_future(output: &ReturnType) -> bool {
    matches!(output, ReturnType::Type(_, ty) if matches!(&**ty, syn::Type::ImplTrait(t)
        if t.bounds.iter().any(|b| matches!(b, syn::TypeParamBound::Trait(tb)
            if tb.path.segments.last().is_some_and(|s| s.ident == "Future")))))
}

/// A local of the generated bodies, invisible to the user's names (an argument may well be
/// called `request`): hygienic in a macro's expansion, and prefixed with `__` for expanded code
/// written out as source, where hygiene is lost.
pub fn local(name: &str) -> Ident {
    Ident::new(&format!("__{name}"), Span::mixed_site())
}
