//! The GoPro fake over real HTTP: the behaviours a client would not notice if the fake got
//! them wrong (`shared/design/gopro-api.md`).

use std::collections::HashSet;
use std::time::Duration;

use fakes::content::sha256_hex;
use fakes::gopro::{
    demo_id, FakeGoPro, GoProScenario, Media, ProcessingState, RequestKind, Trigger, VENDOR_ACCEPT,
    VENDOR_SEARCH_ACCEPT,
};
use fakes::scenario::{Scenario, DEMO_STABLE_SECRET};
use fakes::Clock;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_RANGE, COOKIE, RANGE, SET_COOKIE};
use reqwest::{Client, StatusCode};
use serde_json::Value;

fn client() -> Client {
    Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

fn demo() -> FakeGoPro {
    FakeGoPro::start(GoProScenario::demo()).expect("fake starts")
}

async fn get(fake: &FakeGoPro, token: &str, path: &str) -> reqwest::Response {
    client()
        .get(format!("{}{path}", fake.api_url()))
        .header(ACCEPT, VENDOR_ACCEPT)
        .bearer_auth(token)
        .send()
        .await
        .expect("request")
}

async fn get_json(fake: &FakeGoPro, token: &str, path: &str) -> Value {
    let res = get(fake, token, path).await;
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    res.json().await.expect("json")
}

fn media(page: &Value) -> &Vec<Value> {
    page["_embedded"]["media"].as_array().expect("media array")
}

fn ids(page: &Value) -> Vec<String> {
    media(page)
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn download(fake: &FakeGoPro, token: &str, id: &str) -> Value {
    get_json(fake, token, &format!("/media/{id}/download")).await
}

fn variations<'a>(d: &'a Value, label: &str) -> Vec<&'a Value> {
    d["_embedded"]["variations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v["label"] == label)
        .collect()
}

fn url(v: &Value, key: &str) -> String {
    v[key].as_str().expect("url").to_owned()
}

#[tokio::test]
async fn accept_is_checked_before_auth() {
    let fake = demo();
    let c = client();
    let search = format!("{}/media/search", fake.api_url());
    let res = c.get(&search).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_ACCEPTABLE);
    assert!(res.bytes().await.unwrap().is_empty());
    let res = c
        .get(&search)
        .header(ACCEPT, "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_ACCEPTABLE);
    let old = "application/vnd.gopro.jk.media+json; version=1.0.0";
    let res = c.get(&search).header(ACCEPT, old).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::GONE);
    let res = c
        .get(&search)
        .header(ACCEPT, VENDOR_ACCEPT)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"], "invalid_request");
    let token = fake.issue_token();
    let res = c
        .get(&search)
        .header(ACCEPT, VENDOR_SEARCH_ACCEPT)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(fake.request_count(RequestKind::Search), 5);
}

#[tokio::test]
async fn both_transports_work_and_tokens_expire_on_the_clock() {
    let fake =
        FakeGoPro::start(GoProScenario::demo().token_ttl(Duration::from_secs(3600))).unwrap();
    let token = fake.issue_token();
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 5, "JWE-looking token");
    let user = format!("{}/media/user", fake.api_url());
    let c = client();
    let bearer = c
        .get(&user)
        .header(ACCEPT, VENDOR_ACCEPT)
        .bearer_auth(&token);
    let res = bearer.try_clone().unwrap().send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["id"], fake.user_id());
    assert_eq!(body["total_count"], 34);
    let cookie = format!("gp_access_token={token}; gp_user_id={}", fake.user_id());
    let by_cookie = c
        .get(&user)
        .header(ACCEPT, VENDOR_ACCEPT)
        .header(COOKIE, cookie);
    assert_eq!(
        by_cookie
            .try_clone()
            .unwrap()
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    let wrong_user = format!("gp_access_token={token}; gp_user_id=someone-else");
    let res = c
        .get(&user)
        .header(ACCEPT, VENDOR_ACCEPT)
        .header(COOKIE, wrong_user)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let res = c
        .get(&user)
        .header(ACCEPT, VENDOR_ACCEPT)
        .bearer_auth("a.b.c.d.e")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

    fake.clock().advance(Duration::from_secs(3601));
    assert_eq!(
        bearer.send().await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        by_cookie.send().await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );

    // A dead token can also show up as a 500.
    fake.set_fault(|f| f.dead_token_500 = Trigger::First(1));
    let res = get(&fake, &token, "/media/user").await;
    assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(
        get(&fake, &token, "/media/user").await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        get(&fake, &fake.issue_token(), "/media/user")
            .await
            .status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn projection_and_type_drift() {
    let fake = FakeGoPro::start(GoProScenario::demo().numbers_as_strings(true)).unwrap();
    let t = fake.issue_token();
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
    let fake = demo();
    let t = fake.issue_token();
    let total = |p: Value| p["_pages"]["total_items"].as_u64().unwrap();
    assert_eq!(
        total(get_json(&fake, &t, "/media/search?type=Photo").await),
        22
    );
    assert_eq!(
        total(get_json(&fake, &t, "/media/search?type=Burst,TimeLapse").await),
        2
    );
    assert_eq!(
        total(get_json(&fake, &t, "/media/search?type=MultiClipEdit").await),
        2
    );
    assert_eq!(
        total(get_json(&fake, &t, "/media/search?type=Phot,Vidoe").await),
        34,
        "misspelled list returns everything"
    );
    assert_eq!(
        total(get_json(&fake, &t, "/media/search?processing_states=transcoding").await),
        0
    );
    assert_eq!(
        total(get_json(&fake, &t, "/media/search?processing_states=rendering,ready").await),
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
    assert_eq!(total(p), 7);
}

#[tokio::test]
async fn capture_ranges_zero_width_and_malformed() {
    let fake = demo();
    let t = fake.issue_token();
    let total = |p: &Value| p["_pages"]["total_items"].as_u64().unwrap();
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
    let fake = demo();
    let t = fake.issue_token();
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

#[tokio::test]
async fn short_pages_are_injected_with_a_healthy_200() {
    let fake =
        FakeGoPro::start(GoProScenario::demo().short_pages(Trigger::First(1), &[2], 3)).unwrap();
    let t = fake.issue_token();
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
    let capped = FakeGoPro::start(GoProScenario::demo().per_page_cap(20)).unwrap();
    let t = capped.issue_token();
    let p = get_json(&capped, &t, "/media/search?per_page=100").await;
    assert_eq!(media(&p).len(), 20);
    assert_eq!(p["_pages"]["per_page"], 100);
    assert_eq!(p["_pages"]["total_pages"], 1);
}

#[tokio::test]
async fn duplicate_row_across_a_page_boundary() {
    let fake =
        FakeGoPro::start(GoProScenario::demo().duplicate_across_pages(Trigger::Always)).unwrap();
    let t = fake.issue_token();
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
    let fake =
        FakeGoPro::start(GoProScenario::demo().rate_limit(Trigger::First(1), Some(7))).unwrap();
    let t = fake.issue_token();
    let res = get(&fake, &t, "/media/search").await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(res.headers()["retry-after"], "7");
    assert_eq!(
        get(&fake, &t, "/media/search").await.status(),
        StatusCode::OK
    );
    fake.set_fault(|f| {
        f.rate_limit.trigger = Trigger::EveryNth(2);
        f.rate_limit.retry_after_secs = None;
    });
    assert_eq!(get(&fake, &t, "/media/user").await.status(), StatusCode::OK);
    let res = get(&fake, &t, "/media/user").await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(res.headers().get("retry-after").is_none());
}

#[tokio::test]
async fn cdn_urls_are_method_specific_signed_and_expire() {
    let fake = demo();
    let t = fake.issue_token();
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
    let res = c
        .get(&get_url)
        .header(RANGE, "bytes=0-9")
        .send()
        .await
        .unwrap();
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
    let fake = demo();
    let t = fake.issue_token();
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
    let res = c
        .get(&get_url)
        .header(RANGE, "bytes=1199999900-")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        res.headers()[CONTENT_RANGE],
        "bytes 1199999900-1199999999/1200000000"
    );
    assert_eq!(res.bytes().await.unwrap().to_vec(), expect);
    let res = c
        .get(&get_url)
        .header(RANGE, "bytes=10-19")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PARTIAL_CONTENT);
    let mut expect = vec![0u8; 10];
    content.fill(10, &mut expect);
    assert_eq!(res.bytes().await.unwrap().to_vec(), expect);
    let res = c
        .get(&get_url)
        .header(RANGE, "bytes=-4")
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.headers()[CONTENT_RANGE],
        "bytes 1199999996-1199999999/1200000000"
    );
    let res = c
        .get(&get_url)
        .header(RANGE, "bytes=1200000000-")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(res.headers()[CONTENT_RANGE], "bytes */1200000000");
    assert!(fake.request_count(RequestKind::CdnGet) == 4);
}

#[tokio::test]
async fn cdn_drops_mid_body_and_answers_5xx() {
    let fake =
        FakeGoPro::start(GoProScenario::demo().cdn_drop(Trigger::First(1), 100_000)).unwrap();
    let t = fake.issue_token();
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
    let full = c.get(&get_url).send().await.unwrap().bytes().await.unwrap();
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

#[tokio::test]
async fn download_shapes_of_videos() {
    let fake = demo();
    let t = fake.issue_token();
    let c = client();
    // Single video: files[0] is a 720p proxy, variations[0] is edit_proxy, source is 2160p.
    let d = download(&fake, &t, &demo_id(23)).await;
    assert_eq!(d["filename"], "GX010201.MP4");
    let e = &d["_embedded"];
    assert_eq!(
        (
            e["files"][0]["width"].as_u64(),
            e["files"][0]["height"].as_u64()
        ),
        (Some(1280), Some(720))
    );
    assert_eq!(e["variations"][0]["label"], "edit_proxy");
    let src = variations(&d, "source");
    assert_eq!(src.len(), 1);
    assert_eq!(src[0]["quality"], "2160p");
    assert!(src[0]["item_number"].is_null());
    for label in ["high_res_proxy_mp4", "edit_proxy", "mp4_low"] {
        assert_eq!(variations(&d, label).len(), 1, "{label}");
    }
    let sidecars: Vec<&str> = e["sidecar_files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["label"].as_str().unwrap())
        .collect();
    assert_eq!(sidecars, ["gpmf", "mediainfo", "gpx"]);
    assert!(e["sprites"][0]["urls"].is_array() && e["sprites"][0]["heads"].is_array());
    let proxy = c
        .get(url(&e["files"][0], "url"))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_ne!(
        sha256_hex(&proxy),
        fake.expected_sha256(&demo_id(23), "source", None).unwrap()
    );

    // Chaptered: three sources by item_number, a concat, GX01/GX02/GX03 names.
    let d = download(&fake, &t, &demo_id(24)).await;
    let src = variations(&d, "source");
    assert_eq!(
        src.iter()
            .map(|v| v["item_number"].as_u64().unwrap())
            .collect::<Vec<_>>(),
        [1, 2, 3]
    );
    assert_eq!(variations(&d, "concat").len(), 1);
    assert_eq!(d["_embedded"]["files"].as_array().unwrap().len(), 1);
    let res = c.get(url(src[1], "url")).send().await.unwrap();
    assert_eq!(
        res.headers()["content-disposition"],
        "attachment; filename=GX020202.MP4;"
    );
    let bytes = res.bytes().await.unwrap();
    assert_eq!(
        sha256_hex(&bytes),
        fake.expected_sha256(&demo_id(24), "source", Some(2))
            .unwrap()
    );
    let row = get_json(&fake, &t, &format!("/media/{}", demo_id(24))).await;
    assert_eq!(row["item_count"], 3);
    assert_eq!(row["file_size"], 10_500_000);

    // Still transcoding: the original is there, proxies are listed unavailable without URLs;
    // once GoPro is done, they are available.
    let late = FakeGoPro::start(GoProScenario::default().with_library(vec![Media::video(
        "late",
        "GX010777.MP4",
        chrono::Utc::now(),
        7,
        50_000,
    )
    .with_state(ProcessingState::Transcoding)]))
    .unwrap();
    let lt = late.issue_token();
    let total = |p: Value| p["_pages"]["total_items"].as_u64().unwrap();
    assert_eq!(
        total(get_json(&late, &lt, "/media/search?processing_states=transcoding").await),
        1
    );
    let d = download(&late, &lt, "late").await;
    assert_eq!(variations(&d, "source")[0]["available"], true);
    let proxy = variations(&d, "edit_proxy")[0];
    assert_eq!(proxy["available"], false);
    assert!(proxy["url"].is_null());
    assert!(d["_embedded"]["sidecar_files"]
        .as_array()
        .unwrap()
        .is_empty());
    late.finish_processing("late");
    let d = download(&late, &lt, "late").await;
    assert_eq!(variations(&d, "edit_proxy")[0]["available"], true);
    assert_eq!(
        total(get_json(&late, &lt, "/media/search?processing_states=transcoding").await),
        0
    );

    // TimeLapseVideo and .360.
    let d = download(&fake, &t, &demo_id(31)).await;
    assert_eq!(variations(&d, "source").len(), 1);
    let d = download(&fake, &t, &demo_id(34)).await;
    let src = variations(&d, "source")[0];
    assert_eq!(src["type"], "360");
    assert!(url(src, "url").contains("/source/default/1.360?"));
    let row = get_json(
        &fake,
        &t,
        &format!("/media/{}?fields=file_extension", demo_id(34)),
    )
    .await;
    assert_eq!(row["file_extension"], "360");

    // Reprocessed: reported file_size is larger than the bytes served.
    let row = get_json(&fake, &t, &format!("/media/{}", demo_id(27))).await;
    assert!(row["reprocessed_at"].is_string());
    let d = download(&fake, &t, &demo_id(27)).await;
    let head = c
        .head(url(variations(&d, "source")[0], "head"))
        .send()
        .await
        .unwrap();
    let served: u64 = head.headers()["content-length"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(row["file_size"].as_u64().unwrap(), served + 3_072);

    assert_eq!(
        get(&fake, &t, "/media/nope/download").await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        get(&fake, &t, "/media/nope").await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn download_shapes_of_photos_bursts_and_edits() {
    let fake = demo();
    let t = fake.issue_token();
    let c = client();
    // Photo: files[0] is the original.
    let d = download(&fake, &t, &demo_id(1)).await;
    let file = c
        .get(url(&d["_embedded"]["files"][0], "url"))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(
        sha256_hex(&file),
        fake.expected_sha256(&demo_id(1), "source", None).unwrap()
    );
    // Photo + GPR.
    let d = download(&fake, &t, &demo_id(7)).await;
    let raw = variations(&d, "raw_photo")[0];
    assert_eq!(raw["type"], "gpr");
    let res = c.get(url(raw, "url")).send().await.unwrap();
    assert_eq!(
        res.headers()["content-disposition"],
        "attachment; filename=GOPR0105.GPR;"
    );
    assert_eq!(&res.bytes().await.unwrap()[..4], b"II*\0");
    assert_eq!(
        variations(&download(&fake, &t, &demo_id(2)).await, "large").len(),
        1
    );

    // Burst: five files keyed by item_number, one cover source, file_size is the total.
    let d = download(&fake, &t, &demo_id(29)).await;
    let files = d["_embedded"]["files"].as_array().unwrap();
    assert_eq!(
        files
            .iter()
            .map(|f| f["item_number"].as_u64().unwrap())
            .collect::<Vec<_>>(),
        [1, 2, 3, 4, 5]
    );
    assert_eq!(variations(&d, "source").len(), 1);
    let third = c
        .get(url(&files[2], "url"))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(
        sha256_hex(&third),
        fake.expected_sha256(&demo_id(29), "source", Some(3))
            .unwrap()
    );
    let row = get_json(&fake, &t, &format!("/media/{}", demo_id(29))).await;
    assert_eq!(
        (row["item_count"].as_u64(), row["file_size"].as_u64()),
        (Some(5), Some(970_000))
    );
    let tl = download(&fake, &t, &demo_id(30)).await;
    assert_eq!(tl["_embedded"]["files"].as_array().unwrap().len(), 8);

    // Rendered Quik edit: json in search, mp4 on the CDN, baked_source and no source.
    let row = get_json(&fake, &t, &format!("/media/{}", demo_id(32))).await;
    assert_eq!(row["file_extension"], "json");
    assert!(row["file_size"].is_null());
    assert_eq!(row["play_as"], "edl");
    let d = download(&fake, &t, &demo_id(32)).await;
    assert!(variations(&d, "source").is_empty());
    let baked = variations(&d, "baked_source")[0];
    let res = c.get(url(baked, "url")).send().await.unwrap();
    assert_eq!(
        res.headers()["content-disposition"],
        "attachment; filename=GoPro_Quik_20260405.mp4;"
    );
    assert_eq!(&res.bytes().await.unwrap()[4..8], b"ftyp");
    // Unrendered Quik project: nothing to download.
    let row = get_json(&fake, &t, &format!("/media/{}", demo_id(33))).await;
    assert_eq!(row["mce_type"], "user_created");
    let d = download(&fake, &t, &demo_id(33)).await;
    for key in ["files", "variations", "sprites", "sidecar_files"] {
        assert!(d["_embedded"][key].as_array().unwrap().is_empty(), "{key}");
    }

    // Every rendition has its own head URL, and the chapters' URLs differ.
    let d = download(&fake, &t, &demo_id(24)).await;
    for section in ["files", "variations", "sidecar_files"] {
        for r in d["_embedded"][section].as_array().unwrap() {
            assert_ne!(r["url"], r["head"], "{section}");
        }
    }
    let chapters: HashSet<String> = variations(&d, "source")
        .iter()
        .map(|v| url(v, "url"))
        .collect();
    assert_eq!(chapters.len(), 3);
}

#[tokio::test]
async fn uploading_and_failed_items() {
    let at = "2026-02-02T10:00:00Z".parse().unwrap();
    let scenario = GoProScenario::default()
        .with_media(
            Media::video("up", "GX019999.MP4", at, 1, 100_000)
                .with_state(ProcessingState::Uploading),
        )
        .with_media(
            Media::photo("bad", "GOPR9999.JPG", at, 2, 100_000)
                .with_state(ProcessingState::Failure),
        );
    let fake = FakeGoPro::start(scenario).unwrap();
    let t = fake.issue_token();
    let row = get_json(&fake, &t, "/media/up").await;
    assert!(row["file_size"].is_null());
    assert_eq!(row["ready_to_view"], "uploading");
    let d = download(&fake, &t, "up").await;
    assert!(d["_embedded"]["variations"].as_array().unwrap().is_empty());
    let d = download(&fake, &t, "bad").await;
    let src = variations(&d, "source")[0];
    assert_eq!(src["available"], false);
    assert!(src["url"].is_null());
}

#[tokio::test]
async fn login_page_sets_http_only_cookies_and_redirects() {
    let fake = demo();
    let c = client();
    let page = c
        .get(fake.login_url())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for needle in [
        r#"<label for="email">"#,
        r#"<label for="password">"#,
        r#"id="login-submit""#,
    ] {
        assert!(page.contains(needle), "{needle}");
    }
    let res = c
        .post(fake.login_url())
        .form(&[("email", "demo@example.com"), ("password", "wrong")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers().get(SET_COOKIE).is_none());
    assert!(res.text().await.unwrap().contains("login-error"));

    let res = c
        .post(fake.login_url())
        .form(&[("email", "demo@example.com"), ("password", "demo")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    assert_eq!(res.headers()["location"], "/media-library");
    let cookies: Vec<&str> = res
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    let token_cookie = cookies
        .iter()
        .find(|c| c.starts_with("gp_access_token="))
        .expect("token cookie");
    assert!(token_cookie.contains("HttpOnly") && token_cookie.contains("Path=/"));
    assert!(cookies
        .iter()
        .any(|c| c.starts_with(&format!("gp_user_id={};", fake.user_id()))));
    let token = token_cookie["gp_access_token=".len()..]
        .split(';')
        .next()
        .unwrap();
    let cookie = format!("gp_access_token={token}; gp_user_id={}", fake.user_id());
    let res = c
        .get(format!("{}/media/user", fake.api_url()))
        .header(ACCEPT, VENDOR_ACCEPT)
        .header(COOKIE, &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let landing = c
        .get(format!("{}/media-library", fake.api_url()))
        .header(COOKIE, cookie)
        .send()
        .await
        .unwrap();
    assert!(landing.text().await.unwrap().contains("signed-in"));
    assert_eq!(fake.request_count(RequestKind::Login), 2);
}

#[tokio::test]
async fn zip_fallback_is_an_empty_200() {
    let fake = demo();
    let t = fake.issue_token();
    let q = format!(
        "{}/media/x/zip/source?ids={},{}&access_token={t}",
        fake.api_url(),
        demo_id(1),
        demo_id(2)
    );
    let res = client().get(q).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.bytes().await.unwrap().is_empty());
    let res = client()
        .get(format!("{}/media/x/zip/source?ids=a", fake.api_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

#[test]
fn demo_library_is_deterministic_and_complete() {
    let a = GoProScenario::demo();
    let b = GoProScenario::demo();
    assert_eq!(a.library, b.library);
    assert_eq!(a.library.len(), 34);
    let names: Vec<&str> = a.library.iter().map(|m| m.filename.as_str()).collect();
    assert_eq!(names.iter().filter(|n| **n == "GOPR0042.JPG").count(), 2);
    assert!(a.library.iter().any(|m| m.captured_at_timezone.is_none()));
    let mut seeds = HashSet::new();
    for m in &a.library {
        for r in &m.renditions {
            seeds.insert((r.content.seed, r.content.len));
        }
    }
    let distinct: HashSet<u64> = seeds.iter().map(|(s, _)| *s).collect();
    assert_eq!(distinct.len(), seeds.len(), "a seed means one file");
    assert!(a.library.iter().any(|m| m.served_size() > 1 << 30));
    // Scenarios round-trip through JSON (the fake-clouds binary reads them from files).
    let json = serde_json::to_string(&a).unwrap();
    let back: GoProScenario = serde_json::from_str(&json).unwrap();
    assert_eq!(back.library, a.library);
    let minimal: GoProScenario = serde_json::from_str(r#"{"per_page_cap": 50}"#).unwrap();
    assert_eq!(minimal.token_ttl_secs, 4 * 3600);
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
    let fake = FakeGoPro::start(scenario).unwrap();
    let t = fake.issue_token();
    let started = std::time::Instant::now();
    let d = download(&fake, &t, &demo_id(1)).await;
    assert!(started.elapsed() >= Duration::from_millis(40));
    let started = std::time::Instant::now();
    let bytes = client()
        .get(url(variations(&d, "source")[0], "url"))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
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
        let fake = FakeGoPro::start(scenario).unwrap();
        let t = fake.issue_token();
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

/// Signs in on the login page and returns the `gp_access_token` cookie's value.
async fn login_token(fake: &FakeGoPro) -> String {
    let res = client()
        .post(fake.login_url())
        .form(&[("email", "demo@example.com"), ("password", "demo")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FOUND);
    let cookie = res
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix("gp_access_token="))
        .expect("token cookie")
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    cookie
}

async fn user_with_cookie(fake: &FakeGoPro, token: &str, user_id: &str) -> StatusCode {
    client()
        .get(format!("{}/media/user", fake.api_url()))
        .header(ACCEPT, VENDOR_ACCEPT)
        .header(
            COOKIE,
            format!("gp_access_token={token}; gp_user_id={user_id}"),
        )
        .send()
        .await
        .unwrap()
        .status()
}

fn stable_scenario(secret: &str) -> GoProScenario {
    GoProScenario::demo()
        .token_ttl(Duration::from_secs(3600))
        .with_stable_secret(secret)
}

#[tokio::test]
async fn stable_secret_tokens_survive_a_restart_until_they_expire() {
    let clock = Clock::default();
    let first = FakeGoPro::start_with_clock(stable_scenario("secret-one"), clock.clone()).unwrap();
    let user_id = first.user_id().to_owned();
    let from_login = login_token(&first).await;
    let issued = first.issue_token();
    for token in [&from_login, &issued] {
        let parts: Vec<&str> = token.split('.').collect();
        assert_eq!(parts.len(), 5, "JWE-looking token");
        assert!(parts.iter().all(|p| !p.is_empty()
            && p.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')));
    }
    assert_eq!(
        get(&first, &issued, "/media/user").await.status(),
        StatusCode::OK
    );
    let first_api = first.api_url();
    drop(first);

    let second = FakeGoPro::start_with_clock(stable_scenario("secret-one"), clock.clone()).unwrap();
    assert_ne!(second.api_url(), first_api, "a new port");
    let body = get_json(&second, &issued, "/media/user").await;
    assert_eq!(body["id"], user_id);
    assert_eq!(
        user_with_cookie(&second, &from_login, &user_id).await,
        StatusCode::OK
    );
    assert_eq!(
        user_with_cookie(&second, &from_login, "someone-else").await,
        StatusCode::UNAUTHORIZED
    );
    let landing = client()
        .get(format!("{}/media-library", second.api_url()))
        .header(COOKIE, format!("gp_access_token={from_login}"))
        .send()
        .await
        .unwrap();
    assert!(landing.text().await.unwrap().contains("signed-in"));

    // A tampered token does not verify.
    let mut parts: Vec<String> = issued.split('.').map(str::to_owned).collect();
    parts[1] = parts[1].chars().rev().collect();
    assert_eq!(
        get(&second, &parts.join("."), "/media/user").await.status(),
        StatusCode::UNAUTHORIZED
    );

    // Another secret, or none, knows nothing of these tokens.
    let other = FakeGoPro::start_with_clock(stable_scenario("secret-two"), clock.clone()).unwrap();
    let plain = FakeGoPro::start_with_clock(GoProScenario::demo(), clock.clone()).unwrap();
    for fake in [&other, &plain] {
        let res = get(fake, &issued, "/media/user").await;
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["error"], "invalid_request");
    }
    // Nor does the fake with the first secret accept theirs.
    assert_eq!(
        get(&second, &other.issue_token(), "/media/user")
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );

    // Expiry still applies on the clock, and the dead-token 500 too.
    clock.advance(Duration::from_secs(3601));
    assert_eq!(
        get(&second, &issued, "/media/user").await.status(),
        StatusCode::UNAUTHORIZED
    );
    second.set_fault(|f| f.dead_token_500 = Trigger::First(1));
    assert_eq!(
        get(&second, &from_login, "/media/user").await.status(),
        StatusCode::INTERNAL_SERVER_ERROR
    );
    assert_eq!(
        get(&second, &from_login, "/media/user").await.status(),
        StatusCode::UNAUTHORIZED
    );
    drop(second);
    let third = FakeGoPro::start_with_clock(stable_scenario("secret-one"), clock.clone()).unwrap();
    assert_eq!(
        get(&third, &issued, "/media/user").await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        get(&third, &third.issue_token(), "/media/user")
            .await
            .status(),
        StatusCode::OK
    );
}

#[test]
fn the_demo_scenario_makes_both_fakes_tokens_stable() {
    let demo = Scenario::demo();
    assert_eq!(
        demo.gopro.stable_secret.as_deref(),
        Some(DEMO_STABLE_SECRET)
    );
    assert_eq!(demo.gopro.stable_secret, demo.google.stable_secret);
    assert_eq!(GoProScenario::default().stable_secret, None);
    let parsed: GoProScenario = serde_json::from_str(r#"{"stable_secret":"from-a-file"}"#).unwrap();
    assert_eq!(parsed.stable_secret.as_deref(), Some("from-a-file"));
}

/// The `Set-Cookie` values of `res` by cookie name (value only).
fn set_cookies(res: &reqwest::Response) -> std::collections::HashMap<String, String> {
    res.headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| {
            let (name, rest) = v.to_str().ok()?.split_once('=')?;
            Some((name.to_string(), rest.split(';').next()?.to_string()))
        })
        .collect()
}

#[tokio::test]
async fn a_remembered_web_sign_in_gives_a_fresh_token_without_a_password_until_it_ends() {
    let clock = Clock::default();
    let fake = FakeGoPro::start_with_clock(
        GoProScenario {
            web_session_ttl_secs: Some(3600),
            ..GoProScenario::default()
        },
        clock.clone(),
    )
    .unwrap();
    let c = client();
    let res = c
        .post(fake.login_url())
        .form(&[("email", "demo@example.com"), ("password", "demo")])
        .send()
        .await
        .unwrap();
    let first = set_cookies(&res);
    let session = first.get("gp_web_session").expect("remembered").clone();
    let again = c
        .get(fake.login_url())
        .header(COOKIE, format!("gp_web_session={session}"))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::FOUND);
    let fresh = set_cookies(&again);
    assert_ne!(fresh["gp_access_token"], first["gp_access_token"]);
    let user = c
        .get(format!("{}/media/user", fake.api_url()))
        .header(ACCEPT, VENDOR_ACCEPT)
        .header(
            AUTHORIZATION,
            format!("Bearer {}", fresh["gp_access_token"]),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(user.status(), StatusCode::OK);

    // Once it ends, and without one, the form asks for the password again.
    clock.advance(Duration::from_secs(3601));
    for cookie in [format!("gp_web_session={session}"), String::new()] {
        let page = c
            .get(fake.login_url())
            .header(COOKIE, cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), StatusCode::OK);
        assert!(page.text().await.unwrap().contains("login-submit"));
    }
    // The default web login remembers nothing.
    let plain = demo();
    let res = c
        .post(plain.login_url())
        .form(&[("email", "demo@example.com"), ("password", "demo")])
        .send()
        .await
        .unwrap();
    assert!(!set_cookies(&res).contains_key("gp_web_session"));
}
