//! The long tail: real token-endpoint responses, each replayed over HTTP on 127.0.0.1 and read
//! through the public API, with the outcome the rules decide (see `oauth-runtime`'s `parse`
//! module docs and README's "tolerant parsing" row).
//!
//! Every entry names where the response was recorded: a peer library's test suite
//! (repository and file) or the provider's documentation (URL). Values the documentation
//! elides are kept as it prints them. A small axum server serves the entry's status, content
//! type, headers and body bytes at `/token`; the client gets a token (no retries), then, for a
//! token, calls `/api` on the same server, which records the `Authorization` header it got.

mod common;

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{
    Router,
    body::Body,
    extract::State,
    http::{HeaderMap, StatusCode, header},
    response::Response,
    routing::{any, get},
};
use common::bounded;
use oauth_runtime::{
    Client, Credential, Error, LifetimeSource, Provider, RetryPolicy, Secret, TokenScheme,
    provider::{ErrorShape, Expiry, FieldPath, InstantFormat, ProviderSpec, ResponseSpec},
};

/// The provider shapes the corpus needs, each a hand-written `ProviderSpec`.
macro_rules! provider {
    ($($name:ident => $response:expr;)*) => {$(
        struct $name;
        impl Provider for $name {
            const SPEC: &'static ProviderSpec =
                &ProviderSpec::minimal(stringify!($name), "/token").with_response($response);
            fn credentials(self) -> Vec<Credential> {
                vec![Credential::from("corpus-client"), Credential::from(Secret::from("corpus-secret-7c1"))]
            }
        }
    )*};
}

const STATUS_MESSAGE: ErrorShape =
    ErrorShape::new(FieldPath::name("status")).with_description(FieldPath::name("message"));

provider! {
    Std => ResponseSpec::STANDARD;
    SlackUser => ResponseSpec::STANDARD
        .with_access_token_path(FieldPath::nested(&["authed_user", "access_token"]))
        .with_token_type_path(FieldPath::nested(&["authed_user", "token_type"]));
    Withings => ResponseSpec::STANDARD
        .with_access_token_path(FieldPath::nested(&["body", "access_token"]))
        .with_refresh_token_path(FieldPath::nested(&["body", "refresh_token"]))
        .with_token_type_path(FieldPath::nested(&["body", "token_type"]))
        .with_expiry(Expiry::expires_in_path(FieldPath::nested(&["body", "expires_in"])))
        .with_error_shape(
            ErrorShape::new(FieldPath::name("status"))
                .with_description(FieldPath::name("error"))
                .with_success_codes(&["0"]),
        );
    Plenty => ResponseSpec::STANDARD
        .with_access_token_aliases(&[FieldPath::name("accessToken")])
        .with_token_type_aliases(&[FieldPath::name("tokenType")])
        .with_refresh_token_aliases(&[FieldPath::name("refreshToken")])
        .with_expiry_aliases(&[FieldPath::name("expiresIn")]);
    Feishu => ResponseSpec::STANDARD
        .with_access_token_aliases(&[FieldPath::name("tenant_access_token"), FieldPath::name("app_access_token")])
        .with_expiry_aliases(&[FieldPath::name("expire")])
        .with_error_shape(
            ErrorShape::new(FieldPath::name("code")).with_description(FieldPath::name("msg")).with_success_codes(&["0"]),
        );
    WeChat => ResponseSpec::STANDARD.with_error_shape(
        ErrorShape::new(FieldPath::name("errcode")).with_description(FieldPath::name("errmsg")).with_success_codes(&["0"]),
    );
    Fitbit => ResponseSpec::STANDARD.with_error_shape(
        ErrorShape::new(FieldPath::nested(&["errors", "0", "errorType"]))
            .with_description(FieldPath::nested(&["errors", "0", "message"])),
    );
    Graph => ResponseSpec::STANDARD.with_error_shape(
        ErrorShape::new(FieldPath::nested(&["error", "code"])).with_description(FieldPath::nested(&["error", "message"])),
    );
    Square => ResponseSpec::STANDARD
        .with_expiry(Expiry::at("expires_at", InstantFormat::Rfc3339))
        .with_error_shape(
            ErrorShape::new(FieldPath::nested(&["errors", "0", "code"]))
                .with_description(FieldPath::nested(&["errors", "0", "detail"])),
        );
    StatusMessage => ResponseSpec::STANDARD.with_error_shape(STATUS_MESSAGE);
}

/// Which provider reads the entry.
#[derive(Debug, Clone, Copy)]
enum Shape {
    Std,
    SlackUser,
    Withings,
    Plenty,
    Feishu,
    WeChat,
    Fitbit,
    Graph,
    Square,
    StatusMessage,
}

/// How long the token is believed to live.
#[derive(Debug, Clone, Copy)]
enum Life {
    /// Stated as a duration, in seconds.
    Secs(u64),
    /// Not stated (or `0`/`null`): the default hour.
    Assumed,
    /// Stated below the floor or past: the one-second floor.
    Floor,
    /// More than ten years: the ten-year clamp.
    Clamped,
}

#[derive(Debug, Clone, Copy)]
enum Expect {
    /// A Bearer token with this exact value, lifetime and refresh token.
    Token { access: &'static str, life: Life, refresh: Option<&'static str> },
    /// `Error::OAuth` with this code (`as_str`), the code exactly as sent, and the status.
    OAuth { code: &'static str, sent: &'static str },
    /// `Error::UnsupportedTokenType` for this scheme.
    Unsupported(TokenScheme),
    /// `Error::MalformedResponse` keeping the status.
    Malformed,
}

struct Entry {
    name: &'static str,
    source: &'static str,
    status: u16,
    content_type: Option<&'static str>,
    body: &'static [u8],
    shape: Shape,
    expect: Expect,
}

const JSON: Option<&str> = Some("application/json");
const FORM: Option<&str> = Some("application/x-www-form-urlencoded");

fn token(access: &'static str, life: Life, refresh: Option<&'static str>) -> Expect {
    Expect::Token { access, life, refresh }
}

fn oauth(code: &'static str, sent: &'static str) -> Expect {
    Expect::OAuth { code, sent }
}

fn e(
    name: &'static str,
    source: &'static str,
    status: u16,
    content_type: Option<&'static str>,
    body: &'static str,
    shape: Shape,
    expect: Expect,
) -> Entry {
    Entry { name, source, status, content_type, body: body.as_bytes(), shape, expect }
}

const GO: &str = "golang/oauth2 oauth2_test.go";
const RS: &str = "ramosbugs/oauth2-rs oauth2/src/token/tests.rs";
const RQ: &str = "requests/requests-oauthlib tests/test_compliance_fixes.py";
const AL: &str = "lepture/authlib tests/clients/test_requests/test_oauth2_session.py";

#[rustfmt::skip]
fn corpus() -> Vec<Entry> {
    use Life::*;
    use Shape::*;
    vec![
        // ---- golang.org/x/oauth2 test suite
        e("go form body", GO, 200, FORM, "access_token=90d64460d14870c08c81352a05dedd3465940a7c&scope=user&token_type=bearer", Std, token("90d64460d14870c08c81352a05dedd3465940a7c", Assumed, None)),
        e("go JSON body", GO, 200, JSON, r#"{"access_token": "90d64460d14870c08c81352a05dedd3465940a7c", "scope": "user", "token_type": "bearer", "expires_in": 86400}"#, Std, token("90d64460d14870c08c81352a05dedd3465940a7c", Secs(86400), None)),
        e("go expires_in as a string (paypal)", GO, 200, JSON, r#"{"access_token": "90d", "scope": "user", "token_type": "bearer", "expires_in": "86400"}"#, Std, token("90d", Secs(86400), None)),
        e("go expires_in null (issue 239)", GO, 200, JSON, r#"{"access_token": "90d", "scope": "user", "token_type": "bearer", "expires_in": null}"#, Std, token("90d", Assumed, None)),
        e("go expires_in false", GO, 200, JSON, r#"{"access_token": "90d", "scope": "user", "token_type": "bearer", "expires_in": false}"#, Std, Expect::Malformed),
        e("go expires_in object", GO, 200, JSON, r#"{"access_token": "90d", "scope": "user", "token_type": "bearer", "expires_in": {}}"#, Std, Expect::Malformed),
        e("go expires_in zzz", GO, 200, JSON, r#"{"access_token": "90d", "scope": "user", "token_type": "bearer", "expires_in": "zzz"}"#, Std, Expect::Malformed),
        e("go no access_token", GO, 200, JSON, r#"{"scope": "user", "token_type": "bearer"}"#, Std, Expect::Malformed),
        e("go numeric access_token", GO, 200, JSON, r#"{"access_token":123,  "scope": "user", "token_type": "bearer"}"#, Std, Expect::Malformed),
        e("go error 400", GO, 400, JSON, r#"{"error": "invalid_grant"}"#, Std, oauth("invalid_grant", "invalid_grant")),
        e("go error in a 200", GO, 200, JSON, r#"{"error": "invalid_grant"}"#, Std, oauth("invalid_grant", "invalid_grant")),
        e("go refresh rotation", GO, 200, JSON, r#"{"access_token":"ACCESS_TOKEN",  "scope": "user", "token_type": "bearer", "refresh_token": "NEW_REFRESH_TOKEN"}"#, Std, token("ACCESS_TOKEN", Assumed, Some("NEW_REFRESH_TOKEN"))),
        e("go internal minimal", "golang/oauth2 internal/token_test.go", 200, JSON, r#"{"access_token": "ACCESS_TOKEN", "token_type": "bearer"}"#, Std, token("ACCESS_TOKEN", Assumed, None)),
        e("go downscoped token with a space", "golang/oauth2 google/downscope/downscoping_test.go", 200, JSON, r#"{"access_token":"Open Sesame","expires_in":432,"issued_token_type":"urn:ietf:params:oauth:token-type:access_token","token_type":"Bearer"}"#, Std, token("Open Sesame", Secs(432), None)),
        e("go STS refresh", "golang/oauth2 google/internal/stsexchange/sts_exchange_test.go", 200, JSON, r#"{"access_token":"Sample.Access.Token","issued_token_type":"urn:ietf:params:oauth:token-type:access_token","token_type":"Bearer","expires_in":3600,"scope":"https://www.googleapis.com/auth/cloud-platform","refresh_token":"REFRESHED_REFRESH"}"#, Std, token("Sample.Access.Token", Secs(3600), Some("REFRESHED_REFRESH"))),
        e("go client credentials form", "golang/oauth2 clientcredentials/clientcredentials_test.go", 200, FORM, "access_token=90d64460d14870c08c81352a05dedd3465940a7c&token_type=bearer", Std, token("90d64460d14870c08c81352a05dedd3465940a7c", Assumed, None)),
        // ---- oauth2-rs test suite
        e("rs minimal, BEARER", RS, 200, JSON, r#"{"access_token": "12/34", "token_type": "BEARER"}"#, Std, token("12/34", Assumed, None)),
        e("rs complete", RS, 200, JSON, r#"{"access_token": "12/34", "token_type": "bearer", "scope": "read write", "expires_in": 3600, "refresh_token": "foobar"}"#, Std, token("12/34", Secs(3600), Some("foobar"))),
        e("rs error 400", RS, 400, JSON, r#"{"error":"invalid_request","error_description":"Expired code."}"#, Std, oauth("invalid_request", "invalid_request")),
        e("rs numeric token_type", RS, 200, JSON, r#"{"access_token": "12/34", "token_type": 123}"#, Std, Expect::Malformed),
        e("rs broken JSON", RS, 200, JSON, "broken json", Std, Expect::Malformed),
        e("rs broken text/plain", RS, 200, Some("text/plain"), "broken json", Std, Expect::Malformed),
        e("rs extension token type", RS, 200, JSON, r#"{"access_token": "12/34", "token_type": "green", "height": 10}"#, Std, token("12/34", Assumed, None)),
        e("rs extension error with uri", RS, 400, JSON, r#"{"error": "too_light", "error_description": "stuff happened", "error_uri": "https://errors"}"#, Std, oauth("too_light", "too_light")),
        e("rs custom error body", RS, 400, JSON, r#"{"custom_error": "non-compliant oauth implementation ;-)"}"#, Std, Expect::Malformed),
        e("rs device code pending", "ramosbugs/oauth2-rs oauth2/src/devicecode.rs", 400, JSON, r#"{"error": "authorization_pending", "error_description": "Still waiting for user"}"#, Std, oauth("authorization_pending", "authorization_pending")),
        // ---- requests-oauthlib compliance fixes
        e("facebook form as text/plain", RQ, 200, Some("text/plain"), "access_token=urlencoded", Std, token("urlencoded", Assumed, None)),
        e("fitbit errors array", RQ, 200, JSON, r#"{"errors": [{"errorType": "invalid_grant"}]}"#, Fitbit, oauth("invalid_grant", "invalid_grant")),
        e("fitbit token", RQ, 200, JSON, r#"{"access_token": "fitbit"}"#, Fitbit, token("fitbit", Assumed, None)),
        e("mailchimp expires_in 0", RQ, 200, JSON, r#"{"access_token": "mailchimp", "expires_in": 0, "scope": null}"#, Std, token("mailchimp", Assumed, None)),
        e("weibo no token type", RQ, 200, JSON, r#"{"access_token": "weibo"}"#, Std, token("weibo", Assumed, None)),
        e("slack legacy", RQ, 200, JSON, r#"{"access_token": "xoxt-23984754863-2348975623103", "scope": "read"}"#, Std, token("xoxt-23984754863-2348975623103", Assumed, None)),
        e("plentymarkets camelCase", RQ, 200, JSON, r#"{"accessToken": "ecUN1r8KhJewMCdLAmpHOdZ4O0ofXKB9zf6CXK61", "tokenType": "Bearer", "expiresIn": 86400, "refreshToken": "iG2kBGIjcXaRE4xmTVUnv7xwxX7XMcWCHqJmFaSX"}"#, Plenty, token("ecUN1r8KhJewMCdLAmpHOdZ4O0ofXKB9zf6CXK61", Secs(86400), Some("iG2kBGIjcXaRE4xmTVUnv7xwxX7XMcWCHqJmFaSX"))),
        e("ebay description as token type, spaces in token", RQ, 200, JSON, r#"{"access_token": "this is the access token", "expires_in": 7200, "token_type": "Application Access Token"}"#, Std, token("this is the access token", Secs(7200), None)),
        // ---- Authlib
        e("authlib expires_in string", AL, 200, JSON, r#"{"token_type": "Bearer", "access_token": "a", "refresh_token": "b", "expires_in": "3600", "expires_at": 1700003600}"#, Std, token("a", Secs(3600), Some("b"))),
        e("authlib invalid token type", AL, 200, JSON, r#"{"token_type": "invalid", "access_token": "a", "refresh_token": "b", "expires_in": "3600"}"#, Std, token("a", Secs(3600), Some("b"))),
        e("authlib error", AL, 200, JSON, r#"{"error": "invalid_request"}"#, Std, oauth("invalid_request", "invalid_request")),
        // ---- RFCs
        e("RFC 6749 5.1 example type", "https://www.rfc-editor.org/rfc/rfc6749#section-5.1", 200, Some("application/json;charset=UTF-8"), r#"{"access_token":"2YotnFZFEjr1zCsicMWpAA","token_type":"example","expires_in":3600,"refresh_token":"tGzv3JOkF0XG5Qx2TlKWIA","example_parameter":"example_value"}"#, Std, token("2YotnFZFEjr1zCsicMWpAA", Secs(3600), Some("tGzv3JOkF0XG5Qx2TlKWIA"))),
        e("RFC 6749 5.2 error", "https://www.rfc-editor.org/rfc/rfc6749#section-5.2", 400, Some("application/json;charset=UTF-8"), r#"{"error":"invalid_request"}"#, Std, oauth("invalid_request", "invalid_request")),
        e("RFC 9449 DPoP", "https://www.rfc-editor.org/rfc/rfc9449#section-5.1", 200, JSON, r#"{"access_token": "Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU", "token_type": "DPoP", "expires_in": 2677, "refresh_token": "Q..Zkm29lexi8VnWg2zPW1x-tgGad0Ibc3s3EwM_Ni4-g"}"#, Std, Expect::Unsupported(TokenScheme::DPoP)),
        e("MAC draft", "https://datatracker.ietf.org/doc/html/draft-ietf-oauth-v2-http-mac-05#section-5", 200, JSON, r#"{"access_token":"SlAV32hkKG","token_type":"mac","expires_in":3600,"refresh_token":"8xLOxBtZp8","mac_key":"adijq39jdlaska9asud","mac_algorithm":"hmac-sha-256"}"#, Std, Expect::Unsupported(TokenScheme::Mac)),
        // ---- provider documentation
        e("github form", "https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps", 200, Some("application/x-www-form-urlencoded; charset=utf-8"), "access_token=gho_16C7e42F292c6912E7710c838347Ae178B4a&scope=repo%2Cgist&token_type=bearer", Std, token("gho_16C7e42F292c6912E7710c838347Ae178B4a", Assumed, None)),
        e("github error in a 200", "https://docs.github.com/en/apps/oauth-apps/maintaining-oauth-apps/troubleshooting-oauth-app-access-token-request-errors", 200, JSON, r#"{"error":"bad_verification_code","error_description":"The code passed is incorrect or expired.","error_uri":"https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors/#bad-verification-code"}"#, Std, oauth("bad_verification_code", "bad_verification_code")),
        e("github app user token", "https://docs.github.com/en/apps/creating-github-apps/authenticating-with-a-github-app/refreshing-user-access-tokens", 200, FORM, "access_token=ghu_16C7e42F292c6912E7710c838347Ae178B4a&expires_in=28800&refresh_token=ghr_1B4a2e77838347a7E420ce178F2E7c6912E169246c34E1ccbF66C46812d16D5B1A9Dc86A1498&refresh_token_expires_in=15811200&scope=&token_type=bearer", Std, token("ghu_16C7e42F292c6912E7710c838347Ae178B4a", Secs(28800), Some("ghr_1B4a2e77838347a7E420ce178F2E7c6912E169246c34E1ccbF66C46812d16D5B1A9Dc86A1498"))),
        e("google", "https://developers.google.com/identity/protocols/oauth2/web-server", 200, JSON, r#"{"access_token": "1/fFAGRNJru1FTz70BzhT3Zg", "expires_in": 3920, "token_type": "Bearer", "scope": "https://www.googleapis.com/auth/drive.metadata.readonly https://www.googleapis.com/auth/calendar.readonly", "refresh_token": "1//xEoDL4iW3cxlI7yDbSRFYNG01kVKM2C-259HOF2aQbI"}"#, Std, token("1/fFAGRNJru1FTz70BzhT3Zg", Secs(3920), Some("1//xEoDL4iW3cxlI7yDbSRFYNG01kVKM2C-259HOF2aQbI"))),
        e("google error", "https://developers.google.com/identity/protocols/oauth2/web-server", 400, JSON, r#"{"error": "invalid_grant", "error_description": "Bad Request"}"#, Std, oauth("invalid_grant", "invalid_grant")),
        e("microsoft v2", "https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-client-creds-grant-flow", 200, JSON, r#"{"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599, "access_token": "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiIsIng1dCI6Ik1uQ19WWmNBVGZNNXBP"}"#, Std, token("eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiIsIng1dCI6Ik1uQ19WWmNBVGZNNXBP", Secs(3599), None)),
        e("microsoft error with codes", "https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-client-creds-grant-flow", 400, JSON, "{\"error\": \"invalid_scope\", \"error_description\": \"AADSTS70011: The provided value for the input parameter 'scope' is not valid. The scope https://foo.microsoft.com/.default is not valid.\\r\\nTrace ID: 255d1aef-8c98-452f-ac51-23d051240864\\r\\nCorrelation ID: fb3d2015-bc17-4bb9-bb85-30c5cf1aaaa7\\r\\nTimestamp: 2016-01-09 02:02:12Z\", \"error_codes\": [70011], \"timestamp\": \"2016-01-09 02:02:12Z\", \"trace_id\": \"255d1aef-8c98-452f-ac51-23d051240864\", \"correlation_id\": \"fb3d2015-bc17-4bb9-bb85-30c5cf1aaaa7\"}", Std, oauth("invalid_scope", "invalid_scope")),
        e("azure ad v1 string lifetimes", "https://learn.microsoft.com/en-us/rest/api/azure/ (Azure AD v1 token response)", 200, Some("application/json; charset=utf-8"), r#"{"token_type":"Bearer","expires_in":"3600","ext_expires_in":"3600","expires_on":"1546469802","not_before":"1546465902","resource":"https://graph.windows.net","access_token":"value-has-been-removed"}"#, Std, token("value-has-been-removed", Secs(3600), None)),
        e("azure managed identity empty refresh", "https://learn.microsoft.com/en-us/entra/identity/managed-identities-azure-resources/how-to-use-vm-token", 200, JSON, r#"{"access_token": "eyJ0eXAi...", "refresh_token": "", "expires_in": "3599", "expires_on": "1506484173", "not_before": "1506480273", "resource": "https://management.azure.com/", "token_type": "Bearer"}"#, Std, token("eyJ0eXAi...", Secs(3599), None)),
        e("paypal", "https://developer.paypal.com/api/rest/authentication/", 200, JSON, r#"{"scope": "https://uri.paypal.com/services/invoicing https://uri.paypal.com/services/disputes/read-buyer", "access_token": "A21AAFEpH4PsADK7qSS7pSRsgzfENtu-Q1ysgEDVDESseMHBYXVJYE8ovjj68elIDy8nF26AwPhfXTIeWAZHSLIsQkSYz9ifg", "token_type": "Bearer", "app_id": "APP-80W284485P519543T", "expires_in": 31668, "nonce": "2020-04-03T15:35:36ZaYZlGvEkV4yVSz8g6bAKFoGSEzuy3CQcz3ljhibkOHg"}"#, Std, token("A21AAFEpH4PsADK7qSS7pSRsgzfENtu-Q1ysgEDVDESseMHBYXVJYE8ovjj68elIDy8nF26AwPhfXTIeWAZHSLIsQkSYz9ifg", Secs(31668), None)),
        e("slack bot token type", "https://api.slack.com/methods/oauth.v2.access", 200, JSON, r#"{"ok": true, "access_token": "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy", "token_type": "bot", "scope": "commands,incoming-webhook", "bot_user_id": "U0KRQLJ9H", "app_id": "A0KRD7HC3", "team": {"name": "Slack Softball Team", "id": "T9TK3CUKW"}, "enterprise": {"name": "slack-sports", "id": "E12345678"}, "authed_user": {"id": "U1234", "scope": "chat:write", "access_token": "xoxp-1234", "token_type": "user"}}"#, Std, token("xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy", Assumed, None)),
        e("slack user token, nested", "https://api.slack.com/methods/oauth.v2.access", 200, JSON, r#"{"ok": true, "access_token": "xoxb-17653672481-19874698323-pdFZKVeTuE8sk7oOcBrzbqgy", "token_type": "bot", "scope": "commands,incoming-webhook", "bot_user_id": "U0KRQLJ9H", "app_id": "A0KRD7HC3", "team": {"name": "Slack Softball Team", "id": "T9TK3CUKW"}, "enterprise": {"name": "slack-sports", "id": "E12345678"}, "authed_user": {"id": "U1234", "scope": "chat:write", "access_token": "xoxp-1234", "token_type": "user"}}"#, SlackUser, token("xoxp-1234", Assumed, None)),
        e("slack error", "https://api.slack.com/methods/oauth.v2.access", 200, JSON, r#"{"ok": false, "error": "invalid_code"}"#, Std, oauth("invalid_code", "invalid_code")),
        e("facebook legacy expires", "requests/requests-oauthlib requests_oauthlib/compliance_fixes/facebook.py (the text/plain form with `expires` it fixes)", 200, Some("text/plain; charset=UTF-8"), "access_token=EAAGm0PX4ZCpsBAKE8uZBu6B&expires=5183999", Std, token("EAAGm0PX4ZCpsBAKE8uZBu6B", Secs(5_183_999), None)),
        e("facebook graph error object", "https://developers.facebook.com/docs/graph-api/guides/error-handling", 400, JSON, r#"{"error": {"message": "Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request", "type": "OAuthException", "code": 100, "error_subcode": 36008, "fbtrace_id": "A7qPM2P9yoxMGBXaDd2TPKf"}}"#, Graph, oauth("100", "100")),
        e("facebook graph error object, no shape declared", "https://developers.facebook.com/docs/graph-api/guides/error-handling", 400, JSON, r#"{"error": {"message": "Error validating verification code. Please make sure your redirect_uri is identical to the one you used in the OAuth dialog request", "type": "OAuthException", "code": 100, "error_subcode": 36008, "fbtrace_id": "A7qPM2P9yoxMGBXaDd2TPKf"}}"#, Std, Expect::Malformed),
        e("dropbox", "https://www.dropbox.com/developers/documentation/http/documentation#oauth2-token", 200, JSON, r#"{"access_token": "sl.AbX9y6Fe3AuH5o66-gmJpR032jwAwQPIVVzWXZNkdzcYT02akC2de219dZi6gxYPVnYPrpvISRSf9lxKWJzYLjtMPH-d9fo_0gXex7X37VIvpty4-G8f4-WX45AcEPfRnJJDwzv-", "expires_in": 14400, "token_type": "bearer", "scope": "account_info.read files.content.read files.content.write files.metadata.read", "refresh_token": "nBiM85CZALsAAAAAAAAAAQXHBoNpNutK4ngsXHsqW4iGz9tisb3JyjGqikMJIYbd", "account_id": "dbid:AAH4f99T0taONIb-OurWxbNQ6ywGRopQngc", "uid": "12345"}"#, Std, token("sl.AbX9y6Fe3AuH5o66-gmJpR032jwAwQPIVVzWXZNkdzcYT02akC2de219dZi6gxYPVnYPrpvISRSf9lxKWJzYLjtMPH-d9fo_0gXex7X37VIvpty4-G8f4-WX45AcEPfRnJJDwzv-", Secs(14400), Some("nBiM85CZALsAAAAAAAAAAQXHBoNpNutK4ngsXHsqW4iGz9tisb3JyjGqikMJIYbd"))),
        e("spotify", "https://developer.spotify.com/documentation/web-api/tutorials/code-flow", 200, JSON, r#"{"access_token": "NgCXRK...MzYjw", "token_type": "Bearer", "scope": "user-read-private user-read-email", "expires_in": 3600, "refresh_token": "NgAagA...Um_SHo"}"#, Std, token("NgCXRK...MzYjw", Secs(3600), Some("NgAagA...Um_SHo"))),
        e("discord", "https://discord.com/developers/docs/topics/oauth2", 200, JSON, r#"{"access_token": "6qrZcUqja7812RVdnEKjpzOL4CvHBFG", "token_type": "Bearer", "expires_in": 604800, "refresh_token": "D43f5y0ahjqew82jZ4NViEr2YafMKhue", "scope": "identify"}"#, Std, token("6qrZcUqja7812RVdnEKjpzOL4CvHBFG", Secs(604_800), Some("D43f5y0ahjqew82jZ4NViEr2YafMKhue"))),
        e("linkedin no token type", "https://learn.microsoft.com/en-us/linkedin/shared/authentication/authorization-code-flow", 200, JSON, r#"{"access_token":"AQUvlL_DYEzvT2wz1QJiEPeLioeA","expires_in":5184000,"scope":"r_basicprofile"}"#, Std, token("AQUvlL_DYEzvT2wz1QJiEPeLioeA", Secs(5_184_000), None)),
        e("x app-only, percent signs kept", "https://developer.x.com/en/docs/authentication/oauth-2-0/bearer-tokens", 200, JSON, r#"{"token_type":"bearer","access_token":"AAAAAAAAAAAAAAAAAAAAAMLheAAAAAAA0%2BuSeid%2BULvsea4JtiGRiSDSJSI%3DEUifiRBkKG5E2XzMDjRfl76ZC9Ub0wnz4XsNiRVBChTYbJcE3F"}"#, Std, token("AAAAAAAAAAAAAAAAAAAAAMLheAAAAAAA0%2BuSeid%2BULvsea4JtiGRiSDSJSI%3DEUifiRBkKG5E2XzMDjRfl76ZC9Ub0wnz4XsNiRVBChTYbJcE3F", Assumed, None)),
        e("salesforce ! in token, no lifetime", "https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_web_server_flow.htm", 200, JSON, r#"{"access_token":"00Dxx0000001gPL!AR8AQJXg5oj8jXSgxJfA0lBog.39AsX.LVpxezPwuX5VAIrrbbHMuol7GQxnMeYMN7cj8EoWr78nt1u44zU31IbYNNJguseu","instance_url":"https://MyDomainName.my.salesforce.com","id":"https://login.salesforce.com/id/00Dxx0000001gPLEA0/005xx000001Sv6AAAS","token_type":"Bearer","issued_at":"1278448101416","signature":"miQQ1J4sdMPiduBsvyRYPCDozqhe43KRc1i9LmZHR70="}"#, Std, token("00Dxx0000001gPL!AR8AQJXg5oj8jXSgxJfA0lBog.39AsX.LVpxezPwuX5VAIrrbbHMuol7GQxnMeYMN7cj8EoWr78nt1u44zU31IbYNNJguseu", Assumed, None)),
        e("salesforce error", "https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_flow_errors.htm", 400, JSON, r#"{"error":"invalid_grant","error_description":"authentication failure"}"#, Std, oauth("invalid_grant", "invalid_grant")),
        e("okta", "https://developer.okta.com/docs/guides/implement-grant-type/clientcreds/main/", 200, JSON, r#"{"token_type":"Bearer","expires_in":3600,"access_token":"eyJraWQiOiJHb00xR...","scope":"customScope"}"#, Std, token("eyJraWQiOiJHb00xR...", Secs(3600), None)),
        e("okta DPoP", "https://developer.okta.com/docs/guides/dpop/nonoktaresourceserver/main/", 200, JSON, r#"{"token_type":"DPoP","expires_in":3600,"access_token":"eyJraWQiOiJRVX...","scope":"openid"}"#, Std, Expect::Unsupported(TokenScheme::DPoP)),
        e("auth0 mfa_required", "https://auth0.com/docs/secure/multi-factor-authentication/authenticate-using-ropg-flow-with-mfa", 403, JSON, r#"{"error": "mfa_required", "error_description": "Multifactor authentication required", "mfa_token": "Fe26..nWE8AAQBP"}"#, Std, oauth("mfa_required", "mfa_required")),
        e("auth0", "https://auth0.com/docs/get-started/authentication-and-authorization-flow/client-credentials-flow/call-your-api-using-the-client-credentials-flow", 200, JSON, r#"{"access_token":"eyJz93a...k4laUWw","token_type":"Bearer","expires_in":86400}"#, Std, token("eyJz93a...k4laUWw", Secs(86400), None)),
        e("keycloak", "https://www.keycloak.org/securing-apps/oidc-layers", 200, JSON, r#"{"access_token":"eyJhbGciOiJSUzI1NiIsInR5cCIgOiAiSldUIn0.eyJleHAiOjE2","expires_in":300,"refresh_expires_in":1800,"refresh_token":"eyJhbGciOiJIUzI1NiIsInR5cCIgOiAiSldUIn0.eyJleHAiOjE3","token_type":"Bearer","not-before-policy":0,"session_state":"a856fb91-eabc-460e-8f7b-2e8c4b2a8d3c","scope":"profile email"}"#, Std, token("eyJhbGciOiJSUzI1NiIsInR5cCIgOiAiSldUIn0.eyJleHAiOjE2", Secs(300), Some("eyJhbGciOiJIUzI1NiIsInR5cCIgOiAiSldUIn0.eyJleHAiOjE3"))),
        e("keycloak error", "https://www.keycloak.org/securing-apps/oidc-layers", 401, JSON, r#"{"error":"invalid_grant","error_description":"Invalid user credentials"}"#, Std, oauth("invalid_grant", "invalid_grant")),
        e("amazon | in tokens", "https://developer.amazon.com/docs/login-with-amazon/authorization-code-grant.html", 200, Some("application/json;charset=UTF-8"), r#"{"access_token":"Atza|IQEBLjAsAhRmHjNgHpi0U-Dme37rR6CuUpSR...","token_type":"bearer","expires_in":3600,"refresh_token":"Atzr|IQEBLzAtAhRPpMJxdwVz2Nn6f2y-tpJX2DeX..."}"#, Std, token("Atza|IQEBLjAsAhRmHjNgHpi0U-Dme37rR6CuUpSR...", Secs(3600), Some("Atzr|IQEBLzAtAhRPpMJxdwVz2Nn6f2y-tpJX2DeX..."))),
        e("ebay ^ and # in tokens", "https://developer.ebay.com/api-docs/static/oauth-auth-code-grant-request.html", 200, JSON, r#"{"access_token": "v^1.1#i^1#p^1#r^0#I^3#f^0#t^H4sIAAAAAAAAAOVXa2wUVRTe7ba1BQoCBQRM3E4hJZCZnZ19z9Kt2wfYhbZbtlBSEDs7c2c7dnZmnDtL2wLJWiNKMeEHURPRAiISfxhFEBIgSsJD/4BaH5iIIRpf", "expires_in": 7200, "refresh_token": "v^1.1#i^1#p^1#I^3#r^1#f^0#t^Ul4xMF8yOjNDMjdGMUY3RjU5QkZGNDRCN0Q4QUEzNjEwMjM3QjY2XzJfMSNFXjI2MA==", "refresh_token_expires_in": 47304000, "token_type": "User Access Token"}"#, Std, token("v^1.1#i^1#p^1#r^0#I^3#f^0#t^H4sIAAAAAAAAAOVXa2wUVRTe7ba1BQoCBQRM3E4hJZCZnZ19z9Kt2wfYhbZbtlBSEDs7c2c7dnZmnDtL2wLJWiNKMeEHURPRAiISfxhFEBIgSsJD/4BaH5iIIRpf", Secs(7200), Some("v^1.1#i^1#p^1#I^3#r^1#f^0#t^Ul4xMF8yOjNDMjdGMUY3RjU5QkZGNDRCN0Q4QUEzNjEwMjM3QjY2XzJfMSNFXjI2MA=="))),
        e("zoom", "https://developers.zoom.us/docs/integrations/oauth/", 200, JSON, r#"{"access_token": "eyJhbGciOiJIUzUxMiIsInYiOiIyLjAiLCJraWQiOiI8S0lEPiJ9", "token_type": "bearer", "refresh_token": "eyJhbGciOiJIUzUxMiIsInYiOiIyLjAiLCJraWQiOiI8S0lEPiJ9.rt", "expires_in": 3599, "scope": "user:read:admin"}"#, Std, token("eyJhbGciOiJIUzUxMiIsInYiOiIyLjAiLCJraWQiOiI8S0lEPiJ9", Secs(3599), Some("eyJhbGciOiJIUzUxMiIsInYiOiIyLjAiLCJraWQiOiI8S0lEPiJ9.rt"))),
        e("strava", "https://developers.strava.com/docs/authentication/", 200, JSON, r#"{"token_type": "Bearer", "expires_at": 1568775134, "expires_in": 21600, "refresh_token": "e5n567567...", "access_token": "a4b945687g...", "athlete": {"id": 134815}}"#, Std, token("a4b945687g...", Secs(21600), Some("e5n567567..."))),
        e("box", "https://developer.box.com/reference/post-oauth2-token/", 200, JSON, r#"{"access_token": "c3FIOG9vSGV4VHz8QzdUN2pZd2FhRXZBU0Fz", "expires_in": 3600, "restricted_to": [], "refresh_token": "c3FIOG9vSGV4VHz8QzdUN2pZd2FhRXZBU0Fz", "token_type": "bearer"}"#, Std, token("c3FIOG9vSGV4VHz8QzdUN2pZd2FhRXZBU0Fz", Secs(3600), Some("c3FIOG9vSGV4VHz8QzdUN2pZd2FhRXZBU0Fz"))),
        e("yahoo", "https://developer.yahoo.com/oauth2/guide/flows_authcode/", 200, JSON, r#"{"access_token":"Jzxbkqqcvjqik2IMxGFEE1cuaos--","token_type":"bearer","expires_in":3600,"refresh_token":"AOiRUlJn_qOmByVGTmUpwcMKW3XDcipToOHHN3NhAstWZD4W1BBJQqOiRrGFHa9UMBQeOrxSFQ--","xoauth_yahoo_guid":"JT4FACLQZI2OCE"}"#, Std, token("Jzxbkqqcvjqik2IMxGFEE1cuaos--", Secs(3600), Some("AOiRUlJn_qOmByVGTmUpwcMKW3XDcipToOHHN3NhAstWZD4W1BBJQqOiRrGFHa9UMBQeOrxSFQ--"))),
        e("hubspot", "https://developers.hubspot.com/docs/api/oauth-quickstart-guide", 200, JSON, r#"{"token_type": "bearer", "refresh_token": "1e8fbfb1-8e96-4826-8b8d-c8af73715", "access_token": "CIrToaiiMhIHAAEAQAAAARiO1ooBIOP0sgEokuLtATEaOeMH", "expires_in": 1800}"#, StatusMessage, token("CIrToaiiMhIHAAEAQAAAARiO1ooBIOP0sgEokuLtATEaOeMH", Secs(1800), Some("1e8fbfb1-8e96-4826-8b8d-c8af73715"))),
        e("hubspot error shape", "https://developers.hubspot.com/docs/api/oauth-quickstart-guide", 400, JSON, r#"{"status":"BAD_REFRESH_TOKEN","message":"missing or unknown refresh token","correlationId":"5b27ae4e-f2fa-4e43-b73e-3ef8a3b5e1ff"}"#, StatusMessage, oauth("BAD_REFRESH_TOKEN", "BAD_REFRESH_TOKEN")),
        e("wechat", "https://developers.weixin.qq.com/doc/offiaccount/en/Basic_Information/Get_access_token.html", 200, JSON, r#"{"access_token":"ACCESS_TOKEN","expires_in":7200}"#, WeChat, token("ACCESS_TOKEN", Secs(7200), None)),
        e("wechat errcode in a 200", "https://developers.weixin.qq.com/doc/offiaccount/en/Basic_Information/Get_access_token.html", 200, JSON, r#"{"errcode":40013,"errmsg":"invalid appid"}"#, WeChat, oauth("40013", "40013")),
        e("dingtalk errcode 0 is success", "https://open.dingtalk.com/document/orgapp/obtain-orgapp-token", 200, JSON, r#"{"errcode": 0, "access_token": "96fc7a7axxx", "errmsg": "ok", "expires_in": 7200}"#, WeChat, token("96fc7a7axxx", Secs(7200), None)),
        e("feishu tenant token alias", "https://open.feishu.cn/document/server-docs/authentication-management/access-token/tenant_access_token_internal", 200, JSON, r#"{"code": 0, "msg": "ok", "tenant_access_token": "t-caecc734c2e3328a62489fe0648c4b98779515d3", "expire": 7200}"#, Feishu, token("t-caecc734c2e3328a62489fe0648c4b98779515d3", Secs(7200), None)),
        e("feishu error code", "https://open.feishu.cn/document/server-docs/authentication-management/access-token/tenant_access_token_internal", 400, JSON, r#"{"code":10003,"msg":"invalid param"}"#, Feishu, oauth("10003", "10003")),
        e("withings nested body", "https://developer.withings.com/api-reference/#tag/oauth2/operation/oauth2-getaccesstoken", 200, JSON, r#"{"status":0,"body":{"userid":"363","access_token":"a075f8c14fb8df40b08ebc8508533dc332a6910a","refresh_token":"f631236f02b991810feb774765b6ae8e6c6839ca","expires_in":10800,"scope":"user.info,user.metrics","csrf_token":"PHsxR6VZjhbmEnYn2UwyxFrsqHvBmqfv","token_type":"Bearer"}}"#, Withings, token("a075f8c14fb8df40b08ebc8508533dc332a6910a", Secs(10800), Some("f631236f02b991810feb774765b6ae8e6c6839ca"))),
        e("withings status error in a 200", "https://developer.withings.com/api-reference/#section/Response-status", 200, JSON, r#"{"status":503,"body":{},"error":"Invalid Params: invalid client_id"}"#, Withings, oauth("503", "503")),
        e("fitbit doc error", "https://dev.fitbit.com/build/reference/web-api/troubleshooting-guide/error-messages/", 401, JSON, r#"{"errors":[{"errorType":"invalid_client","message":"Invalid authorization header format. Visit https://dev.fitbit.com/docs/oauth2 for more information on the Fitbit Web API authorization process."}],"success":false}"#, Fitbit, oauth("invalid_client", "invalid_client")),
        e("square instant already past", "https://developer.squareup.com/reference/square/oauth-api/obtain-token", 200, JSON, r#"{"access_token": "EAAAEO6U6AFAKEcpRV3l5xkpPyCeiR0dAsFfBNHbdZEqFq0Gjmy0OPqn3cVHs9ABCD", "token_type": "bearer", "expires_at": "2006-01-02T15:04:05Z", "merchant_id": "MLQW4ZCJHE1ZR", "refresh_token": "EQAAEFAKE7oZPdDdU-HrZy3HZlWHMYDS8mfvmwUjiGo1hjgmuvtsB6Lq5deIIBCD", "short_lived": false}"#, Square, token("EAAAEO6U6AFAKEcpRV3l5xkpPyCeiR0dAsFfBNHbdZEqFq0Gjmy0OPqn3cVHs9ABCD", Floor, Some("EQAAEFAKE7oZPdDdU-HrZy3HZlWHMYDS8mfvmwUjiGo1hjgmuvtsB6Lq5deIIBCD"))),
        e("square errors array", "https://developer.squareup.com/docs/build-basics/handling-errors", 401, JSON, r#"{"errors":[{"category":"AUTHENTICATION_ERROR","code":"UNAUTHORIZED","detail":"Invalid client secret"}]}"#, Square, oauth("UNAUTHORIZED", "UNAUTHORIZED")),
        e("mastodon", "https://docs.joinmastodon.org/methods/oauth/", 200, JSON, r#"{"access_token": "ZA-Yj3aBD8U8Cm7lKUp-lm9O9BmDgdhHzDeqsY8tlL0", "token_type": "Bearer", "scope": "read write follow push", "created_at": 1573979017}"#, Std, token("ZA-Yj3aBD8U8Cm7lKUp-lm9O9BmDgdhHzDeqsY8tlL0", Assumed, None)),
        e("gitlab", "https://docs.gitlab.com/ee/api/oauth2.html", 200, JSON, r#"{"access_token": "de6780bc506a0446309bd9362820ba8aed28aa506c71eedbe1c5c4f9dd350e54", "token_type": "bearer", "expires_in": 7200, "refresh_token": "8257e65c97202ed1726cf9571600918f3bffb2544b26e00a61df9897668c702c", "created_at": 1607635748}"#, Std, token("de6780bc506a0446309bd9362820ba8aed28aa506c71eedbe1c5c4f9dd350e54", Secs(7200), Some("8257e65c97202ed1726cf9571600918f3bffb2544b26e00a61df9897668c702c"))),
        e("notion", "https://developers.notion.com/docs/authorization", 200, JSON, r#"{"access_token": "e202e8c9-0990-40af-855f-ff8f872b1ec6c", "bot_id": "b3414d659-1224-5ty7-6ffr-cc9d8773drt601288f", "duplicated_template_id": null, "owner": {"workspace": true}, "workspace_icon": "https://website.domain/images/image.png", "workspace_id": "j565j4d7x3-2882-61bs-564a-jj9d9ui-c36hxfr7x", "workspace_name": "Ada's Notion Workspace"}"#, Std, token("e202e8c9-0990-40af-855f-ff8f872b1ec6c", Assumed, None)),
        e("quickbooks", "https://developer.intuit.com/app/developer/qbo/docs/develop/authentication-and-authorization/oauth-2.0", 200, JSON, r#"{"token_type": "bearer", "expires_in": 3600, "refresh_token":"Q311488394272qbajGfLBwGmVsbF6VoNpUKaIO5oL49aXLVJUB", "x_refresh_token_expires_in":15551893, "access_token":"eJlbmMiOiJBMTI4Q0JDLUhTMjU2IiwiYWxnIjoiZGlyIn0..KM6qAS8X"}"#, Std, token("eJlbmMiOiJBMTI4Q0JDLUhTMjU2IiwiYWxnIjoiZGlyIn0..KM6qAS8X", Secs(3600), Some("Q311488394272qbajGfLBwGmVsbF6VoNpUKaIO5oL49aXLVJUB"))),
        e("twitch", "https://dev.twitch.tv/docs/authentication/getting-tokens-oauth/#client-credentials-grant-flow", 200, JSON, r#"{"access_token": "jostpf5q0uzmxmkba9iyug38kjtgh", "expires_in": 5011271, "token_type": "bearer"}"#, StatusMessage, token("jostpf5q0uzmxmkba9iyug38kjtgh", Secs(5_011_271), None)),
        e("twitch error shape", "https://dev.twitch.tv/docs/authentication/getting-tokens-oauth/#client-credentials-grant-flow", 400, JSON, r#"{"status":400,"message":"invalid client secret"}"#, StatusMessage, oauth("400", "400")),
        e("yandex huge lifetime", "https://yandex.com/dev/id/doc/en/codes/code-url", 200, JSON, r#"{"token_type": "bearer", "access_token": "AQAAAACy1C6ZAAAAfa6vDLuItEy8pg-iIpnDxIs", "expires_in": 124234123534, "refresh_token": "1:GN686QVt0mmakDd9:A4pYuW9LGk0_UnlrMIWklkAuJkUWbq27loFekJVmSYrdfzdePBy7:A-2dHOmBxiXgajnD-kYOwQ"}"#, Std, token("AQAAAACy1C6ZAAAAfa6vDLuItEy8pg-iIpnDxIs", Clamped, Some("1:GN686QVt0mmakDd9:A4pYuW9LGk0_UnlrMIWklkAuJkUWbq27loFekJVmSYrdfzdePBy7:A-2dHOmBxiXgajnD-kYOwQ"))),
        e("vk", "https://dev.vk.com/en/api/access-token/authcode-flow-user", 200, JSON, r#"{"access_token":"533bacf01e11f55b536a565b57531ac114461ae8736d6506a3", "expires_in":43200, "user_id":66748}"#, Std, token("533bacf01e11f55b536a565b57531ac114461ae8736d6506a3", Secs(43200), None)),
        e("apple", "https://developer.apple.com/documentation/sign_in_with_apple/tokenresponse", 200, JSON, r#"{"access_token": "adg61...67Or9", "token_type": "Bearer", "expires_in": 3600, "refresh_token": "rca7...lABoQ", "id_token": "eyJra...96sZg"}"#, Std, token("adg61...67Or9", Secs(3600), Some("rca7...lABoQ"))),
        e("cognito", "https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html", 200, JSON, r#"{"access_token":"eyJra1example", "id_token":"eyJra2example", "refresh_token":"eyJj3example", "token_type":"Bearer", "expires_in":3600}"#, Std, token("eyJra1example", Secs(3600), Some("eyJj3example"))),
        e("cognito error", "https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html", 400, JSON, r#"{"error":"invalid_client"}"#, Std, oauth("invalid_client", "invalid_client")),
        e("heroku", "https://devcenter.heroku.com/articles/oauth", 200, JSON, r#"{"access_token":"2af695e0-93e3-4821-ac2e-95f1a1ba8fa1","expires_in":28799,"refresh_token":"95e18b6d-a88b-4df8-9b2b-f08a0da53a8e","token_type":"Bearer","user_id":"01234567-89ab-cdef-0123-456789abcdef","session_nonce":"2bf0f9f2"}"#, Std, token("2af695e0-93e3-4821-ac2e-95f1a1ba8fa1", Secs(28799), Some("95e18b6d-a88b-4df8-9b2b-f08a0da53a8e"))),
        e("asana", "https://developers.asana.com/docs/oauth", 200, JSON, r#"{"access_token": "f6ds7fdsa69ags7ag9sd5a", "expires_in": 3600, "token_type": "bearer", "data": {"id": "4673218951", "name": "Greg Sanchez", "email": "gsanchez@example.com"}, "refresh_token": "hjkl325hjkl4325hj4kl32fjds"}"#, Std, token("f6ds7fdsa69ags7ag9sd5a", Secs(3600), Some("hjkl325hjkl4325hj4kl32fjds"))),
        e("zoho asterisks", "https://www.zoho.com/crm/developer/docs/api/v6/access-refresh.html", 200, JSON, r#"{"access_token": "1000.2370ff****************************.4a0a****************************", "refresh_token": "1000.2370ff****************************.4a0a****************************", "api_domain": "https://www.zohoapis.com", "token_type": "Bearer", "expires_in": 3600}"#, Std, token("1000.2370ff****************************.4a0a****************************", Secs(3600), Some("1000.2370ff****************************.4a0a****************************"))),
        e("zoho error in a 200", "https://www.zoho.com/crm/developer/docs/api/v6/access-refresh.html", 200, JSON, r#"{"error": "invalid_code"}"#, Std, oauth("invalid_code", "invalid_code")),
        e("deyel-style code case kept", "Deyel Documentation 8.7, as quoted in this repository's specs/src/deyel.rs", 400, JSON, r#"{"error_description": "Invalid client_id", "error": "Invalid_request"}"#, Std, oauth("invalid_request", "Invalid_request")),
        // ---- transport oddities seen in the wild
        e("BOM before JSON", "OpenLiberty/open-liberty#8325; DollhouseMCP/mcp-server#2520 (BOM-prefixed OAuth JSON)", 200, Some("application/json; charset=utf-8"), "\u{feff}{\"access_token\":\"bom-token\",\"token_type\":\"bearer\",\"expires_in\":3600}", Std, token("bom-token", Secs(3600), None)),
        e("malformed media type parameter", "golang/oauth2 internal/token.go (mime.ParseMediaType failure falls back to JSON)", 200, Some("application/json; charset"), r#"{"access_token":"mt-token","token_type":"bearer"}"#, Std, token("mt-token", Assumed, None)),
        e("no content type, form body", "requests/requests-oauthlib requests_oauthlib/compliance_fixes/facebook.py", 200, None, "access_token=nc-token&expires=5183999", Std, token("nc-token", Secs(5_183_999), None)),
        e("nginx 502 page", "nginx's default error page, as gateways return it", 502, Some("text/html"), "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n", Std, Expect::Malformed),
        e("HTML page with a 200 as text/plain", "a captive portal answering instead of the token endpoint", 200, Some("text/plain"), "<html><body>Please log in: a=b</body></html>", Std, Expect::Malformed),
    ]
}

/// What the test server serves, and the `Authorization` the API call carried.
#[derive(Clone)]
struct Served {
    status: StatusCode,
    content_type: Option<&'static str>,
    body: &'static [u8],
    authorization: Arc<Mutex<Option<String>>>,
}

async fn token_endpoint(State(s): State<Served>) -> Response {
    let mut response = Response::builder().status(s.status);
    if let Some(ct) = s.content_type {
        response = response.header(header::CONTENT_TYPE, ct);
    }
    response.body(Body::from(s.body)).expect("a valid response")
}

async fn api(State(s): State<Served>, headers: HeaderMap) -> StatusCode {
    let auth = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).map(str::to_owned);
    *s.authorization.lock().unwrap() = auth;
    StatusCode::OK
}

/// Serves `entry` on 127.0.0.1; returns the base URL and the recorded `Authorization`.
async fn serve(entry: &Entry) -> (String, Arc<Mutex<Option<String>>>) {
    let authorization = Arc::new(Mutex::new(None));
    let served = Served {
        status: StatusCode::from_u16(entry.status).unwrap(),
        content_type: entry.content_type,
        body: entry.body,
        authorization: authorization.clone(),
    };
    let app = Router::new().route("/token", any(token_endpoint)).route("/api", get(api)).with_state(served);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}"), authorization)
}

/// Replays `entry` through a client of `P`; returns a description of what went wrong, if anything.
async fn replay<P: Provider>(provider: P, entry: &Entry) -> Result<(), String> {
    let (base, authorization) = serve(entry).await;
    let client = Client::builder(provider).base_url(&base).retry(RetryPolicy::NONE).build().unwrap();
    let result = bounded(Duration::from_secs(5), client.token()).await;
    match (entry.expect, result) {
        (Expect::Token { access, life, refresh }, Ok(token)) => {
            if token.access_token().expose_secret() != access {
                return Err(format!("access token {:?}", token.access_token().expose_secret()));
            }
            if token.scheme() != TokenScheme::Bearer || token.token_type() != "Bearer" {
                return Err(format!("scheme {:?}", token.scheme()));
            }
            if token.refresh_token().map(Secret::expose_secret) != refresh {
                return Err(format!("refresh token {:?}", token.refresh_token().map(Secret::expose_secret)));
            }
            let lifetime = token.expires_at().duration_since(token.issued_at()).unwrap_or_default();
            let (want, source) = match life {
                Life::Secs(s) => (Duration::from_secs(s), LifetimeSource::Duration),
                Life::Assumed => (Duration::from_secs(3600), LifetimeSource::Assumed),
                Life::Floor => (Duration::from_secs(1), LifetimeSource::Floor),
                Life::Clamped => (Duration::from_secs(10 * 365 * 24 * 3600), LifetimeSource::Duration),
            };
            if lifetime != want || token.lifetime_source() != source {
                return Err(format!("lifetime {lifetime:?} from {:?}", token.lifetime_source()));
            }
            let response = client.get("/api").send().await.map_err(|e| format!("API call: {e}"))?;
            let sent = authorization.lock().unwrap().clone();
            if response.status() != 200 || sent.as_deref() != Some(format!("Bearer {access}").as_str()) {
                return Err(format!("Authorization sent: {sent:?}"));
            }
            Ok(())
        }
        (Expect::OAuth { code, sent }, Err(Error::OAuth(e))) => {
            let status_kept = e.status.as_u16() == entry.status;
            if e.code.as_str() != code || e.raw_code() != sent || !status_kept {
                return Err(format!("OAuth error {:?} / {:?} / {}", e.code, e.raw_code(), e.status));
            }
            Ok(())
        }
        (Expect::Unsupported(scheme), Err(Error::UnsupportedTokenType { scheme: got, .. })) if got == scheme => {
            // Nothing was sent with the token: the API call fails the same way.
            let err = client.get("/api").send().await.expect_err("no bare token sent");
            if !matches!(err, Error::UnsupportedTokenType { .. }) || authorization.lock().unwrap().is_some() {
                return Err(format!("API call: {err:?}"));
            }
            Ok(())
        }
        (Expect::Malformed, Err(err @ Error::MalformedResponse { .. })) => {
            if err.status().map(|s| s.as_u16()) != Some(entry.status) || err.oauth_code().is_some() {
                return Err(format!("{err:?}"));
            }
            Ok(())
        }
        (_, Ok(token)) => Err(format!("a token: {token:?}")),
        (_, Err(err)) => Err(format!("{err:?}")),
    }
}

#[tokio::test]
async fn every_recorded_response_is_read_as_the_rules_decide() {
    let corpus = corpus();
    assert!(corpus.len() >= 60, "{} entries", corpus.len());
    let mut failures = Vec::new();
    for entry in &corpus {
        assert!(!entry.source.is_empty(), "{} has no source", entry.name);
        let outcome = match entry.shape {
            Shape::Std => replay(Std, entry).await,
            Shape::SlackUser => replay(SlackUser, entry).await,
            Shape::Withings => replay(Withings, entry).await,
            Shape::Plenty => replay(Plenty, entry).await,
            Shape::Feishu => replay(Feishu, entry).await,
            Shape::WeChat => replay(WeChat, entry).await,
            Shape::Fitbit => replay(Fitbit, entry).await,
            Shape::Graph => replay(Graph, entry).await,
            Shape::Square => replay(Square, entry).await,
            Shape::StatusMessage => replay(StatusMessage, entry).await,
        };
        if let Err(why) = outcome {
            failures.push(format!("{} ({}): {why}", entry.name, entry.source));
        }
    }
    assert!(failures.is_empty(), "{} of {} entries:\n{}", failures.len(), corpus.len(), failures.join("\n"));
}

/// A vendor whose `token_type` is unreliable pins the scheme: its DPoP-claiming response is
/// sent as Bearer.
#[tokio::test]
async fn a_pinned_scheme_overrides_the_token_type() {
    provider! {
        Pinned => ResponseSpec::STANDARD.with_scheme(TokenScheme::Bearer);
    }
    let entry = e(
        "okta DPoP read by a vendor pinned to Bearer",
        "https://developer.okta.com/docs/guides/dpop/nonoktaresourceserver/main/",
        200,
        JSON,
        r#"{"token_type":"DPoP","expires_in":3600,"access_token":"eyJraWQiOiJRVX...","scope":"openid"}"#,
        Shape::Std,
        token("eyJraWQiOiJRVX...", Life::Secs(3600), None),
    );
    replay(Pinned, &entry).await.unwrap();
    assert_eq!(Pinned::SPEC.response.scheme, Some(TokenScheme::Bearer));
}

/// A server whose clock is an hour behind: its `expires_at` is ten minutes after its `Date`,
/// which is fifty minutes in our past; the token lives ten minutes, not zero.
#[tokio::test]
async fn clock_skew_is_corrected_from_the_date_header() {
    provider! {
        Skewed => ResponseSpec::STANDARD.with_expiry(Expiry::at("expires_at", InstantFormat::EpochSeconds));
    }
    async fn behind() -> Response {
        let vendor_now = std::time::SystemTime::now() - Duration::from_secs(3600);
        let at = vendor_now.duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() + 600;
        Response::builder()
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::DATE, httpdate_of(vendor_now))
            .body(Body::from(format!(r#"{{"access_token":"skewed","token_type":"bearer","expires_at":{at}}}"#)))
            .unwrap()
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, Router::new().route("/token", any(behind))).await });
    let client = Client::builder(Skewed).base_url(&format!("http://{addr}")).build().unwrap();
    let token = bounded(Duration::from_secs(5), client.token()).await.unwrap();
    assert_eq!(token.lifetime_source(), LifetimeSource::Instant);
    let lifetime = token.expires_at().duration_since(token.issued_at()).unwrap().as_secs();
    assert!((598..=601).contains(&lifetime), "{lifetime}");
}

/// An IMF-fixdate, as a server writes `Date`.
fn httpdate_of(t: std::time::SystemTime) -> String {
    let secs = t.duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let (days, rem) = (secs / 86400, secs % 86400);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    format!(
        "{}, {day:02} {} {year} {:02}:{:02}:{:02} GMT",
        DAYS[(days % 7) as usize],
        MONTHS[(month - 1) as usize],
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// A misspelt expiry field: every token gets the default lifetime, and the WARN says so once.
#[tokio::test]
async fn a_missing_expiry_field_warns_once() {
    provider! {
        Misspelt => ResponseSpec::STANDARD.with_expiry(Expiry::expires_in("expiresIn"));
    }
    let (logs, _guard) = common::capture_logs();
    let entry = e(
        "google",
        "https://developers.google.com/identity/protocols/oauth2/web-server",
        200,
        JSON,
        r#"{"access_token": "1/fFAGRNJru1FTz70BzhT3Zg", "expires_in": 3920, "token_type": "Bearer"}"#,
        Shape::Std,
        token("1/fFAGRNJru1FTz70BzhT3Zg", Life::Assumed, None),
    );
    for _ in 0..3 {
        replay(Misspelt, &entry).await.unwrap();
    }
    let text = logs.text();
    let warnings: Vec<_> =
        text.lines().filter(|l| l.contains("WARN") && l.contains("configured expiry field is missing")).collect();
    assert_eq!(warnings.len(), 1, "{text}");
    assert!(warnings[0].contains("field=expiresIn") && warnings[0].contains("vendor=\"Misspelt\""), "{}", warnings[0]);
}
