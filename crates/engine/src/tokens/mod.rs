//! Where sign-in tokens are kept: the [`TokenStore`] seam and its implementations.
//!
//! - [`KeyringTokenStore`]: the OS keyring (macOS Keychain, Windows Credential Manager, Secret
//!   Service or kernel keyutils on Linux). There is no plain-text fallback: a missing or locked
//!   keyring is a [`TokenStoreError`] that tells the person what to do.
//! - [`MemoryTokenStore`]: in memory, for tests and demo mode.
//! - [`LayeredTokenStore`]: tokens from the environment win over an inner store, for scripts
//!   and CI.
//!
//! Every token travels as a [`Secret`]; no `Debug`, `Display` or error message shows one.

mod keyring;
mod layered;
mod memory;

use std::fmt;

pub use keyring::{KeyringBackend, KeyringTokenStore, KEYRING_ENV, SERVICE};
pub use layered::{EnvOverrides, LayeredTokenStore};
pub use memory::MemoryTokenStore;

use crate::secret::Secret;

/// What a [`TokenStore`] keeps, one value each.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Account {
    /// The GoPro cloud access token (from the GoPro login window).
    GoProAccessToken,
    /// The GoPro user id that goes with the token. Not secret, but stored beside it so the two
    /// never disagree.
    GoProUserId,
    /// The long-lived Google refresh token (from the browser sign-in).
    GoogleRefreshToken,
    /// The secret of a person's own Google Cloud OAuth client (Google calls desktop client
    /// secrets not confidential; it is kept in the keyring anyway, beside the token it unlocks).
    GoogleClientSecret,
    /// The random key that seals unfinished uploads' session URLs in the session database (a
    /// session URL lets anyone add bytes to the upload, so it is never stored in the clear).
    UploadSessionKey,
    /// Which Google account (and through which OAuth client) the refresh token signs in to, as
    /// JSON ([`Destination::to_stored`](crate::model::Destination::to_stored)). Not secret; kept
    /// beside the token so the two never disagree, and kept after a sign-out so the next
    /// sign-in can tell a switch of client.
    GoogleAccount,
}

impl Account {
    /// Every account, in a fixed order.
    pub const ALL: [Account; 6] = [
        Account::GoProAccessToken,
        Account::GoProUserId,
        Account::GoogleRefreshToken,
        Account::GoogleClientSecret,
        Account::UploadSessionKey,
        Account::GoogleAccount,
    ];

    /// The stable name the value is stored under (the keyring entry's user name).
    pub fn key(self) -> &'static str {
        match self {
            Account::GoProAccessToken => "gopro-access-token",
            Account::GoProUserId => "gopro-user-id",
            Account::GoogleRefreshToken => "google-refresh-token",
            Account::GoogleClientSecret => "google-client-secret",
            Account::UploadSessionKey => "upload-session-key",
            Account::GoogleAccount => "google-account",
        }
    }

    /// What a person calls it, for messages.
    pub fn label(self) -> &'static str {
        match self {
            Account::GoProAccessToken => "GoPro access token",
            Account::GoProUserId => "GoPro user id",
            Account::GoogleRefreshToken => "Google refresh token",
            Account::GoogleClientSecret => "Google client secret",
            Account::UploadSessionKey => "key of unfinished uploads",
            Account::GoogleAccount => "signed-in Google account",
        }
    }
}

impl fmt::Display for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Keeps the sign-in tokens. Calls may block (an OS keyring answers over IPC): from async code,
/// call them inside `tokio::task::spawn_blocking`.
pub trait TokenStore: Send + Sync {
    /// The value stored for `account`, or `None` when there is none.
    fn get(&self, account: Account) -> Result<Option<Secret>, TokenStoreError>;
    /// Stores `secret` for `account`, replacing any previous value.
    fn set(&self, account: Account, secret: &Secret) -> Result<(), TokenStoreError>;
    /// Removes the value for `account`; removing a missing value is not an error.
    fn delete(&self, account: Account) -> Result<(), TokenStoreError>;
}

impl<T: TokenStore + ?Sized> TokenStore for Box<T> {
    fn get(&self, account: Account) -> Result<Option<Secret>, TokenStoreError> {
        (**self).get(account)
    }
    fn set(&self, account: Account, secret: &Secret) -> Result<(), TokenStoreError> {
        (**self).set(account, secret)
    }
    fn delete(&self, account: Account) -> Result<(), TokenStoreError> {
        (**self).delete(account)
    }
}

impl<T: TokenStore + ?Sized> TokenStore for std::sync::Arc<T> {
    fn get(&self, account: Account) -> Result<Option<Secret>, TokenStoreError> {
        (**self).get(account)
    }
    fn set(&self, account: Account, secret: &Secret) -> Result<(), TokenStoreError> {
        (**self).set(account, secret)
    }
    fn delete(&self, account: Account) -> Result<(), TokenStoreError> {
        (**self).delete(account)
    }
}

/// A token store used from async code: every call runs on the blocking pool, since the OS
/// keyring answers over IPC and may wait seconds for an unlock prompt. Cheap to clone.
#[derive(Clone)]
pub struct AsyncTokens(std::sync::Arc<dyn TokenStore>);

impl AsyncTokens {
    /// `store`, used off the async threads.
    pub fn new(store: std::sync::Arc<dyn TokenStore>) -> Self {
        Self(store)
    }

    /// The store itself, for blocking code.
    pub fn store(&self) -> &std::sync::Arc<dyn TokenStore> {
        &self.0
    }

    /// [`TokenStore::get`].
    pub async fn get(&self, account: Account) -> Result<Option<Secret>, TokenStoreError> {
        let store = self.0.clone();
        Self::blocking(move || store.get(account)).await
    }

    /// [`TokenStore::set`].
    pub async fn set(&self, account: Account, value: Secret) -> Result<(), TokenStoreError> {
        let store = self.0.clone();
        Self::blocking(move || store.set(account, &value)).await
    }

    /// [`TokenStore::delete`].
    pub async fn delete(&self, account: Account) -> Result<(), TokenStoreError> {
        let store = self.0.clone();
        Self::blocking(move || store.delete(account)).await
    }

    async fn blocking<T: Send + 'static>(
        call: impl FnOnce() -> Result<T, TokenStoreError> + Send + 'static,
    ) -> Result<T, TokenStoreError> {
        tokio::task::spawn_blocking(call)
            .await
            .map_err(|_| TokenStoreError::Stopped)?
    }
}

/// Why the token store failed. Each message says what to do; none contains a token.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TokenStoreError {
    /// No Secret Service answers on the session bus (or there is no session bus).
    #[error(
        "no keyring service is running (Secret Service): {detail}. Start your desktop's keyring \
         (GNOME Keyring or KWallet; logging in to a desktop session usually does), or set \
         {env}=keyutils to use the kernel keyring, or give the tokens in \
         Q2GOOGLE_GOPRO_TOKEN and Q2GOOGLE_GOOGLE_REFRESH_TOKEN",
        env = KEYRING_ENV
    )]
    NoService {
        /// What the platform said.
        detail: String,
    },
    /// The keyring exists but is locked (or has no default collection and could not ask).
    #[error(
        "your keyring is locked: unlock it (log in to your desktop session, or unlock the \
         \"Login\" keyring in your passwords app) and try again ({detail})"
    )]
    Locked {
        /// What the platform said.
        detail: String,
    },
    /// The kernel keyring refused access: the process has no usable session keyring.
    #[error(
        "the kernel keyring (keyutils) refused access ({detail}); run q2google inside a login \
         session or under `keyctl session - …`, or unset {env} to use the Secret Service",
        env = KEYRING_ENV
    )]
    KeyutilsDenied {
        /// What the platform said.
        detail: String,
    },
    /// Several keyring entries match one account (another program wrote one too).
    #[error(
        "the keyring holds {count} entries for the {what}; remove the extra \"q2google\" \
         entries in your keyring manager, then sign in again"
    )]
    Ambiguous {
        /// Which value, as a person calls it (an [`Account::label`]).
        what: &'static str,
        /// How many entries matched.
        count: usize,
    },
    /// The stored value is not text (the entry was changed outside q2google).
    #[error("the {what} in the keyring is damaged; sign in again to replace it")]
    Damaged {
        /// Which value, as a person calls it (an [`Account::label`]).
        what: &'static str,
    },
    /// The keyring refused the value or its name.
    #[error("the keyring refused the {what}: {detail}")]
    Rejected {
        /// Which value, as a person calls it (an [`Account::label`]).
        what: &'static str,
        /// What the platform said.
        detail: String,
    },
    /// `Q2GOOGLE_KEYRING` names a keyring this build does not know.
    #[error(
        "{env}={value} is not a keyring q2google knows on this system; use {known} or unset it",
        env = KEYRING_ENV
    )]
    UnknownBackend {
        /// The value given.
        value: String,
        /// The accepted values.
        known: &'static str,
    },
    /// This operating system has no keyring q2google can use.
    #[error(
        "q2google has no keyring for this operating system; give the tokens in \
         Q2GOOGLE_GOPRO_TOKEN and Q2GOOGLE_GOOGLE_REFRESH_TOKEN instead"
    )]
    Unsupported,
    /// Any other keyring failure.
    #[error("the OS keyring ({backend}) failed: {detail}; try again, and restart your keyring if it keeps failing")]
    Platform {
        /// Which keyring.
        backend: KeyringBackend,
        /// What the platform said.
        detail: String,
    },
    /// The keyring call did not finish: q2google was stopping, or the call broke off.
    #[error(
        "the keyring call did not finish (q2google was stopping, or the call broke off); try again"
    )]
    Stopped,
    /// A round-trip through the keyring read back something else than was written.
    #[error("the OS keyring ({backend}) did not give back what was stored; restart your keyring and try again")]
    ProbeMismatch {
        /// Which keyring.
        backend: KeyringBackend,
    },
}
