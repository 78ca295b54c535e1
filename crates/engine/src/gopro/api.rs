//! Wire types of the GoPro media API, parsed tolerantly.
//!
//! Only `id` is required. Numbers may arrive as strings (`"109710"`), `ready_to_view` is a
//! string, and unknown fields and enum values are kept or ignored, never fatal: GoPro changes
//! this API without notice and one odd row must not stop a person's sync.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer};

/// One row of `GET /media/search` (or `GET /media/{id}`).
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct Medium {
    /// Opaque id (13-char base62 or 24 hex characters).
    #[serde(deserialize_with = "lenient_string_required")]
    pub id: String,
    /// `Video`, `Photo`, `Burst`, `MultiClipEdit`, … (PascalCase).
    #[serde(rename = "type", deserialize_with = "lenient_string")]
    pub kind: Option<String>,
    /// Camera file name, not unique across a library.
    #[serde(deserialize_with = "lenient_string")]
    pub filename: Option<String>,
    /// `MP4`, `JPG`, `360`, `json` (for Quik edits, whose download is an MP4).
    #[serde(deserialize_with = "lenient_string")]
    pub file_extension: Option<String>,
    /// Capture instant, `…Z`.
    #[serde(deserialize_with = "lenient_string")]
    pub captured_at: Option<String>,
    /// Local offset at capture, like `+01:00`; missing means UTC.
    #[serde(deserialize_with = "lenient_string")]
    pub captured_at_timezone: Option<String>,
    /// Upload instant.
    #[serde(deserialize_with = "lenient_string")]
    pub created_at: Option<String>,
    /// Total bytes over all items; a hint only (null for edits, sometimes a few KB too big).
    #[serde(deserialize_with = "lenient_u64")]
    pub file_size: Option<u64>,
    /// Number of files (chapters, burst frames).
    #[serde(deserialize_with = "lenient_u64")]
    pub item_count: Option<u64>,
    /// `ready`, `uploading`, `transcoding`, `failure`, …
    #[serde(deserialize_with = "lenient_string")]
    pub ready_to_view: Option<String>,
    /// `video`, `photo`, `multi_shot_photo`, `edl`.
    #[serde(deserialize_with = "lenient_string")]
    pub play_as: Option<String>,
    /// `user_created` for Quik edit projects.
    #[serde(deserialize_with = "lenient_string")]
    pub mce_type: Option<String>,
    /// Pixel width.
    #[serde(deserialize_with = "lenient_u64")]
    pub width: Option<u64>,
    /// Pixel height.
    #[serde(deserialize_with = "lenient_u64")]
    pub height: Option<u64>,
    /// Duration in ms (a string on the wire).
    #[serde(deserialize_with = "lenient_u64")]
    pub source_duration: Option<u64>,
    /// Set when GoPro reprocessed the item (its `file_size` may then be stale).
    #[serde(deserialize_with = "lenient_string")]
    pub reprocessed_at: Option<String>,
    /// Camera model, for display.
    #[serde(deserialize_with = "lenient_string")]
    pub camera_model: Option<String>,
    /// The signed token of the medium's thumbnail on GoPro's image hosts (a credential).
    #[serde(deserialize_with = "lenient_secret")]
    pub token: Option<crate::secret::Secret>,
}

impl Medium {
    /// The capture instant, if present and parseable.
    pub fn captured_at(&self) -> Option<DateTime<Utc>> {
        parse_instant(self.captured_at.as_deref()?)
    }

    /// Whether the row carries an id (rows without one are skipped).
    pub fn has_id(&self) -> bool {
        !self.id.trim().is_empty()
    }

    /// Whether GoPro still processes the item (not downloadable yet).
    pub fn is_ready(&self) -> bool {
        match self.ready_to_view.as_deref() {
            None => true,
            Some(state) => state.eq_ignore_ascii_case("ready") || state == "true",
        }
    }
}

/// Parses an ISO-8601 instant with `Z` or an offset.
pub fn parse_instant(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|d| d.with_timezone(&Utc))
}

/// `_pages` of a search answer.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct Pages {
    /// 1-based page number.
    #[serde(deserialize_with = "lenient_u64")]
    pub current_page: Option<u64>,
    /// Rows per page.
    #[serde(deserialize_with = "lenient_u64")]
    pub per_page: Option<u64>,
    /// Rows in the whole result (trustworthy, per the live probes).
    #[serde(deserialize_with = "lenient_u64")]
    pub total_items: Option<u64>,
    /// Number of pages.
    #[serde(deserialize_with = "lenient_u64")]
    pub total_pages: Option<u64>,
}

/// `GET /media/search` answer; rows stay raw JSON so one bad row is skipped, not fatal.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct SearchResponse {
    /// Paging totals.
    #[serde(rename = "_pages")]
    pub pages: Pages,
    /// Rows and errors.
    #[serde(rename = "_embedded")]
    pub embedded: SearchEmbedded,
}

/// `_embedded` of a search answer.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct SearchEmbedded {
    /// GoPro's own error list (returned inside a 200).
    pub errors: Vec<serde_json::Value>,
    /// The rows.
    pub media: Vec<serde_json::Value>,
}

/// `GET /media/{id}/download` answer.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct DownloadResponse {
    /// File name of the medium.
    #[serde(deserialize_with = "lenient_string")]
    pub filename: Option<String>,
    /// The four rendition lists.
    #[serde(rename = "_embedded")]
    pub embedded: DownloadEmbedded,
}

/// `_embedded` of a download answer.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct DownloadEmbedded {
    /// Files; for video `files[0]` is a proxy, for bursts one per frame.
    pub files: Vec<DownloadFile>,
    /// Labelled renditions: `source`, `baked_source`, `concat`, proxies, `raw_photo`.
    pub variations: Vec<DownloadFile>,
    /// Sidecars (telemetry, GPX, media info): never media.
    pub sidecar_files: Vec<DownloadFile>,
}

/// One downloadable file of a medium.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct DownloadFile {
    /// Pre-signed GET URL (expires; never stored).
    #[serde(deserialize_with = "lenient_string")]
    pub url: Option<String>,
    /// Pre-signed HEAD URL, signed separately.
    #[serde(deserialize_with = "lenient_string")]
    pub head: Option<String>,
    /// Variation label.
    #[serde(deserialize_with = "lenient_string")]
    pub label: Option<String>,
    /// `mp4`, `jpg`, `gpr`, …
    #[serde(rename = "type", deserialize_with = "lenient_string")]
    pub kind: Option<String>,
    /// 1-based item (chapter or frame) number; absent for single files.
    #[serde(deserialize_with = "lenient_u64")]
    pub item_number: Option<u64>,
    /// False while not downloadable.
    #[serde(deserialize_with = "lenient_bool")]
    pub available: Option<bool>,
    /// Pixel width.
    #[serde(deserialize_with = "lenient_u64")]
    pub width: Option<u64>,
    /// Pixel height.
    #[serde(deserialize_with = "lenient_u64")]
    pub height: Option<u64>,
    /// `2160p`, `240p`, …
    #[serde(deserialize_with = "lenient_string")]
    pub quality: Option<String>,
}

/// `GET /media/user` answer (the fields q2google shows).
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(default)]
pub struct User {
    /// The GoPro user id.
    #[serde(deserialize_with = "lenient_string")]
    pub id: Option<String>,
    /// Media count.
    #[serde(deserialize_with = "lenient_u64")]
    pub total_count: Option<u64>,
    /// Bytes stored.
    #[serde(deserialize_with = "lenient_u64")]
    pub total_storage: Option<u64>,
}

fn lenient_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::String(s) => Some(s),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    })
}

fn lenient_secret<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<crate::secret::Secret>, D::Error> {
    Ok(lenient_string(d)?
        .filter(|s| !s.is_empty())
        .map(crate::secret::Secret::new))
}

fn lenient_string_required<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    lenient_string(d)?
        .filter(|s| !s.is_empty())
        .ok_or_else(|| serde::de::Error::custom("id is missing"))
}

fn lenient_u64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::Number(n) => n.as_u64().or_else(|| n.as_f64().map(|f| f as u64)),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    })
}

fn lenient_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::Bool(b) => Some(b),
        serde_json::Value::String(s) => match s.as_str() {
            "true" | "ready" => Some(true),
            "false" => Some(false),
            _ => None,
        },
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_tolerate_type_drift_and_only_need_an_id() {
        let m: Medium = serde_json::from_str(
            r#"{"id":"62NzWRrpPXm7o","file_size":"412808724","source_duration":"109710",
                "ready_to_view":"ready","width":1920,"item_count":"3","unknown":{"x":1},
                "captured_at":"2020-04-06T15:51:32Z","play_as":null}"#,
        )
        .unwrap();
        assert_eq!(m.file_size, Some(412_808_724));
        assert_eq!(m.item_count, Some(3));
        assert_eq!(m.source_duration, Some(109_710));
        assert!(m.is_ready());
        assert!(m.captured_at().is_some());
        let minimal: Medium = serde_json::from_str(r#"{"id":"a"}"#).unwrap();
        assert_eq!(minimal.id, "a");
        let no_id: Medium = serde_json::from_str(r#"{"filename":"x"}"#).unwrap();
        assert!(!no_id.has_id());
        let numeric: Medium = serde_json::from_str(r#"{"id":12345,"file_size":null}"#).unwrap();
        assert_eq!(numeric.id, "12345");
    }
}
