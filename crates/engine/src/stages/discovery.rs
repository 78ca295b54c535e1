//! Discovery: list the range on GoPro and record every file.
//!
//! A page is recorded with the cursor of the next one in one transaction (on the run's first
//! page, each file as soon as it is described, with that page's cursor), so a resumed
//! discovery starts where it stopped and a re-walked page changes nothing. Each medium's
//! renditions are resolved here (one `/download` call per medium) to expand chapters and burst
//! frames into files and to know which are skipped and why; the signed URLs are kept in memory
//! for the transfer while they are young, so a fresh run costs one GoPro call per medium.

use std::sync::Arc;

use futures_util::{FutureExt, StreamExt};
use tokio::sync::mpsc;

use super::network::{NetworkGate, Waited};
use super::{PauseCause, Run, Stop};
use crate::events::SyncEvent;
use crate::gopro::api::Medium;
use crate::gopro::range::local_clock;
use crate::gopro::select::{precheck, select_originals};
use crate::gopro::{CaptureRange, Choice, GoProError, SelectOptions};
use crate::model::{
    Cloud, DiscoveredItem, FailureClass, ItemRecord, ItemState, MediaKind, SkipReason,
};

/// Lists the session's range page by page (resuming at its cursor), records its files, and
/// sends the ones made movable to `movable`, where the transfer takes them.
///
/// Listing and resolving overlap: the next page is fetched while this one's media resolve,
/// and the media of consecutive pages resolve `gopro_api_concurrency` at a time without a
/// pause at page ends, so latency to GoPro does not set the pace. Files are recorded in the
/// listing's order, and the cursor moves past a page only once all of it is recorded.
pub(crate) async fn run(run: &Arc<Run>, movable: &mpsc::Sender<ItemRecord>) -> Result<(), Stop> {
    let session = run.session();
    if session.discovery_done {
        let counts = run.store.counts(&session.id)?;
        run.emit(SyncEvent::Discovered {
            files: counts.total,
        });
        return Ok(());
    }
    let range = CaptureRange::new(session.range_from, session.range_to)
        .map_err(|e| Stop::Fatal(e.to_string()))?;
    let options = SelectOptions {
        include_raw: session.settings.include_raw,
        include_joined_video: session.settings.include_joined_video,
    };
    // Room for a page and a half, so the next page is fetched while this one resolves.
    let ahead = (run.gopro.per_page() as usize * 3 / 2).max(1);
    let (listed_tx, listed) = mpsc::channel(ahead);
    let listing = list(run, range, session.discovery_cursor, listed_tx);
    let recording = resolve_and_record(run, listed, options, movable);
    tokio::pin!(listing, recording);
    // The first failure is the one reported. A recording that fails ends the listing at once
    // (it may be waiting for GoPro to come back); a listing that fails on its own still has
    // what it listed recorded, unless the run is stopping.
    let listed = tokio::select! {
        recorded = &mut recording => {
            recorded?;
            listing.await?
        }
        listed = &mut listing => {
            // Media listed before a failure are recorded all the same (the resume starts after
            // their complete pages); the listing's failure is still the one reported.
            let recorded = recording.await;
            let listed = listed?;
            recorded?;
            listed
        }
    };
    if !listed {
        return Ok(());
    }
    run.save_session(|s| {
        s.discovery_done = true;
    })?;
    Ok(())
}

/// Walks the range from page `from`, sending each medium to `listed` as it comes and a
/// page's end (with the cursor a resumed discovery starts at once it is recorded) when the
/// walk moves past it; `Ok(false)` when the entries stopped being taken before the end.
async fn list(
    run: &Run,
    range: CaptureRange,
    from: u64,
    listed: mpsc::Sender<Listed>,
) -> Result<bool, Stop> {
    let mut walk = run.gopro.search_from(range, from);
    let mut cursor = walk.cursor();
    let mut outages = 0;
    loop {
        if let Some(stop) = run.stopping() {
            return Err(stop);
        }
        let next = match walk.next().await {
            Ok(next) => next,
            // The walk asks the same page again after a failure.
            Err(GoProError::Network(_)) if outages < NetworkGate::MAX_UNEXPLAINED => {
                outages += count(wait_for_gopro(run).await?);
                continue;
            }
            Err(err) => return Err(discovery_stop(&err)),
        };
        outages = 0;
        let moved = walk.cursor() != cursor;
        if moved || next.is_none() {
            // Every medium of the pages before the one just fetched has been sent.
            let done = next.is_none();
            let end = Listed::PageEnd {
                resume_at: if done { walk.cursor() } else { cursor },
                done,
            };
            if listed.send(end).await.is_err() {
                return Ok(false);
            }
            cursor = walk.cursor();
        }
        match next {
            Some(m) => {
                if listed.send(Listed::Medium(Box::new(m))).await.is_err() {
                    return Ok(false);
                }
            }
            None => return Ok(true),
        }
    }
}

/// One medium's resolution, run as a task of its own: it goes on while the recorder waits for
/// the transfer to take its files (which can take minutes), so no request sits unread past its
/// timeout. Aborted if dropped, when discovery stops.
struct Resolving(tokio::task::JoinHandle<Result<Expanded, Stop>>);

impl Drop for Resolving {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl std::future::Future for Resolving {
    type Output = Result<Expanded, Stop>;

    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        std::pin::Pin::new(&mut self.0).poll(cx).map(|joined| {
            joined.unwrap_or_else(|e| Err(Stop::Fatal(format!("resolving a medium failed: {e}"))))
        })
    }
}

/// What flows from the listing to the recorder: each medium, then its page's end.
enum Listed {
    Medium(Box<Medium>),
    PageEnd { resume_at: u64, done: bool },
}

/// Resolves the media of the pages as they arrive, `gopro_api_concurrency` at a time across
/// page ends, recording them as they resolve and each page's end with the next one's cursor.
async fn resolve_and_record(
    run: &Arc<Run>,
    listed: mpsc::Receiver<Listed>,
    options: SelectOptions,
    movable: &mpsc::Sender<ItemRecord>,
) -> Result<(), Stop> {
    let listed = futures_util::stream::unfold(listed, |mut listed| async move {
        let entry = listed.recv().await?;
        Some((entry, listed))
    });
    let mut resolved = std::pin::pin!(listed
        .map(|entry| async move {
            match entry {
                Listed::Medium(m) => {
                    let run = run.clone();
                    Ok(
                        Resolving(tokio::spawn(async move { expand(&run, *m, options).await }))
                            .await,
                    )
                }
                Listed::PageEnd { resume_at, done } => Err((resume_at, done)),
            }
        })
        .buffered(run.settings.gopro_api_concurrency.max(1)));
    // On the run's first page, what is resolved is recorded (and handed to the transfer) at
    // once, with the cursor of its own page, so the first file moves after one listing and one
    // resolution, not a whole page's; a resumed discovery walks that page again, which changes
    // nothing. Whatever else resolved meanwhile goes into the same transaction. From the
    // second page on, a page's end records the page in one transaction (a record per medium
    // made a 100 k-file run half as long again).
    let start = run.session().discovery_cursor;
    let mut at = start;
    let mut ready = Vec::new();
    while let Some(next) = resolved.next().await {
        let mut next = Some(next);
        while let Some(entry) = next.take() {
            match entry {
                Ok(medium) => ready.push(medium),
                Err((resume_at, done)) => {
                    if let Some(stop) = run.stopping() {
                        return Err(stop);
                    }
                    let end = PageEnd { resume_at, done };
                    record(run, std::mem::take(&mut ready), Some(end), at, movable).await?;
                    at = resume_at;
                }
            }
            next = resolved.next().now_or_never().flatten();
        }
        if !ready.is_empty() && at == start {
            if let Some(stop) = run.stopping() {
                return Err(stop);
            }
            record(run, std::mem::take(&mut ready), None, at, movable).await?;
        }
    }
    Ok(())
}

/// Waits until GoPro answers again (see [`super::network`]).
async fn wait_for_gopro(run: &Run) -> Result<Waited, Stop> {
    let gopro = run.gopro.base_url().clone();
    run.network.wait(run, Cloud::Gopro, &gopro).await
}

/// A wait that found GoPro reachable counts toward giving up; an outage waited out does not.
fn count(waited: Waited) -> u32 {
    match waited {
        Waited::WasReachable => 1,
        Waited::Restored => 0,
    }
}

fn discovery_stop(err: &GoProError) -> Stop {
    Stop::from_gopro(err).unwrap_or_else(|| Stop::Paused {
        reason: format!("Finding your media on GoPro stopped: {err}"),
        cause: PauseCause::Trouble,
    })
}

/// A page's end: the cursor a resumed discovery starts at once it is recorded, and whether it
/// was the last.
#[derive(Clone, Copy)]
struct PageEnd {
    resume_at: u64,
    done: bool,
}

/// Records resolved media, with the next page's cursor at a page's `end` (also the totals the
/// progress shows), else with `at`, their own page's, and sends the files they made movable to
/// the transfer.
async fn record(
    run: &Run,
    resolved: Vec<Result<Expanded, Stop>>,
    end: Option<PageEnd>,
    at: u64,
    movable: &mpsc::Sender<ItemRecord>,
) -> Result<(), Stop> {
    let (next_cursor, done) = end.map_or((at, false), |e| (e.resume_at, e.done));
    let mut items = Vec::new();
    let mut failed = Vec::new();
    for r in resolved {
        match r? {
            Expanded::Files(files) => items.extend(files),
            Expanded::Failed {
                item,
                class,
                reason,
            } => {
                failed.push((item.key.clone(), item.filename.clone(), class, reason));
                items.push(item);
            }
        }
    }
    let session_id = run.session().id;
    let mut recorded = run
        .store
        .record_discovery(&session_id, &items, next_cursor, done)?;
    // A medium GoPro would not describe is one failed file; discovery goes on past it.
    for (key, filename, class, reason) in failed {
        // Only a placeholder this listing added (or revived from an earlier failure) takes
        // the failure: a file the session already moved, or has in hand, keeps its state.
        let Some(at) = recorded.movable.iter().position(|k| *k == key) else {
            continue;
        };
        recorded.movable.remove(at);
        super::transfer::record_failure(run, &key, &filename, class, reason, 1, None);
    }
    if end.is_some() {
        run.save_session(|s| {
            s.discovery_cursor = next_cursor;
            s.discovery_done = done;
        })?;
    }
    let destination = run.session().destination;
    for item in &items {
        // Files an earlier session created were recorded as skipped by the store's ledger.
        let reason = match &item.skip {
            Some(reason) => Some(reason.clone()),
            None => run
                .store
                .ledger_lookup(destination.as_ref(), &item.key)?
                .map(|_| crate::model::SkipReason::AlreadyInGooglePhotos),
        };
        if let Some(reason) = reason {
            run.emit(SyncEvent::ItemSkipped {
                key: item.key.clone(),
                filename: item.filename.clone(),
                reason: reason.message(),
            });
        }
    }
    if end.is_some() {
        report_totals(run, &session_id)?;
    }
    send_movable(&items, recorded.movable, movable).await;
    Ok(())
}

/// The totals so far, for the progress (a count over the whole session: once a page).
fn report_totals(run: &Run, session_id: &crate::model::SessionId) -> Result<(), Stop> {
    let counts = run.store.counts(session_id)?;
    run.metrics.set_listed(
        counts.total.saturating_sub(counts.skipped),
        counts.created,
        counts.bytes_total,
    );
    run.emit(SyncEvent::Discovered {
        files: counts.total,
    });
    Ok(())
}

/// Hands the files a record made movable to the transfer, in order.
async fn send_movable(
    items: &[DiscoveredItem],
    keys: Vec<crate::model::FileKey>,
    movable: &mpsc::Sender<ItemRecord>,
) {
    let now = chrono::Utc::now();
    for key in keys {
        let Some(item) = items.iter().find(|i| i.key == key) else {
            continue;
        };
        let record = ItemRecord {
            key,
            filename: item.filename.clone(),
            kind: item.kind,
            captured_at: item.captured_at,
            size: item.size,
            state: ItemState::Discovered,
            position: 0,
            local_clock: item.local_clock,
            updated_at: now,
        };
        if movable.send(record).await.is_err() {
            // The transfer has ended (a stop): the file stays discovered for the next run.
            break;
        }
    }
}

/// What one medium of a listing came to.
enum Expanded {
    /// Its files (to move or skipped with a reason).
    Files(Vec<DiscoveredItem>),
    /// GoPro would not describe it: one placeholder file, recorded as failed.
    Failed {
        item: DiscoveredItem,
        class: FailureClass,
        reason: String,
    },
}

/// The file that stands for `medium` until its renditions are known (the first original's key,
/// so a later listing that resolves it takes its place).
fn placeholder(medium: &Medium, skip: Option<SkipReason>) -> DiscoveredItem {
    DiscoveredItem {
        key: crate::store::placeholder_key(&medium.id),
        filename: medium.filename.clone().unwrap_or_else(|| medium.id.clone()),
        kind: None,
        captured_at: medium.captured_at(),
        size: None,
        skip,
        local_clock: None,
    }
}

/// The files of one medium, resolving its renditions unless the search row already says it is
/// skipped.
async fn expand(run: &Run, medium: Medium, options: SelectOptions) -> Result<Expanded, Stop> {
    let captured_at = medium.captured_at();
    if let Some(reason) = precheck(&medium) {
        return Ok(Expanded::Files(vec![placeholder(&medium, Some(reason))]));
    }
    let mut outages = 0;
    let info = loop {
        match run.gopro.download_info(&medium.id).await {
            Ok(info) => break info,
            // Deleted between the listing and now.
            Err(GoProError::NotFound { .. }) => {
                return Ok(Expanded::Failed {
                    item: placeholder(&medium, None),
                    class: FailureClass::Gone,
                    reason: "GoPro no longer has this file (deleted after it was listed?); \
                             nothing was moved for it."
                        .into(),
                })
            }
            // GoPro kept failing on this one medium (retries spent): the rest goes on.
            Err(err @ GoProError::Server { .. }) => {
                tracing::warn!(medium = %medium.id, %err, "GoPro would not describe a medium");
                return Ok(Expanded::Failed {
                    item: placeholder(&medium, None),
                    class: FailureClass::Unresolved,
                    reason: format!(
                        "GoPro kept failing to give this file's download details ({err}); a \
                         resume asks again."
                    ),
                });
            }
            Err(GoProError::Network(_)) if outages < NetworkGate::MAX_UNEXPLAINED => {
                outages += count(wait_for_gopro(run).await?);
            }
            Err(err) => return Err(discovery_stop(&err)),
        }
    };
    let mut out = Vec::new();
    for choice in select_originals(&medium, &info, options) {
        match choice {
            Choice::Transfer(original) => {
                out.push(DiscoveredItem {
                    key: original.key.clone(),
                    filename: original.filename.clone(),
                    kind: Some(original.kind),
                    captured_at,
                    size: None,
                    skip: None,
                    local_clock: (original.kind == MediaKind::Video)
                        .then(|| local_clock(&medium))
                        .flatten(),
                });
                run.urls.put(original);
            }
            Choice::Skip {
                key,
                filename,
                reason,
            } => out.push(DiscoveredItem {
                key,
                filename: filename
                    .or_else(|| medium.filename.clone())
                    .unwrap_or_else(|| medium.id.clone()),
                kind: None,
                captured_at,
                size: None,
                skip: Some(reason),
                local_clock: None,
            }),
        }
    }
    // With one file to move, the search row's size is that file's: a hint for the progress and
    // time left until the transfer's HEAD gives the exact figure (and replaces it).
    let mut moving = out.iter_mut().filter(|i| i.skip.is_none());
    if let (Some(only), None) = (moving.next(), moving.next()) {
        only.size = medium.file_size;
    }
    Ok(Expanded::Files(out))
}
