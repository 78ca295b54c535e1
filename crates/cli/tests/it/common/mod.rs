//! Runs the real `q2google` binary against fakes started in the test process.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use chrono::{DateTime, Utc};
use fakes::clouds::FakeClouds;
use fakes::google::GoogleScenario;
use fakes::gopro::Media;

/// What q2google asks Google for at sign-in.
pub const SCOPES: [&str; 4] = engine::auth::SCOPES;

pub fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// A library of 36 files over March 2026: photos, videos, chapters, a burst, and a .360.
pub fn library() -> Vec<Media> {
    let mut media = Vec::new();
    for i in 0..20u64 {
        let when = at(&format!(
            "2026-03-{:02}T{:02}:15:00Z",
            1 + i % 28,
            8 + i % 10
        ));
        media.push(Media::photo(
            &format!("p{i}"),
            &format!("GOPR{:04}.JPG", 100 + i),
            when,
            1000 + i,
            150_000 + i * 13_000,
        ));
    }
    for i in 0..4u64 {
        let when = at(&format!("2026-03-{:02}T12:00:00Z", 3 + i * 5));
        media.push(Media::video(
            &format!("v{i}"),
            &format!("GX01{:04}.MP4", 200 + i),
            when,
            2000 + i,
            2_000_000 + i * 500_000,
        ));
    }
    media.push(Media::chaptered_video(
        "c1",
        "GX010300.MP4",
        at("2026-03-20T09:00:00Z"),
        3000,
        &[1_500_000, 1_500_000, 700_000],
    ));
    media.push(Media::burst(
        "b1",
        "G0010400.JPG",
        at("2026-03-21T09:00:00Z"),
        4000,
        &[90_000; 6],
    ));
    media.push(Media::spherical(
        "s1",
        "GS010500.360",
        at("2026-03-22T09:00:00Z"),
        5000,
        500_000,
    ));
    media
}

/// Eligible files of `library()`: 20 photos + 4 videos + 3 chapters + 6 frames.
pub const ELIGIBLE: usize = 33;

/// Google as the duplicate checks need it: every create is a new item.
pub fn google() -> GoogleScenario {
    GoogleScenario::default().with_merge_same_bytes(false)
}

pub struct Harness {
    pub clouds: FakeClouds,
    pub data_dir: tempfile::TempDir,
    pub gopro_token: String,
    pub google_refresh: String,
}

/// Asserts the command exited with `code`, showing what it said when it did not.
pub fn assert_exit(out: &Output, code: i32) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `sync` over March 2026, the fakes' library.
const SYNC_MARCH: [&str; 5] = ["sync", "--from", "2026-03-01", "--to", "2026-03-31"];

impl Harness {
    /// `q2google sync` over March 2026 with `more` arguments, run to its end.
    pub fn sync_march(&self, more: &[&str]) -> Output {
        self.run(&[&SYNC_MARCH[..], more].concat())
    }

    /// `q2google sync` over March 2026 with `more` arguments, to spawn.
    pub fn sync_march_command(&self, more: &[&str]) -> Command {
        self.command(&[&SYNC_MARCH[..], more].concat())
    }

    pub fn new(clouds: FakeClouds) -> Self {
        let gopro_token = clouds.gopro.issue_token();
        let google_refresh = clouds.google.issue_tokens(&SCOPES).refresh_token;
        Self {
            clouds,
            data_dir: tempfile::tempdir().unwrap(),
            gopro_token,
            google_refresh,
        }
    }

    pub fn db(&self) -> PathBuf {
        self.data_dir.path().join("sessions.sqlite3")
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_q2google"));
        command
            .args(args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.data_dir.path())
            .env("Q2GOOGLE_DATA_DIR", self.data_dir.path())
            .env("Q2GOOGLE_GOPRO_API_URL", self.clouds.gopro.api_url())
            .env("Q2GOOGLE_PHOTOS_API_URL", self.clouds.google.base_url())
            .env(
                "Q2GOOGLE_GOOGLE_AUTH_URL",
                self.clouds.google.authorize_url(),
            )
            .env("Q2GOOGLE_GOOGLE_TOKEN_URL", self.clouds.google.token_url())
            .env(
                "Q2GOOGLE_GOOGLE_USERINFO_URL",
                self.clouds.google.userinfo_url(),
            )
            .env("Q2GOOGLE_GOOGLE_CLIENT_ID", self.clouds.google.client_id())
            .env(
                "Q2GOOGLE_GOOGLE_CLIENT_SECRET",
                self.clouds.google.client_secret(),
            )
            .env("Q2GOOGLE_GOPRO_TOKEN", &self.gopro_token)
            .env("Q2GOOGLE_GOOGLE_REFRESH_TOKEN", &self.google_refresh)
            // The key of unfinished uploads, as the keyring would keep it across runs.
            .env(
                "Q2GOOGLE_UPLOAD_KEY",
                "cTJnb29nbGUtdGVzdC1rZXktMzItYnl0ZXMtbG9uZyE=",
            )
            // Creates in doubt are looked for again after 200 ms, not minutes.
            .env("Q2GOOGLE_SETTINGS", self.settings_file())
            .stdin(Stdio::null());
        command
    }

    /// A settings file with short reconcile waits and no margin after a quota reset, written
    /// once into the data folder.
    fn settings_file(&self) -> PathBuf {
        let path = self.data_dir.path().join("test-settings.json");
        if !path.exists() {
            let settings = serde_json::json!({
                "reconcile_waits": [{"secs": 0, "nanos": 0}, {"secs": 0, "nanos": 200_000_000}],
                "quota_resume_margin": {"secs": 0, "nanos": 0}
            });
            std::fs::write(&path, settings.to_string()).unwrap();
        }
        path
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().unwrap()
    }

    /// The JSON lines a run printed.
    pub fn lines(output: &Output) -> Vec<serde_json::Value> {
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l}: {e}")))
            .collect()
    }

    /// Asserts every eligible GoPro file is in Google exactly once: one item per original,
    /// counted by its bytes with Google's merge of identical bytes off (with it on, a second
    /// create would fold into the first and this check could not fail).
    pub fn assert_created_exactly_once(&self, eligible: usize) {
        assert!(
            !self.clouds.google.update_scenario(|s| s.merge_same_bytes),
            "a duplicate check needs the Google fake's same-bytes merge off"
        );
        let mut per_sha: HashMap<String, usize> = HashMap::new();
        for item in self.clouds.google.media_items() {
            *per_sha.entry(item.sha256).or_default() += 1;
        }
        let expected: Vec<_> = self
            .clouds
            .gopro
            .expected_originals()
            .into_iter()
            .filter(|e| !e.filename.ends_with(".360"))
            .collect();
        assert_eq!(expected.len(), eligible);
        for original in &expected {
            let n = per_sha.remove(&original.content.sha256_hex()).unwrap_or(0);
            assert_eq!(
                n, 1,
                "{} of GoPro medium {} is in Google Photos {n} times",
                original.filename, original.media_id
            );
        }
        assert!(
            per_sha.is_empty(),
            "items that are no GoPro original: {per_sha:?}"
        );
    }
}

pub fn path_exists(p: &Path) -> bool {
    p.exists()
}
