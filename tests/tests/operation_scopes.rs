//! Per-operation scopes (`ApiRequest::require_scopes`) over HTTP against the spec simulator,
//! whose routes require scopes ([`SimConfig::scoped_route`]) and answer a token lacking one
//! with `403 insufficient_scope` (RFC 6750 section 3.1):
//!
//! - unattended grants: each operation's calls go with a token requested with the union of
//!   the handle's scope and the operation's, one token (one single flight) per set, reused;
//! - grants that need a person: the session's token, never a new authorization; unsent, with a
//!   typed error, when the token response named the granted scopes without a required one;
//!   sent when it did not say;
//! - the API's `insufficient_scope` as `Error::Scope`, whatever the grant.

use std::time::Duration;

use oauth_runtime::{Client, Error, Provider, Secret, TokenParams, oauth_provider};
use oauth_sim::{Fault, RouteKind, SimConfig, Simulator, Target, axum::routing::get, hostile};

/// A machine client: client credentials.
#[derive(Clone)]
#[oauth_provider(grant = "client_credentials", token_path = "/oauth/token")]
pub struct Machine {
    /// The client id.
    pub client_id: String,
    /// The client secret.
    pub client_secret: Secret,
}

/// A machine client whose vendor sends a fixed scope with every token request.
#[derive(Clone)]
#[oauth_provider(grant = "client_credentials", token_path = "/oauth/token", params(scope = "base"))]
pub struct FixedScope {
    /// The client id.
    pub client_id: String,
    /// The client secret.
    pub client_secret: Secret,
}

/// A person's client: the device grant, with refresh tokens.
#[derive(Clone)]
#[oauth_provider(
    grant = "device_code",
    client_auth = "none",
    token_path = "/oauth/token",
    device_authorization_path = "/oauth/device/code",
    refresh = "refresh_token_grant"
)]
pub struct Person {
    /// The client id.
    pub client_id: String,
}

fn machine() -> Machine {
    Machine { client_id: hostile::CLIENT_ID.into(), client_secret: Secret::from(hostile::CLIENT_SECRET) }
}

/// The API: `/repos` needs `repo`, `/teams` needs `read:org`, `/both` needs both.
fn api(config: SimConfig) -> SimConfig {
    config
        .scoped_route("/repos", "repo", get(|| async { r#"["r"]"# }))
        .scoped_route("/teams", "read:org", get(|| async { r#"["t"]"# }))
        .scoped_route("/both", "repo read:org", get(|| async { "{}" }))
}

/// The `scope` of each grant request the simulator received, in order.
fn token_scopes(sim: &Simulator) -> Vec<Option<String>> {
    sim.requests()
        .iter()
        .filter(|r| r.kind() == Some(RouteKind::Token))
        .map(|r| r.form("scope").map(str::to_owned))
        .collect()
}

#[tokio::test]
async fn two_operations_get_a_token_each_of_their_scopes_and_reuse_it() {
    let sim = Simulator::start_with(api(SimConfig::for_provider(machine()))).await.unwrap();
    let client = machine().client(&sim.base_url()).unwrap();
    for _ in 0..3 {
        let repos: Vec<String> = client.get("/repos").require_scopes(&["repo"]).send_json().await.unwrap();
        assert_eq!(repos, ["r"]);
        let teams: Vec<String> = client.get("/teams").require_scopes(&["read:org"]).send_json().await.unwrap();
        assert_eq!(teams, ["t"]);
    }
    assert_eq!(token_scopes(&sim), [Some("repo".to_owned()), Some("read:org".to_owned())], "one token per set");
    let c = sim.counters();
    assert_eq!((c.api_authorized, c.insufficient_scope), (6, 0), "each call carried its scope");

    // The order and repetition of a list make no other set; a call with both lists is one more.
    client.get("/both").require_scopes(&["read:org", "repo", "repo"]).send_empty().await.unwrap();
    client.get("/both").require_scopes(&["repo"]).require_scopes(&["read:org"]).send_empty().await.unwrap();
    assert_eq!(token_scopes(&sim).last().cloned().flatten().as_deref(), Some("read:org repo"));
    assert_eq!(sim.counters().token_requests, 3);
    // The handle itself keeps its own set, with no scope: untouched by the operations.
    assert!(client.cached_token().is_none(), "no call went with the handle's own set");
    assert!(client.__session_count() <= 4, "{}", client.__session_count());
}

#[tokio::test]
async fn the_handles_scope_and_the_vendors_fixed_one_join_the_operations() {
    let sim = Simulator::start_with(api(SimConfig::for_provider(machine()))).await.unwrap();
    let client = machine().client(&sim.base_url()).unwrap();
    let reader = client.with_token_params(TokenParams::new().scope("repo"));
    // Covered by the handle's scope: the handle's own token.
    reader.get("/repos").require_scopes(&["repo"]).send_empty().await.unwrap();
    assert!(reader.cached_token().is_some(), "the call used the handle's own token");
    // Not covered: the union.
    reader.get("/both").require_scopes(&["read:org"]).send_empty().await.unwrap();
    assert_eq!(token_scopes(&sim), [Some("repo".to_owned()), Some("read:org repo".to_owned())]);

    let fixed =
        FixedScope { client_id: hostile::CLIENT_ID.into(), client_secret: Secret::from(hostile::CLIENT_SECRET) };
    let sim = Simulator::start_with(api(SimConfig::for_provider(fixed.clone()))).await.unwrap();
    let client = fixed.client(&sim.base_url()).unwrap();
    client.get("/repos").require_scopes(&["repo"]).send_empty().await.unwrap();
    client.get("/repos").require_scopes(&["base"]).require_scopes(&["repo"]).send_empty().await.unwrap();
    assert_eq!(token_scopes(&sim), [Some("base repo".to_owned())], "the vendor's scope stays, one set");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_calls_share_one_token_request_per_set() {
    let sim = Simulator::start_with(api(SimConfig::for_provider(machine()))).await.unwrap();
    // Slow enough that every call arrives while its set's token request is in flight.
    sim.inject(Target::Token, Fault::slow(Duration::from_millis(300)), 2);
    let client = machine().client(&sim.base_url()).unwrap();
    let calls = (0..40).map(|i| {
        let client = client.clone();
        tokio::spawn(async move {
            let request = if i % 2 == 0 {
                client.get("/repos").require_scopes(&["repo"])
            } else {
                client.get("/teams").require_scopes(&["read:org"])
            };
            request.send_empty().await
        })
    });
    for result in futures_util::future::join_all(calls).await {
        result.unwrap().unwrap();
    }
    let mut scopes = token_scopes(&sim);
    scopes.sort();
    assert_eq!(scopes, [Some("read:org".to_owned()), Some("repo".to_owned())], "one token request per set");
    assert_eq!(sim.counters().api_authorized, 40);
}

#[tokio::test]
async fn the_apis_insufficient_scope_is_a_typed_rejection_and_renews_nothing() {
    #[derive(Debug, serde::Deserialize)]
    struct VendorError {
        error: String,
    }
    let sim = Simulator::start_with(api(SimConfig::for_provider(machine()))).await.unwrap();
    let client = machine().client(&sim.base_url()).unwrap();
    // A call that declares no scope: a token of none.
    let error = client.get("/repos").error_type::<VendorError>().send_json::<Vec<String>>().await.unwrap_err();
    let Error::Scope(scope) = &error else { panic!("expected Error::Scope, got {error:?}") };
    assert!(scope.sent() && scope.required.is_empty(), "{scope:?}");
    assert_eq!(scope.missing, ["repo"], "the scopes the challenge names");
    let answer = scope.answer.as_ref().expect("the API's answer");
    assert_eq!(answer.body::<VendorError>().map(|e| e.error.as_str()), Some("insufficient_scope"));
    assert!(answer.headers()["www-authenticate"].to_str().unwrap().contains("insufficient_scope"));
    assert!(error.is_rejection() && !error.is_transient(), "{error}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(403));
    let text = error.to_string();
    assert!(text.contains("insufficient scope (HTTP 403 Forbidden); the API asks for `repo`"), "{text}");
    assert_eq!(sim.counters().token_requests, 1, "a 403 renews nothing");

    // A call that declares too little gets the same, naming what it declared.
    let error = client.get("/both").require_scopes(&["repo"]).send_empty().await.unwrap_err();
    let Error::Scope(scope) = &error else { panic!("expected Error::Scope, got {error:?}") };
    assert_eq!(scope.required, ["repo"]);
    assert_eq!(scope.missing, ["repo", "read:org"], "the route's scopes, as its challenge names them");
    // The raw send returns the answer as it is.
    assert_eq!(client.get("/repos").send().await.unwrap().status(), 403);
    assert_eq!(sim.counters().insufficient_scope, 3);
}

#[tokio::test]
async fn a_scope_that_is_no_scope_token_is_refused_unsent() {
    let sim = Simulator::start_with(api(SimConfig::for_provider(machine()))).await.unwrap();
    let client = machine().client(&sim.base_url()).unwrap();
    for bad in [&["repo read:org"][..], &[""], &["quo\"te"]] {
        let error = client.get("/repos").require_scopes(bad).send().await.unwrap_err();
        assert!(matches!(&error, Error::Argument { message, .. } if message.contains("one scope token")), "{error:?}");
    }
    assert_eq!(sim.counters().token_requests + sim.counters().api_requests, 0, "nothing was sent");
}

/// A device-grant simulator of the API that answers at once.
async fn person_sim(config: impl FnOnce(SimConfig) -> SimConfig) -> Simulator {
    let person = Person { client_id: hostile::CLIENT_ID.into() };
    let base = SimConfig::for_provider(person).device_interval(Duration::ZERO);
    Simulator::start_with(config(api(base))).await.unwrap()
}

/// The person's client of `sim`, authorized for `scope`.
async fn authorized(sim: &Simulator, scope: &str) -> Client<Person> {
    let client = Person { client_id: hostile::CLIENT_ID.into() }
        .client(&sim.base_url())
        .unwrap()
        .with_token_params(TokenParams::new().scope(scope));
    client.authorize_device(|prompt| assert!(sim.approve_device(prompt.user_code()))).await.unwrap();
    client
}

#[tokio::test]
async fn a_persons_grant_lacking_a_required_scope_fails_unsent() {
    // The person consents to `repo` only; the token response says so.
    let sim = person_sim(|c| c.allow_scopes("repo")).await;
    let client = authorized(&sim, "repo read:org").await;
    let granted = client.token().await.unwrap();
    assert_eq!(granted.granted_scopes(), Some(vec!["repo"]));

    let error = client.get("/teams").require_scopes(&["read:org"]).send().await.unwrap_err();
    let Error::Scope(scope) = &error else { panic!("expected Error::Scope, got {error:?}") };
    assert!(!scope.sent(), "{scope:?}");
    assert_eq!(scope.missing, ["read:org"]);
    assert_eq!(scope.granted, Some(vec!["repo".to_owned()]));
    assert!(error.is_rejection());
    let text = error.to_string();
    assert!(text.contains("needs the scopes `read:org`, and the person granted `repo`"), "{text}");
    assert!(text.contains("not sent") && text.contains("authorize again"), "{text}");

    // The granted scope goes on: the session's own token, no new authorization, no new token.
    client.get("/repos").require_scopes(&["repo"]).send_empty().await.unwrap();
    let c = sim.counters();
    assert_eq!((c.api_requests, c.api_authorized), (1, 1), "the refused call was never sent");
    assert_eq!((c.device_authorizations, c.token_requests), (1, 1), "nothing new was started");
    assert_eq!(client.token().await.unwrap().access_token().expose_secret(), granted.access_token().expose_secret());

    // A vendor whose scopes imply others: the check off, the call goes and the API decides.
    let unchecked = Person { client_id: hostile::CLIENT_ID.into() }
        .client_builder()
        .base_url(&sim.base_url())
        .check_granted_scopes(false)
        .build()
        .unwrap()
        .with_token_params(TokenParams::new().scope("repo read:org"));
    unchecked.authorize_device(|prompt| assert!(sim.approve_device(prompt.user_code()))).await.unwrap();
    let error = unchecked.get("/teams").require_scopes(&["read:org"]).send_empty().await.unwrap_err();
    assert!(matches!(&error, Error::Scope(s) if s.sent()), "{error:?}");
}

#[tokio::test]
async fn a_persons_grant_of_unknown_scope_is_sent_and_the_api_decides() {
    // The token response leaves `scope` out: it is what was asked.
    let sim = person_sim(|c| c).await;
    let client = authorized(&sim, "repo").await;
    assert_eq!(client.token().await.unwrap().granted_scopes(), None);

    client.get("/repos").require_scopes(&["repo"]).send_empty().await.unwrap();
    let error = client.get("/teams").require_scopes(&["read:org"]).send_empty().await.unwrap_err();
    let Error::Scope(scope) = &error else { panic!("expected Error::Scope, got {error:?}") };
    assert!(scope.sent() && scope.missing == ["read:org"], "{scope:?}");
    assert!(error.to_string().contains("ask for the scopes at authorization"), "{error}");
    let c = sim.counters();
    assert_eq!((c.api_requests, c.insufficient_scope), (2, 1), "both calls were sent");
    assert_eq!((c.device_authorizations, c.token_requests), (1, 1), "no new grant for the new scope");

    // With the scope stated and covering the call, it goes too.
    let sim = person_sim(|c| c.state_scope(true)).await;
    let client = authorized(&sim, "repo read:org").await;
    assert_eq!(client.token().await.unwrap().granted_scopes(), Some(vec!["read:org", "repo"]));
    client.get("/both").require_scopes(&["read:org", "repo"]).send_empty().await.unwrap();
}
