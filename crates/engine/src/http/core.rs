//! [`HttpCore`]: a reqwest client plus the retry loop.

use std::time::Duration;

use tokio::time::Instant;

use super::error::{HttpError, StatusFailure};
use super::retry::{Decision, RetryPolicy};
use super::stall::{unless_stalled, Activity};

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
///
/// Two reqwest clients share the settings: [`client`](Self::client) for requests with small
/// bodies, whose answer must start and keep arriving within the stall timeout (reqwest's read
/// timer, reset by every read of the answer: a 4 GB download that keeps moving is never cut);
/// and [`streaming_client`](Self::streaming_client) with no read timer, for requests whose
/// body is big (uploads) or whose answer may take minutes (`batchCreate`); their callers watch
/// progress themselves ([`super::unless_stalled`]), because reqwest's timer also runs while the
/// body is being sent (reqwest#2784).
#[derive(Clone, Debug)]
pub struct HttpCore {
    client: reqwest::Client,
    streaming: reqwest::Client,
    policy: RetryPolicy,
    stall_timeout: Duration,
}

impl HttpCore {
    /// A core with `policy`, a TCP connect timeout and a stall timeout: a request fails when
    /// it makes no progress for `stall_timeout`, however long it has been running.
    pub fn new(policy: RetryPolicy, connect_timeout: Duration, stall_timeout: Duration) -> Self {
        let builder = || {
            reqwest::Client::builder()
                .connect_timeout(connect_timeout)
                .user_agent(concat!("q2google/", env!("CARGO_PKG_VERSION")))
                // Dead connections of a laptop that slept are found by TCP, not by a hang.
                .tcp_keepalive(Duration::from_secs(30))
        };
        let client = builder()
            .read_timeout(stall_timeout)
            .build()
            .expect("reqwest client with rustls");
        let streaming = builder().build().expect("reqwest client with rustls");
        Self {
            client,
            streaming,
            policy,
            stall_timeout,
        }
    }

    /// The client for requests with small bodies: it fails a request whose answer stops
    /// arriving for the stall timeout.
    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    /// The client without a read timer, for big bodies and slow answers; the caller bounds the
    /// wait (see the type's docs).
    pub fn streaming_client(&self) -> &reqwest::Client {
        &self.streaming
    }

    /// How long a request may go without progress before it fails.
    pub fn stall_timeout(&self) -> Duration {
        self.stall_timeout
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
        make: F,
    ) -> Result<reqwest::Response, HttpError>
    where
        F: FnMut() -> reqwest::RequestBuilder,
        C: Fn(&StatusFailure) -> Decision,
    {
        self.send_inner(safety, classify, make, Mode::Plain).await
    }

    /// Like [`send`](Self::send) for a request built on the [streaming
    /// client](Self::streaming_client) whose answer may take up to `answer_wait` to begin (a
    /// `batchCreate` of 50 videos). The answer's body must then be read with
    /// [`read_body`](Self::read_body).
    pub async fn send_slow<F, C>(
        &self,
        safety: Safety,
        answer_wait: Duration,
        classify: C,
        make: F,
    ) -> Result<reqwest::Response, HttpError>
    where
        F: FnMut() -> reqwest::RequestBuilder,
        C: Fn(&StatusFailure) -> Decision,
    {
        self.send_inner(safety, classify, make, Mode::SlowAnswer(answer_wait))
            .await
    }

    /// Like [`send`](Self::send) for a request with a big body, built on the [streaming
    /// client](Self::streaming_client) with a body wrapped by [`super::watched_body`] on
    /// `activity`: an attempt fails only when `activity` shows no progress for the stall
    /// timeout.
    pub async fn send_watched<F, C>(
        &self,
        safety: Safety,
        activity: &Activity,
        classify: C,
        make: F,
    ) -> Result<reqwest::Response, HttpError>
    where
        F: FnMut() -> reqwest::RequestBuilder,
        C: Fn(&StatusFailure) -> Decision,
    {
        self.send_inner(safety, classify, make, Mode::Watched(activity))
            .await
    }

    /// Reads a whole answer body, failing if it stops arriving for the stall timeout.
    pub async fn read_body(&self, mut response: reqwest::Response) -> Result<Vec<u8>, HttpError> {
        let host = response.url().host_str().unwrap_or("?").to_string();
        let mut body = Vec::new();
        loop {
            match tokio::time::timeout(self.stall_timeout, response.chunk()).await {
                Ok(Ok(Some(chunk))) => body.extend_from_slice(&chunk),
                Ok(Ok(None)) => return Ok(body),
                Ok(Err(err)) => return Err(HttpError::from_reqwest(err, &host)),
                Err(_) => return Err(HttpError::stalled(&host, self.stall_timeout)),
            }
        }
    }

    async fn send_inner<F, C>(
        &self,
        safety: Safety,
        classify: C,
        mut make: F,
        mode: Mode<'_>,
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
            let path = crate::secret::redact_path(request.url().path());
            let executed = match mode {
                Mode::Plain => self
                    .client
                    .execute(request)
                    .await
                    .map_err(|e| HttpError::from_reqwest(e, &host)),
                Mode::SlowAnswer(wait) => {
                    match tokio::time::timeout(wait, self.streaming.execute(request)).await {
                        Ok(result) => result.map_err(|e| HttpError::from_reqwest(e, &host)),
                        Err(_) => Err(HttpError::stalled(&host, wait)),
                    }
                }
                Mode::Watched(activity) => {
                    activity.touch();
                    let request = self.streaming.execute(request);
                    match unless_stalled(request, activity, self.stall_timeout).await {
                        Ok(result) => result.map_err(|e| HttpError::from_reqwest(e, &host)),
                        Err(_) => Err(HttpError::stalled(&host, self.stall_timeout)),
                    }
                }
            };
            let (error, min_wait) = match executed {
                Ok(response) if response.status().is_success() => return Ok(response),
                Ok(response) => {
                    let failure = read_failure(response, self.stall_timeout).await;
                    match classify(&failure) {
                        Decision::Stop => return Err(HttpError::Status(failure)),
                        Decision::Retry { min_wait } => (HttpError::Status(failure), min_wait),
                    }
                }
                Err(error) => {
                    if safety == Safety::NotIdempotent && error.maybe_sent() {
                        return Err(error);
                    }
                    (error, None)
                }
            };
            let elapsed = started.elapsed();
            // Two network failures in a row (refused, unreachable, stalled): the network is down,
            // not flaky. The caller waits for it (probing cheaply, see the sync's network gate)
            // rather than spending the retry budget here.
            if error.is_transport() && attempt >= 2 {
                return Err(error);
            }
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

/// Which client an attempt uses and what bounds its wait.
#[derive(Clone, Copy)]
enum Mode<'a> {
    /// The client with the read timer.
    Plain,
    /// The streaming client; the answer must begin within the duration.
    SlowAnswer(Duration),
    /// The streaming client; the attempt fails when the activity stalls.
    Watched(&'a Activity),
}

/// Reads at most 8 KiB of a failed response's body.
/// A body that stops arriving for `stall` ends there.
async fn read_failure(mut response: reqwest::Response, stall: Duration) -> StatusFailure {
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let mut body = Vec::new();
    while body.len() < 8 * 1024 {
        match tokio::time::timeout(stall, response.chunk()).await {
            Ok(Ok(Some(chunk))) => body.extend_from_slice(&chunk),
            _ => break,
        }
    }
    StatusFailure::from_parts(status, &headers, &body)
}
