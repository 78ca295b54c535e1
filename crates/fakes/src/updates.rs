//! A fake update server, as tauri-plugin-updater reads one: a static `latest.json` manifest
//! naming one release for every platform, and that release's file, signed with a minisign key
//! made when the server starts (the plugin's signature format: the minisign `.sig` text,
//! base64; the public key likewise). The trusted comment carries `version:` so an app that
//! requires the signed version can check it.
//!
//! Controls: [`FakeUpdates::set_bad_signature`] serves the signature of other bytes, as a
//! tampered download or a wrong key would look; [`FakeUpdates::set_version`] announces another
//! release. The `fake-updates` binary serves one from the command line for the e2e tests.

use std::io::Cursor;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use base64::Engine;
use minisign::{KeyPair, PublicKey, SecretKey};

use crate::ServerHandle;

/// The platforms every manifest names (the plugin looks for `{os}-{arch}[-{bundle}]`).
const PLATFORMS: [&str; 8] = [
    "linux-x86_64",
    "linux-x86_64-appimage",
    "linux-x86_64-deb",
    "linux-aarch64",
    "darwin-x86_64",
    "darwin-aarch64",
    "windows-x86_64",
    "windows-x86_64-nsis",
];

struct Release {
    version: String,
    notes: String,
    artifact: Arc<Vec<u8>>,
    bad_signature: bool,
}

struct Shared {
    release: Mutex<Release>,
    keys: (PublicKey, SecretKey),
    base_url: Mutex<String>,
    downloads: AtomicU64,
    checks: AtomicU64,
}

/// The running update server.
pub struct FakeUpdates {
    shared: Arc<Shared>,
    server: ServerHandle,
    pubkey: String,
}

impl FakeUpdates {
    /// Serves `artifact` as release `version` with release notes `notes`.
    pub fn start(version: &str, notes: &str, artifact: Vec<u8>) -> std::io::Result<Self> {
        let KeyPair { pk, sk } = KeyPair::generate_unencrypted_keypair()
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        let boxed = pk
            .to_box()
            .map_err(|e| std::io::Error::other(e.to_string()))?
            .to_string();
        let pubkey = base64::engine::general_purpose::STANDARD.encode(boxed);
        let shared = Arc::new(Shared {
            release: Mutex::new(Release {
                version: version.into(),
                notes: notes.into(),
                artifact: Arc::new(artifact),
                bad_signature: false,
            }),
            keys: (pk, sk),
            base_url: Mutex::new(String::new()),
            downloads: AtomicU64::new(0),
            checks: AtomicU64::new(0),
        });
        let router = Router::new()
            .route("/latest.json", get(serve_manifest))
            .route("/release/q2google-update", get(serve_artifact))
            .with_state(shared.clone());
        let server = ServerHandle::start("updates", router)?;
        *shared.base_url.lock().expect("updates lock") = server.base_url();
        Ok(Self {
            shared,
            server,
            pubkey,
        })
    }

    /// The manifest's URL, as an updater endpoint.
    pub fn manifest_url(&self) -> String {
        format!("{}/latest.json", self.server.base_url())
    }

    /// The public key, in the form `tauri.conf.json`'s `plugins.updater.pubkey` takes.
    pub fn pubkey(&self) -> &str {
        &self.pubkey
    }

    /// Serves the signature of other bytes (a tampered file, another key's signature).
    pub fn set_bad_signature(&self, bad: bool) {
        self.shared
            .release
            .lock()
            .expect("updates lock")
            .bad_signature = bad;
    }

    /// Announces release `version` from now on.
    pub fn set_version(&self, version: &str) {
        self.shared.release.lock().expect("updates lock").version = version.into();
    }

    /// How many times the release file was downloaded.
    pub fn downloads(&self) -> u64 {
        self.shared.downloads.load(Ordering::SeqCst)
    }

    /// How many times the manifest was read.
    pub fn checks(&self) -> u64 {
        self.shared.checks.load(Ordering::SeqCst)
    }
}

/// The minisign signature of `data` as the updater wants it, version in the trusted comment.
fn signature(keys: &(PublicKey, SecretKey), data: &[u8], version: &str) -> String {
    let trusted = format!("timestamp:0\tfile:q2google-update\tversion:{version}");
    let signed = minisign::sign(
        Some(&keys.0),
        &keys.1,
        Cursor::new(data),
        Some(&trusted),
        Some("signature from the q2google fake update server"),
    )
    .expect("signing in memory cannot fail")
    .to_string();
    base64::engine::general_purpose::STANDARD.encode(signed)
}

async fn serve_manifest(State(shared): State<Arc<Shared>>) -> Response {
    shared.checks.fetch_add(1, Ordering::SeqCst);
    let (version, notes, signed) = {
        let release = shared.release.lock().expect("updates lock");
        let signed = if release.bad_signature {
            let mut other = release.artifact.to_vec();
            other.push(0);
            signature(&shared.keys, &other, &release.version)
        } else {
            signature(&shared.keys, &release.artifact, &release.version)
        };
        (release.version.clone(), release.notes.clone(), signed)
    };
    let url = format!(
        "{}/release/q2google-update",
        shared.base_url.lock().expect("updates lock")
    );
    let platforms: serde_json::Map<String, serde_json::Value> = PLATFORMS
        .iter()
        .map(|p| {
            (
                (*p).to_string(),
                serde_json::json!({ "signature": signed, "url": url }),
            )
        })
        .collect();
    Json(serde_json::json!({
        "version": version,
        "notes": notes,
        "pub_date": "2026-12-01T09:00:00Z",
        "platforms": platforms,
    }))
    .into_response()
}

async fn serve_artifact(State(shared): State<Arc<Shared>>) -> Response {
    shared.downloads.fetch_add(1, Ordering::SeqCst);
    let bytes = shared
        .release
        .lock()
        .expect("updates lock")
        .artifact
        .clone();
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/octet-stream")],
        bytes.to_vec(),
    )
        .into_response()
}
