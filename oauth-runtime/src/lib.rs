//! Runtime for typed OAuth2 vendor clients.
//!
//! A vendor is described by plain data (a [`provider::ProviderSpec`], usually written by the
//! [`oauth_provider`] attribute); this crate does everything else:
//!
//! - token requests in every style vendors use: form or JSON bodies, `grant_type` in the
//!   body, the query string or not at all, client credentials in the body or HTTP Basic;
//! - tolerant parsing: any 2xx, JSON or form bodies, `expires_in` as a number or string,
//!   absolute expiry instants, `BearerToken`, errors sent with a 200, a 1 MiB body cap (the
//!   rules are [below](#reading-token-responses));
//! - a token cache read without locks, renewed before expiry in the background by one
//!   renewal that runs in a task of its own (no caller can cancel it), with a deadline for
//!   callers that must wait;
//! - refresh with rotation, falling back to the grant when the refresh token is rejected;
//! - bounded retries with backoff and jitter that honour `Retry-After`;
//! - API calls with `Authorization: Bearer`, renewed and replayed once on a 401; or, for a
//!   vendor declared with `presentation = "dpop"` (feature `dpop`), DPoP-bound tokens with a
//!   signed proof on every call (`present::Dpop`);
//! - one typed, cloneable [`Error`] that tells transient failures from rejections; secrets and
//!   tokens redacted from every `Debug`, `Display`, error and log line;
//! - one DEBUG event per HTTP exchange, token requests and API calls alike, on the target
//!   [`WIRE_TARGET`] (`RUST_LOG=oauth_runtime::wire=debug`), its URL redacted.
//!
//! # The parts
//!
//! Each capability is one small trait with one module per method, so that a new protocol is
//! a new type, not a new branch: [`grant::TokenGrant`] (how a token is obtained and whether it
//! can be obtained again without a person), [`auth::ClientAuthentication`] (how the client
//! proves who it is on each token request), [`present::Presentation`] (how a token goes on a
//! request, and what a server's challenge asks of the next attempt) and [`store::TokenStore`]
//! (where a fleet's tokens live). A vendor's declaration picks the built-in ones;
//! [`ClientBuilder::grant`], [`ClientBuilder::client_auth`] and
//! [`ClientBuilder::presentation`] plug in your own. Every way of sending a call
//! ([`ApiRequest`], the reqwest middleware, the tower layer) goes through one send path, and
//! every renewal, with a store or without, through one renewal path.
//!
//! # Reading token responses
//!
//! Every real-world token response is read by the same general rules, decided as
//! golang.org/x/oauth2 and oauth2-rs decide where they agree; what differs between vendors is
//! data in their [`provider::ResponseSpec`], never a branch here.
//!
//! - **Bodies.** One leading UTF-8 BOM is dropped. A body starting with `{` is JSON whatever
//!   the content type says; media-type parameters are ignored, malformed or not. A form body is
//!   read when the content type says so, or, with no content type or `text/plain`, when the
//!   body is `key=value` pairs; an HTML page is never read as a form.
//! - **Access tokens are opaque.** Every value a header field allows is kept exactly as sent,
//!   spaces and `/ | ^ # % ~ ! :` included, never URL-decoded; control characters (CR and LF
//!   among them) make the response malformed.
//! - **Token types.** See [`TokenScheme`]: `bearer` in any case, a missing type and any word
//!   that is not an HTTP authentication scheme (`BearerToken`, `bot`, a description) mean
//!   Bearer; `DPoP` is presented by the clients of vendors that declare DPoP, and refused by
//!   the others; `DPoP` elsewhere, `MAC` and other registered schemes give
//!   [`Error::UnsupportedTokenType`] rather than a bare token; a non-string type is
//!   malformed; a vendor can pin the scheme ([`provider::ResponseSpec::with_scheme`]).
//! - **Lifetimes.** See [`provider::Expiry`]: integers, numeric strings and integral floats;
//!   `0`, `null` or absent mean the default lifetime; anything else is malformed; ten years at
//!   most; Facebook's legacy `expires` when `expires_in` is absent. Instants are read on the
//!   vendor's clock (its `Date` header). A past instant or a lifetime under the floor
//!   ([`provider::ResponseSpec::min_lifetime`]) gives the floor and a WARN naming the field; a
//!   configured field that is missing warns once. [`Token::lifetime_source`] tells which.
//! - **Errors** keep what the vendor said: [`OAuthError::raw_code`] beside the case-insensitive
//!   [`ErrorCode`], the URI, and every other field ([`OAuthError::fields`]), secret-looking ones
//!   as [`Secret`]s ([`OAuthError::secret_field`]). Vendors whose errors are not RFC 6749's
//!   declare an [`provider::ErrorShape`].
//! - **Vendor shapes** are data: nested paths ([`provider::FieldPath`]) and alias lists for
//!   each token field.
//! - **Renewal storms** are bounded: one client sends at most 30 token requests per 10 s by
//!   default ([`ClientBuilder::max_token_requests`]), then returns
//!   [`Error::TokenRequestLimit`].
//!
//! # Public dependencies
//!
//! Four foreign crates appear in this crate's API, on purpose, and a breaking release of any
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
//! - `futures-core`: [`Pages`] and [`PageStream`] implement its `Stream`, the trait every
//!   stream adapter (`futures`' `StreamExt` and `TryStreamExt`, `tokio-stream`) works with.
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
//! | `jwt` | | signed assertions: `private_key_jwt`, `client_secret_jwt`, the JWT-bearer grant ([`key::SigningKey`]) |
//! | `multipart` | | `multipart/form-data` request bodies: `Multipart`, `ApiRequest::multipart` |
//!
//! Without a TLS feature only plain `http` works, which clients allow to loopback hosts alone.
//!
#![cfg_attr(feature = "derive", doc = "```no_run")]
#![cfg_attr(not(feature = "derive"), doc = "```text")]
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
pub mod auth;
#[cfg(feature = "blocking")]
pub mod blocking;
mod cache;
mod client;
mod credential;
pub mod discovery;
mod error;
pub mod grant;
mod http;
mod identity;
pub mod key;
#[cfg(any(feature = "reqwest-middleware", feature = "tower"))]
pub mod middleware;
#[cfg(feature = "multipart")]
pub mod multipart;
#[cfg(feature = "__parse-internals")]
#[doc(hidden)]
pub mod parse;
#[cfg(not(feature = "__parse-internals"))]
mod parse;
mod path;
pub mod present;
pub mod provider;
mod query;
mod redact;
#[cfg(feature = "serde")]
mod saved;
mod scope_error;
pub mod store;
mod storm;
mod token;
mod token_params;
mod token_request;
mod transport;
mod wire;

pub use api_error::ApiError;
pub use cache::TokenHook;
pub use client::{
    Answer, ApiRequest, Authorization, Client, ClientBuilder, Page, PageStream, PageStyle, Pages, Pagination,
};
pub use credential::{Credential, Credentials, Secret};
pub use error::{AuthorizationFailure, Endpoint, Error, ErrorCode, OAuthError, TransportError, UnknownCode};
pub use grant::{Exchange, Subject};
pub use http::{HttpTransport, HttpTransportBuilder};
pub use identity::ClientIdentity;
#[cfg(feature = "multipart")]
pub use multipart::{Multipart, ToMultipart};
pub use path::{OperationPath, encode_segment};
pub use provider::Provider;
pub use query::QueryStyle;
#[cfg(feature = "serde")]
pub use saved::SavedToken;
pub use scope_error::ScopeError;
pub use token::{LifetimeSource, Token, TokenBinding, TokenScheme};
pub use token_params::TokenParams;
pub use token_request::{TokenRequest, TokenRequestKind};
pub use transport::RetryPolicy;
pub use wire::WIRE_TARGET;

/// Re-exported so users need no direct dependency for common types.
pub use reqwest;

#[cfg(feature = "derive")]
pub use oauth_derive::{oauth_api, oauth_provider};

#[doc(hidden)]
pub mod __private {
    use crate::ApiRequest;
    pub use crate::key::{Algorithm as SigningAlgorithm, SigningKey};
    pub use crate::path::PathPiece;
    pub use crate::provider::*;
    pub use crate::{Client, Credential, Error, QueryStyle, TokenScheme, encode_segment};
    // `#[oauth_api]` operations declared with `#[paginate(..)]`.
    pub use crate::client::PageItem;
    pub use crate::{Pages, Pagination};
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

    /// Implemented for [`crate::ClientIdentity`] alone: generated code converts
    /// client-certificate fields through it, so a field whose type is only *named*
    /// `ClientIdentity` does not compile.
    #[diagnostic::on_unimplemented(
        message = "`{Self}` is not `oauth_runtime::ClientIdentity`, but this field holds the client's TLS certificate and key",
        label = "declare this field as `oauth_runtime::ClientIdentity`",
        note = "make it with `ClientIdentity::from_pem(certificate_chain, private_key)`"
    )]
    pub trait IsClientIdentity {
        /// The value as a certificate credential.
        fn into_identity_credential(self) -> Credential;
    }

    #[diagnostic::do_not_recommend]
    impl IsClientIdentity for crate::ClientIdentity {
        fn into_identity_credential(self) -> Credential {
            Credential::from(self)
        }
    }

    /// Implemented for [`crate::key::SigningKey`] alone: generated code converts signing-key
    /// fields through it, so a field whose type is only *named* `SigningKey` does not compile.
    #[diagnostic::on_unimplemented(
        message = "`{Self}` is not `oauth_runtime::key::SigningKey`, but this field holds the key that signs assertions",
        label = "declare this field as `oauth_runtime::key::SigningKey`",
        note = "make it with `SigningKey::from_pem(..)`, `SigningKey::from_jwk(..)` or `SigningKey::google_service_account(..)`"
    )]
    pub trait IsSigningKey {
        /// The value as a key credential.
        fn into_key_credential(self) -> Credential;
    }

    #[diagnostic::do_not_recommend]
    impl IsSigningKey for crate::key::SigningKey {
        fn into_key_credential(self) -> Credential {
            Credential::from(self)
        }
    }
    // What `#[oauth_api]` calls with the user's types. Each assertion trait does the work its
    // bound guards, so a type that lacks the bound is reported once, at the user's type (the
    // macro names the trait there), with the message below instead of serde's.

    /// The `#[json]` and `#[form]` arguments of `#[oauth_api]` operations.
    #[diagnostic::on_unimplemented(
        message = "`{Self}` cannot be sent as a request body: it does not implement `serde::Serialize`",
        label = "this type is sent as the body",
        note = "add `#[derive(serde::Serialize)]` to `{Self}`, or send a type that has it"
    )]
    pub trait RequestBody {
        /// The request with `self` as its JSON body.
        fn json_body(&self, request: ApiRequest) -> ApiRequest;
        /// The request with `self` as its form body.
        fn form_body(&self, request: ApiRequest) -> ApiRequest;
    }

    #[diagnostic::do_not_recommend]
    impl<T: serde::Serialize + ?Sized> RequestBody for T {
        fn json_body(&self, request: ApiRequest) -> ApiRequest {
            request.json(self)
        }
        fn form_body(&self, request: ApiRequest) -> ApiRequest {
            request.form(self)
        }
    }

    /// The `#[body("type")]` arguments of `#[oauth_api]` operations: bytes, sent as they are.
    /// Owned bytes are moved into the request, borrowed ones copied.
    #[diagnostic::on_unimplemented(
        message = "`{Self}` cannot be sent as a body of bytes",
        label = "this argument is sent as the body",
        note = "send `Vec<u8>`, `bytes::Bytes`, `&[u8]`, `String` or `&str`; a JSON body is `#[json]`"
    )]
    pub trait BytesBody {
        /// The request with `self` as its body, of type `content_type`.
        fn bytes_body(self, request: ApiRequest, content_type: &str) -> ApiRequest;
    }

    macro_rules! bytes_bodies {
        ($($ty:ty => |$v:ident| $into:expr;)*) => {$(
            impl BytesBody for $ty {
                fn bytes_body(self, request: ApiRequest, content_type: &str) -> ApiRequest {
                    let $v = self;
                    request.bytes(content_type, $into)
                }
            }
        )*};
    }

    bytes_bodies! {
        Vec<u8> => |v| v;
        Bytes => |v| v;
        String => |v| v;
        &[u8] => |v| Bytes::copy_from_slice(v);
        &Vec<u8> => |v| Bytes::copy_from_slice(v);
        &Bytes => |v| v.clone();
        &str => |v| Bytes::copy_from_slice(v.as_bytes());
        &String => |v| Bytes::copy_from_slice(v.as_bytes());
    }

    impl<const N: usize> BytesBody for [u8; N] {
        fn bytes_body(self, request: ApiRequest, content_type: &str) -> ApiRequest {
            request.bytes(content_type, Bytes::copy_from_slice(&self))
        }
    }

    impl<const N: usize> BytesBody for &[u8; N] {
        fn bytes_body(self, request: ApiRequest, content_type: &str) -> ApiRequest {
            request.bytes(content_type, Bytes::copy_from_slice(self))
        }
    }

    /// The `#[multipart]` arguments of `#[oauth_api]` operations.
    #[cfg(feature = "multipart")]
    #[diagnostic::on_unimplemented(
        message = "`{Self}` cannot be sent as a multipart/form-data body",
        label = "this argument is sent as the body",
        note = "send an `oauth_runtime::Multipart`, or implement `oauth_runtime::multipart::ToMultipart` for `{Self}`"
    )]
    pub trait MultipartBody {
        /// The request with `self` as its multipart body.
        fn multipart_body(&self, request: ApiRequest) -> ApiRequest;
    }

    #[cfg(feature = "multipart")]
    #[diagnostic::do_not_recommend]
    impl<T: crate::multipart::ToMultipart + ?Sized> MultipartBody for T {
        fn multipart_body(&self, request: ApiRequest) -> ApiRequest {
            request.multipart(self.to_multipart())
        }
    }

    /// The `#[multipart]` arguments, without the feature that sends them: implemented by
    /// nothing, so that an operation declaring one says what to enable.
    #[cfg(not(feature = "multipart"))]
    #[diagnostic::on_unimplemented(
        message = "`#[multipart]` bodies need oauth-runtime's `multipart` feature",
        label = "this argument is sent as a multipart/form-data body",
        note = "enable it: `oauth-runtime = {{ version = \"0.1\", features = [\"multipart\"] }}`"
    )]
    pub trait MultipartBody {
        /// The request with `self` as its multipart body.
        fn multipart_body(&self, request: ApiRequest) -> ApiRequest;
    }

    /// The `#[query]` arguments of `#[oauth_api]` operations.
    #[diagnostic::on_unimplemented(
        message = "`{Self}` cannot be sent in the query string: it does not implement `serde::Serialize`",
        label = "this type is sent in the query string",
        note = "add `#[derive(serde::Serialize)]` to `{Self}`, or send a type that has it"
    )]
    pub trait QueryValue {
        /// The request with `name=self` in its query.
        fn query_pair(&self, request: ApiRequest, name: &str) -> ApiRequest;
        /// The request with `self` under `name` in `style`: `#[query(style = "..")]`.
        fn query_styled(&self, request: ApiRequest, name: &str, style: crate::QueryStyle) -> ApiRequest;
        /// The request with the fields of `self` in its query.
        fn query_fields(&self, request: ApiRequest) -> ApiRequest;
    }

    #[diagnostic::do_not_recommend]
    impl<T: serde::Serialize + ?Sized> QueryValue for T {
        fn query_pair(&self, request: ApiRequest, name: &str) -> ApiRequest {
            request.query_value(
                name,
                self,
                crate::QueryStyle::Repeated,
                "mark the argument `#[query(flatten)]` to send its fields as pairs",
            )
        }
        fn query_styled(&self, request: ApiRequest, name: &str, style: crate::QueryStyle) -> ApiRequest {
            request.query_value(name, self, style, "declare it in a style that has a form for it")
        }
        fn query_fields(&self, request: ApiRequest) -> ApiRequest {
            request.query(self)
        }
    }

    /// The `#[header("Name")]` arguments of `#[oauth_api]` operations.
    #[diagnostic::on_unimplemented(
        message = "`{Self}` cannot be a header value",
        label = "this type is sent as a header",
        note = "send `&str`, `String`, an integer or a `reqwest::header::HeaderValue`, or an `Option` of one to send the header only when `Some`"
    )]
    pub trait HeaderArg {
        /// The request with the header `name: self`.
        fn header_into(self, request: ApiRequest, name: &'static str) -> ApiRequest;
    }

    #[diagnostic::do_not_recommend]
    impl<T> HeaderArg for T
    where
        reqwest::header::HeaderValue: TryFrom<T>,
        <reqwest::header::HeaderValue as TryFrom<T>>::Error: Into<http::Error>,
    {
        fn header_into(self, request: ApiRequest, name: &'static str) -> ApiRequest {
            request.header(name, self)
        }
    }

    /// The future of a JSON answer. Boxed, because a generic opaque future would carry the
    /// `Deserialize` bound to every use and repeat the error three times.
    pub type Receive<T> = core::pin::Pin<Box<dyn Future<Output = Result<T, Error>> + Send>>;

    /// The success types of `#[oauth_api]` operations read as JSON.
    #[diagnostic::on_unimplemented(
        message = "`{Self}` cannot be read from a JSON response: it does not implement `serde::Deserialize`",
        label = "the response is read as this type",
        note = "add `#[derive(serde::Deserialize)]` to `{Self}` (it must also be `Send + 'static`), or return `()`, `String`, `Bytes`, `Vec<u8>` or `Response`"
    )]
    pub trait JsonResponse: Sized {
        /// Sends the request and reads a 2xx body into `Self`.
        fn receive(request: ApiRequest) -> Receive<Self>;
        /// The same, keeping the status and headers: for `Answer<Self>`.
        fn receive_answer(request: ApiRequest) -> Receive<crate::Answer<Self>>;
    }

    #[diagnostic::do_not_recommend]
    impl<T: serde::de::DeserializeOwned + Send + 'static> JsonResponse for T {
        fn receive(request: ApiRequest) -> Receive<Self> {
            Box::pin(request.send_json::<T>())
        }
        fn receive_answer(request: ApiRequest) -> Receive<crate::Answer<Self>> {
            Box::pin(request.send_json_answer::<T>())
        }
    }

    /// The error types of `#[oauth_api]` traits and operations.
    #[diagnostic::on_unimplemented(
        message = "`{Self}` cannot be the vendor's error type: it must implement `serde::Deserialize` and `Debug`, and be `Send + Sync + 'static`",
        label = "error bodies are read as this type",
        note = "add `#[derive(Debug, serde::Deserialize)]` to `{Self}`"
    )]
    pub trait ErrorBody {
        /// The request, with its error bodies read as `Self`.
        fn error_type(request: ApiRequest) -> ApiRequest;
    }

    #[diagnostic::do_not_recommend]
    impl<E: serde::de::DeserializeOwned + Send + Sync + std::fmt::Debug + 'static> ErrorBody for E {
        fn error_type(request: ApiRequest) -> ApiRequest {
            request.error_type::<E>()
        }
    }
}
