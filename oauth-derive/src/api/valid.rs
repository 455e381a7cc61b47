//! The rules of an API trait, one function each.
//!
//! Every rule reports at the token to change and says what to write. A rule whose inputs are
//! unknown (an attribute that could not be read) stays silent: the reading error already speaks.
//! Types are checked by rustc, at the user's type, through the runtime's assertion traits (see
//! `expand`): a macro sees only their spelling.

use proc_macro2::Span;
use quote::ToTokens;
use syn::{FnArg, GenericArgument, PathArguments, PathSegment, ReturnType, TraitItem, Type};

use crate::api::ast::{Input, Operation, Piece, parse_template, result_types, ungroup};
use crate::api::attr::ArgKind;
use crate::api::paginate;
use crate::arg::Sp;
use crate::ctxt::Ctxt;
use crate::symbol::{CLIENT_METHODS, did_you_mean, name_of, unraw};
use oauth_codegen::operations::{QueryStyle, Success, is_option, referent};

/// Runs every rule.
pub(crate) fn check(input: &Input<'_>, cx: &mut Ctxt) {
    client_given(input, cx);
    clients_are_distinct(input, cx);
    plain_trait(input, cx);
    other_items_need_no_impl(input, cx);
    names_are_unique(input, cx);
    scopes_are_scope_tokens(input.args.scopes.given(), cx);
    for op in &input.ops {
        has_an_http_method(op, cx);
        is_async(op, cx);
        has_no_body(op, cx);
        takes_ref_self(op, cx);
        returns_a_result(op, cx);
        answer_holds_a_body(op, cx);
        not_a_client_method(op, cx);
        path_is_a_path(op, cx);
        arguments_are_named(op, cx);
        one_attribute_per_argument(op, cx);
        placeholders_have_arguments(op, cx);
        path_names_a_placeholder(op, cx);
        path_arguments_are_present(op, cx);
        arguments_are_used(op, cx);
        query_values_are_one_pair(op, cx);
        one_body(op, cx);
        no_body_without_meaning(op, cx);
        content_types_are_media_types(op, cx);
        bodies_have_body_types(op, cx);
        headers_are_valid(op, cx);
        names_are_not_empty(op, cx);
        timeout_is_positive(op, cx);
        scopes_are_scope_tokens(op.http.as_ref().and_then(|(_, a)| a.scopes.given()), cx);
        paginate::check(op, cx);
    }
}

/// Without the provider there is no client type to implement the trait for.
fn client_given(input: &Input<'_>, cx: &mut Ctxt) {
    if input.args.clients.is_absent() {
        cx.error_at(
            Span::call_site(),
            "missing `client`: name the provider whose client gets these operations, e.g. \
             `#[oauth_api(client = Monta)]` for `Client<Monta>`",
        );
    }
}

/// `client(A, B)` implements the trait once per client: a second `A` would be a second impl.
fn clients_are_distinct(input: &Input<'_>, cx: &mut Ctxt) {
    let Some(clients) = input.args.clients.given() else { return };
    if clients.value.is_empty() {
        cx.error_at(
            clients.span,
            "`client()` names no provider: list the providers whose clients get these operations, \
             e.g. `client(Vendor)` or `client(Vendor, VendorPassword)`",
        );
    }
    let mut seen: Vec<String> = Vec::new();
    for ty in &clients.value {
        let written = spelling(ty);
        if seen.contains(&written) {
            cx.error_spanned_by(
                ty,
                format!("`{written}` is already in `client(..)`: each client gets the operations once; keep one"),
            );
        } else {
            seen.push(written);
        }
    }
}

/// A type as a user would write it: `Vec<u8>`, not `Vec < u8 >`.
fn spelling(ty: &impl ToTokens) -> String {
    ty.to_token_stream()
        .to_string()
        .replace(" < ", "<")
        .replace("< ", "<")
        .replace(" >", ">")
        .replace(" ,", ",")
        .replace(" :: ", "::")
        .replace(":: ", "::")
        .replace("& ", "&")
}

/// The trait is implemented by the macro, for the clients of `client = ..`.
fn plain_trait(input: &Input<'_>, cx: &mut Ctxt) {
    let item = input.item;
    if !item.generics.params.is_empty() {
        cx.error_spanned_by(
            &item.generics,
            "an API trait cannot be generic: it is implemented by the macro, for the clients of `client = ..`; \
             put the varying types on the operations",
        );
    } else if let Some(where_clause) = &item.generics.where_clause {
        cx.error_spanned_by(where_clause, "an API trait takes no where clause: it is implemented once, by the macro");
    }
    if let Some(unsafety) = &item.unsafety {
        cx.error_spanned_by(unsafety, "an API trait is safe to implement: remove `unsafe`");
    }
    if let Some(auto) = &item.auto_token {
        cx.error_spanned_by(auto, "an API trait cannot be an auto trait: remove `auto`");
    }
}

/// The implementation is generated, so it can give no value to an associated const or type.
fn other_items_need_no_impl(input: &Input<'_>, cx: &mut Ctxt) {
    for item in &input.item.items {
        match item {
            TraitItem::Const(c) if c.default.is_none() => cx.error_at(
                c.ident.span(),
                format!(
                    "the implementation is generated, so nothing gives `{}` a value: give it one \
                     in the trait (`const {}: T = ..;`)",
                    c.ident, c.ident
                ),
            ),
            TraitItem::Type(t) => cx.error_at(
                t.ident.span(),
                "an API trait has no associated types: the implementation is generated, so \
                 nothing would set it",
            ),
            TraitItem::Macro(m) => cx.error_spanned_by(
                &m.mac.path,
                "a macro in an API trait cannot be read: write its operations out, or apply \
                 `#[oauth_api]` to the trait after the macro has run",
            ),
            _ => {}
        }
    }
}

/// Operation names tell operations apart in traces; method names in the trait.
fn names_are_unique(input: &Input<'_>, cx: &mut Ctxt) {
    let mut idents: Vec<String> = Vec::new();
    let mut names: Vec<(String, String)> = Vec::new();
    for op in &input.ops {
        let ident = unraw(op.ident());
        if idents.contains(&ident) {
            cx.error_at(op.ident().span(), format!("an operation named `{ident}` is already declared: rename one"));
            continue;
        }
        idents.push(ident.clone());
        let Some((_, args)) = &op.http else { continue };
        let (name, span) = match args.name.given() {
            Some(n) => (n.value.clone(), n.span),
            None => (ident.clone(), op.ident().span()),
        };
        match names.iter().find(|(n, _)| *n == name) {
            Some((_, first)) => cx.error_at(
                span,
                format!(
                    "`{first}` already has the operation name \"{}\": operation names tell operations \
                     apart in traces; give this one another with `name = \"..\"`",
                    name.escape_debug()
                ),
            ),
            None => names.push((name, ident)),
        }
    }
}

/// A bodiless method must be an operation, or nothing could implement it.
fn has_an_http_method(op: &Operation<'_>, cx: &mut Ctxt) {
    if op.http.is_some() || op.misspelt {
        return;
    }
    let ident = unraw(op.ident());
    let msg = if op.func.sig.asyncness.is_some() {
        format!(
            "`{ident}` has no HTTP method: add `#[get(\"/path\")]` (or `#[post]`, `#[put]`, `#[patch]`, \
             `#[delete]`, `#[head]`) above it, or give it a body to keep it a provided method"
        )
    } else {
        format!(
            "`{ident}` has neither an HTTP method nor a body: make it an operation (`#[get(\"/path\")] \
             async fn {ident}(&self, ..) -> Result<T, Error>;`) or give it a body"
        )
    };
    cx.error_at(op.ident().span(), msg);
}

/// Operations are awaited; the `async` says so where a reader looks.
fn is_async(op: &Operation<'_>, cx: &mut Ctxt) {
    if op.http.is_none() || op.func.sig.asyncness.is_some() || paginate::is_paginated(op) {
        return;
    }
    let ident = unraw(op.ident());
    cx.error_at(op.func.sig.fn_token.span, format!("an operation is an `async fn`: write `async fn {ident}(..)`"));
}

/// The macro writes the body; a body written by the user would be silently replaced.
fn has_no_body(op: &Operation<'_>, cx: &mut Ctxt) {
    let (Some((method, _)), Some(body)) = (&op.http, &op.func.default) else { return };
    cx.error_at(
        body.brace_token.span.join(),
        format!(
            "an operation's body is generated: end the declaration with `;`, or remove `#[{}]` to keep \
             a provided method",
            name_of(method.value)
        ),
    );
}

/// The operation is a call on the client: `client.op(..)`.
fn takes_ref_self(op: &Operation<'_>, cx: &mut Ctxt) {
    let sig = &op.func.sig;
    let ident = unraw(op.ident());
    match sig.inputs.first() {
        Some(FnArg::Receiver(r)) if r.reference.is_some() && r.mutability.is_none() && r.colon_token.is_none() => {}
        Some(FnArg::Receiver(r)) => cx.error_spanned_by(
            r,
            format!("an operation takes the client as `&self`: write `async fn {ident}(&self, ..)`"),
        ),
        _ => cx.error_at(
            sig.paren_token.span.join(),
            format!(
                "an operation is called on the client and takes `&self` first: write `async fn {ident}(&self, ..)`"
            ),
        ),
    }
}

/// Every call can fail; `T` says how the response is read.
fn returns_a_result(op: &Operation<'_>, cx: &mut Ctxt) {
    if op.http.is_none() || result_types(&op.func.sig.output).is_some() || paginate::is_paginated(op) {
        return;
    }
    let hint = "`()` for no body, `String` for text, `Bytes` or `Vec<u8>` for bytes, `Response` for the \
                response itself, or any `Deserialize` type for JSON";
    match &op.func.sig.output {
        ReturnType::Default => cx.error_at(
            op.output_span(),
            format!("an operation returns `Result<T, Error>`: add `-> Result<(), Error>`, with `T` {hint}"),
        ),
        ReturnType::Type(_, ty) => cx.error_spanned_by(
            ty,
            format!(
                "an operation returns `Result<T, Error>`, since every call can fail: write \
                 `-> Result<{}, Error>`, with `T` {hint}",
                spelling(ty)
            ),
        ),
    }
}

/// `client.get(..)` would call the client's own method, never the operation.
fn not_a_client_method(op: &Operation<'_>, cx: &mut Ctxt) {
    let ident = unraw(op.ident());
    if op.http.is_some() && CLIENT_METHODS.contains(&ident.as_str()) {
        cx.error_at(
            op.ident().span(),
            format!(
                "`Client` has a method `{ident}` of its own, which `client.{ident}(..)` would call \
                 instead: rename the operation (e.g. `{ident}_item`) and keep its name in traces with \
                 `name = \"{ident}\"`"
            ),
        );
    }
}

/// The path is appended to the client's base URL; placeholders are arguments.
fn path_is_a_path(op: &Operation<'_>, cx: &mut Ctxt) {
    let Some(path) = op.http.as_ref().and_then(|(_, a)| a.path.given()) else { return };
    if let Err(problem) = parse_template(&path.value) {
        cx.error_at(path.span, problem);
    }
}

/// The generated body names each argument.
fn arguments_are_named(op: &Operation<'_>, cx: &mut Ctxt) {
    for p in op.params.iter().filter(|p| p.ident.is_none()) {
        cx.error_spanned_by(
            &p.arg.pat,
            "an operation's argument is a plain name, which the generated body uses: write e.g. `id: u64`",
        );
    }
}

/// An argument goes to one place.
fn one_attribute_per_argument(op: &Operation<'_>, cx: &mut Ctxt) {
    for p in &op.params {
        let Some(Some(first)) = &p.kind else { continue };
        for span in &p.extra {
            cx.error_at(
                *span,
                format!(
                    "`{}` is already sent by `{}`: an argument goes to one place; keep one attribute",
                    p.name(),
                    first.value.describe()
                ),
            );
        }
    }
}

/// The placeholders of an operation's path, each once, in order; `None` when the path is
/// unknown or not a valid template (already reported).
fn placeholders(op: &Operation<'_>) -> Option<(Span, Vec<String>)> {
    let path = op.http.as_ref().and_then(|(_, a)| a.path.given())?;
    let pieces = parse_template(&path.value).ok()?;
    let mut names: Vec<String> = Vec::new();
    for piece in pieces {
        if let Piece::Placeholder(name) = piece
            && !names.contains(&name)
        {
            names.push(name);
        }
    }
    Some((path.span, names))
}

/// Each `{name}` is filled by one argument: the one called `name` without attribute, or the one
/// marked `#[path("name")]`.
fn placeholders_have_arguments(op: &Operation<'_>, cx: &mut Ctxt) {
    let Some((span, names)) = placeholders(op) else { return };
    for name in &names {
        match op.fillers(name).as_slice() {
            [] => match op.params.iter().find(|p| p.name() == *name).map(|p| &p.kind) {
                Some(Some(Some(kind))) if !matches!(kind.value, ArgKind::Path(_)) => cx.error_at(
                    kind.span,
                    format!(
                        "`{name}` fills the placeholder `{{{name}}}`, so it takes no `{}`: remove the \
                         attribute, or rename the placeholder",
                        kind.value.describe()
                    ),
                ),
                // An unreadable attribute, or a `#[path("..")]` naming no placeholder, was
                // probably meant for this one, and its error says so.
                _ if misdirected(op, &names) => {}
                _ => {
                    let spare: Vec<String> = op
                        .params
                        .iter()
                        .filter(|p| p.kind.is_none() && p.ident.is_some() && !names.contains(&p.name()))
                        .map(|p| p.name())
                        .collect();
                    let example = match spare.first() {
                        Some(arg) => format!("`#[path(\"{name}\")] {arg}`"),
                        None => format!("`#[path(\"{name}\")] value: T`"),
                    };
                    cx.error_at(
                        span,
                        format!(
                            "the placeholder `{{{name}}}` has no argument: add `{name}: T` to `{}`, or mark \
                             the argument that fills it {example}",
                            unraw(op.ident())
                        ),
                    );
                }
            },
            [_] => {}
            [first, rest @ ..] => {
                for p in rest {
                    cx.error_at(
                        p.span(),
                        format!(
                            "`{}` fills the placeholder `{{{name}}}`, and so does `{}`: one argument fills a \
                             placeholder; remove one, or point it at another with `#[path(\"..\")]`",
                            p.name(),
                            first.name()
                        ),
                    );
                }
            }
        }
    }
}

/// Whether an argument's `#[path("..")]` names no placeholder of `names`, or an argument's
/// attribute is unreadable (and may have been a `#[path]`).
fn misdirected(op: &Operation<'_>, names: &[String]) -> bool {
    op.params.iter().any(|p| match &p.kind {
        Some(Some(Sp { value: ArgKind::Path(name), .. })) => !names.contains(&name.value),
        Some(None) => true,
        _ => false,
    })
}

/// `#[path("name")]` fills a placeholder of the path: one that is not there would be lost.
fn path_names_a_placeholder(op: &Operation<'_>, cx: &mut Ctxt) {
    let Some((_, names)) = placeholders(op) else { return };
    for p in &op.params {
        let Some(Some(Sp { value: ArgKind::Path(name), .. })) = &p.kind else { continue };
        if names.contains(&name.value) {
            continue;
        }
        let candidates: Vec<&str> = names.iter().map(String::as_str).collect();
        if let Some(near) = did_you_mean(&name.value, &candidates) {
            cx.error_at(
                name.span,
                format!(
                    "`#[path(\"{}\")]` names no placeholder of the path: did you mean `#[path(\"{near}\")]`?",
                    name.value.escape_debug()
                ),
            );
            continue;
        }
        let has = if names.is_empty() {
            "the path has no placeholder".to_owned()
        } else {
            let list: Vec<String> = names.iter().map(|n| format!("`{{{n}}}`")).collect();
            format!("its placeholders are {}", list.join(", "))
        };
        cx.error_at(
            name.span,
            format!(
                "`#[path(\"{}\")]` names no placeholder of `{}`'s path ({has}): name one of them, or add \
                 `{{{}}}` to the path",
                name.value.escape_debug(),
                unraw(op.ident()),
                name.value
            ),
        );
    }
}

/// A path segment is always sent: an `Option` would have no segment to send for `None`.
fn path_arguments_are_present(op: &Operation<'_>, cx: &mut Ctxt) {
    let Some((_, names)) = placeholders(op) else { return };
    for name in &names {
        for p in op.fillers(name) {
            if is_option(referent(p.ty).0) {
                cx.error_spanned_by(
                    p.ty,
                    format!(
                        "`{}` fills the path placeholder `{{{name}}}`, and a path segment cannot be absent: \
                         take a value that is always there (not an `Option`), or declare two operations, \
                         one with `{{{name}}}` in its path and one without",
                        p.name()
                    ),
                );
            }
        }
    }
}

/// An argument without attribute is a placeholder; if the path has none for it, it would be lost.
fn arguments_are_used(op: &Operation<'_>, cx: &mut Ctxt) {
    let Some((_, names)) = placeholders(op) else { return };
    for p in op.params.iter().filter(|p| p.kind.is_none()) {
        let Some(ident) = p.ident else { continue };
        let name = unraw(ident);
        if !names.contains(&name) {
            cx.error_at(
                ident.span(),
                format!(
                    "`{name}` is used nowhere: add `{{{name}}}` to the path, mark it `#[path(\"placeholder\")]` \
                     to fill a placeholder of another name, or mark it `#[query]`, `#[header(\"Name\")]`, \
                     `#[json]` or `#[form]`"
                ),
            );
        }
    }
}

/// `#[query]` sends one `name=value` pair (one per element of a list). A type that visibly has
/// no such form (a map, a tuple, a list of lists) is refused here; the macro cannot see inside
/// a type of the user's own, so a struct is refused at run time instead, before sending. The
/// other styles have forms of their own: a joined style joins plain values (a map's keys and
/// values too), `deep_object` writes a struct or a map, never a list.
fn query_values_are_one_pair(op: &Operation<'_>, cx: &mut Ctxt) {
    for p in &op.params {
        let Some(Some(Sp { value: ArgKind::Query(_, style), .. })) = &p.kind else { continue };
        let name = p.name();
        match style.as_ref().map(|s| s.value).unwrap_or_default() {
            QueryStyle::Repeated => {
                let Some(shape) = not_one_pair(p.ty) else { continue };
                let fix = match shape {
                    Shape::Map | Shape::Pairs => {
                        "mark it `#[query(flatten)]` to send its entries as the pairs".to_owned()
                    }
                    Shape::Tuple => "send each value as an argument of its own with `#[query(\"wireName\")]`, or \
                                     its fields as a `#[query(flatten)]` struct"
                        .to_owned(),
                    Shape::Nested => {
                        "send a list of plain values (one pair each), or a `#[query(flatten)]` struct".to_owned()
                    }
                };
                cx.error_spanned_by(
                    p.ty,
                    format!("`{name}` is {}, which is not one query pair `{name}=value`: {fix}", shape.describe()),
                );
            }
            QueryStyle::DeepObject => {
                if let Some(what) = visibly_sequence(p.ty) {
                    cx.error_spanned_by(
                        p.ty,
                        format!(
                            "`{name}` is {what}, which style `deep_object` has no form for (`{name}[key]=value` \
                             pairs): send a struct or a map, or a list in style `comma`"
                        ),
                    );
                }
            }
            style => {
                if let Some(shape @ (Shape::Pairs | Shape::Nested)) = not_one_pair(p.ty) {
                    cx.error_spanned_by(
                        p.ty,
                        format!(
                            "`{name}` is {}, which style `{}` cannot join into one value: send a list of plain \
                             values",
                            shape.describe(),
                            style.attr()
                        ),
                    );
                }
            }
        }
    }
}

/// Whether `ty` is visibly a list or a tuple (serialized as a sequence), and which.
fn visibly_sequence(ty: &Type) -> Option<&'static str> {
    match ungroup(ty) {
        Type::Reference(r) => visibly_sequence(&r.elem),
        Type::Tuple(t) if !t.elems.is_empty() => Some("a tuple"),
        Type::Slice(_) | Type::Array(_) => Some("a list"),
        Type::Path(p) if p.qself.is_none() => match Known::of(p.path.segments.last()?)? {
            Known::Wrapper(inner) => visibly_sequence(inner),
            Known::List(_) => Some("a list"),
            Known::Map => None,
        },
        _ => None,
    }
}

/// What a type that is not one query value visibly is.
#[derive(Clone, Copy)]
enum Shape {
    Map,
    Tuple,
    /// A list of `(name, value)` tuples.
    Pairs,
    /// A list of lists or maps.
    Nested,
}

impl Shape {
    fn describe(self) -> &'static str {
        match self {
            Shape::Map => "a map",
            Shape::Tuple => "a tuple",
            Shape::Pairs => "a list of tuples",
            Shape::Nested => "a list of lists or maps",
        }
    }
}

/// Why `ty` is visibly no one-pair query value, from its spelling: `None` when it may be one
/// (scalars, lists of scalars, and every type the macro cannot see into).
fn not_one_pair(ty: &Type) -> Option<Shape> {
    match ungroup(ty) {
        Type::Reference(r) => not_one_pair(&r.elem),
        Type::Tuple(t) if !t.elems.is_empty() => Some(Shape::Tuple),
        Type::Slice(s) => element_shape(&s.elem),
        Type::Array(a) => element_shape(&a.elem),
        Type::Path(p) if p.qself.is_none() => {
            let last = p.path.segments.last()?;
            match Known::of(last)? {
                Known::Wrapper(inner) => not_one_pair(inner),
                Known::List(inner) => element_shape(inner),
                Known::Map => Some(Shape::Map),
            }
        }
        _ => None,
    }
}

/// The shape of a list whose elements are `ty`: each element is one pair.
fn element_shape(ty: &Type) -> Option<Shape> {
    match ungroup(ty) {
        Type::Reference(r) => element_shape(&r.elem),
        Type::Tuple(t) if !t.elems.is_empty() => Some(Shape::Pairs),
        Type::Slice(_) | Type::Array(_) => Some(Shape::Nested),
        Type::Path(p) if p.qself.is_none() => match Known::of(p.path.segments.last()?)? {
            Known::Wrapper(inner) => element_shape(inner),
            Known::List(_) | Known::Map => Some(Shape::Nested),
        },
        _ => None,
    }
}

/// The standard types whose serialized shape their spelling shows.
enum Known<'a> {
    /// Serialized as the value inside: `Option`, `Box`, `Rc`, `Arc`, `Cow`.
    Wrapper(&'a Type),
    /// A sequence: `Vec`, `VecDeque`, `HashSet`, `BTreeSet`, ...
    List(&'a Type),
    /// `HashMap`, `BTreeMap`, `IndexMap`, serde_json's `Map`.
    Map,
}

impl<'a> Known<'a> {
    fn of(segment: &'a PathSegment) -> Option<Known<'a>> {
        let PathArguments::AngleBracketed(args) = &segment.arguments else { return None };
        let types: Vec<&Type> = args
            .args
            .iter()
            .filter_map(|a| match a {
                GenericArgument::Type(t) => Some(t),
                _ => None,
            })
            .collect();
        match (segment.ident.to_string().as_str(), types.as_slice()) {
            ("Option" | "Box" | "Rc" | "Arc" | "Cow", [inner]) => Some(Known::Wrapper(inner)),
            ("Vec" | "VecDeque" | "LinkedList" | "HashSet" | "BTreeSet" | "IndexSet", [inner, ..]) => {
                Some(Known::List(inner))
            }
            ("HashMap" | "BTreeMap" | "IndexMap" | "Map", [_, _, ..]) => Some(Known::Map),
            _ => None,
        }
    }
}

/// `Answer<T>` adds the status and headers to `T`, read as ever; a `Response` has them already.
fn answer_holds_a_body(op: &Operation<'_>, cx: &mut Ctxt) {
    let Some((ok, _)) = result_types(&op.func.sig.output) else { return };
    let Success::Answer(inner) = Success::of(ok) else { return };
    if matches!(*inner, Success::Raw | Success::Answer(_)) {
        cx.error_spanned_by(
            ok,
            "`Answer<T>` reads the body as `T` and keeps the status and headers beside it: `T` is `()`, \
             `String`, `Bytes`, `Vec<u8>` or a `Deserialize` type; a `Response` already has its status \
             and headers, so return `Response` itself",
        );
    }
}

/// A request has one body.
fn one_body(op: &Operation<'_>, cx: &mut Ctxt) {
    let mut first: Option<(String, ArgKind)> = None;
    for p in &op.params {
        let Some(Some(kind)) = &p.kind else { continue };
        if !kind.value.is_body() {
            continue;
        }
        match &first {
            Some((name, first_kind)) => {
                let other = p.name();
                let fix = if matches!(first_kind, ArgKind::Multipart) {
                    format!("add `{other}` to the form as a part")
                } else {
                    "put both in one struct".to_owned()
                };
                cx.error_at(
                    kind.span,
                    format!(
                        "a request has one body, and `{name}` is already it: {fix}, or send `{other}` as \
                         `#[query]` or `#[header(\"Name\")]`"
                    ),
                );
            }
            None => first = Some((p.name(), kind.value.clone())),
        }
    }
}

/// RFC 9110 gives a GET or HEAD body no meaning; servers and proxies drop or reject it.
fn no_body_without_meaning(op: &Operation<'_>, cx: &mut Ctxt) {
    let Some((method, _)) = &op.http else { return };
    if method.value.takes_body() {
        return;
    }
    for p in &op.params {
        let Some(Some(kind)) = &p.kind else { continue };
        if kind.value.is_body() {
            let upper = method.value.constant();
            cx.error_at(
                kind.span,
                format!(
                    "a {upper} request has no body: send `{}` as `#[query(flatten)]` (a struct) or \
                     `#[query]`, or use `#[post]`, `#[put]` or `#[patch]`",
                    p.name()
                ),
            );
        }
    }
}

/// A `#[body("..")]` content type that is no media type would fail every call at run time, or
/// be read as something else by the server.
fn content_types_are_media_types(op: &Operation<'_>, cx: &mut Ctxt) {
    for p in &op.params {
        let Some(Some(Sp { value: ArgKind::Bytes(content_type), .. })) = &p.kind else { continue };
        if let Err(why) = media_type(&content_type.value) {
            cx.error_at(content_type.span, why);
        }
    }
}

/// Why `value` is no `type/subtype` media type (RFC 9110 section 8.3.1) to send a body of
/// bytes as, if it is not.
fn media_type(value: &str) -> Result<(), String> {
    let example = "write e.g. \"application/octet-stream\", \"image/png\" or \"text/csv; charset=utf-8\"";
    let (essence, params) = value.split_once(';').unwrap_or((value, ""));
    let Some((kind, subtype)) = essence.trim().split_once('/') else {
        return Err(format!("`{value}` is not a media type `type/subtype`: {example}"));
    };
    if kind.is_empty() || subtype.is_empty() || !kind.chars().chain(subtype.chars()).all(is_token_char) {
        return Err(format!(
            "`{value}` is not a media type `type/subtype` (letters, digits and !#$%&'*+-.^_`|~): {example}"
        ));
    }
    if let Some(bad) = params.chars().find(|c| !(*c == '\t' || (' '..='~').contains(c))) {
        return Err(format!("a content type is visible ASCII, spaces and tabs; this one holds {bad:?}"));
    }
    if kind.eq_ignore_ascii_case("multipart") {
        return Err(format!(
            "a {kind}/{subtype} body needs a boundary written by the client: send an `oauth_runtime::Multipart` \
             marked `#[multipart]` instead"
        ));
    }
    Ok(())
}

/// What a `#[body]` or `#[multipart]` argument's type visibly is, from its spelling; `Other`
/// for types the macro cannot see into (the runtime's assertion traits judge those).
#[derive(Clone, Copy, PartialEq, Eq)]
enum BodyShape {
    /// `Vec<u8>`, `[u8]`, `[u8; N]`, `Bytes`.
    Bytes,
    /// `String`, `str`.
    Text,
    /// `Multipart`.
    Multipart,
    Optional,
    Tuple,
    /// A number, `bool` or `char`.
    Scalar,
    /// A list of something else than bytes.
    List,
    Other,
}

impl BodyShape {
    fn of(ty: &Type) -> BodyShape {
        match ungroup(ty) {
            Type::Reference(r) => BodyShape::of(&r.elem),
            Type::Tuple(t) if !t.elems.is_empty() => BodyShape::Tuple,
            Type::Slice(syn::TypeSlice { elem, .. }) | Type::Array(syn::TypeArray { elem, .. }) => {
                if is_u8(elem) {
                    BodyShape::Bytes
                } else {
                    BodyShape::List
                }
            }
            Type::Path(p) if p.qself.is_none() => {
                let Some(last) = p.path.segments.last() else { return BodyShape::Other };
                let plain = last.arguments.is_none();
                match last.ident.to_string().as_str() {
                    "Bytes" if plain => BodyShape::Bytes,
                    "String" | "str" if plain => BodyShape::Text,
                    "Multipart" if plain => BodyShape::Multipart,
                    "Option" if !plain => BodyShape::Optional,
                    "Vec" | "VecDeque" | "HashSet" | "BTreeSet" => match &last.arguments {
                        PathArguments::AngleBracketed(args) => match args.args.first() {
                            Some(GenericArgument::Type(t)) if is_u8(t) => BodyShape::Bytes,
                            _ => BodyShape::List,
                        },
                        _ => BodyShape::Other,
                    },
                    "u8" | "u16" | "u32" | "u64" | "u128" | "usize" | "i8" | "i16" | "i32" | "i64" | "i128"
                    | "isize" | "f32" | "f64" | "bool" | "char"
                        if plain =>
                    {
                        BodyShape::Scalar
                    }
                    _ => BodyShape::Other,
                }
            }
            _ => BodyShape::Other,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            BodyShape::Bytes => "bytes",
            BodyShape::Text => "text",
            BodyShape::Multipart => "a `Multipart` form",
            BodyShape::Optional => "an `Option`",
            BodyShape::Tuple => "a tuple",
            BodyShape::Scalar => "a number, `bool` or `char`",
            BodyShape::List => "a list of something else than bytes",
            BodyShape::Other => "a type of its own",
        }
    }
}

fn is_u8(ty: &Type) -> bool {
    matches!(ungroup(ty), Type::Path(p) if p.qself.is_none() && p.path.is_ident("u8"))
}

/// A `#[body]` is bytes or text, a `#[multipart]` a form: a type that visibly is neither is
/// refused here, where the macro can see it; the runtime's assertion traits judge the others.
fn bodies_have_body_types(op: &Operation<'_>, cx: &mut Ctxt) {
    for p in &op.params {
        let Some(Some(Sp { value: kind, .. })) = &p.kind else { continue };
        let shape = BodyShape::of(p.ty);
        let name = p.name();
        let what = shape.describe();
        let message = match (kind, shape) {
            (ArgKind::Bytes(_), BodyShape::Bytes | BodyShape::Text | BodyShape::Other) => continue,
            (ArgKind::Bytes(_), BodyShape::Multipart) => {
                format!("`{name}` is a `Multipart` form, which is sent with `#[multipart]`, not `#[body]`")
            }
            (ArgKind::Bytes(_), BodyShape::Optional) => format!(
                "`{name}` is an `Option`, but a body of bytes is sent whole: declare it as the bytes \
                 (`Vec<u8>`, `Bytes`, `&[u8]`), and a second operation for the call without a body"
            ),
            (ArgKind::Bytes(_), _) => format!(
                "`{name}` is {what}, which is not a body of bytes: send `Vec<u8>`, `Bytes`, `&[u8]`, `String` or \
                 `&str` (a value as JSON is `#[json]`)"
            ),
            (ArgKind::Multipart, BodyShape::Multipart | BodyShape::Other) => continue,
            (ArgKind::Multipart, BodyShape::Bytes | BodyShape::Text) => format!(
                "`{name}` is {what}, which is not a multipart/form-data form: send an `oauth_runtime::Multipart` \
                 (or a type implementing `ToMultipart`), or these bytes as they are with `#[body(\"type\")]`"
            ),
            (ArgKind::Multipart, BodyShape::Optional) => format!(
                "`{name}` is an `Option`, but a multipart body is sent whole: declare it as the form, and a \
                 second operation for the call without a body"
            ),
            (ArgKind::Multipart, _) => format!(
                "`{name}` is {what}, which is not a multipart/form-data form: send an `oauth_runtime::Multipart`, \
                 or a type implementing `oauth_runtime::ToMultipart`"
            ),
            _ => continue,
        };
        cx.error_spanned_by(p.ty, message);
    }
}

/// Header names and fixed values that HTTP cannot carry would fail every call at run time.
fn headers_are_valid(op: &Operation<'_>, cx: &mut Ctxt) {
    let mut names: Vec<&Sp<String>> = op
        .params
        .iter()
        .filter_map(|p| match &p.kind {
            Some(Some(Sp { value: ArgKind::Header(name), .. })) => Some(name),
            _ => None,
        })
        .collect();
    if let Some((_, args)) = &op.http {
        names.extend(args.headers.iter().map(|(name, _)| name));
        for (_, value) in &args.headers {
            if let Some(bad) = value.value.chars().find(|c| !(*c == '\t' || (' '..='~').contains(c))) {
                cx.error_at(
                    value.span,
                    format!("a header value is visible ASCII, spaces and tabs; this one holds {:?}", bad),
                );
            }
        }
    }
    for name in names {
        if name.value.is_empty() {
            cx.error_at(name.span, "a header name cannot be empty: write e.g. \"X-Trace-Id\"");
        } else if let Some(bad) = name.value.chars().find(|c| !is_token_char(*c)) {
            cx.error_at(
                name.span,
                format!(
                    "{bad:?} cannot be in a header name (letters, digits and !#$%&'*+-.^_`|~ can): \
                     write e.g. \"X-Trace-Id\""
                ),
            );
        }
    }
}

/// RFC 9110 section 5.6.2: the characters of a token, such as a header name.
fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c)
}

/// An empty name would be a nameless query pair or trace.
fn names_are_not_empty(op: &Operation<'_>, cx: &mut Ctxt) {
    if let Some(name) = op.http.as_ref().and_then(|(_, a)| a.name.given()).filter(|n| n.value.is_empty()) {
        cx.error_at(name.span, "an operation name cannot be empty: remove `name` to use the method's name");
    }
    for p in &op.params {
        if let Some(Some(Sp { value: ArgKind::Query(Some(wire), _), .. })) = &p.kind
            && wire.value.is_empty()
        {
            cx.error_at(wire.span, "a query name cannot be empty: write `#[query]` to use the argument's name");
        }
    }
}

/// `scopes = ".."` lists scope tokens (RFC 6749 section 3.3), each once: what the runtime
/// sends as the `scope` of a token request.
fn scopes_are_scope_tokens(scopes: Option<&Sp<String>>, cx: &mut Ctxt) {
    if let Some(Err(why)) = scopes.map(|s| oauth_codegen::operations::parse_scopes(&s.value)) {
        cx.error_at(scopes.map_or_else(Span::call_site, |s| s.span), format!("`scopes`: {why}"));
    }
}

/// A zero timeout would fail every call before it is sent.
fn timeout_is_positive(op: &Operation<'_>, cx: &mut Ctxt) {
    let Some(timeout) = op.http.as_ref().and_then(|(_, a)| a.timeout_ms.given()) else { return };
    if timeout.value == 0 {
        cx.error_at(timeout.span, "`timeout_ms` must be at least 1, e.g. `timeout_ms = 5000`");
    }
}
