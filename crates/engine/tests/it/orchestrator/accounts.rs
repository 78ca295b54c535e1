//! Several Google accounts and OAuth clients on one session store: each is its own destination.
//! A second Google fake with another account id is another Google account.

use super::*;

/// Another Google account (or, with the same account id and another client id, the same account
/// through another OAuth client), merge of identical bytes off.
fn google_account(account_id: &str, email: &str, client_id: &str) -> FakeGoogle {
    FakeGoogle::start(
        GoogleScenario {
            account_id: account_id.into(),
            account_email: email.into(),
            client_id: client_id.into(),
            ..GoogleScenario::default()
        }
        .with_merge_same_bytes(false),
    )
    .unwrap()
}

/// The world's GoPro library and store, moving into `google` with `scopes`.
fn engine_into(world: &World, google: &FakeGoogle, scopes: &[&str]) -> GoProToPhotosSync {
    let settings = World::settings();
    GoProToPhotosSync::new(
        common::gopro_client_with(&world.gopro, &settings).with_per_page(world.per_page),
        common::photos_client_settings(google, scopes, &settings),
        world.store.clone(),
        settings,
    )
    .with_events(world.events.clone())
}

async fn sync_into(world: &World, google: &FakeGoogle, id: &str) -> SyncOutcome {
    engine_into(world, google, &engine::auth::SCOPES)
        .sync_date_range(march(SessionId::new(id).unwrap()))
        .await
        .unwrap()
}

/// Requests that move or create anything.
fn writes(google: &FakeGoogle) -> u64 {
    [
        RequestKind::UploadRaw,
        RequestKind::UploadStart,
        RequestKind::UploadChunk,
        RequestKind::BatchCreate,
        RequestKind::AlbumCreate,
    ]
    .iter()
    .map(|k| google.request_count(*k))
    .sum()
}

#[tokio::test]
async fn a_range_moved_into_one_account_is_moved_in_full_into_another() {
    let world = World::standard();
    let jane = sync_into(&world, &world.google, "into-jane").await;
    assert_eq!(jane.session.status, SessionStatus::Completed);
    let dest = jane
        .session
        .destination
        .clone()
        .expect("destination recorded");
    assert_eq!(dest.account.email, "you@example.com");
    assert_eq!(dest.client_id, world.google.client_id());
    world.assert_created_exactly_once();

    let bob = google_account("bob-sub", "bob@example.com", &world.google.client_id());
    let moved = sync_into(&world, &bob, "into-bob").await;
    assert_completed(&moved);
    assert_eq!(moved.counts.created as usize, EXPECTED_FILES);
    assert_eq!(
        moved.session.destination.unwrap().account.email,
        "bob@example.com"
    );
    assert_eq!(
        bob.media_items().len(),
        EXPECTED_FILES,
        "Bob got everything"
    );
    assert!(bob.items_by_description().values().all(|n| *n == 1));
    assert_eq!(
        world.google.media_items().len(),
        EXPECTED_FILES,
        "Jane's untouched"
    );

    // Jane again: all of it is already hers.
    let again = sync_into(&world, &world.google, "jane-again").await;
    assert_eq!(again.counts.created, 0);
    world.assert_created_exactly_once();
    let said: Vec<String> = world
        .events
        .0
        .lock()
        .unwrap()
        .iter()
        .filter_map(|(_, e)| match e {
            SyncEvent::Destination { email } => Some(email.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(
        said,
        ["you@example.com", "bob@example.com", "you@example.com"]
    );
}

#[tokio::test]
async fn resuming_under_another_account_stops_before_anything_moves_and_says_whose_it_is() {
    let world = World::standard();
    let first = sync_into(&world, &world.google, "janes").await;
    assert_eq!(first.session.status, SessionStatus::Completed);

    let bob = google_account("bob-sub", "bob@example.com", &world.google.client_id());
    let resumed = sync_into(&world, &bob, "janes").await;
    assert_eq!(resumed.session.status, SessionStatus::NeedsLogin);
    let reason = resumed.session.status_reason.unwrap();
    assert!(
        reason.contains("you@example.com") && reason.contains("bob@example.com"),
        "{reason}"
    );
    assert!(reason.contains("start a new move"), "{reason}");
    assert_eq!(writes(&bob), 0, "nothing went to Bob");
    assert_eq!(
        resumed.session.destination.unwrap().account.email,
        "you@example.com",
        "the session still belongs to Jane"
    );

    // Signed in as Jane again, it goes on.
    let back = sync_into(&world, &world.google, "janes").await;
    assert_eq!(back.session.status, SessionStatus::Completed);
    world.assert_created_exactly_once();
}

#[tokio::test]
async fn another_oauth_client_is_another_destination_and_says_why() {
    let world = World::standard();
    sync_into(&world, &world.google, "built-in").await;
    // The same account through a person's own client: Google would not let this client add
    // to the first client's album.
    let own = google_account(
        "104729000000000000001",
        "you@example.com",
        "own-client.apps.googleusercontent.com",
    );
    let resumed = sync_into(&world, &own, "built-in").await;
    assert_eq!(resumed.session.status, SessionStatus::NeedsLogin);
    let reason = resumed.session.status_reason.unwrap();
    assert!(reason.contains("OAuth client"), "{reason}");
    assert_eq!(writes(&own), 0);

    let fresh = sync_into(&world, &own, "own-client").await;
    assert_eq!(fresh.session.status, SessionStatus::Completed);
    assert_eq!(fresh.counts.created as usize, EXPECTED_FILES);
}

#[tokio::test]
async fn a_sign_in_that_does_not_say_which_account_asks_to_sign_in_again() {
    let world = World::standard();
    let old_scopes = [
        engine::auth::SCOPE_APPENDONLY,
        engine::auth::SCOPE_READ_APP_CREATED,
    ];
    let outcome = engine_into(&world, &world.google, &old_scopes)
        .sync_date_range(march(SessionId::new("old-login").unwrap()))
        .await
        .unwrap();
    assert_eq!(outcome.session.status, SessionStatus::NeedsLogin);
    let reason = outcome.session.status_reason.unwrap();
    assert!(reason.contains("sign in to Google again"), "{reason}");
    assert_eq!(writes(&world.google), 0);
    assert!(
        world.gopro.request_counts().values().all(|n| *n == 0),
        "nothing was even listed"
    );
}
