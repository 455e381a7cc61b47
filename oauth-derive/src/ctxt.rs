//! Error accumulation, so that every mistake in an item is reported in one build.

use std::fmt::Display;

use proc_macro2::{Span, TokenStream};
use quote::ToTokens;

/// Collects the errors found in one annotated item.
///
/// Holds `syn::Error`s rather than `darling::Error`s because `syn::Error::new_spanned` keeps the
/// whole range of tokens (a type such as `Option<String>` is underlined entirely on stable),
/// which darling's single-span errors do not.
#[derive(Default)]
pub(crate) struct Ctxt {
    errors: Vec<syn::Error>,
}

impl Ctxt {
    /// An error covering `tokens`.
    pub(crate) fn error_spanned_by<T: ToTokens, M: Display>(&mut self, tokens: T, msg: M) {
        self.errors.push(syn::Error::new_spanned(tokens, msg));
    }

    /// An error at one span.
    pub(crate) fn error_at<M: Display>(&mut self, span: Span, msg: M) {
        self.errors.push(syn::Error::new(span, msg));
    }

    /// An error from parsing.
    pub(crate) fn syn_error(&mut self, err: syn::Error) {
        self.errors.push(err);
    }

    /// One or more errors from darling's value parsers.
    pub(crate) fn darling(&mut self, err: darling::Error) {
        for e in err.flatten() {
            self.errors.push(e.into());
        }
    }

    /// Whether nothing has gone wrong so far.
    pub(crate) fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }

    /// The errors as `compile_error!` invocations.
    pub(crate) fn into_compile_errors(self) -> TokenStream {
        self.errors.into_iter().map(|e| e.into_compile_error()).collect()
    }

    /// The messages, for tests.
    #[cfg(test)]
    pub(crate) fn messages(&self) -> Vec<String> {
        self.errors.iter().map(ToString::to_string).collect()
    }
}
