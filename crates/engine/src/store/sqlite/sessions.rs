//! The `sessions` table: one row per session, its settings frozen as JSON.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};

use super::codec::{self, get_date, get_json, get_opt_time, get_time};
use super::items;
use crate::model::{
    Destination, GoogleAccount, SessionId, SessionRecord, SessionStatus, SessionSummary, StopCause,
};

/// Schema step 1.
pub(super) const SCHEMA_V1: &str = "
CREATE TABLE sessions (
    id                TEXT PRIMARY KEY NOT NULL,
    range_from        TEXT NOT NULL,
    range_to          TEXT NOT NULL,
    settings          TEXT NOT NULL,
    status            TEXT NOT NULL,
    status_reason     TEXT,
    quota_resets_at   TEXT,
    discovery_cursor  INTEGER NOT NULL,
    discovery_done    INTEGER NOT NULL,
    album_id          TEXT,
    album_url         TEXT,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    finished_at       TEXT,
    bytes_transferred INTEGER NOT NULL
);
CREATE INDEX sessions_by_created ON sessions (created_at, id);
CREATE INDEX sessions_by_updated ON sessions (updated_at, id);
";

/// Schema step 3: the Google account and OAuth client a session moves into (`NULL` until its
/// first run identifies them; sessions from before step 3 are adopted by the first identified
/// run, see [`adopt_unowned`]).
pub(super) const SCHEMA_V3: &str = "
ALTER TABLE sessions ADD COLUMN google_account TEXT;
ALTER TABLE sessions ADD COLUMN google_email TEXT;
ALTER TABLE sessions ADD COLUMN google_client TEXT;
";

/// Schema step 4: a session's albums past Google's 20,000 items per album.
pub(super) const SCHEMA_V4: &str = "
ALTER TABLE sessions ADD COLUMN album_items INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN earlier_albums TEXT NOT NULL DEFAULT '[]';
";

/// Schema step 5: why a session is not moving, as a kind (sessions stopped before step 5 have
/// none, and are treated as a person's pause).
pub(super) const SCHEMA_V5: &str = "
ALTER TABLE sessions ADD COLUMN stop_cause TEXT;
";

/// The columns [`from_row`] reads, in order (prefixed with `s.`).
macro_rules! columns {
    () => {
        "s.id, s.range_from, s.range_to, s.settings, s.status, s.status_reason, \
         s.quota_resets_at, s.discovery_cursor, s.discovery_done, s.album_id, s.album_url, \
         s.created_at, s.updated_at, s.finished_at, s.bytes_transferred, s.google_account, \
         s.google_email, s.google_client, s.album_items, s.earlier_albums, s.stop_cause"
    };
}

/// Number of columns [`columns!`] names.
const COLUMNS: usize = 21;

/// Whether the session exists.
pub(super) fn exists(conn: &Connection, id: &SessionId) -> rusqlite::Result<bool> {
    conn.prepare_cached("SELECT 1 FROM sessions WHERE id = ?1")?
        .exists([id.as_str()])
}

/// Inserts a new session (the caller checked the id is free).
pub(super) fn insert(conn: &Connection, s: &SessionRecord) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO sessions (id, range_from, range_to, settings, status, status_reason, \
         quota_resets_at, discovery_cursor, discovery_done, album_id, album_url, created_at, \
         updated_at, finished_at, bytes_transferred, google_account, google_email, \
         google_client, album_items, earlier_albums, stop_cause) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, \
         ?19, ?20, ?21)",
    )?
    .execute(params![
        s.id.as_str(),
        codec::date(&s.range_from),
        codec::date(&s.range_to),
        codec::json(&s.settings)?,
        s.status.as_str(),
        s.status_reason,
        codec::opt_time(s.quota_resets_at.as_ref()),
        s.discovery_cursor,
        s.discovery_done,
        s.album_id,
        s.album_url,
        codec::time(&s.created_at),
        codec::time(&s.updated_at),
        codec::opt_time(s.finished_at.as_ref()),
        s.bytes_transferred,
        s.destination.as_ref().map(|d| &d.account.id),
        s.destination.as_ref().map(|d| &d.account.email),
        s.destination.as_ref().map(|d| &d.client_id),
        s.album_items,
        codec::json(&s.earlier_albums)?,
        s.stop_cause.map(StopCause::as_str),
    ])?;
    Ok(())
}

/// Replaces every field of an existing session; `false` if there is none with its id.
pub(super) fn update(conn: &Connection, s: &SessionRecord) -> rusqlite::Result<bool> {
    let changed = conn
        .prepare_cached(
            "UPDATE sessions SET range_from = ?2, range_to = ?3, settings = ?4, status = ?5, \
             status_reason = ?6, quota_resets_at = ?7, discovery_cursor = ?8, \
             discovery_done = ?9, album_id = ?10, album_url = ?11, created_at = ?12, \
             updated_at = ?13, finished_at = ?14, bytes_transferred = ?15, \
             google_account = ?16, google_email = ?17, google_client = ?18, \
             album_items = ?19, earlier_albums = ?20, stop_cause = ?21 WHERE id = ?1",
        )?
        .execute(params![
            s.id.as_str(),
            codec::date(&s.range_from),
            codec::date(&s.range_to),
            codec::json(&s.settings)?,
            s.status.as_str(),
            s.status_reason,
            codec::opt_time(s.quota_resets_at.as_ref()),
            s.discovery_cursor,
            s.discovery_done,
            s.album_id,
            s.album_url,
            codec::time(&s.created_at),
            codec::time(&s.updated_at),
            codec::opt_time(s.finished_at.as_ref()),
            s.bytes_transferred,
            s.destination.as_ref().map(|d| &d.account.id),
            s.destination.as_ref().map(|d| &d.account.email),
            s.destination.as_ref().map(|d| &d.client_id),
            s.album_items,
            codec::json(&s.earlier_albums)?,
            s.stop_cause.map(StopCause::as_str),
        ])?;
    Ok(changed == 1)
}

/// Stores discovery's progress and stamps the session as changed.
pub(super) fn set_discovery(
    conn: &Connection,
    id: &SessionId,
    next_cursor: u64,
    done: bool,
    now: DateTime<Utc>,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "UPDATE sessions SET discovery_cursor = ?2, discovery_done = ?3, updated_at = ?4 \
         WHERE id = ?1",
    )?
    .execute(params![id.as_str(), next_cursor, done, codec::time(&now)])?;
    Ok(())
}

/// Stamps the session as changed.
pub(super) fn touch(conn: &Connection, id: &SessionId, now: DateTime<Utc>) -> rusqlite::Result<()> {
    conn.prepare_cached("UPDATE sessions SET updated_at = ?2 WHERE id = ?1")?
        .execute(params![id.as_str(), codec::time(&now)])?;
    Ok(())
}

/// The session, if any.
pub(super) fn load(conn: &Connection, id: &SessionId) -> rusqlite::Result<Option<SessionRecord>> {
    conn.prepare_cached(concat!(
        "SELECT ",
        columns!(),
        " FROM sessions s WHERE s.id = ?1"
    ))?
    .query_row([id.as_str()], from_row)
    .optional()
}

/// Every session with its counts, newest first: one query, grouped.
pub(super) fn list(conn: &Connection) -> rusqlite::Result<Vec<SessionSummary>> {
    let mut stmt = conn.prepare_cached(concat!(
        "SELECT ",
        columns!(),
        ", ",
        items_counts_columns!(),
        " FROM sessions s LEFT JOIN items i ON i.session_id = s.id \
         GROUP BY s.id ORDER BY s.created_at DESC, s.id DESC"
    ))?;
    let rows = stmt.query_map([], |row| {
        Ok(SessionSummary {
            session: from_row(row)?,
            counts: items::counts_from_row(row, COLUMNS)?,
        })
    })?;
    rows.collect()
}

/// The most recently changed session that is not completed.
pub(super) fn latest_unfinished(conn: &Connection) -> rusqlite::Result<Option<SessionId>> {
    let id: Option<String> = conn
        .prepare_cached(
            "SELECT id FROM sessions WHERE status != ?1 ORDER BY updated_at DESC, id DESC LIMIT 1",
        )?
        .query_row([SessionStatus::Completed.as_str()], |r| r.get(0))
        .optional()?;
    id.map(|id| SessionId::new(id).map_err(|e| codec::bad(0, e.to_string())))
        .transpose()
}

fn from_row(row: &Row<'_>) -> rusqlite::Result<SessionRecord> {
    let id: String = row.get(0)?;
    let status: String = row.get(4)?;
    let cause: Option<String> = row.get(20)?;
    let stop_cause = cause
        .map(|c| {
            StopCause::parse(&c).ok_or_else(|| codec::bad(20, format!("unknown stop cause {c:?}")))
        })
        .transpose()?;
    Ok(SessionRecord {
        id: SessionId::new(id).map_err(|e| codec::bad(0, e.to_string()))?,
        range_from: get_date(row, 1)?,
        range_to: get_date(row, 2)?,
        settings: get_json(row, 3)?,
        status: SessionStatus::parse(&status)
            .ok_or_else(|| codec::bad(4, format!("unknown session status {status:?}")))?,
        status_reason: row.get(5)?,
        quota_resets_at: get_opt_time(row, 6)?,
        stop_cause,
        discovery_cursor: row.get(7)?,
        discovery_done: row.get(8)?,
        album_id: row.get(9)?,
        album_url: row.get(10)?,
        created_at: get_time(row, 11)?,
        updated_at: get_time(row, 12)?,
        finished_at: get_opt_time(row, 13)?,
        bytes_transferred: row.get(14)?,
        destination: destination_from_row(row, 15)?,
        album_items: row.get(18)?,
        earlier_albums: get_json(row, 19)?,
    })
}

/// The destination in columns `at..at + 3` (account id, email, client id), if identified.
fn destination_from_row(row: &Row<'_>, at: usize) -> rusqlite::Result<Option<Destination>> {
    let id: Option<String> = row.get(at)?;
    let email: Option<String> = row.get(at + 1)?;
    let client: Option<String> = row.get(at + 2)?;
    Ok(match (id, client) {
        (Some(id), Some(client_id)) => Some(Destination {
            account: GoogleAccount {
                id,
                email: email.unwrap_or_default(),
            },
            client_id,
        }),
        _ => None,
    })
}

/// Gives every session no run has identified yet (those written before schema step 3) to
/// `destination`; returns how many.
pub(super) fn adopt_unowned(
    conn: &Connection,
    destination: &Destination,
) -> rusqlite::Result<usize> {
    conn.prepare_cached(
        "UPDATE sessions SET google_account = ?1, google_email = ?2, google_client = ?3 \
         WHERE google_account IS NULL",
    )?
    .execute(params![
        destination.account.id,
        destination.account.email,
        destination.client_id
    ])
}
