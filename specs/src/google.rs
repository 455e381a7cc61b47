use oauth_runtime::{key::SigningKey, oauth_provider};

/// A Google Cloud service account: the JWT-bearer grant, signed with the key file as it is
/// downloaded from the console.
///
/// From Google's public documentation, "Using OAuth 2.0 for Server to Server Applications"
/// (developers.google.com/identity/protocols/oauth2/service-account), as known to this crate's
/// authors; there is no seed document for it:
///
/// - `POST https://oauth2.googleapis.com/token`, form body,
///   `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=<JWT>`; no client
///   authentication besides the assertion.
/// - The JWT: header `{"alg":"RS256","typ":"JWT","kid":<private_key_id>}`; claims `iss` the
///   `client_email`, `scope` the space-separated scopes, `aud` the `token_uri`
///   (`https://oauth2.googleapis.com/token`), `iat`, and `exp` at most an hour later (the
///   client sends 60 s); `sub` only for domain-wide delegation (not declared here).
/// - Answer: `access_token`, `expires_in` (3599), `token_type: "Bearer"`; no refresh token, so
///   a token is renewed by a new assertion, unattended.
/// - API calls (`https://www.googleapis.com/...` and the per-service hosts) carry
///   `Authorization: Bearer <token>`.
///
/// ```no_run
/// use oauth_specs::{GoogleServiceAccount, Provider, SigningKey};
///
/// # async fn demo() -> Result<(), oauth_specs::Error> {
/// let file = std::fs::read_to_string("service-account.json").unwrap_or_default();
/// let google = GoogleServiceAccount {
///     key: SigningKey::google_service_account(file),
///     scope: "https://www.googleapis.com/auth/devstorage.read_only".into(),
/// };
/// let client = google.client_builder().base_url("https://storage.googleapis.com").build()?; // needs feature `jwt`
/// let buckets = client.get("/storage/v1/b?project=my-project").send().await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
#[oauth_provider(
    name = "Google service account",
    grant = "jwt_bearer",
    token_path = "/token",
    signing_alg = "RS256",
    assertion_scope = "claim",
    base_url(production = "https://www.googleapis.com"),
    auth_base_url(production = "https://oauth2.googleapis.com")
)]
pub struct GoogleServiceAccount {
    /// The service account's key file, as downloaded
    /// ([`SigningKey::google_service_account`]).
    pub key: SigningKey,
    /// The scopes asked for, space-separated (a handle's
    /// [`TokenParams::scope`](oauth_runtime::TokenParams::scope) replaces them).
    #[oauth(param)]
    pub scope: String,
}
