//! The token-exchange grant's checks (RFC 8693 section 2.1): the subject token (and actor
//! token) must be tokens the simulator issued itself or was given, of the type sent.

use super::{Sent, assume::Rejection};
use crate::state::{Access, Shared};

/// `urn:ietf:params:oauth:token-type:access_token`.
pub(crate) const ACCESS_TOKEN: &str = "urn:ietf:params:oauth:token-type:access_token";

/// The parameters the grant takes besides the spec's.
pub(crate) const PARAMS: &[&str] =
    &["subject_token", "subject_token_type", "actor_token", "actor_token_type", "requested_token_type"];

/// The subject token of an acceptable request; RFC 8693 section 2.2.2 answers every problem
/// with the request or its tokens with `invalid_request`.
pub(crate) fn check(shared: &Shared, sent: &Sent) -> Result<String, Rejection> {
    let body = &sent.body;
    let missing = |name: &str| Rejection::InvalidRequest(format!("parameter {name} is missing"));
    let subject = body.value("subject_token").ok_or_else(|| missing("subject_token"))?;
    let subject_type = body.value("subject_token_type").ok_or_else(|| missing("subject_token_type"))?;
    accept(shared, "subject", subject, subject_type)?;
    match (body.value("actor_token"), body.value("actor_token_type")) {
        (Some(actor), Some(actor_type)) => accept(shared, "actor", actor, actor_type)?,
        (Some(_), None) => return Err(missing("actor_token_type")),
        (None, Some(_)) => {
            return Err(Rejection::InvalidRequest("actor_token_type is sent without an actor_token".to_owned()));
        }
        (None, None) => {}
    }
    if let Some(requested) = body.value("requested_token_type")
        && requested != ACCESS_TOKEN
    {
        return Err(Rejection::InvalidRequest(format!("requested_token_type {requested} cannot be issued")));
    }
    Ok(subject.to_owned())
}

/// A token the simulator issued (an access token, still valid) or was given with that type.
fn accept(shared: &Shared, role: &str, token: &str, token_type: &str) -> Result<(), Rejection> {
    let known = match shared.config.subject_tokens.iter().find(|(t, _)| t == token) {
        Some((_, given_type)) => Some(given_type.as_str()),
        None => (shared.check_access(token) == Access::Valid).then_some(ACCESS_TOKEN),
    };
    match known {
        None => Err(Rejection::InvalidRequest(format!("the {role}_token is invalid, expired or revoked"))),
        Some(actual) if actual != token_type => {
            Err(Rejection::InvalidRequest(format!("{role}_token_type {token_type} is not the token's type")))
        }
        Some(_) => Ok(()),
    }
}
