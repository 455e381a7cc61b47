//! MPS Monitor: password grant, form body, `refresh_token` grant, a per-credential `scope`.

use oauth_runtime::provider::{Expiry, Grant, Refresh, Role};
use oauth_runtime::{Provider, Secret, oauth_provider};

/// MPS Monitor credentials.
#[oauth_provider(
    name = "MPS Monitor",
    grant = "password",
    token_path = "/token",
    body_style = "form",
    refresh = "refresh_token_grant",
    expires_in = "expires_in"
)]
pub struct MpsMonitor {
    pub client_id: String,
    pub client_secret: Secret,
    pub username: String,
    pub password: Secret,
    #[oauth(param)]
    pub scope: String,
}

fn main() {
    let spec = MpsMonitor::SPEC;
    assert_eq!(spec.name, "MPS Monitor");
    assert_eq!(spec.token.grant, Grant::Password);
    assert_eq!(spec.refresh, Refresh::refresh_token_grant("/token", "refresh_token"));
    assert_eq!(spec.response.expiry, Expiry::expires_in("expires_in"));
    let roles: Vec<_> = spec.fields.iter().map(|f| (f.name, f.role, f.secret)).collect();
    assert_eq!(
        roles,
        [
            ("client_id", Role::ClientId, false),
            ("client_secret", Role::ClientSecret, true),
            ("username", Role::Username, false),
            ("password", Role::Password, true),
            ("scope", Role::Param, false),
        ]
    );
    let credentials = MpsMonitor {
        client_id: "id".into(),
        client_secret: Secret::from("secret"),
        username: "user".into(),
        password: Secret::from("pass"),
        scope: "account".into(),
    }
    .credentials();
    assert_eq!(credentials.len(), 5);
    assert!(credentials[3].is_secret());
    assert!(!format!("{credentials:?}").contains("pass\""));
}
