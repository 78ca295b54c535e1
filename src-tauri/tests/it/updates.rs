//! Updates against a local update server (`fakes::updates`, a release signed with a key made
//! for the test): a newer version is found with its notes, its download passes the signature
//! check, a download whose signature is not the key's is refused with a sentence and nothing
//! installed, and a build without an update server says so.

use fakes::updates::FakeUpdates;
use q2google_app::updates::{self, UpdateError};
use tauri::test::{mock_builder, mock_context, noop_assets, MockRuntime};

/// The app (mock runtime, version 0.1.0) with the updater plugin set up as `tauri.conf.json`
/// sets it, pointed at `endpoints` and trusting `pubkey`.
fn app_with(pubkey: &str, endpoints: &[String]) -> tauri::App<MockRuntime> {
    let mut context = mock_context(noop_assets());
    context.config_mut().plugins.0.insert(
        "updater".into(),
        serde_json::json!({
            "pubkey": pubkey,
            "endpoints": endpoints,
            "requireSignedVersion": true,
        }),
    );
    mock_builder()
        .plugin(tauri_plugin_updater::Builder::new().build())
        .build(context)
        .expect("the app builds")
}

/// A release's bytes, as if it were a new version of the app.
fn release() -> Vec<u8> {
    (0..300_000u32).map(|i| (i % 251) as u8).collect()
}

#[tokio::test]
async fn a_newer_signed_release_is_found_and_its_download_passes_the_signature_check() {
    let server = FakeUpdates::start("0.2.0", "Fixes for GoPro's new API.", release()).unwrap();
    let app = app_with(server.pubkey(), &[server.manifest_url()]);
    let update = updates::check(app.handle())
        .await
        .unwrap()
        .expect("0.2.0 is newer than 0.1.0");
    let view = updates::view(app.handle(), Some(&update));
    assert_eq!(view.current_version, "0.1.0");
    let available = view.available.unwrap();
    assert_eq!(available.version, "0.2.0");
    assert_eq!(
        available.notes.as_deref(),
        Some("Fixes for GoPro's new API.")
    );
    let bytes = updates::download(&update).await.unwrap();
    assert_eq!(bytes, release());
    assert_eq!(server.downloads(), 1);
}

#[tokio::test]
async fn the_same_version_is_no_update() {
    let server = FakeUpdates::start("0.1.0", "", release()).unwrap();
    let app = app_with(server.pubkey(), &[server.manifest_url()]);
    assert!(updates::check(app.handle()).await.unwrap().is_none());
    assert_eq!(server.checks(), 1);
}

#[tokio::test]
async fn a_download_not_signed_with_the_key_is_refused_with_a_sentence() {
    let server = FakeUpdates::start("0.2.0", "", release()).unwrap();
    server.set_bad_signature(true);
    let app = app_with(server.pubkey(), &[server.manifest_url()]);
    let update = updates::check(app.handle()).await.unwrap().unwrap();
    let err = updates::download(&update).await.unwrap_err();
    assert!(matches!(err, UpdateError::BadSignature(_)), "{err:?}");
    assert!(
        err.to_string()
            .contains("is not signed with q2google's key")
            && err.to_string().contains("was not installed"),
        "{err}"
    );

    // Signed with another key altogether: refused the same way.
    let other = FakeUpdates::start("0.2.0", "", release()).unwrap();
    let trusting_other = app_with(other.pubkey(), &[server.manifest_url()]);
    server.set_bad_signature(false);
    let update = updates::check(trusting_other.handle())
        .await
        .unwrap()
        .unwrap();
    let err = updates::download(&update).await.unwrap_err();
    assert!(matches!(err, UpdateError::BadSignature(_)), "{err:?}");
}

#[tokio::test]
async fn a_signature_for_another_version_is_refused() {
    // The release announces 0.3.0, but its signature says 0.2.0: a replayed old release.
    let server = FakeUpdates::start("0.2.0", "", release()).unwrap();
    let app = app_with(server.pubkey(), &[server.manifest_url()]);
    let signed_for_old = updates::check(app.handle()).await.unwrap().unwrap();
    server.set_version("0.3.0");
    let mut replayed = updates::check(app.handle()).await.unwrap().unwrap();
    replayed.signature = signed_for_old.signature.clone();
    let err = updates::download(&replayed).await.unwrap_err();
    assert!(matches!(err, UpdateError::BadSignature(_)), "{err:?}");
}

#[tokio::test]
async fn no_update_server_and_an_unreachable_one_say_what_they_mean() {
    let server = FakeUpdates::start("0.2.0", "", release()).unwrap();
    let none = app_with(server.pubkey(), &[]);
    let err = updates::check(none.handle())
        .await
        .err()
        .expect("no endpoint");
    assert!(matches!(err, UpdateError::NotConfigured), "{err:?}");
    assert!(err.to_string().contains("no update server set up"), "{err}");

    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}/latest.json", listener.local_addr().unwrap())
    };
    let gone = app_with(server.pubkey(), &[closed]);
    let err = updates::check(gone.handle())
        .await
        .err()
        .expect("nothing listens");
    assert!(matches!(err, UpdateError::Unreachable(_)), "{err:?}");
    assert!(
        err.to_string()
            .contains("Could not reach q2google's update server"),
        "{err}"
    );
}
