//! The types that cross IPC, one source of truth: TypeScript in `ui/src/bindings/` is generated
//! from these by ts-rs (`cargo test -p q2google-app export_bindings`). Field names are camelCase;
//! byte counts are JavaScript numbers (exact up to 9 PB).

use engine::model::{
    ItemCounts, ItemRecord, ItemState as EngineItemState, MediaKind, SessionStatus as EngineStatus,
    Stage as EngineStage,
};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Which cloud.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export, export_to = "../../ui/src/bindings/")]
pub enum Cloud {
    /// The GoPro cloud.
    Gopro,
    /// Google Photos.
    Google,
}

impl From<engine::model::Cloud> for Cloud {
    fn from(cloud: engine::model::Cloud) -> Self {
        match cloud {
            engine::model::Cloud::Gopro => Cloud::Gopro,
            engine::model::Cloud::Google => Cloud::Google,
        }
    }
}

/// A login's state as the UI shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../ui/src/bindings/")]
pub struct AccountStatus {
    /// Which cloud.
    pub cloud: Cloud,
    /// Whether a login is stored.
    pub connected: bool,
    /// Who, when known.
    pub label: Option<String>,
    /// A sentence when the login needs attention.
    pub problem: Option<String>,
    /// Google only: the OAuth client id the sign-in went through (a public identifier, not a
    /// secret), so a session started through another client can say so.
    pub client_id: Option<String>,
}

/// A session's status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "../../ui/src/bindings/")]
pub enum SessionStatus {
    /// Running now (or the app stopped while it ran).
    Running,
    /// Paused: resumable.
    Paused,
    /// A login is needed to continue.
    NeedsLogin,
    /// Done.
    Completed,
    /// Ended with failed files or an error: resumable.
    Failed,
    /// Cancelled: resumable.
    Cancelled,
}

impl From<EngineStatus> for SessionStatus {
    fn from(s: EngineStatus) -> Self {
        match s {
            EngineStatus::Running => Self::Running,
            EngineStatus::Paused => Self::Paused,
            EngineStatus::NeedsLogin => Self::NeedsLogin,
            EngineStatus::Completed => Self::Completed,
            EngineStatus::Failed => Self::Failed,
            EngineStatus::Cancelled => Self::Cancelled,
        }
    }
}

/// A stage.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "../../ui/src/bindings/")]
pub enum Stage {
    /// Finding your media.
    Discovery,
    /// Moving.
    Transfer,
    /// Adding to Google Photos.
    Create,
}

impl From<EngineStage> for Stage {
    fn from(s: EngineStage) -> Self {
        match s {
            EngineStage::Discovery => Self::Discovery,
            EngineStage::Transfer => Self::Transfer,
            EngineStage::Create => Self::Create,
        }
    }
}

/// Where a stage stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "../../ui/src/bindings/")]
pub enum StageState {
    /// Not started.
    Pending,
    /// In progress.
    Running,
    /// Finished.
    Done,
    /// Stopped with an error.
    Failed,
}

/// The three stages' states.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../ui/src/bindings/")]
pub struct Stages {
    /// Finding your media.
    pub discovery: StageState,
    /// Moving.
    pub transfer: StageState,
    /// Adding to Google Photos.
    pub create: StageState,
}

/// Files by state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../ui/src/bindings/")]
pub struct Counts {
    /// All files.
    #[ts(type = "number")]
    pub total: u64,
    /// Not started.
    #[ts(type = "number")]
    pub discovered: u64,
    /// Uploaded, waiting to be added.
    #[ts(type = "number")]
    pub uploaded: u64,
    /// In Google Photos.
    #[ts(type = "number")]
    pub created: u64,
    /// Failed this time.
    #[ts(type = "number")]
    pub failed: u64,
    /// Skipped with a reason.
    #[ts(type = "number")]
    pub skipped: u64,
    /// Bytes of the files to move.
    #[ts(type = "number")]
    pub bytes_total: u64,
    /// Bytes in Google Photos.
    #[ts(type = "number")]
    pub bytes_created: u64,
}

impl From<ItemCounts> for Counts {
    fn from(c: ItemCounts) -> Self {
        Self {
            total: c.total,
            discovered: c.discovered,
            uploaded: c.uploaded,
            created: c.created,
            failed: c.failed,
            skipped: c.skipped,
            bytes_total: c.bytes_total,
            bytes_created: c.bytes_created,
        }
    }
}

/// A session as the UI shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../ui/src/bindings/")]
pub struct SessionView {
    /// Its id.
    pub id: String,
    /// First capture day, YYYY-MM-DD.
    pub range_from: String,
    /// Last capture day, inclusive.
    pub range_to: String,
    /// Status.
    pub status: SessionStatus,
    /// Why it stopped, as a sentence.
    pub status_reason: Option<String>,
    /// When Google's daily quota resets (RFC 3339), when that paused it.
    pub quota_resets_at: Option<String>,
    /// Created (RFC 3339).
    pub created_at: String,
    /// Last change (RFC 3339).
    pub updated_at: String,
    /// Last finished (RFC 3339).
    pub finished_at: Option<String>,
    /// Wall time from creation to the last change.
    #[ts(type = "number")]
    pub duration_secs: u64,
    /// Files by state.
    pub counts: Counts,
    /// Bytes moved over all runs.
    #[ts(type = "number")]
    pub bytes_transferred: u64,
    /// The album's title, when albums are on.
    pub album_title: Option<String>,
    /// Link that opens the album.
    pub album_url: Option<String>,
    /// The email of the Google account it moves into, once its first run found it.
    pub google_account: Option<String>,
    /// The OAuth client id its first run signed in to Google with: Google lets it add only to
    /// albums made through that client.
    pub google_client: Option<String>,
    /// The stages' states.
    pub stages: Stages,
    /// Whether Resume applies.
    pub resumable: bool,
}

/// A file's state as the UI shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "../../ui/src/bindings/")]
pub enum ItemState {
    /// Waiting.
    Discovered,
    /// Bytes on their way.
    Uploading,
    /// In Google, not yet added.
    Uploaded,
    /// Being added.
    Creating,
    /// In Google Photos.
    Created,
    /// Failed this time.
    Failed,
    /// Skipped with a reason.
    Skipped,
}

/// Photo or video.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "../../ui/src/bindings/")]
pub enum ItemKind {
    /// A photo.
    Photo,
    /// A video.
    Video,
}

impl From<MediaKind> for ItemKind {
    fn from(kind: MediaKind) -> Self {
        match kind {
            MediaKind::Photo => ItemKind::Photo,
            MediaKind::Video => ItemKind::Video,
        }
    }
}

/// A file as the UI shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../ui/src/bindings/")]
pub struct ItemView {
    /// `{mediaId}#{itemNumber}:{label}`, stable.
    pub key: String,
    /// File name.
    pub filename: String,
    /// Photo or video.
    pub kind: Option<ItemKind>,
    /// Size in bytes, once known.
    #[ts(type = "number | null")]
    pub size: Option<u64>,
    /// Capture instant (RFC 3339).
    pub captured_at: Option<String>,
    /// State.
    pub state: ItemState,
    /// Skip or failure reason, a sentence.
    pub reason: Option<String>,
    /// Link once created.
    pub google_url: Option<String>,
    /// 0..1 while uploading.
    pub progress: Option<f64>,
}

impl From<&ItemRecord> for ItemView {
    fn from(item: &ItemRecord) -> Self {
        let (state, reason, google_url) = match &item.state {
            EngineItemState::Discovered => (ItemState::Discovered, None, None),
            EngineItemState::Uploaded { .. } => (ItemState::Uploaded, None, None),
            EngineItemState::Creating { .. } => (ItemState::Creating, None, None),
            EngineItemState::Created { product_url, .. } => {
                (ItemState::Created, None, product_url.clone())
            }
            EngineItemState::Failed { reason, .. } => {
                (ItemState::Failed, Some(reason.clone()), None)
            }
            EngineItemState::Skipped { reason } => {
                (ItemState::Skipped, Some(reason.message()), None)
            }
        };
        Self {
            key: item.key.to_string(),
            filename: item.filename.clone(),
            kind: item.kind.map(ItemKind::from),
            size: item.size,
            captured_at: item.captured_at.map(|t| t.to_rfc3339()),
            state,
            reason,
            google_url,
            progress: None,
        }
    }
}

/// One reason files cannot be moved, with how many.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../ui/src/bindings/")]
pub struct CannotMove {
    /// E.g. "360° videos".
    pub reason: String,
    /// How many.
    #[ts(type = "number")]
    pub count: u64,
}

/// One photo or video of the range's preview grid. Its thumbnail is asked for by `id` with
/// `preview_thumbnail`; GoPro's thumbnail token never reaches the page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../ui/src/bindings/")]
pub struct PreviewItem {
    /// GoPro's media id.
    pub id: String,
    /// Photo or video.
    pub kind: ItemKind,
    /// File name.
    pub filename: String,
    /// Capture instant (RFC 3339), when known.
    pub captured_at: Option<String>,
}

/// What a range holds, before anything moves.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../ui/src/bindings/")]
pub struct RangePreview {
    /// First day.
    pub from: String,
    /// Last day.
    pub to: String,
    /// Photos (including burst and time-lapse series).
    #[ts(type = "number")]
    pub photos: u64,
    /// Videos.
    #[ts(type = "number")]
    pub videos: u64,
    /// GoPro media items in the range.
    #[ts(type = "number")]
    pub files: u64,
    /// Their size as GoPro reports it.
    #[ts(type = "number")]
    pub bytes: u64,
    /// Already moved by an earlier session.
    #[ts(type = "number")]
    pub already_in_google: u64,
    /// Videos from GoPros before the HERO11 whose times the correction setting would fix (their
    /// camera's offset from UTC is known and not zero), whether or not it is on.
    #[ts(type = "number")]
    pub video_times_to_correct: u64,
    /// Whether the correction is on: a move started now fixes those videos' times.
    pub correcting_video_times: bool,
    /// What cannot be moved, by reason.
    pub cannot_move: Vec<CannotMove>,
    /// The first photos and videos that will move, newest first, for the preview's grid (at
    /// most [`PREVIEW_GRID_SIZE`] of `to_move`).
    pub sample: Vec<PreviewItem>,
    /// How many media will move: neither already in Google Photos nor unmovable (what `sample`
    /// is taken from).
    #[ts(type = "number")]
    pub to_move: u64,
}

/// The most media the preview's grid shows.
pub const PREVIEW_GRID_SIZE: usize = 120;

/// One throughput sample.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../ui/src/bindings/")]
pub struct ThroughputSample {
    /// Seconds since the run started.
    pub t: f64,
    /// Bytes per second.
    pub bps: f64,
}

/// Transfer metrics.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../ui/src/bindings/")]
pub struct Metrics {
    /// From the GoPro CDN, this run.
    #[ts(type = "number")]
    pub bytes_downloaded: u64,
    /// Confirmed by Google, this run.
    #[ts(type = "number")]
    pub bytes_uploaded: u64,
    /// All files to move.
    #[ts(type = "number")]
    pub bytes_total: u64,
    /// In Google in all: earlier runs', this run's, and the unfinished uploads' bytes so far
    /// (what the progress bar shows; a resume does not start it from zero).
    #[ts(type = "number")]
    pub bytes_done: u64,
    /// Waiting on the CDN, summed over files.
    pub seconds_downloading: f64,
    /// Sending to Google, summed over files.
    pub seconds_uploading: f64,
    /// Wall time of the transfer.
    pub seconds_transfer_wall: f64,
    /// Smoothed bytes per second.
    pub throughput_bps: f64,
    /// Seconds left, when known.
    pub eta_secs: Option<f64>,
    /// Files in Google Photos (this run and earlier ones).
    #[ts(type = "number")]
    pub files_done: u64,
    /// Files the session moves (all but the skipped ones).
    #[ts(type = "number")]
    pub files_total: u64,
    /// Recent samples.
    pub samples: Vec<ThroughputSample>,
}

impl From<engine::metrics::MetricsSnapshot> for Metrics {
    fn from(m: engine::metrics::MetricsSnapshot) -> Self {
        Self {
            bytes_downloaded: m.bytes_downloaded,
            bytes_uploaded: m.bytes_uploaded,
            bytes_total: m.bytes_total.max(m.bytes_done),
            bytes_done: m.bytes_done,
            seconds_downloading: m.seconds_downloading,
            seconds_uploading: m.seconds_uploading,
            seconds_transfer_wall: m.seconds_transfer_wall,
            throughput_bps: m.throughput_bps,
            eta_secs: m.eta_secs,
            files_done: m.files_done,
            files_total: m.files_total,
            samples: m
                .samples
                .into_iter()
                .map(|s| ThroughputSample { t: s.t, bps: s.bps })
                .collect(),
        }
    }
}

/// Light, dark, or as the system says.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export, export_to = "../../ui/src/bindings/")]
pub enum Theme {
    /// Follow the OS.
    #[default]
    System,
    /// Light.
    Light,
    /// Dark.
    Dark,
}

/// The person's preferences, kept with tauri-plugin-store.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", default)]
#[ts(export, export_to = "../../ui/src/bindings/")]
pub struct Settings {
    /// An album per session.
    pub album_per_session: bool,
    /// Its name; `{from}` and `{to}` become the dates.
    pub album_name_pattern: String,
    /// The most files in flight, 1..64; the engine finds the best number up to it.
    pub concurrency: u32,
    /// Download cap in Mbit/s, or none.
    pub bandwidth_cap_mbps: Option<f64>,
    /// Also move GoPro RAW files.
    pub include_raw: bool,
    /// Also move GoPro's joined videos.
    pub include_joined_video: bool,
    /// Correct the times of videos from GoPros before the HERO11 on the way (off by default:
    /// a corrected file no longer merges with a copy already in Google Photos).
    pub correct_video_times: bool,
    /// Your own Google Cloud OAuth client id.
    pub google_client_id: Option<String>,
    /// Its secret: write-only (kept in the OS keyring; always `null` when read back).
    pub google_client_secret: Option<String>,
    /// Whether a client secret is saved in the keyring.
    pub google_client_secret_saved: bool,
    /// Run against the built-in fake clouds.
    pub demo_mode: bool,
    /// Theme.
    pub theme: Theme,
    /// Keep the computer from idle sleep while a session moves (the display may still sleep).
    pub keep_awake: bool,
    /// Go on by itself: with a session q2google was closed in the middle of, when it starts
    /// again; with one Google's daily limit paused, when the limit resets.
    pub resume_by_itself: bool,
    /// Start q2google when the person logs in to the computer, so a move a reboot interrupted
    /// goes on. Off by default. The system's login items are the truth: read back from them.
    pub start_at_login: bool,
}

impl Default for Settings {
    fn default() -> Self {
        let engine = engine::settings::Settings::default();
        Self {
            album_per_session: engine.album_per_session,
            album_name_pattern: engine.album_name_pattern,
            concurrency: engine.concurrency as u32,
            bandwidth_cap_mbps: None,
            include_raw: engine.include_raw,
            include_joined_video: engine.include_joined_video,
            correct_video_times: engine.correct_video_times,
            google_client_id: None,
            google_client_secret: None,
            google_client_secret_saved: false,
            demo_mode: false,
            theme: Theme::System,
            keep_awake: true,
            resume_by_itself: true,
            start_at_login: false,
        }
    }
}

impl Settings {
    /// The engine settings these preferences give.
    pub fn engine(&self) -> engine::settings::Settings {
        engine::settings::Settings {
            album_per_session: self.album_per_session,
            album_name_pattern: self.album_name_pattern.clone(),
            concurrency: (self.concurrency as usize).clamp(1, engine::settings::CONCURRENCY_MAX),
            bandwidth_cap_bytes_per_sec: self
                .bandwidth_cap_mbps
                .filter(|m| *m > 0.0)
                .map(|m| (m * 1e6 / 8.0) as u64),
            include_raw: self.include_raw,
            include_joined_video: self.include_joined_video,
            correct_video_times: self.correct_video_times,
            ..engine::settings::Settings::default()
        }
        .normalized()
    }
}

/// What the app shows at a glance.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../ui/src/bindings/")]
pub struct AppState {
    /// GoPro login.
    pub gopro: AccountStatus,
    /// Google login.
    pub google: AccountStatus,
    /// Running against the fake clouds.
    pub demo: bool,
    /// The welcome has not been finished.
    pub first_run: bool,
    /// The running or last session.
    pub current: Option<SessionView>,
    /// A problem the whole app has (its session database could not be opened), as a sentence.
    pub notice: Option<String>,
    /// The running session keeps the computer from idle sleep.
    pub keeping_awake: bool,
    /// A session the app goes on with by itself, now or at a time.
    pub auto_resume: Option<AutoResumeView>,
    /// This q2google's version, e.g. `0.1.0`.
    pub version: String,
}

/// `sync://stage` payload.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../ui/src/bindings/")]
pub struct StageEvent {
    /// The session.
    pub session_id: String,
    /// Which stage.
    pub stage: Stage,
    /// Its new state.
    pub state: StageState,
}

/// `sync://item` payload.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../ui/src/bindings/")]
pub struct ItemEvent {
    /// The session.
    pub session_id: String,
    /// The file.
    pub item: ItemView,
}

/// `sync://metrics` payload.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../ui/src/bindings/")]
pub struct MetricsEvent {
    /// The session.
    pub session_id: String,
    /// The metrics.
    pub metrics: Metrics,
}

/// `sync://network` payload: a cloud cannot be reached and the run waits for the network
/// (`waiting` true, with `since`), or it answers again (`waiting` false). Files in flight keep
/// their progress; nothing fails for it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../ui/src/bindings/")]
pub struct NetworkEvent {
    /// The session.
    pub session_id: String,
    /// Which cloud.
    pub cloud: Cloud,
    /// Waiting for the network (true) or back (false).
    pub waiting: bool,
    /// Since when it is waiting (RFC 3339), while waiting.
    pub since: Option<String>,
}

/// `sync://awake` payload: whether the running session keeps the computer from idle sleep
/// (the setting is on and the system agreed).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../ui/src/bindings/")]
pub struct AwakeEvent {
    /// The session.
    pub session_id: String,
    /// Held now (true) or released (false).
    pub keeping_awake: bool,
}

/// Why the app goes on with a session without a click.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, export_to = "../../ui/src/bindings/")]
pub enum AutoResumeWhy {
    /// q2google stopped while the session moved (it was closed, crashed, or the computer
    /// restarted).
    Interrupted,
    /// Google's daily limit reset.
    DailyQuota,
    /// The sign-in it needed succeeded.
    Login,
}

/// A session the app goes on with by itself: at `at` (waiting), or already (`at` is `None`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../ui/src/bindings/")]
pub struct AutoResumeView {
    /// The session.
    pub session_id: String,
    /// Why.
    pub why: AutoResumeWhy,
    /// When it will go on (RFC 3339) while the app waits for that; `None` once it went on.
    pub at: Option<String>,
}

/// `sync://auto-resume` payload: what the app will do or did by itself; `None` when it has
/// nothing planned (the person paused or started something, or the setting is off).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../ui/src/bindings/")]
pub struct AutoResumeEvent {
    /// The plan or the resume made.
    pub auto_resume: Option<AutoResumeView>,
}

/// `sync://session` payload.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../ui/src/bindings/")]
pub struct SessionEvent {
    /// The session.
    pub session: SessionView,
}

/// `auth://changed` payload.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../ui/src/bindings/")]
pub struct AuthEvent {
    /// The login.
    pub account: AccountStatus,
}

/// `check_for_updates`: this version, and the newer one the update server offers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../ui/src/bindings/")]
pub struct UpdateCheck {
    /// The running version, e.g. `0.1.0`.
    pub current_version: String,
    /// A newer version, if there is one.
    pub available: Option<AvailableUpdate>,
}

/// A newer version of q2google.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../ui/src/bindings/")]
pub struct AvailableUpdate {
    /// Its version, e.g. `0.2.0`.
    pub version: String,
    /// Its release notes, when given.
    pub notes: Option<String>,
}
