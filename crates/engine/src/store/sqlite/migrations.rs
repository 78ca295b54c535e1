//! The schema's history: an ordered list of steps, each applied once, in one transaction.
//!
//! `PRAGMA user_version` is the number of steps applied and `PRAGMA application_id` marks the
//! file as q2google's. A step is never edited once released; a schema change is a new step.

use std::io::Read;
use std::path::Path;

use rusqlite::{Connection, OpenFlags, TransactionBehavior};

use super::{items, ledger, sessions, uploads, Fault};
use crate::store::StoreError;

/// `application_id` of a q2google database: the ASCII bytes `Q2GP`.
pub(super) const APPLICATION_ID: i32 = 0x5132_4750;

/// Each step's SQL, in order; step `n` (1-based) brings the schema to version `n`.
const STEPS: &[&[&str]] = &[
    &[sessions::SCHEMA_V1, items::SCHEMA_V1, ledger::SCHEMA_V1],
    &[uploads::SCHEMA_V2],
    &[sessions::SCHEMA_V3, ledger::SCHEMA_V3],
    &[sessions::SCHEMA_V4],
    &[sessions::SCHEMA_V5],
    &[items::SCHEMA_V6],
];

/// The schema version this build writes and the newest it can read.
pub(super) const SCHEMA_VERSION: i64 = STEPS.len() as i64;

/// The first bytes of every SQLite database file.
const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// Size of a SQLite database header.
const HEADER_LEN: usize = 100;

/// Checks an existing file without writing to it: not SQLite or another application's database →
/// [`StoreError::Corrupt`]; a newer schema → [`StoreError::TooNew`]. A missing or empty file passes.
pub(super) fn check_existing(path: &Path) -> Result<(), StoreError> {
    let io = |detail: String| StoreError::Io {
        path: path.to_path_buf(),
        detail,
    };
    let corrupt = |detail: String| StoreError::Corrupt {
        path: path.to_path_buf(),
        detail,
    };
    let file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(io(e.to_string())),
    };
    let mut header = Vec::with_capacity(HEADER_LEN);
    file.take(HEADER_LEN as u64)
        .read_to_end(&mut header)
        .map_err(|e| io(e.to_string()))?;
    if header.is_empty() {
        return Ok(());
    }
    if header.len() < HEADER_LEN || !header.starts_with(SQLITE_MAGIC) {
        return Err(corrupt("not a SQLite database".into()));
    }

    // The header in the main file can be older than the database (pages still in the WAL), so
    // ask SQLite itself, read-only.
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| super::map_err(path, e))?;
    let inspect = || -> rusqlite::Result<(i32, i64, i64)> {
        let app: i32 = conn.pragma_query_value(None, "application_id", |r| r.get(0))?;
        let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
        let tables: i64 = conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))?;
        Ok((app, version, tables))
    };
    let (app, version, tables) = inspect().map_err(|e| super::map_err(path, e))?;
    drop(conn);
    if app != 0 && app != APPLICATION_ID {
        return Err(corrupt(format!(
            "it belongs to another application (application_id {app:#x})"
        )));
    }
    if version > SCHEMA_VERSION {
        return Err(StoreError::TooNew {
            path: path.to_path_buf(),
            found: version,
            supported: SCHEMA_VERSION,
        });
    }
    if app == 0 && tables > 0 {
        return Err(corrupt(
            "it is a SQLite database of another application (no q2google application_id)".into(),
        ));
    }
    Ok(())
}

/// Fails (before anything is written) if the schema is newer than this build's.
pub(super) fn refuse_newer(conn: &Connection) -> Result<(), Fault> {
    let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if version > SCHEMA_VERSION {
        return Err(Fault::TooNew(version));
    }
    Ok(())
}

/// Applies the steps the database lacks, all in one transaction.
pub(super) fn migrate(conn: &mut Connection) -> Result<(), Fault> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let version: i64 = tx.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if version > SCHEMA_VERSION {
        return Err(Fault::TooNew(version));
    }
    if version == SCHEMA_VERSION {
        return Ok(tx.finish()?);
    }
    let from = usize::try_from(version).unwrap_or(0);
    for step in &STEPS[from..] {
        for sql in *step {
            tx.execute_batch(sql)?;
        }
    }
    tx.pragma_update(None, "application_id", APPLICATION_ID)?;
    tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
    Ok(tx.commit()?)
}
