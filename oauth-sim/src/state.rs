//! State shared by a simulator's handlers: issued tokens, queued faults and
//! request counters.

use std::{
    collections::{HashMap, HashSet, VecDeque},
    sync::{
        Mutex, MutexGuard, PoisonError,
        atomic::{AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use crate::{Fault, SimConfig, Target};

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
    /// Refreshes that presented a rotating refresh token this simulator had already
    /// processed once, whatever the outcome (with or without reuse detection, and also when
    /// the first answer was lost to [`Fault::AfterProcessing`]): a client must never
    /// present one refresh token twice.
    pub refresh_tokens_repeated: usize,
    /// Requests to the revocation endpoint (RFC 7009), faults included.
    pub revocation_requests: usize,
    /// Requests for the metadata document (RFC 8414, OpenID discovery), faults included.
    pub metadata_requests: usize,
    /// Signed assertions (client assertions and JWT-bearer grants) whose signature verified
    /// but whose `jti` this simulator had seen before, within its lifetime: refused, and a
    /// client must never send one.
    pub assertions_replayed: usize,
    /// Answers that asked for a DPoP nonce (`use_dpop_nonce`), at the token endpoint and the
    /// API (specs that declare DPoP).
    pub dpop_nonce_challenges: usize,
    /// DPoP proofs refused (`invalid_dpop_proof`): malformed, wrongly signed, for another
    /// request, replayed, or by a key the token is not bound to.
    pub dpop_proofs_refused: usize,
    /// Requests to the device authorization endpoint (RFC 8628 section 3.1).
    pub device_authorizations: usize,
    /// Token requests with a device code (the device grant's polls), whatever their answer.
    pub device_polls: usize,
    /// Requests to the authorization endpoint (the person's browser).
    pub authorization_requests: usize,
    /// Requests to the pushed authorization request endpoint (RFC 9126).
    pub pushed_authorization_requests: usize,
    /// Requests refused with `421 Misdirected Request` because they reached the wrong origin
    /// ([`SimConfig::separate_origins`]): a token request at the API's, an API call at the
    /// authorization server's.
    pub misdirected_requests: usize,
    /// API requests with a valid token that lacks a scope the route requires
    /// ([`SimConfig::scoped_route`]), refused with `403` and `error="insufficient_scope"`.
    pub insufficient_scope: usize,
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

/// Issued tokens with their expiry and grant: a grant starts a grant of its own, a refresh
/// continues the grant of the refresh token it redeemed.
#[derive(Default)]
struct Tokens {
    access: HashMap<String, (Instant, Grant)>,
    refresh: HashMap<String, (Instant, Grant)>,
    /// Refresh tokens rotated away, with their grant: presenting one again is a reuse.
    spent: HashMap<String, Grant>,
    /// Access tokens bound to a client certificate (RFC 8705 section 3): its `x5t#S256`.
    bound: HashMap<String, String>,
    grants: u64,
    /// Every token the revocation endpoint revoked (RFC 7009).
    revoked: HashSet<String>,
    /// The subject token each token-exchange token was issued for (RFC 8693).
    subjects: HashMap<String, String>,
    /// What each grant asked for and was granted.
    grant_scopes: HashMap<Grant, GrantScope>,
    /// The scopes each access token carries.
    access_scopes: HashMap<String, Vec<String>>,
}

/// The scopes a grant asked for (`None`: it named none) and those it was granted (RFC 6749
/// section 3.3).
#[derive(Clone, Debug, Default)]
pub(crate) struct GrantScope {
    pub(crate) requested: Option<Vec<String>>,
    pub(crate) granted: Vec<String>,
}

/// Which grant a token belongs to, so that a refresh can supersede that grant's older access
/// tokens ([`SimConfig::revoke_superseded_access_tokens`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Grant(u64);

#[derive(Default)]
struct AtomicCounters {
    token_requests: AtomicUsize,
    refresh_requests: AtomicUsize,
    api_requests: AtomicUsize,
    api_authorized: AtomicUsize,
    faults_served: AtomicUsize,
    refresh_reuse_detected: AtomicUsize,
    refresh_tokens_repeated: AtomicUsize,
    revocation_requests: AtomicUsize,
    metadata_requests: AtomicUsize,
    assertions_replayed: AtomicUsize,
    dpop_nonce_challenges: AtomicUsize,
    dpop_proofs_refused: AtomicUsize,
    device_authorizations: AtomicUsize,
    device_polls: AtomicUsize,
    authorization_requests: AtomicUsize,
    pushed_authorization_requests: AtomicUsize,
    misdirected_requests: AtomicUsize,
    insufficient_scope: AtomicUsize,
}

/// What the grants that need a person count.
#[derive(Clone, Copy, Debug)]
pub(crate) enum PersonCounter {
    DeviceAuthorization,
    DevicePoll,
    Authorization,
    PushedAuthorization,
}

pub(crate) struct Shared {
    pub(crate) config: SimConfig,
    /// `http://127.0.0.1:PORT` (`https://` with TLS): what the simulator knows itself as, in
    /// its metadata document and as the audience of assertions; the authorization server's
    /// origin with [`SimConfig::separate_origins`].
    pub(crate) base_url: String,
    /// The API's origin: `base_url`, unless [`SimConfig::separate_origins`].
    pub(crate) api_base_url: String,
    /// The most recent requests, decoded.
    pub(crate) requests: crate::log::RequestLog,
    /// The `jti`s of accepted assertions, until their `exp` (RFC 7523 section 3, item 7).
    jtis: Mutex<HashMap<String, Instant>>,
    token_lifetime: Mutex<Duration>,
    tokens: Mutex<Tokens>,
    faults: Mutex<[VecDeque<Fault>; 5]>,
    /// Faults served at random to a share of requests, after the queued ones.
    rates: Mutex<[Vec<(Fault, f64)>; 5]>,
    /// Position in the deterministic sequence of draws for `rates`.
    draws: std::sync::atomic::AtomicU64,
    counters: AtomicCounters,
    /// DPoP's state, for a spec that declares DPoP.
    #[cfg(feature = "jwt")]
    pub(crate) dpop: Option<crate::generic::dpop::DpopState>,
    /// The device grant's codes and scripted decisions.
    pub(crate) devices: Mutex<crate::generic::device::Devices>,
    /// The authorization code grant's codes, pushed requests and scripted decision.
    pub(crate) codes: Mutex<crate::generic::code::Codes>,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared")
            .field("vendor", &self.config.spec().name)
            .field("counters", &self.counters())
            .finish_non_exhaustive()
    }
}

pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panicking test thread must not wedge the server for the others.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

fn slot(target: Target) -> usize {
    match target {
        Target::Token => 0,
        Target::Refresh => 1,
        Target::Api => 2,
        Target::Revocation => 3,
        Target::Metadata => 4,
    }
}

fn deadline(lifetime: Duration) -> Instant {
    let now = Instant::now();
    now.checked_add(clamp(lifetime)).unwrap_or(now)
}

impl Shared {
    pub(crate) fn new(config: SimConfig, base_url: String, api_base_url: String) -> Shared {
        #[cfg(feature = "jwt")]
        let dpop = match config.kind() {
            crate::config::Kind::Spec(spec) => spec
                .presentation
                .dpop_alg()
                .map(|alg| crate::generic::dpop::DpopState::new(alg.as_str(), config.dpop_nonce_rotate_every)),
            crate::config::Kind::Vendor(_) => None,
        };
        Shared {
            #[cfg(feature = "jwt")]
            dpop,
            token_lifetime: Mutex::new(config.token_lifetime),
            requests: crate::log::RequestLog::new(config.request_log),
            config,
            base_url,
            api_base_url,
            jtis: Mutex::default(),
            tokens: Mutex::default(),
            faults: Mutex::default(),
            rates: Mutex::default(),
            draws: std::sync::atomic::AtomicU64::new(0),
            counters: AtomicCounters::default(),
            devices: Mutex::default(),
            codes: Mutex::default(),
        }
    }

    pub(crate) fn token_lifetime(&self) -> Duration {
        clamp(*lock(&self.token_lifetime))
    }

    /// How long a new access token is valid server-side, and the lifetime in seconds the
    /// response states: the configured lifetime, or none and a minute in the past when the
    /// simulator issues expired tokens.
    pub(crate) fn issued_lifetime(&self) -> (Duration, i64) {
        if self.config.expired_tokens {
            (Duration::ZERO, -60)
        } else {
            let lifetime = self.token_lifetime();
            (lifetime, i64::try_from(lifetime.as_secs()).unwrap_or(i64::MAX))
        }
    }

    pub(crate) fn set_token_lifetime(&self, lifetime: Duration) {
        *lock(&self.token_lifetime) = lifetime;
    }

    pub(crate) fn refresh_lifetime(&self) -> Duration {
        clamp(self.config.refresh_lifetime)
    }

    /// A new grant, for the tokens a grant request issues; it asked for no scope.
    pub(crate) fn new_grant(&self) -> Grant {
        self.new_grant_asking(None)
    }

    /// A new grant that asked for the scope `requested` (space-separated), granted as
    /// [`SimConfig::allow_scopes`] allows.
    pub(crate) fn new_grant_asking(&self, requested: Option<&str>) -> Grant {
        let scope = crate::scope::grant(&self.config, requested);
        let mut tokens = lock(&self.tokens);
        tokens.grants += 1;
        let grant = Grant(tokens.grants);
        tokens.grant_scopes.insert(grant, scope);
        grant
    }

    /// What `grant` asked for and was granted.
    pub(crate) fn grant_scope(&self, grant: Grant) -> GrantScope {
        lock(&self.tokens).grant_scopes.get(&grant).cloned().unwrap_or_default()
    }

    /// Records the scopes the access token `token` carries.
    pub(crate) fn remember_access_scope(&self, token: &str, scope: Vec<String>) {
        lock(&self.tokens).access_scopes.insert(token.to_owned(), scope);
    }

    /// The scopes the access token `token` carries (none for a token it does not know).
    pub(crate) fn access_scope(&self, token: &str) -> Vec<String> {
        lock(&self.tokens).access_scopes.get(token).cloned().unwrap_or_default()
    }

    pub(crate) fn remember_access(&self, token: &str, lifetime: Duration, grant: Grant) {
        lock(&self.tokens).access.insert(token.to_owned(), (deadline(lifetime), grant));
    }

    pub(crate) fn remember_refresh(&self, token: &str, lifetime: Duration, grant: Grant) {
        lock(&self.tokens).refresh.insert(token.to_owned(), (deadline(lifetime), grant));
    }

    /// Binds an access token to the certificate whose thumbprint is given.
    pub(crate) fn bind_access(&self, token: &str, thumbprint: String) {
        lock(&self.tokens).bound.insert(token.to_owned(), thumbprint);
    }

    /// The thumbprint of the certificate `token` is bound to, if it is.
    pub(crate) fn access_binding(&self, token: &str) -> Option<String> {
        lock(&self.tokens).bound.get(token).cloned()
    }

    pub(crate) fn check_access(&self, token: &str) -> Access {
        match lock(&self.tokens).access.get(token) {
            None => Access::Unknown,
            Some((expiry, _)) if Instant::now() >= *expiry => Access::Expired,
            Some(_) => Access::Valid,
        }
    }

    /// Consumes a refresh token if it was issued, unused and unexpired: its grant, whose
    /// earlier access tokens are now superseded.
    pub(crate) fn redeem_refresh(&self, token: &str) -> Option<Grant> {
        let mut tokens = lock(&self.tokens);
        if let Some((expiry, grant)) = tokens.refresh.remove(token) {
            tokens.spent.insert(token.to_owned(), grant);
            return (Instant::now() < expiry).then(|| self.supersede(&mut tokens, grant));
        }
        // With reuse detection, a rotated-away refresh token presented again revokes its
        // whole family: every access and refresh token issued from the same grant.
        let reused = tokens.spent.get(token).copied();
        if reused.is_some() {
            self.counters.refresh_tokens_repeated.fetch_add(1, Ordering::Relaxed);
        }
        if let Some(grant) = reused.filter(|_| self.config.refresh_reuse_detection) {
            self.counters.refresh_reuse_detected.fetch_add(1, Ordering::Relaxed);
            let now = Instant::now();
            tokens.refresh.retain(|_, (_, g)| *g != grant);
            for (expiry, g) in tokens.access.values_mut() {
                if *g == grant {
                    *expiry = now;
                }
            }
        }
        None
    }

    /// Checks a refresh token without consuming it (no rotation): its grant, as
    /// [`Shared::redeem_refresh`].
    pub(crate) fn use_refresh(&self, token: &str) -> Option<Grant> {
        let mut tokens = lock(&self.tokens);
        let (expiry, grant) = *tokens.refresh.get(token)?;
        (Instant::now() < expiry).then(|| self.supersede(&mut tokens, grant))
    }

    /// With [`SimConfig::revoke_superseded_access_tokens`], makes the access tokens of `grant`
    /// issued so far invalid: the refresh about to answer replaces them.
    fn supersede(&self, tokens: &mut Tokens, grant: Grant) -> Grant {
        if self.config.revoke_superseded_access_tokens {
            tokens.access.retain(|_, (_, g)| *g != grant);
        }
        grant
    }

    /// Makes every access and refresh token of `grant` invalid (an authorization code used
    /// twice: RFC 6749 section 4.1.2).
    pub(crate) fn revoke_grant(&self, grant: Grant) {
        let mut tokens = lock(&self.tokens);
        tokens.access.retain(|_, (_, g)| *g != grant);
        tokens.refresh.retain(|_, (_, g)| *g != grant);
    }

    pub(crate) fn count(&self, counter: PersonCounter) {
        use crate::log::{RouteKind, classify};
        match counter {
            PersonCounter::DeviceAuthorization => classify(RouteKind::DeviceAuthorization),
            PersonCounter::Authorization => classify(RouteKind::Authorization),
            PersonCounter::PushedAuthorization => classify(RouteKind::PushedAuthorization),
            // A token request, classified as one already.
            PersonCounter::DevicePoll => {}
        }
        let c = &self.counters;
        let counter = match counter {
            PersonCounter::DeviceAuthorization => &c.device_authorizations,
            PersonCounter::DevicePoll => &c.device_polls,
            PersonCounter::Authorization => &c.authorization_requests,
            PersonCounter::PushedAuthorization => &c.pushed_authorization_requests,
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn expire_access_tokens(&self) {
        let now = Instant::now();
        for (expiry, _) in lock(&self.tokens).access.values_mut() {
            *expiry = now;
        }
    }

    /// Revokes `token` (RFC 7009 section 2.1): a refresh token (current or rotated away) with
    /// every token of its grant (the family), an access token alone. `false` for a token it does not know, which the
    /// endpoint answers with 200 all the same.
    pub(crate) fn revoke_token(&self, token: &str) -> bool {
        let mut tokens = lock(&self.tokens);
        // A refresh token rotated away still names its family: revoking it revokes the
        // family, as servers that track families do.
        let family = tokens.refresh.remove(token).map(|(_, grant)| grant).or_else(|| tokens.spent.get(token).copied());
        if let Some(grant) = family {
            tokens.revoked.insert(token.to_owned());
            let family: Vec<String> = tokens
                .access
                .iter()
                .chain(tokens.refresh.iter())
                .filter(|(_, (_, g))| *g == grant)
                .map(|(t, _)| t.clone())
                .collect();
            for t in family {
                tokens.access.remove(&t);
                tokens.refresh.remove(&t);
                tokens.revoked.insert(t);
            }
            return true;
        }
        if tokens.access.remove(token).is_some() {
            tokens.revoked.insert(token.to_owned());
            return true;
        }
        false
    }

    /// Whether the revocation endpoint revoked `token` (directly or with its family).
    pub(crate) fn is_revoked(&self, token: &str) -> bool {
        lock(&self.tokens).revoked.contains(token)
    }

    /// Records that `access` was issued by exchanging `subject`.
    pub(crate) fn bind_subject(&self, access: &str, subject: &str) {
        lock(&self.tokens).subjects.insert(access.to_owned(), subject.to_owned());
    }

    /// The subject token `access` was exchanged for, if it was.
    pub(crate) fn subject_of(&self, access: &str) -> Option<String> {
        lock(&self.tokens).subjects.get(access).cloned()
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
        crate::log::classify(target.into());
        let counter = match target {
            Target::Token => &self.counters.token_requests,
            Target::Refresh => &self.counters.refresh_requests,
            Target::Api => &self.counters.api_requests,
            Target::Revocation => &self.counters.revocation_requests,
            Target::Metadata => &self.counters.metadata_requests,
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// Records `jti` as used until `until`: `false` (and a replay counted) if it was used
    /// already and has not expired. Expired entries are dropped on the way.
    #[cfg_attr(not(feature = "jwt"), allow(dead_code))]
    pub(crate) fn claim_jti(&self, jti: &str, until: Instant) -> bool {
        let mut seen = lock(&self.jtis);
        let now = Instant::now();
        seen.retain(|_, expiry| *expiry > now);
        if seen.contains_key(jti) {
            self.counters.assertions_replayed.fetch_add(1, Ordering::Relaxed);
            return false;
        }
        seen.insert(jti.to_owned(), until);
        true
    }

    /// Counts an answer that asked for a DPoP nonce.
    #[cfg_attr(not(feature = "jwt"), allow(dead_code))]
    pub(crate) fn count_dpop_nonce_challenge(&self) {
        self.counters.dpop_nonce_challenges.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a refused DPoP proof.
    #[cfg_attr(not(feature = "jwt"), allow(dead_code))]
    pub(crate) fn count_dpop_refusal(&self) {
        self.counters.dpop_proofs_refused.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn count_misdirected(&self) {
        self.counters.misdirected_requests.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn count_insufficient_scope(&self) {
        self.counters.insufficient_scope.fetch_add(1, Ordering::Relaxed);
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
            refresh_tokens_repeated: c.refresh_tokens_repeated.load(Ordering::Relaxed),
            revocation_requests: c.revocation_requests.load(Ordering::Relaxed),
            metadata_requests: c.metadata_requests.load(Ordering::Relaxed),
            assertions_replayed: c.assertions_replayed.load(Ordering::Relaxed),
            dpop_nonce_challenges: c.dpop_nonce_challenges.load(Ordering::Relaxed),
            dpop_proofs_refused: c.dpop_proofs_refused.load(Ordering::Relaxed),
            device_authorizations: c.device_authorizations.load(Ordering::Relaxed),
            device_polls: c.device_polls.load(Ordering::Relaxed),
            authorization_requests: c.authorization_requests.load(Ordering::Relaxed),
            pushed_authorization_requests: c.pushed_authorization_requests.load(Ordering::Relaxed),
            misdirected_requests: c.misdirected_requests.load(Ordering::Relaxed),
            insufficient_scope: c.insufficient_scope.load(Ordering::Relaxed),
        }
    }
}
