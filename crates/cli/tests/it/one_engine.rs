//! One engine per data folder: while one `q2google` runs a session, a second one on the same
//! folder is refused with exit 2 and a message naming the holder, and the first finishes with
//! every file created once.

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::sync::mpsc;
use std::time::Duration;

use crate::common::{self, library, Harness, ELIGIBLE};
use fakes::clouds::FakeClouds;
use fakes::gopro::GoProScenario;
use fakes::scenario::Scenario;
use fakes::Shaping;

#[test]
fn a_second_run_on_the_same_folder_is_refused_and_the_first_creates_each_file_once() {
    // Slow enough that the first run lasts a couple of seconds.
    let mut gopro = GoProScenario::default().with_library(library());
    gopro.faults.cdn_shaping = Shaping {
        latency_ms: 5,
        bytes_per_sec: Some(4_000_000),
    };
    gopro.faults.api_shaping = Shaping {
        latency_ms: 10,
        bytes_per_sec: None,
    };
    let google = common::google().with_batch_create_ms(100);
    let h = Harness::new(FakeClouds::start(Scenario { gopro, google }).unwrap());

    let mut first = h
        .sync_march_command(&["--session-id", "twice", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = first.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        let mut lines = Vec::new();
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(());
            lines.push(line);
        }
        lines
    });
    // Its first line is printed once it holds the lock and has started the session.
    if rx.recv_timeout(Duration::from_secs(30)).is_err() {
        let _ = first.kill();
        panic!("the first run printed nothing");
    }

    let holder = format!("process {}", first.id());
    let second = h.run(&["resume", "twice", "--json"]);
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert_eq!(second.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("A sync is already running in the q2google command line (started ")
            && stderr.contains("session twice")
            && stderr.contains(&holder)
            && stderr.contains("Ctrl-C"),
        "{stderr}"
    );
    let lines = Harness::lines(&second);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0]["event"], "error");
    assert_eq!(lines[0]["code"], 2);
    // Any run is refused, not only one of the same session.
    let other = h.run(&["sync", "--from", "2026-04-01", "--to", "2026-04-30"]);
    assert_eq!(other.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&other.stderr).contains(&holder));
    // Reading is not a run: the sessions list still answers.
    let listed = h.run(&["sessions", "--json"]);
    assert_eq!(listed.status.code(), Some(0));
    assert!(
        first.try_wait().unwrap().is_none(),
        "the first run ended before the second was tried: slow the fakes down"
    );

    let status = first.wait().unwrap();
    let lines: Vec<serde_json::Value> = reader
        .join()
        .unwrap()
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(status.code(), Some(0), "{lines:?}");
    let last = lines.last().unwrap();
    assert_eq!(last["event"], "session_finished");
    assert_eq!(last["created"], ELIGIBLE);
    h.assert_created_exactly_once(ELIGIBLE);
    assert_eq!(h.clouds.google.albums().len(), 1);

    // The lock went with the first run: the next command is answered on its own merits.
    assert!(!h.data_dir.path().join(engine::lock::NOTE_FILE).exists());
    let again = h.run(&["resume", "twice"]);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already complete"));
}
