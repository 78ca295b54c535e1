//! The independent bound: plain copies of the same files over the same fakes, with nothing of
//! the engine in them (no checkpoints, no creates, no retries): for each file, ask GoPro for
//! its download URL, stream the CDN's `GET` into one raw Google upload. Run one file at a time
//! and all files at once; the better of the two is what the link allows.

use std::time::{Duration, Instant};

use fakes::clouds::FakeClouds;
use futures_util::{StreamExt, TryStreamExt};

/// Bytes copied and the wall time of one baseline pass.
pub struct Copied {
    /// Bytes that reached Google.
    pub bytes: u64,
    /// Wall time.
    pub wall: Duration,
}

impl Copied {
    /// Throughput in bytes a second.
    pub fn rate(&self) -> f64 {
        self.bytes as f64 / self.wall.as_secs_f64()
    }
}

/// Copies every medium of the fakes' library, `parallel` at a time.
pub async fn copy_all(clouds: &FakeClouds, parallel: usize) -> Copied {
    let http = reqwest::Client::new();
    let gopro_token = clouds.gopro.issue_token();
    let google_token = clouds
        .google
        .issue_tokens(&engine::auth::SCOPES)
        .access_token;
    let ids = clouds.gopro.media_ids();
    let started = Instant::now();
    let bytes: u64 = futures_util::stream::iter(ids)
        .map(|id| copy_one(&http, clouds, &gopro_token, &google_token, id))
        .buffer_unordered(parallel.max(1))
        .fold(0u64, |sum, n| async move { sum + n })
        .await;
    Copied {
        bytes,
        wall: started.elapsed(),
    }
}

async fn copy_one(
    http: &reqwest::Client,
    clouds: &FakeClouds,
    gopro_token: &str,
    google_token: &str,
    id: String,
) -> u64 {
    let info: serde_json::Value = http
        .get(format!("{}/media/{id}/download", clouds.gopro.api_url()))
        .bearer_auth(gopro_token)
        .header("Accept", engine::gopro::VENDOR_ACCEPT)
        .send()
        .await
        .and_then(|r| r.error_for_status())
        .expect("download info")
        .json()
        .await
        .expect("download info JSON");
    let source = info["_embedded"]["variations"]
        .as_array()
        .and_then(|v| v.iter().find(|v| v["label"] == "source"))
        .and_then(|v| v["url"].as_str())
        .expect("a source variation")
        .to_string();
    let cdn = http
        .get(source)
        .send()
        .await
        .and_then(|r| r.error_for_status())
        .expect("CDN GET");
    let size = cdn.content_length().expect("Content-Length");
    let body = reqwest::Body::wrap_stream(cdn.bytes_stream().map_err(std::io::Error::other));
    let token = http
        .post(format!("{}/v1/uploads", clouds.google.base_url()))
        .bearer_auth(google_token)
        .header("Content-Type", "application/octet-stream")
        .header("X-Goog-Upload-Content-Type", "application/octet-stream")
        .header("X-Goog-Upload-Protocol", "raw")
        .body(body)
        .send()
        .await
        .and_then(|r| r.error_for_status())
        .expect("raw upload")
        .text()
        .await
        .expect("upload token");
    assert!(!token.is_empty(), "Google returned an upload token");
    size
}
