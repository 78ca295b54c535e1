//! Bandwidth shared by every connection (`src/shaping.rs`): a cap split fairly between streams.

use std::sync::Arc;
use std::time::{Duration, Instant};

use fakes::google::{FakeGoogle, GoogleScenario};
use fakes::gopro::GoProScenario;
use reqwest::header::RANGE;
use reqwest::StatusCode;

use super::*;

/// Runs `n` copies of `job` at once: the elapsed time of each and of all.
async fn in_parallel<F, Fut>(n: usize, job: F) -> (Vec<Duration>, Duration)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let started = Instant::now();
    let handles: Vec<_> = (0..n)
        .map(|_| {
            let job = job();
            tokio::spawn(async move {
                let started = Instant::now();
                job.await;
                started.elapsed()
            })
        })
        .collect();
    let mut each = Vec::new();
    for handle in handles {
        each.push(handle.await.unwrap());
    }
    (each, started.elapsed())
}

const CAP: u64 = 400_000;
const PART: u64 = 100_000;

/// Asserts four streams of `PART` bytes through the shared `CAP` took about four times one.
fn assert_shared(one: Duration, each: &[Duration], all: Duration) {
    let secs = |d: Duration| d.as_secs_f64();
    assert!(
        (0.2..0.8).contains(&secs(one)),
        "one stream of {PART} B at {CAP} B/s took {one:?}"
    );
    let aggregate = (4 * PART) as f64 / secs(all);
    assert!(
        aggregate <= CAP as f64 * 1.1,
        "{aggregate:.0} B/s over a {CAP} B/s cap"
    );
    assert!(all < Duration::from_secs(3), "four streams took {all:?}");
    let ratio = secs(all) / secs(one);
    assert!((2.5..8.0).contains(&ratio), "four took {ratio:.1} × one");
    // Fair: every stream shared the link for most of the time.
    for d in each {
        assert!(secs(*d) >= 0.7 * secs(all), "{each:?} of {all:?}");
    }
}

#[tokio::test]
async fn a_shared_cap_splits_the_cdn_between_downloads() {
    let fake = FakeGoPro::start(GoProScenario::demo()).unwrap();
    let url = Arc::new(video_url(&fake).await);
    let client = Client::new();
    let fetch = || {
        let (client, url) = (client.clone(), url.clone());
        async move {
            let response = client
                .get(url.as_str())
                .header(RANGE, format!("bytes=0-{}", PART - 1))
                .send()
                .await
                .unwrap();
            assert_eq!(response.bytes().await.unwrap().len() as u64, PART);
        }
    };
    let (_, unlimited) = in_parallel(4, fetch).await;
    assert!(unlimited < Duration::from_millis(200), "{unlimited:?}");

    fake.set_cdn_shared_cap(Some(CAP));
    let (_, one) = in_parallel(1, fetch).await;
    let (each, all) = in_parallel(4, fetch).await;
    assert_shared(one, &each, all);

    // The per-connection cap alone gives each download the whole rate.
    fake.set_cdn_shared_cap(None);
    fake.set_fault(|f| f.cdn_shaping = shaping(CAP));
    let (each, all) = in_parallel(4, fetch).await;
    assert!(all < Duration::from_millis(700), "{each:?}");
    assert!(
        each.iter().all(|d| *d >= Duration::from_millis(200)),
        "{each:?}"
    );
}

#[tokio::test]
async fn a_shared_cap_splits_the_uplink_between_uploads() {
    let g = FakeGoogle::start(GoogleScenario::default().with_upload_shared_cap(CAP)).unwrap();
    let token = Arc::new(g.issue_tokens(ALL).access_token);
    let url = Arc::new(format!("{}/v1/uploads", g.base_url()));
    let client = Client::new();
    let upload = || {
        let (client, url, token) = (client.clone(), url.clone(), token.clone());
        async move {
            let response = client
                .post(url.as_str())
                .bearer_auth(token.as_str())
                .header("X-Goog-Upload-Protocol", "raw")
                .body(vec![1u8; PART as usize])
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::OK);
        }
    };
    let (_, one) = in_parallel(1, upload).await;
    let (each, all) = in_parallel(4, upload).await;
    assert_shared(one, &each, all);

    g.set_upload_shared_cap(None);
    let (_, all) = in_parallel(4, upload).await;
    assert!(all < Duration::from_millis(200), "{all:?}");
}
