//! A grant type of the vendor's own, token exchange, revocation and an issuer.
use oauth_runtime::{Provider, Secret, oauth_provider};

#[oauth_provider(
    grant_type = "account_credentials",
    token_path = "/oauth/token",
    client_auth = "basic",
    revocation_path = "/oauth/revoke",
    issuer = "https://zoom.example.com",
)]
pub struct Zoom {
    pub client_id: String,
    pub client_secret: Secret,
    #[oauth(param)]
    pub account_id: String,
}

#[oauth_provider(grant = "token_exchange", token_path = "/oauth2/token", issuer = "/oauth2/default")]
pub struct Broker {
    pub client_id: String,
    pub client_secret: Secret,
}

fn main() {
    assert_eq!(Zoom::SPEC.token.grant.as_str(), "account_credentials");
    assert_eq!(Zoom::SPEC.revocation_path, Some("/oauth/revoke"));
    assert_eq!(Broker::SPEC.issuer, Some("/oauth2/default"));
    assert_eq!(Broker::SPEC.token.grant.as_str(), "urn:ietf:params:oauth:grant-type:token-exchange");
}
