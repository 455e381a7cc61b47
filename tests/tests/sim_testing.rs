//! Issue 19, "Testing your vendor", over HTTP against the spec-driven simulator with the real
//! generated clients: the request log (`Simulator::requests`), separate token and API origins
//! (a request at the wrong one refused with 421), answers in shapes the declaration does not
//! describe (`Fault::reshape`, `Fault::respond`), and declarations checked against the seed
//! vendors' documented sample responses (`oauth_sim::read_example`).

use std::time::{Duration, SystemTime};

use oauth_runtime::{Error, ErrorCode, LifetimeSource, Provider, Secret, oauth_provider};
use oauth_sim::{
    ExampleError, Fault, Origin, RequestBody, Reshape, RouteKind, SimConfig, Simulator, Target, Vendor,
    axum::routing::get, hostile,
};
use oauth_specs::{Deyel, GitHub, Microbilt, MicrobiltForm, Monta, MpsMonitor};
use serde_json::json;

/// A vendor of your own: HTTP Basic, refresh tokens, revocation, a form body.
#[derive(Clone)]
#[oauth_provider(
    grant = "client_credentials",
    token_path = "/oauth2/token",
    client_auth = "basic",
    refresh = "refresh_token_grant",
    revocation_path = "/oauth2/revoke"
)]
struct Acme {
    client_id: String,
    client_secret: Secret,
}

fn acme() -> Acme {
    Acme { client_id: hostile::CLIENT_ID.to_owned(), client_secret: Secret::from(hostile::CLIENT_SECRET) }
}

/// Acme with its API's own route, at one origin or two.
async fn acme_sim(separate: bool) -> Simulator {
    let config = SimConfig::for_provider(acme())
        .route("/v1/things/{id}", get(|| async { r#"{"id":7}"# }))
        .separate_origins(separate);
    Simulator::start_with(config).await.unwrap()
}

// ---------------------------------------------------------------------------------------------
// The request log.

#[tokio::test]
async fn the_log_holds_every_request_decoded() {
    let sim = acme_sim(false).await;
    let client = acme().client(&sim.base_url()).unwrap();
    let token = client.token().await.unwrap();
    assert_eq!(client.get(sim.protected_path()).send().await.unwrap().status(), 200);
    assert_eq!(client.get("/v1/things/7").query_param("fields", &"id name").send().await.unwrap().status(), 200);
    let refreshed = client.refresh().await.unwrap();
    sim.inject(Target::Api, Fault::status(503), 1);
    assert_eq!(client.get(sim.protected_path()).send().await.unwrap().status(), 503);
    assert_eq!(reqwest::get(format!("{}/nowhere", sim.base_url())).await.unwrap().status(), 404);

    let log = sim.requests();
    let kinds: Vec<_> = log.iter().map(|r| (r.kind(), r.status(), r.path())).collect();
    assert_eq!(
        kinds,
        [
            (Some(RouteKind::Token), Some(200), "/oauth2/token"),
            (Some(RouteKind::Api), Some(200), "/protected"),
            (Some(RouteKind::Api), Some(200), "/v1/things/7"),
            (Some(RouteKind::Refresh), Some(200), "/oauth2/token"),
            (Some(RouteKind::Api), Some(503), "/protected"),
            (None, Some(404), "/nowhere"),
        ]
    );
    assert!(log.iter().all(|r| r.origin() == Origin::Shared));

    let grant = &log[0];
    assert_eq!(grant.method().as_str(), "POST");
    assert_eq!(grant.header("Content-Type"), Some("application/x-www-form-urlencoded"));
    assert_eq!(grant.form("grant_type"), Some("client_credentials"));
    assert_eq!(grant.param("grant_type"), Some("client_credentials"));
    assert_eq!(grant.form("client_secret"), None, "HTTP Basic, not the body");
    // The hostile credentials, form-URL-encoded inside Basic and decoded again.
    let basic = grant.basic_credentials().unwrap();
    assert_eq!((basic.0.as_str(), basic.1.as_str()), (hostile::CLIENT_ID, hostile::CLIENT_SECRET));
    assert_ne!(grant.basic_credentials_raw(), Some(basic), "raw Basic is not decoded");
    assert!(matches!(grant.body(), RequestBody::Form(pairs) if pairs.len() == 1));

    let api = &log[1];
    assert_eq!(api.bearer_token(), Some(token.access_token().expose_secret()));
    assert_eq!(api.body(), &RequestBody::Empty);
    assert_eq!(log[2].query_param("fields"), Some("id name"));
    assert_eq!(log[2].query().len(), 1);

    let refresh = &log[3];
    assert_eq!(refresh.form("grant_type"), Some("refresh_token"));
    assert_eq!(refresh.form("refresh_token"), token.refresh_token().map(|r| r.expose_secret()));
    assert_eq!(log[4].bearer_token(), Some(refreshed.access_token().expose_secret()));

    // Debug shows the shape, never a credential or a token.
    let shown = format!("{log:?}");
    for secret in [
        hostile::CLIENT_SECRET,
        token.access_token().expose_secret(),
        token.refresh_token().unwrap().expose_secret(),
        refreshed.access_token().expose_secret(),
        grant.header("authorization").unwrap(),
    ] {
        assert!(!shown.contains(secret), "{secret:?} in {shown}");
    }
    assert!(shown.contains("client_credentials") && shown.contains("/v1/things/7"), "{shown}");
}

#[tokio::test]
async fn json_bodies_query_strings_and_vendor_simulators_are_logged() {
    let sim = Simulator::for_spec(Microbilt::SPEC).await.unwrap();
    let c = sim.config();
    Microbilt { client_id: c.client_id.clone(), client_secret: Secret::from(c.client_secret.clone()) }
        .client(&sim.base_url())
        .unwrap()
        .token()
        .await
        .unwrap();
    let json = &sim.requests()[0];
    assert_eq!(json.json().and_then(|b| b["client_id"].as_str()), Some(hostile::CLIENT_ID));
    assert_eq!(json.param("client_secret"), Some(hostile::CLIENT_SECRET));
    assert_eq!(json.form("client_id"), None, "a JSON body is not a form");
    assert!(!format!("{json:?}").contains(hostile::CLIENT_SECRET));

    let sim = Simulator::for_spec(MicrobiltForm::SPEC).await.unwrap();
    MicrobiltForm { client_id: c.client_id.clone(), client_secret: Secret::from(c.client_secret.clone()) }
        .client(&sim.base_url())
        .unwrap()
        .token()
        .await
        .unwrap();
    let form = &sim.requests()[0];
    assert_eq!(form.query_param("grant_type"), Some("client_credentials"));
    assert_eq!((form.form("grant_type"), form.param("grant_type")), (None, Some("client_credentials")));
    assert_eq!(form.form("client_secret"), Some(hostile::CLIENT_SECRET));

    // A vendor simulator logs as well: Monta's own refresh endpoint, JSON.
    let sim = Simulator::start(Vendor::Monta).await.unwrap();
    let client = common::monta(sim.config()).client(&sim.base_url()).unwrap();
    let token = client.token().await.unwrap();
    client.refresh().await.unwrap();
    let log = sim.requests();
    assert_eq!(log.iter().map(|r| r.kind()).collect::<Vec<_>>(), [Some(RouteKind::Token), Some(RouteKind::Refresh)]);
    assert_eq!(log[1].path(), "/auth/refresh");
    assert_eq!(log[1].json(), Some(&json!({ "refreshToken": token.refresh_token().unwrap().expose_secret() })));
}

#[tokio::test]
async fn the_log_is_bounded_and_can_be_cleared() {
    let sim = Simulator::start_with(SimConfig::for_provider(acme()).request_log(3)).await.unwrap();
    let client = acme().client(&sim.base_url()).unwrap();
    for n in 0..5 {
        client.get(sim.protected_path()).query_param("n", &n).send().await.unwrap();
    }
    let kept: Vec<_> = sim.requests().iter().map(|r| r.query_param("n").map(str::to_owned)).collect();
    assert_eq!(kept, [Some("2".into()), Some("3".into()), Some("4".into())], "the three most recent");
    assert_eq!(sim.counters().api_requests, 5, "the counters count what the log dropped");
    sim.clear_requests();
    assert!(sim.requests().is_empty());
    client.get(sim.protected_path()).send().await.unwrap();
    assert_eq!(sim.requests().len(), 1);
    assert_eq!(sim.counters().api_requests, 6);

    let silent = Simulator::start_with(SimConfig::for_provider(acme()).request_log(0)).await.unwrap();
    acme().client(&silent.base_url()).unwrap().token().await.unwrap();
    assert!(silent.requests().is_empty());
    assert_eq!(silent.counters().token_requests, 1);
}

#[tokio::test]
async fn a_body_over_the_cap_is_kept_in_part_and_answered_as_before() {
    let sim = acme_sim(false).await;
    let body = "a=".to_owned() + &"x".repeat(100 * 1024);
    let response = reqwest::Client::new()
        .post(sim.token_url())
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413, "the token endpoint's limit, as without the log");
    let logged = &sim.requests()[0];
    assert!(logged.body_truncated());
    assert!(matches!(logged.body(), RequestBody::Raw(kept) if kept.len() == oauth_sim::MAX_LOGGED_BODY));
    assert_eq!((logged.kind(), logged.status()), (Some(RouteKind::Token), Some(413)));
}

// ---------------------------------------------------------------------------------------------
// Separate origins.

#[tokio::test]
async fn a_client_with_both_base_urls_works_across_two_origins() {
    let sim = acme_sim(true).await;
    assert_ne!(sim.auth_base_url(), sim.api_base_url());
    assert_eq!(sim.base_url(), sim.api_base_url());
    assert!(sim.token_url().starts_with(&sim.auth_base_url()));
    assert!(sim.revocation_url().unwrap().starts_with(&sim.auth_base_url()));
    assert!(sim.protected_url().starts_with(&sim.api_base_url()));
    assert_eq!(sim.auth_addr().ip(), sim.addr().ip());

    let client =
        acme().client_builder().base_url(&sim.api_base_url()).auth_base_url(&sim.auth_base_url()).build().unwrap();
    client.token().await.unwrap();
    assert_eq!(client.get(sim.protected_path()).send().await.unwrap().status(), 200);
    assert_eq!(client.get("/v1/things/7").send().await.unwrap().text().await.unwrap(), r#"{"id":7}"#);
    client.refresh().await.unwrap();
    client.revoke().await.unwrap();

    let origins: Vec<_> = sim.requests().iter().map(|r| (r.kind(), r.origin())).collect();
    assert_eq!(
        origins,
        [
            (Some(RouteKind::Token), Origin::Auth),
            (Some(RouteKind::Api), Origin::Api),
            (Some(RouteKind::Api), Origin::Api),
            (Some(RouteKind::Refresh), Origin::Auth),
            (Some(RouteKind::Revocation), Origin::Auth),
            (Some(RouteKind::Revocation), Origin::Auth),
        ]
    );
    assert_eq!(sim.counters().misdirected_requests, 0);
}

#[tokio::test]
async fn a_token_request_at_the_api_origin_fails_loudly() {
    let sim = acme_sim(true).await;
    // One base URL for everything: token requests go to the API's origin.
    let client = acme().client(&sim.api_base_url()).unwrap();
    let error = client.token().await.unwrap_err();
    assert!(matches!(&error, Error::MalformedResponse { status, .. } if status.as_u16() == 421), "{error}");
    let c = sim.counters();
    assert_eq!((c.token_requests, c.misdirected_requests), (0, 1), "refused before anything was processed");
    let logged = &sim.requests()[0];
    assert_eq!((logged.origin(), logged.kind(), logged.status()), (Origin::Api, None, Some(421)));

    // The body says where the endpoint is and what to change.
    let response =
        reqwest::Client::new().post(format!("{}{}", sim.api_base_url(), Acme::SPEC.token.path)).send().await.unwrap();
    assert_eq!(response.status(), 421);
    let body = response.text().await.unwrap();
    assert!(body.contains("/oauth2/token is an endpoint of the authorization server"), "{body}");
    assert!(body.contains(&format!(".auth_base_url(\"{}\")", sim.auth_base_url())), "{body}");
    // The revocation and metadata endpoints are the authorization server's too.
    for path in ["/oauth2/revoke", "/.well-known/oauth-authorization-server"] {
        let at_api = reqwest::get(format!("{}{path}", sim.api_base_url())).await.unwrap();
        assert_eq!(at_api.status(), 421, "{path}");
    }
    assert_eq!(reqwest::get(format!("{}/nowhere", sim.api_base_url())).await.unwrap().status(), 404);
}

#[tokio::test]
async fn an_api_call_at_the_token_origin_fails_loudly() {
    let sim = acme_sim(true).await;
    // One base URL for everything: the token host, so API calls go there.
    let client = acme().client(&sim.auth_base_url()).unwrap();
    client.token().await.unwrap();
    for path in [sim.protected_path(), "/v1/things/7"] {
        let response = client.get(path).send().await.unwrap();
        assert_eq!(response.status(), 421, "{path}");
        let body = response.text().await.unwrap();
        assert!(body.contains(&format!("{path} is an API path, served at {}", sim.api_base_url())), "{body}");
        assert!(body.contains(".base_url("), "{body}");
    }
    let c = sim.counters();
    assert_eq!((c.token_requests, c.api_requests, c.misdirected_requests), (1, 0, 2));
    assert_eq!(sim.requests().iter().filter(|r| r.origin() == Origin::Auth).count(), 3);
}

#[tokio::test]
async fn the_device_grant_and_a_vendor_simulator_at_two_origins() {
    // GitHub's login host and API host, as in production.
    let config = SimConfig::for_spec(GitHub::SPEC).separate_origins(true).device_interval(Duration::ZERO);
    let sim = Simulator::start_with(config).await.unwrap();
    let client = GitHub { client_id: sim.config().client_id.clone() }
        .client_builder()
        .base_url(&sim.api_base_url())
        .auth_base_url(&sim.auth_base_url())
        .build()
        .unwrap();
    client.authorize_device(|prompt| assert!(sim.approve_device(prompt.user_code()))).await.unwrap();
    assert_eq!(client.get(sim.protected_path()).send().await.unwrap().status(), 200);
    let log = sim.requests();
    assert_eq!((log[0].kind(), log[0].origin()), (Some(RouteKind::DeviceAuthorization), Origin::Auth));
    assert_eq!((log[1].kind(), log[1].origin()), (Some(RouteKind::Token), Origin::Auth));
    assert_eq!(log[1].form("grant_type"), Some("urn:ietf:params:oauth:grant-type:device_code"));
    assert_eq!((log[2].kind(), log[2].origin()), (Some(RouteKind::Api), Origin::Api));

    // A vendor simulator at two origins: Deyel.
    let sim = Simulator::start_with(SimConfig::for_vendor(Vendor::Deyel).separate_origins(true)).await.unwrap();
    let deyel = common::deyel(sim.config());
    let split = deyel.clone().client_builder().base_url(&sim.api_base_url()).auth_base_url(&sim.auth_base_url());
    let client = split.build().unwrap();
    assert_eq!(client.get(Vendor::Deyel.protected_path()).send().await.unwrap().status(), 200);
    let confused = deyel.client(&sim.api_base_url()).unwrap();
    assert!(matches!(confused.token().await, Err(Error::MalformedResponse { status, .. }) if status.as_u16() == 421));
    assert_eq!(sim.counters().misdirected_requests, 1);
}

// ---------------------------------------------------------------------------------------------
// Answers beyond the declaration.

#[tokio::test]
async fn numbers_as_strings_and_unknown_fields_in_every_answer() {
    let sim = acme_sim(false).await;
    let drift = Reshape::new()
        .extra_field("issued_at", 1525190727056u64)
        .extra_field("status", "approved")
        .extra_field("nested", json!({ "ttl": 60, "list": [1, 2] }))
        .numbers_as_strings();
    sim.set_fault_rate(Target::Token, Fault::reshape(drift.clone()), 1.0);
    sim.set_fault_rate(Target::Refresh, Fault::reshape(drift), 1.0);
    let client = acme().client(&sim.base_url()).unwrap();
    let token = client.token().await.unwrap();
    assert_eq!(token.lifetime_source(), LifetimeSource::Duration, "`\"expires_in\": \"3600\"` read");
    assert!(token.expires_in() > Duration::from_secs(3590), "{:?}", token.expires_in());
    assert_eq!(token.field("issued_at"), Some(&json!("1525190727056")));
    assert_eq!(token.field("status"), Some(&json!("approved")));
    assert_eq!(token.field("nested"), Some(&json!({ "ttl": "60", "list": ["1", "2"] })));
    assert_eq!(client.get(sim.protected_path()).send().await.unwrap().status(), 200, "the real token");
    let refreshed = client.refresh().await.unwrap();
    assert_eq!(refreshed.lifetime_source(), LifetimeSource::Duration);
    assert_eq!(client.get(sim.protected_path()).send().await.unwrap().status(), 200);
    assert_eq!(sim.counters().refresh_requests, 1);
}

#[tokio::test]
async fn form_encoded_token_answers() {
    // Simple credentials, so that the raw request below needs no encoding.
    let mine = Acme { client_id: "id".into(), client_secret: Secret::from("secret") };
    let sim = Simulator::for_provider(mine.clone()).await.unwrap();
    sim.inject(Target::Token, Fault::reshape(Reshape::new().form_encoded()), 1);
    let raw = reqwest::Client::new()
        .post(sim.token_url())
        .basic_auth("id", Some("secret"))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(raw.headers()["content-type"], "application/x-www-form-urlencoded");
    let body = raw.text().await.unwrap();
    assert!(body.starts_with("access_token=") && body.contains("&expires_in=3600"), "{body}");

    // The client reads form answers to the grant and to the refresh, whatever the declaration says.
    sim.set_fault_rate(Target::Token, Fault::reshape(Reshape::new().form_encoded()), 1.0);
    sim.set_fault_rate(Target::Refresh, Fault::reshape(Reshape::new().form_encoded()), 1.0);
    let client = mine.client(&sim.base_url()).unwrap();
    let token = client.token().await.unwrap();
    assert!(token.refresh_token().is_some(), "the refresh token read from the form");
    assert_eq!(token.lifetime_source(), LifetimeSource::Duration);
    client.refresh().await.unwrap();
    assert_eq!(client.get(sim.protected_path()).send().await.unwrap().status(), 200);
    assert_eq!(sim.counters().refresh_requests, 1);
}

#[tokio::test]
async fn a_custom_body_for_one_call() {
    let sim = acme_sim(false).await;
    let client = acme().client(&sim.base_url()).unwrap();
    // A token the simulator never issued, `expires_in` a string, no content type at all.
    let custom = "access_token=hand-written&token_type=bearer&expires_in=120";
    sim.inject(Target::Token, Fault::respond(200, "", custom), 1);
    let token = client.token().await.unwrap();
    assert_eq!(token.access_token().expose_secret(), "hand-written");
    assert!(token.expires_in() <= Duration::from_secs(120) && token.expires_in() > Duration::from_secs(100));
    // The API does not know it: one renewal (a real answer now), then the call goes through.
    assert_eq!(client.get(sim.protected_path()).send().await.unwrap().status(), 200);
    assert_eq!(sim.requests()[1].bearer_token(), Some("hand-written"));
    assert_eq!(sim.counters().refresh_requests, 0, "no refresh token came with the custom answer");

    // A vendor's own error shape, for the next grant: the client's typed error.
    let body = r#"{"error":"Invalid_request","error_description":"Invalid client_id"}"#;
    sim.inject(Target::Token, Fault::respond(400, "application/json", body), 1);
    let fresh = acme().client(&sim.base_url()).unwrap();
    let error = fresh.token().await.unwrap_err();
    assert!(matches!(&error, Error::OAuth(e) if e.code == ErrorCode::InvalidRequest), "{error}");
    fresh.token().await.unwrap();

    // A reshape needs a handler that processes first: at the API it is a plain 500.
    sim.inject(Target::Api, Fault::reshape(Reshape::new().numbers_as_strings()), 1);
    assert_eq!(fresh.get(sim.protected_path()).send().await.unwrap().status(), 500);
}

#[tokio::test]
async fn a_vendor_simulator_reshapes_after_processing() {
    // MPS Monitor's token endpoint processes first: its answer, with `expires_in` a string.
    let sim = Simulator::start(Vendor::MpsMonitor).await.unwrap();
    sim.inject(Target::Token, Fault::reshape(Reshape::new().numbers_as_strings().extra_field("scope", "account")), 1);
    let client = common::mps(sim.config()).client(&sim.base_url()).unwrap();
    let token = client.token().await.unwrap();
    assert_eq!(token.lifetime_source(), LifetimeSource::Duration);
    assert!(token.expires_in() > Duration::from_secs(1700));
    assert_eq!(token.field("scope"), Some(&json!("account")));
    assert_eq!(token.field("userName").and_then(|v| v.as_str()), Some(sim.config().username.as_str()));
    assert_eq!(client.get(Vendor::MpsMonitor.protected_path()).send().await.unwrap().status(), 200);
}

// ---------------------------------------------------------------------------------------------
// Declarations against the seed vendors' documented sample responses.

/// MPS Monitor's sample response (`/work/shared/seeds/000_3afaf462f1564f3a.txt`, step 2).
const MPS_SAMPLE: &str = r#"{
    "access_token": "WDqEbIZNQ2zpFvulchVP8JXT5IpLlHzMkLmmBKbJmsPF",
    "token_type": "bearer",
    "expires_in": 1799,
    "refresh_token": "f1efdf74ecc043b69f60c110af41a3f1",
    "as:client_id": "YourClientId",
    "userName": "test%40test.com",
    ".issued": "Mon, 30 Jan 2017 13:40:47 GMT",
    ".expires": "Mon, 30 Jan 2017 14:10:47 GMT"
}"#;

/// Monta's sample response to `/auth/token` (`001_e02be026d9d02c97.txt`).
const MONTA_SAMPLE: &str = r#"{
"applicationId": 1,
"userId": 1,
"accessToken": "dba896fe-8f14-46bd-89ac-4270091e9db1",
"accessTokenExpirationDate": "2023-05-10T17:35:31.703819Z",
"refreshToken": "8f449e8c-864e-4bbc-a328-aa3ad876351b",
"refreshTokenExpirationDate": "2023-06-09T16:35:31.703832Z"
}"#;

/// Deyel's successful response as its document prints it (`002_9b14ea96457a54d9.txt`): the
/// colon after `"access_token"` is missing there, and the JWT is shortened here.
const DEYEL_SAMPLE_AS_PRINTED: &str = r#"{
    "access_token""eyJraWQiOiJrMSIsImFsZyI6IlJTMjU2In0.eyJpc3MiOiJEZXllbCIsImV4cCI6MTY1NDI2MTQ5MH0.M8EHKFhMwJQsdJbg4VQkPcvlJxoRyG",
    "token_type": "Bearer",
    "expires_in": 86400
}"#;

/// Deyel's failed response (`002_9b14ea96457a54d9.txt`).
const DEYEL_FAILURE: &str = r#"{
    "error_description": "Invalid client_id",
    "error": "Invalid_request"
}"#;

/// Microbilt's sample response (`003_b857cfea5ae8ad92.txt`).
const MICROBILT_SAMPLE: &str = r#"{ "issued_at" : "1525190727056", "expires_in" : "3599", "token_type" : "BearerToken", "access_token" : "kE8WyfAAgaoPPisGakxRw9aEL8eH", "status" : "approved" }"#;

#[test]
fn the_seed_specs_read_their_documented_samples() {
    let mps = oauth_sim::read_example(MpsMonitor::SPEC, MPS_SAMPLE).unwrap();
    assert_eq!(mps.access_token(), "WDqEbIZNQ2zpFvulchVP8JXT5IpLlHzMkLmmBKbJmsPF");
    assert_eq!((mps.token_type(), mps.scheme().as_str()), (Some("bearer"), "Bearer"));
    assert_eq!((mps.lifetime(), mps.lifetime_source()), (Duration::from_secs(1799), LifetimeSource::Duration));
    assert_eq!(mps.refresh_token(), Some("f1efdf74ecc043b69f60c110af41a3f1"));
    assert_eq!(mps.field("userName"), Some(&json!("test%40test.com")), "kept as sent, not decoded");
    assert_eq!(mps.field(".expires"), Some(&json!("Mon, 30 Jan 2017 14:10:47 GMT")));
    assert_eq!(mps.scope(), None, "the sample grants no scope field");

    // Read at the time of the sample (an hour before its expiry), Monta's instant is an hour.
    let issued: SystemTime = time::macros::datetime!(2023-05-10 16:35:31.703819 UTC).into();
    let monta = oauth_sim::read_example_at(Monta::SPEC, MONTA_SAMPLE, issued).unwrap();
    assert_eq!(monta.access_token(), "dba896fe-8f14-46bd-89ac-4270091e9db1");
    assert_eq!((monta.lifetime(), monta.lifetime_source()), (Duration::from_secs(3600), LifetimeSource::Instant));
    assert_eq!(monta.refresh_token(), Some("8f449e8c-864e-4bbc-a328-aa3ad876351b"));
    assert_eq!(monta.token_type(), None, "Monta sends no token type: Bearer");
    assert_eq!(monta.field("applicationId"), Some(&json!(1)));
    // Read today, the instant is long past: the floor, and the field was still read.
    let today = oauth_sim::read_example(Monta::SPEC, MONTA_SAMPLE).unwrap();
    assert_eq!(today.lifetime_source(), LifetimeSource::Floor);

    let microbilt = oauth_sim::read_example(Microbilt::SPEC, MICROBILT_SAMPLE).unwrap();
    assert_eq!(microbilt.access_token(), "kE8WyfAAgaoPPisGakxRw9aEL8eH");
    assert_eq!((microbilt.token_type(), microbilt.scheme().as_str()), (Some("BearerToken"), "Bearer"));
    assert_eq!(microbilt.lifetime(), Duration::from_secs(3599), "\"3599\", a string");
    assert_eq!(microbilt.field("status"), Some(&json!("approved")));
    let form = oauth_sim::read_example(MicrobiltForm::SPEC, MICROBILT_SAMPLE).unwrap();
    assert_eq!(form.access_token(), microbilt.access_token());

    // Deyel's document prints invalid JSON: the client could not read it as printed.
    let printed = oauth_sim::read_example(Deyel::SPEC, DEYEL_SAMPLE_AS_PRINTED).unwrap_err();
    assert!(
        matches!(&printed, ExampleError::Unreadable(Error::MalformedResponse { reason, .. }) if reason.contains("invalid JSON")),
        "{printed}"
    );
    let repaired = DEYEL_SAMPLE_AS_PRINTED.replacen(r#""access_token""#, r#""access_token": "#, 1);
    let deyel = oauth_sim::read_example(Deyel::SPEC, &repaired).unwrap();
    assert!(deyel.access_token().starts_with("eyJraWQiOiJrMSIsImFsZyI6IlJTMjU2In0."));
    assert_eq!((deyel.lifetime(), deyel.token_type()), (Duration::from_secs(86400), Some("Bearer")));
    // Its documented failure is the client's typed error, the code's case ignored.
    match oauth_sim::read_example(Deyel::SPEC, DEYEL_FAILURE).unwrap_err() {
        ExampleError::Unreadable(Error::OAuth(e)) => {
            assert_eq!((e.code, e.description.as_deref()), (ErrorCode::InvalidRequest, Some("Invalid client_id")));
        }
        other => panic!("{other}"),
    }
}

/// MPS Monitor with the access token field misspelt.
#[derive(Clone)]
#[oauth_provider(
    name = "MPS Monitor",
    grant = "password",
    token_path = "/token",
    refresh = "refresh_token_grant",
    access_token = "acess_token"
)]
struct MpsMisspelt {
    client_id: String,
    client_secret: Secret,
    username: String,
    password: Secret,
    #[oauth(param)]
    scope: String,
}

/// Monta with the expiry field misspelt.
#[oauth_provider(
    name = "Monta",
    grant = "client_credentials",
    send_grant_type = false,
    token_path = "/auth/token",
    body_style = "json",
    refresh = "endpoint",
    refresh_path = "/auth/refresh",
    refresh_param = "refreshToken",
    access_token = "accessToken",
    refresh_token = "refreshToken",
    expires_at = "accessTokenExpiration",
    expires_format = "rfc3339"
)]
struct MontaMisspeltExpiry {
    #[oauth(rename = "clientId")]
    client_id: String,
    #[oauth(rename = "clientSecret")]
    client_secret: Secret,
}

/// Monta with the RFC's refresh token name instead of Monta's.
#[oauth_provider(
    name = "Monta",
    grant = "client_credentials",
    send_grant_type = false,
    token_path = "/auth/token",
    body_style = "json",
    refresh = "endpoint",
    refresh_path = "/auth/refresh",
    refresh_param = "refreshToken",
    access_token = "accessToken",
    expires_at = "accessTokenExpirationDate",
    expires_format = "rfc3339"
)]
struct MontaRfcRefresh {
    #[oauth(rename = "clientId")]
    client_id: String,
    #[oauth(rename = "clientSecret")]
    client_secret: Secret,
}

/// Monta with the wrong instant format.
#[oauth_provider(
    name = "Monta",
    grant = "client_credentials",
    send_grant_type = false,
    token_path = "/auth/token",
    body_style = "json",
    refresh = "endpoint",
    refresh_path = "/auth/refresh",
    refresh_param = "refreshToken",
    access_token = "accessToken",
    refresh_token = "refreshToken",
    expires_at = "accessTokenExpirationDate",
    expires_format = "epoch_millis"
)]
struct MontaWrongFormat {
    #[oauth(rename = "clientId")]
    client_id: String,
    #[oauth(rename = "clientSecret")]
    client_secret: Secret,
}

/// Microbilt with a camelCase lifetime field it does not send.
#[oauth_provider(
    name = "Microbilt",
    grant = "client_credentials",
    token_path = "/OAuth/GetAccessToken",
    body_style = "json",
    expires_in = "expiresIn"
)]
struct MicrobiltMisspelt {
    client_id: String,
    client_secret: Secret,
}

#[test]
fn a_misspelt_declaration_fails_against_the_documented_sample() {
    let error = oauth_sim::read_example(MpsMisspelt::SPEC, MPS_SAMPLE).unwrap_err();
    assert!(error.to_string().contains("no `acess_token` in the response"), "{error}");
    assert!(!error.to_string().contains("WDqEbIZNQ2zpFvulchVP8JXT5IpLlHzMkLmmBKbJmsPF"), "values masked: {error}");

    let error = oauth_sim::read_example(MontaMisspeltExpiry::SPEC, MONTA_SAMPLE).unwrap_err();
    assert!(matches!(&error, ExampleError::MissingExpiry { field, .. } if field == "accessTokenExpiration"), "{error}");
    assert!(error.to_string().contains("`accessTokenExpiration`, the declared expiry field"), "{error}");

    let error = oauth_sim::read_example(MontaRfcRefresh::SPEC, MONTA_SAMPLE).unwrap_err();
    assert!(matches!(&error, ExampleError::MissingRefreshToken { field, .. } if field == "refresh_token"), "{error}");

    let error = oauth_sim::read_example(MontaWrongFormat::SPEC, MONTA_SAMPLE).unwrap_err();
    assert!(
        error.to_string().contains(
            "`accessTokenExpirationDate` is not an instant in the declared `expires_format = \"epoch_millis\"`"
        ),
        "{error}"
    );

    let error = oauth_sim::read_example(MicrobiltMisspelt::SPEC, MICROBILT_SAMPLE).unwrap_err();
    assert!(matches!(&error, ExampleError::MissingExpiry { field, .. } if field == "expiresIn"), "{error}");
}

#[tokio::test]
async fn the_example_check_reads_what_the_client_reads_over_http() {
    // The simulator answers the documented sample itself; the real client reads the same.
    let sim = Simulator::for_spec(MpsMonitor::SPEC).await.unwrap();
    let c = sim.config();
    let credentials = || MpsMonitor {
        client_id: c.client_id.clone(),
        client_secret: Secret::from(c.client_secret.clone()),
        username: c.username.clone(),
        password: Secret::from(c.password.clone()),
        scope: c.param_value("scope").unwrap().to_owned(),
    };
    let example = oauth_sim::read_example(MpsMonitor::SPEC, MPS_SAMPLE).unwrap();
    sim.inject(Target::Token, Fault::respond(200, "application/json", MPS_SAMPLE), 1);
    let token = credentials().client(&sim.base_url()).unwrap().token().await.unwrap();
    assert_eq!(token.access_token().expose_secret(), example.access_token());
    assert_eq!(token.refresh_token().map(|r| r.expose_secret()), example.refresh_token());
    assert_eq!(token.token_type_sent(), example.token_type());
    assert_eq!(token.lifetime_source(), example.lifetime_source());
    assert_eq!(token.extra(), example.extra());

    // And the misspelt declaration fails over HTTP with the same message.
    let misspelt = MpsMisspelt {
        client_id: c.client_id.clone(),
        client_secret: Secret::from(c.client_secret.clone()),
        username: c.username.clone(),
        password: Secret::from(c.password.clone()),
        scope: c.param_value("scope").unwrap().to_owned(),
    };
    sim.inject(Target::Token, Fault::respond(200, "application/json", MPS_SAMPLE), 1);
    let over_http = misspelt.client(&sim.base_url()).unwrap().token().await.unwrap_err();
    assert!(over_http.to_string().contains("no `acess_token` in the response"), "{over_http}");
}

mod common;
