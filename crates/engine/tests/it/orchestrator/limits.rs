//! Google's limits that outlast retries: a pause with the reason, never failed files.

use super::*;
use engine::store::StateChange;

#[tokio::test]
async fn a_per_minute_limit_that_outlasts_every_retry_pauses_and_fails_nothing() {
    let world = World::new(
        GoProScenario::default().with_library(photos(6)),
        GoogleScenario::default(),
    );
    world.limit_every_create();
    let first = world.sync("limited").await;
    assert_eq!(first.session.status, SessionStatus::Paused);
    assert_eq!(first.counts.failed, 0, "no file failed for Google's limit");
    let reason = first.session.status_reason.unwrap();
    assert!(reason.contains("slow down"), "{reason}");

    // Creates that take a while, so the resumed run reports its progress a few times.
    world.google.update_scenario(|s| {
        s.request_faults.clear();
        s.api_latency_ms = 100;
    });
    world.events.0.lock().unwrap().clear();
    let second = world.sync("limited").await;
    assert_completed(&second);
    assert_eq!(second.counts.created, 6);
    // Every byte was in Google before this run: its progress starts full, not from zero.
    let done: Vec<u64> = world
        .events
        .0
        .lock()
        .unwrap()
        .iter()
        .filter_map(|(_, e)| match e {
            SyncEvent::Metrics(m) => Some(m.bytes_done),
            _ => None,
        })
        .collect();
    assert!(!done.is_empty(), "the resumed run reported its progress");
    assert!(
        done.iter().all(|d| *d == second.counts.bytes_total),
        "bytes done {done:?} of {}",
        second.counts.bytes_total
    );
    assert_eq!(
        world.google.request_count(RequestKind::UploadRaw),
        6,
        "the resume created from the kept upload tokens, uploading nothing again"
    );
    world.assert_each_created_once(6);
}

#[tokio::test]
async fn one_refused_upload_token_costs_its_own_file_not_the_batch() {
    // Google refuses a whole batchCreate for one bad token (the fake's default policy).
    let world = World::new(
        GoProScenario::default().with_library(photos(6)),
        GoogleScenario::default(),
    );
    world.limit_every_create();
    // Everything uploaded, nothing created: the tokens wait in the store.
    let first = world.sync("one-bad").await;
    assert_eq!(first.session.status, SessionStatus::Paused);
    let id = first.session.id.clone();
    let spoiled = world
        .store
        .items(&id)
        .unwrap()
        .into_iter()
        .find(|i| matches!(i.state, ItemState::Uploaded { .. }))
        .unwrap();
    world
        .store
        .set_states(
            &id,
            &[StateChange {
                key: spoiled.key.clone(),
                state: ItemState::Uploaded {
                    upload_token: "a-token-google-no-longer-knows".into(),
                    at: Utc::now(),
                },
                size: None,
            }],
        )
        .unwrap();
    world.google.update_scenario(|s| s.request_faults.clear());
    let second = world.sync("one-bad").await;
    assert_completed(&second);
    assert_eq!(second.counts.created, 6);
    assert_eq!(
        world.google.request_count(RequestKind::UploadRaw),
        7,
        "only the file with the refused token was uploaded again"
    );
    world.assert_each_created_once(6);
}
