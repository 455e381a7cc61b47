//! Monta: JSON without `grant_type`, its own refresh endpoint, camelCase names, RFC 3339 expiry.

use oauth_runtime::provider::{BodyStyle, Expiry, InstantFormat, Refresh};
use oauth_runtime::{Provider, Secret, oauth_provider};

#[oauth_provider(
    name = "Monta",
    grant = "client_credentials",
    token_path = "/auth/token",
    body_style = "json",
    send_grant_type = false,
    refresh = "endpoint",
    refresh_path = "/auth/refresh",
    refresh_param = "refreshToken",
    access_token = "accessToken",
    refresh_token = "refreshToken",
    expires_at = "accessTokenExpirationDate",
    expires_format = "rfc3339",
    base_url(production = "https://public-api.monta.com/api/v1")
)]
pub struct Monta {
    #[oauth(rename = "clientId")]
    pub client_id: String,
    #[oauth(rename = "clientSecret")]
    pub client_secret: Secret,
}

fn main() {
    let spec = Monta::SPEC;
    assert!(!spec.token.send_grant_type);
    assert_eq!(spec.token.body_style, BodyStyle::Json);
    assert_eq!(spec.refresh, Refresh::endpoint("/auth/refresh", "refreshToken"));
    assert_eq!(spec.response.access_token, "accessToken");
    assert_eq!(spec.response.refresh_token, "refreshToken");
    assert_eq!(spec.response.token_type, "token_type");
    assert_eq!(spec.response.expiry, Expiry::at("accessTokenExpirationDate", InstantFormat::Rfc3339));
    assert_eq!(spec.fields[0].name, "clientId");
    assert_eq!(spec.fields[1].name, "clientSecret");
    assert_eq!(Monta::PRODUCTION, "https://public-api.monta.com/api/v1");
    assert_eq!(spec.base_url("production"), Some(Monta::PRODUCTION));
}
