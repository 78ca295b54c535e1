//! The session store in memory, for tests and the demo: the same semantics as
//! [`SqliteStore`](super::SqliteStore) (the same tests run against both), gone when dropped.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, MutexGuard};

use chrono::{DateTime, Utc};

use super::{Recorded, SessionStore, StateChange, StoreError};
use crate::model::{
    Destination, DiscoveredItem, FailureClass, FileKey, ItemCounts, ItemRecord, ItemState,
    SessionId, SessionRecord, SessionStatus, SessionSummary, SkipReason, StoredUpload,
};

/// The clock that stamps `updated_at` of the writes the trait does not give a time for.
type Clock = Box<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// An in-memory [`SessionStore`].
pub struct MemoryStore {
    state: Mutex<State>,
    now: Clock,
}

impl std::fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryStore").finish_non_exhaustive()
    }
}

impl Default for MemoryStore {
    fn default() -> Self {
        Self::new()
    }
}

#[derive(Default)]
struct State {
    sessions: BTreeMap<SessionId, Session>,
    /// Files created by any session, per destination (`None`: written before a run
    /// identified its destination): their Google media item id.
    ledger: HashMap<(Option<Destination>, FileKey), String>,
    /// Unfinished resumable uploads.
    uploads: HashMap<(SessionId, FileKey), StoredUpload>,
}

struct Session {
    record: SessionRecord,
    /// In discovery order: `items[i].position == i`.
    items: Vec<ItemRecord>,
    index: HashMap<FileKey, usize>,
}

impl MemoryStore {
    /// An empty store stamping times with the system clock.
    pub fn new() -> Self {
        Self {
            state: Mutex::new(State::default()),
            now: Box::new(Utc::now),
        }
    }

    /// Uses `now` instead of the system clock for the times the store stamps itself (a file's
    /// `updated_at`, a session's `updated_at` on discovery and state changes).
    pub fn with_clock(mut self, now: impl Fn() -> DateTime<Utc> + Send + Sync + 'static) -> Self {
        self.now = Box::new(now);
        self
    }

    /// The state; a panic elsewhere while holding it leaves it consistent (every call checks
    /// before it changes anything), so a poisoned lock is still usable.
    fn state(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl State {
    fn session(&self, id: &SessionId) -> Result<&Session, StoreError> {
        self.sessions
            .get(id)
            .ok_or_else(|| StoreError::UnknownSession(id.to_string()))
    }

    fn session_mut(&mut self, id: &SessionId) -> Result<&mut Session, StoreError> {
        self.sessions
            .get_mut(id)
            .ok_or_else(|| StoreError::UnknownSession(id.to_string()))
    }
}

impl Session {
    fn counts(&self) -> ItemCounts {
        let mut c = ItemCounts::default();
        for item in &self.items {
            c.total += 1;
            let size = item.size.unwrap_or(0);
            match item.state {
                ItemState::Discovered => c.discovered += 1,
                ItemState::Uploaded { .. } | ItemState::Creating { .. } => c.uploaded += 1,
                ItemState::Created { .. } => {
                    c.created += 1;
                    c.bytes_created += size;
                }
                ItemState::Failed { .. } => c.failed += 1,
                ItemState::Skipped { ref reason } => {
                    c.skipped += 1;
                    if matches!(reason, SkipReason::NotReady { .. }) {
                        c.processing += 1;
                    }
                }
            }
            if !matches!(item.state, ItemState::Skipped { .. }) {
                c.bytes_total += size;
            }
        }
        c
    }
}

impl SessionStore for MemoryStore {
    fn create_session(&self, session: &SessionRecord) -> Result<(), StoreError> {
        let mut state = self.state();
        if state.sessions.contains_key(&session.id) {
            return Err(StoreError::AlreadyExists(session.id.to_string()));
        }
        state.sessions.insert(
            session.id.clone(),
            Session {
                record: session.clone(),
                items: Vec::new(),
                index: HashMap::new(),
            },
        );
        Ok(())
    }

    fn load_session(&self, id: &SessionId) -> Result<Option<SessionRecord>, StoreError> {
        Ok(self.state().sessions.get(id).map(|s| s.record.clone()))
    }

    fn update_session(&self, session: &SessionRecord) -> Result<(), StoreError> {
        self.state().session_mut(&session.id)?.record = session.clone();
        Ok(())
    }

    fn list_sessions(&self) -> Result<Vec<SessionSummary>, StoreError> {
        let state = self.state();
        let mut list: Vec<SessionSummary> = state
            .sessions
            .values()
            .map(|s| SessionSummary {
                session: s.record.clone(),
                counts: s.counts(),
            })
            .collect();
        list.sort_by(|a, b| {
            (b.session.created_at, &b.session.id).cmp(&(a.session.created_at, &a.session.id))
        });
        Ok(list)
    }

    fn latest_unfinished(&self) -> Result<Option<SessionId>, StoreError> {
        Ok(self
            .state()
            .sessions
            .values()
            .filter(|s| s.record.status != SessionStatus::Completed)
            .max_by(|a, b| {
                (a.record.updated_at, &a.record.id).cmp(&(b.record.updated_at, &b.record.id))
            })
            .map(|s| s.record.id.clone()))
    }

    fn record_discovery(
        &self,
        session: &SessionId,
        items: &[DiscoveredItem],
        next_cursor: u64,
        done: bool,
    ) -> Result<Recorded, StoreError> {
        let now = (self.now)();
        let mut guard = self.state();
        let State {
            sessions, ledger, ..
        } = &mut *guard;
        let s = sessions
            .get_mut(session)
            .ok_or_else(|| StoreError::UnknownSession(session.to_string()))?;
        let mut recorded = Recorded::default();
        let destination = s.record.destination.clone();
        let superseded: Vec<FileKey> = super::superseded_placeholders(items)
            .into_iter()
            .filter(|k| {
                s.index.get(k).is_some_and(|&i| {
                    matches!(
                        s.items[i].state,
                        ItemState::Failed {
                            class: FailureClass::Unresolved,
                            ..
                        } | ItemState::Skipped {
                            reason: SkipReason::NotReady { .. }
                        }
                    )
                })
            })
            .collect();
        if !superseded.is_empty() {
            s.items.retain(|i| !superseded.contains(&i.key));
            s.index.clear();
            for (at, item) in s.items.iter_mut().enumerate() {
                item.position = at as u64;
                s.index.insert(item.key.clone(), at);
            }
        }
        for item in items {
            if let Some(&i) = s.index.get(&item.key) {
                // GoPro finished processing a file this session skipped for that: it moves now.
                // Or GoPro now describes a medium it failed to.
                let was_processing = matches!(
                    &s.items[i].state,
                    ItemState::Skipped {
                        reason: SkipReason::NotReady { .. }
                    } | ItemState::Failed {
                        class: FailureClass::Unresolved,
                        ..
                    }
                );
                let still = matches!(item.skip, Some(SkipReason::NotReady { .. }));
                if was_processing && !still {
                    let known = ledger.contains_key(&(destination.clone(), item.key.clone()));
                    let existing = &mut s.items[i];
                    existing.state = match (&item.skip, known) {
                        (_, true) => ItemState::Skipped {
                            reason: SkipReason::AlreadyInGooglePhotos,
                        },
                        (Some(reason), false) => ItemState::Skipped {
                            reason: reason.clone(),
                        },
                        (None, false) => {
                            recorded.movable.push(item.key.clone());
                            ItemState::Discovered
                        }
                    };
                    existing.filename = item.filename.clone();
                    existing.kind = item.kind;
                    existing.captured_at = item.captured_at;
                    existing.size = item.size;
                    existing.updated_at = now;
                }
                continue;
            }
            let state = if ledger.contains_key(&(destination.clone(), item.key.clone())) {
                ItemState::Skipped {
                    reason: SkipReason::AlreadyInGooglePhotos,
                }
            } else if let Some(reason) = &item.skip {
                ItemState::Skipped {
                    reason: reason.clone(),
                }
            } else {
                recorded.movable.push(item.key.clone());
                ItemState::Discovered
            };
            let position = s.items.len();
            s.index.insert(item.key.clone(), position);
            s.items.push(ItemRecord {
                key: item.key.clone(),
                filename: item.filename.clone(),
                kind: item.kind,
                captured_at: item.captured_at,
                size: item.size,
                state,
                position: position as u64,
                local_clock: item.local_clock,
                updated_at: now,
            });
            recorded.inserted += 1;
        }
        s.record.discovery_cursor = next_cursor;
        s.record.discovery_done = done;
        s.record.updated_at = now;
        Ok(recorded)
    }

    fn set_states(&self, session: &SessionId, changes: &[StateChange]) -> Result<(), StoreError> {
        let now = (self.now)();
        let mut guard = self.state();
        let State {
            sessions,
            ledger,
            uploads,
        } = &mut *guard;
        let s = sessions
            .get_mut(session)
            .ok_or_else(|| StoreError::UnknownSession(session.to_string()))?;
        for change in changes {
            let Some(&i) = s.index.get(&change.key) else {
                tracing::warn!(
                    session = %session,
                    file = %change.key,
                    "state change for a file the session does not have; ignored"
                );
                continue;
            };
            let item = &mut s.items[i];
            item.state = change.state.clone();
            if let Some(size) = change.size {
                item.size = Some(size);
            }
            item.updated_at = now;
            if change.state.has_token_or_is_final() {
                uploads.remove(&(session.clone(), change.key.clone()));
            }
            if let ItemState::Created { media_item_id, .. } = &change.state {
                ledger.insert(
                    (s.record.destination.clone(), change.key.clone()),
                    media_item_id.clone(),
                );
            }
        }
        if !changes.is_empty() {
            s.record.updated_at = now;
        }
        Ok(())
    }

    fn items(&self, session: &SessionId) -> Result<Vec<ItemRecord>, StoreError> {
        Ok(self.state().session(session)?.items.clone())
    }

    fn counts(&self, session: &SessionId) -> Result<ItemCounts, StoreError> {
        Ok(self.state().session(session)?.counts())
    }

    fn ledger_lookup(
        &self,
        destination: Option<&Destination>,
        key: &FileKey,
    ) -> Result<Option<String>, StoreError> {
        let key = (destination.cloned(), key.clone());
        Ok(self.state().ledger.get(&key).cloned())
    }

    fn adopt_unowned(&self, destination: &Destination) -> Result<(usize, usize), StoreError> {
        let mut state = self.state();
        let mut sessions = 0;
        for s in state.sessions.values_mut() {
            if s.record.destination.is_none() {
                s.record.destination = Some(destination.clone());
                sessions += 1;
            }
        }
        let unowned: Vec<FileKey> = state
            .ledger
            .keys()
            .filter(|(d, _)| d.is_none())
            .map(|(_, k)| k.clone())
            .collect();
        let mut entries = 0;
        for key in unowned {
            let id = state.ledger.remove(&(None, key.clone())).expect("listed");
            if let std::collections::hash_map::Entry::Vacant(slot) =
                state.ledger.entry((Some(destination.clone()), key))
            {
                slot.insert(id);
                entries += 1;
            }
        }
        Ok((sessions, entries))
    }

    fn save_upload(
        &self,
        session: &SessionId,
        key: &FileKey,
        upload: &StoredUpload,
    ) -> Result<(), StoreError> {
        let mut state = self.state();
        if !state.sessions.contains_key(session) {
            return Err(StoreError::UnknownSession(session.to_string()));
        }
        state
            .uploads
            .insert((session.clone(), key.clone()), upload.clone());
        Ok(())
    }

    fn load_upload(
        &self,
        session: &SessionId,
        key: &FileKey,
    ) -> Result<Option<StoredUpload>, StoreError> {
        Ok(self
            .state()
            .uploads
            .get(&(session.clone(), key.clone()))
            .cloned())
    }

    fn clear_upload(&self, session: &SessionId, key: &FileKey) -> Result<(), StoreError> {
        self.state().uploads.remove(&(session.clone(), key.clone()));
        Ok(())
    }
}
