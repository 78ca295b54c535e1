//! Discovery: list the range on GoPro and record every file, page by page.
//!
//! Each page is recorded with the cursor of the next one in one transaction, so a resumed
//! discovery starts where it stopped and a re-walked page changes nothing. Each medium's
//! renditions are resolved here (one `/download` call per medium) to expand chapters and burst
//! frames into files and to know which are skipped and why; the signed URLs are kept in memory
//! for the transfer while they are young, so a fresh run costs one GoPro call per medium.

use std::sync::Arc;

use futures_util::StreamExt;
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

/// Lists the session's range page by page (resuming at its cursor), records each page, and
/// sends the files each page made movable to `movable`, where the transfer takes them.
///
/// Listing and resolving overlap: the next page is fetched while this one's media resolve,
/// and the media of consecutive pages resolve `gopro_api_concurrency` at a time without a
/// pause at page ends, so latency to GoPro does not set the pace. Pages are still recorded one
/// at a time, in order, each with the cursor of the next.
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
    let (pages_tx, pages) = mpsc::channel(1);
    let listing = list(run, range, session.discovery_cursor, pages_tx);
    let recording = resolve_and_record(run, pages, options, movable);
    tokio::pin!(listing, recording);
    // The first failure is the one reported. A recording that fails ends the listing at once
    // (it may be waiting for GoPro to come back); a listing that fails on its own still has
    // its complete pages recorded, unless the run is stopping.
    let listed = tokio::select! {
        recorded = &mut recording => {
            recorded?;
            listing.await?
        }
        listed = &mut listing => {
            // Pages listed before a failure are recorded all the same (the resume starts after
            // them); the listing's failure is still the one reported.
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

/// One listed page: its media, the cursor a resumed discovery starts at once it is recorded,
/// and whether it is the last.
struct Page {
    media: Vec<Medium>,
    resume_at: u64,
    done: bool,
}

/// Walks the range from page `from`, sending each complete page to `pages`; `Ok(false)` when
/// the pages stopped being taken before the end.
async fn list(
    run: &Run,
    range: CaptureRange,
    from: u64,
    pages: mpsc::Sender<Page>,
) -> Result<bool, Stop> {
    let mut walk = run.gopro.search_from(range, from);
    let mut cursor = walk.cursor();
    let mut page: Vec<Medium> = Vec::new();
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
            // `page` holds every medium of the pages before the one just fetched.
            let done = next.is_none();
            let listed = Page {
                media: std::mem::take(&mut page),
                resume_at: if done { walk.cursor() } else { cursor },
                done,
            };
            if pages.send(listed).await.is_err() {
                return Ok(false);
            }
            cursor = walk.cursor();
        }
        match next {
            Some(m) => page.push(m),
            None => return Ok(true),
        }
    }
}

/// One medium's resolution, run as a task of its own: it goes on while the recorder waits for
/// the transfer to take a page (which can take minutes), so no request sits unread past its
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
/// page ends, and records each page once all of its media are resolved.
async fn resolve_and_record(
    run: &Arc<Run>,
    pages: mpsc::Receiver<Page>,
    options: SelectOptions,
    movable: &mpsc::Sender<ItemRecord>,
) -> Result<(), Stop> {
    let listed = futures_util::stream::unfold(pages, |mut pages| async move {
        let page = pages.recv().await?;
        let end = Listed::PageEnd {
            resume_at: page.resume_at,
            done: page.done,
        };
        let entries = page
            .media
            .into_iter()
            .map(|m| Listed::Medium(Box::new(m)))
            .chain([end]);
        Some((futures_util::stream::iter(entries), pages))
    })
    .flatten();
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
    let mut page = Vec::new();
    while let Some(next) = resolved.next().await {
        match next {
            Ok(medium) => page.push(medium),
            Err((resume_at, done)) => {
                if let Some(stop) = run.stopping() {
                    return Err(stop);
                }
                record(run, std::mem::take(&mut page), resume_at, done, movable).await?;
            }
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

/// Records one page's resolved media with the cursor of the next page, and sends the files
/// it made movable to the transfer.
async fn record(
    run: &Run,
    resolved: Vec<Result<Expanded, Stop>>,
    next_cursor: u64,
    done: bool,
    movable: &mpsc::Sender<ItemRecord>,
) -> Result<(), Stop> {
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
    run.save_session(|s| {
        s.discovery_cursor = next_cursor;
        s.discovery_done = done;
    })?;
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
    let counts = run.store.counts(&session_id)?;
    run.metrics.set_listed(
        counts.total.saturating_sub(counts.skipped),
        counts.created,
        counts.bytes_total,
    );
    run.emit(SyncEvent::Discovered {
        files: counts.total,
    });
    let now = chrono::Utc::now();
    for key in recorded.movable {
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
    Ok(())
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
