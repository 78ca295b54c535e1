//! [`Settings`]: every knob of a sync in one typed struct, with documented defaults.
//!
//! The first six fields keep the names of the original Python design (`Q2GoogleSettings`); the
//! rest are concurrency, retry budgets and what to move.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::http::RetryPolicy;

/// The highest `Settings::concurrency` allowed (the app's settings screen offers 1 to this).
pub const CONCURRENCY_MAX: usize = 64;

/// Settings of the engine. `Settings::default()` is what a person gets.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Files handed to the transfer workers per batch, and the unit progress is checkpointed
    /// in for new sessions (default 50).
    pub sync_batch_size: u32,
    /// Files per `mediaItems:batchCreate`; Google's maximum is 50 (default 50).
    pub photos_library_batch_size: u32,
    /// Size of the chunks read from the CDN and handed to the upload (default 1 MiB).
    pub download_chunk_size_bytes: usize,
    /// TCP connect timeout for the CDN and both APIs, in seconds (default 30).
    pub cdn_download_sock_connect_seconds: u64,
    /// Prefix for temporary files. Kept for parity with the original design: the streaming
    /// transfer writes no temporary copy, so nothing uses it today (default `q2google-`).
    pub temp_dir_prefix: String,
    /// Stop the session at the first failed file instead of recording it and going on
    /// (default false).
    pub fail_fast: bool,
    /// The most files downloaded and uploaded at the same time (default 16; 1–64). The run
    /// finds the link's best number up to this by itself (see `stages/pace.rs`); 1 moves one
    /// file at a time. A small file read whole waits for Google's answer in an upload slot of
    /// its own (as many as this), so the next one's download can start; the bytes such files
    /// hold are bounded by `small_files_memory_bytes`, a large file holds about one chunk.
    pub concurrency: usize,
    /// Files in flight when a run starts, before it measures what more would bring (default 3).
    pub concurrency_start: usize,
    /// GoPro API calls at once while listing, one per medium for its download details
    /// (default 16; 1–32). GoPro publishes no limit; peer tools run 3–20 at once without
    /// reported trouble (`gopro-api.md` §2.7). The listing runs at most 2,000 files ahead of
    /// the transfer, so on a home uplink the calls come only as fast as files move.
    pub gopro_api_concurrency: usize,
    /// How often the run looks at its throughput to decide the number of files in flight
    /// (default 500 ms).
    pub pace_window: Duration,
    /// Retry budget per request: attempts and wall time, backoff (default: 6 attempts within
    /// 10 minutes, 1 s doubling to 64 s).
    pub retry: RetryPolicy,
    /// Minimum wait after Google's per-minute 429 (default 30 s, Google's advice).
    pub rate_limit_wait: Duration,
    /// Files up to this size go up in one raw request (default 8 MiB).
    pub raw_upload_max_bytes: u64,
    /// Memory for small files read whole while they wait on Google (default 128 MiB; at least
    /// `raw_upload_max_bytes`): with many large photos in flight, the next one waits for room
    /// instead of the app growing with `concurrency`.
    pub small_files_memory_bytes: u64,
    /// Also move GoPro RAW (`.gpr`) files (default false).
    pub include_raw: bool,
    /// Also move GoPro's joined full-length copy of chaptered videos (default false).
    pub include_joined_video: bool,
    /// Correct the times of videos from GoPros before the HERO11, which write the camera's local
    /// clock where MP4 wants UTC, so Google Photos places them hours off. Only with a known
    /// offset; a corrected file no longer matches a copy already in Google Photos (from a phone
    /// backup), so Google will not merge the two (default false; see `video_times`).
    pub correct_video_times: bool,
    /// Put each session's files in a new album (default true).
    pub album_per_session: bool,
    /// The album name; `{from}` and `{to}` become the range's dates (default
    /// `GoPro {from} – {to}`).
    pub album_name_pattern: String,
    /// Items per album before a session goes on in "<name> (2)", "<name> (3)"… (default
    /// 20,000, Google's documented limit; an album Google says is full rolls over too).
    pub album_capacity: u64,
    /// Cap on download speed in bytes per second, shared by all files (default none).
    pub bandwidth_cap_bytes_per_sec: Option<u64>,
    /// Upload tokens older than this are uploaded again instead of being created. Google's
    /// upload guide gives a token one day; the default, 23 hours, keeps an hour's margin. A
    /// token Google refuses earlier costs only its own file an upload (default 23 hours).
    pub upload_token_max_age: Duration,
    /// A partial create batch is sent after waiting this long for more files, so tokens do
    /// not age (default 5 s).
    pub create_batch_linger: Duration,
    /// After a create whose outcome is unknown (no answer, a 5xx), when to look in Google
    /// Photos for its files, counted from when it was sent; only after the last look finds
    /// nothing are they sent again. Google may list a new item only a while after making it, so
    /// a resend in haste can create it twice (default: at once, 30 s, 2 min, 10 min).
    pub reconcile_waits: Vec<Duration>,
    /// Most pages (100 items each) one look reads of everything the app created, when the
    /// session has no album (default 1,000: 100,000 items). An album is read in full: it holds
    /// at most 20,000 items, 200 pages. Each page is a request against Google's daily quota.
    pub reconcile_max_pages: u32,
    /// How long after Google's daily limit resets a run waiting for it goes on, so the reset
    /// has surely happened (default 2 min).
    pub quota_resume_margin: Duration,
    /// Most listing requests one run spends looking for creates in doubt before it pauses
    /// rather than use up Google's daily quota of 10,000 requests (default 2,000).
    pub reconcile_max_requests: u64,
    /// How often metrics are published (default 250 ms: at most four a second).
    pub metrics_interval: Duration,
    /// A request fails only when it makes no progress for this long: body bytes not being
    /// taken, no answer bytes arriving. Never a whole-request timer, so a 4 GB upload over a
    /// 1 MB/s uplink completes (default 2 minutes).
    pub stall_timeout: Duration,
    /// How long a `batchCreate` may take to answer before its outcome counts as unknown and is
    /// checked by listing (default 10 minutes).
    pub create_answer_wait: Duration,
    /// While a cloud cannot be reached, it is probed with backoff up to this interval; the run
    /// goes on by itself when it answers (default 1 minute).
    pub network_probe_max_interval: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            sync_batch_size: 50,
            photos_library_batch_size: 50,
            download_chunk_size_bytes: 1024 * 1024,
            cdn_download_sock_connect_seconds: 30,
            temp_dir_prefix: "q2google-".into(),
            fail_fast: false,
            concurrency: 16,
            concurrency_start: 3,
            gopro_api_concurrency: 16,
            pace_window: Duration::from_millis(500),
            retry: RetryPolicy::default(),
            rate_limit_wait: Duration::from_secs(30),
            raw_upload_max_bytes: 8 * 1024 * 1024,
            small_files_memory_bytes: 128 * 1024 * 1024,
            include_raw: false,
            include_joined_video: false,
            correct_video_times: false,
            album_per_session: true,
            album_name_pattern: "GoPro {from} – {to}".into(),
            album_capacity: crate::photos::ALBUM_CAPACITY,
            bandwidth_cap_bytes_per_sec: None,
            upload_token_max_age: Duration::from_secs(23 * 3600),
            create_batch_linger: Duration::from_secs(5),
            reconcile_waits: vec![
                Duration::ZERO,
                Duration::from_secs(30),
                Duration::from_secs(120),
                Duration::from_secs(600),
            ],
            reconcile_max_pages: 1_000,
            reconcile_max_requests: 2_000,
            quota_resume_margin: Duration::from_secs(120),
            metrics_interval: Duration::from_millis(250),
            stall_timeout: Duration::from_secs(120),
            create_answer_wait: crate::photos::CREATE_ANSWER_WAIT,
            network_probe_max_interval: Duration::from_secs(60),
        }
    }
}

impl Settings {
    /// Whether an upload token received at `uploaded_at` may still create its item at `now`.
    pub fn token_is_fresh(
        &self,
        uploaded_at: chrono::DateTime<chrono::Utc>,
        now: chrono::DateTime<chrono::Utc>,
    ) -> bool {
        (now - uploaded_at)
            .to_std()
            .map_or(true, |age| age <= self.upload_token_max_age)
    }

    /// The settings with every value brought into its allowed range.
    pub fn normalized(mut self) -> Self {
        self.photos_library_batch_size = self
            .photos_library_batch_size
            .clamp(1, crate::photos::MAX_BATCH as u32);
        self.sync_batch_size = self.sync_batch_size.max(1);
        self.concurrency = self.concurrency.clamp(1, CONCURRENCY_MAX);
        self.concurrency_start = self.concurrency_start.clamp(1, self.concurrency);
        self.gopro_api_concurrency = self.gopro_api_concurrency.clamp(1, 32);
        self.pace_window = self.pace_window.max(Duration::from_millis(50));
        self.small_files_memory_bytes =
            self.small_files_memory_bytes.max(self.raw_upload_max_bytes);
        self.album_capacity = self.album_capacity.clamp(1, crate::photos::ALBUM_CAPACITY);
        self.download_chunk_size_bytes = self
            .download_chunk_size_bytes
            .clamp(16 * 1024, 16 * 1024 * 1024);
        self
    }

    /// The album title for a range, or `None` when albums are off.
    pub fn album_title(&self, from: chrono::NaiveDate, to: chrono::NaiveDate) -> Option<String> {
        self.album_per_session.then(|| {
            self.album_name_pattern
                .replace("{from}", &from.to_string())
                .replace("{to}", &to.to_string())
                .chars()
                .take(500)
                .collect()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_limits() {
        let s = Settings::default();
        assert_eq!(s.photos_library_batch_size, 50);
        assert!(!s.fail_fast && !s.include_raw && s.album_per_session);
        let s = Settings {
            photos_library_batch_size: 80,
            concurrency: 0,
            ..Settings::default()
        }
        .normalized();
        assert_eq!((s.photos_library_batch_size, s.concurrency), (50, 1));
        let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(
            Settings::default()
                .album_title(d("2026-03-01"), d("2026-03-31"))
                .as_deref(),
            Some("GoPro 2026-03-01 – 2026-03-31")
        );
    }
}
