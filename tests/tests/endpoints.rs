//! Issue 18's endpoints over HTTP against the spec-driven simulator: a grant type of the
//! vendor's own (Zoom's `account_credentials`), token exchange (RFC 8693), revocation (RFC
//! 7009), metadata discovery (RFC 8414, OpenID), and token-request errors that name their
//! endpoint.

use std::time::Duration;

use oauth_runtime::{
    Client, Endpoint, Error, ErrorCode, Exchange, Provider, Secret, Subject, Token, TokenParams, TokenRequestKind,
    discovery::{Discovery, MetadataErrorKind, ServerMetadata},
    grant::token_type,
    oauth_provider,
};
use oauth_sim::{Fault, SimConfig, Simulator, Target};
use oauth_specs::Zoom;

// ---------------------------------------------------------------------------------------------
// A grant type of the vendor's own: Zoom server-to-server.

/// Zoom's credentials as the simulator built from its definition accepts them (hostile ones).
fn zoom_for(sim: &Simulator) -> Zoom {
    let c = sim.config();
    Zoom {
        client_id: c.client_id.clone(),
        client_secret: Secret::from(c.client_secret.clone()),
        account_id: c.param_value("account_id").unwrap().to_owned(),
    }
}

#[tokio::test]
async fn zoom_account_credentials_end_to_end() {
    let sim = Simulator::for_spec(Zoom::SPEC).await.unwrap();
    let client = zoom_for(&sim).client(&sim.base_url()).unwrap();
    let token = client.token().await.unwrap();
    assert_eq!(token.refresh_token().map(|_| ()), None, "Zoom issues no refresh token");
    assert_eq!(client.get(sim.protected_path()).send().await.unwrap().status(), 200);
    // The grant runs again when the token is due: no refresh.
    client.refresh().await.unwrap();
    let c = sim.counters();
    assert_eq!((c.token_requests, c.refresh_requests, c.api_authorized), (2, 0, 1));
    assert_eq!(Zoom::SPEC.token.grant.as_str(), "account_credentials");
    // The production environment carries Zoom's token host.
    let production = zoom_for(&sim).client(Zoom::PRODUCTION).unwrap();
    assert_eq!(production.auth_base_url().as_str(), "https://zoom.us/");
    assert_eq!(production.base_url().as_str(), "https://api.zoom.us/v2");
}

/// A Zoom lookalike whose account field is misspelt.
#[derive(Clone)]
#[oauth_provider(name = "Zoom", grant_type = "account_credentials", token_path = "/oauth/token", client_auth = "basic")]
struct Misspelt {
    client_id: String,
    client_secret: Secret,
    #[oauth(param)]
    acount_id: String,
}

/// A Zoom lookalike without the account field.
#[derive(Clone)]
#[oauth_provider(name = "Zoom", grant_type = "account_credentials", token_path = "/oauth/token", client_auth = "basic")]
struct NoAccount {
    client_id: String,
    client_secret: Secret,
}

/// A Zoom lookalike that sends the account and one parameter the grant does not have.
#[derive(Clone)]
#[oauth_provider(name = "Zoom", grant_type = "account_credentials", token_path = "/oauth/token", client_auth = "basic")]
struct Extra {
    client_id: String,
    client_secret: Secret,
    #[oauth(param)]
    account_id: String,
    #[oauth(param)]
    acount_id: String,
}

/// A grant type name one letter off.
#[derive(Clone)]
#[oauth_provider(name = "Zoom", grant_type = "account_credential", token_path = "/oauth/token", client_auth = "basic")]
struct WrongGrant {
    client_id: String,
    client_secret: Secret,
    #[oauth(param)]
    account_id: String,
}

#[tokio::test]
async fn a_missing_or_misspelt_account_id_is_refused_by_the_simulator() {
    let sim = Simulator::for_spec(Zoom::SPEC).await.unwrap();
    let z = zoom_for(&sim);
    let code = |result: Result<std::sync::Arc<Token>, Error>| match result {
        Err(Error::OAuth(e)) => (e.code, e.description.unwrap_or_default()),
        other => panic!("expected the simulator's refusal, got {other:?}"),
    };
    let (id, secret) = (z.client_id.clone(), z.client_secret.clone());
    let misspelt = Misspelt { client_id: id.clone(), client_secret: secret.clone(), acount_id: z.account_id.clone() };
    let (c, why) = code(misspelt.client(&sim.base_url()).unwrap().token().await);
    assert_eq!(c, ErrorCode::InvalidRequest);
    assert!(why.contains("account_id is missing"), "{why}");
    let (c, why) = code(
        NoAccount { client_id: id.clone(), client_secret: secret.clone() }
            .client(&sim.base_url())
            .unwrap()
            .token()
            .await,
    );
    assert!(c == ErrorCode::InvalidRequest && why.contains("account_id is missing"), "{why}");
    let extra = Extra {
        client_id: id.clone(),
        client_secret: secret.clone(),
        account_id: z.account_id.clone(),
        acount_id: "x".into(),
    };
    let (c, why) = code(extra.client(&sim.base_url()).unwrap().token().await);
    assert!(c == ErrorCode::InvalidRequest && why.contains("acount_id is not a parameter"), "{why}");
    let wrong = WrongGrant { client_id: id, client_secret: secret, account_id: z.account_id.clone() };
    let (c, _) = code(wrong.client(&sim.base_url()).unwrap().token().await);
    assert_eq!(c, ErrorCode::UnsupportedGrantType);
    let other_account = Zoom { account_id: "another".into(), ..z };
    let (c, why) = code(other_account.client(&sim.base_url()).unwrap().token().await);
    assert!(c == ErrorCode::InvalidRequest && why.contains("account_id is wrong"), "{why}");
    assert_eq!(sim.counters().api_requests, 0);
}

// ---------------------------------------------------------------------------------------------
// Token exchange.

/// A token-exchange service: the subject is exchanged again when the token is due.
#[derive(Clone)]
#[oauth_provider(grant = "token_exchange", token_path = "/oauth2/token", client_auth = "basic")]
struct Broker {
    client_id: String,
    client_secret: Secret,
}

const ALICE: &str = "alice's access token, issued elsewhere";
const BOB: &str = "bob's access token, issued elsewhere";
const SERVICE: &str = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJzZXJ2aWNlIn0.";

async fn broker() -> (Simulator, Client<Broker>) {
    let config = SimConfig::for_spec(Broker::SPEC)
        .subject_token(ALICE, token_type::ACCESS_TOKEN)
        .subject_token(BOB, token_type::ACCESS_TOKEN)
        .subject_token(SERVICE, token_type::JWT);
    let sim = Simulator::start_with(config).await.unwrap();
    let c = sim.config();
    let broker = Broker { client_id: c.client_id.clone(), client_secret: Secret::from(c.client_secret.clone()) };
    let client = broker.client(&sim.base_url()).unwrap();
    (sim, client)
}

fn access(token: &Token) -> String {
    token.access_token().expose_secret().to_owned()
}

#[tokio::test]
async fn each_subject_has_its_own_cached_token() {
    let (sim, broker) = broker().await;
    let alice = broker.exchange(Exchange::new(Subject::access_token(ALICE)));
    let bob = broker.exchange(Exchange::new(Subject::access_token(BOB)));
    let (a, b) = (alice.token().await.unwrap(), bob.token().await.unwrap());
    assert_ne!(access(&a), access(&b));
    assert_eq!(sim.subject_of(&access(&a)).as_deref(), Some(ALICE), "bound to its subject");
    assert_eq!(sim.subject_of(&access(&b)).as_deref(), Some(BOB));
    assert_eq!(a.issued_token_type(), Some(token_type::ACCESS_TOKEN), "issued_token_type is read");
    // Cached per subject: again, and through a new handle for the same subject.
    assert_eq!(access(&alice.token().await.unwrap()), access(&a));
    let again = broker.exchange(Exchange::new(Subject::access_token(ALICE)));
    assert_eq!(access(&again.token().await.unwrap()), access(&a));
    assert_eq!(access(&bob.token().await.unwrap()), access(&b));
    assert_eq!(sim.counters().token_requests, 2, "one exchange per subject");
    assert_eq!(alice.get(sim.protected_path()).send().await.unwrap().status(), 200);
    // The handle's audience makes another parameter set: another exchange.
    let audience = broker
        .with_token_params(TokenParams::new().audience("https://orders.example"))
        .exchange(Exchange::new(Subject::access_token(ALICE)));
    assert_ne!(access(&audience.token().await.unwrap()), access(&a));
    assert_eq!(sim.counters().token_requests, 3);
    assert!(!format!("{alice:?}").contains(ALICE), "the subject token never shows in Debug");
}

#[tokio::test]
async fn an_actor_token_goes_along_and_is_checked() {
    let (sim, broker) = broker().await;
    let delegated = broker.exchange(
        Exchange::new(Subject::access_token(ALICE))
            .actor(Subject::new(SERVICE, token_type::JWT))
            .requested_token_type(token_type::ACCESS_TOKEN),
    );
    let token = delegated.token().await.unwrap();
    assert_eq!(sim.subject_of(&access(&token)).as_deref(), Some(ALICE));
    // The actor under another type than its own is refused.
    let wrong_type = broker.exchange(Exchange::new(Subject::access_token(ALICE)).actor(Subject::access_token(SERVICE)));
    match wrong_type.token().await {
        Err(Error::OAuth(e)) => {
            assert_eq!(e.code, ErrorCode::InvalidRequest);
            assert!(e.description.unwrap_or_default().contains("actor_token_type"));
        }
        other => panic!("{other:?}"),
    }
    // Without its actor, the same subject is another parameter set (another token).
    let alone =
        broker.exchange(Exchange::new(Subject::access_token(ALICE)).requested_token_type(token_type::ACCESS_TOKEN));
    assert_ne!(access(&alone.token().await.unwrap()), access(&token));
}

#[tokio::test]
async fn a_rejected_subject_token_is_a_typed_error() {
    let (sim, broker) = broker().await;
    let unknown = broker.exchange(Exchange::new(Subject::access_token("a token nobody issued")));
    let error = unknown.token().await.unwrap_err();
    let Error::OAuth(e) = &error else { panic!("{error:?}") };
    assert_eq!(e.code, ErrorCode::InvalidRequest, "RFC 8693 section 2.2.2");
    assert!(error.is_rejection());
    assert_eq!(error.endpoint().map(Endpoint::kind), Some(TokenRequestKind::Grant));
    assert!(!error.to_string().contains("a token nobody issued"), "{error}");
    // A known token declared as another type.
    let mistyped = broker.exchange(Exchange::new(Subject::new(ALICE, token_type::ID_TOKEN)));
    let Err(Error::OAuth(e)) = mistyped.token().await else { panic!() };
    assert!(e.description.unwrap_or_default().contains("subject_token_type"));
    // An unsupported requested type.
    let saml = broker.exchange(Exchange::new(Subject::access_token(ALICE)).requested_token_type(token_type::SAML2));
    let Err(Error::OAuth(e)) = saml.token().await else { panic!() };
    assert!(e.description.unwrap_or_default().contains("requested_token_type"));
    // No subject at all: refused before anything is sent.
    let before = sim.counters().token_requests;
    assert!(matches!(broker.token().await, Err(Error::Argument { .. })));
    assert_eq!(sim.counters().token_requests, before, "nothing sent without a subject");
    // A vendor with another grant refuses an exchange.
    let zoom_sim = Simulator::for_spec(Zoom::SPEC).await.unwrap();
    let zoom = zoom_for(&zoom_sim).client(&zoom_sim.base_url()).unwrap();
    let wrong = zoom.exchange(Exchange::new(Subject::access_token(ALICE)));
    assert!(matches!(wrong.token().await, Err(Error::Config(m)) if m.contains("token exchange")));
    assert_eq!(zoom_sim.counters().token_requests, 0);
}

#[tokio::test]
async fn a_client_subject_is_its_current_token_at_each_exchange() {
    let (sim, broker) = broker().await;
    // The source: a client whose own token the simulator issued (an exchange of ALICE).
    let source = broker.exchange(Exchange::new(Subject::access_token(ALICE)));
    let first_subject = source.token().await.unwrap();
    let downstream = broker.exchange(Exchange::new(Subject::from_client(&source)));
    let first = downstream.token().await.unwrap();
    assert_eq!(sim.subject_of(&access(&first)).as_deref(), Some(access(&first_subject).as_str()));
    // The source renews; the next exchange sends its new token.
    let renewed_subject = source.refresh().await.unwrap();
    assert_ne!(access(&renewed_subject), access(&first_subject));
    let second = downstream.refresh().await.unwrap();
    assert_eq!(sim.subject_of(&access(&second)).as_deref(), Some(access(&renewed_subject).as_str()));
    // A source that cannot get a token fails the exchange with its own error.
    let broken = broker.exchange(Exchange::new(Subject::access_token("unknown")));
    let through = broker.exchange(Exchange::new(Subject::from_client(&broken)));
    assert!(matches!(through.token().await, Err(Error::OAuth(e)) if e.code == ErrorCode::InvalidRequest));
}

// ---------------------------------------------------------------------------------------------
// Revocation.

/// A vendor with rotating refresh tokens and a revocation endpoint.
#[derive(Clone)]
#[oauth_provider(
    grant = "client_credentials",
    token_path = "/oauth/token",
    client_auth = "basic",
    refresh = "refresh_token_grant",
    revocation_path = "/oauth/revoke"
)]
struct Revocable {
    client_id: String,
    client_secret: Secret,
}

fn revocable(sim: &Simulator) -> Revocable {
    let c = sim.config();
    Revocable { client_id: c.client_id.clone(), client_secret: Secret::from(c.client_secret.clone()) }
}

#[tokio::test]
async fn revoke_end_to_end() {
    let sim = Simulator::for_spec(Revocable::SPEC).await.unwrap();
    let client = revocable(&sim).client(&sim.base_url()).unwrap();
    let old = client.token().await.unwrap();
    let old_refresh = old.refresh_token().unwrap().expose_secret().to_owned();
    assert_eq!(client.get(sim.protected_path()).send().await.unwrap().status(), 200);
    client.revoke().await.unwrap();
    assert!(sim.is_revoked(&old_refresh) && sim.is_revoked(&access(&old)), "the family is revoked at the server");
    assert_eq!(sim.counters().revocation_requests, 2, "the refresh token, then the access token");
    assert!(client.cached_token().is_none(), "nothing cached presents a revoked token");
    // The revoked tokens are refused: the API with the old access token, a refresh with the
    // old refresh token.
    let http = reqwest::Client::new();
    let api = http.get(sim.protected_url()).bearer_auth(access(&old)).send().await.unwrap();
    assert_eq!(api.status(), 401);
    let c = sim.config();
    let refresh = http
        .post(sim.token_url())
        .basic_auth(form(&c.client_id), Some(form(&c.client_secret)))
        .form(&[("grant_type", "refresh_token"), ("refresh_token", old_refresh.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(refresh.status(), 400);
    // The next call obtains a new token by the grant, and is accepted at once.
    let before = sim.counters();
    assert_eq!(client.get(sim.protected_path()).send().await.unwrap().status(), 200);
    let after = sim.counters();
    assert_eq!(
        (after.token_requests - before.token_requests, after.refresh_requests - before.refresh_requests),
        (1, 0)
    );
    assert_eq!(after.api_requests - before.api_requests, 1, "no 401 first");
    assert_ne!(access(&client.token().await.unwrap()), access(&old));
    // Revoking with nothing cached is a no-op success.
    let fresh = revocable(&sim).client(&sim.base_url()).unwrap();
    fresh.revoke().await.unwrap();
}

/// Basic credentials as RFC 6749 section 2.3.1 encodes them before base64
/// (`application/x-www-form-urlencoded`).
fn form(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => (b as char).to_string(),
            b' ' => "+".to_owned(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn revocation_errors_are_typed_and_name_the_endpoint() {
    let sim = Simulator::for_spec(Revocable::SPEC).await.unwrap();
    // A wrong secret, with a token obtained elsewhere: the revocation endpoint refuses the client.
    let wrong = Revocable { client_secret: Secret::from("wrong"), ..revocable(&sim) }
        .client_builder()
        .base_url(&sim.base_url())
        .token(Token::new("seeded").with_refresh_token("seeded-refresh"))
        .build()
        .unwrap();
    let error = wrong.revoke().await.unwrap_err();
    let Error::OAuth(e) = &error else { panic!("{error:?}") };
    assert_eq!(e.code, ErrorCode::InvalidClient);
    let at = error.endpoint().unwrap();
    assert_eq!((at.kind(), at.url()), (TokenRequestKind::Revocation, sim.revocation_url().unwrap().as_str()));
    assert!(error.to_string().contains(&format!("revocation request to {}", sim.revocation_url().unwrap())), "{error}");
    assert!(!error.to_string().contains("seeded"), "{error}");
    assert!(wrong.cached_token().is_none(), "the local copy is gone whatever the answer");
    // An HTML page is a malformed answer; a 503 is retried, then transient.
    let client = revocable(&sim)
        .client_builder()
        .base_url(&sim.base_url())
        .retry(oauth_runtime::RetryPolicy::NONE)
        .build()
        .unwrap();
    client.token().await.unwrap();
    sim.inject(Target::Revocation, Fault::html(400), 1);
    let error = client.revoke().await.unwrap_err();
    assert!(matches!(error, Error::MalformedResponse { .. }), "{error:?}");
    client.token().await.unwrap();
    sim.inject(Target::Revocation, Fault::status(503), 1);
    assert!(client.revoke().await.unwrap_err().is_transient());
    // A vendor without a revocation endpoint.
    let zoomless = Simulator::for_spec(Broker::SPEC).await.unwrap();
    let c = zoomless.config();
    let broker = Broker { client_id: c.client_id.clone(), client_secret: Secret::from(c.client_secret.clone()) };
    let no_endpoint = broker.client(&zoomless.base_url()).unwrap();
    assert!(matches!(no_endpoint.revoke().await, Err(Error::Config(m)) if m.contains("revocation_path")));
}

#[tokio::test]
async fn a_revocation_racing_a_renewal_leaves_no_revoked_token_cached() {
    let sim = Simulator::for_spec(Revocable::SPEC).await.unwrap();
    let client = revocable(&sim).client(&sim.base_url()).unwrap();
    client.token().await.unwrap();
    // The refresh is carried out at once and answered late: the new tokens exist at the
    // server while the revocation starts.
    sim.inject(Target::Refresh, Fault::after_processing(Fault::slow(Duration::from_millis(300))), 1);
    let renewing = tokio::spawn({
        let client = client.clone();
        async move { client.refresh().await }
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    client.revoke().await.unwrap();
    let renewed = renewing.await.unwrap().unwrap();
    assert!(sim.is_revoked(&access(&renewed)), "the revocation waited for the renewal and revoked its token");
    assert!(client.cached_token().is_none());
    let before = sim.counters();
    assert_eq!(client.get(sim.protected_path()).send().await.unwrap().status(), 200);
    let after = sim.counters();
    assert_eq!(after.api_requests - before.api_requests, 1, "the next call is accepted at once: no revoked token");
    assert!(!sim.is_revoked(&access(&client.token().await.unwrap())));
}

#[tokio::test]
async fn a_revoked_token_leaves_the_shared_store() {
    use oauth_runtime::store::MemoryStore;
    let sim = Simulator::for_spec(Revocable::SPEC).await.unwrap();
    let store = MemoryStore::new();
    let build = || revocable(&sim).client_builder().base_url(&sim.base_url()).store(store.clone()).build().unwrap();
    let (a, b) = (build(), build());
    let shared = a.token().await.unwrap();
    assert_eq!(access(&b.token().await.unwrap()), access(&shared), "one token for both, through the store");
    a.revoke().await.unwrap();
    // A third client of the store, and the second one renewing: neither adopts nor refreshes
    // the revoked token; each renewal runs the grant.
    let c = build();
    let before = sim.counters();
    let fresh = c.token().await.unwrap();
    assert_ne!(access(&fresh), access(&shared));
    assert!(!sim.is_revoked(&access(&fresh)));
    let after = sim.counters();
    assert_eq!(
        (after.token_requests - before.token_requests, after.refresh_requests - before.refresh_requests),
        (1, 0)
    );
    // The other client still holds the revoked copy in memory: its next call is refused once,
    // and it takes the fleet's new token without a token request of its own.
    assert_eq!(b.get(sim.protected_path()).send().await.unwrap().status(), 200);
    assert_eq!(access(&b.token().await.unwrap()), access(&fresh));
    assert_eq!(sim.counters().token_requests, after.token_requests);
}

// ---------------------------------------------------------------------------------------------
// Metadata discovery.

#[tokio::test]
async fn discovery_gives_the_endpoints_and_is_fetched_once_for_several_clients() {
    let sim = Simulator::for_spec(Revocable::SPEC).await.unwrap();
    // The token host the declaration would use answers nothing: every token request and the
    // revocation go where the metadata says.
    let build = || async {
        revocable(&sim)
            .client_builder()
            .base_url(&sim.base_url())
            .auth_base_url("http://127.0.0.1:9")
            .issuer(&sim.issuer())
            .discover()
            .await
            .unwrap()
            .build()
            .unwrap()
    };
    let (a, b, c) = tokio::join!(build(), build(), build());
    let metadata = a.server_metadata().expect("built from metadata");
    assert_eq!(metadata.issuer, sim.issuer());
    assert!(revocable(&sim).client(&sim.base_url()).unwrap().server_metadata().is_none());
    assert_eq!(sim.counters().metadata_requests, 1, "one fetch for three clients, concurrent ones included");
    for client in [&a, &b, &c] {
        assert_eq!(client.get(sim.protected_path()).send().await.unwrap().status(), 200);
    }
    a.refresh().await.unwrap();
    a.revoke().await.unwrap();
    assert_eq!(sim.counters().revocation_requests, 2);
    let metadata = Discovery::shared().get(&oauth_runtime::HttpTransport::new().unwrap(), &sim.issuer()).await.unwrap();
    assert_eq!(metadata.token_endpoint.as_ref().map(|u| u.to_string()), Some(sim.token_url()));
    assert_eq!(
        metadata.grant_types_supported.as_deref(),
        Some(&["client_credentials".to_owned(), "refresh_token".to_owned()][..])
    );
    assert!(metadata.unsupported(Revocable::SPEC).is_empty());
    assert!(!metadata.unsupported(Broker::SPEC).is_empty(), "another grant type is reported");
    assert_eq!(sim.counters().metadata_requests, 1);
}

#[tokio::test]
async fn the_openid_location_is_tried_after_a_404() {
    let sim = Simulator::for_spec(Revocable::SPEC).await.unwrap();
    sim.inject(Target::Metadata, Fault::status(404), 1);
    let metadata = ServerMetadata::fetch(&reqwest::Client::new(), &sim.issuer()).await.unwrap();
    assert_eq!(metadata.issuer, sim.issuer());
    assert_eq!(metadata.revocation_endpoint.map(|u| u.to_string()), sim.revocation_url());
    assert_eq!(sim.counters().metadata_requests, 2);
}

#[tokio::test]
async fn a_document_of_another_issuer_is_refused() {
    let config = SimConfig::for_spec(Revocable::SPEC).metadata_issuer("https://attacker.example");
    let sim = Simulator::start_with(config).await.unwrap();
    let result = revocable(&sim).client_builder().base_url(&sim.base_url()).issuer(&sim.issuer()).discover().await;
    match result {
        Err(Error::Metadata { kind: MetadataErrorKind::IssuerMismatch, reason, .. }) => {
            assert!(reason.contains("attacker.example"), "{reason}")
        }
        Err(other) => panic!("{other:?}"),
        Ok(_) => panic!("a document naming another issuer was used"),
    }
}

#[tokio::test]
async fn an_html_page_or_an_oversized_document_is_refused_and_not_cached() {
    let sim = Simulator::for_spec(Revocable::SPEC).await.unwrap();
    let transport = oauth_runtime::HttpTransport::new().unwrap();
    let discovery = Discovery::new();
    let kind = |result: Result<std::sync::Arc<ServerMetadata>, Error>| match result {
        Err(Error::Metadata { kind, .. }) => kind,
        other => panic!("{other:?}"),
    };
    sim.inject(Target::Metadata, Fault::html(200), 1);
    assert_eq!(kind(discovery.get(&transport, &sim.issuer()).await), MetadataErrorKind::NotJson);
    sim.inject(Target::Metadata, Fault::huge_body(300 * 1024), 1);
    assert_eq!(kind(discovery.get(&transport, &sim.issuer()).await), MetadataErrorKind::TooLarge);
    sim.inject(Target::Metadata, Fault::status(503), 1);
    let unavailable = discovery.get(&transport, &sim.issuer()).await.unwrap_err();
    assert!(unavailable.is_transient(), "{unavailable}");
    sim.inject(Target::Metadata, Fault::status(403), 1);
    assert_eq!(kind(discovery.get(&transport, &sim.issuer()).await), MetadataErrorKind::Status);
    // Failures are not kept: the next call fetches and keeps the document.
    discovery.get(&transport, &sim.issuer()).await.unwrap();
    discovery.get(&transport, &sim.issuer()).await.unwrap();
    assert_eq!(sim.counters().metadata_requests, 5);
    // Plain http to a remote issuer is refused before anything is sent.
    let remote =
        revocable(&sim).client_builder().base_url(&sim.base_url()).issuer("http://auth.example.com").discover().await;
    assert!(matches!(remote, Err(Error::Config(_))));
}

// ---------------------------------------------------------------------------------------------
// Token-request errors name their endpoint (issue 17, section 3).

#[tokio::test]
async fn token_request_errors_name_the_token_url_without_its_query() {
    // Microbilt's second variant puts `grant_type` in the query string.
    let sim = Simulator::start(oauth_sim::Vendor::Microbilt).await.unwrap();
    let wrong =
        oauth_specs::MicrobiltForm { client_id: sim.config().client_id.clone(), client_secret: Secret::from("wrong") };
    let base = sim.base_url().replace("http://", "http://user:hunter2@");
    let error = wrong.client(&base).unwrap().token().await.unwrap_err();
    let shown = error.to_string();
    let url = format!("{}/OAuth/GetAccessToken", sim.base_url());
    assert!(shown.contains(&format!("token request to {url}:")), "{shown}");
    assert!(!shown.contains("grant_type") && !shown.contains("hunter2"), "{shown}");
    assert_eq!(error.endpoint().map(|e| e.url().to_owned()), Some(url));
    // A transport failure names it too.
    let closed = Zoom { client_id: "a".into(), client_secret: Secret::from("b"), account_id: "c".into() }
        .client_builder()
        .base_url("http://127.0.0.1:9")
        .retry(oauth_runtime::RetryPolicy::NONE)
        .build()
        .unwrap();
    let error = closed.token().await.unwrap_err();
    assert!(error.to_string().contains("token request to http://127.0.0.1:9/oauth/token"), "{error}");
}

#[tokio::test]
async fn a_document_older_than_the_cache_age_is_fetched_again() {
    let sim = Simulator::for_spec(Revocable::SPEC).await.unwrap();
    let transport = oauth_runtime::HttpTransport::new().unwrap();
    let discovery = Discovery::new().with_max_age(Duration::from_millis(200));
    let first = discovery.get(&transport, &sim.issuer()).await.unwrap();
    let again = discovery.get(&transport, &sim.issuer()).await.unwrap();
    assert!(std::sync::Arc::ptr_eq(&first, &again), "young enough: the cached document");
    assert_eq!(sim.counters().metadata_requests, 1);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let issuer = sim.issuer();
    let (a, b) = tokio::join!(discovery.get(&transport, &issuer), discovery.get(&transport, &issuer));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert!(!std::sync::Arc::ptr_eq(&first, &a), "too old: fetched again");
    assert!(std::sync::Arc::ptr_eq(&a, &b), "one fetch for concurrent callers");
    assert_eq!(sim.counters().metadata_requests, 2);
    assert_eq!(Discovery::new().max_age(), Discovery::DEFAULT_MAX_AGE);
}
