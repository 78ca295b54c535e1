//! Albums (§4): `POST /v1/albums`, `GET /v1/albums` (app-created only) and
//! `POST /v1/albums/{id}:batchAddMediaItems` (all-or-nothing, app-created items only).

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{json, Value};

use super::errors::{api_error, bad_request};
use super::media_items::{int_param, paginate, parse_json};
use super::quota::{admit, Need};
use super::state::{random_id, AlbumRecord, Shared};
use super::{RequestKind, SharedState};

fn album_json(base: &str, album: &AlbumRecord) -> Value {
    let mut value = json!({
        "id": album.id,
        "title": album.title,
        "productUrl": format!("{base}/lr/album/{}", album.id),
        "isWriteable": album.app_created,
        "mediaItemsCount": album.media_item_ids.len().to_string(),
    });
    if let Some(cover) = album.media_item_ids.first() {
        value["coverPhotoMediaItemId"] = json!(cover);
        value["coverPhotoBaseUrl"] = json!(format!("{base}/lr/media/{cover}"));
    }
    value
}

#[derive(Deserialize)]
struct CreateAlbum {
    album: Option<NewAlbum>,
}

#[derive(Deserialize)]
struct NewAlbum {
    #[serde(default)]
    title: String,
}

/// `POST /v1/albums`.
pub(crate) async fn create(
    State(shared): State<SharedState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(response) = admit(&shared, RequestKind::AlbumCreate, &headers, Need::Append) {
        return response;
    }
    let request: CreateAlbum = match parse_json(&body) {
        Ok(r) => r,
        Err(response) => return response,
    };
    let Some(album) = request.album else {
        return bad_request("Request must contain an album.");
    };
    if album.title.chars().count() > 500 {
        return bad_request("Album title must be at most 500 characters.");
    }
    let mut inner = shared.lock();
    let id = random_id(40);
    let record = AlbumRecord {
        id: id.clone(),
        title: album.title,
        media_item_ids: Vec::new(),
        app_created: true,
        creation_order: inner.album_order.len() as u64,
    };
    let body = album_json(&shared.base(), &record);
    inner.albums.insert(id.clone(), record);
    inner.album_order.push(id);
    axum::Json(body).into_response()
}

/// `GET /v1/albums?pageSize&pageToken` (pageSize ≤ 50, default 20).
pub(crate) async fn list(
    State(shared): State<SharedState>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Response {
    if let Err(response) = admit(&shared, RequestKind::AlbumList, &headers, Need::Read) {
        return response;
    }
    let params: std::collections::HashMap<String, String> =
        url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
    let size = match int_param(&params, "pageSize") {
        Ok(s) => s,
        Err(response) => return response,
    };
    let inner = shared.lock();
    let ids: Vec<&String> = inner
        .album_order
        .iter()
        .filter(|id| inner.albums.get(*id).is_some_and(|a| a.app_created))
        .collect();
    let (start, end, next) = match paginate(
        ids.len(),
        size,
        20,
        50,
        params.get("pageToken").map(String::as_str),
    ) {
        Ok(p) => p,
        Err(response) => return response,
    };
    let base = shared.base();
    let albums: Vec<Value> = ids[start..end]
        .iter()
        .filter_map(|id| inner.albums.get(*id))
        .map(|a| album_json(&base, a))
        .collect();
    let mut body = json!({});
    if !albums.is_empty() {
        body["albums"] = json!(albums);
    }
    if let Some(next) = next {
        body["nextPageToken"] = json!(next);
    }
    axum::Json(body).into_response()
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct BatchAdd {
    #[serde(default)]
    media_item_ids: Vec<String>,
}

/// `POST /v1/albums/{id}:batchAddMediaItems` (the route captures `{id}:batchAddMediaItems`).
pub(crate) async fn album_action(
    State(shared): State<SharedState>,
    Path(segment): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(album_id) = segment.strip_suffix(":batchAddMediaItems") else {
        return api_error(
            axum::http::StatusCode::NOT_FOUND,
            "NOT_FOUND",
            "Method not found.",
            Some("notFound"),
            None,
        );
    };
    if let Err(response) = admit(&shared, RequestKind::BatchAdd, &headers, Need::AppendOrEdit) {
        return response;
    }
    let request: BatchAdd = match parse_json(&body) {
        Ok(r) => r,
        Err(response) => return response,
    };
    batch_add(&shared, album_id, request.media_item_ids)
}

fn batch_add(shared: &Shared, album_id: &str, ids: Vec<String>) -> Response {
    if ids.is_empty() {
        return bad_request("Request must contain at least one media item id.");
    }
    if ids.len() > 50 {
        return bad_request("Request must have less than 50 items.");
    }
    let mut inner = shared.lock();
    let capacity = inner.scenario.album_capacity;
    let Some(album) = inner.albums.get(album_id) else {
        return bad_request("Invalid album ID.");
    };
    if !album.app_created {
        return bad_request("No permission to add media items to this album.");
    }
    if ids
        .iter()
        .any(|id| !inner.items.get(id).is_some_and(|i| i.app_created))
    {
        return bad_request("Request contains an invalid media item id.");
    }
    let fresh: Vec<String> = {
        let mut fresh: Vec<String> = Vec::new();
        for id in &ids {
            if !album.media_item_ids.contains(id) && !fresh.contains(id) {
                fresh.push(id.clone());
            }
        }
        fresh
    };
    if album.media_item_ids.len() + fresh.len() > capacity {
        return bad_request("The album is full: an album holds at most 20000 media items.");
    }
    if let Some(album) = inner.albums.get_mut(album_id) {
        album.media_item_ids.extend(fresh.iter().cloned());
    }
    for id in fresh {
        if let Some(item) = inner.items.get_mut(&id) {
            item.album_ids.push(album_id.to_string());
        }
    }
    axum::Json(json!({})).into_response()
}
