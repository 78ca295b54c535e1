//! A stop met in the create stage (full storage, a login Google no longer honours, an album
//! that cannot be made) stops the whole run within one batch: the transfer does not upload the
//! rest of the library for nothing, the reason shown is the first cause, and the resume after
//! the cause is gone finishes with nothing twice.

use super::*;

/// 200 photos of 50 kB; creates go in full batches of 20.
fn two_hundred_photos(google: GoogleScenario) -> (World, Settings) {
    let world = World::new(GoProScenario::default().with_library(photos(200)), google);
    let settings = Settings {
        photos_library_batch_size: 20,
        // Only full batches, however slow the machine: the check is per batch.
        create_batch_linger: Duration::from_secs(10),
        ..World::settings()
    };
    (world, settings)
}

/// Runs the session that stops, checks the stop and the uploads it cost, then lets `cure`
/// remove the cause and checks the resume finishes with every file once.
async fn stops_within_a_batch(
    world: World,
    settings: Settings,
    status: SessionStatus,
    reason: &str,
    created_before: u64,
    cure: impl FnOnce(&World),
) {
    let first = world.sync_with("stopped", settings.clone()).await;
    let shown = first.session.status_reason.clone().unwrap_or_default();
    assert_eq!(first.session.status, status, "{shown}");
    assert!(shown.contains(reason), "the first cause is shown: {shown}");
    let uploads = world.google.request_count(RequestKind::UploadRaw);
    eprintln!("{uploads} uploads before the stop");
    assert!(uploads <= 80, "{uploads} uploads before the stop");
    assert_eq!(first.counts.created, created_before);
    cure(&world);
    let second = world.sync_with("stopped", settings).await;
    assert_eq!(second.session.status, SessionStatus::Completed);
    world.assert_each_created_once(200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_storage_found_by_a_create_stops_the_transfer_within_a_batch() {
    // Room for 20 of the 200 photos.
    let (world, settings) = two_hundred_photos(GoogleScenario {
        storage_quota_bytes: Some(20 * 50_000),
        ..GoogleScenario::default()
    });
    stops_within_a_batch(
        world,
        settings,
        SessionStatus::Paused,
        "storage is full",
        20,
        |w| w.google.update_scenario(|s| s.storage_quota_bytes = None),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_login_google_stops_honouring_at_a_create_stops_the_transfer_within_a_batch() {
    // The first create is refused even after a token refresh, as when the person revoked
    // q2google's access: uploads went through, the create cannot.
    let (world, settings) = two_hundred_photos(GoogleScenario::default());
    world.google.set_request_fault(RequestFault {
        error: InjectedError::Unauthenticated,
        times: 2,
        only: Some(RequestKind::BatchCreate),
        retry_after_secs: None,
    });
    stops_within_a_batch(
        world,
        settings,
        SessionStatus::NeedsLogin,
        "sign in again",
        0,
        // Signing in again is the cure; the refused answers were the only ones.
        |w| assert_eq!(w.google.request_count(RequestKind::BatchCreate), 2),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_album_google_will_not_make_stops_the_transfer_within_a_batch() {
    let (world, settings) = two_hundred_photos(GoogleScenario::default());
    world.google.set_request_fault(RequestFault {
        error: InjectedError::BackendError,
        times: 1_000,
        only: Some(RequestKind::AlbumCreate),
        retry_after_secs: None,
    });
    stops_within_a_batch(
        world,
        settings,
        SessionStatus::Paused,
        "Could not create the album",
        0,
        |w| w.google.clear_faults(),
    )
    .await;
}
