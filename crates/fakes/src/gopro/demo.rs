//! The demo library: 34 media, deterministic (fixed ids, dates and seeds).
//!
//! Captured between **2026-01-04T09:12:00Z and 2026-05-28T20:00:00Z** (uploads up to
//! 2026-05-30), so `captured_range=2026-01-01T00:00:00Z,2026-06-30T23:59:59Z` covers it all,
//! even widened by ±14 h. Contents:
//! - 22 photos (100–400 KB; three with a `large` variation, one with a `raw_photo` GPR, one
//!   non-GoPro `IMG_4821.JPG`). `GOPR0042.JPG` is used by two different ids. One has no
//!   `captured_at_timezone`. Day-boundary cases: `GOPR0110.JPG` at 2026-03-14T23:30:00Z with
//!   `+02:00` (local 15 March) and `G0010101.JPG` at 2026-02-01T03:15:00Z with `-08:00`
//!   (local 31 January). `GOPR0003.JPG` was uploaded months after capture (`created_at`
//!   2026-05-30), so `order_by=created_at` differs from `captured_at`.
//! - 6 videos (4K unless said; real `ftyp`/`mdat`/`moov` MP4s): `GX010201.MP4` (3 MB, with
//!   gpx, a HERO9) and `GX010202.MP4` chaptered in 3 (4 MB + 4 MB + 2.5 MB, with `concat`, a
//!   HERO8), both from cameras before the HERO11 (local time in their headers, `+01:00`), `GX010203.MP4` of 1 200 000 000 bytes (> 1 GiB,
//!   generated on the fly), `GX010001.MP4` twice under different ids (2 MB 1080p; and 5 MB
//!   reprocessed, reporting 3 072 bytes more than served), `GX010204.MP4` uploaded to GoPro the
//!   morning after (a session over a range with a medium still processing waits for GoPro,
//!   so the demo, which must end done, has none).
//! - a burst of 5 (`G0020301.JPG`), a time-lapse photo series of 8 (`G0040401.JPG`), a
//!   `TimeLapseVideo` (`GH010501.MP4`, 6 MB), a rendered Quik edit (`QuikEdit_20260405.json`,
//!   served as `GoPro_Quik_20260405.mp4`, 4 MB), an unrendered Quik project
//!   (`Summer_Draft.json`), and a `.360` (`GS010601.360`, 8 MB).

use chrono::{DateTime, TimeZone, Utc};
use sha2::{Digest, Sha256};

use super::library::Media;

/// First `captured_at` of the demo library.
pub const DEMO_CAPTURED_FROM: &str = "2026-01-04T09:12:00Z";
/// Last `captured_at` of the demo library.
pub const DEMO_CAPTURED_TO: &str = "2026-05-28T20:00:00Z";

fn at(month: u32, day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, month, day, hour, minute, 0)
        .single()
        .expect("demo dates are valid")
}

/// The demo id of item `n`: 24 hex characters, like 2026 GoPro ids.
pub fn demo_id(n: u64) -> String {
    crate::content::hex(&Sha256::digest(format!("q2google-demo-{n}").as_bytes()))[..24].to_owned()
}

fn seed(n: u64) -> u64 {
    1000 + n
}

fn photo_len(n: u64) -> u64 {
    100_000 + (n * 37_919) % 300_000
}

fn photo(n: u64, name: &str, when: DateTime<Utc>, tz: Option<&str>) -> Media {
    Media::photo(&demo_id(n), name, when, seed(n), photo_len(n)).with_timezone(tz)
}

const MB: u64 = 1_000_000;

/// The demo library (see the module doc).
pub fn demo_library() -> Vec<Media> {
    let cet = Some("+01:00");
    let cest = Some("+02:00");
    let mut lib = vec![
        photo(1, "GOPR0001.JPG", at(1, 4, 9, 12), cet),
        photo(2, "GOPR0002.JPG", at(1, 4, 9, 14), cet).with_large(60_000),
        photo(3, "GOPR0003.JPG", at(1, 11, 15, 40), Some("-05:00"))
            .with_created_at(at(5, 30, 8, 0)),
        photo(4, "GOPR0042.JPG", at(1, 18, 11, 5), cet),
        photo(5, "GOPR0043.JPG", at(1, 25, 16, 20), None),
        photo(6, "G0010101.JPG", at(2, 1, 3, 15), Some("-08:00")),
        Media::photo_with_raw(
            &demo_id(7),
            "GOPR0105.JPG",
            at(2, 7, 12, 0),
            seed(7),
            photo_len(7),
            900_000,
        )
        .with_timezone(cet),
        photo(8, "GOPR0106.JPG", at(2, 14, 10, 30), cet).with_large(55_000),
        photo(9, "GOPR0107.JPG", at(2, 21, 8, 45), cet),
        photo(10, "GOPR0108.JPG", at(2, 28, 14, 10), cet),
        photo(11, "GOPR0042.JPG", at(3, 7, 13, 33), cet),
        photo(12, "GOPR0110.JPG", at(3, 14, 23, 30), cest),
        photo(13, "IMG_4821.JPG", at(3, 21, 9, 0), cet).with_camera(None),
        photo(14, "GOPR0112.JPG", at(3, 28, 17, 45), cest),
        photo(15, "GOPR0113.JPG", at(4, 4, 7, 20), cest),
        photo(16, "GOPR0114.JPG", at(4, 11, 19, 5), cest).with_large(70_000),
        photo(17, "GOPR0115.JPG", at(4, 18, 12, 12), Some("+09:00")),
        photo(18, "GOPR0116.JPG", at(4, 25, 6, 30), Some("+09:00")),
        photo(19, "GOPR0117.JPG", at(5, 2, 10, 10), cest),
        photo(20, "GOPR0118.JPG", at(5, 9, 15, 15), cest),
        photo(21, "GOPR0119.JPG", at(5, 16, 11, 11), Some("-10:00")),
        photo(22, "GOPR0120.JPG", at(5, 23, 18, 0), cest),
    ];
    lib.extend([
        Media::video(
            &demo_id(23),
            "GX010201.MP4",
            at(1, 20, 14, 0),
            seed(23),
            3 * MB,
        )
        .with_timezone(cet)
        .with_camera(Some("HERO9 Black"))
        .with_gpx(),
        Media::chaptered_video(
            &demo_id(24),
            "GX010202.MP4",
            at(2, 10, 10, 0),
            seed(24),
            &[4 * MB, 4 * MB, 2_500_000],
        )
        .with_timezone(cet)
        .with_camera(Some("HERO8 Black")),
        Media::video(
            &demo_id(25),
            "GX010203.MP4",
            at(3, 3, 16, 0),
            seed(25),
            1_200_000_000,
        )
        .with_timezone(cet),
        Media::video(
            &demo_id(26),
            "GX010001.MP4",
            at(3, 20, 9, 30),
            seed(26),
            2 * MB,
        )
        .with_timezone(cet)
        .with_dimensions(1920, 1080),
        Media::video(
            &demo_id(27),
            "GX010001.MP4",
            at(4, 15, 11, 45),
            seed(27),
            5 * MB,
        )
        .with_timezone(cest)
        .reprocessed(at(4, 20, 2, 0), 3_072),
        Media::video(
            &demo_id(28),
            "GX010204.MP4",
            at(5, 28, 20, 0),
            seed(28),
            1_500_000,
        )
        .with_timezone(cest)
        .with_created_at(at(5, 29, 7, 0)),
        Media::burst(
            &demo_id(29),
            "G0020301.JPG",
            at(2, 15, 13, 0),
            seed(29),
            &[150_000, 170_000, 190_000, 210_000, 250_000],
        )
        .with_timezone(cet),
        Media::time_lapse_photos(
            &demo_id(30),
            "G0040401.JPG",
            at(3, 10, 6, 0),
            seed(30),
            &[120_000; 8],
        )
        .with_timezone(cet),
        Media::time_lapse_video(
            &demo_id(31),
            "GH010501.MP4",
            at(4, 2, 18, 30),
            seed(31),
            6 * MB,
        )
        .with_timezone(cest),
        Media::quik_edit(
            &demo_id(32),
            "QuikEdit_20260405",
            "GoPro_Quik_20260405.mp4",
            at(4, 5, 20, 0),
            seed(32),
            4 * MB,
        )
        .with_timezone(cest)
        .with_created_at(at(4, 6, 9, 0)),
        Media::quik_project(&demo_id(33), "Summer_Draft", at(4, 28, 12, 0)).with_timezone(cest),
        Media::spherical(
            &demo_id(34),
            "GS010601.360",
            at(5, 5, 13, 0),
            seed(34),
            8 * MB,
        )
        .with_timezone(cest),
    ]);
    lib
}
