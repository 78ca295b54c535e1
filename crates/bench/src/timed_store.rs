//! The SQLite store with a stopwatch on its checkpoints: every `set_states` call's duration,
//! in the order the run made them, so a bench can show whether a checkpoint late in a long
//! run (100 k files recorded, several albums crossed) costs what one early in it did.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use engine::model::{
    Destination, DiscoveredItem, FileKey, ItemCounts, ItemRecord, SessionId, SessionRecord,
    SessionSummary, StoredUpload,
};
use engine::store::{Recorded, SessionStore, SqliteStore, StateChange, StoreError};

/// A [`SqliteStore`] that times its checkpoints.
pub struct TimedStore {
    inner: SqliteStore,
    /// `(files changed, time taken)` of each run of [`CALLS_PER_BLOCK`] `set_states` calls,
    /// in call order: a few hundred entries for 100 k files, so the bench's memory figure
    /// does not grow with them.
    checkpoints: Mutex<Vec<(usize, Duration, usize)>>,
}

/// Calls summed into one block.
const CALLS_PER_BLOCK: usize = 1_000;

impl TimedStore {
    /// Times checkpoints of `inner`.
    pub fn new(inner: SqliteStore) -> Self {
        Self {
            inner,
            checkpoints: Mutex::new(Vec::new()),
        }
    }

    /// Mean microseconds per file changed, for each of `parts` equal runs of checkpoints in
    /// call order (first part: the run's start).
    pub fn per_file_micros(&self, parts: usize) -> Vec<f64> {
        let blocks = self.checkpoints.lock().expect("checkpoints");
        let size = blocks.len().div_ceil(parts).max(1);
        blocks
            .chunks(size)
            .map(|part| {
                let files: usize = part.iter().map(|(n, ..)| n).sum();
                let time: Duration = part.iter().map(|(_, d, _)| *d).sum();
                time.as_secs_f64() * 1e6 / files.max(1) as f64
            })
            .collect()
    }
}

impl SessionStore for TimedStore {
    fn create_session(&self, session: &SessionRecord) -> Result<(), StoreError> {
        self.inner.create_session(session)
    }
    fn load_session(&self, id: &SessionId) -> Result<Option<SessionRecord>, StoreError> {
        self.inner.load_session(id)
    }
    fn update_session(&self, session: &SessionRecord) -> Result<(), StoreError> {
        self.inner.update_session(session)
    }
    fn list_sessions(&self) -> Result<Vec<SessionSummary>, StoreError> {
        self.inner.list_sessions()
    }
    fn latest_unfinished(&self) -> Result<Option<SessionId>, StoreError> {
        self.inner.latest_unfinished()
    }
    fn record_discovery(
        &self,
        session: &SessionId,
        items: &[DiscoveredItem],
        next_cursor: u64,
        done: bool,
    ) -> Result<Recorded, StoreError> {
        self.inner
            .record_discovery(session, items, next_cursor, done)
    }
    fn set_states(&self, session: &SessionId, changes: &[StateChange]) -> Result<(), StoreError> {
        let started = Instant::now();
        let result = self.inner.set_states(session, changes);
        let took = started.elapsed();
        let mut blocks = self.checkpoints.lock().expect("checkpoints");
        match blocks.last_mut() {
            Some((files, time, calls)) if *calls < CALLS_PER_BLOCK => {
                *files += changes.len();
                *time += took;
                *calls += 1;
            }
            _ => blocks.push((changes.len(), took, 1)),
        }
        result
    }
    fn items(&self, session: &SessionId) -> Result<Vec<ItemRecord>, StoreError> {
        self.inner.items(session)
    }
    fn counts(&self, session: &SessionId) -> Result<ItemCounts, StoreError> {
        self.inner.counts(session)
    }
    fn ledger_lookup(
        &self,
        destination: Option<&Destination>,
        key: &FileKey,
    ) -> Result<Option<String>, StoreError> {
        self.inner.ledger_lookup(destination, key)
    }
    fn adopt_unowned(&self, destination: &Destination) -> Result<(usize, usize), StoreError> {
        self.inner.adopt_unowned(destination)
    }
    fn save_upload(
        &self,
        session: &SessionId,
        key: &FileKey,
        upload: &StoredUpload,
    ) -> Result<(), StoreError> {
        self.inner.save_upload(session, key, upload)
    }
    fn load_upload(
        &self,
        session: &SessionId,
        key: &FileKey,
    ) -> Result<Option<StoredUpload>, StoreError> {
        self.inner.load_upload(session, key)
    }
    fn clear_upload(&self, session: &SessionId, key: &FileKey) -> Result<(), StoreError> {
        self.inner.clear_upload(session, key)
    }
}
