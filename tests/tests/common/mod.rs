//! Shared by the integration tests: the four vendors' clients pointed at their simulators.
#![allow(dead_code)]

use std::time::Duration;

use oauth_runtime::{Client, ClientBuilder, Provider, RetryPolicy, Secret};
use oauth_sim::{SimConfig, Simulator, Vendor};
use oauth_specs::{Deyel, Microbilt, MicrobiltForm, Monta, MpsMonitor};

/// Retries fast enough for tests, still exponential with jitter.
pub const FAST_RETRY: RetryPolicy = RetryPolicy::new()
    .with_max_retries(2)
    .with_min_delay(Duration::from_millis(10))
    .with_max_delay(Duration::from_millis(50))
    .with_max_retry_after(Duration::from_secs(5));

pub fn mps(c: &SimConfig) -> MpsMonitor {
    MpsMonitor {
        client_id: c.client_id.clone(),
        client_secret: Secret::from(c.client_secret.clone()),
        username: c.username.clone(),
        password: Secret::from(c.password.clone()),
        scope: c.scope.clone(),
    }
}

pub fn monta(c: &SimConfig) -> Monta {
    Monta { client_id: c.client_id.clone(), client_secret: Secret::from(c.client_secret.clone()) }
}

pub fn deyel(c: &SimConfig) -> Deyel {
    Deyel { client_id: c.client_id.clone(), client_secret: Secret::from(c.client_secret.clone()) }
}

pub fn microbilt(c: &SimConfig) -> Microbilt {
    Microbilt { client_id: c.client_id.clone(), client_secret: Secret::from(c.client_secret.clone()) }
}

pub fn microbilt_form(c: &SimConfig) -> MicrobiltForm {
    MicrobiltForm { client_id: c.client_id.clone(), client_secret: Secret::from(c.client_secret.clone()) }
}

/// A builder aimed at `sim` with test-sized timeouts and retries.
pub fn builder<P: Provider>(provider: P, sim: &Simulator) -> ClientBuilder<P> {
    Client::builder(provider).base_url(&sim.base_url()).retry(FAST_RETRY).timeout(Duration::from_secs(2))
}

/// A simulator whose tokens live `lifetime`.
pub async fn sim(vendor: Vendor, lifetime: Duration) -> Simulator {
    Simulator::start_with(SimConfig::for_vendor(vendor).token_lifetime(lifetime)).await.expect("simulator starts")
}

/// Fails the test if `fut` takes longer than `limit`: nothing may hang.
pub async fn bounded<T>(limit: Duration, fut: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(limit, fut).await.unwrap_or_else(|_| panic!("did not finish within {limit:?}"))
}

/// The next fresh token, once a renewal running in the background has stored it.
pub async fn fresh_token<P>(client: &oauth_runtime::Client<P>) -> std::sync::Arc<oauth_runtime::Token> {
    bounded(Duration::from_secs(5), async {
        loop {
            match client.cached_token() {
                Some(token) => return token,
                None => tokio::time::sleep(Duration::from_millis(10)).await,
            }
        }
    })
    .await
}

/// Log output captured from `tracing` at TRACE level.
#[derive(Clone, Default)]
pub struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl Captured {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Captured {
        self.clone()
    }
}

/// Captures every `tracing` event and span of this thread until the guard drops.
pub fn capture_logs() -> (Captured, tracing::subscriber::DefaultGuard) {
    let logs = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(logs.clone())
        .with_ansi(false)
        .finish();
    (logs, tracing::subscriber::set_default(subscriber))
}
