//! The run lock across processes: a second process is told who holds it, and a holder killed
//! with SIGKILL leaves a lock the next process takes over at once. The child is this test binary
//! run again with `CHILD_ENV` set, so it needs no other program.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use engine::lock::{Holder, LockError, RunLock, NOTE_FILE};

/// Set to a folder: `child_holds_the_lock` locks it, says so on stdout and waits to be killed.
const CHILD_ENV: &str = "Q2GOOGLE_TEST_RUN_LOCK_CHILD";

/// What the child prints once it holds the lock (libtest prints its own words on that line).
const LOCKED: &str = "child-holds-the-run-lock";

#[test]
fn child_holds_the_lock() {
    let Some(dir) = std::env::var_os(CHILD_ENV) else {
        return; // An ordinary test run: nothing to do.
    };
    let mut lock = RunLock::acquire(Path::new(&dir), Holder::App).unwrap();
    lock.set_session("held-by-the-child");
    println!("{LOCKED}");
    loop {
        std::thread::sleep(Duration::from_secs(60));
    }
}

#[test]
fn a_killed_holder_is_named_while_alive_and_taken_over_once_dead() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            &crate::common::test_path(module_path!(), "child_holds_the_lock"),
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if line.map(|l| l.contains(LOCKED)).unwrap_or(false) {
                let _ = tx.send(());
                return;
            }
        }
    });
    if rx.recv_timeout(Duration::from_secs(30)).is_err() {
        let _ = child.kill();
        panic!("the child never took the lock");
    }

    let err = RunLock::acquire(dir.path(), Holder::CommandLine).unwrap_err();
    match &err {
        LockError::Held {
            holder,
            pid,
            session,
            started_at,
        } => {
            assert_eq!(*holder, Some(Holder::App));
            assert_eq!(*pid, Some(child.id()));
            assert_eq!(session.as_deref(), Some("held-by-the-child"));
            assert!(started_at.is_some());
        }
        other => panic!("{other:?}"),
    }
    let message = err.to_string();
    assert!(
        message.contains("already running in the q2google app")
            && message.contains(&format!("process {}", child.id())),
        "{message}"
    );

    child.kill().unwrap(); // SIGKILL on Unix: no destructor, no cleanup.
    child.wait().unwrap();
    assert!(
        dir.path().join(NOTE_FILE).exists(),
        "a killed holder leaves its note behind"
    );
    let lock = RunLock::acquire(dir.path(), Holder::CommandLine)
        .expect("the dead holder's lock is taken over");
    assert_eq!(lock.note().pid, std::process::id());
    let note: engine::lock::LockNote =
        serde_json::from_slice(&std::fs::read(dir.path().join(NOTE_FILE)).unwrap()).unwrap();
    assert_eq!(&note, lock.note(), "the stale note is replaced");
}
