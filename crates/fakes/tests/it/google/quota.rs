//! The request gate: concurrent writes, the per-minute and daily quotas, injected faults.

use std::time::Duration;

use fakes::google::{InjectedError, RequestFault, RequestKind};

use super::*;

#[tokio::test]
async fn concurrent_batch_create_gets_429() {
    let (g, token) = fake_with_token(GoogleScenario::default().with_batch_create_ms(300));
    let a = upload_raw(&g, &token, bytes(1, 100), "a.jpg").await;
    let b = upload_raw(&g, &token, bytes(2, 100), "b.jpg").await;
    let (first, second) = tokio::join!(
        // Not `batch_create`: `join!` keeps its futures longer than a temporary slice lives.
        post_json(
            &g,
            &token,
            "/v1/mediaItems:batchCreate",
            items(&[(&a, "a.jpg")])
        ),
        async {
            tokio::time::sleep(Duration::from_millis(50)).await;
            post_json(
                &g,
                &token,
                "/v1/mediaItems:batchCreate",
                items(&[(&b, "b.jpg")]),
            )
            .await
        }
    );
    assert_eq!(first.0, StatusCode::OK);
    assert_eq!(second.0, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(second.1["error"]["status"], "RESOURCE_EXHAUSTED");
    assert!(second.1["error"]["message"]
        .as_str()
        .unwrap()
        .contains("'concurrent write request'"));
    assert_eq!(
        batch_create(&g, &token, &[(&b, "b.jpg")]).await.0,
        StatusCode::OK
    );
}

/// Asserts `body` is Google's 429 quota envelope for `limit` (`value`, `metric`).
fn assert_quota_body(body: &Value, limit: &str, value: &str, metric: &str, message_part: &str) {
    let error = &body["error"];
    assert_eq!(error["code"], 429);
    assert_eq!(error["status"], "RESOURCE_EXHAUSTED");
    assert!(
        error["message"].as_str().unwrap().contains(message_part),
        "{error}"
    );
    assert_eq!(error["errors"][0]["reason"], "rateLimitExceeded");
    let meta = &error["details"][0]["metadata"];
    assert_eq!(error["details"][0]["reason"], "RATE_LIMIT_EXCEEDED");
    assert_eq!(meta["quota_limit"], limit);
    assert_eq!(meta["quota_limit_value"], value);
    assert_eq!(meta["quota_metric"], metric);
    assert_eq!(
        error["details"][1]["@type"],
        "type.googleapis.com/google.rpc.Help"
    );
}

#[tokio::test]
async fn per_minute_write_quota_uses_the_clock() {
    let (g, token) = fake_with_token(quick());
    for _ in 0..30 {
        assert_eq!(
            post_json(&g, &token, "/v1/albums", json!({"album": {"title": "t"}}))
                .await
                .0,
            StatusCode::OK
        );
    }
    let (status, body) =
        post_json(&g, &token, "/v1/albums", json!({"album": {"title": "t"}})).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_quota_body(
        &body,
        "WritesPerMinutePerUser",
        "30",
        "photoslibrary.googleapis.com/write_requests",
        "limit 'Write requests per minute per user'",
    );
    assert_eq!(
        get_json(&g, &token, "/v1/albums").await.0,
        StatusCode::OK,
        "reads are not writes"
    );
    g.clock().advance(Duration::from_secs(61));
    assert_eq!(
        post_json(&g, &token, "/v1/albums", json!({"album": {"title": "t"}}))
            .await
            .0,
        StatusCode::OK
    );
}

#[tokio::test]
async fn daily_quota_counts_every_api_request() {
    let (g, token) = fake_with_token(quick().with_quotas(5, 30));
    let url = session_url(&g, &token, 4, "a.mp4").await;
    query(&url).await;
    for _ in 0..3 {
        assert_eq!(list_status(&g, &token).await, StatusCode::OK);
    }
    let (status, body) = get_json(&g, &token, "/v1/albums").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_quota_body(
        &body,
        "ApiCallsPerProjectPerDay",
        "5",
        "photoslibrary.googleapis.com/all_requests",
        "limit 'All requests per day'",
    );
    assert_eq!(g.quota_usage().daily_used, 5);
    g.clock().advance(Duration::from_secs(86_400));
    let token = g.issue_tokens(ALL).access_token;
    assert_eq!(get_json(&g, &token, "/v1/albums").await.0, StatusCode::OK);
}

#[tokio::test]
async fn the_daily_limit_can_say_when_the_fakes_quota_day_ends() {
    let mut scenario = quick().with_quotas(1, 30);
    scenario.daily_retry_after = true;
    let (g, token) = fake_with_token(scenario);
    assert_eq!(get_json(&g, &token, "/v1/albums").await.0, StatusCode::OK);
    let refused = get(&g, &token, "/v1/albums").await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    let secs: i64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    // The seconds to the next midnight at UTC−8 on the fake's clock.
    let left = (g.quota_usage().daily_resets_at - g.clock().now()).num_seconds();
    assert!((secs - left).abs() <= 1 && secs > 0, "{secs} vs {left}");
}

#[tokio::test]
async fn injected_faults_and_retry_after() {
    let (g, token) = fake_with_token(quick());
    g.set_request_fault(RequestFault {
        error: InjectedError::RateLimitPerMinute,
        times: 1,
        only: Some(RequestKind::List),
        retry_after_secs: Some(30),
    });
    g.set_request_fault(RequestFault {
        error: InjectedError::RateLimitDaily,
        times: 1,
        only: None,
        retry_after_secs: None,
    });
    g.set_request_fault(RequestFault {
        error: InjectedError::BackendError,
        times: 1,
        only: None,
        retry_after_secs: None,
    });
    g.set_request_fault(RequestFault {
        error: InjectedError::Aborted,
        times: 1,
        only: None,
        retry_after_secs: None,
    });
    let response = get(&g, &token, "/v1/mediaItems").await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(response.headers()["retry-after"], "30");
    let body: Value = response.json().await.unwrap();
    assert_quota_body(
        &body,
        "WritesPerMinutePerUser",
        "30",
        "photoslibrary.googleapis.com/write_requests",
        "per minute",
    );
    let response = get(&g, &token, "/v1/albums").await;
    assert!(response.headers().get("retry-after").is_none());
    assert_quota_body(
        &response.json().await.unwrap(),
        "ApiCallsPerProjectPerDay",
        "10000",
        "photoslibrary.googleapis.com/all_requests",
        "All requests per day",
    );
    let (status, body) = get_json(&g, &token, "/v1/albums").await;
    assert_eq!(
        (status, body["error"]["errors"][0]["reason"].as_str()),
        (StatusCode::INTERNAL_SERVER_ERROR, Some("backendError"))
    );
    let (status, body) = get_json(&g, &token, "/v1/albums").await;
    assert_eq!(
        (status, body["error"]["status"].as_str()),
        (StatusCode::CONFLICT, Some("ABORTED"))
    );
    assert_eq!(get_json(&g, &token, "/v1/albums").await.0, StatusCode::OK);
}
