//! The error shape of the HTTP core.

use std::time::Duration;

use reqwest::header::HeaderMap;

/// A non-success HTTP answer, with what a classifier needs to decide on it.
#[derive(Clone, Debug)]
pub struct StatusFailure {
    /// The HTTP status code.
    pub status: u16,
    /// `Retry-After` in seconds or as an HTTP date, if the server sent one.
    pub retry_after: Option<Duration>,
    /// The response body (at most 8 KiB, scrubbed of anything that looks like a credential).
    pub body: String,
    /// The response's `Content-Type`, if any.
    pub content_type: Option<String>,
}

impl StatusFailure {
    pub(crate) fn from_parts(status: u16, headers: &HeaderMap, body: &[u8]) -> Self {
        let retry_after = headers
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(parse_retry_after);
        let limit = body.len().min(8 * 1024);
        Self {
            status,
            retry_after,
            body: crate::secret::scrub(&String::from_utf8_lossy(&body[..limit])),
            content_type: headers
                .get(reqwest::header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
        }
    }

    /// A failure built by hand, for classifier tests.
    #[doc(hidden)]
    pub fn for_test(status: u16, body: &str, retry_after: Option<Duration>) -> Self {
        Self {
            status,
            retry_after,
            body: body.to_string(),
            content_type: None,
        }
    }
}

/// Why an HTTP call failed after the retry policy was applied.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    /// The server answered with a status the caller has to interpret.
    #[error("the server answered HTTP {}", .0.status)]
    Status(StatusFailure),
    /// The request could not be completed on the network.
    #[error("network problem talking to {host}: {message}")]
    Transport {
        /// Host that was being contacted (no path or query).
        host: String,
        /// What went wrong, without the URL.
        message: String,
        /// False when the request certainly never reached the server (connect failure):
        /// only then is a non-idempotent call known not to have taken effect.
        maybe_sent: bool,
        /// The request timed out.
        timeout: bool,
    },
    /// The retry budget in time ran out before a retry could be attempted.
    #[error("gave up after {attempts} attempts over {elapsed:?}")]
    BudgetExhausted {
        /// Attempts made.
        attempts: u32,
        /// Time spent.
        elapsed: Duration,
        /// The last failure seen.
        last: Box<HttpError>,
    },
}

impl HttpError {
    /// The status failure behind this error, looking through an exhausted budget.
    pub fn status(&self) -> Option<&StatusFailure> {
        match self {
            HttpError::Status(f) => Some(f),
            HttpError::BudgetExhausted { last, .. } => last.status(),
            HttpError::Transport { .. } => None,
        }
    }

    /// Whether this is a network failure (possibly after the budget ran out).
    pub fn is_transport(&self) -> bool {
        match self {
            HttpError::Transport { .. } => true,
            HttpError::BudgetExhausted { last, .. } => last.is_transport(),
            HttpError::Status(_) => false,
        }
    }

    /// For transport failures: whether the request may have reached the server.
    pub fn maybe_sent(&self) -> bool {
        match self {
            HttpError::Transport { maybe_sent, .. } => *maybe_sent,
            HttpError::BudgetExhausted { last, .. } => last.maybe_sent(),
            HttpError::Status(_) => true,
        }
    }

    /// Whether the request failed because it stopped making progress (or its answer was late).
    pub fn is_timeout(&self) -> bool {
        match self {
            HttpError::Transport { timeout, .. } => *timeout,
            HttpError::BudgetExhausted { last, .. } => last.is_timeout(),
            HttpError::Status(_) => false,
        }
    }

    /// A request to `host` that made no progress for `limit` (it may have reached the server).
    pub fn stalled(host: &str, limit: Duration) -> Self {
        HttpError::Transport {
            host: host.to_string(),
            message: format!("no progress for {limit:?}"),
            maybe_sent: true,
            timeout: true,
        }
    }

    pub(crate) fn from_reqwest(err: reqwest::Error, host: &str) -> Self {
        let maybe_sent = !err.is_connect();
        let timeout = err.is_timeout();
        // Never keep the URL: it may be signed.
        let err = err.without_url();
        let mut message = err.to_string();
        let mut source = std::error::Error::source(&err);
        while let Some(s) = source {
            message.push_str(": ");
            message.push_str(&s.to_string());
            source = s.source();
        }
        HttpError::Transport {
            host: host.to_string(),
            message: crate::secret::scrub(&message),
            maybe_sent,
            timeout,
        }
    }
}

/// Parses a `Retry-After` value: delta-seconds or an HTTP date.
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let delta = when.with_timezone(&chrono::Utc) - chrono::Utc::now();
    Some(delta.to_std().unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_seconds_and_dates() {
        assert_eq!(parse_retry_after("12"), Some(Duration::from_secs(12)));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon"), None);
    }
}
