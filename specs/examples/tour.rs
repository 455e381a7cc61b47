//! The tour: the generated clients against their simulators on loopback.
//!
//! ```text
//! cargo run -p oauth-specs --example tour
//! cargo run -p oauth-specs --example tour -- --verbose   # and every HTTP exchange, on stderr
//! ```
//!
//! `--verbose` shows the runtime's events at DEBUG on stderr, among them one per HTTP exchange
//! (target `oauth_runtime::wire`: vendor, kind, method, URL with secrets masked, status,
//! time, attempt, bytes read); `RUST_LOG` (`target=level` directives, e.g.
//! `oauth_runtime::wire=trace` for the header names too) replaces that default filter.
//!
//! For each vendor it gets a token, makes a protected call, lets the server reject the token
//! before its stated expiry (so the client renews and retries), and tries a wrong secret. The
//! vendors that take signed assertions (Google service accounts, Salesforce, Microsoft Entra)
//! sign with an RSA key made at start, and try a key the simulator does not know.
//!
//! To run one vendor against its real endpoint instead, set `TOUR_VENDOR` (`mps`, `monta`,
//! `deyel`, `microbilt`), `TOUR_BASE_URL`, `TOUR_CLIENT_ID`, `TOUR_CLIENT_SECRET`, and for MPS
//! Monitor `TOUR_USERNAME`, `TOUR_PASSWORD`, `TOUR_SCOPE` (default `account`). `TOUR_API_PATH`
//! names a protected path to call (default: the simulator's).

use std::{env, time::Duration};

use oauth_sim::{SimConfig, Simulator, Vendor};
use oauth_specs::{
    Client, Deyel, Error, GitHub, GoogleServiceAccount, Microbilt, MicrosoftEntra, Monta, MontaApi, MpsMonitor,
    MpsMonitorApi, Okta, Provider, Salesforce, Secret, SigningKey, Zoom,
};

/// Credentials as the tour knows them, from the simulator or the environment.
struct Creds {
    client_id: String,
    client_secret: String,
    username: String,
    password: String,
    scope: String,
}

impl Creds {
    fn from_sim(c: &SimConfig) -> Creds {
        Creds {
            client_id: c.client_id.clone(),
            client_secret: c.client_secret.clone(),
            username: c.username.clone(),
            password: c.password.clone(),
            scope: c.scope.clone(),
        }
    }

    fn from_env() -> Result<Creds, String> {
        let var = |k: &str| env::var(k).map_err(|_| format!("{k} is not set"));
        Ok(Creds {
            client_id: var("TOUR_CLIENT_ID")?,
            client_secret: var("TOUR_CLIENT_SECRET")?,
            username: env::var("TOUR_USERNAME").unwrap_or_default(),
            password: env::var("TOUR_PASSWORD").unwrap_or_default(),
            scope: env::var("TOUR_SCOPE").unwrap_or_else(|_| "account".into()),
        })
    }
}

fn mps(c: &Creds) -> MpsMonitor {
    MpsMonitor {
        client_id: c.client_id.clone(),
        client_secret: Secret::from(c.client_secret.clone()),
        username: c.username.clone(),
        password: Secret::from(c.password.clone()),
        scope: c.scope.clone(),
    }
}

fn monta(c: &Creds) -> Monta {
    Monta { client_id: c.client_id.clone(), client_secret: Secret::from(c.client_secret.clone()) }
}

fn deyel(c: &Creds) -> Deyel {
    Deyel { client_id: c.client_id.clone(), client_secret: Secret::from(c.client_secret.clone()) }
}

fn microbilt(c: &Creds) -> Microbilt {
    Microbilt { client_id: c.client_id.clone(), client_secret: Secret::from(c.client_secret.clone()) }
}

#[tokio::main]
async fn main() {
    match env::args().skip(1).collect::<Vec<_>>().as_slice() {
        [] => {}
        [flag] if flag == "--verbose" || flag == "-v" => verbose(),
        _ => {
            eprintln!("usage: cargo run -p oauth-specs --example tour [-- --verbose]");
            std::process::exit(2);
        }
    }
    if let Ok(vendor) = env::var("TOUR_VENDOR") {
        if let Err(e) = real_endpoint(&vendor).await {
            eprintln!("tour: {e}");
            std::process::exit(1);
        }
        return;
    }
    println!("The tour: five generated clients against their simulators on 127.0.0.1\n");
    let mut failures = 0;
    failures += simulated(Vendor::MpsMonitor, mps).await;
    failures += typed_mps().await;
    failures += simulated(Vendor::Monta, monta).await;
    failures += typed_monta().await;
    failures += simulated(Vendor::Deyel, deyel).await;
    failures += simulated(Vendor::Microbilt, microbilt).await;
    failures += zoom().await;
    failures += github_device().await;
    failures += signing_vendors().await;
    if failures > 0 {
        eprintln!("{failures} step(s) did not go as expected");
        std::process::exit(1);
    }
    println!(
        "All vendors: token, API call, renewal or revocation, typed error; Zoom's own grant; GitHub's device login; four vendors that sign assertions, Okta's with DPoP. Done."
    );
}

/// Shows the runtime's events on stderr: DEBUG for `oauth_runtime` (the wire events among
/// them), or what `RUST_LOG` says.
fn verbose() {
    use tracing_subscriber::{Layer as _, filter::Targets, layer::SubscriberExt as _};
    let default = Targets::new().with_target("oauth_runtime", tracing::Level::DEBUG);
    let filter = match env::var("RUST_LOG") {
        Ok(directives) => directives.parse::<Targets>().unwrap_or_else(|e| {
            eprintln!("tour: RUST_LOG={directives:?} is not a list of `target=level` directives ({e}); using oauth_runtime=debug");
            default
        }),
        Err(_) => default,
    };
    let layer = tracing_subscriber::fmt::layer().with_writer(std::io::stderr).with_filter(filter);
    if tracing::subscriber::set_global_default(tracing_subscriber::registry().with(layer)).is_err() {
        eprintln!("tour: a tracing subscriber was already set");
    }
}

/// A new RSA key in PKCS#8 PEM, as a vendor's console or `openssl genpkey` gives one.
fn rsa_pem() -> Result<String, String> {
    use rsa::pkcs8::{EncodePrivateKey as _, LineEnding};
    let key = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).map_err(|e| e.to_string())?;
    Ok(key.to_pkcs8_pem(LineEnding::LF).map_err(|e| e.to_string())?.to_string())
}

/// Google's key file as downloaded, for `pem`, getting tokens at `token_uri`.
fn service_account_file(pem: &str, token_uri: &str) -> String {
    serde_json::json!({
        "type": "service_account",
        "project_id": "tour-project",
        "private_key_id": "3f1c0e9a7b2d4c6e8f0a1b2c3d4e5f6a7b8c9d0e",
        "private_key": pem,
        "client_email": "tour@tour-project.iam.gserviceaccount.com",
        "client_id": "104523987612345678901",
        "token_uri": token_uri,
    })
    .to_string()
}

/// Google service accounts, Salesforce and Microsoft Entra, each signing with the same key
/// (and a second one the simulators do not know).
async fn signing_vendors() -> usize {
    let (pem, other) = match (rsa_pem(), rsa_pem()) {
        (Ok(pem), Ok(other)) => (pem, other),
        (Err(e), _) | (_, Err(e)) => {
            println!("signing vendors: cannot make an RSA key: {e}");
            return 1;
        }
    };
    let mut failures = 0;

    let scope = "https://www.googleapis.com/auth/devstorage.read_only".to_owned();
    let google = |pem: &str, token_uri: &str| GoogleServiceAccount {
        key: SigningKey::google_service_account(service_account_file(pem, token_uri)),
        scope: scope.clone(),
    };
    // Google knows the account's public key and address; its file names Google's token URI,
    // here the simulator's.
    match Simulator::for_provider(google(&pem, "https://oauth2.googleapis.com/token")).await {
        Ok(sim) => {
            let token_uri = sim.token_url();
            failures += signed(&sim, google(&pem, &token_uri), google(&other, &token_uri)).await;
        }
        Err(e) => {
            println!("Google: cannot start the simulator: {e}");
            failures += 1;
        }
    }

    let salesforce = |pem: &str| Salesforce {
        client_id: "3MVG9tourConsumerKey".into(),
        username: "integration@tour.example.com".into(),
        key: SigningKey::from_pem(pem),
    };
    failures += match Simulator::for_provider(salesforce(&pem)).await {
        Ok(sim) => signed(&sim, salesforce(&pem), salesforce(&other)).await,
        Err(e) => {
            println!("Salesforce: cannot start the simulator: {e}");
            1
        }
    };

    // Entra identifies the key by its certificate, uploaded to the app registration.
    let certificate = match self_signed(&pem) {
        Ok(certificate) => certificate,
        Err(e) => {
            println!("Microsoft Entra: cannot make a certificate: {e}");
            return failures + 1;
        }
    };
    let entra = |pem: &str, certificate: &str| MicrosoftEntra {
        client_id: "11111111-2222-3333-4444-555555555555".into(),
        certificate_key: SigningKey::from_pem(pem).with_certificate_pem(certificate),
    };
    let other_certificate = self_signed(&other).unwrap_or_default();
    failures += match Simulator::for_provider(entra(&pem, &certificate)).await {
        Ok(sim) => signed(&sim, entra(&pem, &certificate), entra(&other, &other_certificate)).await,
        Err(e) => {
            println!("Microsoft Entra: cannot start the simulator: {e}");
            1
        }
    };
    // Okta signs the client assertion with the app's key and binds its tokens to a DPoP key
    // generated for the client; its simulator asks for a DPoP nonce first, as Okta does.
    let okta = |pem: &str| Okta {
        client_id: "0oa1tourservice".into(),
        key: SigningKey::from_pem(pem).with_kid("tour-key"),
        scope: "okta.users.read".into(),
    };
    let config = SimConfig::for_provider(okta(&pem)).require_dpop_nonce(oauth_sim::Target::Token);
    failures += match Simulator::start_with(config).await {
        Ok(sim) => signed(&sim, okta(&pem), okta(&other)).await,
        Err(e) => {
            println!("Okta: cannot start the simulator: {e}");
            1
        }
    };
    failures
}

/// A self-signed certificate for `pem`'s key.
fn self_signed(pem: &str) -> Result<String, String> {
    let key = rcgen::KeyPair::from_pem(pem).map_err(|e| e.to_string())?;
    let params = rcgen::CertificateParams::new(vec!["tour.example.com".to_owned()]).map_err(|e| e.to_string())?;
    Ok(params.self_signed(&key).map_err(|e| e.to_string())?.pem())
}

/// One signing vendor's round against its simulator: a token from a signed assertion, a
/// call, a renewal by a new assertion, and a key the vendor does not know.
async fn signed<P: Provider>(sim: &Simulator, provider: P, stranger: P) -> usize {
    let name = P::SPEC.name;
    println!("{name} (simulator at {})", sim.base_url());
    let client = match provider.client(&sim.base_url()) {
        Ok(c) => c,
        Err(e) => {
            println!("  build        failed: {e}");
            return 1;
        }
    };
    let mut failures = 0;
    match client.token().await {
        Ok(t) => println!(
            "  token        {} token for a signed assertion, expires in {} s",
            t.token_type(),
            t.expires_in().as_secs()
        ),
        Err(e) => {
            println!("  token        failed: {e}");
            failures += 1;
        }
    }
    let path = sim.protected_path().to_owned();
    failures += call(&client, &path, "  API call    ").await;
    sim.expire_tokens();
    failures += call(&client, &path, "  after the server dropped the token:").await;
    println!("               renewed once by a new assertion (new jti), the call retried once");
    match stranger.client(&sim.base_url()).map(|c| async move { c.token().await }) {
        Ok(fut) => match fut.await {
            Err(e @ Error::OAuth(_)) => println!("  unknown key  typed error: {e}"),
            other => {
                println!("  unknown key  unexpected: {other:?}");
                failures += 1;
            }
        },
        Err(e) => println!("  unknown key  build failed: {e}"),
    }
    let c = sim.counters();
    println!(
        "  simulator    {} token request(s), {} API call(s), {} authorized, {} replayed assertion(s)\n",
        c.token_requests, c.api_requests, c.api_authorized, c.assertions_replayed
    );
    failures + usize::from(c.assertions_replayed > 0)
}

/// One vendor's round against its simulator; returns the number of unexpected outcomes.
async fn simulated<P: Provider>(vendor: Vendor, make: fn(&Creds) -> P) -> usize {
    // The credentials the vendors' documents show (the tests use hostile ones).
    let sim = match Simulator::start_with(SimConfig::documented(vendor)).await {
        Ok(sim) => sim,
        Err(e) => {
            println!("{vendor:?}: cannot start the simulator: {e}");
            return 1;
        }
    };
    let creds = Creds::from_sim(sim.config());
    let name = P::SPEC.name;
    println!("{name} (simulator at {})", sim.base_url());
    let mut failures = 0;
    let client = match make(&creds).client(&sim.base_url()) {
        Ok(c) => c,
        Err(e) => {
            println!("  build        failed: {e}");
            return 1;
        }
    };
    let path = vendor.protected_path();

    match client.token().await {
        Ok(t) => println!(
            "  token        {} token, expires in {} s, refresh token: {}",
            t.token_type(),
            t.expires_in().as_secs(),
            if t.refresh_token().is_some() { "yes" } else { "no" }
        ),
        Err(e) => {
            println!("  token        failed: {e}");
            failures += 1;
        }
    }
    failures += call(&client, path, "  API call    ").await;

    sim.expire_tokens();
    let before = sim.counters();
    failures += call(&client, path, "  after the server dropped the token:").await;
    let after = sim.counters();
    let how = if after.refresh_requests > before.refresh_requests { "refresh" } else { "a new grant" };
    println!("               renewed once by {how}, the call retried once");

    let wrong = Creds { client_secret: "not-the-secret".into(), ..Creds::from_sim(sim.config()) };
    match make(&wrong).client(&sim.base_url()).map(|c| async move { c.token().await }) {
        Ok(fut) => match fut.await {
            Err(e @ Error::OAuth(_)) => println!("  wrong secret typed error: {e}"),
            other => {
                println!("  wrong secret unexpected: {other:?}");
                failures += 1;
            }
        },
        Err(e) => println!("  wrong secret build failed: {e}"),
    }
    let c = sim.counters();
    println!(
        "  simulator    {} token request(s), {} refresh(es), {} API call(s), {} authorized\n",
        c.token_requests, c.refresh_requests, c.api_requests, c.api_authorized
    );
    failures
}

async fn call<P: Provider>(client: &Client<P>, path: &str, label: &str) -> usize {
    match client.get(path).send().await {
        Ok(r) => {
            println!("{label} GET {path} -> {}", r.status());
            usize::from(!r.status().is_success())
        }
        Err(e) => {
            println!("{label} GET {path} failed: {e}");
            1
        }
    }
}

/// Zoom's server-to-server grant against the simulator built from its definition: the token
/// with `account_id`, a call, the endpoints read from the simulator's metadata document, a
/// revocation (the next call gets a new token) and a wrong account id's typed error.
async fn zoom() -> usize {
    let zoom = Zoom {
        client_id: "zoom-client-id".into(),
        client_secret: Secret::from("zoom-client-secret"),
        account_id: "zoom-account-id".into(),
    };
    let Ok(sim) = Simulator::for_provider(zoom.clone()).await else { return 1 };
    println!("Zoom (spec simulator at {}, from `grant_type = \"account_credentials\"`)", sim.base_url());
    let discovered = async {
        zoom.clone().client_builder().base_url(&sim.base_url()).issuer(&sim.issuer()).discover().await?.build()
    };
    let client = match discovered.await {
        Ok(c) => c,
        Err(e) => {
            println!("  discover     failed: {e}");
            return 1;
        }
    };
    println!(
        "  discover     token and revocation endpoints from {}/.well-known/oauth-authorization-server",
        sim.issuer()
    );
    let mut failures = 0;
    match client.token().await {
        Ok(t) => println!(
            "  token        {} token with account_id, expires in {} s",
            t.token_type(),
            t.expires_in().as_secs()
        ),
        Err(e) => {
            println!("  token        failed: {e}");
            failures += 1;
        }
    }
    failures += call(&client, sim.protected_path(), "  API call    ").await;
    match client.revoke().await {
        Ok(()) => println!("  revoke       the token is revoked and gone from the cache"),
        Err(e) => {
            println!("  revoke       failed: {e}");
            failures += 1;
        }
    }
    failures += call(&client, sim.protected_path(), "  after revoke").await;
    let wrong = Zoom { account_id: "another-account".into(), ..zoom };
    match wrong.client(&sim.base_url()).map(|c| async move { c.token().await }) {
        Ok(fut) => match fut.await {
            Err(e @ Error::OAuth(_)) => println!("  wrong account typed error: {e}"),
            other => {
                println!("  wrong account unexpected: {other:?}");
                failures += 1;
            }
        },
        Err(e) => println!("  wrong account build failed: {e}"),
    }
    let c = sim.counters();
    println!(
        "  simulator    {} token request(s), {} revocation(s), {} metadata fetch(es), {} API call(s)\n",
        c.token_requests, c.revocation_requests, c.metadata_requests, c.api_requests
    );
    failures
}

/// MPS Monitor's documented operation, `GET /account/getaccount`, through the generated method.
async fn typed_mps() -> usize {
    let Ok(sim) = Simulator::start_with(SimConfig::documented(Vendor::MpsMonitor)).await else { return 1 };
    let client = match mps(&Creds::from_sim(sim.config())).client(&sim.base_url()) {
        Ok(c) => c,
        Err(e) => {
            println!("  typed        build failed: {e}");
            return 1;
        }
    };
    match client.get_account().await {
        Ok(account) => {
            println!("  typed        client.get_account() -> {account}\n");
            0
        }
        Err(e) => {
            println!("  typed        client.get_account() failed: {e}\n");
            1
        }
    }
}

/// Monta's documented operation, `GET /auth/me`, through the generated method: the typed
/// application, dates as instants.
async fn typed_monta() -> usize {
    let Ok(sim) = Simulator::start_with(SimConfig::documented(Vendor::Monta)).await else { return 1 };
    let client = match monta(&Creds::from_sim(sim.config())).client(&sim.base_url()) {
        Ok(c) => c,
        Err(e) => {
            println!("  typed        build failed: {e}");
            return 1;
        }
    };
    match client.me().await {
        Ok(app) => {
            println!(
                "  typed        client.me() -> application {} {:?}, user {}, scopes {:?}, created {}\n",
                app.id, app.name, app.user_id, app.scopes, app.created_at
            );
            0
        }
        Err(e) => {
            println!("  typed        client.me() failed: {e}\n");
            1
        }
    }
}

/// GitHub's device flow against its simulator: the person's approval is scripted through the
/// simulator, as if someone had typed the user code at the verification URI.
async fn github_device() -> usize {
    let app = GitHub { client_id: "Iv1.tour-demo".into() };
    // A 1 s polling interval instead of GitHub's 5 s, so the tour does not wait long.
    let config = SimConfig::for_provider(app.clone()).device_interval(Duration::from_secs(1));
    let Ok(sim) = Simulator::start_with(config).await else { return 1 };
    println!("GitHub (device grant, simulator at {})", sim.base_url());
    let client = match app.client(&sim.base_url()) {
        Ok(c) => c,
        Err(e) => {
            println!("  build        failed: {e}");
            return 1;
        }
    };
    let approved = client
        .authorize_device(|prompt| {
            println!("  device       open {} and enter {}", prompt.verification_uri(), prompt.user_code());
            let ok = sim.approve_device(prompt.user_code());
            println!("               the person approves: {}", if ok { "yes" } else { "code unknown" });
        })
        .await;
    match approved {
        Ok(t) => println!("  token        {} token after the approval", t.token_type()),
        Err(e) => {
            println!("  token        failed: {e}");
            return 1;
        }
    }
    let failures = call(&client, sim.protected_path(), "  API call    ").await;
    let c = sim.counters();
    println!("  simulator    {} device authorization(s), {} poll(s)\n", c.device_authorizations, c.device_polls);
    failures
}

/// One vendor against its real endpoint, configured from the environment.
async fn real_endpoint(vendor: &str) -> Result<(), String> {
    let creds = Creds::from_env()?;
    let base = env::var("TOUR_BASE_URL").map_err(|_| "TOUR_BASE_URL is not set".to_owned())?;
    let api = env::var("TOUR_API_PATH").ok();
    match vendor {
        "mps" => real(mps(&creds), &base, api.as_deref().or(Some("/account/getaccount"))).await,
        "monta" => real(monta(&creds), &base, api.as_deref().or(Some("/auth/me"))).await,
        "deyel" => real(deyel(&creds), &base, api.as_deref()).await,
        "microbilt" => real(microbilt(&creds), &base, api.as_deref()).await,
        other => Err(format!("unknown TOUR_VENDOR {other:?}: use mps, monta, deyel or microbilt")),
    }
}

async fn real<P: Provider>(provider: P, base: &str, api: Option<&str>) -> Result<(), String> {
    let client =
        provider.client_builder().base_url(base).timeout(Duration::from_secs(20)).build().map_err(|e| e.to_string())?;
    let token = client.token().await.map_err(|e| e.to_string())?;
    println!("{}: token ok, {} s left", P::SPEC.name, token.expires_in().as_secs());
    if let Some(path) = api {
        let r = client.get(path).send().await.map_err(|e| e.to_string())?;
        println!("GET {path} -> {}", r.status());
    }
    Ok(())
}
