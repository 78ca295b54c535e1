//! Create: turn upload tokens into media items, in batches of at most 50, one call at a time.
//!
//! A batch is sent as soon as it is full, or when files stop arriving for a moment, so upload
//! tokens never wait for the whole transfer. Before a batch is sent its files are checkpointed
//! as `Creating`; after the answer each file's own status is recorded. When the outcome of a
//! request is unknown (a 5xx, a dropped connection, a crash before the answer was recorded), its
//! files stay `Creating` and are looked for by their description at the `reconcile_waits` after
//! it was sent, in the background while other batches go on; only when the last look finds
//! nothing are they sent again. Google's same-bytes deduplication is not relied on.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::Ordering;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use tokio::sync::mpsc;
use tokio::task::JoinSet;

use super::network::{NetworkGate, Waited};
use super::transfer::Uploaded;
use super::{description_for, CreateBatchResult, PauseCause, Run, Stop};
use crate::events::SyncEvent;
use crate::model::{Cloud, FailureClass, FileKey, ItemState, SkipReason};
use crate::photos::api::MediaItem;
use crate::photos::{ItemFailureClass, NewItem, PhotosError, UploadToken};
use crate::store::StateChange;

/// Times a file is sent to `batchCreate` in one run before it is recorded as failed.
const MAX_CREATE_ATTEMPTS: u32 = 3;

/// What the create worker leaves for the orchestrator.
#[derive(Debug, Default)]
pub(crate) struct CreateReport {
    /// Files whose token Google refused: reset to be uploaded again.
    pub reupload: usize,
    /// Creates in a row whose outcome was unknown: the next one waits longer, so a Google
    /// having trouble gets few creates to look for (each look costs requests).
    pub unknown_streak: u32,
}

/// Creates `pending` and everything arriving on `incoming` until it closes, and settles the
/// creates `in_doubt` an earlier run left. A stop met here
/// (full storage, a login, the album) is raised for the whole run at once, so the transfer does
/// not upload the rest of the library for nothing.
pub(crate) async fn run(
    run: Arc<Run>,
    incoming: mpsc::Receiver<Uploaded>,
    pending: Vec<Uploaded>,
    in_doubt: Vec<InDoubt>,
) -> Result<CreateReport, Stop> {
    let result = create_all(&run, incoming, pending, in_doubt).await;
    if let Err(stop) = &result {
        run.set_stop(stop.clone());
    }
    result
}

async fn create_all(
    run: &Arc<Run>,
    mut incoming: mpsc::Receiver<Uploaded>,
    pending: Vec<Uploaded>,
    in_doubt: Vec<InDoubt>,
) -> Result<CreateReport, Stop> {
    let mut report = CreateReport::default();
    let batch_size = run
        .session()
        .settings
        .create_batch_size
        .clamp(1, crate::photos::MAX_BATCH as u32) as usize;
    let mut queue: VecDeque<(Uploaded, u32)> = pending.into_iter().map(|u| (u, 0)).collect();
    // Creates in doubt are looked for in the background while other batches go on.
    let mut doubts = JoinSet::new();
    for doubt in in_doubt {
        doubts.spawn(settle(run.clone(), doubt));
    }
    let mut closed = false;
    loop {
        if let Some(stop) = run.stopping() {
            if !matches!(stop, Stop::Requested(_) | Stop::FailFast(_)) {
                // Further calls would fail the same way; uploaded files keep their tokens.
                return Err(stop);
            }
            if closed && queue.is_empty() {
                // Files still in doubt stay `Creating`: the next run looks for them.
                break;
            }
        }
        if queue.len() < batch_size {
            if closed && queue.is_empty() && doubts.is_empty() {
                break;
            }
            // Gather until a batch is full, the transfer is done, or files stop arriving.
            // A partial batch waits for more unless the transfer is done.
            if !closed || queue.is_empty() {
                let linger = async {
                    if queue.is_empty() {
                        std::future::pending::<()>().await
                    } else {
                        tokio::time::sleep(run.settings.create_batch_linger).await
                    }
                };
                tokio::select! {
                    received = incoming.recv(), if !closed => {
                        match received {
                            Some(u) => queue.push_back((u, 0)),
                            None => closed = true,
                        }
                        continue;
                    }
                    Some(settled) = doubts.join_next(), if !doubts.is_empty() => {
                        queue.extend(settled.map_err(|e| {
                            Stop::Fatal(format!("checking a create stopped unexpectedly: {e}"))
                        })??);
                        continue;
                    }
                    _ = run.halted(), if run.stopping().is_none() => continue,
                    _ = linger => {}
                }
            }
        }
        let take = queue.len().min(batch_size);
        let batch: Vec<(Uploaded, u32)> = queue.drain(..take).collect();
        let outcome = send_batch(run, batch, &mut report, &mut doubts).await?;
        queue.extend(outcome);
    }
    match run.stopping() {
        Some(stop) => Err(stop),
        None => Ok(report),
    }
}

/// Sends one batch; returns files to send again.
async fn send_batch(
    run: &Arc<Run>,
    batch: Vec<(Uploaded, u32)>,
    report: &mut CreateReport,
    doubts: &mut JoinSet<Result<Vec<(Uploaded, u32)>, Stop>>,
) -> Result<Vec<(Uploaded, u32)>, Stop> {
    // Tokens that have aged past the safe lifetime are uploaded again instead.
    let now = Utc::now();
    let (stale, batch): (Vec<_>, Vec<_>) = batch
        .into_iter()
        .partition(|(u, _)| !run.settings.token_is_fresh(u.uploaded_at, now));
    reset_for_upload(run, stale.iter().map(|(u, _)| u), report)?;
    // A file another session created meanwhile is not created again.
    let mut fresh = Vec::with_capacity(batch.len());
    for (u, attempts) in batch {
        if !super::transfer::already_moved(run, &u.key, &u.filename)? {
            fresh.push((u, attempts));
        }
    }
    let batch = fresh;
    if batch.is_empty() {
        return Ok(Vec::new());
    }
    // An album is filled to its last place before the next one starts: a batch bigger than
    // the room left goes in two parts (else batches cut short by the linger leave each album
    // a few items short, and 100 k files need a sixth album).
    let session = run.session();
    if session.settings.album_title.is_some() && session.album_id.is_some() {
        let room = run
            .settings
            .album_capacity
            .saturating_sub(session.album_items);
        if room > 0 && room < batch.len() as u64 {
            let mut first = batch;
            let rest = first.split_off(room as usize);
            let mut again = Box::pin(send_batch(run, first, report, doubts)).await?;
            again.extend(Box::pin(send_batch(run, rest, report, doubts)).await?);
            return Ok(again);
        }
    }
    let album = ensure_album(run, batch.len() as u64).await?;
    let sent_at = Utc::now();
    let creating: Vec<StateChange> = batch
        .iter()
        .map(|(u, _)| StateChange {
            key: u.key.clone(),
            state: ItemState::Creating {
                upload_token: u.upload_token.clone(),
                uploaded_at: u.uploaded_at,
                sent_at,
            },
            size: None,
        })
        .collect();
    run.set_states(&creating)?;
    let items: Vec<NewItem> = batch
        .iter()
        .map(|(u, _)| NewItem {
            upload_token: UploadToken::new(u.upload_token.clone()),
            file_name: u.filename.clone(),
            description: Some(description_for(&u.key, &u.filename)),
        })
        .collect();
    match run.photos.batch_create(&items, album.as_deref()).await {
        Ok(results) => {
            report.unknown_streak = 0;
            let mut recorded = Vec::new();
            let mut again = Vec::new();
            let added = results.iter().filter(|r| r.is_ok()).count() as u64;
            if album.is_some() && added > 0 {
                run.save_session(|s| s.album_items += added)?;
            }
            let mut unsure = Vec::new();
            for ((u, attempts), result) in batch.into_iter().zip(results) {
                recorded.push((u.key.clone(), result.clone()));
                match result {
                    Ok(item) => created(run, &u, &item)?,
                    Err(failure) => match failure.class {
                        // Maybe made: stays `Creating` and is looked for like a lost answer.
                        ItemFailureClass::InDoubt => unsure.push((u, attempts)),
                        ItemFailureClass::Retryable if attempts + 1 < MAX_CREATE_ATTEMPTS => {
                            back_to_uploaded(run, &u)?;
                            again.push((u, attempts + 1));
                        }
                        ItemFailureClass::InvalidToken => {
                            reset_for_upload(run, std::iter::once(&u), report)?
                        }
                        ItemFailureClass::Unsupported => {
                            let extension = u
                                .filename
                                .rsplit_once('.')
                                .map(|(_, e)| e.to_ascii_lowercase())
                                .unwrap_or_default();
                            let reason = SkipReason::UnsupportedType { extension };
                            super::transfer::record_skip(run, &u.key, &u.filename, reason)?;
                        }
                        // Google refuses this file for good (it says so again on every try):
                        // failed with its reason, and a resume does not send it again.
                        ItemFailureClass::Rejected => super::transfer::record_failure(
                            run,
                            &u.key,
                            &u.filename,
                            FailureClass::Create(ItemFailureClass::Rejected),
                            failure.human(),
                            attempts + 1,
                            None,
                        ),
                        ItemFailureClass::Retryable => super::transfer::record_failure(
                            run,
                            &u.key,
                            &u.filename,
                            FailureClass::Create(ItemFailureClass::Retryable),
                            failure.human(),
                            attempts + 1,
                            Some(u.kept()),
                        ),
                    },
                }
            }
            let mut responses = run.responses.lock().expect("responses lock");
            if responses.len() >= super::KEPT_CREATE_BATCHES {
                responses.remove(0);
            }
            responses.push(CreateBatchResult { items: recorded });
            drop(responses);
            if !unsure.is_empty() {
                doubts.spawn(settle(
                    run.clone(),
                    InDoubt {
                        files: unsure,
                        sent_at,
                    },
                ));
            }
            Ok(again)
        }
        Err(PhotosError::OutcomeUnknown(why)) => {
            // Google may have made them: they stay `Creating` until a look finds them or the
            // last look does not.
            tracing::warn!(%why, files = batch.len(), "create outcome unknown; looking for its files in Google Photos before sending again");
            report.unknown_streak += 1;
            doubts.spawn(settle(
                run.clone(),
                InDoubt {
                    files: batch,
                    sent_at,
                },
            ));
            tokio::time::sleep(run.settings.retry.backoff(report.unknown_streak)).await;
            Ok(Vec::new())
        }
        Err(PhotosError::InvalidUploadToken) if batch.len() > 1 => {
            // Google refused the whole batch for some token in it: halve it until the refused
            // files are alone, so one expired token costs its own file, not the batch.
            let mut batch = batch;
            let second = batch.split_off(batch.len() / 2);
            let mut again = Box::pin(send_batch(run, batch, report, doubts)).await?;
            again.extend(Box::pin(send_batch(run, second, report, doubts)).await?);
            Ok(again)
        }
        Err(PhotosError::InvalidUploadToken) => {
            reset_for_upload(run, batch.iter().map(|(u, _)| u), report)?;
            Ok(Vec::new())
        }
        Err(PhotosError::AlbumNotWritable | PhotosError::AlbumFull) => {
            // Full: go on in the next album. Gone or not ours any more: a new one too. The old
            // one stays among the session's albums, so a look for creates in doubt still asks
            // about it (and, finding it gone, looks among everything the app created).
            run.save_session(roll_over)?;
            for (u, _) in &batch {
                back_to_uploaded(run, u)?;
            }
            Ok(batch
                .into_iter()
                .filter(|(_, a)| *a + 1 < MAX_CREATE_ATTEMPTS)
                .map(|(u, a)| (u, a + 1))
                .collect())
        }
        Err(err) => {
            for (u, _) in &batch {
                back_to_uploaded(run, u)?;
            }
            if matches!(err, PhotosError::Network(_))
                && wait_for_google(run).await? == Waited::Restored
            {
                // The request never reached Google (else the outcome would be unknown): send
                // the same batch again, no attempt spent.
                return Ok(batch);
            }
            if let Some(stop) = Stop::from_photos(&err) {
                return Err(stop);
            }
            if matches!(err, PhotosError::RateLimited)
                && batch.iter().any(|(_, a)| a + 1 >= MAX_CREATE_ATTEMPTS)
            {
                // Google's per-minute limit outlasted every retry: a pause, not failed files
                // (their upload tokens are kept for the resume).
                return Err(Stop::Paused {
                    reason: "Google Photos kept asking q2google to slow down (its per-minute \
                             limit); nothing failed. Resume in a few minutes to go on."
                        .into(),
                    cause: PauseCause::Trouble,
                });
            }
            // Rate limits within the budget, a refused request, an unreachable service.
            let mut again = Vec::new();
            for (u, attempts) in batch {
                if attempts + 1 < MAX_CREATE_ATTEMPTS
                    && matches!(
                        err,
                        PhotosError::RateLimited
                            | PhotosError::Network(_)
                            | PhotosError::Server { .. }
                    )
                {
                    again.push((u, attempts + 1));
                } else {
                    // The request, not this file, was refused: the file keeps its upload and
                    // a resume tries the create again.
                    super::transfer::record_failure(
                        run,
                        &u.key,
                        &u.filename,
                        FailureClass::Create(ItemFailureClass::Retryable),
                        err.to_string(),
                        attempts + 1,
                        Some(u.kept()),
                    );
                }
            }
            if !again.is_empty() {
                tokio::time::sleep(run.settings.retry.backoff(again[0].1)).await;
            }
            Ok(again)
        }
    }
}

/// Files of one create whose outcome is unknown, and when that create was sent.
#[derive(Debug)]
pub(crate) struct InDoubt {
    /// The files, with the create attempts each has had.
    pub files: Vec<(Uploaded, u32)>,
    /// When the create was sent: the looks are timed from it, also across runs.
    pub sent_at: DateTime<Utc>,
}

/// Looks for a create's files in Google Photos at each of the reconcile waits after it was
/// sent, records those found as created, and returns the rest to be sent again once the last
/// look did not find them. Looks whose time passed while no run was going are one look.
async fn settle(run: Arc<Run>, doubt: InDoubt) -> Result<Vec<(Uploaded, u32)>, Stop> {
    let InDoubt { mut files, sent_at } = doubt;
    let since_sent = || (Utc::now() - sent_at).to_std().unwrap_or_default();
    let waits = match run.settings.reconcile_waits.as_slice() {
        [] => &[std::time::Duration::ZERO][..],
        waits => waits,
    };
    let mut next = 0;
    while next < waits.len() && !files.is_empty() {
        if let Some(wait) = waits[next].checked_sub(since_sent()) {
            tokio::time::sleep(wait).await;
        }
        let elapsed = since_sent();
        next += waits[next..]
            .iter()
            .take_while(|w| **w <= elapsed)
            .count()
            .max(1);
        let uploads: Vec<Uploaded> = files.iter().map(|(u, _)| u.clone()).collect();
        let found = reconcile(&run, &uploads).await?;
        let current = run.session().album_id;
        let mut in_current = 0;
        for u in &uploads {
            if let Some(found) = found.get(&u.key) {
                created(&run, u, &found.item)?;
                in_current += u64::from(current.is_some() && found.album == current);
            }
        }
        files.retain(|(u, _)| !found.contains_key(&u.key));
        if in_current > 0 {
            run.save_session(|s| s.album_items += in_current)?;
        }
    }
    // Not there at the last look: Google did not make them.
    let mut again = Vec::new();
    for (u, attempts) in files {
        back_to_uploaded(&run, &u)?;
        if attempts + 1 < MAX_CREATE_ATTEMPTS {
            again.push((u, attempts + 1));
        } else {
            super::transfer::record_failure(
                &run,
                &u.key,
                &u.filename,
                FailureClass::Create(ItemFailureClass::Retryable),
                "Google did not confirm creating this item; it will be retried on resume.".into(),
                attempts + 1,
                Some(u.kept()),
            );
        }
    }
    Ok(again)
}

/// A file a look found in Google Photos.
pub(crate) struct Found {
    /// The item Google made.
    pub item: MediaItem,
    /// The album it was found in (`None`: among everything the app created).
    pub album: Option<String>,
}

/// Finds which of `uploads` Google already created, by the description each was sent with:
/// the session's albums newest first, then, when the session has no album or one of them is
/// gone (deleted in Google Photos; its items stay in the library), everything the app created.
pub(crate) async fn reconcile(
    run: &Run,
    uploads: &[Uploaded],
) -> Result<HashMap<FileKey, Found>, Stop> {
    let mut wanted: HashMap<String, FileKey> = uploads
        .iter()
        .map(|u| (description_for(&u.key, &u.filename), u.key.clone()))
        .collect();
    let mut found = HashMap::new();
    let session = run.session();
    let albums: Vec<String> = session
        .album_id
        .iter()
        .cloned()
        .chain(session.earlier_albums.iter().rev().map(|a| a.id.clone()))
        .collect();
    let mut whole_library = albums.is_empty();
    for album in &albums {
        if wanted.is_empty() {
            break;
        }
        if search(run, Some(album), &mut wanted, &mut found).await? == Searched::AlbumGone {
            tracing::warn!(
                "an album of this session is gone; looking among everything the app created"
            );
            whole_library = true;
        }
    }
    if whole_library && !wanted.is_empty() {
        let searched = search(run, None, &mut wanted, &mut found).await?;
        if searched == Searched::Bounded && !wanted.is_empty() {
            // Not found within the bound is not "not made": sending again could make them
            // twice. The files stay `Creating`, and a resume looks again.
            return Err(Stop::Paused {
                reason: format!(
                    "Could not confirm whether Google Photos made {} file(s) whose answer was \
                     lost: the app's items there are more than q2google reads to check \
                     (reconcile_max_pages). Nothing was sent twice; resume to look again.",
                    wanted.len()
                ),
                cause: PauseCause::Trouble,
            });
        }
    }
    Ok(found)
}

/// How a search ended.
#[derive(Debug, PartialEq, Eq)]
enum Searched {
    /// Read to the end, or until every wanted file was found.
    Done,
    /// The album no longer exists (or is no longer the app's).
    AlbumGone,
    /// Stopped at the page bound with files still wanted: their absence proves nothing.
    Bounded,
}

/// Moves the items of `album` (or of everything the app created) whose description is in
/// `wanted` into `found`, reading at most as many pages as the source can hold (an album) or
/// the `reconcile_max_pages` setting (everything), each page counted in the run's
/// `check_requests`.
async fn search(
    run: &Run,
    album: Option<&str>,
    wanted: &mut HashMap<String, FileKey>,
    found: &mut HashMap<FileKey, Found>,
) -> Result<Searched, Stop> {
    const PAGE: u32 = 100;
    let max_pages = match album {
        Some(_) => crate::photos::ALBUM_CAPACITY.div_ceil(u64::from(PAGE)) + 1,
        None => u64::from(run.settings.reconcile_max_pages.max(1)),
    };
    let mut page_token: Option<String> = None;
    let mut outages = 0;
    let mut pages = 0;
    while !wanted.is_empty() {
        if pages == max_pages {
            tracing::warn!(
                pages,
                still_wanted = wanted.len(),
                "stopped looking at the page bound"
            );
            return Ok(Searched::Bounded);
        }
        let spent = run.check_requests.load(Ordering::Relaxed);
        if spent >= run.settings.reconcile_max_requests {
            // The files stay `Creating`; the next run looks again with a fresh budget.
            return Err(Stop::Paused {
                reason: format!(
                    "Google Photos lost the answers to several creates, and checking what it \
                     made has used {spent} requests of its daily 10,000; q2google paused to \
                     keep the rest for moving. Nothing was sent twice. Resume in a while."
                ),
                cause: PauseCause::Trouble,
            });
        }
        pages += 1;
        run.check_requests.fetch_add(1, Ordering::Relaxed);
        let page = match album {
            Some(album) => {
                run.photos
                    .search_album(album, page_token.as_deref(), PAGE)
                    .await
            }
            None => {
                run.photos
                    .list_media_items(page_token.as_deref(), PAGE)
                    .await
            }
        };
        match &page {
            Err(PhotosError::Network(_)) if outages < NetworkGate::MAX_UNEXPLAINED => {
                outages += 1;
                pages -= 1;
                wait_for_google(run).await?;
                continue;
            }
            Err(PhotosError::AlbumNotWritable) if album.is_some() => {
                return Ok(Searched::AlbumGone)
            }
            _ => {}
        }
        outages = 0;
        let page = page.map_err(|e| {
            Stop::from_photos(&e).unwrap_or_else(|| Stop::Paused {
                reason: format!(
                    "Could not check what Google Photos already has ({e}); resume to try again."
                ),
                cause: PauseCause::Trouble,
            })
        })?;
        for item in page.media_items {
            if let Some(key) = item.description.as_ref().and_then(|d| wanted.remove(d)) {
                found.insert(
                    key,
                    Found {
                        item,
                        album: album.map(str::to_string),
                    },
                );
            }
        }
        page_token = page.next_page_token.filter(|t| !t.is_empty());
        if page_token.is_none() {
            break;
        }
    }
    Ok(Searched::Done)
}

fn created(run: &Run, u: &Uploaded, item: &MediaItem) -> Result<(), Stop> {
    run.set_states(&[StateChange {
        key: u.key.clone(),
        state: ItemState::Created {
            media_item_id: item.id.clone(),
            product_url: item.product_url.clone(),
        },
        size: None,
    }])?;
    run.metrics.file_done();
    run.emit(SyncEvent::ItemCreated {
        key: u.key.clone(),
        filename: u.filename.clone(),
        media_item_id: item.id.clone(),
        product_url: item.product_url.clone(),
    });
    Ok(())
}

fn back_to_uploaded(run: &Run, u: &Uploaded) -> Result<(), Stop> {
    run.set_states(&[StateChange {
        key: u.key.clone(),
        state: ItemState::Uploaded {
            upload_token: u.upload_token.clone(),
            at: u.uploaded_at,
        },
        size: None,
    }])
}

fn reset_for_upload<'a>(
    run: &Run,
    uploads: impl Iterator<Item = &'a Uploaded>,
    report: &mut CreateReport,
) -> Result<(), Stop> {
    let changes: Vec<StateChange> = uploads
        .map(|u| StateChange {
            key: u.key.clone(),
            state: ItemState::Discovered,
            size: None,
        })
        .collect();
    report.reupload += changes.len();
    if changes.is_empty() {
        return Ok(());
    }
    run.set_states(&changes)
}

/// Files the current album away as full: the next create makes the session's next album.
fn roll_over(session: &mut crate::model::SessionRecord) {
    if let Some(id) = session.album_id.take() {
        let title = album_title(session, session.earlier_albums.len());
        session.earlier_albums.push(crate::model::AlbumRef {
            id,
            url: session.album_url.take(),
            title,
        });
    }
    session.album_items = 0;
}

/// The title of the session's album number `index` (0-based): "<title>", "<title> (2)", …
fn album_title(session: &crate::model::SessionRecord, index: usize) -> String {
    let title = session.settings.album_title.clone().unwrap_or_default();
    match index {
        0 => title,
        n => format!("{title} ({})", n + 1),
    }
}

/// The album for a batch of `incoming` items: the session's current one while it has room
/// (`Settings::album_capacity`), else its next one, created on first use (albums are not
/// idempotent: the id is stored the moment it is known).
async fn ensure_album(run: &Run, incoming: u64) -> Result<Option<String>, Stop> {
    let mut session = run.session();
    if session.settings.album_title.is_none() {
        return Ok(None);
    }
    if session.album_id.is_some() && session.album_items + incoming > run.settings.album_capacity {
        run.save_session(roll_over)?;
        session = run.session();
        tracing::info!(
            albums = session.earlier_albums.len() + 1,
            "the album is full; going on in the next one"
        );
    }
    let title = album_title(&session, session.earlier_albums.len());
    if let Some(id) = session.album_id {
        return Ok(Some(id));
    }
    // A run that died between creating the album and recording its id left it behind: reuse
    // an album of ours with this title rather than making an empty twin. A new session cannot
    // have one, which saves a request.
    let existing = if run.resumed || !session.earlier_albums.is_empty() {
        find_album(run, &title).await?
    } else {
        None
    };
    let album = match existing {
        Some(album) => album,
        None => match create_album(run, &title).await? {
            Ok(album) => album,
            Err(PhotosError::OutcomeUnknown(_)) => match find_album(run, &title).await? {
                Some(album) => album,
                None => run
                    .photos
                    .create_album(&title)
                    .await
                    .map_err(|e| album_stop(&e))?,
            },
            Err(e) => return Err(album_stop(&e)),
        },
    };
    run.save_session(|s| {
        s.album_id = Some(album.id.clone());
        s.album_url = album.product_url.clone();
        s.album_items = 0;
    })?;
    Ok(Some(album.id))
}

async fn find_album(run: &Run, title: &str) -> Result<Option<crate::photos::api::Album>, Stop> {
    let mut token: Option<String> = None;
    let mut found = None;
    let mut outages = 0;
    loop {
        let page = match run.photos.list_albums(token.as_deref()).await {
            Err(PhotosError::Network(_)) if outages < NetworkGate::MAX_UNEXPLAINED => {
                outages += 1;
                wait_for_google(run).await?;
                continue;
            }
            other => other.map_err(|e| album_stop(&e))?,
        };
        // Titles are not unique; the newest one with our title is the one just created.
        if let Some(a) = page
            .albums
            .into_iter()
            .rev()
            .find(|a| a.title.as_deref() == Some(title) && a.is_writeable != Some(false))
        {
            found = Some(a);
        }
        token = page.next_page_token.filter(|t| !t.is_empty());
        if token.is_none() {
            return Ok(found);
        }
    }
}

/// Creates the album, waiting out a lost network (a connection that never reached Google
/// cannot have created it; one that may have is an unknown outcome, handled by the caller).
async fn create_album(
    run: &Run,
    title: &str,
) -> Result<Result<crate::photos::api::Album, PhotosError>, Stop> {
    let mut outages = 0;
    loop {
        match run.photos.create_album(title).await {
            Err(PhotosError::Network(_)) if outages < NetworkGate::MAX_UNEXPLAINED => {
                outages += 1;
                wait_for_google(run).await?;
            }
            other => return Ok(other),
        }
    }
}

/// Waits until Google Photos answers again (see [`super::network`]).
async fn wait_for_google(run: &Run) -> Result<Waited, Stop> {
    let google = run.photos.base_url().clone();
    run.network.wait(run, Cloud::Google, &google).await
}

fn album_stop(err: &PhotosError) -> Stop {
    Stop::from_photos(err).unwrap_or_else(|| Stop::Paused {
        reason: format!(
            "Could not create the album in Google Photos ({err}); resume to try again."
        ),
        cause: PauseCause::Trouble,
    })
}
