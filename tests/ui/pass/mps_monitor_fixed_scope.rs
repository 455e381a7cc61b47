//! MPS Monitor with the access level fixed in the attribute instead of a field.

use oauth_runtime::{Provider, Secret, oauth_provider};

#[oauth_provider(
    name = "MPS Monitor",
    grant = "password",
    token_path = "/token",
    refresh = "refresh_token_grant",
    refresh_path = "/token",
    params(scope = "account")
)]
pub struct MpsMonitor {
    pub client_id: String,
    pub client_secret: Secret,
    pub username: String,
    pub password: Secret,
}

fn main() {
    assert_eq!(MpsMonitor::SPEC.token.params, &[("scope", "account")]);
    assert_eq!(MpsMonitor::SPEC.fields.len(), 4);
}
