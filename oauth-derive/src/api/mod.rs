//! `#[oauth_api]`: a trait whose methods declare a vendor's API operations becomes typed async
//! methods on that vendor's `Client`.
//!
//! This is a front end of the generator core ([`oauth_codegen::operations`]), as the OpenAPI
//! reader is: `attr` reads the attributes (the trait's, the operations' and the arguments'),
//! `ast` reads the trait, `valid` checks the rules, `lower` turns the checked trait into the
//! core's model, which the core expands; `fallback`, when there were errors, writes the trait
//! with stand-in bodies. `paginate` holds the reading and rules of `#[paginate(..)]`.

mod ast;
mod attr;
mod fallback;
pub(crate) mod lower;
mod paginate;
mod valid;

#[cfg(test)]
mod same_expansion;
#[cfg(test)]
mod tests;

use proc_macro2::TokenStream;
use syn::ItemTrait;

use crate::ctxt::Ctxt;
use crate::pipeline::{self, Annotation};

/// The attribute's entry point.
pub(crate) fn oauth_api(args: TokenStream, input: TokenStream) -> TokenStream {
    pipeline::run::<Api>(args, input)
}

/// `#[oauth_api]`'s steps.
struct Api;

impl Annotation for Api {
    const NAME: &'static str = "#[oauth_api]";
    type Item = ItemTrait;
    type Input<'a> = ast::Input<'a>;
    type Model = oauth_codegen::operations::Api;

    fn wrong_item() -> &'static str {
        "#[oauth_api] goes on a trait whose methods are the API's operations, e.g. \
         `trait VendorApi { #[get(\"/me\")] async fn me(&self) -> Result<Me, Error>; }`"
    }

    fn read<'a>(item: &'a ItemTrait, args: TokenStream, cx: &mut Ctxt) -> ast::Input<'a> {
        ast::Input::from_syn(item, args, cx)
    }

    fn check(input: &ast::Input<'_>, cx: &mut Ctxt) {
        valid::check(input, cx);
    }

    fn model(input: &ast::Input<'_>) -> Option<oauth_codegen::operations::Api> {
        lower::api(input)
    }

    fn expand(api: &oauth_codegen::operations::Api, _: &ItemTrait) -> TokenStream {
        oauth_codegen::operations::expand(api)
    }

    fn fallback(input: &ast::Input<'_>, errors: TokenStream) -> TokenStream {
        fallback::expand(input, errors)
    }
}
