//! Downloading originals from GoPro's signed CDN, resuming with `Range`.
//!
//! Signed URLs expire after about an hour (403 afterwards) and connections drop. A
//! [`CdnStream`] re-asks `/media/{id}/download` for a fresh URL when the CDN says 403 or the URL
//! is getting old, reopens at the current byte offset with `Range: bytes=N-`, checks that the
//! server resumed where asked, and ends only when every byte the CDN announced has arrived. No
//! API token is ever sent to the CDN.

use std::pin::Pin;
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures_util::{Stream, StreamExt};

use super::client::GoProClient;
use super::error::GoProError;
use super::select::{select_originals, SelectOptions};
use super::Choice;
use crate::http::{default_classifier, HttpError, Safety};
use crate::model::{FileKey, Rendition};
use crate::secret::SignedUrl;

/// Re-resolve a URL older than this before using it (signed URLs live ~3600 s).
const URL_MAX_AGE: Duration = Duration::from_secs(50 * 60);
/// Consecutive failures without progress before a download gives up.
const MAX_STALLS: u32 = 6;

type ByteStream = Pin<Box<dyn Stream<Item = Result<Bytes, reqwest::Error>> + Send>>;

impl GoProClient {
    /// A fresh signed URL pair for `key` (asks `/download` again).
    pub async fn resolve(
        &self,
        key: &FileKey,
    ) -> Result<(SignedUrl, Option<SignedUrl>), GoProError> {
        let info = self.download_info(&key.media_id).await?;
        // Selection needs the medium's kind; the key's label is enough to find the rendition.
        let medium = super::api::Medium {
            id: key.media_id.clone(),
            play_as: Some(if key.label == Rendition::File {
                "multi_shot_photo".into()
            } else {
                "video".into()
            }),
            ..Default::default()
        };
        let options = SelectOptions {
            include_raw: true,
            include_joined_video: true,
        };
        select_originals(&medium, &info, options)
            .into_iter()
            .find_map(|c| match c {
                Choice::Transfer(o)
                    if o.key.label == key.label && o.key.item_number == key.item_number =>
                {
                    Some((o.url, o.head))
                }
                _ => None,
            })
            .ok_or_else(|| GoProError::NotFound {
                id: key.to_string(),
            })
    }

    /// The size of a file from a HEAD on its signed `head` URL (search's `file_size` is only a
    /// hint). Re-resolves once if the URL expired.
    pub async fn head_size(
        &self,
        key: &FileKey,
        head: Option<&SignedUrl>,
    ) -> Result<u64, GoProError> {
        let mut url = head.cloned();
        for fresh in [false, true] {
            if fresh || url.is_none() {
                url = self.resolve(key).await?.1;
            }
            let Some(head_url) = &url else {
                return Err(GoProError::Protocol("no HEAD URL for the file".into()));
            };
            let http = &self.inner.http;
            match http
                .send(Safety::Idempotent, default_classifier, || {
                    http.client().head(head_url.expose().clone())
                })
                .await
            {
                Ok(response) => {
                    return response
                        .headers()
                        .get(reqwest::header::CONTENT_LENGTH)
                        .and_then(|v| v.to_str().ok())
                        .and_then(|v| v.parse().ok())
                        .ok_or_else(|| {
                            GoProError::Protocol("the CDN gave no Content-Length".into())
                        });
                }
                Err(err) if err.status().is_some_and(|f| f.status == 403) && !fresh => continue,
                Err(err) => return Err(cdn_error(err)),
            }
        }
        unreachable!("the loop returns on its second pass")
    }

    /// Streams the bytes of `key` from `offset` to the end, resuming across drops and URL expiry.
    /// `url` is a URL already resolved (used while young), or `None` to resolve one.
    pub fn download(&self, key: FileKey, url: Option<SignedUrl>, offset: u64) -> CdnStream {
        CdnStream {
            client: self.clone(),
            key,
            offset,
            end: None,
            total: None,
            url: url.map(|u| (u, Instant::now())),
            body: None,
            stalls: 0,
            done: false,
        }
    }

    /// Bytes `start..start + len` of `key` (a bounded `Range`), with the same URL renewal and
    /// resumption as [`GoProClient::download`]; fewer only at the end of the file.
    pub async fn read_range(
        &self,
        key: &FileKey,
        url: &SignedUrl,
        start: u64,
        len: u64,
    ) -> Result<Bytes, GoProError> {
        let mut stream = self.download(key.clone(), Some(url.clone()), start);
        stream.end = Some(start + len);
        let mut out = bytes::BytesMut::with_capacity(len.min(1 << 20) as usize);
        while let Some(chunk) = stream.next_chunk().await {
            out.extend_from_slice(&chunk?);
        }
        Ok(out.freeze())
    }
}

/// The bytes of one original, from an offset to the end. See the module docs.
pub struct CdnStream {
    client: GoProClient,
    key: FileKey,
    offset: u64,
    /// Where a bounded read stops (exclusive); `None` reads to the end of the file.
    end: Option<u64>,
    total: Option<u64>,
    url: Option<(SignedUrl, Instant)>,
    body: Option<ByteStream>,
    stalls: u32,
    done: bool,
}

impl CdnStream {
    /// The byte offset reached so far.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// The file's total size once the CDN has announced it.
    pub fn total(&self) -> Option<u64> {
        self.total
    }

    /// Opens the body now and returns the file's total size from the response headers, so a
    /// transfer learns the size from its `GET` instead of a `HEAD` of its own.
    pub async fn open_for_size(&mut self) -> Result<u64, GoProError> {
        if self.body.is_none() && !self.open().await? {
            return Ok(self.offset);
        }
        self.total
            .ok_or_else(|| GoProError::Protocol("the CDN gave no Content-Length".into()))
    }

    /// The next chunk, or `None` at the end of the file.
    pub async fn next_chunk(&mut self) -> Option<Result<Bytes, GoProError>> {
        if self.done {
            return None;
        }
        let result = self.advance().await;
        if matches!(result, None | Some(Err(_))) {
            self.done = true;
        }
        result
    }

    /// This stream as a `futures` stream.
    pub fn into_stream(self) -> impl Stream<Item = Result<Bytes, GoProError>> + Send {
        futures_util::stream::unfold(self, |mut s| async move {
            s.next_chunk().await.map(|item| (item, s))
        })
    }

    async fn advance(&mut self) -> Option<Result<Bytes, GoProError>> {
        loop {
            if self.total.is_some_and(|t| self.offset >= t)
                || self.end.is_some_and(|e| self.offset >= e)
            {
                return None;
            }
            if self.body.is_none() {
                match self.open().await {
                    Ok(true) => {}
                    Ok(false) => return None,
                    Err(e) => return Some(Err(e)),
                }
            }
            let body = self.body.as_mut()?;
            match body.next().await {
                Some(Ok(chunk)) if chunk.is_empty() => continue,
                Some(Ok(mut chunk)) => {
                    if let Some(end) = self.end {
                        // A server that ignored the bound sends more than asked.
                        chunk.truncate((end - self.offset).min(chunk.len() as u64) as usize);
                    }
                    self.offset += chunk.len() as u64;
                    self.stalls = 0;
                    return Some(Ok(chunk));
                }
                Some(Err(err)) => {
                    self.body = None;
                    let err = HttpError::from_reqwest(err, "CDN");
                    if let Err(e) = self.stall(GoProError::Network(err)).await {
                        return Some(Err(e));
                    }
                }
                None => {
                    self.body = None;
                    match self.total {
                        Some(t) if self.offset < self.end.map_or(t, |e| e.min(t)) => {
                            let e = GoProError::Truncated {
                                received: self.offset,
                                expected: t,
                            };
                            if let Err(e) = self.stall(e).await {
                                return Some(Err(e));
                            }
                        }
                        _ => return None,
                    }
                }
            }
        }
    }

    async fn stall(&mut self, error: GoProError) -> Result<(), GoProError> {
        self.stalls += 1;
        if self.stalls >= MAX_STALLS {
            return Err(error);
        }
        tracing::info!(file = %self.key, offset = self.offset, error = %error, "download interrupted; resuming");
        tokio::time::sleep(self.client.inner.http.policy().backoff(self.stalls)).await;
        Ok(())
    }

    /// Opens the body at `offset`. Ok(false): nothing left to read.
    async fn open(&mut self) -> Result<bool, GoProError> {
        let mut refreshed = false;
        loop {
            let young = self
                .url
                .as_ref()
                .is_some_and(|(_, at)| at.elapsed() < URL_MAX_AGE);
            if !young {
                let (url, _) = self.client.resolve(&self.key).await?;
                self.url = Some((url, Instant::now()));
                refreshed = true;
            }
            let url = self
                .url
                .as_ref()
                .expect("resolved above")
                .0
                .expose()
                .clone();
            let http = &self.client.inner.http;
            let offset = self.offset;
            let last = self.end.map(|e| e.saturating_sub(1).max(offset));
            let result = http
                .send(Safety::Idempotent, default_classifier, || {
                    let request = http.client().get(url.clone());
                    match last {
                        Some(last) => {
                            request.header(reqwest::header::RANGE, format!("bytes={offset}-{last}"))
                        }
                        None if offset > 0 => {
                            request.header(reqwest::header::RANGE, format!("bytes={offset}-"))
                        }
                        None => request,
                    }
                })
                .await;
            let response = match result {
                Ok(r) => r,
                Err(err) => match err.status().map(|f| f.status) {
                    Some(403) if !refreshed => {
                        // Expired or otherwise refused: a fresh URL, once.
                        self.url = None;
                        continue;
                    }
                    Some(416) => {
                        self.total = Some(self.offset);
                        return Ok(false);
                    }
                    _ => return Err(cdn_error(err)),
                },
            };
            let status = response.status().as_u16();
            let (start, total) = if status == 206 {
                parse_content_range(response.headers()).ok_or_else(|| {
                    GoProError::Protocol("206 without a readable Content-Range".into())
                })?
            } else {
                (0, response.content_length())
            };
            if let Some(t) = total {
                self.total = Some(t);
            }
            let mut body: ByteStream = Box::pin(response.bytes_stream());
            if start != self.offset {
                if start > self.offset {
                    return Err(GoProError::Protocol(format!(
                        "the CDN resumed at byte {start}, not {}",
                        self.offset
                    )));
                }
                if self.end.is_some() {
                    // A bounded read of a few bytes must not stream the file to reach them.
                    return Err(GoProError::Protocol(
                        "the CDN ignored the byte range asked for".into(),
                    ));
                }
                // The server ignored Range: drop the bytes already held.
                body = Box::pin(skip_bytes(body, self.offset - start));
            }
            self.body = Some(body);
            return Ok(true);
        }
    }
}

fn cdn_error(err: HttpError) -> GoProError {
    match err.status().map(|f| f.status) {
        Some(status) => GoProError::CdnRefused { status },
        None => GoProError::Network(err),
    }
}

/// `(first byte, total)` of `Content-Range: bytes a-b/total`.
fn parse_content_range(headers: &reqwest::header::HeaderMap) -> Option<(u64, Option<u64>)> {
    let value = headers.get(reqwest::header::CONTENT_RANGE)?.to_str().ok()?;
    let rest = value.trim().strip_prefix("bytes ")?;
    let (span, total) = rest.split_once('/')?;
    let (start, _) = span.split_once('-')?;
    Some((start.trim().parse().ok()?, total.trim().parse().ok()))
}

fn skip_bytes(
    body: ByteStream,
    mut skip: u64,
) -> impl Stream<Item = Result<Bytes, reqwest::Error>> + Send {
    body.filter_map(move |item| {
        let out = match item {
            Ok(mut chunk) => {
                if skip >= chunk.len() as u64 {
                    skip -= chunk.len() as u64;
                    None
                } else {
                    let rest = chunk.split_off(skip as usize);
                    skip = 0;
                    Some(Ok(rest))
                }
            }
            Err(e) => Some(Err(e)),
        };
        futures_util::future::ready(out)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_range_parses() {
        let mut h = reqwest::header::HeaderMap::new();
        h.insert(
            reqwest::header::CONTENT_RANGE,
            "bytes 100-199/1000".parse().unwrap(),
        );
        assert_eq!(parse_content_range(&h), Some((100, Some(1000))));
        h.insert(
            reqwest::header::CONTENT_RANGE,
            "bytes 5-9/*".parse().unwrap(),
        );
        assert_eq!(parse_content_range(&h), Some((5, None)));
    }
}
