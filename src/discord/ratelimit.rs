//! A per-user limit on expensive commands, so one user (or a stuck client) cannot monopolise the
//! bot on a small host. A sliding one-minute window per user, in memory: a restart forgetting the
//! counts is harmless.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The window the limit counts over.
pub const WINDOW: Duration = Duration::from_secs(60);

/// Counts recent expensive commands per user.
pub struct RateLimiter {
    per_window: u32,
    recent: Mutex<HashMap<u64, VecDeque<Instant>>>,
}

impl RateLimiter {
    /// At most `per_minute` commands per user per minute; 0 means no limit.
    pub fn new(per_minute: u32) -> Self {
        Self {
            per_window: per_minute,
            recent: Mutex::new(HashMap::new()),
        }
    }

    /// Records a command by `user` now, or says how long until one is allowed.
    pub fn check(&self, user: u64) -> Result<(), Duration> {
        self.check_at(user, Instant::now())
    }

    /// [`Self::check`] at a given instant (for tests).
    pub fn check_at(&self, user: u64, now: Instant) -> Result<(), Duration> {
        if self.per_window == 0 {
            return Ok(());
        }
        let mut map = self.recent.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > 10_000 {
            map.retain(|_, q| q.back().is_some_and(|t| now.duration_since(*t) < WINDOW));
        }
        let q = map.entry(user).or_default();
        while q.front().is_some_and(|t| now.duration_since(*t) >= WINDOW) {
            q.pop_front();
        }
        if q.len() >= self.per_window as usize {
            let oldest = *q.front().expect("non-empty when full");
            return Err(WINDOW.saturating_sub(now.duration_since(oldest)));
        }
        q.push_back(now);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_each_user_separately_and_recovers() {
        let l = RateLimiter::new(2);
        let t0 = Instant::now();
        assert!(l.check_at(1, t0).is_ok());
        assert!(l.check_at(1, t0 + Duration::from_secs(1)).is_ok());
        let wait = l.check_at(1, t0 + Duration::from_secs(2)).unwrap_err();
        assert_eq!(wait, Duration::from_secs(58));
        assert!(l.check_at(2, t0 + Duration::from_secs(2)).is_ok());
        assert!(l.check_at(1, t0 + Duration::from_secs(60)).is_ok());
    }

    #[test]
    fn zero_means_unlimited() {
        let l = RateLimiter::new(0);
        for _ in 0..1000 {
            assert!(l.check(7).is_ok());
        }
    }
}
