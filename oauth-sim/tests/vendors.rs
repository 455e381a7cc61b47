//! Each vendor's token, refresh and protected endpoints over raw HTTP.

mod common;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use common::*;
use oauth_sim::{SimConfig, Simulator, Vendor};
use reqwest::StatusCode;
use serde_json::{Value, json};

fn now_secs() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
}

// ---------------------------------------------------------------- MPS Monitor

#[tokio::test]
async fn mps_token_has_the_documented_shape() {
    let sim = Simulator::start_with(SimConfig::documented(Vendor::MpsMonitor)).await.unwrap();
    let reply = request_token(&sim).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.header("cache-control"), Some("no-cache"));
    assert!(reply.body.starts_with(r#"{"access_token":"#), "{}", reply.body);
    let body = reply.json();
    assert_eq!(
        keys(&body),
        [
            ".expires",
            ".issued",
            "access_token",
            "as:client_id",
            "expires_in",
            "refresh_token",
            "token_type",
            "userName"
        ]
    );
    let access = body["access_token"].as_str().unwrap();
    assert_eq!(access.len(), 44);
    assert!(access.bytes().all(|b| b.is_ascii_alphanumeric()));
    assert_eq!(body["token_type"], "bearer");
    assert_eq!(body["expires_in"], json!(1799));
    let refresh = body["refresh_token"].as_str().unwrap();
    assert_eq!(refresh.len(), 32);
    assert!(refresh.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(body["as:client_id"], "YourClientId");
    assert_eq!(body["userName"], "test@test.com");
    let issued = httpdate::parse_http_date(body[".issued"].as_str().unwrap()).unwrap();
    let expires = httpdate::parse_http_date(body[".expires"].as_str().unwrap()).unwrap();
    assert_eq!(expires.duration_since(issued).unwrap().as_secs(), 1799);
    assert!(body[".issued"].as_str().unwrap().ends_with(" GMT"));
}

#[tokio::test]
async fn mps_token_errors_are_owin_errors() {
    let sim = Simulator::start(Vendor::MpsMonitor).await.unwrap();
    let url = sim.token_url();
    let c = sim.config().clone();
    let good = mps_password_form(&sim);
    let with = |name: &'static str, value: &str| {
        let mut pairs = vec![
            ("client_id", c.client_id.clone()),
            ("client_secret", c.client_secret.clone()),
            ("grant_type", "password".to_owned()),
            ("username", c.username.clone()),
            ("password", c.password.clone()),
            ("scope", c.scope.clone()),
        ];
        pairs.retain(|(k, _)| *k != name);
        if !value.is_empty() {
            pairs.push((name, value.to_owned()));
        }
        form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish()
    };

    let unsupported = r#"{"error":"unsupported_grant_type"}"#;
    let cases: Vec<(Option<&str>, String, &str)> = vec![
        // The form sent as JSON, or without a content type.
        (Some(JSON), json!({"client_id": c.client_id, "grant_type": "password"}).to_string(), unsupported),
        (None, good.clone(), unsupported),
        (Some("text/plain"), good.clone(), unsupported),
        (Some(FORM), with("grant_type", "client_credentials"), unsupported),
        (Some(FORM), with("grant_type", ""), unsupported),
        (
            Some(FORM),
            with("client_secret", "wrong"),
            r#"{"error":"invalid_client","error_description":"Client credentials are invalid."}"#,
        ),
        (
            Some(FORM),
            with("client_id", ""),
            r#"{"error":"invalid_client","error_description":"Client credentials are invalid."}"#,
        ),
        (
            Some(FORM),
            with("username", "someone@else.com"),
            r#"{"error":"invalid_grant","error_description":"The user name or password is incorrect."}"#,
        ),
        (
            Some(FORM),
            with("password", "wrong"),
            r#"{"error":"invalid_grant","error_description":"The user name or password is incorrect."}"#,
        ),
        (Some(FORM), with("scope", ""), r#"{"error":"invalid_scope"}"#),
        (Some(FORM), with("scope", "admin"), r#"{"error":"invalid_scope"}"#),
    ];
    for (content_type, body, expected) in cases {
        let reply = post(&url, content_type, &body).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{content_type:?} {body}");
        assert_eq!(reply.body, expected, "{content_type:?} {body}");
    }
    // A charset parameter is fine.
    let reply = post(&url, Some("application/x-www-form-urlencoded; charset=UTF-8"), &good).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(sim.counters().token_requests, 12);
}

#[tokio::test]
async fn mps_refresh_rotates() {
    let sim = Simulator::start(Vendor::MpsMonitor).await.unwrap();
    let url = sim.token_url();
    let first = request_token(&sim).await.json();
    let old = first["refresh_token"].as_str().unwrap().to_owned();

    // A wrong client is rejected without using the refresh token up.
    let wrong_client = mps_refresh_form(&sim, &old).replace(&enc(&sim.config().client_secret), "nope");
    assert_ne!(wrong_client, mps_refresh_form(&sim, &old));
    let reply = post(&url, Some(FORM), &wrong_client).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.json()["error"], "invalid_client");

    let reply = post(&url, Some(FORM), &mps_refresh_form(&sim, &old)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let second = reply.json();
    let new = second["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(new, old);
    assert_ne!(second["access_token"], first["access_token"]);
    assert_eq!(second["token_type"], "bearer");
    assert_eq!(second["userName"], sim.config().username);

    let reply = post(&url, Some(FORM), &mps_refresh_form(&sim, &old)).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.body, r#"{"error":"invalid_grant"}"#);

    let token = second["access_token"].as_str().unwrap();
    assert_eq!(call_api(&sim, token).await.status, StatusCode::OK);

    sim.revoke_refresh_tokens();
    let reply = post(&url, Some(FORM), &mps_refresh_form(&sim, &new)).await;
    assert_eq!(reply.body, r#"{"error":"invalid_grant"}"#);

    let counters = sim.counters();
    assert_eq!((counters.token_requests, counters.refresh_requests), (1, 4));
}

#[tokio::test]
async fn mps_protected_endpoint() {
    let sim = Simulator::start(Vendor::MpsMonitor).await.unwrap();
    let token = access_token(&sim).await;
    let url = sim.protected_url();
    assert!(url.ends_with("/account/getaccount"));

    // The documentation writes the scheme in lower case.
    let reply = get_with_token(&url, Some(&format!("bearer {token}"))).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.json()["UserName"], sim.config().username);

    let denied = r#"{"Message":"Authorization has been denied for this request."}"#;
    for auth in [None, Some("Bearer nope"), Some(token.as_str())] {
        let reply = get_with_token(&url, auth).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{auth:?}");
        assert_eq!(reply.body, denied);
        assert_eq!(reply.header("www-authenticate"), Some("Bearer"));
    }

    let reply = send(client().post(&url).header("authorization", format!("Bearer {token}"))).await;
    assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED);

    let counters = sim.counters();
    assert_eq!((counters.api_requests, counters.api_authorized), (5, 1));
}

// ---------------------------------------------------------------------- Monta

fn assert_monta_instant(value: &Value, expected_from_now: Duration) {
    let text = value.as_str().unwrap();
    // 2023-05-10T17:35:31.703819Z
    assert_eq!(text.len(), 27, "{text}");
    assert_eq!(&text[10..11], "T");
    assert_eq!(&text[19..20], ".");
    assert!(text.ends_with('Z'));
    let at = time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339).unwrap().unix_timestamp()
        as u64;
    let expected = now_secs() + expected_from_now.as_secs();
    assert!(at.abs_diff(expected) <= 5, "{text}");
}

fn assert_uuid(value: &Value) {
    let text = value.as_str().unwrap();
    let groups: Vec<usize> = text.split('-').map(str::len).collect();
    assert_eq!(groups, [8, 4, 4, 4, 12], "{text}");
    assert!(text.bytes().all(|b| b == b'-' || b.is_ascii_hexdigit()));
}

#[tokio::test]
async fn monta_token_has_the_documented_shape() {
    let sim = Simulator::start(Vendor::Monta).await.unwrap();
    let reply = request_token(&sim).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert!(reply.body.starts_with(r#"{"applicationId":1,"userId":1,"#));
    let body = reply.json();
    assert_eq!(
        keys(&body),
        [
            "accessToken",
            "accessTokenExpirationDate",
            "applicationId",
            "refreshToken",
            "refreshTokenExpirationDate",
            "userId"
        ]
    );
    assert_eq!(body["applicationId"], json!(1));
    assert_eq!(body["userId"], json!(1));
    assert_uuid(&body["accessToken"]);
    assert_uuid(&body["refreshToken"]);
    assert_monta_instant(&body["accessTokenExpirationDate"], Duration::from_secs(3600));
    assert_monta_instant(&body["refreshTokenExpirationDate"], Duration::from_secs(30 * 86400));
}

#[tokio::test]
async fn monta_token_errors() {
    let sim = Simulator::start(Vendor::Monta).await.unwrap();
    let url = sim.token_url();
    let good = monta_credentials(&sim);
    let id = sim.config().client_id.clone();

    let reply = post(&url, Some("text/plain"), &good).await;
    assert_eq!(reply.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(reply.json()["status"], json!(415));
    assert_eq!(reply.json()["errorCode"], "UNSUPPORTED_MEDIA_TYPE");

    let reply = post(&url, Some(FORM), &form(&[("clientId", &id)])).await;
    assert_eq!(reply.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let reply = post(&url, None, &good).await;
    assert_eq!(reply.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);

    for body in [
        "clientId=x".to_owned(),
        "{\"clientId\":".to_owned(),
        "[]".to_owned(),
        json!({ "clientId": id }).to_string(),
        json!({ "clientSecret": "s" }).to_string(),
        json!({ "clientId": id, "clientSecret": 5 }).to_string(),
    ] {
        let reply = post(&url, Some(JSON), &body).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{body}");
        let error = reply.json();
        assert_eq!(error["status"], json!(400));
        assert_eq!(error["errorCode"], "BAD_REQUEST");
        assert!(error["message"].is_string());
    }

    let wrong = json!({"clientId": id, "clientSecret": "wrong"}).to_string();
    let reply = post(&url, Some(JSON), &wrong).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        reply.body,
        r#"{"status":401,"errorCode":"AUTHENTICATION_FAILED","message":"Invalid client credentials"}"#
    );

    let reply = send(client().get(&url)).await;
    assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(sim.counters().token_requests, 11);
}

#[tokio::test]
async fn monta_refresh_rotates() {
    let sim = Simulator::start(Vendor::Monta).await.unwrap();
    let url = sim.refresh_url().unwrap();
    assert!(url.ends_with("/auth/refresh"));
    let first = request_token(&sim).await.json();
    let old = first["refreshToken"].as_str().unwrap().to_owned();

    let reply = post(&url, Some(JSON), &json!({ "refreshToken": old }).to_string()).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let second = reply.json();
    assert_uuid(&second["accessToken"]);
    assert_ne!(second["refreshToken"], first["refreshToken"]);
    assert_ne!(second["accessToken"], first["accessToken"]);

    let reply = post(&url, Some(JSON), &json!({ "refreshToken": old }).to_string()).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.json()["errorCode"], "INVALID_REFRESH_TOKEN");

    let reply = post(&url, Some(JSON), "{}").await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);

    sim.revoke_refresh_tokens();
    let new = second["refreshToken"].as_str().unwrap();
    let reply = post(&url, Some(JSON), &json!({ "refreshToken": new }).to_string()).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);

    let counters = sim.counters();
    assert_eq!((counters.token_requests, counters.refresh_requests), (1, 4));
}

#[tokio::test]
async fn monta_me_describes_the_application() {
    let sim = Simulator::start(Vendor::Monta).await.unwrap();
    let token = access_token(&sim).await;
    let reply = call_api(&sim, &token).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let me = reply.json();
    assert_eq!(me["clientId"].as_str(), Some(sim.config().client_id.as_str()));
    assert_eq!(me["clientSecret"], Value::Null);
    assert_eq!(me["scopes"], json!(["all"]));
    assert_eq!(me["userId"], json!(1));

    let reply = call_api(&sim, "495f55a3-f66c-4d30-be0a-3286724b5854").await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.json()["status"], json!(401));
    let reply = get_with_token(&sim.protected_url(), None).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
}

// ---------------------------------------------------------------------- Deyel

const DEYEL_BAD_ID: &str = r#"{"error_description": "Invalid client_id", "error": "Invalid_request"}"#;
const DEYEL_BAD_SECRET: &str = r#"{"error_description": "Invalid client_secret", "error": "Invalid_request"}"#;
const DEYEL_BAD_GRANT: &str = r#"{"error_description": "Invalid grant_type", "error": "Invalid_request"}"#;

#[tokio::test]
async fn deyel_token_is_a_jwt() {
    let sim = Simulator::start(Vendor::Deyel).await.unwrap();
    assert_eq!(Vendor::Deyel.refresh_path(), None);
    assert_eq!(sim.refresh_url(), None);
    let reply = request_token(&sim).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert!(reply.body.starts_with(r#"{"access_token": "eyJ"#), "{}", reply.body);
    assert!(reply.body.ends_with(r#", "token_type": "Bearer", "expires_in": 86400}"#));
    let body = reply.json();
    assert_eq!(keys(&body), ["access_token", "expires_in", "token_type"]);
    let jwt = body["access_token"].as_str().unwrap();
    let parts: Vec<&str> = jwt.split('.').collect();
    assert_eq!(parts.len(), 3);
    let header: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[0]).unwrap()).unwrap();
    assert_eq!(header["alg"], "RS256");
    let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
    assert_eq!(claims["iss"], "Deyel");
    assert_eq!(claims["sub"], sim.config().client_id);
    let (iat, exp) = (claims["iat"].as_u64().unwrap(), claims["exp"].as_u64().unwrap());
    assert_eq!(exp - iat, 86400);
    assert!(iat.abs_diff(now_secs()) <= 5);
    assert!(URL_SAFE_NO_PAD.decode(parts[2]).is_ok());
}

#[tokio::test]
async fn deyel_token_errors_are_exact() {
    let sim = Simulator::start(Vendor::Deyel).await.unwrap();
    let url = sim.token_url();
    let c = sim.config().clone();
    let good_auth = basic(&c.client_id, &c.client_secret);
    let grant = "grant_type=client_credentials";
    let in_body =
        form(&[("grant_type", "client_credentials"), ("client_id", &c.client_id), ("client_secret", &c.client_secret)]);

    let cases: Vec<(Option<&str>, String, Option<String>, &str)> = vec![
        // Credentials in the body only: not accepted.
        (Some(FORM), in_body, None, DEYEL_BAD_ID),
        (Some(FORM), grant.into(), Some("Basic !!!notbase64".into()), DEYEL_BAD_ID),
        (Some(FORM), grant.into(), Some("Basic bm9jb2xvbg==".into()), DEYEL_BAD_ID),
        (Some(FORM), grant.into(), Some(format!("Bearer {}", &good_auth[6..])), DEYEL_BAD_ID),
        (Some(FORM), grant.into(), Some(basic("other", &c.client_secret)), DEYEL_BAD_ID),
        (Some(FORM), grant.into(), Some(basic(&c.client_id, "wrong")), DEYEL_BAD_SECRET),
        (Some(JSON), json!({"grant_type": "client_credentials"}).to_string(), Some(good_auth.clone()), DEYEL_BAD_GRANT),
        (None, grant.into(), Some(good_auth.clone()), DEYEL_BAD_GRANT),
        (Some(FORM), "grant_type=password".into(), Some(good_auth.clone()), DEYEL_BAD_GRANT),
        (Some(FORM), String::new(), Some(good_auth.clone()), DEYEL_BAD_GRANT),
    ];
    for (content_type, body, auth, expected) in cases {
        let headers: Vec<(&str, &str)> = auth.iter().map(|a| ("authorization", a.as_str())).collect();
        let reply = post_with(&url, content_type, &body, &headers).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{auth:?} {body}");
        assert_eq!(reply.body, expected, "{auth:?} {body}");
    }
}

#[tokio::test]
async fn deyel_basic_credentials_are_form_url_decoded() {
    let id = "client id+1:é";
    let secret = "p@ss:w%rd/&=+ ";
    let config = SimConfig::for_vendor(Vendor::Deyel).client_id(id).client_secret(secret);
    let sim = Simulator::start_with(config).await.unwrap();
    let url = sim.token_url();
    let grant = "grant_type=client_credentials";

    let auth = basic(id, secret);
    let reply = post_with(&url, Some(FORM), grant, &[("authorization", &auth)]).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);

    // The scheme is case-insensitive.
    let lower = auth.replacen("Basic", "basic", 1);
    let reply = post_with(&url, Some(FORM), grant, &[("authorization", &lower)]).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);

    // Without the url-encoding, '+' decodes to a space and the split at the
    // first ':' lands inside the id.
    let raw = format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}")));
    let reply = post_with(&url, Some(FORM), grant, &[("authorization", &raw)]).await;
    assert_eq!(reply.body, DEYEL_BAD_ID);
}

#[tokio::test]
async fn deyel_protected_endpoint() {
    let sim = Simulator::start(Vendor::Deyel).await.unwrap();
    let token = access_token(&sim).await;
    assert!(sim.protected_url().ends_with("/api/v1/me"));
    let reply = call_api(&sim, &token).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.json()["iss"], "Deyel");

    let reply = call_api(&sim, "eyJ.not.issued").await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.body, r#"{"error_description": "Invalid token", "error": "Invalid_token"}"#);
    sim.expire_tokens();
    let reply = call_api(&sim, &token).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.json()["error"], "Invalid_token");
}

// ------------------------------------------------------------------ Microbilt

#[tokio::test]
async fn microbilt_token_has_the_apigee_shape() {
    let sim = Simulator::start(Vendor::Microbilt).await.unwrap();
    let reply = request_token(&sim).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert!(reply.body.starts_with(r#"{"issued_at":""#));
    let body = reply.json();
    assert_eq!(keys(&body), ["access_token", "expires_in", "issued_at", "status", "token_type"]);
    assert_eq!(body["expires_in"], json!("3599"));
    assert_eq!(body["token_type"], "BearerToken");
    assert_eq!(body["status"], "approved");
    let access = body["access_token"].as_str().unwrap();
    assert_eq!(access.len(), 28);
    assert!(access.bytes().all(|b| b.is_ascii_alphanumeric()));
    let issued: u64 = body["issued_at"].as_str().unwrap().parse().unwrap();
    assert!((issued / 1000).abs_diff(now_secs()) <= 5);
}

#[tokio::test]
async fn microbilt_form_variant_needs_grant_type_in_the_query() {
    let sim = Simulator::start(Vendor::Microbilt).await.unwrap();
    let c = sim.config().clone();
    let creds = form(&[("client_id", &c.client_id), ("client_secret", &c.client_secret)]);
    let query_url = format!("{}?grant_type=client_credentials", sim.token_url());

    let reply = post(&query_url, Some(FORM), &creds).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(reply.json()["token_type"], "BearerToken");

    let in_body = format!("{creds}&grant_type=client_credentials");
    let reply = post(&sim.token_url(), Some(FORM), &in_body).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.body, r#"{"ErrorCode":"invalid_request","Error":"Unsupported grant type : "}"#);
}

#[tokio::test]
async fn microbilt_token_errors() {
    let sim = Simulator::start(Vendor::Microbilt).await.unwrap();
    let url = sim.token_url();
    let c = sim.config().clone();
    let body = |id: &str, secret: &str, grant: Option<&str>| {
        let mut v = json!({"client_id": id, "client_secret": secret});
        if let Some(grant) = grant {
            v["grant_type"] = json!(grant);
        }
        v.to_string()
    };
    let cg = Some("client_credentials");
    let cases = [
        (
            Some(JSON),
            body(&c.client_id, &c.client_secret, None),
            400,
            r#"{"ErrorCode":"invalid_request","Error":"Unsupported grant type : "}"#,
        ),
        (
            Some(JSON),
            body(&c.client_id, &c.client_secret, Some("password")),
            400,
            r#"{"ErrorCode":"invalid_request","Error":"Unsupported grant type : password"}"#,
        ),
        (
            Some(JSON),
            body("nobody", &c.client_secret, cg),
            401,
            r#"{"ErrorCode":"invalid_client","Error":"ClientId is Invalid"}"#,
        ),
        (
            Some(JSON),
            json!({"client_secret": c.client_secret, "grant_type": "client_credentials"}).to_string(),
            401,
            r#"{"ErrorCode":"invalid_client","Error":"ClientId is Invalid"}"#,
        ),
        (
            Some(JSON),
            body(&c.client_id, "wrong", cg),
            401,
            r#"{"ErrorCode":"invalid_client","Error":"Client credentials are invalid"}"#,
        ),
    ];
    for (content_type, body, status, expected) in cases {
        let reply = post(&url, content_type, &body).await;
        assert_eq!(reply.status.as_u16(), status, "{body}");
        assert_eq!(reply.body, expected, "{body}");
    }
    for content_type in [Some("text/plain"), None] {
        let reply = post(&url, content_type, &body(&c.client_id, &c.client_secret, cg)).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST);
        assert_eq!(reply.json()["ErrorCode"], "invalid_request");
    }
    let reply = post(&url, Some(JSON), "{\"client_id\":").await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.json()["ErrorCode"], "invalid_request");
}

#[tokio::test]
async fn microbilt_protected_endpoint() {
    let sim = Simulator::start(Vendor::Microbilt).await.unwrap();
    let token = access_token(&sim).await;
    assert!(sim.protected_url().ends_with("/api/v1/ping"));
    assert_eq!(call_api(&sim, &token).await.status, StatusCode::OK);

    let reply = call_api(&sim, "kE8WyfAAgaoPPisGakxRw9aEL8eH").await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        reply.body,
        r#"{"fault":{"faultstring":"Invalid Access Token","detail":{"errorcode":"keymanagement.service.invalid_access_token"}}}"#
    );
    sim.expire_tokens();
    let reply = call_api(&sim, &token).await;
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert_eq!(reply.json()["fault"]["detail"]["errorcode"], "keymanagement.service.access_token_expired");
}

// ---------------------------------------------------------------- all vendors

async fn expiry_round_trip(vendor: Vendor) {
    let config = SimConfig::for_vendor(vendor).token_lifetime(Duration::from_millis(500));
    let sim = Simulator::start_with(config).await.unwrap();
    assert_eq!(sim.vendor(), Some(vendor));
    assert!(sim.base_url().starts_with("http://127.0.0.1:"));
    assert!(!sim.base_url().ends_with('/'));

    let short = access_token(&sim).await;
    assert_eq!(call_api(&sim, &short).await.status, StatusCode::OK, "{vendor}");
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(call_api(&sim, &short).await.status, StatusCode::UNAUTHORIZED, "{vendor}: lifetime passed");

    sim.set_token_lifetime(Duration::from_secs(600));
    let long = access_token(&sim).await;
    assert_eq!(call_api(&sim, &long).await.status, StatusCode::OK, "{vendor}");
    sim.expire_tokens();
    assert_eq!(call_api(&sim, &long).await.status, StatusCode::UNAUTHORIZED, "{vendor}: expire_tokens");
    let fresh = access_token(&sim).await;
    assert_eq!(call_api(&sim, &fresh).await.status, StatusCode::OK, "{vendor}");

    let counters = sim.counters();
    assert_eq!(counters.token_requests, 3, "{vendor}");
    assert_eq!(counters.api_requests, 5, "{vendor}");
    assert_eq!(counters.api_authorized, 3, "{vendor}");
}

#[tokio::test]
async fn every_vendor_expires_tokens() {
    let tasks = Vendor::ALL.map(|vendor| tokio::spawn(expiry_round_trip(vendor)));
    for task in tasks {
        task.await.unwrap();
    }
}

#[tokio::test]
async fn set_token_lifetime_changes_expires_in() {
    let sim = Simulator::start(Vendor::Microbilt).await.unwrap();
    sim.set_token_lifetime(Duration::from_secs(42));
    assert_eq!(sim.token_lifetime(), Duration::from_secs(42));
    assert_eq!(sim.config().token_lifetime, Duration::from_secs(3599));
    assert_eq!(request_token(&sim).await.json()["expires_in"], "42");
}

#[tokio::test]
async fn unknown_paths_are_404() {
    let sim = Simulator::start(Vendor::Microbilt).await.unwrap();
    let reply = send(client().get(format!("{}/oauth/getaccesstoken", sim.base_url()))).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert_eq!(sim.counters(), Default::default());
}

#[tokio::test]
async fn every_protected_401_carries_a_bearer_challenge() {
    for vendor in Vendor::ALL {
        let sim = Simulator::start(vendor).await.unwrap();
        let token = access_token(&sim).await;
        let mut replies = vec![get_with_token(&sim.protected_url(), None).await, call_api(&sim, "nope").await];
        sim.inject(oauth_sim::Target::Api, oauth_sim::Fault::Unauthorized, 1);
        replies.push(call_api(&sim, &token).await);
        sim.expire_tokens();
        replies.push(call_api(&sim, &token).await);
        for reply in replies {
            assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{vendor}");
            let challenge = reply.header("www-authenticate").unwrap_or_default();
            assert!(challenge.starts_with("Bearer"), "{vendor}: {challenge:?}");
        }
    }
}

/// A token request: content type, body, headers.
type RawRequest = (Option<&'static str>, String, Vec<(&'static str, String)>);

/// A correct token request for `vendor` with one parameter repeated, and one with the client
/// credentials in HTTP Basic as well as in the body (Deyel: in the body as well as in Basic).
fn doubled_requests(sim: &Simulator) -> [RawRequest; 2] {
    let c = sim.config();
    let auth = vec![("authorization", basic(&c.client_id, &c.client_secret))];
    match sim.vendor().unwrap() {
        Vendor::MpsMonitor => {
            let body = mps_password_form(sim);
            [(Some(FORM), format!("{body}&scope=account"), vec![]), (Some(FORM), body, auth)]
        }
        Vendor::Monta => {
            let id = Value::from(c.client_id.as_str());
            let secret = Value::from(c.client_secret.as_str());
            let repeated = format!(r#"{{"clientId":{id},"clientId":{id},"clientSecret":{secret}}}"#);
            [(Some(JSON), repeated, vec![]), (Some(JSON), monta_credentials(sim), auth)]
        }
        Vendor::Deyel => {
            let body = "grant_type=client_credentials";
            let with_id = format!("{body}&client_id={}", enc(&c.client_id));
            [(Some(FORM), format!("{body}&{body}"), auth.clone()), (Some(FORM), with_id, auth)]
        }
        _ => {
            let id = Value::from(c.client_id.as_str());
            let secret = Value::from(c.client_secret.as_str());
            let repeated = format!(
                r#"{{"client_id":{id},"client_secret":{secret},"grant_type":"client_credentials","grant_type":"client_credentials"}}"#
            );
            [(Some(JSON), repeated, vec![]), (Some(JSON), microbilt_json(sim), auth)]
        }
    }
}

#[tokio::test]
async fn repeated_parameters_and_double_client_authentication_are_refused() {
    for vendor in Vendor::ALL {
        let sim = Simulator::start(vendor).await.unwrap();
        for (content_type, body, headers) in doubled_requests(&sim) {
            let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let reply = post_with(&sim.token_url(), content_type, &body, &headers).await;
            assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{vendor}: {body} -> {}", reply.body);
        }
        // The same requests without the doubling succeed.
        assert_eq!(request_token(&sim).await.status, StatusCode::OK, "{vendor}");
    }
}

#[tokio::test]
async fn default_credentials_need_encoding_and_the_documented_ones_stay_available() {
    for vendor in Vendor::ALL {
        let c = SimConfig::for_vendor(vendor);
        for needs in [':', '@', '+', '%', '&', '=', '/', ' '] {
            assert!(
                format!("{}{}", c.client_id, c.client_secret).contains(needs),
                "{vendor}: no {needs:?} in the default credentials"
            );
        }
        assert!(!c.client_secret.is_ascii(), "{vendor}: a non-ASCII letter");
    }
    let documented = SimConfig::documented(Vendor::MpsMonitor);
    assert_eq!((documented.client_id.as_str(), documented.username.as_str()), ("YourClientId", "test@test.com"));
}

#[tokio::test]
async fn superseded_access_tokens_can_be_made_invalid() {
    let config = SimConfig::for_vendor(Vendor::MpsMonitor).revoke_superseded_access_tokens(true);
    let sim = Simulator::start_with(config).await.unwrap();
    let other = request_token(&sim).await.json();
    let first = request_token(&sim).await.json();
    let refresh = first["refresh_token"].as_str().unwrap();
    let reply = post(&sim.token_url(), Some(FORM), &mps_refresh_form(&sim, refresh)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let second = reply.json();
    assert_eq!(call_api(&sim, first["access_token"].as_str().unwrap()).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(call_api(&sim, second["access_token"].as_str().unwrap()).await.status, StatusCode::OK);
    // Another grant's token is not superseded by this refresh.
    assert_eq!(call_api(&sim, other["access_token"].as_str().unwrap()).await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_token_request_whose_client_disconnects_is_carried_out() {
    let sim = Simulator::start(Vendor::Monta).await.unwrap();
    let first = request_token(&sim).await.json();
    let refresh = serde_json::json!({"refreshToken": first["refreshToken"]}).to_string();
    sim.inject(oauth_sim::Target::Refresh, oauth_sim::Fault::slow(Duration::from_millis(300)), 1);
    let url = sim.refresh_url().unwrap();
    let request = client().post(&url).header("content-type", JSON).body(refresh.clone()).send();
    assert!(tokio::time::timeout(Duration::from_millis(100), request).await.is_err(), "the client gave up");
    tokio::time::sleep(Duration::from_millis(500)).await;
    let again = post(&url, Some(JSON), &refresh).await;
    assert_eq!(again.json()["errorCode"], "INVALID_REFRESH_TOKEN", "the abandoned refresh used the token up");
}
