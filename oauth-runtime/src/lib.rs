//! Runtime for typed OAuth2 vendor clients.
//!
//! A vendor is described by plain data (a [`provider::ProviderSpec`], usually written by the
//! [`oauth_provider`] attribute); this crate does everything else:
//!
//! - token requests in every style vendors use: form or JSON bodies, `grant_type` in the
//!   body, the query string or not at all, client credentials in the body or HTTP Basic;
//! - tolerant parsing: any 2xx, JSON or form bodies, `expires_in` as a number or string,
//!   absolute expiry instants, `BearerToken`, errors sent with a 200, a 1 MiB body cap;
//! - a token cache read without locks, renewed before expiry in the background by one
//!   renewal that runs in a task of its own (no caller can cancel it), with a deadline for
//!   callers that must wait;
//! - refresh with rotation, falling back to the grant when the refresh token is rejected;
//! - bounded retries with backoff and jitter that honour `Retry-After`;
//! - API calls with `Authorization: Bearer`, renewed and replayed once on a 401;
//! - one typed, cloneable [`Error`] that tells transient failures from rejections; secrets and
//!   tokens redacted from every `Debug`, `Display`, error and log line.
//!
//! # Public dependencies
//!
//! Three foreign crates appear in this crate's API, on purpose, and a breaking release of any
//! of them is a breaking release of this crate:
//!
//! - [`reqwest`] (re-exported whole): [`ApiRequest::map`] hands over a
//!   [`reqwest::RequestBuilder`], [`ApiRequest::send`] returns a [`reqwest::Response`], and
//!   [`Client::http`] a [`reqwest::Client`], so that calls keep every feature reqwest has
//!   (bodies, streams, multipart) without this crate wrapping each one. [`Error`] holds no
//!   reqwest type: transport failures are an opaque [`TransportError`].
//! - `url` (through reqwest's re-export, [`reqwest::Url`]): [`Client::base_url`] returns it;
//!   `http`'s status codes appear as [`reqwest::StatusCode`].
//! - `serde_json`: [`Token::extra`] returns the response's other fields as a
//!   `serde_json::Map`, since they are JSON values of any shape.
//!
//! `secrecy`, `zeroize`, `arc-swap` and `backon` are implementation details and never show.
//! The optional integrations below add their own crate to the API when enabled.
//!
//! # Features
//!
//! | feature | default | what |
//! |---|---|---|
//! | `derive` | yes | re-exports the [`oauth_provider`] attribute |
//! | `rustls` | yes | TLS through rustls with the webpki roots |
//! | `native-tls` | | TLS through the platform's library (OpenSSL on Linux) |
//! | `reqwest-middleware` | | `middleware::reqwest::OAuthMiddleware` for `reqwest-middleware` 0.4 |
//! | `tower` | | `middleware::tower::OAuthLayer`, a `tower` layer over `http::Request` |
//! | `blocking` | | `blocking::BlockingClient`, a blocking facade with its own runtime |
//! | `serde` | | `SavedToken`, a token you can serialise to save it and read back |
//!
//! Without a TLS feature only plain `http` works, which clients allow to loopback hosts alone.
//!
#![cfg_attr(feature = "derive", doc = "```no_run")]
#![cfg_attr(not(feature = "derive"), doc = "```ignore")]
//! use oauth_runtime::{Provider, Secret, oauth_provider};
//!
//! /// Deyel's token endpoint: client credentials in HTTP Basic, form body.
//! #[oauth_provider(grant = "client_credentials", token_path = "/oauth/token", client_auth = "basic")]
//! pub struct Deyel {
//!     pub client_id: String,
//!     pub client_secret: Secret,
//! }
//!
//! # async fn demo() -> Result<(), oauth_runtime::Error> {
//! let client = Deyel { client_id: "id".into(), client_secret: Secret::from("secret") }
//!     .client("https://deyel.example.com")?;
//! let response = client.get("/api/v1/me").send().await?;
//! # Ok(()) }
//! ```

mod api_error;
#[cfg(feature = "blocking")]
pub mod blocking;
mod cache;
mod client;
mod credential;
mod error;
mod http;
#[cfg(any(feature = "reqwest-middleware", feature = "tower"))]
pub mod middleware;
#[cfg(feature = "__parse-internals")]
#[doc(hidden)]
pub mod parse;
#[cfg(not(feature = "__parse-internals"))]
mod parse;
mod path;
pub mod provider;
mod redact;
mod request;
#[cfg(feature = "serde")]
mod saved;
mod token;
mod token_params;
mod transport;

pub use api_error::ApiError;
pub use cache::TokenHook;
pub use client::{ApiRequest, Authorization, Client, ClientBuilder};
pub use credential::{Credential, Secret};
pub use error::{Error, ErrorCode, OAuthError, TransportError, UnknownCode};
pub use http::{HttpTransport, HttpTransportBuilder};
pub use path::encode_segment;
pub use provider::Provider;
#[cfg(feature = "serde")]
pub use saved::SavedToken;
pub use token::Token;
pub use token_params::TokenParams;
pub use transport::RetryPolicy;

/// Re-exported so users need no direct dependency for common types.
pub use reqwest;

#[cfg(feature = "derive")]
pub use oauth_derive::oauth_provider;

#[doc(hidden)]
pub mod __private {
    pub use crate::provider::*;
    pub use crate::{Client, Credential, Error, encode_segment};
    pub use bytes::Bytes;
    pub use reqwest::Method;

    /// Implemented for [`crate::Secret`] alone: generated code converts secret fields through
    /// it, so a field whose type is only *named* `Secret` (an alias of `String`, say) does not
    /// compile.
    #[diagnostic::on_unimplemented(
        message = "`{Self}` is not `oauth_runtime::Secret`, but this field holds a secret",
        label = "declare this field as `oauth_runtime::Secret`",
        note = "only `Secret` keeps the value out of Debug output and logs; a type alias of another type does not"
    )]
    pub trait IsSecret {
        /// The value as a secret credential.
        fn into_secret_credential(self) -> Credential;
    }

    #[diagnostic::do_not_recommend]
    impl IsSecret for crate::Secret {
        fn into_secret_credential(self) -> Credential {
            Credential::from(self)
        }
    }
}
