//! Token tools both attributes use: moving generated tokens to the user's span, so that rustc
//! reports a type error at the user's type rather than at the attribute, and doc attributes.

use proc_macro2::TokenStream;
use quote::quote;

/// `#[doc]` attributes, one per line, each with the space that `///` would give.
pub(crate) fn doc(text: &str) -> TokenStream {
    text.lines()
        .map(|line| {
            let line = if line.is_empty() { String::new() } else { format!(" {line}") };
            quote!(#[doc = #line])
        })
        .collect()
}

pub(crate) use oauth_codegen::operations::syntax::respan;
