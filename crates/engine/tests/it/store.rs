//! The session store contract, run against both implementations (`MemoryStore` and a
//! `SqliteStore` on a temporary file), then what only the SQLite file can do: reopen, WAL, and
//! refusing files it must not touch.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use engine::model::{
    Cloud, Destination, DiscoveredItem, FailureClass, FileKey, GoogleAccount, ItemCounts,
    ItemState, KeptUpload, MediaKind, Rendition, SessionId, SessionRecord, SessionSettings,
    SessionStatus, SkipReason, StopCause,
};
use engine::photos::ItemFailureClass;
use engine::store::{MemoryStore, SessionStore, SqliteStore, StateChange, StoreError};

/// A clock the test moves by hand; both stores stamp times from it.
#[derive(Clone)]
struct Clock(Arc<Mutex<DateTime<Utc>>>);

impl Clock {
    fn new() -> Self {
        Self(Arc::new(Mutex::new(t0())))
    }
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }
    fn advance(&self, secs: i64) -> DateTime<Utc> {
        let mut t = self.0.lock().unwrap();
        *t += Duration::seconds(secs);
        *t
    }
    fn reader(&self) -> impl Fn() -> DateTime<Utc> + Send + Sync + 'static {
        let c = self.clone();
        move || c.now()
    }
}

/// A time with nanoseconds, so a lossy encoding would show.
fn t0() -> DateTime<Utc> {
    Utc.timestamp_opt(1_772_000_000, 123_456_789).unwrap()
}

fn id(s: &str) -> SessionId {
    SessionId::new(s).unwrap()
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn session(name: &str, created_at: DateTime<Utc>) -> SessionRecord {
    SessionRecord {
        id: id(name),
        range_from: day("2026-03-01"),
        range_to: day("2026-03-31"),
        settings: SessionSettings {
            batch_size: 10,
            create_batch_size: 50,
            include_raw: false,
            include_joined_video: false,
            album_title: None,
            correct_video_times: false,
        },
        status: SessionStatus::Running,
        status_reason: None,
        quota_resets_at: None,
        stop_cause: None,
        discovery_cursor: 1,
        discovery_done: false,
        album_id: None,
        album_url: None,
        album_items: 0,
        earlier_albums: Vec::new(),
        created_at,
        updated_at: created_at,
        finished_at: None,
        bytes_transferred: 0,
        destination: None,
    }
}

fn key(media: &str, n: u32) -> FileKey {
    FileKey {
        media_id: media.into(),
        item_number: n,
        label: Rendition::Source,
    }
}

fn found(media: &str, n: u32, size: Option<u64>) -> DiscoveredItem {
    DiscoveredItem {
        key: key(media, n),
        filename: format!("{media}_{n}.MP4"),
        kind: Some(MediaKind::Video),
        captured_at: Some(t0() - Duration::days(3)),
        size,
        skip: None,
        local_clock: None,
    }
}

fn change(k: FileKey, state: ItemState) -> StateChange {
    StateChange {
        key: k,
        state,
        size: None,
    }
}

fn created(media_item_id: &str) -> ItemState {
    ItemState::Created {
        media_item_id: media_item_id.into(),
        product_url: Some(format!("https://photos.example/{media_item_id}")),
    }
}

fn every_state() -> Vec<ItemState> {
    let mut states = vec![
        ItemState::Discovered,
        ItemState::Uploaded {
            upload_token: "tok-1".into(),
            at: t0(),
        },
        ItemState::Creating {
            upload_token: "tok-2".into(),
            uploaded_at: t0(),
            sent_at: t0() + Duration::milliseconds(1500),
        },
        created("mi-1"),
        ItemState::Created {
            media_item_id: "mi-2".into(),
            product_url: None,
        },
    ];
    let classes = [
        FailureClass::Download,
        FailureClass::Upload,
        FailureClass::Gone,
        FailureClass::TooLarge,
        FailureClass::Unresolved,
        FailureClass::Create(ItemFailureClass::Retryable),
        FailureClass::Create(ItemFailureClass::Unsupported),
        FailureClass::Create(ItemFailureClass::InvalidToken),
        FailureClass::Create(ItemFailureClass::InDoubt),
        FailureClass::Create(ItemFailureClass::Rejected),
    ];
    for (i, class) in classes.into_iter().enumerate() {
        states.push(ItemState::Failed {
            class,
            reason: format!("reason {i}: \"quoted\", ünïcode"),
            attempts: i as u32 + 1,
            // A failed create keeps its upload token so a resume only creates again.
            kept: (i % 2 == 1).then(|| KeptUpload {
                upload_token: format!("kept-token-{i}"),
                uploaded_at: t0() + Duration::seconds(i as i64),
            }),
        });
    }
    let reasons = [
        SkipReason::Spherical360,
        SkipReason::QuikProject,
        SkipReason::NotReady {
            state: "transcoding".into(),
        },
        SkipReason::NoOriginal,
        SkipReason::RawNotIncluded,
        SkipReason::JoinedVideoNotIncluded,
        SkipReason::CameraProxy,
        SkipReason::UnsupportedType {
            extension: "360".into(),
        },
        SkipReason::TooLarge {
            bytes: 25_000_000_000,
            limit: 20_000_000_000,
        },
        SkipReason::AlreadyInGooglePhotos,
    ];
    for reason in reasons {
        states.push(ItemState::Skipped { reason });
    }
    states
}

// ---------------------------------------------------------------------------------------------
// The contract, for both stores.

fn session_round_trip(store: &dyn SessionStore, clock: &Clock) {
    let mut s = session("round-trip", clock.now());
    store.create_session(&s).unwrap();
    assert_eq!(store.load_session(&s.id).unwrap(), Some(s.clone()));

    s.range_from = day("2025-12-24");
    s.range_to = day("2026-01-02");
    s.settings = SessionSettings {
        batch_size: 3,
        create_batch_size: 7,
        include_raw: true,
        include_joined_video: true,
        album_title: Some("Ski \"trip\" ✓".into()),
        correct_video_times: true,
    };
    s.status_reason = Some("Google's daily quota is used up".into());
    s.quota_resets_at = Some(t0() + Duration::hours(9));
    s.stop_cause = Some(StopCause::DailyQuota);
    s.discovery_cursor = 42;
    s.discovery_done = true;
    s.album_id = Some("album-1".into());
    s.album_url = Some("https://photos.example/album-1".into());
    s.created_at = t0() - Duration::days(1);
    s.updated_at = t0() + Duration::nanoseconds(1);
    s.finished_at = Some(t0() + Duration::minutes(5));
    s.bytes_transferred = u64::from(u32::MAX) * 3;
    for status in [
        SessionStatus::Paused,
        SessionStatus::NeedsLogin,
        SessionStatus::Completed,
        SessionStatus::Failed,
        SessionStatus::Cancelled,
        SessionStatus::Running,
    ] {
        s.status = status;
        store.update_session(&s).unwrap();
        assert_eq!(store.load_session(&s.id).unwrap(), Some(s.clone()));
    }
    for cause in [
        StopCause::Requested,
        StopCause::Cancelled,
        StopCause::Interrupted,
        StopCause::DailyQuota,
        StopCause::StorageFull,
        StopCause::NeedsLogin(Cloud::Gopro),
        StopCause::NeedsLogin(Cloud::Google),
        StopCause::Trouble,
        StopCause::GoProProcessing,
        StopCause::FilesFailed,
        StopCause::FailFast,
        StopCause::Fatal,
    ] {
        s.stop_cause = Some(cause);
        store.update_session(&s).unwrap();
        assert_eq!(store.load_session(&s.id).unwrap(), Some(s.clone()));
        assert_eq!(StopCause::parse(cause.as_str()), Some(cause));
    }

    // Back to no optional fields.
    let mut bare = session("round-trip", clock.now());
    bare.settings.album_title = None;
    store.update_session(&bare).unwrap();
    assert_eq!(store.load_session(&bare.id).unwrap(), Some(bare));
}

fn duplicate_create(store: &dyn SessionStore, clock: &Clock) {
    let s = session("dup", clock.now());
    store.create_session(&s).unwrap();
    let mut other = s.clone();
    other.status = SessionStatus::Failed;
    match store.create_session(&other) {
        Err(StoreError::AlreadyExists(name)) => assert_eq!(name, "dup"),
        other => panic!("expected AlreadyExists, got {other:?}"),
    }
    assert_eq!(store.load_session(&s.id).unwrap(), Some(s));
}

fn unknown_session(store: &dyn SessionStore, clock: &Clock) {
    let ghost = id("ghost");
    assert_eq!(store.load_session(&ghost).unwrap(), None);
    let unknown = |r: Result<(), StoreError>| match r {
        Err(StoreError::UnknownSession(name)) => assert_eq!(name, "ghost"),
        other => panic!("expected UnknownSession, got {other:?}"),
    };
    unknown(store.update_session(&session("ghost", clock.now())));
    unknown(
        store
            .record_discovery(&ghost, &[found("m", 1, None)], 2, false)
            .map(drop),
    );
    unknown(store.set_states(&ghost, &[change(key("m", 1), created("x"))]));
    unknown(store.items(&ghost).map(drop));
    unknown(store.counts(&ghost).map(drop));
    assert!(store.list_sessions().unwrap().is_empty());
    assert_eq!(store.latest_unfinished().unwrap(), None);
    assert_eq!(store.ledger_lookup(None, &key("m", 1)).unwrap(), None);
}

fn discovery_is_idempotent(store: &dyn SessionStore, clock: &Clock) {
    let s = session("disc", clock.now());
    store.create_session(&s).unwrap();
    let mut page = vec![
        found("a", 1, Some(100)),
        found("a", 2, None),
        found("b", 1, Some(5)),
        found("a", 1, Some(100)), // the same file twice in one page
    ];
    page[2].skip = Some(SkipReason::Spherical360);
    page[2].kind = None;
    page[2].captured_at = None;

    let t1 = clock.advance(10);
    let recorded = store.record_discovery(&s.id, &page, 2, false).unwrap();
    assert_eq!(recorded.inserted, 3);
    assert_eq!(
        recorded.movable,
        [key("a", 1), key("a", 2)],
        "new and not skipped, once each"
    );
    let loaded = store.load_session(&s.id).unwrap().unwrap();
    assert_eq!(
        (
            loaded.discovery_cursor,
            loaded.discovery_done,
            loaded.updated_at
        ),
        (2, false, t1)
    );
    let items = store.items(&s.id).unwrap();
    assert_eq!(items.len(), 3);
    assert_eq!(
        items.iter().map(|i| i.position).collect::<Vec<_>>(),
        [0, 1, 2]
    );
    assert_eq!(items[0].key, key("a", 1));
    assert_eq!(items[0].filename, "a_1.MP4");
    assert_eq!(items[0].kind, Some(MediaKind::Video));
    assert_eq!(items[0].captured_at, Some(t0() - Duration::days(3)));
    assert_eq!(items[0].size, Some(100));
    assert_eq!(items[0].state, ItemState::Discovered);
    assert_eq!(items[0].updated_at, t1);
    assert_eq!(items[1].size, None);
    assert_eq!(
        items[2].state,
        ItemState::Skipped {
            reason: SkipReason::Spherical360
        }
    );
    assert_eq!((items[2].kind, items[2].captured_at), (None, None));

    // A file moves on, then discovery walks the same page again.
    let uploaded = ItemState::Uploaded {
        upload_token: "tok".into(),
        at: t0(),
    };
    store
        .set_states(&s.id, &[change(key("a", 1), uploaded.clone())])
        .unwrap();
    let t2 = clock.advance(10);
    let recorded = store.record_discovery(&s.id, &page, 3, true).unwrap();
    assert_eq!(recorded.inserted, 0);
    assert!(recorded.movable.is_empty(), "{:?}", recorded.movable);
    let again = store.items(&s.id).unwrap();
    assert_eq!(again.len(), 3);
    assert_eq!(again[0].state, uploaded);
    assert_eq!(again[1..], items[1..]);
    let loaded = store.load_session(&s.id).unwrap().unwrap();
    assert_eq!(
        (
            loaded.discovery_cursor,
            loaded.discovery_done,
            loaded.updated_at
        ),
        (3, true, t2)
    );

    // A new page appends after the known files.
    let next = [found("c", 1, None), found("a", 2, None)];
    let recorded = store.record_discovery(&s.id, &next, 4, true).unwrap();
    assert_eq!(recorded.inserted, 1);
    assert_eq!(recorded.movable, [key("c", 1)]);
    let items = store.items(&s.id).unwrap();
    assert_eq!(items.len(), 4);
    assert_eq!((items[3].key.clone(), items[3].position), (key("c", 1), 3));
}

fn every_state_round_trips(store: &dyn SessionStore, clock: &Clock) {
    let s = session("states", clock.now());
    store.create_session(&s).unwrap();
    let states = every_state();
    let page: Vec<_> = (0..states.len() as u32)
        .map(|n| found("m", n + 1, None))
        .collect();
    store.record_discovery(&s.id, &page, 2, true).unwrap();
    let t = clock.advance(1);
    let changes: Vec<_> = states
        .iter()
        .enumerate()
        .map(|(i, st)| StateChange {
            key: key("m", i as u32 + 1),
            state: st.clone(),
            size: Some(1000 + i as u64),
        })
        .collect();
    store.set_states(&s.id, &changes).unwrap();
    let items = store.items(&s.id).unwrap();
    for (i, (item, state)) in items.iter().zip(&states).enumerate() {
        assert_eq!(&item.state, state);
        assert_eq!(item.size, Some(1000 + i as u64));
        assert_eq!(item.updated_at, t);
    }

    // Every state can follow every other: the previous state's fields do not linger.
    let rotated: Vec<_> = changes
        .iter()
        .enumerate()
        .map(|(i, c)| change(c.key.clone(), states[(i + 1) % states.len()].clone()))
        .collect();
    store.set_states(&s.id, &rotated).unwrap();
    for (i, item) in store.items(&s.id).unwrap().iter().enumerate() {
        assert_eq!(item.state, states[(i + 1) % states.len()]);
        assert_eq!(
            item.size,
            Some(1000 + i as u64),
            "a change without a size keeps it"
        );
    }

    // A change for a file the session does not have changes nothing.
    let before = store.items(&s.id).unwrap();
    store
        .set_states(&s.id, &[change(key("zz", 1), created("nope"))])
        .unwrap();
    assert_eq!(store.items(&s.id).unwrap(), before);
    assert_eq!(store.ledger_lookup(None, &key("zz", 1)).unwrap(), None);
}

fn counts(store: &dyn SessionStore, clock: &Clock) {
    let s = session("counts", clock.now());
    store.create_session(&s).unwrap();
    assert_eq!(store.counts(&s.id).unwrap(), ItemCounts::default());
    let mut page: Vec<_> = (1..=7)
        .map(|n| found("m", n, Some(n as u64 * 10)))
        .collect();
    page.push(found("m", 8, None));
    page[6].skip = Some(SkipReason::CameraProxy);
    store.record_discovery(&s.id, &page, 2, true).unwrap();
    let states = [
        ItemState::Uploaded {
            upload_token: "t".into(),
            at: t0(),
        },
        ItemState::Creating {
            upload_token: "t".into(),
            uploaded_at: t0(),
            sent_at: t0(),
        },
        created("x"),
        created("y"),
        ItemState::Failed {
            class: FailureClass::Download,
            reason: "r".into(),
            attempts: 1,
            kept: None,
        },
    ];
    let changes: Vec<_> = states
        .iter()
        .enumerate()
        .map(|(i, st)| change(key("m", i as u32 + 1), st.clone()))
        .collect();
    store.set_states(&s.id, &changes).unwrap();
    // m6 discovered (60), m7 skipped (70), m8 discovered (size unknown); m4's size grows.
    store
        .set_states(
            &s.id,
            &[StateChange {
                key: key("m", 4),
                state: created("y"),
                size: Some(400),
            }],
        )
        .unwrap();
    let expected = ItemCounts {
        total: 8,
        discovered: 2,
        uploaded: 2,
        created: 2,
        failed: 1,
        skipped: 1,
        processing: 0,
        bytes_total: 10 + 20 + 30 + 400 + 50 + 60,
        bytes_created: 30 + 400,
    };
    assert_eq!(store.counts(&s.id).unwrap(), expected);
    let list = store.list_sessions().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].counts, expected);
}

/// Files GoPro is still processing are counted apart, and a later discovery page where GoPro
/// is done gives them their new state; other skips stay as they are.
fn processing_files_are_counted_and_revived(store: &dyn SessionStore, clock: &Clock) {
    let s = session("processing", clock.now());
    store.create_session(&s).unwrap();
    let not_ready = || {
        Some(SkipReason::NotReady {
            state: "transcoding".into(),
        })
    };
    let mut page = vec![
        found("v", 1, None),
        found("q", 1, Some(5)),
        found("p", 1, Some(7)),
    ];
    page[0].skip = not_ready();
    page[1].skip = Some(SkipReason::CameraProxy);
    store.record_discovery(&s.id, &page, 2, true).unwrap();
    let c = store.counts(&s.id).unwrap();
    assert_eq!((c.skipped, c.processing, c.discovered), (2, 1, 1));

    // Still processing: nothing changes.
    let recorded = store.record_discovery(&s.id, &page, 2, true).unwrap();
    assert!(recorded.movable.is_empty(), "{:?}", recorded.movable);
    assert_eq!(store.counts(&s.id).unwrap().processing, 1);
    // Done: the video moves now (with its size); the camera proxy stays skipped.
    let mut again = page.clone();
    again[0].skip = None;
    again[0].size = Some(900);
    again[1].skip = None;
    let recorded = store.record_discovery(&s.id, &again, 2, true).unwrap();
    assert_eq!(recorded.inserted, 0);
    assert_eq!(
        recorded.movable,
        [key("v", 1)],
        "the revived video moves now"
    );
    let items = store.items(&s.id).unwrap();
    assert_eq!(items[0].state, ItemState::Discovered);
    assert_eq!(items[0].size, Some(900));
    assert_eq!(
        items[1].state,
        ItemState::Skipped {
            reason: SkipReason::CameraProxy
        }
    );
    let c = store.counts(&s.id).unwrap();
    assert_eq!((c.skipped, c.processing, c.discovered), (1, 0, 2));
}

/// A medium GoPro would not describe is a failed placeholder; a later listing that describes
/// it makes it movable again, while other failures stay as they are.
fn unresolved_media_are_revived_by_a_later_listing(store: &dyn SessionStore, clock: &Clock) {
    let s = session("unresolved", clock.now());
    store.create_session(&s).unwrap();
    let page = vec![
        found("u", 1, None),
        found("d", 1, Some(5)),
        found("b", 1, None),
    ];
    store.record_discovery(&s.id, &page, 2, true).unwrap();
    let failed = |class| ItemState::Failed {
        class,
        reason: "r".into(),
        attempts: 1,
        kept: None,
    };
    store
        .set_states(
            &s.id,
            &[
                change(key("u", 1), failed(FailureClass::Unresolved)),
                change(key("d", 1), failed(FailureClass::Download)),
                change(key("b", 1), failed(FailureClass::Unresolved)),
            ],
        )
        .unwrap();
    // "b" turns out to be a burst: its frames have other keys, and replace the placeholder.
    let mut again = page[..2].to_vec();
    again[0].size = Some(900);
    let frame = |n| {
        let mut f = found("b", n, Some(10));
        f.key.label = Rendition::File;
        f
    };
    again.extend([frame(1), frame(2)]);
    let recorded = store.record_discovery(&s.id, &again, 2, true).unwrap();
    assert_eq!(recorded.movable.len(), 3, "{:?}", recorded.movable);
    assert_eq!(recorded.movable[0], key("u", 1));
    let items = store.items(&s.id).unwrap();
    assert_eq!(items.len(), 4, "the placeholder is gone: {items:?}");
    assert_eq!(items[0].state, ItemState::Discovered);
    assert_eq!(items[0].size, Some(900));
    assert_eq!(items[1].state, failed(FailureClass::Download));
    assert!(items[2..]
        .iter()
        .all(|i| i.key.label == Rendition::File && i.state == ItemState::Discovered));
    assert_eq!(store.counts(&s.id).unwrap().failed, 1);
}

fn ledger_across_sessions(store: &dyn SessionStore, clock: &Clock) {
    let a = session("a", clock.now());
    store.create_session(&a).unwrap();
    store
        .record_discovery(
            &a.id,
            &[found("x", 1, Some(1)), found("y", 1, Some(2))],
            2,
            true,
        )
        .unwrap();
    store
        .set_states(
            &a.id,
            &[
                change(key("x", 1), created("mi-x")),
                change(
                    key("y", 1),
                    ItemState::Creating {
                        upload_token: "t".into(),
                        uploaded_at: t0(),
                        sent_at: t0(),
                    },
                ),
            ],
        )
        .unwrap();
    assert_eq!(
        store.ledger_lookup(None, &key("x", 1)).unwrap(),
        Some("mi-x".into())
    );
    assert_eq!(store.ledger_lookup(None, &key("y", 1)).unwrap(), None);

    let b = session("b", clock.advance(60));
    store.create_session(&b).unwrap();
    let mut page = vec![
        found("x", 1, Some(1)),
        found("y", 1, Some(2)),
        found("z", 1, None),
    ];
    page[0].skip = Some(SkipReason::RawNotIncluded);
    assert_eq!(
        store
            .record_discovery(&b.id, &page, 2, true)
            .unwrap()
            .inserted,
        3
    );
    let items = store.items(&b.id).unwrap();
    let already = ItemState::Skipped {
        reason: SkipReason::AlreadyInGooglePhotos,
    };
    assert_eq!(
        items[0].state, already,
        "the ledger wins over discovery's reason"
    );
    assert_eq!(items[1].state, ItemState::Discovered);
    assert_eq!(items[2].state, ItemState::Discovered);
    assert_eq!(
        SkipReason::AlreadyInGooglePhotos.message(),
        "Already in Google Photos (moved by an earlier session)."
    );
    let counts = store.counts(&b.id).unwrap();
    assert_eq!((counts.skipped, counts.bytes_total), (1, 2));

    // Session A is unaffected, and B creating y adds it to the ledger too.
    assert_eq!(store.items(&a.id).unwrap()[0].state, created("mi-x"));
    store
        .set_states(&b.id, &[change(key("y", 1), created("mi-y"))])
        .unwrap();
    assert_eq!(
        store.ledger_lookup(None, &key("y", 1)).unwrap(),
        Some("mi-y".into())
    );
}

fn destination(account: &str, client: &str) -> Destination {
    Destination {
        account: GoogleAccount {
            id: account.into(),
            email: format!("{account}@example.com"),
        },
        client_id: client.into(),
    }
}

fn session_into(name: &str, at: DateTime<Utc>, into: &Destination) -> SessionRecord {
    SessionRecord {
        destination: Some(into.clone()),
        ..session(name, at)
    }
}

/// What was moved into one account (through one OAuth client) is not "already there" for
/// another account, nor for the same account through another client.
fn ledger_is_per_destination(store: &dyn SessionStore, clock: &Clock) {
    let (jane, bob) = (destination("jane", "c1"), destination("bob", "c1"));
    let jane_other_client = destination("jane", "c2");
    let a = session_into("a", clock.now(), &jane);
    store.create_session(&a).unwrap();
    assert_eq!(store.load_session(&a.id).unwrap().unwrap(), a);
    store
        .record_discovery(&a.id, &[found("x", 1, Some(1))], 2, true)
        .unwrap();
    store
        .set_states(&a.id, &[change(key("x", 1), created("mi-x"))])
        .unwrap();
    assert_eq!(
        store.ledger_lookup(Some(&jane), &key("x", 1)).unwrap(),
        Some("mi-x".into())
    );
    for other in [&bob, &jane_other_client] {
        assert_eq!(
            store.ledger_lookup(Some(other), &key("x", 1)).unwrap(),
            None
        );
    }
    assert_eq!(store.ledger_lookup(None, &key("x", 1)).unwrap(), None);
    for (name, into, state) in [
        ("b", &bob, ItemState::Discovered),
        ("c", &jane_other_client, ItemState::Discovered),
        (
            "d",
            &jane,
            ItemState::Skipped {
                reason: SkipReason::AlreadyInGooglePhotos,
            },
        ),
    ] {
        let s = session_into(name, clock.advance(1), into);
        store.create_session(&s).unwrap();
        store
            .record_discovery(&s.id, &[found("x", 1, Some(1))], 2, true)
            .unwrap();
        assert_eq!(
            store.items(&s.id).unwrap()[0].state,
            state,
            "session {name}"
        );
    }
    // Bob's own move of x is his, and leaves Jane's entry alone.
    store
        .set_states(&id("b"), &[change(key("x", 1), created("mi-bob"))])
        .unwrap();
    assert_eq!(
        store.ledger_lookup(Some(&bob), &key("x", 1)).unwrap(),
        Some("mi-bob".into())
    );
    assert_eq!(
        store.ledger_lookup(Some(&jane), &key("x", 1)).unwrap(),
        Some("mi-x".into())
    );
}

/// A session `id` whose one file, `x`, is created in Google Photos as `mi-x` (and so in the
/// ledger).
fn session_with_x_created(store: &dyn SessionStore, id: &str, at: DateTime<Utc>) -> SessionRecord {
    let old = session(id, at);
    store.create_session(&old).unwrap();
    store
        .record_discovery(&old.id, &[found("x", 1, Some(1))], 2, true)
        .unwrap();
    store
        .set_states(&old.id, &[change(key("x", 1), created("mi-x"))])
        .unwrap();
    old
}

/// Sessions and files from before q2google knew accounts belong to the first account a run
/// identifies; later accounts do not get them.
fn unowned_is_adopted_once(store: &dyn SessionStore, clock: &Clock) {
    let old = session_with_x_created(store, "old", clock.now());
    let jane = destination("jane", "c1");
    assert_eq!(store.adopt_unowned(&jane).unwrap(), (1, 1));
    assert_eq!(
        store.load_session(&old.id).unwrap().unwrap().destination,
        Some(jane.clone())
    );
    assert_eq!(
        store.ledger_lookup(Some(&jane), &key("x", 1)).unwrap(),
        Some("mi-x".into())
    );
    assert_eq!(store.ledger_lookup(None, &key("x", 1)).unwrap(), None);
    let bob = destination("bob", "c1");
    assert_eq!(store.adopt_unowned(&bob).unwrap(), (0, 0));
    assert_eq!(store.ledger_lookup(Some(&bob), &key("x", 1)).unwrap(), None);
}

fn latest_unfinished(store: &dyn SessionStore, clock: &Clock) {
    assert_eq!(store.latest_unfinished().unwrap(), None);
    let a = session("a", clock.now());
    store.create_session(&a).unwrap();
    assert_eq!(store.latest_unfinished().unwrap(), Some(id("a")));

    let b = session("b", clock.advance(10));
    store.create_session(&b).unwrap();
    assert_eq!(store.latest_unfinished().unwrap(), Some(id("b")));

    // Work on a makes it the most recently updated.
    clock.advance(10);
    store
        .record_discovery(&a.id, &[found("m", 1, None)], 2, false)
        .unwrap();
    assert_eq!(store.latest_unfinished().unwrap(), Some(id("a")));
    clock.advance(10);
    store
        .record_discovery(&b.id, &[found("m", 1, None)], 2, false)
        .unwrap();
    assert_eq!(store.latest_unfinished().unwrap(), Some(id("b")));
    clock.advance(10);
    store
        .set_states(&a.id, &[change(key("m", 1), created("mi"))])
        .unwrap();
    assert_eq!(store.latest_unfinished().unwrap(), Some(id("a")));

    // A completed session never counts, however recent; any other status does.
    let mut a_done = store.load_session(&a.id).unwrap().unwrap();
    a_done.status = SessionStatus::Completed;
    a_done.updated_at = clock.advance(10);
    store.update_session(&a_done).unwrap();
    assert_eq!(store.latest_unfinished().unwrap(), Some(id("b")));
    let mut b_paused = store.load_session(&b.id).unwrap().unwrap();
    b_paused.status = SessionStatus::Paused;
    store.update_session(&b_paused).unwrap();
    assert_eq!(store.latest_unfinished().unwrap(), Some(id("b")));
    b_paused.status = SessionStatus::Completed;
    store.update_session(&b_paused).unwrap();
    assert_eq!(store.latest_unfinished().unwrap(), None);
}

fn list_order(store: &dyn SessionStore, clock: &Clock) {
    let base = clock.now();
    for (name, offset) in [("middle", 60), ("oldest", 0), ("newest", 120)] {
        store
            .create_session(&session(name, base + Duration::seconds(offset)))
            .unwrap();
    }
    // Updating does not reorder: the list is by creation.
    let mut oldest = store.load_session(&id("oldest")).unwrap().unwrap();
    oldest.updated_at = base + Duration::days(1);
    store.update_session(&oldest).unwrap();
    store
        .record_discovery(&id("middle"), &[found("m", 1, Some(9))], 2, false)
        .unwrap();

    let list = store.list_sessions().unwrap();
    let names: Vec<_> = list.iter().map(|s| s.session.id.as_str()).collect();
    assert_eq!(names, ["newest", "middle", "oldest"]);
    assert_eq!(list[1].counts.total, 1);
    assert_eq!(list[1].counts.bytes_total, 9);
    assert_eq!(list[0].counts, ItemCounts::default());
    assert_eq!(list[2].session, oldest);
}

fn big_session(store: &dyn SessionStore, clock: &Clock) {
    let s = session("big", clock.now());
    store.create_session(&s).unwrap();
    const FILES: u32 = 20_000;
    for (page_no, start) in (0..FILES).step_by(500).enumerate() {
        let page: Vec<_> = (start..start + 500)
            .map(|n| found("m", n, Some(1)))
            .collect();
        store
            .record_discovery(&s.id, &page, page_no as u64 + 2, false)
            .unwrap();
    }
    let changes: Vec<_> = (0..10)
        .map(|n| change(key("m", n * 1000), created(&format!("mi-{n}"))))
        .collect();
    store.set_states(&s.id, &changes).unwrap();
    let items = store.items(&s.id).unwrap();
    assert_eq!(items.len(), FILES as usize);
    assert!(items
        .iter()
        .enumerate()
        .all(|(i, it)| it.position == i as u64));
    assert_eq!(items[5000].state, created("mi-5"));
    let counts = store.counts(&s.id).unwrap();
    assert_eq!(
        (counts.total, counts.created, counts.discovered),
        (20_000, 10, 19_990)
    );
    assert_eq!(
        store.ledger_lookup(None, &key("m", 9000)).unwrap(),
        Some("mi-9".into())
    );
}

/// Runs each contract test against a `MemoryStore` and a `SqliteStore` on a temporary file.
macro_rules! both_stores {
    ($($name:ident),* $(,)?) => {
        mod memory {
            $(
                #[test]
                fn $name() {
                    let clock = super::Clock::new();
                    let store = super::MemoryStore::new().with_clock(clock.reader());
                    super::$name(&store, &clock);
                }
            )*
        }
        mod sqlite {
            $(
                #[test]
                fn $name() {
                    let dir = tempfile::tempdir().unwrap();
                    let clock = super::Clock::new();
                    let store = super::SqliteStore::open(&dir.path().join("sessions.db"))
                        .unwrap()
                        .with_clock(clock.reader());
                    super::$name(&store, &clock);
                }
            )*
        }
    };
}

both_stores!(
    session_round_trip,
    duplicate_create,
    unknown_session,
    discovery_is_idempotent,
    every_state_round_trips,
    counts,
    ledger_across_sessions,
    processing_files_are_counted_and_revived,
    unresolved_media_are_revived_by_a_later_listing,
    ledger_is_per_destination,
    unowned_is_adopted_once,
    latest_unfinished,
    list_order,
    big_session,
);

#[test]
fn sqlite_in_memory_works() {
    let clock = Clock::new();
    let store = SqliteStore::open_in_memory()
        .unwrap()
        .with_clock(clock.reader());
    every_state_round_trips(&store, &clock);
}

// ---------------------------------------------------------------------------------------------
// SQLite only.

fn files_next_to(path: &Path) -> Vec<PathBuf> {
    ["-wal", "-shm", "-journal"]
        .iter()
        .map(|suffix| PathBuf::from(format!("{}{suffix}", path.display())))
        .filter(|p| p.exists())
        .collect()
}

#[test]
fn reopen_finds_everything() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nested/deeper/sessions.db");
    let clock = Clock::new();
    let s = session("keep", clock.now());
    let (items, counts) = {
        let store = SqliteStore::open(&path).unwrap().with_clock(clock.reader());
        store.create_session(&s).unwrap();
        let page: Vec<_> = (1..=5).map(|n| found("m", n, Some(n as u64))).collect();
        store.record_discovery(&s.id, &page, 7, true).unwrap();
        store
            .set_states(&s.id, &[change(key("m", 2), created("mi-2"))])
            .unwrap();
        (store.items(&s.id).unwrap(), store.counts(&s.id).unwrap())
    };
    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(store.path(), path);
    let loaded = store.load_session(&s.id).unwrap().unwrap();
    assert_eq!((loaded.discovery_cursor, loaded.discovery_done), (7, true));
    assert_eq!(store.items(&s.id).unwrap(), items);
    assert_eq!(store.counts(&s.id).unwrap(), counts);
    assert_eq!(
        store.ledger_lookup(None, &key("m", 2)).unwrap(),
        Some("mi-2".into())
    );
    assert_eq!(store.latest_unfinished().unwrap(), Some(s.id.clone()));
    // Positions continue after a reopen.
    assert_eq!(
        store
            .record_discovery(&s.id, &[found("n", 1, None)], 8, true)
            .unwrap()
            .inserted,
        1
    );
    assert_eq!(store.items(&s.id).unwrap()[5].position, 5);
}

#[test]
fn uses_wal_and_marks_the_file_as_ours() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sessions.db");
    let store = SqliteStore::open(&path).unwrap();
    store.create_session(&session("w", t0())).unwrap();
    let wal = PathBuf::from(format!("{}-wal", path.display()));
    assert!(wal.exists(), "no WAL file next to {}", path.display());

    let conn =
        rusqlite::Connection::open_with_flags(&path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .unwrap();
    let mode: String = conn
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap();
    let app: i64 = conn
        .pragma_query_value(None, "application_id", |r| r.get(0))
        .unwrap();
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    assert_eq!(app, 0x5132_4750);
    assert_eq!(version, 6);
}

/// Undoes schema steps 3 to 6 on a database this build wrote: what a build of version 2 left.
fn downgrade_to_v2(conn: &rusqlite::Connection) {
    conn.execute_batch(
        "ALTER TABLE items DROP COLUMN local_clock;
         ALTER TABLE sessions DROP COLUMN stop_cause;
         ALTER TABLE sessions DROP COLUMN album_items;
         ALTER TABLE sessions DROP COLUMN earlier_albums;
         ALTER TABLE sessions DROP COLUMN google_account;
         ALTER TABLE sessions DROP COLUMN google_email;
         ALTER TABLE sessions DROP COLUMN google_client;
         CREATE TABLE ledger_v1 (media_id TEXT NOT NULL, item_number INTEGER NOT NULL,
             label TEXT NOT NULL, media_item_id TEXT NOT NULL, product_url TEXT,
             session_id TEXT NOT NULL, created_at TEXT NOT NULL,
             PRIMARY KEY (media_id, item_number, label));
         INSERT INTO ledger_v1 SELECT media_id, item_number, label, media_item_id, product_url,
             session_id, created_at FROM ledger;
         DROP TABLE ledger;
         ALTER TABLE ledger_v1 RENAME TO ledger;
         PRAGMA user_version = 2;",
    )
    .unwrap();
}

#[test]
fn a_version_4_database_gains_stop_causes_and_its_paused_sessions_wait_for_a_click() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sessions.db");
    let mut old = session("paused-before", chrono::Utc::now());
    old.status = SessionStatus::Paused;
    old.stop_cause = Some(StopCause::Interrupted);
    SqliteStore::open(&path)
        .unwrap()
        .create_session(&old)
        .unwrap();
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute_batch(
            "ALTER TABLE items DROP COLUMN local_clock; \
             ALTER TABLE sessions DROP COLUMN stop_cause; PRAGMA user_version = 4;",
        )
        .unwrap();
    let store = SqliteStore::open(&path).unwrap();
    let kept = store.load_session(&old.id).unwrap().unwrap();
    // No cause was stored then: it goes on only when the person says so.
    assert_eq!(kept.stop_cause, None);
    assert_eq!(
        engine::go_on::go_on(&kept, std::time::Duration::ZERO),
        engine::go_on::GoOn::WhenAsked
    );
    assert_eq!(
        kept,
        SessionRecord {
            stop_cause: None,
            ..old
        }
    );
}

#[test]
fn a_videos_camera_clock_is_kept_and_a_version_5_database_gains_the_column() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sessions.db");
    let s = session("clocks", chrono::Utc::now());
    let old = found("before", 1, None);
    {
        let store = SqliteStore::open(&path).unwrap();
        store.create_session(&s).unwrap();
        store.record_discovery(&s.id, &[old], 2, false).unwrap();
    }
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute_batch("ALTER TABLE items DROP COLUMN local_clock; PRAGMA user_version = 5;")
        .unwrap();
    let store = SqliteStore::open(&path).unwrap();
    let clocks = [
        Some(engine::model::LocalClock {
            utc_offset_minutes: Some(-330),
        }),
        Some(engine::model::LocalClock {
            utc_offset_minutes: None,
        }),
    ];
    let new: Vec<DiscoveredItem> = clocks
        .iter()
        .enumerate()
        .map(|(n, clock)| DiscoveredItem {
            local_clock: *clock,
            ..found("after", n as u32 + 1, None)
        })
        .collect();
    store.record_discovery(&s.id, &new, 3, true).unwrap();
    let kept: Vec<_> = store
        .items(&s.id)
        .unwrap()
        .into_iter()
        .map(|i| i.local_clock)
        .collect();
    assert_eq!(kept, [None, clocks[0], clocks[1]]);
}

#[test]
fn a_version_2_database_keeps_its_sessions_and_ledger_for_the_first_account() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sessions.db");
    let old = session_with_x_created(
        &SqliteStore::open(&path).unwrap(),
        "kept",
        chrono::Utc::now(),
    );
    downgrade_to_v2(&rusqlite::Connection::open(&path).unwrap());
    let store = SqliteStore::open(&path).unwrap();
    let kept = store.load_session(&old.id).unwrap().unwrap();
    assert_eq!((kept.destination, kept.range_from), (None, old.range_from));
    assert_eq!(
        store.ledger_lookup(None, &key("x", 1)).unwrap(),
        Some("mi-x".into())
    );
    let jane = destination("jane", "c1");
    assert_eq!(store.adopt_unowned(&jane).unwrap(), (1, 1));
    assert_eq!(
        store.ledger_lookup(Some(&jane), &key("x", 1)).unwrap(),
        Some("mi-x".into())
    );
}

#[test]
fn a_version_1_database_gains_the_uploads_table_and_keeps_its_sessions() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sessions.db");
    {
        let store = SqliteStore::open(&path).unwrap();
        store
            .create_session(&session("kept", chrono::Utc::now()))
            .unwrap();
    }
    {
        // What a build of schema version 1 left behind.
        let conn = rusqlite::Connection::open(&path).unwrap();
        downgrade_to_v2(&conn);
        conn.execute_batch("DROP TABLE uploads; PRAGMA user_version = 1;")
            .unwrap();
    }
    let store = SqliteStore::open(&path).unwrap();
    let id = SessionId::new("kept").unwrap();
    assert!(store.load_session(&id).unwrap().is_some());
    let key = engine::model::FileKey {
        media_id: "m".into(),
        item_number: 1,
        label: Rendition::Source,
    };
    let upload = engine::model::StoredUpload {
        sealed_url: vec![1, 2, 3],
        total: 42,
        started_at: chrono::Utc::now(),
    };
    store.save_upload(&id, &key, &upload).unwrap();
    assert_eq!(store.load_upload(&id, &key).unwrap().unwrap().total, 42);
    store.clear_upload(&id, &key).unwrap();
    assert!(store.load_upload(&id, &key).unwrap().is_none());
}

#[test]
fn garbage_file_is_corrupt_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in [
        ("short.db", b"not a database".to_vec()),
        (
            "long.db",
            (0..4096u32).map(|i| (i * 7 % 251) as u8).collect(),
        ),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, &bytes).unwrap();
        match SqliteStore::open(&path) {
            Err(e @ StoreError::Corrupt { .. }) => {
                assert!(e.to_string().contains(&path.display().to_string()), "{e}")
            }
            other => panic!("expected Corrupt, got {other:?}"),
        }
        assert_eq!(std::fs::read(&path).unwrap(), bytes);
        assert_eq!(files_next_to(&path), Vec::<PathBuf>::new());
    }
}

#[test]
fn another_applications_database_is_corrupt_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    for (name, app_id) in [("foreign.db", 0x1234_5678), ("unmarked.db", 0)] {
        let path = dir.path().join(name);
        {
            let conn = rusqlite::Connection::open(&path).unwrap();
            conn.execute_batch("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('hi');")
                .unwrap();
            conn.pragma_update(None, "application_id", app_id).unwrap();
        }
        let bytes = std::fs::read(&path).unwrap();
        assert!(
            matches!(SqliteStore::open(&path), Err(StoreError::Corrupt { .. })),
            "{name}"
        );
        assert_eq!(std::fs::read(&path).unwrap(), bytes, "{name}");
    }
}

#[test]
fn newer_schema_is_too_new_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sessions.db");
    SqliteStore::open(&path).unwrap();
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.pragma_update(None, "journal_mode", "DELETE").unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
    }
    assert_eq!(files_next_to(&path), Vec::<PathBuf>::new());
    let bytes = std::fs::read(&path).unwrap();
    match SqliteStore::open(&path) {
        Err(StoreError::TooNew {
            found, supported, ..
        }) => assert_eq!((found, supported), (99, 6)),
        other => panic!("expected TooNew, got {other:?}"),
    }
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
}

#[test]
fn empty_file_becomes_a_database() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sessions.db");
    std::fs::write(&path, b"").unwrap();
    let store = SqliteStore::open(&path).unwrap();
    store.create_session(&session("e", t0())).unwrap();
    assert!(store.load_session(&id("e")).unwrap().is_some());
}

#[test]
fn path_under_a_file_is_io_naming_the_path() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plain-file");
    std::fs::write(&file, b"x").unwrap();
    let path = file.join("sub/sessions.db");
    match SqliteStore::open(&path) {
        Err(e @ StoreError::Io { .. }) => {
            assert!(e.to_string().contains(&path.display().to_string()), "{e}")
        }
        other => panic!("expected Io, got {other:?}"),
    }
}

#[cfg(unix)]
#[test]
fn read_only_folder_is_io_naming_the_path() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let locked = dir.path().join("locked");
    std::fs::create_dir(&locked).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555)).unwrap();
    // Root (as in some containers) writes anywhere; then there is nothing to test.
    let probe = locked.join("probe");
    if std::fs::write(&probe, b"").is_ok() {
        std::fs::remove_file(&probe).unwrap();
        eprintln!("skipped: this user can write into a read-only folder");
        return;
    }
    let path = locked.join("sessions.db");
    let result = SqliteStore::open(&path);
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    match result {
        Err(e @ StoreError::Io { .. }) => {
            assert!(e.to_string().contains(&path.display().to_string()), "{e}")
        }
        other => panic!("expected Io, got {other:?}"),
    }
}

#[test]
fn locked_database_is_busy() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sessions.db");
    drop(SqliteStore::open(&path).unwrap());
    let other = rusqlite::Connection::open(&path).unwrap();
    other.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let store = SqliteStore::open(&path);
    other.execute_batch("ROLLBACK").unwrap();
    match store {
        Err(e @ StoreError::Busy { .. }) => {
            assert!(e.to_string().contains(&path.display().to_string()), "{e}")
        }
        other => panic!("expected Busy, got {other:?}"),
    }
}
