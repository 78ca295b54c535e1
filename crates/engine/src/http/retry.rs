//! Retry policy: what is retried, how long to wait, and when to give up.

use std::time::Duration;

use rand::Rng;

use super::error::StatusFailure;

/// HTTP statuses that are retried by default (408, 429 and the transient 5xx).
pub const RETRIED_STATUSES: [u16; 6] = [408, 429, 500, 502, 503, 504];

/// Backoff and budgets for one client.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RetryPolicy {
    /// Total attempts per call, the first included.
    pub max_attempts: u32,
    /// Wall-clock budget per call, across all attempts and waits.
    pub max_elapsed: Duration,
    /// Backoff before the second attempt; doubled for each further attempt.
    pub base_delay: Duration,
    /// Cap on one backoff wait (a longer `Retry-After` still wins, within `max_elapsed`).
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    /// 6 attempts within 10 minutes, backoff from 1 s (Google's documented minimum) up to 64 s.
    fn default() -> Self {
        Self {
            max_attempts: 6,
            max_elapsed: Duration::from_secs(600),
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(64),
        }
    }
}

impl RetryPolicy {
    /// The wait before attempt `attempt + 1` (attempt counts from 1), with "equal jitter":
    /// half the exponential delay fixed, half random, so retries from many tasks spread out.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let exp = self
            .base_delay
            .saturating_mul(
                1u32.checked_shl(attempt.saturating_sub(1))
                    .unwrap_or(u32::MAX),
            )
            .min(self.max_delay);
        let half = exp / 2;
        let jitter = rand::rng().random_range(0..=half.as_millis().max(1) as u64);
        half + Duration::from_millis(jitter)
    }
}

/// What to do after a failed status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Retry, waiting at least `min_wait` (from `Retry-After` or a cloud rule) if given.
    Retry {
        /// The shortest acceptable wait before the next attempt.
        min_wait: Option<Duration>,
    },
    /// Do not retry: hand the failure to the caller.
    Stop,
}

/// The default classification: [`RETRIED_STATUSES`] are retried, honouring `Retry-After`.
pub fn default_classifier(failure: &StatusFailure) -> Decision {
    if RETRIED_STATUSES.contains(&failure.status) {
        Decision::Retry {
            min_wait: failure.retry_after,
        }
    } else {
        Decision::Stop
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retried_status_set_is_stable() {
        // A snapshot: changing what is retried is a behaviour change worth a conscious edit.
        assert_eq!(RETRIED_STATUSES, [408, 429, 500, 502, 503, 504]);
        for status in [400u16, 401, 403, 404, 406, 409, 410, 413] {
            let f = StatusFailure::for_test(status, "", None);
            assert_eq!(default_classifier(&f), Decision::Stop, "{status}");
        }
        let f = StatusFailure::for_test(503, "", Some(Duration::from_secs(7)));
        assert_eq!(
            default_classifier(&f),
            Decision::Retry {
                min_wait: Some(Duration::from_secs(7))
            }
        );
    }

    #[test]
    fn backoff_grows_exponentially_within_jitter_and_cap() {
        let p = RetryPolicy::default();
        for attempt in 1..=10 {
            let d = p.backoff(attempt);
            let exp = Duration::from_secs(1u64 << (attempt - 1).min(6)).min(p.max_delay);
            assert!(
                d >= exp / 2 && d <= exp,
                "attempt {attempt}: {d:?} vs {exp:?}"
            );
        }
    }
}
