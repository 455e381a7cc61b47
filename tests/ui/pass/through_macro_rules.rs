//! Arguments that arrive through `macro_rules!` (wrapped in invisible groups).

use oauth_runtime::{Provider, Secret, oauth_provider};

macro_rules! vendor {
    ($name:ident, $path:literal, $style:literal, $lifetime:literal) => {
        #[oauth_provider(grant = "client_credentials", token_path = $path, body_style = $style, default_lifetime = $lifetime)]
        pub struct $name {
            pub client_id: String,
            pub client_secret: Secret,
        }
    };
}

vendor!(Generated, "/oauth2/token", "json", 120);

fn main() {
    assert_eq!(Generated::SPEC.token.path, "/oauth2/token");
    assert_eq!(Generated::SPEC.response.default_lifetime.as_secs(), 120);
}
