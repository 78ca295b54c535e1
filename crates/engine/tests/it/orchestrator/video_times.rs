//! Videos from GoPros before the HERO11 carry the camera's local time where MP4 wants UTC.
//! With the setting on, their header times are corrected on the way, and Google Photos (the
//! fake reads the `mvhd` as Google does) dates them right; with it off every byte is GoPro's.
//! The expected bytes come from the fake itself: the same file as a camera writing true UTC
//! would have made it, never from the engine's own patcher.

use super::*;
use fakes::mp4::{mp4_seconds, Movie};

const SIZE: u64 = 300_000;

/// Four videos on the same afternoon, local wall time 14:00 as the cameras wrote it.
fn four_cameras() -> Vec<Media> {
    let wall = at("2026-03-03T14:00:00Z");
    let video =
        |id: &str, n: u64| Media::video(id, &format!("GX01{n:04}.MP4"), wall, 40 + n, SIZE + n);
    vec![
        // A HERO9 in Paris in summer time: 14:00 local is 12:00 UTC.
        video("paris", 1)
            .with_camera(Some("HERO9 Black"))
            .with_timezone(Some("+02:00")),
        // A HERO12 writes true UTC already: never shifted, whatever its zone.
        video("zoned", 2)
            .with_camera(Some("HERO12 Black"))
            .with_timezone(Some("+02:00")),
        // A HERO8 whose owner set its clock to UTC.
        video("utc", 3)
            .with_camera(Some("HERO8 Black"))
            .with_timezone(Some("+00:00")),
        // A HERO10 GoPro knows no zone for, with a GPMF TZON of -05:00 and 64-bit boxes.
        video("tzon", 4)
            .with_camera(Some("HERO10 Black"))
            .with_timezone(None)
            .with_movie_header(1, Some(-300)),
    ]
}

/// The time each video should be dated by in Google Photos, by media id.
fn true_times() -> HashMap<&'static str, DateTime<Utc>> {
    HashMap::from([
        ("paris", at("2026-03-03T12:00:00Z")),
        ("zoned", at("2026-03-03T14:00:00Z")),
        ("utc", at("2026-03-03T14:00:00Z")),
        ("tzon", at("2026-03-03T19:00:00Z")),
    ])
}

fn world(google: GoogleScenario) -> World {
    World::new(
        GoProScenario::default().with_library(four_cameras()),
        google,
    )
}

fn settings(correct: bool) -> Settings {
    Settings {
        correct_video_times: correct,
        ..World::settings()
    }
}

/// Each media id's Google item: its `creationTime` and the SHA-256 of its bytes.
fn arrived(world: &World) -> HashMap<String, (DateTime<Utc>, String)> {
    let by_name: HashMap<String, String> = world
        .gopro
        .expected_originals()
        .into_iter()
        .map(|e| (e.filename, e.media_id))
        .collect();
    world
        .google
        .media_items()
        .into_iter()
        .map(|item| {
            let id = by_name[&item.filename].clone();
            (id, (item.taken.unwrap_or(item.created), item.sha256))
        })
        .collect()
}

/// What GoPro serves for each media id, and the same file written with `time` in its header.
fn originals(world: &World) -> HashMap<String, fakes::content::Content> {
    world
        .gopro
        .expected_originals()
        .into_iter()
        .map(|e| (e.media_id, e.content))
        .collect()
}

fn rewritten(content: fakes::content::Content, time: DateTime<Utc>) -> String {
    let movie = content.movie.expect("a video with a moov");
    content
        .with_movie(Movie {
            time: mp4_seconds(time),
            ..movie
        })
        .sha256_hex()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn older_gopros_videos_arrive_dated_in_utc_when_the_setting_is_on() {
    let world = world(GoogleScenario::default());
    let outcome = world.sync_with("times-on", settings(true)).await;
    assert_eq!(outcome.session.status, SessionStatus::Completed);
    let arrived = arrived(&world);
    let originals = originals(&world);
    assert_eq!(arrived.len(), 4);
    for (id, truth) in true_times() {
        let (dated, sha) = &arrived[id];
        assert_eq!(dated, &truth, "{id} is dated by its true UTC time");
        let expected = if ["paris", "tzon"].contains(&id) {
            rewritten(originals[id], truth)
        } else {
            originals[id].sha256_hex()
        };
        assert_eq!(
            sha, &expected,
            "{id}: only its header times differ from GoPro's"
        );
    }
    assert_ne!(arrived["paris"].1, originals["paris"].sha256_hex());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_setting_off_every_video_arrives_byte_identical() {
    let world = world(GoogleScenario::default());
    let outcome = world.sync_with("times-off", settings(false)).await;
    assert_eq!(outcome.session.status, SessionStatus::Completed);
    let arrived = arrived(&world);
    let originals = originals(&world);
    for (id, content) in &originals {
        assert_eq!(arrived[id].1, content.sha256_hex(), "{id} is GoPro's bytes");
        assert_eq!(
            arrived[id].0,
            at("2026-03-03T14:00:00Z"),
            "{id} as the camera wrote it"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_resumed_inside_the_moov_patches_the_same_bytes() {
    // The two videos to correct, both in flight at once. Google keeps what arrived in steps
    // of 64 bytes; the first upload of each is cut 300 bytes before its end, inside the
    // ~550-byte moov: after the mvhd, before the second track's boxes.
    let library = four_cameras()
        .into_iter()
        .filter(|m| ["paris", "tzon"].contains(&m.id.as_str()))
        .collect();
    let world = World::new(
        GoProScenario::default().with_library(library),
        GoogleScenario::default().with_chunk_granularity(64),
    );
    let originals = originals(&world);
    world.google.set_upload_fault(fakes::google::UploadFault {
        kind: fakes::google::UploadFaultKind::Drop,
        after_bytes: SIZE - 300,
        times: 2,
    });
    let outcome = world.sync_with("times-resumed", settings(true)).await;
    assert_eq!(outcome.session.status, SessionStatus::Completed);
    assert!(
        world.google.request_count(RequestKind::UploadQuery) >= 1,
        "the cut upload was continued from the byte Google held"
    );
    let arrived = arrived(&world);
    for id in ["paris", "tzon"] {
        let truth = true_times()[id];
        assert_eq!(arrived[id].1, rewritten(originals[id], truth), "{id}");
        assert_eq!(arrived[id].0, truth, "{id}");
    }
    world.assert_each_created_once(2);
}
