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
    share_interest();
    (logs, tracing::subscriber::set_default(subscriber))
}

/// One `tracing` event as a capturing layer saw it: its target, level and fields (strings
/// without their quotes, numbers as written).
#[derive(Debug, Clone)]
pub struct Event {
    pub target: String,
    pub level: tracing::Level,
    pub fields: std::collections::BTreeMap<String, String>,
}

impl Event {
    /// The value of the field `name`, if the event has it.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields.get(name).map(String::as_str)
    }

    /// The value of the field `name`, which the event must have.
    pub fn field(&self, name: &str) -> &str {
        self.get(name).unwrap_or_else(|| panic!("no field `{name}` in {self:?}"))
    }
}

/// The events a [`capture_events`] layer recorded.
#[derive(Clone, Default)]
pub struct Events(std::sync::Arc<std::sync::Mutex<Vec<Event>>>);

impl Events {
    /// The wire events (target `oauth_runtime::wire`) so far.
    pub fn wire(&self) -> Vec<Event> {
        self.0.lock().unwrap().iter().filter(|e| e.target == oauth_runtime::WIRE_TARGET).cloned().collect()
    }

    /// The wire events so far, and forgets every event.
    pub fn take_wire(&self) -> Vec<Event> {
        let wire = self.wire();
        self.0.lock().unwrap().clear();
        wire
    }
}

struct Recorder(Events);

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Recorder {
    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        struct Fields<'a>(&'a mut std::collections::BTreeMap<String, String>);
        impl tracing::field::Visit for Fields<'_> {
            fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
                self.0.insert(field.name().to_owned(), value.to_owned());
            }
            fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
                self.0.insert(field.name().to_owned(), format!("{value:?}"));
            }
        }
        let mut fields = std::collections::BTreeMap::new();
        event.record(&mut Fields(&mut fields));
        let metadata = event.metadata();
        let recorded = Event { target: metadata.target().to_owned(), level: *metadata.level(), fields };
        self.0.0.lock().unwrap().push(recorded);
    }
}

/// Records every `tracing` event of this thread up to `max_level`, fields included, until the
/// guard drops.
pub fn capture_events(max_level: tracing::Level) -> (Events, tracing::subscriber::DefaultGuard) {
    use tracing_subscriber::{Layer as _, layer::SubscriberExt as _};
    let events = Events::default();
    let layer = Recorder(events.clone()).with_filter(tracing_subscriber::filter::LevelFilter::from_level(max_level));
    share_interest();
    (events, tracing::subscriber::set_default(tracing_subscriber::registry().with(layer)))
}

/// Makes callsite interest account for every live subscriber. With a single subscriber
/// registered, tracing-core computes the interest of a callsite from the default subscriber of
/// the thread that reaches it first: another test's thread, which has none, caches it as
/// "never", and this thread's subscriber misses its events. A second subscriber, alive for the
/// whole process, makes it ask every live one.
fn share_interest() {
    static SECOND: std::sync::OnceLock<tracing::Dispatch> = std::sync::OnceLock::new();
    SECOND.get_or_init(|| tracing::Dispatch::new(tracing::subscriber::NoSubscriber::default()));
}
