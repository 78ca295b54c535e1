//! Resuming inside a file: an unfinished upload continues from the byte Google holds, across
//! a pause or a restart; without its key, or on a server that is gone, it starts again cleanly.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pausing_a_1_gb_upload_at_90_percent_and_resuming_resends_at_most_one_chunk() {
    const SIZE: u64 = 1_000_000_000;
    let world = World::new(
        GoProScenario::default().with_library(vec![Media::video(
            "huge",
            "GX010900.MP4",
            at("2026-03-04T10:00:00Z"),
            900,
            SIZE,
        )]),
        GoogleScenario::default(),
    );
    // The key of unfinished uploads outlives the run (in the keyring, for a person).
    let vault = engine::vault::UploadVault::ephemeral();
    let engine = world
        .engine(World::settings())
        .with_upload_vault(vault.clone());
    let control = engine.control().clone();
    let id = SessionId::new("huge").unwrap();
    let first = engine.sync_date_range(march(id.clone()));
    let pause = async {
        for _ in 0..60_000 {
            let reached = world.events.0.lock().unwrap().iter().any(|(_, e)| {
                matches!(e, SyncEvent::ItemProgress { bytes_done, .. } if *bytes_done >= SIZE / 10 * 9)
            });
            if reached {
                control.pause();
                return;
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        panic!("the upload never reached 90 %");
    };
    let (first, ()) = tokio::join!(first, pause);
    assert_eq!(first.unwrap().session.status, SessionStatus::Paused);
    let held = world.google.upload_sessions()[0].received;
    assert!(held >= SIZE / 10 * 8, "Google holds {held} bytes");
    let second = world
        .engine(World::settings())
        .with_upload_vault(vault)
        .sync_date_range(march(id.clone()))
        .await
        .unwrap();
    assert_eq!(second.session.status, SessionStatus::Completed);
    assert_eq!(second.counts.created, 1);
    assert_eq!(
        world.google.request_count(RequestKind::UploadStart),
        1,
        "the second run continued the first run's upload session"
    );
    let resent = world.google.upload_bytes_read() - SIZE;
    eprintln!("paused at {held} of {SIZE} bytes; re-sent {resent} bytes");
    assert!(resent <= 1024 * 1024, "re-sent {resent} bytes");
    assert_eq!(
        world.google.media_items()[0].sha256,
        world.gopro.expected_sha256("huge", "source", None).unwrap()
    );
}

#[tokio::test]
async fn without_the_key_an_unfinished_upload_starts_again_cleanly() {
    // A run's vault key is gone (a new keyring): the sealed session cannot be opened, so the
    // file starts a new upload session and is still created once.
    let world = World::new(
        GoProScenario::default().with_library(outage_library()[..1].to_vec()),
        GoogleScenario::default(),
    );
    let engine = world
        .engine(World::settings())
        .with_upload_vault(engine::vault::UploadVault::ephemeral());
    let control = engine.control().clone();
    let id = SessionId::new("rekeyed").unwrap();
    let first = engine.sync_date_range(march(id.clone()));
    let pause = async {
        while world.google.upload_sessions().is_empty() {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        control.pause();
    };
    let (first, ()) = tokio::join!(first, pause);
    assert_eq!(first.unwrap().session.status, SessionStatus::Paused);
    let second = world
        .engine(World::settings())
        .with_upload_vault(engine::vault::UploadVault::ephemeral())
        .sync_date_range(march(id.clone()))
        .await
        .unwrap();
    assert_eq!(second.session.status, SessionStatus::Completed);
    assert_eq!(world.google.request_count(RequestKind::UploadStart), 2);
    assert_eq!(
        world.google.items_by_description().values().sum::<usize>(),
        1
    );
}

#[tokio::test]
async fn a_stored_upload_session_on_a_server_that_is_gone_starts_the_file_again() {
    // The demo clouds of an earlier app run are gone: the sealed session URL points at a port
    // nobody listens on, while Google itself answers. The file starts a new session.
    let world = World::new(
        GoProScenario::default().with_library(outage_library()[..1].to_vec()),
        GoogleScenario::default(),
    );
    let vault = engine::vault::UploadVault::ephemeral();
    let engine = world
        .engine(World::settings())
        .with_upload_vault(vault.clone());
    let paused = stopped_at_transfer(&engine, "gone", SyncControl::pause).await;
    let id = SessionId::new("gone").unwrap();
    assert_eq!(paused.session.status, SessionStatus::Paused);
    let key = world.store.items(&id).unwrap()[0].key.clone();
    let dead = engine::secret::SignedUrl::parse(
        "http://127.0.0.1:1/v1/uploads?upload_id=gone&upload_protocol=resumable",
    )
    .unwrap();
    world
        .store
        .save_upload(
            &id,
            &key,
            &engine::model::StoredUpload {
                sealed_url: vault.seal(&dead),
                total: 40_000_000,
                started_at: Utc::now(),
            },
        )
        .unwrap();
    let resumed = world
        .engine(World::settings())
        .with_upload_vault(vault)
        .sync_date_range(march(id.clone()))
        .await
        .unwrap();
    assert_eq!(resumed.session.status, SessionStatus::Completed);
    assert_eq!((resumed.counts.created, resumed.counts.failed), (1, 0));
    assert_eq!(world.google.request_count(RequestKind::UploadStart), 1);
    assert!(world.store.load_upload(&id, &key).unwrap().is_none());
}
