//! `crate = ".."` for code that reaches the runtime under another path.

mod rt {
    pub use ::oauth_runtime::*;
}

mod vendors {
    #[::oauth_runtime::oauth_provider(crate = "crate::rt", grant = "client_credentials", token_path = "/token")]
    pub struct Renamed {
        pub client_id: String,
        pub client_secret: crate::rt::Secret,
    }
}

extern crate oauth_runtime as oauth;

#[oauth::oauth_provider(crate = "oauth", grant = "client_credentials", token_path = "/token")]
pub struct Aliased {
    pub client_id: String,
    pub client_secret: oauth::Secret,
}

fn main() {
    use oauth_runtime::Provider;
    assert_eq!(vendors::Renamed::SPEC.name, "Renamed");
    assert_eq!(Aliased::SPEC.name, "Aliased");
    let _: Option<vendors::RenamedClient> = None;
}
