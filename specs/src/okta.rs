use oauth_runtime::{key::SigningKey, oauth_provider};

/// Okta's org authorization server for a service app: the client-credentials grant with a
/// `private_key_jwt` client assertion, and DPoP-bound tokens.
///
/// From Okta's public documentation, "Implement OAuth for Okta with a service app" and
/// "Configure OAuth 2.0 Demonstrating Proof-of-Possession" (developer.okta.com), as known to
/// this crate's authors; there is no seed document for it:
///
/// - `POST https://{yourOktaDomain}/oauth2/v1/token`, form body: `grant_type=client_credentials`,
///   `scope` (the Okta API scopes granted to the app, e.g. `okta.users.read`),
///   `client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer`,
///   `client_assertion=<JWT>` signed with the app's registered key (RS256 here; `kid` from the
///   app's JWKS), `aud` the token endpoint's URL, `iss` and `sub` the client id, `jti`, `exp`
///   at most an hour after `iat`.
/// - With "Require DPoP" on the app, every token request carries a `DPoP` proof; the first is
///   answered `400 {"error":"use_dpop_nonce"}` with a `DPoP-Nonce` header, and the request is
///   sent again with it. The answer is `token_type: "DPoP"`, `expires_in` (3600), no refresh
///   token; API calls send `Authorization: DPoP <token>` and a proof with `ath`.
/// - Revocation at `/oauth2/v1/revoke` (RFC 7009).
/// - The org's domain is its base URL: `Okta { .. }.client("https://dev-123456.okta.com")`.
///
/// ```no_run
/// use oauth_specs::{Okta, Provider, SigningKey};
///
/// # async fn demo() -> Result<(), oauth_specs::Error> {
/// let okta = Okta {
///     client_id: "0oa1b2c3d4e5f6g7h8i9".into(),
///     key: SigningKey::from_pem(std::fs::read_to_string("okta-app.pem").unwrap_or_default()).with_kid("my-key-1"),
///     scope: "okta.users.read".into(),
/// };
/// let client = okta.client("https://dev-123456.okta.com")?; // needs features `jwt` and `dpop`
/// let users = client.get("/api/v1/users").send().await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
#[oauth_provider(
    name = "Okta",
    grant = "client_credentials",
    token_path = "/oauth2/v1/token",
    client_auth = "private_key_jwt",
    signing_alg = "RS256",
    presentation = "dpop",
    revocation_path = "/oauth2/v1/revoke"
)]
pub struct Okta {
    /// The service app's client id.
    pub client_id: String,
    /// The private key whose public half is in the app's JWKS (with its `kid`).
    pub key: SigningKey,
    /// The Okta API scopes to ask for, space-separated.
    #[oauth(param)]
    pub scope: String,
}
