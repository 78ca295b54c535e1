//! Token stores: the memory store, environment overrides, the advice in every error, and the
//! real OS keyring.
//!
//! The real-keyring test is opt-in: `Q2GOOGLE_TEST_KEYRING` names the scenario, and
//! `scripts/test-keyring` runs each one under the setup it needs:
//! - `secret-service`: a session bus with an unlocked GNOME Keyring;
//! - `secret-service-locked`: a session bus whose keyring was never unlocked;
//! - `keyutils`: inside `keyctl session -`;
//! - `keyutils-denied`: inside `keyctl session -` with the session keyring's permissions removed.
//!
//! The "no session bus" case needs no setup and always runs (in a child process, so the
//! environment of the other tests is untouched).

use std::collections::HashMap;

use engine::secret::Secret;
use engine::tokens::{
    Account, EnvOverrides, KeyringBackend, KeyringTokenStore, LayeredTokenStore, MemoryTokenStore,
    TokenStore, TokenStoreError, KEYRING_ENV,
};

const TEST_KEYRING_ENV: &str = "Q2GOOGLE_TEST_KEYRING";

fn secret(s: &str) -> Secret {
    Secret::new(s)
}

fn exposed(value: Option<Secret>) -> Option<String> {
    value.map(|s| s.expose().to_string())
}

fn env_of(pairs: &[(&str, &str)]) -> EnvOverrides {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    EnvOverrides::from_lookup(|name| map.get(name).cloned())
}

/// Sets, reads, overwrites and deletes every account; the store must start empty.
fn exercise(store: &dyn TokenStore) {
    for account in Account::ALL {
        assert!(
            store.get(account).unwrap().is_none(),
            "{account} should start empty"
        );
    }
    let long_refresh = format!("1//0g-{}", "x".repeat(2000));
    let values = [
        (Account::GoProAccessToken, "gopro-tök€n-ü".to_string()),
        (Account::GoProUserId, "user-1234".to_string()),
        (Account::GoogleRefreshToken, long_refresh),
    ];
    for (account, value) in &values {
        store.set(*account, &secret(value)).unwrap();
    }
    for (account, value) in &values {
        assert_eq!(exposed(store.get(*account).unwrap()).as_ref(), Some(value));
    }
    store
        .set(Account::GoProAccessToken, &secret("rotated"))
        .unwrap();
    assert_eq!(
        exposed(store.get(Account::GoProAccessToken).unwrap()).as_deref(),
        Some("rotated")
    );
    for account in Account::ALL {
        store.delete(account).unwrap();
        assert!(store.get(account).unwrap().is_none(), "{account} deleted");
        // Deleting what is not there is fine (logout twice).
        store.delete(account).unwrap();
    }
}

#[test]
fn memory_store_round_trips_and_deletes() {
    exercise(&MemoryTokenStore::new());
}

#[test]
fn memory_store_prints_which_accounts_it_holds_but_no_value() {
    let store = MemoryTokenStore::with([(Account::GoogleRefreshToken, secret("1//refresh-abc"))]);
    let shown = format!("{store:?}");
    assert!(shown.contains("GoogleRefreshToken"), "{shown}");
    assert!(!shown.contains("refresh-abc"), "{shown}");
}

#[test]
fn environment_wins_over_the_inner_store_and_writes_go_inside() {
    let inner = std::sync::Arc::new(MemoryTokenStore::with([
        (Account::GoProAccessToken, secret("keyring-gopro")),
        (Account::GoogleRefreshToken, secret("keyring-google")),
    ]));
    let env = env_of(&[(EnvOverrides::GOOGLE_REFRESH_TOKEN, "env-google")]);
    let store = LayeredTokenStore::new(env, Box::new(inner.clone()));
    assert_eq!(
        exposed(store.get(Account::GoogleRefreshToken).unwrap()).as_deref(),
        Some("env-google")
    );
    assert_eq!(
        exposed(store.get(Account::GoProAccessToken).unwrap()).as_deref(),
        Some("keyring-gopro")
    );
    assert!(store.from_environment(Account::GoogleRefreshToken));
    assert!(!store.from_environment(Account::GoProAccessToken));

    // A write lands in the inner store; the environment still answers reads.
    store
        .set(Account::GoogleRefreshToken, &secret("new-google"))
        .unwrap();
    assert_eq!(
        exposed(inner.get(Account::GoogleRefreshToken).unwrap()).as_deref(),
        Some("new-google")
    );
    assert_eq!(
        exposed(store.get(Account::GoogleRefreshToken).unwrap()).as_deref(),
        Some("env-google")
    );
    store.delete(Account::GoProAccessToken).unwrap();
    assert!(inner.get(Account::GoProAccessToken).unwrap().is_none());

    let shown = format!("{store:?}");
    assert!(
        !shown.contains("env-google") && !shown.contains("keyring-gopro"),
        "{shown}"
    );
}

#[test]
fn a_gopro_token_from_the_environment_never_pairs_with_a_stored_user_id() {
    let inner = MemoryTokenStore::with([
        (Account::GoProAccessToken, secret("stored-token")),
        (Account::GoProUserId, secret("stored-user")),
    ]);
    let store = LayeredTokenStore::new(
        env_of(&[(EnvOverrides::GOPRO_TOKEN, "env-token")]),
        Box::new(inner),
    );
    assert_eq!(
        exposed(store.get(Account::GoProAccessToken).unwrap()).as_deref(),
        Some("env-token")
    );
    assert!(store.get(Account::GoProUserId).unwrap().is_none());

    let store = LayeredTokenStore::new(
        env_of(&[
            (EnvOverrides::GOPRO_TOKEN, "env-token"),
            (EnvOverrides::GOPRO_USER_ID, "env-user"),
        ]),
        Box::new(MemoryTokenStore::new()),
    );
    assert_eq!(
        exposed(store.get(Account::GoProUserId).unwrap()).as_deref(),
        Some("env-user")
    );
}

#[test]
fn blank_environment_values_count_as_unset() {
    let inner = MemoryTokenStore::with([(Account::GoogleRefreshToken, secret("stored"))]);
    let store = LayeredTokenStore::new(
        env_of(&[
            (EnvOverrides::GOOGLE_REFRESH_TOKEN, "  "),
            (EnvOverrides::GOPRO_TOKEN, ""),
        ]),
        Box::new(inner),
    );
    assert_eq!(
        exposed(store.get(Account::GoogleRefreshToken).unwrap()).as_deref(),
        Some("stored")
    );
    assert!(!store.from_environment(Account::GoProAccessToken));
    assert!(!store.from_environment(Account::GoProUserId));
}

#[test]
fn every_keyring_failure_says_what_to_do() {
    let cases: Vec<(TokenStoreError, &[&str])> = vec![
        (
            TokenStoreError::NoService {
                detail: "no bus".into(),
            },
            &[
                "no keyring service is running (Secret Service)",
                "Q2GOOGLE_KEYRING=keyutils",
                "Q2GOOGLE_GOOGLE_REFRESH_TOKEN",
            ],
        ),
        (
            TokenStoreError::Locked {
                detail: "NoResult".into(),
            },
            &["your keyring is locked: unlock it"],
        ),
        (
            TokenStoreError::KeyutilsDenied {
                detail: "Permission denied".into(),
            },
            &["kernel keyring (keyutils) refused access", "keyctl session"],
        ),
        (
            TokenStoreError::Ambiguous {
                what: Account::GoogleRefreshToken.label(),
                count: 2,
            },
            &["2 entries for the Google refresh token", "remove the extra"],
        ),
        (
            TokenStoreError::Damaged {
                what: Account::GoProAccessToken.label(),
            },
            &[
                "GoPro access token in the keyring is damaged",
                "sign in again",
            ],
        ),
        (
            TokenStoreError::Unsupported,
            &["Q2GOOGLE_GOPRO_TOKEN and Q2GOOGLE_GOOGLE_REFRESH_TOKEN"],
        ),
    ];
    for (error, needles) in cases {
        let message = error.to_string();
        for needle in needles {
            assert!(message.contains(needle), "{message:?} lacks {needle:?}");
        }
    }
    let unknown = KeyringBackend::choose(Some("plaintext-file")).unwrap_err();
    assert!(
        unknown
            .to_string()
            .starts_with("Q2GOOGLE_KEYRING=plaintext-file is not a keyring"),
        "{unknown}"
    );
}

/// Runs the ignored test `name` of this binary in a child process with `env` changed.
#[cfg(target_os = "linux")]
fn run_child(name: &str, env: &[(&str, &str)], remove: &[&str]) {
    let mut command = std::process::Command::new(std::env::current_exe().unwrap());
    let path = crate::common::test_path(module_path!(), name);
    command.args([
        "--ignored",
        "--exact",
        &path,
        "--nocapture",
        "--test-threads=1",
    ]);
    for (k, v) in env {
        command.env(k, v);
    }
    for k in remove {
        command.env_remove(k);
    }
    let output = command.output().expect("run the test binary");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.contains("1 passed"),
        "child test {name} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[cfg(target_os = "linux")]
#[test]
fn without_a_session_bus_the_secret_service_says_no_keyring_service() {
    run_child(
        "secret_service_without_a_bus",
        &[(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/q2google-test/bus",
        )],
        &[KEYRING_ENV],
    );
}

/// The child of [`without_a_session_bus_the_secret_service_says_no_keyring_service`].
#[cfg(target_os = "linux")]
#[test]
#[ignore = "run in a child process with no session bus"]
fn secret_service_without_a_bus() {
    // `new()` picks the Secret Service by default on Linux.
    let err = KeyringTokenStore::new().expect_err("no bus, no store");
    assert!(
        matches!(err, TokenStoreError::NoService { .. }),
        "unexpected {err:?}"
    );
    let message = err.to_string();
    assert!(
        message.starts_with("no keyring service is running (Secret Service): "),
        "{message}"
    );
}

/// The real keyring, in the scenario `Q2GOOGLE_TEST_KEYRING` names (see the module docs).
#[test]
fn real_keyring() {
    let Ok(scenario) = std::env::var(TEST_KEYRING_ENV) else {
        eprintln!("real_keyring: skipped; run scripts/test-keyring (sets {TEST_KEYRING_ENV})");
        return;
    };
    match scenario.as_str() {
        "secret-service" => usable_keyring(KeyringBackend::SecretService),
        "keyutils" => usable_keyring(KeyringBackend::Keyutils),
        "secret-service-locked" => {
            let store = KeyringTokenStore::with_backend(KeyringBackend::SecretService)
                .expect("a session bus is there: the store opens");
            let err = store
                .probe()
                .expect_err("a locked keyring cannot be written");
            eprintln!("locked keyring says: {err}");
            assert!(matches!(err, TokenStoreError::Locked { .. }), "{err:?}");
            assert!(
                err.to_string()
                    .starts_with("your keyring is locked: unlock it"),
                "{err}"
            );
            let err = store
                .set(Account::GoogleRefreshToken, &secret("1//never-stored"))
                .expect_err("locked");
            assert!(matches!(err, TokenStoreError::Locked { .. }), "{err:?}");
            assert!(!err.to_string().contains("never-stored"));
        }
        "keyutils-denied" => {
            let store = KeyringTokenStore::with_backend(KeyringBackend::Keyutils)
                .expect("keyutils stores open without touching the kernel");
            let err = store
                .set(Account::GoProAccessToken, &secret("gopro-never-stored"))
                .expect_err("the session keyring refuses writes");
            assert!(
                matches!(err, TokenStoreError::KeyutilsDenied { .. }),
                "{err:?}"
            );
            assert!(!err.to_string().contains("never-stored"));
            let err = store.probe().expect_err("denied");
            eprintln!("denied keyutils says: {err}");
            assert!(
                err.to_string()
                    .starts_with("the kernel keyring (keyutils) refused access"),
                "{err}"
            );
        }
        other => panic!("{TEST_KEYRING_ENV}={other} is not a scenario this test knows"),
    }
}

fn usable_keyring(backend: KeyringBackend) {
    let store = KeyringTokenStore::with_backend(backend).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(store.backend(), backend);
    store.probe().unwrap_or_else(|e| panic!("probe: {e}"));
    for account in Account::ALL {
        store.delete(account).unwrap();
    }
    exercise(&store);

    // A second store (a new connection) reads what the first one wrote.
    store
        .set(Account::GoogleRefreshToken, &secret("1//persisted"))
        .unwrap();
    let other = KeyringTokenStore::with_backend(backend).unwrap();
    assert_eq!(
        exposed(other.get(Account::GoogleRefreshToken).unwrap()).as_deref(),
        Some("1//persisted")
    );
    assert!(!format!("{other:?}").contains("persisted"));

    // The environment still wins over the keyring; writes reach the keyring.
    let layered = LayeredTokenStore::new(
        env_of(&[(EnvOverrides::GOOGLE_REFRESH_TOKEN, "1//from-env")]),
        Box::new(other),
    );
    assert_eq!(
        exposed(layered.get(Account::GoogleRefreshToken).unwrap()).as_deref(),
        Some("1//from-env")
    );
    layered
        .set(Account::GoogleRefreshToken, &secret("1//rotated"))
        .unwrap();
    assert_eq!(
        exposed(store.get(Account::GoogleRefreshToken).unwrap()).as_deref(),
        Some("1//rotated")
    );
    layered.delete(Account::GoogleRefreshToken).unwrap();
    assert!(store.get(Account::GoogleRefreshToken).unwrap().is_none());
}
