//! Column encodings shared by the tables: times, dates, media kinds, renditions.
//!
//! A value on disk that does not decode is reported as a conversion failure of its column, which
//! the store turns into [`StoreError::Corrupt`](crate::store::StoreError::Corrupt).

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use rusqlite::types::Type;
use rusqlite::Row;

use crate::model::{MediaKind, Rendition};

/// A time as stored: RFC 3339 in UTC with nine fraction digits (exact, and sorts as text).
pub(super) fn time(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Nanos, true)
}

/// An optional time as stored.
pub(super) fn opt_time(t: Option<&DateTime<Utc>>) -> Option<String> {
    t.map(time)
}

/// A day as stored: `YYYY-MM-DD`.
pub(super) fn date(d: &NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// A media kind as stored.
pub(super) fn kind(k: MediaKind) -> &'static str {
    match k {
        MediaKind::Photo => "photo",
        MediaKind::Video => "video",
    }
}

/// A column that held something it should not.
pub(super) fn bad(idx: usize, detail: String) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(idx, Type::Text, detail.into())
}

/// Reads a time column.
pub(super) fn get_time(row: &Row<'_>, idx: usize) -> rusqlite::Result<DateTime<Utc>> {
    let text: String = row.get(idx)?;
    parse_time(idx, &text)
}

/// Reads an optional time column.
pub(super) fn get_opt_time(row: &Row<'_>, idx: usize) -> rusqlite::Result<Option<DateTime<Utc>>> {
    let text: Option<String> = row.get(idx)?;
    text.map(|t| parse_time(idx, &t)).transpose()
}

fn parse_time(idx: usize, text: &str) -> rusqlite::Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| bad(idx, format!("bad time {text:?}: {e}")))
}

/// Reads a day column.
pub(super) fn get_date(row: &Row<'_>, idx: usize) -> rusqlite::Result<NaiveDate> {
    let text: String = row.get(idx)?;
    NaiveDate::parse_from_str(&text, "%Y-%m-%d")
        .map_err(|e| bad(idx, format!("bad date {text:?}: {e}")))
}

/// Reads an optional media kind column.
pub(super) fn get_kind(row: &Row<'_>, idx: usize) -> rusqlite::Result<Option<MediaKind>> {
    let text: Option<String> = row.get(idx)?;
    text.map(|t| match t.as_str() {
        "photo" => Ok(MediaKind::Photo),
        "video" => Ok(MediaKind::Video),
        other => Err(bad(idx, format!("unknown media kind {other:?}"))),
    })
    .transpose()
}

/// A rendition is stored as GoPro's label for it.
impl rusqlite::ToSql for Rendition {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        Ok(self.as_str().into())
    }
}

/// Reads a rendition column.
pub(super) fn get_rendition(row: &Row<'_>, idx: usize) -> rusqlite::Result<Rendition> {
    let text: String = row.get(idx)?;
    Rendition::from_label(&text).ok_or_else(|| bad(idx, format!("unknown rendition {text:?}")))
}

/// Reads a JSON column into `T`.
pub(super) fn get_json<T: serde::de::DeserializeOwned>(
    row: &Row<'_>,
    idx: usize,
) -> rusqlite::Result<T> {
    let text: String = row.get(idx)?;
    serde_json::from_str(&text).map_err(|e| bad(idx, format!("bad JSON {text:?}: {e}")))
}

/// Reads a nullable JSON column into `Option<T>`.
pub(super) fn get_opt_json<T: serde::de::DeserializeOwned>(
    row: &Row<'_>,
    idx: usize,
) -> rusqlite::Result<Option<T>> {
    let text: Option<String> = row.get(idx)?;
    text.map(|text| {
        serde_json::from_str(&text).map_err(|e| bad(idx, format!("bad JSON {text:?}: {e}")))
    })
    .transpose()
}

/// `value` as JSON text for a column.
pub(super) fn json<T: serde::Serialize>(value: &T) -> rusqlite::Result<String> {
    serde_json::to_string(value).map_err(|e| rusqlite::Error::ToSqlConversionFailure(e.into()))
}
