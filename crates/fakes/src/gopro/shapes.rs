//! Constructors for every media shape of `gopro-api.md` §2.3 (single video, chaptered video,
//! photo, photo + GPR, burst, time-lapse series, time-lapse video, Quik edit, Quik project,
//! `.360`) and the modifiers that add renditions (`with_large`, `with_gpx`).
//!
//! Seeds: a constructor takes one base seed and gives each file the seed `base * 1024 + slot`
//! (slot = item number for originals, 900+ for proxies and sidecars), so files of media with
//! distinct base seeds never share bytes (the same bytes appear twice only where the API lists
//! one file twice: a video's `files[0]` is its `edit_proxy`, a burst's cover is frame 1).

use chrono::{DateTime, Duration, Utc};

use super::library::{Media, MediaType, ProcessingState, Rendition, Section};
use crate::content::{Content, Format};
use crate::mp4::Movie;

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
            // Each chapter's header dates it from where it starts (here a minute apart).
            let starts = captured_at + Duration::minutes(i as i64);
            let content = Content::new(seed(base, u64::from(item)), *len, Format::Mp4)
                .with_movie(Movie::at(starts));
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
            let concat = Content::new(seed(base, SLOT_CONCAT), total, Format::Mp4)
                .with_movie(Movie::at(captured_at));
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
}
