//! The media model of the fake GoPro library.
//!
//! A [`Media`] is one row of `/media/search` and one `/media/{id}/download` answer. Its files are
//! [`Rendition`]s: each names the `/download` array it appears in ([`Section`]), its `label`,
//! `type`, `item_number` and a [`Content`] that the CDN generates on the fly. The constructors of
//! every shape (`Media::photo`, `Media::chaptered_video`, `Media::burst`…) live in `shapes.rs`;
//! the modifiers here (`with_timezone`, `with_state`, `reprocessed`…) adjust them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::content::Content;

/// The GoPro `type` of a medium (PascalCase on the wire).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MediaType {
    /// A single photo.
    Photo,
    /// A video (single or chaptered).
    Video,
    /// A time-lapse photo series.
    TimeLapse,
    /// A time-lapse rendered by the camera as one video.
    TimeLapseVideo,
    /// A burst of photos.
    Burst,
    /// A burst video.
    BurstVideo,
    /// Continuous photo series.
    Continuous,
    /// Looped video.
    LoopedVideo,
    /// Looped.
    Looped,
    /// Chaptered (listed by the web app; the demo uses `Video` with `item_count > 1`).
    Chaptered,
    /// Livestream recording.
    Livestream,
    /// Video from another camera.
    ExternalVideo,
    /// Session.
    Session,
    /// Audio.
    Audio,
    /// A Quik multi-clip edit (an EDL, possibly rendered to `baked_source`).
    MultiClipEdit,
    /// A Quik edit.
    Edit,
}

impl MediaType {
    /// Every value, in the order of `gopro-api.md` §2.2.
    pub const ALL: [MediaType; 16] = [
        MediaType::Photo,
        MediaType::Video,
        MediaType::TimeLapse,
        MediaType::TimeLapseVideo,
        MediaType::Burst,
        MediaType::BurstVideo,
        MediaType::Continuous,
        MediaType::LoopedVideo,
        MediaType::Looped,
        MediaType::Chaptered,
        MediaType::Livestream,
        MediaType::ExternalVideo,
        MediaType::Session,
        MediaType::Audio,
        MediaType::MultiClipEdit,
        MediaType::Edit,
    ];

    /// The wire name (`"Photo"`, `"TimeLapseVideo"`…).
    pub fn as_str(self) -> &'static str {
        match self {
            MediaType::Photo => "Photo",
            MediaType::Video => "Video",
            MediaType::TimeLapse => "TimeLapse",
            MediaType::TimeLapseVideo => "TimeLapseVideo",
            MediaType::Burst => "Burst",
            MediaType::BurstVideo => "BurstVideo",
            MediaType::Continuous => "Continuous",
            MediaType::LoopedVideo => "LoopedVideo",
            MediaType::Looped => "Looped",
            MediaType::Chaptered => "Chaptered",
            MediaType::Livestream => "Livestream",
            MediaType::ExternalVideo => "ExternalVideo",
            MediaType::Session => "Session",
            MediaType::Audio => "Audio",
            MediaType::MultiClipEdit => "MultiClipEdit",
            MediaType::Edit => "Edit",
        }
    }

    /// Parses a wire name exactly (the API is case-sensitive; anything else is "unknown").
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == name)
    }
}

/// Processing state, reported as `ready_to_view` and filtered by `processing_states`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProcessingState {
    /// Registered, nothing uploaded yet.
    Registered,
    /// Upload in progress: no file is downloadable, `file_size` is null.
    Uploading,
    /// A Quik render in progress.
    Rendering,
    /// Before transcoding.
    Pretranscoding,
    /// Original uploaded, proxies not ready (`available:false`).
    Transcoding,
    /// Stabilising.
    Stabilizing,
    /// Everything available.
    Ready,
    /// Processing failed: the original is `available:false`.
    Failure,
    /// Unknown.
    Unknown,
}

impl ProcessingState {
    /// Every value.
    pub const ALL: [ProcessingState; 9] = [
        ProcessingState::Registered,
        ProcessingState::Uploading,
        ProcessingState::Rendering,
        ProcessingState::Pretranscoding,
        ProcessingState::Transcoding,
        ProcessingState::Stabilizing,
        ProcessingState::Ready,
        ProcessingState::Failure,
        ProcessingState::Unknown,
    ];

    /// The wire name (`"ready"`, `"transcoding"`…).
    pub fn as_str(self) -> &'static str {
        match self {
            ProcessingState::Registered => "registered",
            ProcessingState::Uploading => "uploading",
            ProcessingState::Rendering => "rendering",
            ProcessingState::Pretranscoding => "pretranscoding",
            ProcessingState::Transcoding => "transcoding",
            ProcessingState::Stabilizing => "stabilizing",
            ProcessingState::Ready => "ready",
            ProcessingState::Failure => "failure",
            ProcessingState::Unknown => "unknown",
        }
    }

    /// Parses a wire name exactly.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

/// Which `_embedded` array of `/download` a rendition appears in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Section {
    /// `files[]` (a proxy for videos; the originals for photos and bursts).
    Files,
    /// `variations[]` (`source`, `baked_source`, `concat`, proxies, `raw_photo`, `large`).
    Variations,
    /// `sidecar_files[]` (`gpmf`, `gpx`, `mediainfo`).
    SidecarFiles,
    /// `sprites[]` (thumbnail strips, with plural `urls`/`heads`).
    Sprites,
}

/// One downloadable file of a medium.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rendition {
    /// The `/download` array it appears in.
    pub section: Section,
    /// `label` (`source`, `edit_proxy`, `gpmf`…); also the label segment of the CDN path.
    pub label: String,
    /// `type` on the wire and the CDN path extension (`mp4`, `jpg`, `gpr`, `360`, `json`, `gpx`).
    pub file_type: String,
    /// `quality` (`"2160p"`, `"720p"`…), videos only.
    pub quality: Option<String>,
    /// Pixel width.
    pub width: Option<u32>,
    /// Pixel height.
    pub height: Option<u32>,
    /// `item_number` on the wire (`None` = null); the CDN path uses `1` for `None`.
    pub item_number: Option<u32>,
    /// `camera_position` (`"default"`).
    pub camera_position: String,
    /// `available` when the medium is `ready`; processing states override it (see `download.rs`).
    pub available: bool,
    /// The bytes the CDN serves.
    pub content: Content,
    /// The filename in `response-content-disposition`: the only reliable original name.
    pub download_name: String,
}

impl Rendition {
    /// A rendition with `camera_position: default`, available, no quality or dimensions.
    pub fn new(
        section: Section,
        label: &str,
        file_type: &str,
        content: Content,
        name: &str,
    ) -> Self {
        Self {
            section,
            label: label.to_owned(),
            file_type: file_type.to_owned(),
            quality: None,
            width: None,
            height: None,
            item_number: None,
            camera_position: "default".to_owned(),
            available: true,
            content,
            download_name: name.to_owned(),
        }
    }

    pub(super) fn dims(mut self, width: u32, height: u32) -> Self {
        self.width = Some(width);
        self.height = Some(height);
        self
    }

    pub(super) fn quality(mut self, quality: &str) -> Self {
        self.quality = Some(quality.to_owned());
        self
    }

    pub(super) fn item(mut self, item: u32) -> Self {
        self.item_number = Some(item);
        self
    }

    /// The item number used in the CDN path (`None` counts as 1).
    pub fn path_item(&self) -> u32 {
        self.item_number.unwrap_or(1)
    }

    /// Whether this is an original (`source`, `baked_source` or `raw_photo`).
    pub fn is_original(&self) -> bool {
        matches!(self.label.as_str(), "source" | "baked_source" | "raw_photo")
    }
}

/// One medium of the library.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Media {
    /// Opaque id (24 hex characters in the demo, like 2026 ids).
    pub id: String,
    /// GoPro `type`.
    pub kind: MediaType,
    /// `filename` (camera names repeat across a library).
    pub filename: String,
    /// `file_extension` (may lie: `json` for a rendered Quik edit).
    pub file_extension: String,
    /// `captured_at`, an instant in UTC.
    pub captured_at: DateTime<Utc>,
    /// `captured_at_timezone` (`"+01:00"`), or null.
    pub captured_at_timezone: Option<String>,
    /// `created_at` (upload time).
    pub created_at: DateTime<Utc>,
    /// `updated_at`.
    pub updated_at: DateTime<Utc>,
    /// `reprocessed_at`; when set, the reported `file_size` usually exceeds the served bytes.
    pub reprocessed_at: Option<DateTime<Utc>>,
    /// Reported `file_size`: the total over all items, null for edits and uploading items.
    pub file_size: Option<u64>,
    /// `item_count`: chapters or burst frames.
    pub item_count: u32,
    /// Processing state (`ready_to_view`).
    pub state: ProcessingState,
    /// `play_as`: `video`, `photo`, `multi_shot_photo` or `edl`.
    pub play_as: String,
    /// `mce_type` (`user_created` marks an unrendered Quik project).
    pub mce_type: Option<String>,
    /// `width`.
    pub width: Option<u32>,
    /// `height`.
    pub height: Option<u32>,
    /// `resolution` (`"2160p"`, or a pixel count for photos).
    pub resolution: Option<String>,
    /// Duration in milliseconds (`source_duration`, sent as a string).
    pub duration_ms: Option<u64>,
    /// `camera_model`.
    pub camera_model: Option<String>,
    /// `gopro_media`: shot on a GoPro (counts as storage-exempt).
    pub gopro_media: bool,
    /// Every downloadable file.
    pub renditions: Vec<Rendition>,
}

impl Media {
    /// Sets `captured_at_timezone` (`None` = null).
    pub fn with_timezone(mut self, tz: Option<&str>) -> Self {
        self.captured_at_timezone = tz.map(str::to_owned);
        self
    }

    /// Sets the MP4 header of the video's `source` and `concat` files: box version (0 or 1)
    /// and the GPMF `TZON`, keeping the header time the camera wrote (its `captured_at`).
    pub fn with_movie_header(mut self, version: u8, tzon: Option<i16>) -> Self {
        for r in &mut self.renditions {
            if let Some(movie) = &mut r.content.movie {
                movie.version = version;
                movie.tzon = tzon;
            }
        }
        self
    }

    /// Sets `created_at` and `updated_at`.
    pub fn with_created_at(mut self, at: DateTime<Utc>) -> Self {
        self.created_at = at;
        self.updated_at = at;
        self
    }

    /// Sets `updated_at`.
    pub fn with_updated_at(mut self, at: DateTime<Utc>) -> Self {
        self.updated_at = at;
        self
    }

    /// Sets the processing state. `uploading`/`registered` also make `file_size` null.
    pub fn with_state(mut self, state: ProcessingState) -> Self {
        self.state = state;
        if matches!(
            state,
            ProcessingState::Uploading | ProcessingState::Registered
        ) {
            self.file_size = None;
        }
        self
    }

    /// Marks the medium reprocessed at `at`: the reported `file_size` grows by `extra_bytes`
    /// while the CDN keeps serving the same bytes (the live quirk of `gopro-api.md` §0 #10).
    pub fn reprocessed(mut self, at: DateTime<Utc>, extra_bytes: u64) -> Self {
        self.reprocessed_at = Some(at);
        self.updated_at = self.updated_at.max(at);
        self.file_size = self.file_size.map(|s| s + extra_bytes);
        self
    }

    /// Sets `camera_model` (`None` = null, with `gopro_media: false`).
    pub fn with_camera(mut self, model: Option<&str>) -> Self {
        self.gopro_media = model.is_some();
        self.camera_model = model.map(str::to_owned);
        self
    }

    /// Sets the pixel size of the medium and of its full-resolution renditions.
    pub fn with_dimensions(mut self, width: u32, height: u32) -> Self {
        self.set_dims(width, height);
        let video = self.play_as == "video" || self.play_as == "edl";
        if video {
            self.resolution = Some(format!("{height}p"));
        }
        for r in &mut self.renditions {
            let full = matches!(
                r.label.as_str(),
                "source" | "concat" | "high_res_proxy_mp4" | "baked_source" | "raw_photo"
            );
            if full && r.width.is_some() {
                r.width = Some(width);
                r.height = Some(height);
                if r.quality.is_some() {
                    r.quality = Some(format!("{height}p"));
                }
            }
        }
        self
    }

    pub(super) fn set_dims(&mut self, width: u32, height: u32) {
        self.width = Some(width);
        self.height = Some(height);
    }

    pub(super) fn base_seed(&self) -> u64 {
        self.renditions.first().map_or(0, |r| r.content.seed / 1024)
    }

    /// The rendition served at `label` / `item_number` (`None` = 1), if any.
    pub fn rendition(&self, label: &str, item_number: Option<u32>) -> Option<&Rendition> {
        let item = item_number.unwrap_or(1);
        self.renditions
            .iter()
            .find(|r| r.label == label && r.path_item() == item)
    }

    /// The originals a correct client uploads: `source`/`baked_source` per item (`files[]` for
    /// bursts and time-lapse series), empty for Quik projects. `raw_photo` is not included.
    pub fn originals(&self) -> Vec<&Rendition> {
        if self.play_as == "multi_shot_photo" {
            return self
                .renditions
                .iter()
                .filter(|r| r.section == Section::Files)
                .collect();
        }
        self.renditions
            .iter()
            .filter(|r| {
                r.section == Section::Variations
                    && matches!(r.label.as_str(), "source" | "baked_source")
            })
            .collect()
    }

    /// Bytes actually served for the items counted by `file_size`.
    pub fn served_size(&self) -> u64 {
        self.originals().iter().map(|r| r.content.len).sum()
    }

    /// `available_labels`: every label of the variations, sidecars and sprites, plus
    /// `master_playlist` for videos (a superset of the `/download` labels).
    pub fn available_labels(&self) -> Vec<String> {
        let mut labels: Vec<String> = Vec::new();
        for r in &self.renditions {
            if r.section != Section::Files && !labels.contains(&r.label) {
                labels.push(r.label.clone());
            }
        }
        if self.play_as == "video" {
            labels.push("master_playlist".to_owned());
        }
        labels
    }
}
