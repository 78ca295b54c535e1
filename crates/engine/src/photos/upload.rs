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
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use futures_util::{Stream, StreamExt};

use super::client::{error_message, map_error, PhotosClient};
use super::error::PhotosError;
use crate::config::join;
use crate::http::{unless_stalled, watched_body, Activity, HttpError, Safety};
use crate::secret::{Secret, SignedUrl};

/// Files up to this size are sent with one raw request by default (8 MiB).
pub const RAW_UPLOAD_MAX: u64 = 8 * 1024 * 1024;
/// Wait before asking again when Google says another request is uploading to the session.
const SESSION_BUSY_WAIT: Duration = Duration::from_secs(1);
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

/// A resumable upload session: Google's session URL (a credential: it prints redacted and is
/// stored only encrypted) and the file's size.
#[derive(Clone, Debug)]
pub struct UploadSession {
    url: SignedUrl,
    total: u64,
}

impl UploadSession {
    /// A session from its parts (one restored from the store after a restart).
    pub fn from_parts(url: SignedUrl, total: u64) -> Self {
        Self { url, total }
    }

    /// The session URL.
    pub fn url(&self) -> &SignedUrl {
        &self.url
    }

    /// The size of the file being uploaded.
    pub fn total(&self) -> u64 {
        self.total
    }
}

/// Where a resumable session stands, from a `query`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionState {
    /// Open; Google holds this many bytes (continue from there).
    Active(u64),
    /// Finalized already (its token cannot be asked again: start over).
    Final,
    /// Expired or cancelled (404/410): start over.
    Lost,
}

/// Why sending the rest of a resumable upload stopped.
#[derive(Debug)]
pub enum UploadInterrupted {
    /// Worth continuing from the offset Google reports. `network` is true when Google could
    /// not be reached or the connection stalled (the run then waits for the network rather
    /// than counting an attempt).
    Retry {
        /// What happened, for the log.
        reason: String,
        /// A network failure rather than an answer.
        network: bool,
        /// The shortest wait before asking again (Google still busy with a request it has not
        /// noticed was abandoned).
        at_least: Duration,
    },
    /// The session expired or was cancelled: start a new one.
    SessionLost,
    /// Not worth retrying this file's upload.
    Fatal(PhotosError),
}

impl PhotosClient {
    /// Uploads the source's bytes and returns the upload token, retrying within this call (a
    /// resumable upload continues from what Google kept). `progress` is called with the number
    /// of bytes of the file sent so far (it can go back after a resume). The sync's transfer
    /// stage drives the steps itself ([`upload_raw`](Self::upload_raw),
    /// [`start_upload`](Self::start_upload), [`upload_status`](Self::upload_status),
    /// [`send_upload`](Self::send_upload)) to wait out network outages and resume across runs.
    pub async fn upload<S: UploadSource>(
        &self,
        source: &S,
        meta: &UploadMeta,
        progress: &(dyn Fn(u64) + Send + Sync),
    ) -> Result<UploadToken, PhotosError> {
        if source.is_empty() {
            return Err(PhotosError::EmptyPayload);
        }
        if !self.is_resumable(source.len()) {
            return self.upload_raw(source, meta, progress).await;
        }
        let total = source.len();
        let mut session = self.start_upload(total, meta).await?;
        let mut offset = 0u64;
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            match self.send_upload(&session, source, offset, progress).await {
                Ok(token) => return Ok(token),
                Err(UploadInterrupted::Fatal(e)) => return Err(e),
                Err(UploadInterrupted::SessionLost) => {}
                Err(UploadInterrupted::Retry {
                    reason, at_least, ..
                }) => {
                    tracing::info!(file = %meta.file_name, offset, attempt, %reason, "upload interrupted; asking Google how much arrived");
                    tokio::time::sleep(at_least).await;
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
            match self.upload_status(&session).await? {
                SessionState::Active(received) if received <= total => offset = received,
                SessionState::Active(_) | SessionState::Final | SessionState::Lost => {
                    // Final without the token we needed, or gone: start over.
                    session = self.start_upload(total, meta).await?;
                    offset = 0;
                }
            }
            progress(offset);
        }
    }

    /// Whether a file of `size` bytes goes up resumably (else in one raw request).
    pub fn is_resumable(&self, size: u64) -> bool {
        size > self.raw_upload_max
    }

    /// Sends a small file in one raw request (retried whole: it is small).
    pub async fn upload_raw<S: UploadSource>(
        &self,
        source: &S,
        meta: &UploadMeta,
        progress: &(dyn Fn(u64) + Send + Sync),
    ) -> Result<UploadToken, PhotosError> {
        let body = read_whole(source).await?;
        self.send_raw(body, meta, progress).await
    }

    /// Sends a small file already read (see [`read_whole`]) in one raw request, retried whole.
    pub async fn send_raw(
        &self,
        body: Bytes,
        meta: &UploadMeta,
        progress: &(dyn Fn(u64) + Send + Sync),
    ) -> Result<UploadToken, PhotosError> {
        if body.is_empty() {
            return Err(PhotosError::EmptyPayload);
        }
        let url = join(&self.base, "v1/uploads");
        let activity = Activity::new();
        let result = self
            .authorized_with(Safety::Idempotent, Some(&activity), false, |token| {
                let once = futures_util::stream::iter([Ok::<_, std::io::Error>(body.clone())]);
                self.http
                    .streaming_client()
                    .post(url.clone())
                    .bearer_auth(token.expose())
                    .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
                    .header(reqwest::header::CONTENT_LENGTH, body.len().to_string())
                    .header("X-Goog-Upload-Content-Type", &meta.mime_type)
                    .header("X-Goog-Upload-Protocol", "raw")
                    .header("X-Goog-Upload-File-Name", &meta.file_name)
                    .body(reqwest::Body::wrap_stream(watched_body(
                        once,
                        activity.clone(),
                    )))
            })
            .await?;
        let response = result.map_err(|err| map_error(err, false))?;
        progress(body.len() as u64);
        self.read_token(response).await
    }

    /// Opens a resumable upload session for a file of `total` bytes.
    pub async fn start_upload(
        &self,
        total: u64,
        meta: &UploadMeta,
    ) -> Result<UploadSession, PhotosError> {
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
        let url = SignedUrl::parse(&session)
            .map_err(|_| PhotosError::Protocol("upload session URL is not a URL".into()))?;
        Ok(UploadSession { url, total })
    }

    /// Sends bytes `offset..total` of the session's file as one `upload, finalize` request,
    /// streamed from `source`; it fails only when the body stops being taken (or the answer
    /// stops coming) for the stall timeout, never because it is long.
    pub async fn send_upload<S: UploadSource>(
        &self,
        session: &UploadSession,
        source: &S,
        offset: u64,
        progress: &(dyn Fn(u64) + Send + Sync),
    ) -> Result<UploadToken, UploadInterrupted> {
        let total = session.total;
        let token = self
            .access_token()
            .await
            .map_err(UploadInterrupted::Fatal)?;
        let stream = source
            .open(offset)
            .await
            .map_err(UploadInterrupted::Fatal)?;
        let sent = Arc::new(AtomicU64::new(offset));
        let counter = sent.clone();
        let counted = stream.map(move |chunk| {
            if let Ok(c) = &chunk {
                counter.fetch_add(c.len() as u64, Ordering::Relaxed);
            }
            chunk
        });
        let activity = Activity::new();
        let request = self
            .http
            .streaming_client()
            .post(session.url.expose().clone())
            // Google's own clients send the token on every request of a session.
            .bearer_auth(token.expose())
            .header(
                reqwest::header::CONTENT_LENGTH,
                (total - offset).to_string(),
            )
            .header("X-Goog-Upload-Command", "upload, finalize")
            .header("X-Goog-Upload-Offset", offset.to_string())
            .body(reqwest::Body::wrap_stream(watched_body(
                counted,
                activity.clone(),
            )))
            .send();
        let watched = unless_stalled(request, &activity, self.http.stall_timeout());
        tokio::pin!(watched);
        // Report progress while the body streams.
        let mut ticker = tokio::time::interval(std::time::Duration::from_millis(200));
        let result = loop {
            tokio::select! {
                result = &mut watched => break result,
                _ = ticker.tick() => progress(sent.load(Ordering::Relaxed).min(total)),
            }
        };
        let response = match result {
            Ok(Ok(r)) => r,
            Ok(Err(e)) => {
                // A failed source also ends here; the caller knows its own source's failures.
                return Err(UploadInterrupted::Retry {
                    reason: HttpError::from_reqwest(e, "upload").to_string(),
                    network: true,
                    at_least: Duration::ZERO,
                });
            }
            Err(stalled) => {
                return Err(UploadInterrupted::Retry {
                    reason: format!("the upload made {stalled}"),
                    network: true,
                    at_least: Duration::ZERO,
                })
            }
        };
        let status = response.status().as_u16();
        if response.status().is_success() {
            progress(total);
            return self.read_token(response).await.map_err(|e| match e {
                PhotosError::Network(e) => UploadInterrupted::Retry {
                    reason: e.to_string(),
                    network: true,
                    at_least: Duration::ZERO,
                },
                other => UploadInterrupted::Fatal(other),
            });
        }
        let body = self.http.read_body(response).await.unwrap_or_default();
        let message = error_message(&String::from_utf8_lossy(&body));
        Err(match status {
            401 => {
                self.invalidate(&token).await;
                UploadInterrupted::Retry {
                    reason: "access token expired".into(),
                    network: false,
                    at_least: Duration::ZERO,
                }
            }
            404 | 410 => UploadInterrupted::SessionLost,
            413 => UploadInterrupted::Fatal(PhotosError::TooLarge(message)),
            400 if message
                .to_ascii_lowercase()
                .contains("payload must not be empty") =>
            {
                UploadInterrupted::Fatal(PhotosError::EmptyPayload)
            }
            // Offset disagreements and transient failures: ask Google where it stands.
            // 409: Google still reads an earlier request of the session (one this client gave
            // up on); give it time to notice.
            409 => UploadInterrupted::Retry {
                reason: format!("HTTP {status}: {message}"),
                network: false,
                at_least: SESSION_BUSY_WAIT,
            },
            400 | 408 | 429 => UploadInterrupted::Retry {
                reason: format!("HTTP {status}: {message}"),
                network: false,
                at_least: Duration::ZERO,
            },
            s if s >= 500 => UploadInterrupted::Retry {
                reason: format!("HTTP {s}"),
                network: false,
                at_least: Duration::ZERO,
            },
            s => UploadInterrupted::Fatal(PhotosError::Rejected(format!("HTTP {s}: {message}"))),
        })
    }

    /// Asks Google how many bytes of the session it holds.
    pub async fn upload_status(
        &self,
        session: &UploadSession,
    ) -> Result<SessionState, PhotosError> {
        let result = self
            .authorized(Safety::Idempotent, false, |token| {
                self.http
                    .client()
                    .post(session.url.expose().clone())
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

    async fn read_token(&self, response: reqwest::Response) -> Result<UploadToken, PhotosError> {
        let body = self
            .http
            .read_body(response)
            .await
            .map_err(PhotosError::Network)?;
        let text = String::from_utf8_lossy(&body);
        let token = text.trim();
        if token.is_empty() {
            return Err(PhotosError::Protocol(
                "Google returned an empty upload token".into(),
            ));
        }
        Ok(UploadToken::new(token))
    }
}

/// Reads a small file's bytes from `source` into memory, so a raw upload (and its retries)
/// sends them without reading the source again.
pub async fn read_whole<S: UploadSource>(source: &S) -> Result<Bytes, PhotosError> {
    if source.is_empty() {
        return Err(PhotosError::EmptyPayload);
    }
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
    Ok(buf.freeze())
}

/// A response header as text.
fn header(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}
