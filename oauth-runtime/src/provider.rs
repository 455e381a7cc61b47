//! The data model of a vendor's token endpoint.
//!
//! A [`ProviderSpec`] says everything the runtime needs to talk to one vendor: how to ask for a
//! token, how to refresh it and how to read the answer. It is plain `'static` data, built in a
//! `const` by `#[oauth_provider]` (or by hand), so a vendor quirk is a value here and never a
//! branch in the runtime.

use std::time::Duration;

/// A complete description of one vendor's token endpoint.
///
/// # Example
///
/// A client-credentials vendor that takes a form body and HTTP Basic client authentication:
///
/// ```
/// use oauth_runtime::provider::*;
///
/// const DEYEL: ProviderSpec = ProviderSpec {
///     name: "Deyel",
///     base_urls: &[],
///     token: TokenEndpoint {
///         path: "/oauth/token",
///         grant: Grant::ClientCredentials,
///         send_grant_type: true,
///         style: BodyStyle::Form,
///         client_auth: ClientAuth::Basic,
///         params: &[],
///     },
///     fields: &[
///         FieldSpec { name: "client_id", role: Role::ClientId, secret: false },
///         FieldSpec { name: "client_secret", role: Role::ClientSecret, secret: true },
///     ],
///     refresh: Refresh::Regrant,
///     response: ResponseSpec::STANDARD,
/// };
/// assert_eq!(DEYEL.token.grant.as_str(), "client_credentials");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
}

impl ProviderSpec {
    /// The base URL published under `name`, if the vendor has one by that name.
    ///
    /// ```
    /// # use oauth_runtime::provider::*;
    /// let spec = ProviderSpec {
    ///     base_urls: &[BaseUrl { name: "sandbox", url: "https://sandbox.example.com" }],
    ///     ..ProviderSpec::minimal("Example", "/token")
    /// };
    /// assert_eq!(spec.base_url("sandbox"), Some("https://sandbox.example.com"));
    /// assert_eq!(spec.base_url("production"), None);
    /// ```
    pub fn base_url(&self, name: &str) -> Option<&'static str> {
        self.base_urls.iter().find(|b| b.name == name).map(|b| b.url)
    }

    /// The first field that plays `role`, if any.
    pub fn field(&self, role: Role) -> Option<(usize, &'static FieldSpec)> {
        self.fields.iter().enumerate().find(|(_, f)| f.role == role)
    }

    /// A client-credentials spec with standard field names and no base URLs: a starting point
    /// for hand-written specs and examples (`..ProviderSpec::minimal(..)`).
    pub const fn minimal(name: &'static str, token_path: &'static str) -> Self {
        ProviderSpec {
            name,
            base_urls: &[],
            token: TokenEndpoint {
                path: token_path,
                grant: Grant::ClientCredentials,
                send_grant_type: true,
                style: BodyStyle::Form,
                client_auth: ClientAuth::Body,
                params: &[],
            },
            fields: &[
                FieldSpec { name: "client_id", role: Role::ClientId, secret: false },
                FieldSpec { name: "client_secret", role: Role::ClientSecret, secret: true },
            ],
            refresh: Refresh::Regrant,
            response: ResponseSpec::STANDARD,
        }
    }
}

/// A base URL the vendor publishes under a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BaseUrl {
    /// The name users pick it by, e.g. `"sandbox"`.
    pub name: &'static str,
    /// The URL, scheme and host (and optional path prefix) without a trailing slash.
    pub url: &'static str,
}

/// How a token is requested with the credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenEndpoint {
    /// Path of the token endpoint, relative to the base URL; starts with `/`.
    pub path: &'static str,
    /// The OAuth2 grant.
    pub grant: Grant,
    /// Whether `grant_type` is sent at all (Monta's JSON flow sends none).
    pub send_grant_type: bool,
    /// How the request body is encoded.
    pub style: BodyStyle,
    /// Where the client id and secret go.
    pub client_auth: ClientAuth,
    /// Fixed extra parameters sent with every token request, e.g. `("scope", "account")`.
    pub params: &'static [(&'static str, &'static str)],
}

/// The OAuth2 grant used to obtain a token from the credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grant {
    /// Resource owner password credentials (RFC 6749 section 4.3).
    Password,
    /// Client credentials (RFC 6749 section 4.4).
    ClientCredentials,
}

impl Grant {
    /// The `grant_type` value on the wire.
    pub const fn as_str(self) -> &'static str {
        match self {
            Grant::Password => "password",
            Grant::ClientCredentials => "client_credentials",
        }
    }
}

/// How a token request body is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyStyle {
    /// `application/x-www-form-urlencoded` body (RFC 6749).
    Form,
    /// `application/json` body.
    Json,
    /// Form body, with `grant_type` in the query string instead (Microbilt's second variant).
    FormGrantInQuery,
}

/// Where the client credentials go on a token request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientAuth {
    /// As body parameters under the fields' wire names.
    Body,
    /// In an HTTP Basic header, id and secret form-URL-encoded first (RFC 6749 section 2.3.1).
    Basic,
    /// In an HTTP Basic header, id and secret used as they are (for servers that do not decode).
    BasicRaw,
    /// Not sent.
    None,
}

/// The part a credential field plays in a token request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// The client identifier.
    ClientId,
    /// The client secret.
    ClientSecret,
    /// The resource owner's user name (password grant).
    Username,
    /// The resource owner's password (password grant).
    Password,
    /// Any other parameter sent with the grant, e.g. `scope`.
    Param,
}

/// One credential field of the annotated struct.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldSpec {
    /// The parameter name on the wire, e.g. `"clientId"`.
    pub name: &'static str,
    /// The part it plays.
    pub role: Role,
    /// Whether its value is secret (redacted everywhere, excluded from excerpts).
    pub secret: bool,
}

/// How a token is renewed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refresh {
    /// No refresh: the grant is run again with the credentials.
    Regrant,
    /// The `refresh_token` grant (RFC 6749 section 6) at `path` (usually the token path).
    ///
    /// The body holds `grant_type=refresh_token`, the refresh token under `param`, and the
    /// client credentials as the token endpoint sends them.
    RefreshTokenGrant {
        /// Path of the refresh endpoint.
        path: &'static str,
        /// Name of the refresh token parameter.
        param: &'static str,
    },
    /// A vendor-specific refresh endpoint whose body holds only the refresh token under `param`,
    /// encoded in the token endpoint's body style (Monta's `POST /auth/refresh`).
    Endpoint {
        /// Path of the refresh endpoint.
        path: &'static str,
        /// Name of the refresh token parameter.
        param: &'static str,
    },
}

impl Refresh {
    /// The standard refresh grant at `path` with the standard parameter name.
    pub const fn grant_at(path: &'static str) -> Self {
        Refresh::RefreshTokenGrant { path, param: "refresh_token" }
    }
}

/// Where the token response keeps each value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResponseSpec {
    /// Field holding the access token.
    pub access_token: &'static str,
    /// Field holding the token type (missing means Bearer).
    pub token_type: &'static str,
    /// Field holding the refresh token, if the vendor sends one.
    pub refresh_token: &'static str,
    /// How the token's expiry is given.
    pub expiry: Expiry,
    /// Lifetime assumed when the response gives no expiry.
    pub default_lifetime: Duration,
}

impl ResponseSpec {
    /// RFC 6749 section 5.1 names, `expires_in` in seconds, and a one-hour default lifetime.
    pub const STANDARD: ResponseSpec = ResponseSpec {
        access_token: "access_token",
        token_type: "token_type",
        refresh_token: "refresh_token",
        expiry: Expiry::ExpiresIn("expires_in"),
        default_lifetime: Duration::from_secs(3600),
    };
}

/// How a token response gives the token's expiry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expiry {
    /// A lifetime in seconds from now, as a number or a numeric string.
    ExpiresIn(&'static str),
    /// An absolute instant in the given format.
    At(&'static str, InstantFormat),
    /// No expiry is given: the default lifetime applies.
    None,
}

/// The format of an absolute expiry instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InstantFormat {
    /// ISO-8601 / RFC 3339, e.g. `2023-05-10T17:35:31.703819Z`.
    Rfc3339,
    /// HTTP-date (RFC 9110), e.g. `Mon, 30 Jan 2017 14:10:47 GMT`.
    HttpDate,
    /// Milliseconds since the Unix epoch, as a number or a numeric string.
    EpochMillis,
    /// Seconds since the Unix epoch, as a number or a numeric string.
    EpochSeconds,
}

/// A type that describes a vendor and holds the credentials for it.
///
/// `#[oauth_provider]` implements this for the annotated struct; it can also be implemented by
/// hand. [`Provider::credentials`] lists the field values in the order of
/// [`ProviderSpec::fields`].
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
/// ```
pub trait Provider: Send + Sync + 'static {
    /// The vendor's description.
    const SPEC: &'static ProviderSpec;

    /// The credential values, one per entry of `SPEC.fields`, in the same order.
    fn credentials(self) -> Vec<crate::Credential>;
}
