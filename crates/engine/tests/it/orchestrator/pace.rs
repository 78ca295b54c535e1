//! Throughput without tuning: no `HEAD` per file, and as many files in flight as raise
//! throughput (more through per-connection caps, not more through one shared uplink).

use super::*;
use fakes::gopro::RequestKind as GoProKind;
use fakes::Shaping;

/// `n` videos of `size` bytes, over the raw-upload size (resumable uploads).
fn videos(n: u32, size: u64) -> Vec<Media> {
    (0..n)
        .map(|i| {
            Media::video(
                &format!("pv{i}"),
                &format!("GX03{i:04}.MP4"),
                at(&format!("2026-03-{:02}T10:00:00Z", 1 + i)),
                7000 + u64::from(i),
                size,
            )
        })
        .collect()
}

/// Files in flight start at two and are judged every 300 ms.
fn paced() -> Settings {
    Settings {
        concurrency_start: 2,
        concurrency: 16,
        pace_window: Duration::from_millis(300),
        ..World::settings()
    }
}

#[tokio::test]
async fn a_fresh_file_takes_its_size_from_its_get_not_a_head() {
    let world = World::standard();
    let outcome = world.sync("no-head").await;
    assert_eq!(outcome.session.status, SessionStatus::Completed);
    world.assert_created_exactly_once();
    assert_eq!(world.gopro.request_count(GoProKind::CdnHead), 0);
    assert_eq!(
        world.gopro.request_count(GoProKind::CdnGet),
        EXPECTED_FILES as u64,
        "one GET per file"
    );
}

#[tokio::test]
async fn per_connection_caps_make_the_run_put_more_files_in_flight() {
    let mut gopro = GoProScenario::default().with_library(videos(10, 1_500_000));
    gopro.faults.cdn_shaping = Shaping {
        latency_ms: 0,
        bytes_per_sec: Some(1_000_000),
    };
    let world = World::new(gopro, GoogleScenario::default());
    let outcome = world.sync_with("per-connection", paced()).await;
    assert_eq!(outcome.session.status, SessionStatus::Completed);
    assert_eq!(outcome.counts.created, 10);
    let peak = world.google.peak_concurrent_uploads();
    assert!(peak >= 8, "grew from 2 to {peak} files in flight");
}

#[tokio::test]
async fn one_shared_uplink_keeps_the_files_in_flight_near_the_start() {
    let world = World::new(
        GoProScenario::default().with_library(videos(10, 1_500_000)),
        GoogleScenario::default(),
    );
    world.google.set_upload_shared_cap(Some(4_000_000));
    let outcome = world.sync_with("shared", paced()).await;
    assert_eq!(outcome.session.status, SessionStatus::Completed);
    assert_eq!(outcome.counts.created, 10);
    let peak = world.google.peak_concurrent_uploads();
    assert!(
        peak <= 4,
        "more files through one uplink bring nothing: {peak} in flight"
    );
}

#[tokio::test]
async fn files_move_while_the_rest_of_the_range_is_still_being_listed() {
    // 30 photos listed 5 a page, each page answered after 100 ms: the listing takes 0.6 s, and
    // the first files are in Google before it ends.
    let gopro = GoProScenario::default()
        .with_library(photos(30))
        .api_shaping(Shaping {
            latency_ms: 100,
            bytes_per_sec: None,
        });
    let mut world = World::new(gopro, GoogleScenario::default());
    world.per_page = 5;
    let outcome = world.sync("overlap").await;
    assert_eq!(outcome.session.status, SessionStatus::Completed);
    assert_eq!(outcome.counts.created, 30);
    let events = world.events.0.lock().unwrap();
    let position = |want: &dyn Fn(&SyncEvent) -> bool| {
        events
            .iter()
            .position(|(_, e)| want(e))
            .expect("the event was emitted")
    };
    let first_upload = position(&|e| matches!(e, SyncEvent::ItemUploaded { .. }));
    let listed = position(&|e| {
        matches!(
            e,
            SyncEvent::StageCompleted {
                stage: Stage::Discovery,
                ok: true
            }
        )
    });
    assert!(
        first_upload < listed,
        "a file was uploaded (event {first_upload}) before the listing ended (event {listed})"
    );
    drop(events);
    let items = world.google.items_by_description();
    assert_eq!(items.len(), 30);
    assert!(items.values().all(|n| *n == 1), "nothing twice: {items:?}");
}

#[tokio::test]
async fn a_small_file_gives_its_download_slot_to_the_next_while_google_answers() {
    // One file in flight, and Google waits 300 ms before it reads each upload: the next
    // photo's download must start while the first upload waits, not after its answer.
    let google = GoogleScenario::default().with_upload_shaping(Shaping {
        latency_ms: 300,
        bytes_per_sec: None,
    });
    let world = World::new(GoProScenario::default().with_library(photos(4)), google);
    let settings = Settings {
        concurrency: 1,
        concurrency_start: 1,
        ..World::settings()
    };
    let sync = world.sync_with("small-overlap", settings);
    tokio::pin!(sync);
    let mut overlapped = false;
    let outcome = loop {
        tokio::select! {
            outcome = &mut sync => break outcome,
            _ = tokio::time::sleep(Duration::from_millis(2)) => {
                // A second CDN GET before Google has read a byte of any upload.
                overlapped |= world.gopro.request_count(GoProKind::CdnGet) >= 2
                    && world.google.upload_bytes_read() == 0;
            }
        }
    };
    assert_eq!(outcome.session.status, SessionStatus::Completed);
    assert_eq!(outcome.counts.created, 4);
    assert!(
        overlapped,
        "the second download waited for the first upload's answer"
    );
    let peak = world.google.peak_concurrent_uploads();
    assert!(peak <= 1, "one upload slot, yet {peak} uploads at once");
}

#[tokio::test]
async fn small_files_read_whole_wait_for_room_in_memory() {
    // Eight files may be in flight, but small files read whole may hold only two photos' worth
    // of memory: Google reads each upload slowly, and no more than two are ever at hand.
    let google = GoogleScenario::default().with_upload_shaping(Shaping {
        latency_ms: 0,
        bytes_per_sec: Some(200_000),
    });
    let world = World::new(GoProScenario::default().with_library(photos(6)), google);
    let settings = Settings {
        concurrency: 8,
        concurrency_start: 8,
        raw_upload_max_bytes: 64 * 1024,
        small_files_memory_bytes: 128 * 1024,
        ..World::settings()
    };
    let outcome = world.sync_with("memory", settings).await;
    assert_eq!(outcome.session.status, SessionStatus::Completed);
    assert_eq!(outcome.counts.created, 6);
    let items = world.google.items_by_description();
    assert!(
        items.len() == 6 && items.values().all(|n| *n == 1),
        "each photo once: {items:?}"
    );
    let peak = world.google.peak_concurrent_uploads();
    assert!(
        peak <= 2,
        "room for two photos in memory, yet {peak} uploads at once"
    );
}

#[tokio::test]
async fn the_first_file_moves_once_it_is_described_not_once_its_page_is() {
    // Pages of 10, GoPro answering each call after 50 ms, one description at a time: the
    // first download must start after a few descriptions, not after the page's ten.
    let gopro = GoProScenario::default()
        .with_library(photos(20))
        .api_shaping(Shaping {
            latency_ms: 50,
            bytes_per_sec: None,
        });
    let mut world = World::new(gopro, GoogleScenario::default());
    world.per_page = 10;
    let settings = Settings {
        gopro_api_concurrency: 1,
        ..World::settings()
    };
    let sync = world.sync_with("first-file", settings);
    tokio::pin!(sync);
    let mut described_before_first_get = None;
    let outcome = loop {
        tokio::select! {
            outcome = &mut sync => break outcome,
            _ = tokio::time::sleep(Duration::from_millis(2)) => {
                if described_before_first_get.is_none()
                    && world.gopro.request_count(GoProKind::CdnGet) > 0
                {
                    described_before_first_get =
                        Some(world.gopro.request_count(GoProKind::Download));
                }
            }
        }
    };
    assert_eq!(outcome.session.status, SessionStatus::Completed);
    assert_eq!(outcome.counts.created, 20);
    let described = described_before_first_get.expect("a download was seen");
    assert!(
        described <= 3,
        "the first download waited for {described} descriptions"
    );
}
