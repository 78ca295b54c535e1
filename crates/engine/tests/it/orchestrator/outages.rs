//! Outages: while a cloud cannot be reached the run waits for the network, probing with
//! capped backoff, and goes on by itself; no file fails for it.

use super::*;

fn network_events(events: &CollectEvents) -> Vec<SyncEvent> {
    events
        .0
        .lock()
        .unwrap()
        .iter()
        .map(|(_, e)| e.clone())
        .filter(|e| {
            matches!(
                e,
                SyncEvent::WaitingForNetwork { .. } | SyncEvent::NetworkRestored { .. }
            )
        })
        .collect()
}

fn assert_waited_once_for(events: &[SyncEvent], cloud: Cloud) {
    assert!(
        matches!(
            events,
            [
                SyncEvent::WaitingForNetwork { cloud: a, .. },
                SyncEvent::NetworkRestored { cloud: b, .. },
            ] if *a == cloud && *b == cloud
        ),
        "{events:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn google_going_silent_mid_upload_is_waited_out_and_the_upload_continues() {
    // 20 MB/s to Google, so the 40 MB video is mid-upload when Google goes silent for 2 s.
    let world = World::new(
        GoProScenario::default().with_library(outage_library()),
        GoogleScenario::default().with_upload_shaping(fakes::Shaping {
            bytes_per_sec: Some(20_000_000),
            ..Default::default()
        }),
    );
    let sync = world.sync_with("silent", outage_settings());
    let outage = async {
        wait_for_upload_bytes(&world.events, 10_000_000).await;
        world
            .google
            .outage_for(Outage::Silent, Duration::from_secs(2));
    };
    let (outcome, ()) = tokio::join!(sync, outage);
    assert_completed(&outcome);
    assert_eq!(outcome.counts.failed, 0);
    assert_eq!(outcome.counts.created, 4);
    assert_waited_once_for(&network_events(&world.events), Cloud::Google);
    assert_eq!(
        world.google.request_count(RequestKind::UploadStart),
        1,
        "one session for the video: it continued from Google's offset, not from zero"
    );
    assert!(world.google.request_count(RequestKind::UploadQuery) >= 1);
    assert!(
        world
            .google
            .upload_sessions()
            .iter()
            .any(|s| s.received == 40_000_000),
        "the video's one session holds every byte"
    );
    let twice: Vec<_> = world
        .google
        .items_by_description()
        .into_iter()
        .filter(|(_, n)| *n != 1)
        .collect();
    assert!(twice.is_empty(), "{twice:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gopro_refusing_connections_mid_download_is_waited_out_and_the_file_resumes_at_its_byte() {
    let world = World::new(
        GoProScenario::default()
            .with_library(outage_library())
            .cdn_shaping(fakes::Shaping {
                bytes_per_sec: Some(20_000_000),
                ..Default::default()
            }),
        GoogleScenario::default(),
    );
    let sync = world.sync_with("refused", outage_settings());
    let outage = async {
        wait_for_upload_bytes(&world.events, 10_000_000).await;
        world
            .gopro
            .outage_for(Outage::Refuse, Duration::from_secs(2));
    };
    let (outcome, ()) = tokio::join!(sync, outage);
    // Which file failed and why, should one ever fail (it did once on a loaded CI machine).
    let failed: Vec<_> = world
        .store
        .items(&outcome.session.id)
        .unwrap()
        .into_iter()
        .filter(|i| matches!(i.state, ItemState::Failed { .. }))
        .map(|i| format!("{}: {:?}", i.filename, i.state))
        .collect();
    assert_eq!(
        outcome.session.status,
        SessionStatus::Completed,
        "{:?} {failed:?}",
        outcome.session.status_reason
    );
    assert_eq!((outcome.counts.failed, outcome.counts.created), (0, 4));
    assert_waited_once_for(&network_events(&world.events), Cloud::Gopro);
    assert_eq!(world.google.request_count(RequestKind::UploadStart), 1);
    // The download resumed from where Google's bytes ended, with Range.
    assert!(
        world
            .gopro
            .cdn_requests()
            .iter()
            .any(|r| r.range.as_deref().is_some_and(|r| r != "bytes=0-")),
        "resumed with Range"
    );
}

#[tokio::test(start_paused = true)]
async fn a_night_long_outage_is_waited_out_probing_about_once_a_minute() {
    // GoPro is silent (connections accepted, nothing answered) from the start, for 8 hours of
    // a paused clock, with the default stall and probe settings.
    let world = World::new(
        GoProScenario::default().with_library(outage_library()[1..].to_vec()),
        GoogleScenario::default(),
    );
    world.gopro.outage(Outage::Silent);
    let restored = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let events = world.events.clone();
    let flag = restored.clone();
    let sink = move |id: &SessionId, event: SyncEvent| {
        if matches!(event, SyncEvent::NetworkRestored { .. }) {
            // From here on the run moves real bytes: let the clock run again.
            flag.store(true, std::sync::atomic::Ordering::SeqCst);
            tokio::time::resume();
        }
        events.0.lock().unwrap().push((id.clone(), event));
    };
    let settings = Settings {
        stall_timeout: Settings::default().stall_timeout,
        network_probe_max_interval: Settings::default().network_probe_max_interval,
        ..World::settings()
    };
    let engine = world.engine(settings).with_events(Arc::new(sink));
    let id = SessionId::new("night").unwrap();
    let run = tokio::spawn(async move { engine.sync_date_range(march(id.clone())).await.unwrap() });
    // The fakes answer over real sockets, which take real time: a task waking every 20 ms of
    // the paused clock keeps its auto-advance in small steps, so no request's own timeout
    // fires before a live fake has had the time to answer (Google's account check at the
    // start, the probes).
    let pacer = tokio::spawn(async {
        loop {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    });
    let started = tokio::time::Instant::now();
    while started.elapsed() < Duration::from_secs(8 * 3600) {
        tokio::time::sleep(Duration::from_secs(600)).await;
    }
    let probes_in_the_night = world.gopro.requests_during_outage();
    world.gopro.restore();
    // Freeze the clock (a blocking task stops auto-advance) so the next probe's own timeout
    // cannot fire before the restored fake answers over real sockets; step to the next probe.
    for _ in 0..100 {
        if restored.load(std::sync::atomic::Ordering::SeqCst) {
            break;
        }
        tokio::time::advance(Duration::from_secs(61)).await;
        tokio::task::spawn_blocking(|| std::thread::sleep(Duration::from_millis(50)))
            .await
            .unwrap();
    }
    let outcome = run.await.unwrap();
    pacer.abort();
    assert_eq!(outcome.session.status, SessionStatus::Completed);
    assert_eq!((outcome.counts.failed, outcome.counts.created), (0, 3));
    let network = network_events(&world.events);
    assert_waited_once_for(&network, Cloud::Gopro);
    let SyncEvent::NetworkRestored { waited_secs, .. } = network[1] else {
        unreachable!()
    };
    // The wait began after two stalled listing attempts (two stall timeouts) of the 8 hours.
    assert!(waited_secs >= 8 * 3600 - 5 * 60, "{waited_secs}");
    // About one probe a minute (plus the two stalled listing attempts that started the wait).
    assert!(
        (440..=520).contains(&probes_in_the_night),
        "{probes_in_the_night} probes in 8 h"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_photo_whose_upload_met_an_outage_keeps_its_room_in_memory_and_nothing_waits_forever() {
    // One file in flight and room in memory for one photo. The first photo is mid-upload when
    // Google resets every connection; the next photo, read meanwhile, waits for the upload
    // slot the first still holds. Had the first given up its room, it would wait for that
    // room while holding the slot the second waits for: neither would ever move.
    let google = GoogleScenario::default().with_upload_shaping(fakes::Shaping {
        latency_ms: 0,
        bytes_per_sec: Some(100_000),
    });
    let world = World::new(GoProScenario::default().with_library(photos(3)), google);
    let settings = Settings {
        concurrency: 1,
        concurrency_start: 1,
        raw_upload_max_bytes: 64 * 1024,
        small_files_memory_bytes: 64 * 1024,
        ..outage_settings()
    };
    let sync = world.sync_with("room-kept", settings);
    let outage = async {
        for _ in 0..4_000 {
            if world.google.upload_bytes_read() >= 10_000 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        world
            .google
            .outage_for(Outage::Refuse, Duration::from_millis(500));
    };
    let (outcome, ()) = tokio::time::timeout(Duration::from_secs(60), async {
        tokio::join!(sync, outage)
    })
    .await
    .expect("the run ends: nothing waits forever");
    assert_completed(&outcome);
    assert_eq!(outcome.counts.failed, 0);
    assert_eq!(outcome.counts.created, 3);
}
