//! The grants that need a person: each declares its endpoint; the person's step is an
//! explicit call.
use oauth_runtime::{Client, Provider, Secret, oauth_provider};

#[oauth_provider(
    grant = "device_code", client_auth = "none", token_path = "/login/oauth/access_token",
    device_authorization_path = "/login/device/code",
    response_format = "form_unless_json_accepted", error_status = 200,
)]
pub struct Tv {
    pub client_id: String,
}

#[oauth_provider(
    grant = "authorization_code", token_path = "/oauth2/token", authorization_path = "/oauth2/authorize",
    par_path = "/oauth2/par", redirect_path = "/done", refresh = "refresh_token_grant",
)]
pub struct Web {
    pub client_id: String,
    pub client_secret: Secret,
}

#[oauth_provider(grant = "refresh_token", client_auth = "none", token_path = "/token")]
pub struct Seeded {
    pub client_id: String,
}

#[allow(dead_code)]
async fn person(tv: Client<Tv>, web: Client<Web>) -> Result<(), oauth_runtime::Error> {
    tv.authorize_device(|prompt| println!("{} {}", prompt.verification_uri(), prompt.user_code())).await?;
    web.authorize(|url| println!("{url}")).await?;
    Ok(())
}

fn main() {
    assert_eq!(Tv::SPEC.authorization.device_path, Some("/login/device/code"));
    assert_eq!(Web::SPEC.authorization.par_path, Some("/oauth2/par"));
    assert_eq!(Seeded::SPEC.refresh.path(), Some("/token"));
    let _ = Seeded { client_id: "id".into() }
        .client_builder()
        .base_url("https://h")
        .refresh_token(Secret::from("rt"))
        .build()
        .unwrap();
}
