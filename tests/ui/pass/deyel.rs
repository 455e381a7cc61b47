//! Deyel: client credentials in an HTTP Basic header; the generated API's types.

use oauth_runtime::provider::{ClientAuth, Refresh, ResponseSpec};
use oauth_runtime::{Client, ClientBuilder, Error, Provider, Secret, oauth_provider};

#[oauth_provider(name = "Deyel", grant = "client_credentials", token_path = "/oauth/token", client_auth = "basic")]
pub struct Deyel {
    pub client_id: String,
    pub client_secret: Secret,
}

fn main() {
    assert_eq!(Deyel::SPEC.token.client_auth, ClientAuth::Basic);
    assert!(Deyel::SPEC.token.send_grant_type);
    assert_eq!(Deyel::SPEC.refresh, Refresh::Regrant);
    assert_eq!(Deyel::SPEC.response, ResponseSpec::STANDARD);
    assert!(Deyel::SPEC.base_urls.is_empty());

    let _: fn(Deyel) -> ClientBuilder<Deyel> = Deyel::client_builder;
    let _: fn(Deyel, &str) -> Result<DeyelClient, Error> = Deyel::client;
    let _: Option<Client<Deyel>> = None::<DeyelClient>;
}
