//! Injected faults: short pages, duplicate rows, rate limits, shaping, seeded randomness.

use std::collections::HashSet;
use std::time::Duration;

use fakes::gopro::{demo_id, Trigger};

use super::*;

#[tokio::test]
async fn short_pages_are_injected_with_a_healthy_200() {
    let (fake, t) = fake_with_token(GoProScenario::demo().short_pages(Trigger::First(1), &[2], 3));
    let q = "/media/search?per_page=10&page=2";
    let first = get_json(&fake, &t, q).await;
    assert_eq!(media(&first).len(), 3);
    assert_eq!(first["_pages"]["total_items"], 34);
    let retry = get_json(&fake, &t, q).await;
    assert_eq!(media(&retry).len(), 10);
    assert_eq!(ids(&first), ids(&retry)[..3].to_vec());
    // Changed at runtime: every page short, always.
    fake.set_fault(|f| {
        f.short_pages.trigger = Trigger::Always;
        f.short_pages.pages.clear();
    });
    assert_eq!(
        media(&get_json(&fake, &t, "/media/search?per_page=10").await).len(),
        3
    );
    // Silent per_page cap: 100 asked, 20 served, `_pages` echoes 100.
    let (capped, t) = fake_with_token(GoProScenario::demo().per_page_cap(20));
    let p = get_json(&capped, &t, "/media/search?per_page=100").await;
    assert_eq!(media(&p).len(), 20);
    assert_eq!(p["_pages"]["per_page"], 100);
    assert_eq!(p["_pages"]["total_pages"], 1);
}

#[tokio::test]
async fn duplicate_row_across_a_page_boundary() {
    let (fake, t) = fake_with_token(GoProScenario::demo().duplicate_across_pages(Trigger::Always));
    let p1 = get_json(&fake, &t, "/media/search?per_page=10&page=1").await;
    let p2 = get_json(&fake, &t, "/media/search?per_page=10&page=2").await;
    assert_eq!(ids(&p2)[0], *ids(&p1).last().unwrap());
    assert_eq!(media(&p2).len(), 11);
    assert_eq!(p2["_pages"]["total_items"], 34);
    let mut unique: HashSet<String> = ids(&p1).into_iter().chain(ids(&p2)).collect();
    let mut rows = 21;
    for page in 3..=4 {
        let p = get_json(&fake, &t, &format!("/media/search?per_page=10&page={page}")).await;
        rows += media(&p).len();
        unique.extend(ids(&p));
    }
    assert_eq!(unique.len(), 34, "dedupe by id recovers every item");
    assert_eq!(rows, 37);
}

#[tokio::test]
async fn rate_limit_with_and_without_retry_after() {
    let (fake, t) = fake_with_token(GoProScenario::demo().rate_limit(Trigger::First(1), Some(7)));
    let res = get(&fake, &t, "/media/search").await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(res.headers()["retry-after"], "7");
    assert_eq!(status_of(&fake, &t, "/media/search").await, StatusCode::OK);
    fake.set_fault(|f| {
        f.rate_limit.trigger = Trigger::EveryNth(2);
        f.rate_limit.retry_after_secs = None;
    });
    assert_eq!(status_of(&fake, &t, "/media/user").await, StatusCode::OK);
    let res = get(&fake, &t, "/media/user").await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(res.headers().get("retry-after").is_none());
}

#[tokio::test]
async fn latency_and_bandwidth_shaping() {
    let scenario = GoProScenario::demo()
        .api_shaping(fakes::Shaping {
            latency_ms: 40,
            bytes_per_sec: None,
        })
        .cdn_shaping(fakes::Shaping {
            latency_ms: 0,
            bytes_per_sec: Some(2_000_000),
        });
    let (fake, t) = fake_with_token(scenario);
    let started = std::time::Instant::now();
    let d = download(&fake, &t, &demo_id(1)).await;
    assert!(started.elapsed() >= Duration::from_millis(40));
    let started = std::time::Instant::now();
    let bytes = fetch(&client(), url(variations(&d, "source")[0], "url")).await;
    let floor = Duration::from_secs_f64(bytes.len() as f64 / 2_000_000.0 * 0.9);
    assert!(
        started.elapsed() >= floor,
        "{:?} < {floor:?}",
        started.elapsed()
    );
    // Bandwidth on the API host keeps the JSON intact.
    fake.set_fault(|f| {
        f.api_shaping = fakes::Shaping {
            latency_ms: 0,
            bytes_per_sec: Some(1_000_000),
        }
    });
    let p = get_json(&fake, &t, "/media/search?per_page=5").await;
    assert_eq!(media(&p).len(), 5);
}

#[tokio::test]
async fn random_faults_are_reproducible_from_the_seed() {
    async fn pattern(seed: u64) -> Vec<usize> {
        let scenario = GoProScenario::demo()
            .seed(seed)
            .short_pages(Trigger::Random(0.5), &[], 2);
        let (fake, t) = fake_with_token(scenario);
        let mut lens = Vec::new();
        for _ in 0..12 {
            lens.push(media(&get_json(&fake, &t, "/media/search?per_page=10").await).len());
        }
        lens
    }
    let a = pattern(7).await;
    assert_eq!(a, pattern(7).await);
    assert!(a.contains(&2) && a.contains(&10), "{a:?}");
}
