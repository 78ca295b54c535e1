//! Going on without a click: a session q2google was closed in the middle of goes on when the app
//! starts again, one Google's daily limit paused goes on at the reset, one that needed a sign-in
//! goes on right after it. When each may go on is the engine's rule ([`engine::go_on`]); this
//! module keeps the plan, waits for its time, starts the run and tells the page
//! (`sync://auto-resume`, and `app_state`'s `autoResume`).

use std::sync::Mutex;

use chrono::{DateTime, Utc};
use engine::go_on::{go_on, wait_until, GoOn, QuotaBackoff};
use engine::model::{SessionId, SessionRecord};
use engine::store::SessionStore;
use tauri::async_runtime::JoinHandle;
use tauri::{AppHandle, Emitter, Manager};

use crate::state::AppCtx;
use crate::views::{AutoResumeEvent, AutoResumeView, AutoResumeWhy, Cloud};

/// The app's plan for going on by itself (at most one: one session runs at a time).
#[derive(Default)]
pub struct Resumer {
    inner: Mutex<Plan>,
}

#[derive(Default)]
struct Plan {
    /// What the page is told: a resume waiting for its time, or the one made.
    view: Option<AutoResumeView>,
    /// The task waiting for that time.
    timer: Option<JoinHandle<()>>,
    /// A session's quota pauses that moved nothing wait longer each time.
    backoff: Option<(SessionId, QuotaBackoff)>,
}

impl Resumer {
    /// What the app will do or did by itself.
    pub fn view(&self) -> Option<AutoResumeView> {
        self.inner.lock().expect("resumer lock").view.clone()
    }

    /// Forgets the plan: the person paused, started or resumed something, or turned the setting
    /// off. A resume waiting for its time will not happen.
    pub fn clear(&self, app: &AppHandle) {
        self.replace(app, None, None);
    }

    fn replace(
        &self,
        app: &AppHandle,
        view: Option<AutoResumeView>,
        timer: Option<JoinHandle<()>>,
    ) {
        let changed = {
            let mut plan = self.inner.lock().expect("resumer lock");
            if let Some(old) = std::mem::replace(&mut plan.timer, timer) {
                old.abort();
            }
            let changed = plan.view != view;
            plan.view = view.clone();
            changed
        };
        if changed {
            let _ = app.emit("sync://auto-resume", AutoResumeEvent { auto_resume: view });
        }
    }

    /// The timer's own task is running: it must not abort itself when it replaces the plan.
    fn timer_fired(&self) {
        self.inner.lock().expect("resumer lock").timer = None;
    }

    fn quota_time(&self, session: &SessionId, due: DateTime<Utc>, created: u64) -> DateTime<Utc> {
        let mut plan = self.inner.lock().expect("resumer lock");
        if plan.backoff.as_ref().is_none_or(|(id, _)| id != session) {
            plan.backoff = Some((session.clone(), QuotaBackoff::default()));
        }
        let (_, backoff) = plan.backoff.as_mut().expect("just set");
        backoff.next(due, created, Utc::now())
    }
}

/// At start: the most recent unfinished session goes on if its last run allows (interrupted:
/// now; a quota pause: at the reset; a sign-in: once it succeeds). `at_login`: the system
/// started q2google as the person logged in; a move that goes on then does so with the window
/// hidden (the tray and a notification say so), as the person left it.
pub async fn at_start(app: AppHandle, at_login: bool) {
    let ctx = app.state::<AppCtx>();
    let store = ctx.backend().store.clone();
    let latest = match store.latest_unfinished() {
        Ok(Some(id)) => store.load_session(&id),
        Ok(None) => Ok(None),
        Err(e) => Err(e),
    };
    match latest {
        Ok(Some(session)) => plan(&app, &session, None, true).await,
        Ok(None) => {}
        Err(e) => tracing::warn!(error = %e, "cannot look for a session to go on with"),
    }
    if !at_login {
        return;
    }
    // Started at login, the window stayed hidden (see `lib.rs`): it shows only when nothing
    // goes on by itself; otherwise a notification says what happens.
    match ctx.resumer.view() {
        Some(AutoResumeView {
            at: Some(at),
            session_id,
            ..
        }) => {
            let at = DateTime::parse_from_rfc3339(&at)
                .map(|t| t.with_timezone(&Utc))
                .unwrap_or_else(|_| Utc::now());
            let moved = SessionId::new(&session_id)
                .ok()
                .and_then(|id| store.counts(&id).ok())
                .map(|c| c.created)
                .unwrap_or_default();
            crate::notices::quota_resumes(at, moved, Utc::now()).show(&app);
        }
        Some(_) => crate::notices::going_on_at_login().show(&app),
        None => crate::tray::show_window(&app),
    }
}

/// After a run ends: plans what its end allows (a quota pause goes on at the reset), or nothing.
/// `created` is how many of its files are in Google Photos, so a pause that moved nothing waits
/// longer the next time.
pub async fn after_run(app: &AppHandle, session: &SessionRecord, created: u64) {
    plan(app, session, Some(created), false).await;
}

/// `starting`: the app is starting (an interrupted session goes on only then: a run that ends
/// interrupted now is the app quitting).
async fn plan(app: &AppHandle, session: &SessionRecord, created: Option<u64>, starting: bool) {
    let ctx = app.state::<AppCtx>();
    let on = ctx.settings().resume_by_itself;
    let margin = ctx.settings().engine().quota_resume_margin;
    match go_on(session, margin) {
        GoOn::Now if on && starting => {
            go_on_now(app, session.id.clone(), AutoResumeWhy::Interrupted).await
        }
        GoOn::At(due) if on => {
            let at = ctx
                .resumer
                .quota_time(&session.id, due, created.unwrap_or(u64::MAX));
            if !starting {
                // Nobody may be watching: say when it goes on (at start, the window says it).
                let moved = ctx
                    .backend()
                    .store
                    .counts(&session.id)
                    .map(|c| c.created)
                    .unwrap_or_default();
                crate::notices::quota_resumes(at, moved, Utc::now()).show(app);
            }
            schedule(app, session.id.clone(), at);
        }
        GoOn::AfterLogin(cloud) => {
            // A sign-in is the person's own click: it goes on after it whatever the setting.
            *ctx.awaiting_login.lock().expect("awaiting lock") =
                Some((Cloud::from(cloud), session.id.clone()));
            ctx.resumer.clear(app);
        }
        GoOn::Now | GoOn::At(_) | GoOn::WhenAsked => ctx.resumer.clear(app),
    }
}

/// Waits (on the wall clock: a sleeping laptop counts) until `at`, then goes on with `session`.
fn schedule(app: &AppHandle, session: SessionId, at: DateTime<Utc>) {
    tracing::info!(session = %session, at = %at, "goes on by itself when Google's daily limit has reset");
    let view = AutoResumeView {
        session_id: session.to_string(),
        why: AutoResumeWhy::DailyQuota,
        at: Some(at.to_rfc3339()),
    };
    let task_app = app.clone();
    let timer = tauri::async_runtime::spawn(async move {
        wait_until(at).await;
        task_app.state::<AppCtx>().resumer.timer_fired();
        go_on_now(&task_app, session, AutoResumeWhy::DailyQuota).await;
    });
    app.state::<AppCtx>()
        .resumer
        .replace(app, Some(view), Some(timer));
}

/// Continues `session` now, and says so; a failure (a run going on, a login missing) is logged
/// and leaves the session for the person.
async fn go_on_now(app: &AppHandle, session: SessionId, why: AutoResumeWhy) {
    let ctx = app.state::<AppCtx>();
    match crate::commands::sync::resume(app.clone(), &ctx, session.clone()).await {
        Ok(_) => {
            tracing::info!(session = %session, ?why, "went on by itself");
            let view = AutoResumeView {
                session_id: session.to_string(),
                why,
                at: None,
            };
            ctx.resumer.replace(app, Some(view), None);
        }
        Err(err) => {
            tracing::warn!(session = %session, ?why, error = %err.message, "could not go on by itself");
            ctx.resumer.clear(app);
        }
    }
}

/// A sign-in to `cloud` succeeded: the session that stopped for it goes on.
pub async fn after_login(app: &AppHandle, cloud: Cloud) {
    let ctx = app.state::<AppCtx>();
    let waiting = {
        let mut slot = ctx.awaiting_login.lock().expect("awaiting lock");
        match slot.as_ref() {
            Some((c, _)) if *c == cloud => slot.take(),
            _ => None,
        }
    };
    if let Some((_, id)) = waiting {
        go_on_now(app, id, AutoResumeWhy::Login).await;
    }
}
