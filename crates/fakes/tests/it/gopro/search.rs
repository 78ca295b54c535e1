//! `/media/search`: projection, type drift, filters, capture ranges, order and paging.

use std::collections::HashSet;

use fakes::gopro::demo_id;

use super::*;

#[tokio::test]
async fn projection_and_type_drift() {
    let (fake, t) = fake_with_token(GoProScenario::demo().numbers_as_strings(true));
    let page = get_json(
        &fake,
        &t,
        "/media/search?fields=filename,captured_at,no_such_field&per_page=100",
    )
    .await;
    for row in media(&page) {
        let keys: HashSet<&str> = row
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, HashSet::from(["id", "filename", "captured_at"]));
    }
    let page = get_json(&fake, &t, "/media/search?per_page=100&zzz=1").await;
    let rows = media(&page);
    assert_eq!(rows.len(), 34);
    assert!(rows[0].as_object().unwrap().len() >= 30);
    assert!(rows.iter().all(|r| r["ready_to_view"].is_string()));
    let video = rows.iter().find(|r| r["id"] == demo_id(23)).unwrap();
    assert!(video["source_duration"]
        .as_str()
        .unwrap()
        .parse::<u64>()
        .is_ok());
    assert!(
        rows.iter().any(|r| r["file_size"].is_string()),
        "numbers as strings on some rows"
    );
    assert!(rows.iter().any(|r| r["file_size"].is_u64()));
    assert!(rows.iter().any(|r| r["item_count"].is_string()));
}

#[tokio::test]
async fn type_and_processing_filters() {
    let (fake, t) = fake_with_token(GoProScenario::demo());
    assert_eq!(
        total(&get_json(&fake, &t, "/media/search?type=Photo").await),
        22
    );
    assert_eq!(
        total(&get_json(&fake, &t, "/media/search?type=Burst,TimeLapse").await),
        2
    );
    assert_eq!(
        total(&get_json(&fake, &t, "/media/search?type=MultiClipEdit").await),
        2
    );
    assert_eq!(
        total(&get_json(&fake, &t, "/media/search?type=Phot,Vidoe").await),
        34,
        "misspelled list returns everything"
    );
    assert_eq!(
        total(&get_json(&fake, &t, "/media/search?processing_states=transcoding").await),
        0
    );
    assert_eq!(
        total(&get_json(&fake, &t, "/media/search?processing_states=rendering,ready").await),
        34
    );
    let p = get_json(
        &fake,
        &t,
        "/media/search?type=Video&processing_states=ready&per_page=50",
    )
    .await;
    assert!(media(&p)
        .iter()
        .all(|r| r["type"] == "Video" && r["ready_to_view"] == "ready"));
    assert_eq!(total(&p), 7);
}

#[tokio::test]
async fn capture_ranges_zero_width_and_malformed() {
    let (fake, t) = fake_with_token(GoProScenario::demo());
    let all = get_json(
        &fake,
        &t,
        "/media/search?captured_range=2026-01-01T00:00:00.000Z,2026-06-30T23:59:59.999Z",
    )
    .await;
    assert_eq!(total(&all), 34);
    let zero = get_json(
        &fake,
        &t,
        "/media/search?captured_range=2026-03-14T23:30:00Z,2026-03-14T23:30:00Z",
    )
    .await;
    assert_eq!(total(&zero), 0);
    // Inclusive bounds, an encoded offset: 2026-03-15T01:30:00+02:00 is the day-boundary photo.
    let q = "/media/search?captured_range=2026-03-15T01:30:00%2B02:00,2026-03-15T23:59:59%2B02:00";
    let p = get_json(&fake, &t, q).await;
    assert_eq!(ids(&p), vec![demo_id(12)]);
    assert_eq!(media(&p)[0]["captured_at_timezone"], "+02:00");
    for bad in [
        "captured_range=2026-01-01",
        "captured_range=yesterday,today",
        "captured_range=2026-03-15T01:30:00+02:00,2026-03-16T00:00:00+02:00",
        "created_range=",
    ] {
        let res = get(&fake, &t, &format!("/media/search?{bad}")).await;
        assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR, "{bad}");
    }
    let created = get_json(
        &fake,
        &t,
        "/media/search?created_range=2026-05-30T00:00:00Z,2026-05-30T23:59:59Z",
    )
    .await;
    assert_eq!(ids(&created), vec![demo_id(3)]);
}

#[tokio::test]
async fn newest_first_and_one_based_paging() {
    let (fake, t) = fake_with_token(GoProScenario::demo());
    let all = get_json(&fake, &t, "/media/search?per_page=100&order_by=captured_at").await;
    let captured: Vec<&str> = media(&all)
        .iter()
        .map(|r| r["captured_at"].as_str().unwrap())
        .collect();
    assert!(captured.windows(2).all(|w| w[0] >= w[1]), "newest first");
    let by_created = get_json(&fake, &t, "/media/search?per_page=100&order_by=created_at").await;
    assert_eq!(
        ids(&by_created)[0],
        demo_id(3),
        "late upload first by created_at"
    );

    let mut seen = Vec::new();
    for page in 1..=4 {
        let p = get_json(&fake, &t, &format!("/media/search?per_page=10&page={page}")).await;
        assert_eq!(p["_pages"]["current_page"], page);
        assert_eq!(p["_pages"]["per_page"], 10);
        assert_eq!(p["_pages"]["total_items"], 34);
        assert_eq!(p["_pages"]["total_pages"], 4);
        assert_eq!(media(&p).len(), if page < 4 { 10 } else { 4 });
        seen.extend(ids(&p));
    }
    assert_eq!(seen, ids(&all));
    let past = get_json(&fake, &t, "/media/search?per_page=10&page=5").await;
    assert!(media(&past).is_empty());
    let zero = get_json(&fake, &t, "/media/search?per_page=10&page=0").await;
    assert_eq!(
        ids(&zero),
        seen[..10].to_vec(),
        "page 0 answers like page 1"
    );
    let default = get_json(&fake, &t, "/media/search").await;
    assert_eq!(default["_pages"]["per_page"], 30);
}
