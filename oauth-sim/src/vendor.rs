//! The simulated vendors and the routing to their modules.

use std::{fmt, sync::Arc};

use axum::{Router, response::Response};

use crate::{Target, deyel, microbilt, monta, mps_monitor, state::Shared};

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

    /// The path of the token endpoint (grant requests).
    ///
    /// Deyel's documentation names no path; the simulator uses `/oauth/token`.
    pub fn token_path(self) -> &'static str {
        match self {
            Vendor::MpsMonitor => "/token",
            Vendor::Monta => "/auth/token",
            Vendor::Deyel => "/oauth/token",
            Vendor::Microbilt => "/OAuth/GetAccessToken",
        }
    }

    /// The path refresh requests go to, or `None` for vendors without refresh
    /// tokens. For MPS Monitor it is the token path itself
    /// (`grant_type=refresh_token`).
    pub fn refresh_path(self) -> Option<&'static str> {
        match self {
            Vendor::MpsMonitor => Some("/token"),
            Vendor::Monta => Some("/auth/refresh"),
            Vendor::Deyel | Vendor::Microbilt => None,
        }
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
