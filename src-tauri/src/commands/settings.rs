//! Preferences (kept with tauri-plugin-store), the app's state at a glance, logs, links.

use std::sync::Arc;

use engine::model::{Destination, SessionId};
use engine::secret::Secret;
use engine::store::SessionStore;
use engine::tokens::Account;
use serde_json::json;
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_autostart::ManagerExt;
use tauri_plugin_opener::OpenerExt;
use tauri_plugin_store::StoreExt;

use crate::error::{CommandError, ErrorCode};
use crate::present::session_view;
use crate::state::{AppCtx, Backend};
use crate::views::{AccountStatus, AppState, Cloud, SessionView, Settings};

/// The preferences file (in the app's config folder).
pub const STORE_FILE: &str = "settings.json";

fn store_error(e: impl std::fmt::Display) -> CommandError {
    CommandError::new(
        ErrorCode::DiskFull,
        format!("cannot save your settings: {e}"),
    )
}

/// Reads the saved preferences (defaults when none).
pub fn load<R: Runtime>(app: &AppHandle<R>) -> Settings {
    app.store(STORE_FILE)
        .ok()
        .and_then(|s| s.get("settings"))
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default()
}

/// "GoPro user 6F1D0C": a GoPro user id is a UUID, too long and meaningless to show whole.
fn gopro_user_label(user_id: &str) -> String {
    let short: String = user_id
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(6)
        .collect();
    if short.is_empty() {
        "GoPro account".into()
    } else {
        format!("GoPro user {}", short.to_ascii_uppercase())
    }
}

/// The state of one login.
pub async fn account(ctx: &AppCtx, backend: &Backend, cloud: Cloud) -> AccountStatus {
    let (token, label, client_id) = match cloud {
        Cloud::Gopro => (
            backend.token(Account::GoProAccessToken).await,
            backend
                .token(Account::GoProUserId)
                .await
                .ok()
                .flatten()
                .map(|s| gopro_user_label(s.expose())),
            None,
        ),
        Cloud::Google => {
            let destination = backend
                .token(Account::GoogleAccount)
                .await
                .ok()
                .flatten()
                .and_then(|s| Destination::from_stored(&s));
            (
                backend.token(Account::GoogleRefreshToken).await,
                destination
                    .as_ref()
                    .map(|d| d.account.email.clone())
                    .filter(|email| !email.is_empty()),
                destination.map(|d| d.client_id),
            )
        }
    };
    let (connected, problem) = match token {
        Ok(t) => (t.is_some(), ctx.problem(cloud)),
        Err(e) => (false, Some(e.message)),
    };
    let problem = problem.or_else(|| {
        if connected {
            None
        } else {
            backend.keyring_problem.clone()
        }
    });
    let label = match cloud {
        Cloud::Gopro if connected => label.or(Some("GoPro account".into())),
        Cloud::Google if connected => label.or(Some(if backend.demo.is_some() {
            "Demo Google Photos".into()
        } else {
            "Google Photos".into()
        })),
        _ => None,
    };
    AccountStatus {
        cloud,
        connected,
        label,
        problem,
        client_id: client_id.filter(|_| connected),
    }
}

/// The running session, else the latest one.
pub fn current_session(
    ctx: &AppCtx,
    backend: &Backend,
) -> Result<Option<SessionView>, CommandError> {
    let running = ctx
        .run
        .lock()
        .expect("run lock")
        .as_ref()
        .map(|r| r.session_id.clone());
    let live = ctx.stages.lock().expect("stages lock").clone();
    let store: &dyn SessionStore = &*backend.store;
    let record = match running {
        Some(id) => store.load_session(&id)?,
        None => store.list_sessions()?.into_iter().next().map(|s| s.session),
    };
    Ok(match record {
        Some(r) => {
            let stages = live.filter(|(id, _)| *id == r.id.as_str()).map(|(_, s)| s);
            let mut view = session_view(store, &r, stages)?;
            if ctx
                .run
                .lock()
                .expect("run lock")
                .as_ref()
                .is_some_and(|h| h.session_id == r.id)
            {
                view.resumable = false;
            }
            Some(view)
        }
        None => None,
    })
}

/// `app_state`: both logins, demo mode, first run, the current session.
#[tauri::command]
pub async fn app_state(app: AppHandle, ctx: State<'_, AppCtx>) -> Result<AppState, CommandError> {
    let backend = ctx.backend();
    let first_run = !app
        .store(STORE_FILE)
        .ok()
        .and_then(|s| s.get("welcomeDone"))
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    Ok(AppState {
        gopro: account(&ctx, &backend, Cloud::Gopro).await,
        google: account(&ctx, &backend, Cloud::Google).await,
        demo: backend.demo.is_some(),
        first_run,
        current: current_session(&ctx, &backend)?,
        notice: ctx.notice.lock().expect("notice lock").clone(),
        keeping_awake: ctx.keeping_awake.load(std::sync::atomic::Ordering::SeqCst),
        auto_resume: ctx.resumer.view(),
        version: app.package_info().version.to_string(),
    })
}

/// `finish_welcome`: the first-run welcome is done.
#[tauri::command]
pub fn finish_welcome(app: AppHandle) -> Result<(), CommandError> {
    let store = app.store(STORE_FILE).map_err(store_error)?;
    store.set("welcomeDone", json!(true));
    store.save().map_err(store_error)
}

/// `get_settings`.
#[tauri::command]
pub async fn get_settings(
    app: AppHandle,
    ctx: State<'_, AppCtx>,
) -> Result<Settings, CommandError> {
    let mut settings = ctx.settings();
    settings.start_at_login = app.autolaunch().is_enabled().unwrap_or_else(|e| {
        tracing::warn!(error = %e, "cannot read whether q2google starts at login");
        false
    });
    settings.google_client_secret = None;
    settings.google_client_secret_saved = ctx
        .backend()
        .token(Account::GoogleClientSecret)
        .await
        .ok()
        .flatten()
        .is_some();
    Ok(settings)
}

/// `set_settings`: saves, and rebuilds the backend when demo mode or the Google client changed.
#[tauri::command]
pub async fn set_settings(
    app: AppHandle,
    ctx: State<'_, AppCtx>,
    settings: Settings,
) -> Result<Settings, CommandError> {
    let mut settings = settings;
    if settings.album_name_pattern.trim().is_empty() {
        return Err(CommandError::new(
            ErrorCode::InvalidInput,
            "The album name cannot be empty.",
        ));
    }
    settings.concurrency = settings
        .concurrency
        .clamp(1, engine::settings::CONCURRENCY_MAX as u32);
    let previous = ctx.settings();
    // Everything that can refuse goes first, so a refusal leaves nothing half-applied: the
    // running session, then the login item (the OS keeps that one; `get_settings` reads it).
    let rebuild = previous.demo_mode != settings.demo_mode
        || previous.google_client_id != settings.google_client_id;
    if rebuild && ctx.run.lock().expect("run lock").is_some() {
        return Err(CommandError::new(
            ErrorCode::Busy,
            "Pause the running session before switching demo mode or the Google client.",
        ));
    }
    let autolaunch = app.autolaunch();
    if autolaunch.is_enabled().unwrap_or(false) != settings.start_at_login {
        let changed = if settings.start_at_login {
            autolaunch.enable()
        } else {
            autolaunch.disable()
        };
        changed.map_err(|e| {
            tracing::warn!(error = %e, "cannot change the login item");
            CommandError::new(
                ErrorCode::Internal,
                format!(
                    "q2google could not {} starting when you log in ({e}). Your other settings \
                     were not saved; try again.",
                    if settings.start_at_login {
                        "turn on"
                    } else {
                        "turn off"
                    }
                ),
            )
        })?;
    }
    if let Some(secret) = settings
        .google_client_secret
        .take()
        .filter(|s| !s.trim().is_empty())
    {
        ctx.backend()
            .set_token(
                Account::GoogleClientSecret,
                Secret::new(secret.trim().to_string()),
            )
            .await?;
    }
    if rebuild {
        // Asked again: a run may have started while the keyring was written.
        if ctx.run.lock().expect("run lock").is_some() {
            return Err(CommandError::new(
                ErrorCode::Busy,
                "Pause the running session before switching demo mode or the Google client.",
            ));
        }
        let backend = Backend::build(&ctx.app_data, &settings)?;
        *ctx.backend.lock().expect("backend lock") = Arc::new(backend);
    }
    let store = app.store(STORE_FILE).map_err(store_error)?;
    let mut saved = settings.clone();
    saved.google_client_secret_saved = false;
    store.set(
        "settings",
        serde_json::to_value(&saved).map_err(store_error)?,
    );
    store.save().map_err(store_error)?;
    let stop_planning = previous.resume_by_itself && !settings.resume_by_itself;
    *ctx.settings.lock().expect("settings lock") = settings;
    if stop_planning {
        // A resume waiting for Google's reset will not happen.
        ctx.resumer.clear(&app);
    }
    get_settings(app, ctx).await
}

/// `open_logs_folder`.
#[tauri::command]
pub fn open_logs_folder(app: AppHandle, ctx: State<'_, AppCtx>) -> Result<(), CommandError> {
    app.opener()
        .open_path(ctx.log_dir.to_string_lossy(), None::<&str>)
        .map_err(|e| {
            CommandError::new(
                ErrorCode::Internal,
                format!("cannot open the logs folder {}: {e}", ctx.log_dir.display()),
            )
        })
}

/// `open_url`: opens a Google Photos link (or, in demo mode, a link of the demo clouds) in the
/// system browser. Anything else is refused: the window cannot open arbitrary URLs.
#[tauri::command]
pub fn open_url(app: AppHandle, ctx: State<'_, AppCtx>, url: String) -> Result<(), CommandError> {
    let parsed = url::Url::parse(&url)
        .map_err(|_| CommandError::new(ErrorCode::InvalidInput, "That is not a link."))?;
    let backend = ctx.backend();
    let google = parsed.scheme() == "https"
        && matches!(
            parsed.host_str(),
            Some("photos.google.com") | Some("photos.app.goo.gl")
        );
    let demo = backend.demo.is_some() && parsed.origin() == backend.endpoints.photos_api.origin();
    if !(google || demo) {
        return Err(CommandError::new(
            ErrorCode::InvalidInput,
            "q2google only opens Google Photos links.",
        ));
    }
    app.opener()
        .open_url(parsed.as_str(), None::<&str>)
        .map_err(|e| {
            CommandError::new(ErrorCode::Internal, format!("cannot open the browser: {e}"))
        })
}

/// Parses a session id from the UI.
pub fn session_id(id: &str) -> Result<SessionId, CommandError> {
    SessionId::new(id).map_err(|e| CommandError::new(ErrorCode::InvalidInput, e.to_string()))
}
