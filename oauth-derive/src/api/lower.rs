//! A checked trait lowered into the generator core's model ([`oauth_codegen::operations`]),
//! with every default applied: the core expands it, as it expands operations generated from a
//! document.

use oauth_codegen::operations::{Api, Op, PathPiece, Step, Success, is_option};

use crate::api::ast::{Input, Operation, Piece, parse_template, result_types};
use crate::api::attr::ArgKind;
use crate::api::paginate;
use crate::symbol::unraw;

/// The model of an input that passed validation.
///
/// `None` only if something validation should have reported is missing.
pub(crate) fn api(input: &Input<'_>) -> Option<Api> {
    let args = &input.args;
    let trait_error = args.error.given().map(|e| e.value.clone());
    let trait_scopes = args.scopes.given().map(|s| s.value.as_str());
    let ops =
        input.ops.iter().map(|op| operation(op, trait_error.as_ref(), trait_scopes)).collect::<Option<Vec<_>>>()?;
    let mut api = Api::new(input.item.clone(), args.clients.given()?.value.clone(), ops);
    if let Some(krate) = args.krate.given() {
        api = api.krate(krate.value.clone());
    }
    Some(api)
}

fn operation(op: &Operation<'_>, trait_error: Option<&syn::Type>, trait_scopes: Option<&str>) -> Option<Op> {
    let (method, args) = op.http.as_ref()?;
    let path = parse_template(&args.path.given()?.value)
        .ok()?
        .into_iter()
        .map(|piece| match piece {
            Piece::Text(text) => Some(PathPiece::text(text)),
            Piece::Placeholder(name) => {
                let p = *op.fillers(&name).first()?;
                Some(PathPiece::arg(p.ident?.clone(), p.ty.clone()))
            }
        })
        .collect::<Option<Vec<_>>>()?;
    let mut steps = Vec::new();
    // The operation's scopes replace the trait's: an operation lists all it needs.
    if let Some(scopes) = args.scopes.given().map(|s| s.value.as_str()).or(trait_scopes) {
        steps.push(Step::Scopes(oauth_codegen::operations::parse_scopes(scopes).ok()?));
    }
    let mut body = None;
    for p in &op.params {
        let Some(kind) = &p.kind else { continue };
        let (arg, ty) = (p.ident?.clone(), p.ty.clone());
        match &kind.as_ref()?.value {
            ArgKind::Query(rename, style) => {
                let name = rename.as_ref().map_or_else(|| unraw(&arg), |r| r.value.clone());
                let style = style.as_ref().map(|s| s.value).unwrap_or_default();
                steps.push(Step::QueryPair { name, arg, ty, style });
            }
            ArgKind::QueryFlatten => steps.push(Step::QueryFields { arg, ty }),
            ArgKind::Header(name) => {
                let optional = is_option(&ty);
                steps.push(Step::Header { name: name.value.clone(), arg, ty, optional });
            }
            ArgKind::Json => body = Some(Step::Body { form: false, arg, ty }),
            ArgKind::Form => body = Some(Step::Body { form: true, arg, ty }),
            ArgKind::Bytes(content_type) => {
                body = Some(Step::Bytes { content_type: content_type.value.clone(), arg, ty });
            }
            ArgKind::Multipart => body = Some(Step::Multipart { arg, ty }),
            // In the path, above.
            ArgKind::Path(_) => {}
        }
    }
    steps.extend(args.headers.iter().map(|(k, v)| Step::FixedHeader { name: k.value.clone(), value: v.value.clone() }));
    steps.extend(body);
    if let Some(ms) = Some(args.timeout_ms.or_default(0)?).filter(|ms| *ms > 0) {
        steps.push(Step::Timeout(ms));
    }
    let error = match args.error.given() {
        Some(e) => Some(e.value.clone()),
        None => trait_error.cloned(),
    };
    steps.extend(error.map(Step::ErrorType));
    let success = match &op.paginate {
        Some(pages) => Success::Pages(Box::new(paginate::lower(pages, &op.func.sig.output)?)),
        None => Success::of(result_types(&op.func.sig.output)?.0),
    };
    let syn::ReturnType::Type(..) = &op.func.sig.output else { return None };
    let name = args.name.or_default(unraw(op.ident()))?;
    let lowered = Op::new(op.func.sig.clone(), method.value, path).name(name).attrs(op.func.attrs.clone());
    Some(steps.into_iter().fold(lowered, Op::step).success(success))
}
