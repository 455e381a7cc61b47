//! Every way a response can give the expiry, and the default lifetime.

use std::time::Duration;

use oauth_runtime::provider::{Expiry, InstantFormat};
use oauth_runtime::{Provider, Secret, oauth_provider};

#[oauth_provider(grant = "client_credentials", token_path = "/t", no_expiry, default_lifetime = 600)]
pub struct NoExpiry {
    pub client_id: String,
    pub client_secret: Secret,
}

#[oauth_provider(
    grant = "client_credentials",
    token_path = "/t",
    expires_at = "expiresAt",
    expires_format = "epoch_millis"
)]
pub struct EpochMillis {
    pub client_id: String,
    pub client_secret: Secret,
}

#[oauth_provider(grant = "client_credentials", token_path = "/t", expires_at = "expires", expires_format = "http_date")]
pub struct HttpDate {
    pub client_id: String,
    pub client_secret: Secret,
}

#[oauth_provider(grant = "client_credentials", token_path = "/t", expires_at = "exp", expires_format = "epoch_seconds")]
pub struct EpochSeconds {
    pub client_id: String,
    pub client_secret: Secret,
}

#[oauth_provider(grant = "client_credentials", token_path = "/t", expires_in = "ttl")]
pub struct ExpiresIn {
    pub client_id: String,
    pub client_secret: Secret,
}

fn main() {
    assert_eq!(NoExpiry::SPEC.response.expiry, Expiry::None);
    assert_eq!(NoExpiry::SPEC.response.default_lifetime, Duration::from_secs(600));
    assert_eq!(EpochMillis::SPEC.response.expiry, Expiry::at("expiresAt", InstantFormat::EpochMillis));
    assert_eq!(HttpDate::SPEC.response.expiry, Expiry::at("expires", InstantFormat::HttpDate));
    assert_eq!(EpochSeconds::SPEC.response.expiry, Expiry::at("exp", InstantFormat::EpochSeconds));
    assert_eq!(ExpiresIn::SPEC.response.expiry, Expiry::expires_in("ttl"));
    assert_eq!(ExpiresIn::SPEC.response.default_lifetime, Duration::from_secs(3600));
}
