//! The `uploads` table: each file's unfinished resumable upload (its session URL, sealed by the
//! [`UploadVault`](crate::vault::UploadVault), and the file's size), so a killed, paused or
//! rebooted run continues the file from the byte Google holds. A row lives from the upload's
//! start until the file's token is checkpointed.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};

use super::codec;
use crate::model::{FileKey, SessionId, StoredUpload};

/// Schema step 2.
pub(super) const SCHEMA_V2: &str = "
CREATE TABLE uploads (
    session_id  TEXT NOT NULL,
    media_id    TEXT NOT NULL,
    item_number INTEGER NOT NULL,
    label       TEXT NOT NULL,
    sealed_url  BLOB NOT NULL,
    total       INTEGER NOT NULL,
    started_at  TEXT NOT NULL,
    PRIMARY KEY (session_id, media_id, item_number, label)
);
";

/// Records (or replaces) the file's unfinished upload.
pub(super) fn save(
    conn: &Connection,
    session: &SessionId,
    key: &FileKey,
    upload: &StoredUpload,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT OR REPLACE INTO uploads (session_id, media_id, item_number, label, sealed_url, \
         total, started_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        session.as_str(),
        key.media_id,
        key.item_number,
        key.label,
        upload.sealed_url,
        upload.total as i64,
        codec::time(&upload.started_at),
    ])?;
    Ok(())
}

/// The file's unfinished upload, if one is recorded.
pub(super) fn load(
    conn: &Connection,
    session: &SessionId,
    key: &FileKey,
) -> rusqlite::Result<Option<StoredUpload>> {
    conn.prepare_cached(
        "SELECT sealed_url, total, started_at FROM uploads WHERE session_id = ?1 AND \
         media_id = ?2 AND item_number = ?3 AND label = ?4",
    )?
    .query_row(
        params![session.as_str(), key.media_id, key.item_number, key.label],
        |r| {
            let started: String = r.get(2)?;
            Ok(StoredUpload {
                sealed_url: r.get(0)?,
                total: r.get::<_, i64>(1)?.max(0) as u64,
                started_at: DateTime::parse_from_rfc3339(&started)
                    .map(|t| t.with_timezone(&Utc))
                    .unwrap_or_default(),
            })
        },
    )
    .optional()
}

/// Forgets the file's unfinished upload (done, or to be started again).
pub(super) fn clear(conn: &Connection, session: &SessionId, key: &FileKey) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "DELETE FROM uploads WHERE session_id = ?1 AND media_id = ?2 AND item_number = ?3 AND \
         label = ?4",
    )?
    .execute(params![
        session.as_str(),
        key.media_id,
        key.item_number,
        key.label
    ])?;
    Ok(())
}
