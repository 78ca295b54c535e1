//! The sync's domain model: sessions, the files they move, and each file's persisted state.
//!
//! A session is one run over a capture-date range with its settings; resuming it reuses both.
//! Each file (a chapter, a burst frame, a photo) is an [`ItemRecord`] keyed by [`FileKey`] and
//! moves through [`ItemState`]: discovered → uploaded → creating → created, or failed / skipped.
//! `Creating` is written *before* a `batchCreate` is sent, so after a crash the engine knows which
//! creates may have taken effect and checks Google before sending them again.

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::photos::ItemFailureClass;

/// Identifies one file of a medium: the unit q2google counts, moves and records.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct FileKey {
    /// GoPro media id.
    pub media_id: String,
    /// 1-based chapter or frame number (1 for single files, 0 for a joined video).
    pub item_number: u32,
    /// Which of the medium's renditions.
    pub label: Rendition,
}

impl fmt::Display for FileKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}#{}:{}", self.media_id, self.item_number, self.label)
    }
}

/// Photo or video, which decides Google's size limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MediaKind {
    /// A still image (JPEG, HEIC, PNG, RAW).
    Photo,
    /// A video.
    Video,
}

/// Which rendition of a GoPro medium a file is, as GoPro labels it (gopro-api.md §2.3). Stored
/// as its label, so the database and the ledger keep the strings they always had.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rendition {
    /// The camera's original (`source`); several are the chapters of one recording.
    Source,
    /// A rendered Quik edit (`baked_source`).
    BakedSource,
    /// One frame of a burst or photo time-lapse, or a photo's original (`file`).
    File,
    /// A GoPro RAW photo (`raw_photo`, `.gpr`).
    RawPhoto,
    /// GoPro's joined full-length copy of a chaptered video (`concat`).
    Concat,
}

impl Rendition {
    /// Every rendition.
    pub const ALL: [Rendition; 5] = [
        Rendition::Source,
        Rendition::BakedSource,
        Rendition::File,
        Rendition::RawPhoto,
        Rendition::Concat,
    ];

    /// GoPro's label for it, which is also how it is stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Rendition::Source => "source",
            Rendition::BakedSource => "baked_source",
            Rendition::File => "file",
            Rendition::RawPhoto => "raw_photo",
            Rendition::Concat => "concat",
        }
    }

    /// The rendition GoPro labels `label`, if it is one q2google moves.
    pub fn from_label(label: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == label)
    }
}

impl fmt::Display for Rendition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a file is not moved.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum SkipReason {
    /// GoPro MAX / Fusion spherical file.
    Spherical360,
    /// A Quik edit that was never rendered: only an edit list exists.
    QuikProject,
    /// GoPro is still uploading or processing it.
    NotReady {
        /// GoPro's processing state.
        state: String,
    },
    /// GoPro gave no downloadable original (only proxies).
    NoOriginal,
    /// A GoPro RAW file, and RAW is not included.
    RawNotIncluded,
    /// The joined full-length copy of a chaptered video, which is not included.
    JoinedVideoNotIncluded,
    /// A camera proxy or thumbnail (`.LRV`, `.THM`).
    CameraProxy,
    /// A format Google Photos does not take.
    UnsupportedType {
        /// The file's extension.
        extension: String,
    },
    /// Larger than Google Photos accepts.
    TooLarge {
        /// File size.
        bytes: u64,
        /// Google's limit for this kind.
        limit: u64,
    },
    /// Created in Google Photos by an earlier session (the store's ledger remembers it).
    AlreadyInGooglePhotos,
}

impl SkipReason {
    /// A sentence for a person: what this is and what they can do.
    pub fn message(&self) -> String {
        match self {
            SkipReason::Spherical360 => "360° video: Google Photos cannot show .360 files. Export it as an MP4 in the GoPro Quik app, then sync again.".into(),
            SkipReason::QuikProject => "Quik edit that was never rendered: there is no video file to move. Save the edit in GoPro Quik to render it.".into(),
            SkipReason::NotReady { state } => format!("GoPro is still processing this item ({state}). Resume later to move it."),
            SkipReason::NoOriginal => "GoPro offers no original file for this item, only previews; it was left alone so no low-quality copy lands in Google Photos.".into(),
            SkipReason::RawNotIncluded => "GoPro RAW (.gpr) file: not included. Turn on \"Include GoPro RAW\" in Settings to move RAW files too.".into(),
            SkipReason::JoinedVideoNotIncluded => "GoPro's joined full-length copy of a chaptered video: each chapter is moved instead. Turn on \"Include joined videos\" to move it too.".into(),
            SkipReason::CameraProxy => "Camera preview file (.LRV/.THM), not an original.".into(),
            SkipReason::UnsupportedType { extension } => format!("Google Photos does not accept .{extension} files."),
            SkipReason::TooLarge { bytes, limit } => format!(
                "Too large for Google Photos: {:.1} GB, the limit is {:.0} GB.",
                *bytes as f64 / 1e9,
                *limit as f64 / 1e9
            ),
            SkipReason::AlreadyInGooglePhotos => "Already in Google Photos (moved by an earlier session).".into(),
        }
    }
}

/// One of the two clouds a sync talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cloud {
    /// The GoPro cloud (its API and its download servers).
    Gopro,
    /// Google Photos (and Google's sign-in).
    Google,
}

impl fmt::Display for Cloud {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Cloud::Gopro => "GoPro",
            Cloud::Google => "Google Photos",
        })
    }
}

/// A Google account, as Google's OpenID `userinfo` names it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct GoogleAccount {
    /// The account's stable id (OpenID `sub`); an email address can change hands, this cannot.
    pub id: String,
    /// The account's email address, for people.
    pub email: String,
}

/// Where a session creates its items: a Google account through one OAuth client. Google ties
/// app-created items and albums to the client id, so the same account through another client
/// is another destination (its earlier albums can no longer be added to).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Destination {
    /// The signed-in account.
    pub account: GoogleAccount,
    /// The OAuth client id q2google signed in with.
    pub client_id: String,
}

impl Destination {
    /// As kept in the token store beside the refresh token.
    pub fn to_stored(&self) -> crate::secret::Secret {
        crate::secret::Secret::new(serde_json::to_string(self).expect("plain struct"))
    }

    /// From [`to_stored`](Self::to_stored)'s form; `None` if it is not that.
    pub fn from_stored(stored: &crate::secret::Secret) -> Option<Self> {
        serde_json::from_str(stored.expose()).ok()
    }

    /// What a person must know when a new sign-in (`self`) replaces `previous`: the same
    /// account through another OAuth client cannot add to the albums the earlier client made.
    pub fn switch_warning(&self, previous: &Destination) -> Option<String> {
        (self.account.id == previous.account.id && self.client_id != previous.client_id).then(
            || {
                format!(
                "You signed in to {} through a different Google OAuth client than before. Google \
                 lets an app add only to the albums it made with the same client: moves started \
                 before cannot go on with this one, and new moves make new albums (files moved \
                 before are moved again).",
                self.account.email
            )
            },
        )
    }
}

/// A file's unfinished resumable upload, as the session store keeps it.
#[derive(Clone, PartialEq, Eq)]
pub struct StoredUpload {
    /// The session URL sealed by the [`UploadVault`](crate::vault::UploadVault).
    pub sealed_url: Vec<u8>,
    /// The file's size when the upload started (a changed size means start again).
    pub total: u64,
    /// When the upload started.
    pub started_at: DateTime<Utc>,
}

impl fmt::Debug for StoredUpload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoredUpload")
            .field("total", &self.total)
            .field("started_at", &self.started_at)
            .finish_non_exhaustive()
    }
}

/// A session id: 1–64 letters, digits, `.`, `_` or `-`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SessionId(String);

/// A session id a person typed that is not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("\"{0}\" is not a valid session id: use 1 to 64 letters, digits, '.', '_' or '-'")]
pub struct InvalidSessionId(pub String);

impl SessionId {
    /// Validates `id`.
    pub fn new(id: impl Into<String>) -> Result<Self, InvalidSessionId> {
        let id = id.into();
        let ok = (1..=64).contains(&id.len())
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
        if ok {
            Ok(Self(id))
        } else {
            Err(InvalidSessionId(id))
        }
    }

    /// A new id from the range and the creation time, e.g. `2026-03-01_2026-03-31_1a2b3c`.
    pub fn generate(from: NaiveDate, to: NaiveDate, now: DateTime<Utc>) -> Self {
        let suffix = format!("{:x}", now.timestamp_millis() & 0xff_ffff);
        Self(format!("{from}_{to}_{suffix}"))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for SessionId {
    type Error = InvalidSessionId;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl From<SessionId> for String {
    fn from(id: SessionId) -> Self {
        id.0
    }
}

/// Where a session stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionStatus {
    /// Created or running (or the process died while running: resumable).
    Running,
    /// Stopped by Google's quota, full storage, a pause request or a lost network: resumable.
    Paused,
    /// A login expired: resumable after logging in again.
    NeedsLogin,
    /// Every file is created or skipped.
    Completed,
    /// Finished with failed files (a resume retries them), or stopped by an unexpected error.
    Failed,
    /// Cancelled by the person: resumable.
    Cancelled,
}

impl SessionStatus {
    /// The stable text stored and shown to scripts.
    pub fn as_str(self) -> &'static str {
        match self {
            SessionStatus::Running => "running",
            SessionStatus::Paused => "paused",
            SessionStatus::NeedsLogin => "needs_login",
            SessionStatus::Completed => "completed",
            SessionStatus::Failed => "failed",
            SessionStatus::Cancelled => "cancelled",
        }
    }

    /// Parses [`as_str`](Self::as_str) text.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "running" => SessionStatus::Running,
            "paused" => SessionStatus::Paused,
            "needs_login" => SessionStatus::NeedsLogin,
            "completed" => SessionStatus::Completed,
            "failed" => SessionStatus::Failed,
            "cancelled" => SessionStatus::Cancelled,
            _ => return None,
        })
    }

    /// Whether a resume can continue it (everything but a completed session).
    pub fn is_resumable(self) -> bool {
        self != SessionStatus::Completed
    }
}

/// Why a session is not moving, as a kind the app and the CLI act on (when to go on by
/// themselves, what to offer); [`SessionRecord::status_reason`] says it to a person.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum StopCause {
    /// The person paused it.
    Requested,
    /// The person cancelled it.
    Cancelled,
    /// The process moving it ended mid-run (a quit, a crash, a power loss); nothing says the
    /// person wanted it to stop.
    Interrupted,
    /// Google's daily quota is used up until [`SessionRecord::quota_resets_at`].
    DailyQuota,
    /// Google storage is full: it goes on once the person has made space.
    StorageFull,
    /// A login to this cloud expired or is another account's.
    NeedsLogin(Cloud),
    /// A passing trouble outlasted the run's retries (a cloud failing or asking to slow down for
    /// long, a check cut short): resuming later works.
    Trouble,
    /// GoPro was still processing files of the range; everything else moved.
    GoProProcessing,
    /// Files failed for reasons of their own; a resume tries them again.
    FilesFailed,
    /// Stopped at the first failed file (`fail_fast`).
    FailFast,
    /// Something unexpected (the store failed, GoPro changed its API).
    Fatal,
}

impl StopCause {
    /// The stable text stored.
    pub fn as_str(self) -> &'static str {
        match self {
            StopCause::Requested => "requested",
            StopCause::Cancelled => "cancelled",
            StopCause::Interrupted => "interrupted",
            StopCause::DailyQuota => "daily_quota",
            StopCause::StorageFull => "storage_full",
            StopCause::NeedsLogin(Cloud::Gopro) => "needs_login_gopro",
            StopCause::NeedsLogin(Cloud::Google) => "needs_login_google",
            StopCause::Trouble => "trouble",
            StopCause::GoProProcessing => "gopro_processing",
            StopCause::FilesFailed => "files_failed",
            StopCause::FailFast => "fail_fast",
            StopCause::Fatal => "fatal",
        }
    }

    /// Parses [`as_str`](Self::as_str) text.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "requested" => StopCause::Requested,
            "cancelled" => StopCause::Cancelled,
            "interrupted" => StopCause::Interrupted,
            "daily_quota" => StopCause::DailyQuota,
            "storage_full" => StopCause::StorageFull,
            "needs_login_gopro" => StopCause::NeedsLogin(Cloud::Gopro),
            "needs_login_google" => StopCause::NeedsLogin(Cloud::Google),
            "trouble" => StopCause::Trouble,
            "gopro_processing" => StopCause::GoProProcessing,
            "files_failed" => StopCause::FilesFailed,
            "fail_fast" => StopCause::FailFast,
            "fatal" => StopCause::Fatal,
            _ => return None,
        })
    }
}

/// The three stages of a sync.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Listing the range on GoPro and recording every file.
    Discovery,
    /// Downloading originals from GoPro and uploading them to Google.
    Transfer,
    /// Creating media items in Google Photos.
    Create,
}

impl Stage {
    /// The stage's name as the original design spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Discovery => "discovery",
            Stage::Transfer => "transfer",
            Stage::Create => "create",
        }
    }
}

/// Settings frozen into a session when it is created; a resume uses these, not the current ones.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionSettings {
    /// Files per transfer batch (the original design's `sync_batch_size`).
    pub batch_size: u32,
    /// Files per `batchCreate` (≤ 50).
    pub create_batch_size: u32,
    /// Also move GoPro RAW files.
    pub include_raw: bool,
    /// Also move GoPro's joined full-length videos.
    pub include_joined_video: bool,
    /// The album to put the files in: `None` for no album.
    pub album_title: Option<String>,
    /// Correct the header times of videos from GoPros before the HERO11 on the way (frozen so
    /// that every attempt at a file sends the same bytes).
    #[serde(default)]
    pub correct_video_times: bool,
}

/// One session as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionRecord {
    /// Its id.
    pub id: SessionId,
    /// First capture day.
    pub range_from: NaiveDate,
    /// Last capture day (inclusive).
    pub range_to: NaiveDate,
    /// Settings frozen at creation.
    pub settings: SessionSettings,
    /// Where it stands.
    pub status: SessionStatus,
    /// Why it stopped, in words for a person (paused, needs login, failed).
    pub status_reason: Option<String>,
    /// When Google's daily quota resets, if that is why it paused.
    pub quota_resets_at: Option<DateTime<Utc>>,
    /// Why it is not moving, as a kind (`None` while running and once completed).
    pub stop_cause: Option<StopCause>,
    /// Next GoPro search page to fetch (1-based), while discovery is unfinished.
    pub discovery_cursor: u64,
    /// Whether discovery has listed the whole range.
    pub discovery_done: bool,
    /// The app-created album new items go into, once created.
    pub album_id: Option<String>,
    /// Link to open the album.
    pub album_url: Option<String>,
    /// Items this session added to that album (Google's limit is 20,000 per album: the session
    /// goes on in "<title> (2)" and on).
    pub album_items: u64,
    /// The session's albums before the current one, filled up, oldest first.
    pub earlier_albums: Vec<AlbumRef>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// When it last reached a terminal status.
    pub finished_at: Option<DateTime<Utc>>,
    /// Bytes moved in all runs of this session.
    pub bytes_transferred: u64,
    /// The Google account and OAuth client it moves into: set by its first run, checked by
    /// every resume (`None` for a session no run has identified yet).
    pub destination: Option<Destination>,
}

impl SessionRecord {
    /// A new session over `from..=to` with `settings`, running since `now`: nothing listed,
    /// no album, no destination yet.
    pub fn new(
        id: SessionId,
        from: NaiveDate,
        to: NaiveDate,
        settings: SessionSettings,
        now: DateTime<Utc>,
    ) -> Self {
        Self {
            id,
            range_from: from,
            range_to: to,
            settings,
            status: SessionStatus::Running,
            status_reason: None,
            quota_resets_at: None,
            stop_cause: None,
            discovery_cursor: 1,
            discovery_done: false,
            album_id: None,
            album_url: None,
            album_items: 0,
            earlier_albums: Vec::new(),
            created_at: now,
            updated_at: now,
            finished_at: None,
            bytes_transferred: 0,
            destination: None,
        }
    }
}

/// One of a session's albums.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlbumRef {
    /// Google's album id.
    pub id: String,
    /// Link to open it.
    pub url: Option<String>,
    /// Its title.
    pub title: String,
}

/// The clock a video's MP4 header times were written in, for a camera that writes its local
/// time where the format wants UTC (GoPros before the HERO11; see `video_times`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalClock {
    /// The camera's offset from UTC in minutes, when GoPro knows it (`captured_at_timezone`).
    pub utc_offset_minutes: Option<i32>,
}

/// A file found by discovery, before it has a state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiscoveredItem {
    /// Which file.
    pub key: FileKey,
    /// File name.
    pub filename: String,
    /// Photo or video (`None` when skipped before it was known).
    pub kind: Option<MediaKind>,
    /// Capture instant.
    pub captured_at: Option<DateTime<Utc>>,
    /// Size in bytes when known: GoPro's figure for a medium of one file (only a hint), until
    /// the transfer's HEAD gives the truth.
    pub size: Option<u64>,
    /// `Some` when discovery already knows it will not be moved.
    pub skip: Option<SkipReason>,
    /// `Some` for a video whose header times are the camera's local clock.
    pub local_clock: Option<LocalClock>,
}

/// A file's persisted state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum ItemState {
    /// Recorded by discovery; nothing moved yet.
    Discovered,
    /// Bytes are in Google; the token creates the item (valid for a limited time).
    Uploaded {
        /// Google's upload token.
        upload_token: String,
        /// When it was received.
        at: DateTime<Utc>,
    },
    /// A `batchCreate` carrying this token was (possibly) sent: its outcome must be known before
    /// sending it again.
    Creating {
        /// Google's upload token.
        upload_token: String,
        /// When it was uploaded.
        uploaded_at: DateTime<Utc>,
        /// When the create was sent.
        sent_at: DateTime<Utc>,
    },
    /// In Google Photos.
    Created {
        /// Google's media item id.
        media_item_id: String,
        /// Link that opens it.
        product_url: Option<String>,
    },
    /// Did not make it this time; a resume retries it.
    Failed {
        /// What kind of failure.
        class: FailureClass,
        /// What happened, for a person.
        reason: String,
        /// Attempts so far.
        attempts: u32,
        /// The upload token of a file whose bytes reached Google and whose create failed: a
        /// resume retries only the create while the token is fresh, never the upload.
        kept: Option<KeptUpload>,
    },
    /// Will not be moved, and why.
    Skipped {
        /// Why.
        reason: SkipReason,
    },
}

impl ItemState {
    /// Whether the file's bytes no longer need an upload session: it has its upload token, is
    /// being or was created, or is skipped.
    pub fn has_token_or_is_final(&self) -> bool {
        !matches!(self, ItemState::Discovered | ItemState::Failed { .. })
    }

    /// The state's name as stored (`discovered`, `uploaded`, …).
    pub fn name(&self) -> &'static str {
        match self {
            ItemState::Discovered => "discovered",
            ItemState::Uploaded { .. } => "uploaded",
            ItemState::Creating { .. } => "creating",
            ItemState::Created { .. } => "created",
            ItemState::Failed { .. } => "failed",
            ItemState::Skipped { .. } => "skipped",
        }
    }

    /// Whether nothing more will happen to it in this session.
    pub fn is_terminal(&self) -> bool {
        matches!(self, ItemState::Created { .. } | ItemState::Skipped { .. })
    }
}

/// An upload token kept by a file whose create failed (see [`ItemState::Failed`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeptUpload {
    /// Google's upload token.
    pub upload_token: String,
    /// When it was received: Google keeps a token for one day.
    pub uploaded_at: DateTime<Utc>,
}

/// Why a file failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureClass {
    /// Downloading from GoPro failed.
    Download,
    /// Uploading to Google failed.
    Upload,
    /// Google refused to create it.
    Create(ItemFailureClass),
    /// GoPro no longer has it (deleted there): final, a resume does not look for it again.
    Gone,
    /// Larger than Google Photos accepts (its 413): final, a resume does not send it again.
    TooLarge,
    /// GoPro kept failing to say where the medium's originals are (its download descriptor):
    /// discovery went on past it, and a resume lists the range again to look once more.
    Unresolved,
}

impl FailureClass {
    /// Whether the file failed for good: Google refuses it whatever is tried, or GoPro no
    /// longer has it, so a resume leaves it failed with its reason instead of trying again.
    pub fn is_final(&self) -> bool {
        match self {
            FailureClass::Create(ItemFailureClass::Rejected)
            | FailureClass::TooLarge
            | FailureClass::Gone => true,
            FailureClass::Download
            | FailureClass::Upload
            | FailureClass::Unresolved
            | FailureClass::Create(
                ItemFailureClass::Retryable
                | ItemFailureClass::Unsupported
                | ItemFailureClass::InvalidToken
                | ItemFailureClass::InDoubt,
            ) => false,
        }
    }
}

/// One file of a session as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemRecord {
    /// Which file.
    pub key: FileKey,
    /// File name.
    pub filename: String,
    /// Photo or video.
    pub kind: Option<MediaKind>,
    /// Capture instant.
    pub captured_at: Option<DateTime<Utc>>,
    /// Size in bytes, once known.
    pub size: Option<u64>,
    /// Where it stands.
    pub state: ItemState,
    /// Discovery order within the session (newest capture first).
    pub position: u64,
    /// `Some` for a video whose header times are the camera's local clock.
    pub local_clock: Option<LocalClock>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

/// Counts of a session's files by state, and bytes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemCounts {
    /// All files.
    pub total: u64,
    /// Not started.
    pub discovered: u64,
    /// Uploaded, not yet created (including creates in flight).
    pub uploaded: u64,
    /// In Google Photos.
    pub created: u64,
    /// Failed this time.
    pub failed: u64,
    /// Skipped with a reason.
    pub skipped: u64,
    /// Of those skipped, the ones GoPro is still processing: a resume looks at them again.
    pub processing: u64,
    /// Sum of known sizes of files to move (not skipped).
    pub bytes_total: u64,
    /// Sum of sizes of created files.
    pub bytes_created: u64,
}

/// A session with its counts, for lists.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionSummary {
    /// The session.
    pub session: SessionRecord,
    /// Its files by state.
    pub counts: ItemCounts,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Renditions keep GoPro's labels on disk and over serde, so stored sessions still read.
    #[test]
    fn renditions_are_stored_as_gopro_labels() {
        for r in Rendition::ALL {
            assert_eq!(Rendition::from_label(r.as_str()), Some(r));
            assert_eq!(
                serde_json::to_string(&r).unwrap(),
                format!("\"{}\"", r.as_str())
            );
        }
        assert_eq!(Rendition::from_label("proxy"), None);
        let key = FileKey {
            media_id: "m".into(),
            item_number: 2,
            label: Rendition::Source,
        };
        assert_eq!(key.to_string(), "m#2:source");
    }

    fn destination(account: &str, email: &str, client: &str) -> Destination {
        Destination {
            account: GoogleAccount {
                id: account.into(),
                email: email.into(),
            },
            client_id: client.into(),
        }
    }

    #[test]
    fn only_the_same_account_through_another_client_is_warned_about() {
        let before = destination("sub-1", "you@example.com", "built-in");
        let own_client = destination("sub-1", "you@example.com", "mine.apps");
        let warning = own_client.switch_warning(&before).expect("a client switch");
        assert!(warning.contains("you@example.com"), "{warning}");
        assert!(
            warning.contains("albums it made with the same client"),
            "{warning}"
        );
        // Signing in again the same way, or into another account, is no client switch.
        assert_eq!(before.switch_warning(&before), None);
        let other = destination("sub-2", "bob@example.com", "mine.apps");
        assert_eq!(other.switch_warning(&before), None);
    }

    #[test]
    fn a_destination_survives_the_token_store() {
        let d = destination("sub-1", "you@example.com", "built-in");
        assert_eq!(Destination::from_stored(&d.to_stored()), Some(d));
        let junk = crate::secret::Secret::new("not json".to_string());
        assert_eq!(Destination::from_stored(&junk), None);
    }
}
