use oauth_runtime::{Secret, oauth_provider};

/// Deyel (Documentation 8.7): client credentials in an HTTP Basic header, form body.
///
/// - `POST`, `application/x-www-form-urlencoded`, `grant_type=client_credentials`;
///   `Authorization: Basic base64(client_id:client_secret)`. The document names no path;
///   `/oauth/token` is assumed: pass your installation's URL prefix as the base URL.
/// - Answer: `access_token` (a JWT), `token_type: "Bearer"`, `expires_in: 86400`.
/// - Failure: `{"error_description": "Invalid client_id", "error": "Invalid_request"}`
///   (the code's case is matched loosely).
/// - No refresh token: the grant is run again.
#[derive(Debug, Clone)]
#[oauth_provider(name = "Deyel", grant = "client_credentials", token_path = "/oauth/token", client_auth = "basic")]
pub struct Deyel {
    /// The "Rest API thing" user's client id.
    pub client_id: String,
    /// Its client secret.
    pub client_secret: Secret,
}
