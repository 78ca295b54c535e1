//! Kill the CLI at random points (seeded) and resume it each time; at the end every eligible
//! GoPro file must be in Google Photos exactly once.

mod common;

use std::process::Stdio;
use std::time::{Duration, Instant};

use common::{library, Harness, ELIGIBLE};
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
    let google = GoogleScenario::default().with_batch_create_ms(120);
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
        let exists = SqliteStore::open(&h.db())
            .unwrap()
            .load_session(&id)
            .unwrap()
            .is_some();
        let args: Vec<&str> = if exists {
            vec!["resume", "killed", "--json"]
        } else {
            vec![
                "sync",
                "--from",
                "2026-03-01",
                "--to",
                "2026-03-31",
                "--session-id",
                "killed",
                "--json",
            ]
        };
        let mut child = h
            .command(&args)
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
