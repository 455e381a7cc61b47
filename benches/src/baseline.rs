//! The hand-written token caches the client's hot path is compared with.
//!
//! Hand-written glue keeps the token behind a lock and, on every API call, locks, compares the
//! expiry with the clock and takes a copy: the `String` itself, or a shared pointer to it.
//! `golang.org/x/oauth2`'s `ReuseTokenSource` does the latter: a `sync.Mutex`, `t.Valid()`
//! (expiry minus a 10 s margin against `time.Now()`) and the `*Token` pointer.

use std::{
    sync::{Arc, Mutex, PoisonError, RwLock},
    time::{Duration, Instant},
};

/// How long before expiry hand-written code stops using a token (the client's default skew).
pub const SKEW: Duration = Duration::from_secs(60);

/// What hand-written code keeps: the access token and its expiry.
#[derive(Debug, Clone)]
pub struct HandToken {
    /// The access token.
    pub access_token: String,
    /// When the token expires.
    pub expires_at: Instant,
}

impl HandToken {
    /// A token valid for `lifetime` from now.
    pub fn new(access_token: &str, lifetime: Duration) -> HandToken {
        HandToken { access_token: access_token.to_owned(), expires_at: Instant::now() + lifetime }
    }

    /// Whether the token can be used now: not within [`SKEW`] of its expiry.
    #[inline]
    pub fn is_fresh(&self) -> bool {
        Instant::now() + SKEW < self.expires_at
    }
}

/// A token behind a `std::sync::Mutex` (`ReuseTokenSource`'s design).
#[derive(Debug)]
pub struct MutexSource(Mutex<Arc<HandToken>>);

impl MutexSource {
    /// A cache holding `token`.
    pub fn new(token: HandToken) -> Self {
        MutexSource(Mutex::new(Arc::new(token)))
    }

    /// Lock, check the expiry, clone the `Arc` (the pointer, as Go returns `*Token`).
    #[inline]
    pub fn arc(&self) -> Option<Arc<HandToken>> {
        let guard = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        guard.is_fresh().then(|| Arc::clone(&guard))
    }

    /// Lock, check the expiry, clone the access token `String`.
    #[inline]
    pub fn string(&self) -> Option<String> {
        let guard = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        guard.is_fresh().then(|| guard.access_token.clone())
    }
}

/// A token behind a `std::sync::RwLock`: readers share the lock.
#[derive(Debug)]
pub struct RwLockSource(RwLock<Arc<HandToken>>);

impl RwLockSource {
    /// A cache holding `token`.
    pub fn new(token: HandToken) -> Self {
        RwLockSource(RwLock::new(Arc::new(token)))
    }

    /// Read-lock, check the expiry, clone the `Arc`.
    #[inline]
    pub fn arc(&self) -> Option<Arc<HandToken>> {
        let guard = self.0.read().unwrap_or_else(PoisonError::into_inner);
        guard.is_fresh().then(|| Arc::clone(&guard))
    }

    /// Read-lock, check the expiry, clone the access token `String`.
    #[inline]
    pub fn string(&self) -> Option<String> {
        let guard = self.0.read().unwrap_or_else(PoisonError::into_inner);
        guard.is_fresh().then(|| guard.access_token.clone())
    }
}
