//! Simulator configuration: credentials and lifetimes.

use std::time::Duration;

use crate::Vendor;

/// Which vendor a [`Simulator`](crate::Simulator) simulates, what it accepts
/// and how long its tokens live.
///
/// [`SimConfig::for_vendor`] gives the vendor's documented lifetime and a set
/// of demo credentials; the builder methods change single fields. The fields
/// are public to read; more may be added, so a config is always built with
/// [`SimConfig::for_vendor`].
///
/// ```
/// use std::time::Duration;
/// use oauth_sim::{SimConfig, Simulator, Vendor};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let config = SimConfig::for_vendor(Vendor::Deyel)
///     .client_id("my client")
///     .client_secret("p@ss:word")
///     .token_lifetime(Duration::from_millis(200));
/// assert_eq!(config.token_lifetime, Duration::from_millis(200));
/// let sim = Simulator::start_with(config).await?;
/// assert_eq!(sim.vendor(), Vendor::Deyel);
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct SimConfig {
    /// The simulated vendor, chosen by [`SimConfig::for_vendor`].
    vendor: Vendor,
    /// Lifetime of issued access tokens. Defaults to the vendor's documented
    /// value: MPS Monitor 1799 s, Monta 3600 s, Deyel 86400 s, Microbilt 3599 s.
    pub token_lifetime: Duration,
    /// Lifetime of issued refresh tokens (MPS Monitor and Monta). Defaults to
    /// 30 days.
    pub refresh_lifetime: Duration,
    /// The client id the token endpoint accepts.
    pub client_id: String,
    /// The client secret the token endpoint accepts.
    pub client_secret: String,
    /// The resource owner's user name (MPS Monitor only; empty otherwise).
    pub username: String,
    /// The resource owner's password (MPS Monitor only; empty otherwise).
    pub password: String,
    /// The scope the token endpoint requires (MPS Monitor only: `"account"`;
    /// empty otherwise).
    pub scope: String,
    /// Whether a refresh issues a new refresh token and invalidates the old one (the
    /// default). When false, MPS Monitor answers a refresh without a `refresh_token` field
    /// and the old refresh token stays valid, as RFC 6749 section 6 allows. Monta always
    /// rotates, as its document says.
    pub rotate_refresh_tokens: bool,
    /// Refresh-token reuse detection, as oidc-provider, Ory Hydra and Auth0 do it (default
    /// off): a refresh token presented again after it was rotated away revokes its whole
    /// family, every access and refresh token issued since its grant, and counts in
    /// [`Counters::refresh_reuse_detected`](crate::Counters::refresh_reuse_detected).
    pub refresh_reuse_detection: bool,
}

const THIRTY_DAYS: Duration = Duration::from_secs(30 * 24 * 60 * 60);

impl SimConfig {
    /// The default configuration for `vendor`: its documented token lifetime,
    /// 30-day refresh tokens and demo credentials (MPS Monitor's are the ones
    /// in its documentation's sample request).
    pub fn for_vendor(vendor: Vendor) -> SimConfig {
        let (secs, client_id, client_secret) = match vendor {
            Vendor::MpsMonitor => (1799, "YourClientId", "YourClientSecret"),
            Vendor::Monta => (3600, "2cae3a14-3dfd-414b-8965-7814370ec324", "5f0c8e1a-9b7d-4c3e-a2f6-1d8b7e4c9a03"),
            Vendor::Deyel => (86400, "deyel-client-id", "deyel-client-secret"),
            Vendor::Microbilt => (3599, "microbilt-client-id", "microbilt-client-secret"),
        };
        let (username, password, scope) = match vendor {
            Vendor::MpsMonitor => ("test@test.com", "Password123!", "account"),
            _ => ("", "", ""),
        };
        SimConfig {
            vendor,
            token_lifetime: Duration::from_secs(secs),
            refresh_lifetime: THIRTY_DAYS,
            client_id: client_id.to_owned(),
            client_secret: client_secret.to_owned(),
            username: username.to_owned(),
            password: password.to_owned(),
            scope: scope.to_owned(),
            rotate_refresh_tokens: true,
            refresh_reuse_detection: false,
        }
    }

    /// The simulated vendor.
    pub fn vendor(&self) -> Vendor {
        self.vendor
    }

    /// Sets [`SimConfig::token_lifetime`].
    pub fn token_lifetime(mut self, lifetime: Duration) -> Self {
        self.token_lifetime = lifetime;
        self
    }

    /// Sets [`SimConfig::refresh_lifetime`].
    pub fn refresh_lifetime(mut self, lifetime: Duration) -> Self {
        self.refresh_lifetime = lifetime;
        self
    }

    /// Sets [`SimConfig::client_id`].
    pub fn client_id(mut self, client_id: impl Into<String>) -> Self {
        self.client_id = client_id.into();
        self
    }

    /// Sets [`SimConfig::client_secret`].
    pub fn client_secret(mut self, client_secret: impl Into<String>) -> Self {
        self.client_secret = client_secret.into();
        self
    }

    /// Sets [`SimConfig::username`].
    pub fn username(mut self, username: impl Into<String>) -> Self {
        self.username = username.into();
        self
    }

    /// Sets [`SimConfig::password`].
    pub fn password(mut self, password: impl Into<String>) -> Self {
        self.password = password.into();
        self
    }

    /// Sets [`SimConfig::rotate_refresh_tokens`].
    pub fn rotate_refresh_tokens(mut self, rotate: bool) -> Self {
        self.rotate_refresh_tokens = rotate;
        self
    }

    /// Sets [`SimConfig::refresh_reuse_detection`].
    pub fn refresh_reuse_detection(mut self, detect: bool) -> Self {
        self.refresh_reuse_detection = detect;
        self
    }

    /// Sets [`SimConfig::scope`].
    pub fn scope(mut self, scope: impl Into<String>) -> Self {
        self.scope = scope.into();
        self
    }
}
