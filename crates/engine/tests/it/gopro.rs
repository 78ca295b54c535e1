//! The GoPro client against the GoPro fake: every behaviour of gopro-api.md §5.

use crate::common;

use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use crate::common::{gopro_client, sha256_of_stream};
use chrono::NaiveDate;
use engine::gopro::select::select_originals;
use engine::gopro::{CaptureRange, Choice, GoProError, SelectOptions};
use engine::model::{Rendition, SkipReason};
use fakes::gopro::{FakeGoPro, GoProScenario, Media, RequestKind, Trigger};

fn demo() -> FakeGoPro {
    FakeGoPro::start(GoProScenario::demo()).unwrap()
}

fn everything() -> CaptureRange {
    CaptureRange::parse("2026-01-01", "2026-06-30").unwrap()
}

async fn list(
    client: &engine::gopro::GoProClient,
    range: CaptureRange,
) -> Result<Vec<engine::gopro::api::Medium>, GoProError> {
    let mut walk = client.search(range);
    let mut out = Vec::new();
    while let Some(m) = walk.next().await? {
        out.push(m);
    }
    Ok(out)
}

fn ids(media: &[engine::gopro::api::Medium]) -> BTreeSet<String> {
    media.iter().map(|m| m.id.clone()).collect()
}

#[tokio::test]
async fn lists_the_whole_library_once_newest_first() {
    let fake = demo();
    let client = gopro_client(&fake);
    let media = list(&client, everything()).await.unwrap();
    let expected: BTreeSet<String> = fake.media_ids().into_iter().collect();
    assert_eq!(
        media.len(),
        expected.len(),
        "no duplicates, nothing missing"
    );
    assert_eq!(ids(&media), expected);
    let times: Vec<_> = media.iter().map(|m| m.captured_at().unwrap()).collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "newest first");
    // 34 rows at 50 per page: one page, one request.
    assert_eq!(fake.request_count(RequestKind::Search), 1);
}

#[tokio::test]
async fn pages_are_walked_one_based_and_checked_for_completeness() {
    let fake = FakeGoPro::start(GoProScenario::demo().per_page_cap(10)).unwrap();
    let client = gopro_client(&fake);
    // The server silently caps pages at 10 rows: every page looks short against per_page=50,
    // and the rows past the cap of each window are never served. The client notices the
    // constant short size and walks again with pages of 10.
    let media = list(&client, everything()).await.unwrap();
    assert_eq!(ids(&media).len(), fake.media_ids().len());
    assert_eq!(media.len(), fake.media_ids().len());
}

#[tokio::test]
async fn short_pages_are_asked_again() {
    let fake =
        FakeGoPro::start(GoProScenario::demo().short_pages(Trigger::First(2), &[1], 12)).unwrap();
    let client = gopro_client(&fake);
    let media = list(&client, everything()).await.unwrap();
    assert_eq!(ids(&media).len(), fake.media_ids().len());
    assert_eq!(
        fake.request_count(RequestKind::Search),
        3,
        "two short answers, then a full page"
    );
}

#[tokio::test]
async fn a_page_that_stays_short_is_an_error_not_a_silent_gap() {
    // Healthy 200s with no rows at all, however often they are asked for.
    let fake =
        FakeGoPro::start(GoProScenario::demo().short_pages(Trigger::Always, &[], 0)).unwrap();
    let client = gopro_client(&fake);
    let err = list(&client, everything()).await.unwrap_err();
    assert!(
        matches!(
            err,
            GoProError::IncompleteListing {
                got: 0,
                expected: 34
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("try again later"));
}

#[tokio::test]
async fn pages_truncated_to_one_size_are_walked_again_at_that_size() {
    let fake =
        FakeGoPro::start(GoProScenario::demo().short_pages(Trigger::Always, &[], 12)).unwrap();
    let client = gopro_client(&fake);
    let media = list(&client, everything()).await.unwrap();
    assert_eq!(media.len(), fake.media_ids().len());
}

#[tokio::test]
async fn duplicates_across_page_boundaries_are_dropped() {
    let mut scenario = GoProScenario::demo().duplicate_across_pages(Trigger::Always);
    scenario.default_per_page = 10;
    let fake = FakeGoPro::start(scenario).unwrap();
    let client = gopro_client(&fake);
    let media = list(&client, everything()).await.unwrap();
    assert_eq!(media.len(), fake.media_ids().len(), "each id once");
}

#[tokio::test]
async fn local_capture_day_decides_the_range() {
    let fake = demo();
    let client = gopro_client(&fake);
    // GOPR0110.JPG: 2026-03-14T23:30Z at +02:00 is 15 March locally.
    let day = |d: &str| CaptureRange::parse(d, d).unwrap();
    let names = |m: &[engine::gopro::api::Medium]| {
        m.iter()
            .filter_map(|m| m.filename.clone())
            .collect::<Vec<_>>()
    };
    let on_15 = list(&client, day("2026-03-15")).await.unwrap();
    assert!(
        names(&on_15).contains(&"GOPR0110.JPG".to_string()),
        "{:?}",
        names(&on_15)
    );
    let on_14 = list(&client, day("2026-03-14")).await.unwrap();
    assert!(!names(&on_14).contains(&"GOPR0110.JPG".to_string()));
    // G0010101.JPG: 2026-02-01T03:15Z at -08:00 is 31 January locally.
    let on_31 = list(&client, day("2026-01-31")).await.unwrap();
    assert!(names(&on_31).contains(&"G0010101.JPG".to_string()));
    // Every row of a wide range lands in exactly one of its days.
    let wide = CaptureRange::new(
        NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
        NaiveDate::from_ymd_opt(2026, 3, 31).unwrap(),
    )
    .unwrap();
    assert!(list(&client, wide)
        .await
        .unwrap()
        .iter()
        .all(|m| wide.contains(m)));
}

#[tokio::test]
async fn numbers_as_strings_are_read() {
    let fake = FakeGoPro::start(GoProScenario::demo().numbers_as_strings(true)).unwrap();
    let client = gopro_client(&fake);
    let media = list(&client, everything()).await.unwrap();
    assert_eq!(media.len(), 34);
    assert!(media
        .iter()
        .filter(|m| m.play_as.as_deref() != Some("edl"))
        .all(|m| m.file_size.is_some()));
}

#[tokio::test]
async fn expired_login_is_a_typed_error() {
    let fake = demo();
    let client = gopro_client(&fake);
    client.user().await.unwrap();
    fake.clock().advance(Duration::from_secs(48 * 3600));
    let err = client.user().await.unwrap_err();
    assert!(matches!(err, GoProError::LoginExpired), "{err:?}");
    assert!(err.to_string().contains("log in again"));
}

#[tokio::test]
async fn dead_token_answering_500_ends_as_a_server_error_after_retries() {
    let fake = FakeGoPro::start(GoProScenario::demo().dead_token_500(Trigger::Always)).unwrap();
    let client = gopro_client(&fake);
    fake.clock().advance(Duration::from_secs(48 * 3600));
    let err = client.user().await.unwrap_err();
    assert!(matches!(err, GoProError::Server { status: 500 }), "{err:?}");
    assert!(err.to_string().contains("log in to GoPro again"));
    assert_eq!(
        fake.request_count(RequestKind::User),
        5,
        "retried within the budget"
    );
}

#[tokio::test]
async fn a_gone_api_version_says_the_api_changed() {
    let mut scenario = GoProScenario::demo();
    scenario.gone_versions = vec!["2.0.0".into()];
    let fake = FakeGoPro::start(scenario).unwrap();
    let err = gopro_client(&fake).user().await.unwrap_err();
    assert!(
        matches!(err, GoProError::ApiChanged { status: 410 }),
        "{err:?}"
    );
}

#[tokio::test]
async fn rate_limits_are_retried_with_and_without_retry_after() {
    for retry_after in [None, Some(0)] {
        let fake =
            FakeGoPro::start(GoProScenario::demo().rate_limit(Trigger::First(2), retry_after))
                .unwrap();
        let user = gopro_client(&fake).user().await.unwrap();
        assert_eq!(user.id.as_deref(), Some(fake.user_id()));
        assert_eq!(fake.request_count(RequestKind::User), 3);
    }
}

/// Resolves every medium of the demo, and one GoPro is still transcoding, and checks the
/// selection against the fake's originals.
#[tokio::test]
async fn originals_are_selected_for_every_media_kind() {
    let mut scenario = GoProScenario::demo();
    scenario.library.push(
        fakes::gopro::Media::video(
            "still-transcoding",
            "GX019999.MP4",
            chrono::DateTime::parse_from_rfc3339("2026-03-03T10:00:00Z")
                .unwrap()
                .with_timezone(&chrono::Utc),
            99,
            50_000,
        )
        .with_state(fakes::gopro::ProcessingState::Transcoding),
    );
    let fake = FakeGoPro::start(scenario).unwrap();
    let client = gopro_client(&fake);
    let media = list(&client, everything()).await.unwrap();
    let mut transferred: HashMap<(String, u32), String> = HashMap::new();
    let mut skipped: Vec<(String, SkipReason)> = Vec::new();
    for m in &media {
        let info = client.download_info(&m.id).await.unwrap();
        for choice in select_originals(m, &info, SelectOptions::default()) {
            match choice {
                Choice::Transfer(o) => {
                    assert!(transferred
                        .insert(
                            (o.key.media_id.clone(), o.key.item_number),
                            o.filename.clone()
                        )
                        .is_none());
                }
                Choice::Skip {
                    filename, reason, ..
                } => skipped.push((filename.unwrap_or_default(), reason)),
            }
        }
    }
    // Every expected original except the .360 is transferred, under its CDN file name.
    let expected: HashMap<(String, u32), String> = fake
        .expected_originals()
        .into_iter()
        .filter(|e| !e.filename.ends_with(".360") && e.media_id != "still-transcoding")
        .map(|e| ((e.media_id, e.item_number.unwrap_or(1)), e.filename))
        .collect();
    assert_eq!(transferred, expected);
    let reasons: Vec<&SkipReason> = skipped.iter().map(|(_, r)| r).collect();
    assert!(reasons.contains(&&SkipReason::Spherical360));
    assert!(reasons.contains(&&SkipReason::QuikProject));
    assert!(reasons.contains(&&SkipReason::RawNotIncluded));
    assert!(reasons.contains(&&SkipReason::JoinedVideoNotIncluded));
    assert!(reasons
        .iter()
        .any(|r| matches!(r, SkipReason::NotReady { .. })));
    // A chaptered video is three files, GX01/GX02/GX03.
    let chapters: Vec<_> = transferred
        .values()
        .filter(|n| n.ends_with("0202.MP4"))
        .collect();
    assert_eq!(chapters.len(), 3, "{chapters:?}");
    // The rendered Quik edit is its MP4, although the search row says json.
    assert!(transferred.values().any(|n| n == "GoPro_Quik_20260405.mp4"));
}

#[tokio::test]
async fn options_add_raw_and_joined_videos() {
    let fake = demo();
    let client = gopro_client(&fake);
    let media = list(&client, everything()).await.unwrap();
    let options = SelectOptions {
        include_raw: true,
        include_joined_video: true,
    };
    let mut labels = BTreeSet::new();
    for m in &media {
        let info = client.download_info(&m.id).await.unwrap();
        for c in select_originals(m, &info, options) {
            if let Choice::Transfer(o) = c {
                labels.insert(o.key.label);
            }
        }
    }
    assert!(
        labels.contains(&Rendition::RawPhoto) && labels.contains(&Rendition::Concat),
        "{labels:?}"
    );
}

async fn original_of(
    fake: &FakeGoPro,
    client: &engine::gopro::GoProClient,
    filename: &str,
) -> engine::gopro::Original {
    let media = list(client, everything()).await.unwrap();
    let m = media
        .iter()
        .find(|m| m.filename.as_deref() == Some(filename))
        .unwrap_or_else(|| panic!("{filename} in demo"));
    let info = client.download_info(&m.id).await.unwrap();
    let _ = fake;
    select_originals(m, &info, SelectOptions::default())
        .into_iter()
        .find_map(|c| match c {
            Choice::Transfer(o) => Some(o),
            _ => None,
        })
        .unwrap()
}

#[tokio::test]
async fn downloads_are_the_original_bytes_without_sending_the_token_to_the_cdn() {
    let fake = demo();
    let client = gopro_client(&fake);
    let original = original_of(&fake, &client, "GX010201.MP4").await;
    let size = client
        .head_size(&original.key, original.head.as_ref())
        .await
        .unwrap();
    let expected = fake
        .content(&original.key.media_id, "source", None)
        .unwrap();
    assert_eq!(size, expected.len);
    let stream = client
        .download(original.key.clone(), Some(original.url.clone()), 0)
        .into_stream();
    let (sha, len) = sha256_of_stream(stream).await;
    assert_eq!((sha, len), (expected.sha256_hex(), expected.len));
    let cdn = fake.cdn_requests();
    assert!(!cdn.is_empty());
    assert!(
        cdn.iter().all(|r| !r.had_authorization),
        "the API token never goes to the CDN"
    );
    assert!(cdn.iter().any(|r| r.method == "HEAD" && r.status == 200));
}

#[tokio::test]
async fn a_download_that_takes_many_stall_timeouts_but_keeps_moving_is_one_request() {
    // 3 MB at 1 MB/s with a 250 ms stall timeout: the read timer restarts with every read, so
    // a long download that keeps moving is never cut.
    let fake = FakeGoPro::start(GoProScenario::demo().cdn_shaping(fakes::Shaping {
        bytes_per_sec: Some(1_000_000),
        ..Default::default()
    }))
    .unwrap();
    let client =
        common::gopro_client_with(&fake, &common::client_settings(Duration::from_millis(250)));
    let original = original_of(&fake, &client, "GX010201.MP4").await;
    let expected = fake
        .content(&original.key.media_id, "source", None)
        .unwrap();
    let started = std::time::Instant::now();
    let stream = client
        .download(original.key.clone(), Some(original.url.clone()), 0)
        .into_stream();
    let (sha, len) = sha256_of_stream(stream).await;
    assert_eq!((sha, len), (expected.sha256_hex(), expected.len));
    let took = started.elapsed();
    assert!(
        took > Duration::from_millis(250) * 10,
        "{took:?} for {} bytes",
        expected.len
    );
    let gets = fake
        .cdn_requests()
        .iter()
        .filter(|r| r.method == "GET")
        .count();
    assert_eq!(gets, 1, "never cut, never resumed");
}

#[tokio::test]
async fn a_dropped_download_resumes_with_range() {
    let fake = demo();
    let client = gopro_client(&fake);
    let original = original_of(&fake, &client, "GX010201.MP4").await;
    fake.set_fault(|f| {
        f.cdn_drop.trigger = Trigger::First(2);
        f.cdn_drop.after_bytes = 700_000;
    });
    let stream = client
        .download(original.key.clone(), Some(original.url.clone()), 0)
        .into_stream();
    let (sha, _) = sha256_of_stream(stream).await;
    assert_eq!(
        Some(sha),
        fake.expected_sha256(&original.key.media_id, "source", None)
    );
    // Bytes in flight when a connection drops are lost; each resume starts where the client's
    // bytes end, which is at most where the server cut.
    let starts: Vec<u64> = fake
        .cdn_requests()
        .into_iter()
        .filter_map(|r| r.range)
        .map(|r| {
            r.trim_start_matches("bytes=")
                .trim_end_matches('-')
                .parse()
                .unwrap()
        })
        .collect();
    assert_eq!(starts.len(), 2, "{starts:?}");
    assert!(
        starts[0] > 0
            && starts[0] <= 700_000
            && starts[1] > starts[0]
            && starts[1] <= starts[0] + 700_000,
        "{starts:?}"
    );
}

#[tokio::test]
async fn an_expired_signed_url_is_resolved_again() {
    let fake = demo();
    let client = gopro_client(&fake);
    let original = original_of(&fake, &client, "GX010201.MP4").await;
    fake.clock().advance(Duration::from_secs(3700));
    // The URL in hand is dead (403); the token is not (it lives for hours).
    let downloads_before = fake.request_count(RequestKind::Download);
    let stream = client
        .download(original.key.clone(), Some(original.url.clone()), 1_000_000)
        .into_stream();
    let (_, len) = sha256_of_stream(stream).await;
    let expected = fake
        .content(&original.key.media_id, "source", None)
        .unwrap();
    assert_eq!(len, expected.len - 1_000_000);
    assert_eq!(
        fake.request_count(RequestKind::Download),
        downloads_before + 1,
        "one fresh /download"
    );
    assert!(fake.cdn_requests().iter().any(|r| r.status == 403));
}

#[tokio::test]
async fn search_file_size_is_only_a_hint() {
    let fake = demo();
    let client = gopro_client(&fake);
    let media = list(&client, everything()).await.unwrap();
    let reprocessed = media
        .iter()
        .find(|m| m.reprocessed_at.is_some())
        .expect("a reprocessed item in the demo");
    let info = client.download_info(&reprocessed.id).await.unwrap();
    let Choice::Transfer(o) =
        select_originals(reprocessed, &info, SelectOptions::default()).remove(0)
    else {
        panic!()
    };
    let size = client.head_size(&o.key, o.head.as_ref()).await.unwrap();
    assert!(
        reprocessed.file_size.unwrap() > size,
        "search over-reports; HEAD is the truth"
    );
    let (_, len) = sha256_of_stream(
        client
            .download(o.key.clone(), Some(o.url.clone()), 0)
            .into_stream(),
    )
    .await;
    assert_eq!(len, size);
}

#[tokio::test]
async fn the_big_video_is_sized_by_head_without_downloading() {
    let fake = demo();
    let client = gopro_client(&fake);
    let original = original_of(&fake, &client, "GX010203.MP4").await;
    let size = client
        .head_size(&original.key, original.head.as_ref())
        .await
        .unwrap();
    assert_eq!(size, 1_200_000_000);
}

#[tokio::test]
async fn repeated_camera_filenames_stay_distinct_items() {
    let fake = demo();
    let client = gopro_client(&fake);
    let media = list(&client, everything()).await.unwrap();
    let gopr42: Vec<_> = media
        .iter()
        .filter(|m| m.filename.as_deref() == Some("GOPR0042.JPG"))
        .collect();
    assert_eq!(gopr42.len(), 2);
    assert_ne!(gopr42[0].id, gopr42[1].id);
}

#[tokio::test]
async fn a_library_of_one_custom_medium_works() {
    let at = chrono::DateTime::parse_from_rfc3339("2026-04-01T10:00:00Z")
        .unwrap()
        .with_timezone(&chrono::Utc);
    let fake = FakeGoPro::start(GoProScenario::default().with_media(Media::burst(
        "b1",
        "G0099901.JPG",
        at,
        99,
        &[1000, 2000, 3000],
    )))
    .unwrap();
    let client = gopro_client(&fake);
    let media = list(
        &client,
        CaptureRange::parse("2026-04-01", "2026-04-01").unwrap(),
    )
    .await
    .unwrap();
    let info = client.download_info(&media[0].id).await.unwrap();
    let files: Vec<_> = select_originals(&media[0], &info, SelectOptions::default())
        .into_iter()
        .filter_map(|c| match c {
            Choice::Transfer(o) => Some(o.key.item_number),
            _ => None,
        })
        .collect();
    assert_eq!(files, vec![1, 2, 3]);
}

/// Both camera generations near midnight in Berlin (+02:00): a HERO9 whose clock said 23:30 on
/// 31 March (written as `23:30Z`), and a HERO12 at 22:30 UTC, which is 00:30 on 1 April there.
#[tokio::test]
async fn each_camera_generation_lands_on_the_day_its_owner_lived() {
    let at = |s: &str| {
        chrono::DateTime::parse_from_rfc3339(s)
            .unwrap()
            .with_timezone(&chrono::Utc)
    };
    let fake = FakeGoPro::start(GoProScenario::default().with_library(vec![
        fakes::gopro::Media::photo("old", "GOPR0001.JPG", at("2026-03-31T23:30:00Z"), 1, 9_000)
            .with_camera(Some("HERO9 Black"))
            .with_timezone(Some("+02:00")),
        fakes::gopro::Media::photo("new", "GOPR0002.JPG", at("2026-03-31T22:30:00Z"), 2, 9_000)
            .with_camera(Some("HERO12 Black"))
            .with_timezone(Some("+02:00")),
    ]))
    .unwrap();
    let client = gopro_client(&fake);
    let ids = |media: Vec<engine::gopro::api::Medium>| -> Vec<String> {
        media.into_iter().map(|m| m.id).collect()
    };
    let march_31 = CaptureRange::parse("2026-03-31", "2026-03-31").unwrap();
    let april_1 = CaptureRange::parse("2026-04-01", "2026-04-01").unwrap();
    assert_eq!(ids(list(&client, march_31).await.unwrap()), ["old"]);
    assert_eq!(ids(list(&client, april_1).await.unwrap()), ["new"]);
}

#[tokio::test]
async fn a_search_rows_token_gives_its_thumbnail_with_the_login_and_never_prints() {
    let fake = demo();
    let client = gopro_client(&fake);
    let media = list(&client, everything()).await.unwrap();
    let images = url::Url::parse(&fake.images_url()).unwrap();
    let mut seen = Vec::new();
    for m in media.iter().take(3) {
        let token = m.token.clone().expect("every row has a thumbnail token");
        assert!(
            !format!("{m:?}").contains(token.expose()),
            "the token never prints"
        );
        let thumb = client.thumbnail(&images, &token).await.unwrap();
        assert_eq!(thumb.mime, "image/png");
        assert_eq!(&thumb.bytes[1..4], b"PNG");
        seen.push(thumb.bytes);
    }
    assert_ne!(seen[0], seen[1], "each medium has its own picture");
    assert_eq!(fake.request_count(RequestKind::Thumbnail), 3);
    // Without a valid login the image host answers 401: the login has expired.
    let stranger = common::connector(
        Some(&fake),
        None,
        &common::client_settings(Duration::from_secs(20)),
    )
    .gopro_with(engine::gopro::GoProCredentials {
        access_token: engine::secret::Secret::new("not-a-token"),
        user_id: None,
    });
    let token = media[0].token.clone().unwrap();
    assert!(matches!(
        stranger.thumbnail(&images, &token).await,
        Err(GoProError::LoginExpired)
    ));
}

#[tokio::test]
async fn the_preview_counts_the_demo_range_by_the_runs_rules_and_grids_what_will_move() {
    let fake = demo();
    let client = gopro_client(&fake);
    let store = engine::store::MemoryStore::new();
    let p = engine::preview::preview_range(&client, &store, None, everything(), 10)
        .await
        .unwrap();
    assert_eq!((p.photos, p.videos, p.files), (24, 10, 34));
    use engine::preview::CannotMove;
    assert_eq!(
        p.cannot_move,
        vec![(CannotMove::Spherical, 1), (CannotMove::QuikProject, 1)]
    );
    assert_eq!(p.to_move, 32);
    assert_eq!(p.already_in_google, 0);
    // The demo's HERO9 and HERO8 videos, at +01:00; the first MAX's 360° video cannot move.
    assert_eq!(p.video_times_to_correct, 2);
    assert_eq!(p.grid.len(), 10);
    assert!(p.grid.iter().all(|g| g.thumbnail.is_some()));
    assert!(!p.grid.iter().any(|g| g.filename.ends_with(".360")));
    let mut bigger = engine::preview::preview_range(&client, &store, None, everything(), 100)
        .await
        .unwrap();
    assert_eq!(bigger.grid.len(), 32, "at most the media that will move");
    bigger.grid.truncate(10);
    let ids = |g: &[engine::preview::GridItem]| g.iter().map(|i| i.id.clone()).collect::<Vec<_>>();
    assert_eq!(
        ids(&bigger.grid),
        ids(&p.grid),
        "the same first ten, newest first"
    );
}
