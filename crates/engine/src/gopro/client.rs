//! [`GoProClient`]: authenticated calls to the GoPro media API.

use std::sync::{Arc, RwLock};

use url::Url;

use super::api::{DownloadResponse, Medium, SearchResponse, User};
use super::error::GoProError;
use super::range::CaptureRange;
use super::walk::MediaWalk;
use crate::config::join;
use crate::http::{default_classifier, HttpCore, Safety};
use crate::secret::Secret;

/// The vendor media type every API call must accept (406 otherwise).
pub const VENDOR_ACCEPT: &str = "application/vnd.gopro.jk.media+json; version=2.0.0";

/// Media types listed: every capture kind plus Quik edits (an explicit list: an empty `type=`
/// stopped working in 2024 and a misspelled value is silently ignored).
pub const LISTED_TYPES: &str = "Burst,BurstVideo,Continuous,LoopedVideo,Photo,TimeLapse,TimeLapseVideo,Video,MultiClipEdit,Edit,Chaptered,Livestream,ExternalVideo,Session";

/// Processing states listed: ready items and those GoPro is still working on (reported as
/// "not ready yet" rather than silently missing).
pub const LISTED_STATES: &str =
    "registered,uploading,rendering,pretranscoding,transcoding,stabilizing,ready,failure";

/// Fields requested in searches (a projection keeps pages small).
pub const SEARCH_FIELDS: &str = "id,type,filename,file_extension,captured_at,captured_at_timezone,created_at,file_size,item_count,ready_to_view,play_as,mce_type,width,height,source_duration,reprocessed_at,camera_model,token";

/// A medium's thumbnail as GoPro's image host serves it.
#[derive(Clone, Debug)]
pub struct Thumbnail {
    /// `image/jpeg`, `image/png` or `image/webp`.
    pub mime: String,
    /// The image.
    pub bytes: bytes::Bytes,
}

/// A GoPro login: the `gp_access_token` value and, when known, the `gp_user_id`.
#[derive(Clone, Debug)]
pub struct GoProCredentials {
    /// The access token (a JWE; its expiry cannot be read, a 401 is the only signal).
    pub access_token: Secret,
    /// The user id cookie, sent alongside the token when known.
    pub user_id: Option<String>,
}

/// A client of the GoPro media API and CDN. Cheap to clone.
#[derive(Clone, Debug)]
pub struct GoProClient {
    pub(crate) inner: Arc<Inner>,
}

#[derive(Debug)]
pub(crate) struct Inner {
    pub(crate) http: HttpCore,
    pub(crate) base: Url,
    pub(crate) credentials: RwLock<GoProCredentials>,
    pub(crate) per_page: std::sync::atomic::AtomicU64,
}

impl GoProClient {
    /// A client for the API at `base` (the real `https://api.gopro.com` or a fake).
    pub fn new(http: HttpCore, base: Url, credentials: GoProCredentials) -> Self {
        Self {
            inner: Arc::new(Inner {
                http,
                base,
                credentials: RwLock::new(credentials),
                per_page: std::sync::atomic::AtomicU64::new(50),
            }),
        }
    }

    /// The API root this client talks to (for the run's reachability probe).
    pub fn base_url(&self) -> &Url {
        &self.inner.base
    }

    /// The plain HTTP client (for the run's reachability probe).
    pub(crate) fn http_client(&self) -> &reqwest::Client {
        self.inner.http.client()
    }

    /// Replaces the login after the person logged in again.
    pub fn set_credentials(&self, credentials: GoProCredentials) {
        *self.inner.credentials.write().expect("credentials lock") = credentials;
    }

    /// Rows per search page (50 by default, as go2cloud settled on; larger pages truncate).
    pub fn per_page(&self) -> u64 {
        self.inner
            .per_page
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Sets the rows asked per search page (clamped to 1..=100).
    pub fn with_per_page(self, per_page: u64) -> Self {
        self.inner
            .per_page
            .store(per_page.clamp(1, 100), std::sync::atomic::Ordering::Relaxed);
        self
    }

    /// Walks every medium captured on a local day in `range`, deduplicated, page by page.
    pub fn search(&self, range: CaptureRange) -> MediaWalk {
        MediaWalk::new(self.clone(), range, 1)
    }

    /// Like [`search`](Self::search), resuming from 1-based page `page` (a stored cursor).
    pub fn search_from(&self, range: CaptureRange, page: u64) -> MediaWalk {
        MediaWalk::new(self.clone(), range, page.max(1))
    }

    /// The account behind the token; also the cheapest check that a login still works.
    pub async fn user(&self) -> Result<User, GoProError> {
        let response = self.get("media/user", &[], None).await?;
        response
            .json()
            .await
            .map_err(|e| GoProError::Protocol(format!("user: {}", e.without_url())))
    }

    /// One search page. Exposed for the contract checks of `q2google doctor`.
    pub async fn search_page(
        &self,
        range: &CaptureRange,
        page: u64,
        per_page: u64,
    ) -> Result<(Vec<Medium>, SearchResponse), GoProError> {
        let query = [
            ("fields", SEARCH_FIELDS.to_string()),
            ("type", LISTED_TYPES.to_string()),
            ("processing_states", LISTED_STATES.to_string()),
            ("order_by", "captured_at".to_string()),
            ("captured_range", range.query_value()),
            ("page", page.to_string()),
            ("per_page", per_page.to_string()),
        ];
        let response = self.get("media/search", &query, None).await?;
        let body: SearchResponse = response.json().await.map_err(|e| {
            GoProError::Protocol(format!("search page {page}: {}", e.without_url()))
        })?;
        let mut rows = Vec::with_capacity(body.embedded.media.len());
        for raw in &body.embedded.media {
            match serde_json::from_value::<Medium>(raw.clone()) {
                Ok(m) if m.has_id() => rows.push(m),
                Ok(_) => tracing::warn!(page, "skipping a search row without an id"),
                Err(err) => tracing::warn!(%err, page, "skipping a search row without a usable id"),
            }
        }
        Ok((rows, body))
    }

    /// The thumbnail (about 450 pixels wide) of a search row's `token` from GoPro's image host
    /// `images`: its MIME type (an image type) and bytes.
    pub async fn thumbnail(&self, images: &Url, token: &Secret) -> Result<Thumbnail, GoProError> {
        /// A thumbnail is tens of kB; anything past this is not one.
        const MAX_BYTES: usize = 4 * 1024 * 1024;
        let mut url = images.clone();
        url.path_segments_mut()
            .map_err(|()| GoProError::Protocol("the image host is not a base URL".into()))?
            .pop_if_empty()
            .extend(["resize", "450w", token.expose()]);
        let access = self
            .inner
            .credentials
            .read()
            .expect("credentials lock")
            .access_token
            .clone();
        let http = &self.inner.http;
        let response = http
            .send(Safety::Idempotent, default_classifier, || {
                http.client().get(url.clone()).bearer_auth(access.expose())
            })
            .await
            .map_err(|e| GoProError::from_http(e, None))?;
        let mime = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|v| {
                v.split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_ascii_lowercase()
            })
            .filter(|m| matches!(m.as_str(), "image/jpeg" | "image/png" | "image/webp"))
            .ok_or_else(|| GoProError::Protocol("the thumbnail is not an image".into()))?;
        let bytes = response
            .bytes()
            .await
            .map_err(|e| GoProError::Network(crate::http::HttpError::from_reqwest(e, "GoPro")))?;
        if bytes.len() > MAX_BYTES {
            return Err(GoProError::Protocol("the thumbnail is too large".into()));
        }
        Ok(Thumbnail { mime, bytes })
    }

    /// The renditions of a medium, with freshly signed URLs (they expire within the hour).
    pub async fn download_info(&self, media_id: &str) -> Result<DownloadResponse, GoProError> {
        let path = format!("media/{media_id}/download");
        let response = self.get(&path, &[], Some(media_id)).await?;
        response
            .json()
            .await
            .map_err(|e| GoProError::Protocol(format!("download info: {}", e.without_url())))
    }

    async fn get(
        &self,
        path: &str,
        query: &[(&str, String)],
        media_id: Option<&str>,
    ) -> Result<reqwest::Response, GoProError> {
        let url = join(&self.inner.base, path);
        let credentials = self
            .inner
            .credentials
            .read()
            .expect("credentials lock")
            .clone();
        let http = &self.inner.http;
        http.send(Safety::Idempotent, default_classifier, || {
            let mut request = http
                .client()
                .get(url.clone())
                .query(query)
                .header(reqwest::header::ACCEPT, VENDOR_ACCEPT)
                .bearer_auth(credentials.access_token.expose());
            // Both transports work; sending both is what GoPro's own web app effectively does.
            if let Some(uid) = &credentials.user_id {
                request = request.header(
                    reqwest::header::COOKIE,
                    format!(
                        "gp_access_token={}; gp_user_id={uid}",
                        credentials.access_token.expose()
                    ),
                );
            }
            request
        })
        .await
        .map_err(|e| GoProError::from_http(e, media_id))
    }
}
