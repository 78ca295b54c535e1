//! The session store on disk: one SQLite file in the data folder.
//!
//! One connection behind a mutex; every write is one `BEGIN IMMEDIATE` transaction whose cost
//! depends on the files it changes, never on the size of the session (indexed lookups, statements
//! cached with `prepare_cached`). WAL journal with `synchronous=NORMAL`: a checkpoint survives a
//! crash of q2google, and at worst the last checkpoints are lost to a power cut.
//!
//! Opening never harms a file it does not understand: a file that is not SQLite, or a SQLite
//! database of another application, is reported as [`StoreError::Corrupt`], and one written by a
//! newer q2google as [`StoreError::TooNew`]; both are checked on a read-only connection before the
//! file is opened for writing.
//!
//! One module per table (`sessions`, `items`, `ledger`), each with its schema; `migrations`
//! applies them in order. Times are RFC 3339 text in UTC with nine fraction digits, so they
//! round-trip exactly and sort as text.

mod codec;
#[macro_use]
mod items;
mod ledger;
mod migrations;
mod sessions;
mod uploads;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, ErrorCode, OpenFlags, TransactionBehavior};

use super::{Recorded, SessionStore, StateChange, StoreError};
use crate::model::{
    Destination, DiscoveredItem, FileKey, ItemCounts, ItemRecord, SessionId, SessionRecord,
    SessionSummary, StoredUpload,
};

/// How long a write waits for another connection's lock before giving up with
/// [`StoreError::Busy`].
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Enough for every statement the store prepares, so none is ever evicted and re-parsed.
const STATEMENT_CACHE: usize = 32;

/// The clock that stamps `updated_at` of the writes the trait does not give a time for.
type Clock = Box<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// The SQLite session store (see the module docs).
pub struct SqliteStore {
    conn: Mutex<Connection>,
    path: PathBuf,
    now: Clock,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl SqliteStore {
    /// Opens (or creates, with its parent folders) the database at `path` and brings its schema
    /// up to date.
    ///
    /// Fails with [`StoreError::Corrupt`] for a file that is not a q2google database and
    /// [`StoreError::TooNew`] for one written by a newer q2google, in both cases without writing
    /// to it; [`StoreError::Busy`] when another process holds it; [`StoreError::Io`] when the
    /// folder or file cannot be created or written.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| StoreError::Io {
                path: path.to_path_buf(),
                detail: format!("cannot create the folder {}: {e}", parent.display()),
            })?;
        }
        migrations::check_existing(path)?;
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| map_err(path, e))?;
        Self::setup(conn, path.to_path_buf(), true)
    }

    /// A fresh database in memory, gone when dropped (for tests and the demo).
    pub fn open_in_memory() -> Result<Self, StoreError> {
        let path = PathBuf::from(":memory:");
        let conn = Connection::open_in_memory().map_err(|e| map_err(&path, e))?;
        Self::setup(conn, path, false)
    }

    /// Uses `now` instead of the system clock for the times the store stamps itself (a file's
    /// `updated_at`, a session's `updated_at` on discovery and state changes, ledger entries).
    pub fn with_clock(mut self, now: impl Fn() -> DateTime<Utc> + Send + Sync + 'static) -> Self {
        self.now = Box::new(now);
        self
    }

    /// The database file (`:memory:` for an in-memory store).
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn setup(mut conn: Connection, path: PathBuf, wal: bool) -> Result<Self, StoreError> {
        let configure = |conn: &mut Connection| -> Result<(), Fault> {
            conn.busy_timeout(BUSY_TIMEOUT)?;
            conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
            conn.pragma_update(None, "foreign_keys", true)?;
            // Checked again under the write lock before anything is written.
            migrations::refuse_newer(conn)?;
            if wal {
                let mode: String =
                    conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
                if !mode.eq_ignore_ascii_case("wal") {
                    return Err(Fault::Io(format!(
                        "the journal stays in {mode} mode instead of WAL"
                    )));
                }
            }
            conn.pragma_update(None, "synchronous", "NORMAL")?;
            migrations::migrate(conn)
        };
        configure(&mut conn).map_err(|e| e.into_store(&path))?;
        Ok(Self {
            conn: Mutex::new(conn),
            path,
            now: Box::new(Utc::now),
        })
    }

    /// The connection; a panic in another thread while holding it leaves no transaction open
    /// (an unfinished transaction rolls back on drop), so a poisoned lock is still usable.
    fn conn(&self) -> MutexGuard<'_, Connection> {
        self.conn
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs `f` in one immediate (write-locking) transaction and commits it.
    fn write<T>(
        &self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T, Fault>,
    ) -> Result<T, StoreError> {
        let mut conn = self.conn();
        let run = || -> Result<T, Fault> {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let out = f(&tx)?;
            tx.commit()?;
            Ok(out)
        };
        run().map_err(|e| e.into_store(&self.path))
    }

    /// Runs `f` in one read transaction, so it sees one consistent snapshot.
    fn read<T>(
        &self,
        f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T, Fault>,
    ) -> Result<T, StoreError> {
        let mut conn = self.conn();
        let run = || -> Result<T, Fault> {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Deferred)?;
            let out = f(&tx)?;
            tx.finish()?;
            Ok(out)
        };
        run().map_err(|e| e.into_store(&self.path))
    }
}

/// Why a store call failed before it is given the database path.
enum Fault {
    /// SQLite (or decoding what it returned) failed.
    Sql(rusqlite::Error),
    /// The call named a session that does not exist.
    UnknownSession(String),
    /// The call would create a session that exists.
    AlreadyExists(String),
    /// The database has this newer schema version.
    TooNew(i64),
    /// Something other than SQLite went wrong with the file.
    Io(String),
}

impl From<rusqlite::Error> for Fault {
    fn from(e: rusqlite::Error) -> Self {
        Fault::Sql(e)
    }
}

impl Fault {
    fn into_store(self, path: &Path) -> StoreError {
        match self {
            Fault::Sql(e) => map_err(path, e),
            Fault::UnknownSession(id) => StoreError::UnknownSession(id),
            Fault::AlreadyExists(id) => StoreError::AlreadyExists(id),
            Fault::Io(detail) => StoreError::Io {
                path: path.to_path_buf(),
                detail,
            },
            Fault::TooNew(found) => StoreError::TooNew {
                path: path.to_path_buf(),
                found,
                supported: migrations::SCHEMA_VERSION,
            },
        }
    }
}

/// Classifies a SQLite failure for a person: busy, damaged, or cannot write.
fn map_err(path: &Path, e: rusqlite::Error) -> StoreError {
    let path = path.to_path_buf();
    let corrupt = |detail: String| StoreError::Corrupt {
        path: path.clone(),
        detail,
    };
    match &e {
        rusqlite::Error::SqliteFailure(failure, _) => match failure.code {
            ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked => StoreError::Busy { path },
            ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase => corrupt(e.to_string()),
            _ => StoreError::Io {
                path,
                detail: e.to_string(),
            },
        },
        rusqlite::Error::FromSqlConversionFailure(..)
        | rusqlite::Error::IntegralValueOutOfRange(..)
        | rusqlite::Error::InvalidColumnType(..)
        | rusqlite::Error::Utf8Error(..) => corrupt(e.to_string()),
        _ => StoreError::Io {
            path,
            detail: e.to_string(),
        },
    }
}

/// Fails with [`Fault::UnknownSession`] unless the session exists.
fn require_session(conn: &Connection, id: &SessionId) -> Result<(), Fault> {
    if sessions::exists(conn, id)? {
        Ok(())
    } else {
        Err(Fault::UnknownSession(id.to_string()))
    }
}

impl SessionStore for SqliteStore {
    fn create_session(&self, session: &SessionRecord) -> Result<(), StoreError> {
        self.write(|tx| {
            if sessions::exists(tx, &session.id)? {
                return Err(Fault::AlreadyExists(session.id.to_string()));
            }
            sessions::insert(tx, session)?;
            Ok(())
        })
    }

    fn load_session(&self, id: &SessionId) -> Result<Option<SessionRecord>, StoreError> {
        self.read(|tx| Ok(sessions::load(tx, id)?))
    }

    fn update_session(&self, session: &SessionRecord) -> Result<(), StoreError> {
        self.write(|tx| {
            if sessions::update(tx, session)? {
                Ok(())
            } else {
                Err(Fault::UnknownSession(session.id.to_string()))
            }
        })
    }

    fn list_sessions(&self) -> Result<Vec<SessionSummary>, StoreError> {
        self.read(|tx| Ok(sessions::list(tx)?))
    }

    fn latest_unfinished(&self) -> Result<Option<SessionId>, StoreError> {
        self.read(|tx| Ok(sessions::latest_unfinished(tx)?))
    }

    fn record_discovery(
        &self,
        session: &SessionId,
        items: &[DiscoveredItem],
        next_cursor: u64,
        done: bool,
    ) -> Result<Recorded, StoreError> {
        let now = (self.now)();
        self.write(|tx| {
            require_session(tx, session)?;
            let mut position = items::next_position(tx, session)?;
            let destination = sessions::load(tx, session)?.and_then(|s| s.destination);
            let mut recorded = Recorded::default();
            for key in super::superseded_placeholders(items) {
                items::drop_unresolved(tx, session, &key)?;
            }
            for item in items {
                let in_ledger = ledger::lookup(tx, destination.as_ref(), &item.key)?.is_some();
                let done = items::insert_discovered(tx, session, item, in_ledger, position, now)?;
                if done.new {
                    position += 1;
                    recorded.inserted += 1;
                }
                if done.movable {
                    recorded.movable.push(item.key.clone());
                }
            }
            sessions::set_discovery(tx, session, next_cursor, done, now)?;
            Ok(recorded)
        })
    }

    fn set_states(&self, session: &SessionId, changes: &[StateChange]) -> Result<(), StoreError> {
        let now = (self.now)();
        self.write(|tx| {
            require_session(tx, session)?;
            for change in changes {
                if !items::set_state(tx, session, change, now)? {
                    tracing::warn!(
                        session = %session,
                        file = %change.key,
                        "state change for a file the session does not have; ignored"
                    );
                    continue;
                }
                if change.state.has_token_or_is_final() {
                    uploads::clear(tx, session, &change.key)?;
                }
                if let crate::model::ItemState::Created {
                    media_item_id,
                    product_url,
                } = &change.state
                {
                    ledger::record(
                        tx,
                        &change.key,
                        media_item_id,
                        product_url.as_deref(),
                        session,
                        now,
                    )?;
                }
            }
            if !changes.is_empty() {
                sessions::touch(tx, session, now)?;
            }
            Ok(())
        })
    }

    fn items(&self, session: &SessionId) -> Result<Vec<ItemRecord>, StoreError> {
        self.read(|tx| {
            require_session(tx, session)?;
            Ok(items::all(tx, session)?)
        })
    }

    fn counts(&self, session: &SessionId) -> Result<ItemCounts, StoreError> {
        self.read(|tx| {
            require_session(tx, session)?;
            Ok(items::counts(tx, session)?)
        })
    }

    fn ledger_lookup(
        &self,
        destination: Option<&Destination>,
        key: &FileKey,
    ) -> Result<Option<String>, StoreError> {
        self.read(|tx| Ok(ledger::lookup(tx, destination, key)?))
    }

    fn adopt_unowned(&self, destination: &Destination) -> Result<(usize, usize), StoreError> {
        self.write(|tx| {
            let sessions = sessions::adopt_unowned(tx, destination)?;
            let entries = ledger::adopt_unowned(tx, destination)?;
            Ok((sessions, entries))
        })
    }

    fn save_upload(
        &self,
        session: &SessionId,
        key: &FileKey,
        upload: &StoredUpload,
    ) -> Result<(), StoreError> {
        self.write(|tx| {
            require_session(tx, session)?;
            Ok(uploads::save(tx, session, key, upload)?)
        })
    }

    fn load_upload(
        &self,
        session: &SessionId,
        key: &FileKey,
    ) -> Result<Option<StoredUpload>, StoreError> {
        self.read(|tx| Ok(uploads::load(tx, session, key)?))
    }

    fn clear_upload(&self, session: &SessionId, key: &FileKey) -> Result<(), StoreError> {
        self.write(|tx| Ok(uploads::clear(tx, session, key)?))
    }
}
