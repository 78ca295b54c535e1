//! The engine's `SyncEvent`s as typed Tauri events (`sync://stage`, `sync://item`,
//! `sync://metrics`, `sync://session`, `sync://network`), throttled where they could be
//! frequent; the tray's status line; and the desktop notifications ([`crate::notices`]) when a
//! session ends or the network is gone for minutes.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use engine::events::{EventSink, SyncEvent};
use engine::model::SessionId;
use engine::store::SessionStore;
use tauri::{AppHandle, Emitter, Manager};

use crate::notices::{self, RunEnd};
use crate::present::session_view;
use crate::state::AppCtx;
use crate::tray::{self, Toggle};
use crate::views::{
    Cloud, ItemEvent, ItemState, ItemView, MetricsEvent, NetworkEvent, SessionEvent, Stage,
    StageEvent, StageState, Stages,
};

/// Progress of one file is sent at most this often.
const ITEM_INTERVAL: Duration = Duration::from_millis(250);
/// Session counts are sent at most this often while discovery runs.
const SESSION_INTERVAL: Duration = Duration::from_millis(500);

/// Sends a run's events to the window.
pub struct TauriSink {
    app: AppHandle,
    store: Arc<dyn SessionStore>,
    last_item: Mutex<HashMap<String, Instant>>,
    last_session: Mutex<Instant>,
    names: Mutex<HashMap<String, (String, Option<u64>)>>,
    /// The waits for the network now going on, per cloud.
    network: Arc<Mutex<NetworkWaits>>,
    /// The run ended: a progress tick still under way does not write "Moving…" on the tray
    /// over the line that says how it ended.
    ended: AtomicBool,
}

/// Which clouds the run waits for, and a number per cloud bumped whenever its wait begins or
/// ends, so a "waiting for the network" notification due for an older wait is not shown.
#[derive(Default)]
struct NetworkWaits {
    waiting: [bool; 2],
    generation: [u64; 2],
}

impl NetworkWaits {
    fn slot(cloud: Cloud) -> usize {
        match cloud {
            Cloud::Gopro => 0,
            Cloud::Google => 1,
        }
    }

    /// Marks `cloud` waiting (or not) and returns its new generation.
    fn set(&mut self, cloud: Cloud, waiting: bool) -> u64 {
        let i = Self::slot(cloud);
        self.waiting[i] = waiting;
        self.generation[i] += 1;
        self.generation[i]
    }

    /// The run ended: no wait goes on, and no notice of one is due.
    fn end_all(&mut self) {
        for cloud in [Cloud::Gopro, Cloud::Google] {
            self.set(cloud, false);
        }
    }

    fn any_waiting(&self) -> bool {
        self.waiting.iter().any(|w| *w)
    }
}

impl TauriSink {
    /// A sink for runs against `store`.
    pub fn new(app: AppHandle, store: Arc<dyn SessionStore>) -> Self {
        Self {
            app,
            store,
            last_item: Mutex::new(HashMap::new()),
            last_session: Mutex::new(Instant::now() - SESSION_INTERVAL),
            names: Mutex::new(HashMap::new()),
            network: Arc::new(Mutex::new(NetworkWaits::default())),
            ended: AtomicBool::new(false),
        }
    }

    /// A wait for the network began: if it still goes on after
    /// [`notices::NETWORK_NOTICE_AFTER`], a notification says so.
    fn network_wait_began(&self, cloud: Cloud, since: chrono::DateTime<chrono::Utc>) {
        let wait = self.network.lock().expect("network lock").set(cloud, true);
        let (app, network) = (self.app.clone(), self.network.clone());
        tauri::async_runtime::spawn(async move {
            tokio::time::sleep(notices::NETWORK_NOTICE_AFTER).await;
            let still =
                network.lock().expect("network lock").generation[NetworkWaits::slot(cloud)] == wait;
            if still {
                notices::network_gone(cloud, since, chrono::Utc::now()).show(&app);
            }
        });
    }

    fn ctx(&self) -> tauri::State<'_, AppCtx> {
        self.app.state::<AppCtx>()
    }

    fn set_stage(&self, session: &SessionId, stage: Stage, state: StageState) {
        let ctx = self.ctx();
        let mut stages = ctx.stages.lock().expect("stages lock");
        let entry = stages.get_or_insert_with(|| (session.to_string(), pending()));
        if entry.0 != session.as_str() {
            *entry = (session.to_string(), pending());
        }
        match stage {
            Stage::Discovery => entry.1.discovery = state,
            Stage::Transfer => entry.1.transfer = state,
            Stage::Create => entry.1.create = state,
        }
        drop(stages);
        let _ = self.app.emit(
            "sync://stage",
            StageEvent {
                session_id: session.to_string(),
                stage,
                state,
            },
        );
    }

    fn send_session(&self, session: &SessionId, force: bool) {
        {
            let mut last = self.last_session.lock().expect("session throttle");
            if !force && last.elapsed() < SESSION_INTERVAL {
                return;
            }
            *last = Instant::now();
        }
        let live = self
            .ctx()
            .stages
            .lock()
            .expect("stages lock")
            .as_ref()
            .filter(|(id, _)| id == session.as_str())
            .map(|(_, s)| *s);
        if let Ok(Some(record)) = self.store.load_session(session) {
            if let Ok(view) = session_view(&*self.store, &record, live) {
                let _ = self
                    .app
                    .emit("sync://session", SessionEvent { session: view });
            }
        }
    }

    /// Forgets a file that reached a state it will not leave in this run, so the maps stay as
    /// small as the files in flight (a 100 k-file run must not grow them).
    fn forget(&self, key: &engine::model::FileKey) {
        let key = key.to_string();
        self.names.lock().expect("names lock").remove(&key);
        self.last_item.lock().expect("item throttle").remove(&key);
    }

    fn send_item(&self, session: &SessionId, item: ItemView, throttle: bool) {
        if throttle {
            let mut last = self.last_item.lock().expect("item throttle");
            let now = Instant::now();
            if last
                .get(&item.key)
                .is_some_and(|t| now.duration_since(*t) < ITEM_INTERVAL)
            {
                return;
            }
            last.insert(item.key.clone(), now);
        }
        let _ = self.app.emit(
            "sync://item",
            ItemEvent {
                session_id: session.to_string(),
                item,
            },
        );
    }

    fn item(
        &self,
        key: &engine::model::FileKey,
        filename: Option<&str>,
        state: ItemState,
    ) -> ItemView {
        let mut names = self.names.lock().expect("names lock");
        let entry = names
            .entry(key.to_string())
            .or_insert_with(|| (String::new(), None));
        if let Some(f) = filename {
            entry.0 = f.to_string();
        }
        ItemView {
            key: key.to_string(),
            filename: entry.0.clone(),
            kind: None,
            size: entry.1,
            captured_at: None,
            state,
            reason: None,
            google_url: None,
            progress: None,
        }
    }
}

fn pending() -> Stages {
    Stages {
        discovery: StageState::Pending,
        transfer: StageState::Pending,
        create: StageState::Pending,
    }
}

impl EventSink for TauriSink {
    fn emit(&self, session: &SessionId, event: SyncEvent) {
        match event {
            SyncEvent::SessionStarted { .. } => {
                self.ended.store(false, Ordering::SeqCst);
                *self.ctx().stages.lock().expect("stages lock") =
                    Some((session.to_string(), pending()));
                self.send_session(session, true);
                tray::show(&self.app, "Getting ready to move…", Toggle::Pause, false);
            }
            SyncEvent::Destination { .. } => self.send_session(session, false),
            SyncEvent::StageStarted { stage } => {
                self.set_stage(session, stage.into(), StageState::Running)
            }
            SyncEvent::StageCompleted { stage, ok } => self.set_stage(
                session,
                stage.into(),
                if ok {
                    StageState::Done
                } else {
                    StageState::Failed
                },
            ),
            SyncEvent::Discovered { .. } => self.send_session(session, false),
            SyncEvent::ItemStarted {
                key,
                filename,
                size,
            } => {
                self.names
                    .lock()
                    .expect("names lock")
                    .insert(key.to_string(), (filename.clone(), Some(size)));
                let mut item = self.item(&key, Some(&filename), ItemState::Uploading);
                item.progress = Some(0.0);
                self.send_item(session, item, false);
            }
            SyncEvent::ItemProgress {
                key,
                bytes_done,
                bytes_total,
            } => {
                let mut item = self.item(&key, None, ItemState::Uploading);
                item.progress = Some(if bytes_total == 0 {
                    1.0
                } else {
                    bytes_done as f64 / bytes_total as f64
                });
                self.send_item(session, item, true);
            }
            SyncEvent::ItemUploaded { key } => {
                let item = self.item(&key, None, ItemState::Uploaded);
                self.send_item(session, item, false);
            }
            SyncEvent::ItemCreated {
                key,
                filename,
                product_url,
                ..
            } => {
                let mut item = self.item(&key, Some(&filename), ItemState::Created);
                item.google_url = product_url;
                self.send_item(session, item, false);
                self.forget(&key);
                self.send_session(session, false);
            }
            SyncEvent::ItemSkipped {
                key,
                filename,
                reason,
            } => {
                let mut item = self.item(&key, Some(&filename), ItemState::Skipped);
                item.reason = Some(reason);
                self.send_item(session, item, false);
                self.forget(&key);
            }
            SyncEvent::ItemFailed {
                key,
                filename,
                reason,
            } => {
                let mut item = self.item(&key, Some(&filename), ItemState::Failed);
                item.reason = Some(reason);
                self.send_item(session, item, false);
                self.forget(&key);
            }
            SyncEvent::WaitingForNetwork { cloud, since } => {
                self.network_wait_began(cloud.into(), since);
                tray::show(&self.app, "Waiting for the network", Toggle::Pause, false);
                let _ = self.app.emit(
                    "sync://network",
                    NetworkEvent {
                        session_id: session.to_string(),
                        cloud: cloud.into(),
                        waiting: true,
                        since: Some(since.to_rfc3339()),
                    },
                );
            }
            SyncEvent::NetworkRestored { cloud, .. } => {
                self.network
                    .lock()
                    .expect("network lock")
                    .set(cloud.into(), false);
                let _ = self.app.emit(
                    "sync://network",
                    NetworkEvent {
                        session_id: session.to_string(),
                        cloud: cloud.into(),
                        waiting: false,
                        since: None,
                    },
                );
            }
            SyncEvent::Metrics(snapshot) => {
                let waiting = self.network.lock().expect("network lock").any_waiting();
                if !waiting && !self.ended.load(Ordering::SeqCst) {
                    tray::show(
                        &self.app,
                        &tray::moving_line(
                            snapshot.files_done,
                            snapshot.files_total,
                            snapshot.eta_secs,
                        ),
                        Toggle::Pause,
                        true,
                    );
                }
                let _ = self.app.emit(
                    "sync://metrics",
                    MetricsEvent {
                        session_id: session.to_string(),
                        metrics: snapshot.into(),
                    },
                );
            }
            SyncEvent::SessionFinished {
                status,
                login,
                reason,
                quota_resets_at,
                counts,
                ..
            } => {
                self.ended.store(true, Ordering::SeqCst);
                self.network.lock().expect("network lock").end_all();
                let login: Option<Cloud> = login.map(Into::into);
                if let Some(cloud) = login {
                    self.ctx().set_problem(cloud, reason.clone());
                    // Goes on by itself once this login succeeds (`commands::auth`).
                    *self.ctx().awaiting_login.lock().expect("awaiting lock") =
                        Some((cloud, session.clone()));
                    if cloud == Cloud::Gopro {
                        // One window to sign in again in; with GoPro's web session kept, it
                        // may not even ask for the password.
                        crate::commands::auth::open_gopro_login_soon(&self.app);
                    }
                }
                *self.ctx().stages.lock().expect("stages lock") = None;
                self.send_session(session, true);
                let end = RunEnd {
                    status,
                    login,
                    reason: reason.as_deref(),
                    cause: self
                        .store
                        .load_session(session)
                        .ok()
                        .flatten()
                        .and_then(|s| s.stop_cause),
                    quota_resets_at,
                    counts: &counts,
                };
                if tray::quitting(&self.app) {
                    // Quit from the tray: the next start goes on; nothing to tell.
                    return;
                }
                tray::refresh_idle(&self.app, &notices::run_ended_line(&end));
                let by_itself = self.ctx().settings().resume_by_itself;
                if let Some(notice) = notices::run_ended(&end, by_itself) {
                    notice.show(&self.app);
                }
            }
        }
    }
}
