//! The fake's memory: OAuth grants, upload sessions and tokens, media items, albums, counters
//! and the runtime fault lists, behind one mutex that is never held across an `.await`.
//!
//! Access and refresh tokens are looked up through [`AccessTokens`] and [`RefreshTokens`],
//! which also accept the self-validating tokens of an earlier run under the same
//! `stable_secret` (see the `stable` module) and keep revocations for the fake's lifetime.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use chrono::{DateTime, NaiveDate, Utc};
use rand::distr::Alphanumeric;
use rand::Rng;
use serde::Serialize;

use super::scenario::GoogleScenario;
use super::stable;
use super::RequestKind;
use crate::gopro::sealed::SealKey;
use crate::{Clock, SharedLink};

/// State shared by every handler.
pub(crate) struct Shared {
    pub(crate) clock: Clock,
    pub(crate) base_url: OnceLock<String>,
    pub(crate) inner: Mutex<Inner>,
    /// Set while a batchCreate runs (the "concurrent write request" quota).
    pub(crate) batch_in_flight: AtomicBool,
    /// The uplink every upload body shares (`upload_shared_bytes_per_sec`).
    pub(crate) uplink: Arc<SharedLink>,
    /// Upload body bytes read off the network, raw and resumable, kept or not.
    pub(crate) upload_bytes_read: std::sync::atomic::AtomicU64,
    /// Upload bodies being read right now, and the most there ever were at once.
    pub(crate) uploads_reading: std::sync::atomic::AtomicU64,
    pub(crate) uploads_reading_peak: std::sync::atomic::AtomicU64,
}

impl Shared {
    pub(crate) fn new(scenario: GoogleScenario, clock: Clock) -> Self {
        let now = clock.now();
        Self {
            clock,
            base_url: OnceLock::new(),
            inner: Mutex::new(Inner::new(scenario, now)),
            batch_in_flight: AtomicBool::new(false),
            uplink: Arc::default(),
            upload_bytes_read: Default::default(),
            uploads_reading: Default::default(),
            uploads_reading_peak: Default::default(),
        }
    }

    /// Locks the state; a panic elsewhere must not wedge the fake.
    pub(crate) fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Photos API base, e.g. `http://127.0.0.1:PORT`.
    pub(crate) fn base(&self) -> String {
        self.base_url.get().cloned().unwrap_or_default()
    }

    pub(crate) fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }
}

/// A random opaque id of `len` alphanumeric characters.
pub(crate) fn random_id(len: usize) -> String {
    rand::rng()
        .sample_iter(&Alphanumeric)
        .take(len)
        .map(char::from)
        .collect()
}

/// An authorization request waiting on the consent page.
pub(crate) struct PendingAuth {
    pub(crate) client_id: String,
    pub(crate) redirect_uri: String,
    pub(crate) state: Option<String>,
    pub(crate) challenge: String,
    pub(crate) scopes: Vec<String>,
    pub(crate) offline: bool,
}

/// An issued authorization code.
pub(crate) struct AuthCode {
    pub(crate) client_id: String,
    pub(crate) redirect_uri: String,
    pub(crate) challenge: String,
    pub(crate) scopes: Vec<String>,
    pub(crate) offline: bool,
    pub(crate) issued: DateTime<Utc>,
    pub(crate) used: bool,
}

/// An access token.
#[derive(Clone)]
pub(crate) struct AccessToken {
    pub(crate) scopes: Vec<String>,
    pub(crate) expires: DateTime<Utc>,
}

/// The access tokens the fake accepts: those it minted, and (with a `stable_secret`)
/// self-validating ones an earlier run minted, minus the revoked ones.
pub(crate) struct AccessTokens {
    minted: HashMap<String, AccessToken>,
    /// Revoked self-validating tokens (they would verify otherwise).
    revoked: HashSet<String>,
    key: Option<SealKey>,
    /// Set by `expire_all`: self-validating tokens this run did not mint count as expired.
    earlier_expired: bool,
}

impl AccessTokens {
    fn new(key: Option<SealKey>) -> Self {
        Self {
            minted: HashMap::new(),
            revoked: HashSet::new(),
            key,
            earlier_expired: false,
        }
    }

    /// The grant behind `token`, expired or not; `None` if unknown, revoked, or (after
    /// `expire_all`) minted by an earlier run.
    pub(crate) fn get(&self, token: &str) -> Option<AccessToken> {
        if self.revoked.contains(token) {
            return None;
        }
        if let Some(grant) = self.minted.get(token) {
            return Some(grant.clone());
        }
        if self.earlier_expired {
            return None;
        }
        let (scopes, expires) = stable::open_access(self.key.as_ref()?, token)?;
        Some(AccessToken { scopes, expires })
    }

    /// Remembers a token this run minted.
    pub(crate) fn insert(&mut self, token: String, grant: AccessToken) {
        self.minted.insert(token, grant);
    }

    /// Revokes `token`; `false` if it was unknown.
    pub(crate) fn revoke(&mut self, token: &str) -> bool {
        let known = self.get(token).is_some();
        self.minted.remove(token);
        if known && self.key.is_some() {
            self.revoked.insert(token.to_owned());
        }
        known
    }

    /// Expires every token issued so far, here or by an earlier run.
    pub(crate) fn expire_all(&mut self, past: DateTime<Utc>) {
        for grant in self.minted.values_mut() {
            grant.expires = past;
        }
        self.earlier_expired = true;
    }
}

/// A refresh token's grant.
#[derive(Clone)]
pub(crate) struct RefreshToken {
    pub(crate) scopes: Vec<String>,
    pub(crate) expires: Option<DateTime<Utc>>,
    pub(crate) revoked: bool,
}

/// The refresh tokens the fake knows: those it minted, and (with a `stable_secret`)
/// self-validating ones an earlier run minted for the same client.
pub(crate) struct RefreshTokens {
    minted: HashMap<String, RefreshToken>,
    /// Revoked tokens of either kind, for this fake's lifetime.
    revoked: HashSet<String>,
    key: Option<SealKey>,
}

impl RefreshTokens {
    fn new(key: Option<SealKey>) -> Self {
        Self {
            minted: HashMap::new(),
            revoked: HashSet::new(),
            key,
        }
    }

    /// The grant behind `token` (with its revocation and expiry, unchecked); `None` if unknown.
    /// A self-validating token must name `client_id`; it expires `ttl_days` after issue.
    pub(crate) fn get(
        &self,
        token: &str,
        client_id: &str,
        ttl_days: Option<u64>,
    ) -> Option<RefreshToken> {
        let revoked = self.revoked.contains(token);
        if let Some(grant) = self.minted.get(token) {
            return Some(RefreshToken {
                revoked,
                ..grant.clone()
            });
        }
        let claims = stable::open_refresh(self.key.as_ref()?, token)?;
        if claims.cid != client_id {
            return None;
        }
        let issued = DateTime::from_timestamp(claims.iat, 0)?;
        Some(RefreshToken {
            scopes: claims.scp,
            expires: ttl_days.map(|d| issued + chrono::Duration::days(d as i64)),
            revoked,
        })
    }

    /// Remembers a token this run minted.
    pub(crate) fn insert(&mut self, token: String, grant: RefreshToken) {
        self.minted.insert(token, grant);
    }

    /// Revokes `token` for this fake's lifetime; `false` if it was unknown.
    pub(crate) fn revoke(&mut self, token: &str, client_id: &str) -> bool {
        let known = self.get(token, client_id, None).is_some();
        if known {
            self.revoked.insert(token.to_owned());
        }
        known
    }
}

/// State of a resumable session as the protocol names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SessionStatus {
    /// Accepting bytes.
    Active,
    /// Finalized; the token was issued.
    Final,
    /// Cancelled by the client.
    Cancelled,
}

impl SessionStatus {
    /// The `X-Goog-Upload-Status` value.
    pub fn as_header(self) -> &'static str {
        match self {
            SessionStatus::Active => "active",
            SessionStatus::Final => "final",
            SessionStatus::Cancelled => "cancelled",
        }
    }
}

/// A resumable upload session.
pub(crate) struct Session {
    pub(crate) raw_size: u64,
    pub(crate) received: u64,
    pub(crate) hasher: super::received::Received,
    pub(crate) status: SessionStatus,
    pub(crate) mime_type: Option<String>,
    pub(crate) filename: Option<String>,
    pub(crate) created: DateTime<Utc>,
    pub(crate) expired: bool,
    /// Killed by the test (`kill_upload_sessions`): every request gets 410.
    pub(crate) killed: bool,
    pub(crate) busy: bool,
    pub(crate) token: Option<String>,
    pub(crate) order: u64,
}

/// What an upload token stands for.
pub(crate) struct Upload {
    pub(crate) sha256: String,
    /// A video's `mvhd` time: what Google dates the item by.
    pub(crate) video_time: Option<DateTime<Utc>>,
    pub(crate) size: u64,
    pub(crate) mime_type: Option<String>,
    pub(crate) filename: Option<String>,
    pub(crate) expires: DateTime<Utc>,
}

/// A media item the fake holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MediaItemRecord {
    /// Media item id.
    pub id: String,
    /// Filename kept (the first upload's, under deduplication).
    pub filename: String,
    /// Description given at creation (empty when none).
    pub description: String,
    /// MIME type.
    pub mime_type: String,
    /// Lowercase hex SHA-256 of the bytes it was created from.
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
    /// Albums it belongs to, in the order it was added.
    pub album_ids: Vec<String>,
    /// 0-based creation order among all items.
    pub creation_order: u64,
    /// Creation time on the fake clock.
    pub created: DateTime<Utc>,
    /// When it was taken, as Google reads it from the file (a video's `mvhd` time); the API's
    /// `creationTime`, which falls back to `created`.
    pub taken: Option<DateTime<Utc>>,
    /// `Some("PROCESSING"|"READY")` for videos (as of the query), `None` for photos.
    pub video_status: Option<String>,
    /// Whether the app created it (foreign items are not).
    pub app_created: bool,
}

/// An album the fake holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AlbumRecord {
    /// Album id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Member media item ids in album order.
    pub media_item_ids: Vec<String>,
    /// Whether the app created it.
    pub app_created: bool,
    /// 0-based creation order.
    pub creation_order: u64,
}

/// An upload session as tests see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UploadSessionRecord {
    /// The `upload_id`.
    pub id: String,
    /// Declared `X-Goog-Upload-Raw-Size`.
    pub raw_size: u64,
    /// Bytes persisted.
    pub received: u64,
    /// `active`, `final` or `cancelled`.
    pub status: SessionStatus,
    /// Whether it has expired.
    pub expired: bool,
    /// Whether a test killed it (every request then gets 410).
    pub killed: bool,
    /// Filename given at start.
    pub filename: Option<String>,
}

/// Quota counters as tests see them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct QuotaUsage {
    /// Requests counted today (project-wide).
    pub daily_used: u64,
    /// The daily limit.
    pub daily_limit: u64,
    /// Writes in the last 60 s of fake time.
    pub writes_last_minute: u64,
    /// The per-minute write limit.
    pub writes_per_minute_limit: u64,
    /// When the daily counter next resets (midnight at UTC−8).
    pub daily_resets_at: DateTime<Utc>,
}

/// Everything mutable.
pub(crate) struct Inner {
    pub(crate) scenario: GoogleScenario,
    pub(crate) pending: HashMap<String, PendingAuth>,
    pub(crate) codes: HashMap<String, AuthCode>,
    /// The key of self-validating tokens (the scenario's `stable_secret` at start).
    pub(crate) seal: Option<SealKey>,
    pub(crate) access: AccessTokens,
    pub(crate) refresh: RefreshTokens,
    pub(crate) sessions: HashMap<String, Session>,
    pub(crate) uploads: HashMap<String, Upload>,
    /// Media items by id; `item_order` keeps creation order.
    pub(crate) items: HashMap<String, MediaItemRecord>,
    pub(crate) item_order: Vec<String>,
    pub(crate) by_sha: HashMap<String, String>,
    pub(crate) albums: HashMap<String, AlbumRecord>,
    pub(crate) album_order: Vec<String>,
    pub(crate) storage_used: u64,
    pub(crate) storage_full: bool,
    pub(crate) counts: BTreeMap<RequestKind, u64>,
    pub(crate) daily_day: Option<NaiveDate>,
    pub(crate) daily_used: u64,
    pub(crate) writes: VecDeque<DateTime<Utc>>,
    pub(crate) session_counter: u64,
}

impl Inner {
    fn new(scenario: GoogleScenario, now: DateTime<Utc>) -> Self {
        let seal = SealKey::from_secret(scenario.stable_secret.as_deref());
        let mut inner = Self {
            scenario,
            pending: HashMap::new(),
            codes: HashMap::new(),
            access: AccessTokens::new(seal.clone()),
            refresh: RefreshTokens::new(seal.clone()),
            seal,
            sessions: HashMap::new(),
            uploads: HashMap::new(),
            items: HashMap::new(),
            item_order: Vec::new(),
            by_sha: HashMap::new(),
            albums: HashMap::new(),
            album_order: Vec::new(),
            storage_used: 0,
            storage_full: false,
            counts: BTreeMap::new(),
            daily_day: None,
            daily_used: 0,
            writes: VecDeque::new(),
            session_counter: 0,
        };
        for id in inner.scenario.foreign_album_ids.clone() {
            let order = inner.album_order.len() as u64;
            inner.albums.insert(
                id.clone(),
                AlbumRecord {
                    id: id.clone(),
                    title: format!("Album {id}"),
                    media_item_ids: Vec::new(),
                    app_created: false,
                    creation_order: order,
                },
            );
            inner.album_order.push(id);
        }
        for foreign in inner.scenario.foreign_items.clone() {
            let id = random_id(40);
            let order = inner.item_order.len() as u64;
            let mime = super::media_items::mime_for(None, &foreign.filename);
            inner.items.insert(
                id.clone(),
                MediaItemRecord {
                    id: id.clone(),
                    filename: foreign.filename.clone(),
                    description: String::new(),
                    mime_type: mime,
                    sha256: foreign.sha256.to_ascii_lowercase(),
                    size: 0,
                    album_ids: Vec::new(),
                    creation_order: order,
                    created: now,
                    taken: None,
                    video_status: None,
                    app_created: false,
                },
            );
            inner
                .by_sha
                .insert(foreign.sha256.to_ascii_lowercase(), id.clone());
            inner.item_order.push(id);
        }
        inner
    }

    /// Counts one request of `kind`.
    pub(crate) fn count(&mut self, kind: RequestKind) {
        *self.counts.entry(kind).or_default() += 1;
    }
}
