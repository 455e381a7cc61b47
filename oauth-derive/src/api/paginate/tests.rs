//! Unit tests of `#[paginate(..)]`: reading, the rules, the model and the expansion.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{ItemTrait, parse_quote};

use crate::api::ast::Input;
use crate::api::{oauth_api, valid};
use crate::ctxt::Ctxt;
use oauth_codegen::operations::PageStyle;
use oauth_codegen::operations::Success;

/// The messages for one operation in a trait with `client = Vendor`.
fn op_errors(op: TokenStream) -> Vec<String> {
    let item: ItemTrait = parse_quote!(pub trait VendorApi { #op });
    let mut cx = Ctxt::default();
    let input = Input::from_syn(&item, quote!(client = Vendor), &mut cx);
    valid::check(&input, &mut cx);
    cx.messages()
}

/// Asserts that exactly one error was reported and that it contains `needle`.
#[track_caller]
fn assert_one(errors: Vec<String>, needle: &str) {
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(errors[0].contains(needle), "{:?} lacks {needle:?}", errors[0]);
}

fn invoices() -> ItemTrait {
    parse_quote! {
        pub trait BillingApi {
            /// Open invoices, 100 a page.
            #[get("/invoices")]
            #[paginate(cursor = "meta.next_cursor", cursor_param = "cursor", items = "data", limit_param = "limit", limit = 100)]
            fn invoices(&self, #[query] status: &str) -> Pages<Invoice>;

            #[get("/customers/{id}/notes")]
            #[paginate(next = "links.next", items = "notes")]
            fn notes(&self, id: u64) -> Pages<Note>;

            #[get("/repos")]
            #[paginate(link_header, limit_param = "per_page", limit = 50, max_pages = 20)]
            fn repos(&self) -> Pages<Repo>;

            #[get("/orders")]
            #[paginate(page_param = "page", first_page = 0, total_pages = "meta.pages[0]", items = "orders")]
            fn orders(&self) -> Pages<Order>;

            #[get("/events", name = "listEvents")]
            #[paginate(offset_param = "skip", limit_param = "take", limit = 25)]
            fn events(&self, #[header("X-Tenant")] tenant: &str) -> oauth_runtime::Pages<serde_json::Value>;

            /// An ordinary operation beside them.
            #[get("/me")]
            async fn me(&self) -> Result<Me, Error>;
        }
    }
}

#[test]
fn every_style_has_a_model() {
    let item = invoices();
    let mut cx = Ctxt::default();
    let input = Input::from_syn(&item, quote!(client = Billing), &mut cx);
    valid::check(&input, &mut cx);
    assert_eq!(cx.messages(), Vec::<String>::new());
    let api = crate::api::lower::api(&input).expect("a model");
    let styles: Vec<PageStyle> = api
        .ops
        .iter()
        .filter_map(|op| match &op.success {
            Success::Pages(paged) => Some(paged.style.clone()),
            _ => None,
        })
        .collect();
    let s = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(
        styles,
        [
            PageStyle::Cursor { field: s(&["meta", "next_cursor"]), param: "cursor".into() },
            PageStyle::NextLink { field: s(&["links", "next"]) },
            PageStyle::LinkHeader,
            PageStyle::PageNumber {
                param: "page".into(),
                first: Some(0),
                total_pages: Some(s(&["meta", "pages", "0"]))
            },
            PageStyle::Offset { param: "skip".into() },
        ]
    );
    assert!(matches!(api.ops[5].success, Success::Json(_)));
}

#[test]
fn paginated_expansion() {
    let tokens =
        oauth_api(quote!(client = Billing, error = BillingError), quote::ToTokens::into_token_stream(invoices()));
    let file: syn::File = syn::parse2(tokens).expect("the expansion parses");
    insta::assert_snapshot!(prettyplease::unparse(&file));
}

/// With a mistake, the trait still declares the operation as it will be: a plain method
/// returning its stream, so that calls of it add no errors.
#[test]
fn paginated_fallback_expansion() {
    let tokens = oauth_api(
        quote!(client = Billing),
        quote! {
            pub trait BillingApi {
                #[get("/invoices")]
                #[paginate(cursor = "next", cursor_param = "cursor", page_param = "page")]
                fn invoices(&self, #[query] status: &str) -> Pages<Invoice>;
            }
        },
    );
    let file: syn::File = syn::parse2(tokens).expect("the expansion parses");
    insta::assert_snapshot!(prettyplease::unparse(&file));
}

#[test]
fn styles() {
    assert_one(
        op_errors(quote!(
            #[get("/x")]
            #[paginate(items = "data")]
            fn x(&self) -> Pages<X>;
        )),
        "say how the next page is found",
    );
    assert_one(
        op_errors(quote!(
            #[get("/x")]
            #[paginate]
            fn x(&self) -> Pages<X>;
        )),
        "say how the next page is found",
    );
    assert_one(
        op_errors(quote!(
            #[get("/x")]
            #[paginate(cursor = "next", cursor_param = "c", next = "links.next")]
            fn x(&self) -> Pages<X>;
        )),
        "`next` and `cursor` are two ways to find the next page",
    );
    let two = op_errors(quote!(
        #[get("/x")]
        #[paginate(link_header, page_param = "p", first_page = 2, offset_param = "o")]
        fn x(&self) -> Pages<X>;
    ));
    assert_eq!(two.len(), 2, "one error per extra style, not per key: {two:#?}");
    assert!(two[0].contains("`page_param` and `link_header`") && two[1].contains("`offset_param` and `link_header`"));
    assert_one(
        op_errors(quote!(
            #[get("/x")]
            #[paginate(cursor = "next")]
            fn x(&self) -> Pages<X>;
        )),
        "add `cursor_param = \"cursor\"`",
    );
    assert_one(
        op_errors(quote!(
            #[get("/x")]
            #[paginate(cursor_param = "cursor")]
            fn x(&self) -> Pages<X>;
        )),
        "add `cursor = \"next_cursor\"`",
    );
    assert_one(
        op_errors(quote!(
            #[get("/x")]
            #[paginate(total_pages = "meta.pages")]
            fn x(&self) -> Pages<X>;
        )),
        "add `page_param = \"page\"`",
    );
    assert_one(
        op_errors(quote!(
            #[get("/x")]
            #[paginate(offset_param = "offset", limit_param = "limit")]
            fn x(&self) -> Pages<X>;
        )),
        "add `limit = 100`",
    );
    assert_one(
        op_errors(quote!(
            #[get("/x")]
            #[paginate(offset_param = "offset", limit = 10)]
            fn x(&self) -> Pages<X>;
        )),
        "add `limit_param = \"limit\"`",
    );
}

#[test]
fn values() {
    for (args, needle) in [
        (quote!(curser = "next", cursor_param = "c"), "did you mean `cursor`?"),
        (quote!(link_header = true), "takes no value"),
        (quote!(cursor = "a..b", cursor_param = "c"), "empty segment"),
        (quote!(cursor = next, cursor_param = "c"), "in double quotes"),
        (quote!(page_param = "page", limit_param = "n", limit = "10"), "without quotes"),
        (quote!(page_param = "page", limit_param = "n", limit = -1), "cannot be negative"),
        (quote!(page_param = "page", limit_param = "n", limit = 0), "at least 1"),
        (quote!(page_param = "page", max_pages = 0), "between 1 and"),
        (quote!(page_param = "page", max_pages = 99999999999), "between 1 and"),
        (quote!(page_param = ""), "cannot be empty"),
        (quote!(page_param = "n", limit_param = "n", limit = 5), "both send \"n\""),
        (quote!(page_param = "page", page_param = "p"), "duplicate key `page_param`"),
    ] {
        assert_one(
            op_errors(quote!(
                #[get("/x")]
                #[paginate(#args)]
                fn x(&self) -> Pages<X>;
            )),
            needle,
        );
    }
}

#[test]
fn operations() {
    assert_one(
        op_errors(quote!(
            #[post("/search")]
            #[paginate(link_header)]
            fn x(&self) -> Pages<X>;
        )),
        "a POST is not safe to send again",
    );
    assert_one(
        op_errors(quote!(
            #[get("/x")]
            #[paginate(link_header)]
            async fn x(&self) -> Pages<X>;
        )),
        "remove `async`",
    );
    assert_one(
        op_errors(quote!(
            #[get("/x")]
            #[paginate(link_header)]
            fn x(&self) -> Result<Vec<Invoice>, Error>;
        )),
        "write `-> Pages<Invoice>`",
    );
    assert_one(
        op_errors(quote!(
            #[get("/x")]
            #[paginate(link_header)]
            fn x(&self);
        )),
        "write `-> Pages<Item>`",
    );
    assert_one(
        op_errors(quote!(
            #[get("/x")]
            fn x(&self) -> Pages<Invoice>;
        )),
        "add `#[paginate(..)]`",
    );
    assert_one(
        op_errors(quote!(
            #[get("/x")]
            #[paginate(link_header)]
            #[paginate(link_header)]
            fn x(&self) -> Pages<X>;
        )),
        "one `#[paginate]`",
    );
    assert_one(
        op_errors(quote!(
            #[get("/x")]
            #[paginated(link_header)]
            fn x(&self) -> Pages<X>;
        )),
        "did you mean `#[paginate]`?",
    );
    for near_a_method in ["pacth", "pach", "gett", "pots"] {
        let near_a_method = proc_macro2::Ident::new(near_a_method, proc_macro2::Span::call_site());
        let errors = op_errors(quote!(
            #[#near_a_method("/x")]
            async fn x(&self) -> Result<(), Error>;
        ));
        assert!(errors.iter().all(|e| !e.contains("paginate")), "{near_a_method}: {errors:?}");
    }
    assert_one(
        op_errors(quote!(
            #[get("/x")]
            #[paginate(cursor = "next", cursor_param = "cursor")]
            fn x(&self, #[query] cursor: Option<&str>) -> Pages<X>;
        )),
        "`cursor` is sent by the pagination on every page (`cursor_param`)",
    );
    assert_one(
        op_errors(quote!(
            #[get("/x")]
            #[paginate(page_param = "page", limit_param = "per_page", limit = 10)]
            fn x(&self, #[query("per_page")] size: u32) -> Pages<X>;
        )),
        "`per_page` is sent by the pagination",
    );
    assert!(
        op_errors(quote!(
            #[get("/x/{id}")]
            #[paginate(page_param = "page")]
            #[allow(clippy::all)]
            fn x(&self, id: u64, #[query] page_size: u32) -> Pages<X>;
        ))
        .is_empty()
    );
}
