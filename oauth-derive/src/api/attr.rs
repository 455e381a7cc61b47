//! Reading `#[oauth_api(..)]`, the operations' `#[get(..)]`-style attributes and the
//! arguments' `#[query]`-style attributes into values with spans.
//!
//! Values here are types (`client = Monta`, `error = Vec<ApiError>`), which meta-item parsers
//! read as expressions and reject once they have generics, so the lists are read with syn
//! directly. As for `#[oauth_provider]`, a bad item is reported and skipped, and the rest read.

use proc_macro2::{TokenStream, TokenTree};
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream, Parser};
use syn::spanned::Spanned;
use syn::{Attribute, Ident, LitInt, LitStr, Meta, Path, Token, Type};

use oauth_codegen::operations::QueryStyle;

use crate::arg::{Arg, Sp};
use crate::ctxt::Ctxt;
use crate::symbol::{API_KEYS, ARG_ATTRS, OPERATION_KEYS, QUERY_FLATTEN, QUERY_STYLE, did_you_mean, unraw};

/// The arguments of `#[oauth_api(..)]`.
#[derive(Default)]
pub(crate) struct ApiArgs {
    /// The provider types whose clients get the operations: `client = A`, or `client(A, B)`
    /// for every client of one vendor's API (say, a client-credentials and a password provider).
    pub clients: Arg<Vec<Type>>,
    /// The vendor's error type, for every operation that names none.
    pub error: Arg<Type>,
    /// The scopes every operation that names none needs, space-separated.
    pub scopes: Arg<String>,
    /// Path to the runtime crate.
    pub krate: Arg<Path>,
}

impl ApiArgs {
    /// Reads the tokens inside `#[oauth_api(..)]`.
    pub(crate) fn parse(tokens: TokenStream, cx: &mut Ctxt) -> Self {
        let mut args = ApiArgs::default();
        let complete = read_list(tokens, cx, "#[oauth_api]", |key, input, cx| {
            match unraw(&key).as_str() {
                "client" => set(&mut args.clients, &key, clients_value(&key, input), cx)?,
                "error" => set(&mut args.error, &key, type_value(&key, input), cx)?,
                "scopes" => set(&mut args.scopes, &key, str_value(&key, input), cx)?,
                "crate" => set(&mut args.krate, &key, crate_value(&key, input), cx)?,
                other => return Err(unknown_key(&key, other, API_KEYS, "#[oauth_api]", input)),
            }
            Ok(())
        });
        if !complete {
            args.clients.forget_if_absent();
            args.error.forget_if_absent();
            args.scopes.forget_if_absent();
            args.krate.forget_if_absent();
        }
        args
    }
}

/// An operation's attribute: `#[post("/charges", error = ChargeError, timeout_ms = 5000,
/// header("X-Api-Version" = "2"), name = "createCharge", scopes = "charges:write")]`.
pub(crate) struct OperationArgs {
    /// The path template; `Bad` when the attribute could not be read.
    pub path: Arg<String>,
    pub error: Arg<Type>,
    pub timeout_ms: Arg<u64>,
    /// Fixed headers, in order; a name may repeat.
    pub headers: Vec<(Sp<String>, Sp<String>)>,
    /// The operation's name in traces, instead of the method's.
    pub name: Arg<String>,
    /// The scopes the operation needs, space-separated, instead of the trait's.
    pub scopes: Arg<String>,
}

impl OperationArgs {
    /// Reads an operation's attribute, `attr` being `get`, `post`, ...
    pub(crate) fn parse(attr: &Attribute, method: &str, cx: &mut Ctxt) -> Self {
        let mut args = OperationArgs {
            path: Arg::Absent,
            error: Arg::Absent,
            timeout_ms: Arg::Absent,
            headers: Vec::new(),
            name: Arg::Absent,
            scopes: Arg::Absent,
        };
        let Meta::List(list) = &attr.meta else {
            cx.error_spanned_by(attr, format!("write the path in the attribute: `#[{method}(\"/items/{{id}}\")]`"));
            args.path = Arg::Bad;
            return args;
        };
        let tokens = list.tokens.clone();
        let attr_name = format!("#[{method}]");
        // The path comes first, then the options, all in one list.
        let mut first = true;
        let complete = read_list_with(tokens, cx, &attr_name, |input, cx| {
            if std::mem::take(&mut first) {
                if input.peek(LitStr) {
                    let path: LitStr = input.parse()?;
                    args.path = Arg::Given(Sp::new(path.value(), path.span()));
                    return Ok(());
                }
                args.path = Arg::Bad;
                let msg = format!("the path comes first, in double quotes: `#[{method}(\"/items/{{id}}\")]`");
                if input.peek(Ident::peek_any) && !input.peek2(Token![=]) && !input.peek2(syn::token::Paren) {
                    return Err(input.error(msg));
                }
                cx.error_at(input.span(), msg);
            }
            let key = input.call(Ident::parse_any)?;
            match unraw(&key).as_str() {
                "error" => set(&mut args.error, &key, type_value(&key, input), cx)?,
                "timeout_ms" => set(&mut args.timeout_ms, &key, millis_value(&key, input), cx)?,
                "name" => set(&mut args.name, &key, str_value(&key, input), cx)?,
                "scopes" => set(&mut args.scopes, &key, str_value(&key, input), cx)?,
                "header" => args.headers.extend(header_pairs(&key, input)?),
                other => return Err(unknown_key(&key, other, OPERATION_KEYS, &attr_name, input)),
            }
            Ok(())
        });
        if first {
            cx.error_spanned_by(attr, format!("write the path in the attribute: `#[{method}(\"/items/{{id}}\")]`"));
            args.path = Arg::Bad;
        }
        if !complete {
            args.error.forget_if_absent();
            args.timeout_ms.forget_if_absent();
            args.name.forget_if_absent();
            args.scopes.forget_if_absent();
        }
        args
    }
}

/// What an argument's attribute makes of it.
#[derive(Clone, Debug)]
pub(crate) enum ArgKind {
    /// `#[query]`, `#[query("wireName")]`: one query pair, under the argument's name or this
    /// one; `style = ".."` writes it in another of OpenAPI's styles.
    Query(Option<Sp<String>>, Option<Sp<QueryStyle>>),
    /// `#[query(flatten)]`: a struct whose fields are the query pairs.
    QueryFlatten,
    /// `#[json]`: the body, as JSON.
    Json,
    /// `#[form]`: the body, form-URL-encoded.
    Form,
    /// `#[body]`, `#[body("image/png")]`: the body, bytes as they are, with this content type
    /// (`application/octet-stream` when none is written).
    Bytes(Sp<String>),
    /// `#[multipart]`: the body, `multipart/form-data`.
    Multipart,
    /// `#[header("Name")]`: a header per call.
    Header(Sp<String>),
    /// `#[path("invoiceId")]`: fills the path placeholder `{invoiceId}`, which is not the
    /// argument's own name.
    Path(Sp<String>),
}

impl ArgKind {
    /// Whether the argument is the body.
    pub(crate) fn is_body(&self) -> bool {
        matches!(self, ArgKind::Json | ArgKind::Form | ArgKind::Bytes(_) | ArgKind::Multipart)
    }

    /// The attribute as written, for messages.
    pub(crate) fn describe(&self) -> &'static str {
        match self {
            ArgKind::Query(..) => "#[query]",
            ArgKind::QueryFlatten => "#[query(flatten)]",
            ArgKind::Json => "#[json]",
            ArgKind::Form => "#[form]",
            ArgKind::Bytes(_) => "#[body]",
            ArgKind::Multipart => "#[multipart]",
            ArgKind::Header(_) => "#[header]",
            ArgKind::Path(_) => "#[path]",
        }
    }
}

/// Reads one of an argument's attributes whose name is in [`ARG_ATTRS`]; `None` when it is
/// unreadable (and reported).
pub(crate) fn parse_arg_attr(attr: &Attribute, name: &str, cx: &mut Ctxt) -> Option<Sp<ArgKind>> {
    let span = attr.path().span();
    let kind = match (name, &attr.meta) {
        ("query", Meta::Path(_)) => Ok(ArgKind::Query(None, None)),
        ("query", Meta::List(list)) => (|input: ParseStream<'_>| {
            if input.peek(Ident::peek_any) && !input.peek2(Token![=]) {
                let word = input.call(Ident::parse_any)?;
                if word != QUERY_FLATTEN {
                    return Err(syn::Error::new(word.span(), query_usage(Some(&unraw(&word)))));
                }
                input.parse::<Option<Token![,]>>()?;
                if !input.is_empty() {
                    return Err(
                        input.error("`#[query(flatten)]` takes nothing else: a struct's fields are sent as they are")
                    );
                }
                return Ok(ArgKind::QueryFlatten);
            }
            let rename = if input.peek(LitStr) {
                let wire: LitStr = input.parse()?;
                input.parse::<Option<Token![,]>>()?;
                Some(Sp::new(wire.value(), wire.span()))
            } else {
                None
            };
            let style = if input.is_empty() { None } else { Some(query_style(input)?) };
            input.parse::<Option<Token![,]>>()?;
            if !input.is_empty() {
                return Err(input.error(query_usage(None)));
            }
            Ok(ArgKind::Query(rename, style))
        })
        .parse2(list.tokens.clone())
        .map_err(|e| if e.to_string().contains("query") { e } else { syn::Error::new(e.span(), query_usage(None)) }),
        ("json" | "form", Meta::Path(_)) => Ok(if name == "json" { ArgKind::Json } else { ArgKind::Form }),
        ("json" | "form", _) => Err(syn::Error::new_spanned(
            &attr.meta,
            format!("`#[{name}]` takes no arguments: the argument's type says what is sent"),
        )),
        ("body", Meta::Path(_)) => Ok(ArgKind::Bytes(Sp::new(OCTET_STREAM.to_owned(), span))),
        ("body", Meta::List(list)) => (|input: ParseStream<'_>| {
            let content_type: LitStr = input.parse()?;
            input.parse::<Option<Token![,]>>()?;
            if !input.is_empty() {
                return Err(input.error("unexpected tokens"));
            }
            Ok(ArgKind::Bytes(Sp::new(content_type.value(), content_type.span())))
        })
        .parse2(list.tokens.clone())
        .map_err(|e| syn::Error::new(e.span(), BODY_USAGE)),
        ("body", _) => Err(syn::Error::new_spanned(&attr.meta, BODY_USAGE)),
        ("multipart", Meta::Path(_)) => Ok(ArgKind::Multipart),
        ("multipart", _) => Err(syn::Error::new_spanned(
            &attr.meta,
            "`#[multipart]` takes no arguments: the argument's type (an `oauth_runtime::Multipart`, or a type \
             implementing `ToMultipart`) says what the parts are",
        )),
        ("header", Meta::List(list)) => (|input: ParseStream<'_>| {
            let name: LitStr = input.parse()?;
            input.parse::<Option<Token![,]>>()?;
            if !input.is_empty() {
                return Err(input.error("unexpected tokens"));
            }
            Ok(ArgKind::Header(Sp::new(name.value(), name.span())))
        })
        .parse2(list.tokens.clone())
        .map_err(|e| {
            syn::Error::new(e.span(), "write the header's name in double quotes: `#[header(\"X-Trace-Id\")]`")
        }),
        ("header", _) => Err(syn::Error::new_spanned(
            &attr.meta,
            "`#[header]` needs the header's name: write `#[header(\"X-Trace-Id\")]`",
        )),
        ("path", Meta::List(list)) => (|input: ParseStream<'_>| {
            let name: LitStr = input.parse()?;
            input.parse::<Option<Token![,]>>()?;
            if !input.is_empty() {
                return Err(input.error("unexpected tokens"));
            }
            Ok(ArgKind::Path(Sp::new(name.value(), name.span())))
        })
        .parse2(list.tokens.clone())
        .map_err(|e| syn::Error::new(e.span(), PATH_USAGE)),
        ("path", _) => Err(syn::Error::new_spanned(&attr.meta, PATH_USAGE)),
        (_, Meta::Path(_) | Meta::List(_)) | (_, Meta::NameValue(_)) => Err(syn::Error::new(
            span,
            format!("unknown argument attribute `{name}`: expected one of {}", ARG_ATTRS.join(", ")),
        )),
    };
    match kind {
        Ok(kind) => Some(Sp::new(kind, span)),
        Err(e) => {
            cx.syn_error(e);
            None
        }
    }
}

/// The content type of a `#[body]` written without one.
pub(crate) const OCTET_STREAM: &str = "application/octet-stream";

const BODY_USAGE: &str = "`#[body]` sends the argument's bytes as they are; name their content type in double \
     quotes: `#[body(\"image/png\")] data: Vec<u8>` (`#[body]` alone is `application/octet-stream`)";

const PATH_USAGE: &str = "`#[path]` names the placeholder the argument fills, in double quotes: \
     `#[path(\"invoiceId\")] invoice_id: &str` for `{invoiceId}`; an argument named like its placeholder \
     needs no attribute";

/// `style = "comma"`, the option's key and value both checked.
fn query_style(input: ParseStream<'_>) -> syn::Result<Sp<QueryStyle>> {
    let key = input.call(Ident::parse_any)?;
    if key != QUERY_STYLE {
        return Err(syn::Error::new(key.span(), query_usage(Some(&unraw(&key)))));
    }
    input.parse::<Token![=]>()?;
    let value: LitStr = input.parse()?;
    let written = value.value();
    let names: Vec<&str> = QueryStyle::ALL.iter().map(|s| s.attr()).collect();
    QueryStyle::from_attr(&written).map(|style| Sp::new(style, value.span())).ok_or_else(|| {
        let near = did_you_mean(&written, &names).map(|n| format!("did you mean `{n}`? ")).unwrap_or_default();
        let styles: Vec<String> =
            QueryStyle::ALL.iter().map(|s| format!("`{}` (OpenAPI {})", s.attr(), s.openapi())).collect();
        syn::Error::new(
            value.span(),
            format!("unknown query style `{written}`: {near}write one of {}", styles.join(", ")),
        )
    })
}

fn query_usage(written: Option<&str>) -> String {
    let start = match written.and_then(|w| did_you_mean(w, &[QUERY_FLATTEN, QUERY_STYLE])) {
        Some(near) => format!("unknown `#[query]` option `{}`: did you mean `{near}`? ", written.unwrap_or_default()),
        None => String::new(),
    };
    format!(
        "{start}write `#[query]` (one pair under the argument's name), `#[query(\"wireName\")]` (another \
         name), either with `style = \"comma\"` (a list or a struct in another of OpenAPI's styles), or \
         `#[query(flatten)]` (a struct whose fields are the pairs)"
    )
}

/// Stores a read value under its key, reporting a second one. An unreadable value makes the
/// argument unknown, and its error is returned so that reading skips the rest of the item.
pub(crate) fn set<T>(slot: &mut Arg<T>, key: &Ident, value: syn::Result<Sp<T>>, cx: &mut Ctxt) -> syn::Result<()> {
    match value {
        Ok(_) if slot.given().is_some() => {
            cx.error_at(key.span(), format!("duplicate key `{}`: keep one", unraw(key)));
            Ok(())
        }
        Ok(v) => {
            *slot = Arg::Given(v);
            Ok(())
        }
        Err(e) => {
            *slot = Arg::Bad;
            Err(e)
        }
    }
}

/// Reads a `key = ..`-style list, one item at a time with `item(key, input)`. A bad item is
/// reported and skipped up to the next comma. Returns whether every item was read.
fn read_list(
    tokens: TokenStream,
    cx: &mut Ctxt,
    attr: &str,
    mut item: impl FnMut(Ident, ParseStream<'_>, &mut Ctxt) -> syn::Result<()>,
) -> bool {
    read_list_with(tokens, cx, attr, |input, cx| {
        let key = input.call(Ident::parse_any).map_err(|_| {
            input.error(format!("expected `key = value` in {attr}, with one of the keys {}", API_KEYS.join(", ")))
        })?;
        item(key, input, cx)
    })
}

/// [`read_list`], the item reading its key itself.
pub(crate) fn read_list_with(
    tokens: TokenStream,
    cx: &mut Ctxt,
    attr: &str,
    mut item: impl FnMut(ParseStream<'_>, &mut Ctxt) -> syn::Result<()>,
) -> bool {
    let mut complete = true;
    let parser = |input: ParseStream<'_>| -> syn::Result<()> {
        while !input.is_empty() {
            if input.peek(Token![,]) {
                cx.error_at(input.span(), format!("expected an item of {attr} before this comma"));
                input.parse::<Token![,]>()?;
                complete = false;
                continue;
            }
            if let Err(e) = item(input, cx) {
                cx.syn_error(e);
                complete = false;
                skip_item(input);
            } else if !input.is_empty() && !input.peek(Token![,]) {
                cx.error_at(input.span(), format!("expected `,` between the items of {attr}"));
                complete = false;
                skip_item(input);
            }
            if !input.is_empty() {
                input.parse::<Token![,]>()?;
            }
        }
        Ok(())
    };
    if let Err(e) = parser.parse2(tokens) {
        cx.syn_error(e);
        complete = false;
    }
    complete
}

/// Skips the tokens up to the next comma at this level.
fn skip_item(input: ParseStream<'_>) {
    let _ = input.step(|cursor| {
        let mut rest = *cursor;
        while let Some((tree, next)) = rest.token_tree() {
            if matches!(&tree, TokenTree::Punct(p) if p.as_char() == ',') {
                break;
            }
            rest = next;
        }
        Ok(((), rest))
    });
}

/// The error for an unknown key, after stepping over its value so that reading goes on at the
/// next item.
pub(crate) fn unknown_key(key: &Ident, written: &str, keys: &[&str], attr: &str, input: ParseStream<'_>) -> syn::Error {
    // A value that is a type may hold commas (`Map<K, V>`), which skipping to a comma would split.
    if input.parse::<Option<Token![=]>>().ok().flatten().is_some() && input.fork().parse::<Type>().is_ok() {
        let _ = input.parse::<Type>();
    }
    let msg = match did_you_mean(written, keys) {
        Some(near) => format!("unknown key `{written}` in {attr}: did you mean `{near}`?"),
        None => format!("unknown key `{written}` in {attr}: the keys are {}", keys.join(", ")),
    };
    syn::Error::new(key.span(), msg)
}

/// `key =`, or an error saying to write `key = example`.
fn expect_eq(key: &Ident, input: ParseStream<'_>, example: &str) -> syn::Result<()> {
    if input.peek(Token![=]) {
        input.parse::<Token![=]>()?;
        Ok(())
    } else {
        Err(syn::Error::new(key.span(), format!("write `{} = {example}`", unraw(key))))
    }
}

/// `key = Type`.
fn type_value(key: &Ident, input: ParseStream<'_>) -> syn::Result<Sp<Type>> {
    let example = if key == "client" { "Vendor" } else { "VendorError" };
    expect_eq(key, input, example)?;
    if input.peek(LitStr) {
        let s: LitStr = input.parse()?;
        return Err(syn::Error::new(
            s.span(),
            format!("write the type without quotes: `{} = {}`", unraw(key), s.value()),
        ));
    }
    let ty: Type = input
        .parse()
        .map_err(|e| syn::Error::new(e.span(), format!("expected a type: `{} = {example}`", unraw(key))))?;
    Ok(Sp::new(ty.clone(), ty.span()))
}

/// `client = Vendor`, or `client(Vendor, VendorPassword)`: the list is checked by `valid`.
fn clients_value(key: &Ident, input: ParseStream<'_>) -> syn::Result<Sp<Vec<Type>>> {
    if !input.peek(syn::token::Paren) {
        return type_value(key, input).map(|ty| Sp::new(vec![ty.value], ty.span));
    }
    let content;
    let parens = syn::parenthesized!(content in input);
    let usage = "write the providers' types: `client(Vendor, VendorPassword)`";
    let types = content.parse_terminated(Type::parse, Token![,]).map_err(|e| {
        // Consumed, so that the parenthesis reports nothing more than this error.
        let _ = content.parse::<TokenStream>();
        syn::Error::new(e.span(), format!("expected a type: {usage}"))
    })?;
    Ok(Sp::new(types.into_iter().collect(), parens.span.join()))
}

/// `crate = "path"`, as in `#[oauth_provider]`; a bare path is accepted too.
fn crate_value(key: &Ident, input: ParseStream<'_>) -> syn::Result<Sp<Path>> {
    expect_eq(key, input, "\"oauth_runtime\"")?;
    let bad = |span| {
        syn::Error::new(
            span,
            "expected the path of the runtime crate, such as `crate = \"oauth_runtime\"` or \
             `crate = \"::my_crate::oauth\"`",
        )
    };
    if input.peek(LitStr) {
        let s: LitStr = input.parse()?;
        let path = s.parse::<Path>().map_err(|_| bad(s.span()))?;
        Ok(Sp::new(path, s.span()))
    } else {
        let path = input.call(Path::parse_mod_style).map_err(|e| bad(e.span()))?;
        Ok(Sp::new(path.clone(), path.span()))
    }
}

/// `key = "string"`.
pub(crate) fn str_value(key: &Ident, input: ParseStream<'_>) -> syn::Result<Sp<String>> {
    expect_eq(key, input, "\"...\"")?;
    if input.peek(Ident::peek_any) {
        let ident = input.call(Ident::parse_any)?;
        return Err(syn::Error::new(
            ident.span(),
            format!("write the value in double quotes: `{} = \"{}\"`", unraw(key), unraw(&ident)),
        ));
    }
    let s: LitStr = input
        .parse()
        .map_err(|e| syn::Error::new(e.span(), format!("expected a string: `{} = \"...\"`", unraw(key))))?;
    Ok(Sp::new(s.value(), s.span()))
}

/// `timeout_ms = 5000`.
fn millis_value(key: &Ident, input: ParseStream<'_>) -> syn::Result<Sp<u64>> {
    expect_eq(key, input, "5000")?;
    let whole = "expected a whole number of milliseconds: `timeout_ms = 5000`";
    if input.peek(Token![-]) {
        return Err(input.error(format!("`timeout_ms` cannot be negative: {whole}")));
    }
    if input.peek(LitStr) {
        let s: LitStr = input.parse()?;
        return Err(syn::Error::new(s.span(), format!("write `timeout_ms = {}` without quotes", s.value())));
    }
    let n: LitInt = input.parse().map_err(|e| syn::Error::new(e.span(), whole))?;
    let value = n.base10_parse::<u64>().map_err(|_| syn::Error::new(n.span(), whole))?;
    Ok(Sp::new(value, n.span()))
}

/// `header("Name" = "value", ..)`.
fn header_pairs(key: &Ident, input: ParseStream<'_>) -> syn::Result<Vec<(Sp<String>, Sp<String>)>> {
    let usage = "write fixed headers as `header(\"X-Api-Version\" = \"2\")`";
    if !input.peek(syn::token::Paren) {
        return Err(syn::Error::new(key.span(), usage));
    }
    let content;
    syn::parenthesized!(content in input);
    let mut pairs = Vec::new();
    while !content.is_empty() {
        let name: LitStr = content.parse().map_err(|e| syn::Error::new(e.span(), usage))?;
        content.parse::<Token![=]>().map_err(|e| syn::Error::new(e.span(), usage))?;
        let value: LitStr = content.parse().map_err(|e| syn::Error::new(e.span(), usage))?;
        pairs.push((Sp::new(name.value(), name.span()), Sp::new(value.value(), value.span())));
        if !content.is_empty() {
            content.parse::<Token![,]>()?;
        }
    }
    if pairs.is_empty() {
        return Err(syn::Error::new(key.span(), usage));
    }
    Ok(pairs)
}
