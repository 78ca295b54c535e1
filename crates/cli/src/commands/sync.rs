//! `sync` and `resume`.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use chrono::{NaiveDate, Utc};
use engine::error::Classified;
use engine::events::EventSink;
use engine::go_on::{go_on, GoOn, QuotaBackoff};
use engine::gopro::{CaptureRange, GoProClient};
use engine::model::SessionId;
use engine::orchestrator::{GoProToPhotosSync, SyncRequest};
use engine::photos::PhotosClient;
use engine::resumable::ResumeError;
use engine::settings::Settings;
use engine::store::SessionStore;

use crate::args::{ResumeArgs, SyncArgs};
use crate::context::{Context, Failure};
use crate::exit;
use crate::output::{JsonLines, Terminal};

/// `q2google sync`.
pub async fn sync(ctx: &Context, args: SyncArgs) -> Result<i32, Failure> {
    let range = CaptureRange::parse(&args.from, &args.to)
        .map_err(|e| Failure::new(exit::BAD_INPUT, e.to_string()))?;
    // Before the store is read: what it says may change under another run.
    let mut lock = ctx.run_lock()?;
    let id = match &args.session_id {
        Some(id) => {
            SessionId::new(id.clone()).map_err(|e| Failure::new(exit::BAD_INPUT, e.to_string()))?
        }
        None => SessionId::generate(range.from(), range.to(), Utc::now()),
    };
    lock.set_session(&id);
    let mut settings = ctx.settings.clone();
    if let Some(album) = args.album {
        settings.album_name_pattern = album;
    }
    if args.no_album {
        settings.album_per_session = false;
    }
    settings.correct_video_times = args.correct_video_times;
    let store = ctx.store()?;
    if store.load_session(&id)?.is_some() {
        return Err(Failure::new(
            exit::BAD_INPUT,
            format!("a session \"{id}\" already exists: `q2google resume {id}` continues it"),
        ));
    }
    let gopro = ctx.gopro().await?;
    let photos = ctx.photos().await?;
    let fail_fast = args.fail_fast.then_some(true);
    run_session(
        gopro,
        photos,
        ctx.upload_vault().await,
        store,
        settings,
        id,
        range.from(),
        range.to(),
        fail_fast,
        Shown {
            json: args.json,
            wait: args.wait,
        },
    )
    .await
}

/// `q2google resume`.
pub async fn resume(ctx: &Context, args: ResumeArgs) -> Result<i32, Failure> {
    let mut lock = ctx.run_lock()?;
    let store = ctx.store()?;
    let id = match args.session_id {
        Some(id) => SessionId::new(id).map_err(|e| Failure::new(exit::BAD_INPUT, e.to_string()))?,
        None => store.latest_unfinished()?.ok_or_else(|| {
            Failure::new(
                exit::BAD_INPUT,
                "there is no unfinished session to resume; `q2google sessions` lists them",
            )
        })?,
    };
    lock.set_session(&id);
    let (session, _) = engine::resumable::resumable(&*store, &id).map_err(|err| match err {
        ResumeError::NoSuchSession(_) => Failure::new(
            exit::for_kind(err.kind()),
            format!("{err} `q2google sessions` lists them."),
        ),
        other => Failure::engine(&other),
    })?;
    let gopro = ctx.gopro().await?;
    let photos = ctx.photos().await?;
    run_session(
        gopro,
        photos,
        ctx.upload_vault().await,
        store,
        ctx.settings.clone(),
        id,
        session.range_from,
        session.range_to,
        None,
        Shown {
            json: args.json,
            wait: args.wait,
        },
    )
    .await
}

/// How a run talks and whether it waits through Google's daily limit.
pub struct Shown {
    /// One JSON object per line on stdout.
    pub json: bool,
    /// Wait for the daily limit to reset and go on (`--wait`).
    pub wait: bool,
}

/// Runs one session to its end with progress, stopping cleanly on Ctrl-C or SIGTERM; with
/// `--wait`, a pause for Google's daily limit waits for the reset (plus
/// `quota_resume_margin`) and the run goes on. Returns the exit code. The caller holds the data
/// folder's [`RunLock`](engine::lock::RunLock) throughout.
#[allow(clippy::too_many_arguments)]
pub async fn run_session(
    gopro: GoProClient,
    photos: PhotosClient,
    vault: Option<engine::vault::UploadVault>,
    store: Arc<dyn SessionStore>,
    settings: Settings,
    id: SessionId,
    from: NaiveDate,
    to: NaiveDate,
    fail_fast: Option<bool>,
    shown: Shown,
) -> Result<i32, Failure> {
    let events: Arc<dyn EventSink> = if shown.json {
        Arc::new(JsonLines::default())
    } else {
        Arc::new(Terminal::default())
    };
    let margin = settings.quota_resume_margin;
    let mut backoff = QuotaBackoff::default();
    loop {
        let mut engine = GoProToPhotosSync::new(
            gopro.clone(),
            photos.clone(),
            store.clone(),
            settings.clone(),
        )
        .with_events(events.clone());
        if let Some(vault) = vault.clone() {
            engine = engine.with_upload_vault(vault);
        }
        let control = engine.control().clone();
        let interrupted = Arc::new(AtomicBool::new(false));
        let flag = interrupted.clone();
        let watcher = tokio::spawn(async move {
            if stop_requested().await {
                flag.store(true, Ordering::SeqCst);
                eprintln!("\nStopping at the next safe point… (press Ctrl-C again to quit at once; resume loses nothing)");
                control.pause();
                if stop_requested().await {
                    std::process::exit(exit::INTERRUPTED);
                }
            }
        });
        let outcome = engine
            .sync_date_range(SyncRequest {
                fail_fast,
                ..SyncRequest::new(from, to, id.clone())
            })
            .await;
        watcher.abort();
        let outcome = outcome.map_err(Failure::from)?;
        let interrupted = interrupted.load(Ordering::SeqCst);
        let session = &outcome.session;
        let due = match go_on(session, margin) {
            GoOn::At(due) if shown.wait && !interrupted => due,
            _ => return Ok(exit::for_status(session.status, interrupted)),
        };
        let until = backoff.next(due, outcome.counts.created, Utc::now());
        let wait = (until - Utc::now()).to_std().unwrap_or_default();
        if shown.json {
            println!(
                "{}",
                serde_json::json!({"event": "waiting_for_quota", "session_id": id.as_str(), "until": until})
            );
        } else {
            eprintln!(
                "Google's daily limit is used up; waiting until {} (in {}) to go on. Ctrl-C stops; \
                 `q2google resume {id}` continues later.",
                until.with_timezone(&chrono::Local).format("%H:%M"),
                crate::output::human_wait(wait.as_secs())
            );
        }
        if wait_until(until).await {
            return Ok(exit::INTERRUPTED);
        }
    }
}

/// Waits until `until` on the wall clock (a sleeping laptop counts); true when Ctrl-C or
/// SIGTERM came first.
async fn wait_until(until: chrono::DateTime<Utc>) -> bool {
    let stopped = async {
        if stop_requested().await {
            return;
        }
        // No signal can be watched: the wait goes on without it.
        std::future::pending::<()>().await
    };
    tokio::select! {
        _ = engine::go_on::wait_until(until) => false,
        _ = stopped => true,
    }
}

/// Waits for Ctrl-C or, on Unix, SIGTERM (a service manager or a scheduled job stopping the
/// run): both stop at the next checkpoint. False if no signal can be watched.
async fn stop_requested() -> bool {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let Ok(mut term) = signal(SignalKind::terminate()) else {
            return tokio::signal::ctrl_c().await.is_ok();
        };
        tokio::select! {
            interrupted = tokio::signal::ctrl_c() => interrupted.is_ok(),
            _ = term.recv() => true,
        }
    }
    #[cfg(not(unix))]
    {
        tokio::signal::ctrl_c().await.is_ok()
    }
}
