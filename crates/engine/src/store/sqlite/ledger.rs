//! The `ledger` table: every file any session created in Google Photos, kept across sessions so a
//! later session over an overlapping range skips it instead of creating a duplicate. Since
//! schema step 3 each entry belongs to a destination (Google account and OAuth client): a file
//! moved into one account is moved again into another, and a session only sees the entries of
//! its own destination.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};

use super::codec;
use crate::model::{Destination, FileKey, SessionId};

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

/// Schema step 3: entries keyed by destination too. Entries from before it get an empty account
/// and client (unknown), until the first identified run adopts them ([`adopt_unowned`]).
pub(super) const SCHEMA_V3: &str = "
CREATE TABLE ledger_v3 (
    google_account TEXT NOT NULL,
    google_client  TEXT NOT NULL,
    media_id       TEXT NOT NULL,
    item_number    INTEGER NOT NULL,
    label          TEXT NOT NULL,
    media_item_id  TEXT NOT NULL,
    product_url    TEXT,
    session_id     TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    PRIMARY KEY (google_account, google_client, media_id, item_number, label)
);
INSERT INTO ledger_v3 SELECT '', '', media_id, item_number, label, media_item_id, product_url,
    session_id, created_at FROM ledger;
DROP TABLE ledger;
ALTER TABLE ledger_v3 RENAME TO ledger;
";

/// The Google media item id of the file, if a session created it in `destination` (`None`:
/// among the entries that have none yet).
pub(super) fn lookup(
    conn: &Connection,
    destination: Option<&Destination>,
    key: &FileKey,
) -> rusqlite::Result<Option<String>> {
    let (account, client) = destination
        .map(|d| (d.account.id.as_str(), d.client_id.as_str()))
        .unwrap_or(("", ""));
    conn.prepare_cached(
        "SELECT media_item_id FROM ledger WHERE google_account = ?1 AND google_client = ?2 \
         AND media_id = ?3 AND item_number = ?4 AND label = ?5",
    )?
    .query_row(
        params![account, client, key.media_id, key.item_number, key.label],
        |r| r.get(0),
    )
    .optional()
}

/// Gives the entries from before schema step 3 (no destination) to `destination`.
pub(super) fn adopt_unowned(
    conn: &Connection,
    destination: &Destination,
) -> rusqlite::Result<usize> {
    // An entry the destination already has wins over the unowned copy.
    let adopted = conn
        .prepare_cached(
            "UPDATE OR IGNORE ledger SET google_account = ?1, google_client = ?2 \
             WHERE google_account = '' AND google_client = ''",
        )?
        .execute(params![destination.account.id, destination.client_id])?;
    conn.prepare_cached("DELETE FROM ledger WHERE google_account = '' AND google_client = ''")?
        .execute([])?;
    Ok(adopted)
}

/// Remembers that `session` created the file as `media_item_id` in its destination (the newest
/// creation wins).
pub(super) fn record(
    conn: &Connection,
    key: &FileKey,
    media_item_id: &str,
    product_url: Option<&str>,
    session: &SessionId,
    now: DateTime<Utc>,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO ledger (google_account, google_client, media_id, item_number, label, \
         media_item_id, product_url, session_id, created_at) \
         SELECT COALESCE(s.google_account, ''), COALESCE(s.google_client, ''), \
         ?1, ?2, ?3, ?4, ?5, ?6, ?7 FROM sessions s WHERE s.id = ?6 \
         ON CONFLICT (google_account, google_client, media_id, item_number, label) DO UPDATE SET \
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
