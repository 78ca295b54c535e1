//! The media model of the fake GoPro library.
//!
//! A [`Media`] is one row of `/media/search` and one `/media/{id}/download` answer. Its files are
//! [`Rendition`]s: each names the `/download` array it appears in ([`Section`]), its `label`,
//! `type`, `item_number` and a [`Content`] that the CDN generates on the fly. Constructors build
//! every shape of `gopro-api.md` §2.3; modifiers (`with_timezone`, `with_state`, `reprocessed`…)
//! adjust them.
//!
//! Seeds: a constructor takes one base seed and gives each file the seed `base * 1024 + slot`
//! (slot = item number for originals, 900+ for proxies and sidecars), so files of media with
//! distinct base seeds never share bytes.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::content::{Content, Format};

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

    fn dims(mut self, width: u32, height: u32) -> Self {
        self.width = Some(width);
        self.height = Some(height);
        self
    }

    fn quality(mut self, quality: &str) -> Self {
        self.quality = Some(quality.to_owned());
        self
    }

    fn item(mut self, item: u32) -> Self {
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

const SLOT_PROXY_HIGH: u64 = 900;
const SLOT_PROXY_EDIT: u64 = 901;
const SLOT_PROXY_LOW: u64 = 902;
const SLOT_CONCAT: u64 = 903;
const SLOT_LARGE: u64 = 904;
const SLOT_RAW: u64 = 905;
const SLOT_GPMF: u64 = 950;
const SLOT_GPX: u64 = 990;
const SLOT_MEDIAINFO: u64 = 991;
const SLOT_SPRITE: u64 = 992;

fn seed(base: u64, slot: u64) -> u64 {
    base.wrapping_mul(1024).wrapping_add(slot)
}

/// `GX010639.MP4` → `GX020639.MP4` for chapter 2 (GoPro's chapter naming), otherwise unchanged.
fn chapter_name(filename: &str, chapter: u32) -> String {
    let bytes = filename.as_bytes();
    if chapter > 1 && bytes.len() > 4 && bytes[2].is_ascii_digit() && bytes[3].is_ascii_digit() {
        format!("{}{:02}{}", &filename[..2], chapter % 100, &filename[4..])
    } else {
        filename.to_owned()
    }
}

fn extension(filename: &str) -> String {
    filename
        .rsplit_once('.')
        .map(|(_, e)| e.to_owned())
        .unwrap_or_default()
}

impl Media {
    fn base(id: &str, kind: MediaType, filename: &str, captured_at: DateTime<Utc>) -> Self {
        Self {
            id: id.to_owned(),
            kind,
            filename: filename.to_owned(),
            file_extension: extension(filename),
            captured_at,
            captured_at_timezone: Some("+00:00".to_owned()),
            created_at: captured_at + Duration::hours(6),
            updated_at: captured_at + Duration::hours(6),
            reprocessed_at: None,
            file_size: None,
            item_count: 1,
            state: ProcessingState::Ready,
            play_as: "photo".to_owned(),
            mce_type: None,
            width: None,
            height: None,
            resolution: None,
            duration_ms: None,
            camera_model: Some("HERO12 Black".to_owned()),
            gopro_media: true,
            renditions: Vec::new(),
        }
    }

    /// A single photo: `files[0]` is the original, `variations` has `source` (jpg). 4000×3000.
    pub fn photo(
        id: &str,
        filename: &str,
        captured_at: DateTime<Utc>,
        base: u64,
        len: u64,
    ) -> Self {
        let mut m = Self::base(id, MediaType::Photo, filename, captured_at);
        let content = Content::new(seed(base, 1), len, Format::Jpeg);
        m.set_dims(4000, 3000);
        m.resolution = Some("12000000".to_owned());
        m.file_size = Some(len);
        m.renditions = vec![
            Rendition::new(Section::Files, "source", "jpg", content, filename)
                .dims(4000, 3000)
                .item(1),
            Rendition::new(Section::Variations, "source", "jpg", content, filename)
                .dims(4000, 3000),
            Rendition::new(
                Section::SidecarFiles,
                "mediainfo",
                "json",
                Content::new(seed(base, SLOT_MEDIAINFO), 1_500, Format::Json),
                &format!("{filename}.json"),
            ),
        ];
        m
    }

    /// A photo shot in RAW mode: the photo plus a `raw_photo` variation (`type: gpr`). The
    /// reported `file_size` covers the JPEG only (GoPro reports no size for RAW).
    pub fn photo_with_raw(
        id: &str,
        filename: &str,
        captured_at: DateTime<Utc>,
        base: u64,
        jpg_len: u64,
        gpr_len: u64,
    ) -> Self {
        let mut m = Self::photo(id, filename, captured_at, base, jpg_len);
        let gpr_name = format!(
            "{}.GPR",
            filename.rsplit_once('.').map_or(filename, |(s, _)| s)
        );
        let raw = Content::new(seed(base, SLOT_RAW), gpr_len, Format::Gpr);
        m.renditions.insert(
            2,
            Rendition::new(Section::Variations, "raw_photo", "gpr", raw, &gpr_name)
                .dims(4000, 3000),
        );
        m
    }

    /// Adds a `large` variation (a downsized JPEG) to a photo.
    pub fn with_large(mut self, len: u64) -> Self {
        let base_seed = self.base_seed();
        let content = Content::new(seed(base_seed, SLOT_LARGE), len, Format::Jpeg);
        let name = self.filename.clone();
        let at = self
            .renditions
            .iter()
            .rposition(|r| r.section == Section::Variations)
            .map_or(self.renditions.len(), |i| i + 1);
        self.renditions.insert(
            at,
            Rendition::new(Section::Variations, "large", "jpg", content, &name).dims(2000, 1500),
        );
        self
    }

    /// A single video, 3840×2160: `files[0]` is a 1280×720 proxy; variations in the live order
    /// `edit_proxy` (first, to trap naive clients), `source` (2160p), `high_res_proxy_mp4`,
    /// `mp4_low`; sidecars `gpmf` and `mediainfo`; one sprite.
    pub fn video(
        id: &str,
        filename: &str,
        captured_at: DateTime<Utc>,
        base: u64,
        len: u64,
    ) -> Self {
        Self::chaptered_video(id, filename, captured_at, base, &[len])
    }

    /// A chaptered video: one id, `item_count = lens.len()`, one `source` per chapter with
    /// `item_number` 1..N (named `GX01…`, `GX02…`), a stitched `concat`, and shared proxies. With
    /// a single length this is [`Media::video`] (`source` with a null `item_number`, no `concat`).
    pub fn chaptered_video(
        id: &str,
        filename: &str,
        captured_at: DateTime<Utc>,
        base: u64,
        lens: &[u64],
    ) -> Self {
        let mut m = Self::base(id, MediaType::Video, filename, captured_at);
        let total: u64 = lens.iter().sum();
        let n = lens.len().max(1) as u32;
        m.item_count = n;
        m.play_as = "video".to_owned();
        m.file_size = Some(total);
        m.duration_ms = Some(total / 7_000 + 1_000);
        m.set_dims(3840, 2160);
        m.resolution = Some("2160p".to_owned());
        let proxy = |slot, div: u64| {
            Content::new(seed(base, slot), (total / div).max(32 * 1024), Format::Mp4)
        };
        let edit_proxy = proxy(SLOT_PROXY_EDIT, 6);
        let mut r = vec![
            Rendition::new(Section::Files, "edit_proxy", "mp4", edit_proxy, filename)
                .dims(1280, 720)
                .item(1),
            Rendition::new(
                Section::Variations,
                "edit_proxy",
                "mp4",
                edit_proxy,
                filename,
            )
            .dims(1280, 720)
            .quality("720p"),
        ];
        for (i, len) in lens.iter().enumerate() {
            let item = i as u32 + 1;
            let content = Content::new(seed(base, u64::from(item)), *len, Format::Mp4);
            let name = chapter_name(filename, item);
            let mut v = Rendition::new(Section::Variations, "source", "mp4", content, &name)
                .dims(3840, 2160)
                .quality("2160p");
            if n > 1 {
                v = v.item(item);
            }
            r.push(v);
        }
        if n > 1 {
            let concat = Content::new(seed(base, SLOT_CONCAT), total, Format::Mp4);
            r.push(
                Rendition::new(Section::Variations, "concat", "mp4", concat, filename)
                    .dims(3840, 2160)
                    .quality("2160p"),
            );
        }
        r.push(
            Rendition::new(
                Section::Variations,
                "high_res_proxy_mp4",
                "mp4",
                proxy(SLOT_PROXY_HIGH, 3),
                filename,
            )
            .dims(3840, 2160)
            .quality("2160p"),
        );
        r.push(
            Rendition::new(
                Section::Variations,
                "mp4_low",
                "mp4",
                proxy(SLOT_PROXY_LOW, 40),
                filename,
            )
            .dims(426, 240)
            .quality("240p"),
        );
        for i in 0..n {
            let gpmf = Content::new(seed(base, SLOT_GPMF + u64::from(i)), 24 * 1024, Format::Mp4);
            let name = format!("{}.gpmf.mp4", chapter_name(filename, i + 1));
            r.push(Rendition::new(Section::SidecarFiles, "gpmf", "mp4", gpmf, &name).item(i + 1));
        }
        let info = Content::new(seed(base, SLOT_MEDIAINFO), 2_048, Format::Json);
        r.push(Rendition::new(
            Section::SidecarFiles,
            "mediainfo",
            "json",
            info,
            &format!("{filename}.json"),
        ));
        let sprite = Content::new(seed(base, SLOT_SPRITE), 20 * 1024, Format::Jpeg);
        r.push(
            Rendition::new(Section::Sprites, "sprite", "jpg", sprite, "sprite.jpg").dims(1000, 56),
        );
        m.renditions = r;
        m
    }

    /// Adds a `gpx` sidecar (GPS track) to a video.
    pub fn with_gpx(mut self) -> Self {
        let content = Content::new(seed(self.base_seed(), SLOT_GPX), 8 * 1024, Format::Binary);
        let name = format!("{}.gpx", self.filename);
        let at = self
            .renditions
            .iter()
            .position(|r| r.section == Section::Sprites)
            .unwrap_or(self.renditions.len());
        self.renditions.insert(
            at,
            Rendition::new(Section::SidecarFiles, "gpx", "gpx", content, &name),
        );
        self
    }

    /// A camera-made time-lapse video: the single-video shape with `type: TimeLapseVideo`.
    pub fn time_lapse_video(
        id: &str,
        filename: &str,
        captured_at: DateTime<Utc>,
        base: u64,
        len: u64,
    ) -> Self {
        let mut m = Self::video(id, filename, captured_at, base, len);
        m.kind = MediaType::TimeLapseVideo;
        m
    }

    /// A burst: `item_count = lens.len()`, one `files[]` entry per frame keyed by
    /// `item_number` (`…/source/default/{n}.jpg`), and a single `source` variation that is only
    /// the cover (the bytes of frame 1, null `item_number`). `file_size` is the total.
    pub fn burst(
        id: &str,
        filename: &str,
        captured_at: DateTime<Utc>,
        base: u64,
        lens: &[u64],
    ) -> Self {
        let mut m = Self::base(id, MediaType::Burst, filename, captured_at);
        m.play_as = "multi_shot_photo".to_owned();
        m.item_count = lens.len() as u32;
        m.file_size = Some(lens.iter().sum());
        m.set_dims(4000, 3000);
        m.resolution = Some("12000000".to_owned());
        let stem = filename
            .rsplit_once('.')
            .map_or(filename, |(s, _)| s)
            .to_owned();
        let mut r = Vec::new();
        let mut cover = None;
        for (i, len) in lens.iter().enumerate() {
            let item = i as u32 + 1;
            let content = Content::new(seed(base, u64::from(item)), *len, Format::Jpeg);
            cover.get_or_insert(content);
            let name = if item == 1 {
                filename.to_owned()
            } else {
                format!("{stem}_{item:03}.JPG")
            };
            r.push(
                Rendition::new(Section::Files, "source", "jpg", content, &name)
                    .dims(4000, 3000)
                    .item(item),
            );
        }
        if let Some(cover) = cover {
            r.push(
                Rendition::new(Section::Variations, "source", "jpg", cover, filename)
                    .dims(4000, 3000),
            );
        }
        m.renditions = r;
        m
    }

    /// A time-lapse photo series: the burst shape with `type: TimeLapse`.
    pub fn time_lapse_photos(
        id: &str,
        filename: &str,
        captured_at: DateTime<Utc>,
        base: u64,
        lens: &[u64],
    ) -> Self {
        let mut m = Self::burst(id, filename, captured_at, base, lens);
        m.kind = MediaType::TimeLapse;
        m
    }

    /// A rendered Quik edit: `type: MultiClipEdit`, `file_extension: "json"` (the EDL),
    /// `file_size: null`, `play_as: "edl"`, `mce_type: "auto_created"`; no `source`, the
    /// rendered MP4 is `baked_source` (and `files[0]`), 1920×1080. `mp4_name` is the name the
    /// CDN gives it in `response-content-disposition`.
    pub fn quik_edit(
        id: &str,
        name: &str,
        mp4_name: &str,
        captured_at: DateTime<Utc>,
        base: u64,
        len: u64,
    ) -> Self {
        let mut m = Self::base(
            id,
            MediaType::MultiClipEdit,
            &format!("{name}.json"),
            captured_at,
        );
        m.file_extension = "json".to_owned();
        m.play_as = "edl".to_owned();
        m.mce_type = Some("auto_created".to_owned());
        m.camera_model = None;
        m.set_dims(1920, 1080);
        m.resolution = Some("1080p".to_owned());
        m.duration_ms = Some(len / 5_000 + 1_000);
        let baked = Content::new(seed(base, 1), len, Format::Mp4);
        m.renditions = vec![
            Rendition::new(Section::Files, "baked_source", "mp4", baked, mp4_name)
                .dims(1920, 1080)
                .item(1),
            Rendition::new(Section::Variations, "baked_source", "mp4", baked, mp4_name)
                .dims(1920, 1080)
                .quality("1080p"),
        ];
        m
    }

    /// An unrendered Quik project: `play_as: "edl"`, `mce_type: "user_created"`, nothing to
    /// download (all `/download` arrays empty). Clients must skip it.
    pub fn quik_project(id: &str, name: &str, captured_at: DateTime<Utc>) -> Self {
        let mut m = Self::base(
            id,
            MediaType::MultiClipEdit,
            &format!("{name}.json"),
            captured_at,
        );
        m.file_extension = "json".to_owned();
        m.play_as = "edl".to_owned();
        m.mce_type = Some("user_created".to_owned());
        m.camera_model = None;
        m
    }

    /// A spherical `.360` video (MAX): `file_extension: "360"`, `files[0]` an equirectangular MP4
    /// proxy (1920×960), a `source` variation with `type: "360"` (5376×2688, the `.360`
    /// container) and an `edit_proxy`. The real shape is unverified (`gopro-api.md` §6); this is
    /// the plausible one the fake commits to.
    pub fn spherical(
        id: &str,
        filename: &str,
        captured_at: DateTime<Utc>,
        base: u64,
        len: u64,
    ) -> Self {
        let mut m = Self::base(id, MediaType::Video, filename, captured_at);
        m.play_as = "video".to_owned();
        m.camera_model = Some("MAX".to_owned());
        m.file_size = Some(len);
        m.set_dims(5376, 2688);
        m.resolution = Some("5.6K".to_owned());
        m.duration_ms = Some(len / 7_000 + 1_000);
        let proxy = Content::new(
            seed(base, SLOT_PROXY_EDIT),
            (len / 6).max(32 * 1024),
            Format::Mp4,
        );
        let source = Content::new(seed(base, 1), len, Format::Three60);
        let mp4_name = format!(
            "{}.MP4",
            filename.rsplit_once('.').map_or(filename, |(s, _)| s)
        );
        m.renditions = vec![
            Rendition::new(Section::Files, "edit_proxy", "mp4", proxy, &mp4_name)
                .dims(1920, 960)
                .item(1),
            Rendition::new(Section::Variations, "source", "360", source, filename)
                .dims(5376, 2688)
                .quality("5.6K"),
            Rendition::new(Section::Variations, "edit_proxy", "mp4", proxy, &mp4_name)
                .dims(1920, 960)
                .quality("960p"),
        ];
        m
    }

    /// Sets `captured_at_timezone` (`None` = null).
    pub fn with_timezone(mut self, tz: Option<&str>) -> Self {
        self.captured_at_timezone = tz.map(str::to_owned);
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

    fn set_dims(&mut self, width: u32, height: u32) {
        self.width = Some(width);
        self.height = Some(height);
    }

    fn base_seed(&self) -> u64 {
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
