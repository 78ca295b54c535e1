//! [`HttpCore`]: a reqwest client plus the retry loop.

use std::time::{Duration, Instant};

use super::error::{HttpError, StatusFailure};
use super::retry::{Decision, RetryPolicy};

/// Whether a request may be sent again after a network failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Safety {
    /// Repeating it has no further effect (GET, HEAD, an upload-status query).
    Idempotent,
    /// Repeating it could apply it twice (batchCreate, album create): a network failure after
    /// the request may have been sent is handed to the caller, who must find out what happened.
    NotIdempotent,
}

/// The HTTP client both clouds' clients use.
#[derive(Clone, Debug)]
pub struct HttpCore {
    client: reqwest::Client,
    policy: RetryPolicy,
}

impl HttpCore {
    /// A core with `policy`, a TCP connect timeout and a read timeout (a stalled transfer fails
    /// after `read_timeout` with no bytes, rather than hanging).
    pub fn new(policy: RetryPolicy, connect_timeout: Duration, read_timeout: Duration) -> Self {
        let client = reqwest::Client::builder()
            .connect_timeout(connect_timeout)
            .read_timeout(read_timeout)
            .user_agent(concat!("q2google/", env!("CARGO_PKG_VERSION")))
            .build()
            .expect("reqwest client with rustls");
        Self { client, policy }
    }

    /// The underlying client, for requests whose failures the caller handles itself.
    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    /// The retry policy in force.
    pub fn policy(&self) -> &RetryPolicy {
        &self.policy
    }

    /// Sends the request built by `make` until it succeeds (2xx), `classify` says stop, the
    /// request is unsafe to repeat after a network failure, or the budget runs out.
    ///
    /// `make` is called once per attempt so each attempt can carry fresh headers (a refreshed
    /// token) and a fresh body.
    pub async fn send<F, C>(
        &self,
        safety: Safety,
        classify: C,
        mut make: F,
    ) -> Result<reqwest::Response, HttpError>
    where
        F: FnMut() -> reqwest::RequestBuilder,
        C: Fn(&StatusFailure) -> Decision,
    {
        let started = Instant::now();
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let request = make()
                .build()
                .map_err(|e| HttpError::from_reqwest(e, "?"))?;
            let host = request.url().host_str().unwrap_or("?").to_string();
            let method = request.method().clone();
            let path = request.url().path().to_string();
            let (error, min_wait) = match self.client.execute(request).await {
                Ok(response) if response.status().is_success() => return Ok(response),
                Ok(response) => {
                    let failure = read_failure(response).await;
                    match classify(&failure) {
                        Decision::Stop => return Err(HttpError::Status(failure)),
                        Decision::Retry { min_wait } => (HttpError::Status(failure), min_wait),
                    }
                }
                Err(err) => {
                    let error = HttpError::from_reqwest(err, &host);
                    if safety == Safety::NotIdempotent && error.maybe_sent() {
                        return Err(error);
                    }
                    (error, None)
                }
            };
            let elapsed = started.elapsed();
            let wait = self
                .policy
                .backoff(attempt)
                .max(min_wait.unwrap_or_default());
            if attempt >= self.policy.max_attempts || elapsed + wait > self.policy.max_elapsed {
                return Err(HttpError::BudgetExhausted {
                    attempts: attempt,
                    elapsed,
                    last: Box::new(error),
                });
            }
            tracing::info!(%method, host, path, attempt, ?wait, error = %error, "retrying");
            tokio::time::sleep(wait).await;
        }
    }
}

/// Reads at most 8 KiB of a failed response's body.
async fn read_failure(mut response: reqwest::Response) -> StatusFailure {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let mut body = Vec::new();
    while body.len() < 8 * 1024 {
        match response.chunk().await {
            Ok(Some(chunk)) => body.extend_from_slice(&chunk),
            _ => break,
        }
    }
    StatusFailure::from_parts(status, &headers, &body)
}
