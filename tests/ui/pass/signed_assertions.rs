use oauth_runtime::{Provider, Secret, key::SigningKey, oauth_provider, provider::*};

/// Every assertion key, on the three mechanisms.
#[oauth_provider(
    grant = "jwt_bearer", token_path = "/token", signing_alg = "RS256", assertion_scope = "claim",
    assertion_audience = "https://oauth2.example.com/token", assertion_lifetime = 300,
)]
pub struct Google {
    pub key: SigningKey,
    #[oauth(param)]
    pub scope: String,
}

#[oauth_provider(grant = "client_credentials", token_path = "/t", client_auth = "private_key_jwt", assertion_thumbprint, assertion_audience = "token_origin")]
pub struct Entra {
    pub client_id: String,
    #[oauth(role = "signing_key")]
    pub certificate: oauth_runtime::key::SigningKey,
}

#[oauth_provider(grant = "client_credentials", token_path = "/t", client_auth = "client_secret_jwt", signing_alg = "HS256")]
pub struct Hmac {
    pub client_id: String,
    pub client_secret: Secret,
}

fn main() {
    let a = Google::SPEC.token.assertion;
    assert_eq!((a.scope, a.lifetime.as_secs(), a.audience), (AssertionScope::Claim, 300, Audience::Fixed("https://oauth2.example.com/token")));
    assert!(Entra::SPEC.token.assertion.certificate_thumbprint);
    assert_eq!(Entra::SPEC.fields[1].role, Role::SigningKey);
    assert_eq!(Hmac::SPEC.token.client_auth, ClientAuth::ClientSecretJwt);
}
