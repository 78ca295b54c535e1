//! A create that may have taken effect is never sent again in haste: its files are looked for
//! in Google Photos at the reconcile waits after it was sent, stay *creating* across runs, and
//! are found among everything the app made when their album was deleted meanwhile.

use super::*;

fn with_waits(waits_ms: &[u64]) -> Settings {
    Settings {
        reconcile_waits: waits_ms
            .iter()
            .map(|ms| Duration::from_millis(*ms))
            .collect(),
        ..World::settings()
    }
}

/// Four photos; Google makes the first create's items but loses its answer, and lists new
/// items only `lag_ms` after making them.
fn lost_answer_listed_late(lag_ms: u64) -> World {
    World::new(
        GoProScenario::default().with_library(photos(4)),
        GoogleScenario::default()
            .with_lost_create_answers(1)
            .with_listing_lag_ms(lag_ms),
    )
}

#[tokio::test]
async fn a_create_google_lists_late_is_found_by_a_later_look_and_not_sent_again() {
    let world = lost_answer_listed_late(400);
    let outcome = world.sync_with("late", with_waits(&[0, 100, 800])).await;
    assert_completed(&outcome);
    assert_eq!(outcome.counts.created, 4);
    assert_eq!(
        world.google.request_count(RequestKind::BatchCreate),
        1,
        "found by the look at 800 ms, not sent again"
    );
    world.assert_each_created_once(4);
    // One album of four items: one page per look, three looks.
    assert_eq!(outcome.check_requests, 3);
    assert_eq!(
        world.google.request_count(RequestKind::Search),
        outcome.check_requests
    );
}

#[tokio::test]
async fn a_single_look_at_once_would_create_the_late_listed_files_twice() {
    // What the waits are for: the same case with one immediate look resends, and Google (merge
    // off) makes every file twice. If this stopped failing, the test above would prove nothing.
    let world = lost_answer_listed_late(400);
    let outcome = world.sync_with("haste", with_waits(&[0])).await;
    assert_eq!(outcome.session.status, SessionStatus::Completed);
    let items = world.google.items_by_description();
    assert!(items.values().all(|n| *n == 2), "made twice: {items:?}");
}

#[tokio::test]
async fn files_in_doubt_stay_creating_across_runs_and_the_next_run_finds_them() {
    let world = lost_answer_listed_late(60_000);
    let engine = world.engine(with_waits(&[0, 30_000]));
    let control = engine.control().clone();
    let id = SessionId::new("across").unwrap();
    let run = engine.sync_date_range(march(id.clone()));
    // Pause once the first look found nothing and the run waits for the next one.
    let pause = async {
        while world.google.request_count(RequestKind::Search) == 0 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        control.pause();
    };
    let (first, ()) = tokio::join!(run, pause);
    let first = first.unwrap();
    assert_eq!(first.session.status, SessionStatus::Paused);
    let states = world.store.items(&id).unwrap();
    assert!(
        states
            .iter()
            .all(|i| matches!(i.state, ItemState::Creating { .. })),
        "in doubt, not sent again: {:?}",
        states.iter().map(|i| &i.state).collect::<Vec<_>>()
    );
    assert_eq!(world.google.request_count(RequestKind::BatchCreate), 1);

    // A minute later (on Google's clock) the items are listed; the next run's look finds them.
    world.google.clock().advance(Duration::from_secs(61));
    let second = world.sync_with("across", with_waits(&[0])).await;
    assert_completed(&second);
    assert_eq!(second.counts.created, 4);
    assert_eq!(world.google.request_count(RequestKind::BatchCreate), 1);
    world.assert_each_created_once(4);
}

#[tokio::test]
async fn a_create_in_doubt_whose_album_was_deleted_is_found_among_the_apps_items() {
    let world = World::new(
        GoProScenario::default().with_library(photos(6)),
        GoogleScenario::default(),
    );
    let first = world.sync("deleted").await;
    assert_eq!(first.session.status, SessionStatus::Completed);
    // As after a crash mid-create: the last files are `Creating`; meanwhile the person deleted
    // the session's album in Google Photos (its items stay in the library).
    let id = first.session.id.clone();
    let items = world.store.items(&id).unwrap();
    world.rewind_to_creating(&id, &items[..3]);
    assert!(world
        .google
        .delete_album(first.session.album_id.as_deref().unwrap()));
    let creates = world.google.request_count(RequestKind::BatchCreate);
    let again = world.sync("deleted").await;
    assert_completed(&again);
    assert_eq!(again.counts.created, 6);
    assert_eq!(
        world.google.request_count(RequestKind::BatchCreate),
        creates,
        "found by listing the app's items, not sent again"
    );
    assert!(world.google.request_count(RequestKind::List) >= 1);
    let items = world.google.items_by_description();
    assert!(items.values().all(|n| *n == 1), "nothing twice: {items:?}");
}

#[tokio::test]
async fn a_look_cut_short_by_its_page_bound_pauses_instead_of_sending_again() {
    let world = World::new(
        GoProScenario::default().with_library(photos(130)),
        GoogleScenario::default(),
    );
    let no_album = || Settings {
        album_per_session: false,
        ..World::settings()
    };
    let first = world.sync_with("bound", no_album()).await;
    assert_eq!(first.session.status, SessionStatus::Completed);
    // The last files' create answer was lost (as after a crash): they are `Creating`, and are
    // on the second page of the app's items.
    let id = first.session.id.clone();
    let items = world.store.items(&id).unwrap();
    world.rewind_to_creating(&id, &items[items.len() - 3..]);
    let creates = world.google.request_count(RequestKind::BatchCreate);

    // One page allowed: the look cannot see them, so nothing is sent and the run pauses.
    let cut = world
        .sync_with(
            "bound",
            Settings {
                reconcile_max_pages: 1,
                ..no_album()
            },
        )
        .await;
    assert_eq!(cut.session.status, SessionStatus::Paused);
    assert!(
        cut.session
            .status_reason
            .as_deref()
            .unwrap()
            .contains("Nothing was sent twice"),
        "{:?}",
        cut.session.status_reason
    );
    assert_eq!(
        world.google.request_count(RequestKind::BatchCreate),
        creates
    );

    // With the default bound the next look finds them.
    let done = world.sync_with("bound", no_album()).await;
    assert_completed(&done);
    assert_eq!(done.counts.created, 130);
    assert_eq!(
        world.google.request_count(RequestKind::BatchCreate),
        creates
    );
    let items = world.google.items_by_description();
    assert!(items.values().all(|n| *n == 1), "nothing twice");
}

#[tokio::test]
async fn a_success_that_names_no_item_is_looked_for_not_sent_again() {
    let world = World::new(
        GoProScenario::default().with_library(photos(4)),
        GoogleScenario {
            successes_without_item: 2,
            ..GoogleScenario::default()
        },
    );
    let outcome = world.sync("nameless").await;
    assert_completed(&outcome);
    assert_eq!(outcome.counts.created, 4);
    assert_eq!(world.google.request_count(RequestKind::BatchCreate), 1);
    assert!(outcome.check_requests >= 1);
    world.assert_each_created_once(4);
}

#[tokio::test]
async fn looking_for_creates_in_doubt_stops_at_its_request_budget_and_sends_nothing_again() {
    let world = lost_answer_listed_late(60_000);
    let outcome = world
        .sync_with(
            "budget",
            Settings {
                reconcile_max_requests: 2,
                // The create itself takes 50 ms: looks are spaced wider than that.
                ..with_waits(&[0, 200, 400])
            },
        )
        .await;
    assert_eq!(outcome.session.status, SessionStatus::Paused);
    assert!(
        outcome
            .session
            .status_reason
            .as_deref()
            .unwrap()
            .contains("daily 10,000"),
        "{:?}",
        outcome.session.status_reason
    );
    assert_eq!(outcome.check_requests, 2);
    assert_eq!(world.google.request_count(RequestKind::BatchCreate), 1);
    let states = world.store.items(&outcome.session.id).unwrap();
    assert!(states
        .iter()
        .all(|i| matches!(i.state, ItemState::Creating { .. })));
}

#[tokio::test]
async fn a_create_in_doubt_is_found_after_its_album_was_deleted_and_replaced() {
    let world = lost_answer_listed_late(300);
    let settings = Settings {
        photos_library_batch_size: 2,
        // After the lost answer the next create waits 150–300 ms: time to delete the album.
        retry: engine::http::RetryPolicy {
            base_delay: Duration::from_millis(300),
            max_delay: Duration::from_millis(300),
            ..common::fast_policy()
        },
        ..with_waits(&[0, 900])
    };
    let run = world.sync_with("replaced", settings);
    let delete = async {
        // Once the first look (which finds nothing yet) is done, the person deletes the album.
        while world.google.request_count(RequestKind::Search) == 0 {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        let album = world.google.albums()[0].id.clone();
        assert!(world.google.delete_album(&album));
    };
    let (outcome, ()) = tokio::join!(run, delete);
    assert_completed(&outcome);
    assert_eq!(outcome.counts.created, 4);
    assert!(outcome.session.album_id.is_some(), "a new album");
    assert!(
        world.google.request_count(RequestKind::List) >= 1,
        "the deleted album's files were looked for among the app's items"
    );
    world.assert_each_created_once(4);
}
