//! Sending bytes to Google: raw for small files, resumable otherwise.
//!
//! The resumable protocol (google-photos-api.md §2.2): `start` returns a session URL; the whole
//! rest of the file goes in one `upload, finalize` request whose body is streamed from the
//! source (nothing is buffered beyond a chunk); after a dropped connection or a 5xx, `query`
//! says how many bytes Google kept and the upload continues from there. A session that expired
//! starts over. Upload bytes are never retried blindly: every retry starts from what Google
//! reports.

use std::fmt;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use bytes::{Bytes, BytesMut};
use futures_util::{Stream, StreamExt};

use super::client::{error_message, map_error, PhotosClient};
use super::error::PhotosError;
use crate::config::join;
use crate::http::{HttpError, Safety};
use crate::secret::{Secret, SignedUrl};

/// Files up to this size are sent with one raw request by default (8 MiB).
pub const RAW_UPLOAD_MAX: u64 = 8 * 1024 * 1024;
/// Attempts at one resumable upload (each continuing from where Google says it stopped).
const UPLOAD_ATTEMPTS: u32 = 8;

/// An upload token: the handle of uploaded bytes, good for one `batchCreate` within hours.
/// Prints redacted; stored (it must be, to create the item after a restart) but never logged.
#[derive(Clone, PartialEq, Eq)]
pub struct UploadToken(Secret);

impl UploadToken {
    /// Wraps a token string.
    pub fn new(token: impl Into<String>) -> Self {
        Self(Secret::new(token))
    }

    /// The token, for the create request and the session store.
    pub fn expose(&self) -> &str {
        self.0.expose()
    }
}

impl fmt::Debug for UploadToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("UploadToken(<redacted>)")
    }
}

/// Where the bytes come from: a source that can be (re)opened at any offset, so an upload can
/// continue from the byte Google reports without keeping a local copy.
pub trait UploadSource: Send + Sync {
    /// Total size in bytes.
    fn len(&self) -> u64;

    /// Whether the source is empty.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bytes from `offset` to the end.
    fn open(
        &self,
        offset: u64,
    ) -> impl Future<
        Output = Result<
            impl Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static,
            PhotosError,
        >,
    > + Send;
}

/// What Google is told about the file.
#[derive(Clone, Debug)]
pub struct UploadMeta {
    /// File name with extension.
    pub file_name: String,
    /// MIME type.
    pub mime_type: String,
}

/// State of a resumable session, from a `query`.
enum SessionState {
    Active(u64),
    Final,
    Lost,
}

impl PhotosClient {
    /// Uploads the source's bytes and returns the upload token. `progress` is called with the
    /// number of bytes of the file sent so far (it can go back after a resume).
    pub async fn upload<S: UploadSource>(
        &self,
        source: &S,
        meta: &UploadMeta,
        progress: &(dyn Fn(u64) + Send + Sync),
    ) -> Result<UploadToken, PhotosError> {
        if source.is_empty() {
            return Err(PhotosError::EmptyPayload);
        }
        if source.len() <= self.raw_upload_max {
            self.upload_raw(source, meta, progress).await
        } else {
            self.upload_resumable(source, meta, progress).await
        }
    }

    async fn upload_raw<S: UploadSource>(
        &self,
        source: &S,
        meta: &UploadMeta,
        progress: &(dyn Fn(u64) + Send + Sync),
    ) -> Result<UploadToken, PhotosError> {
        // Small by definition: read it once, so retries resend the same bytes.
        let mut stream = Box::pin(source.open(0).await?);
        let mut buf = BytesMut::with_capacity(source.len() as usize);
        while let Some(chunk) = stream.next().await {
            buf.extend_from_slice(&chunk.map_err(|e| PhotosError::Source(e.to_string()))?);
        }
        if buf.len() as u64 != source.len() {
            return Err(PhotosError::Source(format!(
                "expected {} bytes, read {}",
                source.len(),
                buf.len()
            )));
        }
        let body = buf.freeze();
        let url = join(&self.base, "v1/uploads");
        let result = self
            .authorized(Safety::Idempotent, false, |token| {
                self.http
                    .client()
                    .post(url.clone())
                    .bearer_auth(token.expose())
                    .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
                    .header("X-Goog-Upload-Content-Type", &meta.mime_type)
                    .header("X-Goog-Upload-Protocol", "raw")
                    .header("X-Goog-Upload-File-Name", &meta.file_name)
                    .body(body.clone())
            })
            .await?;
        let response = result.map_err(|err| map_error(err, false))?;
        progress(source.len());
        read_token(response).await
    }

    async fn upload_resumable<S: UploadSource>(
        &self,
        source: &S,
        meta: &UploadMeta,
        progress: &(dyn Fn(u64) + Send + Sync),
    ) -> Result<UploadToken, PhotosError> {
        let total = source.len();
        let mut session = self.start_session(total, meta).await?;
        let mut offset = 0u64;
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let failure = match self
                .send_rest(&session, source, offset, total, progress)
                .await
            {
                Ok(token) => return Ok(token),
                Err(failure) => failure,
            };
            match failure {
                SendFailure::Fatal(e) => return Err(e),
                SendFailure::SessionLost => {}
                SendFailure::Retry(reason) => {
                    tracing::info!(file = %meta.file_name, offset, attempt, %reason, "upload interrupted; asking Google how much arrived");
                }
            }
            if attempt >= UPLOAD_ATTEMPTS {
                return Err(PhotosError::Network(HttpError::Transport {
                    host: self.base.host_str().unwrap_or("?").to_string(),
                    message: format!("the upload of {} kept failing", meta.file_name),
                    maybe_sent: true,
                    timeout: false,
                }));
            }
            tokio::time::sleep(self.http.policy().backoff(attempt)).await;
            match self.query(&session).await? {
                SessionState::Active(received) if received <= total => offset = received,
                SessionState::Active(_) | SessionState::Final | SessionState::Lost => {
                    // Final without the token we needed, or gone: start over (same bytes dedupe).
                    session = self.start_session(total, meta).await?;
                    offset = 0;
                }
            }
            progress(offset);
        }
    }

    async fn start_session(&self, total: u64, meta: &UploadMeta) -> Result<SignedUrl, PhotosError> {
        let url = join(&self.base, "v1/uploads");
        let result = self
            .authorized(Safety::Idempotent, false, |token| {
                self.http
                    .client()
                    .post(url.clone())
                    .bearer_auth(token.expose())
                    .header(reqwest::header::CONTENT_LENGTH, "0")
                    .header("X-Goog-Upload-Command", "start")
                    .header("X-Goog-Upload-Content-Type", &meta.mime_type)
                    .header("X-Goog-Upload-Protocol", "resumable")
                    .header("X-Goog-Upload-Raw-Size", total.to_string())
                    .header("X-Goog-Upload-File-Name", &meta.file_name)
            })
            .await?;
        let response = result.map_err(|err| map_error(err, false))?;
        if header(&response, "x-goog-upload-status").as_deref() != Some("active") {
            return Err(PhotosError::Protocol(
                "upload start was not accepted (status not active)".into(),
            ));
        }
        let session = header(&response, "x-goog-upload-url")
            .ok_or_else(|| PhotosError::Protocol("upload start gave no session URL".into()))?;
        SignedUrl::parse(&session)
            .map_err(|_| PhotosError::Protocol("upload session URL is not a URL".into()))
    }

    /// Sends bytes `offset..total` as one `upload, finalize` request.
    async fn send_rest<S: UploadSource>(
        &self,
        session: &SignedUrl,
        source: &S,
        offset: u64,
        total: u64,
        progress: &(dyn Fn(u64) + Send + Sync),
    ) -> Result<UploadToken, SendFailure> {
        let token = self.access_token().await.map_err(SendFailure::Fatal)?;
        let stream = source.open(offset).await.map_err(SendFailure::Fatal)?;
        let sent = Arc::new(AtomicU64::new(offset));
        let counter = sent.clone();
        let counted = stream.map(move |chunk| {
            if let Ok(c) = &chunk {
                counter.fetch_add(c.len() as u64, Ordering::Relaxed);
            }
            chunk
        });
        // Report progress while the body streams.
        let request = self
            .http
            .client()
            .post(session.expose().clone())
            .bearer_auth(token.expose())
            .header(
                reqwest::header::CONTENT_LENGTH,
                (total - offset).to_string(),
            )
            .header("X-Goog-Upload-Command", "upload, finalize")
            .header("X-Goog-Upload-Offset", offset.to_string())
            .body(reqwest::Body::wrap_stream(counted))
            .send();
        tokio::pin!(request);
        let mut ticker = tokio::time::interval(std::time::Duration::from_millis(200));
        let result = loop {
            tokio::select! {
                result = &mut request => break result,
                _ = ticker.tick() => progress(sent.load(Ordering::Relaxed).min(total)),
            }
        };
        let response = match result {
            Ok(r) => r,
            Err(e) => {
                return Err(SendFailure::Retry(
                    HttpError::from_reqwest(e, "upload").to_string(),
                ))
            }
        };
        let status = response.status().as_u16();
        if response.status().is_success() {
            progress(total);
            return read_token(response).await.map_err(SendFailure::Fatal);
        }
        let body = response.text().await.unwrap_or_default();
        let message = error_message(&body);
        Err(match status {
            401 => {
                self.invalidate(&token).await;
                SendFailure::Retry("access token expired".into())
            }
            404 | 410 => SendFailure::SessionLost,
            413 => SendFailure::Fatal(PhotosError::TooLarge(message)),
            400 if message
                .to_ascii_lowercase()
                .contains("payload must not be empty") =>
            {
                SendFailure::Fatal(PhotosError::EmptyPayload)
            }
            // Offset disagreements and transient failures: ask Google where it stands.
            400 | 408 | 409 | 429 => SendFailure::Retry(format!("HTTP {status}: {message}")),
            s if s >= 500 => SendFailure::Retry(format!("HTTP {s}")),
            s => SendFailure::Fatal(PhotosError::Rejected(format!("HTTP {s}: {message}"))),
        })
    }

    async fn query(&self, session: &SignedUrl) -> Result<SessionState, PhotosError> {
        let result = self
            .authorized(Safety::Idempotent, false, |token| {
                self.http
                    .client()
                    .post(session.expose().clone())
                    .bearer_auth(token.expose())
                    .header(reqwest::header::CONTENT_LENGTH, "0")
                    .header("X-Goog-Upload-Command", "query")
            })
            .await?;
        let response = match result {
            Ok(response) => response,
            Err(err) if err.status().is_some_and(|f| matches!(f.status, 404 | 410)) => {
                return Ok(SessionState::Lost)
            }
            Err(err) => return Err(map_error(err, false)),
        };
        Ok(match header(&response, "x-goog-upload-status").as_deref() {
            Some("active") => SessionState::Active(
                header(&response, "x-goog-upload-size-received")
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(0),
            ),
            Some("final") => SessionState::Final,
            _ => SessionState::Lost,
        })
    }
}

enum SendFailure {
    Retry(String),
    SessionLost,
    Fatal(PhotosError),
}

/// A response header as text.
fn header(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

async fn read_token(response: reqwest::Response) -> Result<UploadToken, PhotosError> {
    let text = response.text().await.map_err(|e| {
        PhotosError::Protocol(format!("upload answer unreadable: {}", e.without_url()))
    })?;
    let token = text.trim();
    if token.is_empty() {
        return Err(PhotosError::Protocol(
            "Google returned an empty upload token".into(),
        ));
    }
    Ok(UploadToken::new(token))
}
