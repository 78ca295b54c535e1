//! A faithful local fake of the GoPro cloud (`shared/design/gopro-api.md`): the media API and
//! login page on one host, the signed CDN on another.
//!
//! | Host | Route | Behaviour |
//! |---|---|---|
//! | API | `GET /media/search` | `_pages` + `_embedded{errors,media}`; projection, filters, ranges, paging ([`search`](self::search)) |
//! | API | `GET /media/{id}/download` | `filename` + `_embedded{files,variations,sprites,sidecar_files}` with signed `url`/`head`; 404 unknown id |
//! | API | `GET /media/{id}` | the full search row (optional `fields`); 404 unknown id |
//! | API | `GET /media/user` | `{id,total_count,total_storage,exempt,non_exempt,non_exempt_storage_limit,created_at,updated_at}` |
//! | API | `GET /media/x/zip/source` | 200, `application/zip`, **0 bytes** (the 2026 trap); auth by `access_token`, cookie or Bearer |
//! | API | `GET /login`, `POST /login` | HTML form; correct credentials → 302 `/media-library` + HttpOnly `gp_access_token` cookie ([`account`](self::account)) |
//! | API | `GET /media-library` | landing page after login |
//! | Images (the API server) | `GET /resize/{450w\|original}/{token}` | the search row `token`'s thumbnail, a PNG; Bearer required ([`thumbnails`](self::thumbnails)) |
//! | CDN | `GET`/`HEAD /{uuid}/{n}/{label}/{camera_position}/{item}.{ext}?Expires&Signature&Key-Pair-Id&response-content-disposition` | signed, method-specific, expiring; Range/206/416; `binary/octet-stream` ([`cdn`](self::cdn)) |
//!
//! Every `/media/...` route except the zip first checks the vendor `Accept`
//! (`application/vnd.gopro.jk.media+json; version=2.0.0` or the `.search+json` flavour): none →
//! **406** with an empty body, a version listed in `gone_versions` → **410**; then the injected
//! **429**; then the token (Bearer or `gp_access_token` cookie) → **401**
//! `{"error":"invalid_request",…}` (or **500** for an expired token when `dead_token_500`
//! fires). API bodies are JSON sent as `application/vnd.gopro.jk.media+json; version=2.0.0`.
//!
//! Tokens live in the fake's memory, so a restarted fake rejects them; with a scenario
//! `stable_secret` they are self-validating instead and a fake restarted with the same secret
//! accepts them until they expire (see `GoProScenario::stable_secret`).
//!
//! CDN bodies flow no faster than `cdn_shaping` allows per connection and than
//! `cdn_shared_bytes_per_sec` allows for all downloads together (one home link, shared fairly);
//! both are read when a download starts ([`FakeGoPro::set_cdn_shared_cap`] changes the latter).
//!
//! Outages ([`FakeGoPro::outage`], [`FakeGoPro::outage_for`]) cut the API and the CDN off the
//! network together, the way a router reboot would: `silent` accepts connections but answers
//! nothing and stalls bodies mid-download, dropping them when it ends; `refuse` closes both
//! ports and resets open connections, then listens on the same ports again (signed URLs stay
//! valid). See [`crate::outage`].
//!
//! Time (token TTL, URL expiry) reads the [`Clock`]; faults can be changed while running with
//! [`FakeGoPro::set_faults`] / [`FakeGoPro::set_fault`]. Every file is a generated [`Content`]:
//! [`FakeGoPro::content`] and [`FakeGoPro::expected_sha256`] tell a test what the original's
//! bytes are.

pub mod account;
mod auth;
pub mod cdn;
pub mod demo;
pub mod download;
mod faults;
pub mod library;
mod scenario;
pub(crate) mod sealed;
pub mod search;
mod shapes;
mod state;
pub mod thumbnails;

use std::collections::HashMap;
use std::sync::Arc;

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

pub use auth::{VENDOR_ACCEPT, VENDOR_SEARCH_ACCEPT};
pub use demo::{demo_id, demo_library, DEMO_CAPTURED_FROM, DEMO_CAPTURED_TO};
pub use faults::{CdnRequest, RequestKind};
pub use library::{Media, MediaType, ProcessingState, Rendition, Section};
pub use scenario::{
    CdnDrop, CdnError, GoProAccount, GoProFaults, GoProScenario, RateLimit, ShortPages, Trigger,
};

use crate::{Clock, Content, Outage, OutageControl, ServerHandle};
use state::Shared;

/// A JSON API response with the vendor content type.
pub(crate) fn api_json(status: StatusCode, body: &serde_json::Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, VENDOR_ACCEPT)],
        body.to_string(),
    )
        .into_response()
}

/// Applies the API host's [`Shaping`](crate::Shaping): latency before the request is handled,
/// bandwidth on the response body.
async fn shape_api(
    axum::extract::State(shared): axum::extract::State<Arc<Shared>>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let shaping = shared.api_shaping();
    shaping.delay().await;
    let response = next.run(request).await;
    if shaping.bytes_per_sec.is_none() {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    if let Some(len) = axum::body::HttpBody::size_hint(&body).exact() {
        parts.headers.insert(header::CONTENT_LENGTH, len.into());
    }
    Response::from_parts(parts, body).map(|body| {
        let stream = futures_util::StreamExt::map(body.into_data_stream(), |chunk| {
            chunk.map_err(std::io::Error::other)
        });
        axum::body::Body::from_stream(shaping.throttle(stream))
    })
}

/// One original a correct client uploads (see [`FakeGoPro::expected_originals`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExpectedOriginal {
    /// The medium's id.
    pub media_id: String,
    /// `source` or `baked_source`.
    pub label: String,
    /// The item number (`None` for a single original).
    pub item_number: Option<u32>,
    /// The filename from `response-content-disposition`.
    pub filename: String,
    /// The bytes.
    pub content: Content,
}

/// The running fake: API host, CDN host, and an inspection API for tests.
pub struct FakeGoPro {
    shared: Arc<Shared>,
    api: ServerHandle,
    cdn: ServerHandle,
}

impl FakeGoPro {
    /// Starts the fake on two ephemeral loopback ports with its own clock.
    pub fn start(scenario: GoProScenario) -> std::io::Result<Self> {
        Self::start_with_clock(scenario, Clock::default())
    }

    /// Starts the fake reading `clock` for token and URL expiry.
    pub fn start_with_clock(scenario: GoProScenario, clock: Clock) -> std::io::Result<Self> {
        let shared = Shared::new(scenario, clock);
        let outages = OutageControl::default();
        let loopback = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
        let cdn = ServerHandle::start_with_outages(
            "gopro-cdn",
            loopback,
            Router::new()
                .fallback(cdn::serve)
                .with_state(shared.clone()),
            outages.clone(),
        )?;
        let _ = shared.cdn_base.set(cdn.base_url());
        let router = Router::new()
            .route("/media/search", get(search::search))
            .route("/media/user", get(account::user))
            .route("/media/x/zip/source", get(download::zip))
            .route("/media/{id}", get(search::medium))
            .route("/media/{id}/download", get(download::download))
            .route(
                "/login",
                get(account::login_form).post(account::login_submit),
            )
            .route("/media-library", get(account::media_library))
            .route("/resize/{size}/{token}", get(thumbnails::resize))
            .layer(axum::middleware::from_fn_with_state(
                shared.clone(),
                shape_api,
            ))
            .with_state(shared.clone());
        let api = ServerHandle::start_with_outages("gopro-api", loopback, router, outages)?;
        Ok(Self { shared, api, cdn })
    }

    /// The API host, e.g. `http://127.0.0.1:PORT` (`/media/...`, `/login`).
    pub fn api_url(&self) -> String {
        self.api.base_url()
    }

    /// The image host thumbnails come from (`/resize/{size}/{token}`; here the API server).
    pub fn images_url(&self) -> String {
        self.api.base_url()
    }

    /// The CDN host (a separate server and port).
    pub fn cdn_url(&self) -> String {
        self.cdn.base_url()
    }

    /// The login page.
    pub fn login_url(&self) -> String {
        format!("{}/login", self.api.base_url())
    }

    /// The clock the fake reads; advance it to expire tokens and URLs.
    pub fn clock(&self) -> &Clock {
        &self.shared.clock
    }

    /// The scenario the fake was started with (faults as at start).
    pub fn scenario(&self) -> &GoProScenario {
        &self.shared.scenario
    }

    /// A valid access token for the seeded user, as the login page would have set
    /// (self-validating when the scenario has a `stable_secret`).
    pub fn issue_token(&self) -> String {
        self.shared.issue_token()
    }

    /// The seeded user's id (the `gp_user_id` cookie).
    pub fn user_id(&self) -> &str {
        &self.shared.scenario.account.user_id
    }

    /// Requests of `kind` received so far (counted on arrival, also when rejected).
    pub fn request_count(&self, kind: RequestKind) -> u64 {
        self.shared
            .lock_counters()
            .by_kind
            .get(&kind)
            .copied()
            .unwrap_or(0)
    }

    /// All request counters.
    pub fn request_counts(&self) -> HashMap<RequestKind, u64> {
        self.shared.lock_counters().by_kind.clone()
    }

    /// Every CDN request so far, in order.
    pub fn cdn_requests(&self) -> Vec<CdnRequest> {
        self.shared.lock_counters().cdn.clone()
    }

    /// GoPro finishes processing the medium `id` (a video still transcoding becomes ready: its
    /// search row and download descriptor say so from now on).
    pub fn finish_processing(&self, id: &str) {
        self.shared.finish_processing(id);
    }

    /// Ids of the library, in scenario order.
    pub fn media_ids(&self) -> Vec<String> {
        self.shared
            .scenario
            .library
            .iter()
            .map(|m| m.id.clone())
            .collect()
    }

    /// The medium with `id`.
    pub fn media(&self, id: &str) -> Option<&Media> {
        self.shared.media(id).map(|(_, m)| m)
    }

    /// The bytes served for `label` / `item_number` (`None` = 1) of medium `id`.
    pub fn content(&self, id: &str, label: &str, item_number: Option<u32>) -> Option<Content> {
        self.media(id)?
            .rendition(label, item_number)
            .map(|r| r.content)
    }

    /// Hex SHA-256 of what the CDN serves for `label` / `item_number` of medium `id`.
    pub fn expected_sha256(
        &self,
        id: &str,
        label: &str,
        item_number: Option<u32>,
    ) -> Option<String> {
        self.content(id, label, item_number).map(|c| c.sha256_hex())
    }

    /// Every original a correct client uploads, over the whole library, excluding media not
    /// `ready`, Quik projects and `raw_photo` (opt-in). Bursts give one entry per frame.
    pub fn expected_originals(&self) -> Vec<ExpectedOriginal> {
        self.shared
            .scenario
            .library
            .iter()
            .filter(|m| m.state == ProcessingState::Ready)
            .flat_map(|m| {
                m.originals().into_iter().map(move |r| ExpectedOriginal {
                    media_id: m.id.clone(),
                    label: r.label.clone(),
                    item_number: r.item_number,
                    filename: r.download_name.clone(),
                    content: r.content,
                })
            })
            .collect()
    }

    /// The faults in force now.
    pub fn faults(&self) -> GoProFaults {
        self.shared.lock_faults().faults.clone()
    }

    /// Replaces every fault; their counters restart (so `Trigger::First(k)` means the next k).
    pub fn set_faults(&self, faults: GoProFaults) {
        self.shared.lock_faults().replace(faults);
    }

    /// Changes the bandwidth all CDN downloads share (`None`: unlimited), for downloads that
    /// start from now on; unlike [`set_faults`](Self::set_faults) it keeps fault counters.
    pub fn set_cdn_shared_cap(&self, bytes_per_sec: Option<u64>) {
        self.shared.lock_faults().faults.cdn_shared_bytes_per_sec = bytes_per_sec;
    }

    /// Cuts the API and the CDN off the network (see [`Outage`]) until
    /// [`restore`](Self::restore).
    pub fn outage(&self, kind: Outage) {
        self.api.outages().outage(kind);
    }

    /// Cuts the API and the CDN off the network for `duration` of real time.
    pub fn outage_for(&self, kind: Outage, duration: std::time::Duration) {
        self.api.outages().outage_for(kind, duration);
    }

    /// Ends an outage: stalled requests are dropped, new ones are served on the same ports.
    pub fn restore(&self) {
        self.api.outages().restore();
    }

    /// Requests (API and CDN) that arrived during outages (refused connections never arrive).
    pub fn requests_during_outage(&self) -> u64 {
        self.api.outages().requests_during_outage()
    }

    /// The outage control both hosts share.
    pub fn outages(&self) -> &OutageControl {
        self.api.outages()
    }

    /// Changes some faults, e.g. `fake.set_fault(|f| f.cdn_drop.trigger = Trigger::First(1))`;
    /// counters restart as with [`FakeGoPro::set_faults`].
    pub fn set_fault(&self, change: impl FnOnce(&mut GoProFaults)) {
        let mut faults = self.faults();
        change(&mut faults);
        self.set_faults(faults);
    }
}
