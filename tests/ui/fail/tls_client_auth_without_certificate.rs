use oauth_runtime::{ClientIdentity, Secret, oauth_provider};

// Mutual TLS needs a certificate field and sends no secret; a certificate field must be a
// `ClientIdentity`. Both mistakes are reported at once.
#[oauth_provider(grant = "client_credentials", token_path = "/as/token", client_auth = "tls_client_auth")]
struct Bank {
    client_id: String,
    client_secret: Secret,
}

#[oauth_provider(grant = "client_credentials", token_path = "/as/token", client_auth = "self_signed_tls_client_auth")]
struct Other {
    client_id: String,
    client_certificate: String,
}

fn main() {
    let _ = std::marker::PhantomData::<ClientIdentity>;
}
