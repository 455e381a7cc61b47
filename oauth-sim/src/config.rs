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
    /// Routes added with [`SimConfig::route`] and [`SimConfig::scoped_route`].
    pub(crate) routes: Vec<UserRoute>,
    /// The documents [`SimConfig::openapi`] serves, shared with their routes' handlers.
    #[cfg(feature = "openapi")]
    pub(crate) openapi: Vec<std::sync::Arc<crate::openapi::Served>>,
    /// Refresh-token reuse detection, as oidc-provider, Ory Hydra and Auth0 do it (default
    /// off): a refresh token presented again after it was rotated away revokes its whole
    /// family, every access and refresh token issued since its grant, and counts in
    /// [`Counters::refresh_reuse_detected`](crate::Counters::refresh_reuse_detected).
    pub refresh_reuse_detection: bool,
    /// HTTPS instead of plain HTTP, with client certificates asked for ([`SimConfig::tls`]).
    #[cfg(feature = "tls")]
    pub(crate) tls: Option<crate::TlsServer>,
    /// The issuer a spec simulator's metadata document claims, instead of its own
    /// ([`Simulator::issuer`](crate::Simulator::issuer)): set it to test that a client
    /// refuses a document naming another issuer (RFC 8414 section 3.3).
    pub metadata_issuer: Option<String>,
    /// Subject (and actor) tokens issued elsewhere that the token-exchange grant accepts, with
    /// their token types (RFC 8693); it always accepts the valid access tokens it issued
    /// itself, as `urn:ietf:params:oauth:token-type:access_token`.
    pub subject_tokens: Vec<(String, String)>,
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
    /// DPoP nonces (RFC 9449 section 8), for a spec that declares DPoP (feature `jwt`):
    /// whether the token endpoint requires a proof to carry the server's nonce (default off).
    /// A proof without the current nonce is answered `400 {"error":"use_dpop_nonce"}` with
    /// the nonce in `DPoP-Nonce`; every answer of the endpoint carries the current nonce.
    pub dpop_nonce_at_token: bool,
    /// The same for the protected API: a proof without the current nonce is answered `401`
    /// with `WWW-Authenticate: DPoP error="use_dpop_nonce"` and the nonce in `DPoP-Nonce`.
    /// One nonce serves both endpoints, as one server's.
    pub dpop_nonce_at_api: bool,
    /// A new nonce every this many requests that need one (default 0: never), issued before
    /// that request is checked: a client holding the previous nonce is asked again
    /// (`use_dpop_nonce`) once every so many requests. With `1`, every request is refused
    /// with a new nonce: a server that keeps asking.
    pub dpop_nonce_rotate_every: u32,
    /// The device grant's polling interval the device authorization endpoint states (RFC
    /// 8628 section 3.2; default 5 s, whole seconds on the wire). A poll sooner than this after
    /// the previous one (or after the codes were issued) is answered `slow_down`.
    pub device_interval: Duration,
    /// How much a `slow_down` adds to the interval (RFC 8628 section 3.5: 5 s, the default).
    /// The answer states the new interval (`"interval": ..`, as GitHub does), so tests can
    /// shrink it here, in the simulator, and the client follows what the server says.
    pub slow_down_increment: Duration,
    /// How long device codes are valid (`expires_in`; default 900 s, GitHub's).
    pub device_code_lifetime: Duration,
    /// How many polls of each device code are answered `authorization_pending` before the
    /// person's decision shows (default 0): with [`Simulator::approve_device`] called at
    /// once, the token comes at poll N + 1.
    ///
    /// [`Simulator::approve_device`]: crate::Simulator::approve_device
    pub device_pending_polls: usize,
    /// How long authorization codes are valid (default 60 s; RFC 6749 section 4.1.2 allows at
    /// most 10 minutes).
    pub code_lifetime: Duration,
    /// How many of the most recent requests [`Simulator::requests`] keeps (default
    /// [`DEFAULT_REQUEST_LOG`](crate::DEFAULT_REQUEST_LOG), 1000; 0 keeps none). Older ones
    /// are dropped as new ones arrive; each keeps at most
    /// [`MAX_LOGGED_BODY`](crate::MAX_LOGGED_BODY) of its body.
    ///
    /// [`Simulator::requests`]: crate::Simulator::requests
    pub request_log: usize,
    /// Whether the authorization server and the API listen on two origins (two ports of
    /// `127.0.0.1`; default false: one origin serves both). See [`SimConfig::separate_origins`].
    pub separate_origins: bool,
    /// The scopes the authorization server grants at most (spec simulators; default `None`:
    /// every scope asked for): the client's registration, or what the person consents to. A
    /// grant asking for more is granted the asked ones among these, and its token response
    /// says so in `scope`, as RFC 6749 section 5.1 requires when the scope granted is not the
    /// one asked for. See [`SimConfig::allow_scopes`].
    pub allowed_scopes: Option<Vec<String>>,
    /// Whether every token response states its `scope` (default false: only when it differs
    /// from the scope asked for, which RFC 6749 section 5.1 allows to be left out).
    pub state_scope: bool,
}

/// A route of the user's ([`SimConfig::route`]), behind the bearer check, with the scopes its
/// token must carry.
#[derive(Clone, Debug)]
pub(crate) struct UserRoute {
    pub(crate) path: String,
    pub(crate) router: MethodRouter,
    /// The scopes a request needs, by method (`None`: any method not listed).
    pub(crate) scopes: Vec<(Option<axum::http::Method>, Vec<String>)>,
}

impl UserRoute {
    /// The scopes a request of `method` needs.
    pub(crate) fn required<'a>(
        scopes: &'a [(Option<axum::http::Method>, Vec<String>)],
        method: &axum::http::Method,
    ) -> &'a [String] {
        let exact = scopes.iter().find(|(m, _)| m.as_ref() == Some(method));
        exact.or_else(|| scopes.iter().find(|(m, _)| m.is_none())).map_or(&[], |(_, s)| s.as_slice())
    }
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
            client_id: hostile::CLIENT_ID.to_owned(),
            client_secret: hostile::CLIENT_SECRET.to_owned(),
            username: if password_grant { hostile::USERNAME.to_owned() } else { String::new() },
            password: if password_grant { hostile::PASSWORD.to_owned() } else { String::new() },
            scope: if password_grant { "account".to_owned() } else { String::new() },
            ..SimConfig::defaults(Kind::Vendor(vendor), Duration::from_secs(secs), vendor.protected_path())
        }
    }

    /// What every configuration starts from: no credentials, and the defaults of every
    /// setting, written once for the vendors and the specs alike.
    fn defaults(kind: Kind, token_lifetime: Duration, protected_path: &str) -> SimConfig {
        SimConfig {
            kind,
            token_lifetime,
            refresh_lifetime: THIRTY_DAYS,
            client_id: String::new(),
            client_secret: String::new(),
            username: String::new(),
            password: String::new(),
            scope: String::new(),
            params: Vec::new(),
            rotate_refresh_tokens: true,
            expired_tokens: false,
            revoke_superseded_access_tokens: false,
            protected_path: protected_path.to_owned(),
            routes: Vec::new(),
            #[cfg(feature = "openapi")]
            openapi: Vec::new(),
            metadata_issuer: None,
            subject_tokens: Vec::new(),
            refresh_reuse_detection: false,
            #[cfg(feature = "tls")]
            tls: None,
            signing_key: None,
            public_jwk: None,
            max_assertion_lifetime: FIVE_MINUTES,
            clock_offset: 0,
            dpop_nonce_at_token: false,
            dpop_nonce_at_api: false,
            dpop_nonce_rotate_every: 0,
            device_interval: Duration::from_secs(5),
            slow_down_increment: Duration::from_secs(5),
            device_code_lifetime: Duration::from_secs(900),
            device_pending_polls: 0,
            code_lifetime: Duration::from_secs(60),
            request_log: crate::DEFAULT_REQUEST_LOG,
            separate_origins: false,
            allowed_scopes: None,
            state_scope: false,
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
    /// | a [scoped route](SimConfig::scoped_route) with a valid token lacking one of its scopes | 403 | `insufficient_scope`, `WWW-Authenticate: Bearer realm="..", error="insufficient_scope", scope=".."` |
    /// | a `scope` that is not scope tokens separated by single spaces (RFC 6749 section 3.3), for a spec without a `scope` field | 400 | `invalid_scope` (an authorization request: a redirect with it) |
    /// | a parameter the spec does not name, for a grant type of the vendor's own (`grant_type = ".."`) or token exchange | 400 | `invalid_request` (their parameters are the vendor's: a misspelt one must not pass) |
    /// | token exchange: `subject_token` or its type missing, a subject or actor token it neither issued nor was given ([`SimConfig::subject_token`]), a type that is not the token's, a `requested_token_type` other than an access token (RFC 8693 section 2.2.2) | 400 | `invalid_request` |
    /// | revocation (the spec's `revocation_path`): not `POST`, not a form, no `token` | 405 / 400 | `invalid_request` |
    /// | revocation: the client not authenticated as at the token endpoint | 401 | `invalid_client` |
    /// | revocation of a token it never issued, or revoked already (RFC 7009 section 2.2) | 200 | empty |
    ///
    /// A revoked refresh token takes every token of its grant with it; a revoked access token
    /// goes alone. The metadata document (RFC 8414) is served at
    /// `/.well-known/oauth-authorization-server` and `/.well-known/openid-configuration` (under
    /// the spec's `issuer` path, if it declares one) and describes the simulator itself: its
    /// issuer, token and revocation endpoints, the spec's client authentication method and
    /// grant type.
    ///
    /// A spec that declares DPoP (`presentation = "dpop"`, feature `jwt`) has every proof
    /// checked (RFC 9449 section 4.3): exactly one `DPoP` header; `typ` `dpop+jwt`; `alg` the
    /// spec's `dpop_alg`; a `jwk` with no private member, that verifies the signature; `htm`
    /// the method; `htu` the request's URI without query and fragment; `iat` within 60 s
    /// before and 10 s after now; a `jti` not seen in that window; on API calls `ath`, the
    /// hash of the access token; the server's nonce where [`SimConfig::dpop_nonce_at_token`]
    /// or [`SimConfig::dpop_nonce_at_api`] requires it. Tokens are then issued typed `DPoP`
    /// and bound to the proof key's thumbprint (a public client's refresh tokens too, which a
    /// proof by another key does not redeem):
    ///
    /// | request | status | body / headers |
    /// |---|---|---|
    /// | a token request without a valid proof | 400 | `invalid_dpop_proof` |
    /// | a token request without the current nonce, where required | 400 | `use_dpop_nonce`, `DPoP-Nonce` |
    /// | an API call without a DPoP token | 401 | `WWW-Authenticate: DPoP realm="..", algs=".."` |
    /// | an API call with an invalid proof, or one by another key than the token's | 401 | `WWW-Authenticate: DPoP .., error="invalid_dpop_proof"` |
    /// | an API call without the current nonce, where required | 401 | `WWW-Authenticate: DPoP .., error="use_dpop_nonce"`, `DPoP-Nonce` |
    /// | a DPoP-bound token presented as `Bearer` | 401 | `WWW-Authenticate: Bearer .., error="invalid_token"` |
    ///
    /// Errors are JSON objects `{"error":"..","error_description":".."}`. Parameters the spec
    /// does not name are ignored, as RFC 6749 section 3.1 asks, and a parameter sent empty counts
    /// as not sent (section 3.2). Tokens are issued with `token_type` `Bearer`, `Cache-Control:
    /// no-store` and `Pragma: no-cache` (section 5.1). The protected endpoint is
    /// [`SimConfig::protected_path`](crate::SimConfig::protected_path) (default `/protected`),
    /// answers any method and says `{"ok":true}`.
    ///
    /// Each token carries the scopes its grant asked for (the `scope` of the token request, of
    /// the authorization request for the authorization code grant, of the device authorization
    /// request for the device grant), those of [`SimConfig::allow_scopes`] only when set; a
    /// fixed or per-credential `scope` the spec declares must be among the scopes sent. The
    /// token response states `scope` when it differs from the scope asked for (RFC 6749
    /// section 5.1), or always with [`SimConfig::state_scope`]. Routes that require scopes are
    /// served with [`SimConfig::scoped_route`].
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
            client_id: if has(Role::ClientId) { client_id } else { String::new() },
            client_secret: if has(Role::ClientSecret) { hostile::CLIENT_SECRET.to_owned() } else { String::new() },
            username: if has(Role::Username) { hostile::USERNAME.to_owned() } else { String::new() },
            password: if has(Role::Password) { hostile::PASSWORD.to_owned() } else { String::new() },
            params: spec
                .fields
                .iter()
                .filter(|f| f.role == Role::Param)
                .map(|f| (f.name.to_owned(), hostile::PARAM.to_owned()))
                .collect(),
            ..SimConfig::defaults(Kind::Spec(spec), lifetime, "/protected")
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
                // A TLS client certificate is registered with the simulator apart, through
                // `TlsServer`.
                Credential::Certificate(_) => continue,
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

    /// Serves HTTPS with `tls`'s identity and asks clients for certificates: mutual TLS (RFC
    /// 8705). Tokens issued on a connection with a client certificate are bound to it (section
    /// 3): an API call on a connection without that certificate gets a 401 `invalid_token`.
    #[cfg(feature = "tls")]
    pub fn tls(mut self, tls: crate::TlsServer) -> Self {
        self.tls = Some(tls);
        self
    }

    /// Requires the server's DPoP nonce at `target`'s endpoint ([`Target::Token`] and
    /// [`Target::Refresh`]: the token endpoint; [`Target::Api`]: the protected API); see
    /// [`SimConfig::dpop_nonce_at_token`].
    ///
    /// [`Target::Token`]: crate::Target::Token
    /// [`Target::Refresh`]: crate::Target::Refresh
    /// [`Target::Api`]: crate::Target::Api
    ///
    /// ```
    /// use oauth_sim::{SimConfig, Target, Vendor};
    /// let config = SimConfig::for_vendor(Vendor::Deyel).require_dpop_nonce(Target::Api).rotate_dpop_nonce_every(3);
    /// assert!(config.dpop_nonce_at_api && !config.dpop_nonce_at_token);
    /// ```
    pub fn require_dpop_nonce(mut self, target: crate::Target) -> Self {
        match target {
            crate::Target::Api => self.dpop_nonce_at_api = true,
            _ => self.dpop_nonce_at_token = true,
        }
        self
    }

    /// Sets [`SimConfig::dpop_nonce_rotate_every`].
    pub fn rotate_dpop_nonce_every(mut self, requests: u32) -> Self {
        self.dpop_nonce_rotate_every = requests;
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

    /// Sets [`SimConfig::device_interval`]: short intervals keep device-grant tests fast.
    ///
    /// ```
    /// use std::time::Duration;
    /// use oauth_runtime::provider::{AuthorizationEndpoints, Grant, ProviderSpec, TokenEndpoint};
    /// use oauth_sim::SimConfig;
    ///
    /// const SPEC: ProviderSpec = ProviderSpec::new("Tv", TokenEndpoint::new("/token", Grant::DeviceCode))
    ///     .with_authorization(AuthorizationEndpoints::device("/device/code"));
    /// let config = SimConfig::for_spec(&SPEC)
    ///     .device_interval(Duration::from_secs(1))
    ///     .slow_down_increment(Duration::from_secs(1))
    ///     .device_pending_polls(2);
    /// assert_eq!(config.device_interval, Duration::from_secs(1));
    /// ```
    pub fn device_interval(mut self, interval: Duration) -> Self {
        self.device_interval = interval;
        self
    }

    /// Sets [`SimConfig::slow_down_increment`].
    pub fn slow_down_increment(mut self, increment: Duration) -> Self {
        self.slow_down_increment = increment;
        self
    }

    /// Sets [`SimConfig::device_code_lifetime`].
    pub fn device_code_lifetime(mut self, lifetime: Duration) -> Self {
        self.device_code_lifetime = lifetime;
        self
    }

    /// Sets [`SimConfig::device_pending_polls`].
    pub fn device_pending_polls(mut self, polls: usize) -> Self {
        self.device_pending_polls = polls;
        self
    }

    /// Sets [`SimConfig::code_lifetime`].
    pub fn code_lifetime(mut self, lifetime: Duration) -> Self {
        self.code_lifetime = lifetime;
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

    /// Sets [`SimConfig::metadata_issuer`].
    pub fn metadata_issuer(mut self, issuer: impl Into<String>) -> Self {
        self.metadata_issuer = Some(issuer.into());
        self
    }

    /// Accepts `token`, of type `token_type`, as a subject or actor token of the
    /// token-exchange grant ([`SimConfig::subject_tokens`]).
    ///
    /// ```
    /// use oauth_runtime::provider::*;
    /// use oauth_sim::SimConfig;
    /// const SPEC: ProviderSpec = ProviderSpec::new("X", TokenEndpoint::new("/token", Grant::TokenExchange))
    ///     .with_fields(ProviderSpec::minimal("X", "/token").fields);
    /// let config = SimConfig::for_spec(&SPEC).subject_token("eyJ.a.b", "urn:ietf:params:oauth:token-type:jwt");
    /// assert_eq!(config.subject_tokens.len(), 1);
    /// ```
    pub fn subject_token(mut self, token: impl Into<String>, token_type: impl Into<String>) -> Self {
        self.subject_tokens.push((token.into(), token_type.into()));
        self
    }

    /// Sets [`SimConfig::request_log`]: how many recent requests
    /// [`Simulator::requests`](crate::Simulator::requests) keeps.
    ///
    /// ```
    /// # use oauth_sim::{SimConfig, Vendor};
    /// let config = SimConfig::for_vendor(Vendor::Deyel).request_log(10_000);
    /// assert_eq!(config.request_log, 10_000);
    /// ```
    pub fn request_log(mut self, capacity: usize) -> Self {
        self.request_log = capacity;
        self
    }

    /// Serves the authorization server and the API at two origins, as most vendors do
    /// (`auth.example.com` and `api.example.com`): the token, refresh, revocation, metadata,
    /// device and authorization endpoints at
    /// [`Simulator::auth_base_url`](crate::Simulator::auth_base_url), the protected path and
    /// the [`route`](SimConfig::route)s at [`Simulator::api_base_url`](crate::Simulator::api_base_url),
    /// each on a port of its own. A request that reaches the wrong one is refused with
    /// `421 Misdirected Request`, a body that names the origin that serves it, and a count in
    /// [`Counters::misdirected_requests`](crate::Counters::misdirected_requests): a client that
    /// sends its token requests to the API's host (or its calls to the token host) fails
    /// loudly instead of passing against a simulator that serves both.
    ///
    /// ```
    /// use oauth_runtime::{Provider, Secret, oauth_provider};
    /// use oauth_sim::{SimConfig, Simulator};
    ///
    /// #[derive(Clone)]
    /// #[oauth_provider(grant = "client_credentials", token_path = "/oauth/token")]
    /// struct Acme { client_id: String, client_secret: Secret }
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let acme = Acme { client_id: "id".into(), client_secret: Secret::from("secret") };
    /// let sim = Simulator::start_with(SimConfig::for_provider(acme.clone()).separate_origins(true)).await?;
    /// assert_ne!(sim.auth_base_url(), sim.api_base_url());
    ///
    /// let client = acme.clone().client_builder().base_url(&sim.api_base_url()).auth_base_url(&sim.auth_base_url()).build()?;
    /// assert_eq!(client.get(sim.protected_path()).send().await?.status(), 200);
    ///
    /// let confused = acme.client(&sim.api_base_url())?; // token requests to the API's origin
    /// assert!(confused.token().await.is_err());
    /// assert_eq!(sim.counters().misdirected_requests, 1);
    /// # Ok(()) }
    /// ```
    pub fn separate_origins(mut self, separate: bool) -> Self {
        self.separate_origins = separate;
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
    /// `WWW-Authenticate: Bearer`. A `multipart/form-data` body that does not parse (no
    /// boundary, broken framing, a part without `Content-Disposition: form-data` and a name) is
    /// refused with `400 invalid_request` before the handler. `path` uses axum's syntax
    /// (`/things/{id}`).
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
        self.routes.push(UserRoute { path: path.into(), router: route, scopes: Vec::new() });
        self
    }

    /// [`SimConfig::route`] for a route that requires the scopes in `scope` (space-separated,
    /// RFC 6749 section 3.3): a valid token that lacks one of them is refused with `403`,
    /// `WWW-Authenticate: Bearer realm="..", error="insufficient_scope", scope=".."` (RFC 6750
    /// section 3.1, the scope attribute naming what the route requires) and a JSON error body,
    /// and counted in [`Counters::insufficient_scope`](crate::Counters::insufficient_scope). A
    /// token carries the scopes its grant was granted ([`SimConfig::allow_scopes`]); a refresh
    /// that asks for fewer narrows them.
    ///
    /// ```
    /// use oauth_runtime::{Provider, Secret, oauth_provider};
    /// use oauth_sim::{SimConfig, Simulator, axum::routing::get};
    ///
    /// #[derive(Clone)]
    /// #[oauth_provider(grant = "client_credentials", token_path = "/oauth/token")]
    /// struct Acme { client_id: String, client_secret: Secret }
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let acme = Acme { client_id: "id".into(), client_secret: Secret::from("secret") };
    /// let config = SimConfig::for_provider(acme.clone()).scoped_route("/repos", "repo", get(|| async { "[]" }));
    /// let sim = Simulator::start_with(config).await?;
    /// let client = acme.client(&sim.base_url())?;
    /// assert_eq!(client.get("/repos").send().await?.status(), 403, "a token of no scope");
    /// assert_eq!(client.get("/repos").require_scopes(&["repo"]).send().await?.status(), 200);
    /// assert_eq!(sim.counters().insufficient_scope, 1);
    /// # Ok(()) }
    /// ```
    pub fn scoped_route(mut self, path: impl Into<String>, scope: &str, route: MethodRouter) -> Self {
        let scopes = vec![(None, crate::scope::split(scope))];
        self.routes.push(UserRoute { path: path.into(), router: route, scopes });
        self
    }

    /// Sets [`SimConfig::allowed_scopes`]: the scopes (space-separated) the authorization
    /// server grants at most. A grant asking for `a b` with `allow_scopes("a")` gets a token of
    /// `a`, its response stating `"scope": "a"`.
    ///
    /// ```
    /// # use oauth_runtime::provider::ProviderSpec;
    /// # use oauth_sim::SimConfig;
    /// # const SPEC: ProviderSpec = ProviderSpec::minimal("Example", "/token");
    /// let config = SimConfig::for_spec(&SPEC).allow_scopes("repo read:org");
    /// assert_eq!(config.allowed_scopes, Some(vec!["repo".to_owned(), "read:org".to_owned()]));
    /// ```
    pub fn allow_scopes(mut self, scope: &str) -> Self {
        self.allowed_scopes = Some(crate::scope::split(scope));
        self
    }

    /// Sets [`SimConfig::state_scope`]: every token response states its `scope`.
    pub fn state_scope(mut self, state: bool) -> Self {
        self.state_scope = state;
        self
    }
}
