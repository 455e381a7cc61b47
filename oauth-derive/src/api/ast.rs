//! The annotated trait as written: its operations, their attributes and arguments, each with
//! its span. Nothing here checks one part against another; `valid` does.

use proc_macro2::{Span, TokenStream};
use syn::spanned::Spanned;
use syn::{Attribute, FnArg, Ident, ItemTrait, Pat, ReturnType, TraitItem, TraitItemFn, Type};

use crate::api::attr::{ApiArgs, ArgKind, OperationArgs, parse_arg_attr};
use crate::api::paginate;
use crate::arg::Sp;
use crate::ctxt::Ctxt;
use crate::symbol::{ARG_ATTRS, Choice, KEPT_ATTRS, Method, did_you_mean, unraw};

pub(crate) use oauth_codegen::operations::syntax::{attr_name, is_lint_attr, result_types, ungroup};

/// The annotated trait and its attribute.
pub(crate) struct Input<'a> {
    pub item: &'a ItemTrait,
    pub args: ApiArgs,
    /// The methods that are, or were probably meant to be, operations.
    pub ops: Vec<Operation<'a>>,
}

/// A method that is, or was probably meant to be, an operation: one with an HTTP method
/// attribute (or a misspelt one), or one without a body.
pub(crate) struct Operation<'a> {
    pub func: &'a TraitItemFn,
    /// The HTTP method and its attribute's arguments; `None` when the method has no (readable)
    /// HTTP attribute.
    pub http: Option<(Sp<Method>, OperationArgs)>,
    /// Whether an attribute was a misspelt HTTP method: then the method is an operation whose
    /// method is unknown, and rules that need it stay silent.
    pub misspelt: bool,
    pub params: Vec<Param<'a>>,
    /// `#[paginate(..)]`, if written.
    pub paginate: Option<paginate::PaginateArgs>,
}

/// An argument of an operation, after `self`.
pub(crate) struct Param<'a> {
    pub arg: &'a syn::PatType,
    /// The argument's name; `None` when its pattern is not a plain identifier.
    pub ident: Option<&'a Ident>,
    pub ty: &'a Type,
    /// `None` for a path placeholder; `Some(None)` when the attribute was unreadable.
    pub kind: Option<Option<Sp<ArgKind>>>,
    /// A second attribute of ours, which contradicts the first.
    pub extra: Vec<Span>,
}

impl<'a> Input<'a> {
    /// Reads the trait and the attribute's tokens, reporting what cannot be read.
    pub(crate) fn from_syn(item: &'a ItemTrait, args: TokenStream, cx: &mut Ctxt) -> Self {
        let args = ApiArgs::parse(args, cx);
        let ops = item
            .items
            .iter()
            .filter_map(|it| match it {
                TraitItem::Fn(func) => Operation::from_syn(func, cx),
                _ => None,
            })
            .collect();
        Input { item, args, ops }
    }
}

impl<'a> Operation<'a> {
    /// `None` for a provided method: one with a body and no HTTP attribute, kept as written.
    fn from_syn(func: &'a TraitItemFn, cx: &mut Ctxt) -> Option<Self> {
        let mut http: Option<(Sp<Method>, OperationArgs)> = None;
        let mut misspelt = false;
        let mut pages = None;
        for attr in &func.attrs {
            let name = attr_name(attr);
            if let Some(method) = Method::from_attr(&name) {
                let args = OperationArgs::parse(attr, &name, cx);
                match &http {
                    Some((first, _)) => cx.error_at(
                        attr.path().span(),
                        format!(
                            "an operation has one HTTP method, and `{}` already has `#[{}]`: keep one",
                            unraw(&func.sig.ident),
                            crate::symbol::name_of(first.value)
                        ),
                    ),
                    None => http = Some((Sp::new(method, attr.path().span()), args)),
                }
            } else if name == paginate::ATTR {
                paginate::read(attr, &mut pages, cx);
            } else if !KEPT_ATTRS.contains(&name.as_str()) && !paginate::misspelt(attr, &name, &mut pages, cx) {
                misspelt |= unknown_method_attr(attr, &name, cx);
            }
        }
        if http.is_none() && !misspelt && func.default.is_some() {
            return None;
        }
        let params = func
            .sig
            .inputs
            .iter()
            .filter_map(|input| match input {
                FnArg::Typed(arg) => Some(Param::from_syn(arg, cx)),
                FnArg::Receiver(_) => None,
            })
            .collect();
        Some(Operation { func, http, misspelt, params, paginate: pages })
    }

    /// The method's name.
    pub(crate) fn ident(&self) -> &'a Ident {
        &self.func.sig.ident
    }

    /// The arguments that fill the placeholder `name`, in order.
    pub(crate) fn fillers(&self, name: &str) -> Vec<&Param<'a>> {
        self.params.iter().filter(|p| p.placeholder().as_deref() == Some(name)).collect()
    }

    /// Where the return type is written, or the name when there is none.
    pub(crate) fn output_span(&self) -> Span {
        match &self.func.sig.output {
            ReturnType::Type(_, ty) => ty.span(),
            ReturnType::Default => self.func.sig.ident.span(),
        }
    }
}

/// Reports an attribute on an operation that is neither ours nor kept, suggesting the nearest
/// HTTP method. Returns whether it was a misspelt HTTP method.
fn unknown_method_attr(attr: &Attribute, name: &str, cx: &mut Ctxt) -> bool {
    let near = did_you_mean(name, Method::NAMES)
        .or_else(|| Method::ALIASES.iter().find(|(alias, _)| name.eq_ignore_ascii_case(alias)).map(|(_, m)| *m));
    match near {
        Some(method) => {
            cx.error_at(
                attr.path().span(),
                format!("unknown HTTP method attribute `#[{name}]`: did you mean `#[{method}]`?"),
            );
            true
        }
        None if ARG_ATTRS.contains(&name) => {
            cx.error_at(
                attr.path().span(),
                format!("`#[{name}]` goes on an argument: write `async fn op(&self, #[{name}] value: T)`"),
            );
            false
        }
        None => {
            let methods: Vec<String> = Method::NAMES.iter().map(|m| format!("#[{m}]")).collect();
            cx.error_at(
                attr.path().span(),
                format!(
                    "unknown attribute `#[{name}]` on an operation: the operation attributes are {}, \
                     besides doc comments, lint levels, `#[cfg]`, `#[deprecated]` and `#[must_use]`",
                    methods.join(", ")
                ),
            );
            false
        }
    }
}

impl<'a> Param<'a> {
    fn from_syn(arg: &'a syn::PatType, cx: &mut Ctxt) -> Self {
        let ident = match &*arg.pat {
            Pat::Ident(p) if p.by_ref.is_none() && p.subpat.is_none() => Some(&p.ident),
            _ => None,
        };
        let mut kind: Option<Option<Sp<ArgKind>>> = None;
        let mut extra = Vec::new();
        for attr in &arg.attrs {
            let name = attr_name(attr);
            if ARG_ATTRS.contains(&name.as_str()) {
                if kind.is_some() {
                    extra.push(attr.path().span());
                    continue;
                }
                kind = Some(parse_arg_attr(attr, &name, cx));
            } else if !is_lint_attr(&name) {
                let msg = match did_you_mean(&name, ARG_ATTRS) {
                    Some(near) => format!("unknown argument attribute `#[{name}]`: did you mean `#[{near}]`?"),
                    None => format!(
                        "unknown argument attribute `#[{name}]`: an argument is a path placeholder \
                         without attribute (or `#[path(\"name\")]`), or `#[query]`, `#[json]`, `#[form]`, \
                         `#[body(\"type\")]`, `#[multipart]` or `#[header(\"Name\")]`"
                    ),
                };
                cx.error_at(attr.path().span(), msg);
                // Read as unknown, so that no rule calls the argument unused.
                kind.get_or_insert(None);
            }
        }
        Param { arg, ident, ty: &arg.ty, kind, extra }
    }

    /// The name users read (`r#type` is `type`), or `_`.
    pub(crate) fn name(&self) -> String {
        self.ident.map_or_else(|| "_".to_owned(), unraw)
    }

    /// The placeholder this argument fills: its own name without attribute, the one named by
    /// `#[path("..")]`, else none (or unknown, for an unreadable attribute).
    pub(crate) fn placeholder(&self) -> Option<String> {
        match &self.kind {
            None => self.ident.map(unraw),
            Some(Some(Sp { value: ArgKind::Path(name), .. })) => Some(name.value.clone()),
            Some(_) => None,
        }
    }

    /// Where to point at the argument: its `#[path]` attribute, or its name.
    pub(crate) fn span(&self) -> Span {
        match &self.kind {
            Some(Some(kind)) => kind.span,
            _ => self.arg.pat.span(),
        }
    }
}

/// One piece of a path template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Piece {
    /// Text sent as written.
    Text(String),
    /// `{name}`: the argument `name`, percent-encoded as one path segment.
    Placeholder(String),
}

const STRAY_CLOSE: &str = "`}` without `{`: placeholders are written `{name}`, with the argument's name";

/// Splits a path template into text and placeholders, or says what is wrong with it.
pub(crate) fn parse_template(path: &str) -> Result<Vec<Piece>, String> {
    if let Some(at) = path.find("://") {
        let rest = &path[at + 3..];
        let suggestion = rest.find('/').map_or("/...", |slash| &rest[slash..]);
        return Err(format!(
            "an operation's path is relative to the client's base URL, not a URL: write \"{}\" and \
             give the scheme and host to the client",
            suggestion.split(['?', '#']).next().unwrap_or_default()
        ));
    }
    if !path.starts_with('/') {
        return Err(format!("an operation's path starts with `/`: write \"/{path}\""));
    }
    if path.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("an operation's path cannot contain whitespace: write it as the URL has it".to_owned());
    }
    if let Some(at) = path.find('?') {
        let names: Vec<String> = path[at + 1..]
            .split('&')
            .filter_map(|pair| pair.split('=').next())
            .filter(|name| !name.is_empty())
            .map(|name| format!("`#[query(\"{name}\")]`"))
            .collect();
        let send = if names.is_empty() { "`#[query]` arguments".to_owned() } else { names.join(", ") };
        return Err(format!(
            "an operation's path holds no query string: write \"{}\" and send the query as {send} \
             arguments, or as fixed values in a `#[query(flatten)]` struct",
            &path[..at]
        ));
    }
    if let Some(at) = path.find('#') {
        return Err(format!("a fragment is never sent to the server: write \"{}\"", &path[..at]));
    }
    let mut pieces = Vec::new();
    let mut rest = path;
    while !rest.is_empty() {
        let open = rest.find('{');
        let close = rest.find('}');
        match (open, close) {
            (None, None) => {
                pieces.push(Piece::Text(rest.to_owned()));
                break;
            }
            (None, Some(_)) => return Err(STRAY_CLOSE.to_owned()),
            (Some(o), Some(c)) if c < o => return Err(STRAY_CLOSE.to_owned()),
            (Some(o), close) => {
                if o > 0 {
                    pieces.push(Piece::Text(rest[..o].to_owned()));
                }
                let Some(c) = close else {
                    return Err("unclosed `{`: placeholders are written `{name}`, with the argument's name".to_owned());
                };
                let name = &rest[o + 1..c];
                if name.is_empty() {
                    return Err("empty placeholder `{}`: write the argument's name inside, e.g. `{id}`".to_owned());
                }
                let mut chars = name.chars();
                let identifier = chars.next().is_some_and(|c| c == '_' || c.is_alphabetic())
                    && chars.all(|c| c == '_' || c.is_alphanumeric());
                if !identifier || name == "_" {
                    return Err(format!(
                        "`{{{name}}}` is not a placeholder: write an argument's name inside braces, e.g. `{{id}}`"
                    ));
                }
                pieces.push(Piece::Placeholder(name.to_owned()));
                rest = &rest[c + 1..];
            }
        }
    }
    Ok(pieces)
}
