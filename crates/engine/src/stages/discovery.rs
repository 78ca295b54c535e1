//! Discovery: list the range on GoPro and record every file, page by page.
//!
//! Each page is recorded with the cursor of the next one in one transaction, so a resumed
//! discovery starts where it stopped and a re-walked page changes nothing. Each medium's
//! renditions are resolved here (one `/download` call per medium) to expand chapters and burst
//! frames into files and to know which are skipped and why; the signed URLs are kept in memory
//! for the transfer while they are young, so a fresh run costs one GoPro call per medium.

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

/// How many media are resolved at once.
/// GoPro API calls for download details at once. GoPro publishes no limit; peer tools run
/// 3–20 at once without reported trouble and some were blocked for less (`gopro-api.md` §2.7),
/// so q2google stays at 8: the listing of 500 photos 30 ms away takes ~2 s, not 500 × 30 ms.
const RESOLVE_CONCURRENCY: usize = 8;

/// Lists the session's range page by page (resuming at its cursor), records each page, and
/// sends the files each page made movable to `movable`, where the transfer takes them.
pub(crate) async fn run(run: &Run, movable: &mpsc::Sender<ItemRecord>) -> Result<(), Stop> {
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
    let mut walk = run.gopro.search_from(range, session.discovery_cursor);
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
            let resume_at = if done { walk.cursor() } else { cursor };
            record(
                run,
                std::mem::take(&mut page),
                options,
                resume_at,
                done,
                movable,
            )
            .await?;
            cursor = walk.cursor();
        }
        match next {
            Some(m) => page.push(m),
            None => break,
        }
    }
    run.save_session(|s| {
        s.discovery_done = true;
    })?;
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

async fn record(
    run: &Run,
    media: Vec<Medium>,
    options: SelectOptions,
    next_cursor: u64,
    done: bool,
    movable: &mpsc::Sender<ItemRecord>,
) -> Result<(), Stop> {
    let resolved: Vec<Result<Expanded, Stop>> = futures_util::stream::iter(media)
        .map(|m| expand(run, m, options))
        .buffered(RESOLVE_CONCURRENCY)
        .collect()
        .await;
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
