//! Simulator configuration: what is simulated, the credentials it accepts and how long its
//! tokens live.

use std::time::Duration;

use axum::routing::MethodRouter;
use oauth_runtime::{
    Credential, Provider,
    key::SigningKey,
    provider::{ClientAuth, Expiry, ProviderSpec, Role},
};

use crate::Vendor;

/// Hostile default credentials: each holds characters that need encoding in a form body, a
/// JSON string or an HTTP Basic value (`: @ + % & = /`, a space, a quote, a backslash and
/// non-ASCII letters), so a client that skips the encoding RFC 6749 section 2.3.1 asks for, or
/// escapes JSON wrongly, fails against the simulator instead of passing unnoticed.
pub mod hostile {
    /// The default client id. It has no `:`, which HTTP Basic without encoding
    /// (`client_auth = "basic_raw"`) cannot carry in the id.
    pub const CLIENT_ID: &str = "cliént id@+%&=/\"\\";
    /// The default client secret.
    pub const CLIENT_SECRET: &str = "s3cr:et @+%&=/ ß\"\\";
    /// The default user name (MPS Monitor and password-grant specs).
    pub const USERNAME: &str = "üser name+tag@example.com";
    /// The default password (MPS Monitor and password-grant specs).
    pub const PASSWORD: &str = "pa ss:w@rd+%&=/é\"\\";
    /// The default value of an extra per-credential parameter of a spec (a `role = "param"`
    /// field); MPS Monitor's `scope` stays `account`, the only value its document names.
    pub const PARAM: &str = "pâram value:@+%&=/";
}

/// What a simulator serves: one of the four vendors, or any declared spec.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Kind {
    Vendor(Vendor),
    Spec(&'static ProviderSpec),
}

/// What a [`Simulator`](crate::Simulator) simulates, the credentials it accepts and how long
/// its tokens live.
///
/// [`SimConfig::for_vendor`] configures one of the four vendors, [`SimConfig::for_spec`] and
/// [`SimConfig::for_provider`] any vendor declared with `#[oauth_provider]` (or a hand-written
/// [`ProviderSpec`]); the builder methods change single fields. The fields are public to read;
/// more may be added, so a config is always built with one of those constructors.
///
/// Default credentials are [`hostile`]: they need encoding everywhere they travel. The
/// credentials a vendor's document shows (MPS Monitor's sample request, Monta's sample client
/// id) are in [`SimConfig::documented`].
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
/// assert_eq!(sim.vendor(), Some(Vendor::Deyel));
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct SimConfig {
    kind: Kind,
    /// Lifetime of issued access tokens. Defaults to the vendor's documented value (MPS
    /// Monitor 1799 s, Monta 3600 s, Deyel 86400 s, Microbilt 3599 s); for a spec, its
    /// `default_lifetime` when its responses carry no expiry, one hour otherwise.
    pub token_lifetime: Duration,
    /// Lifetime of issued refresh tokens. Defaults to 30 days.
    pub refresh_lifetime: Duration,
    /// The client id the token endpoint accepts.
    pub client_id: String,
    /// The client secret the token endpoint accepts.
    pub client_secret: String,
    /// The resource owner's user name (MPS Monitor and password-grant specs; empty otherwise).
    pub username: String,
    /// The resource owner's password (MPS Monitor and password-grant specs; empty otherwise).
    pub password: String,
    /// The scope the token endpoint requires (MPS Monitor only: `"account"`; empty otherwise).
    /// A spec's `scope` field, if it has one, is in [`SimConfig::params`].
    pub scope: String,
    /// The values of a spec's extra per-credential parameters (its `role = "param"` fields),
    /// by wire name. Empty for the four vendors.
    pub params: Vec<(String, String)>,
    /// Whether a refresh issues a new refresh token and invalidates the old one (the
    /// default). When false, a refresh is answered without a refresh token and the old one
    /// stays valid, as RFC 6749 section 6 allows. Monta always rotates, as its document says.
    pub rotate_refresh_tokens: bool,
    /// Whether every access token is issued already expired (off by default): the response
    /// states a lifetime a minute in the past (`expires_in: -60`, or an instant a minute ago)
    /// and the protected endpoint rejects the token from the start. For testing how a client
    /// copes with a vendor that does this (renewal storms).
    pub expired_tokens: bool,
    /// Whether a refresh makes the access tokens issued before it under the same grant
    /// invalid at once (default false: they stay valid until they expire, as at most
    /// servers). Turned on, a client that keeps using the superseded token gets 401s.
    pub revoke_superseded_access_tokens: bool,
    /// The path of the protected endpoint of a spec simulator (default `/protected`); the
    /// vendors' are fixed ([`Vendor::protected_path`]).
    pub protected_path: String,
    /// Routes added with [`SimConfig::route`].
    pub(crate) routes: Vec<(String, MethodRouter)>,
    /// Refresh-token reuse detection, as oidc-provider, Ory Hydra and Auth0 do it (default
    /// off): a refresh token presented again after it was rotated away revokes its whole
    /// family, every access and refresh token issued since its grant, and counts in
    /// [`Counters::refresh_reuse_detected`](crate::Counters::refresh_reuse_detected).
    pub refresh_reuse_detection: bool,
    /// The client's key, whose public half verifies its signed assertions (feature `jwt`),
    /// and whose certificate thumbprint and service account (`client_email`) it must name:
    /// what the vendor has on file for the client. [`SimConfig::for_provider`] takes it from
    /// the provider's signing-key field; [`SimConfig::for_spec`] has none, so every assertion
    /// is refused until one is set.
    pub signing_key: Option<SigningKey>,
    /// A public JWK registered instead of the key's public half (an RSA, EC or OKP JWK), for
    /// a simulator that verifies with a key the client does not hold.
    pub public_jwk: Option<serde_json::Value>,
    /// The longest lifetime (`exp` minus `iat`, or minus the server's now) an assertion may
    /// have (default 5 minutes); a longer one is refused, as real servers refuse them.
    pub max_assertion_lifetime: Duration,
    /// How many seconds the simulator's clock is ahead of this machine's (negative: behind),
    /// for testing a client whose clock is off: its assertions then look expired or issued
    /// in the future. Default 0.
    pub clock_offset: i64,
}

const THIRTY_DAYS: Duration = Duration::from_secs(30 * 24 * 60 * 60);
const ONE_HOUR: Duration = Duration::from_secs(3600);
const FIVE_MINUTES: Duration = Duration::from_secs(300);

impl SimConfig {
    /// The default configuration for `vendor`: its documented token lifetime, 30-day refresh
    /// tokens and [`hostile`] credentials (MPS Monitor's scope is `account`, the only value
    /// its document names).
    pub fn for_vendor(vendor: Vendor) -> SimConfig {
        let secs = match vendor {
            Vendor::MpsMonitor => 1799,
            Vendor::Monta => 3600,
            Vendor::Deyel => 86400,
            Vendor::Microbilt => 3599,
        };
        let password_grant = vendor == Vendor::MpsMonitor;
        SimConfig {
            kind: Kind::Vendor(vendor),
            token_lifetime: Duration::from_secs(secs),
            refresh_lifetime: THIRTY_DAYS,
            client_id: hostile::CLIENT_ID.to_owned(),
            client_secret: hostile::CLIENT_SECRET.to_owned(),
            username: if password_grant { hostile::USERNAME.to_owned() } else { String::new() },
            password: if password_grant { hostile::PASSWORD.to_owned() } else { String::new() },
            scope: if password_grant { "account".to_owned() } else { String::new() },
            params: Vec::new(),
            rotate_refresh_tokens: true,
            expired_tokens: false,
            revoke_superseded_access_tokens: false,
            protected_path: vendor.protected_path().to_owned(),
            routes: Vec::new(),
            refresh_reuse_detection: false,
            signing_key: None,
            public_jwk: None,
            max_assertion_lifetime: FIVE_MINUTES,
            clock_offset: 0,
        }
    }

    /// [`SimConfig::for_vendor`] with the credentials the vendor's document shows where it
    /// shows any: MPS Monitor's sample request (`YourClientId`, `test@test.com`, ...), Monta's
    /// sample client id; plain ASCII ones for Deyel and Microbilt. For demos; tests should
    /// keep the [`hostile`] defaults.
    pub fn documented(vendor: Vendor) -> SimConfig {
        let (client_id, client_secret) = match vendor {
            Vendor::MpsMonitor => ("YourClientId", "YourClientSecret"),
            Vendor::Monta => ("2cae3a14-3dfd-414b-8965-7814370ec324", "5f0c8e1a-9b7d-4c3e-a2f6-1d8b7e4c9a03"),
            Vendor::Deyel => ("deyel-client-id", "deyel-client-secret"),
            Vendor::Microbilt => ("microbilt-client-id", "microbilt-client-secret"),
        };
        let config = SimConfig::for_vendor(vendor).client_id(client_id).client_secret(client_secret);
        match vendor {
            Vendor::MpsMonitor => config.username("test@test.com").password("Password123!"),
            _ => config,
        }
    }

    /// A simulator configuration for any declared vendor: the simulator accepts exactly the
    /// requests `spec` describes, with [`hostile`] credentials for each of its fields (by
    /// role; every `role = "param"` field gets [`hostile::PARAM`]).
    ///
    /// # What the simulator answers where the spec is silent
    ///
    /// A spec says how a vendor wants to be asked and how it answers with a token; it says nothing
    /// about how it refuses. The simulator then answers as RFC 6749 section 5.2 and RFC 6750
    /// section 3 describe, with the choices below where they leave room:
    ///
    /// | request | status | body / headers |
    /// |---|---|---|
    /// | a method other than `POST` at a token or refresh path | 405 | `invalid_request`, `Allow: POST` |
    /// | another content type than the spec's body style | 400 | `invalid_request` |
    /// | a body that does not parse (a JSON value that is not an object) | 400 | `invalid_request` |
    /// | a parameter sent twice (RFC 6749 section 3.2) | 400 | `invalid_request` |
    /// | client credentials in HTTP Basic and the body (RFC 6749 section 2.3) | 400 | `invalid_request` |
    /// | `grant_type` missing, or where the spec does not put it (body, query, nowhere) | 400 | `invalid_request` |
    /// | another grant type than the spec's | 400 | `unsupported_grant_type` |
    /// | the client not authenticated as the spec says, or wrong client credentials | 401 | `invalid_client`, `WWW-Authenticate: Basic realm=".."` |
    /// | a missing credential field or fixed parameter | 400 | `invalid_request` |
    /// | a wrong user name or password | 400 | `invalid_grant` |
    /// | a wrong `scope` field / another wrong parameter | 400 | `invalid_scope` / `invalid_request` |
    /// | an unknown, used, expired or revoked refresh token | 400 | `invalid_grant` |
    /// | a client assertion (`private_key_jwt`, `client_secret_jwt`) that does not verify, names another client or audience, is expired, issued in the future, lives longer than [`SimConfig::max_assertion_lifetime`], or repeats a `jti`; a wrong `client_assertion_type` | 401 | `invalid_client` with the reason |
    /// | a client assertion beside HTTP Basic or a client secret | 400 | `invalid_request` |
    /// | a JWT-bearer `assertion` refused for the same reasons, or whose `sub` is not the user | 400 | `invalid_grant` with the reason |
    /// | the protected endpoint without a valid bearer token | 401 | `invalid_token`, `WWW-Authenticate: Bearer realm="..", error="invalid_token"` (no `error` without a token) |
    ///
    /// Errors are JSON objects `{"error":"..","error_description":".."}`. Parameters the spec
    /// does not name are ignored, as RFC 6749 section 3.1 asks, and a parameter sent empty counts
    /// as not sent (section 3.2). Tokens are issued with `token_type` `Bearer`, `Cache-Control:
    /// no-store` and `Pragma: no-cache` (section 5.1). The protected endpoint is
    /// [`SimConfig::protected_path`](crate::SimConfig::protected_path) (default `/protected`),
    /// answers any method and says `{"ok":true}`.
    ///
    /// ```
    /// use oauth_runtime::provider::ProviderSpec;
    /// use oauth_sim::SimConfig;
    ///
    /// const SPEC: ProviderSpec = ProviderSpec::minimal("Example", "/oauth/token");
    /// let config = SimConfig::for_spec(&SPEC).client_secret("s3cret");
    /// assert_eq!(config.spec().token.path, "/oauth/token");
    /// assert_eq!(config.vendor(), None);
    /// ```
    pub fn for_spec(spec: &'static ProviderSpec) -> SimConfig {
        let has = |role| spec.field(role).is_some();
        let client_id = if spec.token.client_auth == ClientAuth::BasicRaw {
            // Raw Basic cannot carry a `:` in the id; everything else stays hostile.
            hostile::CLIENT_ID.replace(':', "")
        } else {
            hostile::CLIENT_ID.to_owned()
        };
        let lifetime = match spec.response.expiry {
            Expiry::None => spec.response.default_lifetime,
            _ => ONE_HOUR,
        };
        SimConfig {
            kind: Kind::Spec(spec),
            token_lifetime: lifetime,
            refresh_lifetime: THIRTY_DAYS,
            client_id: if has(Role::ClientId) { client_id } else { String::new() },
            client_secret: if has(Role::ClientSecret) { hostile::CLIENT_SECRET.to_owned() } else { String::new() },
            username: if has(Role::Username) { hostile::USERNAME.to_owned() } else { String::new() },
            password: if has(Role::Password) { hostile::PASSWORD.to_owned() } else { String::new() },
            scope: String::new(),
            params: spec
                .fields
                .iter()
                .filter(|f| f.role == Role::Param)
                .map(|f| (f.name.to_owned(), hostile::PARAM.to_owned()))
                .collect(),
            rotate_refresh_tokens: true,
            expired_tokens: false,
            refresh_reuse_detection: false,
            revoke_superseded_access_tokens: false,
            protected_path: "/protected".to_owned(),
            routes: Vec::new(),
            signing_key: None,
            public_jwk: None,
            max_assertion_lifetime: FIVE_MINUTES,
            clock_offset: 0,
        }
    }

    /// [`SimConfig::for_spec`] with `P::SPEC`, accepting exactly the credentials in
    /// `provider` (pass a clone to keep yours).
    ///
    /// ```
    /// use oauth_runtime::{Credential, Provider, Secret, provider::ProviderSpec};
    /// use oauth_sim::SimConfig;
    ///
    /// #[derive(Clone)]
    /// struct Example { client_id: String, client_secret: Secret }
    /// impl Provider for Example {
    ///     const SPEC: &'static ProviderSpec = &ProviderSpec::minimal("Example", "/token");
    ///     fn credentials(self) -> Vec<Credential> { vec![self.client_id.into(), self.client_secret.into()] }
    /// }
    ///
    /// let mine = Example { client_id: "my id".into(), client_secret: Secret::from("my secret") };
    /// let config = SimConfig::for_provider(mine.clone());
    /// assert_eq!((config.client_id.as_str(), config.client_secret.as_str()), ("my id", "my secret"));
    /// ```
    pub fn for_provider<P: Provider>(provider: P) -> SimConfig {
        let spec = P::SPEC;
        let mut config = SimConfig::for_spec(spec);
        for (field, value) in spec.fields.iter().zip(provider.credentials()) {
            let value = match value {
                Credential::Key(key) => {
                    config = config.signing_key(key);
                    continue;
                }
                other => other.expose().to_owned(),
            };
            config = match field.role {
                Role::ClientId => config.client_id(value),
                Role::ClientSecret => config.client_secret(value),
                Role::Username => config.username(value),
                Role::Password => config.password(value),
                _ => config.param(field.name, value),
            };
        }
        config
    }

    /// The simulated vendor, or `None` for a spec simulator.
    pub fn vendor(&self) -> Option<Vendor> {
        match self.kind {
            Kind::Vendor(vendor) => Some(vendor),
            Kind::Spec(_) => None,
        }
    }

    /// The provider model of what is simulated: the spec given to [`SimConfig::for_spec`], or
    /// the vendor's own ([`Vendor::spec`]).
    pub fn spec(&self) -> &'static ProviderSpec {
        match self.kind {
            Kind::Vendor(vendor) => vendor.spec(),
            Kind::Spec(spec) => spec,
        }
    }

    pub(crate) fn kind(&self) -> Kind {
        self.kind
    }

    /// The credential values the simulator accepts, one per field of [`SimConfig::spec`] in
    /// its order, secret where the field is: what `Provider::credentials` of a matching
    /// provider value returns. For building a client of a spec known only at run time.
    pub fn credentials(&self) -> Vec<Credential> {
        let spec = self.spec();
        spec.fields
            .iter()
            .map(|field| {
                if field.role == Role::SigningKey {
                    // Without a key, one that fails the client's build, as a missing key would.
                    return Credential::from(self.signing_key.clone().unwrap_or_else(|| SigningKey::from_pem("")));
                }
                let value = match field.role {
                    Role::ClientId => self.client_id.clone(),
                    Role::ClientSecret => self.client_secret.clone(),
                    Role::Username => self.username.clone(),
                    Role::Password => self.password.clone(),
                    _ if field.name == "scope" && self.kind_is_vendor() => self.scope.clone(),
                    _ => self.param_value(field.name).unwrap_or_default().to_owned(),
                };
                if field.secret {
                    Credential::from(oauth_runtime::Secret::from(value))
                } else {
                    Credential::from(value)
                }
            })
            .collect()
    }

    fn kind_is_vendor(&self) -> bool {
        matches!(self.kind, Kind::Vendor(_))
    }

    /// The value of the extra parameter `name` ([`SimConfig::params`]), if the spec has one.
    pub fn param_value(&self, name: &str) -> Option<&str> {
        self.params.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
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

    /// Sets [`SimConfig::expired_tokens`].
    ///
    /// ```
    /// # use oauth_sim::{SimConfig, Vendor};
    /// let config = SimConfig::for_vendor(Vendor::Deyel).expired_tokens(true);
    /// assert!(config.expired_tokens);
    /// ```
    pub fn expired_tokens(mut self, expired: bool) -> Self {
        self.expired_tokens = expired;
        self
    }

    /// Sets [`SimConfig::revoke_superseded_access_tokens`].
    pub fn revoke_superseded_access_tokens(mut self, revoke: bool) -> Self {
        self.revoke_superseded_access_tokens = revoke;
        self
    }

    /// Sets [`SimConfig::refresh_reuse_detection`].
    pub fn refresh_reuse_detection(mut self, detect: bool) -> Self {
        self.refresh_reuse_detection = detect;
        self
    }

    /// Sets [`SimConfig::signing_key`]: the client key whose public half verifies assertions.
    ///
    /// ```
    /// use oauth_runtime::{key::SigningKey, provider::*};
    /// use oauth_sim::SimConfig;
    /// const SPEC: ProviderSpec = ProviderSpec::new(
    ///     "Example",
    ///     TokenEndpoint::new("/token", Grant::ClientCredentials).with_client_auth(ClientAuth::PrivateKeyJwt),
    /// )
    /// .with_fields(&[FieldSpec::new("client_id", Role::ClientId), FieldSpec::new("key", Role::SigningKey)]);
    /// let pem = std::env::var("CLIENT_KEY_PEM").unwrap_or_default();
    /// let config = SimConfig::for_spec(&SPEC).signing_key(SigningKey::from_pem(pem));
    /// assert!(config.signing_key.is_some());
    /// ```
    pub fn signing_key(mut self, key: SigningKey) -> Self {
        self.signing_key = Some(key);
        self
    }

    /// Sets [`SimConfig::public_jwk`].
    pub fn public_jwk(mut self, jwk: serde_json::Value) -> Self {
        self.public_jwk = Some(jwk);
        self
    }

    /// Sets [`SimConfig::max_assertion_lifetime`].
    pub fn max_assertion_lifetime(mut self, lifetime: Duration) -> Self {
        self.max_assertion_lifetime = lifetime;
        self
    }

    /// Sets [`SimConfig::clock_offset`], in seconds (positive: the simulator is ahead).
    ///
    /// ```
    /// # use oauth_sim::{SimConfig, Vendor};
    /// let late = SimConfig::for_vendor(Vendor::Deyel).clock_offset(600);
    /// assert_eq!(late.clock_offset, 600);
    /// ```
    pub fn clock_offset(mut self, seconds: i64) -> Self {
        self.clock_offset = seconds;
        self
    }

    /// Sets [`SimConfig::scope`].
    pub fn scope(mut self, scope: impl Into<String>) -> Self {
        self.scope = scope.into();
        self
    }

    /// Sets the value of the extra parameter `name` ([`SimConfig::params`]).
    pub fn param(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let (name, value) = (name.into(), value.into());
        match self.params.iter_mut().find(|(n, _)| *n == name) {
            Some(slot) => slot.1 = value,
            None => self.params.push((name, value)),
        }
        self
    }

    /// Sets [`SimConfig::protected_path`] (spec simulators only; must start with `/`).
    pub fn protected_path(mut self, path: impl Into<String>) -> Self {
        self.protected_path = path.into();
        self
    }

    /// Serves `route` at `path` behind the simulator's bearer check: the handler runs only for
    /// requests with a valid access token, after faults for [`Target::Api`](crate::Target::Api)
    /// and with the API counters counting it; any other request gets the simulator's 401 with
    /// `WWW-Authenticate: Bearer`. `path` uses axum's syntax (`/things/{id}`).
    ///
    /// This is the extension point for the API operations of your vendor (typed operations
    /// declared with the provider will be served from here too): answer them as the vendor
    /// would, and test the client's calls against the simulator's token rules.
    ///
    /// ```
    /// use oauth_runtime::provider::ProviderSpec;
    /// use oauth_sim::{SimConfig, Simulator, axum::routing::get};
    ///
    /// const SPEC: ProviderSpec = ProviderSpec::minimal("Example", "/token");
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let config = SimConfig::for_spec(&SPEC).route("/v1/things/{id}", get(|| async { r#"{"id":1}"# }));
    /// let sim = Simulator::start_with(config).await?;
    /// # Ok(()) }
    /// ```
    pub fn route(mut self, path: impl Into<String>, route: MethodRouter) -> Self {
        self.routes.push((path.into(), route));
        self
    }
}
