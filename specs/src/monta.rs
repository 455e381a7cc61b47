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

/// The application behind a Monta token, as `GET /auth/me` returns it.
///
/// The document shows one sample; every field is read as it shows it, the dates as real
/// instants.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Application {
    /// The application's id.
    pub id: u64,
    /// The user the application acts for.
    pub user_id: u64,
    /// The application's name.
    pub name: String,
    /// The application's client id.
    pub client_id: String,
    /// Always `null` in answers: the secret is never sent back.
    pub client_secret: Option<String>,
    /// The scopes granted, e.g. `["all"]`.
    pub scopes: Vec<String>,
    /// When the application was created.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: time::OffsetDateTime,
    /// When the application was last changed.
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: time::OffsetDateTime,
}

/// An error body from Monta's API.
///
/// Monta's document does not show one; this is the shape its simulator assumes (a JSON object
/// with `status`, `errorCode` and `message`, as Spring-style JSON APIs answer), so every field
/// is optional.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct MontaError {
    /// The HTTP status repeated in the body.
    pub status: Option<u16>,
    /// A machine-readable code, e.g. `AUTHENTICATION_FAILED`.
    pub error_code: Option<String>,
    /// A human-readable message.
    pub message: Option<String>,
}

/// Monta's documented API operations, on [`MontaClient`](crate::MontaClient).
///
/// ```no_run
/// use oauth_specs::{Monta, MontaApi, Provider, Secret};
/// # async fn demo() -> Result<(), oauth_specs::Error> {
/// let client = Monta { client_id: "id".into(), client_secret: Secret::from("secret") }
///     .client(Monta::PRODUCTION)?;
/// let app = client.me().await?;
/// println!("{} (created {})", app.name, app.created_at);
/// # Ok(()) }
/// ```
#[oauth_runtime::oauth_api(client = Monta, error = MontaError)]
pub trait MontaApi {
    /// `GET /auth/me`: the application behind the token, its scopes and dates.
    #[get("/auth/me")]
    async fn me(&self) -> Result<Application, oauth_runtime::Error>;
}
