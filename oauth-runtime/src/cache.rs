//! The cached token: lock-free reads, and renewals that no caller owns.
//!
//! Readers load an `Arc` from an `ArcSwapOption` and compare one `Instant`: no lock, no
//! allocation. A renewal runs in a task of its own, so a caller dropped mid-way (a timeout, a
//! cancelled request) never aborts it: a token request the server carried out is always
//! stored, rotated refresh token included. Callers that need the renewal's outcome await it
//! through a `watch` channel; callers holding a token that is due for renewal but not expired
//! keep using it while the renewal runs behind them.

use std::{
    future::Future,
    panic::AssertUnwindSafe,
    sync::{
        Arc, Mutex, PoisonError,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, Instant, SystemTime},
};

use arc_swap::ArcSwapOption;
use tokio::sync::watch;

use crate::{
    error::Error,
    present::{Prepared, Presentation},
    token::Token,
};

/// A function called with every newly issued token (to persist it, say).
pub type TokenHook = Arc<dyn Fn(&Token) + Send + Sync>;

/// A token with the instants the hot path compares against.
pub(crate) struct Entry {
    pub token: Arc<Token>,
    /// What the presentation computes once per token (for Bearer, the header value).
    pub prepared: Prepared,
    /// From here on the token is renewed before use.
    pub refresh_at: Instant,
    /// From here on the token is not used at all.
    pub expires_at: Instant,
    /// When the entry was stored.
    pub stored_at: Instant,
    /// Issued by a renewal that an API's 401 caused.
    pub after_rejection: bool,
    /// An API answered a call made with this token with something other than 401.
    accepted: AtomicBool,
}

impl Entry {
    /// `None` if the presentation cannot present the token (parsing rules out characters no
    /// header allows for issued tokens, but a hand-built token may still hold a newline) or
    /// does not take its scheme.
    pub fn new(token: Token, skew: Duration, presentation: &dyn Presentation) -> Option<Entry> {
        if !presentation.accepts(&token.scheme()) {
            return None;
        }
        let prepared = presentation.prepare(&token).ok()?;
        let now = Instant::now();
        let left = token.expires_at().duration_since(SystemTime::now()).unwrap_or_default();
        let lifetime = token.expires_at().duration_since(token.issued_at()).unwrap_or(left);
        let early = skew.min(lifetime / 2);
        Some(Entry {
            token: Arc::new(token),
            prepared,
            refresh_at: now + left.saturating_sub(early),
            expires_at: now + left,
            stored_at: now,
            after_rejection: false,
            accepted: AtomicBool::new(false),
        })
    }

    fn is_fresh(&self, now: Instant) -> bool {
        now < self.refresh_at
    }

    fn is_usable(&self, now: Instant) -> bool {
        now < self.expires_at
    }

    /// The same token with other instants.
    fn with_instants(&self, refresh_at: Instant, expires_at: Instant) -> Entry {
        Entry {
            token: self.token.clone(),
            prepared: self.prepared.clone(),
            refresh_at,
            expires_at,
            stored_at: self.stored_at,
            after_rejection: self.after_rejection,
            accepted: AtomicBool::new(self.was_accepted()),
        }
    }

    /// Records that an API accepted the token (read before written, so the hot path does not
    /// keep writing a shared cache line).
    pub fn accept(&self) {
        if !self.was_accepted() {
            self.accepted.store(true, Ordering::Relaxed);
        }
    }

    pub fn was_accepted(&self) -> bool {
        self.accepted.load(Ordering::Relaxed)
    }
}

/// What a renewal ended with: the new entry, or why there is none.
type Outcome = Result<Arc<Entry>, Error>;

/// The token cache of one client (or of one set of token parameters).
pub(crate) struct TokenCache {
    current: ArcSwapOption<Entry>,
    /// The renewal in flight, if any; its outcome arrives on the channel.
    flight: Mutex<Option<watch::Receiver<Option<Outcome>>>>,
    /// An API rejected the cached token since the last renewal.
    rejected: AtomicBool,
    skew: Duration,
    on_token: Option<TokenHook>,
    presentation: Arc<dyn Presentation>,
    vendor: &'static str,
}

/// How long a still-valid token is kept after its renewal failed before trying again.
const RETRY_PAUSE: Duration = Duration::from_secs(5);

impl TokenCache {
    pub fn new(
        vendor: &'static str,
        skew: Duration,
        on_token: Option<TokenHook>,
        presentation: Arc<dyn Presentation>,
    ) -> TokenCache {
        TokenCache {
            presentation,
            vendor,
            current: ArcSwapOption::empty(),
            flight: Mutex::new(None),
            rejected: AtomicBool::new(false),
            skew,
            on_token,
        }
    }

    /// Stores a token obtained elsewhere (a seeded one). `None` if it cannot be a header.
    pub fn seed(&self, token: Token) -> Option<()> {
        self.current.store(Some(Arc::new(Entry::new(token, self.skew, &*self.presentation)?)));
        Some(())
    }

    /// Calls `f` with the fresh entry without touching its reference count. Lock-free.
    #[inline]
    pub fn with_fresh<R>(&self, f: impl FnOnce(&Entry) -> R) -> Option<R> {
        let guard = self.current.load();
        match &*guard {
            Some(entry) if entry.is_fresh(Instant::now()) => Some(f(entry)),
            _ => None,
        }
    }

    /// The cached entry whatever its state (for refresh tokens and inspection).
    pub fn current(&self) -> Option<Arc<Entry>> {
        self.current.load_full()
    }

    /// A usable entry: the fresh one; or one due for renewal but not expired, while a renewal
    /// runs behind the caller; or, when there is none, the outcome of a renewal, awaited for at
    /// most `deadline`.
    ///
    /// `renew` starts one renewal given the current token; it runs in its own task.
    pub async fn get<F, Fut>(self: &Arc<Self>, deadline: Duration, renew: F) -> Result<Arc<Entry>, Error>
    where
        F: Fn(Option<Arc<Token>>) -> Fut,
        Fut: Future<Output = Result<Token, Error>> + Send + 'static,
    {
        let now = Instant::now();
        if let Some(entry) = self.current.load_full() {
            if entry.is_fresh(now) {
                return Ok(entry);
            }
            if entry.is_usable(now) {
                drop(self.flight(&renew));
                return Ok(entry);
            }
        }
        match tokio::time::timeout(deadline, self.wait(&renew)).await {
            Ok(outcome) => outcome,
            Err(_) => Err(Error::deadline(self.vendor, deadline)),
        }
    }

    /// Renews now whatever the state of the cached token (joining a renewal already in flight),
    /// and returns the renewal's own outcome. A failure leaves a still-valid token in place.
    pub async fn force<F, Fut>(self: &Arc<Self>, deadline: Duration, renew: F) -> Outcome
    where
        F: Fn(Option<Arc<Token>>) -> Fut,
        Fut: Future<Output = Result<Token, Error>> + Send + 'static,
    {
        let mut flight = self.flight(&renew);
        match tokio::time::timeout(deadline, outcome(&mut flight)).await {
            Ok(outcome) => outcome,
            Err(_) => Err(Error::deadline(self.vendor, deadline)),
        }
    }

    /// Waits for a usable entry: joins or starts renewals until one yields a token that was not
    /// revoked meanwhile (at most twice), or fails.
    async fn wait<F, Fut>(self: &Arc<Self>, renew: &F) -> Outcome
    where
        F: Fn(Option<Arc<Token>>) -> Fut,
        Fut: Future<Output = Result<Token, Error>> + Send + 'static,
    {
        let mut last = None;
        for _ in 0..2 {
            let mut flight = self.flight(renew);
            let result = outcome(&mut flight).await;
            let now = Instant::now();
            let current = self.current.load_full();
            let entry = match result {
                Ok(entry) => entry,
                // A failed renewal leaves a still-valid token in place: use it.
                Err(error) => return current.filter(|c| c.is_usable(now)).ok_or(error),
            };
            let revoked = current.as_ref().is_some_and(|c| c.token.same_access(&entry.token) && !c.is_usable(now));
            if !revoked {
                return Ok(entry);
            }
            last = Some(entry);
        }
        // Revoked twice in a row: the API keeps rejecting fresh tokens; let the call show it.
        last.ok_or_else(|| Error::config("token renewal produced no token"))
    }

    /// The renewal in flight, or a new one started in its own task.
    fn flight<F, Fut>(self: &Arc<Self>, renew: &F) -> watch::Receiver<Option<Outcome>>
    where
        F: Fn(Option<Arc<Token>>) -> Fut,
        Fut: Future<Output = Result<Token, Error>> + Send + 'static,
    {
        let mut slot = self.flight.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(flight) = &*slot {
            return flight.clone();
        }
        let (tx, rx) = watch::channel(None);
        *slot = Some(rx.clone());
        drop(slot);
        let job = renew(self.current().map(|e| e.token.clone()));
        let cache = Arc::clone(self);
        tokio::spawn(async move {
            // Clears the slot even if the renewal panics, so the next caller starts afresh.
            let landed = Landed(&cache);
            let outcome = cache.publish(job.await);
            // Free the slot first: whoever comes after this outcome is sent starts afresh.
            drop(landed);
            tx.send_replace(Some(outcome.clone()));
            if let (Ok(entry), Some(hook)) = (&outcome, &cache.on_token) {
                // After publication: a panicking or slow hook delays nobody and loses nothing.
                if std::panic::catch_unwind(AssertUnwindSafe(|| hook(&entry.token))).is_err() {
                    tracing::error!("the on_token hook panicked; the token was stored regardless");
                }
            }
        });
        rx
    }

    /// Stores a renewal's result: the new token, or, after a failure, the still-valid current
    /// token with its next renewal postponed. Compare-and-swap, so nothing newer is overwritten.
    fn publish(&self, result: Result<Token, Error>) -> Outcome {
        match result {
            Ok(token) => {
                let Some(mut entry) = Entry::new(token, self.skew, &*self.presentation) else {
                    return Err(Error::config(format!(
                        "{}: the issued token is not a valid header value",
                        self.vendor
                    )));
                };
                entry.after_rejection = self.rejected.swap(false, Ordering::AcqRel);
                let entry = Arc::new(entry);
                self.current.store(Some(entry.clone()));
                Ok(entry)
            }
            Err(error) => {
                let now = Instant::now();
                self.current.rcu(|current| match current {
                    Some(c) if c.is_usable(now) && !c.is_fresh(now) => {
                        let retry_at = (now + RETRY_PAUSE).min(c.expires_at);
                        Some(Arc::new(c.with_instants(retry_at, c.expires_at)))
                    }
                    other => other.clone(),
                });
                if self.current.load().as_ref().is_some_and(|c| c.is_usable(now)) {
                    tracing::warn!(%error, "token renewal failed; keeping the current token until it expires");
                }
                Err(error)
            }
        }
    }

    /// Whether `entry`'s token is still the cached, usable one (not replaced, not revoked).
    pub fn holds(&self, entry: &Entry) -> bool {
        let now = Instant::now();
        self.current.load().as_ref().is_some_and(|c| c.token.same_access(&entry.token) && c.is_usable(now))
    }

    /// Marks `rejected` as dead if it is still the cached token (an API's 401 proved it so).
    ///
    /// Comparing the token, not just expiring whatever is cached, keeps a burst of 401s for one
    /// token from discarding the token that replaced it.
    pub fn revoke(&self, rejected: &Entry) {
        let now = Instant::now();
        let mut hit = false;
        self.current.rcu(|cur| match cur {
            Some(entry) if entry.token.same_access(&rejected.token) => {
                hit = true;
                Some(Arc::new(entry.with_instants(now, now)))
            }
            other => other.clone(),
        });
        if hit {
            self.rejected.store(true, Ordering::Release);
        }
    }
}

async fn outcome(flight: &mut watch::Receiver<Option<Outcome>>) -> Outcome {
    match flight.wait_for(Option::is_some).await {
        Ok(value) => value.clone().unwrap_or_else(|| Err(Error::config("token renewal ended early"))),
        // The task ended without an outcome: it panicked, or the runtime is shutting down.
        Err(_) => {
            Err(Error::config("token renewal ended without an outcome (it panicked, or the runtime is shutting down)"))
        }
    }
}

/// Clears the flight slot when the renewal task ends, however it ends.
struct Landed<'a>(&'a TokenCache);

impl Drop for Landed<'_> {
    fn drop(&mut self) {
        *self.0.flight.lock().unwrap_or_else(PoisonError::into_inner) = None;
    }
}
