//! The three links the throughput is measured on (issue 7): files that each get their own
//! bandwidth, one uplink shared by every connection, and many small files far away.

use chrono::{DateTime, TimeZone, Utc};
use fakes::google::GoogleScenario;
use fakes::gopro::{GoProScenario, Media};
use fakes::scenario::Scenario;
use fakes::Shaping;

/// One regime: a name for the table and both fakes' scenario.
pub struct Regime {
    /// What the link is like.
    pub name: &'static str,
    /// The fakes, library included.
    pub scenario: Scenario,
}

fn at(day: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, day, 12, minute, 0)
        .single()
        .expect("valid date")
}

fn videos(n: u32, size: u64) -> Vec<Media> {
    (0..n)
        .map(|i| {
            Media::video(
                &format!("r{i}"),
                &format!("GX05{i:04}.MP4"),
                at(1 + i, 0),
                9000 + u64::from(i),
                size,
            )
        })
        .collect()
}

/// (a), (b) and (c).
pub fn all() -> Vec<Regime> {
    let per_connection = {
        let mut gopro = GoProScenario::default().with_library(videos(4, 512_000_000));
        gopro.faults.cdn_shaping = Shaping {
            latency_ms: 0,
            bytes_per_sec: Some(50_000_000),
        };
        Scenario {
            gopro,
            google: GoogleScenario::default(),
        }
    };
    let shared = {
        let gopro = GoProScenario::default().with_library(videos(6, 40_000_000));
        let google = GoogleScenario {
            upload_shared_bytes_per_sec: Some(20_000_000),
            ..GoogleScenario::default()
        };
        Scenario { gopro, google }
    };
    let far = {
        let photos = (0..500u32)
            .map(|i| {
                Media::photo(
                    &format!("s{i}"),
                    &format!("GOPR{:04}.JPG", 5000 + i),
                    at(1 + i % 28, i % 60),
                    20_000 + u64::from(i),
                    1_000_000 + u64::from(i),
                )
            })
            .collect();
        let latency = Shaping {
            latency_ms: 30,
            bytes_per_sec: None,
        };
        let mut gopro = GoProScenario::default().with_library(photos);
        gopro.faults.api_shaping = latency;
        gopro.faults.cdn_shaping = latency;
        let mut google = GoogleScenario::default().with_upload_shaping(latency);
        google.api_latency_ms = 30;
        Scenario { gopro, google }
    };
    vec![
        Regime {
            name: "(a) 4 × 512 MB videos, 50 MB/s per CDN connection",
            scenario: per_connection,
        },
        Regime {
            name: "(b) 6 × 40 MB videos, one 20 MB/s uplink shared by all uploads",
            scenario: shared,
        },
        Regime {
            name: "(c) 500 × 1 MB photos, 30 ms latency on every request",
            scenario: far,
        },
    ]
}
