//! Token tools both attributes use: moving generated tokens to the user's span, so that rustc
//! reports a type error at the user's type rather than at the attribute, and doc attributes.

use proc_macro2::{Group, Span, TokenStream, TokenTree};
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

/// `tokens` with every span set to `span`.
pub(crate) fn respan(tokens: TokenStream, span: Span) -> TokenStream {
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
