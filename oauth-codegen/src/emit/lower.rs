//! The document's operations in the generator core's model ([`crate::operations`]): the same
//! model `#[oauth_api]` lowers a hand-written trait into, so that [`crate::operations::expand`]
//! writes the same code for both (a test in `oauth-derive` holds the two paths equal).

use syn::{FnArg, ItemTrait, TraitItem};

use crate::ir::{self, ArgKind};
use crate::operations::syntax::{attr_name, unraw};
use crate::operations::{Api, Op, PathPiece, Step, is_option};

/// The model of the trait `declaration` is (the `#[oauth_api]` trait written for `api`).
///
/// # Errors
///
/// If a client path does not parse: a bug of the generator, as for any code that does not.
pub(super) fn api(api: &ir::Api, declaration: &ItemTrait) -> Result<Api, syn::Error> {
    let mut item = declaration.clone();
    // An attribute macro does not see itself: neither does the core.
    item.attrs.retain(|a| !attr_name(a).ends_with("oauth_api"));
    let clients = api.clients.iter().map(|c| syn::parse_str::<syn::Type>(c)).collect::<Result<Vec<_>, _>>()?;
    let methods = item.items.iter().filter_map(|it| match it {
        TraitItem::Fn(f) => Some(f),
        _ => None,
    });
    let ops = api.ops.iter().zip(methods).map(|(op, func)| operation(op, func)).collect();
    Ok(Api::new(item.clone(), clients, ops))
}

/// One operation, its steps in the order `#[oauth_api]` takes them: the scopes, the arguments'
/// query pairs and headers as declared, then the body, then the error type.
fn operation(op: &ir::Operation, func: &syn::TraitItemFn) -> Op {
    let typed: Vec<(&ir::Arg, syn::Ident, syn::Type)> = op
        .args
        .iter()
        .zip(func.sig.inputs.iter().filter_map(|input| match input {
            FnArg::Typed(t) => Some(t),
            FnArg::Receiver(_) => None,
        }))
        .filter_map(|(arg, input)| match &*input.pat {
            syn::Pat::Ident(p) => Some((arg, p.ident.clone(), (*input.ty).clone())),
            _ => None,
        })
        .collect();
    let path = path(&op.path, &typed);
    let name = op.trace_name.clone().unwrap_or_else(|| unraw(&func.sig.ident));
    let mut lowered = Op::new(func.sig.clone(), op.method, path).name(name).attrs(func.attrs.clone());
    if !op.scopes.is_empty() {
        lowered = lowered.step(Step::Scopes(op.scopes.clone()));
    }
    let mut body = None;
    for (arg, ident, ty) in &typed {
        let (arg_ident, ty) = (ident.clone(), ty.clone());
        let step = match &arg.kind {
            ArgKind::Path => continue,
            ArgKind::Query(style) => Step::QueryPair { name: arg.wire.clone(), arg: arg_ident, ty, style: *style },
            ArgKind::QueryFlatten => Step::QueryFields { arg: arg_ident, ty },
            ArgKind::Header => Step::Header { name: arg.wire.clone(), optional: is_option(&ty), arg: arg_ident, ty },
            ArgKind::Json | ArgKind::Form => {
                body = Some(Step::Body { form: arg.kind == ArgKind::Form, arg: arg_ident, ty });
                continue;
            }
            ArgKind::Bytes { content_type } => {
                body = Some(Step::Bytes { content_type: content_type.clone(), arg: arg_ident, ty });
                continue;
            }
            ArgKind::Multipart => {
                body = Some(Step::Multipart { arg: arg_ident, ty });
                continue;
            }
        };
        lowered = lowered.step(step);
    }
    if let Some(body) = body {
        lowered = lowered.step(body);
    }
    if let Some(error) = &op.error {
        if let Ok(error) = syn::parse2(super::ty(error)) {
            lowered = lowered.step(Step::ErrorType(error));
        }
    }
    lowered
}

/// The template's text and placeholders, each placeholder the path argument of its name (the
/// Rust name, or the wire name `#[path("..")]` binds).
fn path(template: &str, args: &[(&ir::Arg, syn::Ident, syn::Type)]) -> Vec<PathPiece> {
    let mut pieces = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else { break };
        if open > 0 {
            pieces.push(PathPiece::text(&rest[..open]));
        }
        let name = &rest[open + 1..close];
        let filler =
            args.iter().find(|(arg, ident, _)| arg.kind == ArgKind::Path && (arg.wire == name || unraw(ident) == name));
        match filler {
            Some((_, ident, ty)) => pieces.push(PathPiece::arg(ident.clone(), ty.clone())),
            None => pieces.push(PathPiece::text(&rest[open..=close])),
        }
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() {
        pieces.push(PathPiece::text(rest));
    }
    pieces
}
