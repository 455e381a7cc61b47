use oauth_runtime::{Secret, oauth_provider};

#[oauth_provider(name = "Vendor")]
pub struct Vendor {
    pub client_id: String,
    pub client_secret: Secret,
}

fn main() {}
