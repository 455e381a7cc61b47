//! The simulated vendors and the routing to their modules.

use std::{fmt, sync::Arc};

use axum::{Router, response::Response};
use oauth_runtime::provider::{
    BodyStyle, ClientAuth, Expiry, FieldSpec, Grant, InstantFormat, ProviderSpec, Refresh, ResponseSpec, Role,
    TokenEndpoint,
};

use crate::{Target, deyel, microbilt, monta, mps_monitor, state::Shared};

const CLIENT_FIELDS: &[FieldSpec] =
    &[FieldSpec::new("client_id", Role::ClientId), FieldSpec::new("client_secret", Role::ClientSecret)];

/// MPS Monitor's document: a form POST to `/token` with every credential in the body, the
/// `refresh_token` grant at the same path.
const MPS_MONITOR: ProviderSpec = ProviderSpec::new("MPS Monitor", TokenEndpoint::new("/token", Grant::Password))
    .with_fields(&[
        FieldSpec::new("client_id", Role::ClientId),
        FieldSpec::new("client_secret", Role::ClientSecret),
        FieldSpec::new("username", Role::Username),
        FieldSpec::new("password", Role::Password),
        FieldSpec::new("scope", Role::Param),
    ])
    .with_refresh(Refresh::refresh_token_grant("/token", "refresh_token"));

/// Monta's document: camelCase JSON without a grant type, its own refresh endpoint, absolute
/// expiry instants.
const MONTA: ProviderSpec = ProviderSpec::new(
    "Monta",
    TokenEndpoint::new("/auth/token", Grant::ClientCredentials)
        .with_body_style(BodyStyle::Json)
        .with_send_grant_type(false),
)
.with_fields(&[FieldSpec::new("clientId", Role::ClientId), FieldSpec::new("clientSecret", Role::ClientSecret)])
.with_refresh(Refresh::endpoint("/auth/refresh", "refreshToken"))
.with_response(
    ResponseSpec::STANDARD
        .with_access_token("accessToken")
        .with_refresh_token("refreshToken")
        .with_expiry(Expiry::at("accessTokenExpirationDate", InstantFormat::Rfc3339)),
);

/// Deyel's document: a form body, the client in HTTP Basic (the path is this crate's choice).
const DEYEL: ProviderSpec = ProviderSpec::new(
    "Deyel",
    TokenEndpoint::new("/oauth/token", Grant::ClientCredentials).with_client_auth(ClientAuth::Basic),
)
.with_fields(CLIENT_FIELDS);

/// Microbilt's document, JSON variant; the simulator accepts its form variant
/// ([`BodyStyle::FormGrantInQuery`]) at the same path.
const MICROBILT: ProviderSpec = ProviderSpec::new(
    "Microbilt",
    TokenEndpoint::new("/OAuth/GetAccessToken", Grant::ClientCredentials).with_body_style(BodyStyle::Json),
)
.with_fields(CLIENT_FIELDS);

/// A vendor whose token endpoint can be simulated.
///
/// More vendors may be added, so a `match` on it needs a wildcard arm; [`Vendor::ALL`] lists
/// them all.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Vendor {
    /// MPS Monitor: an ASP.NET OWIN OAuth server, `password` grant with
    /// rotating refresh tokens, form-encoded requests.
    MpsMonitor,
    /// Monta: a JSON API with its own camelCase token flow and rotating
    /// refresh tokens.
    Monta,
    /// Deyel: `client_credentials` grant, client authentication by HTTP Basic
    /// only, JWT access tokens, no refresh.
    Deyel,
    /// Microbilt: an Apigee gateway, `client_credentials` grant in a JSON body
    /// or a form body with the grant type in the query string, no refresh.
    Microbilt,
}

impl Vendor {
    /// Every vendor, in declaration order.
    pub const ALL: [Vendor; 4] = [Vendor::MpsMonitor, Vendor::Monta, Vendor::Deyel, Vendor::Microbilt];

    /// The vendor's token endpoint as data: what its document describes (Microbilt's JSON
    /// variant; its simulator also accepts the form variant). The simulator's paths come from
    /// here, and a test checks it against the definitions in `oauth-specs`.
    pub fn spec(self) -> &'static ProviderSpec {
        match self {
            Vendor::MpsMonitor => &MPS_MONITOR,
            Vendor::Monta => &MONTA,
            Vendor::Deyel => &DEYEL,
            Vendor::Microbilt => &MICROBILT,
        }
    }

    /// The path of the token endpoint (grant requests).
    ///
    /// Deyel's documentation names no path; the simulator uses `/oauth/token`.
    pub fn token_path(self) -> &'static str {
        self.spec().token.path
    }

    /// The path refresh requests go to, or `None` for vendors without refresh
    /// tokens. For MPS Monitor it is the token path itself
    /// (`grant_type=refresh_token`).
    pub fn refresh_path(self) -> Option<&'static str> {
        self.spec().refresh.path()
    }

    /// The path of the protected API endpoint (a `GET` that needs
    /// `Authorization: Bearer <access token>`).
    ///
    /// The documents name one only for MPS Monitor and Monta; Deyel's
    /// (`/api/v1/me`) and Microbilt's (`/api/v1/ping`) are this crate's choice.
    pub fn protected_path(self) -> &'static str {
        match self {
            Vendor::MpsMonitor => "/account/getaccount",
            Vendor::Monta => "/auth/me",
            Vendor::Deyel => "/api/v1/me",
            Vendor::Microbilt => "/api/v1/ping",
        }
    }

    /// The vendor's display name, e.g. `"MPS Monitor"`.
    pub fn name(self) -> &'static str {
        match self {
            Vendor::MpsMonitor => "MPS Monitor",
            Vendor::Monta => "Monta",
            Vendor::Deyel => "Deyel",
            Vendor::Microbilt => "Microbilt",
        }
    }

    pub(crate) fn router(self) -> Router<Arc<Shared>> {
        match self {
            Vendor::MpsMonitor => mps_monitor::router(),
            Vendor::Monta => monta::router(),
            Vendor::Deyel => deyel::router(),
            Vendor::Microbilt => microbilt::router(),
        }
    }

    /// The 401 served for [`crate::Fault::Unauthorized`].
    pub(crate) fn unauthorized(self, target: Target) -> Response {
        match self {
            Vendor::MpsMonitor => mps_monitor::unauthorized(target),
            Vendor::Monta => monta::unauthorized(target),
            Vendor::Deyel => deyel::unauthorized(target),
            Vendor::Microbilt => microbilt::unauthorized(target),
        }
    }
}

impl fmt::Display for Vendor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
