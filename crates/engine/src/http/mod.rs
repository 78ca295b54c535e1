//! The HTTP core shared by the GoPro and Google clients.
//!
//! One [`RetryPolicy`] for both clouds: 408, 429 and 5xx are retried with exponential backoff and
//! jitter, `Retry-After` is honoured, transport errors are retried only when the request is safe
//! to repeat, and every call has a budget in attempts and in time. Each client supplies a
//! classifier for what its cloud's errors mean (Google's daily quota is never retried, its
//! per-minute quota waits at least 30 s). Errors never carry tokens or signed URLs.
//!
//! No request has a whole-request timer: a request fails only when it makes no progress for
//! the stall timeout (see [`Activity`]), so a steady 4 GB upload over a home uplink completes.

mod core;
mod error;
mod retry;
mod stall;

pub use self::core::{HttpCore, Safety};
pub use error::{HttpError, StatusFailure};
pub use retry::{default_classifier, Decision, RetryPolicy, RETRIED_STATUSES};
pub use stall::{unless_stalled, watched_body, Activity, Stalled};
