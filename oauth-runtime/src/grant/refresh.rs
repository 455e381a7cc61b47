//! Renewal with a refresh token, in the shape the vendor declares ([`Refresh`]): the
//! `refresh_token` grant (RFC 6749 section 6), or the vendor's own endpoint that takes the
//! refresh token alone.

use std::borrow::Cow;

use crate::{TokenRequest, provider::Refresh};

/// How a refresh request differs from a grant request, or `None` if the vendor has no refresh.
pub(crate) struct Shape {
    pub path: &'static str,
    pub param: &'static str,
    /// `refresh_token` for the standard grant; none for a vendor endpoint.
    pub grant_type: Option<&'static str>,
    /// Whether the client authenticates and the token parameters go along (RFC 6749 section 6
    /// and RFC 8707 allow them; a vendor's own endpoint takes the refresh token alone).
    pub standard: bool,
}

pub(crate) fn shape(refresh: Refresh) -> Option<Shape> {
    match refresh {
        Refresh::RefreshTokenGrant { path, param } => {
            Some(Shape { path, param, grant_type: Some("refresh_token"), standard: true })
        }
        Refresh::Endpoint { path, param } => Some(Shape { path, param, grant_type: None, standard: false }),
        _ => None,
    }
}

impl Shape {
    /// Puts the refresh token and `grant_type` on `request`.
    pub fn apply(&self, refresh_token: &str, request: &mut TokenRequest) {
        request.set_grant_type(self.grant_type.map(Cow::Borrowed));
        request.param(self.param, refresh_token);
    }
}
