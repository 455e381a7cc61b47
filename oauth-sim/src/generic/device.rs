//! The device authorization grant (RFC 8628), strictly: the device authorization endpoint
//! (section 3.1) and the device code at the token endpoint (section 3.4), with the person's
//! decision scripted by the test ([`Simulator::approve_device`] and friends).
//!
//! A poll is answered, in this order: `invalid_grant` for an unknown, used or another client's
//! device code; `expired_token` once it expired; `slow_down` when it came sooner than the
//! interval after the previous poll (or the issuance), or when the test demanded it, the new
//! interval (old plus [`SimConfig::slow_down_increment`]) stated in the answer;
//! `authorization_pending` for [`SimConfig::device_pending_polls`] polls and until the person
//! decides; then `access_denied`, or the token (the device code is spent).
//!
//! [`Simulator::approve_device`]: crate::Simulator::approve_device
//! [`SimConfig::slow_down_increment`]: crate::SimConfig::slow_down_increment
//! [`SimConfig::device_pending_polls`]: crate::SimConfig::device_pending_polls

use std::{
    collections::HashMap,
    time::{Duration, Instant},
};

use axum::{
    http::{StatusCode, header},
    response::Response,
};
use oauth_runtime::provider::{ProviderSpec, Role};

use super::{Sent, assume::Rejection, authenticate, check_grant_type, common, issue};
use crate::{
    http::{self, JSON, object, with_header},
    state::{PersonCounter, Shared, lock},
    token,
};

/// The person's decision on a device code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Decision {
    Pending,
    Approved,
    Denied,
    Expired,
}

struct Device {
    user_code: String,
    client_id: String,
    decision: Decision,
    expires: Instant,
    interval: Duration,
    last_poll: Instant,
    pending_left: usize,
    /// The scope the device authorization request asked for: the person's consent.
    scope: Option<String>,
}

/// The device codes issued, and the slow-downs the test demanded.
#[derive(Default)]
pub(crate) struct Devices {
    codes: HashMap<String, Device>,
    slow_downs: usize,
}

/// The user code as people type it: upper case, without the dash (RFC 8628 section 6.1).
fn normalize(user_code: &str) -> String {
    user_code.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_uppercase()).collect()
}

/// Eight letters without vowels (RFC 8628 section 6.1), `BCDF-GHJK`.
fn user_code() -> String {
    const LETTERS: &str = "BCDFGHJKLMNPQRSTVWXZ";
    let mut letters = String::with_capacity(9);
    while letters.len() < 8 {
        letters.extend(token::alphanumeric(32).chars().filter(|c| LETTERS.contains(*c)).take(8 - letters.len()));
    }
    letters.insert(4, '-');
    letters
}

impl Shared {
    /// Sets the decision for the device code whose user code is `user_code`.
    pub(crate) fn decide_device(&self, user_code: &str, approve: Option<bool>) -> bool {
        let wanted = normalize(user_code);
        let mut devices = lock(&self.devices);
        let Some(device) = devices.codes.values_mut().find(|d| normalize(&d.user_code) == wanted) else {
            return false;
        };
        device.decision = match approve {
            Some(true) => Decision::Approved,
            Some(false) => Decision::Denied,
            None => Decision::Expired,
        };
        true
    }

    /// The next `polls` polls are answered `slow_down`.
    pub(crate) fn demand_slow_down(&self, polls: usize) {
        lock(&self.devices).slow_downs += polls;
    }
}

/// `POST` to the device authorization endpoint: the client authenticates as the spec says.
pub(super) fn authorization(
    shared: &Shared,
    spec: &ProviderSpec,
    sent: &Sent,
    host: &str,
) -> Result<Response, Rejection> {
    common(spec, sent)?;
    authenticate(shared, spec, sent)?;
    let scope = sent.body.value("scope");
    super::check_scope_syntax(spec, scope)?;
    let config = &shared.config;
    let device_code = token::b64token(40);
    let user_code = user_code();
    let now = Instant::now();
    let lifetime = config.device_code_lifetime;
    lock(&shared.devices).codes.insert(
        device_code.clone(),
        Device {
            user_code: user_code.clone(),
            client_id: config.client_id.clone(),
            decision: Decision::Pending,
            expires: now + crate::state::clamp(lifetime),
            interval: config.device_interval,
            last_poll: now,
            pending_left: config.device_pending_polls,
            scope: scope.map(str::to_owned),
        },
    );
    let verification_uri = format!("http://{host}/device");
    let body = object(&[
        ("device_code", device_code.into()),
        ("user_code", user_code.clone().into()),
        ("verification_uri", verification_uri.clone().into()),
        ("verification_uri_complete", format!("{verification_uri}?user_code={user_code}").into()),
        ("expires_in", lifetime.as_secs().into()),
        ("interval", config.device_interval.as_secs().into()),
    ]);
    Ok(with_header(http::json(StatusCode::OK, JSON, body), header::CACHE_CONTROL, "no-store"))
}

/// A token request with a device code.
pub(super) fn redeem(shared: &Shared, spec: &ProviderSpec, sent: &Sent) -> Result<Response, Rejection> {
    shared.count(PersonCounter::DevicePoll);
    common(spec, sent)?;
    authenticate(shared, spec, sent)?;
    check_grant_type(spec, sent, Some(spec.token.grant.as_str()))?;
    let Some(code) = sent.body.value("device_code") else {
        return Err(Rejection::InvalidRequest("parameter device_code is missing".to_owned()));
    };
    let config = &shared.config;
    let mut devices = lock(&shared.devices);
    let demanded = devices.slow_downs > 0;
    let Some(device) = devices.codes.get_mut(code) else {
        return Err(Rejection::InvalidGrant("the device code is unknown or was used".to_owned()));
    };
    let id_field = spec.field(Role::ClientId).map(|(_, f)| f.name);
    if id_field.is_some() && device.client_id != config.client_id {
        return Err(Rejection::InvalidGrant("the device code was issued to another client".to_owned()));
    }
    let now = Instant::now();
    if now >= device.expires || device.decision == Decision::Expired {
        devices.codes.remove(code);
        return Err(Rejection::ExpiredToken);
    }
    let too_soon = now.duration_since(device.last_poll) < device.interval;
    device.last_poll = now;
    if too_soon || demanded {
        device.interval += config.slow_down_increment;
        let interval = device.interval.as_secs();
        if demanded {
            devices.slow_downs -= 1;
        }
        return Err(Rejection::SlowDown(interval));
    }
    if device.pending_left > 0 {
        device.pending_left -= 1;
        return Err(Rejection::AuthorizationPending);
    }
    match device.decision {
        Decision::Pending => Err(Rejection::AuthorizationPending),
        Decision::Denied => {
            devices.codes.remove(code);
            Err(Rejection::AccessDenied)
        }
        Decision::Expired => Err(Rejection::ExpiredToken),
        Decision::Approved => {
            let scope = devices.codes.remove(code).and_then(|device| device.scope);
            drop(devices);
            // A DPoP vendor's tokens are bound to the proof's key, as at the token endpoint.
            let jkt = super::token_proof(shared, sent)?;
            Ok(issue(shared, spec, shared.new_grant_asking(scope.as_deref()), true, sent, None, jkt.as_deref()))
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn user_codes_are_eight_consonants_with_a_dash() {
        let code = super::user_code();
        assert_eq!(code.len(), 9, "{code}");
        assert_eq!(&code[4..5], "-");
        assert!(code.chars().filter(|c| *c != '-').all(|c| "BCDFGHJKLMNPQRSTVWXZ".contains(c)), "{code}");
        assert_eq!(super::normalize("bcdf-ghjk"), "BCDFGHJK");
    }
}
