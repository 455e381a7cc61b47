//! A paginated operation's model and expansion: the item type and the runtime's
//! `oauth_runtime::Pagination`, as data.
//!
//! A paginated operation is a plain `fn` returning `Pages<T>` (a stream, which is read rather
//! than awaited): its body builds the first page's request as any operation does, then hands
//! it to the runtime with the declared pagination.

use proc_macro2::{Ident, TokenStream};
use quote::quote;
use syn::Type;
use syn::spanned::Spanned;

use super::syntax::respan;

/// A checked pagination: the item type and the runtime's `Pagination`, as data.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Paged {
    /// The item type: `T` of `Pages<T>`.
    pub item: Type,
    /// How the next page is found.
    pub style: PageStyle,
    /// The path of the items, if they are not the body itself.
    pub items: Option<Vec<String>>,
    /// The page size's query parameter and value.
    pub limit: Option<(String, u64)>,
    /// The most pages read.
    pub max_pages: Option<u32>,
}

/// How the next page is found.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PageStyle {
    /// A cursor in the body (at `field`), sent back as the query parameter `param`.
    Cursor {
        /// Where the cursor is in the body.
        field: Vec<String>,
        /// The query parameter it is sent back as.
        param: String,
    },
    /// The next page's URL in the body.
    NextLink {
        /// Where the URL is in the body.
        field: Vec<String>,
    },
    /// The next page's URL in the `Link` header.
    LinkHeader,
    /// Page numbers in the query parameter `param`.
    PageNumber {
        /// The query parameter.
        param: String,
        /// The first page's number (1 unless said).
        first: Option<u64>,
        /// Where the body says how many pages there are.
        total_pages: Option<Vec<String>>,
    },
    /// Offsets in the query parameter `param`.
    Offset {
        /// The query parameter.
        param: String,
    },
}

impl Paged {
    /// Pages of `item`, the next found as `style` says.
    pub fn new(item: Type, style: PageStyle) -> Paged {
        Paged { item, style, items: None, limit: None, max_pages: None }
    }

    /// The items are at this path in each page's body, not the body itself.
    #[must_use]
    pub fn items(mut self, path: Vec<String>) -> Paged {
        self.items = Some(path);
        self
    }

    /// Asks for `limit` items a page with the query parameter `param`.
    #[must_use]
    pub fn limit(mut self, param: String, limit: u64) -> Paged {
        self.limit = Some((param, limit));
        self
    }

    /// Reads at most `max` pages.
    #[must_use]
    pub fn max_pages(mut self, max: u32) -> Paged {
        self.max_pages = Some(max);
        self
    }
}

/// The body of a paginated operation, once `request` is built: the stream of its items.
pub(super) fn expand(paged: &Paged, request: &Ident, p: &TokenStream) -> TokenStream {
    let field = |segments: &[String]| match segments {
        [name] => quote!(#p::FieldPath::name(#name)),
        nested => quote!(#p::FieldPath::nested(&[#(#nested),*])),
    };
    let mut pagination = match &paged.style {
        PageStyle::Cursor { field: at, param } => {
            let at = field(at);
            quote!(#p::Pagination::cursor(#at, #param))
        }
        PageStyle::NextLink { field: at } => {
            let at = field(at);
            quote!(#p::Pagination::next_link(#at))
        }
        PageStyle::LinkHeader => quote!(#p::Pagination::link_header()),
        PageStyle::PageNumber { param, first, total_pages } => {
            let mut page = quote!(#p::Pagination::page_number(#param));
            if let Some(first) = first {
                let first = proc_macro2::Literal::u64_unsuffixed(*first);
                page = quote!(#page.first_page(#first));
            }
            if let Some(total) = total_pages {
                let total = field(total);
                page = quote!(#page.total_pages(#total));
            }
            page
        }
        PageStyle::Offset { param } => quote!(#p::Pagination::offset(#param)),
    };
    if let Some(items) = &paged.items {
        let items = field(items);
        pagination = quote!(#pagination.items(#items));
    }
    if let Some((param, limit)) = &paged.limit {
        let limit = proc_macro2::Literal::u64_unsuffixed(*limit);
        pagination = quote!(#pagination.limit(#param, #limit));
    }
    if let Some(max) = paged.max_pages {
        let max = proc_macro2::Literal::u32_unsuffixed(max);
        pagination = quote!(#pagination.max_pages(#max));
    }
    // At the item type, so that a type without `Deserialize` is reported there.
    let item = &paged.item;
    let assertion = respan(quote!(#p::PageItem), item.span());
    quote!(<#item as #assertion>::pages(#request, #pagination))
}
