//! Typed operations from a vendor's OpenAPI document, with oauth-runtime's managed tokens
//! underneath.
//!
//! A document (OpenAPI 3.0 or 3.1, JSON or YAML) becomes a module: serde types for its
//! schemas, an `#[oauth_api]` trait for its operations, and an `#[oauth_provider]` struct for
//! each OAuth2 flow it declares, so the generated client gets, renews and presents its tokens
//! as a hand-declared one does. What the document asks for and the module does not do is in a
//! [`Report`], never dropped in silence.
//!
//! Three front ends share one generator core, [`operations`] (a model of operations and its
//! expansion): `#[oauth_api]`, which reads a trait, and, behind the default feature `openapi`,
//! a build-script helper (`openapi`) and a command
//! (`cargo run -p oauth-codegen -- generate vendor.yaml --out src/vendor.rs`).
//!
#![cfg_attr(feature = "openapi", doc = "```no_run")]
#![cfg_attr(not(feature = "openapi"), doc = "```text")]
//! // build.rs
//! fn main() -> Result<(), oauth_codegen::Error> {
//!     let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
//!     oauth_codegen::openapi("vendor.yaml").tag("invoices").write(out)?;
//!     Ok(())
//! }
//! ```
//!
//! ```text
//! // src/lib.rs
//! mod vendor {
//!     include!(concat!(env!("OUT_DIR"), "/vendor.rs"));
//! }
//! ```
//!
//! The module needs `serde` (with `derive`), `serde_json`, `oauth-runtime` and, when the
//! document has dates, `time` (features `serde`, `macros`, `formatting`, `parsing`).
//!
//! The same document gives a simulator's routes: [`sample::routes`] lists its operations with
//! their success and declared error answers, bodies from its examples or made from its
//! schemas; `oauth-sim`'s feature `openapi` serves them behind its bearer check
//! (`SimConfig::openapi`), so the generated client is tested against its own document.

#[cfg(feature = "openapi")]
mod emit;
#[cfg(feature = "openapi")]
mod generator;
#[cfg(feature = "openapi")]
pub mod ir;
#[cfg(feature = "openapi")]
mod names;
#[cfg(feature = "openapi")]
mod openapi;
pub mod operations;
#[cfg(feature = "openapi")]
mod report;
#[cfg(feature = "openapi")]
pub mod sample;

#[cfg(feature = "openapi")]
pub use generator::{Generated, Generator, generate, openapi, rustfmt};
#[cfg(feature = "openapi")]
pub use openapi::{Options, Selection};
pub use operations::CLIENT_METHODS;
#[cfg(feature = "openapi")]
pub use report::{Note, Report};

/// What can go wrong before any code is written.
#[cfg(feature = "openapi")]
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The document cannot be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The document is not JSON or YAML.
    #[error("{origin} is not valid JSON or YAML: {reason}")]
    Parse {
        /// Where the document came from.
        origin: String,
        /// The parser's message.
        reason: String,
    },
    /// The document is not OpenAPI 3.0 or 3.1.
    #[error("{origin} is not an OpenAPI 3.0 or 3.1 document (found {}); convert a Swagger 2.0 document first", found.as_deref().unwrap_or("no `openapi` field"))]
    Version {
        /// Where the document came from.
        origin: String,
        /// The version it declares.
        found: Option<String>,
    },
    /// The document declares no OAuth2 flow the SDK runs, and no provider was named.
    #[error(
        "{origin} declares no OAuth2 flow this SDK runs: name the provider type the operations are for (`.provider(\"crate::Vendor\")`, `--provider crate::Vendor`)"
    )]
    NoProvider {
        /// Where the document came from.
        origin: String,
    },
    /// The generated code does not parse: a bug of the generator.
    #[error("the generated code does not parse ({0}): please report this with the document")]
    Emit(#[from] syn::Error),
    /// The output cannot be written.
    #[error("cannot write {path}: {source}")]
    Write {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
}
