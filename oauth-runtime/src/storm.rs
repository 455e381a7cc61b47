//! The renewal storm guard: a bound on the token requests one client sends per interval.

use std::{
    collections::VecDeque,
    sync::{Mutex, PoisonError},
    time::{Duration, Instant},
};

use crate::error::Error;

/// At most `limit` token requests in any `interval` (a sliding window).
#[derive(Debug)]
pub(crate) struct TokenRequestBudget {
    limit: u32,
    interval: Duration,
    sent: Mutex<VecDeque<Instant>>,
}

impl TokenRequestBudget {
    /// The default: 30 token requests per 10 seconds. A client renewing one-second tokens
    /// twice a second, with retries, stays under it; a client renewing on every call does not.
    pub const DEFAULT: (u32, Duration) = (30, Duration::from_secs(10));

    pub fn new(limit: u32, interval: Duration) -> TokenRequestBudget {
        TokenRequestBudget { limit, interval, sent: Mutex::new(VecDeque::new()) }
    }

    /// Records one use now if the window has room; `false` otherwise. Nothing is logged.
    pub fn try_take(&self) -> bool {
        let now = Instant::now();
        let mut sent = self.sent.lock().unwrap_or_else(PoisonError::into_inner);
        while sent.front().is_some_and(|t| now.duration_since(*t) >= self.interval) {
            sent.pop_front();
        }
        let room = sent.len() < self.limit as usize;
        if room {
            sent.push_back(now);
        }
        room
    }

    /// Records one token request now, or says why none may be sent.
    pub fn acquire(&self, vendor: &'static str) -> Result<(), Error> {
        let now = Instant::now();
        let mut sent = self.sent.lock().unwrap_or_else(PoisonError::into_inner);
        while sent.front().is_some_and(|t| now.duration_since(*t) >= self.interval) {
            sent.pop_front();
        }
        if sent.len() < self.limit as usize {
            sent.push_back(now);
            return Ok(());
        }
        let retry_in = sent.front().map_or(self.interval, |oldest| self.interval.saturating_sub(now - *oldest));
        tracing::warn!(
            vendor,
            limit = self.limit,
            interval_ms = u64::try_from(self.interval.as_millis()).unwrap_or(u64::MAX),
            "token request limit reached; not sending another token request"
        );
        Err(Error::TokenRequestLimit { vendor, limit: self.limit, interval: self.interval, retry_in })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allows_the_limit_then_refuses_until_the_window_moves() {
        let budget = TokenRequestBudget::new(3, Duration::from_millis(200));
        for _ in 0..3 {
            budget.acquire("V").unwrap();
        }
        let err = budget.acquire("V").unwrap_err();
        let Error::TokenRequestLimit { limit, interval, retry_in, .. } = err else { panic!("{err:?}") };
        assert_eq!((limit, interval), (3, Duration::from_millis(200)));
        assert!(retry_in <= Duration::from_millis(200));
        assert!(err.is_transient());
        std::thread::sleep(Duration::from_millis(220));
        budget.acquire("V").unwrap();
    }

    #[test]
    fn a_zero_limit_refuses_everything() {
        let budget = TokenRequestBudget::new(0, Duration::from_secs(1));
        assert!(matches!(budget.acquire("V"), Err(Error::TokenRequestLimit { limit: 0, .. })));
    }
}
