//! Strict loopback simulators of four vendors' OAuth2 token endpoints.
//!
//! Each [`Simulator`] serves one vendor on an ephemeral `127.0.0.1` port: its
//! token endpoint (and refresh endpoint, where the vendor has one) exactly as
//! the vendor documents it, plus one protected API endpoint that checks the
//! bearer token. It is meant for tests and demos of OAuth2 clients:
//!
//! * **Strict**: wrong content types, missing fields, wrong credentials and
//!   wrong grant types get the error body and status a real server of that kind
//!   gives, never a panic.
//! * **Stateful**: issued access tokens expire server-side after their lifetime
//!   (or at once with [`Simulator::expire_tokens`]); refresh tokens rotate and
//!   can be revoked with [`Simulator::revoke_refresh_tokens`].
//! * **Faulty on demand**: [`Simulator::inject`] makes the next requests to a
//!   [`Target`] fail with a [`Fault`] (5xx, 429, HTML pages, broken JSON,
//!   redirects, dropped connections, ...).
//! * **Observable**: [`Simulator::counters`] tells how many requests of each
//!   kind arrived.
//!
//! | vendor | token | refresh | protected |
//! |---|---|---|---|
//! | [`Vendor::MpsMonitor`] | `POST /token` (form, `grant_type=password`) | `POST /token` (`grant_type=refresh_token`) | `GET /account/getaccount` |
//! | [`Vendor::Monta`] | `POST /auth/token` (JSON) | `POST /auth/refresh` (JSON) | `GET /auth/me` |
//! | [`Vendor::Deyel`] | `POST /oauth/token` (form + HTTP Basic) | none | `GET /api/v1/me` |
//! | [`Vendor::Microbilt`] | `POST /OAuth/GetAccessToken` (JSON, or form + query) | none | `GET /api/v1/ping` |
//!
//! Deyel's documentation names no token path and none of the documents names a
//! protected path for Deyel or Microbilt; the paths above are this crate's
//! choice.
//!
//! # Example
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
//! let body = format!(
//!     r#"{{"client_id":"{}","client_secret":"{}","grant_type":"client_credentials"}}"#,
//!     cfg.client_id, cfg.client_secret
//! );
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

mod config;
mod deyel;
mod fault;
mod http;
mod microbilt;
mod monta;
mod mps_monitor;
mod server;
mod state;
mod token;
mod vendor;

pub use config::SimConfig;
pub use fault::{Fault, Target};
pub use server::Simulator;
pub use state::Counters;
pub use vendor::Vendor;
