//! Runtime for typed OAuth2 vendor clients.
#![allow(missing_docs)]

mod client;
mod credential;
mod error;
pub mod provider;

pub use client::{Client, ClientBuilder};
pub use credential::{Credential, Secret};
pub use error::Error;
pub use provider::Provider;

#[cfg(feature = "derive")]
pub use oauth_derive::oauth_provider;

#[doc(hidden)]
pub mod __private {
    pub use crate::provider::*;
    pub use crate::{Client, ClientBuilder, Credential, Error, Secret};
}
