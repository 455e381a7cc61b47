//! `#[paginate(..)]` on an operation: reading it, its rules and its lowering into the core's
//! [`Paged`] (whose expansion is the core's), so that the rest of the attribute's pipeline
//! knows only that an operation is paginated.

#[cfg(test)]
mod tests;

use proc_macro2::Span;
use quote::quote;
use syn::ext::IdentExt;
use syn::parse::ParseStream;
use syn::spanned::Spanned;
use syn::{Attribute, Ident, LitInt, LitStr, Meta, ReturnType, Token, Type};

use crate::api::ast::{Operation, result_types, ungroup};
use crate::api::attr::{ArgKind, read_list_with, set, str_value, unknown_key};
use crate::arg::{Arg, Sp};
use crate::ctxt::Ctxt;
use crate::provider::path::FieldPathArg;
use crate::symbol::{Choice, Method, did_you_mean, unraw};
use oauth_codegen::operations::{PageStyle, Paged};

/// The attribute's name.
pub(crate) const ATTR: &str = "paginate";

/// Its keys, in the order the messages list them.
pub(crate) const KEYS: &[&str] = &[
    "cursor",
    "cursor_param",
    "next",
    "link_header",
    "page_param",
    "first_page",
    "total_pages",
    "offset_param",
    "limit_param",
    "limit",
    "items",
    "max_pages",
];

/// The keys that choose a style, each with its style's name in messages.
const STYLE_KEYS: &[(&str, &str)] = &[
    ("cursor", "cursor"),
    ("cursor_param", "cursor"),
    ("next", "next"),
    ("link_header", "link_header"),
    ("page_param", "page_param"),
    ("first_page", "page_param"),
    ("total_pages", "page_param"),
    ("offset_param", "offset_param"),
];

const STYLES: &str = "`cursor = \"next_cursor\", cursor_param = \"cursor\"` (a cursor in the body, sent back \
     in the query), `next = \"links.next\"` (the next page's URL in the body), `link_header` (the \
     next page's URL in the `Link` header), `page_param = \"page\"` (page numbers) or \
     `offset_param = \"offset\"` (offsets)";

/// `#[paginate(..)]` as written.
pub(crate) struct PaginateArgs {
    /// The attribute, where a message about all of it goes.
    pub span: Span,
    pub cursor: Arg<FieldPathArg>,
    pub cursor_param: Arg<String>,
    pub next: Arg<FieldPathArg>,
    pub link_header: Arg<()>,
    pub page_param: Arg<String>,
    pub first_page: Arg<u64>,
    pub total_pages: Arg<FieldPathArg>,
    pub offset_param: Arg<String>,
    pub limit_param: Arg<String>,
    pub limit: Arg<u64>,
    pub items: Arg<FieldPathArg>,
    pub max_pages: Arg<u64>,
    /// The keys read, in order, where they were written.
    pub keys: Vec<(String, Span)>,
    /// Whether every item was read: otherwise a key may be missing only because it was
    /// misspelt, and rules about missing keys stay silent.
    pub complete: bool,
    /// Further `#[paginate]` attributes on the same operation.
    pub extra: Vec<Span>,
}

impl PaginateArgs {
    /// Nothing written, at `span`.
    fn absent(span: Span) -> Self {
        PaginateArgs {
            span,
            cursor: Arg::Absent,
            cursor_param: Arg::Absent,
            next: Arg::Absent,
            link_header: Arg::Absent,
            page_param: Arg::Absent,
            first_page: Arg::Absent,
            total_pages: Arg::Absent,
            offset_param: Arg::Absent,
            limit_param: Arg::Absent,
            limit: Arg::Absent,
            items: Arg::Absent,
            max_pages: Arg::Absent,
            keys: Vec::new(),
            complete: true,
            extra: Vec::new(),
        }
    }
}

/// Reads a `#[paginate]` attribute into `slot` (a second one is only recorded, to be reported).
pub(crate) fn read(attr: &Attribute, slot: &mut Option<PaginateArgs>, cx: &mut Ctxt) {
    let span = attr.path().span();
    if let Some(first) = slot {
        first.extra.push(span);
        return;
    }
    let mut args = PaginateArgs::absent(span);
    let Meta::List(list) = &attr.meta else {
        cx.error_spanned_by(attr, format!("say how the next page is found: `#[paginate(..)]` with {STYLES}"));
        args.complete = false;
        *slot = Some(args);
        return;
    };
    let complete = read_list_with(list.tokens.clone(), cx, "#[paginate]", |input, cx| {
        let key = input.call(Ident::parse_any).map_err(|_| {
            input.error(format!("expected `key = value` in #[paginate], with one of the keys {}", KEYS.join(", ")))
        })?;
        let name = unraw(&key);
        match name.as_str() {
            "cursor" => set(&mut args.cursor, &key, path_value(&key, input), cx)?,
            "cursor_param" => set(&mut args.cursor_param, &key, str_value(&key, input), cx)?,
            "next" => set(&mut args.next, &key, path_value(&key, input), cx)?,
            "link_header" => set(&mut args.link_header, &key, flag(&key, input), cx)?,
            "page_param" => set(&mut args.page_param, &key, str_value(&key, input), cx)?,
            "first_page" => set(&mut args.first_page, &key, count_value(&key, input), cx)?,
            "total_pages" => set(&mut args.total_pages, &key, path_value(&key, input), cx)?,
            "offset_param" => set(&mut args.offset_param, &key, str_value(&key, input), cx)?,
            "limit_param" => set(&mut args.limit_param, &key, str_value(&key, input), cx)?,
            "limit" => set(&mut args.limit, &key, count_value(&key, input), cx)?,
            "items" => set(&mut args.items, &key, path_value(&key, input), cx)?,
            "max_pages" => set(&mut args.max_pages, &key, count_value(&key, input), cx)?,
            other => return Err(unknown_key(&key, other, KEYS, "#[paginate]", input)),
        }
        args.keys.push((name, key.span()));
        Ok(())
    });
    args.complete = complete;
    *slot = Some(args);
}

/// `key = "a.b[0]"`: a field of the body.
fn path_value(key: &Ident, input: ParseStream<'_>) -> syn::Result<Sp<FieldPathArg>> {
    let written = str_value(key, input)?;
    FieldPathArg::parse(&written.value)
        .map(|path| Sp::new(path, written.span))
        .map_err(|problem| syn::Error::new(written.span, problem))
}

/// `link_header`, without a value.
fn flag(key: &Ident, input: ParseStream<'_>) -> syn::Result<Sp<()>> {
    if input.peek(Token![=]) {
        return Err(syn::Error::new(key.span(), format!("`{}` takes no value: write `link_header` alone", unraw(key))));
    }
    Ok(Sp::new((), key.span()))
}

/// `key = 100`.
fn count_value(key: &Ident, input: ParseStream<'_>) -> syn::Result<Sp<u64>> {
    let name = unraw(key);
    let usage = format!("write a whole number: `{name} = 100`");
    if !input.peek(Token![=]) {
        return Err(syn::Error::new(key.span(), usage));
    }
    input.parse::<Token![=]>()?;
    if input.peek(Token![-]) {
        return Err(input.error(format!("`{name}` cannot be negative: {usage}")));
    }
    if input.peek(LitStr) {
        let s: LitStr = input.parse()?;
        return Err(syn::Error::new(s.span(), format!("write `{name} = {}` without quotes", s.value())));
    }
    let n: LitInt = input.parse().map_err(|e| syn::Error::new(e.span(), &usage))?;
    let value = n.base10_parse::<u64>().map_err(|_| syn::Error::new(n.span(), &usage))?;
    Ok(Sp::new(value, n.span()))
}

/// Reports an attribute that is probably `#[paginate]` misspelt, which then counts as an
/// unreadable one: rules about its keys stay silent. Returns whether it was.
pub(crate) fn misspelt(attr: &Attribute, name: &str, slot: &mut Option<PaginateArgs>, cx: &mut Ctxt) -> bool {
    // The nearest of the operation attributes, so that `#[pacth]` is still `#[patch]`.
    let mut known = Method::NAMES.to_vec();
    known.push(ATTR);
    if name == ATTR || (did_you_mean(name, &known) != Some(ATTR) && !name.eq_ignore_ascii_case("pagination")) {
        return false;
    }
    let span = attr.path().span();
    cx.error_at(span, format!("unknown attribute `#[{name}]` on an operation: did you mean `#[{ATTR}]`?"));
    slot.get_or_insert_with(|| PaginateArgs { complete: false, ..PaginateArgs::absent(span) });
    true
}

/// `T` of a return type written `Pages<T>` (any path ending in `Pages`).
pub(crate) fn pages_item(output: &ReturnType) -> Option<&Type> {
    let ReturnType::Type(_, ty) = output else { return None };
    single_argument(ty, "Pages")
}

/// `T` of `Name<T>`.
fn single_argument<'a>(ty: &'a Type, name: &str) -> Option<&'a Type> {
    let Type::Path(path) = ungroup(ty) else { return None };
    let last = path.path.segments.last().filter(|s| path.qself.is_none() && s.ident == name)?;
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else { return None };
    match args.args.iter().collect::<Vec<_>>().as_slice() {
        [syn::GenericArgument::Type(item)] => Some(item),
        _ => None,
    }
}

/// Whether an operation is, or was meant to be, paginated: the rules of operations that are
/// awaited (`async`, `Result<T, Error>`) do not apply to it.
pub(crate) fn is_paginated(op: &Operation<'_>) -> bool {
    op.paginate.is_some() || pages_item(&op.func.sig.output).is_some()
}

/// The rules of pagination, for every operation.
pub(crate) fn check(op: &Operation<'_>, cx: &mut Ctxt) {
    let Some(args) = &op.paginate else {
        pages_need_the_attribute(op, cx);
        return;
    };
    for span in &args.extra {
        cx.error_at(*span, "an operation has one `#[paginate]`: keep one");
    }
    // Without an HTTP method, `has_an_http_method` speaks.
    let Some((method, _)) = &op.http else { return };
    one_style(args, cx);
    keys_come_in_pairs(args, cx);
    counts_are_positive(args, cx);
    parameters_are_named(args, cx);
    only_get(op, method, cx);
    not_async(op, cx);
    returns_pages(op, cx);
    arguments_are_not_pagination_parameters(op, args, cx);
}

/// `Pages<T>` comes from the runtime's pagination, which needs to be told how it goes.
fn pages_need_the_attribute(op: &Operation<'_>, cx: &mut Ctxt) {
    let (Some(_), Some(item), ReturnType::Type(_, ty)) =
        (&op.http, pages_item(&op.func.sig.output), &op.func.sig.output)
    else {
        return;
    };
    let item = spelling(item);
    cx.error_spanned_by(
        ty,
        format!(
            "`Pages<{item}>` is what a paginated operation returns: add `#[paginate(..)]` saying how \
             the next page is found, with {STYLES}; or return `Result<Vec<{item}>, Error>` for one page"
        ),
    );
}

/// One way to find the next page.
fn one_style(args: &PaginateArgs, cx: &mut Ctxt) {
    // Each style once, with the key that first named it.
    let mut styles: Vec<(&str, &str)> = Vec::new();
    for (key, span) in &args.keys {
        let Some((_, style)) = STYLE_KEYS.iter().find(|(k, _)| k == key) else { continue };
        if styles.iter().any(|(s, _)| s == style) {
            continue;
        }
        if let Some((_, first_key)) = styles.first() {
            cx.error_at(
                *span,
                format!(
                    "`{key}` and `{first_key}` are two ways to find the next page, and an operation pages \
                     one way: keep one"
                ),
            );
        }
        styles.push((style, key));
    }
    if styles.is_empty() && args.complete {
        cx.error_at(args.span, format!("say how the next page is found: add {STYLES}"));
    }
}

/// Keys that mean nothing alone.
fn keys_come_in_pairs(args: &PaginateArgs, cx: &mut Ctxt) {
    if !args.complete {
        return;
    }
    if let (Some(cursor), true) = (args.cursor.given(), args.cursor_param.is_absent()) {
        cx.error_at(
            cursor.span,
            "say which query parameter sends the cursor back: add `cursor_param = \"cursor\"` (the name \
             the API's documentation gives)",
        );
    }
    if let (Some(param), true) = (args.cursor_param.given(), args.cursor.is_absent()) {
        cx.error_at(
            param.span,
            "say where the body holds the next page's cursor: add `cursor = \"next_cursor\"` (a dotted \
             path such as \"meta.next_cursor\")",
        );
    }
    if args.page_param.is_absent() {
        for (key, span) in [
            ("first_page", args.first_page.given().map(|a| a.span)),
            ("total_pages", args.total_pages.given().map(|a| a.span)),
        ] {
            if let Some(span) = span {
                cx.error_at(
                    span,
                    format!("`{key}` is about page numbers: add `page_param = \"page\"`, the query parameter that sends them"),
                );
            }
        }
    }
    if let (Some(param), true) = (args.limit_param.given(), args.limit.is_absent()) {
        cx.error_at(
            param.span,
            "say the page size sent as `limit_param`: add `limit = 100` (with page numbers and offsets, \
             a shorter page is the last)",
        );
    }
    if let (Some(limit), true) = (args.limit.given(), args.limit_param.is_absent()) {
        cx.error_at(limit.span, "say the query parameter the page size is sent as: add `limit_param = \"limit\"`");
    }
}

/// A zero limit asks for empty pages; zero pages for nothing.
fn counts_are_positive(args: &PaginateArgs, cx: &mut Ctxt) {
    if let Some(limit) = args.limit.given().filter(|l| l.value == 0) {
        cx.error_at(limit.span, "`limit` is the page size, at least 1: e.g. `limit = 100`");
    }
    if let Some(max) = args.max_pages.given() {
        if max.value == 0 || max.value > u64::from(u32::MAX) {
            cx.error_at(
                max.span,
                format!("`max_pages` is between 1 and {}, e.g. `max_pages = 1000` (the default)", u32::MAX),
            );
        }
    }
}

/// The query parameters are sent by name, one value each.
fn parameters_are_named(args: &PaginateArgs, cx: &mut Ctxt) {
    let mut seen: Vec<(&str, &str)> = Vec::new();
    for (key, name) in parameters(args) {
        if name.value.is_empty() {
            cx.error_at(name.span, format!("`{key}` is a query parameter's name, which cannot be empty"));
        } else if let Some((first, _)) = seen.iter().find(|(_, n)| *n == name.value) {
            cx.error_at(
                name.span,
                format!(
                    "`{key}` and `{first}` both send \"{}\": give each its own parameter",
                    name.value.escape_debug()
                ),
            );
        } else {
            seen.push((key, &name.value));
        }
    }
}

/// The query parameters the pagination sends, under their keys.
fn parameters(args: &PaginateArgs) -> impl Iterator<Item = (&'static str, &Sp<String>)> {
    [
        ("cursor_param", &args.cursor_param),
        ("page_param", &args.page_param),
        ("offset_param", &args.offset_param),
        ("limit_param", &args.limit_param),
    ]
    .into_iter()
    .filter_map(|(key, arg)| arg.given().map(|name| (key, name)))
}

/// Each page is the request sent again with another query: a GET, which is safe to repeat.
fn only_get(op: &Operation<'_>, method: &Sp<Method>, cx: &mut Ctxt) {
    if method.value == Method::Get {
        return;
    }
    let upper = method.value.constant();
    cx.error_at(
        method.span,
        format!(
            "`#[paginate]` sends the request again for each page, changing only its query, so it pages \
             a `#[get]`: a {upper} is not safe to send again, and APIs that page a {upper} take the cursor \
             in the body, which `#[paginate]` does not write. Use `#[get]`, or return `Result<T, Error>` \
             from `{}` and pass the cursor as an argument",
            unraw(op.ident())
        ),
    );
}

/// A stream is read, not awaited.
fn not_async(op: &Operation<'_>, cx: &mut Ctxt) {
    if let Some(asyncness) = &op.func.sig.asyncness {
        let ident = unraw(op.ident());
        cx.error_at(
            asyncness.span,
            format!(
                "a paginated operation returns a stream, which is read rather than awaited: remove \
                 `async` (`fn {ident}(&self, ..) -> Pages<T>;`)"
            ),
        );
    }
}

/// The items come as a stream, `Pages<T>`.
fn returns_pages(op: &Operation<'_>, cx: &mut Ctxt) {
    let output = &op.func.sig.output;
    if pages_item(output).is_some() {
        return;
    }
    // The item type the user most likely meant.
    let item = match output {
        ReturnType::Default => "Item".to_owned(),
        ReturnType::Type(_, ty) => {
            let ok = result_types(output).map_or(&**ty, |(ok, _)| ok);
            spelling(single_argument(ok, "Vec").unwrap_or(ok))
        }
    };
    let message = format!(
        "a paginated operation returns `Pages<T>`, a stream of its items that fetches the pages as \
         they are read: write `-> Pages<{item}>` (`oauth_runtime::Pages`)"
    );
    match output {
        ReturnType::Type(_, ty) => cx.error_spanned_by(ty, message),
        ReturnType::Default => cx.error_at(op.output_span(), message),
    }
}

/// An argument sending a parameter the pagination sets would be overwritten on every page.
fn arguments_are_not_pagination_parameters(op: &Operation<'_>, args: &PaginateArgs, cx: &mut Ctxt) {
    for p in &op.params {
        let Some(Some(Sp { value: ArgKind::Query(rename, _), span })) = &p.kind else { continue };
        let wire = rename.as_ref().map_or_else(|| p.name(), |r| r.value.clone());
        if let Some((key, _)) = parameters(args).find(|(_, name)| name.value == wire) {
            cx.error_at(
                rename.as_ref().map_or(*span, |r| r.span),
                format!(
                    "`{wire}` is sent by the pagination on every page (`{key}`), which would replace this \
                     argument: remove it"
                ),
            );
        }
    }
}

/// A type as written, for messages.
fn spelling(ty: &Type) -> String {
    quote!(#ty).to_string().replace(" < ", "<").replace(" >", ">").replace(" ,", ",").replace("& ", "&")
}

/// The model of a pagination that passed the rules; `None` if something the rules report is
/// missing.
pub(crate) fn lower(args: &PaginateArgs, output: &ReturnType) -> Option<Paged> {
    let path = |arg: &Arg<FieldPathArg>| arg.given().map(|p| p.value.segments.clone());
    let name = |arg: &Arg<String>| arg.given().map(|p| p.value.clone());
    let style = if let Some(field) = path(&args.cursor) {
        PageStyle::Cursor { field, param: name(&args.cursor_param)? }
    } else if let Some(field) = path(&args.next) {
        PageStyle::NextLink { field }
    } else if args.link_header.given().is_some() {
        PageStyle::LinkHeader
    } else if let Some(param) = name(&args.page_param) {
        PageStyle::PageNumber {
            param,
            first: args.first_page.given().map(|f| f.value),
            total_pages: path(&args.total_pages),
        }
    } else {
        PageStyle::Offset { param: name(&args.offset_param)? }
    };
    let mut paged = Paged::new(pages_item(output)?.clone(), style);
    if let Some(items) = path(&args.items) {
        paged = paged.items(items);
    }
    match (name(&args.limit_param), args.limit.given()) {
        (Some(param), Some(limit)) => paged = paged.limit(param, limit.value),
        (None, None) => {}
        _ => return None,
    }
    if let Some(max) = args.max_pages.given() {
        paged = paged.max_pages(u32::try_from(max.value).ok()?);
    }
    Some(paged)
}
