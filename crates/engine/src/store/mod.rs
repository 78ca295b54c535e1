//! Where sessions and their files are checkpointed.
//!
//! [`SessionStore`] is the seam: [`SqliteStore`] on disk (WAL, migrations, one module per table)
//! for the app and the CLI, [`MemoryStore`] for tests. Every write is one transaction and costs
//! O(files changed), not O(session size). A ledger across sessions remembers every file created in
//! Google Photos, per destination (Google account and OAuth client), so a later session into
//! the same destination over an overlapping range skips it as already there.

mod error;
mod memory;
mod sqlite;

pub use error::StoreError;
pub use memory::MemoryStore;
pub use sqlite::SqliteStore;

use crate::model::{
    Destination, DiscoveredItem, FileKey, ItemCounts, ItemRecord, ItemState, SessionId,
    SessionRecord, SessionSummary, StoredUpload,
};

/// What recording one discovery page did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Recorded {
    /// Files the session did not know before.
    pub inserted: usize,
    /// Files the page made movable: new and not skipped, or skipped while GoPro processed
    /// them and ready now. Files already waiting are not repeated.
    pub movable: Vec<FileKey>,
}

/// Checkpoints of sessions and their files.
pub trait SessionStore: Send + Sync {
    /// Stores a new session; fails with [`StoreError::AlreadyExists`] if the id is taken.
    fn create_session(&self, session: &SessionRecord) -> Result<(), StoreError>;

    /// The session, if it exists.
    fn load_session(&self, id: &SessionId) -> Result<Option<SessionRecord>, StoreError>;

    /// Replaces the session's own fields (status, cursor, album, timestamps); not its files.
    fn update_session(&self, session: &SessionRecord) -> Result<(), StoreError>;

    /// Every session with its counts, newest first.
    fn list_sessions(&self) -> Result<Vec<SessionSummary>, StoreError>;

    /// The most recently updated session that is not completed.
    fn latest_unfinished(&self) -> Result<Option<SessionId>, StoreError>;

    /// Records one discovery page in one transaction: inserts the files not yet known (files
    /// already recorded keep their state, so a re-walk is harmless), marks files created by an
    /// earlier session as skipped (already in Google Photos), and stores the cursor. Returns
    /// how many files were inserted and which files the page made movable, so the transfer
    /// can start on them while discovery goes on.
    fn record_discovery(
        &self,
        session: &SessionId,
        items: &[DiscoveredItem],
        next_cursor: u64,
        done: bool,
    ) -> Result<Recorded, StoreError>;

    /// Sets the state (and, when given, the size) of some files in one transaction. A file that
    /// becomes `Created` is also written to the ledger.
    fn set_states(&self, session: &SessionId, changes: &[StateChange]) -> Result<(), StoreError>;

    /// Every file of the session in discovery order.
    fn items(&self, session: &SessionId) -> Result<Vec<ItemRecord>, StoreError>;

    /// Counts of the session's files by state.
    fn counts(&self, session: &SessionId) -> Result<ItemCounts, StoreError>;

    /// The Google media item id of a file created by any session into `destination` (Google
    /// account and OAuth client; `None`: by sessions that have none yet), if any.
    fn ledger_lookup(
        &self,
        destination: Option<&Destination>,
        key: &FileKey,
    ) -> Result<Option<String>, StoreError>;

    /// Gives every session and ledger entry that has no destination yet (written before
    /// q2google knew accounts) to `destination`; returns how many sessions and entries.
    fn adopt_unowned(&self, destination: &Destination) -> Result<(usize, usize), StoreError>;

    /// Records the file's unfinished resumable upload. [`set_states`](Self::set_states)
    /// forgets it when the file gets its upload token (or is created or skipped).
    fn save_upload(
        &self,
        session: &SessionId,
        key: &FileKey,
        upload: &StoredUpload,
    ) -> Result<(), StoreError>;

    /// The file's unfinished resumable upload, if one is recorded.
    fn load_upload(
        &self,
        session: &SessionId,
        key: &FileKey,
    ) -> Result<Option<StoredUpload>, StoreError>;

    /// Forgets the file's unfinished upload (its session is gone: the file starts again).
    fn clear_upload(&self, session: &SessionId, key: &FileKey) -> Result<(), StoreError>;
}

/// One file's new state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StateChange {
    /// Which file.
    pub key: FileKey,
    /// Its new state.
    pub state: ItemState,
    /// Its size, when it became known.
    pub size: Option<u64>,
}

/// The key that stands for a medium until its files are known: discovery records a medium it
/// cannot describe (or that GoPro is still processing) under it.
pub(crate) fn placeholder_key(media_id: &str) -> FileKey {
    FileKey {
        media_id: media_id.to_string(),
        item_number: 1,
        label: crate::model::Rendition::Source,
    }
}

/// Placeholders a discovery page supersedes: media it describes with files of other keys (a
/// burst, a baked edit). A store drops such a placeholder when it is an unresolved failure or
/// skipped as still processing, so the medium's real files replace it instead of leaving a
/// failure (or a file forever "processing") behind.
pub(crate) fn superseded_placeholders(items: &[DiscoveredItem]) -> Vec<FileKey> {
    let keys: std::collections::HashSet<&FileKey> = items.iter().map(|i| &i.key).collect();
    let mut media: Vec<&str> = items.iter().map(|i| i.key.media_id.as_str()).collect();
    media.dedup();
    media
        .into_iter()
        .map(placeholder_key)
        .filter(|k| !keys.contains(k))
        .collect()
}
