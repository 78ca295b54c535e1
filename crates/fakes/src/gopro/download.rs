//! `GET /media/{id}/download` (the §2.3 shape) and the zero-byte zip trap.
//!
//! Each rendition gets a fresh GET `url` and a separately signed `head` URL. Processing states
//! change what is listed (choice of the fake, documented):
//! - `ready`: every rendition, `available` as modelled.
//! - `uploading` / `registered`: all four arrays empty.
//! - `failure`: only the originals (and `files[]`), all `available: false` with null URLs.
//! - any other state (`transcoding`…): originals and photo `files[]` available; proxies and
//!   video `files[0]` listed with `available: false` and null URLs; no sidecars or sprites.

use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use super::auth::api_error;
use super::faults::RequestKind;
use super::library::{Media, ProcessingState, Rendition, Section};
use super::state::Shared;

/// Whether `r` is listed for `m` in its current state, and whether it is available.
fn listing(m: &Media, r: &Rendition) -> Option<bool> {
    let original = r.is_original() || (r.section == Section::Files && r.label == "source");
    match m.state {
        ProcessingState::Ready => Some(r.available),
        ProcessingState::Uploading | ProcessingState::Registered => None,
        ProcessingState::Failure => (original || r.section == Section::Files).then_some(false),
        _ => match r.section {
            Section::SidecarFiles | Section::Sprites => None,
            _ => Some(original && r.available),
        },
    }
}

fn codec(r: &Rendition) -> Value {
    match (r.file_type.as_str(), r.label.as_str()) {
        ("mp4", "source" | "concat" | "high_res_proxy_mp4") => json!("h265"),
        ("mp4", _) => json!("h264"),
        _ => Value::Null,
    }
}

/// The `/download` body of `m`.
pub(crate) fn download_body(shared: &Shared, m: &Media) -> Value {
    let m = &*shared.effective(m);
    let mut files = Vec::new();
    let mut variations = Vec::new();
    let mut sprites = Vec::new();
    let mut sidecars = Vec::new();
    for r in &m.renditions {
        let Some(available) = listing(m, r) else {
            continue;
        };
        let (url, head) = if available {
            (
                json!(shared.signed_url(m, r, "GET")),
                json!(shared.signed_url(m, r, "HEAD")),
            )
        } else {
            (Value::Null, Value::Null)
        };
        match r.section {
            Section::Files => files.push(json!({
                "url": url, "head": head, "camera_position": r.camera_position,
                "item_number": r.item_number, "width": r.width, "height": r.height,
                "orientation": 1, "transforms": null, "available": available,
            })),
            Section::Variations => variations.push(json!({
                "url": url, "head": head, "label": r.label, "type": r.file_type,
                "quality": r.quality, "width": r.width, "height": r.height,
                "item_number": r.item_number, "camera_position": r.camera_position,
                "video_codec": codec(r), "transforms": null, "available": available,
            })),
            Section::SidecarFiles => {
                let mut s = json!({
                    "label": r.label, "type": r.file_type, "item_number": r.item_number,
                    "url": url, "head": head, "available": available,
                });
                if r.label == "gpmf" {
                    s["fps"] = json!(29.97);
                }
                sidecars.push(s);
            }
            Section::Sprites => sprites.push(json!({
                "type": r.file_type, "fps": 29.97, "width": r.width, "height": r.height,
                "total_count": 1, "frame": {"count": 10, "width": 100, "height": 56},
                "urls": [url], "heads": [head],
            })),
        }
    }
    json!({
        "filename": m.filename,
        "_embedded": {"files": files, "variations": variations, "sprites": sprites, "sidecar_files": sidecars},
    })
}

/// `GET /media/{id}/download`.
pub(crate) async fn download(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    shared.hit(RequestKind::Download);
    if let Err(res) = shared.gate(&headers) {
        return *res;
    }
    if shared.lock_faults().faults.broken_descriptors.contains(&id) {
        return api_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "Something went wrong",
        );
    }
    if shared.lock_faults().faults.gone_descriptors.contains(&id) {
        return api_error(StatusCode::NOT_FOUND, "not_found", "Media not found");
    }
    match shared.media(&id) {
        Some((_, m)) => super::api_json(StatusCode::OK, &download_body(&shared, m)),
        None => api_error(StatusCode::NOT_FOUND, "not_found", "Media not found"),
    }
}

/// `GET /media/x/zip/source?ids=…[&access_token=…]`: authenticated by the `access_token` query
/// parameter, the cookie or Bearer (no vendor Accept needed, as a browser download), and then
/// answers what it answered live on 2026-08-25: 200, `application/zip`, zero bytes.
pub(crate) async fn zip(
    State(shared): State<Arc<Shared>>,
    mut headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    shared.hit(RequestKind::Zip);
    let token = url::form_urlencoded::parse(query.as_deref().unwrap_or("").as_bytes())
        .find(|(k, _)| k == "access_token")
        .map(|(_, v)| v.into_owned());
    if let Some(value) = token.and_then(|t| format!("Bearer {t}").parse().ok()) {
        headers.insert(header::AUTHORIZATION, value);
    }
    headers.insert(
        header::ACCEPT,
        HeaderValue::from_static(super::auth::VENDOR_ACCEPT),
    );
    if let Err(res) = shared.gate(&headers) {
        return *res;
    }
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "application/zip"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"GoPro-Media.zip\"",
            ),
        ],
        "",
    )
        .into_response()
}
