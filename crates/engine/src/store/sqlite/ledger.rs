//! The `ledger` table: every file any session created in Google Photos, kept across sessions so a
//! later session over an overlapping range skips it instead of creating a duplicate.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};

use super::codec;
use crate::model::{FileKey, SessionId};

/// Schema step 1. No foreign key to `sessions`: the ledger outlives the sessions that wrote it.
pub(super) const SCHEMA_V1: &str = "
CREATE TABLE ledger (
    media_id      TEXT NOT NULL,
    item_number   INTEGER NOT NULL,
    label         TEXT NOT NULL,
    media_item_id TEXT NOT NULL,
    product_url   TEXT,
    session_id    TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    PRIMARY KEY (media_id, item_number, label)
);
";

/// The Google media item id of the file, if a session created it.
pub(super) fn lookup(conn: &Connection, key: &FileKey) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached(
        "SELECT media_item_id FROM ledger WHERE media_id = ?1 AND item_number = ?2 AND label = ?3",
    )?
    .query_row(params![key.media_id, key.item_number, key.label], |r| {
        r.get(0)
    })
    .optional()
}

/// Remembers that `session` created the file as `media_item_id` (the newest creation wins).
pub(super) fn record(
    conn: &Connection,
    key: &FileKey,
    media_item_id: &str,
    product_url: Option<&str>,
    session: &SessionId,
    now: DateTime<Utc>,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO ledger (media_id, item_number, label, media_item_id, product_url, \
         session_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) \
         ON CONFLICT (media_id, item_number, label) DO UPDATE SET \
         media_item_id = excluded.media_item_id, product_url = excluded.product_url, \
         session_id = excluded.session_id, created_at = excluded.created_at",
    )?
    .execute(params![
        key.media_id,
        key.item_number,
        key.label,
        media_item_id,
        product_url,
        session.as_str(),
        codec::time(&now),
    ])?;
    Ok(())
}
