//! Pausing and cancelling a running sync.
//!
//! A [`SyncControl`] is shared between whoever started the sync and the engine. A request takes
//! effect at the next checkpoint boundary: no new file starts, transfers in flight are abandoned
//! (nothing of theirs was recorded yet, so nothing is lost), and a create request already sent is
//! awaited and recorded before the run stops.

use tokio::sync::watch;

/// Why a run is asked to stop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StopRequest {
    /// Stop and mark the session paused (resumable).
    Pause,
    /// Stop and mark the session cancelled (resumable too: nothing is deleted).
    Cancel,
    /// The program is quitting: stop and mark the session paused as interrupted, so the next
    /// start may go on with it by itself.
    Quit,
}

/// A handle to pause or cancel a run; clones share the same run.
#[derive(Clone, Debug)]
pub struct SyncControl {
    tx: watch::Sender<Option<StopRequest>>,
    rx: watch::Receiver<Option<StopRequest>>,
}

impl Default for SyncControl {
    fn default() -> Self {
        let (tx, rx) = watch::channel(None);
        Self { tx, rx }
    }
}

impl SyncControl {
    /// A control with no request.
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks the run to pause.
    pub fn pause(&self) {
        self.request(StopRequest::Pause);
    }

    /// Asks the run to cancel.
    pub fn cancel(&self) {
        self.request(StopRequest::Cancel);
    }

    /// Asks the run to stop because the program quits (not because the person paused).
    pub fn quit(&self) {
        self.request(StopRequest::Quit);
    }

    fn request(&self, request: StopRequest) {
        self.tx.send_if_modified(|current| {
            if current.is_none() {
                *current = Some(request);
                true
            } else {
                false
            }
        });
    }

    /// The request, if any.
    pub fn requested(&self) -> Option<StopRequest> {
        *self.rx.borrow()
    }

    /// Resolves when a stop is requested.
    pub async fn stopped(&self) -> StopRequest {
        let mut rx = self.rx.clone();
        loop {
            if let Some(r) = *rx.borrow_and_update() {
                return r;
            }
            if rx.changed().await.is_err() {
                // The sender lives in self, so this cannot happen; never resolve.
                std::future::pending::<()>().await;
            }
        }
    }
}
