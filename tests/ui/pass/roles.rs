//! Explicit roles, secret parameters, raw identifiers, string parameter names, `basic_raw`,
//! `client_auth = "none"` and a token type field.

use oauth_runtime::provider::{ClientAuth, Role};
use oauth_runtime::{Provider, Secret, oauth_provider};

#[oauth_provider(
    name = "Acme",
    grant = "password",
    token_path = "/api/login",
    client_auth = "basic_raw",
    token_type = "tokenType",
    params("x-tenant" = "acme", r#type = "user"),
)]
pub struct Acme {
    #[oauth(role = "client_id")]
    pub app: String,
    #[oauth(role = "client_secret", rename = "appSecret")]
    pub app_secret: Secret,
    #[oauth(role = "username", rename = "login")]
    pub r#user: &'static str,
    #[oauth(role = "password")]
    pub pin: Secret,
    #[oauth(param, secret, rename = "apiKey")]
    pub api_key: Secret,
    #[oauth(role = "param")]
    pub region: String,
}

#[oauth_provider(grant = "client_credentials", token_path = "/t", client_auth = "none")]
pub(crate) struct Open {
    pub client_id: String,
}

fn main() {
    let spec = Acme::SPEC;
    assert_eq!(spec.token.client_auth, ClientAuth::BasicRaw);
    assert_eq!(spec.token.params, &[("x-tenant", "acme"), ("type", "user")]);
    assert_eq!(spec.response.token_type, "tokenType");
    let fields: Vec<_> = spec.fields.iter().map(|f| (f.name, f.role, f.secret)).collect();
    assert_eq!(
        fields,
        [
            ("app", Role::ClientId, false),
            ("appSecret", Role::ClientSecret, true),
            ("login", Role::Username, false),
            ("pin", Role::Password, true),
            ("apiKey", Role::Param, true),
            ("region", Role::Param, false),
        ]
    );
    assert_eq!(Open::SPEC.token.client_auth, ClientAuth::None);
    let credentials = Acme {
        app: "app".into(),
        app_secret: "s".into(),
        user: "bob",
        pin: "1234".into(),
        api_key: "k".into(),
        region: "eu".into(),
    }
    .credentials();
    let secret: Vec<bool> = credentials.iter().map(|c| c.is_secret()).collect();
    assert_eq!(secret, [false, true, false, true, true, false]);
}
