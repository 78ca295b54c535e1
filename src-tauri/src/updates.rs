//! Updates: q2google asks its update endpoint for a newer release (tauri-plugin-updater) and,
//! when the person says so, downloads it, checks its signature against the public key built
//! into the app (`tauri.conf.json` → `plugins.updater.pubkey`; the signed version must be the
//! announced one), pauses a running move at a checkpoint, installs, and restarts. The restarted
//! app goes on with the move by itself (it was recorded as interrupted, see [`crate::resumer`]).
//!
//! GoPro's API is undocumented and changes; people must get fixes without hunting for them.
//! The endpoint can be pointed elsewhere with [`UPDATE_URL_ENV`] (a mirror, the tests' fake
//! update server); only an endpoint on this computer may also bring its own key
//! ([`UPDATE_PUBKEY_ENV`]), so a changed environment cannot make q2google trust a stranger's
//! release from the network.

use std::time::{Duration, Instant};

use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_updater::{Update, UpdaterExt};
use url::Url;

use crate::error::{CommandError, ErrorCode};
use crate::state::AppCtx;
use crate::views::{AvailableUpdate, UpdateCheck};

/// Another update endpoint (a URL of a `latest.json` manifest).
pub const UPDATE_URL_ENV: &str = "Q2GOOGLE_UPDATE_URL";
/// The public key of an endpoint on this computer (loopback only; ignored otherwise).
pub const UPDATE_PUBKEY_ENV: &str = "Q2GOOGLE_UPDATE_PUBKEY";
/// How long an update check or download may go without an answer.
const TIMEOUT: Duration = Duration::from_secs(120);
/// How long the running move may take to reach its checkpoint before the install goes on (what
/// is not checkpointed by then is sent again after the restart; nothing is lost).
const CHECKPOINT_WAIT: Duration = Duration::from_secs(20);

/// What went wrong with an update, for a person.
#[derive(Debug, thiserror::Error)]
pub enum UpdateError {
    /// No endpoint is configured in this build.
    #[error("This copy of q2google has no update server set up; new versions come from where you downloaded it.")]
    NotConfigured,
    /// The endpoint did not answer, or answered nonsense.
    #[error("Could not reach q2google's update server ({0}). Check your internet connection and try again.")]
    Unreachable(String),
    /// The file's signature is not q2google's: it is never installed.
    #[error("The downloaded update is not signed with q2google's key ({0}), so it was not installed. Nothing changed; try again later.")]
    BadSignature(String),
    /// Writing the new version failed.
    #[error("The update could not be installed ({0}). q2google still runs the version you had; try again, or download the new version yourself.")]
    Install(String),
}

impl From<UpdateError> for CommandError {
    fn from(err: UpdateError) -> Self {
        let code = match &err {
            UpdateError::NotConfigured => ErrorCode::InvalidInput,
            UpdateError::Unreachable(_) => ErrorCode::Network,
            UpdateError::BadSignature(_) | UpdateError::Install(_) => ErrorCode::Internal,
        };
        CommandError::new(code, err.to_string())
    }
}

/// Sorts the plugin's errors into what they mean for the person.
fn classify(err: tauri_plugin_updater::Error) -> UpdateError {
    use tauri_plugin_updater::Error as E;
    match err {
        E::EmptyEndpoints => UpdateError::NotConfigured,
        E::Minisign(_)
        | E::Base64(_)
        | E::SignatureUtf8(_)
        | E::SignedVersionMismatch { .. }
        | E::MissingSignedVersion => UpdateError::BadSignature(err.to_string()),
        E::Reqwest(_)
        | E::Network(_)
        | E::ReleaseNotFound
        | E::Serialization(_)
        | E::Semver(_)
        | E::TargetNotFound(_)
        | E::TargetsNotFound(_)
        | E::UrlParse(_)
        | E::InsecureTransportProtocol => UpdateError::Unreachable(err.to_string()),
        other => UpdateError::Install(other.to_string()),
    }
}

/// The updater for this app: the configured endpoint, or [`UPDATE_URL_ENV`]'s. Returns
/// whether an overriding key is in use (then only this computer may serve the release).
fn updater<R: Runtime>(
    app: &AppHandle<R>,
) -> Result<(tauri_plugin_updater::Updater, bool), UpdateError> {
    let mut builder = app.updater_builder().timeout(TIMEOUT);
    let env = |name| std::env::var(name).ok().filter(|v: &String| !v.is_empty());
    let mut own_key = false;
    if let Some((url, key)) = endpoint_override(env(UPDATE_URL_ENV), env(UPDATE_PUBKEY_ENV))? {
        if let Some(key) = key {
            // No proxy either: a proxy could answer for 127.0.0.1 from anywhere.
            builder = builder.pubkey(key).no_proxy();
            own_key = true;
        }
        builder = builder.endpoints(vec![url]).map_err(classify)?;
    }
    Ok((builder.build().map_err(classify)?, own_key))
}

/// Whether `url` names this computer by a loopback IP address (not a name a resolver answers).
fn on_this_computer(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        _ => false,
    }
}

/// The endpoint [`UPDATE_URL_ENV`] names, with [`UPDATE_PUBKEY_ENV`]'s key only when that
/// endpoint is on this computer.
fn endpoint_override(
    url: Option<String>,
    key: Option<String>,
) -> Result<Option<(Url, Option<String>)>, UpdateError> {
    let Some(url) = url else {
        return Ok(None);
    };
    let url = Url::parse(&url)
        .map_err(|e| UpdateError::Unreachable(format!("{UPDATE_URL_ENV} is not a URL: {e}")))?;
    let local = on_this_computer(&url);
    Ok(Some((url, key.filter(|_| local))))
}

/// Asks the endpoint whether a newer version exists.
pub async fn check<R: Runtime>(app: &AppHandle<R>) -> Result<Option<Update>, UpdateError> {
    let (updater, own_key) = updater(app)?;
    let update = updater.check().await.map_err(classify)?;
    match update {
        // A release checked with a key of this computer's must come from this computer too.
        Some(u) if own_key && !on_this_computer(&u.download_url) => {
            Err(UpdateError::BadSignature(format!(
                "{UPDATE_PUBKEY_ENV} is set, and the release is not on this computer ({})",
                u.download_url.host_str().unwrap_or("?")
            )))
        }
        other => Ok(other),
    }
}

/// The view of a check: this version, and the newer one if there is one.
pub fn view<R: Runtime>(app: &AppHandle<R>, update: Option<&Update>) -> UpdateCheck {
    UpdateCheck {
        current_version: app.package_info().version.to_string(),
        available: update.map(|u| AvailableUpdate {
            version: u.version.clone(),
            notes: u.body.clone().filter(|n| !n.trim().is_empty()),
        }),
    }
}

/// Downloads `update` and checks its signature; nothing is written before it passes.
pub async fn download(update: &Update) -> Result<Vec<u8>, UpdateError> {
    update.download(|_, _| {}, || {}).await.map_err(classify)
}

/// Stops the running move at its next checkpoint, recorded as interrupted so it goes on by
/// itself after the restart; waits at most [`CHECKPOINT_WAIT`]. Returns the session that was
/// moving, if one was.
pub async fn pause_for_install(app: &AppHandle) -> Option<engine::model::SessionId> {
    let ctx = app.try_state::<AppCtx>()?;
    let session = ctx.run.lock().expect("run lock").as_ref().map(|run| {
        tracing::info!(session = %run.session_id, "update: stopping the move at a checkpoint");
        run.control.quit();
        run.session_id.clone()
    });
    let started = Instant::now();
    while ctx.run.lock().expect("run lock").is_some() && started.elapsed() < CHECKPOINT_WAIT {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    session
}

/// Checks, downloads and verifies, pauses a running move at a checkpoint, and installs. The
/// caller restarts the app. `Ok(None)`: nothing newer to install. An install that fails after
/// the pause puts the move back in motion.
pub async fn install(app: &AppHandle) -> Result<Option<String>, UpdateError> {
    let Some(update) = check(app).await? else {
        return Ok(None);
    };
    // Verified before anything stops: a bad download leaves the move running.
    let bytes = download(&update).await?;
    // The stop is the app going away, not news for a notification.
    crate::tray::set_quitting(app, true);
    let paused = pause_for_install(app).await;
    if let Err(err) = update.install(bytes) {
        let err = classify(err);
        tracing::warn!(error = %err, "update: install failed");
        crate::tray::set_quitting(app, false);
        if let Some(session) = paused {
            let ctx = app.state::<AppCtx>();
            if let Err(e) = crate::commands::sync::resume(app.clone(), &ctx, session).await {
                tracing::warn!(error = %e.message, "update: the move did not go on after the failed install");
            }
        }
        return Err(err);
    }
    tracing::info!(version = %update.version, "update installed; restarting");
    Ok(Some(update.version))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_endpoint_on_this_computer_brings_its_own_key() {
        let key = Some("a-key".to_string());
        let local = endpoint_override(Some("http://127.0.0.1:9/latest.json".into()), key.clone())
            .unwrap()
            .unwrap();
        assert_eq!(local.1.as_deref(), Some("a-key"));
        let remote = endpoint_override(Some("https://updates.example/latest.json".into()), key)
            .unwrap()
            .unwrap();
        assert_eq!(remote.0.as_str(), "https://updates.example/latest.json");
        assert_eq!(
            remote.1, None,
            "a remote endpoint is checked with the built-in key"
        );
        assert!(endpoint_override(None, Some("k".into())).unwrap().is_none());
        // Only loopback addresses, not names or look-alikes.
        for hostile in [
            "http://127.0.0.1.evil.example/latest.json",
            "http://127.0.0.1@evil.example/latest.json",
            "http://localhost/latest.json",
            "http://10.0.0.1/latest.json",
        ] {
            let (_, key) = endpoint_override(Some(hostile.into()), Some("k".into()))
                .unwrap()
                .unwrap();
            assert_eq!(key, None, "{hostile}");
        }
        let v6 = endpoint_override(Some("http://[::1]:9/latest.json".into()), Some("k".into()));
        assert_eq!(v6.unwrap().unwrap().1.as_deref(), Some("k"));
        let bad = endpoint_override(Some("not a url".into()), None).unwrap_err();
        assert!(
            bad.to_string().contains("Q2GOOGLE_UPDATE_URL is not a URL"),
            "{bad}"
        );
    }
}
