//! Named types as serde types: structs, string enums with a variant for unlisted values,
//! unions, aliases.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{docs, ident, ty};
use crate::{
    ir::{Field, TypeDef, TypeKind, TypeRef, UnionVariant},
    names::unraw,
};

/// One named type.
pub(super) fn type_def(def: &TypeDef) -> TokenStream {
    let doc = docs(&def.docs);
    let name = ident(&def.name);
    match &def.kind {
        TypeKind::Struct { fields, additional } => {
            let defaultable = fields.iter().all(|f| matches!(f.ty, TypeRef::Option(_)));
            let default = defaultable.then(|| quote!(Default,));
            let fields = fields.iter().map(field);
            let additional = additional.as_ref().map(|t| {
                let t = ty(t);
                quote! {
                    /// Properties beyond the declared ones.
                    #[serde(flatten)]
                    pub additional_properties: ::std::collections::BTreeMap<::std::string::String, #t>,
                }
            });
            quote! {
                #doc
                #[derive(Debug, Clone, PartialEq, #default ::serde::Serialize, ::serde::Deserialize)]
                pub struct #name {
                    #(#fields)*
                    #additional
                }
            }
        }
        TypeKind::Enum { variants } => {
            let variants = variants.iter().map(|(rust, wire)| {
                let rust = ident(rust);
                let doc = format!(" `{wire}`.");
                quote!(#[doc = #doc] #[serde(rename = #wire)] #rust,)
            });
            quote! {
                #doc
                #[derive(Debug, Clone, PartialEq, Eq, Hash, ::serde::Serialize, ::serde::Deserialize)]
                pub enum #name {
                    #(#variants)*
                    /// A value the document does not list, kept as sent.
                    #[serde(untagged)]
                    Unknown(::std::string::String),
                }
            }
        }
        TypeKind::Union { tag: None, variants } => {
            let variants = variants.iter().map(|v| {
                let (rust, t) = (ident(&v.name), ty(&v.ty));
                quote!(#[doc = " One of the alternatives."] #rust(#t),)
            });
            quote! {
                #doc
                #[derive(Debug, Clone, PartialEq, ::serde::Serialize, ::serde::Deserialize)]
                #[serde(untagged)]
                #[allow(clippy::large_enum_variant)]
                pub enum #name {
                    #(#variants)*
                }
            }
        }
        TypeKind::Union { tag: Some(tag), variants } => tagged_union(&doc, &def.name, tag, variants),
        TypeKind::Alias(t) => {
            let t = ty(t);
            quote!(#doc pub type #name = #t;)
        }
        TypeKind::Form { fields } => form(&doc, &name, fields),
    }
}

/// A union chosen by a property: read as any JSON first, then as the variant the property
/// names, so that the variant's own type keeps the property (serde's internally tagged enums
/// would take it away); a value the document does not list is kept.
fn tagged_union(doc: &TokenStream, name: &str, tag: &str, variants: &[UnionVariant]) -> TokenStream {
    let name = ident(name);
    let defs = variants.iter().map(|v| {
        let (rust, t) = (ident(&v.name), ty(&v.ty));
        let doc = format!(" `{tag}` is `{}`.", v.tag_value.as_deref().unwrap_or_default());
        quote!(#[doc = #doc] #rust(#t),)
    });
    let arms = variants.iter().filter_map(|v| {
        let value = v.tag_value.as_deref()?;
        let rust = ident(&v.name);
        Some(quote! {
            ::std::option::Option::Some(#value) => {
                ::serde_json::from_value(value).map(Self::#rust).map_err(::serde::de::Error::custom)
            }
        })
    });
    let value = format_ident!("value");
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, ::serde::Serialize)]
        #[serde(untagged)]
        #[allow(clippy::large_enum_variant)]
        pub enum #name {
            #(#defs)*
            /// A value whose property names no alternative the document lists, kept as sent.
            Unknown(::serde_json::Value),
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let #value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                match #value.get(#tag).and_then(::serde_json::Value::as_str) {
                    #(#arms)*
                    _ => ::std::result::Result::Ok(Self::Unknown(#value)),
                }
            }
        }
    }
}

/// One field, with its wire name, its absence and its date format.
fn field(f: &Field) -> TokenStream {
    let doc = docs(&f.docs);
    let name = ident(&f.ident);
    let t = ty(&f.ty);
    let mut serde = Vec::new();
    if unraw(&f.ident) != f.wire {
        let wire = &f.wire;
        serde.push(quote!(rename = #wire));
    }
    let optional = matches!(f.ty, TypeRef::Option(_));
    if optional && !f.required {
        serde.push(quote!(default, skip_serializing_if = "::std::option::Option::is_none"));
    } else if optional {
        serde.push(quote!(default));
    }
    if let Some(with) = time_with(&f.ty) {
        serde.push(quote!(with = #with));
    }
    let serde = (!serde.is_empty()).then(|| quote!(#[serde(#(#serde),*)]));
    quote! {
        #doc
        #serde
        pub #name: #t,
    }
}

/// The serde helper of a field holding a date or time directly (or in an `Option`).
fn time_with(t: &TypeRef) -> Option<&'static str> {
    match t {
        TypeRef::DateTime => Some("::time::serde::rfc3339"),
        TypeRef::Date => Some("date_format"),
        TypeRef::Option(inner) => match **inner {
            TypeRef::DateTime => Some("::time::serde::rfc3339::option"),
            TypeRef::Date => Some("date_format::option"),
            _ => None,
        },
        _ => None,
    }
}

/// A multipart form: a plain struct (its files' `Debug` shows their sizes alone) and its
/// `ToMultipart`, each field one part, or one per item of a list, or none for `None`.
fn form(doc: &TokenStream, name: &proc_macro2::Ident, fields: &[Field]) -> TokenStream {
    let defaultable = fields.iter().all(|f| matches!(f.ty, TypeRef::Option(_)));
    let default = defaultable.then(|| quote!(Default,));
    let decls = fields.iter().map(|f| {
        let (doc, ident, t) = (docs(&f.docs), ident(&f.ident), ty(&f.ty));
        quote!(#doc pub #ident: #t,)
    });
    let form = format_ident!("form");
    let parts = fields.iter().map(|f| {
        let (field, wire) = (ident(&f.ident), &f.wire);
        let value = format_ident!("value");
        match &f.ty {
            TypeRef::File => quote!(#form.file_part(#wire, &self.#field)),
            TypeRef::Option(inner) if **inner == TypeRef::File => quote! {
                match &self.#field {
                    ::std::option::Option::Some(#value) => #form.file_part(#wire, #value),
                    ::std::option::Option::None => #form,
                }
            },
            TypeRef::Vec(inner) if **inner == TypeRef::File => {
                quote!(self.#field.iter().fold(#form, |#form, #value| #form.file_part(#wire, #value)))
            }
            TypeRef::Option(inner) if matches!(&**inner, TypeRef::Vec(item) if **item == TypeRef::File) => {
                quote!(self.#field.iter().flatten().fold(#form, |#form, #value| #form.file_part(#wire, #value)))
            }
            _ => quote!(#form.field(#wire, &self.#field)),
        }
    });
    // Each part from the form so far; the last one is the result.
    let mut parts: Vec<TokenStream> = parts.collect();
    let last = parts.pop();
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, #default)]
        pub struct #name {
            #(#decls)*
        }

        impl ::oauth_runtime::ToMultipart for #name {
            fn to_multipart(&self) -> ::oauth_runtime::Multipart {
                let #form = ::oauth_runtime::Multipart::new();
                #(let #form = #parts;)*
                #last
            }
        }
    }
}

/// Whether a type's fields need the module's date format.
pub(super) fn needs_date_format(def: &TypeDef) -> bool {
    let TypeKind::Struct { fields, .. } = &def.kind else { return false };
    fields.iter().any(|f| time_with(&f.ty).is_some_and(|w| w.starts_with("date_format")))
}

/// `date_format`: `YYYY-MM-DD` dates (`format: date`), for serde's `with`.
pub(super) fn date_format() -> TokenStream {
    quote! {
        ::time::serde::format_description!(
            date_format,
            Date,
            "[year]-[month]-[day]"
        );
    }
}
