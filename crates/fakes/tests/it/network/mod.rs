//! The network between a client and the fakes, over real sockets: outages (a router reboot, a
//! Wi-Fi drop) in `outage`, and bandwidth shared by every connection (a home uplink) in
//! `shaping`.

mod outage;
mod shaping;

use fakes::google::{SCOPE_APPENDONLY, SCOPE_READONLY_APPCREATED};
use fakes::gopro::{demo_id, FakeGoPro, VENDOR_ACCEPT};
use fakes::Shaping;
use reqwest::header::ACCEPT;
use reqwest::Client;
use serde_json::Value;

const ALL: &[&str] = &[SCOPE_APPENDONLY, SCOPE_READONLY_APPCREATED];
/// The 3 MB demo video.
const VIDEO: u64 = 23;

fn shaping(bytes_per_sec: u64) -> Shaping {
    Shaping {
        latency_ms: 0,
        bytes_per_sec: Some(bytes_per_sec),
    }
}

/// The signed CDN `url` of the demo video's source.
async fn video_url(fake: &FakeGoPro) -> String {
    let body: Value = Client::new()
        .get(format!(
            "{}/media/{}/download",
            fake.api_url(),
            demo_id(VIDEO)
        ))
        .header(ACCEPT, VENDOR_ACCEPT)
        .bearer_auth(fake.issue_token())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body["_embedded"]["files"][0]["url"]
        .as_str()
        .expect("source url")
        .to_owned()
}
