//! The OS keyring through keyring 4 (`keyring-core` and one store crate per platform).
//!
//! Entries live under the service [`SERVICE`], one per [`Account`] (its [`Account::key`] is the
//! entry's user name). On Linux the Secret Service is used unless [`KEYRING_ENV`] says
//! `keyutils`. Every platform failure becomes a [`TokenStoreError`] with advice; there is never a
//! plain-text fallback.
//!
//! Why not the `keyring` crate itself (4.1.x, issue 11): it is now a thin facade over the same
//! `keyring-core` and store crates, and its own docs tell applications that choose their stores
//! to depend on `keyring-core` instead. Its default store is fixed per platform at compile time
//! (Keychain, Credential Manager, Secret Service) in a process-wide `LazyLock` that caches a
//! failure for the life of the process; it has no kernel-keyutils store in that path (our
//! headless and CI keyring), no Secret Service item label, and no way to open a store again
//! after the person starts their keyring. Using it would remove about 35 lines here and lose
//! those, so q2google keeps `keyring-core` with one store crate per platform.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use keyring_core::{CredentialStore, Entry, Error as KeyringError};

use super::{Account, TokenStore, TokenStoreError};
use crate::secret::Secret;

/// The keyring service name every q2google entry is stored under.
pub const SERVICE: &str = "q2google";

/// Environment variable choosing the keyring: `secret-service` (the Linux default) or
/// `keyutils` (the kernel keyring: in memory, lost at reboot).
pub const KEYRING_ENV: &str = "Q2GOOGLE_KEYRING";

/// The entry [`KeyringTokenStore::probe`] writes, reads and deletes.
const PROBE_USER: &str = "q2google-probe";

/// Which OS keyring a [`KeyringTokenStore`] talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyringBackend {
    /// The freedesktop Secret Service over D-Bus (GNOME Keyring, KWallet, KeePassXC).
    SecretService,
    /// The Linux kernel key retention service (session keyring).
    Keyutils,
    /// The macOS login Keychain.
    MacosKeychain,
    /// The Windows Credential Manager.
    WindowsCredentialManager,
}

impl fmt::Display for KeyringBackend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            KeyringBackend::SecretService => "Secret Service",
            KeyringBackend::Keyutils => "kernel keyutils",
            KeyringBackend::MacosKeychain => "macOS Keychain",
            KeyringBackend::WindowsCredentialManager => "Windows Credential Manager",
        })
    }
}

/// `(value of KEYRING_ENV, backend)` pairs this build supports; the first is the default.
#[cfg(target_os = "linux")]
const CHOICES: &[(&str, KeyringBackend)] = &[
    ("secret-service", KeyringBackend::SecretService),
    ("keyutils", KeyringBackend::Keyutils),
];
#[cfg(target_os = "linux")]
const KNOWN: &str = "secret-service or keyutils";

#[cfg(target_os = "macos")]
const CHOICES: &[(&str, KeyringBackend)] = &[("keychain", KeyringBackend::MacosKeychain)];
#[cfg(target_os = "macos")]
const KNOWN: &str = "keychain";

#[cfg(target_os = "windows")]
const CHOICES: &[(&str, KeyringBackend)] = &[(
    "credential-manager",
    KeyringBackend::WindowsCredentialManager,
)];
#[cfg(target_os = "windows")]
const KNOWN: &str = "credential-manager";

#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
const CHOICES: &[(&str, KeyringBackend)] = &[];
#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
const KNOWN: &str = "nothing (no keyring on this system)";

impl KeyringBackend {
    /// The backend named by `value` (the value of [`KEYRING_ENV`]), or the platform's default
    /// when `value` is `None` or empty.
    pub fn choose(value: Option<&str>) -> Result<Self, TokenStoreError> {
        let value = value.map(str::trim).filter(|v| !v.is_empty());
        let found = match value {
            None => CHOICES.first(),
            Some(v) => CHOICES
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case(v)),
        };
        match (found, value) {
            (Some((_, backend)), _) => Ok(*backend),
            (None, Some(v)) => Err(TokenStoreError::UnknownBackend {
                value: v.to_string(),
                known: KNOWN,
            }),
            (None, None) => Err(TokenStoreError::Unsupported),
        }
    }

    /// The backend [`KEYRING_ENV`] chooses, or the platform's default.
    pub fn from_env() -> Result<Self, TokenStoreError> {
        Self::choose(std::env::var(KEYRING_ENV).ok().as_deref())
    }
}

/// A [`TokenStore`] in the OS keyring. Calls block on IPC to the keyring.
pub struct KeyringTokenStore {
    backend: KeyringBackend,
    store: Arc<CredentialStore>,
    service: &'static str,
}

impl fmt::Debug for KeyringTokenStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyringTokenStore")
            .field("backend", &self.backend)
            .finish_non_exhaustive()
    }
}

impl KeyringTokenStore {
    /// The keyring [`KEYRING_ENV`] chooses, or the platform's default (on Linux the Secret
    /// Service). Fails with advice when it cannot be reached.
    pub fn new() -> Result<Self, TokenStoreError> {
        Self::with_backend(KeyringBackend::from_env()?)
    }

    /// The keyring `backend`, if this platform has it and it can be reached.
    pub fn with_backend(backend: KeyringBackend) -> Result<Self, TokenStoreError> {
        let store = open_store(backend)?;
        Ok(Self {
            backend,
            store,
            service: SERVICE,
        })
    }

    /// The same keyring, keeping its entries under another service name (the desktop app's
    /// demo mode keeps its demo logins apart from real ones under `q2google-demo`).
    pub fn with_service(mut self, service: &'static str) -> Self {
        self.service = service;
        self
    }

    /// Which keyring this is.
    pub fn backend(&self) -> KeyringBackend {
        self.backend
    }

    /// A harmless round-trip (write, read back, delete a probe entry) proving the keyring is
    /// reachable and unlocked; `q2google doctor` reports "keyring reachable" when it passes.
    pub fn probe(&self) -> Result<(), TokenStoreError> {
        let value = format!("probe-{}", std::process::id());
        let entry = self.entry(PROBE_USER, "probe")?;
        let probe = "keyring probe entry";
        entry
            .set_password(&value)
            .map_err(|e| self.error(probe, e))?;
        let read = entry.get_password();
        let deleted = entry.delete_credential();
        let read = read.map_err(|e| self.error(probe, e))?;
        match deleted {
            Ok(()) | Err(KeyringError::NoEntry) => {}
            Err(e) => return Err(self.error(probe, e)),
        }
        if read != value {
            return Err(TokenStoreError::ProbeMismatch {
                backend: self.backend,
            });
        }
        Ok(())
    }

    fn entry(&self, user: &str, label: &'static str) -> Result<Entry, TokenStoreError> {
        let built = if self.backend == KeyringBackend::SecretService {
            // The label is what keyring managers (Seahorse, KWallet) show.
            let label = format!("{}: {label}", self.service);
            let modifiers = HashMap::from([("label", label.as_str())]);
            Entry::new_in_store_with_modifiers(&self.store, self.service, user, &modifiers)
        } else {
            Entry::new_in_store(&self.store, self.service, user)
        };
        built.map_err(|e| self.error(label, e))
    }

    fn account_entry(&self, account: Account) -> Result<Entry, TokenStoreError> {
        self.entry(account.key(), account.label())
    }

    /// Turns a keyring error into advice. Never formats the error's payload bytes (a
    /// `BadEncoding` carries the stored value).
    fn error(&self, what: &'static str, err: KeyringError) -> TokenStoreError {
        match err {
            KeyringError::NoStorageAccess(detail) => match self.backend {
                KeyringBackend::Keyutils => TokenStoreError::KeyutilsDenied {
                    detail: detail.to_string(),
                },
                _ => TokenStoreError::Locked {
                    detail: detail.to_string(),
                },
            },
            KeyringError::PlatformFailure(detail) => {
                platform_failure(self.backend, detail.to_string())
            }
            KeyringError::BadEncoding(_) | KeyringError::BadDataFormat(..) => {
                TokenStoreError::Damaged { what }
            }
            KeyringError::Ambiguous(entries) => TokenStoreError::Ambiguous {
                what,
                count: entries.len(),
            },
            KeyringError::TooLong(name, limit) => TokenStoreError::Rejected {
                what,
                detail: format!("its {name} is longer than the keyring's limit of {limit}"),
            },
            KeyringError::Invalid(name, reason) => TokenStoreError::Rejected {
                what,
                detail: format!("its {name} {reason}"),
            },
            KeyringError::NotSupportedByStore(detail) => TokenStoreError::Rejected { what, detail },
            other => TokenStoreError::Platform {
                backend: self.backend,
                detail: other.to_string(),
            },
        }
    }
}

/// A platform failure after the store opened. On the Secret Service a vanished service (the
/// daemon exited, the bus went away) reads as "no keyring service".
fn platform_failure(backend: KeyringBackend, detail: String) -> TokenStoreError {
    if backend == KeyringBackend::SecretService && looks_like_no_service(&detail) {
        TokenStoreError::NoService { detail }
    } else {
        TokenStoreError::Platform { backend, detail }
    }
}

fn looks_like_no_service(detail: &str) -> bool {
    [
        "ServiceUnknown",
        "NameHasNoOwner",
        "Connection",
        "not provided by any .service",
    ]
    .iter()
    .any(|needle| detail.contains(needle))
}

impl TokenStore for KeyringTokenStore {
    fn get(&self, account: Account) -> Result<Option<Secret>, TokenStoreError> {
        match self.account_entry(account)?.get_password() {
            Ok(value) => Ok(Some(Secret::new(value))),
            Err(KeyringError::NoEntry) => Ok(None),
            Err(e) => Err(self.error(account.label(), e)),
        }
    }

    fn set(&self, account: Account, secret: &Secret) -> Result<(), TokenStoreError> {
        self.account_entry(account)?
            .set_password(secret.expose())
            .map_err(|e| self.error(account.label(), e))
    }

    fn delete(&self, account: Account) -> Result<(), TokenStoreError> {
        match self.account_entry(account)?.delete_credential() {
            Ok(()) | Err(KeyringError::NoEntry) => Ok(()),
            Err(e) => Err(self.error(account.label(), e)),
        }
    }
}

/// Opens the platform store for `backend`; a store this build lacks is an `UnknownBackend`.
fn open_store(backend: KeyringBackend) -> Result<Arc<CredentialStore>, TokenStoreError> {
    let unknown = || TokenStoreError::UnknownBackend {
        value: backend.to_string(),
        known: KNOWN,
    };
    match backend {
        KeyringBackend::SecretService => {
            #[cfg(target_os = "linux")]
            {
                // Creation connects to the session bus and opens a Secret Service session:
                // any failure here means there is no service to talk to.
                let store = zbus_secret_service_keyring_store::Store::new().map_err(|e| {
                    TokenStoreError::NoService {
                        detail: creation_detail(e),
                    }
                })?;
                Ok(store)
            }
            #[cfg(not(target_os = "linux"))]
            Err(unknown())
        }
        KeyringBackend::Keyutils => {
            #[cfg(target_os = "linux")]
            {
                let store = linux_keyutils_keyring_store::Store::new()
                    .map_err(|e| platform_failure(backend, creation_detail(e)))?;
                Ok(store)
            }
            #[cfg(not(target_os = "linux"))]
            Err(unknown())
        }
        KeyringBackend::MacosKeychain => {
            #[cfg(target_os = "macos")]
            {
                let store = apple_native_keyring_store::keychain::Store::new()
                    .map_err(|e| platform_failure(backend, creation_detail(e)))?;
                Ok(store)
            }
            #[cfg(not(target_os = "macos"))]
            Err(unknown())
        }
        KeyringBackend::WindowsCredentialManager => {
            #[cfg(target_os = "windows")]
            {
                let store = windows_native_keyring_store::Store::new()
                    .map_err(|e| platform_failure(backend, creation_detail(e)))?;
                Ok(store)
            }
            #[cfg(not(target_os = "windows"))]
            Err(unknown())
        }
    }
}

/// The platform's own words for a store-creation failure (never carries a secret: no value
/// has been read or written yet).
#[allow(dead_code)] // unused on platforms without a keyring store
fn creation_detail(err: KeyringError) -> String {
    match err {
        KeyringError::PlatformFailure(e) | KeyringError::NoStorageAccess(e) => e.to_string(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_and_named_backends() {
        #[cfg(target_os = "linux")]
        {
            assert_eq!(
                KeyringBackend::choose(None).unwrap(),
                KeyringBackend::SecretService
            );
            assert_eq!(
                KeyringBackend::choose(Some("")).unwrap(),
                KeyringBackend::SecretService
            );
            assert_eq!(
                KeyringBackend::choose(Some("KeyUtils")).unwrap(),
                KeyringBackend::Keyutils
            );
        }
        let err = KeyringBackend::choose(Some("plaintext")).unwrap_err();
        let message = err.to_string();
        assert!(message.contains("Q2GOOGLE_KEYRING=plaintext"), "{message}");
        assert!(message.contains(KNOWN), "{message}");
    }

    #[test]
    fn no_service_details_are_recognised() {
        assert!(matches!(
            platform_failure(
                KeyringBackend::SecretService,
                "org.freedesktop.DBus.Error.ServiceUnknown: …".into()
            ),
            TokenStoreError::NoService { .. }
        ));
        assert!(matches!(
            platform_failure(KeyringBackend::Keyutils, "Connection".into()),
            TokenStoreError::Platform { .. }
        ));
    }
}
