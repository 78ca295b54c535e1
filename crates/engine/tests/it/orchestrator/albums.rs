//! Google's 20,000 items per album: a session goes on in "<name> (2)" and on, by counting and
//! when Google refuses an album as full, and finds creates in doubt across all its albums.
//! The fake's album capacity is made small (a scenario option) so tests stay quick.

use super::*;
use engine::store::StateChange;

const TITLE: &str = "GoPro 2026-03-01 – 2026-03-31";

/// 25 photos, an album of at most `fake_capacity` items on the fake.
fn world_with_album_capacity(fake_capacity: usize) -> World {
    World::new(
        GoProScenario::default().with_library(photos(25)),
        GoogleScenario {
            album_capacity: fake_capacity,
            ..GoogleScenario::default()
        },
    )
}

/// Creates of 4 (so batches do not fill an album exactly), counting albums of `capacity`.
fn settings_with_album_capacity(capacity: u64) -> Settings {
    Settings {
        photos_library_batch_size: 4,
        album_capacity: capacity,
        ..World::settings()
    }
}

/// Every photo is in exactly one of the session's albums, titled in order, none over 10.
fn assert_in_numbered_albums(world: &World, outcome: &SyncOutcome) {
    assert_completed(outcome);
    assert_eq!(outcome.counts.created, 25);
    assert!(world
        .google
        .items_by_description()
        .values()
        .all(|n| *n == 1));
    let albums = world.google.albums();
    let titles: Vec<&str> = albums.iter().map(|a| a.title.as_str()).collect();
    let expected: Vec<String> = (0..albums.len())
        .map(|i| match i {
            0 => TITLE.to_string(),
            n => format!("{TITLE} ({})", n + 1),
        })
        .collect();
    assert_eq!(titles, expected);
    assert!(albums.len() >= 3, "25 items need 3 albums of 10");
    assert!(albums.iter().all(|a| a.media_item_ids.len() <= 10));
    let mut members: Vec<&String> = albums.iter().flat_map(|a| &a.media_item_ids).collect();
    members.sort();
    members.dedup();
    assert_eq!(members.len(), 25, "each item in one album");
    // The session knows every album: the earlier ones and the current one.
    let mut known: Vec<String> = outcome
        .session
        .earlier_albums
        .iter()
        .map(|a| a.id.clone())
        .collect();
    known.extend(outcome.session.album_id.clone());
    assert_eq!(
        known,
        albums.iter().map(|a| a.id.clone()).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn a_session_past_the_album_limit_goes_on_in_numbered_albums() {
    let world = world_with_album_capacity(10);
    let outcome = world
        .sync_with("many", settings_with_album_capacity(10))
        .await;
    assert_in_numbered_albums(&world, &outcome);
    // Each album is filled to its last place: the batch that crosses it goes in two parts.
    let sizes: Vec<usize> = world
        .google
        .albums()
        .iter()
        .map(|a| a.media_item_ids.len())
        .collect();
    assert_eq!(sizes, [10, 10, 5], "albums filled before the next one");
    assert_eq!(
        world.google.request_count(RequestKind::BatchCreate),
        8,
        "counting rolled over before Google had to refuse a batch (seven batches of 4, one cut in two)"
    );
}

#[tokio::test]
async fn an_album_google_calls_full_rolls_over_too() {
    // The engine counts up to Google's 20,000; this fake's albums hold 10.
    let world = world_with_album_capacity(10);
    let outcome = world
        .sync_with("refused", settings_with_album_capacity(20_000))
        .await;
    assert_in_numbered_albums(&world, &outcome);
    assert_eq!(outcome.counts.failed, 0);
}

#[tokio::test]
async fn a_create_in_doubt_is_found_in_an_earlier_album_not_sent_again() {
    let world = world_with_album_capacity(10);
    let settings = settings_with_album_capacity(10);
    // A first run moves everything; then the ledger is forgotten by a fresh store holding
    // only this session's record with its files in doubt (as after a crash mid-create).
    let outcome = world.sync_with("doubt", settings.clone()).await;
    assert_in_numbered_albums(&world, &outcome);
    let id = outcome.session.id.clone();
    let in_doubt: Vec<StateChange> = world
        .store
        .items(&id)
        .unwrap()
        .into_iter()
        .map(|i| StateChange {
            key: i.key,
            state: ItemState::Creating {
                upload_token: "expired-token".into(),
                uploaded_at: Utc::now(),
                sent_at: Utc::now(),
            },
            size: None,
        })
        .collect();
    world.store.set_states(&id, &in_doubt).unwrap();
    let creates = world.google.request_count(RequestKind::BatchCreate);
    let again = world.sync_with("doubt", settings).await;
    assert_eq!(again.session.status, SessionStatus::Completed);
    assert_eq!(again.counts.created, 25, "all found, in whichever album");
    assert_eq!(
        world.google.request_count(RequestKind::BatchCreate),
        creates,
        "nothing was sent again"
    );
    assert!(world
        .google
        .items_by_description()
        .values()
        .all(|n| *n == 1));
}
