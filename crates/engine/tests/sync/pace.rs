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

/// Files in flight start at two and are judged every 150 ms.
fn paced() -> Settings {
    Settings {
        concurrency_start: 2,
        concurrency: 16,
        pace_window: Duration::from_millis(150),
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
    assert!(peak >= 6, "grew from 2 to {peak} files in flight");
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
