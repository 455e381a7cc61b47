use oauth_runtime::{Secret, oauth_provider};

#[oauth_provider(grant = "client_credentials", token_path = "/oauth/token")]
pub enum Vendor {
    Id(String),
    Secret(Secret),
}

fn main() {}
