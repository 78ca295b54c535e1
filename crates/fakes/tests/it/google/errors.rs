//! The error envelopes of missing credentials and missing scopes.

use super::*;

#[tokio::test]
async fn auth_errors_have_google_shapes() {
    let g = FakeGoogle::start(quick()).unwrap();
    let response = client()
        .get(format!("{}/v1/mediaItems", g.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], 401);
    let read_only = g.issue_tokens(&[SCOPE_READONLY_APPCREATED]).access_token;
    let (status, body) = batch_create(&g, &read_only, &[("t", "a.jpg")]).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["error"]["code"], 403);
    assert_eq!(
        body["error"]["details"][0]["metadata"]["method"],
        "google.photos.library.v1.PhotosLibrary.BatchCreateMediaItems"
    );
    let append_only = g.issue_tokens(&[SCOPE_APPENDONLY]).access_token;
    assert_eq!(list_status(&g, &append_only).await, StatusCode::FORBIDDEN);
    assert_eq!(
        get_json(&g, &append_only, "/v1/albums").await.0,
        StatusCode::FORBIDDEN
    );
}
