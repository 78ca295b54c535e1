//! The CLI as a person or a script meets it: exit codes, messages, JSON lines.

use std::time::Duration;

use crate::common::{self, assert_exit, library, Harness, ELIGIBLE};
use fakes::clouds::FakeClouds;
use fakes::google::{GoogleScenario, InjectedError, RequestFault, RequestKind};
use fakes::gopro::GoProScenario;
use fakes::scenario::Scenario;

fn harness() -> Harness {
    Harness::new(
        FakeClouds::start(Scenario {
            gopro: GoProScenario::default().with_library(library()),
            google: common::google(),
        })
        .unwrap(),
    )
}

#[test]
fn a_sync_prints_json_lines_and_ends_with_the_summary() {
    let h = harness();
    let out = h.sync_march(&["--json"]);
    assert_exit(&out, 0);
    let lines = Harness::lines(&out);
    assert_eq!(lines[0]["event"], "session_started");
    let id = lines[0]["session_id"].as_str().unwrap().to_string();
    assert!(lines
        .iter()
        .all(|l| l["session_id"] == id.as_str() && l["event"].is_string()));
    let last = lines.last().unwrap();
    assert_eq!(last["event"], "session_finished");
    assert_eq!(last["status"], "completed");
    assert_eq!(last["created"], ELIGIBLE);
    // The .360 and the joined copy of the chaptered video.
    assert_eq!(last["skipped"], 2);
    assert_eq!(last["failed"], 0);
    assert!(last["bytes"].as_u64().unwrap() > 10_000_000);
    h.assert_created_exactly_once(ELIGIBLE);
    // The session is listed and shown with Google links.
    let out = h.run(&["sessions", "--json"]);
    let sessions: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(sessions[0]["session"]["id"], id.as_str());
    let out = h.run(&["show", &id, "--json"]);
    let shown: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let items = shown["items"].as_array().unwrap();
    assert_eq!(items.len(), ELIGIBLE + 2);
    assert!(items
        .iter()
        .filter(|i| i["state"] == "created")
        .all(|i| i["google_url"].is_string()));
    assert!(items
        .iter()
        .any(|i| i["state"] == "skipped" && i["reason"].as_str().unwrap().contains("360")));
    // Nothing left to resume.
    let out = h.run(&["resume"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no unfinished session"));
}

#[test]
fn bad_input_gets_one_clear_line_and_exit_2() {
    let h = harness();
    let cases: [(&[&str], &str); 5] = [
        (
            &["sync", "--from", "2026-03-31", "--to", "2026-03-01"],
            "before the start",
        ),
        (
            &["sync", "--from", "March", "--to", "2026-03-01"],
            "YYYY-MM-DD",
        ),
        (
            &[
                "sync",
                "--from",
                "2026-03-01",
                "--to",
                "2026-03-02",
                "--session-id",
                "no spaces",
            ],
            "not a valid session id",
        ),
        (&["resume", "nope"], "no session \"nope\""),
        (&["show", "nope"], "no session \"nope\""),
    ];
    for (args, expected) in cases {
        let out = h.run(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
    }
}

#[test]
fn a_corrupt_database_is_left_untouched() {
    let h = harness();
    std::fs::create_dir_all(h.data_dir.path()).unwrap();
    std::fs::write(h.db(), b"this is not a database, but somebody's file").unwrap();
    let out = h.run(&["sessions"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("left untouched"));
    assert_eq!(
        std::fs::read(h.db()).unwrap(),
        b"this is not a database, but somebody's file"
    );
}

#[test]
fn an_expired_gopro_login_exits_3_and_resume_after_login_finishes() {
    let mut h = harness();
    h.clouds
        .gopro
        .clock()
        .advance(Duration::from_secs(30 * 3600));
    let out = h.sync_march(&["--session-id", "login", "--json"]);
    assert_exit(&out, 3);
    let last = Harness::lines(&out).pop().unwrap();
    assert_eq!(last["status"], "needs_login");
    h.gopro_token = h.clouds.gopro.issue_token();
    let out = h.run(&["resume", "--json"]);
    assert_exit(&out, 0);
    h.assert_created_exactly_once(ELIGIBLE);
}

#[test]
fn the_daily_quota_exits_4_with_the_reset_time() {
    let h = harness();
    h.clouds.google.set_request_fault(RequestFault {
        error: InjectedError::RateLimitDaily,
        times: 1,
        only: Some(RequestKind::BatchCreate),
        retry_after_secs: None,
    });
    let out = h.sync_march(&["--session-id", "quota", "--json"]);
    assert_exit(&out, 4);
    let last = Harness::lines(&out).pop().unwrap();
    assert_eq!(last["status"], "paused");
    assert!(last["quota_resets_at"].is_string());
    let out = h.run(&["resume", "quota"]);
    assert_eq!(out.status.code(), Some(0));
    h.assert_created_exactly_once(ELIGIBLE);
}

#[test]
fn not_logged_in_says_how_to_log_in() {
    let h = harness();
    let out = h
        .command(&["sync", "--from", "2026-03-01", "--to", "2026-03-31"])
        .env_remove("Q2GOOGLE_GOPRO_TOKEN")
        .env("Q2GOOGLE_KEYRING", "keyutils")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(matches!(out.status.code(), Some(1) | Some(3)), "{stderr}");
    assert!(
        stderr.contains("keyring") || stderr.contains("q2google login gopro"),
        "{stderr}"
    );
}

#[test]
fn login_gopro_checks_the_token_before_keeping_it() {
    let h = harness();
    let mut child = h
        .command(&["login", "gopro", "--token-stdin"])
        .env_remove("Q2GOOGLE_GOPRO_TOKEN")
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"not-a-real-token\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    // Either the keyring is missing here (a clear message) or the token was refused (exit 3).
    assert!(out.status.code() != Some(0), "{stderr}");
    assert!(
        stderr.contains("did not accept this token") || stderr.contains("keyring"),
        "{stderr}"
    );
}

#[test]
fn doctor_runs_the_contract_checks_against_the_fakes() {
    let h = harness();
    let out = h.run(&["doctor", "--json"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let check = |name: &str| {
        report["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["check"] == name)
            .unwrap()
            .clone()
    };
    assert_eq!(check("GoPro login and API")["ok"], true, "{report}");
    assert!(check("GoPro login and API")["detail"]
        .as_str()
        .unwrap()
        .contains("CDN HEAD"));
    assert_eq!(check("Google sign-in and API")["ok"], true, "{report}");
    assert_eq!(check("data folder writable")["ok"], true);
    assert_eq!(check("clock")["ok"], true, "{report}");
}

#[test]
fn the_demo_needs_nothing_and_ends_by_itself_with_everything_moved() {
    let data = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_q2google"))
        .args(["demo", "--json", "--data-dir"])
        .arg(data.path())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", data.path())
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_exit(&out, 0);
    let last = Harness::lines(&out).pop().unwrap();
    assert_eq!(last["event"], "session_finished");
    assert_eq!(last["status"], "completed");
    assert_eq!(last["failed"], 0);
    // 45 files of the demo library move; the .360, the unrendered Quik project, the RAW file
    // and the joined video are skipped with reasons.
    assert_eq!(last["created"], 45);
    assert_eq!(last["skipped"], 4);
}

#[test]
fn a_broken_settings_file_is_named_and_exits_2() {
    let h = harness();
    let path = h.data_dir.path().join("broken-settings.json");
    std::fs::write(&path, r#"{"reconcile_waits": "soon"}"#).unwrap();
    let out = h
        .command(&["sessions"])
        .env("Q2GOOGLE_SETTINGS", &path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("broken-settings.json"), "{stderr}");
    assert!(stderr.contains("is not valid"), "{stderr}");
}

fn daily_quota_for(h: &Harness, secs: u64) {
    // Google's daily 429, saying when the limit resets (a Retry-After the engine honours).
    h.clouds.google.set_request_fault(RequestFault {
        error: InjectedError::RateLimitDaily,
        times: 1,
        only: Some(RequestKind::BatchCreate),
        retry_after_secs: Some(secs),
    });
}

const MARCH: [&str; 4] = ["--from", "2026-03-01", "--to", "2026-03-31"];

#[test]
fn with_wait_a_daily_quota_pause_waits_for_the_reset_and_goes_on() {
    let h = harness();
    daily_quota_for(&h, 1);
    let mut args = vec!["sync"];
    args.extend(MARCH);
    args.extend(["--session-id", "waits", "--json", "--wait"]);
    let out = h.run(&args);
    assert_exit(&out, 0);
    let lines = Harness::lines(&out);
    let waiting: Vec<_> = lines
        .iter()
        .filter(|l| l["event"] == "waiting_for_quota")
        .collect();
    assert_eq!(waiting.len(), 1, "{lines:?}");
    assert!(waiting[0]["until"].is_string());
    assert_eq!(lines.last().unwrap()["status"], "completed");
    h.assert_created_exactly_once(ELIGIBLE);
}

#[test]
fn sigterm_while_waiting_for_the_quota_exits_130_and_resume_finishes() {
    use std::io::{BufRead, BufReader};
    let h = harness();
    daily_quota_for(&h, 3600);
    let mut args = vec!["sync"];
    args.extend(MARCH);
    args.extend(["--session-id", "term", "--json", "--wait"]);
    let mut child = h
        .command(&args)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    for line in stdout.lines() {
        if line.unwrap().contains("waiting_for_quota") {
            break;
        }
    }
    let term = std::process::Command::new("sh")
        .args(["-c", &format!("kill -TERM {}", child.id())])
        .status()
        .unwrap();
    assert!(term.success());
    assert_eq!(child.wait().unwrap().code(), Some(130));
    let out = h.run(&["resume", "term"]);
    assert_exit(&out, 0);
    h.assert_created_exactly_once(ELIGIBLE);
}

#[test]
fn a_run_names_the_google_account_and_a_resume_under_another_one_says_whose_it_is() {
    let h = harness();
    // Storage full from the start: the session stops after it knows its destination.
    h.clouds.google.set_storage_full(true);
    let out = h.sync_march(&["--session-id", "alice"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{stderr}");
    assert!(
        stderr.contains("Moving into the Google Photos of you@example.com."),
        "{stderr}"
    );

    // Signed in to another account now: nothing moves, and the message names both.
    h.clouds.google.set_storage_full(false);
    h.clouds.google.update_scenario(|s| {
        s.account_id = "bob-sub".into();
        s.account_email = "bob@example.com".into();
    });
    let out = h.run(&["resume", "alice", "--json"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    let lines = Harness::lines(&out);
    let last = lines.last().unwrap();
    assert_eq!(last["status"], "needs_login", "{lines:?}");
    let reason = last["reason"].as_str().unwrap_or_default();
    assert!(
        reason.contains("Google Photos of you@example.com")
            && reason.contains("signed in to Google as bob@example.com"),
        "{lines:?}"
    );
    assert!(
        lines.iter().all(|l| l["event"] != "destination"),
        "{lines:?}"
    );
    assert!(h.clouds.google.media_items().is_empty());

    // Back in the session's own account, it goes on and says whose Google Photos it fills.
    h.clouds.google.update_scenario(|s| {
        s.account_id = GoogleScenario::default().account_id;
        s.account_email = "you@example.com".into();
    });
    let out = h.run(&["resume", "alice", "--json"]);
    assert_eq!(out.status.code(), Some(0));
    let lines = Harness::lines(&out);
    assert!(
        lines
            .iter()
            .any(|l| l["event"] == "destination" && l["email"] == "you@example.com"),
        "{lines:?}"
    );
    h.assert_created_exactly_once(ELIGIBLE);
}

#[test]
fn correct_video_times_dates_an_older_gopros_video_in_utc_and_only_when_asked() {
    // A HERO9 in summer time in Paris wrote 14:00 local into its headers as if it were UTC.
    let video = || {
        fakes::gopro::Media::video(
            "old",
            "GX019000.MP4",
            common::at("2026-03-10T14:00:00Z"),
            9000,
            2_000_000,
        )
        .with_camera(Some("HERO9 Black"))
        .with_timezone(Some("+02:00"))
    };
    for (flag, dated) in [
        (Some("--correct-video-times"), "2026-03-10T12:00:00Z"),
        (None, "2026-03-10T14:00:00Z"),
    ] {
        let h = Harness::new(
            FakeClouds::start(Scenario {
                gopro: GoProScenario::default().with_library(vec![video()]),
                google: common::google(),
            })
            .unwrap(),
        );
        let mut args = vec![
            "sync",
            "--from",
            "2026-03-01",
            "--to",
            "2026-03-31",
            "--json",
        ];
        args.extend(flag);
        let out = h.run(&args);
        assert_exit(&out, 0);
        let items = h.clouds.google.media_items();
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].taken, Some(common::at(dated)), "{flag:?}");
        let original = h.clouds.gopro.expected_originals()[0].content.sha256_hex();
        assert_eq!(items[0].sha256 == original, flag.is_none(), "{flag:?}");
    }
}
