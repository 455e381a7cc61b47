use oauth_runtime::{key::SigningKey, oauth_provider};

/// Microsoft Entra ID (Azure AD): the client-credentials grant with a certificate credential,
/// a `private_key_jwt` client assertion that names the certificate by its SHA-256 thumbprint.
///
/// From Microsoft's public documentation, "Microsoft identity platform application
/// authentication certificate credentials" and "OAuth 2.0 client credentials flow"
/// (learn.microsoft.com), as known to this crate's authors; there is no seed document for it:
///
/// - `POST https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token`, form body:
///   `client_id`, `scope=https://graph.microsoft.com/.default`,
///   `client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer`,
///   `client_assertion=<JWT>`, `grant_type=client_credentials`.
/// - The JWT: header `alg` RS256, `typ: JWT`, `x5t#S256` the base64url SHA-256 thumbprint of
///   the certificate uploaded to the app registration; claims `aud` the token endpoint's URL,
///   `iss` and `sub` the client id, `jti`, `nbf`, `iat`, `exp`.
/// - Answer: `token_type: "Bearer"`, `expires_in` (3599), `access_token`; no refresh token.
/// - The tenant is part of the token host: build with
///   `.auth_base_url(&MicrosoftEntra::login_url("contoso.onmicrosoft.com"))`; the declared
///   default (`organizations`) refuses the client-credentials grant, so a client built
///   without it fails with Entra's error rather than asking the wrong tenant.
///
/// ```no_run
/// use oauth_specs::{MicrosoftEntra, Provider, SigningKey};
///
/// # async fn demo() -> Result<(), oauth_specs::Error> {
/// let entra = MicrosoftEntra {
///     client_id: "00000000-0000-0000-0000-000000000000".into(),
///     certificate_key: SigningKey::from_pem(std::fs::read_to_string("app.key").unwrap_or_default())
///         .with_certificate_pem(std::fs::read_to_string("app.crt").unwrap_or_default()),
/// };
/// let client = entra
///     .client_builder()
///     .environment("graph")
///     .auth_base_url(&MicrosoftEntra::login_url("contoso.onmicrosoft.com"))
///     .build()?; // needs feature `jwt`
/// let users = client.get("/users").send().await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
#[oauth_provider(
    name = "Microsoft Entra",
    grant = "client_credentials",
    token_path = "/oauth2/v2.0/token",
    client_auth = "private_key_jwt",
    signing_alg = "RS256",
    assertion_thumbprint,
    params(scope = "https://graph.microsoft.com/.default"),
    base_url(graph = "https://graph.microsoft.com/v1.0"),
    auth_base_url(graph = "https://login.microsoftonline.com/organizations")
)]
pub struct MicrosoftEntra {
    /// The application (client) id of the app registration.
    pub client_id: String,
    /// The private key of the certificate uploaded to it, with the certificate
    /// ([`SigningKey::with_certificate_pem`]).
    pub certificate_key: SigningKey,
}

impl MicrosoftEntra {
    /// The token host of `tenant` (its id or a verified domain):
    /// `https://login.microsoftonline.com/{tenant}`.
    ///
    /// ```
    /// use oauth_specs::MicrosoftEntra;
    /// assert_eq!(MicrosoftEntra::login_url("contoso.onmicrosoft.com"), "https://login.microsoftonline.com/contoso.onmicrosoft.com");
    /// ```
    pub fn login_url(tenant: &str) -> String {
        format!("https://login.microsoftonline.com/{}", oauth_runtime::encode_segment(&tenant))
    }
}
