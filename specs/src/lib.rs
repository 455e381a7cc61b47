//! Ready-made typed OAuth2 clients for ten vendors, each defined in a few annotated lines.
//!
//! | vendor | grant | request | client auth | expiry |
//! |---|---|---|---|---|
//! | [`MpsMonitor`] | password, refresh_token | form | body | `expires_in` |
//! | [`Monta`] | own JSON flow, `/auth/refresh` | JSON, camelCase | body | absolute ISO-8601 |
//! | [`Deyel`] | client_credentials | form | HTTP Basic | `expires_in` |
//! | [`Microbilt`], [`MicrobiltForm`] | client_credentials | JSON, or form with `grant_type` in the query | body | `expires_in` as a string |
//! | [`Zoom`] | Zoom's own `account_credentials` with `account_id`; revocation at `/oauth/revoke` | form | HTTP Basic | `expires_in` |
//! | [`GitHub`] | device code (RFC 8628), a person approves | form; answers form unless JSON is accepted, errors with HTTP 200 | none (public) | none (kept ten years) |
//! | [`GoogleServiceAccount`] | JWT bearer (RS256, scope in the assertion) | form | the assertion (`iss` the service account) | `expires_in` |
//! | [`Salesforce`] | JWT bearer (RS256, `sub` the user, `aud` the login host) | form | the assertion (`iss` the consumer key) | none: two hours assumed |
//! | [`Okta`] | client_credentials, DPoP-bound tokens (RFC 9449, a nonce on the first request) | form | `private_key_jwt` (RS256) | `expires_in` |
//! | [`MicrosoftEntra`] | client_credentials, `scope=https://graph.microsoft.com/.default` | form | `private_key_jwt` with the certificate's `x5t#S256` | `expires_in` |
//!
//! Google, Salesforce, Entra and Okta sign assertions: their clients need the runtime's `jwt`
//! feature, Okta's `dpop` too (`oauth-runtime = { version = "..", features = ["jwt", "dpop"] }`),
//! without which building one is an `Error::Config` naming the feature; their declarations are
//! the same either way.
//!
//! ```no_run
//! use oauth_specs::{Deyel, Provider, Secret};
//!
//! # async fn demo() -> Result<(), oauth_specs::Error> {
//! let client = Deyel { client_id: "id".into(), client_secret: Secret::from("secret") }
//!     .client("https://deyel.example.com")?;
//! let me = client.get("/api/v1/me").send().await?;
//! # Ok(()) }
//! ```

mod deyel;
mod entra;
mod github;
mod google;
mod microbilt;
mod monta;
mod mps_monitor;
mod okta;
mod salesforce;
mod zoom;

pub use deyel::{Deyel, DeyelClient};
pub use entra::{MicrosoftEntra, MicrosoftEntraClient};
pub use github::{GitHub, GitHubClient};
pub use google::{GoogleServiceAccount, GoogleServiceAccountClient};
pub use microbilt::{Microbilt, MicrobiltClient, MicrobiltForm, MicrobiltFormClient};
pub use monta::{Application, Monta, MontaApi, MontaClient, MontaError};
pub use mps_monitor::{MpsMonitor, MpsMonitorApi, MpsMonitorClient};
pub use okta::{Okta, OktaClient};
pub use salesforce::{Salesforce, SalesforceClient};
pub use zoom::{Zoom, ZoomClient};
// Re-exported so that using a ready client needs no second dependency; `Provider` brings
// `client(..)` and `client_builder()` into scope.
pub use oauth_runtime::{Client, Error, Provider, Secret, Token, key::SigningKey};

/// The README's examples, compiled as doctests so the README stays true.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
