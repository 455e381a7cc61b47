use oauth_runtime::{Secret, oauth_provider};

/// MPS Monitor: the resource-owner password grant with a form body, refreshed with the
/// `refresh_token` grant at the same `/token` path.
///
/// - `POST /token`, `application/x-www-form-urlencoded`: `client_id`, `client_secret`,
///   `grant_type=password`, `username`, `password`, `scope` (the access level, `account`).
/// - Answer: `access_token`, `token_type: "bearer"` (lower case), `expires_in: 1799`,
///   `refresh_token`, plus `as:client_id`, `userName`, `.issued`, `.expires` (kept in
///   [`oauth_runtime::Token::extra`]).
/// - Refresh: `grant_type=refresh_token` with the client credentials and `refresh_token`;
///   a new refresh token comes back each time.
/// - API calls: `Authorization: Bearer <token>`, e.g. `GET /account/getaccount`.
#[derive(Debug, Clone)]
#[oauth_provider(
    name = "MPS Monitor",
    grant = "password",
    token_path = "/token",
    body_style = "form",
    refresh = "refresh_token_grant"
)]
pub struct MpsMonitor {
    /// The client identifier from the developer portal.
    pub client_id: String,
    /// The client password from the developer portal.
    pub client_secret: Secret,
    /// The user that logs in.
    pub username: String,
    /// That user's password or token.
    pub password: Secret,
    /// The MPS access level, `account`.
    #[oauth(param)]
    pub scope: String,
}

/// MPS Monitor's documented API operations, on [`MpsMonitorClient`](crate::MpsMonitorClient).
///
/// The document shows the request of `GET /account/getaccount` and no answer, so the answer is
/// read as untyped JSON.
///
/// ```no_run
/// use oauth_specs::{MpsMonitor, MpsMonitorApi, Provider, Secret};
/// # async fn demo(creds: MpsMonitor) -> Result<(), oauth_specs::Error> {
/// let client = creds.client("https://api.example-mps.com")?;
/// let account = client.get_account().await?;
/// println!("{account}");
/// # Ok(()) }
/// ```
#[oauth_runtime::oauth_api(client = MpsMonitor)]
pub trait MpsMonitorApi {
    /// `GET /account/getaccount`: the account behind the token (undocumented shape).
    #[get("/account/getaccount")]
    async fn get_account(&self) -> Result<serde_json::Value, oauth_runtime::Error>;
}
