//! Tokens from the environment over an inner store, for scripts, CI and headless machines.

use std::fmt;

use super::{Account, TokenStore, TokenStoreError};
use crate::secret::Secret;

/// Tokens given in environment variables. Empty variables count as unset.
///
/// When the GoPro token comes from the environment, the GoPro user id does too (from
/// [`EnvOverrides::GOPRO_USER_ID`], or none): a user id left in the keyring by another account
/// must not be paired with it.
#[derive(Clone, Default)]
pub struct EnvOverrides {
    gopro_token: Option<Secret>,
    gopro_user_id: Option<Secret>,
    google_refresh_token: Option<Secret>,
    upload_key: Option<Secret>,
}

/// What the environment says about one account.
enum Override {
    /// Not overridden: ask the inner store.
    No,
    /// Overridden with this value, or with nothing.
    Yes(Option<Secret>),
}

impl EnvOverrides {
    /// The GoPro access token.
    pub const GOPRO_TOKEN: &'static str = "Q2GOOGLE_GOPRO_TOKEN";
    /// The GoPro user id that goes with [`Self::GOPRO_TOKEN`] (optional).
    pub const GOPRO_USER_ID: &'static str = "Q2GOOGLE_GOPRO_USER_ID";
    /// The Google refresh token.
    pub const GOOGLE_REFRESH_TOKEN: &'static str = "Q2GOOGLE_GOOGLE_REFRESH_TOKEN";
    /// The key of unfinished uploads (base64 of 32 bytes), for headless runs without a keyring
    /// that must continue a file after a restart.
    pub const UPLOAD_KEY: &'static str = "Q2GOOGLE_UPLOAD_KEY";

    /// Reads the variables from the process environment.
    pub fn from_env() -> Self {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the variables through `lookup` (tests pass a map instead of the environment).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let read = |name: &str| {
            lookup(name)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
                .map(Secret::new)
        };
        Self {
            gopro_token: read(Self::GOPRO_TOKEN),
            gopro_user_id: read(Self::GOPRO_USER_ID),
            google_refresh_token: read(Self::GOOGLE_REFRESH_TOKEN),
            upload_key: read(Self::UPLOAD_KEY),
        }
    }

    /// Whether `account` is answered by the environment rather than the inner store.
    pub fn overrides(&self, account: Account) -> bool {
        matches!(self.lookup(account), Override::Yes(_))
    }

    fn lookup(&self, account: Account) -> Override {
        match account {
            Account::GoProAccessToken => match &self.gopro_token {
                Some(token) => Override::Yes(Some(token.clone())),
                None => Override::No,
            },
            Account::GoProUserId => {
                if self.gopro_token.is_some() || self.gopro_user_id.is_some() {
                    Override::Yes(self.gopro_user_id.clone())
                } else {
                    Override::No
                }
            }
            Account::GoogleRefreshToken => match &self.google_refresh_token {
                Some(token) => Override::Yes(Some(token.clone())),
                None => Override::No,
            },
            // Given by Q2GOOGLE_GOOGLE_CLIENT_SECRET to whoever builds the OAuth client.
            Account::GoogleClientSecret | Account::GoogleAccount => Override::No,
            Account::UploadSessionKey => match &self.upload_key {
                Some(key) => Override::Yes(Some(key.clone())),
                None => Override::No,
            },
        }
    }

    fn overridden(&self) -> Vec<Account> {
        Account::ALL
            .into_iter()
            .filter(|a| self.overrides(*a))
            .collect()
    }
}

impl fmt::Debug for EnvOverrides {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EnvOverrides")
            .field("overridden", &self.overridden())
            .finish()
    }
}

/// Reads check the environment first, then `inner`; writes and deletes go to `inner`.
///
/// A value written while the environment overrides it is kept, but reads keep returning the
/// environment's value until the variable is unset.
pub struct LayeredTokenStore {
    env: EnvOverrides,
    inner: Box<dyn TokenStore>,
}

impl LayeredTokenStore {
    /// `env` over `inner`.
    pub fn new(env: EnvOverrides, inner: Box<dyn TokenStore>) -> Self {
        Self { env, inner }
    }

    /// The process environment over `inner`.
    pub fn from_env(inner: Box<dyn TokenStore>) -> Self {
        Self::new(EnvOverrides::from_env(), inner)
    }

    /// Whether reads of `account` come from the environment (for `q2google doctor`).
    pub fn from_environment(&self, account: Account) -> bool {
        self.env.overrides(account)
    }
}

impl fmt::Debug for LayeredTokenStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LayeredTokenStore")
            .field("env", &self.env)
            .finish_non_exhaustive()
    }
}

impl TokenStore for LayeredTokenStore {
    fn get(&self, account: Account) -> Result<Option<Secret>, TokenStoreError> {
        match self.env.lookup(account) {
            Override::Yes(value) => Ok(value),
            Override::No => self.inner.get(account),
        }
    }

    fn set(&self, account: Account, secret: &Secret) -> Result<(), TokenStoreError> {
        self.inner.set(account, secret)
    }

    fn delete(&self, account: Account) -> Result<(), TokenStoreError> {
        self.inner.delete(account)
    }
}
