//! `#[oauth_provider]`.
use proc_macro::TokenStream;

/// Stub.
#[proc_macro_attribute]
pub fn oauth_provider(_args: TokenStream, input: TokenStream) -> TokenStream {
    input
}
