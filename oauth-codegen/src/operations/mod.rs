//! The generator core: a model of a vendor's operations and its expansion into Rust, the one
//! code path every front end goes through.
//!
//! `#[oauth_api]` reads a trait, checks it and lowers it into an [`Api`]; the OpenAPI front
//! end (`oauth_codegen::openapi`, feature `openapi`) builds the same [`Api`] from a document.
//! [`expand`] turns either into the trait (each operation a method returning a `Send` future) and its
//! implementation for each vendor client, calling the runtime's request builder: so an
//! operation declared by hand and one generated from a document send, renew, retry and fail
//! alike.
//!
//! The model holds `syn` syntax (the user's types, with their spans), so that a type error in
//! expanded code is reported at the type the user wrote.
//!
//! ```
//! use oauth_codegen::operations::{self, Api, Method, Op, PathPiece, Success};
//!
//! let item: syn::ItemTrait = syn::parse_quote! {
//!     pub trait PetApi {
//!         async fn list_pets(&self) -> Result<Vec<String>, oauth_runtime::Error>;
//!     }
//! };
//! let syn::TraitItem::Fn(list) = &item.items[0] else { unreachable!() };
//! let op = Op::new(list.sig.clone(), Method::Get, vec![PathPiece::text("/pets")]);
//! assert!(matches!(op.success, Success::Json(_)));
//! let api = Api::new(item.clone(), vec![syn::parse_quote!(crate::PetStore)], vec![op]);
//! let code = operations::expand(&api).to_string();
//! assert!(code.contains("impl PetApi for :: oauth_runtime :: __private :: Client < crate :: PetStore >"));
//! ```

mod expand;
pub mod items;
mod model;
pub mod paginate;
pub mod syntax;

pub use expand::expand;
pub use model::{Api, Method, Op, PathPiece, QueryStyle, Step, Success, is_option, parse_scopes, referent};
pub use paginate::{PageStyle, Paged};
pub use syntax::CLIENT_METHODS;
