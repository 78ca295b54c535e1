//! Starting, resuming, pausing and cancelling a sync; the preview of a range.

use std::sync::Arc;

use chrono::Utc;
use engine::gopro::CaptureRange;
use engine::model::SessionId;
use engine::orchestrator::{GoProToPhotosSync, SyncRequest};
use engine::store::SessionStore;
use tauri::{AppHandle, Emitter, Manager, State};

use super::settings::session_id;
use crate::awake::Awake;
use crate::error::{CommandError, ErrorCode};
use crate::events::TauriSink;
use crate::present::session_view;
use crate::state::{AppCtx, RunHandle};
use base64::Engine as _;

use crate::views::{
    AwakeEvent, CannotMove, Cloud, PreviewItem, RangePreview, SessionView, PREVIEW_GRID_SIZE,
};

/// `preview_thumbnail`: the thumbnail of one medium of the last preview's grid, as a `data:`
/// URL (fetched here, so the page's CSP stays closed and no token reaches it).
#[tauri::command]
pub async fn preview_thumbnail(
    ctx: State<'_, AppCtx>,
    media_id: String,
) -> Result<String, CommandError> {
    let token = ctx
        .thumbnails
        .lock()
        .expect("thumbnails lock")
        .get(&media_id)
        .cloned()
        .ok_or_else(|| {
            CommandError::new(
                ErrorCode::InvalidInput,
                "That photo or video is not in the preview any more.",
            )
        })?;
    let backend = ctx.backend();
    let gopro = backend.gopro(&ctx.settings().engine()).await?;
    let thumbnail = gopro
        .thumbnail(&backend.endpoints.gopro_images, &token)
        .await?;
    Ok(format!(
        "data:{};base64,{}",
        thumbnail.mime,
        base64::engine::general_purpose::STANDARD.encode(&thumbnail.bytes)
    ))
}

/// `preview_range`: what the range holds on GoPro, before anything moves (`engine::preview`).
#[tauri::command]
pub async fn preview_range(
    ctx: State<'_, AppCtx>,
    from: String,
    to: String,
) -> Result<RangePreview, CommandError> {
    let range = CaptureRange::parse(&from, &to)?;
    let backend = ctx.backend();
    let settings = ctx.settings().engine();
    let gopro = backend.gopro(&settings).await?;
    // Counted as already moved: what is in the signed-in account's Google Photos.
    let destination = match backend.photos(&settings).await {
        Ok(photos) => photos.destination().await.ok(),
        Err(_) => None,
    };
    let p = engine::preview::preview_range(
        &gopro,
        backend.store.as_ref(),
        destination.as_ref(),
        range,
        PREVIEW_GRID_SIZE,
    )
    .await?;
    // The page asks for thumbnails by id; the tokens stay here. Added to, not replaced: an
    // older preview that answers last must not take the shown one's tokens away.
    {
        let mut tokens = ctx.thumbnails.lock().expect("thumbnails lock");
        if tokens.len() > 20 * PREVIEW_GRID_SIZE {
            tokens.clear();
        }
        tokens.extend(
            p.grid
                .iter()
                .filter_map(|g| Some((g.id.clone(), g.thumbnail.clone()?))),
        );
    }
    Ok(RangePreview {
        from: range.from().to_string(),
        to: range.to().to_string(),
        photos: p.photos,
        videos: p.videos,
        files: p.files,
        bytes: p.bytes,
        already_in_google: p.already_in_google,
        video_times_to_correct: p.video_times_to_correct,
        correcting_video_times: settings.correct_video_times,
        cannot_move: p
            .cannot_move
            .iter()
            .map(|(reason, count)| CannotMove {
                reason: reason.words().to_string(),
                count: *count,
            })
            .collect(),
        to_move: p.to_move,
        sample: p
            .grid
            .into_iter()
            .map(|g| PreviewItem {
                id: g.id,
                kind: g.kind.into(),
                filename: g.filename,
                captured_at: g.captured_at,
            })
            .collect(),
    })
}

/// `start_sync`: a new session over the range, running in the background.
#[tauri::command]
pub async fn start_sync(
    app: AppHandle,
    ctx: State<'_, AppCtx>,
    from: String,
    to: String,
) -> Result<SessionView, CommandError> {
    let range = CaptureRange::parse(&from, &to)?;
    let id = SessionId::generate(range.from(), range.to(), Utc::now());
    // The person chose what moves now: a resume planned for later is dropped.
    ctx.resumer.clear(&app);
    launch(app, &ctx, id, range).await
}

/// `resume_session`: continues a session with its stored range and settings.
#[tauri::command]
pub async fn resume_session(
    app: AppHandle,
    ctx: State<'_, AppCtx>,
    id: String,
) -> Result<SessionView, CommandError> {
    ctx.resumer.clear(&app);
    resume(app, &ctx, session_id(&id)?).await
}

/// Continues session `id` with its stored range and settings.
pub async fn resume(
    app: AppHandle,
    ctx: &AppCtx,
    id: SessionId,
) -> Result<SessionView, CommandError> {
    let backend = ctx.backend();
    let (_, range) = engine::resumable::resumable(&*backend.store, &id)?;
    launch(app, ctx, id, range).await
}

/// `pause_sync`: the run stops at its next checkpoint, resumable.
#[tauri::command]
pub fn pause_sync(app: AppHandle, ctx: State<'_, AppCtx>) -> Result<(), CommandError> {
    ctx.resumer.clear(&app);
    match ctx.run.lock().expect("run lock").as_ref() {
        Some(run) => {
            run.control.pause();
            Ok(())
        }
        None => Err(CommandError::new(
            ErrorCode::NotFound,
            "Nothing is running.",
        )),
    }
}

/// `cancel_sync`: the run stops at its next checkpoint; nothing is deleted.
#[tauri::command]
pub fn cancel_sync(app: AppHandle, ctx: State<'_, AppCtx>) -> Result<(), CommandError> {
    ctx.resumer.clear(&app);
    match ctx.run.lock().expect("run lock").as_ref() {
        Some(run) => {
            run.control.cancel();
            Ok(())
        }
        None => Err(CommandError::new(
            ErrorCode::NotFound,
            "Nothing is running.",
        )),
    }
}

/// Starts the run (boxed: a run's end may plan and start the next run, see `resumer`, and the
/// compiler cannot see through that cycle of futures).
fn launch<'a>(
    app: AppHandle,
    ctx: &'a AppCtx,
    id: SessionId,
    range: CaptureRange,
) -> std::pin::Pin<
    Box<dyn std::future::Future<Output = Result<SessionView, CommandError>> + Send + 'a>,
> {
    Box::pin(start_run(app, ctx, id, range))
}

async fn start_run(
    app: AppHandle,
    ctx: &AppCtx,
    id: SessionId,
    range: CaptureRange,
) -> Result<SessionView, CommandError> {
    if ctx.run.lock().expect("run lock").is_some() {
        return Err(CommandError::new(
            ErrorCode::Busy,
            "A session is already running. Pause it first, or wait until it finishes.",
        ));
    }
    let backend = ctx.backend();
    // Held by the run task until the run ends: the CLI cannot start one meanwhile, and one the
    // CLI has started is refused here with who runs it.
    let mut lock = backend.run_lock()?;
    lock.set_session(&id);
    let keep_awake = ctx.settings().keep_awake;
    let settings = ctx.settings().engine();
    let gopro = backend.gopro(&settings).await?;
    let photos = backend.photos(&settings).await?;
    let store: Arc<dyn SessionStore> = backend.store.clone();
    let sink = Arc::new(TauriSink::new(app.clone(), store.clone()));
    let mut engine =
        GoProToPhotosSync::new(gopro, photos, store.clone(), settings).with_events(sink);
    if let Some(vault) = backend.upload_vault().await {
        engine = engine.with_upload_vault(vault);
    }
    {
        let mut run = ctx.run.lock().expect("run lock");
        if run.is_some() {
            return Err(CommandError::new(
                ErrorCode::Busy,
                "A session is already running.",
            ));
        }
        *run = Some(RunHandle {
            session_id: id.clone(),
            control: engine.control().clone(),
        });
    }
    ctx.set_problem(Cloud::Gopro, None);
    ctx.set_problem(Cloud::Google, None);
    // The session is recorded (a resumed one rewritten as running) before anything moves: the
    // view returned is it, and the run's first events follow it.
    let started = match engine.start(SyncRequest::over(range, id.clone())) {
        Ok(started) => started,
        Err(err) => {
            *ctx.run.lock().expect("run lock") = None;
            return Err(err.into());
        }
    };
    let view = session_view(&*backend.store, &started.session, None);
    let task_id = id;
    let task_app = app.clone();
    let task_backend = backend.clone();
    tauri::async_runtime::spawn(async move {
        // Idle sleep is held off for the run's life (released on pause, done, quit). Asked for
        // beside the run, not before it: a slow or hung D-Bus must not hold up the move.
        let awake = keep_awake.then(|| {
            let (app, id) = (task_app.clone(), task_id.clone());
            tauri::async_runtime::spawn(async move {
                let awake = tauri::async_runtime::spawn_blocking(Awake::hold)
                    .await
                    .ok()
                    .flatten();
                if awake.is_some() {
                    set_awake(&app, &id, true);
                }
                awake
            })
        });
        let result = started.run().await;
        if let Err(err) = &result {
            tracing::error!(session = %task_id, error = %err, "the session could not run");
        }
        if let Some(pending) = awake {
            // Still being asked for: dropped unseen (a late guard releases itself).
            pending.abort();
            if let Ok(Some(awake)) = pending.await {
                drop(awake);
                set_awake(&task_app, &task_id, false);
            }
        }
        // Released before the run handle clears, so a Start right after never finds it held.
        drop(lock);
        let ctx = task_app.state::<AppCtx>();
        *ctx.run.lock().expect("run lock") = None;
        // What its end allows by itself: a quota pause goes on at the reset.
        if let Ok(outcome) = &result {
            crate::resumer::after_run(&task_app, &outcome.session, outcome.counts.created).await;
        }
        // Keep the backend (and demo clouds) alive for the whole run.
        drop(task_backend);
    });
    Ok(view?)
}

/// Records and tells the page whether the run keeps the computer awake.
fn set_awake(app: &AppHandle, session: &SessionId, keeping_awake: bool) {
    app.state::<AppCtx>()
        .keeping_awake
        .store(keeping_awake, std::sync::atomic::Ordering::SeqCst);
    let _ = app.emit(
        "sync://awake",
        AwakeEvent {
            session_id: session.to_string(),
            keeping_awake,
        },
    );
}
