//! `#[oauth_provider]`: a credentials struct and its vendor's token-endpoint quirks become a
//! `Provider` impl.
//!
//! `attr` reads the attribute arguments (and `path` the response-field paths in them), `ast`
//! reads the struct, `valid` checks the rules that tie them together, `model` holds the checked
//! result with defaults applied, and `expand` (or `fallback`, when there were errors) writes the
//! code; `items` are the generated items both of them emit.

mod ast;
mod attr;
mod expand;
mod fallback;
mod items;
mod model;
pub(crate) mod path;
mod valid;

#[cfg(test)]
mod garbage_tests;
#[cfg(test)]
mod tests;

use proc_macro2::TokenStream;
use syn::DeriveInput;

use crate::ctxt::Ctxt;
use crate::pipeline::{self, Annotation};

/// The attribute's entry point.
pub(crate) fn oauth_provider(args: TokenStream, input: TokenStream) -> TokenStream {
    pipeline::run::<Provider>(args, input)
}

/// `#[oauth_provider]`'s steps.
struct Provider;

impl Annotation for Provider {
    const NAME: &'static str = "#[oauth_provider]";
    type Item = DeriveInput;
    type Input<'a> = ast::Input<'a>;
    type Model = model::Spec;

    fn wrong_item() -> &'static str {
        "#[oauth_provider] goes on a struct whose named fields hold the credentials, \
         e.g. `struct Vendor { client_id: String, client_secret: Secret }`"
    }

    fn read<'a>(item: &'a DeriveInput, args: TokenStream, cx: &mut Ctxt) -> ast::Input<'a> {
        ast::Input::from_syn(item, args, cx)
    }

    fn check(input: &ast::Input<'_>, cx: &mut Ctxt) {
        valid::check(input, cx);
    }

    fn model(input: &ast::Input<'_>) -> Option<model::Spec> {
        model::Spec::new(input)
    }

    fn expand(spec: &model::Spec, item: &DeriveInput) -> TokenStream {
        expand::expand(spec, &ast::strip(item))
    }

    fn fallback(input: &ast::Input<'_>, errors: TokenStream) -> TokenStream {
        fallback::expand(input, errors)
    }
}
