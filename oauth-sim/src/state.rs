//! State shared by a simulator's handlers: issued tokens, queued faults and
//! request counters.

use std::{
    collections::{HashMap, VecDeque},
    sync::{
        Mutex, MutexGuard, PoisonError,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use crate::{Fault, SimConfig, Target, Vendor};

/// A snapshot of a simulator's request counters, from [`Simulator::counters`](crate::Simulator::counters).
///
/// The fields are public to read; more counters may be added, so it is not built outside this
/// crate.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Counters {
    /// Requests to the token endpoint that are grants (not refreshes),
    /// including rejected and faulted ones.
    pub token_requests: usize,
    /// Refresh requests, including rejected and faulted ones.
    pub refresh_requests: usize,
    /// Requests to the protected endpoint.
    pub api_requests: usize,
    /// Requests to the protected endpoint whose bearer token was accepted.
    pub api_authorized: usize,
    /// Requests answered (or delayed) by an injected [`Fault`].
    pub faults_served: usize,
    /// Refreshes that presented a refresh token already rotated away, with
    /// [`SimConfig::refresh_reuse_detection`] on: each revoked a token family.
    pub refresh_reuse_detected: usize,
}

/// Whether a presented access token is usable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Access {
    Valid,
    Expired,
    Unknown,
}

/// Longest lifetime honoured, so that deadline arithmetic never overflows.
const MAX_LIFETIME: Duration = Duration::from_secs(100 * 365 * 24 * 60 * 60);

/// Clamps a configured lifetime to something every clock can add.
pub(crate) fn clamp(lifetime: Duration) -> Duration {
    lifetime.min(MAX_LIFETIME)
}

/// A token family: a grant's tokens and every token refreshed from them. 0 is no family.
pub(crate) type Family = u64;

#[derive(Default)]
struct Tokens {
    access: HashMap<String, Instant>,
    refresh: HashMap<String, Instant>,
    /// Family of each access and refresh token that has one.
    family: HashMap<String, Family>,
    /// Refresh tokens rotated away, by family: presenting one again is a reuse.
    spent: HashMap<String, Family>,
}

#[derive(Default)]
struct AtomicCounters {
    token_requests: AtomicUsize,
    refresh_requests: AtomicUsize,
    api_requests: AtomicUsize,
    api_authorized: AtomicUsize,
    faults_served: AtomicUsize,
    refresh_reuse_detected: AtomicUsize,
}

pub(crate) struct Shared {
    pub(crate) vendor: Vendor,
    pub(crate) config: SimConfig,
    token_lifetime: Mutex<Duration>,
    tokens: Mutex<Tokens>,
    faults: Mutex<[VecDeque<Fault>; 3]>,
    /// Faults served at random to a share of requests, after the queued ones.
    rates: Mutex<[Vec<(Fault, f64)>; 3]>,
    /// Position in the deterministic sequence of draws for `rates`.
    draws: std::sync::atomic::AtomicU64,
    counters: AtomicCounters,
    families: std::sync::atomic::AtomicU64,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared")
            .field("vendor", &self.vendor)
            .field("counters", &self.counters())
            .finish_non_exhaustive()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panicking test thread must not wedge the server for the others.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

fn slot(target: Target) -> usize {
    match target {
        Target::Token => 0,
        Target::Refresh => 1,
        Target::Api => 2,
    }
}

fn deadline(lifetime: Duration) -> Instant {
    let now = Instant::now();
    now.checked_add(clamp(lifetime)).unwrap_or(now)
}

impl Shared {
    pub(crate) fn new(vendor: Vendor, config: SimConfig) -> Shared {
        Shared {
            vendor,
            token_lifetime: Mutex::new(config.token_lifetime),
            config,
            tokens: Mutex::default(),
            faults: Mutex::default(),
            rates: Mutex::default(),
            draws: std::sync::atomic::AtomicU64::new(0),
            counters: AtomicCounters::default(),
            families: std::sync::atomic::AtomicU64::new(0),
        }
    }

    pub(crate) fn token_lifetime(&self) -> Duration {
        clamp(*lock(&self.token_lifetime))
    }

    pub(crate) fn set_token_lifetime(&self, lifetime: Duration) {
        *lock(&self.token_lifetime) = lifetime;
    }

    pub(crate) fn refresh_lifetime(&self) -> Duration {
        clamp(self.config.refresh_lifetime)
    }

    pub(crate) fn remember_access(&self, token: &str, lifetime: Duration) {
        lock(&self.tokens).access.insert(token.to_owned(), deadline(lifetime));
    }

    /// A new token family, for the tokens of a grant.
    pub(crate) fn new_family(&self) -> Family {
        self.families.fetch_add(1, Ordering::Relaxed) + 1
    }

    pub(crate) fn remember_access_in(&self, token: &str, lifetime: Duration, family: Family) {
        let mut tokens = lock(&self.tokens);
        tokens.access.insert(token.to_owned(), deadline(lifetime));
        tokens.family.insert(token.to_owned(), family);
    }

    pub(crate) fn remember_refresh_in(&self, token: &str, lifetime: Duration, family: Family) {
        let mut tokens = lock(&self.tokens);
        tokens.refresh.insert(token.to_owned(), deadline(lifetime));
        tokens.family.insert(token.to_owned(), family);
    }

    pub(crate) fn check_access(&self, token: &str) -> Access {
        match lock(&self.tokens).access.get(token) {
            None => Access::Unknown,
            Some(expiry) if Instant::now() >= *expiry => Access::Expired,
            Some(_) => Access::Valid,
        }
    }

    /// Consumes a refresh token: its family if it was issued, unused and unexpired.
    ///
    /// With reuse detection on, a refresh token presented again after it was rotated away
    /// revokes its family: every access and refresh token issued from the same grant.
    pub(crate) fn redeem_refresh(&self, token: &str) -> Option<Family> {
        let mut tokens = lock(&self.tokens);
        let family = tokens.family.get(token).copied().unwrap_or(0);
        if let Some(expiry) = tokens.refresh.remove(token) {
            tokens.spent.insert(token.to_owned(), family);
            return (Instant::now() < expiry).then_some(family);
        }
        let reused = tokens.spent.get(token).copied();
        if let Some(family) = reused.filter(|f| *f != 0 && self.config.refresh_reuse_detection) {
            self.counters.refresh_reuse_detected.fetch_add(1, Ordering::Relaxed);
            let now = Instant::now();
            let Tokens { access, refresh, family: families, .. } = &mut *tokens;
            refresh.retain(|t, _| families.get(t) != Some(&family));
            for (t, expiry) in access.iter_mut() {
                if families.get(t) == Some(&family) {
                    *expiry = now;
                }
            }
        }
        None
    }

    /// Checks a refresh token without consuming it (vendors that do not rotate).
    pub(crate) fn refresh_is_valid(&self, token: &str) -> bool {
        lock(&self.tokens).refresh.get(token).is_some_and(|expiry| Instant::now() < *expiry)
    }

    pub(crate) fn expire_access_tokens(&self) {
        let now = Instant::now();
        for expiry in lock(&self.tokens).access.values_mut() {
            *expiry = now;
        }
    }

    pub(crate) fn revoke_refresh_tokens(&self) {
        lock(&self.tokens).refresh.clear();
    }

    pub(crate) fn inject(&self, target: Target, fault: Fault, times: usize) {
        lock(&self.faults)[slot(target)].extend(std::iter::repeat_n(fault, times));
    }

    pub(crate) fn set_fault_rate(&self, target: Target, fault: Fault, rate: f64) {
        let mut rates = lock(&self.rates);
        let list = &mut rates[slot(target)];
        list.retain(|(f, _)| *f != fault);
        if rate > 0.0 {
            list.push((fault, rate.min(1.0)));
        }
    }

    pub(crate) fn clear_faults(&self) {
        for queue in lock(&self.faults).iter_mut() {
            queue.clear();
        }
        for list in lock(&self.rates).iter_mut() {
            list.clear();
        }
    }

    /// Takes the next queued fault for `target`, counting it as served.
    pub(crate) fn next_fault(&self, target: Target) -> Option<Fault> {
        let queued = lock(&self.faults)[slot(target)].pop_front();
        let fault = queued.or_else(|| self.draw_fault(target))?;
        self.counters.faults_served.fetch_add(1, Ordering::Relaxed);
        Some(fault)
    }

    /// A fault from the rate table, drawn from a fixed pseudo-random sequence (SplitMix64)
    /// so that a run with the same request order sees the same faults.
    fn draw_fault(&self, target: Target) -> Option<Fault> {
        let rates = lock(&self.rates);
        let list = &rates[slot(target)];
        if list.is_empty() {
            return None;
        }
        let mut z = self.draws.fetch_add(1, Ordering::Relaxed).wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        let u = (z >> 11) as f64 / (1u64 << 53) as f64;
        let mut cumulative = 0.0;
        list.iter().find_map(|(fault, rate)| {
            cumulative += rate;
            (u < cumulative).then(|| fault.clone())
        })
    }

    pub(crate) fn count_request(&self, target: Target) {
        let counter = match target {
            Target::Token => &self.counters.token_requests,
            Target::Refresh => &self.counters.refresh_requests,
            Target::Api => &self.counters.api_requests,
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn count_authorized(&self) {
        self.counters.api_authorized.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn counters(&self) -> Counters {
        let c = &self.counters;
        Counters {
            token_requests: c.token_requests.load(Ordering::Relaxed),
            refresh_requests: c.refresh_requests.load(Ordering::Relaxed),
            api_requests: c.api_requests.load(Ordering::Relaxed),
            api_authorized: c.api_authorized.load(Ordering::Relaxed),
            faults_served: c.faults_served.load(Ordering::Relaxed),
            refresh_reuse_detected: c.refresh_reuse_detected.load(Ordering::Relaxed),
        }
    }
}
