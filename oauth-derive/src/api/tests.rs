//! Unit tests of `#[oauth_api]`: reading, the rules, and the expansion.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{ItemTrait, parse_quote};

use super::ast::{Input, Piece, parse_template};
use super::{oauth_api, valid};
use crate::ctxt::Ctxt;
use oauth_codegen::operations::{Api, Success};

/// The messages for a trait, after reading and every rule.
fn errors(args: TokenStream, item: ItemTrait) -> Vec<String> {
    let mut cx = Ctxt::default();
    let input = Input::from_syn(&item, args, &mut cx);
    valid::check(&input, &mut cx);
    cx.messages()
}

/// The messages for one operation in a trait with `client = Vendor`.
fn op_errors(op: TokenStream) -> Vec<String> {
    errors(quote!(client = Vendor), parse_quote!(pub trait VendorApi { #op }))
}

/// The model of a valid trait.
fn model(args: TokenStream, item: ItemTrait) -> Api {
    let mut cx = Ctxt::default();
    let input = Input::from_syn(&item, args, &mut cx);
    valid::check(&input, &mut cx);
    assert_eq!(cx.messages(), Vec::<String>::new());
    super::lower::api(&input).expect("a valid trait has a model")
}

/// Asserts that exactly one error was reported and that it contains `needle`.
#[track_caller]
fn assert_one(errors: Vec<String>, needle: &str) {
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(errors[0].contains(needle), "{:?} lacks {needle:?}", errors[0]);
}

fn monta() -> ItemTrait {
    parse_quote! {
        /// Monta's partner API.
        pub trait MontaApi {
            /// The application behind the token.
            #[get("/auth/me")]
            async fn me(&self) -> Result<Application, Error>;

            #[get("/charges/{id}", timeout_ms = 5000)]
            async fn charge(
                &self,
                id: u64,
                #[query] include: Option<&str>,
                #[header("X-Trace-Id")] trace: &str,
            ) -> Result<Charge, Error>;

            #[get("/charges")]
            async fn charges(&self, #[query(flatten)] filter: &ChargeFilter, #[query("pageSize")] page_size: u32) -> Result<Vec<Charge>, Error>;

            #[post("/charges", error = ChargeError, header("X-Api-Version" = "2"), header("X-Client" = "sdk"))]
            async fn create_charge(&self, #[json] charge: &NewCharge, #[header("Idempotency-Key")] key: Option<String>) -> Result<Charge, Error>;

            #[put("/sites/{site}/files/{name}.json", name = "putSiteFile")]
            async fn put_file(&self, site: &str, name: String, #[form] fields: Fields) -> Result<(), Error>;

            #[get("/reports/{id}")]
            async fn report(&self, id: u64) -> Result<String, Error>;

            #[get("/reports/{id}/pdf")]
            #[allow(clippy::unused_async)]
            async fn report_pdf(&self, id: u64) -> Result<Bytes, Error>;

            #[get("/reports/{id}/raw")]
            async fn report_raw(&self, id: u64) -> Result<Vec<u8>, Error>;

            #[head("/health")]
            async fn health(&self) -> Result<reqwest::Response, Error>;

            /// A provided method, kept.
            async fn my_name(&self) -> Result<String, Error> {
                Ok(self.me().await?.name)
            }
        }
    }
}

#[test]
fn monta_is_valid() {
    let api = model(quote!(client = Monta, error = MontaError), monta());
    let ops: Vec<_> = api.ops.iter().map(|op| (op.name.as_str(), op.success.clone())).collect();
    assert_eq!(ops[0].0, "me");
    assert!(matches!(ops[0].1, Success::Json(_)));
    assert_eq!(ops[4], ("putSiteFile", Success::Empty));
    assert_eq!(ops[5].1, Success::Text);
    assert_eq!(ops[6].1, Success::Bytes);
    assert_eq!(ops[7].1, Success::ByteVec);
    assert_eq!(ops[8].1, Success::Raw);
    assert_eq!(api.ops.len(), 9, "the provided method is no operation");
}

#[test]
fn monta_expansion() {
    let tokens = oauth_api(quote!(client = Monta, error = MontaError), quote::ToTokens::into_token_stream(monta()));
    let file: syn::File = syn::parse2(tokens).expect("the expansion parses");
    insta::assert_snapshot!(prettyplease::unparse(&file));
}

/// `scopes = ".."` on the trait is every operation's, unless the operation names its own.
#[test]
fn scopes_expansion() {
    let item: ItemTrait = parse_quote! {
        pub trait RepoApi {
            #[get("/user/repos")]
            async fn repos(&self) -> Result<Vec<Repo>, Error>;

            #[get("/user/teams", scopes = "read:org  repo")]
            async fn teams(&self) -> Result<Vec<Team>, Error>;
        }
    };
    let api = model(quote!(client = GitHub, scopes = "repo"), item.clone());
    let scopes: Vec<Vec<String>> = api
        .ops
        .iter()
        .map(|op| {
            op.steps
                .iter()
                .find_map(|s| match s {
                    oauth_codegen::operations::Step::Scopes(scopes) => Some(scopes.clone()),
                    _ => None,
                })
                .unwrap_or_default()
        })
        .collect();
    assert_eq!(scopes, [vec!["repo"], vec!["read:org", "repo"]]);
    let tokens = oauth_api(quote!(client = GitHub, scopes = "repo"), quote::ToTokens::into_token_stream(item));
    let file: syn::File = syn::parse2(tokens).expect("the expansion parses");
    insta::assert_snapshot!(prettyplease::unparse(&file));
}

#[test]
fn scopes_are_scope_tokens_each_once() {
    for (scopes, needle) in [
        ("", "`scopes`: no scope is listed"),
        ("  ", "`scopes`: no scope is listed"),
        ("repo repo", "`repo` is listed twice"),
        ("fichiers:lécture", "'é' cannot be in a scope (RFC 6749 section 3.3"),
        ("a\\b", "'\\\\' cannot be in a scope"),
    ] {
        assert_one(
            op_errors(quote!(
                #[get("/x", scopes = #scopes)]
                async fn x(&self) -> Result<(), Error>;
            )),
            needle,
        );
    }
    assert_one(
        errors(
            quote!(client = Vendor, scopes = "a\"b"),
            parse_quote!(
                pub trait VendorApi {}
            ),
        ),
        "'\"' cannot be in a scope",
    );
    assert_one(
        op_errors(quote!(
            #[get("/x", scopes = repo)]
            async fn x(&self) -> Result<(), Error>;
        )),
        "write the value in double quotes: `scopes = \"repo\"`",
    );
    assert_one(
        op_errors(quote!(
            #[get("/x", scope = "repo")]
            async fn x(&self) -> Result<(), Error>;
        )),
        "did you mean `scopes`?",
    );
}

#[test]
fn crate_path_and_impl_trait_expansion() {
    let tokens = oauth_api(
        quote!(client = crate::vendors::Deyel, crate = "crate::oauth"),
        quote! {
            pub(crate) trait DeyelApi {
                #[post("/api/v1/things/{id}")]
                #[cfg(feature = "things")]
                async fn thing<'a>(&self, id: impl std::fmt::Display, #[json] body: &'a impl serde::Serialize, #[query] request: Option<u8>) -> Result<(), Error>;
            }
        },
    );
    let file: syn::File = syn::parse2(tokens).expect("the expansion parses");
    insta::assert_snapshot!(prettyplease::unparse(&file));
}

#[test]
fn fallback_expansion() {
    let tokens = oauth_api(
        quote!(client = Monta),
        quote! {
            pub trait MontaApi {
                #[gett("/auth/me")]
                async fn me(&self) -> Result<Application, Error>;
                #[get("/charges/{id}")]
                async fn charge(&self, #[query] include: &str) -> Result<Charge, Error>;
                #[get("/charges/{id}")]
                async fn charge(&self, id: u64) -> Result<Charge, Error>;
                fn sync_one(&self, (a, b): (u8, u8)) -> u8;
                const LIMIT: u32;
                type Item;
                /// Kept.
                fn provided(&self) -> u8 { 1 }
            }
        },
    );
    let text = tokens.to_string();
    assert!(text.contains("compile_error"), "{text}");
    let file: syn::File = syn::parse2(tokens).expect("the fallback parses");
    insta::assert_snapshot!(prettyplease::unparse(&file));
}

#[test]
fn templates() {
    assert_eq!(
        parse_template("/a/{id}/b{x}.json"),
        Ok(vec![
            Piece::Text("/a/".into()),
            Piece::Placeholder("id".into()),
            Piece::Text("/b".into()),
            Piece::Placeholder("x".into()),
            Piece::Text(".json".into()),
        ])
    );
    let err = |path: &str| parse_template(path).expect_err(path);
    assert!(err("charges").contains("write \"/charges\""));
    assert!(err("https://x.io/v1/charges?x=1").contains("write \"/v1/charges\""));
    assert!(err("/charges?status=open&limit=5").contains("`#[query(\"status\")]`, `#[query(\"limit\")]`"));
    assert!(err("/charges#top").contains("fragment"));
    assert!(err("/a b").contains("whitespace"));
    assert!(err("/a/{id").contains("unclosed"));
    assert!(err("/a/id}").contains("without `{`"));
    assert!(err("/a/}{id}").contains("without `{`"));
    assert!(err("/a/{}").contains("empty placeholder"));
    assert!(err("/a/{1x}").contains("not a placeholder"));
    assert!(err("/a/{a-b}").contains("not a placeholder"));
    assert!(err("").contains("starts with `/`"));
}

#[test]
fn trait_level_rules() {
    let item: ItemTrait = parse_quote!(
        trait A {}
    );
    assert_one(errors(quote!(), item.clone()), "missing `client`");
    assert_one(
        errors(quote!(clinet = V), item.clone()),
        "unknown key `clinet` in #[oauth_api]: did you mean `client`?",
    );
    assert_one(errors(quote!(client = "V"), item.clone()), "write the type without quotes: `client = V`");
    assert_one(errors(quote!(client = V, client = W), item.clone()), "duplicate key `client`");
    assert_one(errors(quote!(client = V, error), item.clone()), "write `error = VendorError`");
    assert_one(errors(quote!(client = V, crate = "not a path"), item.clone()), "path of the runtime crate");
    assert_one(
        errors(quote!(client = V, unknown = HashMap<K, V>, error = E), item.clone()),
        "the keys are client, error, scopes, crate",
    );
    assert!(errors(quote!(client = V, error = Vec<(u8, u16)>, crate = oauth_runtime), item).is_empty());
    assert_one(
        errors(
            quote!(client = V),
            parse_quote!(
                trait A<T> {}
            ),
        ),
        "cannot be generic",
    );
    assert_one(
        errors(
            quote!(client = V),
            parse_quote!(
                unsafe trait A {}
            ),
        ),
        "remove `unsafe`",
    );
    assert_one(
        errors(
            quote!(client = V),
            parse_quote!(
                trait A {
                    const X: u8;
                    const Y: u8 = 1;
                }
            ),
        ),
        "nothing gives `X` a value",
    );
    assert_one(
        errors(
            quote!(client = V),
            parse_quote!(
                trait A {
                    type T;
                }
            ),
        ),
        "no associated types",
    );
}

#[test]
fn http_method_attributes() {
    assert_one(
        op_errors(quote!(
            #[gett("/x")]
            async fn x(&self) -> Result<(), Error>;
        )),
        "unknown HTTP method attribute `#[gett]`: did you mean `#[get]`?",
    );
    assert_one(
        op_errors(quote!(
            #[update("/x")]
            async fn x(&self) -> Result<(), Error>;
        )),
        "did you mean `#[put]`?",
    );
    assert_one(
        op_errors(quote!(
            #[tracing::instrument]
            #[get("/x")]
            async fn x(&self) -> Result<(), Error>;
        )),
        "unknown attribute `#[tracing::instrument]` on an operation",
    );
    assert_one(
        op_errors(quote!(
            #[query]
            #[get("/x")]
            async fn x(&self) -> Result<(), Error>;
        )),
        "`#[query]` goes on an argument",
    );
    assert_one(
        op_errors(quote!(
            #[get("/x")]
            #[post("/x")]
            async fn x(&self) -> Result<(), Error>;
        )),
        "already has `#[get]`",
    );
    assert_one(
        op_errors(quote!(
            #[get]
            async fn x(&self) -> Result<(), Error>;
        )),
        "write the path in the attribute",
    );
    assert_one(
        op_errors(quote!(
            #[get()]
            async fn x(&self) -> Result<(), Error>;
        )),
        "write the path in the attribute",
    );
    assert_one(
        op_errors(quote!(
            #[get(timeout_ms = 5)]
            async fn x(&self) -> Result<(), Error>;
        )),
        "the path comes first",
    );
    assert_one(
        op_errors(quote!(
            #[get(x)]
            async fn x(&self) -> Result<(), Error>;
        )),
        "the path comes first",
    );
    assert_one(
        op_errors(quote!(
            #[get("/x", timout_ms = 5)]
            async fn x(&self) -> Result<(), Error>;
        )),
        "unknown key `timout_ms` in #[get]: did you mean `timeout_ms`?",
    );
    assert_one(
        op_errors(quote!(
            #[get("/x", timeout_ms = 0)]
            async fn x(&self) -> Result<(), Error>;
        )),
        "at least 1",
    );
    assert_one(
        op_errors(quote!(
            #[get("/x", timeout_ms = -1)]
            async fn x(&self) -> Result<(), Error>;
        )),
        "negative",
    );
    assert_one(
        op_errors(quote!(
            #[get("/x", timeout_ms = "5")]
            async fn x(&self) -> Result<(), Error>;
        )),
        "without quotes",
    );
    assert_one(
        op_errors(quote!(
            #[get("/x", name = x)]
            async fn x(&self) -> Result<(), Error>;
        )),
        "double quotes",
    );
    assert_one(
        op_errors(quote!(
            #[get("/x", name = "")]
            async fn x(&self) -> Result<(), Error>;
        )),
        "cannot be empty",
    );
    assert_one(
        op_errors(quote!(
            #[get("/x", header = "a")]
            async fn x(&self) -> Result<(), Error>;
        )),
        "header(\\\"X-Api-Version\\\" = \\\"2\\\")".replace("\\\"", "\"").as_str(),
    );
    assert_one(
        op_errors(quote!(
            #[get("/x", header("Bad Name" = "v"))]
            async fn x(&self) -> Result<(), Error>;
        )),
        "' ' cannot be in a header name",
    );
    assert_one(
        op_errors(quote!(
            #[get("/x", header("X-A" = "line\nbreak"))]
            async fn x(&self) -> Result<(), Error>;
        )),
        "a header value is visible ASCII",
    );
    assert_one(
        op_errors(quote!(
            #[get("/x" "/y")]
            async fn x(&self) -> Result<(), Error>;
        )),
        "expected `,`",
    );
}

#[test]
fn signatures() {
    assert_one(
        op_errors(quote!(
            #[get("/x")]
            fn x(&self) -> Result<(), Error>;
        )),
        "write `async fn x(..)`",
    );
    assert_one(
        op_errors(quote!(
            #[get("/x")]
            async fn x(&self) -> Result<(), Error> {
                todo!()
            }
        )),
        "an operation's body is generated",
    );
    assert_one(
        op_errors(quote!(
            #[get("/x")]
            async fn x() -> Result<(), Error>;
        )),
        "takes `&self` first",
    );
    assert_one(
        op_errors(quote!(
            #[get("/x")]
            async fn x(self) -> Result<(), Error>;
        )),
        "as `&self`",
    );
    assert_one(
        op_errors(quote!(
            #[get("/x")]
            async fn x(&mut self) -> Result<(), Error>;
        )),
        "as `&self`",
    );
    assert_one(
        op_errors(quote!(
            #[get("/x")]
            async fn x(&self);
        )),
        "add `-> Result<(), Error>`",
    );
    assert_one(
        op_errors(quote!(
            #[get("/x")]
            async fn x(&self) -> Vec<Charge>;
        )),
        "write `-> Result<Vec<Charge>, Error>`",
    );
    assert_one(
        op_errors(quote!(
            async fn x(&self) -> Result<(), Error>;
        )),
        "`x` has no HTTP method",
    );
    assert_one(
        op_errors(quote!(
            fn x(&self) -> u8;
        )),
        "neither an HTTP method nor a body",
    );
    assert!(
        op_errors(quote!(
            fn x(&self) -> u8 {
                1
            }
        ))
        .is_empty()
    );
    assert_one(
        op_errors(quote!(
            #[delete("/x")]
            async fn delete(&self) -> Result<(), Error>;
        )),
        "`Client` has a method `delete`",
    );
    assert_one(
        errors(
            quote!(client = V),
            parse_quote!(
                trait A {
                    #[get("/a")]
                    async fn a(&self) -> Result<(), Error>;
                    #[get("/b", name = "a")]
                    async fn b(&self) -> Result<(), Error>;
                }
            ),
        ),
        "`a` already has the operation name \"a\"",
    );
    assert_one(
        errors(
            quote!(client = V),
            parse_quote!(
                trait A {
                    #[get("/a")]
                    async fn a(&self) -> Result<(), Error>;
                    #[get("/b")]
                    async fn a(&self) -> Result<(), Error>;
                }
            ),
        ),
        "an operation named `a` is already declared",
    );
}

#[test]
fn arguments() {
    assert_one(
        op_errors(quote!(
            #[get("/x/{id}")]
            async fn x(&self) -> Result<(), Error>;
        )),
        "the placeholder `{id}` has no argument: add `id: T` to `x`",
    );
    let errs = op_errors(quote!(
        #[get("/x/{id}")]
        async fn x(&self, ident: u64) -> Result<(), Error>;
    ));
    assert_eq!(errs.len(), 2, "{errs:#?}");
    assert!(errs[0].contains("or mark the argument that fills it `#[path(\"id\")] ident`"), "{errs:#?}");
    assert!(errs[1].contains("`ident` is used nowhere: add `{ident}` to the path"));
    assert_one(
        op_errors(quote!(
            #[get("/x/{id}")]
            async fn x(&self, #[query] id: u64) -> Result<(), Error>;
        )),
        "`id` fills the placeholder `{id}`, so it takes no `#[query]`",
    );
    assert_one(
        op_errors(quote!(
            #[post("/x")]
            async fn x(&self, #[json] a: &A, #[form] b: &B) -> Result<(), Error>;
        )),
        "a request has one body, and `a` is already it",
    );
    assert_one(
        op_errors(quote!(
            #[get("/x")]
            async fn x(&self, #[json] a: &A) -> Result<(), Error>;
        )),
        "a GET request has no body",
    );
    assert_one(
        op_errors(quote!(
            #[head("/x")]
            async fn x(&self, #[form] a: &A) -> Result<(), Error>;
        )),
        "a HEAD request has no body",
    );
    assert!(
        op_errors(quote!(
            #[delete("/x")]
            async fn x(&self, #[json] a: &A) -> Result<(), Error>;
        ))
        .is_empty()
    );
    assert_one(
        op_errors(quote!(
            #[get("/x")]
            async fn x(&self, #[quer] a: u8) -> Result<(), Error>;
        )),
        "unknown argument attribute `#[quer]`: did you mean `#[query]`?",
    );
    assert_one(
        op_errors(quote!(
            #[get("/x")]
            async fn x(&self, #[query(flaten)] a: &A) -> Result<(), Error>;
        )),
        "did you mean `flatten`?",
    );
    assert_one(
        op_errors(quote!(
            #[get("/x")]
            async fn x(&self, #[query(1)] a: u8) -> Result<(), Error>;
        )),
        "#[query(flatten)]",
    );
    assert_one(
        op_errors(quote!(
            #[get("/x")]
            async fn x(&self, #[query("")] a: u8) -> Result<(), Error>;
        )),
        "a query name cannot be empty",
    );
    assert_one(
        op_errors(quote!(
            #[post("/x")]
            async fn x(&self, #[json(x)] a: &A) -> Result<(), Error>;
        )),
        "takes no arguments",
    );
    assert_one(
        op_errors(quote!(
            #[get("/x")]
            async fn x(&self, #[header] a: &str) -> Result<(), Error>;
        )),
        "needs the header's name",
    );
    assert_one(
        op_errors(quote!(
            #[get("/x")]
            async fn x(&self, #[header(X)] a: &str) -> Result<(), Error>;
        )),
        "in double quotes",
    );
    assert_one(
        op_errors(quote!(
            #[get("/x")]
            async fn x(
                &self,
                #[query]
                #[header("A")]
                a: &str,
            ) -> Result<(), Error>;
        )),
        "`a` is already sent by `#[query]`",
    );
    assert_one(
        op_errors(quote!(
            #[get("/x")]
            async fn x(&self, (a, b): (u8, u8)) -> Result<(), Error>;
        )),
        "a plain name",
    );
    assert!(
        op_errors(quote!(
            #[get("/x/{type}")]
            async fn x(&self, #[allow(unused)] r#type: u8) -> Result<(), Error>;
        ))
        .is_empty()
    );
}

#[test]
fn path_arguments_of_another_name() {
    let api = model(
        quote!(client = Billing),
        parse_quote!(
            trait BillingApi {
                #[get("/customers/{customerId}/invoices/{invoiceId}")]
                async fn invoice(
                    &self,
                    #[path("invoiceId")] invoice_id: &str,
                    #[path("customerId")] customer: u64,
                    #[query] expand: bool,
                ) -> Result<(), Error>;
            }
        ),
    );
    let tokens = quote::ToTokens::into_token_stream(oauth_codegen::operations::expand(&api)).to_string();
    assert!(tokens.contains(r#"PathPiece :: Arg ("customer" , & customer)"#), "{tokens}");
    assert!(tokens.contains(r#"PathPiece :: Arg ("invoice_id" , & invoice_id)"#), "{tokens}");
    assert!(!tokens.contains("query_pair (& invoice_id"), "a path argument is no step: {tokens}");

    assert_one(
        op_errors(quote!(
            #[get("/invoices/{invoiceId}")]
            async fn invoice(&self, #[path("invoiceID")] invoice_id: &str) -> Result<(), Error>;
        )),
        "`#[path(\"invoiceID\")]` names no placeholder of the path: did you mean `#[path(\"invoiceId\")]`?",
    );
    assert_one(
        op_errors(quote!(
            #[get("/invoices/{invoiceId}")]
            async fn invoice(&self, #[path("number")] invoice_id: &str) -> Result<(), Error>;
        )),
        "`#[path(\"number\")]` names no placeholder of `invoice`'s path (its placeholders are `{invoiceId}`)",
    );
    let errs = op_errors(quote!(
        #[get("/invoices")]
        async fn invoice(&self, #[path("invoiceId")] invoice_id: &str) -> Result<(), Error>;
    ));
    assert_one(errs, "(the path has no placeholder): name one of them, or add `{invoiceId}` to the path");
    assert_one(
        op_errors(quote!(
            #[get("/invoices/{id}")]
            async fn invoice(&self, #[path("id")] invoice_id: &str, id: &str) -> Result<(), Error>;
        )),
        "`id` fills the placeholder `{id}`, and so does `invoice_id`: one argument fills a placeholder",
    );
    assert_one(
        op_errors(quote!(
            #[get("/invoices/{id}")]
            async fn invoice(&self, #[path("id")] a: &str, #[path("id")] b: &str) -> Result<(), Error>;
        )),
        "`b` fills the placeholder `{id}`, and so does `a`",
    );
    // `id` has another use, and another argument fills `{id}`.
    assert!(
        op_errors(quote!(
            #[get("/invoices/{id}")]
            async fn invoice(&self, #[path("id")] invoice_id: &str, #[query] id: &str) -> Result<(), Error>;
        ))
        .is_empty()
    );
    assert_one(
        op_errors(quote!(
            #[get("/invoices/{invoiceId}")]
            async fn invoice(&self, #[path] invoice_id: &str) -> Result<(), Error>;
        )),
        "`#[path]` names the placeholder the argument fills, in double quotes",
    );
    assert_one(
        op_errors(quote!(
            #[get("/invoices/{invoiceId}")]
            async fn invoice(&self, #[path(invoiceId)] invoice_id: &str) -> Result<(), Error>;
        )),
        "`#[path(\"invoiceId\")] invoice_id: &str`",
    );
    assert_one(
        op_errors(quote!(
            #[get("/invoices/{id}")]
            async fn invoice(
                &self,
                #[path("id")]
                #[query]
                invoice_id: &str,
            ) -> Result<(), Error>;
        )),
        "`invoice_id` is already sent by `#[path]`",
    );
}

#[test]
fn path_arguments_are_never_absent() {
    for op in [
        quote!(
            #[get("/invoices/{id}")]
            async fn invoice(&self, id: Option<u64>) -> Result<(), Error>;
        ),
        quote!(
            #[get("/invoices/{id}")]
            async fn invoice(&self, id: &Option<String>) -> Result<(), Error>;
        ),
        quote!(
            #[get("/invoices/{id}")]
            async fn invoice(&self, #[path("id")] invoice: std::option::Option<&str>) -> Result<(), Error>;
        ),
    ] {
        assert_one(
            op_errors(op),
            "a path segment cannot be absent: take a value that is always there (not an `Option`), or declare two operations",
        );
    }
}

#[test]
fn query_values_visibly_not_one_pair() {
    let cases = [
        (
            quote!(HashMap<String, String>),
            "is a map, which is not one query pair `q=value`: mark it `#[query(flatten)]`",
        ),
        (quote!(&std::collections::BTreeMap<&str, u32>), "is a map"),
        (quote!(Option<serde_json::Map<String, Value>>), "is a map"),
        (quote!((u32, u32)), "is a tuple"),
        (
            quote!(&[(&str, &str)]),
            "is a list of tuples, which is not one query pair `q=value`: mark it `#[query(flatten)]`",
        ),
        (quote!(Vec<Vec<u32>>), "is a list of lists or maps"),
        (quote!(&[[u8; 2]]), "is a list of lists or maps"),
        (quote!(Option<Vec<HashMap<String, u8>>>), "is a list of lists or maps"),
    ];
    for (ty, needle) in cases {
        let errs = op_errors(quote!(#[get("/x")] async fn x(&self, #[query] q: #ty) -> Result<(), Error>;));
        assert_one(errs, needle);
    }
    // Scalars, lists of scalars, and types the macro cannot see into: checked at run time.
    for ty in [
        quote!(u32),
        quote!(&str),
        quote!(Option<Cow<'_, str>>),
        quote!(&[u64]),
        quote!(Vec<Option<String>>),
        quote!(HashSet<u8>),
        quote!(Filter),
        quote!(Vec<Filter>),
        quote!(Map),
        quote!(()),
    ] {
        let errs = op_errors(quote!(#[get("/x")] async fn x(&self, #[query] q: #ty) -> Result<(), Error>;));
        assert_eq!(errs, Vec::<String>::new(), "{ty}");
    }
    // `flatten` takes maps and lists of pairs.
    assert!(
        op_errors(quote!(
            #[get("/x")]
            async fn x(&self, #[query(flatten)] q: &HashMap<String, String>) -> Result<(), Error>;
        ))
        .is_empty()
    );
}

#[test]
fn answers() {
    let api = model(
        quote!(client = Vendor),
        parse_quote!(
            trait VendorApi {
                #[post("/a")]
                async fn a(&self) -> Result<Answer<Invoice>, Error>;
                #[post("/b")]
                async fn b(&self) -> Result<oauth_runtime::Answer<()>, Error>;
                #[get("/c")]
                async fn c(&self) -> Result<Answer<String>, Error>;
                #[get("/d")]
                async fn d(&self) -> Result<Answer<Bytes>, Error>;
                #[get("/e")]
                async fn e(&self) -> Result<Answer<Vec<u8>>, Error>;
            }
        ),
    );
    let kinds: Vec<Success> = api.ops.iter().map(|op| op.success.clone()).collect();
    assert!(matches!(&kinds[0], Success::Answer(inner) if matches!(**inner, Success::Json(_))));
    assert_eq!(kinds[1], Success::Answer(Box::new(Success::Empty)));
    assert_eq!(kinds[2], Success::Answer(Box::new(Success::Text)));
    assert_eq!(kinds[3], Success::Answer(Box::new(Success::Bytes)));
    assert_eq!(kinds[4], Success::Answer(Box::new(Success::ByteVec)));
    for ty in [quote!(Answer<Response>), quote!(Answer<reqwest::Response>), quote!(Answer<Answer<()>>)] {
        assert_one(
            op_errors(quote!(#[get("/x")] async fn x(&self) -> Result<#ty, Error>;)),
            "a `Response` already has its status and headers, so return `Response` itself",
        );
    }
}

#[test]
fn several_clients() {
    let api = model(
        quote!(client(Vendor, VendorPassword), error = VendorError),
        parse_quote!(
            trait VendorApi {
                #[get("/me")]
                async fn me(&self) -> Result<Me, Error>;
            }
        ),
    );
    assert_eq!(api.clients.len(), 2);
    assert_eq!(
        model(
            quote!(client = Vendor),
            parse_quote!(
                trait VendorApi {}
            )
        )
        .clients
        .len(),
        1
    );
    assert_one(
        errors(
            quote!(client()),
            parse_quote!(
                trait VendorApi {}
            ),
        ),
        "`client()` names no provider",
    );
    assert_one(
        errors(
            quote!(client(Vendor, other::Password, Vendor)),
            parse_quote!(
                trait VendorApi {}
            ),
        ),
        "`Vendor` is already in `client(..)`: each client gets the operations once; keep one",
    );
    assert_one(
        errors(
            quote!(client(Vendor), client = Other),
            parse_quote!(
                trait VendorApi {}
            ),
        ),
        "duplicate key `client`",
    );
    assert_one(
        errors(
            quote!(client(Vendor,, B)),
            parse_quote!(
                trait VendorApi {}
            ),
        ),
        "expected a type",
    );
    assert_one(
        errors(
            quote!(error = E),
            parse_quote!(
                trait VendorApi {}
            ),
        ),
        "missing `client`",
    );
}

#[test]
fn answer_and_clients_expansion() {
    let tokens = oauth_api(
        quote!(client(Billing, BillingPassword), error = BillingError),
        quote! {
            pub trait BillingApi {
                #[post("/customers/{customerId}/invoices")]
                async fn create_invoice(&self, #[path("customerId")] customer_id: &str, #[json] invoice: &NewInvoice) -> Result<Answer<Invoice>, Error>;
                #[delete("/invoices/{id}")]
                async fn delete_invoice(&self, id: &str, #[header("If-Match")] etag: &str) -> Result<Answer<()>, Error>;
                #[get("/invoices/{id}/pdf")]
                async fn pdf(&self, id: &str) -> Result<Answer<Vec<u8>>, Error>;
            }
        },
    );
    let file: syn::File = syn::parse2(tokens).expect("the expansion parses");
    insta::assert_snapshot!(prettyplease::unparse(&file));
}

#[test]
fn fallback_declares_operations_with_ref_self() {
    let tokens = oauth_api(
        quote!(client(Vendor, Vendor)),
        quote! {
            pub trait VendorApi {
                #[get("/me")]
                async fn me() -> Result<String, Error>;
                #[get("/you")]
                async fn you(mut self: Box<Self>, #[query] n: u8) -> Result<String, Error>;
            }
        },
    );
    let file: syn::File = syn::parse2(tokens).expect("the fallback parses");
    let text = prettyplease::unparse(&file);
    let squeezed: String = text.split_whitespace().collect();
    assert_eq!(squeezed.matches("fnme(&self,)->").count(), 2, "the trait's and the stand-in's: {text}");
    assert_eq!(squeezed.matches("fnyou(&self,n:u8,)->").count(), 1, "{text}");
    assert_eq!(squeezed.matches("fnyou(&self,_:u8,)->").count(), 1, "{text}");
    assert_eq!(text.matches("impl VendorApi for").count(), 1, "one stand-in per distinct client: {text}");
}

#[test]
fn all_errors_are_reported_together() {
    let errs = errors(
        quote!(clinet = V),
        parse_quote!(
            trait A {
                #[gett("/a")]
                async fn a(&self) -> Result<(), Error>;
                #[get("b/{id}")]
                async fn b(&self, unused: u8) -> Vec<u8>;
                #[get("/c")]
                async fn c(&self, #[json] body: &B) -> Result<(), Error>;
            }
        ),
    );
    assert_eq!(errs.len(), 5, "{errs:#?}");
}

#[test]
fn garbage_never_panics() {
    let args = [
        quote!(client),
        quote!(client =),
        quote!(= V),
        quote!("x"),
        quote!(client = V,,,),
        quote!(client = V error = E),
        quote!(client = 1),
        quote!(crate = "", client = V),
        quote!(client = V<>>),
    ];
    for args in args {
        let out = oauth_api(
            args.clone(),
            quote!(
                trait A {}
            ),
        );
        assert!(out.to_string().contains("compile_error"), "{args}");
    }
    let items = [
        quote!(
            struct S;
        ),
        quote!(),
        quote!(
            trait A {
                #[get("/{")]
                async fn a(
                    &self,
                    #[query(flatten, x)] a: u8,
                    #[header("")] b: u8,
                    #[json] c: u8,
                    #[form] d: u8,
                ) -> Result<Result<(), ()>, E>;
            }
        ),
        quote!(
            trait A {
                #[get("/{}", error = , timeout_ms = 99999999999999999999999, header("a" = 1))]
                fn a(&self, ...) -> Result;
            }
        ),
        quote!(
            trait A {
                #[get(("/x"))]
                async fn a(self: Box<Self>, _: u8) -> Result<(), ()>
                where
                    Self: Sized;
            }
        ),
        quote!(
            trait A {
                #[get("/é/{ß}")]
                async fn a(&self, ß: u8) -> Result<!, ()>;
                fn b(&self);
            }
        ),
        quote!(
            trait A {
                #[get("/x")]
                const fn a(&self) -> impl Future<Output = ()>;
            }
        ),
    ];
    for item in items {
        let out = oauth_api(quote!(client = V), item.clone());
        assert!(out.to_string().contains("compile_error"), "{item}");
    }
    let huge = "x".repeat(1 << 20);
    let out = oauth_api(
        quote!(client = V),
        quote!(
            trait A {
                #[get(#huge)]
                async fn a(&self) -> Result<(), E>;
            }
        ),
    );
    assert!(out.to_string().contains("compile_error"));
}

#[test]
fn uploads_expansion() {
    let tokens = oauth_api(
        quote!(client = Vercel),
        quote! {
            pub trait Uploads {
                #[put("/v8/artifacts/{hash}")]
                async fn upload_artifact(&self, hash: &str, #[body] artifact: Vec<u8>) -> Result<(), Error>;
                #[post("/markdown/raw")]
                async fn render(&self, #[body("text/plain")] text: &str) -> Result<String, Error>;
                #[post("/images")]
                async fn upload_image(&self, #[multipart] image: &ImageUpload) -> Result<Image, Error>;
            }
        },
    );
    let file: syn::File = syn::parse2(tokens).expect("the expansion parses");
    insta::assert_snapshot!(prettyplease::unparse(&file));
}

#[test]
fn upload_bodies() {
    let api = model(
        quote!(client = Vendor),
        parse_quote! {
            pub trait VendorApi {
                #[put("/a")]
                async fn a(&self, #[body] data: Vec<u8>) -> Result<(), Error>;
                #[put("/b")]
                async fn b(&self, #[body("image/png; q=1")] data: &[u8]) -> Result<(), Error>;
                #[post("/c")]
                async fn c(&self, #[multipart] form: Multipart) -> Result<(), Error>;
            }
        },
    );
    use oauth_codegen::operations::Step;
    let bodies: Vec<String> = api
        .ops
        .iter()
        .flat_map(|op| &op.steps)
        .filter_map(|step| match step {
            Step::Bytes { content_type, arg, .. } => Some(format!("bytes {arg} {content_type}")),
            Step::Multipart { arg, .. } => Some(format!("multipart {arg}")),
            _ => None,
        })
        .collect();
    assert_eq!(bodies, ["bytes data application/octet-stream", "bytes data image/png; q=1", "multipart form"]);

    for (op, needle) in [
        (
            quote!(
                #[post("/x")]
                async fn x(&self, #[body("png")] d: Vec<u8>) -> Result<(), Error>;
            ),
            "`png` is not a media type",
        ),
        (
            quote!(
                #[post("/x")]
                async fn x(&self, #[body("image/")] d: Vec<u8>) -> Result<(), Error>;
            ),
            "is not a media type",
        ),
        (
            quote!(
                #[post("/x")]
                async fn x(&self, #[body("text/plain; a=\u{e9}")] d: Vec<u8>) -> Result<(), Error>;
            ),
            "visible ASCII",
        ),
        (
            quote!(
                #[post("/x")]
                async fn x(&self, #[body("Multipart/Mixed")] d: Vec<u8>) -> Result<(), Error>;
            ),
            "needs a boundary",
        ),
        (
            quote!(
                #[post("/x")]
                async fn x(&self, #[body = "a/b"] d: Vec<u8>) -> Result<(), Error>;
            ),
            "name their content type in double quotes",
        ),
        (
            quote!(
                #[post("/x")]
                async fn x(&self, #[multipart(x)] f: Multipart) -> Result<(), Error>;
            ),
            "`#[multipart]` takes no arguments",
        ),
        (
            quote!(
                #[post("/x")]
                async fn x(&self, #[body] d: Option<Vec<u8>>) -> Result<(), Error>;
            ),
            "a body of bytes is sent whole",
        ),
        (
            quote!(
                #[post("/x")]
                async fn x(&self, #[body] d: &[u16]) -> Result<(), Error>;
            ),
            "a list of something else than bytes",
        ),
        (
            quote!(
                #[post("/x")]
                async fn x(&self, #[body] d: (u8, u8)) -> Result<(), Error>;
            ),
            "a tuple, which is not a body of bytes",
        ),
        (
            quote!(
                #[post("/x")]
                async fn x(&self, #[body] f: &oauth_runtime::Multipart) -> Result<(), Error>;
            ),
            "sent with `#[multipart]`",
        ),
        (
            quote!(
                #[post("/x")]
                async fn x(&self, #[multipart] f: String) -> Result<(), Error>;
            ),
            "`f` is text, which is not a multipart",
        ),
        (
            quote!(
                #[post("/x")]
                async fn x(&self, #[multipart] f: bytes::Bytes) -> Result<(), Error>;
            ),
            "`f` is bytes, which is not a multipart",
        ),
        (
            quote!(
                #[post("/x")]
                async fn x(&self, #[multipart] f: [u8; 3]) -> Result<(), Error>;
            ),
            "with `#[body(\"type\")]`",
        ),
        (
            quote!(
                #[post("/x")]
                async fn x(&self, #[multipart] a: Multipart, #[body] b: Vec<u8>) -> Result<(), Error>;
            ),
            "add `b` to the form as a part",
        ),
        (
            quote!(
                #[get("/x")]
                async fn x(&self, #[body] b: Vec<u8>) -> Result<(), Error>;
            ),
            "a GET request has no body",
        ),
        (
            quote!(
                #[head("/x")]
                async fn x(&self, #[multipart] f: Multipart) -> Result<(), Error>;
            ),
            "a HEAD request has no body",
        ),
    ] {
        assert_one(op_errors(op), needle);
    }
    // Types the macro cannot see into are left to the runtime's assertion traits.
    for op in [
        quote!(
            #[post("/x")]
            async fn x(&self, #[body] d: &Archive) -> Result<(), Error>;
        ),
        quote!(
            #[post("/x")]
            async fn x(&self, #[multipart] f: &Upload) -> Result<(), Error>;
        ),
        quote!(
            #[post("/x")]
            async fn x(&self, #[body("text/csv; charset=utf-8")] d: String) -> Result<(), Error>;
        ),
    ] {
        assert_eq!(op_errors(op), Vec::<String>::new());
    }
}
