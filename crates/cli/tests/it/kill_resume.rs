//! Kill the CLI at random points (seeded) and resume it each time; at the end every eligible
//! GoPro file must be in Google Photos exactly once.

use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::common::{self, assert_exit, library, Harness, ELIGIBLE};
use engine::model::SessionId;
use engine::store::{SessionStore, SqliteStore};
use fakes::clouds::FakeClouds;
use fakes::google::GoogleScenario;
use fakes::gopro::GoProScenario;
use fakes::scenario::Scenario;
use fakes::Shaping;

/// A small deterministic generator (xorshift) so each CI run kills at the same points.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn between(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo)
    }
}

/// `resume` of session `id` once it is stored, else the `sync` over March that starts it.
fn sync_or_resume(h: &Harness, id: &SessionId) -> std::process::Command {
    let exists = SqliteStore::open(&h.db())
        .unwrap()
        .load_session(id)
        .unwrap()
        .is_some();
    if exists {
        h.command(&["resume", id.as_str(), "--json"])
    } else {
        h.sync_march_command(&["--session-id", id.as_str(), "--json"])
    }
}

/// Runs `sync`/`resume` of session `id` until it completes, SIGKILLing the first `kills` runs
/// after a random delay in `delays` (ms). Returns the kills made.
fn kill_until_done(h: &Harness, id: &str, kills: u32, delays: (u64, u64), rng: &mut Rng) -> u32 {
    let session = SessionId::new(id).unwrap();
    let mut made = 0;
    let started = Instant::now();
    loop {
        assert!(
            started.elapsed() < Duration::from_secs(600),
            "took too long; {made} kills"
        );
        let mut child = sync_or_resume(h, &session)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        if made < kills {
            std::thread::sleep(Duration::from_millis(rng.between(delays.0, delays.1)));
            if let Some(status) = child.try_wait().unwrap() {
                assert_eq!(status.code(), Some(0), "run ended with {status:?}");
                return made;
            }
            child.kill().unwrap(); // SIGKILL: no chance to checkpoint anything.
            child.wait().unwrap();
            made += 1;
        } else {
            let status = child.wait().unwrap();
            assert_eq!(status.code(), Some(0), "the final resume completes");
            return made;
        }
    }
}

#[test]
fn killed_mid_file_two_300_mb_videos_upload_at_most_105_percent_of_their_bytes() {
    // Two 300 MB videos and four photos over a 15 MB/s link per connection: each run is killed
    // mid-file, and the next continues each video from the byte Google holds.
    let mut library = vec![
        fakes::gopro::Media::video(
            "big1",
            "GX011001.MP4",
            common::at("2026-03-10T10:00:00Z"),
            1001,
            300_000_000,
        ),
        fakes::gopro::Media::video(
            "big2",
            "GX011002.MP4",
            common::at("2026-03-11T10:00:00Z"),
            1002,
            310_000_000,
        ),
    ];
    for i in 0..4u64 {
        library.push(fakes::gopro::Media::photo(
            &format!("p{i}"),
            &format!("GOPR{:04}.JPG", 1100 + i),
            common::at(&format!("2026-03-{:02}T09:00:00Z", 1 + i)),
            1100 + i,
            3_000_000 + i * 100_000,
        ));
    }
    let mut gopro = GoProScenario::default().with_library(library);
    gopro.faults.cdn_shaping = Shaping {
        latency_ms: 2,
        bytes_per_sec: Some(15_000_000),
    };
    let google = GoogleScenario::default().with_merge_same_bytes(false);
    let h = Harness::new(FakeClouds::start(Scenario { gopro, google }).unwrap());
    let mut rng = Rng(0xb16_f11e5);
    let started = Instant::now();
    let kills = kill_until_done(&h, "big", 12, (400, 1500), &mut rng);
    h.assert_created_exactly_once(6);
    let bytes: u64 = h
        .clouds
        .gopro
        .expected_originals()
        .iter()
        .map(|e| e.content.len)
        .sum();
    let sent = h.clouds.google.upload_bytes_read();
    let ratio = sent as f64 / bytes as f64;
    eprintln!(
        "{kills} kills, completed in {:?}: uploaded {sent} bytes for {bytes} ({ratio:.4} ×)",
        started.elapsed()
    );
    assert!(ratio <= 1.05, "uploaded {ratio:.4} × the library's bytes");
    assert_eq!(
        kills, 12,
        "it completed before every kill landed: slow the link"
    );
}

#[test]
fn killed_twenty_times_at_random_points_nothing_is_lost_or_created_twice() {
    // Slow links so that a run lasts a few seconds and kills land in every stage.
    let mut gopro = GoProScenario::default().with_library(library());
    gopro.faults.cdn_shaping = Shaping {
        latency_ms: 5,
        bytes_per_sec: Some(1_000_000),
    };
    gopro.faults.api_shaping = Shaping {
        latency_ms: 15,
        bytes_per_sec: None,
    };
    // With Google's same-bytes merge off, a file created twice shows as two items.
    let google = GoogleScenario::default()
        .with_batch_create_ms(120)
        .with_merge_same_bytes(false);
    let h = Harness::new(FakeClouds::start(Scenario { gopro, google }).unwrap());
    let seed = std::env::var("Q2GOOGLE_KILL_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed_2026_u64);
    let mut rng = Rng(seed);
    let id = SessionId::new("killed").unwrap();
    let mut kills = 0;
    let mut completed = false;
    let started = Instant::now();
    while kills < 20 || !completed {
        assert!(
            started.elapsed() < Duration::from_secs(600),
            "took too long; {kills} kills"
        );
        let mut child = sync_or_resume(&h, &id)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        if kills < 20 {
            // Early kills are short so the first stages get hit too.
            let delay = rng.between(10, if kills < 5 { 300 } else { 900 });
            std::thread::sleep(Duration::from_millis(delay));
            match child.try_wait().unwrap() {
                Some(status) => {
                    // Finished before the kill: only a completed session may end a run early.
                    assert!(status.code() == Some(0), "run ended with {status:?}");
                    break;
                }
                None => {
                    child.kill().unwrap(); // SIGKILL: no chance to checkpoint anything.
                    child.wait().unwrap();
                    kills += 1;
                }
            }
        } else {
            let status = child.wait().unwrap();
            assert_eq!(status.code(), Some(0), "the final resume completes");
            completed = true;
        }
    }
    assert!(
        kills >= 20,
        "only {kills} kills before the sync completed: slow the fakes down"
    );
    let store = SqliteStore::open(&h.db()).unwrap();
    let session = store.load_session(&id).unwrap().unwrap();
    assert_eq!(session.status, engine::model::SessionStatus::Completed);
    let counts = store.counts(&id).unwrap();
    assert_eq!(counts.created as usize, ELIGIBLE);
    h.assert_created_exactly_once(ELIGIBLE);
    // One album, holding every file once.
    let albums = h.clouds.google.albums();
    assert_eq!(albums.len(), 1, "{albums:?}");
    assert_eq!(albums[0].media_item_ids.len(), ELIGIBLE);
    eprintln!("{kills} kills, then completed in {:?}", started.elapsed());
}

#[cfg(unix)]
#[test]
fn sigterm_stops_at_a_checkpoint_like_ctrl_c_and_the_resume_finishes() {
    // A service manager or a scheduled job stops the run with SIGTERM mid-transfer.
    let mut gopro = GoProScenario::default().with_library(library());
    gopro.faults.cdn_shaping = Shaping {
        latency_ms: 5,
        bytes_per_sec: Some(300_000),
    };
    let h = Harness::new(
        FakeClouds::start(Scenario {
            gopro,
            google: GoogleScenario::default().with_merge_same_bytes(false),
        })
        .unwrap(),
    );
    let child = h
        .sync_march_command(&["--session-id", "term", "--json"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1000));
    let sent = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    assert!(
        stderr.contains("Stopping at the next safe point"),
        "{stderr}"
    );
    let session = SqliteStore::open(&h.db())
        .unwrap()
        .load_session(&SessionId::new("term").unwrap())
        .unwrap()
        .unwrap();
    assert_eq!(
        session.status,
        engine::model::SessionStatus::Paused,
        "{:?}",
        session.status_reason
    );

    let resumed = h.run(&["resume", "term", "--json"]);
    assert_exit(&resumed, 0);
    h.assert_created_exactly_once(ELIGIBLE);
}
