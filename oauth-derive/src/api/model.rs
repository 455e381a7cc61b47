//! The checked description of an API trait, with every default applied: what `expand` turns
//! into the trait and its implementation on the vendor's client.

use syn::{Attribute, Ident, ItemTrait, Path, Signature, Type, TypeReference};

use crate::api::ast::{Input, Operation, Piece, parse_template, result_types, ungroup};
use crate::api::attr::ArgKind;
use crate::api::paginate;
use crate::symbol::{HttpMethod, default_crate_path, unraw};

/// A checked API trait, ready to expand.
pub(crate) struct Api {
    pub krate: Path,
    /// The provider types: the trait is implemented for `Client<P>` of each.
    pub clients: Vec<Type>,
    pub item: ItemTrait,
    pub ops: Vec<Op>,
}

/// One operation.
pub(crate) struct Op {
    pub ident: Ident,
    /// The method as declared.
    pub sig: Signature,
    pub attrs: Vec<Attribute>,
    /// The name in traces.
    pub name: String,
    pub method: HttpMethod,
    pub path: Vec<PathPiece>,
    /// What is done to the request, in order.
    pub steps: Vec<Step>,
    pub success: Success,
    /// The declared return type, `Result<T, E>` (or `Pages<T>`).
    pub output: Type,
}

/// A piece of the path.
pub(crate) enum PathPiece {
    Text(String),
    /// An argument, percent-encoded as one segment.
    Arg(Ident, Box<Type>),
}

/// One call on the request being built.
pub(crate) enum Step {
    /// `#[query]`: one pair.
    QueryPair { name: String, arg: Ident, ty: Type },
    /// `#[query(flatten)]`: a struct's fields.
    QueryFields { arg: Ident, ty: Type },
    /// `#[header("Name")]`; `optional` when the argument is an `Option`, sent only when `Some`.
    Header { name: String, arg: Ident, ty: Type, optional: bool },
    /// `header("Name" = "value")`.
    FixedHeader { name: String, value: String },
    /// `#[json]` or `#[form]`.
    Body { form: bool, arg: Ident, ty: Type },
    /// `timeout_ms = N`.
    Timeout(u64),
    /// `error = E`, or the trait's.
    ErrorType(Type),
}

/// How the success value is read from the response, chosen by the `T` of `Result<T, E>`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Success {
    /// `()`: any body is discarded.
    Empty,
    /// `String`: the body as text.
    Text,
    /// `Bytes`: the body.
    Bytes,
    /// `Vec<u8>`: the body.
    ByteVec,
    /// `Response`: the response itself, whatever its status.
    Raw,
    /// `Answer<T>`: the body read as `T` asks, with the status and headers beside it.
    Answer(Box<Success>),
    /// Anything else: the body as JSON.
    Json(Box<Type>),
    /// `Pages<T>`, with `#[paginate(..)]`: a stream of the pages' items.
    Pages(Box<paginate::Paged>),
}

impl Success {
    /// Chooses by the type's spelling, the only thing a macro can see: a type of the user's
    /// own named `Response`, `Bytes` or `Answer` would be taken for reqwest's, bytes' or the
    /// runtime's.
    pub(crate) fn of(ty: &Type) -> Success {
        match ungroup(ty) {
            Type::Tuple(t) if t.elems.is_empty() => Success::Empty,
            Type::Path(p) if p.qself.is_none() => {
                let Some(last) = p.path.segments.last() else { return Success::Json(Box::new(ty.clone())) };
                let plain = last.arguments.is_none();
                match last.ident.to_string().as_str() {
                    "String" if plain => Success::Text,
                    "Bytes" if plain => Success::Bytes,
                    "Response" if plain => Success::Raw,
                    "Vec" if is_vec_u8(&last.arguments) => Success::ByteVec,
                    "Answer" => match single_type_arg(&last.arguments) {
                        Some(body) => Success::Answer(Box::new(Success::of(body))),
                        None => Success::Json(Box::new(ty.clone())),
                    },
                    _ => Success::Json(Box::new(ty.clone())),
                }
            }
            _ => Success::Json(Box::new(ty.clone())),
        }
    }
}

/// `T` of `<T>`.
fn single_type_arg(args: &syn::PathArguments) -> Option<&Type> {
    let syn::PathArguments::AngleBracketed(args) = args else { return None };
    match args.args.iter().collect::<Vec<_>>().as_slice() {
        [syn::GenericArgument::Type(t)] => Some(t),
        _ => None,
    }
}

fn is_vec_u8(args: &syn::PathArguments) -> bool {
    let syn::PathArguments::AngleBracketed(args) = args else { return false };
    matches!(
        args.args.iter().collect::<Vec<_>>().as_slice(),
        [syn::GenericArgument::Type(Type::Path(p))] if p.path.is_ident("u8")
    )
}

/// The type an argument's value has behind one reference: `T` for `&T`, else the type itself.
pub(crate) fn referent(ty: &Type) -> (&Type, bool) {
    match ungroup(ty) {
        Type::Reference(TypeReference { elem, .. }) => (elem, true),
        other => (other, false),
    }
}

/// Whether a type is written `Option<..>`.
pub(crate) fn is_option(ty: &Type) -> bool {
    matches!(ungroup(ty), Type::Path(p) if p.qself.is_none()
        && p.path.segments.last().is_some_and(|s| s.ident == "Option" && !s.arguments.is_none()))
}

impl Api {
    /// Applies the defaults to an input that passed validation.
    ///
    /// `None` only if something validation should have reported is missing.
    pub(crate) fn new(input: &Input<'_>) -> Option<Api> {
        let args = &input.args;
        let trait_error = args.error.given().map(|e| e.value.clone());
        let ops = input.ops.iter().map(|op| Op::new(op, trait_error.as_ref())).collect::<Option<Vec<_>>>()?;
        Some(Api {
            krate: args.krate.or_default(default_crate_path())?,
            clients: args.clients.given()?.value.clone(),
            item: input.item.clone(),
            ops,
        })
    }
}

impl Op {
    fn new(op: &Operation<'_>, trait_error: Option<&Type>) -> Option<Op> {
        let (method, args) = op.http.as_ref()?;
        let ident = op.ident().clone();
        let path = parse_template(&args.path.given()?.value)
            .ok()?
            .into_iter()
            .map(|piece| match piece {
                Piece::Text(text) => Some(PathPiece::Text(text)),
                Piece::Placeholder(name) => {
                    let p = *op.fillers(&name).first()?;
                    Some(PathPiece::Arg(p.ident?.clone(), Box::new(p.ty.clone())))
                }
            })
            .collect::<Option<Vec<_>>>()?;
        let mut steps = Vec::new();
        let mut body = None;
        for p in &op.params {
            let Some(kind) = &p.kind else { continue };
            let (arg, ty) = (p.ident?.clone(), p.ty.clone());
            match &kind.as_ref()?.value {
                ArgKind::Query(rename) => {
                    let name = rename.as_ref().map_or_else(|| unraw(&arg), |r| r.value.clone());
                    steps.push(Step::QueryPair { name, arg, ty });
                }
                ArgKind::QueryFlatten => steps.push(Step::QueryFields { arg, ty }),
                ArgKind::Header(name) => {
                    let optional = is_option(&ty);
                    steps.push(Step::Header { name: name.value.clone(), arg, ty, optional });
                }
                ArgKind::Json => body = Some(Step::Body { form: false, arg, ty }),
                ArgKind::Form => body = Some(Step::Body { form: true, arg, ty }),
                // In the path, above.
                ArgKind::Path(_) => {}
            }
        }
        steps.extend(
            args.headers.iter().map(|(k, v)| Step::FixedHeader { name: k.value.clone(), value: v.value.clone() }),
        );
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
            Some(pages) => Success::Pages(Box::new(paginate::Paged::new(pages, &op.func.sig.output)?)),
            None => Success::of(result_types(&op.func.sig.output)?.0),
        };
        let syn::ReturnType::Type(_, output) = &op.func.sig.output else { return None };
        Some(Op {
            name: args.name.or_default(unraw(&ident))?,
            ident,
            sig: op.func.sig.clone(),
            attrs: op.func.attrs.clone(),
            method: method.value,
            path,
            steps,
            success,
            output: (**output).clone(),
        })
    }
}
