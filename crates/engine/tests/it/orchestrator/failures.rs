//! A failure costs one file, once: a create that kept failing keeps its upload and a resume
//! only creates it; a file Google refuses for good is failed with Google's reason and not sent
//! again.

use super::*;
use engine::model::{FailureClass, KeptUpload};
use engine::store::StateChange;

fn four_photos() -> World {
    World::new(
        GoProScenario::default().with_library(photos(4)),
        GoogleScenario::default(),
    )
}

/// Upload requests of any kind the fake has answered.
fn uploads(google: &FakeGoogle) -> u64 {
    [
        RequestKind::UploadRaw,
        RequestKind::UploadStart,
        RequestKind::UploadChunk,
    ]
    .iter()
    .map(|k| google.request_count(*k))
    .sum()
}

fn item_state(world: &World, session: &str, filename: &str) -> ItemState {
    world
        .store
        .items(&SessionId::new(session).unwrap())
        .unwrap()
        .into_iter()
        .find(|i| i.filename == filename)
        .unwrap()
        .state
}

#[tokio::test]
async fn a_create_that_kept_failing_is_only_created_again_on_resume() {
    let world = four_photos();
    // Google's transient INTERNAL on every create attempt of one file within the first run.
    world.fail_creates_of("GOPR2001", 3);
    let first = world.sync("kept").await;
    assert_eq!(first.session.status, SessionStatus::Failed);
    assert_eq!((first.counts.created, first.counts.failed), (3, 1));
    assert!(matches!(
        item_state(&world, "kept", "GOPR2001.JPG"),
        ItemState::Failed { kept: Some(_), .. }
    ));
    let uploaded = uploads(&world.google);

    let second = world.sync("kept").await;
    assert_completed(&second);
    assert_eq!(second.counts.created, 4);
    assert_eq!(
        uploads(&world.google),
        uploaded,
        "the bytes were not sent again"
    );
    world.assert_each_created_once(4);
}

#[tokio::test]
async fn a_kept_upload_past_its_lifetime_is_uploaded_again() {
    let world = four_photos();
    world.fail_creates_of("GOPR2001", 3);
    assert_eq!(world.sync("stale").await.counts.failed, 1);
    let uploaded = uploads(&world.google);

    // The resume comes two days later: the kept token is past Google's lifetime, so the file
    // goes up again, and is created once.
    let id = SessionId::new("stale").unwrap();
    let ItemState::Failed {
        class,
        reason,
        attempts,
        kept: Some(kept),
    } = item_state(&world, "stale", "GOPR2001.JPG")
    else {
        panic!("no kept upload");
    };
    let key = world
        .store
        .items(&id)
        .unwrap()
        .into_iter()
        .find(|i| i.filename == "GOPR2001.JPG")
        .unwrap()
        .key;
    let two_days_ago = KeptUpload {
        uploaded_at: kept.uploaded_at - chrono::Duration::days(2),
        ..kept
    };
    world
        .store
        .set_states(
            &id,
            &[StateChange {
                key,
                state: ItemState::Failed {
                    class,
                    reason,
                    attempts,
                    kept: Some(two_days_ago),
                },
                size: None,
            }],
        )
        .unwrap();
    let second = world.sync("stale").await;
    assert_eq!(second.session.status, SessionStatus::Completed);
    assert!(uploads(&world.google) > uploaded, "uploaded again");
    world.assert_each_created_once(4);
}

#[tokio::test]
async fn a_file_google_refuses_for_good_is_failed_with_its_reason_and_not_sent_again() {
    let world = four_photos();
    world.google.set_item_fault(ItemFault {
        filename_contains: Some("GOPR2002".into()),
        failure: ItemFailure::Exists,
        ..ItemFault::default()
    });
    let first = world.sync("refused").await;
    assert_eq!(first.session.status, SessionStatus::Failed);
    assert_eq!((first.counts.created, first.counts.failed), (3, 1));
    let ItemState::Failed { reason, kept, .. } = item_state(&world, "refused", "GOPR2002.JPG")
    else {
        panic!("not failed");
    };
    assert!(reason.contains("EXISTS"), "Google's reason: {reason}");
    assert!(reason.contains("will not send it again"), "{reason}");
    assert!(kept.is_none());
    let (uploaded, creates) = (
        uploads(&world.google),
        world.google.request_count(RequestKind::BatchCreate),
    );

    // Resumes send nothing for it: not its bytes, not its create.
    for _ in 0..2 {
        let again = world.sync("refused").await;
        assert_eq!(again.session.status, SessionStatus::Failed);
        assert_eq!((again.counts.created, again.counts.failed), (3, 1));
    }
    assert_eq!(uploads(&world.google), uploaded);
    assert_eq!(
        world.google.request_count(RequestKind::BatchCreate),
        creates
    );
}

#[tokio::test]
async fn a_file_over_googles_size_limit_is_failed_and_not_sent_again() {
    let mut media = photos(2);
    media.push(Media::photo(
        "big",
        "GOPR9000.JPG",
        at("2026-03-10T10:00:00Z"),
        9000,
        300_000,
    ));
    let world = World::new(
        GoProScenario::default().with_library(media),
        GoogleScenario::default().with_max_upload_bytes(200_000),
    );
    let first = world.sync("big").await;
    assert_eq!((first.counts.created, first.counts.failed), (2, 1));
    let ItemState::Failed { reason, .. } = item_state(&world, "big", "GOPR9000.JPG") else {
        panic!("not failed");
    };
    assert!(reason.contains("too large"), "{reason}");
    let uploaded = uploads(&world.google);
    let again = world.sync("big").await;
    assert_eq!((again.counts.created, again.counts.failed), (2, 1));
    assert_eq!(uploads(&world.google), uploaded, "not sent again");
}

#[tokio::test]
async fn a_medium_gopro_will_not_describe_fails_alone_and_a_resume_asks_again() {
    let mut scenario = GoProScenario::default().with_library(photos(5));
    scenario.faults.broken_descriptors = vec!["ph2".into()];
    let world = World::new(scenario, GoogleScenario::default());
    let first = world.sync("broken").await;
    // Discovery went on past it: everything else moved; the one medium failed with a reason.
    assert_eq!(first.session.status, SessionStatus::Failed);
    assert_eq!((first.counts.created, first.counts.failed), (4, 1));
    let ItemState::Failed { reason, .. } = item_state(&world, "broken", "GOPR2002.JPG") else {
        panic!("not failed");
    };
    assert!(reason.contains("download details"), "{reason}");

    // GoPro describes it again: a resume lists the range again and moves it, once.
    world.gopro.set_faults(Default::default());
    let second = world.sync("broken").await;
    assert_completed(&second);
    assert_eq!((second.counts.created, second.counts.failed), (5, 0));
    world.assert_each_created_once(5);
}

#[tokio::test]
async fn a_medium_deleted_on_gopro_after_the_listing_fails_for_good_and_the_rest_moves() {
    let mut scenario = GoProScenario::default().with_library(photos(5));
    scenario.faults.gone_descriptors = vec!["ph3".into()];
    let world = World::new(scenario, GoogleScenario::default());
    let first = world.sync("gone").await;
    assert_eq!(first.session.status, SessionStatus::Failed);
    assert_eq!((first.counts.created, first.counts.failed), (4, 1));
    let ItemState::Failed { reason, class, .. } = item_state(&world, "gone", "GOPR2003.JPG") else {
        panic!("not failed");
    };
    assert_eq!(class, FailureClass::Gone);
    assert!(reason.contains("GoPro no longer has this file"), "{reason}");

    // Final: a resume does not ask GoPro about it again, and moves nothing twice.
    let descriptors = world
        .gopro
        .request_count(fakes::gopro::RequestKind::Download);
    let second = world.sync("gone").await;
    assert_eq!((second.counts.created, second.counts.failed), (4, 1));
    assert_eq!(
        world
            .gopro
            .request_count(fakes::gopro::RequestKind::Download),
        descriptors,
        "nothing is asked of GoPro again"
    );
    world.assert_each_created_once(4);
}
