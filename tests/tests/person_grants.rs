//! The grants that need a person, over HTTP against the spec-driven simulator: the device
//! grant (approved, denied, expired, `slow_down`, cancelled), the authorization code grant with
//! PKCE and `state` through a loopback redirect (the test plays the browser), pushed
//! authorization requests, refresh-only clients, and a rejected refresh token of a person's
//! grant ending as `Error::ReauthorizationRequired`, never a silent grant.

use std::{
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use oauth_runtime::{
    AuthorizationFailure, Client, Error, ErrorCode, Provider, Secret, Token, oauth_provider, reqwest::Url,
};
use oauth_sim::{SimConfig, Simulator, hostile};
use oauth_specs::GitHub;

/// A TV app: the device grant, a public client, refresh tokens.
#[derive(Clone)]
#[oauth_provider(
    grant = "device_code",
    client_auth = "none",
    token_path = "/oauth/token",
    device_authorization_path = "/oauth/device/code",
    refresh = "refresh_token_grant"
)]
pub struct TvApp {
    /// The app's client id.
    pub client_id: String,
}

/// A desktop app: the authorization code grant with PKCE, a public client.
#[derive(Clone)]
#[oauth_provider(
    grant = "authorization_code",
    client_auth = "none",
    token_path = "/oauth/token",
    authorization_path = "/oauth/authorize",
    refresh = "refresh_token_grant"
)]
pub struct DesktopApp {
    /// The app's client id.
    pub client_id: String,
}

/// A confidential client whose vendor wants pushed authorization requests (RFC 9126).
#[derive(Clone)]
#[oauth_provider(
    grant = "authorization_code",
    client_auth = "basic",
    token_path = "/oauth/token",
    authorization_path = "/oauth/authorize",
    par_path = "/oauth/par",
    redirect_path = "/done",
    refresh = "refresh_token_grant"
)]
pub struct PushedApp {
    /// The client id.
    pub client_id: String,
    /// The client secret.
    pub client_secret: Secret,
}

/// A client with a refresh token a person obtained elsewhere.
#[derive(Clone)]
#[oauth_provider(grant = "refresh_token", client_auth = "none", token_path = "/oauth/token")]
pub struct Seeded {
    /// The client id.
    pub client_id: String,
}

fn tv() -> TvApp {
    TvApp { client_id: hostile::CLIENT_ID.into() }
}

fn desktop() -> DesktopApp {
    DesktopApp { client_id: hostile::CLIENT_ID.into() }
}

/// A device-grant simulator that answers at once (interval 0), after `pending` pending polls.
async fn tv_sim(pending: usize) -> Simulator {
    let config = SimConfig::for_provider(tv()).device_interval(Duration::ZERO).device_pending_polls(pending);
    Simulator::start_with(config).await.expect("simulator starts")
}

fn auth_failure(result: Result<Arc<Token>, Error>) -> (AuthorizationFailure, Error) {
    match result {
        Err(error @ Error::Authorization { .. }) => {
            let Error::Authorization { failure, .. } = &error else { unreachable!() };
            (failure.clone(), error)
        }
        other => panic!("expected an authorization failure, got {other:?}"),
    }
}

#[tokio::test]
async fn device_grant_approved_stores_the_token_and_refreshes_it() {
    let sim = tv_sim(2).await;
    let hooked: Arc<Mutex<Vec<String>>> = Arc::default();
    let seen = hooked.clone();
    let client = tv()
        .client_builder()
        .base_url(&sim.base_url())
        .on_token(move |t| seen.lock().unwrap().push(t.access_token().expose_secret().to_owned()))
        .build()
        .unwrap();
    assert!(matches!(client.token().await, Err(Error::AuthorizationRequired { .. })), "no token before the person");
    assert_eq!(sim.counters().token_requests, 0, "and nothing was sent");

    let mut shown = None;
    let token = client
        .authorize_device(|prompt| {
            shown = Some(prompt.clone());
            assert!(sim.approve_device(&prompt.user_code().to_lowercase()), "the person types the code");
        })
        .await
        .unwrap();
    let prompt = shown.expect("the prompt was shown");
    assert!(prompt.verification_uri().starts_with(&sim.base_url()), "{prompt:?}");
    assert!(prompt.verification_uri_complete().unwrap().contains(prompt.user_code()));
    assert_eq!((prompt.expires_in(), prompt.interval()), (Duration::from_secs(900), Duration::ZERO));
    let c = sim.counters();
    assert_eq!((c.device_authorizations, c.device_polls), (1, 3), "two pending polls, then the token");

    // Stored like any issued token: cached, hooked, used, and renewed with its refresh token.
    assert_eq!(client.token().await.unwrap().access_token().expose_secret(), token.access_token().expose_secret());
    assert_eq!(*hooked.lock().unwrap(), [token.access_token().expose_secret().to_owned()]);
    assert_eq!(client.get(sim.protected_path()).send().await.unwrap().status(), 200);
    let renewed = client.refresh().await.unwrap();
    assert_ne!(renewed.access_token().expose_secret(), token.access_token().expose_secret());
    assert_eq!((sim.counters().refresh_requests, sim.counters().device_polls), (1, 3));
}

#[tokio::test]
async fn device_grant_denied_is_a_typed_rejection() {
    let sim = tv_sim(0).await;
    let client = tv().client(&sim.base_url()).unwrap();
    let (failure, error) = auth_failure(client.authorize_device(|p| assert!(sim.deny_device(p.user_code()))).await);
    assert_eq!(failure, AuthorizationFailure::Denied);
    assert!(error.is_rejection() && !error.is_transient(), "{error}");
    assert!(matches!(client.token().await, Err(Error::AuthorizationRequired { .. })));
}

#[tokio::test]
async fn device_grant_expired_by_the_server_and_by_its_own_lifetime() {
    let sim = tv_sim(0).await;
    let client = tv().client(&sim.base_url()).unwrap();
    let (failure, error) = auth_failure(client.authorize_device(|p| assert!(sim.expire_device(p.user_code()))).await);
    assert_eq!(failure, AuthorizationFailure::Expired);
    assert!(error.is_transient() && !error.is_rejection(), "{error}");

    // The device code's own `expires_in` ends the polling without asking the server: a
    // 1 s code with a 2 s interval is never polled.
    let config = SimConfig::for_provider(tv())
        .device_interval(Duration::from_secs(2))
        .device_code_lifetime(Duration::from_secs(1));
    let sim = Simulator::start_with(config).await.unwrap();
    let client = tv().client(&sim.base_url()).unwrap();
    let started = Instant::now();
    let (failure, _) = auth_failure(client.authorize_device(|_| {}).await);
    assert_eq!(failure, AuthorizationFailure::Expired);
    assert!(started.elapsed() < Duration::from_secs(1), "{:?}", started.elapsed());
    assert_eq!(sim.counters().device_polls, 0);
}

#[tokio::test]
async fn slow_down_grows_the_interval_the_server_states() {
    // A 1 s interval and a slow_down increment of 1 s, shrunk in the simulator: its answer
    // states the new interval, which the client then keeps (the RFC's 5 s when none is stated).
    let config = SimConfig::for_provider(tv())
        .device_interval(Duration::from_secs(1))
        .slow_down_increment(Duration::from_secs(1));
    let sim = Simulator::start_with(config).await.unwrap();
    let client = tv().client(&sim.base_url()).unwrap();
    sim.demand_slow_down(1);
    let started = Instant::now();
    client.authorize_device(|p| assert!(sim.approve_device(p.user_code()))).await.unwrap();
    // Poll 1 after 1 s: slow_down (interval 2 s). Poll 2 after 2 more: the token. A poll sooner
    // than the interval would have been answered slow_down again (the simulator enforces it).
    assert_eq!(sim.counters().device_polls, 2);
    assert!(started.elapsed() >= Duration::from_secs(3), "{:?}", started.elapsed());

    // The simulator enforces the interval: a poll sooner than it is answered slow_down, with
    // the grown interval stated.
    let http = reqwest::Client::new();
    let form = [("client_id", hostile::CLIENT_ID)];
    let issued: serde_json::Value =
        http.post(sim.device_authorization_url().unwrap()).form(&form).send().await.unwrap().json().await.unwrap();
    let poll = [
        ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
        ("device_code", issued["device_code"].as_str().unwrap()),
        ("client_id", hostile::CLIENT_ID),
    ];
    let answer = http.post(sim.token_url()).form(&poll).send().await.unwrap();
    assert_eq!(answer.status(), 400);
    let body: serde_json::Value = answer.json().await.unwrap();
    assert_eq!((body["error"].as_str(), body["interval"].as_u64()), (Some("slow_down"), Some(2)), "{body}");
}

#[tokio::test]
async fn dropping_the_device_grant_stops_polling_and_leaves_the_client_usable() {
    let config = SimConfig::for_provider(tv()).device_interval(Duration::from_secs(1));
    let sim = Simulator::start_with(config).await.unwrap();
    let client = tv().client(&sim.base_url()).unwrap();
    let never = tokio::time::timeout(Duration::from_millis(2500), client.authorize_device(|_| {})).await;
    assert!(never.is_err(), "nobody approved");
    let polls = sim.counters().device_polls;
    assert!((1..=2).contains(&polls), "{polls}");
    tokio::time::sleep(Duration::from_millis(2200)).await;
    assert_eq!(sim.counters().device_polls, polls, "no poll after the future was dropped");
    assert!(matches!(client.token().await, Err(Error::AuthorizationRequired { .. })));
    client.authorize_device(|p| assert!(sim.approve_device(p.user_code()))).await.unwrap();
    assert_eq!(client.get(sim.protected_path()).send().await.unwrap().status(), 200);
}

/// What the test's browser saw: the URL it opened, and the page the redirect ended on.
struct Browsed {
    url: Url,
    page: String,
}

/// `client.authorize(..)` with a browser that opens the URL and follows the redirect to the
/// client's loopback listener.
async fn authorize_in_browser<P>(client: &Client<P>) -> (Result<Arc<Token>, Error>, Browsed) {
    let (tx, rx) = tokio::sync::oneshot::channel::<Url>();
    let browser = tokio::spawn(async move {
        let url = rx.await.expect("the callback gave a URL");
        let page = reqwest::get(url.clone()).await.unwrap().text().await.unwrap();
        Browsed { url, page }
    });
    let result = client.authorize(move |url| tx.send(url.clone()).unwrap()).await;
    (result, browser.await.unwrap())
}

/// A browser that does not follow redirects, for the tests that tamper with one.
fn no_follow() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

fn location(response: &reqwest::Response) -> Url {
    Url::parse(response.headers()["location"].to_str().unwrap()).unwrap()
}

fn query(url: &Url, name: &str) -> Option<String> {
    url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

#[tokio::test]
async fn code_grant_with_pkce_end_to_end() {
    let sim = Simulator::for_provider(desktop()).await.unwrap();
    let client = desktop().client(&sim.base_url()).unwrap();
    let (token, browsed) = authorize_in_browser(&client).await;
    let token = token.unwrap();
    let url = &browsed.url;
    assert!(url.as_str().starts_with(&sim.authorization_url().unwrap()), "{url}");
    assert_eq!(query(url, "response_type").as_deref(), Some("code"));
    assert_eq!(query(url, "client_id").as_deref(), Some(hostile::CLIENT_ID));
    assert_eq!(query(url, "code_challenge_method").as_deref(), Some("S256"));
    assert_eq!(query(url, "code_challenge").map(|c| c.len()), Some(43));
    assert!(query(url, "state").is_some_and(|s| s.len() >= 43));
    assert!(query(url, "redirect_uri").unwrap().starts_with("http://127.0.0.1:"));
    assert!(browsed.page.contains("Authorization complete"), "{}", browsed.page);
    assert_eq!(client.get(sim.protected_path()).send().await.unwrap().status(), 200);
    assert!(token.refresh_token().is_some());
    client.refresh().await.unwrap();
    assert_eq!(sim.counters().refresh_requests, 1);

    // A second authorization gets a fresh state, verifier and port.
    let (_, again) = authorize_in_browser(&client).await;
    for name in ["state", "code_challenge", "redirect_uri"] {
        assert_ne!(query(&again.url, name), query(url, name), "{name}");
    }
}

/// The authorization endpoint on another host than the token endpoint (Google's
/// `accounts.google.com` beside `oauth2.googleapis.com`): the browser is sent to the
/// authorization base URL, the code is redeemed at the token host. One simulator answers at two
/// origins here, `localhost` and `127.0.0.1`, and the request log tells which each request used.
#[tokio::test]
async fn the_authorization_endpoint_may_live_on_another_host() {
    let sim = Simulator::for_provider(desktop()).await.unwrap();
    let port = Url::parse(&sim.base_url()).unwrap().port().unwrap();
    let client = desktop()
        .client_builder()
        .base_url(&sim.base_url())
        .authorization_base_url(&format!("http://localhost:{port}"))
        .build()
        .unwrap();
    let (token, browsed) = authorize_in_browser(&client).await;
    token.unwrap();
    assert_eq!(browsed.url.host_str(), Some("localhost"), "{}", browsed.url);
    assert_eq!(browsed.url.path(), "/oauth/authorize");
    let hosts: Vec<(String, String)> =
        sim.requests().iter().map(|r| (r.path().to_owned(), r.header("host").unwrap_or_default().to_owned())).collect();
    assert!(hosts.contains(&("/oauth/authorize".to_owned(), format!("localhost:{port}"))), "{hosts:?}");
    assert!(hosts.contains(&("/oauth/token".to_owned(), format!("127.0.0.1:{port}"))), "{hosts:?}");
}

#[tokio::test]
async fn the_simulator_refuses_a_bad_verifier_plain_pkce_and_another_redirect_uri() {
    let sim = Simulator::for_provider(desktop()).await.unwrap();
    let http = no_follow();
    let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    let redirect_uri = "http://127.0.0.1:9/callback";
    let authorize = |method: &'static str, challenge: &'static str| {
        let mut url = Url::parse(&sim.authorization_url().unwrap()).unwrap();
        url.query_pairs_mut().extend_pairs([
            ("response_type", "code"),
            ("client_id", hostile::CLIENT_ID),
            ("redirect_uri", redirect_uri),
            ("state", "st"),
            ("code_challenge", challenge),
            ("code_challenge_method", method),
        ]);
        http.get(url).send()
    };
    let exchange = |code: String, verifier: &'static str, redirect_uri: &'static str| {
        let form = [
            ("grant_type", "authorization_code".to_owned()),
            ("code", code),
            ("redirect_uri", redirect_uri.to_owned()),
            ("code_verifier", verifier.to_owned()),
            ("client_id", hostile::CLIENT_ID.to_owned()),
        ];
        http.post(sim.token_url()).form(&form).send()
    };
    let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"; // RFC 7636 appendix B

    let plain = authorize("plain", verifier).await.unwrap();
    assert_eq!(plain.status(), 302);
    assert_eq!(query(&location(&plain), "error").as_deref(), Some("invalid_request"), "plain is refused");
    assert_eq!(query(&location(&plain), "state").as_deref(), Some("st"), "state echoed");

    let code = |r: &reqwest::Response| query(&location(r), "code").unwrap();
    let bad = exchange(
        code(&authorize("S256", challenge).await.unwrap()),
        "wrong-verifier-wrong-verifier-wrong-verifier",
        redirect_uri,
    );
    let bad = bad.await.unwrap();
    assert_eq!(bad.status(), 400);
    assert!(bad.text().await.unwrap().contains("invalid_grant"));

    let other = exchange(code(&authorize("S256", challenge).await.unwrap()), verifier, "http://127.0.0.1:10/callback");
    assert!(other.await.unwrap().text().await.unwrap().contains("redirect_uri is not"), "redirect_uri must match");

    let good = code(&authorize("S256", challenge).await.unwrap());
    assert_eq!(exchange(good.clone(), verifier, redirect_uri).await.unwrap().status(), 200);
    let reused = exchange(good, verifier, redirect_uri).await.unwrap();
    assert_eq!(reused.status(), 400);
    assert!(reused.text().await.unwrap().contains("already used"), "codes are one-time");

    // A redirect URI that is not a loopback one gets a page, never a redirect.
    let mut url = Url::parse(&sim.authorization_url().unwrap()).unwrap();
    url.query_pairs_mut()
        .extend_pairs([("client_id", hostile::CLIENT_ID), ("redirect_uri", "https://evil.example/cb")]);
    assert_eq!(http.get(url).send().await.unwrap().status(), 400);
}

#[tokio::test]
async fn the_client_refuses_a_redirect_with_another_state() {
    let sim = Simulator::for_provider(desktop()).await.unwrap();
    let client = desktop().client(&sim.base_url()).unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel::<Url>();
    let browser = tokio::spawn(async move {
        let http = no_follow();
        let redirect = location(&http.get(rx.await.unwrap()).send().await.unwrap());
        let mut forged = redirect.clone();
        let code = query(&redirect, "code").unwrap();
        forged.query_pairs_mut().clear().append_pair("code", &code).append_pair("state", "forged");
        http.get(forged).send().await.unwrap().text().await.unwrap()
    });
    let result = client.authorize(move |url| tx.send(url.clone()).unwrap()).await;
    let (failure, error) = auth_failure(result);
    assert_eq!(failure, AuthorizationFailure::StateMismatch);
    assert!(!error.is_transient() && !error.is_rejection());
    assert!(browser.await.unwrap().contains("state"), "the page says why");
    assert_eq!(sim.counters().token_requests, 0, "the code was never exchanged");
}

#[tokio::test]
async fn a_reused_code_is_refused_and_revokes_what_it_issued() {
    let sim = Simulator::for_provider(desktop()).await.unwrap();
    let client = desktop().client(&sim.base_url()).unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel::<Url>();
    let browser = tokio::spawn(async move {
        let http = no_follow();
        let redirect = location(&http.get(rx.await.unwrap()).send().await.unwrap());
        http.get(redirect.clone()).send().await.unwrap();
        redirect
    });
    client.authorize(move |url| tx.send(url.clone()).unwrap()).await.unwrap();
    let redirect = browser.await.unwrap();
    // An attacker replays the code from the redirect.
    let replay = [
        ("grant_type", "authorization_code".to_owned()),
        ("code", query(&redirect, "code").unwrap()),
        ("redirect_uri", {
            let mut uri = redirect.clone();
            uri.set_query(None);
            uri.to_string()
        }),
        ("code_verifier", "a".repeat(43)),
        ("client_id", hostile::CLIENT_ID.to_owned()),
    ];
    let answer = reqwest::Client::new().post(sim.token_url()).form(&replay).send().await.unwrap();
    assert_eq!(answer.status(), 400);
    assert!(answer.text().await.unwrap().contains("already used"));
    // The tokens of that code are revoked: the client's call is refused, its refresh token too,
    // and the grant needs the person again, never run by itself.
    let before = sim.counters();
    let call = client.get(sim.protected_path()).send().await;
    assert!(matches!(call, Err(Error::ReauthorizationRequired { .. })), "{call:?}");
    assert_eq!(sim.counters().authorization_requests, before.authorization_requests);
}

#[tokio::test]
async fn pushed_authorization_requests_put_only_the_request_uri_in_the_url() {
    let app = PushedApp { client_id: hostile::CLIENT_ID.into(), client_secret: Secret::from(hostile::CLIENT_SECRET) };
    let sim = Simulator::for_provider(app.clone()).await.unwrap();
    let client = app.clone().client(&sim.base_url()).unwrap();
    let (token, browsed) = authorize_in_browser(&client).await;
    token.unwrap();
    let names: Vec<String> = browsed.url.query_pairs().map(|(k, _)| k.into_owned()).collect();
    assert_eq!(names, ["client_id", "request_uri"], "{}", browsed.url);
    assert!(query(&browsed.url, "request_uri").unwrap().starts_with("urn:ietf:params:oauth:request_uri:"));
    assert_eq!(sim.counters().pushed_authorization_requests, 1);
    assert_eq!(client.get(sim.protected_path()).send().await.unwrap().status(), 200);

    // The request URI is one-time, and this vendor takes no authorization request unpushed.
    let again = reqwest::get(browsed.url.clone()).await.unwrap();
    assert_eq!(again.status(), 400);
    // The push authenticates the client: a wrong secret is refused before any URL is made.
    let wrong = PushedApp { client_secret: Secret::from("wrong"), ..app }.client(&sim.base_url()).unwrap();
    let refused = wrong.authorize(|url| panic!("no URL when the push is refused: {url}")).await;
    assert!(matches!(&refused, Err(Error::OAuth(e)) if e.code == ErrorCode::InvalidClient), "{refused:?}");
}

#[tokio::test]
async fn code_grant_denied_refused_and_timed_out() {
    let sim = Simulator::for_provider(desktop()).await.unwrap();
    let client = desktop()
        .client_builder()
        .base_url(&sim.base_url())
        .authorization_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    sim.deny_authorizations(true);
    let (result, browsed) = authorize_in_browser(&client).await;
    let (failure, error) = auth_failure(result);
    assert_eq!(failure, AuthorizationFailure::Denied);
    assert!(error.is_rejection());
    assert!(browsed.page.contains("denied"), "{}", browsed.page);

    // Nobody opens the URL: the listener gives up.
    let (failure, error) = auth_failure(client.authorize(|_| {}).await);
    assert_eq!(failure, AuthorizationFailure::TimedOut);
    assert!(error.is_transient());

    // The wrong method for the grant is a configuration error, and sends nothing.
    let wrong = client.authorize_device(|_| {}).await;
    assert!(matches!(&wrong, Err(Error::Config(m)) if m.contains("call `authorize`")), "{wrong:?}");
}

#[tokio::test]
async fn a_refresh_only_client_refreshes_its_seed_and_keeps_rotated_tokens() {
    let app = Seeded { client_id: hostile::CLIENT_ID.into() };
    let sim = Simulator::for_provider(app.clone()).await.unwrap();
    let unseeded = app.clone().client(&sim.base_url()).unwrap();
    assert!(matches!(unseeded.token().await, Err(Error::AuthorizationRequired { .. })));
    assert_eq!(sim.counters().refresh_requests + sim.counters().token_requests, 0, "nothing sent");

    let seed = sim.issue_refresh_token();
    let saved: Arc<Mutex<Option<String>>> = Arc::default();
    let keep = saved.clone();
    let client = app
        .clone()
        .client_builder()
        .base_url(&sim.base_url())
        .refresh_token(Secret::from(seed.clone()))
        .on_token(move |t| *keep.lock().unwrap() = t.refresh_token().map(|r| r.expose_secret().to_owned()))
        .build()
        .unwrap();
    assert!(client.cached_token().is_none(), "the seed is not an access token");
    let first = client.token().await.unwrap();
    let rotated = first.refresh_token().unwrap().expose_secret().to_owned();
    assert_ne!(rotated, seed, "the simulator rotates");
    assert_eq!(saved.lock().unwrap().as_deref(), Some(rotated.as_str()), "the hook saw the rotated one");
    assert_eq!(client.get(sim.protected_path()).send().await.unwrap().status(), 200);
    // The rotated refresh token is the one presented next (the seed is spent at the server).
    client.refresh().await.unwrap();
    let c = sim.counters();
    assert_eq!((c.refresh_requests, c.token_requests, c.refresh_tokens_repeated), (2, 0, 0));

    // A rejected refresh token: the person must authorize again; no grant is attempted.
    sim.revoke_refresh_tokens();
    let error = client.refresh().await.unwrap_err();
    assert!(matches!(error, Error::ReauthorizationRequired { .. }) && error.is_rejection(), "{error:?}");
    assert_eq!(sim.counters().token_requests, 0);
}

#[tokio::test]
async fn a_person_grants_rejected_refresh_requires_reauthorization() {
    let sim = tv_sim(0).await;
    let client = tv().client(&sim.base_url()).unwrap();
    client.authorize_device(|p| assert!(sim.approve_device(p.user_code()))).await.unwrap();
    let before = sim.counters();
    sim.revoke_refresh_tokens();
    sim.expire_tokens();
    let call = client.get(sim.protected_path()).send().await;
    assert!(matches!(call, Err(Error::ReauthorizationRequired { .. })), "{call:?}");
    let after = sim.counters();
    assert_eq!(after.refresh_requests, before.refresh_requests + 1, "one refresh, refused");
    assert_eq!((after.device_authorizations, after.device_polls), (before.device_authorizations, before.device_polls));
    // The person authorizes again, and the client carries on.
    client.authorize_device(|p| assert!(sim.approve_device(p.user_code()))).await.unwrap();
    assert_eq!(client.get(sim.protected_path()).send().await.unwrap().status(), 200);
}

#[tokio::test]
async fn github_answers_forms_unless_asked_for_json_and_errors_with_200() {
    let app = GitHub { client_id: hostile::CLIENT_ID.into() };
    let config = SimConfig::for_provider(app.clone()).device_interval(Duration::ZERO).device_pending_polls(1);
    let sim = Simulator::start_with(config).await.unwrap();
    let http = reqwest::Client::new();
    let form = [("client_id", hostile::CLIENT_ID), ("scope", "read:user")];
    let device = sim.device_authorization_url().unwrap();
    assert!(device.ends_with("/login/device/code"), "{device}");

    // Without `Accept: application/json`: a form body, as GitHub answers.
    let plain = http.post(&device).form(&form).send().await.unwrap();
    assert_eq!(plain.headers()["content-type"], "application/x-www-form-urlencoded");
    let body = plain.text().await.unwrap();
    let fields: Vec<(String, String)> = form_urlencoded_pairs(&body);
    let code = fields.iter().find(|(k, _)| k == "device_code").map(|(_, v)| v.clone()).expect(&body);
    assert!(fields.iter().any(|(k, v)| k == "interval" && v == "0"), "{body}");
    // A pending poll: HTTP 200 with the error in a form body.
    let poll = [
        ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
        ("device_code", code.as_str()),
        ("client_id", hostile::CLIENT_ID),
    ];
    let pending = http.post(sim.token_url()).form(&poll).send().await.unwrap();
    assert_eq!(pending.status(), 200);
    assert!(pending.text().await.unwrap().starts_with("error=authorization_pending"));
    // With it: JSON, errors still with 200.
    let json = http.post(sim.token_url()).header("accept", "application/json").form(&poll).send().await.unwrap();
    assert_eq!(json.status(), 200);
    let body: serde_json::Value = json.json().await.unwrap();
    assert_eq!(body["error"], "authorization_pending");

    // The client asks for JSON and reads a 200 error as an error: a pending poll, then the token.
    let client = app.client(&sim.base_url()).unwrap();
    let before = sim.counters().device_polls;
    client.authorize_device(|p| assert!(sim.approve_device(p.user_code()))).await.unwrap();
    assert_eq!(sim.counters().device_polls - before, 2);
    assert_eq!(client.get(sim.protected_path()).send().await.unwrap().status(), 200);
}

fn form_urlencoded_pairs(body: &str) -> Vec<(String, String)> {
    Url::parse(&format!("http://x/?{body}"))
        .unwrap()
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

#[tokio::test]
async fn authorization_codes_expire() {
    let config = SimConfig::for_provider(desktop()).code_lifetime(Duration::ZERO);
    let sim = Simulator::start_with(config).await.unwrap();
    let client = desktop().client(&sim.base_url()).unwrap();
    let (result, _) = authorize_in_browser(&client).await;
    let expired = result.unwrap_err();
    assert!(
        matches!(&expired, Error::OAuth(e) if e.code == ErrorCode::InvalidGrant
            && e.description.as_deref().is_some_and(|d| d.contains("expired"))),
        "{expired:?}"
    );
    assert!(expired.is_rejection());
    assert!(matches!(client.token().await, Err(Error::AuthorizationRequired { .. })), "nothing stored");
}

#[tokio::test]
async fn a_persons_token_is_shared_through_the_store_like_any_other() {
    let sim = tv_sim(0).await;
    let store = oauth_runtime::store::MemoryStore::new();
    let build = || tv().client_builder().base_url(&sim.base_url()).store(store.clone()).build().unwrap();
    let (first, second) = (build(), build());
    let token = first.authorize_device(|p| assert!(sim.approve_device(p.user_code()))).await.unwrap();
    // The other replica finds the person's token in the store: no prompt, no poll of its own.
    let shared = second.token().await.unwrap();
    assert_eq!(shared.access_token().expose_secret(), token.access_token().expose_secret());
    assert_eq!((sim.counters().device_authorizations, sim.counters().device_polls), (1, 1));
}
