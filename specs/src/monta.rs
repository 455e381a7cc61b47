use oauth_runtime::{Secret, oauth_provider};

/// Monta: its own camelCase JSON flow, with absolute ISO-8601 expiry instants and a
/// separate refresh endpoint.
///
/// - `POST /auth/token`, JSON `{"clientId", "clientSecret"}` (no `grant_type`).
/// - Answer: `applicationId`, `userId`, `accessToken`, `accessTokenExpirationDate`
///   (an instant, one hour ahead), `refreshToken`, `refreshTokenExpirationDate` (~30 days).
/// - Refresh: `POST /auth/refresh`, JSON `{"refreshToken"}`; a new pair comes back.
/// - API calls: `Authorization: Bearer <token>`; `GET /auth/me` describes the application.
#[derive(Debug, Clone)]
#[oauth_provider(
    name = "Monta",
    grant = "client_credentials",
    send_grant_type = false,
    token_path = "/auth/token",
    body_style = "json",
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
    /// The application's client id from the Monta portal.
    #[oauth(rename = "clientId")]
    pub client_id: String,
    /// The application's client secret.
    #[oauth(rename = "clientSecret")]
    pub client_secret: Secret,
}
