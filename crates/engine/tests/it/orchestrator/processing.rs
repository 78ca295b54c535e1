//! Files GoPro is still processing: the session does not say *completed* while it waits for
//! GoPro, and a resume moves them once GoPro is done.

use super::*;

fn with_one_video_transcoding() -> World {
    let mut media = photos(3);
    media.push(
        Media::chaptered_video(
            "late",
            "GX010777.MP4",
            at("2026-03-20T18:00:00Z"),
            77,
            &[120_000, 80_000],
        )
        .with_state(ProcessingState::Transcoding),
    );
    World::new(
        GoProScenario::default().with_library(media),
        GoogleScenario::default(),
    )
}

#[tokio::test]
async fn a_range_with_a_video_gopro_is_still_processing_waits_for_gopro_and_resume_moves_it() {
    let world = with_one_video_transcoding();
    let first = world.sync("late").await;
    assert_eq!(first.session.status, SessionStatus::Paused, "not completed");
    let reason = first.session.status_reason.clone().unwrap();
    assert!(
        reason.starts_with("Waiting for GoPro: 1 file is still being processed"),
        "{reason}"
    );
    assert_eq!((first.counts.created, first.counts.processing), (3, 1));

    // Still processing: a resume looks again, and waits again, moving nothing twice.
    let still = world.sync("late").await;
    assert_eq!(still.session.status, SessionStatus::Paused);
    assert_eq!(still.counts.processing, 1);

    world.gopro.finish_processing("late");
    let done = world.sync("late").await;
    assert_completed(&done);
    assert_eq!((done.counts.created, done.counts.processing), (5, 0));
    let items = world.google.items_by_description();
    assert_eq!(items.len(), 5, "3 photos and both chapters: {items:?}");
    assert!(items.values().all(|n| *n == 1), "nothing twice");
}
