//! The app's state: the backend a session runs against (real clouds, or the built-in fakes in
//! demo mode), the run in progress, preferences and login problems.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use engine::auth::{GoogleOAuth, OAuthClient};
use engine::config::Endpoints;
use engine::connect::{ConnectError, Connector};
use engine::control::SyncControl;
use engine::gopro::GoProClient;
use engine::lock::{Holder, RunLock};
use engine::model::SessionId;
use engine::photos::PhotosClient;
use engine::secret::Secret;
use engine::store::SqliteStore;
use engine::tokens::{
    Account, AsyncTokens, EnvOverrides, KeyringTokenStore, LayeredTokenStore, MemoryTokenStore,
    TokenStore,
};
use fakes::clouds::FakeClouds;
use fakes::scenario::Scenario;

use crate::error::{CommandError, ErrorCode};
use crate::views::{Cloud, Settings, Stages};

/// The Google OAuth client built into this binary, if the build set one.
const BUILT_IN_CLIENT_ID: Option<&str> = option_env!("Q2GOOGLE_GOOGLE_CLIENT_ID");
const BUILT_IN_CLIENT_SECRET: Option<&str> = option_env!("Q2GOOGLE_GOOGLE_CLIENT_SECRET");

/// Where sessions run: endpoints, logins and the session database.
pub struct Backend {
    /// Base URLs.
    pub endpoints: Endpoints,
    /// Logins.
    pub tokens: AsyncTokens,
    /// Why the keyring cannot be used, if it cannot.
    pub keyring_problem: Option<String>,
    /// Sessions.
    pub store: Arc<SqliteStore>,
    /// The fakes, in demo mode (dropped with the backend).
    pub demo: Option<FakeClouds>,
    /// The Google OAuth client id, from settings, the environment or the build.
    pub client_id: Option<String>,
    /// Where the database lives.
    pub data_dir: PathBuf,
}

impl Backend {
    /// Builds the backend for `settings`: real sessions in the data folder the CLI shares
    /// ([`engine::config::data_dir`]), demo sessions apart in `app_data/demo`.
    pub fn build(app_data: &Path, settings: &Settings) -> Result<Self, CommandError> {
        if settings.demo_mode {
            return Self::demo(app_data);
        }
        let endpoints = Endpoints::from_env()
            .map_err(|e| CommandError::new(ErrorCode::InvalidInput, e.to_string()))?;
        let (inner, keyring_problem): (Box<dyn TokenStore>, _) = match KeyringTokenStore::new() {
            Ok(k) => (Box::new(k), None),
            Err(e) => (Box::new(MemoryTokenStore::new()), Some(e.to_string())),
        };
        let tokens = AsyncTokens::new(Arc::new(LayeredTokenStore::new(
            EnvOverrides::from_env(),
            inner,
        )));
        let data_dir = engine::config::data_dir(Holder::App)
            .map_err(|e| CommandError::new(ErrorCode::Internal, e.to_string()))?;
        let store = Arc::new(SqliteStore::open(
            &data_dir.join(engine::config::DATABASE_FILE),
        )?);
        pause_interrupted(&store, &data_dir);
        let client_id = settings
            .google_client_id
            .clone()
            .filter(|s| !s.trim().is_empty())
            .or_else(|| std::env::var("Q2GOOGLE_GOOGLE_CLIENT_ID").ok())
            .or(BUILT_IN_CLIENT_ID.map(str::to_owned))
            .filter(|s| !s.is_empty());
        Ok(Self {
            endpoints,
            tokens,
            keyring_problem,
            store,
            demo: None,
            client_id,
            data_dir,
        })
    }

    /// Demo mode: the fakes in-process with the demo library ([`DEMO_GOOGLE_ENV`] and
    /// [`DEMO_CLOCK_ENV`] vary them). Their tokens are self-validating
    /// (a fixed demo secret), so demo logins kept in the keyring (under `q2google-demo`, apart
    /// from real ones) still work after the app restarts.
    fn demo(app_data: &Path) -> Result<Self, CommandError> {
        let clouds = FakeClouds::start(demo_scenario()).map_err(|e| {
            CommandError::new(
                ErrorCode::Internal,
                format!("cannot start the demo clouds: {e}"),
            )
        })?;
        if let Some(ahead) = std::env::var(DEMO_CLOCK_ENV)
            .ok()
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(&t).ok())
            .and_then(|t| {
                (t.with_timezone(&chrono::Utc) - chrono::Utc::now())
                    .to_std()
                    .ok()
            })
        {
            clouds.clock().advance(ahead);
        }
        let parse = |s: String| {
            url::Url::parse(&s).map_err(|e| CommandError::new(ErrorCode::Internal, e.to_string()))
        };
        let endpoints = Endpoints {
            gopro_api: parse(clouds.gopro.api_url())?,
            gopro_login: parse(clouds.gopro.login_url())?,
            gopro_images: parse(clouds.gopro.images_url())?,
            photos_api: parse(clouds.google.base_url())?,
            google_authorize: parse(clouds.google.authorize_url())?,
            google_token: parse(clouds.google.token_url())?,
            google_userinfo: parse(clouds.google.userinfo_url())?,
        };
        let (tokens, keyring_problem): (Arc<dyn TokenStore>, _) = match KeyringTokenStore::new() {
            Ok(k) => (Arc::new(k.with_service("q2google-demo")), None),
            // The demo works without a keyring; its logins then last until the app closes.
            Err(_) => (Arc::new(MemoryTokenStore::new()), None),
        };
        let data_dir = app_data.join("demo");
        let store = Arc::new(SqliteStore::open(
            &data_dir.join(engine::config::DATABASE_FILE),
        )?);
        pause_interrupted(&store, &data_dir);
        Ok(Self {
            endpoints,
            tokens: AsyncTokens::new(tokens),
            keyring_problem,
            store,
            client_id: Some(clouds.google.client_id()),
            demo: Some(clouds),
            data_dir,
        })
    }

    /// The right to run a session on this backend's data folder, for as long as the guard
    /// lives; refused with [`ErrorCode::Busy`] and who holds it while the CLI runs one there.
    pub fn run_lock(&self) -> Result<RunLock, CommandError> {
        Ok(RunLock::acquire(&self.data_dir, Holder::App)?)
    }

    /// What makes the clients ([`engine::connect`]): this backend's endpoints and logins with
    /// `settings`.
    pub fn connector(&self, settings: &engine::settings::Settings) -> Connector {
        Connector::new(self.endpoints.clone(), settings, self.tokens.clone())
    }

    /// The vault that lets an unfinished upload continue after a restart (its key lives in the
    /// keyring). Without a usable keyring, uploads interrupted by a crash start again.
    pub async fn upload_vault(&self) -> Option<engine::vault::UploadVault> {
        if self.keyring_problem.is_some() {
            return None;
        }
        self.connector(&Default::default()).upload_vault().await
    }

    /// A stored login value, read off the async threads (the keyring answers over IPC).
    pub async fn token(&self, account: Account) -> Result<Option<Secret>, CommandError> {
        Ok(self.tokens.get(account).await?)
    }

    /// Stores a login value; refuses when there is no usable keyring.
    pub async fn set_token(&self, account: Account, value: Secret) -> Result<(), CommandError> {
        if let Some(problem) = &self.keyring_problem {
            return Err(CommandError::new(ErrorCode::Keyring, problem.clone()));
        }
        Ok(self.tokens.set(account, value).await?)
    }

    /// Deletes a login value.
    pub async fn delete_token(&self, account: Account) -> Result<(), CommandError> {
        Ok(self.tokens.delete(account).await?)
    }

    /// The GoPro client with the stored login.
    pub async fn gopro(
        &self,
        settings: &engine::settings::Settings,
    ) -> Result<GoProClient, CommandError> {
        self.connector(settings)
            .gopro()
            .await
            .map_err(connect_error)
    }

    /// This copy's Google OAuth client: the id from settings, the environment or the build,
    /// the secret from the keyring, the environment or the build (the fakes' in demo mode).
    async fn google_client(&self) -> Result<Option<OAuthClient>, CommandError> {
        let Some(client_id) = self.client_id.clone() else {
            return Ok(None);
        };
        let client_secret = match &self.demo {
            Some(clouds) => Some(Secret::new(clouds.google.client_secret())),
            None => match self.token(Account::GoogleClientSecret).await? {
                Some(s) => Some(s),
                None => std::env::var("Q2GOOGLE_GOOGLE_CLIENT_SECRET")
                    .ok()
                    .or(BUILT_IN_CLIENT_SECRET.map(str::to_owned))
                    .map(Secret::new),
            },
        };
        Ok(Some(OAuthClient {
            client_id,
            client_secret,
        }))
    }

    /// The Google OAuth client.
    pub async fn oauth(
        &self,
        settings: &engine::settings::Settings,
    ) -> Result<GoogleOAuth, CommandError> {
        let client = self
            .google_client()
            .await?
            .ok_or_else(|| connect_error(ConnectError::NoGoogleClient))?;
        Ok(self.connector(settings).oauth(client))
    }

    /// The Photos client with the stored login.
    pub async fn photos(
        &self,
        settings: &engine::settings::Settings,
    ) -> Result<PhotosClient, CommandError> {
        let client = self.google_client().await?;
        self.connector(settings)
            .photos(client)
            .await
            .map_err(connect_error)
    }
}

/// A client that could not be made, as the page is told it: a missing login is
/// [`ErrorCode::NotLoggedIn`] (never signed in), not the expired login its kind means.
fn connect_error(err: ConnectError) -> CommandError {
    match err {
        ConnectError::NotLoggedIn { cloud } => CommandError::new(
            ErrorCode::NotLoggedIn,
            match cloud {
                engine::model::Cloud::Gopro => "Log in to GoPro first.",
                engine::model::Cloud::Google => "Connect Google Photos first.",
            },
        ),
        ConnectError::NoGoogleClient => CommandError::new(
            ErrorCode::NotLoggedIn,
            "No Google client is set up in this copy of q2google. Open Settings → Advanced and enter your own Google Cloud client id and secret (the README explains how to make one in a few minutes).",
        ),
        ConnectError::Tokens(err) => CommandError::from(err),
    }
}

/// Sessions a dead run left as running become paused as interrupted (History and Home offer
/// Resume, and the app may go on by itself, see `resumer`). Called only when no run is active
/// in this process (at start, and on a backend rebuild, which refuses while a run is active);
/// a session the CLI is moving is left alone ([`engine::interrupted::recover`]).
fn pause_interrupted(store: &SqliteStore, data_dir: &Path) {
    if let Err(e) = engine::interrupted::recover(store, data_dir, Holder::App) {
        tracing::warn!(error = %e, "cannot look for interrupted sessions");
    }
}

/// The run in progress.
pub struct RunHandle {
    /// Its session.
    pub session_id: SessionId,
    /// Pause / cancel.
    pub control: SyncControl,
}

/// Everything the commands share.
pub struct AppCtx {
    /// The backend; replaced when demo mode or the Google client changes.
    pub backend: Mutex<Arc<Backend>>,
    /// The run in progress, if any.
    pub run: Mutex<Option<RunHandle>>,
    /// Live stage states of the current run.
    pub stages: Mutex<Option<(String, Stages)>>,
    /// Preferences.
    pub settings: Mutex<Settings>,
    /// Login problems seen by runs (a GoPro 401), shown on the account chips.
    pub problems: Mutex<HashMap<&'static str, String>>,
    /// A problem of the whole app (the session database could not be opened).
    pub notice: Mutex<Option<String>>,
    /// The session that stopped for a login, and which cloud's: it goes on by itself as soon
    /// as that login succeeds.
    pub awaiting_login: Mutex<Option<(Cloud, SessionId)>>,
    /// What the app will go on with by itself, and when.
    pub resumer: crate::resumer::Resumer,
    /// The running session keeps the computer from idle sleep ([`crate::awake`]).
    pub keeping_awake: std::sync::atomic::AtomicBool,
    /// Where the app keeps its data.
    pub app_data: PathBuf,
    /// Where logs go.
    pub log_dir: PathBuf,
    /// The thumbnail tokens of the last preview's grid, by media id: the page asks for a
    /// thumbnail by id and never sees a token.
    pub thumbnails: Mutex<HashMap<String, engine::secret::Secret>>,
}

impl AppCtx {
    /// The current backend.
    pub fn backend(&self) -> Arc<Backend> {
        self.backend.lock().expect("backend lock").clone()
    }

    /// The current preferences.
    pub fn settings(&self) -> Settings {
        self.settings.lock().expect("settings lock").clone()
    }

    /// Records (or clears) a login problem for `cloud`.
    pub fn set_problem(&self, cloud: Cloud, problem: Option<String>) {
        let key = match cloud {
            Cloud::Gopro => "gopro",
            Cloud::Google => "google",
        };
        let mut problems = self.problems.lock().expect("problems lock");
        match problem {
            Some(p) => problems.insert(key, p),
            None => problems.remove(key),
        };
    }

    /// The login problem recorded for `cloud`.
    pub fn problem(&self, cloud: Cloud) -> Option<String> {
        let key = match cloud {
            Cloud::Gopro => "gopro",
            Cloud::Google => "google",
        };
        self.problems
            .lock()
            .expect("problems lock")
            .get(key)
            .cloned()
    }
}

/// Demo mode only: a JSON object of Google fake settings that replace the demo's, e.g.
/// `{"daily_request_limit": 35, "daily_retry_after": true}`, to see a pause for Google's daily
/// limit and the move going on by itself at the reset.
pub const DEMO_GOOGLE_ENV: &str = "Q2GOOGLE_DEMO_GOOGLE";
/// Demo mode only: the instant (RFC 3339) the demo clouds' clock starts at, e.g. a minute
/// before Google's daily reset; only a later time than now is taken.
pub const DEMO_CLOCK_ENV: &str = "Q2GOOGLE_DEMO_CLOCK_START";

/// The demo's clouds, with [`DEMO_GOOGLE_ENV`]'s changes to Google; a value that is not such an
/// object is logged and ignored.
fn demo_scenario() -> Scenario {
    let mut scenario = Scenario::demo();
    let Ok(text) = std::env::var(DEMO_GOOGLE_ENV) else {
        return scenario;
    };
    let merged = serde_json::from_str::<serde_json::Value>(&text)
        .ok()
        .and_then(|patch| {
            let mut base = serde_json::to_value(&scenario.google).ok()?;
            let fields = base.as_object_mut()?;
            for (key, value) in patch.as_object()? {
                fields.insert(key.clone(), value.clone());
            }
            serde_json::from_value(base).ok()
        });
    match merged {
        Some(google) => scenario.google = google,
        None => tracing::warn!(
            "{DEMO_GOOGLE_ENV} is not a JSON object of the Google fake's settings; ignored"
        ),
    }
    scenario
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh folder under the system's temporary folder, removed when dropped.
    struct Scratch(PathBuf);

    impl Scratch {
        fn new(name: &str) -> Self {
            let dir = std::env::temp_dir().join(format!(
                "q2google-app-{name}-{}-{}",
                std::process::id(),
                chrono::Utc::now().timestamp_nanos_opt().unwrap_or_default()
            ));
            std::fs::create_dir_all(&dir).unwrap();
            Self(dir)
        }
        fn path(&self) -> &Path {
            &self.0
        }
    }

    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    #[test]
    fn a_held_lock_is_busy_with_who_holds_it() {
        let dir = Scratch::new("busy");
        let _cli = RunLock::acquire(dir.path(), Holder::CommandLine).unwrap();
        let err = CommandError::from(RunLock::acquire(dir.path(), Holder::App).unwrap_err());
        assert_eq!(err.code, ErrorCode::Busy);
        assert!(
            err.message
                .starts_with("A sync is already running in the q2google command line"),
            "{}",
            err.message
        );
    }

    /// The shared data folder adopts the app's older database from the folder Tauri gave the
    /// app, which is named by the app's identifier: the engine must know that name.
    #[test]
    fn the_engine_knows_the_apps_identifier() {
        let conf: serde_json::Value =
            serde_json::from_str(include_str!("../tauri.conf.json")).unwrap();
        assert_eq!(conf["identifier"], engine::config::LEGACY_APP_FOLDER);
    }
}
