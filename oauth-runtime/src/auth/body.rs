//! `client_secret_post`: the client id and secret as body parameters (RFC 6749 section 2.3.1).

use super::ClientAuthentication;
use crate::{Credentials, Error, TokenRequest, provider::Role};

/// The client id and secret as body parameters, under their fields' wire names
/// (`client_auth = "body"`, the default).
///
/// ```
/// use oauth_runtime::{Credential, Credentials, Secret, TokenRequest, TokenRequestKind, auth::*, provider::*};
/// const FIELDS: &[FieldSpec] = &[FieldSpec::new("clientId", Role::ClientId), FieldSpec::new("clientSecret", Role::ClientSecret)];
/// let creds = Credentials::new(FIELDS, vec!["id".into(), Secret::from("s").into()]).unwrap();
/// let mut request = TokenRequest::for_test("https://h/token", TokenRequestKind::Grant);
/// ClientSecretPost::new().apply(&creds, &mut request).unwrap();
/// assert_eq!((request.get("clientId"), request.get("clientSecret")), (Some("id"), Some("s")));
/// ```
#[derive(Debug, Clone, Copy, Default)]
#[non_exhaustive]
pub struct ClientSecretPost;

impl ClientSecretPost {
    /// The method (it has no settings).
    pub const fn new() -> ClientSecretPost {
        ClientSecretPost
    }
}

impl ClientAuthentication for ClientSecretPost {
    fn apply(&self, credentials: &Credentials, request: &mut TokenRequest) -> Result<(), Error> {
        for role in [Role::ClientId, Role::ClientSecret] {
            if let Some((field, value)) = credentials.field(role) {
                request.param(field.name, value.expose());
            }
        }
        Ok(())
    }
}
