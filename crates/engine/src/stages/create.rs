//! Create: turn upload tokens into media items, in batches of at most 50, one call at a time.
//!
//! A batch is sent as soon as it is full, or when files stop arriving for a moment, so upload
//! tokens never wait for the whole transfer. Before a batch is sent its files are checkpointed
//! as `Creating`; after the answer each file's own status is recorded. When the outcome of a
//! request is unknown (a 5xx, a dropped connection, a crash before the answer was recorded), the
//! engine lists what the app created and looks for the files by their description before
//! sending anything again: Google's same-bytes deduplication is not relied on.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use chrono::Utc;
use tokio::sync::mpsc;

use super::network::{NetworkGate, Waited};
use super::transfer::Uploaded;
use super::{description_for, CreateBatchResult, Run, Stop};
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
}

/// Creates `pending` and everything arriving on `incoming` until it closes. A stop met here
/// (full storage, a login, the album) is raised for the whole run at once, so the transfer does
/// not upload the rest of the library for nothing.
pub(crate) async fn run(
    run: Arc<Run>,
    incoming: mpsc::Receiver<Uploaded>,
    pending: Vec<Uploaded>,
) -> Result<CreateReport, Stop> {
    let result = create_all(&run, incoming, pending).await;
    if let Err(stop) = &result {
        run.set_stop(stop.clone());
    }
    result
}

async fn create_all(
    run: &Arc<Run>,
    mut incoming: mpsc::Receiver<Uploaded>,
    pending: Vec<Uploaded>,
) -> Result<CreateReport, Stop> {
    let mut report = CreateReport::default();
    let batch_size = run
        .session()
        .settings
        .create_batch_size
        .clamp(1, crate::photos::MAX_BATCH as u32) as usize;
    let mut queue: VecDeque<(Uploaded, u32)> = pending.into_iter().map(|u| (u, 0)).collect();
    let mut closed = false;
    loop {
        if let Some(stop) = run.stopping() {
            if !matches!(stop, Stop::Requested(_) | Stop::FailFast(_)) {
                // Further calls would fail the same way; uploaded files keep their tokens.
                return Err(stop);
            }
        }
        // Gather until a batch is full, the transfer is done, or files stop arriving.
        while queue.len() < batch_size && !closed {
            let received = if queue.is_empty() {
                incoming.recv().await
            } else {
                match tokio::time::timeout(run.settings.create_batch_linger, incoming.recv()).await
                {
                    Ok(r) => r,
                    Err(_) => break,
                }
            };
            match received {
                Some(u) => queue.push_back((u, 0)),
                None => closed = true,
            }
        }
        if queue.is_empty() {
            if closed {
                break;
            }
            continue;
        }
        let take = queue.len().min(batch_size);
        let batch: Vec<(Uploaded, u32)> = queue.drain(..take).collect();
        let outcome = send_batch(run, batch, &mut report).await?;
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
            let mut recorded = Vec::new();
            let mut again = Vec::new();
            let added = results.iter().filter(|r| r.is_ok()).count() as u64;
            if album.is_some() && added > 0 {
                run.save_session(|s| s.album_items += added)?;
            }
            for ((u, attempts), result) in batch.into_iter().zip(results) {
                recorded.push((u.key.clone(), result.clone()));
                match result {
                    Ok(item) => created(run, &u, &item)?,
                    Err(failure) => match failure.class {
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
            Ok(again)
        }
        Err(PhotosError::OutcomeUnknown(why)) => {
            tracing::warn!(%why, files = batch.len(), "create outcome unknown; checking what Google created");
            settle_unknown(run, batch).await
        }
        Err(PhotosError::InvalidUploadToken) if batch.len() > 1 => {
            // Google refused the whole batch for some token in it: halve it until the refused
            // files are alone, so one expired token costs its own file, not the batch.
            let mut batch = batch;
            let second = batch.split_off(batch.len() / 2);
            let mut again = Box::pin(send_batch(run, batch, report)).await?;
            again.extend(Box::pin(send_batch(run, second, report)).await?);
            Ok(again)
        }
        Err(PhotosError::InvalidUploadToken) => {
            reset_for_upload(run, batch.iter().map(|(u, _)| u), report)?;
            Ok(Vec::new())
        }
        Err(err @ (PhotosError::AlbumNotWritable | PhotosError::AlbumFull)) => {
            // Full: go on in the next album. Gone or not ours any more: make a new one. Either
            // way, send the batch again.
            let full = matches!(err, PhotosError::AlbumFull);
            run.save_session(|s| {
                if full {
                    roll_over(s);
                } else {
                    s.album_id = None;
                    s.album_url = None;
                    s.album_items = 0;
                }
            })?;
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
                    resets_at: None,
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

/// After a create whose outcome is unknown: record what took effect, return the rest.
async fn settle_unknown(
    run: &Arc<Run>,
    batch: Vec<(Uploaded, u32)>,
) -> Result<Vec<(Uploaded, u32)>, Stop> {
    let uploads: Vec<Uploaded> = batch.iter().map(|(u, _)| u.clone()).collect();
    let found = reconcile(run, &uploads).await?;
    let mut again = Vec::new();
    for (u, attempts) in batch {
        match found.get(&u.key) {
            Some(item) => created(run, &u, item)?,
            None => {
                back_to_uploaded(run, &u)?;
                if attempts + 1 < MAX_CREATE_ATTEMPTS {
                    again.push((u, attempts + 1));
                } else {
                    super::transfer::record_failure(
                        run,
                        &u.key,
                        &u.filename,
                        FailureClass::Create(ItemFailureClass::Retryable),
                        "Google did not confirm creating this item; it will be retried on resume."
                            .into(),
                        attempts + 1,
                        Some(u.kept()),
                    );
                }
            }
        }
    }
    Ok(again)
}

/// Finds which of `uploads` Google already created, by the description each was sent with.
pub(crate) async fn reconcile(
    run: &Run,
    uploads: &[Uploaded],
) -> Result<HashMap<FileKey, MediaItem>, Stop> {
    let mut wanted: HashMap<String, FileKey> = uploads
        .iter()
        .map(|u| (description_for(&u.key, &u.filename), u.key.clone()))
        .collect();
    let mut found = HashMap::new();
    let session = run.session();
    // The current album first (a create in doubt is most likely there), then the earlier ones;
    // without albums, everything the app created.
    let mut albums: Vec<Option<String>> = vec![session.album_id.clone()];
    albums.extend(
        session
            .earlier_albums
            .iter()
            .rev()
            .map(|a| Some(a.id.clone())),
    );
    if session.album_id.is_none() && !session.earlier_albums.is_empty() {
        albums.remove(0);
    }
    for album in albums {
        if wanted.is_empty() {
            break;
        }
        search(run, album.as_deref(), &mut wanted, &mut found).await?;
    }
    Ok(found)
}

/// Moves the items of `album` (or of everything the app created) whose description is in
/// `wanted` into `found`.
async fn search(
    run: &Run,
    album: Option<&str>,
    wanted: &mut HashMap<String, FileKey>,
    found: &mut HashMap<FileKey, MediaItem>,
) -> Result<(), Stop> {
    let mut page_token: Option<String> = None;
    let mut outages = 0;
    while !wanted.is_empty() {
        let page = match album {
            Some(album) => {
                run.photos
                    .search_album(album, page_token.as_deref(), 100)
                    .await
            }
            None => {
                run.photos
                    .list_media_items(page_token.as_deref(), 100)
                    .await
            }
        };
        if let Err(PhotosError::Network(_)) = &page {
            if outages < NetworkGate::MAX_UNEXPLAINED {
                outages += 1;
                wait_for_google(run).await?;
                continue;
            }
        }
        outages = 0;
        let page = page.map_err(|e| {
            Stop::from_photos(&e).unwrap_or_else(|| Stop::Paused {
                reason: format!(
                    "Could not check what Google Photos already has ({e}); resume to try again."
                ),
                resets_at: None,
            })
        })?;
        for item in page.media_items {
            if let Some(key) = item.description.as_ref().and_then(|d| wanted.remove(d)) {
                found.insert(key, item);
            }
        }
        page_token = page.next_page_token.filter(|t| !t.is_empty());
        if page_token.is_none() {
            break;
        }
    }
    Ok(())
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
        resets_at: None,
    })
}
