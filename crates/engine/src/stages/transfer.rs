//! Transfer: stream each original from the GoPro CDN into a Google upload.
//!
//! Several files are in flight, as many as raise throughput (`pace.rs`: a slot moves into each
//! task); memory is bounded by the chunk size times the files in flight, whatever the file
//! size, because nothing is copied to disk. A small file (one raw upload) is read whole and
//! then trades its download slot for an upload slot ([`Place`]), so many small files far away
//! do not pay both clouds' latency one after the other. A fresh file learns its size from its
//! own `GET`'s headers, so it costs no `HEAD`. The upload token is checkpointed the moment
//! Google returns it and the file is handed to the create worker. A failed file is recorded
//! with a human reason; a login, quota or fail-fast stop ends the run.

use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use chrono::Utc;
use futures_util::{Stream, StreamExt};
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use url::Url;

use super::network::{NetworkGate, Waited};
use super::pace::{Climber, Pace};
use super::{Run, Stop};
use crate::events::SyncEvent;
use crate::gopro::select::size_check;
use crate::gopro::{GoProError, Original, SelectOptions};
use crate::model::{
    Cloud, FailureClass, FileKey, ItemRecord, ItemState, KeptUpload, MediaKind, Rendition,
    StoredUpload,
};
use crate::photos::{
    PhotosError, SessionState, UploadInterrupted, UploadMeta, UploadSession, UploadSource,
};
use crate::secret::SignedUrl;
use crate::store::StateChange;

/// A file whose bytes are in Google, ready to be created.
#[derive(Clone, Debug)]
pub(crate) struct Uploaded {
    pub key: FileKey,
    pub filename: String,
    pub upload_token: String,
    pub uploaded_at: chrono::DateTime<Utc>,
}

impl Uploaded {
    /// The token as a failed create keeps it for the resume.
    pub fn kept(&self) -> KeptUpload {
        KeptUpload {
            upload_token: self.upload_token.clone(),
            uploaded_at: self.uploaded_at,
        }
    }
}

/// `items` as a finished queue for [`run`].
pub(crate) fn queue(items: Vec<ItemRecord>) -> mpsc::Receiver<ItemRecord> {
    let (tx, rx) = mpsc::channel(items.len().max(1));
    for item in items {
        tx.try_send(item).expect("the queue holds every item");
    }
    rx
}

/// Transfers the files arriving on `work` (until it closes) with as many in flight as raise
/// throughput, sending each uploaded file to `created`. `started` is called once, when the
/// first file arrives or `work` closes empty.
pub(crate) async fn run(
    run: &Arc<Run>,
    mut work: mpsc::Receiver<ItemRecord>,
    created: mpsc::Sender<Uploaded>,
    started: impl FnOnce(),
) -> Result<(), Stop> {
    let mut started = Some(started);
    let start = run.settings.concurrency_start.min(run.settings.concurrency);
    let pace = Pace::new(start);
    let uploads = Pace::new(start);
    let memory = Memory::new(run.settings.small_files_memory_bytes);
    let _pacer = AbortOnDrop(tokio::spawn(keep_pace(
        run.clone(),
        pace.clone(),
        uploads.clone(),
    )));
    let limiter = run
        .settings
        .bandwidth_cap_bytes_per_sec
        .map(|bps| Arc::new(RateLimiter::new(bps)));
    let mut tasks = JoinSet::new();
    loop {
        let item = tokio::select! {
            item = work.recv() => item,
            _ = run.halted() => break,
        };
        if let Some(started) = started.take() {
            started();
        }
        let Some(item) = item else {
            break;
        };
        let permit = tokio::select! {
            slot = pace.acquire() => slot,
            _ = run.halted() => break,
        };
        if run.stopping().is_some() {
            break;
        }
        // Another session may have moved this file since it was discovered here.
        match already_moved(run, &item.key, &item.filename) {
            Ok(true) => continue,
            Ok(false) => {}
            Err(stop) => {
                run.set_stop(stop);
                break;
            }
        }
        let task_run = run.clone();
        let created = created.clone();
        let limiter = limiter.clone();
        let mut place = Place {
            slot: permit,
            uploads: Some(uploads.clone()),
            memory: memory.clone(),
            room: None,
        };
        tasks.spawn(async move {
            let run = task_run;
            let key = item.key.clone();
            let filename = item.filename.clone();
            let prior_attempts = match &item.state {
                ItemState::Failed { attempts, .. } => *attempts,
                _ => 0,
            };
            let outcome = tokio::select! {
                outcome = move_file(&run, item, limiter, &mut place) => outcome,
                // Abandon the transfer: its upload session is recorded, so the next run
                // continues it from the byte Google holds; nothing is lost.
                _ = run.halted() => return,
            };
            match outcome {
                Ok(Some(uploaded)) => {
                    let _ = created.send(uploaded).await;
                }
                Ok(None) => {}
                Err(FileError::Stop(stop)) => run.set_stop(stop),
                Err(FileError::Failed { class, reason }) => {
                    record_failure(
                        &run,
                        &key,
                        &filename,
                        class,
                        reason,
                        prior_attempts + 1,
                        None,
                    );
                }
                // move_file waits out outages itself; none reaches here.
                Err(FileError::Network { reason, .. }) => {
                    record_failure(
                        &run,
                        &key,
                        &filename,
                        FailureClass::Upload,
                        reason,
                        prior_attempts + 1,
                        None,
                    );
                }
            }
        });
        // Reap finished tasks as we go so the set stays small.
        while let Some(result) = tasks.try_join_next() {
            result.ok();
        }
        if run.stopping().is_some() {
            break;
        }
    }
    if run.stopping().is_some() {
        tasks.abort_all();
    }
    while tasks.join_next().await.is_some() {}
    match run.stopping() {
        Some(stop) => Err(stop),
        None => Ok(()),
    }
}

/// Where a file stands in the transfer's limits: a download slot while it reads from GoPro. A
/// small file, once read whole into memory, trades it for an upload slot, so the next file's
/// download starts while Google answers this one: the latency of two clouds does not add up
/// for every one of many small files. Both kinds of slot follow the same limit, so at most
/// twice the limit files are in flight, and the small files' bytes in memory stay within
/// [`Memory`].
struct Place {
    slot: super::pace::Slot,
    /// The upload slots, until this file took one.
    uploads: Option<Arc<Pace>>,
    /// Room for small files read whole, shared by the transfer.
    memory: Arc<Memory>,
    /// This file's room, once taken: kept across its retries, so a file that already holds an
    /// upload slot never waits for memory (fresh files hold memory and wait for upload slots).
    room: Option<tokio::sync::OwnedSemaphorePermit>,
}

/// The bytes small files may hold in memory at once (`Settings::small_files_memory_bytes`),
/// counted in units of [`Memory::UNIT`].
#[derive(Debug)]
struct Memory {
    room: Arc<tokio::sync::Semaphore>,
    units: u32,
}

impl Memory {
    const UNIT: u64 = 64 * 1024;

    fn new(bytes: u64) -> Arc<Self> {
        let most = (tokio::sync::Semaphore::MAX_PERMITS as u64).min(u64::from(u32::MAX));
        let units = bytes.div_ceil(Self::UNIT).clamp(1, most) as u32;
        Arc::new(Self {
            room: Arc::new(tokio::sync::Semaphore::new(units as usize)),
            units,
        })
    }

    /// Waits for room for `bytes` (all the room there is, for a file bigger than it), held
    /// until the returned permit is dropped.
    async fn hold(&self, bytes: u64) -> tokio::sync::OwnedSemaphorePermit {
        let want = u32::try_from(bytes.div_ceil(Self::UNIT).max(1))
            .unwrap_or(u32::MAX)
            .min(self.units);
        self.room
            .clone()
            .acquire_many_owned(want)
            .await
            .expect("the memory's semaphore is never closed")
    }
}

impl Place {
    /// Trades the download slot for an upload slot (waiting for one): from here on the file
    /// needs nothing from GoPro.
    async fn trade_for_upload(&mut self) {
        if let Some(uploads) = self.uploads.take() {
            self.slot = uploads.acquire().await;
        }
    }
}

/// Every `pace_window`, moves the number of files in flight by the throughput it brought
/// (downloads and uploads alike).
async fn keep_pace(run: Arc<Run>, pace: Arc<Pace>, uploads: Arc<Pace>) {
    let settings = &run.settings;
    let mut climber = Climber::new(pace.limit(), settings.concurrency);
    let mut ticks = tokio::time::interval(settings.pace_window);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ticks.tick().await;
    let mut last = (tokio::time::Instant::now(), run.metrics.downloaded());
    loop {
        ticks.tick().await;
        let now = (tokio::time::Instant::now(), run.metrics.downloaded());
        let secs = now.0.duration_since(last.0).as_secs_f64().max(1e-3);
        let rate = now.1.saturating_sub(last.1) as f64 / secs;
        last = now;
        let before = climber.limit();
        let limit = climber.observe(rate, pace.busy() >= pace.limit());
        if limit != before {
            tracing::debug!(
                from = before,
                to = limit,
                rate_mb_s = rate / 1e6,
                "files in flight"
            );
            pace.set_limit(limit);
            uploads.set_limit(limit);
        }
    }
}

/// Aborts a background task when the stage that started it ends.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Whether the ledger says another session already created this file; if so it is recorded as
/// skipped (already in Google Photos). Checked when a file is about to move and again before
/// its create, not only at discovery: a paused session resumed after an overlapping one ran
/// must not move the overlap again.
pub(crate) fn already_moved(run: &Run, key: &FileKey, filename: &str) -> Result<bool, Stop> {
    let destination = run.session().destination;
    if run
        .store
        .ledger_lookup(destination.as_ref(), key)?
        .is_none()
    {
        return Ok(false);
    }
    record_skip(
        run,
        key,
        filename,
        crate::model::SkipReason::AlreadyInGooglePhotos,
    )?;
    Ok(true)
}

/// Records that a file will not be moved, for `reason`: terminal, counted as done.
pub(crate) fn record_skip(
    run: &Run,
    key: &FileKey,
    filename: &str,
    reason: crate::model::SkipReason,
) -> Result<(), Stop> {
    let message = reason.message();
    run.set_states(&[StateChange {
        key: key.clone(),
        state: ItemState::Skipped { reason },
        size: None,
    }])?;
    run.metrics.file_skipped();
    run.emit(SyncEvent::ItemSkipped {
        key: key.clone(),
        filename: filename.to_string(),
        reason: message,
    });
    Ok(())
}

pub(crate) fn record_failure(
    run: &Run,
    key: &FileKey,
    filename: &str,
    class: FailureClass,
    reason: String,
    attempts: u32,
    kept: Option<KeptUpload>,
) {
    let change = StateChange {
        key: key.clone(),
        state: ItemState::Failed {
            class,
            reason: reason.clone(),
            attempts,
            kept,
        },
        size: None,
    };
    if let Err(stop) = run.set_states(&[change]) {
        run.set_stop(stop);
        return;
    }
    run.emit(SyncEvent::ItemFailed {
        key: key.clone(),
        filename: filename.to_string(),
        reason: reason.clone(),
    });
    if run.settings.fail_fast {
        run.set_stop(Stop::FailFast(format!("{filename}: {reason}")));
    }
}

pub(crate) enum FileError {
    Stop(Stop),
    Failed {
        class: FailureClass,
        reason: String,
    },
    /// A cloud could not be reached: wait for the network, then go on from where the file is.
    Network {
        cloud: Cloud,
        probe: Url,
        reason: String,
    },
}

/// Upload attempts in a row that fail with an answer from Google (5xx, offset disagreement)
/// before the file is recorded as failed. Network failures do not count: they are waited out.
const UPLOAD_ATTEMPTS: u32 = 8;

/// Moves one file: resolve, size, stream, checkpoint the token. A lost network is waited out
/// here, keeping the upload session, so the file continues from the byte Google holds.
async fn move_file(
    run: &Arc<Run>,
    item: ItemRecord,
    limiter: Option<Arc<RateLimiter>>,
    place: &mut Place,
) -> Result<Option<Uploaded>, FileError> {
    let mut progress = FileProgress {
        started: false,
        upload: stored_upload(run, &item.key),
        answered_failures: 0,
        times: None,
    };
    let mut unexplained = 0u32;
    loop {
        match try_move(run, &item, limiter.clone(), &mut progress, place).await {
            Err(FileError::Network {
                cloud,
                probe,
                reason,
            }) => {
                tracing::info!(file = %item.key, %cloud, %reason, "network failure; waiting for it");
                match run
                    .network
                    .wait(run, cloud, &probe)
                    .await
                    .map_err(FileError::Stop)?
                {
                    Waited::Restored => unexplained = 0,
                    Waited::WasReachable => {
                        unexplained += 1;
                        if unexplained >= 2 && progress.upload.take().is_some() {
                            // Google answers, yet this file's upload session keeps failing on
                            // the network (a session of a server that is gone): start anew.
                            tracing::info!(file = %item.key, "the upload session cannot be reached; starting the file again");
                            let _ = run.store.clear_upload(&run.session().id, &item.key);
                        }
                        if unexplained >= NetworkGate::MAX_UNEXPLAINED {
                            return Err(FileError::Failed {
                                class: match cloud {
                                    Cloud::Gopro => FailureClass::Download,
                                    Cloud::Google => FailureClass::Upload,
                                },
                                reason,
                            });
                        }
                        let pause = run.settings.retry.backoff(unexplained);
                        tokio::time::sleep(pause).await;
                    }
                }
            }
            other => return other,
        }
    }
}

/// What one file's transfer keeps across network waits.
struct FileProgress {
    /// `ItemStarted` was emitted.
    started: bool,
    /// The resumable session, once opened.
    upload: Option<UploadSession>,
    /// Upload attempts answered with a failure, in a row.
    answered_failures: u32,
    /// The video's header-time plan once read: every attempt in this run sends the same bytes
    /// without reading the `moov` again (`Some(None)`: nothing to correct).
    times: Option<Option<Arc<crate::video_times::Plan>>>,
}

async fn try_move(
    run: &Arc<Run>,
    item: &ItemRecord,
    limiter: Option<Arc<RateLimiter>>,
    state: &mut FileProgress,
    place: &mut Place,
) -> Result<Option<Uploaded>, FileError> {
    let original = resolve(run, &item.key).await?;
    let cdn_error = |e: GoProError| gopro_error(&e, FailureClass::Download, &original.url.origin());
    // A file continuing an upload session asks the CDN for its size (a HEAD) and reads from
    // Google's offset; a fresh file opens its GET now and takes the size from its headers.
    let (size, primed) = if state.upload.is_some() {
        let size = run
            .gopro
            .head_size(&original.key, original.head.as_ref())
            .await
            .map_err(cdn_error)?;
        (size, None)
    } else {
        let mut stream = run
            .gopro
            .download(original.key.clone(), Some(original.url.clone()), 0);
        let size = stream.open_for_size().await.map_err(cdn_error)?;
        (size, Some(stream))
    };
    if let Some(reason) = size_check(original.kind, size) {
        let change = StateChange {
            key: item.key.clone(),
            state: ItemState::Skipped {
                reason: reason.clone(),
            },
            size: Some(size),
        };
        run.set_states(&[change]).map_err(FileError::Stop)?;
        run.metrics.file_skipped();
        run.emit(SyncEvent::ItemSkipped {
            key: item.key.clone(),
            filename: item.filename.clone(),
            reason: reason.message(),
        });
        return Ok(None);
    }
    if !state.started {
        state.started = true;
        run.emit(SyncEvent::ItemStarted {
            key: item.key.clone(),
            filename: item.filename.clone(),
            size,
        });
    }
    let times = match (&state.times, item.local_clock) {
        (Some(known), _) => known.clone(),
        (None, Some(clock))
            if run.session().settings.correct_video_times && original.kind == MediaKind::Video =>
        {
            let plan = crate::video_times::read_plan(
                &run.gopro,
                &original.key,
                &original.url,
                size,
                clock,
            )
            .await
            .map_err(cdn_error)?
            .map(Arc::new);
            if let Some(plan) = &plan {
                tracing::info!(file = %item.filename, fields = plan.fields(), "correcting the video's header times to UTC");
            }
            state.times = Some(plan.clone());
            plan
        }
        (None, _) => None,
    };
    let failure = Arc::new(Mutex::new(None));
    let source = CdnSource {
        times,
        run: run.clone(),
        key: original.key.clone(),
        url: original.url.clone(),
        size,
        chunk: run.settings.download_chunk_size_bytes,
        limiter,
        failure: failure.clone(),
        primed: Mutex::new(primed),
    };
    let meta = UploadMeta {
        file_name: item.filename.clone(),
        mime_type: original.mime_type.to_string(),
    };
    let last_progress = std::sync::Mutex::new(Instant::now() - Duration::from_secs(1));
    let key = item.key.clone();
    // This file's share of the in-flight bytes; taken back when the upload ends in any way
    // (finished, failed, or abandoned by a pause).
    let in_flight = InFlight {
        metrics: &run.metrics,
        counted: std::sync::atomic::AtomicU64::new(0),
    };
    let progress = |done: u64| {
        in_flight.set(done);
        let mut last = last_progress.lock().expect("progress lock");
        if last.elapsed() >= run.settings.metrics_interval || done == size {
            *last = Instant::now();
            run.emit(SyncEvent::ItemProgress {
                key: key.clone(),
                bytes_done: done,
                bytes_total: size,
            });
        }
    };
    let started = Instant::now();
    let token = if run.photos.is_resumable(size) {
        upload_resumable(run, &source, &meta, size, state, &progress).await
    } else {
        upload_small(run, &source, &meta, size, &progress, place).await
    };
    let token = match token {
        Ok(token) => token,
        // The download feeding the upload failed: that is the file's real problem.
        Err(err) => return Err(source_failure(&failure, &original.url).unwrap_or(err)),
    };
    // The bytes are sent: their room goes to the next file now, not when this one is created.
    place.room = None;
    drop(in_flight);
    // Checkpoint the token before anything else can fail.
    let uploaded_at = Utc::now();
    let change = StateChange {
        key: item.key.clone(),
        state: ItemState::Uploaded {
            upload_token: token.expose().to_string(),
            at: uploaded_at,
        },
        size: Some(size),
    };
    run.set_states(&[change]).map_err(FileError::Stop)?;
    run.metrics.add_uploaded(size);
    run.metrics.add_uploading(started.elapsed());
    run.bytes_moved.fetch_add(size, Ordering::Relaxed);
    run.emit(SyncEvent::ItemUploaded {
        key: item.key.clone(),
    });
    Ok(Some(Uploaded {
        key: item.key.clone(),
        filename: item.filename.clone(),
        upload_token: token.expose().to_string(),
        uploaded_at,
    }))
}

/// Reads a small file whole (once there is room for it in memory), gives its download slot
/// to the next file, and sends it in one raw request.
async fn upload_small(
    run: &Run,
    source: &CdnSource,
    meta: &UploadMeta,
    size: u64,
    progress: &(dyn Fn(u64) + Send + Sync),
    place: &mut Place,
) -> Result<crate::photos::UploadToken, FileError> {
    let google = run.photos.base_url();
    if place.room.is_none() {
        place.room = Some(place.memory.hold(size).await);
    }
    let body = crate::photos::read_whole(source)
        .await
        .map_err(|e| photos_error(e, google))?;
    place.trade_for_upload().await;
    run.photos
        .send_raw(body, meta, progress)
        .await
        .map_err(|e| photos_error(e, google))
}

/// Sends the file through its resumable session, continuing from the byte Google holds.
async fn upload_resumable(
    run: &Run,
    source: &CdnSource,
    meta: &UploadMeta,
    size: u64,
    state: &mut FileProgress,
    progress: &(dyn Fn(u64) + Send + Sync),
) -> Result<crate::photos::UploadToken, FileError> {
    let google = run.photos.base_url().clone();
    loop {
        let (session, offset) = match state.upload.take().filter(|s| s.total() == size) {
            Some(session) => match run
                .photos
                .upload_status(&session)
                .await
                .map_err(|e| photos_error(e, &google))
            {
                Ok(SessionState::Active(held)) if held <= size => {
                    if held > 0 {
                        tracing::info!(file = %meta.file_name, held, "continuing the upload from the byte Google holds");
                    }
                    (session, held)
                }
                Ok(_) => (start(run, &source.key, size, meta, &google).await?, 0),
                Err(err) => {
                    // Keep the session for the next try (the query is what failed).
                    state.upload = Some(session);
                    return Err(err);
                }
            },
            None => (start(run, &source.key, size, meta, &google).await?, 0),
        };
        progress(offset);
        state.upload = Some(session.clone());
        match run
            .photos
            .send_upload(&session, source, offset, progress)
            .await
        {
            Ok(token) => {
                state.upload = None;
                return Ok(token);
            }
            Err(UploadInterrupted::Fatal(e)) => return Err(photos_error(e, &google)),
            Err(UploadInterrupted::SessionLost) => state.upload = None,
            Err(UploadInterrupted::Retry {
                reason,
                network,
                at_least,
            }) => {
                if network {
                    return Err(FileError::Network {
                        cloud: Cloud::Google,
                        probe: google,
                        reason: format!("the upload to Google Photos was interrupted ({reason})"),
                    });
                }
                state.answered_failures += 1;
                if state.answered_failures >= UPLOAD_ATTEMPTS {
                    return Err(FileError::Failed {
                        class: FailureClass::Upload,
                        reason: format!("Google Photos kept refusing the upload ({reason})."),
                    });
                }
                tracing::info!(file = %meta.file_name, %reason, "upload interrupted; asking Google how much arrived");
                let wait = run.settings.retry.backoff(state.answered_failures);
                tokio::time::sleep(wait.max(at_least)).await;
            }
        }
    }
}

/// Opens a new upload session and, with a vault, records it sealed, so a later run continues
/// this file from the byte Google holds.
async fn start(
    run: &Run,
    key: &FileKey,
    size: u64,
    meta: &UploadMeta,
    google: &Url,
) -> Result<UploadSession, FileError> {
    let session = run
        .photos
        .start_upload(size, meta)
        .await
        .map_err(|e| photos_error(e, google))?;
    if let Some(vault) = &run.vault {
        let stored = StoredUpload {
            sealed_url: vault.seal(session.url()),
            total: size,
            started_at: Utc::now(),
        };
        let id = run.session().id;
        run.store
            .save_upload(&id, key, &stored)
            .map_err(|e| FileError::Stop(e.into()))?;
    }
    Ok(session)
}

/// The unfinished upload an earlier run recorded for `key`, if it can be opened.
fn stored_upload(run: &Run, key: &FileKey) -> Option<UploadSession> {
    let vault = run.vault.as_ref()?;
    let id = run.session().id;
    let stored = match run.store.load_upload(&id, key) {
        Ok(stored) => stored?,
        Err(err) => {
            tracing::warn!(file = %key, %err, "could not read the file's unfinished upload");
            return None;
        }
    };
    match vault.open(&stored.sealed_url) {
        Some(url) => Some(UploadSession::from_parts(url, stored.total)),
        None => {
            // Sealed under another key (a new keyring, another machine): start again.
            tracing::info!(file = %key, "an unfinished upload could not be opened; starting it again");
            let _ = run.store.clear_upload(&id, key);
            None
        }
    }
}

/// What a Photos error means for the file: a stop, an outage to wait out, or its failure.
fn photos_error(err: PhotosError, google: &Url) -> FileError {
    if let Some(stop) = Stop::from_photos(&err) {
        return FileError::Stop(stop);
    }
    match err {
        PhotosError::Network(e) => FileError::Network {
            cloud: Cloud::Google,
            probe: google.clone(),
            reason: format!("could not reach Google Photos: {e}"),
        },
        PhotosError::TooLarge(message) => FileError::Failed {
            class: FailureClass::TooLarge,
            reason: format!(
                "Google Photos refused the file as too large ({message}); q2google will not \
                 send it again."
            ),
        },
        PhotosError::Source(message) => FileError::Failed {
            class: FailureClass::Download,
            reason: format!("Reading the file from GoPro failed: {message}"),
        },
        other => FileError::Failed {
            class: FailureClass::Upload,
            reason: other.to_string(),
        },
    }
}

/// The GoPro failure that ended an upload's source, if that is what ended it.
fn source_failure(slot: &Mutex<Option<GoProError>>, cdn: &SignedUrl) -> Option<FileError> {
    let err = slot.lock().expect("source failure lock").take()?;
    Some(gopro_error(&err, FailureClass::Download, &cdn.origin()))
}

/// Bytes of one unfinished upload counted in the metrics' in-flight total.
struct InFlight<'a> {
    metrics: &'a crate::metrics::TransferMetrics,
    counted: std::sync::atomic::AtomicU64,
}

impl InFlight<'_> {
    fn set(&self, done: u64) {
        let before = self.counted.swap(done, Ordering::Relaxed);
        self.metrics.add_in_flight(done as i64 - before as i64);
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.metrics
            .add_in_flight(-(self.counted.load(Ordering::Relaxed) as i64));
    }
}

/// The original for `key`: from discovery's cache while its URL is young, else resolved anew.
async fn resolve(run: &Run, key: &FileKey) -> Result<Original, FileError> {
    if let Some(original) = run.urls.take(key) {
        return Ok(original);
    }
    let info = run
        .gopro
        .download_info(&key.media_id)
        .await
        .map_err(|e| gopro_error(&e, FailureClass::Download, run.gopro.base_url()))?;
    let medium = crate::gopro::api::Medium {
        id: key.media_id.clone(),
        play_as: Some(
            if key.label == Rendition::File {
                "multi_shot_photo"
            } else {
                "video"
            }
            .into(),
        ),
        ..Default::default()
    };
    let options = SelectOptions {
        include_raw: true,
        include_joined_video: true,
    };
    let mut found = None;
    for choice in crate::gopro::select::select_originals(&medium, &info, options) {
        if let crate::gopro::Choice::Transfer(original) = choice {
            if &original.key == key {
                found = Some(original);
            } else {
                // The medium's other files (chapters, frames) move soon: keep their URLs.
                run.urls.put(original);
            }
        }
    }
    found.ok_or_else(|| FileError::Failed {
        class: FailureClass::Gone,
        reason: "GoPro no longer offers this file.".into(),
    })
}

/// What a GoPro error means for the file; `probe` is an address of the host that failed.
fn gopro_error(err: &GoProError, class: FailureClass, probe: &Url) -> FileError {
    if let Some(stop) = Stop::from_gopro(err) {
        return FileError::Stop(stop);
    }
    match err {
        GoProError::Network(_) | GoProError::Truncated { .. } => FileError::Network {
            cloud: Cloud::Gopro,
            probe: probe.clone(),
            reason: err.to_string(),
        },
        GoProError::NotFound { .. } => FileError::Failed {
            class: FailureClass::Gone,
            reason: "GoPro no longer has this file (deleted or in the trash).".into(),
        },
        other => FileError::Failed {
            class,
            reason: other.to_string(),
        },
    }
}

/// The bytes of one original on the GoPro CDN, openable at any offset: what the upload reads.
struct CdnSource {
    run: Arc<Run>,
    key: FileKey,
    url: SignedUrl,
    size: u64,
    chunk: usize,
    limiter: Option<Arc<RateLimiter>>,
    /// The download's own failure, when it is what ended an upload.
    failure: Arc<Mutex<Option<GoProError>>>,
    /// The `GET` that gave the size, already open at byte 0: the first read from 0 uses it.
    primed: Mutex<Option<crate::gopro::CdnStream>>,
    /// The header times to correct on the way, for a video from an older GoPro.
    times: Option<Arc<crate::video_times::Plan>>,
}

impl UploadSource for CdnSource {
    fn len(&self) -> u64 {
        self.size
    }

    async fn open(
        &self,
        offset: u64,
    ) -> Result<impl Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static, PhotosError>
    {
        let primed = self
            .primed
            .lock()
            .expect("primed stream lock")
            .take()
            .filter(|s| s.offset() == offset);
        let stream = primed.unwrap_or_else(|| {
            self.run
                .gopro
                .download(self.key.clone(), Some(self.url.clone()), offset)
        });
        let metrics = self.run.metrics.clone();
        let limiter = self.limiter.clone();
        let chunk = self.chunk;
        let failure = self.failure.clone();
        let times = self.times.clone();
        let state = (stream, metrics, limiter, Bytes::new(), offset);
        Ok(futures_util::stream::unfold(
            state,
            move |(mut stream, metrics, limiter, mut pending, at)| {
                let failure = failure.clone();
                let times = times.clone();
                async move {
                    if pending.is_empty() {
                        let waited = Instant::now();
                        let next = stream.next_chunk().await;
                        metrics.add_downloading(waited.elapsed());
                        match next {
                            None => return None,
                            Some(Err(err)) => {
                                let io = std::io::Error::other(err.to_string());
                                *failure.lock().expect("source failure lock") = Some(err);
                                return Some((Err(io), (stream, metrics, limiter, pending, at)));
                            }
                            Some(Ok(bytes)) => {
                                metrics.add_downloaded(bytes.len() as u64);
                                pending = bytes;
                            }
                        }
                    }
                    // Hand the upload chunks of at most `chunk` bytes.
                    let take = pending.len().min(chunk);
                    let mut out = pending.split_to(take);
                    if let Some(plan) = &times {
                        out = plan.patch(at, out);
                    }
                    if let Some(limiter) = &limiter {
                        limiter.take(out.len() as u64).await;
                    }
                    let next = at + out.len() as u64;
                    Some((Ok(out), (stream, metrics, limiter, pending, next)))
                }
            },
        )
        .boxed())
    }
}

/// A shared bandwidth cap: each chunk reserves its share of time.
struct RateLimiter {
    bytes_per_sec: u64,
    next_free: tokio::sync::Mutex<tokio::time::Instant>,
}

impl RateLimiter {
    fn new(bytes_per_sec: u64) -> Self {
        Self {
            bytes_per_sec: bytes_per_sec.max(1),
            next_free: tokio::sync::Mutex::new(tokio::time::Instant::now()),
        }
    }

    async fn take(&self, bytes: u64) {
        let due = {
            let mut next = self.next_free.lock().await;
            let now = tokio::time::Instant::now();
            let start = (*next).max(now);
            *next = start + Duration::from_secs_f64(bytes as f64 / self.bytes_per_sec as f64);
            start
        };
        tokio::time::sleep_until(due).await;
    }
}
