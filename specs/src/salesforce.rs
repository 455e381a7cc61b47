use oauth_runtime::{key::SigningKey, oauth_provider};

/// Salesforce's server-to-server flow: the JWT-bearer grant of a connected app, acting as one
/// of the org's users.
///
/// From Salesforce's public documentation, "OAuth 2.0 JWT Bearer Flow for Server-to-Server
/// Integration" (help.salesforce.com, `remoteaccess_oauth_jwt_flow`), as known to this crate's
/// authors; there is no seed document for it:
///
/// - `POST https://login.salesforce.com/services/oauth2/token` (sandboxes:
///   `https://test.salesforce.com`), form body,
///   `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=<JWT>`. The consumer key
///   also goes as `client_id` beside it (RFC 7521 section 4.2 allows it).
/// - The JWT, RS256 with the certificate's key uploaded to the connected app: `iss` the
///   consumer key, `sub` the user's username, `aud` the login host
///   (`https://login.salesforce.com`, or `https://test.salesforce.com`), `exp` within three
///   minutes (the client sends 180 s).
/// - Answer: `access_token`, `scope`, `instance_url`, `id`, `token_type: "Bearer"`, and no
///   lifetime: the session lasts the org's timeout (two hours by default, assumed here). No
///   refresh token: a new assertion, unattended.
/// - API calls go to the org's instance (the answer's `instance_url`, in
///   [`Token::extra`](oauth_runtime::Token::extra)), not to the login host.
///
/// ```no_run
/// use oauth_specs::{Provider, Salesforce, SigningKey};
///
/// # async fn demo() -> Result<(), oauth_specs::Error> {
/// let salesforce = Salesforce {
///     client_id: "3MVG9...consumer-key".into(),
///     username: "integration@example.com".into(),
///     key: SigningKey::from_pem(std::fs::read_to_string("server.key").unwrap_or_default()),
/// };
/// let client = salesforce
///     .client_builder()
///     .base_url("https://example.my.salesforce.com")
///     .auth_base_url(Salesforce::PRODUCTION)
///     .build()?; // needs feature `jwt`
/// let limits = client.get("/services/data/v61.0/limits").send().await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
#[oauth_provider(
    name = "Salesforce",
    grant = "jwt_bearer",
    token_path = "/services/oauth2/token",
    signing_alg = "RS256",
    assertion_audience = "token_origin",
    assertion_lifetime = 180,
    no_expiry,
    default_lifetime = 7200,
    base_url(production = "https://login.salesforce.com", sandbox = "https://test.salesforce.com")
)]
pub struct Salesforce {
    /// The connected app's consumer key.
    pub client_id: String,
    /// The Salesforce user the app acts as (`sub`).
    pub username: String,
    /// The private key of the certificate uploaded to the connected app.
    pub key: SigningKey,
}
