//! `mediaItems:batchCreate` (§3), `GET /v1/mediaItems` and `mediaItems:search`: creation with
//! deduplication by content hash, per-item statuses inside a 200, and paged listings of what
//! the app created, in creation order.

use std::collections::HashSet;
use std::sync::atomic::Ordering;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use serde::Deserialize;
use serde_json::{json, Value};

use super::errors::{self, bad_request, Quota};
use super::quota::{admit, Need};
use super::scenario::{InvalidTokenPolicy, ItemFailure};
use super::state::{random_id, Inner, MediaItemRecord, Shared};
use super::{RequestKind, SharedState};

const STORAGE_FULL: &str =
    "The remaining storage in the user's account is not enough to perform this operation.";
const INVALID_TOKEN: &str = "Request must contain a valid upload token.";
const NO_ALBUM_PERMISSION: &str = "No permission to add media items to this album.";
const CREATE_FAILED: &str = "There was an error while trying to create this media item.";

/// The MIME type of an item: the declared one, else guessed from the filename's extension.
pub(crate) fn mime_for(declared: Option<&str>, filename: &str) -> String {
    if let Some(m) = declared.filter(|m| !m.is_empty() && *m != "application/octet-stream") {
        return m.to_ascii_lowercase();
    }
    let ext = filename
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase());
    let mime = match ext.as_deref() {
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("png") => "image/png",
        Some("gif") => "image/gif",
        Some("heic") => "image/heic",
        Some("webp") => "image/webp",
        Some("avif") => "image/avif",
        Some("bmp") => "image/bmp",
        Some("tif" | "tiff") => "image/tiff",
        Some("dng") => "image/x-adobe-dng",
        Some("gpr") => "image/x-gopro-gpr",
        Some("mp4" | "m4v") => "video/mp4",
        Some("mov") => "video/quicktime",
        Some("avi") => "video/x-msvideo",
        Some("mkv") => "video/x-matroska",
        Some("mts" | "m2ts" | "m2t") => "video/mp2t",
        Some("3gp") => "video/3gpp",
        _ => "application/octet-stream",
    };
    mime.to_string()
}

/// The video status of `item` at `now`.
pub(crate) fn video_status(
    item: &MediaItemRecord,
    now: DateTime<Utc>,
    processing_secs: u64,
) -> Option<String> {
    item.mime_type.starts_with("video/").then(|| {
        if now >= item.created + Duration::seconds(processing_secs as i64) {
            "READY".to_string()
        } else {
            "PROCESSING".to_string()
        }
    })
}

/// The API's `MediaItem` JSON.
pub(crate) fn item_json(
    base: &str,
    item: &MediaItemRecord,
    now: DateTime<Utc>,
    processing_secs: u64,
) -> Value {
    let video = item.mime_type.starts_with("video/");
    let (width, height) = if video {
        ("3840", "2160")
    } else {
        ("4000", "3000")
    };
    let mut metadata = json!({
        "creationTime": item
            .taken
            .unwrap_or(item.created)
            .to_rfc3339_opts(SecondsFormat::Secs, true),
        "width": width,
        "height": height,
    });
    if video {
        metadata["video"] = json!({ "status": video_status(item, now, processing_secs) });
    } else {
        metadata["photo"] = json!({});
    }
    let mut value = json!({
        "id": item.id,
        "productUrl": format!("{base}/lr/photo/{}", item.id),
        "baseUrl": format!("{base}/lr/media/{}", item.id),
        "mimeType": item.mime_type,
        "filename": item.filename,
        "mediaMetadata": metadata,
    });
    if !item.description.is_empty() {
        value["description"] = json!(item.description);
    }
    value
}

/// Resolves a page: `(start, end, next_page_token)` over `len` items.
pub(crate) fn paginate(
    len: usize,
    page_size: Option<i64>,
    default: usize,
    max: usize,
    token: Option<&str>,
) -> Result<(usize, usize, Option<String>), Response> {
    let size = match page_size {
        None | Some(0) => default,
        Some(n) if n < 0 => return Err(bad_request("pageSize must not be negative.")),
        Some(n) => usize::try_from(n).unwrap_or(max).min(max),
    };
    let start = match token.filter(|t| !t.is_empty()) {
        None => 0,
        Some(t) => URL_SAFE_NO_PAD
            .decode(t)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .and_then(|s| {
                s.strip_prefix("offset:")
                    .and_then(|n| n.parse::<usize>().ok())
            })
            .filter(|n| *n <= len)
            .ok_or_else(|| bad_request("Invalid page token."))?,
    };
    let end = (start + size).min(len);
    let next = (end < len).then(|| URL_SAFE_NO_PAD.encode(format!("offset:{end}")));
    Ok((start, end, next))
}

/// Clears the in-flight flag when a batchCreate ends, however it ends.
struct InFlight<'a>(&'a Shared);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.batch_in_flight.store(false, Ordering::SeqCst);
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct BatchCreate {
    album_id: Option<String>,
    #[serde(default)]
    new_media_items: Vec<NewMediaItem>,
    album_position: Option<AlbumPosition>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NewMediaItem {
    #[serde(default)]
    description: String,
    simple_media_item: Option<SimpleMediaItem>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SimpleMediaItem {
    #[serde(default)]
    upload_token: String,
    file_name: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AlbumPosition {
    #[serde(default)]
    position: String,
}

/// Parses a JSON body or answers Google's invalid-JSON 400.
pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, Response> {
    serde_json::from_slice(body)
        .map_err(|e| bad_request(&format!("Invalid JSON payload received. {e}")))
}

/// `POST /v1/mediaItems:batchCreate`.
pub(crate) async fn batch_create(
    State(shared): State<SharedState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(response) = admit(&shared, RequestKind::BatchCreate, &headers, Need::Append) {
        return response;
    }
    if shared.batch_in_flight.swap(true, Ordering::SeqCst) {
        let inner = shared.lock();
        let (daily, minute) = (
            inner.scenario.daily_request_limit,
            inner.scenario.writes_per_minute,
        );
        return errors::quota_exceeded(Quota::ConcurrentWrite, daily, minute, None);
    }
    let _in_flight = InFlight(&shared);
    let delay = shared.lock().scenario.batch_create_ms;
    tokio::time::sleep(std::time::Duration::from_millis(delay)).await;
    let request: BatchCreate = match parse_json(&body) {
        Ok(r) => r,
        Err(response) => return response,
    };
    let mut inner = shared.lock();
    match create_items(&shared, &mut inner, request) {
        Ok(_) if inner.scenario.lost_create_answers > 0 => {
            // Made, but the answer is lost: the client cannot know.
            inner.scenario.lost_create_answers -= 1;
            errors::backend_error()
        }
        Ok(results) => axum::Json(json!({ "newMediaItemResults": results })).into_response(),
        Err(response) => response,
    }
}

/// One item of the request after token resolution.
struct Resolved {
    token: String,
    description: String,
    upload: Option<Accepted>,
}

/// What a valid upload token brings to a create.
struct Accepted {
    sha256: String,
    size: u64,
    mime: String,
    name: String,
    /// A video's `mvhd` time.
    taken: Option<DateTime<Utc>>,
}

fn create_items(
    shared: &Shared,
    inner: &mut Inner,
    request: BatchCreate,
) -> Result<Vec<Value>, Response> {
    let now = shared.now();
    let n = request.new_media_items.len();
    if n == 0 {
        return Err(bad_request(
            "Request must contain at least one newMediaItem.",
        ));
    }
    if n > 50 {
        return Err(bad_request("Request must have less than 50 items."));
    }
    if request
        .album_position
        .as_ref()
        .is_some_and(|p| !p.position.is_empty())
        && request.album_id.is_none()
    {
        return Err(bad_request("albumPosition cannot be set without albumId."));
    }
    if let Some(album_id) = &request.album_id {
        match inner.albums.get(album_id) {
            Some(album) if album.app_created => {}
            Some(_) => return Err(bad_request(NO_ALBUM_PERMISSION)),
            None => return Err(bad_request("Invalid album ID.")),
        }
    }
    let mut resolved = Vec::with_capacity(n);
    for item in request.new_media_items {
        if item.description.chars().count() >= 1000 {
            return Err(bad_request(
                "Description must be shorter than 1000 characters.",
            ));
        }
        let Some(simple) = item.simple_media_item else {
            return Err(bad_request(
                "Each newMediaItem must have a simpleMediaItem.",
            ));
        };
        if simple
            .file_name
            .as_ref()
            .is_some_and(|f| f.chars().count() > 255)
        {
            return Err(bad_request("fileName must be at most 255 characters."));
        }
        let upload = inner
            .uploads
            .get(&simple.upload_token)
            .filter(|u| u.expires > now)
            .map(|u| {
                let name = simple
                    .file_name
                    .clone()
                    .or_else(|| u.filename.clone())
                    .unwrap_or_else(|| format!("{}.bin", &u.sha256[..12]));
                let mime = mime_for(u.mime_type.as_deref(), &name);
                Accepted {
                    sha256: u.sha256.clone(),
                    size: u.size,
                    mime,
                    name,
                    taken: u.video_time,
                }
            });
        if upload.is_none()
            && inner.scenario.invalid_token_policy == InvalidTokenPolicy::WholeRequest
        {
            return Err(bad_request(INVALID_TOKEN));
        }
        resolved.push(Resolved {
            token: simple.upload_token,
            description: item.description,
            upload,
        });
    }
    // Storage: only bytes not already in the library take space (when they merge).
    let merge = inner.scenario.merge_same_bytes;
    let mut seen = HashSet::new();
    let new_bytes: u64 = resolved
        .iter()
        .filter_map(|r| r.upload.as_ref())
        .filter(|a| {
            !merge || (!inner.by_sha.contains_key(&a.sha256) && seen.insert(a.sha256.clone()))
        })
        .map(|a| a.size)
        .sum();
    let over_quota = inner
        .scenario
        .storage_quota_bytes
        .is_some_and(|q| inner.storage_used + new_bytes > q);
    if inner.storage_full || (new_bytes > 0 && over_quota) {
        return Err(bad_request(STORAGE_FULL));
    }
    if let Some(album_id) = &request.album_id {
        let members = inner
            .albums
            .get(album_id)
            .map_or(0, |a| a.media_item_ids.len());
        if members + n > inner.scenario.album_capacity {
            return Err(bad_request(
                "The album is full: an album holds at most 20000 media items.",
            ));
        }
    }
    let first_in_album = request
        .album_position
        .as_ref()
        .is_some_and(|p| p.position == "FIRST_IN_ALBUM");
    let base = shared.base();
    let processing = inner.scenario.video_processing_secs;
    let mut results = Vec::with_capacity(n);
    let mut album_added = 0usize;
    for (index, item) in resolved.into_iter().enumerate() {
        let status = match &item.upload {
            None => Some(json!({ "code": 3, "message": INVALID_TOKEN })),
            Some(a) => item_failure(inner, index, &a.name, &a.mime, a.size),
        };
        let (Some(accepted), None) = (item.upload, &status) else {
            results.push(json!({ "uploadToken": item.token, "status": status }));
            continue;
        };
        let Accepted {
            sha256: sha,
            size,
            mime,
            name,
            taken,
        } = accepted;
        let taken = taken.filter(|_| mime.starts_with("video/"));
        let id = match inner.by_sha.get(&sha).filter(|_| merge) {
            Some(id) => id.clone(),
            None => {
                let id = random_id(40);
                let order = inner.item_order.len() as u64;
                inner.items.insert(
                    id.clone(),
                    MediaItemRecord {
                        id: id.clone(),
                        filename: name,
                        description: item.description,
                        mime_type: mime,
                        sha256: sha.clone(),
                        size,
                        album_ids: Vec::new(),
                        creation_order: order,
                        created: now,
                        taken,
                        video_status: None,
                        app_created: true,
                    },
                );
                inner.item_order.push(id.clone());
                inner.by_sha.entry(sha).or_insert_with(|| id.clone());
                inner.storage_used += size;
                id
            }
        };
        if let Some(album_id) = &request.album_id {
            if let Some(album) = inner.albums.get_mut(album_id) {
                if !album.media_item_ids.contains(&id) {
                    if first_in_album {
                        album.media_item_ids.insert(album_added, id.clone());
                    } else {
                        album.media_item_ids.push(id.clone());
                    }
                    album_added += 1;
                    if let Some(record) = inner.items.get_mut(&id) {
                        record.album_ids.push(album_id.clone());
                    }
                }
            }
        }
        if inner.scenario.successes_without_item > 0 {
            inner.scenario.successes_without_item -= 1;
            results.push(json!({ "uploadToken": item.token, "status": { "message": "Success" } }));
            continue;
        }
        let Some(record) = inner.items.get(&id) else {
            continue;
        };
        results.push(json!({
            "uploadToken": item.token,
            "status": { "message": "Success" },
            "mediaItem": item_json(&base, record, now, processing),
        }));
    }
    Ok(results)
}

/// The per-item failure status for this item, if any: injected faults first, then the
/// fake's own checks (non-media types, photos over the cap).
fn item_failure(
    inner: &mut Inner,
    index: usize,
    name: &str,
    mime: &str,
    size: u64,
) -> Option<Value> {
    let lower = name.to_ascii_lowercase();
    let hit = inner.scenario.item_faults.iter().position(|f| {
        f.times != Some(0)
            && f.index.is_none_or(|i| i == index)
            && f.filename_contains
                .as_ref()
                .is_none_or(|p| lower.contains(&p.to_ascii_lowercase()))
    });
    if let Some(position) = hit {
        let fault = &mut inner.scenario.item_faults[position];
        if let Some(times) = fault.times.as_mut() {
            *times -= 1;
        }
        return Some(match fault.failure {
            ItemFailure::NotImage => {
                json!({ "code": 3, "message": format!("NOT_IMAGE: {CREATE_FAILED}") })
            }
            ItemFailure::BadImage => {
                json!({ "code": 3, "message": format!("BAD_IMAGE: {CREATE_FAILED}") })
            }
            ItemFailure::Exists => {
                json!({ "code": 6, "message": format!("EXISTS: {CREATE_FAILED}") })
            }
            ItemFailure::Internal => {
                json!({ "code": 13, "message": "Internal error encountered." })
            }
        });
    }
    if !(mime.starts_with("image/") || mime.starts_with("video/")) {
        return Some(json!({ "code": 3, "message": format!("NOT_IMAGE: {CREATE_FAILED}") }));
    }
    if mime.starts_with("image/") && size > inner.scenario.max_photo_bytes {
        return Some(json!({ "code": 3, "message": format!("Failed: {CREATE_FAILED}") }));
    }
    None
}

fn query_map(query: Option<String>) -> std::collections::HashMap<String, String> {
    url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// Parses an optional integer query parameter; garbage is a 400.
pub(crate) fn int_param(
    params: &std::collections::HashMap<String, String>,
    key: &str,
) -> Result<Option<i64>, Response> {
    params
        .get(key)
        .map(|v| {
            v.parse::<i64>()
                .map_err(|_| bad_request(&format!("Invalid value for {key}: {v}")))
        })
        .transpose()
}

fn page_of(
    shared: &Shared,
    inner: &Inner,
    ids: &[String],
    size: Option<i64>,
    token: Option<&str>,
) -> Response {
    // Items too new to be listed yet are left out (the scenario's listing lag).
    let now = shared.now();
    let lag = chrono::Duration::milliseconds(inner.scenario.listing_lag_ms as i64);
    let ids: Vec<&String> = ids
        .iter()
        .filter(|id| inner.items.get(*id).is_some_and(|i| i.created + lag <= now))
        .collect();
    let (start, end, next) = match paginate(ids.len(), size, 25, 100, token) {
        Ok(p) => p,
        Err(response) => return response,
    };
    let base = shared.base();
    let processing = inner.scenario.video_processing_secs;
    let items: Vec<Value> = ids[start..end]
        .iter()
        .filter_map(|id| inner.items.get(*id))
        .map(|item| item_json(&base, item, now, processing))
        .collect();
    let mut body = json!({});
    if !items.is_empty() {
        body["mediaItems"] = json!(items);
    }
    if let Some(next) = next {
        body["nextPageToken"] = json!(next);
    }
    axum::Json(body).into_response()
}

/// `GET /v1/mediaItems?pageSize&pageToken`.
pub(crate) async fn list(
    State(shared): State<SharedState>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    if let Err(response) = admit(&shared, RequestKind::List, &headers, Need::Read) {
        return response;
    }
    let params = query_map(query);
    let size = match int_param(&params, "pageSize") {
        Ok(s) => s,
        Err(response) => return response,
    };
    let inner = shared.lock();
    let ids: Vec<String> = inner
        .item_order
        .iter()
        .filter(|id| inner.items.get(*id).is_some_and(|i| i.app_created))
        .cloned()
        .collect();
    page_of(
        &shared,
        &inner,
        &ids,
        size,
        params.get("pageToken").map(String::as_str),
    )
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Search {
    page_size: Option<Value>,
    page_token: Option<String>,
    album_id: Option<String>,
    filters: Option<Value>,
}

/// `POST /v1/mediaItems:search`.
pub(crate) async fn search(
    State(shared): State<SharedState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(response) = admit(&shared, RequestKind::Search, &headers, Need::Read) {
        return response;
    }
    let request: Search = if body.is_empty() {
        Search::default()
    } else {
        match parse_json(&body) {
            Ok(r) => r,
            Err(response) => return response,
        }
    };
    let size = match &request.page_size {
        None => None,
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(s)) => match s.parse() {
            Ok(n) => Some(n),
            Err(_) => return bad_request("Invalid value for pageSize."),
        },
        Some(_) => return bad_request("Invalid value for pageSize."),
    };
    if request.album_id.is_some() && request.filters.is_some() {
        return bad_request("Filters cannot be set with albumId.");
    }
    let inner = shared.lock();
    let ids: Vec<String> = match &request.album_id {
        Some(album_id) => match inner.albums.get(album_id) {
            Some(album) if album.app_created => album.media_item_ids.clone(),
            _ => return bad_request("Invalid album ID."),
        },
        None => inner
            .item_order
            .iter()
            .filter(|id| inner.items.get(*id).is_some_and(|i| i.app_created))
            .cloned()
            .collect(),
    };
    page_of(&shared, &inner, &ids, size, request.page_token.as_deref())
}
