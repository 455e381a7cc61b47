//! Microbilt: JSON, and form with `grant_type` in the query; named base URLs.

use oauth_runtime::provider::{BaseUrl, BodyStyle};
use oauth_runtime::{Provider, Secret, oauth_provider};

#[oauth_provider(
    name = "Microbilt",
    grant = "client_credentials",
    token_path = "/OAuth/GetAccessToken",
    body_style = "json",
    expires_in = "expires_in",
    base_url(sandbox = "https://apitest.microbilt.com", production = "https://api.microbilt.com")
)]
pub struct Microbilt {
    pub client_id: String,
    pub client_secret: Secret,
}

#[oauth_provider(
    name = "Microbilt",
    grant = "client_credentials",
    token_path = "/OAuth/GetAccessToken",
    body_style = "form_grant_in_query",
    send_grant_type = true,
    base_url(sandbox = "https://apitest.microbilt.com", production = "https://api.microbilt.com")
)]
pub struct MicrobiltForm {
    pub client_id: String,
    pub client_secret: Secret,
}

fn main() {
    assert_eq!(Microbilt::SPEC.token.body_style, BodyStyle::Json);
    assert_eq!(MicrobiltForm::SPEC.token.body_style, BodyStyle::FormGrantInQuery);
    assert_eq!(Microbilt::SANDBOX, "https://apitest.microbilt.com");
    assert_eq!(MicrobiltForm::PRODUCTION, "https://api.microbilt.com");
    assert_eq!(
        Microbilt::SPEC.base_urls,
        [
            BaseUrl::new("sandbox", "https://apitest.microbilt.com"),
            BaseUrl::new("production", "https://api.microbilt.com"),
        ]
    );
    let credentials = || MicrobiltForm { client_id: "id".into(), client_secret: "s".into() };
    let _builder = credentials().client_builder().environment("sandbox");
    let _ = credentials().client_builder().base_url(MicrobiltForm::SANDBOX);
}
