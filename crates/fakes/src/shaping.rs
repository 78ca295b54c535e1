//! Traffic shaping and body faults shared by both fakes.
//!
//! [`Shaping`] adds latency before a response and caps the bandwidth of every body stream
//! (per connection, as a slow link would). A [`SharedLink`] caps the bandwidth of all the body
//! streams that draw from it together (one home uplink for every connection), fairly: N busy
//! streams get about 1/N each. [`cut_after`] makes a body stream fail after N bytes, which hyper
//! turns into a connection dropped mid-body.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use serde::{Deserialize, Serialize};

/// Latency and bandwidth applied to a fake's responses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Shaping {
    /// Delay before each response, in milliseconds.
    pub latency_ms: u64,
    /// Bandwidth cap per body stream in bytes per second; `None` is unlimited.
    pub bytes_per_sec: Option<u64>,
}

impl Shaping {
    /// Sleeps for the configured latency.
    pub async fn delay(&self) {
        if self.latency_ms > 0 {
            tokio::time::sleep(Duration::from_millis(self.latency_ms)).await;
        }
    }

    /// Wraps `body` so that it flows no faster than the configured bandwidth.
    pub fn throttle<S>(
        &self,
        body: S,
    ) -> impl Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static
    where
        S: Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static,
    {
        let bps = self.bytes_per_sec;
        let started = tokio::time::Instant::now();
        body.scan(0u64, move |sent, item| {
            let bps = bps;
            let before = *sent;
            if let Ok(chunk) = &item {
                *sent += chunk.len() as u64;
            }
            let after = *sent;
            async move {
                if let (Some(bps), true) = (bps, after > before) {
                    if bps > 0 {
                        let due = started + Duration::from_secs_f64(after as f64 / bps as f64);
                        tokio::time::sleep_until(due).await;
                    }
                }
                Some(item)
            }
        })
    }
}

/// A bandwidth cap shared by every body stream of one fake (the rate is given per stream, when
/// it starts, by the scenario). Each piece of a body books the next free slot of the link and
/// waits for it, so busy streams take turns.
#[derive(Debug, Default)]
pub struct SharedLink {
    /// When the link is next free; `None` before any use.
    next_free: Mutex<Option<tokio::time::Instant>>,
}

impl SharedLink {
    /// Books `bytes` at `bytes_per_sec`: the instant they may pass.
    fn book(&self, bytes: u64, bytes_per_sec: u64) -> tokio::time::Instant {
        let now = tokio::time::Instant::now();
        let mut next = self.next_free.lock().unwrap_or_else(|e| e.into_inner());
        let start = next.map_or(now, |free| free.max(now));
        let due = start + Duration::from_secs_f64(bytes as f64 / bytes_per_sec as f64);
        *next = Some(due);
        due
    }

    /// Wraps `body` so that it draws from this link at `bytes_per_sec` (`None` or 0: unlimited).
    /// Chunks are cut into pieces of about 50 ms of the link, so streams interleave finely.
    pub fn throttle<S>(
        self: &Arc<Self>,
        body: S,
        bytes_per_sec: Option<u64>,
    ) -> impl Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static
    where
        S: Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static,
    {
        let rate = bytes_per_sec.filter(|&b| b > 0);
        let state = (Box::pin(body), None::<Bytes>, self.clone());
        futures_util::stream::unfold(state, move |(mut body, pending, link)| async move {
            let mut chunk = match pending {
                Some(chunk) => chunk,
                None => match body.next().await? {
                    Ok(chunk) => chunk,
                    Err(err) => return Some((Err(err), (body, None, link))),
                },
            };
            let Some(rate) = rate else {
                return Some((Ok(chunk), (body, None, link)));
            };
            let piece = usize::try_from((rate / 20).clamp(1024, 64 * 1024)).unwrap_or(1024);
            let rest = (chunk.len() > piece).then(|| chunk.split_off(piece));
            tokio::time::sleep_until(link.book(chunk.len() as u64, rate)).await;
            Some((Ok(chunk), (body, rest, link)))
        })
    }
}

/// Fails `body` with a connection-reset error once `limit` bytes have been produced (or when
/// the body ends sooner): the client sees the connection drop mid-body.
pub fn cut_after<S>(
    body: S,
    limit: u64,
) -> impl Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static
where
    S: Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static,
{
    futures_util::stream::unfold(
        (Box::pin(body), 0u64, false),
        move |(mut body, sent, done)| async move {
            if done {
                return None;
            }
            if sent >= limit {
                return Some((Err(reset()), (body, sent, true)));
            }
            match body.next().await {
                None => Some((Err(reset()), (body, sent, true))),
                Some(Err(err)) => Some((Err(err), (body, sent, true))),
                Some(Ok(mut chunk)) => {
                    let left = limit - sent;
                    if chunk.len() as u64 > left {
                        chunk.truncate(left as usize);
                    }
                    let n = chunk.len() as u64;
                    Some((Ok(chunk), (body, sent + n, false)))
                }
            }
        },
    )
}

fn reset() -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::ConnectionReset,
        "fault injected: connection dropped mid-body",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn cut_after_yields_prefix_then_error() {
        let chunks = futures_util::stream::iter(
            (0..5).map(|_| Ok::<_, std::io::Error>(Bytes::from(vec![1u8; 10]))),
        );
        let items: Vec<_> = cut_after(chunks, 25).collect().await;
        let ok: usize = items
            .iter()
            .filter_map(|i| i.as_ref().ok())
            .map(|b| b.len())
            .sum();
        assert_eq!(ok, 25);
        assert!(items.last().unwrap().is_err());
        assert_eq!(items.iter().filter(|i| i.is_err()).count(), 1);
    }

    #[tokio::test]
    async fn whole_body_under_limit_still_ends_with_error() {
        // cut_after is only used where a fault is wanted: the connection always drops.
        let chunks =
            futures_util::stream::iter(vec![Ok::<_, std::io::Error>(Bytes::from_static(b"abc"))]);
        let items: Vec<_> = cut_after(chunks, 100).collect().await;
        assert_eq!(items.len(), 2);
        assert!(items[1].is_err());
    }
}
