//! Which files of a GoPro medium are originals, and which are skipped and why.
//!
//! Rules from gopro-api.md §2.3: the original is the `source` variation (`baked_source` for a
//! rendered Quik edit); several `source`s are chapters, each moved as its own file; a burst or
//! photo time-lapse has one file per frame in `files[]` and its single `source` is only a cover;
//! `files[0]` of a video is a proxy and is never taken. Everything not moved gets a reason a
//! person can read.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::api::{DownloadFile, DownloadResponse, Medium};
use crate::model::{FileKey, MediaKind, Rendition, SkipReason};
use crate::secret::SignedUrl;

/// What to move beyond the defaults.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SelectOptions {
    /// Also move GoPro RAW (`.gpr`) files next to their JPEGs.
    pub include_raw: bool,
    /// Also move GoPro's joined full-length video of a chaptered recording.
    pub include_joined_video: bool,
}

/// A file to move.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Original {
    /// Which file.
    pub key: FileKey,
    /// File name with extension, from the CDN's `response-content-disposition`.
    pub filename: String,
    /// Photo or video.
    pub kind: MediaKind,
    /// MIME type for Google.
    pub mime_type: &'static str,
    /// Pre-signed GET URL (expires within the hour; never stored).
    pub url: SignedUrl,
    /// Pre-signed HEAD URL, if the API gave one.
    pub head: Option<SignedUrl>,
}

/// The decision for one file of a medium.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Choice {
    /// Move it.
    Transfer(Original),
    /// Leave it, with the reason.
    Skip {
        /// Which file.
        key: FileKey,
        /// Its name, when known.
        filename: Option<String>,
        /// Why.
        reason: SkipReason,
    },
}

/// Google Photos' limit for photos (200 MB).
pub const PHOTO_LIMIT: u64 = 200 * 1000 * 1000;
/// Google Photos' limit for videos through the API (20 GB).
pub const VIDEO_LIMIT: u64 = 20 * 1000 * 1000 * 1000;

/// The skip reason a file of `bytes` would get from Google's size limits, if any.
pub fn size_check(kind: MediaKind, bytes: u64) -> Option<SkipReason> {
    let limit = match kind {
        MediaKind::Photo => PHOTO_LIMIT,
        MediaKind::Video => VIDEO_LIMIT,
    };
    (bytes > limit).then_some(SkipReason::TooLarge { bytes, limit })
}

/// What can be decided from the search row alone, before asking for download URLs.
pub fn precheck(medium: &Medium) -> Option<SkipReason> {
    let ext = medium
        .file_extension
        .as_deref()
        .unwrap_or("")
        .to_ascii_lowercase();
    let name = medium
        .filename
        .as_deref()
        .unwrap_or("")
        .to_ascii_lowercase();
    if ext == "360" || name.ends_with(".360") {
        return Some(SkipReason::Spherical360);
    }
    if !medium.is_ready() {
        return Some(SkipReason::NotReady {
            state: medium.ready_to_view.clone().unwrap_or_default(),
        });
    }
    None
}

/// Decides, for every file of `medium`, whether it is moved or skipped.
pub fn select_originals(
    medium: &Medium,
    download: &DownloadResponse,
    options: SelectOptions,
) -> Vec<Choice> {
    let id = medium.id.as_str();
    let key = |n: u32, label: Rendition| FileKey {
        media_id: id.to_string(),
        item_number: n,
        label,
    };
    let whole_skip = |reason| {
        vec![Choice::Skip {
            key: key(1, Rendition::Source),
            filename: medium.filename.clone(),
            reason,
        }]
    };
    if let Some(reason) = precheck(medium) {
        return whole_skip(reason);
    }
    let embedded = &download.embedded;
    let usable = |r: &&DownloadFile| r.available != Some(false) && r.url.is_some();
    let edl = medium.play_as.as_deref() == Some("edl");

    let mut sources: BTreeMap<u32, &DownloadFile> = BTreeMap::new();
    let mut baked: Option<&DownloadFile> = None;
    for v in embedded.variations.iter().filter(usable) {
        match v.label.as_deref() {
            Some("source") => {
                sources.entry(item_number(v)).or_insert(v);
            }
            Some("baked_source") => baked = baked.or(Some(v)),
            _ => {}
        }
    }
    let mut choices = Vec::new();
    if let Some(b) = baked {
        push(
            &mut choices,
            key(1, Rendition::BakedSource),
            b,
            medium,
            download,
        );
    } else if edl {
        return whole_skip(SkipReason::QuikProject);
    } else if sources.len() > 1 {
        for (n, v) in &sources {
            push(
                &mut choices,
                key(*n, Rendition::Source),
                v,
                medium,
                download,
            );
        }
        if let Some(concat) = embedded
            .variations
            .iter()
            .filter(usable)
            .find(|v| v.label.as_deref() == Some("concat"))
        {
            if options.include_joined_video {
                push(
                    &mut choices,
                    key(0, Rendition::Concat),
                    concat,
                    medium,
                    download,
                );
            } else {
                choices.push(Choice::Skip {
                    key: key(0, Rendition::Concat),
                    filename: disposition_filename(concat),
                    reason: SkipReason::JoinedVideoNotIncluded,
                });
            }
        }
    } else if embedded.files.iter().filter(usable).count() > 1 {
        let mut frames: BTreeMap<u32, &DownloadFile> = BTreeMap::new();
        for f in embedded.files.iter().filter(usable) {
            frames.entry(item_number(f)).or_insert(f);
        }
        for (n, f) in frames {
            push(&mut choices, key(n, Rendition::File), f, medium, download);
        }
    } else if let Some((_, v)) = sources.iter().next() {
        push(&mut choices, key(1, Rendition::Source), v, medium, download);
    } else if is_photo(medium) {
        // A photo's files[0] is the original (same dimensions as source); a video's is a proxy.
        match embedded.files.iter().find(usable) {
            Some(f) => push(&mut choices, key(1, Rendition::File), f, medium, download),
            None => return whole_skip(no_original(medium)),
        }
    } else {
        return whole_skip(no_original(medium));
    }

    if let Some(raw) = embedded
        .variations
        .iter()
        .filter(usable)
        .find(|v| v.label.as_deref() == Some("raw_photo") || v.kind.as_deref() == Some("gpr"))
    {
        if options.include_raw {
            push(
                &mut choices,
                key(1, Rendition::RawPhoto),
                raw,
                medium,
                download,
            );
        } else {
            choices.push(Choice::Skip {
                key: key(1, Rendition::RawPhoto),
                filename: disposition_filename(raw),
                reason: SkipReason::RawNotIncluded,
            });
        }
    }
    choices
}

fn no_original(medium: &Medium) -> SkipReason {
    if medium.is_ready() {
        SkipReason::NoOriginal
    } else {
        SkipReason::NotReady {
            state: medium.ready_to_view.clone().unwrap_or_default(),
        }
    }
}

/// Whether a medium is a photo (burst and time-lapse series included) or a video, as the run
/// and the preview count it.
pub fn media_kind(medium: &Medium) -> MediaKind {
    if is_photo(medium) {
        MediaKind::Photo
    } else {
        MediaKind::Video
    }
}

fn is_photo(medium: &Medium) -> bool {
    matches!(
        medium.play_as.as_deref(),
        Some("photo") | Some("multi_shot_photo")
    ) || medium
        .kind
        .as_deref()
        .is_some_and(|k| k.contains("Photo") || k == "Burst" || k == "TimeLapse")
}

fn item_number(r: &DownloadFile) -> u32 {
    r.item_number.filter(|n| *n > 0).unwrap_or(1) as u32
}

fn push(
    out: &mut Vec<Choice>,
    key: FileKey,
    r: &DownloadFile,
    medium: &Medium,
    download: &DownloadResponse,
) {
    let filename =
        disposition_filename(r).unwrap_or_else(|| fallback_name(&key, r, medium, download));
    let ext = filename
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let skip = |reason| Choice::Skip {
        key: key.clone(),
        filename: Some(filename.clone()),
        reason,
    };
    let Some((kind, mime)) = classify_extension(&ext) else {
        out.push(match ext.as_str() {
            "lrv" | "thm" => skip(SkipReason::CameraProxy),
            "360" => skip(SkipReason::Spherical360),
            _ => skip(SkipReason::UnsupportedType {
                extension: ext.clone(),
            }),
        });
        return;
    };
    let (Some(url), head) = (
        r.url.as_deref().and_then(|u| SignedUrl::parse(u).ok()),
        r.head.as_deref().and_then(|u| SignedUrl::parse(u).ok()),
    ) else {
        out.push(skip(SkipReason::NoOriginal));
        return;
    };
    out.push(Choice::Transfer(Original {
        key,
        filename,
        kind,
        mime_type: mime,
        url,
        head,
    }));
}

/// Photo/video and MIME type for a file extension Google Photos accepts.
pub fn classify_extension(ext: &str) -> Option<(MediaKind, &'static str)> {
    use MediaKind::{Photo, Video};
    Some(match ext {
        "jpg" | "jpeg" => (Photo, "image/jpeg"),
        "heic" => (Photo, "image/heic"),
        "png" => (Photo, "image/png"),
        "gpr" => (Photo, "image/x-gopro-gpr"),
        "dng" => (Photo, "image/x-adobe-dng"),
        "webp" => (Photo, "image/webp"),
        "gif" => (Photo, "image/gif"),
        "mp4" => (Video, "video/mp4"),
        "mov" => (Video, "video/quicktime"),
        "m4v" => (Video, "video/x-m4v"),
        _ => return None,
    })
}

/// The filename in a signed URL's `response-content-disposition` (`attachment; filename=X;`).
pub fn disposition_filename(r: &DownloadFile) -> Option<String> {
    let url = url::Url::parse(r.url.as_deref()?).ok()?;
    let disposition = url
        .query_pairs()
        .find(|(k, _)| k.eq_ignore_ascii_case("response-content-disposition"))?
        .1
        .into_owned();
    disposition.split(';').find_map(|part| {
        let (k, v) = part.trim().split_once('=')?;
        if !k.trim().eq_ignore_ascii_case("filename") {
            return None;
        }
        let v = v.trim().trim_matches('"');
        // Never let a server-given name carry a path.
        let v = v.rsplit(['/', '\\']).next().unwrap_or(v);
        (!v.is_empty()).then(|| v.to_string())
    })
}

fn fallback_name(
    key: &FileKey,
    r: &DownloadFile,
    medium: &Medium,
    download: &DownloadResponse,
) -> String {
    let base = download
        .filename
        .clone()
        .or_else(|| medium.filename.clone())
        .unwrap_or_else(|| medium.id.clone());
    let (stem, ext) = base
        .rsplit_once('.')
        .map(|(s, e)| (s.to_string(), e.to_string()))
        .unwrap_or((base.clone(), String::new()));
    let ext = r.kind.clone().filter(|k| !k.is_empty()).unwrap_or(ext);
    match key.label {
        Rendition::File | Rendition::Source
            if key.item_number > 1 || medium.item_count.unwrap_or(1) > 1 =>
        {
            format!("{stem}_{:03}.{ext}", key.item_number)
        }
        _ => format!("{stem}.{ext}"),
    }
}
