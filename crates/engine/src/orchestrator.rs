//! [`GoProToPhotosSync`]: the original design's `GoProToPhotosSync`, staged and resumable.
//!
//! `sync_date_range` takes the original design's arguments as one [`SyncRequest`]. It loads the
//! session (its stored range and batch size win over the request's: that is what makes a
//! resume safe) or creates and persists it, then runs discovery → transfer → create; `start`
//! does the first half and returns the recorded session with the run ([`StartedSync`]), so a
//! caller can show the session before anything moves. What the run picks up from earlier runs
//! is planned in `stages/resume.rs`. `on_stage_start` is called before and `on_stage_complete` after each
//! stage, also when it fails. Transfer and create overlap in time (a batch is created as soon
//! as it is ready, so upload tokens do not age), but their hooks still fire in order: transfer
//! completes when its last file is uploaded, create when its last batch is created.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use chrono::{NaiveDate, Utc};
use tokio::sync::mpsc;

use crate::control::{StopRequest, SyncControl};
use crate::events::{EventSink, SyncEvent};
use crate::gopro::range::RangeError;
use crate::gopro::{CaptureRange, GoProClient};
use crate::metrics::TransferMetrics;
use crate::model::{
    ItemCounts, ItemRecord, ItemState, SessionId, SessionRecord, SessionSettings, SessionStatus,
    Stage, StopCause,
};
use crate::photos::PhotosClient;
use crate::settings::Settings;
use crate::stages::{
    create, destination, discovery, resume, transfer, CreateBatchResult, PauseCause, Run, Stop,
};
use crate::store::{SessionStore, StoreError};

/// Called before a stage starts.
pub type StageStartHook<'a> = &'a (dyn Fn(Stage) + Send + Sync);
/// Called after a stage ends (also when it failed), with the session and, for create, this
/// run's create results so far.
pub type StageCompleteHook<'a> =
    &'a (dyn Fn(Stage, &SessionRecord, &[CreateBatchResult]) + Send + Sync);

/// The optional stage hooks of a run.
#[derive(Clone, Copy, Default)]
pub struct StageHooks<'a> {
    /// Before each stage.
    pub on_stage_start: Option<StageStartHook<'a>>,
    /// After each stage.
    pub on_stage_complete: Option<StageCompleteHook<'a>>,
}

/// What one run did.
#[derive(Clone, Debug)]
pub struct SyncOutcome {
    /// The session as stored at the end of the run.
    pub session: SessionRecord,
    /// Files by state.
    pub counts: ItemCounts,
    /// This run's `batchCreate` results, in batch order: the most recent 40 batches (2,000
    /// files; the original design returned all, which a 100 k-file run cannot hold in memory —
    /// every file's outcome is in the store).
    pub responses: Vec<CreateBatchResult>,
    /// Bytes moved in this run.
    pub bytes: u64,
    /// Listing requests this run made to find out what creates in doubt did (each counts
    /// against Google's daily quota of 10,000 requests).
    pub check_requests: u64,
}

/// Why a run could not start.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// The range is not valid.
    #[error(transparent)]
    Range(#[from] RangeError),
    /// The session store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Moves media from GoPro to Google Photos, checkpointing every step.
pub struct GoProToPhotosSync {
    gopro: GoProClient,
    photos: PhotosClient,
    store: Arc<dyn SessionStore>,
    settings: Settings,
    events: Arc<dyn EventSink>,
    control: SyncControl,
    vault: Option<crate::vault::UploadVault>,
}

impl GoProToPhotosSync {
    /// An orchestrator over the two clients, a session store and settings.
    pub fn new(
        gopro: GoProClient,
        photos: PhotosClient,
        store: Arc<dyn SessionStore>,
        settings: Settings,
    ) -> Self {
        Self {
            gopro,
            photos,
            store,
            settings: settings.normalized(),
            events: Arc::new(crate::events::NoEvents),
            control: SyncControl::new(),
            vault: None,
        }
    }

    /// Keeps unfinished uploads' session URLs in the store, sealed by `vault`, so a run that
    /// is killed, paused or rebooted mid-file continues it from the byte Google holds (without
    /// a vault the file starts again).
    pub fn with_upload_vault(mut self, vault: crate::vault::UploadVault) -> Self {
        self.vault = Some(vault);
        self
    }

    /// Sends events to `events`.
    pub fn with_events(mut self, events: Arc<dyn EventSink>) -> Self {
        self.events = events;
        self
    }

    /// Uses `control` to pause or cancel the run.
    pub fn with_control(mut self, control: SyncControl) -> Self {
        self.control = control;
        self
    }

    /// The control of this orchestrator's runs.
    pub fn control(&self) -> &SyncControl {
        &self.control
    }

    /// Runs discovery → transfer → create for the request's session. See the module docs.
    pub async fn sync_date_range(
        &self,
        request: SyncRequest<'_>,
    ) -> Result<SyncOutcome, SyncError> {
        self.start(request)?.run().await
    }

    /// Records the request's session (a new one, or the stored one set running) and returns
    /// it with the run, which moves nothing until [`StartedSync::run`] is awaited. The caller
    /// can show the session at once, before the first byte moves.
    pub fn start<'a>(&self, request: SyncRequest<'a>) -> Result<StartedSync<'a>, SyncError> {
        let SyncRequest {
            start,
            end,
            session_id,
            batch_size,
            fail_fast,
            hooks,
            transfer_metrics,
        } = request;
        let session_id = &session_id;
        let now = Utc::now();
        let (session, resumed) = match self.store.load_session(session_id)? {
            Some(mut stored) => {
                if stored.discovery_done && resume::relist(&*self.store, &stored.id)? {
                    // GoPro was still processing some files, or would not describe some: list
                    // the range again, so those GoPro has finished or now describes move now.
                    stored.discovery_done = false;
                    stored.discovery_cursor = 1;
                }
                stored.status = SessionStatus::Running;
                stored.status_reason = None;
                stored.quota_resets_at = None;
                stored.stop_cause = None;
                stored.finished_at = None;
                stored.updated_at = now;
                self.store.update_session(&stored)?;
                (stored, true)
            }
            None => {
                let range = CaptureRange::new(start, end)?;
                let session = SessionRecord::new(
                    session_id.clone(),
                    range.from(),
                    range.to(),
                    SessionSettings {
                        batch_size: batch_size.unwrap_or(self.settings.sync_batch_size).max(1),
                        create_batch_size: self.settings.photos_library_batch_size,
                        include_raw: self.settings.include_raw,
                        include_joined_video: self.settings.include_joined_video,
                        album_title: self.settings.album_title(range.from(), range.to()),
                        correct_video_times: self.settings.correct_video_times,
                    },
                    now,
                );
                self.store.create_session(&session)?;
                (session, false)
            }
        };
        let mut settings = self.settings.clone();
        settings.fail_fast = fail_fast.unwrap_or(settings.fail_fast);
        let run = Arc::new(Run {
            gopro: self.gopro.clone(),
            photos: self.photos.clone(),
            store: self.store.clone(),
            settings,
            session: Mutex::new(session.clone()),
            events: self.events.clone(),
            metrics: transfer_metrics.unwrap_or_default(),
            control: self.control.clone(),
            urls: Default::default(),
            stop: Mutex::new(None),
            stop_raised: tokio::sync::watch::channel(false).0,
            responses: Mutex::new(Vec::new()),
            bytes_moved: AtomicU64::new(0),
            check_requests: AtomicU64::new(0),
            resumed,
            network: Default::default(),
            vault: self.vault.clone(),
        });
        Ok(StartedSync {
            session,
            run,
            hooks,
            finished: false,
        })
    }
}

/// What one run is asked to do: the original design's `sync_date_range` arguments. A stored
/// session's range and batch size win over the request's (that is what makes a resume safe).
pub struct SyncRequest<'a> {
    /// First capture day.
    pub start: NaiveDate,
    /// Last capture day (inclusive).
    pub end: NaiveDate,
    /// The session: created when new, resumed when stored.
    pub session_id: SessionId,
    /// Files listed per discovery page; `None`: the settings'.
    pub batch_size: Option<u32>,
    /// Stop at the first failed file; `None`: the settings'.
    pub fail_fast: Option<bool>,
    /// Called before and after each stage.
    pub hooks: StageHooks<'a>,
    /// Where the transfer's figures go; `None`: the run's own.
    pub transfer_metrics: Option<Arc<TransferMetrics>>,
}

impl<'a> SyncRequest<'a> {
    /// A run of `session_id` over `start..=end` with the settings' batch size and fail-fast.
    pub fn new(start: NaiveDate, end: NaiveDate, session_id: SessionId) -> Self {
        Self {
            start,
            end,
            session_id,
            batch_size: None,
            fail_fast: None,
            hooks: StageHooks::default(),
            transfer_metrics: None,
        }
    }

    /// A run of `session_id` over `range`.
    pub fn over(range: CaptureRange, session_id: SessionId) -> Self {
        Self::new(range.from(), range.to(), session_id)
    }

    /// Lists `files` per discovery page (a new session only).
    pub fn with_batch_size(mut self, files: u32) -> Self {
        self.batch_size = Some(files);
        self
    }

    /// Stops at the first failed file (or not).
    pub fn with_fail_fast(mut self, fail_fast: bool) -> Self {
        self.fail_fast = Some(fail_fast);
        self
    }

    /// Calls `hooks` around each stage.
    pub fn with_hooks(mut self, hooks: StageHooks<'a>) -> Self {
        self.hooks = hooks;
        self
    }

    /// Reports the transfer's figures into `metrics`.
    pub fn with_metrics(mut self, metrics: Arc<TransferMetrics>) -> Self {
        self.transfer_metrics = Some(metrics);
        self
    }
}

/// A run whose session is recorded and that has not finished. Dropped before
/// [`run`](Self::run) returns (never run, or its future dropped), it asks the run to stop as a
/// quit does: work already under way stops at its next checkpoint, nothing is recorded as done
/// that was not, and the session stays stored as running until the next start recovers it as
/// interrupted ([`crate::interrupted::recover`]) and may go on with it. The request stays on
/// the engine's control: a later run needs a new [`GoProToPhotosSync`].
pub struct StartedSync<'a> {
    /// The session as recorded when the run started (status running).
    pub session: SessionRecord,
    run: Arc<Run>,
    hooks: StageHooks<'a>,
    finished: bool,
}

impl StartedSync<'_> {
    /// Runs discovery → transfer → create to the end or the first stop.
    pub async fn run(mut self) -> Result<SyncOutcome, SyncError> {
        let run = self.run.clone();
        run.emit(SyncEvent::SessionStarted {
            from: self.session.range_from,
            to: self.session.range_to,
            resumed: run.resumed,
        });
        let stop = stages(&run, self.hooks).await.err();
        run.emit(SyncEvent::Metrics(run.metrics.snapshot()));
        let outcome = finish(&run, stop);
        self.finished = true;
        Ok(outcome?)
    }
}

impl Drop for StartedSync<'_> {
    fn drop(&mut self) {
        if !self.finished {
            self.run.control.quit();
        }
    }
}

/// Runs the stages; `Err` is why the run stopped early.
async fn stages(run: &Arc<Run>, hooks: StageHooks<'_>) -> Result<(), Stop> {
    let start = |stage: Stage| {
        if let Some(hook) = hooks.on_stage_start {
            hook(stage);
        }
        run.emit(SyncEvent::StageStarted { stage });
    };
    let complete = |stage: Stage, ok: bool| {
        if let Some(hook) = hooks.on_stage_complete {
            let responses = run.responses.lock().expect("responses lock").clone();
            hook(stage, &run.session(), &responses);
        }
        run.emit(SyncEvent::StageCompleted { stage, ok });
    };

    // Before anything moves: which account this run creates in, and whether it is the
    // session's.
    destination::check(run).await?;

    // What earlier runs left: files to move (from pages already listed) and tokens to create.
    start(Stage::Discovery);
    let resume::Plan {
        work,
        pending,
        in_doubt,
        ..
    } = match resume::prepare(run).await {
        Ok(plan) => plan,
        Err(stop) => {
            complete(Stage::Discovery, false);
            return Err(stop);
        }
    };
    // Progress is reported once the totals include what earlier runs did, so a resumed
    // session's bar never starts from zero.
    let _ticker = spawn_metrics(run.clone());
    // Discovery and transfer overlap: files move from the first listed page on, while the rest
    // of the range is listed, so a 100 k-file library starts moving in seconds. Discovery runs
    // at most WORK_AHEAD files ahead of the transfer. The transfer stage starts when its first
    // file arrives (or the listing ends with nothing to move).
    let transfer_started = Instant::now();
    let (work_tx, work_rx) = mpsc::channel(WORK_AHEAD);
    let find = async move {
        for item in work {
            if work_tx.send(item).await.is_err() {
                break;
            }
        }
        let discovered = discovery::run(run, &work_tx).await;
        complete(Stage::Discovery, discovered.is_ok());
        if let Err(stop) = &discovered {
            run.set_stop(stop.clone());
        }
        discovered
    };
    // The transfer runs at most one create batch ahead of the creates: upload tokens do not
    // age in a queue, and a stop found by a create (full storage) costs at most a batch of
    // uploads made for nothing.
    let ahead = run.session().settings.create_batch_size.clamp(1, 50) as usize;
    let (tx, rx) = mpsc::channel(ahead);
    let creator = tokio::spawn(create::run(run.clone(), rx, pending, in_doubt));
    let transferring = transfer::run(run, work_rx, tx, || start(Stage::Transfer));
    let (discovered, transferred) = tokio::join!(find, transferring);
    run.metrics.set_wall(transfer_started.elapsed());
    let transferred = discovered.and(transferred);
    complete(Stage::Transfer, transferred.is_ok());

    start(Stage::Create);
    let mut created = join(creator).await;
    // Files whose upload token Google refused were reset: upload them once more.
    if let (Ok(report), Ok(())) = (&created, &transferred) {
        if report.reupload > 0 && run.stopping().is_none() {
            let items = run.store.items(&run.session().id).map_err(Stop::from);
            match items {
                Ok(items) => {
                    let work: Vec<ItemRecord> = items
                        .into_iter()
                        .filter(|i| matches!(i.state, ItemState::Discovered))
                        .collect();
                    let ahead = run.session().settings.create_batch_size.clamp(1, 50) as usize;
                    let (tx, rx) = mpsc::channel(ahead);
                    let creator =
                        tokio::spawn(create::run(run.clone(), rx, Vec::new(), Vec::new()));
                    let again = transfer::run(run, transfer::queue(work), tx, || {}).await;
                    created = join(creator).await;
                    if let Err(stop) = again {
                        run.set_stop(stop);
                    }
                }
                Err(stop) => run.set_stop(stop),
            }
        }
    }
    complete(Stage::Create, created.is_ok() && run.stopping().is_none());
    transferred?;
    created?;
    match run.stopping() {
        Some(stop) => Err(stop),
        None => Ok(()),
    }
}

/// Files discovery may list ahead of the transfer: as many as the URL cache keeps, so every
/// file moves on the download URL discovery resolved (no second GoPro call), and memory stays
/// flat however large the library.
const WORK_AHEAD: usize = crate::stages::UrlCache::CAPACITY;

async fn join(
    handle: tokio::task::JoinHandle<Result<create::CreateReport, Stop>>,
) -> Result<create::CreateReport, Stop> {
    handle.await.unwrap_or_else(|e| {
        Err(Stop::Fatal(format!(
            "the create worker stopped unexpectedly: {e}"
        )))
    })
}

/// Reports progress every `metrics_interval` for as long as the returned guard lives.
fn spawn_metrics(run: Arc<Run>) -> AbortOnDrop {
    AbortOnDrop(tokio::spawn(async move {
        let mut tick = tokio::time::interval(run.settings.metrics_interval);
        tick.tick().await;
        loop {
            tick.tick().await;
            run.emit(SyncEvent::Metrics(run.metrics.snapshot()));
        }
    }))
}

/// A background task that ends when this is dropped.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// "1 file is", "3 files are".
fn plural(n: u64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// Records the session's status after a run and reports it.
fn finish(run: &Run, stop: Option<Stop>) -> Result<SyncOutcome, StoreError> {
    let session_id = run.session().id;
    let counts = run.store.counts(&session_id)?;
    let unfinished = counts.discovered + counts.uploaded;
    let login = match &stop {
        Some(Stop::NeedsLogin { cloud, .. }) => Some(*cloud),
        _ => None,
    };
    let (status, reason, resets_at, cause) = match stop {
        Some(Stop::NeedsLogin { reason, cloud }) => (
            SessionStatus::NeedsLogin,
            Some(reason),
            None,
            Some(StopCause::NeedsLogin(cloud)),
        ),
        Some(Stop::Paused { reason, cause }) => {
            let (resets_at, cause) = match cause {
                PauseCause::DailyQuota { resets_at } => (Some(resets_at), StopCause::DailyQuota),
                PauseCause::StorageFull => (None, StopCause::StorageFull),
                PauseCause::Trouble => (None, StopCause::Trouble),
            };
            (SessionStatus::Paused, Some(reason), resets_at, Some(cause))
        }
        Some(Stop::Requested(StopRequest::Pause)) => (
            SessionStatus::Paused,
            Some("Paused. Resume when you are ready; nothing is lost.".to_string()),
            None,
            Some(StopCause::Requested),
        ),
        Some(Stop::Requested(StopRequest::Quit)) => (
            SessionStatus::Paused,
            Some(crate::interrupted::INTERRUPTED_REASON.to_string()),
            None,
            Some(StopCause::Interrupted),
        ),
        Some(Stop::Requested(StopRequest::Cancel)) => (
            SessionStatus::Cancelled,
            Some("Cancelled. Nothing was deleted; you can resume this session later.".to_string()),
            None,
            Some(StopCause::Cancelled),
        ),
        Some(Stop::FailFast(reason)) => (
            SessionStatus::Failed,
            Some(format!("Stopped at the first file that failed: {reason}")),
            None,
            Some(StopCause::FailFast),
        ),
        Some(Stop::Fatal(reason)) => (
            SessionStatus::Failed,
            Some(reason),
            None,
            Some(StopCause::Fatal),
        ),
        None if counts.failed > 0 => (
            SessionStatus::Failed,
            Some(format!(
                "{} of {} files could not be moved; resume to try them again.",
                counts.failed, counts.total
            )),
            None,
            Some(StopCause::FilesFailed),
        ),
        None if unfinished > 0 => (
            SessionStatus::Failed,
            Some(format!(
                "{unfinished} files are not finished; resume to continue."
            )),
            None,
            Some(StopCause::FilesFailed),
        ),
        // Not completed while GoPro still processes files of the range (the original design
        // would have said done): waiting for GoPro, as a pause a resume picks up.
        None if counts.processing > 0 => (
            SessionStatus::Paused,
            Some(format!(
                "Waiting for GoPro: {} still being processed on GoPro's side; everything else \
                 is in Google Photos. Resume in a while (an hour is usually plenty) to move {}.",
                plural(counts.processing, "file is", "files are"),
                if counts.processing == 1 { "it" } else { "them" }
            )),
            None,
            Some(StopCause::GoProProcessing),
        ),
        None => (SessionStatus::Completed, None, None, None),
    };
    let bytes = run.bytes_moved.load(Ordering::Relaxed);
    let now = Utc::now();
    let session = {
        let mut session = run.session.lock().expect("session lock");
        session.status = status;
        session.status_reason = reason.clone();
        session.quota_resets_at = resets_at;
        session.stop_cause = cause;
        session.updated_at = now;
        session.finished_at = Some(now);
        session.bytes_transferred += bytes;
        session.clone()
    };
    run.store.update_session(&session)?;
    run.emit(SyncEvent::SessionFinished {
        status,
        login,
        reason,
        quota_resets_at: resets_at,
        counts,
        bytes,
    });
    let responses = run.responses.lock().expect("responses lock").clone();
    Ok(SyncOutcome {
        session,
        counts,
        responses,
        bytes,
        check_requests: run.check_requests.load(Ordering::Relaxed),
    })
}
