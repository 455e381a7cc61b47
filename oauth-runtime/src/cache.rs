//! The cached token: lock-free reads, and renewals that no caller owns.
//!
//! Readers load an `Arc` from an `ArcSwapOption` and compare one `Instant`: no lock, no
//! allocation. A renewal runs in a task of its own, so a caller dropped mid-way (a timeout, a
//! cancelled request) never aborts it: a token request the server carried out is always
//! stored, rotated refresh token included. Callers that need the renewal's outcome await it
//! through a `watch` channel; callers holding a token that is due for renewal but not expired
//! keep using it while the renewal runs behind them.
//!
//! The task runs on the Tokio runtime of the caller that started it, the only runtime this
//! crate can count on. That runtime may shut down first (a `Runtime` built for one call, a
//! test's runtime): the task is then dropped, before its first poll or mid-request. Nothing of
//! it stays behind: a guard created with the flight, outside the task's future, clears the
//! flight slot however the future ends, run or not, and a flight whose task is gone without an
//! outcome counts as none. Callers waiting on it from another runtime start a new renewal on
//! theirs. What a killed renewal had obtained is lost (the next renewal asks again; with a
//! rotating refresh token the old one may be refused, and the grant runs then).
//!
//! Order in the task: the token goes into the cache (readers use it at once), then the
//! `on_token` hook runs, then the flight slot is freed, then the outcome goes to the callers
//! waiting on the flight. So when a call that caused a renewal returns, that renewal's hook
//! has run; and [`TokenCache::settle`] waits for the flight in progress, hook included.

use std::{
    future::Future,
    panic::AssertUnwindSafe,
    pin::Pin,
    sync::{
        Arc, Mutex, PoisonError,
        atomic::{AtomicBool, Ordering},
    },
    task::{Context, Poll},
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
    /// The renewal in flight, if any.
    flight: Mutex<Slot>,
    /// An API rejected the cached token since the last renewal.
    rejected: AtomicBool,
    skew: Duration,
    on_token: Option<TokenHook>,
    presentation: Arc<dyn Presentation>,
    vendor: &'static str,
    /// Held shared by every renewal task, from before its renewal runs until its token is
    /// stored and its hook has run; held exclusively by [`TokenCache::exclusive`] (a
    /// revocation), so that no renewal lands a token while the cache is being emptied, and
    /// none starts from a token being revoked. Only renewals touch it, never the hot path.
    gate: tokio::sync::RwLock<()>,
}

/// How long a still-valid token is kept after its renewal failed before trying again.
const RETRY_PAUSE: Duration = Duration::from_secs(5);

/// How many renewals a caller starts in a row when each one's task is dropped before it has an
/// outcome (its runtime shut down), before giving up with [`Error::Internal`]. More than one:
/// the caller's own runtime is alive, so the next one normally runs there.
const RESTARTS: usize = 3;

/// The flight slot: the renewal in flight, and the number of the last one started.
struct Slot {
    flight: Option<Flight>,
    last_id: u64,
}

/// One renewal: its outcome arrives on `outcome`; `id` tells it apart from the ones before
/// and after it, so that a late guard never clears its successor.
struct Flight {
    id: u64,
    outcome: watch::Receiver<Option<Outcome>>,
}

impl Flight {
    /// Its task is gone without an outcome: dropped, run or not, when its runtime shut down.
    /// (A task that ends normally frees the slot before it sends the outcome.)
    fn is_dead(&self) -> bool {
        self.outcome.has_changed().is_err() && self.outcome.borrow().is_none()
    }
}

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
            flight: Mutex::new(Slot { flight: None, last_id: 0 }),
            rejected: AtomicBool::new(false),
            skew,
            on_token,
            gate: tokio::sync::RwLock::new(()),
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
        match tokio::time::timeout(deadline, self.join(&renew)).await {
            Ok(outcome) => outcome,
            Err(_) => Err(Error::deadline(self.vendor, deadline)),
        }
    }

    /// Runs `renew` as a renewal of its own, never joining another one: waits for the renewal in
    /// flight, if any, to end, then starts `renew` (for a token a person just authorized, which
    /// must not be mistaken for the outcome of a refresh that was running). The same task,
    /// storage and hook as any renewal.
    pub async fn exclusive<F, Fut>(self: &Arc<Self>, deadline: Duration, renew: F) -> Outcome
    where
        F: Fn(Option<Arc<Token>>) -> Fut,
        Fut: Future<Output = Result<Token, Error>> + Send + 'static,
    {
        let run = async {
            loop {
                self.settle().await;
                let Some(mut flight) = self.start_if_idle(&renew) else { continue };
                let outcome = flight.wait_for(Option::is_some).await.ok().and_then(|o| o.clone());
                return match outcome {
                    Some(outcome) => outcome,
                    None => Err(Error::internal(
                        self.vendor,
                        "the token request was dropped before it finished: the Tokio runtime it ran on shut down",
                    )),
                };
            }
        };
        match tokio::time::timeout(deadline, run).await {
            Ok(outcome) => outcome,
            Err(_) => Err(Error::deadline(self.vendor, deadline)),
        }
    }

    /// Waits until the renewal in flight, if any, has ended: its token stored, its hook run.
    /// A renewal started after this call is not waited for.
    pub async fn settle(&self) {
        let flight = self.slot().flight.as_ref().map(|f| f.outcome.clone());
        if let Some(mut outcome) = flight {
            // An error means the task is gone without an outcome: nothing left to wait for.
            let _ = outcome.wait_for(Option::is_some).await;
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
            let result = self.join(renew).await;
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
        last.ok_or_else(|| Error::internal(self.vendor, "token renewal produced no token"))
    }

    /// The outcome of the renewal in flight, or of a new one. A flight whose task was dropped
    /// before it had an outcome (its runtime shut down) is replaced by a new one, started from
    /// here, on the caller's runtime.
    async fn join<F, Fut>(self: &Arc<Self>, renew: &F) -> Outcome
    where
        F: Fn(Option<Arc<Token>>) -> Fut,
        Fut: Future<Output = Result<Token, Error>> + Send + 'static,
    {
        for _ in 0..RESTARTS {
            let mut flight = self.flight(renew);
            match flight.wait_for(Option::is_some).await {
                Ok(outcome) => {
                    if let Some(outcome) = &*outcome {
                        return outcome.clone();
                    }
                }
                Err(_) => tracing::debug!(
                    vendor = self.vendor,
                    "the token renewal was dropped before it finished (its runtime shut down); starting another"
                ),
            }
        }
        Err(Error::internal(
            self.vendor,
            "the token renewal was dropped before it finished, every time: the Tokio runtime it ran on shut down",
        ))
    }

    fn slot(&self) -> std::sync::MutexGuard<'_, Slot> {
        self.flight.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The renewal in flight, or a new one started in its own task.
    fn flight<F, Fut>(self: &Arc<Self>, renew: &F) -> watch::Receiver<Option<Outcome>>
    where
        F: Fn(Option<Arc<Token>>) -> Fut,
        Fut: Future<Output = Result<Token, Error>> + Send + 'static,
    {
        let slot = self.slot();
        if let Some(flight) = slot.flight.as_ref().filter(|f| !f.is_dead()) {
            return flight.outcome.clone();
        }
        self.start(slot, renew)
    }

    /// A new renewal started in its own task, or `None` if one is in flight.
    fn start_if_idle<F, Fut>(self: &Arc<Self>, renew: &F) -> Option<watch::Receiver<Option<Outcome>>>
    where
        F: Fn(Option<Arc<Token>>) -> Fut,
        Fut: Future<Output = Result<Token, Error>> + Send + 'static,
    {
        let slot = self.slot();
        if slot.flight.as_ref().is_some_and(|f| !f.is_dead()) {
            return None;
        }
        Some(self.start(slot, renew))
    }

    /// Starts `renew` in its own task, in the slot held by `slot`.
    fn start<F, Fut>(
        self: &Arc<Self>,
        mut slot: std::sync::MutexGuard<'_, Slot>,
        renew: &F,
    ) -> watch::Receiver<Option<Outcome>>
    where
        F: Fn(Option<Arc<Token>>) -> Fut,
        Fut: Future<Output = Result<Token, Error>> + Send + 'static,
    {
        slot.last_id += 1;
        let id = slot.last_id;
        let (tx, rx) = watch::channel(None);
        slot.flight = Some(Flight { id, outcome: rx.clone() });
        drop(slot);
        // Made before the task and moved into it: it frees the slot however the task ends,
        // even dropped unpolled with its runtime, when nothing inside the task runs.
        let landed = Landed { cache: Arc::clone(self), id };
        let job = CatchUnwind(Box::pin(renew(self.current().map(|e| e.token.clone()))));
        tokio::spawn(async move {
            let cache = &landed.cache;
            // After any revocation under way: a renewal starts only once it has ended.
            let open = cache.gate.read().await;
            let result = job.await.unwrap_or_else(|| {
                tracing::error!(vendor = cache.vendor, "the token renewal panicked");
                Err(Error::internal(cache.vendor, "the token renewal panicked"))
            });
            // Stored first: readers use the new token while the hook runs.
            let outcome = cache.publish(result);
            if let (Ok(entry), Some(hook)) = (&outcome, &cache.on_token) {
                // Before the outcome goes out, so that a caller who caused this renewal returns
                // only once the token is saved (a program that refreshes and exits keeps a
                // rotated refresh token). Caught: a panicking hook loses nothing.
                if std::panic::catch_unwind(AssertUnwindSafe(|| hook(&entry.token))).is_err() {
                    tracing::error!("the on_token hook panicked; the token was stored regardless");
                }
            }
            drop(open);
            // Free the slot first: whoever comes after this outcome is sent starts afresh.
            drop(landed);
            tx.send_replace(Some(outcome));
        });
        rx
    }

    /// Stores a renewal's result: the new token, or, after a failure, the still-valid current
    /// token with its next renewal postponed. Compare-and-swap, so nothing newer is overwritten.
    fn publish(&self, result: Result<Token, Error>) -> Outcome {
        match result {
            Ok(token) => {
                let Some(mut entry) = Entry::new(token, self.skew, &*self.presentation) else {
                    // The parser and the presentation's scheme check rule this out for issued tokens.
                    return Err(Error::internal(self.vendor, "the issued token cannot be presented"));
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

    /// Runs `f` with the cached entry taken out of the cache, while no renewal runs: it waits
    /// for the renewal in flight to store its token (which `f` then gets), and renewals
    /// started meanwhile wait until `f` has ended, then start from an empty cache.
    pub async fn withdraw<F, Fut, R>(&self, f: F) -> R
    where
        F: FnOnce(Option<Arc<Entry>>) -> Fut,
        Fut: Future<Output = R>,
    {
        let _closed = self.gate.write().await;
        let taken = self.current.swap(None);
        f(taken).await
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

/// A future whose panic ends it with `None` instead of unwinding through the renewal task, so
/// that the task still publishes an outcome to its waiters.
struct CatchUnwind<F>(Pin<Box<F>>);

impl<F: Future> Future for CatchUnwind<F> {
    type Output = Option<F::Output>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match std::panic::catch_unwind(AssertUnwindSafe(|| self.0.as_mut().poll(cx))) {
            Ok(Poll::Ready(output)) => Poll::Ready(Some(output)),
            Ok(Poll::Pending) => Poll::Pending,
            Err(_) => Poll::Ready(None),
        }
    }
}

/// Frees the flight slot when the renewal task ends, however it ends (unpolled included),
/// unless a newer flight holds it already.
struct Landed {
    cache: Arc<TokenCache>,
    id: u64,
}

impl Drop for Landed {
    fn drop(&mut self) {
        let mut slot = self.cache.slot();
        if slot.flight.as_ref().is_some_and(|f| f.id == self.id) {
            slot.flight = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cache() -> Arc<TokenCache> {
        Arc::new(TokenCache::new("V", Duration::from_secs(60), None, crate::present::default_presentation()))
    }

    /// A renewal that panics gives its callers a transient `Error::Internal` (it used to be
    /// `Error::Config`, from a channel closed without an outcome), and the next call renews.
    #[tokio::test]
    async fn a_panicking_renewal_is_an_internal_error_and_leaves_nothing_behind() {
        let cache = cache();
        let outcome = cache
            .get(Duration::from_secs(5), |_| async {
                if true {
                    panic!("a renewal that panics");
                }
                Ok(Token::new("never"))
            })
            .await;
        let Err(err) = outcome else { panic!("a token from a renewal that panicked") };
        assert!(matches!(err, Error::Internal { .. }) && err.is_transient(), "{err:?}");
        let entry = cache.get(Duration::from_secs(5), |_| async { Ok(Token::new("fresh")) }).await.unwrap();
        assert_eq!(entry.token.access_token().expose_secret(), "fresh");
    }

    /// A flight whose task was dropped unpolled (its runtime ended) is replaced by the next
    /// caller; the guard of the dead flight never clears its successor.
    #[test]
    fn a_flight_dropped_unpolled_is_replaced() {
        let cache = cache();
        let a = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        a.block_on(async {
            drop(cache.flight(&|_| async { Ok(Token::new("from A")) }));
        });
        assert!(cache.slot().flight.is_some(), "the flight was registered");
        drop(a);
        assert!(cache.slot().flight.is_none(), "its guard freed the slot when the task was dropped");
        let b = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let entry = b.block_on(cache.force(Duration::from_secs(5), |_| async { Ok(Token::new("from B")) })).unwrap();
        assert_eq!(entry.token.access_token().expose_secret(), "from B");
        assert!(cache.slot().flight.is_none());
    }

    /// `settle` waits for the flight in progress, hook included, and returns at once without one.
    #[tokio::test]
    async fn settle_waits_for_the_hook() {
        let hooked = Arc::new(AtomicBool::new(false));
        let seen = hooked.clone();
        let hook: TokenHook = Arc::new(move |_| seen.store(true, Ordering::SeqCst));
        let cache =
            Arc::new(TokenCache::new("V", Duration::from_secs(60), Some(hook), crate::present::default_presentation()));
        drop(cache.flight(&|_| async {
            tokio::time::sleep(Duration::from_millis(50)).await;
            Ok(Token::new("slow"))
        }));
        cache.settle().await;
        assert!(hooked.load(Ordering::SeqCst));
        tokio::time::timeout(Duration::from_millis(50), cache.settle()).await.unwrap();
    }
}
