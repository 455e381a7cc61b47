//! Each vendor end to end against its simulator: token, protected call, expiry then refresh
//! (or a new grant), refresh-token rotation and revocation, wrong credentials.

mod common;

use std::time::Duration;

use common::*;
use oauth_runtime::{Client, Error, ErrorCode, Provider};
use oauth_sim::{SimConfig, Simulator, Vendor};
use reqwest::StatusCode;

const LIFETIME: Duration = Duration::from_secs(2);

/// Token, protected call, reuse, proactive renewal, rotation, revocation, server-side expiry.
async fn lifecycle<P: Provider>(vendor: Vendor, make: fn(&SimConfig) -> P) {
    let sim = sim(vendor, LIFETIME).await;
    let has_refresh = vendor.refresh_path().is_some();
    let client = builder(make(sim.config()), &sim).build().unwrap();

    let first = client.token().await.unwrap();
    let response = client.get(vendor.protected_path()).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{vendor:?}");
    client.get(vendor.protected_path()).send().await.unwrap();
    let c = sim.counters();
    assert_eq!((c.token_requests, c.refresh_requests, c.api_authorized), (1, 0, 2), "{vendor:?}: token reused");

    // Renewal is due at half the 2 s lifetime (the 60 s default skew is capped).
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert!(client.cached_token().is_none(), "{vendor:?}: due for renewal");
    let response = client.get(vendor.protected_path()).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    // The call used the still-valid token while the renewal ran behind it.
    let second = fresh_token(&client).await;
    assert_ne!(first.access_token().expose_secret(), second.access_token().expose_secret());
    let c = sim.counters();
    if has_refresh {
        assert_eq!((c.token_requests, c.refresh_requests), (1, 1), "{vendor:?}: renewed by refresh");
        let (rt1, rt2) = (first.refresh_token().unwrap(), second.refresh_token().unwrap());
        assert_ne!(rt1.expose_secret(), rt2.expose_secret(), "{vendor:?}: refresh token rotated");
        // The simulator refuses used refresh tokens, so this succeeds only with the rotated one.
        client.refresh().await.unwrap();
        assert_eq!(sim.counters().refresh_requests, 2);
        assert_eq!(sim.counters().token_requests, 1, "{vendor:?}: no grant while refresh works");

        sim.revoke_refresh_tokens();
        client.refresh().await.expect("a rejected refresh falls back to the grant");
        let c = sim.counters();
        assert_eq!((c.token_requests, c.refresh_requests), (2, 3), "{vendor:?}: one refresh, then one grant");
    } else {
        assert_eq!((c.token_requests, c.refresh_requests), (2, 0), "{vendor:?}: renewed by a new grant");
    }

    // The server forgets every token before its stated expiry: one 401, one renewal, success.
    let before = sim.counters();
    sim.expire_tokens();
    let response = client.get(vendor.protected_path()).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{vendor:?}: recovered from the 401");
    let after = sim.counters();
    let renewals = (after.token_requests + after.refresh_requests) - (before.token_requests + before.refresh_requests);
    assert_eq!(renewals, 1, "{vendor:?}: one renewal after the 401");
    assert_eq!(after.api_requests - before.api_requests, 2, "{vendor:?}: the call was retried once");
}

#[tokio::test]
async fn mps_monitor_lifecycle() {
    lifecycle(Vendor::MpsMonitor, mps).await;
}

#[tokio::test]
async fn monta_lifecycle() {
    lifecycle(Vendor::Monta, monta).await;
}

#[tokio::test]
async fn deyel_lifecycle() {
    lifecycle(Vendor::Deyel, deyel).await;
}

#[tokio::test]
async fn microbilt_json_lifecycle() {
    lifecycle(Vendor::Microbilt, microbilt).await;
}

#[tokio::test]
async fn microbilt_form_lifecycle() {
    lifecycle(Vendor::Microbilt, microbilt_form).await;
}

/// The error a wrong secret gets from `vendor`, and that it is typed as the vendor sent it.
async fn wrong_secret<P: Provider>(vendor: Vendor, make: fn(&SimConfig) -> P) -> Error {
    let sim = Simulator::start(vendor).await.unwrap();
    let mut config = sim.config().clone();
    config.client_secret = "not-the-secret".into();
    let client: Client<P> = builder(make(&config), &sim).build().unwrap();
    let err = client.token().await.unwrap_err();
    assert_eq!(sim.counters().token_requests, 1, "{vendor:?}: a rejection is not retried");
    let err_again = client.get(vendor.protected_path()).send().await.unwrap_err();
    assert_eq!(err.to_string(), err_again.to_string());
    assert!(err.is_rejection(), "{err:?}");
    assert!(!format!("{err} {err:?}").contains("not-the-secret"));
    err
}

#[tokio::test]
async fn wrong_credentials_give_typed_errors() {
    let err = wrong_secret(Vendor::MpsMonitor, mps).await;
    assert_eq!((err.oauth_code(), err.status()), (Some(&ErrorCode::InvalidClient), Some(StatusCode::BAD_REQUEST)));

    let err = wrong_secret(Vendor::Monta, monta).await;
    assert_eq!(err.status(), Some(StatusCode::UNAUTHORIZED));
    assert_eq!(err.oauth_code().map(ErrorCode::as_str), Some("AUTHENTICATION_FAILED"));

    let err = wrong_secret(Vendor::Deyel, deyel).await;
    assert_eq!(err.oauth_code(), Some(&ErrorCode::InvalidRequest), "Deyel's `Invalid_request` matched loosely");

    let err = wrong_secret(Vendor::Microbilt, microbilt).await;
    assert_eq!((err.oauth_code(), err.status()), (Some(&ErrorCode::InvalidClient), Some(StatusCode::UNAUTHORIZED)));
    let err = wrong_secret(Vendor::Microbilt, microbilt_form).await;
    assert_eq!(err.oauth_code(), Some(&ErrorCode::InvalidClient));
}

#[tokio::test]
async fn deyel_unknown_client_gets_the_documented_body() {
    let sim = Simulator::start(Vendor::Deyel).await.unwrap();
    let mut config = sim.config().clone();
    config.client_id = "nobody".into();
    let err = builder(deyel(&config), &sim).build().unwrap().token().await.unwrap_err();
    let Error::OAuth(e) = err else { panic!("{err:?}") };
    assert_eq!(e.code, ErrorCode::InvalidRequest);
    assert_eq!(e.description.as_deref(), Some("Invalid client_id"));
}

#[tokio::test]
async fn mps_wrong_password_is_invalid_grant() {
    let sim = Simulator::start(Vendor::MpsMonitor).await.unwrap();
    let mut config = sim.config().clone();
    config.password = "wrong".into();
    let err = builder(mps(&config), &sim).build().unwrap().token().await.unwrap_err();
    assert_eq!(err.oauth_code(), Some(&ErrorCode::InvalidGrant));
}

#[tokio::test]
async fn extra_response_fields_are_kept() {
    let sim = Simulator::start(Vendor::MpsMonitor).await.unwrap();
    let token = builder(mps(sim.config()), &sim).build().unwrap().token().await.unwrap();
    assert_eq!(token.field("userName").and_then(|v| v.as_str()), Some(sim.config().username.as_str()));
    assert_eq!(token.field("as:client_id").and_then(|v| v.as_str()), Some(sim.config().client_id.as_str()));
    assert!(token.field(".expires").is_some());
    assert!((1790..=1799).contains(&token.expires_in().as_secs()), "{:?}", token.expires_in());

    let sim = Simulator::start(Vendor::Microbilt).await.unwrap();
    let token = builder(microbilt(sim.config()), &sim).build().unwrap().token().await.unwrap();
    assert_eq!(token.token_type(), "Bearer", "BearerToken is Bearer");
    assert_eq!(token.field("status").and_then(|v| v.as_str()), Some("approved"));
    assert!(token.field("issued_at").is_some());
    assert!((3590..=3599).contains(&token.expires_in().as_secs()), "expires_in sent as a string");

    let sim = Simulator::start(Vendor::Monta).await.unwrap();
    let token = builder(monta(sim.config()), &sim).build().unwrap().token().await.unwrap();
    assert!(token.field("applicationId").is_some() && token.field("userId").is_some());
    assert!((3590..=3600).contains(&token.expires_in().as_secs()), "absolute expiry read");
}

#[tokio::test]
async fn seeded_token_and_hook() {
    use std::sync::{Arc, Mutex};
    let sim = Simulator::start(Vendor::MpsMonitor).await.unwrap();
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let sink = seen.clone();
    let first = builder(mps(sim.config()), &sim)
        .on_token(move |t| sink.lock().unwrap().push(t.refresh_token().unwrap().expose_secret().to_owned()))
        .build()
        .unwrap();
    let token = first.token().await.unwrap();
    assert_eq!(seen.lock().unwrap().len(), 1, "the hook saw the new token");

    // A second process starts from the saved token: no token request, and refresh works.
    let saved = oauth_runtime::Token::new(token.access_token().expose_secret())
        .with_refresh_token(seen.lock().unwrap()[0].clone())
        .with_expires_at(token.expires_at());
    let second = builder(mps(sim.config()), &sim).token(saved).build().unwrap();
    second.get(Vendor::MpsMonitor.protected_path()).send().await.unwrap();
    assert_eq!(sim.counters().token_requests, 1, "the seeded token was used");
    second.refresh().await.unwrap();
    assert_eq!(sim.counters().refresh_requests, 1, "the seeded refresh token was used");
}

#[tokio::test]
async fn refresh_without_rotation_keeps_the_old_refresh_token() {
    let config = SimConfig::for_vendor(Vendor::MpsMonitor).rotate_refresh_tokens(false);
    let sim = Simulator::start_with(config).await.unwrap();
    let client = builder(mps(sim.config()), &sim).build().unwrap();
    let first = client.token().await.unwrap();
    let second = client.refresh().await.unwrap();
    let third = client.refresh().await.unwrap();
    assert_ne!(first.access_token().expose_secret(), third.access_token().expose_secret());
    let kept = |t: &oauth_runtime::Token| t.refresh_token().unwrap().expose_secret().to_owned();
    assert_eq!(kept(&first), kept(&second), "the response omitted it, the old one was kept");
    assert_eq!(kept(&first), kept(&third));
    let c = sim.counters();
    assert_eq!((c.token_requests, c.refresh_requests), (1, 2), "both renewals were refreshes");
}

/// The simulators' own model of each vendor (`Vendor::spec`, from the documents) is the one
/// the shipped definitions are generated from: the same request and the same response mapping.
#[test]
fn the_simulators_model_the_shipped_definitions() {
    use oauth_specs::{Deyel, Microbilt, MicrobiltForm, Monta, MpsMonitor};
    let pairs = [
        (Vendor::MpsMonitor, MpsMonitor::SPEC),
        (Vendor::Monta, Monta::SPEC),
        (Vendor::Deyel, Deyel::SPEC),
        (Vendor::Microbilt, Microbilt::SPEC),
    ];
    for (vendor, definition) in pairs {
        let sim = vendor.spec();
        assert_eq!(sim.token, definition.token, "{vendor}");
        assert_eq!(sim.fields, definition.fields, "{vendor}");
        assert_eq!(sim.refresh, definition.refresh, "{vendor}");
        assert_eq!(sim.response, definition.response, "{vendor}");
    }
    // The form variant differs in its body style alone, and the simulator serves both.
    let form = MicrobiltForm::SPEC;
    assert_eq!(form.token.path, Vendor::Microbilt.spec().token.path);
    assert_eq!(form.fields, Vendor::Microbilt.spec().fields);
}

/// With superseded tokens revoked, a client switches to the refreshed token at once: its calls
/// keep succeeding with no renewal beyond the refresh itself.
#[tokio::test]
async fn a_client_drops_the_superseded_token() {
    let config = SimConfig::for_vendor(Vendor::MpsMonitor).revoke_superseded_access_tokens(true);
    let sim = Simulator::start_with(config).await.unwrap();
    let client = builder(mps(sim.config()), &sim).build().unwrap();
    let path = Vendor::MpsMonitor.protected_path();
    assert_eq!(client.get(path).send().await.unwrap().status(), StatusCode::OK);
    client.refresh().await.unwrap();
    for _ in 0..3 {
        assert_eq!(client.get(path).send().await.unwrap().status(), StatusCode::OK);
    }
    let c = sim.counters();
    assert_eq!((c.token_requests, c.refresh_requests), (1, 1));
    assert_eq!((c.api_requests, c.api_authorized), (4, 4), "no call used the superseded token");
}
