//! Everything a command needs, built from the environment: endpoints, the data folder, the
//! session store, the token store and the two clients.
//!
//! Environment (all optional): `Q2GOOGLE_DATA_DIR` (else the folder the app shares,
//! [`engine::config::data_dir`]); `Q2GOOGLE_GOPRO_API_URL`,
//! `Q2GOOGLE_PHOTOS_API_URL` (host roots), `Q2GOOGLE_GOOGLE_AUTH_URL`,
//! `Q2GOOGLE_GOOGLE_TOKEN_URL`, `Q2GOOGLE_GOOGLE_USERINFO_URL` (full endpoint URLs); `Q2GOOGLE_GOOGLE_CLIENT_ID`,
//! `Q2GOOGLE_GOOGLE_CLIENT_SECRET`; `Q2GOOGLE_GOPRO_TOKEN`, `Q2GOOGLE_GOOGLE_REFRESH_TOKEN`
//! (tokens from the environment win over the keyring); `Q2GOOGLE_SETTINGS` (a JSON file of
//! engine settings, [`engine::settings::Settings`]; fields left out keep their defaults).

use std::path::PathBuf;
use std::sync::Arc;

use engine::auth::{GoogleOAuth, OAuthClient, OAuthError};
use engine::config::Endpoints;
use engine::connect::{ConnectError, Connector};
use engine::error::Classified;
use engine::gopro::{GoProClient, GoProError};
use engine::http::HttpCore;
use engine::lock::{Holder, LockError, RunLock};
use engine::model::Cloud;
use engine::orchestrator::SyncError;
use engine::photos::PhotosClient;
use engine::photos::PhotosError;
use engine::secret::Secret;
use engine::settings::Settings;
use engine::store::{SqliteStore, StoreError};
use engine::tokens::{
    Account, AsyncTokens, EnvOverrides, KeyringTokenStore, LayeredTokenStore, MemoryTokenStore,
    TokenStore, TokenStoreError,
};

use crate::exit;

/// A failure with its exit code and a sentence for the person.
#[derive(Debug)]
pub struct Failure {
    /// Exit code.
    pub code: i32,
    /// What happened and what to do.
    pub message: String,
}

impl Failure {
    /// A failure with `code`.
    pub fn new(code: i32, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

impl Failure {
    /// An engine error as the CLI reports it: its kind's exit code and its message.
    pub fn engine(err: &impl Classified) -> Self {
        Failure::new(exit::for_kind(err.kind()), err.to_string())
    }
}

/// `From` for each engine error the commands meet, through [`Failure::engine`].
macro_rules! from_engine {
    ($($error:ty),* $(,)?) => {
        $(impl From<$error> for Failure {
            fn from(err: $error) -> Self {
                Failure::engine(&err)
            }
        })*
    };
}

from_engine!(
    StoreError,
    LockError,
    TokenStoreError,
    GoProError,
    PhotosError,
    OAuthError,
    SyncError,
    ConnectError
);

/// The environment a command runs in.
pub struct Context {
    /// Base URLs.
    pub endpoints: Endpoints,
    /// Where the session database lives.
    pub data_dir: PathBuf,
    /// Engine settings.
    pub settings: Settings,
    /// The Google OAuth client, when one is configured.
    pub google_client: Option<OAuthClient>,
    tokens: AsyncTokens,
}

/// The Google client id built in at compile time, if the build set one.
const BUILT_IN_CLIENT_ID: Option<&str> = option_env!("Q2GOOGLE_GOOGLE_CLIENT_ID");
const BUILT_IN_CLIENT_SECRET: Option<&str> = option_env!("Q2GOOGLE_GOOGLE_CLIENT_SECRET");

impl Context {
    /// The context from the environment, with tokens in the OS keyring (environment first).
    pub fn from_env() -> Result<Self, Failure> {
        let env = EnvOverrides::from_env();
        // Only open the keyring when the environment does not already give both tokens: a
        // headless run with tokens in the environment needs no keyring service.
        let inner: Box<dyn TokenStore> = if env.overrides(Account::GoProAccessToken)
            && env.overrides(Account::GoogleRefreshToken)
        {
            Box::new(MemoryTokenStore::new())
        } else {
            Box::new(KeyringTokenStore::new()?)
        };
        Self::with_tokens(Arc::new(LayeredTokenStore::new(env, inner)), None)
    }

    /// The context with a given token store (demo mode, tests), keeping its data in `data_dir`
    /// or, when `None`, in the folder the app shares.
    pub fn with_tokens(
        tokens: Arc<dyn TokenStore>,
        data_dir: Option<PathBuf>,
    ) -> Result<Self, Failure> {
        let endpoints =
            Endpoints::from_env().map_err(|e| Failure::new(exit::BAD_INPUT, e.to_string()))?;
        let data_dir = match data_dir {
            Some(dir) => dir,
            None => engine::config::data_dir(Holder::CommandLine)
                .map_err(|e| Failure::new(exit::FAILURE, e.to_string()))?,
        };
        let client_id = std::env::var("Q2GOOGLE_GOOGLE_CLIENT_ID")
            .ok()
            .or(BUILT_IN_CLIENT_ID.map(str::to_owned))
            .filter(|s| !s.is_empty());
        let client_secret = std::env::var("Q2GOOGLE_GOOGLE_CLIENT_SECRET")
            .ok()
            .or(BUILT_IN_CLIENT_SECRET.map(str::to_owned))
            .filter(|s| !s.is_empty());
        Ok(Self {
            endpoints,
            data_dir,
            settings: settings_from_env()?,
            google_client: client_id.map(|client_id| OAuthClient {
                client_id,
                client_secret: client_secret.map(Secret::new),
            }),
            tokens: AsyncTokens::new(tokens),
        })
    }

    /// The session database.
    pub fn store(&self) -> Result<Arc<SqliteStore>, Failure> {
        Ok(Arc::new(SqliteStore::open(
            &self.data_dir.join("sessions.sqlite3"),
        )?))
    }

    /// The right to run a sync on the data folder, for as long as the guard lives; refused
    /// (exit 2, naming the holder) while another q2google runs one there.
    pub fn run_lock(&self) -> Result<RunLock, Failure> {
        Ok(RunLock::acquire(&self.data_dir, Holder::CommandLine)?)
    }

    /// What makes the clients ([`engine::connect`]): these endpoints, settings and logins.
    pub fn connector(&self) -> Connector {
        Connector::new(self.endpoints.clone(), &self.settings, self.tokens.clone())
    }

    /// One HTTP core with the settings' budgets.
    pub fn http(&self) -> HttpCore {
        self.connector().http()
    }

    /// The vault that lets an unfinished upload continue after a restart (its key lives in the
    /// keyring). Without a usable keyring, uploads interrupted by a crash start again.
    pub async fn upload_vault(&self) -> Option<engine::vault::UploadVault> {
        self.connector().upload_vault().await
    }

    /// Reads a stored value.
    pub async fn token(&self, account: Account) -> Result<Option<Secret>, Failure> {
        Ok(self.tokens.get(account).await?)
    }

    /// Stores a value.
    pub async fn set_token(&self, account: Account, value: Secret) -> Result<(), Failure> {
        Ok(self.tokens.set(account, value).await?)
    }

    /// Deletes a value.
    pub async fn delete_token(&self, account: Account) -> Result<(), Failure> {
        Ok(self.tokens.delete(account).await?)
    }

    /// The GoPro client, or "log in" when there is no token.
    pub async fn gopro(&self) -> Result<GoProClient, Failure> {
        self.connector().gopro().await.map_err(connect_failure)
    }

    /// The Google OAuth client, or how to configure one.
    pub fn oauth(&self) -> Result<GoogleOAuth, Failure> {
        let client = self
            .google_client
            .clone()
            .ok_or_else(|| connect_failure(ConnectError::NoGoogleClient))?;
        Ok(self.connector().oauth(client))
    }

    /// The Photos client, or "log in" when there is no refresh token.
    pub async fn photos(&self) -> Result<PhotosClient, Failure> {
        self.connector()
            .photos(self.google_client.clone())
            .await
            .map_err(connect_failure)
    }
}

/// A client that could not be made, said with the command that fixes it.
fn connect_failure(err: ConnectError) -> Failure {
    let code = exit::for_kind(err.kind());
    match err {
        ConnectError::NotLoggedIn { cloud: Cloud::Gopro } => Failure::new(
            code,
            "you are not logged in to GoPro: run `q2google login gopro`",
        ),
        ConnectError::NotLoggedIn {
            cloud: Cloud::Google,
        } => Failure::new(
            code,
            "you are not signed in to Google: run `q2google login google`",
        ),
        ConnectError::NoGoogleClient => Failure::new(
            code,
            "no Google OAuth client is configured: set Q2GOOGLE_GOOGLE_CLIENT_ID and Q2GOOGLE_GOOGLE_CLIENT_SECRET (see the README, \"Use your own Google Cloud client\")",
        ),
        ConnectError::Tokens(err) => Failure::engine(&err),
    }
}

/// The engine settings: defaults, or the JSON file `Q2GOOGLE_SETTINGS` names.
fn settings_from_env() -> Result<Settings, Failure> {
    let Some(path) = std::env::var_os("Q2GOOGLE_SETTINGS").filter(|p| !p.is_empty()) else {
        return Ok(Settings::default());
    };
    let path = PathBuf::from(path);
    let bad = |why: String| {
        Failure::new(
            exit::BAD_INPUT,
            format!(
                "The settings file {} (Q2GOOGLE_SETTINGS) {why}. Fix it, or unset \
                 Q2GOOGLE_SETTINGS to use the defaults.",
                path.display()
            ),
        )
    };
    let text = std::fs::read_to_string(&path).map_err(|e| bad(format!("cannot be read: {e}")))?;
    let settings: Settings =
        serde_json::from_str(&text).map_err(|e| bad(format!("is not valid: {e}")))?;
    Ok(settings.normalized())
}
