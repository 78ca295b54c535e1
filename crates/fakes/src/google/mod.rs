//! A faithful local fake of Google OAuth 2 and the Google Photos Library API, following
//! `shared/design/google-photos-api.md`. One loopback server serves both.
//!
//! | Method | Path | What |
//! |---|---|---|
//! | GET  | `/o/oauth2/v2/auth` | authorization: PKCE S256, loopback redirect, consent per [`Consent`] |
//! | POST | `/o/oauth2/v2/approve` | the consent page's form (`request_id`, `scope`…, `action`) |
//! | POST | `/token` | `authorization_code` and `refresh_token` grants (form-encoded) |
//! | POST | `/revoke` | revokes an access or refresh token (`token=`) |
//! | GET  | `/v1/userinfo` | OpenID Connect userinfo: `sub`, and `email` with the email scope |
//! | POST | `/v1/uploads` | raw upload, resumable `start` |
//! | POST | `/v1/uploads?upload_id=..&upload_protocol=resumable` | session: `query`, `upload`, `upload, finalize`, `finalize`, `cancel` |
//! | POST | `/v1/mediaItems:batchCreate` | create ≤ 50 items, per-item statuses in a 200 |
//! | GET  | `/v1/mediaItems` | app-created items in creation order (pageSize ≤ 100, default 25) |
//! | POST | `/v1/mediaItems:search` | same, or one app album's items (`albumId`) |
//! | POST | `/v1/albums` | create an album |
//! | GET  | `/v1/albums` | app-created albums (pageSize ≤ 50, default 20) |
//! | POST | `/v1/albums/{id}:batchAddMediaItems` | add ≤ 50 app-created items, all or nothing |
//!
//! Choices where the real behaviour is unknown (§8), all scenario options unless noted:
//! - Upload tokens live 1 h and are reusable until then (dedup makes reuse harmless).
//! - Creating an item from bytes already in the library (app-created or foreign) returns that
//!   item, with its id and first filename and description, across batchCreates; with the
//!   scenario's `merge_same_bytes: false` every successful create is a new item instead, so
//!   a duplicate shows ([`FakeGoogle::items_by_description`], `items_by_filename`).
//! - An invalid upload token fails the whole batchCreate (400) by default, or only its item.
//! - Sessions live a week; an expired session answers 404 (or 410) to every request. A test can
//!   also kill live sessions now ([`FakeGoogle::kill_upload_sessions`]): they answer 410, as
//!   a session ended another way does on Google Cloud Storage.
//! - Sessions and the bytes they committed live in the fake, not in any connection: a
//!   restarted client can `query` a session and go on from its offset.
//! - A wrong `X-Goog-Upload-Offset` or a misaligned non-final chunk is a 400 (not an option).
//! - A dropped connection (or a 5xx fault, or a chunked-encoding body that ends unaligned or
//!   short of a finalize) keeps the granularity-aligned prefix of what was read; a finalize
//!   whose `Content-Length` cannot complete the file is rejected before any byte is read.
//! - `finalize` on an already-final session returns the same token again (not an option).
//! - Session URLs need no bearer token by default: the URL is the capability and an
//!   `Authorization` header is ignored. With the scenario's `session_requires_bearer` every
//!   session request needs a valid access token with the upload scope (the same 401/403 as
//!   other calls), as Google's own client always sends one.
//! - Resumable `query`/chunk POSTs count against the daily quota (default yes); only
//!   batchCreate, albums.create and batchAddMediaItems count as per-minute writes by default.
//! - The daily quota resets at midnight UTC−8 (daylight saving ignored; not an option).
//! - Photos over 200 MB fail at batchCreate as a per-item code 3; every upload over 20 GB is a
//!   413 at the upload step.
//! - Files whose type is neither `image/*` nor `video/*` (declared, or guessed from the
//!   extension) fail per item with `NOT_IMAGE`.
//! - New items show in listings `listing_lag_ms` after their creation (default at once), and
//!   `lost_create_answers` makes creates take effect and answer 500; a deleted album
//!   ([`FakeGoogle::delete_album`]) is an "Invalid album ID." to search, its items stay.
//! - One person: the per-user limits (writes per minute, one batchCreate at a time) are global.
//! - Upload bodies are read no faster than `upload_shaping` allows per connection and than
//!   `upload_shared_bytes_per_sec` allows for all connections together (one home uplink, shared
//!   fairly); both are read when a body starts and change at run time
//!   ([`FakeGoogle::set_upload_shaping`], [`FakeGoogle::set_upload_shared_cap`]).
//! - Outages ([`FakeGoogle::outage`], a runtime control, not a scenario option): `silent`
//!   accepts connections but answers nothing and stalls bodies, then drops every request it
//!   touched when it ends; `refuse` closes the port (`ECONNREFUSED`) and resets open
//!   connections, then listens on the same port again. Upload sessions and the bytes they
//!   committed survive both; requests that arrive during one are counted
//!   ([`FakeGoogle::requests_during_outage`]). See [`crate::outage`].
//!
//! Tokens live in the fake's memory, so a restarted fake rejects them; with a scenario
//! `stable_secret` access and refresh tokens are self-validating and a fake restarted with the
//! same secret accepts them (see `GoogleScenario::stable_secret`). Everything else (codes,
//! upload sessions and tokens, media items, albums) is forgotten on restart.

// Handlers return the HTTP response to send as their `Err`: boxing it would buy nothing.
#![allow(clippy::result_large_err)]

mod albums;
mod errors;
mod media_items;
mod oauth;
mod quota;
mod received;
mod scenario;
mod stable;
mod state;
mod uploads;

use std::collections::HashMap;
use std::sync::Arc;

use axum::routing::{get, post};
use axum::Router;
use chrono::Duration;
use serde::{Deserialize, Serialize};

pub use scenario::{
    Consent, ForeignItem, GoogleScenario, InjectedError, InvalidTokenPolicy, ItemFailure,
    ItemFault, RequestFault, UploadFault, UploadFaultKind, SCOPE_APPENDONLY, SCOPE_EDIT_APPCREATED,
    SCOPE_EMAIL, SCOPE_OPENID, SCOPE_READONLY_APPCREATED,
};
pub use state::{AlbumRecord, MediaItemRecord, QuotaUsage, SessionStatus, UploadSessionRecord};

use crate::{Clock, Outage, OutageControl, ServerHandle, Shaping};
use state::Shared;

type SharedState = Arc<Shared>;

/// The kinds of request the fake counts (see [`FakeGoogle::request_count`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestKind {
    /// `GET /o/oauth2/v2/auth`.
    Authorize,
    /// `POST /o/oauth2/v2/approve`.
    Approve,
    /// `POST /token`.
    Token,
    /// `POST /revoke`.
    Revoke,
    /// `GET /v1/userinfo`.
    UserInfo,
    /// Raw `POST /v1/uploads` (and uploads with a bad protocol header).
    UploadRaw,
    /// Resumable `start`.
    UploadStart,
    /// Session `upload`, `finalize` or `cancel` (and unparsable commands).
    UploadChunk,
    /// Session `query`.
    UploadQuery,
    /// `mediaItems:batchCreate`.
    BatchCreate,
    /// `GET /v1/mediaItems`.
    List,
    /// `mediaItems:search`.
    Search,
    /// `POST /v1/albums`.
    AlbumCreate,
    /// `GET /v1/albums`.
    AlbumList,
    /// `albums/{id}:batchAddMediaItems`.
    BatchAdd,
}

impl RequestKind {
    /// Whether it is a Photos Library API request (counted by the daily quota).
    pub fn is_api(self) -> bool {
        !matches!(
            self,
            RequestKind::Authorize
                | RequestKind::Approve
                | RequestKind::Token
                | RequestKind::Revoke
                | RequestKind::UserInfo
        )
    }

    /// The RPC method name used in 403 details.
    fn method_name(self) -> &'static str {
        match self {
            RequestKind::BatchCreate => "BatchCreateMediaItems",
            RequestKind::List => "ListMediaItems",
            RequestKind::Search => "SearchMediaItems",
            RequestKind::AlbumCreate => "CreateAlbum",
            RequestKind::AlbumList => "ListAlbums",
            RequestKind::BatchAdd => "BatchAddMediaItemsToAlbum",
            _ => "UploadMedia",
        }
    }
}

/// Tokens minted by [`FakeGoogle::issue_tokens`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IssuedTokens {
    /// The bearer token.
    pub access_token: String,
    /// The refresh token (empty when none was issued).
    pub refresh_token: String,
    /// The granted scopes.
    pub scopes: Vec<String>,
}

/// The running fake: OAuth and the Photos Library API on one loopback port.
pub struct FakeGoogle {
    shared: SharedState,
    server: ServerHandle,
}

impl FakeGoogle {
    /// Starts the fake with its own clock.
    pub fn start(scenario: GoogleScenario) -> std::io::Result<Self> {
        Self::start_with_clock(scenario, Clock::default())
    }

    /// Starts the fake reading `clock` for every TTL, expiry and quota window.
    pub fn start_with_clock(scenario: GoogleScenario, clock: Clock) -> std::io::Result<Self> {
        let shared = Arc::new(Shared::new(scenario, clock));
        let server = ServerHandle::start("google", router(shared.clone()))?;
        let _ = shared.base_url.set(server.base_url());
        Ok(Self { shared, server })
    }

    /// Photos API base (`http://127.0.0.1:PORT`); the client appends `/v1/...`.
    pub fn base_url(&self) -> String {
        self.server.base_url()
    }

    /// The authorization endpoint.
    pub fn authorize_url(&self) -> String {
        format!("{}/o/oauth2/v2/auth", self.base_url())
    }

    /// The token endpoint.
    pub fn token_url(&self) -> String {
        format!("{}/token", self.base_url())
    }

    /// The OpenID Connect userinfo endpoint.
    pub fn userinfo_url(&self) -> String {
        format!("{}/v1/userinfo", self.base_url())
    }

    /// The revocation endpoint.
    pub fn revoke_url(&self) -> String {
        format!("{}/revoke", self.base_url())
    }

    /// The seeded Desktop client's id.
    pub fn client_id(&self) -> String {
        self.shared.lock().scenario.client_id.clone()
    }

    /// The seeded Desktop client's secret.
    pub fn client_secret(&self) -> String {
        self.shared.lock().scenario.client_secret.clone()
    }

    /// The clock the fake reads.
    pub fn clock(&self) -> &Clock {
        &self.shared.clock
    }

    /// Mints an access token and a refresh token for `scopes`, skipping the browser
    /// (self-validating when the scenario has a `stable_secret`).
    pub fn issue_tokens(&self, scopes: &[&str]) -> IssuedTokens {
        let scopes: Vec<String> = scopes.iter().map(|s| s.to_string()).collect();
        let mut inner = self.shared.lock();
        oauth::mint(&self.shared, &mut inner, &scopes, true)
    }

    /// Revokes a refresh token (also a self-validating one of an earlier run, for this fake's
    /// lifetime); `false` if it was unknown.
    pub fn revoke_refresh_token(&self, token: &str) -> bool {
        let mut inner = self.shared.lock();
        let client_id = inner.scenario.client_id.clone();
        inner.refresh.revoke(token, &client_id)
    }

    /// Expires every access token issued so far, including self-validating ones of an earlier
    /// run (API calls then get 401).
    pub fn expire_access_tokens(&self) {
        let past = self.shared.now() - Duration::seconds(1);
        self.shared.lock().access.expire_all(past);
    }

    /// Expires every resumable session (later requests get the expired-session status).
    pub fn expire_upload_sessions(&self) {
        let mut inner = self.shared.lock();
        for session in inner.sessions.values_mut() {
            session.expired = true;
        }
    }

    /// Kills every live (not expired, not yet killed) resumable session now, as Google's
    /// servers sometimes do: every later request to one, and a chunk in flight, gets 410.
    /// Returns how many were killed.
    pub fn kill_upload_sessions(&self) -> usize {
        let now = self.shared.now();
        let mut inner = self.shared.lock();
        let ttl = Duration::seconds(inner.scenario.upload_session_ttl_secs as i64);
        let mut killed = 0;
        for session in inner.sessions.values_mut() {
            if !(session.killed || session.expired || now > session.created + ttl) {
                session.killed = true;
                killed += 1;
            }
        }
        killed
    }

    /// Kills the session with this `upload_id` (see
    /// [`kill_upload_sessions`](Self::kill_upload_sessions)); `false` if it is unknown.
    pub fn kill_upload_session(&self, upload_id: &str) -> bool {
        let mut inner = self.shared.lock();
        let Some(session) = inner.sessions.get_mut(upload_id) else {
            return false;
        };
        session.killed = true;
        true
    }

    /// Expires every upload token (batchCreate then treats them as invalid).
    pub fn expire_upload_tokens(&self) {
        let past = self.shared.now() - Duration::seconds(1);
        let mut inner = self.shared.lock();
        for upload in inner.uploads.values_mut() {
            upload.expires = past;
        }
    }

    /// Every media item (app-created and seeded foreign ones) in creation order.
    pub fn media_items(&self) -> Vec<MediaItemRecord> {
        let now = self.shared.now();
        let inner = self.shared.lock();
        let processing = inner.scenario.video_processing_secs;
        inner
            .item_order
            .iter()
            .filter_map(|id| inner.items.get(id))
            .map(|item| {
                let mut item = item.clone();
                item.video_status = media_items::video_status(&item, now, processing);
                item
            })
            .collect()
    }

    /// How many app-created items carry each description (`""` for none): a client that
    /// creates nothing twice leaves every count at 1 (see `merge_same_bytes`).
    pub fn items_by_description(&self) -> HashMap<String, usize> {
        self.count_items(|item| &item.description)
    }

    /// How many app-created items carry each filename.
    pub fn items_by_filename(&self) -> HashMap<String, usize> {
        self.count_items(|item| &item.filename)
    }

    fn count_items(&self, key: impl Fn(&MediaItemRecord) -> &String) -> HashMap<String, usize> {
        let inner = self.shared.lock();
        let mut counts = HashMap::new();
        for item in inner.items.values().filter(|i| i.app_created) {
            *counts.entry(key(item).clone()).or_default() += 1;
        }
        counts
    }

    /// Every album (app-created and foreign) in creation order.
    pub fn albums(&self) -> Vec<AlbumRecord> {
        let inner = self.shared.lock();
        inner
            .album_order
            .iter()
            .filter_map(|id| inner.albums.get(id))
            .cloned()
            .collect()
    }

    /// Every resumable session in start order.
    pub fn upload_sessions(&self) -> Vec<UploadSessionRecord> {
        let now = self.shared.now();
        let inner = self.shared.lock();
        let ttl = Duration::seconds(inner.scenario.upload_session_ttl_secs as i64);
        let mut sessions: Vec<_> = inner.sessions.iter().collect();
        sessions.sort_by_key(|(_, s)| s.order);
        sessions
            .into_iter()
            .map(|(id, s)| UploadSessionRecord {
                id: id.clone(),
                raw_size: s.raw_size,
                received: s.received,
                status: s.status,
                expired: s.expired || now > s.created + ttl,
                killed: s.killed,
                filename: s.filename.clone(),
            })
            .collect()
    }

    /// Upload body bytes read off the network so far (raw and resumable, including bytes a
    /// dropped request sent that were not kept): what a client's re-sending costs.
    pub fn upload_bytes_read(&self) -> u64 {
        self.shared
            .upload_bytes_read
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The most upload bodies (raw or resumable) that were being received at one moment: how
    /// many files a client really had in flight.
    pub fn peak_concurrent_uploads(&self) -> u64 {
        self.shared
            .uploads_reading_peak
            .load(std::sync::atomic::Ordering::SeqCst)
    }

    /// How many requests of `kind` arrived (rejected ones included).
    pub fn request_count(&self, kind: RequestKind) -> u64 {
        self.shared.lock().counts.get(&kind).copied().unwrap_or(0)
    }

    /// The quota counters now.
    pub fn quota_usage(&self) -> QuotaUsage {
        quota::usage(&self.shared)
    }

    /// Bytes of storage used by created media.
    pub fn storage_used(&self) -> u64 {
        self.shared.lock().storage_used
    }

    /// Adds a whole-request fault for the next requests.
    pub fn set_request_fault(&self, fault: RequestFault) {
        self.shared.lock().scenario.request_faults.push(fault);
    }

    /// Adds an upload body fault.
    pub fn set_upload_fault(&self, fault: UploadFault) {
        self.shared.lock().scenario.upload_faults.push(fault);
    }

    /// Adds a per-item batchCreate fault.
    pub fn set_item_fault(&self, fault: ItemFault) {
        self.shared.lock().scenario.item_faults.push(fault);
    }

    /// Removes every pending request, upload and item fault.
    pub fn clear_faults(&self) {
        let mut inner = self.shared.lock();
        inner.scenario.request_faults.clear();
        inner.scenario.upload_faults.clear();
        inner.scenario.item_faults.clear();
    }

    /// Deletes an album as a person does in Google Photos: its items stay in the library.
    /// Returns whether it existed.
    pub fn delete_album(&self, id: &str) -> bool {
        let mut inner = self.shared.lock();
        let existed = inner.albums.remove(id).is_some();
        for item in inner.items.values_mut() {
            item.album_ids.retain(|a| a != id);
        }
        existed
    }

    /// Makes every batchCreate fail with the storage-full 400 (or stops doing so).
    pub fn set_storage_full(&self, full: bool) {
        self.shared.lock().storage_full = full;
    }

    /// Changes how consent goes.
    pub fn set_consent(&self, consent: Consent) {
        self.shared.lock().scenario.consent = consent;
    }

    /// Changes upload latency and read bandwidth.
    pub fn set_upload_shaping(&self, shaping: Shaping) {
        self.shared.lock().scenario.upload_shaping = shaping;
    }

    /// Changes the bandwidth all upload bodies share (`None`: unlimited), for bodies that
    /// start from now on.
    pub fn set_upload_shared_cap(&self, bytes_per_sec: Option<u64>) {
        self.shared.lock().scenario.upload_shared_bytes_per_sec = bytes_per_sec;
    }

    /// Cuts the fake off the network (see [`Outage`]) until [`restore`](Self::restore).
    pub fn outage(&self, kind: Outage) {
        self.server.outages().outage(kind);
    }

    /// Cuts the fake off the network for `duration` of real time.
    pub fn outage_for(&self, kind: Outage, duration: std::time::Duration) {
        self.server.outages().outage_for(kind, duration);
    }

    /// Ends an outage: stalled requests are dropped, new ones are served on the same port.
    pub fn restore(&self) {
        self.server.outages().restore();
    }

    /// Requests that arrived during outages (refused connections never arrive).
    pub fn requests_during_outage(&self) -> u64 {
        self.server.outages().requests_during_outage()
    }

    /// The fake's outage control, to share with other code.
    pub fn outages(&self) -> &OutageControl {
        self.server.outages()
    }

    /// Changes any scenario setting while the server runs.
    pub fn update_scenario<R>(&self, change: impl FnOnce(&mut GoogleScenario) -> R) -> R {
        change(&mut self.shared.lock().scenario)
    }
}

fn router(shared: SharedState) -> Router {
    Router::new()
        .route("/o/oauth2/v2/auth", get(oauth::authorize))
        .route("/o/oauth2/v2/approve", post(oauth::approve))
        .route("/token", post(oauth::token))
        .route("/revoke", post(oauth::revoke))
        .route("/v1/userinfo", get(oauth::userinfo))
        .route("/v1/uploads", post(uploads::uploads))
        .route("/v1/mediaItems", get(media_items::list))
        .route(
            "/v1/mediaItems:batchCreate",
            post(media_items::batch_create),
        )
        .route("/v1/mediaItems:search", post(media_items::search))
        .route("/v1/albums", post(albums::create).get(albums::list))
        .route("/v1/albums/{segment}", post(albums::album_action))
        .layer(axum::middleware::from_fn_with_state(
            shared.clone(),
            api_latency,
        ))
        .with_state(shared)
}

/// Waits `api_latency_ms` before any request but a byte upload (which has its own shaping).
async fn api_latency(
    axum::extract::State(shared): axum::extract::State<SharedState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let latency = shared.lock().scenario.api_latency_ms;
    if latency > 0 && request.uri().path() != "/v1/uploads" {
        tokio::time::sleep(std::time::Duration::from_millis(latency)).await;
    }
    next.run(request).await
}
