//! The operations of an API trait, checked and with every default applied: what
//! [`expand`](super::expand) turns into the trait and its implementation on each client.

use syn::{Attribute, Ident, ItemTrait, Path, ReturnType, Signature, Type, TypeReference};

use super::paginate::Paged;
use super::syntax::{default_crate_path, result_types, ungroup, unraw};

/// An API trait, ready to expand.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Api {
    /// The path to the runtime crate (`::oauth_runtime` unless `crate = ..` says otherwise).
    pub krate: Path,
    /// The provider types: the trait is implemented for `Client<P>` of each.
    pub clients: Vec<Type>,
    /// The trait as declared (without the `#[oauth_api]` attribute): its other items are kept.
    pub item: ItemTrait,
    /// The operations, each a method of `item`.
    pub ops: Vec<Op>,
}

impl Api {
    /// An API implemented for `Client<P>` of each of `clients`, through `::oauth_runtime`.
    pub fn new(item: ItemTrait, clients: Vec<Type>, ops: Vec<Op>) -> Api {
        Api { krate: default_crate_path(), clients, item, ops }
    }

    /// The path generated code names the runtime by (`crate = ..`).
    #[must_use]
    pub fn krate(mut self, krate: Path) -> Api {
        self.krate = krate;
        self
    }
}

/// One operation.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Op {
    /// The method's name.
    pub ident: Ident,
    /// The method as declared.
    pub sig: Signature,
    /// Its attributes as declared (those of [`KEPT_ATTRS`](super::syntax::KEPT_ATTRS) are kept).
    pub attrs: Vec<Attribute>,
    /// The name in traces and wire events.
    pub name: String,
    /// The HTTP method.
    pub method: Method,
    /// The path, relative to the client's base URL.
    pub path: Vec<PathPiece>,
    /// What is done to the request, in order.
    pub steps: Vec<Step>,
    /// How the answer is read.
    pub success: Success,
    /// The declared return type, `Result<T, E>` (or `Pages<T>`).
    pub output: Type,
}

impl Op {
    /// An operation with no arguments but those the path names, read as its return type's
    /// `T` asks ([`Success::of`]); named in traces as the method is.
    pub fn new(sig: Signature, method: Method, path: Vec<PathPiece>) -> Op {
        let output = match &sig.output {
            ReturnType::Type(_, ty) => (**ty).clone(),
            ReturnType::Default => syn::parse_quote!(()),
        };
        let success = match result_types(&sig.output) {
            Some((ok, _)) => Success::of(ok),
            None => Success::Empty,
        };
        Op {
            ident: sig.ident.clone(),
            name: unraw(&sig.ident),
            sig,
            attrs: Vec::new(),
            method,
            path,
            steps: Vec::new(),
            success,
            output,
        }
    }

    /// The name in traces and wire events (`name = ".."`).
    #[must_use]
    pub fn name(mut self, name: impl Into<String>) -> Op {
        self.name = name.into();
        self
    }

    /// The method's attributes as declared.
    #[must_use]
    pub fn attrs(mut self, attrs: Vec<Attribute>) -> Op {
        self.attrs = attrs;
        self
    }

    /// Adds a step of building the request.
    #[must_use]
    pub fn step(mut self, step: Step) -> Op {
        self.steps.push(step);
        self
    }

    /// How the answer is read, instead of what the return type says.
    #[must_use]
    pub fn success(mut self, success: Success) -> Op {
        self.success = success;
        self
    }
}

/// The HTTP method of an operation, written as the operation's attribute: `#[get("/path")]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Method {
    /// `GET`.
    Get,
    /// `POST`.
    Post,
    /// `PUT`.
    Put,
    /// `PATCH`.
    Patch,
    /// `DELETE`.
    Delete,
    /// `HEAD`.
    Head,
}

impl Method {
    /// Every method, in the order messages list them.
    pub const ALL: &'static [Method] =
        &[Method::Get, Method::Post, Method::Put, Method::Patch, Method::Delete, Method::Head];

    /// The attribute that declares an operation with this method.
    ///
    /// ```
    /// use oauth_codegen::operations::Method;
    /// assert_eq!(Method::Patch.attr(), "patch");
    /// assert_eq!(Method::from_attr("patch"), Some(Method::Patch));
    /// ```
    pub fn attr(self) -> &'static str {
        match self {
            Method::Get => "get",
            Method::Post => "post",
            Method::Put => "put",
            Method::Patch => "patch",
            Method::Delete => "delete",
            Method::Head => "head",
        }
    }

    /// The method an attribute of this name declares, if it is one.
    pub fn from_attr(name: &str) -> Option<Method> {
        Method::ALL.iter().copied().find(|m| m.attr() == name)
    }

    /// The `http::Method` constant.
    pub fn constant(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
            Method::Head => "HEAD",
        }
    }

    /// Whether a request with this method may carry a body (RFC 9110 gives GET and HEAD
    /// bodies no meaning, and servers and proxies drop or reject them).
    pub fn takes_body(self) -> bool {
        !matches!(self, Method::Get | Method::Head)
    }
}

/// How a `#[query]` argument is written under its name: `#[query(style = "..")]`, the runtime's
/// `QueryStyle` (OpenAPI's query styles).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum QueryStyle {
    /// One pair per element of a list (`form`, `explode: true`): the default.
    #[default]
    Repeated,
    /// Joined by commas (`form`, `explode: false`).
    Comma,
    /// Joined by spaces (`spaceDelimited`).
    Space,
    /// Joined by pipes (`pipeDelimited`).
    Pipe,
    /// An object as `name[key]=value` pairs (`deepObject`).
    DeepObject,
}

impl QueryStyle {
    /// Every style, in the order messages list them.
    pub const ALL: &'static [QueryStyle] =
        &[QueryStyle::Repeated, QueryStyle::Comma, QueryStyle::Space, QueryStyle::Pipe, QueryStyle::DeepObject];

    /// The name `#[query(style = "..")]` writes.
    ///
    /// ```
    /// use oauth_codegen::operations::QueryStyle;
    /// assert_eq!(QueryStyle::DeepObject.attr(), "deep_object");
    /// assert_eq!(QueryStyle::from_attr("pipe"), Some(QueryStyle::Pipe));
    /// ```
    pub fn attr(self) -> &'static str {
        match self {
            QueryStyle::Repeated => "repeated",
            QueryStyle::Comma => "comma",
            QueryStyle::Space => "space",
            QueryStyle::Pipe => "pipe",
            QueryStyle::DeepObject => "deep_object",
        }
    }

    /// The style `#[query(style = "name")]` names, if it is one.
    pub fn from_attr(name: &str) -> Option<QueryStyle> {
        QueryStyle::ALL.iter().copied().find(|s| s.attr() == name)
    }

    /// The OpenAPI style (and `explode`) this one writes, for messages and docs.
    pub fn openapi(self) -> &'static str {
        match self {
            QueryStyle::Repeated => "form, explode: true",
            QueryStyle::Comma => "form, explode: false",
            QueryStyle::Space => "spaceDelimited",
            QueryStyle::Pipe => "pipeDelimited",
            QueryStyle::DeepObject => "deepObject",
        }
    }

    /// The runtime's `QueryStyle` variant.
    pub fn variant(self) -> &'static str {
        match self {
            QueryStyle::Repeated => "Repeated",
            QueryStyle::Comma => "Comma",
            QueryStyle::Space => "Space",
            QueryStyle::Pipe => "Pipe",
            QueryStyle::DeepObject => "DeepObject",
        }
    }
}

/// A piece of the path.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum PathPiece {
    /// Text sent as written.
    Text(String),
    /// An argument (its name in the signature, its type), percent-encoded as one segment.
    Arg(Ident, Box<Type>),
}

impl PathPiece {
    /// Text sent as written.
    pub fn text(text: impl Into<String>) -> PathPiece {
        PathPiece::Text(text.into())
    }

    /// The argument `arg`, of type `ty`, as one segment.
    pub fn arg(arg: Ident, ty: Type) -> PathPiece {
        PathPiece::Arg(arg, Box::new(ty))
    }
}

/// One call on the request being built.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Step {
    /// `#[query]`: one pair (none for `None`, one per element of a list), or the value in
    /// another style.
    QueryPair {
        /// The name on the wire.
        name: String,
        /// The argument.
        arg: Ident,
        /// Its type as declared.
        ty: Type,
        /// How it is written.
        style: QueryStyle,
    },
    /// `#[query(flatten)]`: a struct's fields.
    QueryFields {
        /// The argument.
        arg: Ident,
        /// Its type as declared.
        ty: Type,
    },
    /// `#[header("Name")]`; `optional` when the argument is an `Option`, sent only when `Some`.
    Header {
        /// The header's name.
        name: String,
        /// The argument.
        arg: Ident,
        /// Its type as declared.
        ty: Type,
        /// Whether the type is an `Option`.
        optional: bool,
    },
    /// `header("Name" = "value")`.
    FixedHeader {
        /// The header's name.
        name: String,
        /// Its value.
        value: String,
    },
    /// `#[json]` or `#[form]`.
    Body {
        /// A form body, else JSON.
        form: bool,
        /// The argument.
        arg: Ident,
        /// Its type as declared.
        ty: Type,
    },
    /// `#[body("image/png")]`: the argument's bytes as they are, with this content type.
    Bytes {
        /// The body's `Content-Type`.
        content_type: String,
        /// The argument (`Vec<u8>`, `Bytes`, `&[u8]`, `String`, `&str`, ...), taken by value.
        arg: Ident,
        /// Its type as declared.
        ty: Type,
    },
    /// `#[multipart]`: a `multipart/form-data` body, from a type implementing the runtime's
    /// `ToMultipart` (its `Multipart` itself, or a struct generated for a document's form).
    Multipart {
        /// The argument.
        arg: Ident,
        /// Its type as declared.
        ty: Type,
    },
    /// `timeout_ms = N`.
    Timeout(u64),
    /// `scopes = "repo read:org"`: the scopes the call needs, each a scope token (see
    /// [`parse_scopes`]); the runtime gets a token for them as the client's grant allows
    /// (`ApiRequest::require_scopes`).
    Scopes(Vec<String>),
    /// `error = E`, or the trait's: the type declared error bodies are read into.
    ErrorType(Type),
}

/// How the success value is read from the response, chosen by the `T` of `Result<T, E>`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Success {
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
    Pages(Box<Paged>),
}

impl Success {
    /// Chooses by the type's spelling, the only thing a macro can see: a type of the user's
    /// own named `Response`, `Bytes` or `Answer` would be taken for reqwest's, bytes' or the
    /// runtime's.
    ///
    /// ```
    /// use oauth_codegen::operations::Success;
    /// assert_eq!(Success::of(&syn::parse_quote!(String)), Success::Text);
    /// assert_eq!(Success::of(&syn::parse_quote!(Answer<()>)), Success::Answer(Box::new(Success::Empty)));
    /// ```
    pub fn of(ty: &Type) -> Success {
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

/// The type an argument's value has behind one reference: `T` for `&T`, else the type itself;
/// and whether it was a reference.
///
/// ```
/// let ty: syn::Type = syn::parse_quote!(&str);
/// let (inner, by_ref) = oauth_codegen::operations::referent(&ty);
/// assert!(by_ref && matches!(inner, syn::Type::Path(p) if p.path.is_ident("str")));
/// ```
pub fn referent(ty: &Type) -> (&Type, bool) {
    match ungroup(ty) {
        Type::Reference(TypeReference { elem, .. }) => (elem, true),
        other => (other, false),
    }
}

/// Whether a type is written `Option<..>`.
///
/// ```
/// assert!(oauth_codegen::operations::is_option(&syn::parse_quote!(Option<u8>)));
/// assert!(!oauth_codegen::operations::is_option(&syn::parse_quote!(u8)));
/// ```
pub fn is_option(ty: &Type) -> bool {
    matches!(ungroup(ty), Type::Path(p) if p.qself.is_none()
        && p.path.segments.last().is_some_and(|s| s.ident == "Option" && !s.arguments.is_none()))
}

/// The scopes of a space-separated list (`"repo read:org"`), each a scope token of RFC 6749
/// section 3.3 (printable ASCII without `"` and `\`), each once: the rule `#[oauth_api]`'s
/// `scopes = ".."` and the OpenAPI front end both check, so that what either writes the
/// runtime accepts. The error says what is wrong and how to write it.
///
/// ```
/// use oauth_codegen::operations::parse_scopes;
/// assert_eq!(parse_scopes("repo  read:org").unwrap(), ["repo", "read:org"]);
/// assert!(parse_scopes(" ").unwrap_err().contains("no scope"));
/// assert!(parse_scopes("repo repo").unwrap_err().contains("twice"));
/// assert!(parse_scopes("fichiers:lécture").unwrap_err().contains("'é'"));
/// ```
pub fn parse_scopes(text: &str) -> Result<Vec<String>, String> {
    let mut scopes: Vec<String> = Vec::new();
    for scope in text.split_ascii_whitespace() {
        if let Some(bad) = scope.chars().find(|c| !matches!(*c as u32, 0x21 | 0x23..=0x5B | 0x5D..=0x7E)) {
            return Err(format!(
                "{bad:?} cannot be in a scope (RFC 6749 section 3.3: printable ASCII but `\"` and `\\`): \
                 `{scope}` is not one; write the vendor's scope names, separated by spaces"
            ));
        }
        if scopes.iter().any(|s| s == scope) {
            return Err(format!("`{scope}` is listed twice: keep one"));
        }
        scopes.push(scope.to_owned());
    }
    if scopes.is_empty() {
        return Err("no scope is listed: name the scopes the operation needs, separated by spaces \
             (`scopes = \"repo read:org\"`), or remove the key"
            .to_owned());
    }
    Ok(scopes)
}
