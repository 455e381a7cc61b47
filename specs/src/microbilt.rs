use oauth_runtime::{Secret, oauth_provider};

/// Microbilt: client credentials in a JSON body.
///
/// - `POST /OAuth/GetAccessToken`, JSON `{"client_id", "client_secret", "grant_type":
///   "client_credentials"}`; sandbox `https://apitest.microbilt.com`, production
///   `https://api.microbilt.com` ([`Microbilt::SANDBOX`], [`Microbilt::PRODUCTION`]).
/// - Answer: `issued_at` (Unix milliseconds as a string), `expires_in` (a string: `"3599"`),
///   `token_type: "BearerToken"` (read as Bearer), `access_token`, `status: "approved"`.
/// - No refresh token: the grant is run again.
///
/// [`MicrobiltForm`] is the same endpoint with the form variant of the request.
#[derive(Debug, Clone)]
#[oauth_provider(
    name = "Microbilt",
    grant = "client_credentials",
    token_path = "/OAuth/GetAccessToken",
    body_style = "json",
    base_url(sandbox = "https://apitest.microbilt.com", production = "https://api.microbilt.com")
)]
pub struct Microbilt {
    /// The application's client id.
    pub client_id: String,
    /// The application's client secret.
    pub client_secret: Secret,
}

/// Microbilt, form variant: `client_id` and `client_secret` in a form body and
/// `grant_type=client_credentials` in the query string. Otherwise as [`Microbilt`].
#[derive(Debug, Clone)]
#[oauth_provider(
    name = "Microbilt",
    grant = "client_credentials",
    token_path = "/OAuth/GetAccessToken",
    body_style = "form_grant_in_query",
    base_url(sandbox = "https://apitest.microbilt.com", production = "https://api.microbilt.com")
)]
pub struct MicrobiltForm {
    /// The application's client id.
    pub client_id: String,
    /// The application's client secret.
    pub client_secret: Secret,
}
