//! A type the runtime cannot take as a credential is reported at the type.

use oauth_runtime::{Secret, oauth_provider};

#[oauth_provider(grant = "client_credentials", token_path = "/oauth/token")]
pub struct Vendor {
    pub client_id: u64,
    pub client_secret: Secret,
}

fn main() {}
