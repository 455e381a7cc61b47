//! Many callers at token expiry: how many token requests they cause (counted by the
//! simulator) and how long until every one of them holds a token.

use std::time::{Duration, Instant};

use oauth_sim::{SimConfig, Simulator, Vendor};
use oauth_specs::{DeyelClient, Provider};
use tokio::task::JoinSet;

use crate::deyel;

/// Lifetime of the simulator's tokens: the shortest `expires_in` (whole seconds) there is.
pub const LIFETIME: Duration = Duration::from_secs(1);

/// A Deyel simulator whose tokens live [`LIFETIME`], and a generated client that renews them
/// exactly at expiry (`refresh_skew(0)`), so every round starts from an expired token.
///
/// # Panics
///
/// When the simulator cannot start or the client cannot be built.
pub async fn rig() -> (Simulator, DeyelClient) {
    let sim = Simulator::start_with(SimConfig::for_vendor(Vendor::Deyel).token_lifetime(LIFETIME))
        .await
        .expect("the simulator starts");
    let client = deyel(sim.config())
        .client_builder()
        .base_url(&sim.base_url())
        .refresh_skew(Duration::ZERO)
        .build()
        .expect("the client builds");
    (sim, client)
}

/// Makes sure the client has a token, then waits until it is due: the machine is as idle
/// before every measured request as a service between two token lifetimes.
pub async fn wait_for_expiry(client: &DeyelClient) {
    client.token().await.expect("a token before the round");
    while client.has_fresh_token() {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}

/// The outcome of one round.
#[derive(Debug, Clone, Copy)]
pub struct Round {
    /// Concurrent callers.
    pub callers: usize,
    /// Token requests the simulator counted during the round.
    pub token_requests: usize,
    /// From the first caller's start until the last caller holds a token.
    pub elapsed: Duration,
    /// Callers that got a token (all of them, unless something broke).
    pub served: usize,
}

/// Waits until the client's token is due, then starts `callers` tasks that each ask for a
/// token at once, and waits for all of them.
///
/// The connection to the simulator is warm (the previous round used it), so the one token
/// request this should cause costs one round trip, as in a long-running service.
pub async fn round(sim: &Simulator, client: &DeyelClient, callers: usize) -> Round {
    wait_for_expiry(client).await;
    spawn_callers(sim, client, callers).await
}

/// `callers` tasks that each ask for a token at once, without waiting for expiry first: with
/// a fresh token this prices the tasks themselves, the floor under a herd.
pub async fn spawn_callers(sim: &Simulator, client: &DeyelClient, callers: usize) -> Round {
    let before = sim.counters().token_requests;
    let start = Instant::now();
    let mut tasks = JoinSet::new();
    for _ in 0..callers {
        let client = client.clone();
        tasks.spawn(async move { client.token().await.is_ok() });
    }
    let mut served = 0;
    while let Some(ok) = tasks.join_next().await {
        served += usize::from(ok.expect("no caller panicked"));
    }
    let elapsed = start.elapsed();
    Round { callers, token_requests: sim.counters().token_requests - before, elapsed, served }
}

/// The median of `values` (the upper one for an even count).
///
/// # Panics
///
/// When `values` is empty.
pub fn median(values: &mut [Duration]) -> Duration {
    values.sort_unstable();
    values[values.len() / 2]
}
