//! Strict loopback simulators of OAuth2 token endpoints: of any vendor declared with a
//! [`ProviderSpec`](oauth_runtime::provider::ProviderSpec), and of four real vendors.
//!
//! Each [`Simulator`] serves one vendor on an ephemeral `127.0.0.1` port: its
//! token endpoint (and refresh endpoint, where the vendor has one) exactly as
//! declared or documented, plus a protected API endpoint that checks the
//! bearer token. It is meant for tests and demos of OAuth2 clients:
//!
//! * **Any declared vendor**: [`Simulator::for_provider`] (your credentials) or
//!   [`Simulator::for_spec`] starts a simulator from the same spec your client is generated
//!   from. It accepts exactly the request the spec declares (body style, where `grant_type`
//!   goes, client authentication, wire names, fixed and per-credential parameters, refresh
//!   kind and path) and answers with the declared response shape (field names, expiry as a
//!   lifetime or an instant in the declared format). What a spec does not say (error statuses
//!   and bodies) follows RFC 6749 and RFC 6750, with the choices listed in one table (see
//!   [`SimConfig::for_spec`]). Your own API endpoints go behind its bearer check with
//!   [`SimConfig::route`].
//! * **Strict**: wrong content types, missing or repeated parameters, client
//!   credentials sent in two places, wrong credentials and wrong grant types get
//!   the error body and status a real server of that kind gives, never a panic.
//!   Default credentials are [`hostile`]: they need encoding wherever they travel.
//!   Every 401 of a protected endpoint carries `WWW-Authenticate: Bearer`.
//! * **Stateful**: issued access tokens expire server-side after their lifetime
//!   (or at once with [`Simulator::expire_tokens`]); refresh tokens rotate and
//!   can be revoked with [`Simulator::revoke_refresh_tokens`]; with
//!   [`SimConfig::revoke_superseded_access_tokens`] a refresh invalidates the access token it
//!   replaces. A request whose client disconnects is still carried out to the end. Each token
//!   carries the scope its grant asked for (at most [`SimConfig::allow_scopes`]), which a
//!   [`SimConfig::scoped_route`] checks: `403` with `error="insufficient_scope"` (RFC 6750).
//! * **Faulty on demand**: [`Simulator::inject`] makes the next requests to a
//!   [`Target`] fail with a [`Fault`] (5xx, 429, HTML pages, broken JSON,
//!   redirects, dropped connections, ...), or answer beyond the declaration:
//!   [`Fault::reshape`] serves the real answer with numbers as strings, extra fields or a form
//!   body ([`Reshape`]), [`Fault::respond`] a body of your own.
//! * **Observable**: [`Simulator::counters`] tells how many requests of each
//!   kind arrived, and [`Simulator::requests`] what each was: method, path, query, headers
//!   and body decoded ([`SimRequest`]: form, JSON, multipart parts or bytes), the endpoint it
//!   was taken for, the origin and the
//!   status; the most recent [`SimConfig::request_log`] (1000) are kept, and their `Debug`
//!   masks credentials.
//! * **Two origins on request**: with [`SimConfig::separate_origins`] the authorization
//!   server ([`Simulator::auth_base_url`]) and the API ([`Simulator::api_base_url`]) listen
//!   apart, and a request at the wrong one is refused with `421 Misdirected Request`.
//! * **Declarations against documents**: [`read_example`] reads a vendor's documented sample
//!   response with a spec, by the client's own parser, and names a declared field the sample
//!   does not have.
//! * **From an OpenAPI document** (feature `openapi`): `SimConfig::openapi` serves every
//!   operation of a vendor's OpenAPI 3.0 or 3.1 document behind the bearer check, each
//!   answering the document's example or a value made from its schema
//!   (`oauth_codegen::sample`, re-exported as `oauth_sim::oauth_codegen`), and
//!   `Simulator::respond_with_error` makes the next call of an operation answer one of its
//!   declared errors: a client generated from the same document is tested end to end, with its
//!   tokens, renewals and typed errors.
//!
//! The four vendors:
//!
//! | vendor | token | refresh | protected |
//! |---|---|---|---|
//! | [`Vendor::MpsMonitor`] | `POST /token` (form, `grant_type=password`) | `POST /token` (`grant_type=refresh_token`) | `GET /account/getaccount` |
//! | [`Vendor::Monta`] | `POST /auth/token` (JSON) | `POST /auth/refresh` (JSON) | `GET /auth/me` |
//! | [`Vendor::Deyel`] | `POST /oauth/token` (form + HTTP Basic) | none | `GET /api/v1/me` |
//! | [`Vendor::Microbilt`] | `POST /OAuth/GetAccessToken` (JSON, or form + query) | none | `GET /api/v1/ping` |
//!
//! Their paths and wire names are data ([`Vendor::spec`]); their documented quirks (error
//! bodies, token shapes, extra fields) are kept by a module each. Where the documents are
//! silent, the choices are:
//!
//! * Deyel's token path and the protected paths of Deyel and Microbilt are this crate's.
//! * Monta's errors use a typical JSON API shape `{"status":..,"errorCode":..,"message":..}`;
//!   MPS Monitor's are Katana's (`{"error":"invalid_client",...}`, 400).
//! * A repeated parameter or client credentials in HTTP Basic and the body are refused in the
//!   vendor's own error shape: MPS Monitor `400 {"error":"invalid_request"}`, Monta
//!   `400 BAD_REQUEST`, Deyel `400 Invalid_request`, Microbilt `400 invalid_request`.
//! * Deyel's and Microbilt's protected endpoints answer a 401 with
//!   `WWW-Authenticate: Bearer realm="..", error="invalid_token"` (no error code when no token
//!   was sent), as RFC 6750 section 3 asks.
//!
//! # Examples
//!
//! A vendor you declare, at two origins, with the request log and the sample check:
//!
//! ```
//! use oauth_runtime::{Provider, Secret, oauth_provider};
//! use oauth_sim::{Origin, RouteKind, SimConfig, Simulator};
//!
//! #[derive(Clone)]
//! #[oauth_provider(grant = "client_credentials", token_path = "/oauth2/token", access_token = "accessToken")]
//! struct Acme { client_id: String, client_secret: Secret }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // The vendor's documented answer, as the client reads it.
//! let example = oauth_sim::read_example(Acme::SPEC, r#"{"accessToken":"abc","expires_in":600}"#)?;
//! assert_eq!((example.access_token(), example.lifetime().as_secs()), ("abc", 600));
//!
//! let acme = Acme { client_id: "id".into(), client_secret: Secret::from("secret") };
//! let sim = Simulator::start_with(SimConfig::for_provider(acme.clone()).separate_origins(true)).await?;
//! let client = acme.client_builder().base_url(&sim.api_base_url()).auth_base_url(&sim.auth_base_url()).build()?;
//! client.get(sim.protected_path()).send().await?;
//!
//! let requests = sim.requests();
//! assert_eq!((requests[0].kind(), requests[0].origin()), (Some(RouteKind::Token), Origin::Auth));
//! assert_eq!(requests[0].form("client_secret"), Some("secret"));
//! assert_eq!((requests[1].origin(), requests[1].status()), (Origin::Api, Some(200)));
//! # Ok(())
//! # }
//! ```
//!
//! One of the four vendors, by hand, with a fault:
//!
//! ```
//! use oauth_sim::{Fault, Simulator, Target, Vendor};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let sim = Simulator::start(Vendor::Microbilt).await?;
//! let cfg = sim.config().clone();
//! let http = reqwest::Client::new();
//! let token_url = format!("{}{}", sim.base_url(), Vendor::Microbilt.token_path());
//! let body = serde_json::json!({
//!     "client_id": cfg.client_id,
//!     "client_secret": cfg.client_secret,
//!     "grant_type": "client_credentials",
//! })
//! .to_string();
//!
//! // The next token request meets an overloaded gateway ...
//! sim.inject(Target::Token, Fault::status(503), 1);
//! let first = http
//!     .post(&token_url)
//!     .header("content-type", "application/json")
//!     .body(body.clone())
//!     .send()
//!     .await?;
//! assert_eq!(first.status(), 503);
//!
//! // ... and the one after that succeeds.
//! let second = http
//!     .post(&token_url)
//!     .header("content-type", "application/json")
//!     .body(body)
//!     .send()
//!     .await?;
//! assert_eq!(second.status(), 200);
//! assert!(second.text().await?.contains(r#""token_type":"BearerToken""#));
//!
//! let counters = sim.counters();
//! assert_eq!((counters.token_requests, counters.faults_served), (2, 1));
//! # Ok(())
//! # }
//! ```

mod body;
mod config;
mod deyel;
mod example;
mod fault;
mod generic;
mod http;
mod log;
mod microbilt;
mod monta;
mod mps_monitor;
#[cfg(feature = "openapi")]
mod openapi;
#[cfg(feature = "openapi")]
mod openapi_body;
#[cfg(feature = "openapi")]
mod openapi_query;
mod origin;
mod peer;
mod reshape;
mod scope;
mod server;
mod state;
#[cfg(feature = "tls")]
mod tls;
mod token;
mod vendor;

pub use body::FormPart;
pub use config::{SimConfig, hostile};
pub use example::{ExampleError, ExampleToken, read_example, read_example_at};
pub use fault::{Fault, Target};
pub use log::{DEFAULT_REQUEST_LOG, MAX_LOGGED_BODY, Origin, RequestBody, RouteKind, SimRequest};
pub use reshape::Reshape;
pub use server::Simulator;
pub use state::Counters;
#[cfg(feature = "tls")]
pub use tls::TlsServer;
pub use vendor::Vendor;

/// Re-exported for [`SimConfig::route`]: handlers of your vendor's API operations.
pub use axum;
/// Re-exported for [`SimConfig::openapi`] (feature `openapi`): the routes of a document
/// ([`oauth_codegen::sample`]) and the report of what is served otherwise.
#[cfg(feature = "openapi")]
pub use oauth_codegen;
