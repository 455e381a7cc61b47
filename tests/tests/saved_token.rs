//! Saving a token and seeding a client with it at start-up (issue 12, item 6): the token a
//! client obtained is written out through `SavedToken`, read back by a new client, used for
//! an API call without a token request, and then refreshed with its saved refresh token.

mod common;

use std::time::Duration;

use common::{builder, mps};
use oauth_runtime::{SavedToken, Token, reqwest::StatusCode};
use oauth_sim::Vendor;

#[tokio::test]
async fn a_saved_token_seeds_the_next_client() {
    let sim = common::sim(Vendor::MpsMonitor, Duration::from_secs(600)).await;
    let first = builder(mps(sim.config()), &sim).build().unwrap();
    let issued = first.token().await.unwrap();
    let json = serde_json::to_string_pretty(&issued.to_saved()).unwrap();
    drop(first);

    let restored: Token = serde_json::from_str::<SavedToken>(&json).unwrap().into();
    assert_eq!(restored.access_token().expose_secret(), issued.access_token().expose_secret());
    assert_eq!(restored.expires_at(), issued.expires_at(), "the expiry instant survives to the nanosecond");
    assert_eq!(restored.extra(), issued.extra(), "the response's other fields too");

    let second = builder(mps(sim.config()), &sim).token(restored).build().unwrap();
    let response = second.get(Vendor::MpsMonitor.protected_path()).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(sim.counters().token_requests, 1, "the saved token was used, none requested");

    second.refresh().await.unwrap();
    let c = sim.counters();
    assert_eq!((c.token_requests, c.refresh_requests), (1, 1), "renewed with the saved refresh token");
}

#[test]
fn saved_token_debug_and_round_trip_hide_nothing_they_should_not() {
    let token = Token::new("tok-123").with_refresh_token("ref-456");
    let saved = SavedToken::from(&token);
    let shown = format!("{saved:?}");
    assert!(!shown.contains("tok-123") && !shown.contains("ref-456"), "{shown}");
    let json = serde_json::to_value(&saved).unwrap();
    assert_eq!(json["access_token"], "tok-123", "the serialised form holds the token, as documented");
    assert_eq!(json["refresh_token"], "ref-456");
}
