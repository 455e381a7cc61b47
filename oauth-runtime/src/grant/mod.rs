//! Grants: how a token is obtained, how it is renewed with a refresh token, and whether it can
//! be obtained again without a person.
//!
//! One module per grant, each behind [`TokenGrant`]: [`Password`] (RFC 6749 section 4.3),
//! [`ClientCredentials`] (section 4.4), [`JwtBearer`] (RFC 7523 section 2.1, feature `jwt`),
//! [`TokenExchange`] (RFC 8693), [`Custom`], a grant type of the vendor's own with its
//! declared parameters (section 4.5), and the grants that need a person: [`RefreshOnly`]
//! (a refresh token a person obtained elsewhere, section 6), [`DeviceCode`] (RFC 8628) and
//! [`AuthorizationCode`] (section 4.1 with PKCE, RFC 7636, and a loopback redirect, RFC 8252).
//! A vendor's declaration names its grant ([`provider::Grant`](crate::provider::Grant));
//! [`ClientBuilder::grant`](crate::ClientBuilder::grant) plugs in one of your own.
//!
//! A grant that needs a person (authorization code, device) or a refresh token obtained
//! elsewhere cannot run again unattended ([`TokenGrant::unattended`] is `false`): when its
//! refresh token is rejected, the caller gets
//! [`Error::ReauthorizationRequired`](crate::Error::ReauthorizationRequired), never a silent
//! new grant; with no token yet, [`Error::AuthorizationRequired`](crate::Error::AuthorizationRequired).
//! The person's step runs only when the program asks for it:
//! [`Client::authorize_device`](crate::Client::authorize_device) and
//! [`Client::authorize`](crate::Client::authorize).

pub(crate) mod authorization_code;
mod client_credentials;
mod custom;
pub(crate) mod device;
mod jwt_bearer;
mod loopback;
mod password;
pub(crate) mod refresh;
mod refresh_only;
pub(crate) mod token_exchange;

use std::{fmt, sync::Arc};

pub use authorization_code::AuthorizationCode;
pub(crate) use authorization_code::{CodeFlow, Pkce};
pub use client_credentials::ClientCredentials;
pub use custom::Custom;
pub(crate) use device::DeviceFlow;
pub use device::{DeviceAuthorization, DeviceCode};
pub use jwt_bearer::JwtBearer;
pub(crate) use loopback::Loopback;
pub use password::Password;
pub use refresh_only::RefreshOnly;
pub use token_exchange::{Exchange, Subject, TokenExchange, token_type};

use url::Url;
use zeroize::Zeroizing;

use crate::{
    Credentials, Error, TokenRequest,
    provider::{Grant, ProviderSpec},
};

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
    match spec.token.grant {
        Grant::Password => Arc::new(Password),
        Grant::ClientCredentials => Arc::new(ClientCredentials),
        Grant::TokenExchange => Arc::new(TokenExchange),
        Grant::Custom(name) => Arc::new(Custom::new(name)),
        Grant::JwtBearer => Arc::new(JwtBearer::new(spec.token.assertion)),
        Grant::RefreshToken => Arc::new(RefreshOnly),
        Grant::DeviceCode => Arc::new(DeviceCode),
        Grant::AuthorizationCode => Arc::new(AuthorizationCode),
    }
}

/// The person's step of a vendor's grant, with its endpoints joined to the token base URL (the
/// authorization endpoint, which a browser visits, to the authorization base URL).
pub(crate) enum PersonStep {
    /// The grant needs no person (or only a refresh token obtained elsewhere).
    None,
    Device(DeviceFlow),
    Code(CodeFlow),
}

impl PersonStep {
    /// The step the declaration describes; [`Error::Config`] for a device or code grant whose
    /// endpoint is missing (a hand-written spec: the macro refuses such declarations).
    pub(crate) fn from_spec(spec: &ProviderSpec, auth_base: &Url, authorize_base: &Url) -> Result<PersonStep, Error> {
        let endpoints = &spec.authorization;
        let missing = |key: &str| {
            Error::config(format!(
                "{}: the {} grant needs its endpoint: declare `{key}` (`AuthorizationEndpoints`)",
                spec.name,
                spec.token.grant.as_str()
            ))
        };
        let join = |path| crate::token_request::join(auth_base, path);
        Ok(match spec.token.grant {
            Grant::DeviceCode => {
                let path = endpoints.device_path.ok_or_else(|| missing("device_authorization_path"))?;
                PersonStep::Device(DeviceFlow::new(join(path)))
            }
            Grant::AuthorizationCode => {
                let path = endpoints.authorization_path.ok_or_else(|| missing("authorization_path"))?;
                let authorize = crate::token_request::join(authorize_base, path);
                PersonStep::Code(CodeFlow::new(authorize, endpoints.par_path.map(join), endpoints.redirect_path))
            }
            _ => PersonStep::None,
        })
    }
}

/// What the person's step yields for the token request: the grant's own parameters (the
/// authorization code with its verifier and redirect URI, or the device code), kept in
/// buffers zeroed on drop. Each token request is built from it anew.
pub(crate) struct Redemption {
    pub grant_type: &'static str,
    pub params: Vec<(&'static str, Zeroizing<String>)>,
}

impl fmt::Debug for Redemption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.params.iter().map(|(k, _)| *k).collect();
        f.debug_struct("Redemption").field("grant_type", &self.grant_type).field("params", &names).finish()
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
