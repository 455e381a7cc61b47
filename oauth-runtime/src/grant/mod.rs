//! Grants: how a token is obtained, how it is renewed with a refresh token, and whether it can
//! be obtained again without a person.
//!
//! One module per grant, each behind [`TokenGrant`]: [`Password`] (RFC 6749 section 4.3),
//! [`ClientCredentials`] (section 4.4), [`JwtBearer`] (RFC 7523 section 2.1, feature `jwt`),
//! [`TokenExchange`] (RFC 8693) and [`Custom`], a grant type of the vendor's own with its
//! declared parameters (section 4.5). A vendor's declaration names its grant
//! ([`provider::Grant`](crate::provider::Grant)); [`ClientBuilder::grant`](crate::ClientBuilder::grant)
//! plugs in one of your own.
//!
//! A grant that needs a person (authorization code, device) or a refresh token obtained
//! elsewhere cannot run again unattended ([`TokenGrant::unattended`] is `false`): when its
//! refresh token is rejected, the caller gets
//! [`Error::ReauthorizationRequired`](crate::Error::ReauthorizationRequired), never a silent
//! new grant.

mod client_credentials;
mod custom;
mod jwt_bearer;
mod password;
pub(crate) mod refresh;
pub(crate) mod token_exchange;

use std::{fmt, sync::Arc};

pub use client_credentials::ClientCredentials;
pub use custom::Custom;
pub use jwt_bearer::JwtBearer;
pub use password::Password;
pub use token_exchange::{Exchange, Subject, TokenExchange, token_type};

use crate::{Credentials, Error, TokenRequest, provider::ProviderSpec};

/// A way of obtaining tokens.
///
/// The runtime builds every token request anew: it sets the URL and `grant_type`
/// ([`TokenGrant::grant_type`]), lets the client authentication add its part, then calls
/// [`TokenGrant::parameters`] for the grant's own parameters; the vendor's fixed parameters and
/// the handle's [`TokenParams`](crate::TokenParams) come next, and
/// [`TokenGrant::complete`] last, for a grant that signs what is sent.
///
/// ```
/// use oauth_runtime::{Credentials, Error, TokenRequest, grant::TokenGrant};
///
/// /// Zoom's server-to-server grant: `grant_type=account_credentials&account_id=...`.
/// #[derive(Debug)]
/// struct AccountCredentials { account_id: String }
///
/// impl TokenGrant for AccountCredentials {
///     fn grant_type(&self) -> &str { "account_credentials" }
///     fn parameters(&self, _: &Credentials, request: &mut TokenRequest) -> Result<(), Error> {
///         request.param("account_id", &self.account_id);
///         Ok(())
///     }
/// }
/// ```
pub trait TokenGrant: Send + Sync + fmt::Debug + 'static {
    /// The `grant_type` value on the wire.
    fn grant_type(&self) -> &str;

    /// Adds the grant's parameters to a token request (the user name and password, say).
    ///
    /// # Errors
    ///
    /// Whatever keeps the request from being built; it is returned to the caller as is.
    fn parameters(&self, credentials: &Credentials, request: &mut TokenRequest) -> Result<(), Error>;

    /// Completes a request once every parameter is on it, the vendor's fixed ones and the
    /// handle's included: a grant whose assertion carries the scope signs it here. Default:
    /// nothing.
    ///
    /// # Errors
    ///
    /// Whatever keeps the request from being built; it is returned to the caller as is.
    fn complete(&self, credentials: &Credentials, request: &mut TokenRequest) -> Result<(), Error> {
        let _ = (credentials, request);
        Ok(())
    }

    /// Checks, when the client is built, that the grant can work with `credentials` (a key it
    /// can sign with, a field it needs, a feature that is on); default `Ok`. A client whose
    /// grant fails this is not built.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] saying what to change.
    fn check(&self, credentials: &Credentials) -> Result<(), Error> {
        let _ = credentials;
        Ok(())
    }

    /// Whether the grant can run again without a person, when a refresh token is rejected or
    /// there is none (default `true`). `false` for grants that need a person and for refresh
    /// tokens obtained elsewhere.
    fn unattended(&self) -> bool {
        true
    }

    /// Whether tokens are renewed with their refresh token, where the vendor declares a
    /// refresh ([`ProviderSpec::refresh`]) and the token has one (default `true`).
    fn refreshes(&self) -> bool {
        true
    }
}

/// The grant a vendor's declaration names.
pub(crate) fn from_spec(spec: &ProviderSpec) -> Arc<dyn TokenGrant> {
    use crate::provider::Grant;
    match spec.token.grant {
        Grant::Password => Arc::new(Password),
        Grant::ClientCredentials => Arc::new(ClientCredentials),
        Grant::TokenExchange => Arc::new(TokenExchange),
        Grant::Custom(name) => Arc::new(Custom::new(name)),
        Grant::JwtBearer => Arc::new(JwtBearer::new(spec.token.assertion)),
    }
}

/// The credentials that are the grant's own parameters: every field but the client's id and
/// secret (the client authentication's business), under its wire name.
pub(crate) fn add_fields(credentials: &Credentials, request: &mut TokenRequest) {
    use crate::provider::Role;
    for (field, value) in credentials.iter() {
        if !matches!(field.role, Role::ClientId | Role::ClientSecret | Role::SigningKey) && !value.is_material() {
            request.param(field.name, value.expose());
        }
    }
}
