//! The CDN: signed, method-specific, expiring URLs; ranges; drops and 5xx mid-download.

use std::time::Duration;

use fakes::content::sha256_hex;
use fakes::gopro::{demo_id, RequestKind, Trigger};
use reqwest::header::{AUTHORIZATION, CONTENT_RANGE, RANGE};

use super::*;

/// A GET of the CDN `target` for `range` (a `Range` header value).
async fn ranged(c: &Client, target: &str, range: &str) -> reqwest::Response {
    c.get(target).header(RANGE, range).send().await.unwrap()
}

#[tokio::test]
async fn cdn_urls_are_method_specific_signed_and_expire() {
    let (fake, t) = fake_with_token(GoProScenario::demo());
    let id = demo_id(1);
    let d = download(&fake, &t, &id).await;
    let source = variations(&d, "source")[0];
    let (get_url, head_url) = (url(source, "url"), url(source, "head"));
    assert!(get_url.starts_with(&fake.cdn_url()) && !get_url.starts_with(&fake.api_url()));
    assert!(
        get_url.contains("response-content-disposition=attachment%3B%20filename%3DGOPR0001.JPG%3B")
    );
    assert!(get_url.contains("/source/default/1.jpg?Expires="));
    let c = client();
    let res = c.get(&get_url).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "binary/octet-stream");
    assert_eq!(res.headers()["accept-ranges"], "bytes");
    assert_eq!(
        res.headers()["content-disposition"],
        "attachment; filename=GOPR0001.JPG;"
    );
    let bytes = res.bytes().await.unwrap();
    assert_eq!(
        bytes.to_vec(),
        fake.content(&id, "source", None).unwrap().to_vec()
    );
    assert_eq!(
        sha256_hex(&bytes),
        fake.expected_sha256(&id, "source", None).unwrap()
    );

    let head = c.head(&head_url).send().await.unwrap();
    assert_eq!(head.status(), StatusCode::OK);
    assert_eq!(
        head.headers()["content-length"],
        bytes.len().to_string().as_str()
    );
    assert_eq!(
        c.head(&get_url).send().await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        c.get(&head_url).send().await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    let tampered = get_url.replace("/1.jpg?", "/2.jpg?");
    assert_eq!(
        c.get(&tampered).send().await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    let res = c
        .get(&get_url)
        .header(AUTHORIZATION, format!("Bearer {t}"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("Only one auth mechanism allowed"));

    fake.clock().advance(Duration::from_secs(3601));
    let res = ranged(&c, &get_url, "bytes=0-9").await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let body = res.text().await.unwrap();
    assert!(
        body.contains("<Code>AccessDenied</Code>") && body.contains("expired"),
        "{body}"
    );

    let log = fake.cdn_requests();
    assert_eq!(log.len(), 7);
    assert!(log
        .iter()
        .all(|r| !r.path.contains("Signature") && r.path.ends_with(".jpg")));
    assert_eq!(log.iter().filter(|r| r.had_authorization).count(), 1);
    assert_eq!(log[6].range.as_deref(), Some("bytes=0-9"));
    assert_eq!(fake.request_count(RequestKind::CdnHead), 2);
}

#[tokio::test]
async fn cdn_ranges_and_the_big_video() {
    let (fake, t) = fake_with_token(GoProScenario::demo());
    let big = demo_id(25);
    let d = download(&fake, &t, &big).await;
    let source = variations(&d, "source")[0];
    let c = client();
    let head = c.head(url(source, "head")).send().await.unwrap();
    assert_eq!(head.headers()["content-length"], "1200000000");
    let content = fake.content(&big, "source", None).unwrap();
    let mut expect = vec![0u8; 100];
    content.fill(1_199_999_900, &mut expect);
    let get_url = url(source, "url");
    let res = ranged(&c, &get_url, "bytes=1199999900-").await;
    assert_eq!(res.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        res.headers()[CONTENT_RANGE],
        "bytes 1199999900-1199999999/1200000000"
    );
    assert_eq!(res.bytes().await.unwrap().to_vec(), expect);
    let res = ranged(&c, &get_url, "bytes=10-19").await;
    assert_eq!(res.status(), StatusCode::PARTIAL_CONTENT);
    let mut expect = vec![0u8; 10];
    content.fill(10, &mut expect);
    assert_eq!(res.bytes().await.unwrap().to_vec(), expect);
    let res = ranged(&c, &get_url, "bytes=-4").await;
    assert_eq!(
        res.headers()[CONTENT_RANGE],
        "bytes 1199999996-1199999999/1200000000"
    );
    let res = ranged(&c, &get_url, "bytes=1200000000-").await;
    assert_eq!(res.status(), StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(res.headers()[CONTENT_RANGE], "bytes */1200000000");
    assert!(fake.request_count(RequestKind::CdnGet) == 4);
}

#[tokio::test]
async fn cdn_drops_mid_body_and_answers_5xx() {
    let (fake, t) = fake_with_token(GoProScenario::demo().cdn_drop(Trigger::First(1), 100_000));
    let d = download(&fake, &t, &demo_id(23)).await;
    let get_url = url(variations(&d, "source")[0], "url");
    let c = client();
    let res = c.get(&get_url).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-length"], "3000000");
    let mut res = res;
    let mut received = 0;
    let dropped = loop {
        match res.chunk().await {
            Ok(Some(chunk)) => received += chunk.len(),
            Ok(None) => break false,
            Err(_) => break true,
        }
    };
    assert!(dropped, "connection dropped mid-body");
    assert_eq!(
        received, 100_000,
        "the bytes before the cut reach the client"
    );
    let full = fetch(&c, &get_url).await;
    assert_eq!(full.len(), 3_000_000);
    fake.set_fault(|f| {
        f.cdn_error.trigger = Trigger::First(1);
        f.cdn_error.status = 503;
    });
    assert_eq!(
        c.get(&get_url).send().await.unwrap().status(),
        StatusCode::SERVICE_UNAVAILABLE
    );
    assert_eq!(
        c.get(&get_url).send().await.unwrap().status(),
        StatusCode::OK
    );
}
