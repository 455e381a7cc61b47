//! The annotated item as written: the struct, its fields with their roles, and the attribute's
//! arguments, each with its span. Nothing here checks one part against another; `valid` does.

use proc_macro2::{Span, TokenStream};
use syn::{Data, DeriveInput, Fields, Ident, Type};

use crate::arg::{Arg, Sp};
use crate::ctxt::Ctxt;
use crate::provider::attr::{FieldArgs, ProviderArgs, is_oauth_attr};
use crate::symbol::{Role, unraw};

/// The annotated item and its attribute.
pub(crate) struct Input<'a> {
    pub item: &'a DeriveInput,
    pub args: ProviderArgs,
    /// The credential fields; `None` when the item is not a struct with named fields.
    pub fields: Option<Vec<Field<'a>>>,
}

/// One credential field.
pub(crate) struct Field<'a> {
    pub member: &'a Ident,
    pub ty: &'a Type,
    pub args: FieldArgs,
    /// The name on the wire: the `rename`, or the field's own name.
    pub wire: Sp<String>,
    /// `Absent` when neither the attribute nor the field's name gives one.
    pub role: Arg<Role>,
}

impl<'a> Input<'a> {
    /// Reads the item and the attribute's tokens, reporting what cannot be read.
    pub(crate) fn from_syn(item: &'a DeriveInput, args: TokenStream, cx: &mut Ctxt) -> Self {
        let args = ProviderArgs::parse(args, cx);
        let fields = match &item.data {
            Data::Struct(data) => match &data.fields {
                Fields::Named(named) => {
                    Some(named.named.iter().filter_map(|f| Some(Field::from_syn(f.ident.as_ref()?, f, cx))).collect())
                }
                Fields::Unnamed(unnamed) => {
                    cx.error_spanned_by(
                        unnamed,
                        "a tuple struct's fields have no names to send: use named fields, \
                         e.g. `struct Vendor { client_id: String, client_secret: Secret }`",
                    );
                    None
                }
                Fields::Unit => {
                    cx.error_at(
                        item.ident.span(),
                        "a unit struct holds no credentials: add named fields, \
                         e.g. `struct Vendor { client_id: String, client_secret: Secret }`",
                    );
                    None
                }
            },
            Data::Enum(data) => {
                cx.error_at(data.enum_token.span, not_a_struct("an enum"));
                None
            }
            Data::Union(data) => {
                cx.error_at(data.union_token.span, not_a_struct("a union"));
                None
            }
        };
        Input { item, args, fields }
    }

    /// The fields, or none when the item has no named fields.
    pub(crate) fn fields(&self) -> &[Field<'a>] {
        self.fields.as_deref().unwrap_or_default()
    }

    /// Whether every field's role is known, so that rules about missing roles can speak.
    pub(crate) fn roles_known(&self) -> bool {
        self.fields.is_some() && self.fields().iter().all(|f| f.role.given().is_some())
    }

    /// The first field playing `role`.
    pub(crate) fn field_with(&self, role: Role) -> Option<&Field<'a>> {
        self.fields().iter().find(|f| f.role.given().is_some_and(|r| r.value == role))
    }
}

fn not_a_struct(found: &str) -> String {
    format!(
        "#[oauth_provider] goes on a struct whose named fields hold the credentials, \
         not on {found}: e.g. `struct Vendor {{ client_id: String, client_secret: Secret }}`"
    )
}

impl<'a> Field<'a> {
    fn from_syn(member: &'a Ident, field: &'a syn::Field, cx: &mut Ctxt) -> Self {
        let args = FieldArgs::parse(&field.attrs, cx);
        let wire = match args.rename.given() {
            Some(rename) => rename.clone(),
            None => Sp::new(unraw(member), member.span()),
        };
        let role = match (&args.role, &args.param) {
            (Arg::Given(role), _) => Arg::Given(role.clone()),
            (_, Arg::Given(param)) => Arg::Given(Sp::new(Role::Param, param.span)),
            (Arg::Bad, _) | (_, Arg::Bad) => Arg::Bad,
            // A field of the runtime's key type holds the signing key whatever its name.
            (Arg::Absent, Arg::Absent) if is_signing_key_type(&field.ty) => {
                Arg::Given(Sp::new(Role::SigningKey, member.span()))
            }
            (Arg::Absent, Arg::Absent) => match Role::from_field_name(&unraw(member)) {
                Some(role) => Arg::Given(Sp::new(role, member.span())),
                None => Arg::Absent,
            },
        };
        Field { member, ty: &field.ty, args, wire, role }
    }

    /// Whether the field must be declared as `Secret`: its role or `#[oauth(secret)]` says so.
    pub(crate) fn must_be_secret(&self) -> bool {
        self.args.secret.given().is_some() || self.role.given().is_some_and(|r| r.value.is_secret())
    }

    /// Whether the value is secret: it must be, or it is declared as `Secret` anyway.
    pub(crate) fn is_secret(&self) -> bool {
        self.must_be_secret() || is_secret_type(self.ty)
    }

    /// Where to point at the field.
    pub(crate) fn span(&self) -> Span {
        self.member.span()
    }
}

/// Whether a type is the runtime's `Secret` (or `secrecy::SecretString`), going by its name.
/// The name is all a macro can see; the generated code then makes the compiler check that the
/// type really is `Secret` (see `expand`).
pub(crate) fn is_secret_type(ty: &Type) -> bool {
    is_type_named(ty, &["Secret", "SecretString"])
}

/// Whether `ty` is a plain path whose last segment is one of `names` (the runtime's types are
/// recognised by name: a macro cannot resolve paths).
pub(crate) fn is_type_named(ty: &Type, names: &[&str]) -> bool {
    match ty {
        Type::Group(g) => is_type_named(&g.elem, names),
        Type::Paren(p) => is_type_named(&p.elem, names),
        Type::Path(p) if p.qself.is_none() => {
            p.path.segments.last().is_some_and(|s| names.iter().any(|n| s.ident == n) && s.arguments.is_none())
        }
        _ => false,
    }
}

/// Whether a type is the runtime's `SigningKey`, going by its name; the generated code then
/// makes the compiler check that it really is (see `expand`).
pub(crate) fn is_signing_key_type(ty: &Type) -> bool {
    match ty {
        Type::Group(g) => is_signing_key_type(&g.elem),
        Type::Paren(p) => is_signing_key_type(&p.elem),
        Type::Path(p) if p.qself.is_none() => {
            p.path.segments.last().is_some_and(|s| s.ident == "SigningKey" && s.arguments.is_none())
        }
        _ => false,
    }
}

/// The item with every `#[oauth(..)]` removed, as it is emitted.
pub(crate) fn strip(item: &DeriveInput) -> DeriveInput {
    let mut item = item.clone();
    item.attrs.retain(|a| !is_oauth_attr(a));
    let strip_fields = |fields: &mut Fields| {
        for f in fields.iter_mut() {
            f.attrs.retain(|a| !is_oauth_attr(a));
        }
    };
    match &mut item.data {
        Data::Struct(data) => strip_fields(&mut data.fields),
        Data::Enum(data) => {
            for v in data.variants.iter_mut() {
                v.attrs.retain(|a| !is_oauth_attr(a));
                strip_fields(&mut v.fields);
            }
        }
        Data::Union(data) => {
            for f in data.fields.named.iter_mut() {
                f.attrs.retain(|a| !is_oauth_attr(a));
            }
        }
    }
    item
}
