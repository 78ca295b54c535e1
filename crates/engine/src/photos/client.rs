//! [`PhotosClient`]: authenticated calls to the Photos Library API.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use url::Url;

use super::api::{
    Album, AlbumsPage, BareError, BatchCreateResponse, ErrorEnvelope, MediaItem, MediaItemsPage,
};
use super::error::{ItemFailure, ItemFailureClass, PhotosError};
use super::quota::{
    classify, classify_create, is_daily_quota, next_daily_reset, PER_MINUTE_MIN_WAIT,
};
use super::upload::UploadToken;
use crate::auth::AccessTokenCache;
use crate::config::join;
use crate::http::{HttpCore, HttpError, Safety};
use crate::secret::Secret;

/// Google's limit of items per `batchCreate` (and per `batchAddMediaItems`).
pub const MAX_BATCH: usize = 50;
/// Google's limit of items in one album ("requests to add beyond this limit will fail").
pub const ALBUM_CAPACITY: u64 = 20_000;
/// Default wait for a `batchCreate` answer (see [`PhotosClient::with_create_answer_wait`]).
pub const CREATE_ANSWER_WAIT: Duration = Duration::from_secs(600);

/// One item to create.
#[derive(Clone, Debug)]
pub struct NewItem {
    /// The upload token of its bytes.
    pub upload_token: UploadToken,
    /// File name shown in Google Photos (≤ 255 characters).
    pub file_name: String,
    /// Description (< 1000 characters), or none.
    pub description: Option<String>,
}

/// A client of the Photos Library API. Cheap to clone.
#[derive(Clone, Debug)]
pub struct PhotosClient {
    pub(crate) http: HttpCore,
    pub(crate) base: Url,
    pub(crate) tokens: Arc<AccessTokenCache>,
    pub(crate) rate_limit_wait: Duration,
    pub(crate) raw_upload_max: u64,
    pub(crate) create_answer_wait: Duration,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BatchCreateRequest<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    album_id: Option<&'a str>,
    new_media_items: Vec<NewMediaItemJson<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NewMediaItemJson<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    simple_media_item: SimpleMediaItemJson<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SimpleMediaItemJson<'a> {
    upload_token: &'a str,
    file_name: &'a str,
}

impl PhotosClient {
    /// A client for the API at `base` (`https://photoslibrary.googleapis.com` or a fake).
    pub fn new(http: HttpCore, base: Url, tokens: Arc<AccessTokenCache>) -> Self {
        Self {
            http,
            base,
            tokens,
            rate_limit_wait: PER_MINUTE_MIN_WAIT,
            raw_upload_max: super::upload::RAW_UPLOAD_MAX,
            create_answer_wait: CREATE_ANSWER_WAIT,
        }
    }

    /// How long a `batchCreate` may take to answer before its outcome counts as unknown
    /// (default 10 minutes: creating 50 videos can be slow, and a create cut short must be
    /// reconciled by listing, which costs quota).
    pub fn with_create_answer_wait(mut self, wait: Duration) -> Self {
        self.create_answer_wait = wait;
        self
    }

    /// The API root this client talks to (for the run's reachability probe).
    pub fn base_url(&self) -> &Url {
        &self.base
    }

    /// Applies what `settings` says of Google calls: the per-minute wait, the raw-upload size
    /// and the create wait. Every caller that builds a client for a sync uses this, so none
    /// drifts from the settings.
    pub fn with_settings(self, settings: &crate::settings::Settings) -> Self {
        self.with_rate_limit_wait(settings.rate_limit_wait)
            .with_raw_upload_max(settings.raw_upload_max_bytes)
            .with_create_answer_wait(settings.create_answer_wait)
    }

    /// Sets the minimum wait after a per-minute 429 (30 s, Google's advice; shorter only in tests
    /// against a fake).
    pub fn with_rate_limit_wait(mut self, wait: Duration) -> Self {
        self.rate_limit_wait = wait;
        self
    }

    /// Files up to this size go up in one raw request (one request of quota instead of two).
    pub fn with_raw_upload_max(mut self, bytes: u64) -> Self {
        self.raw_upload_max = bytes;
        self
    }

    /// Creates media items from upload tokens, in one request (≤ 50 items), and returns each
    /// item's own outcome in the order given, matched by upload token.
    pub async fn batch_create(
        &self,
        items: &[NewItem],
        album_id: Option<&str>,
    ) -> Result<Vec<Result<MediaItem, ItemFailure>>, PhotosError> {
        if items.is_empty() || items.len() > MAX_BATCH {
            return Err(PhotosError::Protocol(format!(
                "a create batch must hold 1 to {MAX_BATCH} items, not {}",
                items.len()
            )));
        }
        let body = BatchCreateRequest {
            album_id,
            new_media_items: items
                .iter()
                .map(|i| NewMediaItemJson {
                    description: i.description.as_deref(),
                    simple_media_item: SimpleMediaItemJson {
                        upload_token: i.upload_token.expose(),
                        file_name: &i.file_name,
                    },
                })
                .collect(),
        };
        let response = self
            .call(
                reqwest::Method::POST,
                "v1/mediaItems:batchCreate",
                Some(&body),
                &[],
                true,
            )
            .await?;
        let body = self
            .http
            .read_body(response)
            .await
            .map_err(|e| PhotosError::OutcomeUnknown(format!("answer cut short: {e}")))?;
        let parsed: BatchCreateResponse = serde_json::from_slice(&body)
            .map_err(|e| PhotosError::OutcomeUnknown(format!("unreadable answer: {e}")))?;
        let mut by_token: HashMap<String, _> = HashMap::new();
        for result in parsed.new_media_item_results {
            if let Some(token) = result.upload_token.clone() {
                by_token.entry(token).or_insert(result);
            }
        }
        Ok(items
            .iter()
            .map(|item| {
                let Some(result) = by_token.get(item.upload_token.expose()) else {
                    return Err(ItemFailure {
                        class: ItemFailureClass::InDoubt,
                        code: 2,
                        message: "Google returned no result for this item".into(),
                    });
                };
                let status = result.status.clone().unwrap_or_default();
                match (status.code.unwrap_or(0), &result.media_item) {
                    (0, Some(item)) => Ok(item.clone()),
                    (0, None) => Err(ItemFailure {
                        class: ItemFailureClass::InDoubt,
                        code: 0,
                        message: "Google reported success without a media item".into(),
                    }),
                    (code, _) => Err(ItemFailure::classify(
                        code,
                        status.message.as_deref().unwrap_or(""),
                    )),
                }
            })
            .collect())
    }

    /// One page of the items this app created (oldest first), for reconciliation.
    pub async fn list_media_items(
        &self,
        page_token: Option<&str>,
        page_size: u32,
    ) -> Result<MediaItemsPage, PhotosError> {
        let mut query = vec![("pageSize", page_size.to_string())];
        if let Some(t) = page_token {
            query.push(("pageToken", t.to_string()));
        }
        self.json(
            reqwest::Method::GET,
            "v1/mediaItems",
            None::<&()>,
            &query,
            false,
        )
        .await
    }

    /// One page of the app-created items in `album_id`.
    pub async fn search_album(
        &self,
        album_id: &str,
        page_token: Option<&str>,
        page_size: u32,
    ) -> Result<MediaItemsPage, PhotosError> {
        let body = serde_json::json!({"albumId": album_id, "pageSize": page_size, "pageToken": page_token});
        self.json(
            reqwest::Method::POST,
            "v1/mediaItems:search",
            Some(&body),
            &[],
            false,
        )
        .await
    }

    /// Creates an album (not idempotent: store its id, titles are not unique).
    pub async fn create_album(&self, title: &str) -> Result<Album, PhotosError> {
        let body = serde_json::json!({"album": {"title": title}});
        self.json(reqwest::Method::POST, "v1/albums", Some(&body), &[], true)
            .await
    }

    /// One page of the albums this app created.
    pub async fn list_albums(&self, page_token: Option<&str>) -> Result<AlbumsPage, PhotosError> {
        let mut query = vec![("pageSize", "50".to_string())];
        if let Some(t) = page_token {
            query.push(("pageToken", t.to_string()));
        }
        self.json(
            reqwest::Method::GET,
            "v1/albums",
            None::<&()>,
            &query,
            false,
        )
        .await
    }

    /// Adds app-created items to an app-created album (≤ 50, all or nothing).
    pub async fn add_to_album(
        &self,
        album_id: &str,
        media_item_ids: &[String],
    ) -> Result<(), PhotosError> {
        let body = serde_json::json!({"mediaItemIds": media_item_ids});
        let path = format!("v1/albums/{album_id}:batchAddMediaItems");
        self.call(reqwest::Method::POST, &path, Some(&body), &[], false)
            .await?;
        Ok(())
    }

    async fn json<T: serde::de::DeserializeOwned, B: Serialize + ?Sized>(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&B>,
        query: &[(&str, String)],
        unsafe_to_repeat: bool,
    ) -> Result<T, PhotosError> {
        let response = self
            .call(method, path, body, query, unsafe_to_repeat)
            .await?;
        let body = self
            .http
            .read_body(response)
            .await
            .map_err(|e| map_error(e, unsafe_to_repeat))?;
        serde_json::from_slice(&body).map_err(|e| PhotosError::Protocol(format!("{path}: {e}")))
    }

    /// Sends an authenticated JSON call; refreshes the access token once on 401.
    async fn call<B: Serialize + ?Sized>(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&B>,
        query: &[(&str, String)],
        unsafe_to_repeat: bool,
    ) -> Result<reqwest::Response, PhotosError> {
        let url = join(&self.base, path);
        let safety = if unsafe_to_repeat {
            Safety::NotIdempotent
        } else {
            Safety::Idempotent
        };
        let is_create = path.ends_with(":batchCreate");
        let result = self
            .authorized(safety, is_create, |token| {
                let mut request = self
                    .http
                    .client()
                    .request(method.clone(), url.clone())
                    .query(query)
                    .bearer_auth(token.expose());
                if let Some(body) = body {
                    request = request.json(body);
                }
                request
            })
            .await?;
        result.map_err(|err| map_error(err, unsafe_to_repeat))
    }

    /// Sends the request `make` builds for a valid access token through the retry policy
    /// (the create classification when `create`), refreshing the token once if Google answers
    /// 401. The outer error is a login failure; the inner one is the request's own, for the
    /// caller to interpret.
    pub(crate) async fn authorized(
        &self,
        safety: Safety,
        create: bool,
        make: impl Fn(&Secret) -> reqwest::RequestBuilder,
    ) -> Result<Result<reqwest::Response, HttpError>, PhotosError> {
        self.authorized_with(safety, None, create, make).await
    }

    /// [`authorized`](Self::authorized) for a request whose body is watched by `activity`
    /// (built on the streaming client with a [`crate::http::watched_body`]).
    pub(crate) async fn authorized_with(
        &self,
        safety: Safety,
        activity: Option<&crate::http::Activity>,
        create: bool,
        make: impl Fn(&Secret) -> reqwest::RequestBuilder,
    ) -> Result<Result<reqwest::Response, HttpError>, PhotosError> {
        let wait = self.rate_limit_wait;
        for auth_attempt in 0..2 {
            let token = self.tokens.access_token().await?;
            let classify = |f: &crate::http::StatusFailure| {
                if create {
                    classify_create(f, wait)
                } else {
                    classify(f, wait)
                }
            };
            let make = || make(&token);
            let result = match (activity, create) {
                (Some(activity), _) => {
                    self.http
                        .send_watched(safety, activity, classify, make)
                        .await
                }
                (None, true) => {
                    self.http
                        .send_slow(safety, self.create_answer_wait, classify, make)
                        .await
                }
                (None, false) => self.http.send(safety, classify, make).await,
            };
            match result {
                Err(err) if auth_attempt == 0 && err.status().is_some_and(|f| f.status == 401) => {
                    self.tokens.invalidate(&token).await;
                }
                other => return Ok(other),
            }
        }
        Err(PhotosError::LoginExpired)
    }

    pub(crate) async fn access_token(&self) -> Result<Secret, PhotosError> {
        Ok(self.tokens.access_token().await?)
    }

    pub(crate) async fn invalidate(&self, token: &Secret) {
        self.tokens.invalidate(token).await;
    }
}

/// The human-readable message inside either of Google's error shapes.
pub(crate) fn error_message(body: &str) -> String {
    if let Ok(e) = serde_json::from_str::<ErrorEnvelope>(body) {
        if let Some(m) = e.error.message {
            return m;
        }
    }
    if let Ok(e) = serde_json::from_str::<BareError>(body) {
        if let Some(m) = e.message {
            return m;
        }
    }
    body.chars().take(200).collect()
}

/// Maps an HTTP failure to what it means for a person and the engine.
pub(crate) fn map_error(err: HttpError, unsafe_to_repeat: bool) -> PhotosError {
    let Some(failure) = err.status() else {
        return if unsafe_to_repeat && err.maybe_sent() {
            PhotosError::OutcomeUnknown(err.to_string())
        } else {
            PhotosError::Network(err)
        };
    };
    let message = error_message(&failure.body);
    let lower = message.to_ascii_lowercase();
    match failure.status {
        401 => PhotosError::LoginExpired,
        403 if lower.contains("scope")
            || failure.body.contains("ACCESS_TOKEN_SCOPE_INSUFFICIENT") =>
        {
            PhotosError::MissingScope
        }
        // Google documents the reset as midnight Pacific time; a `Retry-After` it gives wins
        // when it is a plausible wait (a zero or a far future is not).
        429 if is_daily_quota(&failure.body) => PhotosError::DailyQuota {
            resets_at: failure
                .retry_after
                .filter(|d| !d.is_zero() && *d <= std::time::Duration::from_secs(25 * 3600))
                .and_then(|d| chrono::Duration::from_std(d).ok())
                .and_then(|after| chrono::Utc::now().checked_add_signed(after))
                .unwrap_or_else(|| next_daily_reset(chrono::Utc::now())),
        },
        429 => PhotosError::RateLimited,
        400 if lower.contains("storage") && lower.contains("not enough") => {
            PhotosError::StorageFull
        }
        400 if lower.contains("upload token") => PhotosError::InvalidUploadToken,
        // Not ours, or gone (deleted in Google Photos since the session made it).
        // Google documents the 20,000 limit but not the refusal's shape.
        400 if lower.contains("album")
            && (lower.contains("full")
                || lower.contains("limit")
                || lower.contains("maximum")
                || lower.contains("too many")) =>
        {
            PhotosError::AlbumFull
        }
        400 if lower.contains("no permission to add media items to this album")
            || lower.contains("invalid album id") =>
        {
            PhotosError::AlbumNotWritable
        }
        400 if lower.contains("payload must not be empty") => PhotosError::EmptyPayload,
        413 => PhotosError::TooLarge(message),
        s if s >= 500 && unsafe_to_repeat => PhotosError::OutcomeUnknown(format!("HTTP {s}")),
        s if s >= 500 => PhotosError::Server { status: s },
        _ => PhotosError::Rejected(message),
    }
}
