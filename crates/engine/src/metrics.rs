//! Transfer metrics in one place, read as snapshots.
//!
//! Keeps the original design's `SyncTransferMetrics` fields (bytes downloaded and uploaded,
//! seconds downloading and uploading, transfer wall time) and adds live throughput, a chart's
//! worth of samples and an ETA. In a streaming transfer download and upload overlap, so
//! "seconds downloading" is time spent waiting for the CDN and "seconds uploading" the rest of
//! each file's transfer time; summed over files in flight, both can exceed the wall time.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

/// How many throughput samples a snapshot carries (a minute at four a second).
const SAMPLES: usize = 240;

/// Live counters of a run's transfer. Shared by the workers; cheap to update.
#[derive(Debug)]
pub struct TransferMetrics {
    started: Instant,
    bytes_downloaded: AtomicU64,
    bytes_uploaded: AtomicU64,
    micros_downloading: AtomicU64,
    micros_uploading: AtomicU64,
    micros_wall: AtomicU64,
    bytes_total: AtomicU64,
    bytes_done_before: AtomicU64,
    /// Bytes of unfinished uploads handed to Google so far (can shrink when an upload resumes).
    in_flight: AtomicI64,
    files_done: AtomicU64,
    files_total: AtomicU64,
    sampler: Mutex<Sampler>,
}

#[derive(Debug)]
struct Sampler {
    last_at: Instant,
    last_bytes: u64,
    smoothed_bps: f64,
    samples: VecDeque<Sample>,
}

/// One throughput sample for a chart.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sample {
    /// Seconds since the run started.
    pub t: f64,
    /// Bytes per second over the last interval.
    pub bps: f64,
}

/// A copy of the metrics at one moment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MetricsSnapshot {
    /// Bytes received from the GoPro CDN in this run.
    pub bytes_downloaded: u64,
    /// Bytes Google confirmed in this run.
    pub bytes_uploaded: u64,
    /// Bytes of all files to move in the session (known sizes).
    pub bytes_total: u64,
    /// Bytes of files finished, in this and earlier runs.
    pub bytes_done: u64,
    /// Time spent waiting for the CDN, summed over files.
    pub seconds_downloading: f64,
    /// Time spent sending to Google, summed over files.
    pub seconds_uploading: f64,
    /// Wall time of the transfer stage.
    pub seconds_transfer_wall: f64,
    /// Smoothed throughput in bytes per second.
    pub throughput_bps: f64,
    /// Estimated seconds left, when there is a throughput to go by.
    pub eta_secs: Option<f64>,
    /// Files in Google Photos, from this and earlier runs.
    pub files_done: u64,
    /// Files the session moves: all of its files but those skipped (already in Google
    /// Photos, or not something Google takes), so "done of total" reads as the window does.
    pub files_total: u64,
    /// Recent throughput samples.
    pub samples: Vec<Sample>,
}

impl Default for TransferMetrics {
    fn default() -> Self {
        let now = Instant::now();
        Self {
            started: now,
            bytes_downloaded: AtomicU64::new(0),
            bytes_uploaded: AtomicU64::new(0),
            micros_downloading: AtomicU64::new(0),
            micros_uploading: AtomicU64::new(0),
            micros_wall: AtomicU64::new(0),
            bytes_total: AtomicU64::new(0),
            bytes_done_before: AtomicU64::new(0),
            in_flight: AtomicI64::new(0),
            files_done: AtomicU64::new(0),
            files_total: AtomicU64::new(0),
            sampler: Mutex::new(Sampler {
                last_at: now,
                last_bytes: 0,
                smoothed_bps: 0.0,
                samples: VecDeque::new(),
            }),
        }
    }
}

impl TransferMetrics {
    /// Fresh metrics starting now.
    pub fn new() -> Self {
        Self::default()
    }

    /// Bytes received from the CDN.
    pub fn add_downloaded(&self, bytes: u64) {
        self.bytes_downloaded.fetch_add(bytes, Ordering::Relaxed);
    }

    /// Bytes received from the CDN so far in this run (what the pace of files in flight is
    /// judged by).
    pub fn downloaded(&self) -> u64 {
        self.bytes_downloaded.load(Ordering::Relaxed)
    }

    /// Bytes Google confirmed (a finished upload).
    pub fn add_uploaded(&self, bytes: u64) {
        self.bytes_uploaded.fetch_add(bytes, Ordering::Relaxed);
    }

    /// Progress of an unfinished upload: `delta` more (or, after a resume, fewer) bytes sent.
    /// When the upload finishes its file's share is taken back and counted by
    /// [`add_uploaded`](Self::add_uploaded), so the progress bar moves during a big file.
    pub fn add_in_flight(&self, delta: i64) {
        self.in_flight.fetch_add(delta, Ordering::Relaxed);
    }

    /// Time spent waiting for the CDN.
    pub fn add_downloading(&self, d: Duration) {
        self.micros_downloading
            .fetch_add(d.as_micros() as u64, Ordering::Relaxed);
    }

    /// Time spent sending to Google.
    pub fn add_uploading(&self, d: Duration) {
        self.micros_uploading
            .fetch_add(d.as_micros() as u64, Ordering::Relaxed);
    }

    /// Sets the transfer stage's wall time.
    pub fn set_wall(&self, d: Duration) {
        self.micros_wall
            .store(d.as_micros() as u64, Ordering::Relaxed);
    }

    /// Grows the session's totals as discovery lists more of the range: files to move and in
    /// Google Photos (as the store counts them) and bytes in all. Bytes done are left to the run, which counts this run's uploads once.
    pub fn set_listed(&self, files_total: u64, files_done: u64, bytes_total: u64) {
        self.files_total.store(files_total, Ordering::Relaxed);
        self.files_done.store(files_done, Ordering::Relaxed);
        self.bytes_total.store(bytes_total, Ordering::Relaxed);
    }

    /// Sets the session's totals (files to move, files in Google Photos, bytes) and the bytes
    /// earlier runs already put in Google (created, or uploaded and waiting for their create).
    pub fn set_totals(
        &self,
        files_total: u64,
        files_done: u64,
        bytes_total: u64,
        bytes_done_before: u64,
    ) {
        self.files_total.store(files_total, Ordering::Relaxed);
        self.files_done.store(files_done, Ordering::Relaxed);
        self.bytes_total.store(bytes_total, Ordering::Relaxed);
        self.bytes_done_before
            .store(bytes_done_before, Ordering::Relaxed);
    }

    /// A file is in Google Photos.
    pub fn file_done(&self) {
        self.files_done.fetch_add(1, Ordering::Relaxed);
    }

    /// A file turned out not to need moving (found already in Google Photos): one file fewer
    /// to move.
    pub fn file_skipped(&self) {
        let _ = self
            .files_total
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| {
                Some(n.saturating_sub(1))
            });
    }

    /// Takes a throughput sample and returns a snapshot; call at the publishing interval.
    pub fn snapshot(&self) -> MetricsSnapshot {
        let downloaded = self.bytes_downloaded.load(Ordering::Relaxed);
        let uploaded = self.bytes_uploaded.load(Ordering::Relaxed);
        let now = Instant::now();
        let mut sampler = self.sampler.lock().expect("metrics lock");
        let dt = now.duration_since(sampler.last_at).as_secs_f64();
        if dt >= 0.05 {
            let bps = downloaded.saturating_sub(sampler.last_bytes) as f64 / dt;
            // Exponential smoothing with a ~3 s time constant.
            let alpha = 1.0 - (-dt / 3.0).exp();
            sampler.smoothed_bps += alpha * (bps - sampler.smoothed_bps);
            sampler.last_at = now;
            sampler.last_bytes = downloaded;
            let t = now.duration_since(self.started).as_secs_f64();
            sampler.samples.push_back(Sample { t, bps });
            while sampler.samples.len() > SAMPLES {
                sampler.samples.pop_front();
            }
        }
        let bytes_total = self.bytes_total.load(Ordering::Relaxed);
        let in_flight = self.in_flight.load(Ordering::Relaxed).max(0) as u64;
        let bytes_done = self.bytes_done_before.load(Ordering::Relaxed) + uploaded + in_flight;
        let left = bytes_total.saturating_sub(bytes_done);
        let eta_secs = (sampler.smoothed_bps > 1.0).then(|| left as f64 / sampler.smoothed_bps);
        MetricsSnapshot {
            bytes_downloaded: downloaded,
            bytes_uploaded: uploaded,
            bytes_total,
            bytes_done: bytes_done.min(bytes_total.max(bytes_done)),
            seconds_downloading: self.micros_downloading.load(Ordering::Relaxed) as f64 / 1e6,
            seconds_uploading: self.micros_uploading.load(Ordering::Relaxed) as f64 / 1e6,
            seconds_transfer_wall: self.micros_wall.load(Ordering::Relaxed) as f64 / 1e6,
            throughput_bps: sampler.smoothed_bps,
            eta_secs,
            files_done: self.files_done.load(Ordering::Relaxed),
            files_total: self.files_total.load(Ordering::Relaxed),
            samples: sampler.samples.iter().copied().collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshot_reports_counters_and_eta() {
        let m = TransferMetrics::new();
        m.set_totals(10, 2, 1000, 200);
        m.add_downloaded(300);
        m.add_uploaded(300);
        std::thread::sleep(Duration::from_millis(60));
        let s = m.snapshot();
        assert_eq!(
            (
                s.bytes_downloaded,
                s.bytes_uploaded,
                s.bytes_done,
                s.files_total
            ),
            (300, 300, 500, 10)
        );
        assert!(s.throughput_bps > 0.0);
        assert!(s.eta_secs.unwrap() > 0.0);
        assert_eq!(s.samples.len(), 1);
        // An upload half way through moves the bar; finishing it does not count it twice.
        m.add_in_flight(100);
        assert_eq!(m.snapshot().bytes_done, 600);
        m.add_in_flight(-100);
        m.add_uploaded(100);
        assert_eq!(m.snapshot().bytes_done, 600);
        // Discovery listing more of the range grows the totals, not what is done.
        m.set_listed(20, 7, 4000);
        let s = m.snapshot();
        assert_eq!(
            (s.bytes_done, s.bytes_total, s.files_total, s.files_done),
            (600, 4000, 20, 7)
        );
        // A file found already in Google Photos is one fewer to move, not one more done.
        m.file_skipped();
        m.file_done();
        let s = m.snapshot();
        assert_eq!((s.files_total, s.files_done), (19, 8));
    }
}
