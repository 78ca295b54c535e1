//! Where the two clouds live, and where q2google keeps its data.
//!
//! Every base URL comes from [`Endpoints`]: the real hosts by default, a fake's loopback address
//! in tests and demo mode. There is no test-only code path; only the addresses change.
//!
//! The desktop app and the CLI share one data folder, [`data_dir`], and so one session database
//! and one ledger of what is already in Google Photos: a range moved with one is skipped by the
//! other, and [`RunLock`] in that folder keeps the two from running at once.

use std::path::{Path, PathBuf};

use url::Url;

use crate::lock::{Holder, RunLock};

/// Base URLs of every service the engine calls.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoints {
    /// The GoPro cloud API (`/media/search`, `/media/{id}/download`, `/media/user`).
    pub gopro_api: Url,
    /// GoPro's web login page, shown in the app's login window.
    pub gopro_login: Url,
    /// GoPro's image host, where search rows' `token`s give thumbnails.
    pub gopro_images: Url,
    /// The Google Photos Library API (the client appends `/v1/...`).
    pub photos_api: Url,
    /// Google's OAuth 2 authorization endpoint.
    pub google_authorize: Url,
    /// Google's OAuth 2 token endpoint.
    pub google_token: Url,
    /// Google's OpenID Connect `userinfo` endpoint (which account signed in).
    pub google_userinfo: Url,
}

/// Picks one endpoint field out of [`Endpoints`].
pub type EndpointField = fn(&mut Endpoints) -> &mut Url;

/// Environment variables that override single endpoints, for people pointing the CLI at a fake.
pub const ENV_OVERRIDES: [(&str, EndpointField); 7] = [
    ("Q2GOOGLE_GOPRO_API_URL", |e| &mut e.gopro_api),
    ("Q2GOOGLE_GOPRO_LOGIN_URL", |e| &mut e.gopro_login),
    ("Q2GOOGLE_GOPRO_IMAGES_URL", |e| &mut e.gopro_images),
    ("Q2GOOGLE_PHOTOS_API_URL", |e| &mut e.photos_api),
    ("Q2GOOGLE_GOOGLE_AUTH_URL", |e| &mut e.google_authorize),
    ("Q2GOOGLE_GOOGLE_TOKEN_URL", |e| &mut e.google_token),
    ("Q2GOOGLE_GOOGLE_USERINFO_URL", |e| &mut e.google_userinfo),
];

impl Default for Endpoints {
    fn default() -> Self {
        Self {
            gopro_api: parse("https://api.gopro.com"),
            gopro_login: parse("https://gopro.com/login"),
            gopro_images: parse("https://images-01.gopro.com"),
            photos_api: parse("https://photoslibrary.googleapis.com"),
            google_authorize: parse("https://accounts.google.com/o/oauth2/v2/auth"),
            google_token: parse("https://oauth2.googleapis.com/token"),
            google_userinfo: parse("https://openidconnect.googleapis.com/v1/userinfo"),
        }
    }
}

impl Endpoints {
    /// Google's sign-in endpoints.
    pub fn google(&self) -> crate::auth::GoogleUrls {
        crate::auth::GoogleUrls {
            authorize: self.google_authorize.clone(),
            token: self.google_token.clone(),
            userinfo: self.google_userinfo.clone(),
        }
    }

    /// The defaults with any `Q2GOOGLE_*_URL` environment overrides applied.
    pub fn from_env() -> Result<Self, EndpointError> {
        let mut endpoints = Self::default();
        for (name, field) in ENV_OVERRIDES {
            if let Ok(value) = std::env::var(name) {
                *field(&mut endpoints) = Url::parse(&value).map_err(|source| EndpointError {
                    name: name.to_string(),
                    source,
                })?;
            }
        }
        Ok(endpoints)
    }
}

/// An endpoint override that is not a URL.
#[derive(Debug, thiserror::Error)]
#[error("{name} is not a valid URL ({source}); fix or unset it")]
pub struct EndpointError {
    name: String,
    source: url::ParseError,
}

fn parse(s: &str) -> Url {
    Url::parse(s).expect("built-in endpoint is a valid URL")
}

/// Joins `path` (no leading slash) onto `base`, keeping any path prefix `base` has.
pub fn join(base: &Url, path: &str) -> Url {
    let mut url = base.clone();
    {
        let mut segments = url.path_segments_mut().expect("http(s) base URL");
        segments.pop_if_empty();
        for part in path.split('/') {
            segments.push(part);
        }
    }
    url
}

/// The environment variable that puts the data folder somewhere else (tests, headless use).
pub const DATA_DIR_ENV: &str = "Q2GOOGLE_DATA_DIR";

/// The shared data folder's name inside the platform's data folder.
pub const DATA_FOLDER: &str = "q2google";

/// The desktop app's own folder inside the platform's data folder (its Tauri identifier in
/// `src-tauri/tauri.conf.json`), where the app kept its session database until the app and the
/// CLI shared one. The app still keeps its preferences and its demo database there.
pub const LEGACY_APP_FOLDER: &str = "app.q2google.desktop";

/// The session database's file name inside the data folder.
pub const DATABASE_FILE: &str = "sessions.sqlite3";

/// The shared data folder by default: `q2google` in the platform's data folder
/// (`~/.local/share` on Linux, `~/Library/Application Support` on macOS, `%APPDATA%` on
/// Windows). `None` when the platform has none for this user.
pub fn default_data_dir() -> Option<PathBuf> {
    dirs::data_dir().map(|d| d.join(DATA_FOLDER))
}

/// Where the desktop app kept its session database before the shared folder.
pub fn legacy_app_data_dir() -> Option<PathBuf> {
    dirs::data_dir().map(|d| d.join(LEGACY_APP_FOLDER))
}

/// There is nowhere to keep the session database.
#[derive(Debug, thiserror::Error)]
#[error(
    "cannot find a data folder for this user; set {DATA_DIR_ENV} to a folder q2google can write"
)]
pub struct NoDataDir;

/// The data folder the app and the CLI use: `Q2GOOGLE_DATA_DIR` when set (used as is), else
/// [`default_data_dir`], after adopting the app's older database into it
/// ([`adopt_legacy_database`]). `holder` is who asks, for the lock taken while a database moves.
pub fn data_dir(holder: Holder) -> Result<PathBuf, NoDataDir> {
    if let Some(dir) = std::env::var_os(DATA_DIR_ENV).filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    let shared = default_data_dir().ok_or(NoDataDir)?;
    Ok(match legacy_app_data_dir() {
        Some(legacy) => adopt_legacy_database(&legacy, &shared, holder),
        None => shared,
    })
}

/// Moves the session database the desktop app kept in `legacy` into the shared folder `shared`
/// when `shared` has none yet, and returns the folder to use.
///
/// Moved rather than copied, so there stays one ledger: a copy left behind would be a second
/// history an older app could keep writing to, and the next range it moved would be moved again
/// by the other program. Moved rather than used in place, so the shared folder is the same
/// predictable path on every computer. The move is a rename of the database and its WAL files
/// (the database file last, so its arrival marks a finished move and an interrupted one is
/// completed next time) under the run lock of `shared`, so no engine starts in `shared`
/// meanwhile. When the rename fails (another disk, a file in use on Windows) the files are put
/// back and `legacy` is used in place: the app and the CLI make the same choice, so they still
/// share one database. When both folders hold a database, nothing is merged: `shared` wins and
/// the app's older history stays in `legacy`, untouched.
pub fn adopt_legacy_database(legacy: &Path, shared: &Path, holder: Holder) -> PathBuf {
    let shared_db = shared.join(DATABASE_FILE);
    let legacy_db = legacy.join(DATABASE_FILE);
    if !legacy_db.exists() || legacy == shared {
        return shared.to_path_buf();
    }
    if shared_db.exists() {
        tracing::warn!(
            legacy = %legacy_db.display(),
            shared = %shared_db.display(),
            "two session databases: using the shared one; the app's older one is left as it was"
        );
        return shared.to_path_buf();
    }
    let _lock = match RunLock::acquire(shared, holder) {
        Ok(lock) => lock,
        // A run has just started in the shared folder: it is the database in use.
        Err(crate::lock::LockError::Held { .. }) => return shared.to_path_buf(),
        Err(e) => {
            tracing::warn!(error = %e, "cannot move the app's session database: using it where it is");
            return legacy.to_path_buf();
        }
    };
    if shared_db.exists() {
        return shared.to_path_buf();
    }
    let mut moved: Vec<(PathBuf, PathBuf)> = Vec::new();
    for suffix in ["-wal", "-shm", ""] {
        let name = format!("{DATABASE_FILE}{suffix}");
        let (from, to) = (legacy.join(&name), shared.join(&name));
        if !from.exists() {
            continue;
        }
        if let Err(e) = std::fs::rename(&from, &to) {
            tracing::warn!(from = %from.display(), to = %to.display(), error = %e, "cannot move the app's session database: using it where it is");
            for (from, to) in moved.iter().rev() {
                let _ = std::fs::rename(to, from);
            }
            return legacy.to_path_buf();
        }
        moved.push((from, to));
    }
    tracing::info!(from = %legacy_db.display(), to = %shared_db.display(), "moved the app's session database into the folder the app and the command line share");
    shared.to_path_buf()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{SessionStore, SqliteStore};

    #[test]
    fn the_apps_database_moves_into_the_shared_folder_with_its_history() {
        let root = tempfile::tempdir().unwrap();
        let (legacy, shared) = (root.path().join("app"), root.path().join("shared"));
        {
            let store = SqliteStore::open(&legacy.join(DATABASE_FILE)).unwrap();
            store.create_session(&sample_session()).unwrap();
        }
        std::fs::write(legacy.join("settings.json"), b"{}").unwrap();
        assert_eq!(adopt_legacy_database(&legacy, &shared, Holder::App), shared);
        assert!(!legacy.join(DATABASE_FILE).exists());
        assert!(
            legacy.join("settings.json").exists(),
            "only the database moves"
        );
        let store = SqliteStore::open(&shared.join(DATABASE_FILE)).unwrap();
        let id = sample_session().id;
        assert!(store.load_session(&id).unwrap().is_some());
        assert!(
            !shared.join(crate::lock::NOTE_FILE).exists(),
            "lock released"
        );
        // Once moved, nothing more happens.
        assert_eq!(
            adopt_legacy_database(&legacy, &shared, Holder::CommandLine),
            shared
        );
    }

    #[test]
    fn a_shared_database_wins_and_the_apps_is_left_alone() {
        let root = tempfile::tempdir().unwrap();
        let (legacy, shared) = (root.path().join("app"), root.path().join("shared"));
        for dir in [&legacy, &shared] {
            std::fs::create_dir_all(dir).unwrap();
            std::fs::write(dir.join(DATABASE_FILE), dir.to_string_lossy().as_bytes()).unwrap();
        }
        assert_eq!(adopt_legacy_database(&legacy, &shared, Holder::App), shared);
        for dir in [&legacy, &shared] {
            assert_eq!(
                std::fs::read(dir.join(DATABASE_FILE)).unwrap(),
                dir.to_string_lossy().as_bytes()
            );
        }
    }

    #[test]
    fn nothing_to_adopt_means_the_shared_folder() {
        let root = tempfile::tempdir().unwrap();
        let (legacy, shared) = (root.path().join("app"), root.path().join("shared"));
        assert_eq!(
            adopt_legacy_database(&legacy, &shared, Holder::CommandLine),
            shared
        );
        assert!(!shared.exists(), "nothing is created just by asking");
    }

    #[test]
    fn a_run_in_the_shared_folder_is_not_disturbed() {
        let root = tempfile::tempdir().unwrap();
        let (legacy, shared) = (root.path().join("app"), root.path().join("shared"));
        std::fs::create_dir_all(&legacy).unwrap();
        std::fs::write(legacy.join(DATABASE_FILE), b"old").unwrap();
        let _running = RunLock::acquire(&shared, Holder::CommandLine).unwrap();
        assert_eq!(adopt_legacy_database(&legacy, &shared, Holder::App), shared);
        assert!(
            legacy.join(DATABASE_FILE).exists(),
            "moved later, not under a run"
        );
    }

    #[test]
    fn the_default_folder_is_named_q2google() {
        if let Some(dir) = default_data_dir() {
            assert_eq!(dir.file_name().unwrap(), DATA_FOLDER);
        }
    }

    fn sample_session() -> crate::model::SessionRecord {
        use crate::model::{SessionId, SessionRecord, SessionSettings, SessionStatus};
        let day = |s| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let at = chrono::Utc::now();
        SessionRecord {
            id: SessionId::new("from-the-app").unwrap(),
            range_from: day("2026-03-01"),
            range_to: day("2026-03-31"),
            settings: SessionSettings {
                batch_size: 10,
                create_batch_size: 50,
                include_raw: false,
                include_joined_video: false,
                album_title: None,
                correct_video_times: false,
            },
            status: SessionStatus::Paused,
            status_reason: None,
            quota_resets_at: None,
            stop_cause: None,
            discovery_cursor: 1,
            discovery_done: false,
            album_id: None,
            album_url: None,
            album_items: 0,
            earlier_albums: Vec::new(),
            created_at: at,
            updated_at: at,
            finished_at: None,
            bytes_transferred: 0,
            destination: None,
        }
    }

    #[test]
    fn defaults_are_the_real_hosts() {
        let e = Endpoints::default();
        assert_eq!(e.gopro_api.host_str(), Some("api.gopro.com"));
        assert_eq!(
            e.photos_api.host_str(),
            Some("photoslibrary.googleapis.com")
        );
        assert_eq!(
            e.google_token.as_str(),
            "https://oauth2.googleapis.com/token"
        );
    }

    #[test]
    fn join_keeps_prefixes_and_encodes_segments() {
        let base = Url::parse("http://127.0.0.1:9/prefix/").unwrap();
        assert_eq!(
            join(&base, "v1/mediaItems:batchCreate").as_str(),
            "http://127.0.0.1:9/prefix/v1/mediaItems:batchCreate"
        );
        let base = Url::parse("http://127.0.0.1:9").unwrap();
        assert_eq!(
            join(&base, "media/a b/download").as_str(),
            "http://127.0.0.1:9/media/a%20b/download"
        );
    }
}
