//! The `items` table: one row per file of a session, its state's name and fields as columns.
//!
//! Keyed by session and [`FileKey`]; indexed by `(session_id, state)` for counts and by
//! `(session_id, position)` for discovery order, so a checkpoint touches only its rows.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, Row};

use super::codec::{self, get_json, get_kind, get_opt_json, get_opt_time, get_time};
use crate::model::{
    DiscoveredItem, FailureClass, FileKey, ItemCounts, ItemRecord, ItemState, KeptUpload,
    SessionId, SkipReason,
};
use crate::photos::ItemFailureClass;
use crate::store::StateChange;

/// Schema step 1.
pub(super) const SCHEMA_V1: &str = "
CREATE TABLE items (
    session_id     TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    media_id       TEXT NOT NULL,
    item_number    INTEGER NOT NULL,
    label          TEXT NOT NULL,
    filename       TEXT NOT NULL,
    kind           TEXT,
    captured_at    TEXT,
    size           INTEGER,
    state          TEXT NOT NULL,
    upload_token   TEXT,
    uploaded_at    TEXT,
    sent_at        TEXT,
    media_item_id  TEXT,
    product_url    TEXT,
    failure_class  TEXT,
    failure_reason TEXT,
    attempts       INTEGER,
    skip_reason    TEXT,
    position       INTEGER NOT NULL,
    updated_at     TEXT NOT NULL,
    PRIMARY KEY (session_id, media_id, item_number, label)
);
CREATE INDEX items_by_state ON items (session_id, state, size);
CREATE UNIQUE INDEX items_by_position ON items (session_id, position);
";

/// Schema step 6: the camera clock of videos whose header times are local time (JSON).
pub(super) const SCHEMA_V6: &str = "
ALTER TABLE items ADD COLUMN local_clock TEXT;
";

/// The aggregate columns [`counts_from_row`] reads, over rows of `items` aliased `i` (a `LEFT
/// JOIN` with no match counts as zero everywhere).
macro_rules! items_counts_columns {
    () => {
        "COUNT(i.state), \
         COALESCE(SUM(i.state = 'discovered'), 0), \
         COALESCE(SUM(i.state IN ('uploaded', 'creating')), 0), \
         COALESCE(SUM(i.state = 'created'), 0), \
         COALESCE(SUM(i.state = 'failed'), 0), \
         COALESCE(SUM(i.state = 'skipped'), 0), \
         COALESCE(SUM(i.state = 'skipped' AND json_extract(i.skip_reason, '$.code') = 'not_ready'), 0), \
         COALESCE(SUM(CASE WHEN i.state != 'skipped' THEN i.size END), 0), \
         COALESCE(SUM(CASE WHEN i.state = 'created' THEN i.size END), 0)"
    };
}

/// The position the next new file of the session gets.
/// Drops `key` if it is a placeholder: left failed because GoPro would not describe its medium,
/// or skipped while GoPro was still processing it.
pub(super) fn drop_unresolved(
    conn: &Connection,
    session: &SessionId,
    key: &FileKey,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "DELETE FROM items WHERE session_id = ?1 AND media_id = ?2 AND item_number = ?3 \
         AND label = ?4 AND ((state = 'failed' AND failure_class = 'unresolved') \
              OR (state = 'skipped' AND json_extract(skip_reason, '$.code') = 'not_ready'))",
    )?
    .execute(params![
        session.as_str(),
        key.media_id,
        key.item_number,
        key.label
    ])?;
    Ok(())
}

pub(super) fn next_position(conn: &Connection, session: &SessionId) -> rusqlite::Result<u64> {
    conn.prepare_cached("SELECT COALESCE(MAX(position) + 1, 0) FROM items WHERE session_id = ?1")?
        .query_row([session.as_str()], |r| r.get(0))
}

/// Inserts a discovered file unless the session already has it; `true` if inserted. A file in
/// the ledger is skipped as already in Google Photos. A file the session skipped because GoPro
/// was still processing it takes its new state when GoPro is done.
pub(super) fn insert_discovered(
    conn: &Connection,
    session: &SessionId,
    item: &DiscoveredItem,
    in_ledger: bool,
    position: u64,
    now: DateTime<Utc>,
) -> rusqlite::Result<Inserted> {
    let skip = if in_ledger {
        Some(SkipReason::AlreadyInGooglePhotos)
    } else {
        item.skip.clone()
    };
    let (state, skip_json) = match &skip {
        Some(reason) => ("skipped", Some(codec::json(reason)?)),
        None => ("discovered", None),
    };
    let clock = item.local_clock.as_ref().map(codec::json).transpose()?;
    let inserted = conn
        .prepare_cached(
            "INSERT OR IGNORE INTO items (session_id, media_id, item_number, label, filename, \
             kind, captured_at, size, state, skip_reason, position, updated_at, local_clock) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        )?
        .execute(params![
            session.as_str(),
            item.key.media_id,
            item.key.item_number,
            item.key.label,
            item.filename,
            item.kind.map(codec::kind),
            codec::opt_time(item.captured_at.as_ref()),
            item.size,
            state,
            skip_json,
            position,
            codec::time(&now),
            clock,
        ])?;
    let mut revived = 0;
    if inserted == 0 && !matches!(skip, Some(SkipReason::NotReady { .. })) {
        // GoPro finished processing a file this session skipped for that, or now describes a
        // medium it failed to: it moves now.
        revived = conn
            .prepare_cached(
                "UPDATE items SET state = ?5, skip_reason = ?6, filename = ?7, kind = ?8, \
             captured_at = ?9, size = ?10, updated_at = ?11, local_clock = ?12 \
             WHERE session_id = ?1 AND media_id = ?2 AND item_number = ?3 AND label = ?4 \
             AND ((state = 'skipped' AND json_extract(skip_reason, '$.code') = 'not_ready') \
                  OR (state = 'failed' AND failure_class = 'unresolved'))",
            )?
            .execute(params![
                session.as_str(),
                item.key.media_id,
                item.key.item_number,
                item.key.label,
                state,
                skip_json,
                item.filename,
                item.kind.map(codec::kind),
                codec::opt_time(item.captured_at.as_ref()),
                item.size,
                codec::time(&now),
                clock,
            ])?;
    }
    Ok(Inserted {
        new: inserted == 1,
        movable: skip.is_none() && (inserted == 1 || revived == 1),
    })
}

/// What recording one discovered file did.
pub(super) struct Inserted {
    /// The file was not known to the session.
    pub new: bool,
    /// It is now to be moved (new and not skipped, or revived after GoPro's processing).
    pub movable: bool,
}

/// Sets one file's state (and size, when given); `false` if the session has no such file.
pub(super) fn set_state(
    conn: &Connection,
    session: &SessionId,
    change: &StateChange,
    now: DateTime<Utc>,
) -> rusqlite::Result<bool> {
    let c = StateColumns::of(&change.state)?;
    let changed = conn
        .prepare_cached(
            "UPDATE items SET state = ?5, upload_token = ?6, uploaded_at = ?7, sent_at = ?8, \
             media_item_id = ?9, product_url = ?10, failure_class = ?11, failure_reason = ?12, \
             attempts = ?13, skip_reason = ?14, size = COALESCE(?15, size), updated_at = ?16 \
             WHERE session_id = ?1 AND media_id = ?2 AND item_number = ?3 AND label = ?4",
        )?
        .execute(params![
            session.as_str(),
            change.key.media_id,
            change.key.item_number,
            change.key.label,
            change.state.name(),
            c.upload_token,
            c.uploaded_at,
            c.sent_at,
            c.media_item_id,
            c.product_url,
            c.failure_class,
            c.failure_reason,
            c.attempts,
            c.skip_reason,
            change.size,
            codec::time(&now),
        ])?;
    Ok(changed == 1)
}

/// Every file of the session in discovery order.
pub(super) fn all(conn: &Connection, session: &SessionId) -> rusqlite::Result<Vec<ItemRecord>> {
    let mut stmt = conn.prepare_cached(
        "SELECT media_id, item_number, label, filename, kind, captured_at, size, state, \
         upload_token, uploaded_at, sent_at, media_item_id, product_url, failure_class, \
         failure_reason, attempts, skip_reason, position, updated_at, local_clock \
         FROM items WHERE session_id = ?1 ORDER BY position",
    )?;
    let rows = stmt.query_map([session.as_str()], |row| {
        Ok(ItemRecord {
            key: FileKey {
                media_id: row.get(0)?,
                item_number: row.get(1)?,
                label: codec::get_rendition(row, 2)?,
            },
            filename: row.get(3)?,
            kind: get_kind(row, 4)?,
            captured_at: get_opt_time(row, 5)?,
            size: row.get(6)?,
            state: state_from_row(row, 7)?,
            position: row.get(17)?,
            local_clock: get_opt_json(row, 19)?,
            updated_at: get_time(row, 18)?,
        })
    })?;
    rows.collect()
}

/// Counts of the session's files by state.
pub(super) fn counts(conn: &Connection, session: &SessionId) -> rusqlite::Result<ItemCounts> {
    conn.prepare_cached(concat!(
        "SELECT ",
        items_counts_columns!(),
        " FROM items i WHERE i.session_id = ?1"
    ))?
    .query_row([session.as_str()], |row| counts_from_row(row, 0))
}

/// Reads the [`items_counts_columns!`] starting at column `at`.
pub(super) fn counts_from_row(row: &Row<'_>, at: usize) -> rusqlite::Result<ItemCounts> {
    Ok(ItemCounts {
        total: row.get(at)?,
        discovered: row.get(at + 1)?,
        uploaded: row.get(at + 2)?,
        created: row.get(at + 3)?,
        failed: row.get(at + 4)?,
        skipped: row.get(at + 5)?,
        processing: row.get(at + 6)?,
        bytes_total: row.get(at + 7)?,
        bytes_created: row.get(at + 8)?,
    })
}

/// A state's fields as the columns that hold them (`None` for the other states' columns).
#[derive(Default)]
struct StateColumns<'a> {
    upload_token: Option<&'a str>,
    uploaded_at: Option<String>,
    sent_at: Option<String>,
    media_item_id: Option<&'a str>,
    product_url: Option<&'a str>,
    failure_class: Option<&'static str>,
    failure_reason: Option<&'a str>,
    attempts: Option<u32>,
    skip_reason: Option<String>,
}

impl<'a> StateColumns<'a> {
    fn of(state: &'a ItemState) -> rusqlite::Result<Self> {
        Ok(match state {
            ItemState::Discovered => Self::default(),
            ItemState::Uploaded { upload_token, at } => Self {
                upload_token: Some(upload_token),
                uploaded_at: Some(codec::time(at)),
                ..Self::default()
            },
            ItemState::Creating {
                upload_token,
                uploaded_at,
                sent_at,
            } => Self {
                upload_token: Some(upload_token),
                uploaded_at: Some(codec::time(uploaded_at)),
                sent_at: Some(codec::time(sent_at)),
                ..Self::default()
            },
            ItemState::Created {
                media_item_id,
                product_url,
            } => Self {
                media_item_id: Some(media_item_id),
                product_url: product_url.as_deref(),
                ..Self::default()
            },
            ItemState::Failed {
                class,
                reason,
                attempts,
                kept,
            } => Self {
                failure_class: Some(failure_class(*class)),
                failure_reason: Some(reason),
                attempts: Some(*attempts),
                upload_token: kept.as_ref().map(|k| k.upload_token.as_str()),
                uploaded_at: kept.as_ref().map(|k| codec::time(&k.uploaded_at)),
                ..Self::default()
            },
            ItemState::Skipped { reason } => Self {
                skip_reason: Some(codec::json(reason)?),
                ..Self::default()
            },
        })
    }
}

/// Reads the state from its name at column `at` and its fields in the columns after it.
fn state_from_row(row: &Row<'_>, at: usize) -> rusqlite::Result<ItemState> {
    let name: String = row.get(at)?;
    let required = |idx: usize| -> rusqlite::Result<String> {
        let value: Option<String> = row.get(idx)?;
        value.ok_or_else(|| codec::bad(idx, format!("a {name} file without its column {idx}")))
    };
    let required_time = |idx: usize| -> rusqlite::Result<DateTime<Utc>> {
        get_opt_time(row, idx)?
            .ok_or_else(|| codec::bad(idx, format!("a {name} file without its column {idx}")))
    };
    Ok(match name.as_str() {
        "discovered" => ItemState::Discovered,
        "uploaded" => ItemState::Uploaded {
            upload_token: required(at + 1)?,
            at: required_time(at + 2)?,
        },
        "creating" => ItemState::Creating {
            upload_token: required(at + 1)?,
            uploaded_at: required_time(at + 2)?,
            sent_at: required_time(at + 3)?,
        },
        "created" => ItemState::Created {
            media_item_id: required(at + 4)?,
            product_url: row.get(at + 5)?,
        },
        "failed" => {
            let class = required(at + 6)?;
            ItemState::Failed {
                class: parse_failure_class(&class).ok_or_else(|| {
                    codec::bad(at + 6, format!("unknown failure class {class:?}"))
                })?,
                reason: required(at + 7)?,
                attempts: row
                    .get::<_, Option<u32>>(at + 8)?
                    .ok_or_else(|| codec::bad(at + 8, "a failed file without attempts".into()))?,
                kept: match (
                    row.get::<_, Option<String>>(at + 1)?,
                    get_opt_time(row, at + 2)?,
                ) {
                    (Some(upload_token), Some(uploaded_at)) => Some(KeptUpload {
                        upload_token,
                        uploaded_at,
                    }),
                    _ => None,
                },
            }
        }
        "skipped" => ItemState::Skipped {
            reason: get_json(row, at + 9)?,
        },
        other => return Err(codec::bad(at, format!("unknown file state {other:?}"))),
    })
}

/// A failure class as stored.
fn failure_class(class: FailureClass) -> &'static str {
    match class {
        FailureClass::Download => "download",
        FailureClass::Upload => "upload",
        FailureClass::Gone => "gone",
        FailureClass::TooLarge => "too_large",
        FailureClass::Unresolved => "unresolved",
        FailureClass::Create(ItemFailureClass::Retryable) => "create:retryable",
        FailureClass::Create(ItemFailureClass::Unsupported) => "create:unsupported",
        FailureClass::Create(ItemFailureClass::InvalidToken) => "create:invalid_token",
        FailureClass::Create(ItemFailureClass::InDoubt) => "create:in_doubt",
        // Refused for good; "create:rejected" was also written for request-level failures
        // before refusals became final, so it reads back as retryable.
        FailureClass::Create(ItemFailureClass::Rejected) => "create:refused",
    }
}

/// Parses [`failure_class`] text.
fn parse_failure_class(text: &str) -> Option<FailureClass> {
    Some(match text {
        "download" => FailureClass::Download,
        "upload" => FailureClass::Upload,
        "gone" => FailureClass::Gone,
        "too_large" => FailureClass::TooLarge,
        "unresolved" => FailureClass::Unresolved,
        "create:retryable" => FailureClass::Create(ItemFailureClass::Retryable),
        "create:unsupported" => FailureClass::Create(ItemFailureClass::Unsupported),
        "create:invalid_token" => FailureClass::Create(ItemFailureClass::InvalidToken),
        "create:in_doubt" => FailureClass::Create(ItemFailureClass::InDoubt),
        "create:refused" => FailureClass::Create(ItemFailureClass::Rejected),
        "create:rejected" => FailureClass::Create(ItemFailureClass::Retryable),
        _ => return None,
    })
}
