//! The model every front end fills and [`emit`](crate::emit) turns into Rust: operations and
//! the types they carry, with names already valid and unique Rust identifiers.
//!
//! It says what is sent and read, never how: the HTTP, the token and the error handling are
//! the runtime's, and the operations are written as an `#[oauth_api]` trait, so generated code
//! and hand-declared code go through the same macro and behave alike.

/// One generated module.
#[derive(Debug, Clone, Default)]
pub struct Module {
    /// The module's documentation (where it was generated from).
    pub docs: Vec<String>,
    /// Named types, in the order they are emitted.
    pub types: Vec<TypeDef>,
    /// The API trait.
    pub api: Api,
    /// Provider declarations made from the document's OAuth2 flows.
    pub providers: Vec<ProviderDecl>,
}

/// The API trait: `#[oauth_api(client = ..)] pub trait Name { .. }`.
#[derive(Debug, Clone, Default)]
pub struct Api {
    /// The trait's name.
    pub name: String,
    /// Paths of the provider types the trait is implemented for.
    pub clients: Vec<String>,
    /// The trait's documentation.
    pub docs: Vec<String>,
    /// The operations.
    pub ops: Vec<Operation>,
}

/// An operation's HTTP method and a query argument's style: the core's.
pub use crate::operations::{Method, QueryStyle};

/// One operation: a method of the trait.
#[derive(Debug, Clone)]
pub struct Operation {
    /// The method's name (snake_case, not a `Client` method).
    pub ident: String,
    /// The name in traces (the document's `operationId`).
    pub trace_name: Option<String>,
    /// Documentation lines.
    pub docs: Vec<String>,
    /// The method.
    pub method: Method,
    /// The path template, placeholders under their wire names (`/items/{itemId}`).
    pub path: String,
    /// The arguments, in order.
    pub args: Vec<Arg>,
    /// How the answer is read.
    pub success: Success,
    /// The type of the declared error bodies, if any.
    pub error: Option<TypeRef>,
    /// The scopes the operation needs (`scopes = ".."`), each a scope token; empty for none.
    pub scopes: Vec<String>,
}

/// An argument of an operation.
#[derive(Debug, Clone)]
pub struct Arg {
    /// The Rust name.
    pub ident: String,
    /// The name on the wire (path placeholder, query or header name).
    pub wire: String,
    /// Where it goes.
    pub kind: ArgKind,
    /// Its type as the caller passes it (a reference where the value is borrowed).
    pub ty: TypeRef,
}

/// Where an argument goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArgKind {
    /// A path placeholder.
    Path,
    /// One query pair (one per element of a list), or the value in another of OpenAPI's styles.
    Query(QueryStyle),
    /// A struct whose fields are query pairs.
    QueryFlatten,
    /// A header.
    Header,
    /// A JSON body.
    Json,
    /// A form body.
    Form,
    /// A body of bytes sent as they are (`#[body("..")]`).
    Bytes {
        /// The body's `Content-Type`.
        content_type: String,
    },
    /// A `multipart/form-data` body (`#[multipart]`).
    Multipart,
}

/// How an operation's 2xx answer is read.
#[derive(Debug, Clone)]
pub enum Success {
    /// No body.
    Empty,
    /// Text.
    Text,
    /// Bytes.
    Bytes,
    /// JSON into a type.
    Json(TypeRef),
}

/// A type as used in a field or an argument.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeRef {
    /// A generated type, by name.
    Named(String),
    /// `String`.
    String,
    /// `&str` (an argument).
    Str,
    /// `bool`.
    Bool,
    /// `i32`.
    I32,
    /// `i64`.
    I64,
    /// `f64`.
    F64,
    /// `serde_json::Value`: any JSON.
    Value,
    /// `time::OffsetDateTime` (RFC 3339).
    DateTime,
    /// `time::Date` (`YYYY-MM-DD`).
    Date,
    /// `Vec<u8>`.
    Bytes,
    /// `oauth_runtime::multipart::FilePart`: a file of a multipart form.
    File,
    /// `oauth_runtime::Multipart`: a form the caller fills.
    Multipart,
    /// `Vec<T>`.
    Vec(Box<TypeRef>),
    /// `BTreeMap<String, T>`.
    Map(Box<TypeRef>),
    /// `Option<T>`.
    Option(Box<TypeRef>),
    /// `Box<T>`: a field that would make its type infinitely large.
    Boxed(Box<TypeRef>),
    /// `&T` (an argument).
    Ref(Box<TypeRef>),
    /// `&[T]` (an argument).
    Slice(Box<TypeRef>),
}

impl TypeRef {
    /// `Option<self>`, unless it is one already.
    pub fn optional(self) -> TypeRef {
        match self {
            TypeRef::Option(_) => self,
            other => TypeRef::Option(Box::new(other)),
        }
    }

    /// The named types this type mentions without an indirection (`Vec`, map, `Box`): those
    /// whose size it contains.
    pub fn direct_names(&self) -> Vec<&str> {
        match self {
            TypeRef::Named(name) => vec![name],
            TypeRef::Option(inner) => inner.direct_names(),
            _ => Vec::new(),
        }
    }

    /// Every named type this type mentions.
    pub fn names(&self) -> Vec<&str> {
        match self {
            TypeRef::Named(name) => vec![name],
            TypeRef::Vec(t)
            | TypeRef::Map(t)
            | TypeRef::Option(t)
            | TypeRef::Boxed(t)
            | TypeRef::Ref(t)
            | TypeRef::Slice(t) => t.names(),
            _ => Vec::new(),
        }
    }

    /// Whether the type holds a date or time (which serde reads through `time`'s helpers).
    pub fn mentions_time(&self) -> bool {
        match self {
            TypeRef::DateTime | TypeRef::Date => true,
            TypeRef::Vec(t)
            | TypeRef::Map(t)
            | TypeRef::Option(t)
            | TypeRef::Boxed(t)
            | TypeRef::Ref(t)
            | TypeRef::Slice(t) => t.mentions_time(),
            _ => false,
        }
    }
}

/// A named type.
#[derive(Debug, Clone)]
pub struct TypeDef {
    /// The Rust name (PascalCase, unique in the module).
    pub name: String,
    /// Documentation lines.
    pub docs: Vec<String>,
    /// What it is.
    pub kind: TypeKind,
}

/// The shape of a named type.
#[derive(Debug, Clone)]
pub enum TypeKind {
    /// A struct of named fields.
    Struct {
        /// The fields, in the document's order.
        fields: Vec<Field>,
        /// The type of properties beyond the declared ones, kept in a flattened map.
        additional: Option<TypeRef>,
    },
    /// A string enum, with a variant that keeps any value the document did not list.
    Enum {
        /// `(Rust name, wire value)`.
        variants: Vec<(String, String)>,
    },
    /// One of several types: tagged by a property when the document names a discriminator,
    /// else tried in order.
    Union {
        /// The discriminator's property name.
        tag: Option<String>,
        /// The alternatives.
        variants: Vec<UnionVariant>,
    },
    /// Another name for a type.
    Alias(TypeRef),
    /// The parts of a `multipart/form-data` body: a struct turned into a form
    /// (`oauth_runtime::ToMultipart`), files as [`TypeRef::File`], every other value as HTML
    /// forms send it (`Multipart::field`).
    Form {
        /// The parts, in the document's order; [`Field::wire`] is the part's name.
        fields: Vec<Field>,
    },
}

/// One alternative of a [`TypeKind::Union`].
#[derive(Debug, Clone)]
pub struct UnionVariant {
    /// The Rust name.
    pub name: String,
    /// The discriminator's value, for a tagged union.
    pub tag_value: Option<String>,
    /// The alternative's type.
    pub ty: TypeRef,
}

/// A field of a struct.
#[derive(Debug, Clone)]
pub struct Field {
    /// The Rust name (snake_case, raw where a keyword).
    pub ident: String,
    /// The JSON property name.
    pub wire: String,
    /// The type (`Option<..>` unless required and not nullable).
    pub ty: TypeRef,
    /// Whether the property must be present (a required, nullable one is sent as `null`).
    pub required: bool,
    /// Documentation lines.
    pub docs: Vec<String>,
}

/// A provider declaration for one OAuth2 flow of the document.
#[derive(Debug, Clone)]
pub struct ProviderDecl {
    /// The struct's name.
    pub name: String,
    /// Documentation lines.
    pub docs: Vec<String>,
    /// The `grant` key.
    pub grant: &'static str,
    /// The token URL's origin, when it differs from the API's.
    pub auth_base_url: Option<String>,
    /// The API's base URL, from the document's first server.
    pub base_url: Option<String>,
    /// The token endpoint's path.
    pub token_path: String,
    /// The refresh endpoint's path, if another.
    pub refresh_path: Option<String>,
    /// The authorization endpoint's path (authorization code).
    pub authorization_path: Option<String>,
    /// The authorization endpoint's origin, when it differs from the token URL's.
    pub authorization_base_url: Option<String>,
    /// The device authorization endpoint's path.
    pub device_authorization_path: Option<String>,
    /// `client_auth`.
    pub client_auth: &'static str,
    /// The credential fields: `(name, is secret)`.
    pub fields: Vec<(&'static str, bool)>,
    /// The flow's scopes, documented on the struct.
    pub scopes: Vec<(String, String)>,
    /// The security scheme the flow is of.
    pub scheme: String,
    /// The scope every token request sends unless the handle sets one (`params(scope = ..)`):
    /// for flows that need a person, the scopes the generated operations need.
    pub default_scope: Option<String>,
}
