//! The cached token: lock-free reads, single-flight renewal.
//!
//! Readers load an `Arc` from an `ArcSwapOption` and compare one `Instant`: no lock, no
//! allocation. Renewal goes through one async mutex; every caller that queued behind a renewal
//! takes that renewal's outcome, token or error, so N callers cause one request.

use std::{
    future::Future,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant, SystemTime},
};

use arc_swap::ArcSwapOption;
use reqwest::header::HeaderValue;

use crate::{error::Error, token::Token};

/// A token with the instants the hot path compares against.
pub(crate) struct Entry {
    pub token: Arc<Token>,
    /// `Authorization` value, built once per token.
    pub header: HeaderValue,
    /// From here on the token is renewed before use.
    pub refresh_at: Instant,
    /// From here on the token is not used at all.
    pub expires_at: Instant,
}

impl Entry {
    /// `None` if the token cannot go in an `Authorization` header (parsing rules that out for
    /// issued tokens; a hand-built token may still hold a newline).
    pub fn new(token: Token, skew: Duration) -> Option<Entry> {
        let now = Instant::now();
        let left = token.expires_at().duration_since(SystemTime::now()).unwrap_or_default();
        let lifetime = token.expires_at().duration_since(token.issued_at()).unwrap_or(left);
        let early = skew.min(lifetime / 2);
        let mut header = HeaderValue::try_from(token.authorization()).ok()?;
        header.set_sensitive(true);
        Some(Entry {
            token: Arc::new(token),
            header,
            refresh_at: now + left.saturating_sub(early),
            expires_at: now + left,
        })
    }

    fn is_fresh(&self, now: Instant) -> bool {
        now < self.refresh_at
    }

    fn is_usable(&self, now: Instant) -> bool {
        now < self.expires_at
    }

    /// The same token, to be renewed now and never used again.
    fn revoked(&self) -> Entry {
        let now = Instant::now();
        Entry { token: self.token.clone(), header: self.header.clone(), refresh_at: now, expires_at: now }
    }

    /// The same token, kept after a failed renewal: retried after `pause`, never past expiry.
    fn postponed(&self, pause: Duration) -> Entry {
        let retry_at = (Instant::now() + pause).min(self.expires_at);
        Entry {
            token: self.token.clone(),
            header: self.header.clone(),
            refresh_at: retry_at,
            expires_at: self.expires_at,
        }
    }
}

#[derive(Default)]
struct Flight {
    /// The generation and outcome of the last renewal, for callers that waited on it.
    last: Option<(u64, Result<Arc<Entry>, Error>)>,
}

/// The token cache of one client.
#[derive(Default)]
pub(crate) struct TokenCache {
    current: ArcSwapOption<Entry>,
    flight: tokio::sync::Mutex<Flight>,
    generation: AtomicU64,
}

/// How long a still-valid token is kept after its renewal failed before trying again.
const RETRY_PAUSE: Duration = Duration::from_secs(5);

impl TokenCache {
    /// The cached entry if it needs no renewal. Lock-free.
    #[inline]
    pub fn fresh(&self) -> Option<Arc<Entry>> {
        let guard = self.current.load();
        match &*guard {
            Some(entry) if entry.is_fresh(Instant::now()) => Some(Arc::clone(entry)),
            _ => None,
        }
    }

    /// Calls `f` with the fresh entry without touching its reference count.
    #[inline]
    pub fn with_fresh<R>(&self, f: impl FnOnce(&Entry) -> R) -> Option<R> {
        let guard = self.current.load();
        match &*guard {
            Some(entry) if entry.is_fresh(Instant::now()) => Some(f(entry)),
            _ => None,
        }
    }

    pub fn store(&self, entry: Entry) -> Arc<Entry> {
        let entry = Arc::new(entry);
        self.current.store(Some(entry.clone()));
        entry
    }

    /// A fresh entry, renewing it with `renew` (given the current token, if any) when needed.
    ///
    /// If renewal fails while the current token has not expired yet, the current token is kept
    /// and returned, and renewal is tried again after a short pause.
    pub async fn get_or_renew<F, Fut>(&self, renew: F) -> Result<Arc<Entry>, Error>
    where
        F: FnOnce(Option<Arc<Token>>) -> Fut,
        Fut: Future<Output = Result<Entry, Error>>,
    {
        if let Some(entry) = self.fresh() {
            return Ok(entry);
        }
        let seen = self.generation.load(Ordering::Acquire);
        let mut flight = self.flight.lock().await;
        if let Some(entry) = self.fresh() {
            return Ok(entry);
        }
        if let Some((generation, outcome)) = &flight.last {
            if *generation != seen {
                return outcome.clone();
            }
        }
        let current = self.current.load_full();
        let outcome = match renew(current.as_ref().map(|e| e.token.clone())).await {
            Ok(entry) => Ok(self.store(entry)),
            Err(error) => match current {
                Some(old) if old.is_usable(Instant::now()) => {
                    tracing::warn!(%error, "token renewal failed; keeping the current token until it expires");
                    Ok(self.store(old.postponed(RETRY_PAUSE)))
                }
                _ => Err(error),
            },
        };
        let generation = self.generation.fetch_add(1, Ordering::AcqRel) + 1;
        flight.last = Some((generation, outcome.clone()));
        outcome
    }

    /// Marks `rejected` for renewal if it is still the cached token (a 401 proved it dead).
    ///
    /// Comparing the token, not just expiring whatever is cached, keeps a burst of 401s for one
    /// token from discarding the token that replaced it.
    pub fn revoke(&self, rejected: &Entry) {
        self.current.rcu(|cur| match cur {
            Some(entry) if entry.token.same_access(&rejected.token) => Some(Arc::new(entry.revoked())),
            other => other.clone(),
        });
    }

    /// The cached token whatever its state (for refresh tokens and inspection).
    pub fn current(&self) -> Option<Arc<Entry>> {
        self.current.load_full()
    }

    /// Forces the next call to renew.
    pub fn expire(&self) {
        if let Some(entry) = self.current.load_full() {
            self.current.store(Some(Arc::new(entry.revoked())));
        }
    }
}
