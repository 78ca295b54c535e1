//! Tokens kept in memory only: tests and demo mode.

use std::collections::HashMap;
use std::fmt;
use std::sync::Mutex;

use super::{Account, TokenStore, TokenStoreError};
use crate::secret::Secret;

/// A [`TokenStore`] in memory; everything is lost when it is dropped.
#[derive(Default)]
pub struct MemoryTokenStore {
    values: Mutex<HashMap<Account, Secret>>,
}

impl MemoryTokenStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// A store holding `values`.
    pub fn with(values: impl IntoIterator<Item = (Account, Secret)>) -> Self {
        Self {
            values: Mutex::new(values.into_iter().collect()),
        }
    }

    fn values(&self) -> std::sync::MutexGuard<'_, HashMap<Account, Secret>> {
        // A panic while holding the lock cannot leave a map half-written: use it as is.
        self.values.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl fmt::Debug for MemoryTokenStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut held: Vec<Account> = self.values().keys().copied().collect();
        held.sort();
        f.debug_struct("MemoryTokenStore")
            .field("held", &held)
            .finish()
    }
}

impl TokenStore for MemoryTokenStore {
    fn get(&self, account: Account) -> Result<Option<Secret>, TokenStoreError> {
        Ok(self.values().get(&account).cloned())
    }

    fn set(&self, account: Account, secret: &Secret) -> Result<(), TokenStoreError> {
        self.values().insert(account, secret.clone());
        Ok(())
    }

    fn delete(&self, account: Account) -> Result<(), TokenStoreError> {
        self.values().remove(&account);
        Ok(())
    }
}
