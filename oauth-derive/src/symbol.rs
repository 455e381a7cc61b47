//! The vocabulary of both attributes, at the bottom of the crate: every spelling a user writes
//! and the value it stands for, so that readers, rules, suggestions and the expansion agree.
//!
//! `#[oauth_provider]`'s keys are declared with their fields in `provider::attr`; its values
//! with a fixed set of spellings are here. `#[oauth_api]`'s attribute names and keys are here.

pub(crate) use oauth_codegen::operations::Method;
pub(crate) use oauth_codegen::operations::syntax::{CLIENT_METHODS, KEPT_ATTRS, default_crate_path, private, unraw};

/// The OAuth2 grant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Grant {
    Password,
    ClientCredentials,
    TokenExchange,
    JwtBearer,
    RefreshToken,
    DeviceCode,
    AuthorizationCode,
}

impl Grant {
    /// The `grant_type` it sends, to recognise a `grant_type = ".."` that names it.
    pub(crate) fn wire(self) -> &'static str {
        match self {
            Grant::Password => "password",
            Grant::ClientCredentials => "client_credentials",
            Grant::TokenExchange => "urn:ietf:params:oauth:grant-type:token-exchange",
            Grant::JwtBearer => "urn:ietf:params:oauth:grant-type:jwt-bearer",
            Grant::RefreshToken => "refresh_token",
            Grant::DeviceCode => "urn:ietf:params:oauth:grant-type:device_code",
            Grant::AuthorizationCode => "authorization_code",
        }
    }

    /// Whether the grant needs a person (or a refresh token a person obtained).
    pub(crate) fn needs_person(self) -> bool {
        matches!(self, Grant::RefreshToken | Grant::DeviceCode | Grant::AuthorizationCode)
    }
}

/// How the vendor encodes its answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ResponseFormat {
    Json,
    Form,
    FormUnlessJsonAccepted,
}

/// How a token request is encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BodyStyle {
    Form,
    Json,
    FormGrantInQuery,
}

/// Where the client id and secret go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ClientAuth {
    Body,
    Basic,
    BasicRaw,
    None,
    Tls,
    SelfSignedTls,
    PrivateKeyJwt,
    ClientSecretJwt,
}

impl ClientAuth {
    /// Whether the client id and secret travel in an HTTP Basic header.
    pub(crate) fn is_basic(self) -> bool {
        matches!(self, ClientAuth::Basic | ClientAuth::BasicRaw)
    }

    /// Whether the client proves itself with a TLS client certificate (RFC 8705).
    pub(crate) fn is_tls(self) -> bool {
        matches!(self, ClientAuth::Tls | ClientAuth::SelfSignedTls)
    }

    /// Whether the method needs the client secret (every one but a public client's, the
    /// private key's and mutual TLS).
    pub(crate) fn needs_secret(self) -> bool {
        !matches!(self, ClientAuth::None | ClientAuth::PrivateKeyJwt) && !self.is_tls()
    }
}

/// A JWS algorithm, as `signing_alg` names it (JOSE's spelling, case-sensitive).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SigningAlg {
    Rs256,
    Ps256,
    Es256,
    EdDsa,
    Hs256,
}

/// Where a JWT-bearer grant's scope goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AssertionScope {
    Body,
    Claim,
}

/// The `refresh` setting as written, before its path and parameter are attached.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RefreshKind {
    Regrant,
    RefreshTokenGrant,
    Endpoint,
}

/// The format of an absolute expiry instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum InstantFormat {
    Rfc3339,
    HttpDate,
    EpochMillis,
    EpochSeconds,
}

/// How tokens are presented to the API.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Presentation {
    Bearer,
    Dpop,
}

/// The signature algorithm of DPoP proofs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DpopAlg {
    Es256,
    Rs256,
    Ps256,
}

/// The part a credential field plays.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Role {
    ClientId,
    ClientSecret,
    Username,
    Password,
    Param,
    ClientCertificate,
    SigningKey,
}

impl Role {
    /// The name users write in `#[oauth(role = "..")]`.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Role::ClientId => "client_id",
            Role::ClientSecret => "client_secret",
            Role::Username => "username",
            Role::Password => "password",
            Role::Param => "param",
            Role::ClientCertificate => "client_certificate",
            Role::SigningKey => "signing_key",
        }
    }

    /// The role a field plays without saying so, from its name.
    pub(crate) fn from_field_name(name: &str) -> Option<Role> {
        match name {
            "client_id" => Some(Role::ClientId),
            "client_secret" => Some(Role::ClientSecret),
            "username" => Some(Role::Username),
            "password" => Some(Role::Password),
            "client_certificate" => Some(Role::ClientCertificate),
            "signing_key" => Some(Role::SigningKey),
            _ => None,
        }
    }

    /// Whether values in this role must be declared as `Secret` (key material has a runtime
    /// type of its own, secret in its own way: [`Role::is_material`]).
    pub(crate) fn is_secret(self) -> bool {
        matches!(self, Role::ClientSecret | Role::Password)
    }

    /// Whether values in this role are key material of a runtime type (`ClientIdentity`,
    /// `SigningKey`), not a `Secret` string; secret all the same.
    pub(crate) fn is_material(self) -> bool {
        matches!(self, Role::ClientCertificate | Role::SigningKey)
    }
}

/// A setting with a fixed set of values, written as a string.
pub(crate) trait Choice: Copy + 'static {
    /// Every accepted spelling and its value.
    const VALUES: &'static [(&'static str, Self)];
    /// The spellings alone.
    const NAMES: &'static [&'static str];
    /// Names other specs or libraries use for a value, to suggest ours: not accepted, since
    /// one spelling per value keeps attributes greppable.
    const ALIASES: &'static [(&'static str, &'static str)];
    /// Said after an unknown value that resembles none of the names.
    const OTHERWISE: &'static str = "";
}

/// Implements [`Choice`] from one list of spellings.
macro_rules! choice {
    ($ty:ty { $($name:literal => $value:expr,)* } aliases { $($alias:literal => $ours:literal,)* } $(otherwise $otherwise:literal)?) => {
        impl Choice for $ty {
            const VALUES: &'static [(&'static str, Self)] = &[$(($name, $value)),*];
            const NAMES: &'static [&'static str] = &[$($name),*];
            const ALIASES: &'static [(&'static str, &'static str)] = &[$(($alias, $ours)),*];
            $(const OTHERWISE: &'static str = $otherwise;)?
        }
    };
}

choice!(Grant {
    "password" => Grant::Password,
    "client_credentials" => Grant::ClientCredentials,
    "token_exchange" => Grant::TokenExchange,
    "jwt_bearer" => Grant::JwtBearer,
    "refresh_token" => Grant::RefreshToken,
    "device_code" => Grant::DeviceCode,
    "authorization_code" => Grant::AuthorizationCode,
} aliases {
    "client" => "client_credentials",
    "resource_owner" => "password",
    "ropc" => "password",
    "urn:ietf:params:oauth:grant-type:token-exchange" => "token_exchange",
    "exchange" => "token_exchange",
    "jwt" => "jwt_bearer",
    "urn:ietf:params:oauth:grant-type:jwt-bearer" => "jwt_bearer",
    "assertion" => "jwt_bearer",
    "service_account" => "jwt_bearer",
    "refresh" => "refresh_token",
    "refresh_only" => "refresh_token",
    "device" => "device_code",
    "device_authorization" => "device_code",
    "urn:ietf:params:oauth:grant-type:device_code" => "device_code",
    "code" => "authorization_code",
    "authorization" => "authorization_code",
    "pkce" => "authorization_code",
} otherwise "for a grant type of the vendor's own, write its wire name as `grant_type = \"..\"` instead of `grant`");
choice!(ResponseFormat {
    "json" => ResponseFormat::Json,
    "form" => ResponseFormat::Form,
    "form_unless_json_accepted" => ResponseFormat::FormUnlessJsonAccepted,
} aliases {
    "application/json" => "json",
    "urlencoded" => "form",
    "application/x-www-form-urlencoded" => "form",
    "github" => "form_unless_json_accepted",
});
choice!(BodyStyle {
    "form" => BodyStyle::Form,
    "json" => BodyStyle::Json,
    "form_grant_in_query" => BodyStyle::FormGrantInQuery,
} aliases {
    "urlencoded" => "form",
    "x-www-form-urlencoded" => "form",
    "application/x-www-form-urlencoded" => "form",
    "application/json" => "json",
    "query" => "form_grant_in_query",
});
choice!(ClientAuth {
    "body" => ClientAuth::Body,
    "basic" => ClientAuth::Basic,
    "basic_raw" => ClientAuth::BasicRaw,
    "none" => ClientAuth::None,
    "tls_client_auth" => ClientAuth::Tls,
    "self_signed_tls_client_auth" => ClientAuth::SelfSignedTls,
    "private_key_jwt" => ClientAuth::PrivateKeyJwt,
    "client_secret_jwt" => ClientAuth::ClientSecretJwt,
} aliases {
    "mtls" => "tls_client_auth",
    "mutual_tls" => "tls_client_auth",
    "self_signed" => "self_signed_tls_client_auth",
    "jwt" => "private_key_jwt",
    "private_key" => "private_key_jwt",
    "assertion" => "private_key_jwt",
    "secret_jwt" => "client_secret_jwt",
    "hs256" => "client_secret_jwt",
    "header" => "basic",
    "client_secret_basic" => "basic",
    "client_secret_post" => "body",
    "post" => "body",
    "raw" => "basic_raw",
});
choice!(RefreshKind {
    "regrant" => RefreshKind::Regrant,
    "refresh_token_grant" => RefreshKind::RefreshTokenGrant,
    "endpoint" => RefreshKind::Endpoint,
} aliases {
    // Former spellings first.
    "none" => "regrant",
    "grant" => "refresh_token_grant",
    "refresh_token" => "refresh_token_grant",
    "no" => "regrant",
    "custom" => "endpoint",
    "own" => "endpoint",
});
choice!(InstantFormat {
    "rfc3339" => InstantFormat::Rfc3339,
    "http_date" => InstantFormat::HttpDate,
    "epoch_millis" => InstantFormat::EpochMillis,
    "epoch_seconds" => InstantFormat::EpochSeconds,
} aliases {
    "iso8601" => "rfc3339",
    "iso_8601" => "rfc3339",
    "iso" => "rfc3339",
    "rfc1123" => "http_date",
    "rfc7231" => "http_date",
    "rfc9110" => "http_date",
    "millis" => "epoch_millis",
    "milliseconds" => "epoch_millis",
    "unix" => "epoch_seconds",
    "unix_millis" => "epoch_millis",
    "seconds" => "epoch_seconds",
    "epoch" => "epoch_seconds",
});
choice!(Presentation {
    "bearer" => Presentation::Bearer,
    "dpop" => Presentation::Dpop,
} aliases {
    "rfc6750" => "bearer",
    "rfc9449" => "dpop",
    "proof_of_possession" => "dpop",
    "pop" => "dpop",
});
choice!(DpopAlg {
    "ES256" => DpopAlg::Es256,
    "RS256" => DpopAlg::Rs256,
    "PS256" => DpopAlg::Ps256,
} aliases {
    // JWA names are upper case; the lower-case spellings point there.
    "es256" => "ES256",
    "rs256" => "RS256",
    "ps256" => "PS256",
    "p256" => "ES256",
    "p-256" => "ES256",
    "ecdsa" => "ES256",
    "rsa" => "RS256",
});
choice!(Role {
    "client_id" => Role::ClientId,
    "client_secret" => Role::ClientSecret,
    "username" => Role::Username,
    "password" => Role::Password,
    "param" => Role::Param,
    "client_certificate" => Role::ClientCertificate,
    "signing_key" => Role::SigningKey,
} aliases {
    "certificate" => "client_certificate",
    "identity" => "client_certificate",
    "key" => "signing_key",
    "private_key" => "signing_key",
    "jwk" => "signing_key",
    "id" => "client_id",
    "client" => "client_id",
    "secret" => "client_secret",
    "user" => "username",
    "login" => "username",
    "pass" => "password",
    "parameter" => "param",
    "extra" => "param",
});

choice!(SigningAlg {
    "RS256" => SigningAlg::Rs256,
    "PS256" => SigningAlg::Ps256,
    "ES256" => SigningAlg::Es256,
    "EdDSA" => SigningAlg::EdDsa,
    "HS256" => SigningAlg::Hs256,
} aliases {
    // JOSE names are case-sensitive: another case is suggested, never accepted.
    "rs256" => "RS256",
    "ps256" => "PS256",
    "es256" => "ES256",
    "eddsa" => "EdDSA",
    "ed25519" => "EdDSA",
    "hs256" => "HS256",
    "rsa" => "RS256",
    "ecdsa" => "ES256",
    "p-256" => "ES256",
});
choice!(AssertionScope {
    "body" => AssertionScope::Body,
    "claim" => AssertionScope::Claim,
} aliases {
    "claims" => "claim",
    "assertion" => "claim",
    "param" => "body",
    "parameter" => "body",
});

/// The `Authorization` scheme `token_scheme` pins. Read case-insensitively, as RFC 9110
/// compares scheme names, so it is not a [`Choice`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TokenScheme {
    Bearer,
}

impl TokenScheme {
    /// The accepted spellings, as the documentation gives them.
    pub(crate) const NAMES: &'static [&'static str] = &["bearer"];
    /// Schemes the runtime knows but cannot present: they need a proof of possession.
    pub(crate) const UNSUPPORTED: &'static [&'static str] = &["dpop", "mac"];

    /// The scheme spelt `written`, in any case.
    pub(crate) fn from_name(written: &str) -> Option<TokenScheme> {
        written.eq_ignore_ascii_case("bearer").then_some(TokenScheme::Bearer)
    }
}

/// The keys inside `error_shape(..)`, `code` first since it is required.
pub(crate) const ERROR_SHAPE_KEYS: &[&str] = &["code", "description", "uri", "success_codes"];

/// The accepted value closest to a misspelt one, if any is close.
pub(crate) fn did_you_mean<'a>(written: &str, accepted: &[&'a str]) -> Option<&'a str> {
    // Long input is not a typo of a short key; it also keeps the comparison cheap.
    if written.len() > 64 {
        return None;
    }
    let normal = written.trim().to_lowercase().replace(['-', ' '], "_");
    accepted
        .iter()
        .map(|a| (*a, strsim::jaro_winkler(&normal, a)))
        .filter(|(_, score)| *score > 0.8)
        .max_by(|x, y| x.1.total_cmp(&y.1))
        .map(|(a, _)| a)
}

/// The spelling of a choice's value.
pub(crate) fn name_of<T: Choice + PartialEq>(value: T) -> &'static str {
    T::VALUES.iter().find(|(_, v)| *v == value).map_or("?", |(n, _)| n)
}

// ---------------------------------------------------------------- #[oauth_api]

choice!(Method {
    "get" => Method::Get,
    "post" => Method::Post,
    "put" => Method::Put,
    "patch" => Method::Patch,
    "delete" => Method::Delete,
    "head" => Method::Head,
} aliases {
    "fetch" => "get",
    "create" => "post",
    "update" => "put",
    "remove" => "delete",
    "del" => "delete",
});

/// The keys of `#[oauth_api(..)]`.
pub(crate) const API_KEYS: &[&str] = &["client", "error", "scopes", "crate"];

/// The options of an operation's attribute, after its path: `#[get("/x", timeout_ms = 500)]`.
pub(crate) const OPERATION_KEYS: &[&str] = &["error", "timeout_ms", "header", "name", "scopes"];

/// The attributes of an operation's arguments. An argument without one fills the path
/// placeholder of its name; `#[path("name")]` one of another name.
pub(crate) const ARG_ATTRS: &[&str] = &["query", "json", "form", "body", "multipart", "header", "path"];

/// The option of `#[query(..)]` that sends a struct's fields as the query pairs.
pub(crate) const QUERY_FLATTEN: &str = "flatten";

/// The option of `#[query(..)]` that names how a list or a struct is written.
pub(crate) const QUERY_STYLE: &str = "style";
