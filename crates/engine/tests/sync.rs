//! The orchestrator end to end against both fakes: stages, checkpoints, resume, stops.

mod common;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use common::{fast_policy, gopro_client, photos_client};
use engine::events::{CollectEvents, SyncEvent};
use engine::model::{ItemState, SessionId, SessionStatus, SkipReason, Stage};
use engine::orchestrator::{GoProToPhotosSync, StageHooks, SyncOutcome};
use engine::settings::Settings;
use engine::store::{MemoryStore, SessionStore};
use fakes::google::{
    FakeGoogle, GoogleScenario, InjectedError, ItemFailure, ItemFault, RequestFault, RequestKind,
};
use fakes::gopro::{FakeGoPro, GoProScenario, Media, ProcessingState};
use fakes::Clock;

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// A small library with every kind that matters, all in March 2026.
fn library() -> Vec<Media> {
    vec![
        Media::photo("p1", "GOPR0001.JPG", at("2026-03-01T10:00:00Z"), 1, 40_000),
        Media::photo("p2", "GOPR0002.JPG", at("2026-03-02T10:00:00Z"), 2, 50_000),
        Media::photo_with_raw(
            "p3",
            "GOPR0003.JPG",
            at("2026-03-03T10:00:00Z"),
            3,
            60_000,
            90_000,
        ),
        Media::video("v1", "GX010001.MP4", at("2026-03-04T10:00:00Z"), 4, 300_000),
        Media::chaptered_video(
            "v2",
            "GX010002.MP4",
            at("2026-03-05T10:00:00Z"),
            5,
            &[200_000, 200_000, 100_000],
        ),
        Media::burst(
            "b1",
            "G0010001.JPG",
            at("2026-03-06T10:00:00Z"),
            6,
            &[20_000, 21_000, 22_000, 23_000],
        ),
        Media::quik_edit(
            "q1",
            "QuikEdit",
            "GoPro_Quik_1.mp4",
            at("2026-03-07T10:00:00Z"),
            7,
            150_000,
        ),
        Media::quik_project("q2", "Draft", at("2026-03-08T10:00:00Z")),
        Media::spherical("s1", "GS010001.360", at("2026-03-09T10:00:00Z"), 9, 80_000),
        Media::video(
            "v3",
            "GX010003.MP4",
            at("2026-03-10T10:00:00Z"),
            10,
            100_000,
        )
        .with_state(ProcessingState::Transcoding),
        // Outside the range: never touched.
        Media::photo("x1", "GOPR9999.JPG", at("2026-04-15T10:00:00Z"), 11, 40_000),
    ]
}

/// Files a correct sync creates from `library()` (media id, item number).
const EXPECTED_FILES: usize = 1 + 1 + 1 + 1 + 3 + 4 + 1;

struct World {
    gopro: FakeGoPro,
    google: FakeGoogle,
    store: Arc<MemoryStore>,
    events: Arc<CollectEvents>,
    per_page: u64,
}

impl World {
    fn new(gopro: GoProScenario, google: GoogleScenario) -> Self {
        let clock = Clock::default();
        Self {
            gopro: FakeGoPro::start_with_clock(gopro, clock.clone()).unwrap(),
            google: FakeGoogle::start_with_clock(google, clock).unwrap(),
            store: Arc::new(MemoryStore::new()),
            events: Arc::new(CollectEvents::default()),
            per_page: 50,
        }
    }

    fn standard() -> Self {
        Self::new(
            GoProScenario::default().with_library(library()),
            GoogleScenario::default(),
        )
    }

    fn settings() -> Settings {
        Settings {
            retry: fast_policy(),
            rate_limit_wait: Duration::from_millis(50),
            create_batch_linger: Duration::from_millis(30),
            metrics_interval: Duration::from_millis(20),
            raw_upload_max_bytes: 64 * 1024,
            ..Settings::default()
        }
    }

    fn engine(&self, settings: Settings) -> GoProToPhotosSync {
        GoProToPhotosSync::new(
            gopro_client(&self.gopro).with_per_page(self.per_page),
            photos_client(&self.google),
            self.store.clone(),
            settings,
        )
        .with_events(self.events.clone())
    }

    async fn sync(&self, id: &str) -> SyncOutcome {
        self.sync_with(id, Self::settings()).await
    }

    async fn sync_with(&self, id: &str, settings: Settings) -> SyncOutcome {
        let id = SessionId::new(id).unwrap();
        self.engine(settings)
            .sync_date_range(
                day("2026-03-01"),
                day("2026-03-31"),
                &id,
                None,
                None,
                StageHooks::default(),
                None,
            )
            .await
            .unwrap()
    }

    /// Every created item's bytes, by file name, checked against the GoPro originals.
    fn assert_created_exactly_once(&self) {
        let created = self.google.media_items();
        let mut by_sha: HashMap<String, usize> = HashMap::new();
        for item in &created {
            *by_sha.entry(item.sha256.clone()).or_default() += 1;
        }
        assert!(by_sha.values().all(|n| *n == 1), "nothing created twice");
        let expected: Vec<String> = self
            .gopro
            .expected_originals()
            .into_iter()
            .filter(|e| !e.filename.ends_with(".360") && e.media_id != "x1")
            .map(|e| e.content.sha256_hex())
            .collect();
        assert_eq!(expected.len(), EXPECTED_FILES);
        for sha in &expected {
            assert!(
                by_sha.contains_key(sha),
                "an original is missing from Google Photos"
            );
        }
        assert_eq!(created.len(), EXPECTED_FILES);
    }
}

#[tokio::test]
async fn a_whole_range_moves_every_original_once_into_one_album() {
    let world = World::standard();
    let starts = Arc::new(Mutex::new(Vec::new()));
    let completes = Arc::new(Mutex::new(Vec::new()));
    let (s, c) = (starts.clone(), completes.clone());
    let on_start = move |stage: Stage| s.lock().unwrap().push(stage);
    let on_complete = move |stage: Stage,
                            _: &engine::model::SessionRecord,
                            responses: &[engine::CreateBatchResult]| {
        c.lock().unwrap().push((stage, responses.len()))
    };
    let hooks = StageHooks {
        on_stage_start: Some(&on_start),
        on_stage_complete: Some(&on_complete),
    };
    let id = SessionId::new("march").unwrap();
    let outcome = world
        .engine(World::settings())
        .sync_date_range(
            day("2026-03-01"),
            day("2026-03-31"),
            &id,
            None,
            None,
            hooks,
            None,
        )
        .await
        .unwrap();
    assert_eq!(
        outcome.session.status,
        SessionStatus::Completed,
        "{:?}",
        outcome.session.status_reason
    );
    world.assert_created_exactly_once();
    assert_eq!(outcome.counts.created as usize, EXPECTED_FILES);
    // Skipped with reasons: the RAW, the joined video, the Quik project, the .360, the unready video.
    assert_eq!(outcome.counts.skipped, 5);
    let items = world.store.items(&id).unwrap();
    let reasons: Vec<SkipReason> = items
        .iter()
        .filter_map(|i| match &i.state {
            ItemState::Skipped { reason } => Some(reason.clone()),
            _ => None,
        })
        .collect();
    assert!(
        reasons.contains(&SkipReason::Spherical360)
            && reasons.contains(&SkipReason::QuikProject)
            && reasons.contains(&SkipReason::RawNotIncluded)
    );
    // One album holding everything.
    let albums = world.google.albums();
    assert_eq!(albums.len(), 1);
    assert_eq!(albums[0].title, "GoPro 2026-03-01 – 2026-03-31");
    assert_eq!(albums[0].media_item_ids.len(), EXPECTED_FILES);
    // Hooks in order, create's last with this run's responses.
    assert_eq!(
        *starts.lock().unwrap(),
        vec![Stage::Discovery, Stage::Transfer, Stage::Create]
    );
    let completes = completes.lock().unwrap();
    assert_eq!(
        completes.iter().map(|(s, _)| *s).collect::<Vec<_>>(),
        vec![Stage::Discovery, Stage::Transfer, Stage::Create]
    );
    assert_eq!(completes[2].1, outcome.responses.len());
    let created_in_responses: usize = outcome.responses.iter().map(|r| r.items.len()).sum();
    assert_eq!(created_in_responses, EXPECTED_FILES);
    // Batches of at most 50 and far fewer requests than files.
    assert!(world.google.request_count(RequestKind::BatchCreate) <= 3);
    // Events end with the finish line.
    let events = world.events.0.lock().unwrap();
    assert!(matches!(
        events.last().unwrap().1,
        SyncEvent::SessionFinished {
            status: SessionStatus::Completed,
            ..
        }
    ));
    assert!(events
        .iter()
        .any(|(_, e)| matches!(e, SyncEvent::Metrics(_))));
}

#[tokio::test]
async fn one_gopro_api_call_per_medium() {
    let world = World::standard();
    world.sync("calls").await;
    let gopro_api = world.gopro.request_count(fakes::gopro::RequestKind::Search)
        + world
            .gopro
            .request_count(fakes::gopro::RequestKind::Download);
    // 10 media in range (+1 outside the widened window is not listed): one search, one /download each
    // for the 8 not skipped by their search row.
    assert!(gopro_api <= 10, "{gopro_api} GoPro API calls");
}

#[tokio::test]
async fn a_second_session_over_the_same_range_finds_everything_already_there() {
    let world = World::standard();
    world.sync("first").await;
    let creates = world.google.request_count(RequestKind::BatchCreate);
    let second = world.sync("second").await;
    assert_eq!(second.session.status, SessionStatus::Completed);
    assert_eq!(second.counts.created, 0);
    assert_eq!(
        world.google.request_count(RequestKind::BatchCreate),
        creates,
        "nothing sent again"
    );
    let items = world
        .store
        .items(&SessionId::new("second").unwrap())
        .unwrap();
    assert!(items.iter().filter(|i| matches!(&i.state, ItemState::Skipped { reason } if *reason == SkipReason::AlreadyInGooglePhotos)).count() == EXPECTED_FILES);
}

#[tokio::test]
async fn an_expired_gopro_login_stops_as_needs_login_and_resume_loses_nothing() {
    let world = World::new(
        GoProScenario::default()
            .with_library(library())
            .token_ttl(Duration::from_secs(3600)),
        GoogleScenario::default(),
    );
    // An hour passes right after discovery: the GoPro token dies mid-transfer.
    let clock = world.gopro.clock().clone();
    let on_complete =
        move |stage: Stage, _: &engine::model::SessionRecord, _: &[engine::CreateBatchResult]| {
            if stage == Stage::Discovery {
                clock.advance(Duration::from_secs(3700));
            }
        };
    let hooks = StageHooks {
        on_stage_start: None,
        on_stage_complete: Some(&on_complete),
    };
    let id = SessionId::new("relogin").unwrap();
    let mut settings = World::settings();
    settings.upload_token_max_age = Duration::from_secs(24 * 3600);
    let first = world
        .engine(settings.clone())
        .sync_date_range(
            day("2026-03-01"),
            day("2026-03-31"),
            &id,
            None,
            None,
            hooks,
            None,
        )
        .await
        .unwrap();
    assert_eq!(first.session.status, SessionStatus::NeedsLogin);
    assert!(first
        .session
        .status_reason
        .unwrap()
        .contains("log in again"));
    // Logged in again (a fresh client with a fresh token); the stored range wins over these args.
    let second = world
        .engine(settings)
        .sync_date_range(
            day("2020-01-01"),
            day("2020-01-02"),
            &id,
            Some(7),
            None,
            StageHooks::default(),
            None,
        )
        .await
        .unwrap();
    assert_eq!(
        second.session.status,
        SessionStatus::Completed,
        "{:?}",
        second.session.status_reason
    );
    assert_eq!(second.session.range_from, day("2026-03-01"));
    assert_eq!(second.session.settings.batch_size, 50);
    world.assert_created_exactly_once();
}

#[tokio::test]
async fn a_create_lost_before_its_checkpoint_is_found_not_resent() {
    let world = World::standard();
    let first = world.sync("crash").await;
    assert_eq!(first.session.status, SessionStatus::Completed);
    // Rewind the store as if the process died right after sending the last batch: its files
    // are `Creating` with their tokens, although Google created them.
    let id = SessionId::new("crash").unwrap();
    let rewound: Vec<engine::store::StateChange> = world
        .store
        .items(&id)
        .unwrap()
        .into_iter()
        .filter(|i| matches!(i.state, ItemState::Created { .. }))
        .take(5)
        .map(|i| engine::store::StateChange {
            key: i.key,
            state: ItemState::Creating {
                upload_token: "lost-token".into(),
                uploaded_at: Utc::now(),
                sent_at: Utc::now(),
            },
            size: None,
        })
        .collect();
    world.store.set_states(&id, &rewound).unwrap();
    let mut session = world.store.load_session(&id).unwrap().unwrap();
    session.status = SessionStatus::Running;
    world.store.update_session(&session).unwrap();
    let creates = world.google.request_count(RequestKind::BatchCreate);
    let resumed = world.sync("crash").await;
    assert_eq!(
        resumed.session.status,
        SessionStatus::Completed,
        "{:?}",
        resumed.session.status_reason
    );
    assert_eq!(
        world.google.request_count(RequestKind::BatchCreate),
        creates,
        "found by listing, not sent again"
    );
    world.assert_created_exactly_once();
}

#[tokio::test]
async fn an_unknown_create_outcome_is_reconciled_without_duplicates() {
    let world = World::standard();
    // A 500 on the first create: Google may or may not have applied it (the fake did not).
    world.google.set_request_fault(RequestFault {
        error: InjectedError::BackendError,
        times: 1,
        only: Some(RequestKind::BatchCreate),
        retry_after_secs: None,
    });
    let outcome = world.sync("unknown").await;
    assert_eq!(
        outcome.session.status,
        SessionStatus::Completed,
        "{:?}",
        outcome.session.status_reason
    );
    world.assert_created_exactly_once();
    assert!(
        world.google.request_count(RequestKind::Search) >= 1,
        "checked the album before sending again"
    );
}

#[tokio::test]
async fn the_daily_quota_pauses_with_the_reset_time_and_resume_finishes() {
    let world = World::standard();
    world.google.set_request_fault(RequestFault {
        error: InjectedError::RateLimitDaily,
        times: 1,
        only: Some(RequestKind::BatchCreate),
        retry_after_secs: None,
    });
    let first = world.sync("quota").await;
    assert_eq!(first.session.status, SessionStatus::Paused);
    assert!(first.session.quota_resets_at.unwrap() > Utc::now());
    assert!(first.session.status_reason.unwrap().contains("daily limit"));
    let second = world.sync("quota").await;
    assert_eq!(
        second.session.status,
        SessionStatus::Completed,
        "{:?}",
        second.session.status_reason
    );
    world.assert_created_exactly_once();
}

#[tokio::test]
async fn full_storage_pauses_and_resume_finishes_after_space_is_freed() {
    let world = World::standard();
    world.google.set_storage_full(true);
    let first = world.sync("storage").await;
    assert_eq!(first.session.status, SessionStatus::Paused);
    assert!(first
        .session
        .status_reason
        .unwrap()
        .contains("storage is full"));
    assert!(world.google.media_items().is_empty());
    world.google.set_storage_full(false);
    let second = world.sync("storage").await;
    assert_eq!(second.session.status, SessionStatus::Completed);
    world.assert_created_exactly_once();
}

#[tokio::test]
async fn a_refused_file_type_is_skipped_and_a_transient_item_failure_is_retried() {
    let world = World::standard();
    world.google.set_item_fault(ItemFault {
        filename_contains: Some("GOPR0002".into()),
        failure: ItemFailure::NotImage,
        ..ItemFault::default()
    });
    world.google.set_item_fault(ItemFault {
        filename_contains: Some("GOPR0001".into()),
        failure: ItemFailure::Internal,
        times: Some(1),
        ..ItemFault::default()
    });
    let outcome = world.sync("refused").await;
    assert_eq!(
        outcome.session.status,
        SessionStatus::Completed,
        "{:?}",
        outcome.session.status_reason
    );
    assert_eq!(outcome.counts.created as usize, EXPECTED_FILES - 1);
    let items = world
        .store
        .items(&SessionId::new("refused").unwrap())
        .unwrap();
    let refused = items.iter().find(|i| i.filename == "GOPR0002.JPG").unwrap();
    assert!(matches!(
        &refused.state,
        ItemState::Skipped {
            reason: SkipReason::UnsupportedType { .. }
        }
    ));
}

#[tokio::test]
async fn fail_fast_stops_at_the_first_failure() {
    let world = World::standard();
    world.google.set_item_fault(ItemFault {
        filename_contains: Some("GX010001".into()),
        failure: ItemFailure::Exists,
        ..ItemFault::default()
    });
    let mut settings = World::settings();
    settings.fail_fast = true;
    settings.concurrency = 1;
    let outcome = world.sync_with("fast", settings).await;
    assert_eq!(outcome.session.status, SessionStatus::Failed);
    assert!(outcome
        .session
        .status_reason
        .unwrap()
        .contains("first file that failed"));
    // Without fail_fast the same failure is recorded and the session goes on.
    let world = World::standard();
    world.google.set_item_fault(ItemFault {
        filename_contains: Some("GX010001".into()),
        failure: ItemFailure::Exists,
        ..ItemFault::default()
    });
    let outcome = world.sync("slow").await;
    assert_eq!(outcome.session.status, SessionStatus::Failed);
    assert_eq!(outcome.counts.failed, 1);
    assert_eq!(outcome.counts.created as usize, EXPECTED_FILES - 1);
}

#[tokio::test]
async fn pause_takes_effect_and_resume_completes() {
    let world = World::standard();
    let engine = world.engine(World::settings());
    let control = engine.control().clone();
    let on_start = move |stage: Stage| {
        if stage == Stage::Transfer {
            control.pause();
        }
    };
    let hooks = StageHooks {
        on_stage_start: Some(&on_start),
        on_stage_complete: None,
    };
    let id = SessionId::new("pausing").unwrap();
    let first = engine
        .sync_date_range(
            day("2026-03-01"),
            day("2026-03-31"),
            &id,
            None,
            None,
            hooks,
            None,
        )
        .await
        .unwrap();
    assert_eq!(first.session.status, SessionStatus::Paused);
    assert!(first.counts.created < EXPECTED_FILES as u64);
    let second = world.sync("pausing").await;
    assert_eq!(second.session.status, SessionStatus::Completed);
    world.assert_created_exactly_once();
}

#[tokio::test]
async fn resume_after_discovery_was_interrupted_continues_from_the_cursor() {
    let mut world = World::standard();
    world.per_page = 3;
    let id = SessionId::new("cursor").unwrap();
    let engine = world.engine(World::settings());
    let control = engine.control().clone();
    let events = world.events.clone();
    // Cancel as soon as discovery recorded its first page.
    let watcher = tokio::spawn(async move {
        loop {
            if events
                .0
                .lock()
                .unwrap()
                .iter()
                .any(|(_, e)| matches!(e, SyncEvent::Discovered { .. }))
            {
                control.cancel();
                return;
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    });
    let first = engine
        .sync_date_range(
            day("2026-03-01"),
            day("2026-03-31"),
            &id,
            None,
            None,
            StageHooks::default(),
            None,
        )
        .await
        .unwrap();
    watcher.await.unwrap();
    assert_eq!(first.session.status, SessionStatus::Cancelled);
    let second = world.sync("cursor").await;
    assert_eq!(
        second.session.status,
        SessionStatus::Completed,
        "{:?}",
        second.session.status_reason
    );
    world.assert_created_exactly_once();
}
