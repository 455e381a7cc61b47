use oauth_runtime::{Secret, oauth_provider};

/// Zoom Server-to-Server OAuth apps: Zoom's own `account_credentials` grant, from Zoom's
/// public documentation ("Using Server-to-Server OAuth", developers.zoom.us; no copy of it is
/// vendored here, so this is written from what that page says).
///
/// - `POST https://zoom.us/oauth/token` with `grant_type=account_credentials` and
///   `account_id=<the account's id>`; the app's client id and secret in
///   `Authorization: Basic base64(client_id:client_secret)`. The page shows the two
///   parameters in the query string; this definition sends them as a form body, as OAuth
///   extension grants are sent (RFC 6749 section 4.5) and as widely used clients do.
/// - Answer: `access_token`, `token_type: "bearer"`, `expires_in: 3599`, `scope` and `api_url`
///   (kept in [`Token::extra`](oauth_runtime::Token::extra)); no refresh token: the grant is
///   run again when the token is due.
/// - API calls go to `https://api.zoom.us/v2` with `Authorization: Bearer <token>`: use
///   `Zoom::PRODUCTION`, which carries the token host `https://zoom.us`.
/// - Revocation: `POST https://zoom.us/oauth/revoke` with `token=..` and the same Basic
///   authentication, as the page documents it for Zoom's OAuth apps (`client.revoke()`).
#[derive(Debug, Clone)]
#[oauth_provider(
    name = "Zoom",
    grant_type = "account_credentials",
    token_path = "/oauth/token",
    client_auth = "basic",
    revocation_path = "/oauth/revoke",
    base_url(production = "https://api.zoom.us/v2"),
    auth_base_url(production = "https://zoom.us")
)]
pub struct Zoom {
    /// The app's client id.
    pub client_id: String,
    /// The app's client secret.
    pub client_secret: Secret,
    /// The Zoom account's id, sent as `account_id` with every token request.
    #[oauth(param)]
    pub account_id: String,
}
