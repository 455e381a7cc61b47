use oauth_runtime::oauth_provider;

/// GitHub's device flow, from GitHub's public documentation ("Authorizing OAuth apps", the
/// device flow section, on docs.github.com; not from this project's seed documents).
///
/// - `POST https://github.com/login/device/code` with `client_id` (and `scope`): the answer
///   holds `device_code`, `user_code`, `verification_uri` (`https://github.com/login/device`),
///   `expires_in` (900) and `interval` (5).
/// - Polls: `POST https://github.com/login/oauth/access_token` with `client_id`, `device_code`
///   and `grant_type=urn:ietf:params:oauth:grant-type:device_code`; no client secret (a public
///   client).
/// - Both endpoints answer `application/x-www-form-urlencoded` unless the request sends
///   `Accept: application/json` (the client always does), and answer errors
///   (`authorization_pending`, `slow_down` with the new `interval`, `expired_token`,
///   `access_denied`, ...) with HTTP 200: `response_format` and `error_status` say so, and the
///   simulator answers that way.
/// - An OAuth app's token does not expire (no `expires_in`): it is kept for ten years, or until
///   an API call is refused, after which the person authorizes again
///   ([`Error::ReauthorizationRequired`](oauth_runtime::Error::ReauthorizationRequired)). A
///   GitHub App's expiring user tokens (`expires_in` 28800) are read as they come; refreshing
///   them takes the client secret, which this public client does not hold, so they too end in
///   a new authorization.
/// - The API is `https://api.github.com`, with `Authorization: Bearer <token>`.
///
/// ```no_run
/// use oauth_specs::{GitHub, Provider};
/// use oauth_runtime::TokenParams;
///
/// # async fn demo() -> Result<(), oauth_specs::Error> {
/// let client = GitHub { client_id: "Iv1.your-app-id".into() }
///     .client(GitHub::PRODUCTION)?
///     .with_token_params(TokenParams::new().scope("read:user"));
/// client
///     .authorize_device(|prompt| println!("Open {} and enter {}", prompt.verification_uri(), prompt.user_code()))
///     .await?;
/// let me = client.get("/user").header("user-agent", "oauth-specs").send().await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
#[oauth_provider(
    name = "GitHub",
    grant = "device_code",
    client_auth = "none",
    token_path = "/login/oauth/access_token",
    device_authorization_path = "/login/device/code",
    response_format = "form_unless_json_accepted",
    error_status = 200,
    default_lifetime = 315360000,
    base_url(production = "https://api.github.com"),
    auth_base_url(production = "https://github.com")
)]
pub struct GitHub {
    /// The OAuth app's (or GitHub App's) client id; the device flow must be enabled for it.
    pub client_id: String,
}
