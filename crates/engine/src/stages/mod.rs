//! The three stages of a sync and what they share.
//!
//! [`discovery`] lists the range and records every file; [`transfer`] streams each original
//! from the GoPro CDN into a Google upload and records the upload token at once; [`create`] turns
//! tokens into media items in batches as soon as they are ready, and finds out what a lost create
//! request did before sending it again; [`resume`] plans what a run picks up from earlier runs.
//! A [`Stop`] ends a run early with a reason; every state a file reached is already
//! checkpointed when it is raised.

pub(crate) mod create;
pub(crate) mod destination;
pub(crate) mod discovery;
pub(crate) mod network;
pub(crate) mod pace;
pub(crate) mod resume;
pub(crate) mod transfer;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use chrono::{DateTime, Utc};

use crate::control::{StopRequest, SyncControl};
use crate::events::{EventSink, SyncEvent};
use crate::gopro::{GoProClient, GoProError, Original};
use crate::metrics::TransferMetrics;
use crate::model::{Cloud, FileKey, Rendition, SessionRecord};
use crate::photos::{PhotosClient, PhotosError};
use crate::settings::Settings;
use crate::store::{SessionStore, StateChange, StoreError};

/// Why a run stopped before finishing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stop {
    /// A login expired, lacks a permission, or is another account than the session's.
    NeedsLogin {
        /// Which cloud to sign in to.
        cloud: Cloud,
        /// For a person.
        reason: String,
    },
    /// Google's quota, full storage or a lost network; resumable as is.
    Paused {
        /// For a person.
        reason: String,
        /// What it waits for.
        cause: PauseCause,
    },
    /// The person asked.
    Requested(StopRequest),
    /// `fail_fast` and a file failed.
    FailFast(String),
    /// Something unexpected (the store failed, GoPro changed its API).
    Fatal(String),
}

/// What a run that paused by itself waits for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PauseCause {
    /// Google's daily quota, used up until `resets_at`.
    DailyQuota {
        /// When Google resets it.
        resets_at: DateTime<Utc>,
    },
    /// Google storage is full.
    StorageFull,
    /// A passing trouble outlasted the run's retries; resuming later works.
    Trouble,
}

impl Stop {
    pub(crate) fn from_gopro(err: &GoProError) -> Option<Stop> {
        match err {
            GoProError::LoginExpired => Some(Stop::NeedsLogin {
                cloud: Cloud::Gopro,
                reason: err.to_string(),
            }),
            GoProError::ApiChanged { .. } => Some(Stop::Fatal(err.to_string())),
            _ => None,
        }
    }

    pub(crate) fn from_photos(err: &PhotosError) -> Option<Stop> {
        match err {
            PhotosError::LoginExpired
            | PhotosError::MissingScope
            | PhotosError::AccountHidden
            | PhotosError::Auth(_) => Some(Stop::NeedsLogin {
                cloud: Cloud::Google,
                reason: err.to_string(),
            }),
            PhotosError::DailyQuota { resets_at } => Some(Stop::Paused {
                reason: err.to_string(),
                cause: PauseCause::DailyQuota {
                    resets_at: *resets_at,
                },
            }),
            PhotosError::StorageFull => Some(Stop::Paused {
                reason: err.to_string(),
                cause: PauseCause::StorageFull,
            }),
            _ => None,
        }
    }
}

impl From<StoreError> for Stop {
    fn from(err: StoreError) -> Self {
        Stop::Fatal(err.to_string())
    }
}

/// Signed URLs discovery resolved, kept for the transfer while young; bounded, so a 100 k-file
/// library does not hold 100 k URLs (files beyond the bound resolve theirs when they move).
#[derive(Default)]
pub(crate) struct UrlCache {
    entries: Mutex<HashMap<FileKey, (Original, Instant)>>,
}

impl UrlCache {
    /// Entries kept at most.
    pub(crate) const CAPACITY: usize = 2_000;
    /// Signed URLs resolved less than this long ago are used as they are (they live ~1 h).
    const FRESH: std::time::Duration = std::time::Duration::from_secs(45 * 60);

    /// Keeps `original` unless the cache is full of young entries.
    pub fn put(&self, original: Original) {
        let mut entries = self.entries.lock().expect("url cache");
        if entries.len() >= Self::CAPACITY {
            entries.retain(|_, (_, at)| at.elapsed() < Self::FRESH);
            if entries.len() >= Self::CAPACITY {
                return;
            }
        }
        entries.insert(original.key.clone(), (original, Instant::now()));
    }

    /// The original for `key` if one is kept and young; it leaves the cache.
    pub fn take(&self, key: &FileKey) -> Option<Original> {
        let (original, at) = self.entries.lock().expect("url cache").remove(key)?;
        (at.elapsed() < Self::FRESH).then_some(original)
    }
}

/// Create results a run keeps for its hooks and outcome: the most recent batches only, so memory
/// stays flat over a 100 k-file run (40 batches: 2,000 files).
pub(crate) const KEPT_CREATE_BATCHES: usize = 40;

/// One created batch of this run: each file with Google's answer for it.
#[derive(Clone, Debug, PartialEq)]
pub struct CreateBatchResult {
    /// Files of the batch in the order sent, each with its media item or failure.
    pub items: Vec<(
        FileKey,
        Result<crate::photos::api::MediaItem, crate::photos::ItemFailure>,
    )>,
}

/// Everything a run's stages share.
pub(crate) struct Run {
    pub gopro: GoProClient,
    pub photos: PhotosClient,
    pub store: Arc<dyn SessionStore>,
    pub settings: Settings,
    pub session: Mutex<SessionRecord>,
    pub events: Arc<dyn EventSink>,
    pub metrics: Arc<TransferMetrics>,
    pub control: SyncControl,
    /// Originals resolved by discovery, with when: signed URLs are reused while young.
    pub urls: UrlCache,
    /// The first reason to stop, once one happened.
    pub stop: Mutex<Option<Stop>>,
    /// Turns true when a stop is raised, so every stage stops at once, not at its next check.
    pub stop_raised: tokio::sync::watch::Sender<bool>,
    /// This run's create results, in batch order.
    pub responses: Mutex<Vec<CreateBatchResult>>,
    /// Bytes moved in this run.
    pub bytes_moved: std::sync::atomic::AtomicU64,
    /// Listing requests made to find out what creates in doubt did.
    pub check_requests: std::sync::atomic::AtomicU64,
    /// Whether the session existed before this run (an earlier run may have left work behind).
    pub resumed: bool,
    /// Where tasks wait out a lost network.
    pub network: network::NetworkGate,
    /// Seals unfinished uploads' session URLs for the store; `None` keeps them in memory only.
    pub vault: Option<crate::vault::UploadVault>,
}

impl Run {
    pub fn session(&self) -> SessionRecord {
        self.session.lock().expect("session lock").clone()
    }

    pub fn emit(&self, event: SyncEvent) {
        let id = self.session.lock().expect("session lock").id.clone();
        self.events.emit(&id, event);
    }

    /// Records the first stop reason; later ones are kept only if none was set.
    pub fn set_stop(&self, stop: Stop) {
        {
            let mut slot = self.stop.lock().expect("stop lock");
            if slot.is_none() {
                *slot = Some(stop);
            }
        }
        self.stop_raised.send_replace(true);
    }

    /// Resolves when the run must stop: a pause or cancel was asked, or a stage raised a stop
    /// (full storage found by the create stage stops the transfer too).
    pub async fn halted(&self) {
        let mut raised = self.stop_raised.subscribe();
        tokio::select! {
            _ = self.control.stopped() => {}
            _ = raised.wait_for(|raised| *raised) => {}
        }
    }

    /// The stop reason, including a pending pause or cancel request.
    pub fn stopping(&self) -> Option<Stop> {
        if let Some(stop) = self.stop.lock().expect("stop lock").clone() {
            return Some(stop);
        }
        self.control.requested().map(Stop::Requested)
    }

    pub fn set_states(&self, changes: &[StateChange]) -> Result<(), Stop> {
        let id = self.session.lock().expect("session lock").id.clone();
        self.store.set_states(&id, changes).map_err(Stop::from)
    }

    pub fn save_session(&self, change: impl FnOnce(&mut SessionRecord)) -> Result<(), Stop> {
        let snapshot = {
            let mut session = self.session.lock().expect("session lock");
            change(&mut session);
            session.updated_at = Utc::now();
            session.clone()
        };
        self.store.update_session(&snapshot).map_err(Stop::from)
    }
}

/// The description given to each created item: it names the GoPro file, so the engine can
/// recognise its own items when it has to find out whether a create took effect.
pub fn description_for(key: &FileKey, filename: &str) -> String {
    let part = match key.label {
        Rendition::Source | Rendition::BakedSource if key.item_number <= 1 => String::new(),
        Rendition::Source | Rendition::BakedSource => format!(", chapter {}", key.item_number),
        Rendition::File => format!(", frame {}", key.item_number),
        Rendition::RawPhoto => ", RAW".to_string(),
        Rendition::Concat => ", joined video".to_string(),
    };
    format!("{filename} from GoPro (media {}{part})", key.media_id)
}
