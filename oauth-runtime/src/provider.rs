//! The data model of a vendor's token endpoint.
//!
//! A [`ProviderSpec`] says everything the runtime needs to talk to one vendor: how to ask for a
//! token, how to refresh it and how to read the answer. It is plain `'static` data, built in a
//! `const` by `#[oauth_provider]` (or by hand), so a vendor quirk is a value here and never a
//! branch in the runtime.

use std::time::Duration;

/// A complete description of one vendor's token endpoint.
///
/// Every part is built with a `const fn`, so a spec is a `const` and new settings can be added
/// to the model without breaking existing specs: start from [`ProviderSpec::new`] with the
/// required parts and add the optional ones with the `with_*` methods. Write it as a `const`
/// (as below) so that slices such as `&[FieldSpec::new(..)]` are `'static`.
///
/// # Example
///
/// A client-credentials vendor that takes a form body and HTTP Basic client authentication:
///
/// ```
/// use oauth_runtime::provider::*;
///
/// const DEYEL: ProviderSpec = ProviderSpec::new(
///     "Deyel",
///     TokenEndpoint::new("/oauth/token", Grant::ClientCredentials).with_client_auth(ClientAuth::Basic),
/// )
/// .with_fields(&[FieldSpec::new("client_id", Role::ClientId), FieldSpec::new("client_secret", Role::ClientSecret)]);
///
/// assert_eq!(DEYEL.token.grant.as_str(), "client_credentials");
/// assert_eq!(DEYEL.refresh, Refresh::Regrant);
/// assert_eq!(DEYEL.response, ResponseSpec::STANDARD);
/// assert!(DEYEL.fields[1].secret);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ProviderSpec {
    /// Human-readable vendor name, used in logs and errors.
    pub name: &'static str,
    /// Named base URLs the vendor publishes (for example sandbox and production).
    pub base_urls: &'static [BaseUrl],
    /// How to request a token with the credentials.
    pub token: TokenEndpoint,
    /// The credential fields, in declaration order, with their wire names and roles.
    pub fields: &'static [FieldSpec],
    /// How to renew a token.
    pub refresh: Refresh,
    /// Where the token response keeps each value.
    pub response: ResponseSpec,
    /// Path of the token revocation endpoint (RFC 7009), relative to the token base URL, if
    /// the vendor has one (attribute key `revocation_path`); see
    /// [`Client::revoke`](crate::Client::revoke). Discovered metadata may give it instead.
    pub revocation_path: Option<&'static str>,
    /// The authorization server's issuer identifier (RFC 8414), if the vendor declares one
    /// (attribute key `issuer`): an absolute `https` URL, or a path joined to the token base
    /// URL. [`ClientBuilder::discover`](crate::ClientBuilder::discover) reads the server's
    /// metadata from it.
    pub issuer: Option<&'static str>,
    /// How tokens are presented to the API (by default, [`Presentation::Bearer`]).
    pub presentation: Presentation,
    /// The endpoints of the grants that need a person: the device authorization endpoint, the
    /// authorization endpoint and its pushed-request endpoint ([`AuthorizationEndpoints`]).
    pub authorization: AuthorizationEndpoints,
}

impl ProviderSpec {
    /// A spec named `name` that gets tokens from `token`, with no base URLs, no credential
    /// fields yet ([`ProviderSpec::with_fields`]), [`Refresh::Regrant`] and
    /// [`ResponseSpec::STANDARD`].
    ///
    /// ```
    /// # use oauth_runtime::provider::*;
    /// const SPEC: ProviderSpec = ProviderSpec::new("Example", TokenEndpoint::new("/token", Grant::Password));
    /// assert_eq!(SPEC.name, "Example");
    /// assert!(SPEC.fields.is_empty());
    /// ```
    pub const fn new(name: &'static str, token: TokenEndpoint) -> Self {
        ProviderSpec {
            name,
            base_urls: &[],
            token,
            fields: &[],
            refresh: Refresh::Regrant,
            response: ResponseSpec::STANDARD,
            revocation_path: None,
            issuer: None,
            presentation: Presentation::Bearer,
            authorization: AuthorizationEndpoints::NONE,
        }
    }

    /// A client-credentials spec with a form body and the standard `client_id` and
    /// `client_secret` fields sent in it: a starting point for hand-written specs and examples.
    ///
    /// ```
    /// # use oauth_runtime::provider::*;
    /// let spec = ProviderSpec::minimal("Example", "/token");
    /// assert_eq!(spec.token.grant, Grant::ClientCredentials);
    /// assert_eq!(spec.fields.len(), 2);
    /// ```
    pub const fn minimal(name: &'static str, token_path: &'static str) -> Self {
        const FIELDS: &[FieldSpec] =
            &[FieldSpec::new("client_id", Role::ClientId), FieldSpec::new("client_secret", Role::ClientSecret)];
        ProviderSpec::new(name, TokenEndpoint::new(token_path, Grant::ClientCredentials)).with_fields(FIELDS)
    }

    /// Sets the named base URLs the vendor publishes.
    ///
    /// ```
    /// # use oauth_runtime::provider::*;
    /// const SPEC: ProviderSpec = ProviderSpec::minimal("Example", "/token")
    ///     .with_base_urls(&[BaseUrl::new("sandbox", "https://sandbox.example.com")]);
    /// assert_eq!(SPEC.base_urls[0].name, "sandbox");
    /// ```
    pub const fn with_base_urls(mut self, base_urls: &'static [BaseUrl]) -> Self {
        self.base_urls = base_urls;
        self
    }

    /// Sets the credential fields, in the order [`Provider::credentials`] returns their values.
    ///
    /// ```
    /// # use oauth_runtime::provider::*;
    /// const SPEC: ProviderSpec = ProviderSpec::new("Example", TokenEndpoint::new("/token", Grant::Password))
    ///     .with_fields(&[FieldSpec::new("username", Role::Username), FieldSpec::new("password", Role::Password)]);
    /// assert_eq!(SPEC.field(Role::Password).map(|(i, _)| i), Some(1));
    /// ```
    pub const fn with_fields(mut self, fields: &'static [FieldSpec]) -> Self {
        self.fields = fields;
        self
    }

    /// Sets how a token is renewed (by default, [`Refresh::Regrant`]).
    ///
    /// ```
    /// # use oauth_runtime::provider::*;
    /// let spec = ProviderSpec::minimal("Example", "/token")
    ///     .with_refresh(Refresh::refresh_token_grant("/token", "refresh_token"));
    /// assert_eq!(spec.refresh.path(), Some("/token"));
    /// ```
    pub const fn with_refresh(mut self, refresh: Refresh) -> Self {
        self.refresh = refresh;
        self
    }

    /// Sets where the token response keeps each value (by default, [`ResponseSpec::STANDARD`]).
    ///
    /// ```
    /// # use oauth_runtime::provider::*;
    /// let spec = ProviderSpec::minimal("Example", "/token")
    ///     .with_response(ResponseSpec::STANDARD.with_access_token("accessToken"));
    /// assert_eq!(spec.response.access_token, "accessToken");
    /// ```
    pub const fn with_response(mut self, response: ResponseSpec) -> Self {
        self.response = response;
        self
    }

    /// Sets the path of the token revocation endpoint (RFC 7009), joined to the token base URL.
    ///
    /// ```
    /// # use oauth_runtime::provider::*;
    /// const SPEC: ProviderSpec = ProviderSpec::minimal("Example", "/oauth/token").with_revocation_path("/oauth/revoke");
    /// assert_eq!(SPEC.revocation_path, Some("/oauth/revoke"));
    /// ```
    pub const fn with_revocation_path(mut self, path: &'static str) -> Self {
        self.revocation_path = Some(path);
        self
    }

    /// Sets the issuer identifier whose metadata (RFC 8414, OpenID discovery) describes the
    /// vendor's endpoints: an absolute URL, or a path joined to the token base URL.
    ///
    /// ```
    /// # use oauth_runtime::provider::*;
    /// const SPEC: ProviderSpec = ProviderSpec::minimal("Example", "/oauth2/v1/token").with_issuer("/oauth2/default");
    /// assert_eq!(SPEC.issuer, Some("/oauth2/default"));
    /// ```
    pub const fn with_issuer(mut self, issuer: &'static str) -> Self {
        self.issuer = Some(issuer);
        self
    }

    /// Sets how tokens are presented (by default, [`Presentation::Bearer`]).
    ///
    /// ```
    /// # use oauth_runtime::provider::*;
    /// const OKTA: ProviderSpec = ProviderSpec::minimal("Okta", "/oauth2/v1/token").with_presentation(Presentation::DPOP);
    /// assert_eq!(OKTA.presentation.dpop_alg(), Some(DpopAlg::Es256));
    /// ```
    pub const fn with_presentation(mut self, presentation: Presentation) -> Self {
        self.presentation = presentation;
        self
    }

    /// Sets the endpoints of the grants that need a person (by default none).
    ///
    /// ```
    /// # use oauth_runtime::provider::*;
    /// const GITHUB: ProviderSpec =
    ///     ProviderSpec::new("GitHub", TokenEndpoint::new("/login/oauth/access_token", Grant::DeviceCode))
    ///         .with_authorization(AuthorizationEndpoints::device("/login/device/code"));
    /// assert_eq!(GITHUB.authorization.device_path, Some("/login/device/code"));
    /// ```
    pub const fn with_authorization(mut self, authorization: AuthorizationEndpoints) -> Self {
        self.authorization = authorization;
        self
    }

    /// The base URL published under `name`, if the vendor has one by that name.
    ///
    /// ```
    /// # use oauth_runtime::provider::*;
    /// const SPEC: ProviderSpec = ProviderSpec::minimal("Example", "/token")
    ///     .with_base_urls(&[BaseUrl::new("sandbox", "https://sandbox.example.com")]);
    /// assert_eq!(SPEC.base_url("sandbox"), Some("https://sandbox.example.com"));
    /// assert_eq!(SPEC.base_url("production"), None);
    /// ```
    pub fn base_url(&self, name: &str) -> Option<&'static str> {
        self.environment(name).map(|b| b.url)
    }

    /// The named environment `name` (its API and token base URLs), if the vendor has one.
    ///
    /// ```
    /// # use oauth_runtime::provider::*;
    /// const SPEC: ProviderSpec = ProviderSpec::minimal("Example", "/token").with_base_urls(&[
    ///     BaseUrl::new("production", "https://api.example.com").with_auth_url("https://auth.example.com"),
    /// ]);
    /// assert_eq!(SPEC.environment("production").map(|b| b.auth_url()), Some("https://auth.example.com"));
    /// ```
    pub fn environment(&self, name: &str) -> Option<&'static BaseUrl> {
        self.base_urls.iter().find(|b| b.name == name)
    }

    /// The first field that plays `role`, with its index, if any.
    ///
    /// ```
    /// # use oauth_runtime::provider::*;
    /// let spec = ProviderSpec::minimal("Example", "/token");
    /// let (index, field) = spec.field(Role::ClientSecret).unwrap();
    /// assert_eq!((index, field.name), (1, "client_secret"));
    /// assert!(spec.field(Role::Username).is_none());
    /// ```
    pub fn field(&self, role: Role) -> Option<(usize, &'static FieldSpec)> {
        self.fields.iter().enumerate().find(|(_, f)| f.role == role)
    }

    /// Reads `body` as this vendor's token endpoint would have answered it with HTTP 200 and
    /// `content_type`, received at `received_at`: the [`Token`](crate::Token) a client of this
    /// spec holds after that answer, or the error it returns, by the very parser the client
    /// runs. `None` as the content type sniffs the body as a client does with a missing one
    /// (`{` is JSON, `key=value` pairs a form).
    ///
    /// For checking a declaration against the sample response a vendor documents (a
    /// misspelt field name is an [`Error::MalformedResponse`](crate::Error::MalformedResponse)
    /// naming the field; `oauth_sim::read_example` builds on this), and for reading an answer
    /// obtained some other way. Excerpts in errors have their values masked, as always.
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    /// use oauth_runtime::{Error, provider::*};
    ///
    /// const SPEC: ProviderSpec = ProviderSpec::minimal("Example", "/token");
    /// let now = SystemTime::now();
    /// let token = SPEC.read_token_response(None, br#"{"access_token":"abc","expires_in":"3600"}"#, now)?;
    /// assert_eq!(token.access_token().expose_secret(), "abc");
    /// assert_eq!(token.expires_at().duration_since(now).unwrap(), Duration::from_secs(3600));
    ///
    /// let misspelt = SPEC.read_token_response(None, br#"{"acess_token":"abc"}"#, now).unwrap_err();
    /// assert!(matches!(&misspelt, Error::MalformedResponse { reason, .. } if reason.contains("`access_token`")));
    /// # Ok::<(), Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// What a client would return for that answer: [`Error::OAuth`](crate::Error::OAuth) for an
    /// error body, [`Error::MalformedResponse`](crate::Error::MalformedResponse) for a body it
    /// cannot read as a token (no access token under the declared name, an expiry that is not
    /// a number, HTML, truncated JSON).
    pub fn read_token_response(
        &self,
        content_type: Option<&str>,
        body: &[u8],
        received_at: std::time::SystemTime,
    ) -> Result<crate::Token, crate::Error> {
        let ctx = crate::parse::ParseContext { vendor: self.name, response: &self.response, secrets: &[] };
        let raw = crate::parse::RawResponse::new(reqwest::StatusCode::OK, content_type, body);
        crate::parse::token_response(&ctx, &raw, received_at)
    }
}

/// A base URL the vendor publishes under a name, and the URL of its token endpoints when they
/// live on another host (many vendors serve `auth.example.com` and `api.example.com`).
///
/// ```
/// # use oauth_runtime::provider::BaseUrl;
/// const SANDBOX: BaseUrl = BaseUrl::new("sandbox", "https://apitest.example.com");
/// assert_eq!(SANDBOX.url, "https://apitest.example.com");
/// assert_eq!(SANDBOX.auth_url(), "https://apitest.example.com");
///
/// const PRODUCTION: BaseUrl =
///     BaseUrl::new("production", "https://api.example.com").with_auth_url("https://auth.example.com");
/// assert_eq!(PRODUCTION.auth_url(), "https://auth.example.com");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct BaseUrl {
    /// The name users pick it by, e.g. `"sandbox"`.
    pub name: &'static str,
    /// The API's URL, scheme and host (and optional path prefix) without a trailing slash.
    pub url: &'static str,
    /// The token endpoints' base URL when it differs from `url`.
    pub auth: Option<&'static str>,
    /// The authorization endpoint's base URL (where a person's browser goes) when it differs
    /// from the token endpoints': Google's `accounts.google.com` beside `oauth2.googleapis.com`.
    pub authorize: Option<&'static str>,
}

impl BaseUrl {
    /// The URL `url` published under `name`, for the API and the token endpoints alike.
    pub const fn new(name: &'static str, url: &'static str) -> Self {
        BaseUrl { name, url, auth: None, authorize: None }
    }

    /// The token endpoints live under `auth_url` instead.
    pub const fn with_auth_url(mut self, auth_url: &'static str) -> Self {
        self.auth = Some(auth_url);
        self
    }

    /// The base URL of the token endpoints.
    pub const fn auth_url(&self) -> &'static str {
        match self.auth {
            Some(auth) => auth,
            None => self.url,
        }
    }

    /// The authorization endpoint lives under `url` (a person's browser goes there), not under
    /// the token endpoints' base URL.
    ///
    /// ```
    /// # use oauth_runtime::provider::BaseUrl;
    /// const FIGMA: BaseUrl = BaseUrl::new("production", "https://api.figma.com")
    ///     .with_authorization_url("https://www.figma.com");
    /// assert_eq!(FIGMA.authorization_url(), "https://www.figma.com");
    /// assert_eq!(BaseUrl::new("p", "https://api.example.com").authorization_url(), "https://api.example.com");
    /// ```
    pub const fn with_authorization_url(mut self, url: &'static str) -> Self {
        self.authorize = Some(url);
        self
    }

    /// The base URL of the authorization endpoint: its own, else the token endpoints'.
    pub const fn authorization_url(&self) -> &'static str {
        match self.authorize {
            Some(url) => url,
            None => self.auth_url(),
        }
    }
}

/// How a token is requested with the credentials.
///
/// [`TokenEndpoint::new`] gives the RFC 6749 defaults: `grant_type` sent in a form body, client
/// credentials as body parameters, no extra parameters.
///
/// ```
/// # use oauth_runtime::provider::*;
/// const MONTA: TokenEndpoint = TokenEndpoint::new("/auth/token", Grant::ClientCredentials)
///     .with_body_style(BodyStyle::Json)
///     .with_send_grant_type(false);
/// assert_eq!(MONTA.client_auth, ClientAuth::Body);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct TokenEndpoint {
    /// Path of the token endpoint, relative to the base URL; starts with `/`.
    pub path: &'static str,
    /// The OAuth2 grant.
    pub grant: Grant,
    /// Whether `grant_type` is sent at all (Monta's JSON flow sends none).
    pub send_grant_type: bool,
    /// How the request is encoded.
    pub body_style: BodyStyle,
    /// Where the client id and secret go.
    pub client_auth: ClientAuth,
    /// Fixed extra parameters sent with every token request, e.g. `("scope", "account")`.
    pub params: &'static [(&'static str, &'static str)],
    /// How signed assertions are made, for the vendors that take them (the JWT-bearer grant,
    /// `private_key_jwt` and `client_secret_jwt`).
    pub assertion: Assertion,
}

impl TokenEndpoint {
    /// The `grant` at `path`, with `grant_type` sent, a [`BodyStyle::Form`] body,
    /// [`ClientAuth::Body`] and no extra parameters.
    pub const fn new(path: &'static str, grant: Grant) -> Self {
        TokenEndpoint {
            path,
            grant,
            send_grant_type: true,
            body_style: BodyStyle::Form,
            client_auth: ClientAuth::Body,
            params: &[],
            assertion: Assertion::DEFAULT,
        }
    }

    /// Sets whether `grant_type` is sent (by default it is).
    pub const fn with_send_grant_type(mut self, send: bool) -> Self {
        self.send_grant_type = send;
        self
    }

    /// Sets how the request is encoded (by default, [`BodyStyle::Form`]).
    pub const fn with_body_style(mut self, body_style: BodyStyle) -> Self {
        self.body_style = body_style;
        self
    }

    /// Sets where the client id and secret go (by default, [`ClientAuth::Body`]).
    pub const fn with_client_auth(mut self, client_auth: ClientAuth) -> Self {
        self.client_auth = client_auth;
        self
    }

    /// Sets fixed parameters sent with every token request.
    ///
    /// ```
    /// # use oauth_runtime::provider::*;
    /// let token = TokenEndpoint::new("/token", Grant::ClientCredentials).with_params(&[("audience", "api")]);
    /// assert_eq!(token.params, [("audience", "api")]);
    /// ```
    pub const fn with_params(mut self, params: &'static [(&'static str, &'static str)]) -> Self {
        self.params = params;
        self
    }

    /// Sets how signed assertions are made (by default, [`Assertion::DEFAULT`]).
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use oauth_runtime::{key::Algorithm, provider::*};
    /// const SALESFORCE: TokenEndpoint = TokenEndpoint::new("/services/oauth2/token", Grant::JwtBearer)
    ///     .with_assertion(Assertion::DEFAULT.with_audience(Audience::TokenOrigin).with_algorithm(Algorithm::Rs256));
    /// assert_eq!(SALESFORCE.assertion.lifetime, Duration::from_secs(60));
    /// ```
    pub const fn with_assertion(mut self, assertion: Assertion) -> Self {
        self.assertion = assertion;
        self
    }
}

/// How the client makes the signed assertions a vendor takes: a JWT-bearer grant's
/// `assertion` (RFC 7523 section 2.1) or a `client_assertion` (section 2.2). Every assertion
/// is made anew for each token request, with a fresh `jti`.
///
/// ```
/// # use std::time::Duration;
/// # use oauth_runtime::{key::Algorithm, provider::*};
/// const ENTRA: Assertion = Assertion::DEFAULT.with_certificate_thumbprint(true);
/// assert_eq!(ENTRA.audience, Audience::TokenEndpoint);
/// const GOOGLE: Assertion = Assertion::new().with_scope(AssertionScope::Claim).with_lifetime(Duration::from_secs(300));
/// assert_eq!(GOOGLE.algorithm, None, "inferred from the key");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Assertion {
    /// The `aud` claim (attribute key `assertion_audience`).
    pub audience: Audience,
    /// From `iat` to `exp` (attribute key `assertion_lifetime`, seconds; default 60).
    pub lifetime: Duration,
    /// The algorithm the vendor takes (attribute key `signing_alg`); `None` signs with the
    /// key's own ([`SigningKey`](crate::key::SigningKey): RS256 for RSA, ES256 for P-256,
    /// EdDSA for Ed25519), HS256 for `client_secret_jwt`.
    pub algorithm: Option<crate::key::Algorithm>,
    /// Where a JWT-bearer grant's scope goes (attribute key `assertion_scope`).
    pub scope: AssertionScope,
    /// Whether the vendor identifies the key by its certificate's SHA-256 thumbprint, the
    /// `x5t#S256` header (Microsoft Entra's certificate credentials; attribute flag
    /// `assertion_thumbprint`): a key without a certificate is then refused when the client is
    /// built.
    pub certificate_thumbprint: bool,
}

impl Assertion {
    /// The token endpoint's URL as audience, 60 seconds of lifetime, the key's algorithm, the
    /// scope as a body parameter, no thumbprint required.
    pub const DEFAULT: Assertion = Assertion {
        audience: Audience::TokenEndpoint,
        lifetime: Duration::from_secs(60),
        algorithm: None,
        scope: AssertionScope::Body,
        certificate_thumbprint: false,
    };

    /// [`Assertion::DEFAULT`], to change with the `with_*` methods.
    pub const fn new() -> Self {
        Assertion::DEFAULT
    }

    /// Sets the `aud` claim.
    pub const fn with_audience(mut self, audience: Audience) -> Self {
        self.audience = audience;
        self
    }

    /// Sets the time from `iat` to `exp`.
    pub const fn with_lifetime(mut self, lifetime: Duration) -> Self {
        self.lifetime = lifetime;
        self
    }

    /// Sets the algorithm the vendor takes.
    pub const fn with_algorithm(mut self, algorithm: crate::key::Algorithm) -> Self {
        self.algorithm = Some(algorithm);
        self
    }

    /// Sets where a JWT-bearer grant's scope goes.
    pub const fn with_scope(mut self, scope: AssertionScope) -> Self {
        self.scope = scope;
        self
    }

    /// Sets whether the key must come with a certificate, whose thumbprint goes in `x5t#S256`.
    pub const fn with_certificate_thumbprint(mut self, required: bool) -> Self {
        self.certificate_thumbprint = required;
        self
    }
}

impl Default for Assertion {
    /// [`Assertion::DEFAULT`].
    fn default() -> Self {
        Assertion::DEFAULT
    }
}

/// The audience (`aud`) of a signed assertion (attribute key `assertion_audience`).
///
/// ```
/// # use oauth_runtime::provider::Audience;
/// let audience = Audience::Fixed("https://login.salesforce.com");
/// assert_eq!(audience.resolve("https://my.salesforce.com/services/oauth2/token"), "https://login.salesforce.com");
/// assert_eq!(Audience::TokenOrigin.resolve("https://login.example.com:8443/a/token?x=1"), "https://login.example.com:8443");
/// assert_eq!(Audience::TokenEndpoint.resolve("https://h/a/token"), "https://h/a/token");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Audience {
    /// The token endpoint's URL, as RFC 7523 section 3 suggests (`"token_endpoint"`, the
    /// default). For a Google service-account key whose file names a `token_uri`, that URI.
    TokenEndpoint,
    /// The token endpoint's origin, scheme, host and port without a path or trailing slash
    /// (`"token_origin"`): Salesforce's `https://login.salesforce.com`.
    TokenOrigin,
    /// A fixed value the vendor documents (an `https://` URL in the attribute).
    Fixed(&'static str),
}

impl Audience {
    /// The `aud` for a token request to `token_url` (its query, if any, left out).
    pub fn resolve(&self, token_url: &str) -> String {
        match *self {
            Audience::Fixed(audience) => audience.to_owned(),
            Audience::TokenEndpoint => token_url.split(['?', '#']).next().unwrap_or_default().to_owned(),
            Audience::TokenOrigin => match url::Url::parse(token_url) {
                Ok(url) => url.origin().ascii_serialization(),
                Err(_) => token_url.to_owned(),
            },
        }
    }
}

/// Where a JWT-bearer grant's scope goes (attribute key `assertion_scope`).
///
/// ```
/// # use oauth_runtime::provider::AssertionScope;
/// assert_ne!(AssertionScope::Body, AssertionScope::Claim);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AssertionScope {
    /// A `scope` body parameter beside the assertion (RFC 7521 section 4.1; `"body"`, the
    /// default).
    Body,
    /// A `scope` claim inside the assertion, none in the body (Google's service accounts;
    /// `"claim"`).
    Claim,
}

/// The OAuth2 grant used to obtain a token from the credentials (attribute key `grant`, or
/// `grant_type` for a vendor's own grant type).
///
/// ```
/// # use oauth_runtime::provider::Grant;
/// assert_eq!(Grant::Password.as_str(), "password");
/// assert_eq!(Grant::TokenExchange.as_str(), "urn:ietf:params:oauth:grant-type:token-exchange");
/// const ZOOM: Grant = Grant::custom("account_credentials");
/// assert_eq!(ZOOM.as_str(), "account_credentials");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Grant {
    /// Resource owner password credentials (RFC 6749 section 4.3): `grant = "password"`.
    Password,
    /// Client credentials (RFC 6749 section 4.4): `grant = "client_credentials"`.
    ClientCredentials,
    /// Token exchange (RFC 8693): a token for a subject token, obtained through
    /// [`Client::exchange`](crate::Client::exchange): `grant = "token_exchange"`.
    TokenExchange,
    /// A grant type of the vendor's own, sent under its wire name with the declared
    /// parameters (the fields other than the client's id and secret, and the fixed
    /// `params(..)`), such as Zoom's `account_credentials` with `account_id`:
    /// `grant_type = "account_credentials"`; built by [`Grant::custom`].
    Custom(&'static str),
    /// A signed JWT as the grant (RFC 7523 section 2.1): `grant = "jwt_bearer"`. Needs a
    /// [`Role::SigningKey`] field; see [`Assertion`].
    JwtBearer,
    /// No grant of its own: tokens come from a refresh token a person obtained elsewhere,
    /// given to the client with
    /// [`ClientBuilder::refresh_token`](crate::ClientBuilder::refresh_token) (RFC 6749
    /// section 6): `grant = "refresh_token"`. A rejected refresh token is
    /// [`Error::ReauthorizationRequired`](crate::Error::ReauthorizationRequired).
    RefreshToken,
    /// The device authorization grant (RFC 8628): a person approves the client on another
    /// device, with the user code the client shows; `grant = "device_code"`. Needs the device
    /// authorization endpoint ([`AuthorizationEndpoints::device`]); run it with
    /// [`Client::authorize_device`](crate::Client::authorize_device).
    DeviceCode,
    /// The authorization code grant with PKCE (RFC 6749 section 4.1, RFC 7636) through the
    /// person's browser and a loopback redirect (RFC 8252): `grant = "authorization_code"`.
    /// Needs the authorization endpoint ([`AuthorizationEndpoints::code`]); run it with
    /// [`Client::authorize`](crate::Client::authorize).
    AuthorizationCode,
}

impl Grant {
    /// The `grant_type` of token exchange (RFC 8693 section 2.1).
    pub const TOKEN_EXCHANGE: &'static str = "urn:ietf:params:oauth:grant-type:token-exchange";

    /// A grant type of the vendor's own, sent as `grant_type=<name>`.
    pub const fn custom(name: &'static str) -> Self {
        Grant::Custom(name)
    }

    /// The `grant_type` value on the wire.
    ///
    /// ```
    /// # use oauth_runtime::provider::Grant;
    /// assert_eq!(Grant::JwtBearer.as_str(), "urn:ietf:params:oauth:grant-type:jwt-bearer");
    /// assert_eq!(Grant::DeviceCode.as_str(), "urn:ietf:params:oauth:grant-type:device_code");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            Grant::Password => "password",
            Grant::ClientCredentials => "client_credentials",
            Grant::TokenExchange => Grant::TOKEN_EXCHANGE,
            Grant::Custom(name) => name,
            Grant::JwtBearer => "urn:ietf:params:oauth:grant-type:jwt-bearer",
            Grant::RefreshToken => "refresh_token",
            Grant::DeviceCode => "urn:ietf:params:oauth:grant-type:device_code",
            Grant::AuthorizationCode => "authorization_code",
        }
    }

    /// Whether the grant needs a person (device and authorization code) or a refresh token a
    /// person obtained: such a grant is never run again unattended.
    ///
    /// ```
    /// # use oauth_runtime::provider::Grant;
    /// assert!(Grant::AuthorizationCode.needs_person() && !Grant::ClientCredentials.needs_person());
    /// ```
    pub const fn needs_person(self) -> bool {
        matches!(self, Grant::RefreshToken | Grant::DeviceCode | Grant::AuthorizationCode)
    }
}

/// The endpoints of the grants that need a person, relative to the token base URL (attribute
/// keys `device_authorization_path`, `authorization_path`, `par_path`, `redirect_path`).
///
/// ```
/// # use oauth_runtime::provider::AuthorizationEndpoints;
/// const CODE: AuthorizationEndpoints =
///     AuthorizationEndpoints::code("/oauth2/authorize").with_par("/oauth2/par").with_redirect_path("/done");
/// assert_eq!((CODE.authorization_path, CODE.par_path), (Some("/oauth2/authorize"), Some("/oauth2/par")));
/// assert_eq!(AuthorizationEndpoints::NONE.redirect_path, "/callback");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct AuthorizationEndpoints {
    /// The device authorization endpoint (RFC 8628 section 3.1), for [`Grant::DeviceCode`].
    pub device_path: Option<&'static str>,
    /// The authorization endpoint (RFC 6749 section 3.1), for [`Grant::AuthorizationCode`].
    pub authorization_path: Option<&'static str>,
    /// The pushed authorization request endpoint (RFC 9126), when the vendor has one: the
    /// authorization request's parameters are posted there with client authentication, and
    /// the browser's URL carries only `client_id` and `request_uri`.
    pub par_path: Option<&'static str>,
    /// The path of the loopback redirect URI, `http://127.0.0.1:<port><redirect_path>`
    /// (RFC 8252 section 7.3; the port is chosen when the person authorizes). `/callback`
    /// unless set.
    pub redirect_path: &'static str,
}

impl AuthorizationEndpoints {
    /// No endpoints: the grant needs no person.
    pub const NONE: AuthorizationEndpoints = AuthorizationEndpoints {
        device_path: None,
        authorization_path: None,
        par_path: None,
        redirect_path: "/callback",
    };

    /// The device authorization endpoint at `path`.
    pub const fn device(path: &'static str) -> Self {
        AuthorizationEndpoints { device_path: Some(path), ..AuthorizationEndpoints::NONE }
    }

    /// The authorization endpoint at `path`.
    pub const fn code(path: &'static str) -> Self {
        AuthorizationEndpoints { authorization_path: Some(path), ..AuthorizationEndpoints::NONE }
    }

    /// Sets the pushed authorization request endpoint.
    pub const fn with_par(mut self, path: &'static str) -> Self {
        self.par_path = Some(path);
        self
    }

    /// Sets the path of the loopback redirect URI.
    pub const fn with_redirect_path(mut self, path: &'static str) -> Self {
        self.redirect_path = path;
        self
    }
}

impl Default for AuthorizationEndpoints {
    /// [`AuthorizationEndpoints::NONE`].
    fn default() -> Self {
        AuthorizationEndpoints::NONE
    }
}

/// How the vendor encodes its answers (attribute key `response_format`). The client asks for
/// JSON (`Accept: application/json`) and reads JSON and form bodies alike; the simulator
/// answers as declared.
///
/// ```
/// # use oauth_runtime::provider::*;
/// // GitHub: `access_token=..&token_type=bearer` unless the request accepts JSON.
/// const GITHUB: ResponseSpec = ResponseSpec::STANDARD.with_format(ResponseFormat::FormUnlessJsonAccepted);
/// assert_eq!(ResponseSpec::STANDARD.format, ResponseFormat::Json);
/// # let _ = GITHUB;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ResponseFormat {
    /// A JSON object (RFC 6749 section 5.1): `response_format = "json"`.
    Json,
    /// A form-encoded body, whatever the request accepts: `response_format = "form"`.
    Form,
    /// Form-encoded unless the request's `Accept` names `application/json`:
    /// `response_format = "form_unless_json_accepted"` (GitHub).
    FormUnlessJsonAccepted,
}

/// How a token request is encoded (attribute key `body_style`).
///
/// ```
/// # use oauth_runtime::provider::*;
/// let token = TokenEndpoint::new("/OAuth/GetAccessToken", Grant::ClientCredentials)
///     .with_body_style(BodyStyle::FormGrantInQuery);
/// assert_eq!(token.body_style, BodyStyle::FormGrantInQuery);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum BodyStyle {
    /// `application/x-www-form-urlencoded` body (RFC 6749): `body_style = "form"`.
    Form,
    /// `application/json` body: `body_style = "json"`.
    Json,
    /// Form body, with `grant_type` in the query string instead (Microbilt's second variant):
    /// `body_style = "form_grant_in_query"`.
    FormGrantInQuery,
}

/// Where the client credentials go on a token request (attribute key `client_auth`).
///
/// ```
/// # use oauth_runtime::provider::*;
/// let token = TokenEndpoint::new("/oauth/token", Grant::ClientCredentials).with_client_auth(ClientAuth::Basic);
/// assert_eq!(token.client_auth, ClientAuth::Basic);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ClientAuth {
    /// As body parameters under the fields' wire names: `client_auth = "body"`.
    Body,
    /// In an HTTP Basic header, id and secret form-URL-encoded first (RFC 6749 section
    /// 2.3.1): `client_auth = "basic"`.
    Basic,
    /// In an HTTP Basic header, id and secret used as they are (for servers that do not
    /// decode): `client_auth = "basic_raw"`.
    BasicRaw,
    /// Not sent: `client_auth = "none"`.
    None,
    /// Mutual TLS with a certificate from a certificate authority the server trusts (RFC 8705
    /// section 2.1): the client id in the body, the certificate on the connection:
    /// `client_auth = "tls_client_auth"`. Needs a field of role `client_certificate`.
    Tls,
    /// Mutual TLS with a self-signed certificate the client registered (RFC 8705 section
    /// 2.2): `client_auth = "self_signed_tls_client_auth"`. Needs a field of role
    /// `client_certificate`.
    SelfSignedTls,
    /// A `client_assertion` JWT signed with the client's private key (RFC 7523 section 2.2,
    /// OpenID Connect's `private_key_jwt`): `client_auth = "private_key_jwt"`. Needs a
    /// [`Role::SigningKey`] field; see [`Assertion`].
    PrivateKeyJwt,
    /// A `client_assertion` JWT signed HS256 with the client secret (`client_secret_jwt`):
    /// `client_auth = "client_secret_jwt"`.
    ClientSecretJwt,
}

impl ClientAuth {
    /// The method's name in the OAuth registry (RFC 8414 `token_endpoint_auth_methods_supported`,
    /// RFC 7591, RFC 8705): `client_secret_post`, `client_secret_basic` (raw Basic too),
    /// `none`, `tls_client_auth`, `self_signed_tls_client_auth`, `private_key_jwt` or
    /// `client_secret_jwt`; `None` for a method the registry has no name for.
    ///
    /// ```
    /// # use oauth_runtime::provider::ClientAuth;
    /// assert_eq!(ClientAuth::Basic.registered_name(), Some("client_secret_basic"));
    /// assert_eq!(ClientAuth::Body.registered_name(), Some("client_secret_post"));
    /// assert_eq!(ClientAuth::PrivateKeyJwt.registered_name(), Some("private_key_jwt"));
    /// ```
    // The wildcard is for methods that come with names of their own.
    #[allow(unreachable_patterns)]
    pub const fn registered_name(self) -> Option<&'static str> {
        match self {
            ClientAuth::Body => Some("client_secret_post"),
            ClientAuth::Basic | ClientAuth::BasicRaw => Some("client_secret_basic"),
            ClientAuth::None => Some("none"),
            ClientAuth::Tls => Some("tls_client_auth"),
            ClientAuth::SelfSignedTls => Some("self_signed_tls_client_auth"),
            ClientAuth::PrivateKeyJwt => Some("private_key_jwt"),
            ClientAuth::ClientSecretJwt => Some("client_secret_jwt"),
            _ => None,
        }
    }
}

/// How the vendor wants tokens presented (attribute key `presentation`, with `dpop_alg`).
///
/// Not to be confused with the trait [`present::Presentation`](crate::present::Presentation),
/// which implements one: this is the declaration, which the client maps to its implementation
/// when it is built.
///
/// ```
/// # use oauth_runtime::provider::*;
/// assert_eq!(Presentation::default(), Presentation::Bearer);
/// assert_eq!(Presentation::DPOP, Presentation::dpop(DpopAlg::Es256));
/// assert_eq!(Presentation::Bearer.dpop_alg(), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Presentation {
    /// `Authorization: Bearer <token>` (RFC 6750): `presentation = "bearer"`, the default.
    #[default]
    Bearer,
    /// DPoP (RFC 9449): tokens bound to a key of the client's, sent as
    /// `Authorization: DPoP <token>` with a signed proof (the `DPoP` header) on every token
    /// request and API call: `presentation = "dpop"`; built by [`Presentation::dpop`]. Needs
    /// the runtime's `dpop` feature; without it, building the client is an
    /// [`Error::Config`](crate::Error::Config) naming the feature.
    #[non_exhaustive]
    Dpop {
        /// The proofs' signature algorithm (`dpop_alg`).
        alg: DpopAlg,
    },
}

impl Presentation {
    /// DPoP with ES256 proofs, the algorithm every DPoP server supports.
    pub const DPOP: Presentation = Presentation::dpop(DpopAlg::Es256);

    /// DPoP with proofs signed by `alg`.
    pub const fn dpop(alg: DpopAlg) -> Self {
        Presentation::Dpop { alg }
    }

    /// The DPoP proofs' algorithm, if tokens are presented with DPoP.
    pub const fn dpop_alg(&self) -> Option<DpopAlg> {
        match *self {
            Presentation::Dpop { alg } => Some(alg),
            Presentation::Bearer => None,
        }
    }
}

/// The signature algorithm of DPoP proofs (attribute key `dpop_alg`, JWA names).
///
/// ```
/// # use oauth_runtime::provider::DpopAlg;
/// assert_eq!(DpopAlg::Es256.as_str(), "ES256");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum DpopAlg {
    /// ECDSA on P-256 with SHA-256: `dpop_alg = "ES256"`, the default. The client generates
    /// its key unless one is supplied.
    #[default]
    Es256,
    /// RSASSA-PKCS1-v1_5 with SHA-256: `dpop_alg = "RS256"`. The key is supplied
    /// (`ClientBuilder::dpop_key`), as PEM.
    Rs256,
    /// RSASSA-PSS with SHA-256: `dpop_alg = "PS256"`. The key is supplied, as PEM.
    Ps256,
}

impl DpopAlg {
    /// The JWA name, as in a proof's `alg` header.
    pub const fn as_str(self) -> &'static str {
        match self {
            DpopAlg::Es256 => "ES256",
            DpopAlg::Rs256 => "RS256",
            DpopAlg::Ps256 => "PS256",
        }
    }
}

/// The part a credential field plays in a token request (field attribute key `role`).
///
/// ```
/// # use oauth_runtime::provider::Role;
/// assert!(Role::ClientSecret.is_secret());
/// assert!(!Role::Username.is_secret());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Role {
    /// The client identifier: `role = "client_id"`.
    ClientId,
    /// The client secret: `role = "client_secret"`.
    ClientSecret,
    /// The resource owner's user name (password grant): `role = "username"`.
    Username,
    /// The resource owner's password (password grant): `role = "password"`.
    Password,
    /// Any other parameter sent with the grant, e.g. `scope`: `role = "param"`.
    Param,
    /// A TLS client certificate and its key ([`ClientIdentity`](crate::ClientIdentity)),
    /// presented on the client's connections, never sent as a parameter:
    /// `role = "client_certificate"`.
    ClientCertificate,
    /// The private key that signs assertions, a [`SigningKey`](crate::key::SigningKey):
    /// `role = "signing_key"`, or any field of that type. Never sent.
    SigningKey,
}

impl Role {
    /// Whether values in this role are always secret: the client secret, the password, a
    /// client certificate with its key, and the signing key.
    pub const fn is_secret(self) -> bool {
        matches!(self, Role::ClientSecret | Role::Password | Role::ClientCertificate | Role::SigningKey)
    }
}

/// One credential field of the annotated struct.
///
/// ```
/// # use oauth_runtime::provider::*;
/// const FIELDS: &[FieldSpec] = &[
///     FieldSpec::new("clientId", Role::ClientId),
///     FieldSpec::new("clientSecret", Role::ClientSecret),
///     FieldSpec::new("apiKey", Role::Param).with_secret(true),
/// ];
/// assert_eq!(FIELDS.iter().filter(|f| f.secret).count(), 2);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct FieldSpec {
    /// The parameter name on the wire, e.g. `"clientId"`.
    pub name: &'static str,
    /// The part it plays.
    pub role: Role,
    /// Whether its value is secret (redacted everywhere, excluded from excerpts).
    pub secret: bool,
}

impl FieldSpec {
    /// The field sent as `name` in `role`; secret if the role is ([`Role::is_secret`]).
    pub const fn new(name: &'static str, role: Role) -> Self {
        FieldSpec { name, role, secret: role.is_secret() }
    }

    /// Sets whether the value is secret.
    pub const fn with_secret(mut self, secret: bool) -> Self {
        self.secret = secret;
        self
    }
}

/// How a token is renewed (attribute key `refresh`).
///
/// ```
/// # use oauth_runtime::provider::Refresh;
/// const MONTA: Refresh = Refresh::endpoint("/auth/refresh", "refreshToken");
/// assert_eq!((MONTA.path(), MONTA.param()), (Some("/auth/refresh"), Some("refreshToken")));
/// assert_eq!(Refresh::Regrant.path(), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Refresh {
    /// No refresh: the grant is run again with the credentials (`refresh = "regrant"`).
    Regrant,
    /// The `refresh_token` grant (RFC 6749 section 6) at `path`, usually the token path
    /// (`refresh = "refresh_token_grant"`); built by [`Refresh::refresh_token_grant`].
    ///
    /// The body holds `grant_type=refresh_token`, the refresh token under `param`, and the
    /// client credentials as the token endpoint sends them.
    #[non_exhaustive]
    RefreshTokenGrant {
        /// Path of the refresh endpoint.
        path: &'static str,
        /// Name of the refresh token parameter.
        param: &'static str,
    },
    /// A vendor-specific refresh endpoint whose body holds only the refresh token under `param`,
    /// encoded in the token endpoint's body style (Monta's `POST /auth/refresh`):
    /// `refresh = "endpoint"`; built by [`Refresh::endpoint`].
    #[non_exhaustive]
    Endpoint {
        /// Path of the refresh endpoint.
        path: &'static str,
        /// Name of the refresh token parameter.
        param: &'static str,
    },
}

impl Refresh {
    /// The `refresh_token` grant at `path`, with the refresh token sent as `param` (the
    /// standard name is `"refresh_token"`).
    pub const fn refresh_token_grant(path: &'static str, param: &'static str) -> Self {
        Refresh::RefreshTokenGrant { path, param }
    }

    /// The vendor's own refresh endpoint at `path`, taking the refresh token as `param`.
    pub const fn endpoint(path: &'static str, param: &'static str) -> Self {
        Refresh::Endpoint { path, param }
    }

    /// The path refresh requests go to, if the token is refreshed at all.
    pub const fn path(&self) -> Option<&'static str> {
        match *self {
            Refresh::Regrant => None,
            Refresh::RefreshTokenGrant { path, .. } | Refresh::Endpoint { path, .. } => Some(path),
        }
    }

    /// The name the refresh token is sent under, if the token is refreshed at all.
    pub const fn param(&self) -> Option<&'static str> {
        match *self {
            Refresh::Regrant => None,
            Refresh::RefreshTokenGrant { param, .. } | Refresh::Endpoint { param, .. } => Some(param),
        }
    }
}

/// Where the token response keeps each value, and how to read what the vendor sends.
///
/// Start from [`ResponseSpec::STANDARD`] (or [`ResponseSpec::new`], the same) and change what
/// the vendor names differently:
///
/// ```
/// # use oauth_runtime::provider::*;
/// const MONTA: ResponseSpec = ResponseSpec::STANDARD
///     .with_access_token("accessToken")
///     .with_refresh_token("refreshToken")
///     .with_expiry(Expiry::at("accessTokenExpirationDate", InstantFormat::Rfc3339));
/// assert_eq!(MONTA.token_type, "token_type");
/// ```
///
/// A vendor whose values are nested, whose names vary, whose errors are not RFC 6749's and
/// whose `token_type` means nothing:
///
/// ```
/// # use std::time::Duration;
/// # use oauth_runtime::provider::*;
/// # use oauth_runtime::TokenScheme;
/// const WITHINGS: ResponseSpec = ResponseSpec::STANDARD
///     .with_access_token_path(FieldPath::nested(&["body", "access_token"]))
///     .with_access_token_aliases(&[FieldPath::name("access_token")])
///     .with_refresh_token_path(FieldPath::nested(&["body", "refresh_token"]))
///     .with_expiry(Expiry::expires_in_path(FieldPath::nested(&["body", "expires_in"])))
///     .with_scheme(TokenScheme::Bearer)
///     .with_error_shape(
///         ErrorShape::new(FieldPath::name("status"))
///             .with_description(FieldPath::name("error"))
///             .with_success_codes(&["0"]),
///     )
///     .with_min_lifetime(Duration::from_secs(5));
/// assert_eq!(WITHINGS.access_token, "body.access_token");
/// assert_eq!(WITHINGS.scheme, Some(TokenScheme::Bearer));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ResponseSpec {
    /// Field holding the access token.
    pub access_token: FieldPath,
    /// Fields read, in order, when `access_token` is absent.
    pub access_token_aliases: &'static [FieldPath],
    /// Field holding the token type (missing means Bearer).
    pub token_type: FieldPath,
    /// Fields read, in order, when `token_type` is absent.
    pub token_type_aliases: &'static [FieldPath],
    /// Field holding the refresh token, if the vendor sends one.
    pub refresh_token: FieldPath,
    /// Fields read, in order, when `refresh_token` is absent.
    pub refresh_token_aliases: &'static [FieldPath],
    /// How the token's expiry is given.
    pub expiry: Expiry,
    /// Fields read, in order, when the expiry field is absent, in the same form (seconds or an
    /// instant in the same format).
    pub expiry_aliases: &'static [FieldPath],
    /// Lifetime assumed when the response gives no expiry (or `expires_in` is `0` or `null`).
    pub default_lifetime: Duration,
    /// The shortest lifetime handed out: a stated lifetime below it, or an instant already
    /// past, is replaced by it (with a WARN naming the field), so that the client never hands
    /// out a token it believes expired. One second unless set.
    pub min_lifetime: Duration,
    /// The `Authorization` scheme for every token of this vendor, whatever its `token_type`
    /// says; `None` (the default) reads it from the token type (see
    /// [`TokenScheme::for_token_type`](crate::TokenScheme::for_token_type)).
    pub scheme: Option<crate::TokenScheme>,
    /// The vendor's own error shape, tried before the RFC 6749 one; `None` for RFC 6749 (and
    /// the common gateway variants) alone.
    pub error_shape: Option<ErrorShape>,
    /// How the vendor encodes its answers ([`ResponseFormat::Json`] unless set).
    pub format: ResponseFormat,
    /// The HTTP status the vendor answers errors with, when it is not RFC 6749's 400 or 401
    /// (GitHub answers them with 200); `None` for RFC 6749. The client reads an error in any
    /// status; the simulator answers with this one.
    pub error_status: Option<u16>,
}

impl ResponseSpec {
    /// RFC 6749 section 5.1 names, `expires_in` in seconds, a one-hour default lifetime, a
    /// one-second floor, the scheme read from the token type and RFC 6749 errors.
    pub const STANDARD: ResponseSpec = ResponseSpec {
        access_token: FieldPath::name("access_token"),
        access_token_aliases: &[],
        token_type: FieldPath::name("token_type"),
        token_type_aliases: &[],
        refresh_token: FieldPath::name("refresh_token"),
        refresh_token_aliases: &[],
        expiry: Expiry::ExpiresIn(FieldPath::name("expires_in")),
        expiry_aliases: &[],
        default_lifetime: Duration::from_secs(3600),
        min_lifetime: Duration::from_secs(1),
        scheme: None,
        error_shape: None,
        format: ResponseFormat::Json,
        error_status: None,
    };

    /// [`ResponseSpec::STANDARD`], to change with the `with_*` methods.
    pub const fn new() -> Self {
        ResponseSpec::STANDARD
    }

    /// Sets the top-level field holding the access token.
    pub const fn with_access_token(mut self, field: &'static str) -> Self {
        self.access_token = FieldPath::name(field);
        self
    }

    /// Sets the field holding the access token, nested or not.
    ///
    /// ```
    /// # use oauth_runtime::provider::*;
    /// const SLACK_USER: ResponseSpec =
    ///     ResponseSpec::STANDARD.with_access_token_path(FieldPath::nested(&["authed_user", "access_token"]));
    /// assert_eq!(SLACK_USER.access_token.to_string(), "authed_user.access_token");
    /// ```
    pub const fn with_access_token_path(mut self, path: FieldPath) -> Self {
        self.access_token = path;
        self
    }

    /// Sets the fields read, in order, when the access token's field is absent.
    ///
    /// ```
    /// # use oauth_runtime::provider::*;
    /// const FEISHU: ResponseSpec =
    ///     ResponseSpec::STANDARD.with_access_token_aliases(&[FieldPath::name("tenant_access_token")]);
    /// assert_eq!(FEISHU.access_token_aliases.len(), 1);
    /// ```
    pub const fn with_access_token_aliases(mut self, aliases: &'static [FieldPath]) -> Self {
        self.access_token_aliases = aliases;
        self
    }

    /// Sets the top-level field holding the token type.
    pub const fn with_token_type(mut self, field: &'static str) -> Self {
        self.token_type = FieldPath::name(field);
        self
    }

    /// Sets the field holding the token type, nested or not.
    pub const fn with_token_type_path(mut self, path: FieldPath) -> Self {
        self.token_type = path;
        self
    }

    /// Sets the fields read, in order, when the token type's field is absent.
    pub const fn with_token_type_aliases(mut self, aliases: &'static [FieldPath]) -> Self {
        self.token_type_aliases = aliases;
        self
    }

    /// Sets the top-level field holding the refresh token.
    pub const fn with_refresh_token(mut self, field: &'static str) -> Self {
        self.refresh_token = FieldPath::name(field);
        self
    }

    /// Sets the field holding the refresh token, nested or not.
    pub const fn with_refresh_token_path(mut self, path: FieldPath) -> Self {
        self.refresh_token = path;
        self
    }

    /// Sets the fields read, in order, when the refresh token's field is absent.
    pub const fn with_refresh_token_aliases(mut self, aliases: &'static [FieldPath]) -> Self {
        self.refresh_token_aliases = aliases;
        self
    }

    /// Sets how the expiry is given.
    pub const fn with_expiry(mut self, expiry: Expiry) -> Self {
        self.expiry = expiry;
        self
    }

    /// Sets the fields read, in order, when the expiry field is absent.
    ///
    /// ```
    /// # use oauth_runtime::provider::*;
    /// const PLENTY: ResponseSpec = ResponseSpec::STANDARD.with_expiry_aliases(&[FieldPath::name("expiresIn")]);
    /// assert_eq!(PLENTY.expiry_aliases[0], "expiresIn");
    /// ```
    pub const fn with_expiry_aliases(mut self, aliases: &'static [FieldPath]) -> Self {
        self.expiry_aliases = aliases;
        self
    }

    /// Sets the lifetime assumed when the response gives no expiry.
    ///
    /// ```
    /// # use std::time::Duration;
    /// # use oauth_runtime::provider::*;
    /// let response = ResponseSpec::STANDARD.with_expiry(Expiry::None).with_default_lifetime(Duration::from_secs(900));
    /// assert_eq!(response.default_lifetime.as_secs(), 900);
    /// ```
    pub const fn with_default_lifetime(mut self, lifetime: Duration) -> Self {
        self.default_lifetime = lifetime;
        self
    }

    /// Sets the shortest lifetime handed out ([`ResponseSpec::min_lifetime`]); zero turns the
    /// floor off, so that a token stated as expired is handed out expired.
    pub const fn with_min_lifetime(mut self, floor: Duration) -> Self {
        self.min_lifetime = floor;
        self
    }

    /// Pins the `Authorization` scheme for every token of this vendor, for vendors whose
    /// `token_type` is unreliable.
    ///
    /// ```
    /// # use oauth_runtime::{provider::*, TokenScheme};
    /// const PINNED: ResponseSpec = ResponseSpec::STANDARD.with_scheme(TokenScheme::Bearer);
    /// assert_eq!(PINNED.scheme, Some(TokenScheme::Bearer));
    /// ```
    pub const fn with_scheme(mut self, scheme: crate::TokenScheme) -> Self {
        self.scheme = Some(scheme);
        self
    }

    /// Sets the vendor's own error shape, tried before the RFC 6749 one.
    pub const fn with_error_shape(mut self, shape: ErrorShape) -> Self {
        self.error_shape = Some(shape);
        self
    }

    /// Sets how the vendor encodes its answers.
    pub const fn with_format(mut self, format: ResponseFormat) -> Self {
        self.format = format;
        self
    }

    /// Sets the HTTP status the vendor answers errors with (GitHub: 200).
    ///
    /// ```
    /// # use oauth_runtime::provider::*;
    /// const GITHUB: ResponseSpec = ResponseSpec::STANDARD.with_error_status(200);
    /// assert_eq!(GITHUB.error_status, Some(200));
    /// ```
    pub const fn with_error_status(mut self, status: u16) -> Self {
        self.error_status = Some(status);
        self
    }
}

impl Default for ResponseSpec {
    /// [`ResponseSpec::STANDARD`].
    fn default() -> Self {
        ResponseSpec::STANDARD
    }
}

/// Where a value sits in a response: a top-level field, or a path into nested objects and
/// arrays (a segment of digits indexes an array).
///
/// A name is taken literally, dots included (`.expires` is one field); only
/// [`FieldPath::nested`] descends. Its `Display` joins the segments with dots, and it compares
/// equal to that text.
///
/// ```
/// # use oauth_runtime::provider::FieldPath;
/// const USER_TOKEN: FieldPath = FieldPath::nested(&["authed_user", "access_token"]);
/// const FIRST_ERROR: FieldPath = FieldPath::nested(&["errors", "0", "errorType"]);
/// assert_eq!(USER_TOKEN, "authed_user.access_token");
/// assert_eq!(FIRST_ERROR.segments().collect::<Vec<_>>(), ["errors", "0", "errorType"]);
/// assert_eq!(FieldPath::name(".expires").segments().count(), 1);
/// assert_eq!(FieldPath::name("token"), FieldPath::nested(&["token"]));
/// ```
#[derive(Clone, Copy)]
pub struct FieldPath(PathRepr);

#[derive(Clone, Copy)]
enum PathRepr {
    Name(&'static str),
    Nested(&'static [&'static str]),
}

impl FieldPath {
    /// The top-level field `name`, taken literally.
    pub const fn name(name: &'static str) -> Self {
        FieldPath(PathRepr::Name(name))
    }

    /// The value reached through `segments`, from the top-level object down; a segment of
    /// ASCII digits indexes an array.
    ///
    /// # Panics
    ///
    /// When `segments` is empty or holds an empty segment: in a `const`, that is a compile
    /// error.
    pub const fn nested(segments: &'static [&'static str]) -> Self {
        assert!(!segments.is_empty(), "a field path needs at least one segment");
        let mut i = 0;
        while i < segments.len() {
            assert!(!segments[i].is_empty(), "a field path segment must not be empty");
            i += 1;
        }
        FieldPath(PathRepr::Nested(segments))
    }

    /// The segments, from the top-level field down.
    pub fn segments(&self) -> impl Iterator<Item = &'static str> + use<> {
        let (name, nested): (Option<&'static str>, &'static [&'static str]) = match self.0 {
            PathRepr::Name(name) => (Some(name), &[]),
            PathRepr::Nested(segments) => (None, segments),
        };
        name.into_iter().chain(nested.iter().copied())
    }

    /// The field's name if it is a top-level field.
    pub fn as_name(&self) -> Option<&'static str> {
        let mut segments = self.segments();
        let first = segments.next()?;
        segments.next().is_none().then_some(first)
    }
}

impl PartialEq for FieldPath {
    fn eq(&self, other: &Self) -> bool {
        self.segments().eq(other.segments())
    }
}

impl Eq for FieldPath {}

impl PartialEq<&str> for FieldPath {
    /// Whether the path, its segments joined with dots, is `other`.
    fn eq(&self, other: &&str) -> bool {
        let mut rest = *other;
        for (i, segment) in self.segments().enumerate() {
            if i > 0 {
                let Some(after) = rest.strip_prefix('.') else { return false };
                rest = after;
            }
            let Some(after) = rest.strip_prefix(segment) else { return false };
            rest = after;
        }
        rest.is_empty()
    }
}

impl std::fmt::Display for FieldPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, segment) in self.segments().enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            f.write_str(segment)?;
        }
        Ok(())
    }
}

impl std::fmt::Debug for FieldPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.to_string())
    }
}

/// A vendor's error body that is not RFC 6749's: where its code and description are, and which
/// codes mean success.
///
/// With a shape declared, a response whose code field holds a string or a number that is not
/// one of the success codes is [`Error::OAuth`](crate::Error::OAuth) with that code, whatever
/// the HTTP status (vendors of this kind often answer errors with a 200). Responses without the
/// code field are read as before, RFC 6749 errors included.
///
/// ```
/// # use oauth_runtime::provider::*;
/// // Fitbit: {"errors":[{"errorType":"invalid_grant","message":"..."}],"success":false}
/// const FITBIT: ErrorShape = ErrorShape::new(FieldPath::nested(&["errors", "0", "errorType"]))
///     .with_description(FieldPath::nested(&["errors", "0", "message"]));
/// // WeChat: {"errcode":40013,"errmsg":"invalid appid"}, and errcode 0 on success.
/// const WECHAT: ErrorShape =
///     ErrorShape::new(FieldPath::name("errcode")).with_description(FieldPath::name("errmsg")).with_success_codes(&["0"]);
/// // Facebook Graph: {"error":{"message":"...","type":"OAuthException","code":190}}
/// const GRAPH: ErrorShape = ErrorShape::new(FieldPath::nested(&["error", "type"]))
///     .with_description(FieldPath::nested(&["error", "message"]));
/// assert_eq!(WECHAT.success_codes, ["0"]);
/// # let _ = (FITBIT, GRAPH);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ErrorShape {
    /// Where the error code is (a string, or a number read as its decimal text).
    pub code: FieldPath,
    /// Where the human-readable description is, if anywhere.
    pub description: Option<FieldPath>,
    /// Where a link to the error's documentation is, if anywhere.
    pub uri: Option<FieldPath>,
    /// Codes that mean "no error" (`"0"`, `"ok"`), compared ignoring ASCII case.
    pub success_codes: &'static [&'static str],
}

impl ErrorShape {
    /// RFC 6749 section 5.2: `error`, `error_description`, `error_uri`.
    pub const RFC6749: ErrorShape = ErrorShape {
        code: FieldPath::name("error"),
        description: Some(FieldPath::name("error_description")),
        uri: Some(FieldPath::name("error_uri")),
        success_codes: &[],
    };

    /// A shape whose code is at `code`, with no description, link or success code.
    pub const fn new(code: FieldPath) -> Self {
        ErrorShape { code, description: None, uri: None, success_codes: &[] }
    }

    /// Sets where the description is.
    pub const fn with_description(mut self, description: FieldPath) -> Self {
        self.description = Some(description);
        self
    }

    /// Sets where the documentation link is.
    pub const fn with_uri(mut self, uri: FieldPath) -> Self {
        self.uri = Some(uri);
        self
    }

    /// Sets the codes that mean success.
    pub const fn with_success_codes(mut self, codes: &'static [&'static str]) -> Self {
        self.success_codes = codes;
        self
    }
}

/// How a token response gives the token's expiry (attribute keys `expires_in`, `expires_at`
/// with `expires_format`, and `no_expiry`).
///
/// ```
/// # use oauth_runtime::provider::*;
/// assert_eq!(Expiry::expires_in("ttl").field().unwrap(), "ttl");
/// assert_eq!(Expiry::at("exp", InstantFormat::EpochSeconds).field().unwrap(), "exp");
/// assert_eq!(Expiry::None.field(), None);
/// ```
///
/// # How `expires_in` is read
///
/// A lifetime field holds an integer, a numeric string (`"3600"`) or an integral float
/// (`3600.0`). `0`, `null` or an absent field mean "lifetime unknown": the default lifetime
/// applies, never "expired at once" (some vendors send `0` for tokens that do not expire). Any
/// other string, a fraction or another JSON type makes the response malformed, as
/// golang.org/x/oauth2 and oauth2-rs decide. A negative lifetime, or one under
/// [`ResponseSpec::min_lifetime`], is replaced by that floor. Lifetimes are clamped to ten
/// years, without overflow however large the number (`1e300` included). A field named
/// `expires_in` that is absent is looked for under the legacy draft name `expires` (Facebook),
/// which is ignored if it is not a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Expiry {
    /// A lifetime in seconds from now, in the named field; built by [`Expiry::expires_in`].
    #[non_exhaustive]
    ExpiresIn(FieldPath),
    /// An absolute instant in the given format, in the named field; built by [`Expiry::at`].
    /// The instant is read on the vendor's clock: when the response's `Date` header differs
    /// from the local clock by more than two seconds, the lifetime is counted from that date.
    #[non_exhaustive]
    At(FieldPath, InstantFormat),
    /// No expiry is given: the default lifetime applies.
    None,
}

impl Expiry {
    /// A lifetime in seconds in the top-level `field`.
    pub const fn expires_in(field: &'static str) -> Self {
        Expiry::ExpiresIn(FieldPath::name(field))
    }

    /// A lifetime in seconds at `path`.
    pub const fn expires_in_path(path: FieldPath) -> Self {
        Expiry::ExpiresIn(path)
    }

    /// An absolute instant written in `format` in the top-level `field`.
    pub const fn at(field: &'static str, format: InstantFormat) -> Self {
        Expiry::At(FieldPath::name(field), format)
    }

    /// An absolute instant written in `format` at `path`.
    pub const fn at_path(path: FieldPath, format: InstantFormat) -> Self {
        Expiry::At(path, format)
    }

    /// Where the expiry is read from, if anywhere.
    pub const fn field(&self) -> Option<FieldPath> {
        match *self {
            Expiry::ExpiresIn(field) | Expiry::At(field, _) => Some(field),
            Expiry::None => None,
        }
    }
}

/// The format of an absolute expiry instant (attribute key `expires_format`).
///
/// ```
/// # use oauth_runtime::provider::*;
/// let expiry = Expiry::at(".expires", InstantFormat::HttpDate);
/// assert_eq!(expiry, Expiry::at(".expires", InstantFormat::HttpDate));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum InstantFormat {
    /// ISO-8601 / RFC 3339, e.g. `2023-05-10T17:35:31.703819Z`: `expires_format = "rfc3339"`.
    Rfc3339,
    /// HTTP-date (RFC 9110), e.g. `Mon, 30 Jan 2017 14:10:47 GMT`: `expires_format = "http_date"`.
    HttpDate,
    /// Milliseconds since the Unix epoch, as a number or a numeric string:
    /// `expires_format = "epoch_millis"`.
    EpochMillis,
    /// Seconds since the Unix epoch, as a number or a numeric string:
    /// `expires_format = "epoch_seconds"`.
    EpochSeconds,
}

/// A type that describes a vendor and holds the credentials for it.
///
/// `#[oauth_provider]` implements this for the annotated struct; it can also be implemented by
/// hand. [`Provider::credentials`] lists the field values in the order of
/// [`ProviderSpec::fields`]. The client constructors [`Provider::client`] and
/// [`Provider::client_builder`] come with the trait, so they never collide with the struct's own
/// items; bring the trait into scope to call them.
///
/// ```
/// use oauth_runtime::{provider::*, Credential, Provider, Secret};
///
/// struct Example { client_id: String, client_secret: Secret }
///
/// impl Provider for Example {
///     const SPEC: &'static ProviderSpec = &ProviderSpec::minimal("Example", "/token");
///     fn credentials(self) -> Vec<Credential> {
///         vec![Credential::from(self.client_id), Credential::from(self.client_secret)]
///     }
/// }
///
/// let client = Example { client_id: "id".into(), client_secret: Secret::from("secret") }
///     .client("https://api.example.com")?;
/// assert_eq!(client.base_url().as_str(), "https://api.example.com/");
/// # Ok::<(), oauth_runtime::Error>(())
/// ```
pub trait Provider: Send + Sync + 'static {
    /// The vendor's description.
    const SPEC: &'static ProviderSpec;

    /// The credential values, one per entry of `SPEC.fields`, in the same order.
    fn credentials(self) -> Vec<crate::Credential>;

    /// Starts configuring a client that gets tokens with these credentials: set the base URL
    /// (`.base_url(..)` or `.environment(..)`), then `.build()`. The same as
    /// [`Client::builder`](crate::Client::builder).
    ///
    /// ```no_run
    /// # use oauth_runtime::{provider::*, Credential, Provider, Secret};
    /// # struct Example { client_id: String, client_secret: Secret }
    /// # impl Provider for Example {
    /// #     const SPEC: &'static ProviderSpec = &ProviderSpec::minimal("Example", "/token")
    /// #         .with_base_urls(&[BaseUrl::new("sandbox", "https://sandbox.example.com")]);
    /// #     fn credentials(self) -> Vec<Credential> { vec![self.client_id.into(), self.client_secret.into()] }
    /// # }
    /// let client = Example { client_id: "id".into(), client_secret: Secret::from("secret") }
    ///     .client_builder()
    ///     .environment("sandbox")
    ///     .timeout(std::time::Duration::from_secs(10))
    ///     .build()?;
    /// # Ok::<(), oauth_runtime::Error>(())
    /// ```
    fn client_builder(self) -> crate::ClientBuilder<Self>
    where
        Self: Sized,
    {
        crate::Client::builder(self)
    }

    /// A client that gets tokens with these credentials from the vendor at `base_url` (scheme,
    /// host and optional path prefix), with the default settings.
    ///
    /// # Errors
    ///
    /// When `base_url` is not a usable base URL (not a URL, or plain `http` to a host other than
    /// loopback), or the HTTP client cannot be built.
    fn client(self, base_url: &str) -> Result<crate::Client<Self>, crate::Error>
    where
        Self: Sized,
    {
        crate::Client::builder(self).base_url(base_url).build()
    }
}
