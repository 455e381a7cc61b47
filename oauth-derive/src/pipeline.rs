//! The steps both attributes take, and what happens when one finds a mistake.
//!
//! Reading and checking report into one [`Ctxt`] and never stop at the first error, so every
//! mistake in an item shows in one build. Without errors the checked model is expanded; with
//! errors the attribute emits them together with a fallback expansion: the item and stand-ins
//! for the generated items, so that code using them (and an IDE completing it) sees no second
//! wave of "cannot find" errors.

use proc_macro2::{Span, TokenStream};
use quote::quote;
use syn::parse::Parse;

use crate::ctxt::Ctxt;

/// One attribute macro, as a sequence of steps.
pub(crate) trait Annotation {
    /// The attribute, for messages: `#[oauth_provider]`.
    const NAME: &'static str;
    /// What the attribute goes on.
    type Item: Parse;
    /// The item as written, with the attribute's arguments read; borrows the item.
    type Input<'a>;
    /// The checked description, with every default applied.
    type Model;

    /// What to say when the tokens are not an [`Annotation::Item`] at all.
    fn wrong_item() -> &'static str;
    /// Reads the arguments and the item, reporting what cannot be read.
    fn read<'a>(item: &'a Self::Item, args: TokenStream, cx: &mut Ctxt) -> Self::Input<'a>;
    /// Checks the rules that tie the parts together.
    fn check(input: &Self::Input<'_>, cx: &mut Ctxt);
    /// The model of an input that passed the checks; `None` only if a check is missing.
    fn model(input: &Self::Input<'_>) -> Option<Self::Model>;
    /// The generated code.
    fn expand(model: &Self::Model, item: &Self::Item) -> TokenStream;
    /// The code emitted beside the errors.
    fn fallback(input: &Self::Input<'_>, errors: TokenStream) -> TokenStream;
}

/// Runs an attribute: read, check, then expand, or fall back with every error.
pub(crate) fn run<A: Annotation>(args: TokenStream, input: TokenStream) -> TokenStream {
    let item: A::Item = match syn::parse2(input.clone()) {
        Ok(item) => item,
        Err(_) => {
            let err = syn::Error::new(Span::call_site(), A::wrong_item()).into_compile_error();
            return quote!(#input #err);
        }
    };
    let mut cx = Ctxt::default();
    let input = A::read(&item, args, &mut cx);
    A::check(&input, &mut cx);
    if cx.is_ok() {
        if let Some(model) = A::model(&input) {
            return A::expand(&model, &item);
        }
        cx.error_at(
            Span::call_site(),
            format!("internal error in {}: a setting passed the checks but is missing; please report this", A::NAME),
        );
    }
    A::fallback(&input, cx.into_compile_errors())
}
