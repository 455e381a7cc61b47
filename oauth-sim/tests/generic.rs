//! The simulator of any declared vendor over raw HTTP: it accepts exactly the request its
//! spec declares, refuses the rest as a real server would, and answers in the declared shape.

mod common;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::{Engine, engine::general_purpose::STANDARD};
use common::*;
use oauth_runtime::provider::*;
use oauth_sim::{Fault, SimConfig, Simulator, Target, axum::routing::get, hostile};
use reqwest::StatusCode;
use serde_json::Value;

const FORM_SPEC: ProviderSpec = ProviderSpec::minimal("Form Vendor", "/oauth/token")
    .with_refresh(Refresh::refresh_token_grant("/oauth/token", "refresh_token"));

fn client_form(sim: &Simulator) -> Vec<(&'static str, String)> {
    let c = sim.config();
    vec![
        ("grant_type", "client_credentials".to_owned()),
        ("client_id", c.client_id.clone()),
        ("client_secret", c.client_secret.clone()),
    ]
}

fn encode(pairs: &[(&str, String)]) -> String {
    form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish()
}

fn error_of(reply: &Reply) -> String {
    reply.json()["error"].as_str().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn a_spec_simulator_issues_tokens_and_guards_its_protected_endpoint() {
    let sim = Simulator::for_spec(&FORM_SPEC).await.unwrap();
    assert_eq!(sim.vendor(), None);
    assert_eq!(sim.config().client_id, hostile::CLIENT_ID);
    let reply = post(&sim.token_url(), Some(FORM), &encode(&client_form(&sim))).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    let body = reply.json();
    assert_eq!(keys(&body), ["access_token", "expires_in", "refresh_token", "token_type"]);
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3600);
    let token = body["access_token"].as_str().unwrap();
    assert!(token.contains('+') && token.contains('/'), "tokens use the whole b64token alphabet: {token}");

    assert_eq!(call_api(&sim, token).await.status, StatusCode::OK);
    let none = get_with_token(&sim.protected_url(), None).await;
    assert_eq!(none.status, StatusCode::UNAUTHORIZED);
    assert_eq!(none.header("www-authenticate"), Some(r#"Bearer realm="Form Vendor""#));
    let bad = call_api(&sim, "nope").await;
    assert_eq!(bad.status, StatusCode::UNAUTHORIZED);
    assert_eq!(bad.header("www-authenticate"), Some(r#"Bearer realm="Form Vendor", error="invalid_token""#));
    assert_eq!(error_of(&bad), "invalid_token");
    sim.expire_tokens();
    let expired = call_api(&sim, token).await;
    assert_eq!(expired.json()["error_description"], "the access token expired");
    let c = sim.counters();
    assert_eq!((c.token_requests, c.api_requests, c.api_authorized), (1, 4, 1));
}

#[tokio::test]
async fn wrong_requests_get_rfc_6749_errors() {
    let sim = Simulator::for_spec(&FORM_SPEC).await.unwrap();
    let url = sim.token_url();
    let good = client_form(&sim);
    let with = |name: &'static str, value: &str| {
        let mut pairs = good.clone();
        pairs.retain(|(k, _)| *k != name);
        pairs.push((name, value.to_owned()));
        encode(&pairs)
    };

    let wrong_secret = post(&url, Some(FORM), &with("client_secret", "nope")).await;
    assert_eq!((wrong_secret.status, error_of(&wrong_secret).as_str()), (StatusCode::UNAUTHORIZED, "invalid_client"));
    assert_eq!(wrong_secret.header("www-authenticate"), Some(r#"Basic realm="Form Vendor""#));

    let wrong_grant = post(&url, Some(FORM), &with("grant_type", "password")).await;
    assert_eq!(error_of(&wrong_grant), "unsupported_grant_type");

    let mut twice = good.clone();
    twice.push(("client_id", sim.config().client_id.clone()));
    let repeated = post(&url, Some(FORM), &encode(&twice)).await;
    assert_eq!((repeated.status, error_of(&repeated).as_str()), (StatusCode::BAD_REQUEST, "invalid_request"));
    assert!(repeated.body.contains("client_id is repeated"), "{}", repeated.body);

    let c = sim.config();
    let both =
        post_with(&url, Some(FORM), &encode(&good), &[("authorization", &basic(&c.client_id, &c.client_secret))]).await;
    assert_eq!((both.status, error_of(&both).as_str()), (StatusCode::BAD_REQUEST, "invalid_request"));

    let json = serde_json::json!({"grant_type": "client_credentials", "client_id": c.client_id}).to_string();
    let wrong_type = post(&url, Some(JSON), &json).await;
    assert_eq!(error_of(&wrong_type), "invalid_request");

    let get = send(client().get(&url)).await;
    assert_eq!((get.status, get.header("allow")), (StatusCode::METHOD_NOT_ALLOWED, Some("POST")));

    let in_query = post(&format!("{url}?grant_type=client_credentials"), Some(FORM), &encode(&good)).await;
    assert_eq!(error_of(&in_query), "invalid_request", "grant_type in the body and the query");

    // Unknown parameters are ignored and empty ones count as absent (RFC 6749 section 3).
    let mut extra = good.clone();
    extra.push(("unrelated", "x".to_owned()));
    assert_eq!(post(&url, Some(FORM), &encode(&extra)).await.status, StatusCode::OK);
    assert_eq!(error_of(&post(&url, Some(FORM), &with("client_secret", "")).await), "invalid_client");
    assert_eq!(sim.counters().token_requests, 9);
}

const QUERY_SPEC: ProviderSpec = ProviderSpec::new(
    "Query",
    TokenEndpoint::new("/t", Grant::ClientCredentials).with_body_style(BodyStyle::FormGrantInQuery),
)
.with_fields(ProviderSpec::minimal("", "/").fields);

const SILENT_JSON_SPEC: ProviderSpec = ProviderSpec::new(
    "Silent",
    TokenEndpoint::new("/t", Grant::ClientCredentials).with_body_style(BodyStyle::Json).with_send_grant_type(false),
)
.with_fields(&[FieldSpec::new("clientId", Role::ClientId), FieldSpec::new("clientSecret", Role::ClientSecret)]);

#[tokio::test]
async fn grant_type_goes_exactly_where_the_spec_puts_it() {
    let sim = Simulator::for_spec(&QUERY_SPEC).await.unwrap();
    let c = sim.config().clone();
    let creds = encode(&[("client_id", c.client_id.clone()), ("client_secret", c.client_secret.clone())]);
    let ok = post(&format!("{}?grant_type=client_credentials", sim.token_url()), Some(FORM), &creds).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    let in_body = post(&sim.token_url(), Some(FORM), &format!("grant_type=client_credentials&{creds}")).await;
    assert!(in_body.body.contains("grant_type belongs in the query string"), "{}", in_body.body);

    let sim = Simulator::for_spec(&SILENT_JSON_SPEC).await.unwrap();
    let c = sim.config().clone();
    let body = serde_json::json!({"clientId": c.client_id, "clientSecret": c.client_secret});
    assert_eq!(post(&sim.token_url(), Some(JSON), &body.to_string()).await.status, StatusCode::OK);
    let with_grant = serde_json::json!({"clientId": c.client_id, "clientSecret": c.client_secret, "grant_type": "client_credentials"});
    let reply = post(&sim.token_url(), Some(JSON), &with_grant.to_string()).await;
    assert_eq!(error_of(&reply), "invalid_request");
    let repeated = format!(
        r#"{{"clientId":{0},"clientId":{0},"clientSecret":{1}}}"#,
        Value::from(c.client_id),
        Value::from(c.client_secret)
    );
    let reply = post(&sim.token_url(), Some(JSON), &repeated).await;
    assert!(reply.body.contains("clientId is repeated"), "{}", reply.body);
}

const BASIC_SPEC: ProviderSpec =
    ProviderSpec::new("Basic", TokenEndpoint::new("/t", Grant::ClientCredentials).with_client_auth(ClientAuth::Basic))
        .with_fields(ProviderSpec::minimal("", "/").fields);

const BASIC_RAW_SPEC: ProviderSpec =
    ProviderSpec::new("Raw", TokenEndpoint::new("/t", Grant::ClientCredentials).with_client_auth(ClientAuth::BasicRaw))
        .with_fields(ProviderSpec::minimal("", "/").fields);

fn raw_basic(id: &str, secret: &str) -> String {
    format!("Basic {}", STANDARD.encode(format!("{id}:{secret}")))
}

#[tokio::test]
async fn basic_authentication_is_decoded_as_the_spec_says() {
    let body = "grant_type=client_credentials";
    let sim = Simulator::for_spec(&BASIC_SPEC).await.unwrap();
    let c = sim.config().clone();
    let encoded =
        post_with(&sim.token_url(), Some(FORM), body, &[("authorization", &basic(&c.client_id, &c.client_secret))])
            .await;
    assert_eq!(encoded.status, StatusCode::OK, "{}", encoded.body);
    // Skipping RFC 6749 section 2.3.1's encoding fails with the hostile credentials.
    let raw =
        post_with(&sim.token_url(), Some(FORM), body, &[("authorization", &raw_basic(&c.client_id, &c.client_secret))])
            .await;
    assert_eq!((raw.status, error_of(&raw).as_str()), (StatusCode::UNAUTHORIZED, "invalid_client"));
    let missing = post(&sim.token_url(), Some(FORM), body).await;
    assert_eq!(missing.status, StatusCode::UNAUTHORIZED);

    let sim = Simulator::for_spec(&BASIC_RAW_SPEC).await.unwrap();
    let c = sim.config().clone();
    assert!(!c.client_id.contains(':'));
    let raw =
        post_with(&sim.token_url(), Some(FORM), body, &[("authorization", &raw_basic(&c.client_id, &c.client_secret))])
            .await;
    assert_eq!(raw.status, StatusCode::OK, "{}", raw.body);
    let encoded =
        post_with(&sim.token_url(), Some(FORM), body, &[("authorization", &basic(&c.client_id, &c.client_secret))])
            .await;
    assert_eq!(encoded.status, StatusCode::UNAUTHORIZED);
}

const PASSWORD_SPEC: ProviderSpec =
    ProviderSpec::new("Password", TokenEndpoint::new("/token", Grant::Password).with_params(&[("audience", "api")]))
        .with_fields(&[
            FieldSpec::new("user", Role::Username),
            FieldSpec::new("pass", Role::Password),
            FieldSpec::new("scope", Role::Param),
            FieldSpec::new("tenant", Role::Param),
        ]);

#[tokio::test]
async fn user_credentials_and_parameters_are_checked() {
    let config = SimConfig::for_spec(&PASSWORD_SPEC).param("scope", "read write");
    let sim = Simulator::start_with(config).await.unwrap();
    let c = sim.config().clone();
    assert_eq!(c.param_value("tenant"), Some(hostile::PARAM));
    let good = vec![
        ("grant_type", "password".to_owned()),
        ("user", c.username.clone()),
        ("pass", c.password.clone()),
        ("scope", "read write".to_owned()),
        ("tenant", hostile::PARAM.to_owned()),
        ("audience", "api".to_owned()),
    ];
    assert_eq!(post(&sim.token_url(), Some(FORM), &encode(&good)).await.status, StatusCode::OK);
    let cases = [
        ("pass", "nope", "invalid_grant"),
        ("scope", "all", "invalid_scope"),
        ("tenant", "x", "invalid_request"),
        ("audience", "web", "invalid_request"),
    ];
    for (name, value, code) in cases {
        let pairs: Vec<_> =
            good.iter().map(|(k, v)| (*k, if *k == name { value.to_owned() } else { v.clone() })).collect();
        let reply = post(&sim.token_url(), Some(FORM), &encode(&pairs)).await;
        assert_eq!((reply.status, error_of(&reply).as_str()), (StatusCode::BAD_REQUEST, code), "{name}");
    }
}

const SHAPED_SPECS: [ProviderSpec; 5] = {
    const BASE: ProviderSpec = ProviderSpec::minimal("Shaped", "/t");
    const NAMES: ResponseSpec = ResponseSpec::STANDARD.with_access_token("at").with_token_type("kind");
    [
        BASE.with_response(NAMES.with_expiry(Expiry::at("until", InstantFormat::Rfc3339))),
        BASE.with_response(NAMES.with_expiry(Expiry::at("until", InstantFormat::HttpDate))),
        BASE.with_response(NAMES.with_expiry(Expiry::at("until", InstantFormat::EpochMillis))),
        BASE.with_response(NAMES.with_expiry(Expiry::at("until", InstantFormat::EpochSeconds))),
        BASE.with_response(NAMES.with_expiry(Expiry::None).with_default_lifetime(Duration::from_secs(900))),
    ]
};

#[tokio::test]
async fn responses_have_the_declared_shape() {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs_f64();
    for (i, spec) in SHAPED_SPECS.iter().enumerate() {
        let sim = Simulator::for_spec(spec).await.unwrap();
        let reply = post(&sim.token_url(), Some(FORM), &encode(&client_form(&sim))).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        let body = reply.json();
        assert_eq!(body["kind"], "Bearer");
        assert!(body["at"].is_string() && body.get("access_token").is_none() && body.get("refresh_token").is_none());
        let until = &body["until"];
        let at = match i {
            0 => time::OffsetDateTime::parse(until.as_str().unwrap(), &time::format_description::well_known::Rfc3339)
                .unwrap()
                .unix_timestamp() as f64,
            1 => httpdate::parse_http_date(until.as_str().unwrap())
                .unwrap()
                .duration_since(UNIX_EPOCH)
                .unwrap()
                .as_secs() as f64,
            2 => until.as_f64().unwrap() / 1000.0,
            3 => until.as_f64().unwrap(),
            _ => {
                assert_eq!(keys(&body), ["at", "kind"], "no expiry at all");
                assert_eq!(sim.config().token_lifetime, Duration::from_secs(900), "the default lifetime applies");
                continue;
            }
        };
        assert!((at - now - 3600.0).abs() < 5.0, "spec {i}: {until}");
    }
}

const ENDPOINT_SPEC: ProviderSpec = ProviderSpec::new(
    "Endpoint",
    TokenEndpoint::new("/auth/token", Grant::ClientCredentials).with_body_style(BodyStyle::Json),
)
.with_fields(ProviderSpec::minimal("", "/").fields)
.with_refresh(Refresh::endpoint("/auth/refresh", "rt"))
.with_response(ResponseSpec::STANDARD.with_refresh_token("rt"));

#[tokio::test]
async fn refresh_tokens_rotate_and_can_supersede_the_access_token() {
    let sim =
        Simulator::start_with(SimConfig::for_spec(&ENDPOINT_SPEC).revoke_superseded_access_tokens(true)).await.unwrap();
    let c = sim.config().clone();
    let grant = serde_json::json!({"grant_type": "client_credentials", "client_id": c.client_id, "client_secret": c.client_secret});
    let first = post(&sim.token_url(), Some(JSON), &grant.to_string()).await.json();
    let (access, rt) = (first["access_token"].as_str().unwrap(), first["rt"].as_str().unwrap());
    assert_eq!(call_api(&sim, access).await.status, StatusCode::OK);

    let refresh_url = sim.refresh_url().unwrap();
    let second = post(&refresh_url, Some(JSON), &serde_json::json!({"rt": rt}).to_string()).await;
    assert_eq!(second.status, StatusCode::OK, "{}", second.body);
    let second = second.json();
    assert_eq!(call_api(&sim, access).await.status, StatusCode::UNAUTHORIZED, "the superseded token is refused");
    assert_eq!(call_api(&sim, second["access_token"].as_str().unwrap()).await.status, StatusCode::OK);
    let reused = post(&refresh_url, Some(JSON), &serde_json::json!({"rt": rt}).to_string()).await;
    assert_eq!(error_of(&reused), "invalid_grant", "a used refresh token is refused");
    assert_eq!(sim.counters().refresh_requests, 2);
}

#[tokio::test]
async fn without_rotation_the_refresh_token_stays_and_old_tokens_live_on() {
    let sim = Simulator::start_with(SimConfig::for_spec(&FORM_SPEC).rotate_refresh_tokens(false)).await.unwrap();
    let first = post(&sim.token_url(), Some(FORM), &encode(&client_form(&sim))).await.json();
    let rt = first["refresh_token"].as_str().unwrap().to_owned();
    let c = sim.config().clone();
    let refresh = encode(&[
        ("grant_type", "refresh_token".to_owned()),
        ("client_id", c.client_id.clone()),
        ("client_secret", c.client_secret.clone()),
        ("refresh_token", rt.clone()),
    ]);
    for _ in 0..2 {
        let reply = post(&sim.token_url(), Some(FORM), &refresh).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        assert!(reply.json().get("refresh_token").is_none());
    }
    assert_eq!(call_api(&sim, first["access_token"].as_str().unwrap()).await.status, StatusCode::OK);
    let c = sim.counters();
    assert_eq!((c.token_requests, c.refresh_requests), (1, 2));
}

#[tokio::test]
async fn routes_added_by_the_user_sit_behind_the_bearer_check() {
    let config = SimConfig::for_spec(&FORM_SPEC)
        .protected_path("/v1/me")
        .route("/v1/things/{id}", get(|| async { r#"{"id":7}"# }));
    let sim = Simulator::start_with(config).await.unwrap();
    assert!(sim.protected_url().ends_with("/v1/me"));
    let token = post(&sim.token_url(), Some(FORM), &encode(&client_form(&sim))).await.json()["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let url = format!("{}/v1/things/7", sim.base_url());
    let ok = get_with_token(&url, Some(&format!("Bearer {token}"))).await;
    assert_eq!((ok.status, ok.body.as_str()), (StatusCode::OK, r#"{"id":7}"#));
    let refused = get_with_token(&url, None).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert!(refused.header("www-authenticate").unwrap().starts_with("Bearer"));
    sim.inject(Target::Api, Fault::status(503), 1);
    assert_eq!(get_with_token(&url, Some(&format!("Bearer {token}"))).await.status, StatusCode::SERVICE_UNAVAILABLE);
    let c = sim.counters();
    assert_eq!((c.api_requests, c.api_authorized, c.faults_served), (3, 1, 1));
    assert_eq!(get_with_token(&sim.protected_url(), Some(&format!("Bearer {token}"))).await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_protected_path_must_be_its_own() {
    for path in ["/oauth/token", "relative"] {
        let err = Simulator::start_with(SimConfig::for_spec(&FORM_SPEC).protected_path(path)).await.unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    }
}

#[tokio::test]
async fn a_refresh_whose_client_disconnects_is_carried_out() {
    let sim = Simulator::for_spec(&FORM_SPEC).await.unwrap();
    let first = post(&sim.token_url(), Some(FORM), &encode(&client_form(&sim))).await.json();
    let rt = first["refresh_token"].as_str().unwrap().to_owned();
    let c = sim.config().clone();
    let refresh = encode(&[
        ("grant_type", "refresh_token".to_owned()),
        ("client_id", c.client_id.clone()),
        ("client_secret", c.client_secret.clone()),
        ("refresh_token", rt),
    ]);
    sim.inject(Target::Refresh, Fault::slow(Duration::from_millis(300)), 1);
    let request = client().post(sim.token_url()).header("content-type", FORM).body(refresh.clone()).send();
    assert!(tokio::time::timeout(Duration::from_millis(100), request).await.is_err(), "the client gave up");
    tokio::time::sleep(Duration::from_millis(500)).await;
    // The abandoned refresh redeemed the refresh token: a second use is refused.
    let again = post(&sim.token_url(), Some(FORM), &refresh).await;
    assert_eq!(error_of(&again), "invalid_grant", "{}", again.body);
    assert_eq!(sim.counters().refresh_requests, 2);
}
