//! The tray icon: a move goes on with the window closed, and the tray shows how far it is
//! ("Moving 1,204 of 5,310 · 3 h left") with Show, Pause/Resume and Quit. Closing the window
//! while a session runs hides it here (the first time, a notification says so); with nothing
//! running, closing quits as before.
//!
//! On Linux the tray is an AppIndicator (StatusNotifierItem): its menu is all there is (no
//! tooltip, no click), so the first line of the menu carries the progress. A desktop without a
//! tray (GNOME without its extension) shows nothing; opening q2google again shows the window.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use engine::model::SessionId;
use engine::store::SessionStore;
use tauri::menu::{Menu, MenuEvent, MenuItem, PredefinedMenuItem};
use tauri::tray::{TrayIcon, TrayIconBuilder};
use tauri::{AppHandle, Manager, WebviewWindow, Window, WindowEvent, Wry};
use tauri_plugin_notification::NotificationExt;
use tauri_plugin_store::StoreExt;

use crate::commands::settings::STORE_FILE;
use crate::state::AppCtx;

/// The tray's menu is rewritten at most this often while files move.
const REFRESH: Duration = Duration::from_secs(1);
/// How long Quit waits for the run to reach its checkpoint before it exits anyway (what is not
/// checkpointed by then is sent again next time; nothing is lost).
const QUIT_WAIT: Duration = Duration::from_secs(20);
/// The settings store's key for "the hidden-to-tray notification was shown once".
const HIDDEN_NOTICE_KEY: &str = "trayNoticeShown";

/// The tray icon and the menu items that change.
pub struct Tray {
    icon: TrayIcon<Wry>,
    status: MenuItem<Wry>,
    toggle: MenuItem<Wry>,
    last: Mutex<Option<(String, Toggle, Instant)>>,
    /// Quit was chosen: the run ending now is the app quitting, not news for a notification.
    quitting: AtomicBool,
}

/// What the Pause/Resume item does now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Toggle {
    /// A session runs: Pause.
    Pause,
    /// Nothing runs and a session can go on: Resume.
    Resume,
    /// Nothing to pause or resume.
    Nothing,
}

/// Puts q2google's icon in the tray.
pub fn install(app: &AppHandle) -> tauri::Result<()> {
    let status = MenuItem::with_id(app, "status", "Nothing is moving", false, None::<&str>)?;
    let show = MenuItem::with_id(app, "show", "Show q2google", true, None::<&str>)?;
    let toggle = MenuItem::with_id(app, "toggle", "Pause", false, None::<&str>)?;
    let quit = MenuItem::with_id(app, "quit", "Quit q2google", true, None::<&str>)?;
    let menu = Menu::with_items(
        app,
        &[
            &status,
            &PredefinedMenuItem::separator(app)?,
            &show,
            &toggle,
            &PredefinedMenuItem::separator(app)?,
            &quit,
        ],
    )?;
    let mut builder = TrayIconBuilder::with_id("main")
        .tooltip("q2google")
        .menu(&menu)
        .show_menu_on_left_click(true)
        .on_menu_event(on_menu);
    if let Some(icon) = app.default_window_icon() {
        builder = builder.icon(icon.clone());
    }
    let icon = builder.build(app)?;
    app.manage(Tray {
        icon,
        status,
        toggle,
        last: Mutex::new(None),
        quitting: AtomicBool::new(false),
    });
    refresh_idle(app, "Nothing is moving");
    Ok(())
}

/// Shows `line` (progress while moving) on the tray with the Pause/Resume item as `toggle`.
/// `throttled` lines (progress ticks) are written at most every [`REFRESH`].
pub fn show(app: &AppHandle, line: &str, toggle: Toggle, throttled: bool) {
    let Some(tray) = app.try_state::<Tray>() else {
        return;
    };
    {
        let mut last = tray.last.lock().expect("tray lock");
        if let Some((text, was, at)) = last.as_ref() {
            if (text == line && *was == toggle) || (throttled && at.elapsed() < REFRESH) {
                return;
            }
        }
        *last = Some((line.to_string(), toggle, Instant::now()));
    }
    let _ = tray.status.set_text(line);
    let _ = tray.icon.set_tooltip(Some(format!("q2google · {line}")));
    let (text, enabled) = match toggle {
        Toggle::Pause => ("Pause", true),
        Toggle::Resume => ("Resume", true),
        Toggle::Nothing => ("Pause", false),
    };
    let _ = tray.toggle.set_text(text);
    let _ = tray.toggle.set_enabled(enabled);
}

/// Nothing runs now: `line` says how things stand, and Resume is offered if a session can go on.
pub fn refresh_idle(app: &AppHandle, line: &str) {
    let resumable = latest_unfinished(app).is_some();
    show(
        app,
        line,
        if resumable {
            Toggle::Resume
        } else {
            Toggle::Nothing
        },
        false,
    );
}

/// The app is going away (Quit, an update's restart) or not after all: a run ending now is not
/// news for a notification.
pub fn set_quitting(app: &AppHandle, quitting: bool) {
    if let Some(tray) = app.try_state::<Tray>() {
        tray.quitting.store(quitting, Ordering::SeqCst);
    }
}

/// Quit was chosen from the tray (or an update restarts the app).
pub fn quitting(app: &AppHandle) -> bool {
    app.try_state::<Tray>()
        .is_some_and(|t| t.quitting.load(Ordering::SeqCst))
}

/// "Moving 1,204 of 5,310 · 3 h left".
pub fn moving_line(files_done: u64, files_total: u64, eta_secs: Option<f64>) -> String {
    let mut line = format!(
        "Moving {} of {}",
        thousands(files_done.min(files_total)),
        thousands(files_total)
    );
    if let Some(left) = eta_secs.filter(|s| s.is_finite() && *s >= 0.0) {
        line.push_str(" · ");
        line.push_str(&time_left(left));
    }
    line
}

/// "less than a minute left", "12 min left", "3 h left", "2 days left".
pub fn time_left(secs: f64) -> String {
    let mins = (secs / 60.0).round() as u64;
    if secs < 60.0 {
        "less than a minute left".into()
    } else if mins < 90 {
        format!("{mins} min left")
    } else if secs < 48.0 * 3600.0 {
        format!("{} h left", (secs / 3600.0).round() as u64)
    } else {
        format!("{} days left", (secs / 86_400.0).round() as u64)
    }
}

/// 5310 → "5,310".
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The main window's close button: while a session runs or waits to resume by itself (Google's
/// quota reset), the window hides to the tray and the move goes on (the first time, a
/// notification says so); otherwise it closes and q2google quits.
pub fn on_window_event(window: &Window, event: &WindowEvent) {
    let WindowEvent::CloseRequested { api, .. } = event else {
        return;
    };
    let app = window.app_handle();
    if window.label() != "main" {
        return;
    }
    if quitting(app) {
        // Quit waits for the run's checkpoint; closing the window now must not cut it short.
        api.prevent_close();
        let _ = window.hide();
        return;
    }
    let ctx = app.state::<AppCtx>();
    let running = ctx.run.lock().expect("run lock").is_some();
    // A session that resumes by itself later (at Google's quota reset) counts as moving.
    let planned = ctx.resumer.view().is_some_and(|v| v.at.is_some());
    if !running && !planned {
        return;
    }
    api.prevent_close();
    let _ = window.hide();
    tracing::info!(
        running,
        planned,
        "window closed during a move: hidden, the move goes on"
    );
    let store = app.store(STORE_FILE).ok();
    let shown = store
        .as_ref()
        .and_then(|s| s.get(HIDDEN_NOTICE_KEY))
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    if !shown {
        let _ = app
            .notification()
            .builder()
            .title("q2google keeps moving your files")
            .body(
                "The window is closed, the move goes on. Open q2google again, or use its icon in \
                 the tray, to see it, pause it or quit.",
            )
            .show();
        if let Some(store) = store {
            store.set(HIDDEN_NOTICE_KEY, serde_json::json!(true));
            let _ = store.save();
        }
    }
}

/// Shows and focuses the main window (the tray's Show, a second launch).
pub fn show_window(app: &AppHandle) {
    if let Some(window) = app.get_webview_window("main") {
        focus(&window);
    }
}

fn focus(window: &WebviewWindow) {
    let _ = window.unminimize();
    let _ = window.show();
    let _ = window.set_focus();
}

fn on_menu(app: &AppHandle, event: MenuEvent) {
    match event.id().as_ref() {
        "show" => show_window(app),
        "toggle" => toggle(app),
        "quit" => quit(app),
        _ => {}
    }
}

/// Pause when a session runs; otherwise go on with the latest unfinished one.
fn toggle(app: &AppHandle) {
    let ctx = app.state::<AppCtx>();
    ctx.resumer.clear(app);
    if let Some(run) = ctx.run.lock().expect("run lock").as_ref() {
        run.control.pause();
        return;
    }
    let Some(id) = latest_unfinished(app) else {
        return;
    };
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let ctx = app.state::<AppCtx>();
        if let Err(err) = crate::commands::sync::resume(app.clone(), &ctx, id).await {
            tracing::warn!(error = %err.message, "resume from the tray failed");
            show_window(&app);
            let _ = app
                .notification()
                .builder()
                .title("q2google could not resume")
                .body(err.message)
                .show();
        }
    });
}

/// Pauses a running session at its next checkpoint (recorded as interrupted, so it goes on by
/// itself at the next start), waits for it, and exits.
fn quit(app: &AppHandle) {
    let Some(tray) = app.try_state::<Tray>() else {
        app.exit(0);
        return;
    };
    if tray.quitting.swap(true, Ordering::SeqCst) {
        return;
    }
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let ctx = app.state::<AppCtx>();
        if let Some(run) = ctx.run.lock().expect("run lock").as_ref() {
            tracing::info!(session = %run.session_id, "quit from the tray: stopping at a checkpoint");
            run.control.quit();
        }
        show(&app, "Stopping at a checkpoint…", Toggle::Nothing, false);
        let started = Instant::now();
        while ctx.run.lock().expect("run lock").is_some() && started.elapsed() < QUIT_WAIT {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        app.exit(0);
    });
}

fn latest_unfinished(app: &AppHandle) -> Option<SessionId> {
    let store = app.try_state::<AppCtx>()?.backend().store.clone();
    store.latest_unfinished().ok().flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_reads_like_the_issue_says() {
        assert_eq!(
            moving_line(1204, 5310, Some(3.0 * 3600.0 + 200.0)),
            "Moving 1,204 of 5,310 · 3 h left"
        );
        assert_eq!(moving_line(0, 44, None), "Moving 0 of 44");
        assert_eq!(
            moving_line(3, 4, Some(30.0)),
            "Moving 3 of 4 · less than a minute left"
        );
        assert_eq!(moving_line(9, 4, f64::NAN.into()), "Moving 4 of 4");
    }

    #[test]
    fn time_left_rounds_to_what_a_person_reads() {
        assert_eq!(time_left(12.0 * 60.0 + 10.0), "12 min left");
        assert_eq!(time_left(89.0 * 60.0), "89 min left");
        assert_eq!(time_left(2.6 * 3600.0), "3 h left");
        assert_eq!(time_left(47.0 * 3600.0), "47 h left");
        assert_eq!(time_left(3.2 * 86_400.0), "3 days left");
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(100_000), "100,000");
        assert_eq!(thousands(12_345_678), "12,345,678");
    }
}
