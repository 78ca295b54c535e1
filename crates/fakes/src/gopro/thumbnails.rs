//! `GET /resize/{450w|original}/{token}`: a medium's thumbnail, as GoPro's image hosts serve
//! it for the search row's `token` (`gopro-api.md`, the media-object fields: the Bearer token
//! is required).
//!
//! The picture is a small PNG drawn from the medium's id (a sky, a sun, the sea; darker for
//! videos), so a grid of them looks like a library and each medium is recognisable. 401 without
//! a valid login, 404 for an unknown size, token or medium.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;

use super::faults::RequestKind;
use super::state::Shared;

/// `GET /resize/{size}/{token}`.
pub(crate) async fn resize(
    State(shared): State<Arc<Shared>>,
    Path((size, token)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    shared.hit(RequestKind::Thumbnail);
    if let Err(res) = shared.authenticate(&headers) {
        return *res;
    }
    let width = match size.as_str() {
        "450w" => 450,
        "original" => 640,
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    let Some(id) = media_id(&token) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let Some((_, medium)) = shared.media(&id) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let video = medium.play_as != "photo" && medium.play_as != "multi_shot_photo";
    (
        [
            (header::CONTENT_TYPE, "image/png"),
            (header::CACHE_CONTROL, "private, max-age=86400"),
        ],
        picture(&id, video, width),
    )
        .into_response()
}

/// The media id inside a search row's `token` (`base64url({"id":…,"kind":"thumbnail"}).sig`).
fn media_id(token: &str) -> Option<String> {
    let (body, _signature) = token.split_once('.')?;
    let json: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(body).ok()?).ok()?;
    (json["kind"] == "thumbnail").then(|| json["id"].as_str().map(str::to_owned))?
}

/// A `width` × ¾·`width` PNG: sky, sun and sea in colours taken from `id`.
pub fn picture(id: &str, video: bool, width: u32) -> Vec<u8> {
    let height = width * 3 / 4;
    let hash = id.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    let channel = |shift: u32, low: u32, span: u32| low + ((hash >> shift) as u32 % span);
    let sky = [
        channel(0, 90, 120),
        channel(8, 140, 90),
        channel(16, 190, 60),
    ];
    let sea = [
        channel(24, 10, 50),
        channel(32, 70, 80),
        channel(40, 110, 90),
    ];
    let horizon = height * (50 + (hash >> 48) as u32 % 25) / 100;
    let (sun_x, sun_y) = (
        width * (20 + (hash >> 52) as u32 % 60) / 100,
        horizon * 2 / 5,
    );
    let sun_r = width / 12;
    let dim = if video { 0.72 } else { 1.0 };
    let mut pixels = Vec::with_capacity((width * height * 3) as usize);
    for y in 0..height {
        for x in 0..width {
            let (dx, dy) = (x.abs_diff(sun_x), y.abs_diff(sun_y));
            let rgb = if dx * dx + dy * dy <= sun_r * sun_r {
                [255, 226, 150]
            } else if y < horizon {
                let t = y as f32 / horizon as f32;
                sky.map(|c| (c as f32 + (255.0 - c as f32) * t * 0.6) as u32)
            } else {
                let t = (y - horizon) as f32 / (height - horizon) as f32;
                sea.map(|c| (c as f32 * (1.0 - 0.5 * t)) as u32)
            };
            pixels.extend(rgb.map(|c| (c.min(255) as f32 * dim) as u8));
        }
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().expect("a PNG header in memory");
    writer
        .write_image_data(&pixels)
        .expect("PNG data in memory");
    writer.finish().expect("a PNG in memory");
    out
}
