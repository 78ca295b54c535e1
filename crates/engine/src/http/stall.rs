//! Stall detection: a request fails only when it stops making progress, never because it is long.
//!
//! reqwest's `read_timeout` is armed when a request starts and is not reset while the request
//! body is being sent (upstream reqwest#2784), so a 600 MB upload over a 1 MB/s uplink would be
//! cut after the timeout whatever the bytes do. Requests with big bodies therefore go through a
//! client without that timer, and [`unless_stalled`] watches an [`Activity`] instead: the body
//! stream ([`watched_body`]) touches it every time the connection takes a slice, and the request
//! fails only after `limit` without a touch. Time spent waiting for the body's own source (the
//! GoPro download feeding an upload) is not the upload's stall: the source has its own.

use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use bytes::Bytes;
use futures_util::Stream;
use tokio::time::Instant;

/// Largest slice handed to the connection at once: progress is seen at least every 64 KiB.
const SLICE: usize = 64 * 1024;

/// When a transfer last made progress. Shared by the body stream and its watcher.
#[derive(Debug)]
pub struct Activity {
    last: Mutex<Instant>,
    waiting_for_source: AtomicBool,
}

impl Default for Activity {
    fn default() -> Self {
        Self {
            last: Mutex::new(Instant::now()),
            waiting_for_source: AtomicBool::new(false),
        }
    }
}

impl Activity {
    /// A fresh activity, as if progress was made now.
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    /// Records progress now.
    pub fn touch(&self) {
        *self.last.lock().expect("activity lock") = Instant::now();
    }

    /// When progress was last made; now while the body waits for its source.
    fn last(&self) -> Instant {
        if self.waiting_for_source.load(Ordering::Relaxed) {
            return Instant::now();
        }
        *self.last.lock().expect("activity lock")
    }
}

/// The request made no progress for the stall timeout.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("no progress for {0:?}")]
pub struct Stalled(pub Duration);

/// Runs `fut` to completion unless `activity` shows no progress for `limit`.
pub async fn unless_stalled<F: std::future::Future>(
    fut: F,
    activity: &Activity,
    limit: Duration,
) -> Result<F::Output, Stalled> {
    tokio::pin!(fut);
    loop {
        let deadline = activity.last() + limit;
        tokio::select! {
            out = &mut fut => return Ok(out),
            _ = tokio::time::sleep_until(deadline) => {
                if activity.last() + limit <= Instant::now() {
                    return Err(Stalled(limit));
                }
            }
        }
    }
}

/// Wraps a request body: every slice the connection takes touches `activity`; chunks are cut
/// into slices of at most 64 KiB so progress is seen often even on a slow link.
pub fn watched_body<S>(
    body: S,
    activity: Arc<Activity>,
) -> impl Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static
where
    S: Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static,
{
    Watched {
        inner: Box::pin(body),
        pending: Bytes::new(),
        activity,
    }
}

struct Watched<S> {
    inner: Pin<Box<S>>,
    pending: Bytes,
    activity: Arc<Activity>,
}

impl<S> Stream for Watched<S>
where
    S: Stream<Item = Result<Bytes, std::io::Error>>,
{
    type Item = Result<Bytes, std::io::Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        // Being polled means the connection took the previous slice.
        this.activity.touch();
        if this.pending.is_empty() {
            // Waiting for the source is not a stall of this request, until the source has
            // bytes: its waker ends the wait (the connection must then take them in time).
            this.activity
                .waiting_for_source
                .store(true, Ordering::Relaxed);
            let waker = Waker::from(Arc::new(SourceReady {
                activity: this.activity.clone(),
                inner: cx.waker().clone(),
            }));
            match this
                .inner
                .as_mut()
                .poll_next(&mut Context::from_waker(&waker))
            {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(bytes))) => {
                    this.activity
                        .waiting_for_source
                        .store(false, Ordering::Relaxed);
                    this.activity.touch();
                    this.pending = bytes;
                }
                Poll::Ready(other) => {
                    this.activity
                        .waiting_for_source
                        .store(false, Ordering::Relaxed);
                    this.activity.touch();
                    return Poll::Ready(other);
                }
            }
        }
        let take = this.pending.len().min(SLICE);
        Poll::Ready(Some(Ok(this.pending.split_to(take))))
    }
}

/// Wakes the request when its source has bytes, and starts the stall clock from then.
struct SourceReady {
    activity: Arc<Activity>,
    inner: Waker,
}

impl Wake for SourceReady {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.activity
            .waiting_for_source
            .store(false, Ordering::Relaxed);
        self.activity.touch();
        self.inner.wake_by_ref();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt;

    #[tokio::test(start_paused = true)]
    async fn a_slow_future_that_keeps_moving_is_not_stalled() {
        let activity = Activity::new();
        let toucher = activity.clone();
        let work = async move {
            for _ in 0..20 {
                tokio::time::sleep(Duration::from_secs(50)).await;
                toucher.touch();
            }
            "done"
        };
        // 1000 s of work against a 60 s limit: it completes.
        let out = unless_stalled(work, &activity, Duration::from_secs(60)).await;
        assert_eq!(out, Ok("done"));
    }

    #[tokio::test(start_paused = true)]
    async fn a_future_without_progress_stalls_after_the_limit() {
        let activity = Activity::new();
        let started = Instant::now();
        let out = unless_stalled(
            std::future::pending::<()>(),
            &activity,
            Duration::from_secs(60),
        )
        .await;
        assert_eq!(out, Err(Stalled(Duration::from_secs(60))));
        assert_eq!(started.elapsed().as_secs(), 60);
    }

    #[tokio::test(start_paused = true)]
    async fn waiting_for_the_source_is_not_a_stall() {
        let activity = Activity::new();
        // A source that takes 5 minutes to produce its one chunk.
        let source = futures_util::stream::once(async {
            tokio::time::sleep(Duration::from_secs(300)).await;
            Ok::<_, std::io::Error>(Bytes::from(vec![7u8; 200 * 1024]))
        });
        let body = watched_body(source, activity.clone());
        let collect = body.map(|c| c.unwrap().len()).collect::<Vec<_>>();
        let sizes = unless_stalled(collect, &activity, Duration::from_secs(60))
            .await
            .unwrap();
        assert_eq!(sizes, vec![SLICE, SLICE, SLICE, 200 * 1024 - 3 * SLICE]);
    }
}
