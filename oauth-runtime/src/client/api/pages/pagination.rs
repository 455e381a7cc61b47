//! How an API says where its next page is: the styles, as data.

use crate::provider::FieldPath;

/// How a paginated API lists its items and says where the next page is: the `#[paginate(..)]`
/// of an operation, or what [`ApiRequest::pages`](crate::ApiRequest::pages) is given.
///
/// A style says how the next page is found ([`PageStyle`]); [`items`](Self::items) says where
/// the items are in a page's body (the body itself is the array without it);
/// [`limit`](Self::limit) sends a page size with each request; [`max_pages`](Self::max_pages)
/// bounds one stream (1000 pages by default).
///
/// ```
/// use oauth_runtime::{PageStyle, Pagination, provider::FieldPath};
///
/// // {"data": [..], "meta": {"next_cursor": "c2"}}, the cursor sent back as `?cursor=c2`.
/// const INVOICES: Pagination = Pagination::cursor(FieldPath::nested(&["meta", "next_cursor"]), "cursor")
///     .items(FieldPath::name("data"))
///     .limit("limit", 100);
/// // GitHub: an array body, the next page in `Link: <..>; rel="next"`.
/// const REPOS: Pagination = Pagination::link_header().limit("per_page", 100);
/// // ?page=1, 2, .. until an empty page, or the page `meta.total_pages` names.
/// const ORDERS: Pagination = Pagination::page_number("page")
///     .total_pages(FieldPath::nested(&["meta", "total_pages"]))
///     .items(FieldPath::name("orders"));
/// assert!(matches!(INVOICES.style, PageStyle::Cursor { param: "cursor", .. }));
/// assert_eq!(ORDERS.max_pages, 1000);
/// # let _ = REPOS;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Pagination {
    /// How the next page is found.
    pub style: PageStyle,
    /// Where a page's items are in its body (`data`, `result.items`); `None` when the body is
    /// the array. A field that is absent or `null` is an empty page.
    pub items: Option<FieldPath>,
    /// The query parameter and value of the page size, sent with each request the client
    /// builds (every page of the cursor, page-number and offset styles; the first page of the
    /// link styles, whose links the server writes whole). With page numbers and offsets a page
    /// shorter than this is the last.
    pub limit: Option<(&'static str, u64)>,
    /// The most pages one stream fetches: a stream that needs more ends with
    /// [`Error::Pagination`](crate::Error::Pagination), a guard against an API that never
    /// says it is done.
    pub max_pages: u32,
}

/// How the next page is found: every style paginates with `GET`s that differ only in their
/// query (or, for the link styles, in the whole URL, which must stay on the API's origin).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PageStyle {
    /// The body holds the next page's cursor (a string or a number) at `field`, sent back as
    /// the query parameter `param`; the first request sends none. The last page has the field
    /// absent, `null` or empty. A cursor seen before ends the stream with an error.
    #[non_exhaustive]
    Cursor {
        /// Where the next cursor is.
        field: FieldPath,
        /// The query parameter that sends it back.
        param: &'static str,
    },
    /// The body holds the next page's URL at `field`, absolute or relative to the page's URL;
    /// the last page has the field absent, `null` or empty.
    #[non_exhaustive]
    NextLink {
        /// Where the next page's URL is.
        field: FieldPath,
    },
    /// The `Link` header (RFC 8288) holds the next page's URL with `rel="next"`, as GitHub
    /// sends it; the last page has none.
    LinkHeader,
    /// Pages are numbered in the query parameter `param`, from `first`; an empty page is past
    /// the last, and so is a page numbered `total_pages` (a field of the body) or more.
    #[non_exhaustive]
    PageNumber {
        /// The query parameter of the page number.
        param: &'static str,
        /// The first page's number (1 by default).
        first: u64,
        /// Where the body says how many pages there are, if it does.
        total_pages: Option<FieldPath>,
    },
    /// The query parameter `param` is the number of items to skip (0 first, then as many as
    /// were received); an empty page is past the last.
    #[non_exhaustive]
    Offset {
        /// The query parameter of the offset.
        param: &'static str,
    },
}

impl Pagination {
    /// The most pages a stream fetches unless told otherwise.
    pub const DEFAULT_MAX_PAGES: u32 = 1000;

    const fn of(style: PageStyle) -> Pagination {
        Pagination { style, items: None, limit: None, max_pages: Self::DEFAULT_MAX_PAGES }
    }

    /// [`PageStyle::Cursor`]: the next cursor at `field`, sent back as `param`.
    pub const fn cursor(field: FieldPath, param: &'static str) -> Pagination {
        Self::of(PageStyle::Cursor { field, param })
    }

    /// [`PageStyle::NextLink`]: the next page's URL at `field` of the body.
    pub const fn next_link(field: FieldPath) -> Pagination {
        Self::of(PageStyle::NextLink { field })
    }

    /// [`PageStyle::LinkHeader`]: the next page's URL in the `Link` header.
    pub const fn link_header() -> Pagination {
        Self::of(PageStyle::LinkHeader)
    }

    /// [`PageStyle::PageNumber`]: page numbers in `param`, from 1.
    pub const fn page_number(param: &'static str) -> Pagination {
        Self::of(PageStyle::PageNumber { param, first: 1, total_pages: None })
    }

    /// [`PageStyle::Offset`]: the number of items to skip in `param`, from 0.
    pub const fn offset(param: &'static str) -> Pagination {
        Self::of(PageStyle::Offset { param })
    }

    /// Sets where a page's items are in its body.
    pub const fn items(mut self, items: FieldPath) -> Pagination {
        self.items = Some(items);
        self
    }

    /// Sends `param=value` with each request the client builds (the page size): see
    /// [`Pagination::limit`](#structfield.limit).
    pub const fn limit(mut self, param: &'static str, value: u64) -> Pagination {
        self.limit = Some((param, value));
        self
    }

    /// Sets the most pages one stream fetches.
    pub const fn max_pages(mut self, max_pages: u32) -> Pagination {
        self.max_pages = max_pages;
        self
    }

    /// Sets the first page's number, for [`PageStyle::PageNumber`] (other styles ignore it).
    pub const fn first_page(mut self, first_page: u64) -> Pagination {
        if let PageStyle::PageNumber { first, .. } = &mut self.style {
            *first = first_page;
        }
        self
    }

    /// Sets where the body says how many pages there are, for [`PageStyle::PageNumber`]
    /// (other styles ignore it).
    pub const fn total_pages(mut self, field: FieldPath) -> Pagination {
        if let PageStyle::PageNumber { total_pages, .. } = &mut self.style {
            *total_pages = Some(field);
        }
        self
    }
}
