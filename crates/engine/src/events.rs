//! What a sync reports while it runs, for a terminal, a JSON stream or the desktop app.
//!
//! [`SyncEvent`] is a domain event with no UI knowledge; an [`EventSink`] receives them. Byte
//! progress and metrics are throttled by the engine (a few per second), whatever the throughput.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::metrics::MetricsSnapshot;
use crate::model::{Cloud, FileKey, ItemCounts, SessionId, SessionStatus, Stage};

/// One thing that happened in a sync.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum SyncEvent {
    /// A run of a session began.
    SessionStarted {
        /// First capture day.
        from: NaiveDate,
        /// Last capture day.
        to: NaiveDate,
        /// Whether the session existed before this run.
        resumed: bool,
    },
    /// The run found which Google account it moves into (before anything moves).
    Destination {
        /// The account's email address.
        email: String,
    },
    /// A stage began.
    StageStarted {
        /// Which.
        stage: Stage,
    },
    /// A stage ended (also when it failed).
    StageCompleted {
        /// Which.
        stage: Stage,
        /// Whether it ended without an error.
        ok: bool,
    },
    /// Discovery recorded files.
    Discovered {
        /// Files recorded so far in this session.
        files: u64,
    },
    /// A file started moving.
    ItemStarted {
        /// Which file.
        key: FileKey,
        /// Its name.
        filename: String,
        /// Its size.
        size: u64,
    },
    /// Bytes of a file reached Google (throttled).
    ItemProgress {
        /// Which file.
        key: FileKey,
        /// Bytes sent.
        bytes_done: u64,
        /// File size.
        bytes_total: u64,
    },
    /// A file's bytes are in Google; it waits to be created.
    ItemUploaded {
        /// Which file.
        key: FileKey,
    },
    /// A file is in Google Photos.
    ItemCreated {
        /// Which file.
        key: FileKey,
        /// Its name.
        filename: String,
        /// Google's media item id.
        media_item_id: String,
        /// Link that opens it.
        product_url: Option<String>,
    },
    /// A file will not be moved.
    ItemSkipped {
        /// Which file.
        key: FileKey,
        /// Its name.
        filename: String,
        /// Why, for a person.
        reason: String,
    },
    /// A file failed this time.
    ItemFailed {
        /// Which file.
        key: FileKey,
        /// Its name.
        filename: String,
        /// What happened, for a person.
        reason: String,
    },
    /// A cloud cannot be reached: the run waits for the network and goes on by itself when
    /// it is back (files in flight keep their progress; none is failed for it).
    WaitingForNetwork {
        /// Which cloud.
        cloud: Cloud,
        /// Since when.
        since: DateTime<Utc>,
    },
    /// The cloud answers again after [`SyncEvent::WaitingForNetwork`]; the run goes on.
    NetworkRestored {
        /// Which cloud.
        cloud: Cloud,
        /// How long the wait lasted, in seconds.
        waited_secs: u64,
    },
    /// Transfer metrics (at most a few per second).
    Metrics(MetricsSnapshot),
    /// The run ended.
    SessionFinished {
        /// Where the session stands.
        status: SessionStatus,
        /// Which cloud to sign in to, when the status is needs-login.
        login: Option<Cloud>,
        /// Why it stopped, for a person, when not completed.
        reason: Option<String>,
        /// When Google's quota resets, if that stopped it.
        quota_resets_at: Option<DateTime<Utc>>,
        /// Files by state.
        counts: ItemCounts,
        /// Bytes moved in this run.
        bytes: u64,
    },
}

/// Receives a sync's events; implementations must be cheap (they are called inline).
pub trait EventSink: Send + Sync {
    /// One event of session `session`.
    fn emit(&self, session: &SessionId, event: SyncEvent);
}

/// Discards every event.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoEvents;

impl EventSink for NoEvents {
    fn emit(&self, _: &SessionId, _: SyncEvent) {}
}

/// Collects every event in memory (tests).
#[derive(Debug, Default)]
pub struct CollectEvents(pub std::sync::Mutex<Vec<(SessionId, SyncEvent)>>);

impl EventSink for CollectEvents {
    fn emit(&self, session: &SessionId, event: SyncEvent) {
        self.0
            .lock()
            .expect("events lock")
            .push((session.clone(), event));
    }
}

impl<F: Fn(&SessionId, SyncEvent) + Send + Sync> EventSink for F {
    fn emit(&self, session: &SessionId, event: SyncEvent) {
        self(session, event)
    }
}
