//! The orchestrator end to end against both fakes: stages, checkpoints, resume, stops.

mod accounts;
mod albums;
mod doubt;
mod failures;
mod limits;
mod outages;
mod pace;
mod processing;
mod resume;
mod stops;
mod video_times;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::common::{self, fast_policy};
use chrono::{DateTime, NaiveDate, Utc};
use engine::control::SyncControl;
use engine::events::{CollectEvents, SyncEvent};
use engine::model::{Cloud, ItemState, SessionId, SessionStatus, SkipReason, Stage, StopCause};
use engine::orchestrator::{GoProToPhotosSync, StageHooks, SyncOutcome, SyncRequest};
use engine::settings::Settings;
use engine::store::{MemoryStore, SessionStore};
use fakes::google::{
    FakeGoogle, GoogleScenario, InjectedError, ItemFailure, ItemFault, RequestFault, RequestKind,
};
use fakes::gopro::{FakeGoPro, GoProScenario, Media, ProcessingState};
use fakes::{Clock, Outage};

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// A run of session `id` over March 2026, the fakes' library.
fn march<'a>(id: SessionId) -> SyncRequest<'a> {
    SyncRequest::new(day("2026-03-01"), day("2026-03-31"), id)
}

/// Runs session `id` on `engine`, asking it through `stop` (pause, quit, cancel) to stop as
/// soon as its transfer starts.
async fn stopped_at_transfer(
    engine: &GoProToPhotosSync,
    id: &str,
    stop: fn(&SyncControl),
) -> SyncOutcome {
    let control = engine.control().clone();
    let on_start = move |stage: Stage| {
        if stage == Stage::Transfer {
            stop(&control);
        }
    };
    let hooks = StageHooks {
        on_stage_start: Some(&on_start),
        on_stage_complete: None,
    };
    engine
        .sync_date_range(march(SessionId::new(id).unwrap()).with_hooks(hooks))
        .await
        .unwrap()
}

/// Asserts the run completed, saying why when it did not.
fn assert_completed(outcome: &SyncOutcome) {
    assert_eq!(
        outcome.session.status,
        SessionStatus::Completed,
        "{:?}",
        outcome.session.status_reason
    );
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
        ),
        // Outside the range: never touched.
        Media::photo("x1", "GOPR9999.JPG", at("2026-04-15T10:00:00Z"), 11, 40_000),
    ]
}

/// Files a correct sync creates from `library()` (media id, item number).
const EXPECTED_FILES: usize = 1 + 1 + 1 + 1 + 3 + 4 + 1 + 1;

struct World {
    gopro: FakeGoPro,
    google: FakeGoogle,
    store: Arc<MemoryStore>,
    events: Arc<CollectEvents>,
    per_page: u64,
}

impl World {
    /// Both fakes on one clock; Google's same-bytes merge is off, so a file created twice
    /// shows as two items.
    fn new(gopro: GoProScenario, google: GoogleScenario) -> Self {
        let clock = Clock::default();
        Self {
            gopro: FakeGoPro::start_with_clock(gopro, clock.clone()).unwrap(),
            google: FakeGoogle::start_with_clock(google.with_merge_same_bytes(false), clock)
                .unwrap(),
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
            cdn_download_sock_connect_seconds: 5,
            rate_limit_wait: Duration::from_millis(50),
            create_batch_linger: Duration::from_millis(30),
            reconcile_waits: vec![
                Duration::ZERO,
                Duration::from_millis(50),
                Duration::from_millis(150),
            ],
            metrics_interval: Duration::from_millis(20),
            raw_upload_max_bytes: 64 * 1024,
            ..Settings::default()
        }
    }

    /// An engine whose clients follow `settings` (stall timeout, create wait, raw size).
    fn engine(&self, settings: Settings) -> GoProToPhotosSync {
        GoProToPhotosSync::new(
            common::gopro_client_with(&self.gopro, &settings).with_per_page(self.per_page),
            common::photos_client_settings(&self.google, &engine::auth::SCOPES, &settings),
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
            .sync_date_range(march(id.clone()))
            .await
            .unwrap()
    }

    /// Runs session `id`, asking it through `stop` (pause, quit, cancel) to stop as soon as its
    /// transfer starts.
    async fn sync_stopped_at_transfer(&self, id: &str, stop: fn(&SyncControl)) -> SyncOutcome {
        stopped_at_transfer(&self.engine(World::settings()), id, stop).await
    }

    /// As after a crash mid-create: `items` of session `id` are `Creating`, their create's
    /// answer lost.
    fn rewind_to_creating(&self, id: &SessionId, items: &[engine::model::ItemRecord]) {
        let rewound: Vec<engine::store::StateChange> = items
            .iter()
            .map(|i| engine::store::StateChange {
                key: i.key.clone(),
                state: ItemState::Creating {
                    upload_token: "lost-token".into(),
                    uploaded_at: Utc::now(),
                    sent_at: Utc::now(),
                },
                size: None,
            })
            .collect();
        self.store.set_states(id, &rewound).unwrap();
    }

    /// Google answers the create of every file whose name contains `filename` with its
    /// transient INTERNAL error, `times` times.
    fn fail_creates_of(&self, filename: &str, times: u32) {
        self.google.set_item_fault(ItemFault {
            filename_contains: Some(filename.into()),
            failure: ItemFailure::Internal,
            times: Some(times),
            ..ItemFault::default()
        });
    }

    /// Google answers every `batchCreate` with a per-minute 429, outlasting every retry.
    fn limit_every_create(&self) {
        self.google.set_request_fault(RequestFault {
            error: InjectedError::RateLimitPerMinute,
            times: 1_000,
            only: Some(RequestKind::BatchCreate),
            retry_after_secs: None,
        });
    }

    /// Google Photos holds `files` items, one per GoPro file (merge off: a second create would
    /// show as a second item with the same description).
    fn assert_each_created_once(&self, files: usize) {
        let items = self.google.items_by_description();
        assert_eq!(items.len(), files, "{items:?}");
        assert!(items.values().all(|n| *n == 1), "nothing twice: {items:?}");
    }

    /// Every GoPro file is one item in Google Photos (counted by the description naming the
    /// GoPro file, with the merge of identical bytes off), and its bytes are the original's.
    fn assert_created_exactly_once(&self) {
        let created = self.google.media_items();
        let twice: Vec<_> = self
            .google
            .items_by_description()
            .into_iter()
            .filter(|(_, n)| *n != 1)
            .collect();
        assert!(twice.is_empty(), "created more than once: {twice:?}");
        let mut by_sha: HashMap<String, usize> = HashMap::new();
        for item in &created {
            *by_sha.entry(item.sha256.clone()).or_default() += 1;
        }
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
        .sync_date_range(march(id.clone()).with_hooks(hooks))
        .await
        .unwrap();
    assert_completed(&outcome);
    world.assert_created_exactly_once();
    assert_eq!(outcome.counts.created as usize, EXPECTED_FILES);
    // Skipped with reasons: the RAW, the joined video, the Quik project, the .360.
    assert_eq!(outcome.counts.skipped, 4);
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
        .sync_date_range(march(id.clone()).with_hooks(hooks))
        .await
        .unwrap();
    assert_eq!(first.session.status, SessionStatus::NeedsLogin);
    assert_eq!(
        first.session.stop_cause,
        Some(StopCause::NeedsLogin(Cloud::Gopro))
    );
    assert!(first
        .session
        .status_reason
        .unwrap()
        .contains("log in again"));
    // Logged in again (a fresh client with a fresh token); the stored range wins over these args.
    let second = world
        .engine(settings)
        .sync_date_range(
            SyncRequest::new(day("2020-01-01"), day("2020-01-02"), id.clone()).with_batch_size(7),
        )
        .await
        .unwrap();
    assert_completed(&second);
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
    let created: Vec<_> = world
        .store
        .items(&id)
        .unwrap()
        .into_iter()
        .filter(|i| matches!(i.state, ItemState::Created { .. }))
        .take(5)
        .collect();
    world.rewind_to_creating(&id, &created);
    let mut session = world.store.load_session(&id).unwrap().unwrap();
    session.status = SessionStatus::Running;
    world.store.update_session(&session).unwrap();
    let creates = world.google.request_count(RequestKind::BatchCreate);
    let resumed = world.sync("crash").await;
    assert_completed(&resumed);
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
    assert_completed(&outcome);
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
    assert_eq!(first.session.stop_cause, Some(StopCause::DailyQuota));
    assert!(first.session.quota_resets_at.unwrap() > Utc::now());
    assert!(first.session.status_reason.unwrap().contains("daily limit"));
    let second = world.sync("quota").await;
    assert_completed(&second);
    world.assert_created_exactly_once();
}

#[tokio::test]
async fn full_storage_pauses_and_resume_finishes_after_space_is_freed() {
    let world = World::standard();
    world.google.set_storage_full(true);
    let first = world.sync("storage").await;
    assert_eq!(first.session.status, SessionStatus::Paused);
    assert_eq!(first.session.stop_cause, Some(StopCause::StorageFull));
    assert!(first
        .session
        .status_reason
        .unwrap()
        .contains("storage is full"));
    assert!(world.google.media_items().is_empty());
    world.google.set_storage_full(false);
    let second = world.sync("storage").await;
    assert_eq!(second.session.status, SessionStatus::Completed);
    assert_eq!(second.session.stop_cause, None);
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
    world.fail_creates_of("GOPR0001", 1);
    let outcome = world.sync("refused").await;
    assert_completed(&outcome);
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

/// `start` records the session before anything moves, so the app can show it at once; a
/// started run that is dropped unrun asks to stop (as a quit would), and the session stays
/// resumable.
#[tokio::test]
async fn a_started_run_is_shown_at_once_and_dropping_it_stops_the_run() {
    let world = World::standard();
    let engine = world.engine(World::settings());
    let started = engine
        .start(march(SessionId::new("shown").unwrap()))
        .unwrap();
    assert_eq!(started.session.status, SessionStatus::Running);
    let stored = world.store.load_session(&started.session.id).unwrap();
    assert_eq!(stored.map(|s| s.status), Some(SessionStatus::Running));
    assert!(world.google.media_items().is_empty(), "nothing moved yet");
    assert_eq!(engine.control().requested(), None);
    drop(started);
    assert_eq!(
        engine.control().requested(),
        Some(engine::control::StopRequest::Quit)
    );
    let again = world.sync("shown").await;
    assert_completed(&again);
    world.assert_created_exactly_once();
}

#[tokio::test]
async fn pause_takes_effect_and_resume_completes() {
    let world = World::standard();
    let first = world
        .sync_stopped_at_transfer("pausing", SyncControl::pause)
        .await;
    assert_eq!(first.session.status, SessionStatus::Paused);
    assert_eq!(first.session.stop_cause, Some(StopCause::Requested));
    assert!(first.counts.created < EXPECTED_FILES as u64);
    let second = world.sync("pausing").await;
    assert_eq!(second.session.status, SessionStatus::Completed);
    world.assert_created_exactly_once();
}

#[tokio::test]
async fn a_program_quitting_mid_run_leaves_the_session_paused_as_interrupted() {
    let world = World::standard();
    let first = world
        .sync_stopped_at_transfer("quitting", SyncControl::quit)
        .await;
    assert_eq!(first.session.status, SessionStatus::Paused);
    // Not the person's pause: the next start may go on by itself.
    assert_eq!(first.session.stop_cause, Some(StopCause::Interrupted));
    assert_eq!(
        engine::go_on::go_on(&first.session, std::time::Duration::ZERO),
        engine::go_on::GoOn::Now
    );
    let second = world.sync("quitting").await;
    assert_eq!(second.session.status, SessionStatus::Completed);
    assert_eq!(second.session.stop_cause, None);
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
    let first = engine.sync_date_range(march(id.clone())).await.unwrap();
    watcher.await.unwrap();
    assert_eq!(first.session.status, SessionStatus::Cancelled);
    let second = world.sync("cursor").await;
    assert_completed(&second);
    world.assert_created_exactly_once();
}

// ---------- big files through throttled links (outages, resume inside a file) ----------

/// A 40 MB video and three photos, in March 2026.
fn outage_library() -> Vec<Media> {
    vec![
        Media::video(
            "big",
            "GX010100.MP4",
            at("2026-03-04T10:00:00Z"),
            100,
            40_000_000,
        ),
        Media::photo(
            "o1",
            "GOPR0101.JPG",
            at("2026-03-01T10:00:00Z"),
            101,
            40_000,
        ),
        Media::photo(
            "o2",
            "GOPR0102.JPG",
            at("2026-03-02T10:00:00Z"),
            102,
            50_000,
        ),
        Media::photo(
            "o3",
            "GOPR0103.JPG",
            at("2026-03-03T10:00:00Z"),
            103,
            60_000,
        ),
    ]
}

/// Short stall and probe settings, so outages of a few seconds test what nights do.
fn outage_settings() -> Settings {
    Settings {
        // Short, yet long enough that a loaded CI machine does not stall a moving upload.
        stall_timeout: Duration::from_millis(1000),
        network_probe_max_interval: Duration::from_millis(200),
        ..World::settings()
    }
}

/// Waits (real time) until the run reports `bytes` of the big video sent.
async fn wait_for_upload_bytes(events: &CollectEvents, bytes: u64) {
    for _ in 0..4_000 {
        let reached = events.0.lock().unwrap().iter().any(|(_, e)| {
            matches!(e, SyncEvent::ItemProgress { key, bytes_done, .. }
                if key.media_id == "big" && *bytes_done >= bytes)
        });
        if reached {
            return;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("the upload never reached {bytes} bytes");
}

// ---------- a stop stops everything; the ledger is checked late ----------

/// `n` photos of 50 kB over March 2026.
fn photos(n: u64) -> Vec<Media> {
    (0..n)
        .map(|i| {
            Media::photo(
                &format!("ph{i}"),
                &format!("GOPR{:04}.JPG", 2000 + i),
                at(&format!(
                    "2026-03-{:02}T{:02}:{:02}:00Z",
                    1 + i % 28,
                    8 + i % 12,
                    i % 60
                )),
                5000 + i,
                50_000,
            )
        })
        .collect()
}

#[tokio::test]
async fn a_paused_session_resumed_after_an_overlapping_one_does_not_move_the_overlap_again() {
    let world = World::new(
        GoProScenario::default().with_library(photos(40)),
        GoogleScenario::default(),
    );
    // "All of March" is discovered, then paused before anything moves.
    let paused = world
        .sync_stopped_at_transfer("all", SyncControl::pause)
        .await;
    assert_eq!(paused.session.status, SessionStatus::Paused);
    // "The first half" moves meanwhile.
    let half = world
        .engine(World::settings())
        .sync_date_range(SyncRequest::new(
            day("2026-03-01"),
            day("2026-03-14"),
            SessionId::new("half").unwrap(),
        ))
        .await
        .unwrap();
    assert_eq!(half.session.status, SessionStatus::Completed);
    let moved_by_half = half.counts.created;
    assert!(moved_by_half > 0);
    // Resuming "all" moves only the rest.
    let resumed = world.sync("all").await;
    assert_eq!(resumed.session.status, SessionStatus::Completed);
    assert_eq!(resumed.counts.skipped, moved_by_half);
    let counts = world.google.items_by_description();
    assert_eq!(counts.len(), 40);
    assert!(
        counts.values().all(|n| *n == 1),
        "nothing twice: {counts:?}"
    );
}
