//! Flat memory over long runs: the peak RSS of this process moving 1 k small files, then 100 k,
//! with the fakes in a `fake-clouds` child process so their own per-file state (the library,
//! Google's items) is not counted as the engine's.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;

use chrono::{Duration as Days, TimeZone, Utc};
use engine::settings::Settings;
use fakes::google::GoogleScenario;
use fakes::gopro::{GoProScenario, Media};
use fakes::scenario::Scenario;

use crate::timed_store::TimedStore;
use crate::{peak_rss_mb, sync_remote, Remote};

/// The `fake-clouds` binary beside this one, if it was built.
fn fake_clouds() -> Option<PathBuf> {
    let path = std::env::current_exe().ok()?.with_file_name("fake-clouds");
    path.exists().then_some(path)
}

/// `n` photos of 10 kB spread over March 2026.
fn photos(n: u32) -> Vec<Media> {
    let start = Utc
        .with_ymd_and_hms(2026, 3, 1, 0, 0, 0)
        .single()
        .expect("date");
    (0..n)
        .map(|i| {
            Media::photo(
                &format!("m{i:06}"),
                &format!("GOPR{i:06}.JPG"),
                start + Days::seconds(i64::from(i) * 20),
                100_000 + u64::from(i),
                10_000,
            )
        })
        .collect()
}

/// Kills the child when dropped.
struct Fakes(Child);

impl Drop for Fakes {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Writes the scenario of `n` photos to a file (done by the parent: the library and its JSON
/// must not count in the measured process's peak).
fn write_scenario(dir: &Path, n: u32) -> PathBuf {
    let scenario = Scenario {
        gopro: GoProScenario::default().with_library(photos(n)),
        google: GoogleScenario {
            daily_request_limit: u64::MAX,
            writes_per_minute: u64::MAX,
            ..GoogleScenario::default()
        },
    };
    let file = dir.join(format!("many-{n}.json"));
    let out = std::io::BufWriter::new(std::fs::File::create(&file).expect("scenario file"));
    serde_json::to_writer(out, &scenario).expect("scenario JSON");
    file
}

fn start(binary: &Path, file: &Path) -> (Fakes, Remote) {
    let mut child = Command::new(binary)
        .arg("--scenario")
        .arg(file)
        .arg("--json")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("fake-clouds starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("fake-clouds prints its URLs");
    let info: serde_json::Value = serde_json::from_str(&line).expect("fake-clouds JSON");
    (Fakes(child), Remote::from_json(&info))
}

/// Prints the peak RSS of moving 1 k and of moving 100 k small files, each measured in a fresh
/// process of this bench (so neither high-water mark is another's).
pub fn peak_growth() {
    if fake_clouds().is_none() {
        println!("memory over 100 k files: skipped (build fake-clouds first: cargo build --release -p q2google-fakes --bin fake-clouds)");
        return;
    }
    let exe = std::env::current_exe().expect("this bench");
    let dir = tempfile::tempdir().expect("temp dir");
    let mut peaks = Vec::new();
    for n in [1_000u32, 100_000] {
        let file = write_scenario(dir.path(), n);
        let out = Command::new(&exe)
            .arg("--many-child")
            .arg(n.to_string())
            .arg(&file)
            .stderr(Stdio::inherit())
            .output()
            .expect("the bench runs itself");
        let text = String::from_utf8_lossy(&out.stdout);
        for line in text.lines().filter(|l| !l.starts_with("peak_rss_mb ")) {
            println!("{line}");
        }
        let peak: f64 = text
            .lines()
            .find_map(|l| l.strip_prefix("peak_rss_mb "))
            .and_then(|v| v.trim().parse().ok())
            .expect("the child reports its peak");
        peaks.push(peak);
    }
    println!(
        "peak RSS, 100 k files minus 1 k files: {:.1} MB (each in its own process; fakes in another)",
        peaks[1] - peaks[0]
    );
}

/// One measurement, in a process of its own: moves the `n` small files of the scenario in
/// `file` and prints the peak RSS.
pub async fn child(n: u32, file: &Path) {
    let binary = fake_clouds().expect("fake-clouds is built");
    let dir = tempfile::tempdir().expect("temp dir");
    let (fakes, remote) = start(&binary, file);
    let settings = Settings {
        create_batch_linger: std::time::Duration::from_millis(200),
        ..Settings::default()
    };
    let store = Arc::new(TimedStore::new(crate::sqlite_in(dir.path())));
    let (outcome, wall) = sync_remote(&remote, settings, store.clone()).await;
    drop(fakes);
    assert_eq!(outcome.counts.created, u64::from(n));
    // Past Google's 20,000 items an album rolls over: 100 k files fill five.
    let albums =
        outcome.session.earlier_albums.len() + usize::from(outcome.session.album_id.is_some());
    assert_eq!(
        albums as u64,
        u64::from(n).div_ceil(engine::photos::ALBUM_CAPACITY),
        "one album per 20,000 items"
    );
    println!(
        "{n:>7} small files moved in {:.0} s into {albums} album(s); peak RSS of the engine's process {:.1} MB",
        wall.as_secs_f64(),
        peak_rss_mb()
    );
    // Checkpoints as the run went: a late one (many files recorded, albums crossed) should
    // cost what an early one did.
    let parts = store.per_file_micros(5);
    let shown: Vec<String> = parts.iter().map(|us| format!("{us:.0}")).collect();
    println!(
        "{n:>7} files: checkpoint cost per file changed, by fifth of the run: {} µs (last / first {:.2})",
        shown.join(", "),
        parts.last().copied().unwrap_or(0.0) / parts.first().copied().unwrap_or(1.0).max(1e-9)
    );
    println!("peak_rss_mb {}", peak_rss_mb());
}
