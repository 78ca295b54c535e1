//! `GET /media/search` and `GET /media/{id}`: rows, projection, filters, order and paging.
//!
//! Semantics the fake commits to (from `gopro-api.md` §2.2, choices marked):
//! - `fields=a,b`: only those fields (plus `id`, always); unknown names ignored; absent or
//!   empty = every modelled field.
//! - `type`, `processing_states`: CSV; known values filter, unknown values are dropped, and a
//!   list with no known value does not filter at all (so a misspelled list returns everything).
//!   An empty value does not filter either (choice).
//! - `captured_range`, `created_range`, `updated_range`: `<RFC 3339>,<RFC 3339>`, inclusive at
//!   both ends, any offset (`Z`, `+02:00` URL-encoded). A zero-width or reversed range gives 0
//!   rows. Anything else (one value, bad date, an unencoded `+` that decoded to a space, an empty
//!   value) → 500.
//! - `order_by=captured_at` (default, also for unknown values) or `created_at`; newest first,
//!   ties by id descending.
//! - `page`: 1-based; 0, negative or unparseable is page 1 (choice: it answers like page 1 and
//!   says `current_page: 1`). A page past the end is a 200 with no rows.
//! - `per_page`: default from the scenario (30); 0 or unparseable → default. `per_page_cap`
//!   truncates rows silently (offsets and `_pages` keep the requested value).
//! - `total_items` = matching distinct items, `total_pages = ceil(total_items / per_page)`.
//! - Faults: short pages and the page-boundary duplicate (see `scenario.rs`).
//! - Type drift: `ready_to_view` is a string, `source_duration` a string of ms, and with
//!   `numbers_as_strings` `file_size`/`width`/`height`/`item_count` are strings on rows at odd
//!   library positions.

use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{json, Map, Value};

use super::auth::api_error;
use super::faults::{FaultKind, RequestKind};
use super::library::{Media, MediaType, ProcessingState};
use super::state::Shared;

fn ts(at: &DateTime<Utc>) -> Value {
    Value::String(at.to_rfc3339_opts(SecondsFormat::Secs, true))
}

fn num(n: Option<u64>, as_string: bool) -> Value {
    match n {
        None => Value::Null,
        Some(n) if as_string => Value::String(n.to_string()),
        Some(n) => json!(n),
    }
}

/// Every field of a search row, in a stable order.
pub(crate) fn full_row(shared: &Shared, index: usize, m: &Media) -> Map<String, Value> {
    let m = &*shared.effective(m);
    let strings = shared.scenario.numbers_as_strings && index % 2 == 1;
    let photo = matches!(m.play_as.as_str(), "photo" | "multi_shot_photo");
    let duration = match (m.duration_ms, photo) {
        (Some(ms), _) => Value::String(ms.to_string()),
        (None, true) => Value::String("0".to_owned()),
        (None, false) => Value::Null,
    };
    let thumb = URL_SAFE_NO_PAD.encode(format!("{{\"id\":\"{}\",\"kind\":\"thumbnail\"}}", m.id));
    let mut row = Map::new();
    let mut put = |k: &str, v: Value| {
        row.insert(k.to_owned(), v);
    };
    put("id", json!(m.id));
    put("type", json!(m.kind.as_str()));
    put("filename", json!(m.filename));
    put("file_extension", json!(m.file_extension));
    put("captured_at", ts(&m.captured_at));
    put("captured_at_timezone", json!(m.captured_at_timezone));
    put("created_at", ts(&m.created_at));
    put("updated_at", ts(&m.updated_at));
    put("submitted_at", ts(&m.created_at));
    put(
        "upload_completed_at",
        if m.file_size.is_some() || m.state == ProcessingState::Ready {
            ts(&m.created_at)
        } else {
            Value::Null
        },
    );
    put(
        "reprocessed_at",
        m.reprocessed_at.as_ref().map_or(Value::Null, ts),
    );
    put("file_size", num(m.file_size, strings));
    put("width", num(m.width.map(u64::from), strings));
    put("height", num(m.height.map(u64::from), strings));
    put("resolution", json!(m.resolution));
    put("source_duration", duration);
    put("item_count", num(Some(u64::from(m.item_count)), strings));
    put("camera_model", json!(m.camera_model));
    put("ready_to_view", json!(m.state.as_str()));
    put("ready_to_edit", json!(m.state == ProcessingState::Ready));
    put("play_as", json!(m.play_as));
    put("mce_type", json!(m.mce_type));
    put("moments_count", json!(0));
    put("on_public_profile", json!(false));
    put("orientation", json!(1));
    put("content_title", json!(m.filename));
    put("content_type", Value::Null);
    put("fov", Value::Null);
    put("gopro_user_id", json!(shared.scenario.account.user_id));
    put("gopro_media", json!(m.gopro_media));
    put("token", json!(format!("{thumb}.fakesig")));
    put("available_labels", json!(m.available_labels()));
    put("composition", Value::Null);
    put(
        "revision_number",
        json!(if m.reprocessed_at.is_some() { 2 } else { 1 }),
    );
    put("subscription_type", json!("s2gp"));
    row
}

fn project(mut row: Map<String, Value>, fields: Option<&[String]>) -> Value {
    if let Some(fields) = fields.filter(|f| !f.is_empty()) {
        row.retain(|k, _| k == "id" || fields.iter().any(|f| f == k));
    }
    Value::Object(row)
}

/// A `*_range` value: `Ok(None)` absent, `Ok(Some)` parsed, `Err` malformed (→ 500).
type Range = (DateTime<Utc>, DateTime<Utc>);

fn parse_range(value: Option<&str>) -> Result<Option<Range>, ()> {
    let Some(value) = value else { return Ok(None) };
    let (a, b) = value.split_once(',').ok_or(())?;
    let parse = |s: &str| {
        DateTime::parse_from_rfc3339(s)
            .map(|d| d.with_timezone(&Utc))
            .map_err(|_| ())
    };
    Ok(Some((parse(a)?, parse(b)?)))
}

fn csv_filter<T: PartialEq>(
    value: Option<&str>,
    parse: impl Fn(&str) -> Option<T>,
) -> Option<Vec<T>> {
    let known: Vec<T> = value?.split(',').filter_map(|s| parse(s.trim())).collect();
    (!known.is_empty()).then_some(known)
}

fn params(query: Option<&str>) -> Vec<(String, String)> {
    url::form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .into_owned()
        .collect()
}

fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn fields_param(params: &[(String, String)]) -> Option<Vec<String>> {
    param(params, "fields").map(|f| {
        f.split(',')
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect()
    })
}

/// `GET /media/search`.
pub(crate) async fn search(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    shared.hit(RequestKind::Search);
    if let Err(res) = shared.gate(&headers) {
        return *res;
    }
    let params = params(query.as_deref());
    let types = csv_filter(param(&params, "type"), MediaType::parse);
    let states = csv_filter(param(&params, "processing_states"), ProcessingState::parse);
    let mut ranges = Vec::new();
    for (name, pick) in [
        (
            "captured_range",
            (|m: &Media| m.captured_at) as fn(&Media) -> DateTime<Utc>,
        ),
        ("created_range", |m: &Media| m.created_at),
        ("updated_range", |m: &Media| m.updated_at),
    ] {
        match parse_range(param(&params, name)) {
            Ok(Some(range)) => ranges.push((range, pick)),
            Ok(None) => {}
            Err(()) => {
                return api_error(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal_server_error",
                    "Internal Server Error",
                )
            }
        }
    }
    let mut rows: Vec<(usize, &Media)> = shared
        .scenario
        .library
        .iter()
        .enumerate()
        .filter(|(_, m)| types.as_ref().is_none_or(|t| t.contains(&m.kind)))
        .filter(|(_, m)| {
            states
                .as_ref()
                .is_none_or(|s| s.contains(&shared.effective(m).state))
        })
        .filter(|(_, m)| {
            ranges
                .iter()
                .all(|((a, b), pick)| a < b && (*a..=*b).contains(&pick(m)))
        })
        .collect();
    let by_created = param(&params, "order_by") == Some("created_at");
    rows.sort_by(|(_, x), (_, y)| {
        let key = |m: &Media| {
            if by_created {
                m.created_at
            } else {
                m.captured_at
            }
        };
        key(y).cmp(&key(x)).then_with(|| y.id.cmp(&x.id))
    });

    let default_pp = shared.scenario.default_per_page.max(1);
    let per_page = param(&params, "per_page")
        .and_then(|v| v.trim().parse::<u32>().ok())
        .filter(|n| *n > 0)
        .unwrap_or(default_pp);
    let page = param(&params, "page")
        .and_then(|v| v.trim().parse::<i64>().ok())
        .filter(|p| *p >= 1)
        .unwrap_or(1);
    let page = u32::try_from(page).unwrap_or(u32::MAX);
    let total = rows.len();
    let offset = (u64::from(page) - 1).saturating_mul(u64::from(per_page));
    let offset = usize::try_from(offset).unwrap_or(usize::MAX).min(total);
    let mut take = per_page as usize;
    if let Some(cap) = shared.scenario.per_page_cap {
        take = take.min(cap as usize);
    }
    let end = offset.saturating_add(take).min(total);
    let mut page_rows: Vec<(usize, &Media)> = rows[offset..end].to_vec();
    {
        let mut faults = shared.lock_faults();
        let short = faults.faults.short_pages.clone();
        let applies = short.pages.is_empty() || short.pages.contains(&page);
        if !page_rows.is_empty() && applies && faults.fire(FaultKind::ShortPage) {
            page_rows.truncate(short.keep_rows as usize);
        }
        if page >= 2 && offset >= 1 && offset < total && faults.fire(FaultKind::Duplicate) {
            page_rows.insert(0, rows[offset - 1]);
        }
    }
    let fields = fields_param(&params);
    let media: Vec<Value> = page_rows
        .iter()
        .map(|(i, m)| project(full_row(&shared, *i, m), fields.as_deref()))
        .collect();
    let total_pages = total.div_ceil(per_page as usize);
    let body = json!({
        "_pages": {"current_page": page, "per_page": per_page, "total_items": total, "total_pages": total_pages},
        "_embedded": {"errors": [], "media": media},
    });
    super::api_json(StatusCode::OK, &body)
}

/// `GET /media/{id}`: the full record (or the `fields` projection); 404 when unknown.
pub(crate) async fn medium(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    shared.hit(RequestKind::Medium);
    if let Err(res) = shared.gate(&headers) {
        return *res;
    }
    let Some((index, m)) = shared.media(&id) else {
        return api_error(StatusCode::NOT_FOUND, "not_found", "Media not found");
    };
    let params = params(query.as_deref());
    let fields = fields_param(&params);
    super::api_json(
        StatusCode::OK,
        &project(full_row(&shared, index, m), fields.as_deref()),
    )
}
