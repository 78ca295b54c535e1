//! Uploads: raw bodies, resumable sessions (query, chunks, finalize), faults and expiry.

use std::time::Duration;

use fakes::content::sha256_hex;
use fakes::google::{RequestKind, SessionStatus, UploadFault, UploadFaultKind};
use reqwest::Client;

use super::*;

/// The status of one `chunk`, which must reach the fake.
async fn chunk_status(url: &str, command: &str, offset: u64, data: Vec<u8>) -> StatusCode {
    chunk(url, command, offset, data).await.unwrap().status()
}

#[tokio::test]
async fn raw_upload_shapes() {
    let (g, token) = fake_with_token(quick().with_max_upload_bytes(1000));
    let raw = |data: Vec<u8>| {
        client()
            .post(format!("{}/v1/uploads", g.base_url()))
            .bearer_auth(&token)
            .header("X-Goog-Upload-Protocol", "raw")
            .body(data)
            .send()
    };
    let response = raw(Vec::new()).await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        json!({"code":3,"message":"Payload must not be empty"})
    );
    let response = raw(bytes(1, 1001)).await.unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        json!({"code":3,"message":"The request exceeded the max file size limit of 1000 bytes."})
    );
    let upload = upload_raw(&g, &token, bytes(1, 1000), "a.jpg").await;
    assert!(!upload.is_empty());
    assert_eq!(g.request_count(RequestKind::UploadRaw), 3);
}

#[tokio::test]
async fn resumable_default_cap_is_a_413_at_the_upload_step() {
    let (g, token) = fake_with_token(quick());
    let url = session_url(&g, &token, 21 << 30, "huge.mp4").await;
    let response = chunk(&url, "upload, finalize", 0, vec![1]).await.unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        json!({"code":3,"message":"The request exceeded the max file size limit of 20 GB."})
    );
}

#[tokio::test]
async fn resumable_start_query_chunks_and_finalize() {
    let (g, token) = fake_with_token(quick().with_chunk_granularity(1024));
    let data = bytes(7, 2048 + 500);
    let response = start_session(&g, &token, data.len() as u64, "GX010001.MP4").await;
    assert_eq!(response.status(), StatusCode::OK);
    let h = response.headers();
    assert_eq!(h["x-goog-upload-status"], "active");
    assert_eq!(h["x-goog-upload-chunk-granularity"], "1024");
    let url = h["x-goog-upload-url"].to_str().unwrap().to_string();
    assert!(url.starts_with(&format!("{}/v1/uploads?upload_id=", g.base_url())));
    assert!(url.ends_with("&upload_protocol=resumable"));
    assert_eq!(query(&url).await, ("active".into(), 0));

    // Offset must match; non-final chunks must be aligned; finalize needs every byte.
    assert_eq!(
        chunk_status(&url, "upload", 5, data[..1024].to_vec()).await,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        chunk_status(&url, "upload", 0, data[..1000].to_vec()).await,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        chunk_status(&url, "upload, finalize", 0, data[..2048].to_vec()).await,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(query(&url).await, ("active".into(), 0));
    let response = chunk(&url, "upload", 0, data[..2048].to_vec())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(query(&url).await, ("active".into(), 2048));
    let response = chunk(&url, "upload, finalize", 2048, Vec::new())
        .await
        .unwrap();
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        json!({"code":3,"message":"Payload must not be empty"})
    );
    let response = chunk(&url, "upload,finalize", 2048, data[2048..].to_vec())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["x-goog-upload-status"], "final");
    let upload_token = response.text().await.unwrap();
    assert_eq!(query(&url).await, ("final".into(), data.len() as u64));
    let again = chunk(&url, " Upload ,  FINALIZE ", 2048, data[2048..].to_vec())
        .await
        .unwrap();
    assert_eq!(again.text().await.unwrap(), upload_token);

    let (status, body) = batch_create(&g, &token, &[(&upload_token, "GX010001.MP4")]).await;
    assert_eq!(status, StatusCode::OK);
    let item = &body["newMediaItemResults"][0]["mediaItem"];
    assert_eq!(item["mediaMetadata"]["video"]["status"], "PROCESSING");
    assert!(item["mediaMetadata"]["width"].is_string());
    assert_eq!(g.media_items()[0].sha256, sha256_hex(&data));
    let sessions = g.upload_sessions();
    assert_eq!(
        (sessions[0].status, sessions[0].received),
        (SessionStatus::Final, data.len() as u64)
    );
    assert_eq!(g.request_count(RequestKind::UploadQuery), 4);
}

#[tokio::test]
async fn dropped_connection_keeps_the_aligned_prefix() {
    let (g, token) = fake_with_token(quick().with_chunk_granularity(1024));
    let data = bytes(9, 10_000);
    let url = session_url(&g, &token, data.len() as u64, "a.mp4").await;
    g.set_upload_fault(UploadFault {
        kind: UploadFaultKind::Drop,
        after_bytes: 3000,
        times: 1,
    });
    let err = chunk(&url, "upload, finalize", 0, data.clone()).await;
    assert!(
        err.is_err(),
        "the client must see a transport error, got {:?}",
        err.map(|r| r.status())
    );
    assert_eq!(query(&url).await, ("active".into(), 2048));

    g.set_upload_fault(UploadFault {
        kind: UploadFaultKind::ServerError,
        after_bytes: 3000,
        times: 1,
    });
    let response = chunk(&url, "upload, finalize", 2048, data[2048..].to_vec())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(query(&url).await, ("active".into(), 2048 + 2048));

    let response = chunk(&url, "upload, finalize", 4096, data[4096..].to_vec())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let upload_token = response.text().await.unwrap();
    batch_create(&g, &token, &[(&upload_token, "a.mp4")]).await;
    assert_eq!(g.media_items()[0].sha256, sha256_hex(&data));
}

#[tokio::test]
async fn sessions_expire() {
    let (g, token) = fake_with_token(quick().with_session_ttl(60, 410));
    let url = session_url(&g, &token, 10, "a.mp4").await;
    g.clock().advance(Duration::from_secs(61));
    let response = client()
        .post(&url)
        .header("X-Goog-Upload-Command", "query")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::GONE);
    g.update_scenario(|s| s.expired_session_status = 404);
    let url = session_url(&g, &token, 10, "b.mp4").await;
    g.expire_upload_sessions();
    assert_eq!(
        chunk_status(&url, "upload", 0, vec![1; 10]).await,
        StatusCode::NOT_FOUND
    );
    assert!(g.upload_sessions().iter().all(|s| s.expired));
}

/// A session `query` from a fresh client, with `bearer` if given: status and received.
async fn query_as(url: &str, bearer: Option<&str>) -> (StatusCode, Option<u64>, Value) {
    let mut request = client()
        .post(url)
        .header("Content-Length", "0")
        .header("X-Goog-Upload-Command", "query");
    if let Some(token) = bearer {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("query");
    let status = response.status();
    let received = response
        .headers()
        .get("x-goog-upload-size-received")
        .and_then(|v| v.to_str().ok()?.parse().ok());
    let body = response.json().await.unwrap_or(Value::Null);
    (status, received, body)
}

#[tokio::test]
async fn session_urls_take_a_bearer_and_can_require_one() {
    // By default the URL is the capability: with or without a token, even a wrong one.
    let (g, token) = fake_with_token(quick());
    let url = session_url(&g, &token, 10, "a.mp4").await;
    for bearer in [None, Some(token.as_str()), Some("ya29.not-a-token")] {
        assert_eq!(query_as(&url, bearer).await.0, StatusCode::OK, "{bearer:?}");
    }

    let (g, token) = fake_with_token(quick().with_session_requires_bearer(true));
    let url = session_url(&g, &token, 10, "a.mp4").await;
    assert_eq!(query_as(&url, Some(&token)).await.0, StatusCode::OK);
    let other_401 = client()
        .get(format!("{}/v1/albums", g.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(other_401.status(), StatusCode::UNAUTHORIZED);
    let www = other_401.headers()["www-authenticate"].clone();
    let other_401: Value = other_401.json().await.unwrap();
    for bearer in [None, Some("ya29.not-a-token")] {
        let (status, _, body) = query_as(&url, bearer).await;
        assert_eq!((status, &body), (StatusCode::UNAUTHORIZED, &other_401));
    }
    let response = chunk(&url, "upload, finalize", 0, vec![1; 10])
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(response.headers()["www-authenticate"], www);
    g.expire_access_tokens();
    assert_eq!(
        query_as(&url, Some(&token)).await.0,
        StatusCode::UNAUTHORIZED
    );
    // A fresh token (the client refreshed) finishes the upload.
    let fresh = g.issue_tokens(ALL).access_token;
    let response = client()
        .post(&url)
        .bearer_auth(&fresh)
        .header("X-Goog-Upload-Command", "upload, finalize")
        .header("X-Goog-Upload-Offset", "0")
        .body(vec![1u8; 10])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    // Without the upload scope: the same 403 as the start request.
    let reader = g.issue_tokens(&[SCOPE_READONLY_APPCREATED]).access_token;
    assert_eq!(query_as(&url, Some(&reader)).await.0, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn sessions_survive_the_client_restarting() {
    let g = FakeGoogle::start(
        quick()
            .with_chunk_granularity(1024)
            .with_session_requires_bearer(true),
    )
    .unwrap();
    let data = bytes(3, 3000);
    let url = {
        // The first run: its own client and token, gone after two chunks.
        let first = Client::new();
        let token = g.issue_tokens(ALL).access_token;
        let url = session_url(&g, &token, data.len() as u64, "GX010009.MP4").await;
        for offset in [0usize, 1024] {
            let response = first
                .post(&url)
                .bearer_auth(&token)
                .header("X-Goog-Upload-Command", "upload")
                .header("X-Goog-Upload-Offset", offset.to_string())
                .body(data[offset..offset + 1024].to_vec())
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), StatusCode::OK);
        }
        url
    };
    // The second run: a new client and token query the stored URL and go on.
    let token = g.issue_tokens(ALL).access_token;
    let (status, received, _) = query_as(&url, Some(&token)).await;
    assert_eq!((status, received), (StatusCode::OK, Some(2048)));
    let response = Client::new()
        .post(&url)
        .bearer_auth(&token)
        .header("X-Goog-Upload-Command", "upload, finalize")
        .header("X-Goog-Upload-Offset", "2048")
        .body(data[2048..].to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let upload_token = response.text().await.unwrap();
    let (status, _) = batch_create(&g, &token, &[(&upload_token, "GX010009.MP4")]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(g.media_items()[0].sha256, sha256_hex(&data));
}

#[tokio::test]
async fn killed_sessions_answer_410() {
    let (g, token) = fake_with_token(quick().with_chunk_granularity(1024));
    let one = session_url(&g, &token, 4096, "one.mp4").await;
    let two = session_url(&g, &token, 4096, "two.mp4").await;
    let id = |url: &str| {
        url.split("upload_id=")
            .nth(1)
            .unwrap()
            .split('&')
            .next()
            .unwrap()
            .to_owned()
    };
    assert!(!g.kill_upload_session("no-such-session"));
    assert!(g.kill_upload_session(&id(&one)));
    let (status, _, body) = query_as(&one, None).await;
    assert_eq!(status, StatusCode::GONE);
    assert_eq!(body["code"], 5);
    assert_eq!(query_as(&two, None).await.0, StatusCode::OK);
    assert_eq!(g.kill_upload_sessions(), 1);
    assert_eq!(
        chunk_status(&two, "upload", 0, vec![0; 1024]).await,
        StatusCode::GONE
    );
    assert_eq!(g.kill_upload_sessions(), 0);
    let sessions = g.upload_sessions();
    assert!(sessions
        .iter()
        .all(|s| s.killed && !s.expired && s.received == 0));

    // A chunk in flight when its session is killed gets 410 too.
    let three = session_url(&g, &token, 4096, "three.mp4").await;
    g.set_upload_shaping(fakes::Shaping {
        latency_ms: 0,
        bytes_per_sec: Some(8192),
    });
    let in_flight = {
        let url = three.clone();
        tokio::spawn(async move { chunk(&url, "upload", 0, vec![0; 2048]).await })
    };
    tokio::time::sleep(Duration::from_millis(80)).await;
    assert!(g.kill_upload_session(&id(&three)));
    let response = in_flight.await.unwrap().unwrap();
    assert_eq!(response.status(), StatusCode::GONE);
}

#[tokio::test]
async fn upload_shaping_throttles_how_fast_the_body_is_read() {
    let shaping = fakes::Shaping {
        latency_ms: 0,
        bytes_per_sec: Some(200_000),
    };
    let (g, token) = fake_with_token(quick().with_upload_shaping(shaping));
    let started = std::time::Instant::now();
    upload_raw(&g, &token, bytes(1, 100_000), "a.jpg").await;
    assert!(
        started.elapsed() >= Duration::from_millis(400),
        "{:?}",
        started.elapsed()
    );
}
