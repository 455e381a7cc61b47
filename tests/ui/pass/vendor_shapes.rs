//! Every vendor-shape key: nested paths, aliases, an error shape, a pinned scheme and a floor.

use std::time::Duration;

use oauth_runtime::provider::{ErrorShape, Expiry, FieldPath, InstantFormat};
use oauth_runtime::{Provider, Secret, TokenScheme, oauth_provider};

#[oauth_provider(
    grant = "client_credentials",
    token_path = "/oauth.v2.access",
    access_token_path = "authed_user.access_token",
    access_token_aliases("token", "data.tokens[0].value"),
    token_type_path = "authed_user.token_type",
    token_type_aliases("tokenType"),
    refresh_token_path = "authed_user.refresh_token",
    refresh_token_aliases("refreshToken"),
    expires_in_path = "authed_user.expires_in",
    expires_in_aliases("expire"),
    min_lifetime = 30,
    token_scheme = "Bearer",
    error_shape(code = "errcode", description = "errors[0].message", uri = "help", success_codes("0", "ok"))
)]
pub struct Nested {
    pub client_id: String,
    pub client_secret: Secret,
}

#[oauth_provider(
    grant = "client_credentials",
    token_path = "/t",
    expires_at_path = "data.expiresAt",
    expires_format = "rfc3339",
    error_shape(code = "error")
)]
pub struct AtPath {
    pub client_id: String,
    pub client_secret: Secret,
}

fn main() {
    let r = Nested::SPEC.response;
    assert_eq!(r.access_token, FieldPath::nested(&["authed_user", "access_token"]));
    assert_eq!(r.access_token_aliases, [FieldPath::name("token"), FieldPath::nested(&["data", "tokens", "0", "value"])]);
    assert_eq!(r.token_type, "authed_user.token_type");
    assert_eq!(r.token_type_aliases, [FieldPath::name("tokenType")]);
    assert_eq!(r.refresh_token, "authed_user.refresh_token");
    assert_eq!(r.refresh_token_aliases, [FieldPath::name("refreshToken")]);
    assert_eq!(r.expiry, Expiry::expires_in_path(FieldPath::nested(&["authed_user", "expires_in"])));
    assert_eq!(r.expiry_aliases, [FieldPath::name("expire")]);
    assert_eq!(r.min_lifetime, Duration::from_secs(30));
    assert_eq!(r.scheme, Some(TokenScheme::Bearer));
    assert_eq!(
        r.error_shape,
        Some(
            ErrorShape::new(FieldPath::name("errcode"))
                .with_description(FieldPath::nested(&["errors", "0", "message"]))
                .with_uri(FieldPath::name("help"))
                .with_success_codes(&["0", "ok"])
        )
    );
    let at = AtPath::SPEC.response;
    assert_eq!(at.expiry, Expiry::at_path(FieldPath::nested(&["data", "expiresAt"]), InstantFormat::Rfc3339));
    assert_eq!(at.error_shape, Some(ErrorShape::new(FieldPath::name("error"))));
    assert_eq!(at.scheme, None);
    assert_eq!(at.min_lifetime, Duration::from_secs(1));
}
