//! `mediaItems:batchCreate`, listing and search: limits, per-item statuses, same-bytes merging.

use std::collections::HashSet;
use std::time::Duration;

use fakes::content::sha256_hex;
use fakes::google::{InvalidTokenPolicy, ItemFailure, ItemFault};

use super::*;

#[tokio::test]
async fn batch_create_limits_and_per_item_statuses() {
    let g = FakeGoogle::start(quick().with_item_fault(ItemFault {
        filename_contains: Some(".gpr".into()),
        failure: ItemFailure::BadImage,
        ..ItemFault::default()
    }))
    .unwrap();
    let token = g.issue_tokens(ALL).access_token;
    let many: Vec<(&str, &str)> = (0..51).map(|_| ("t", "a.jpg")).collect();
    let (status, body) = batch_create(&g, &token, &many).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body["error"]["message"],
        "Request must have less than 50 items."
    );
    assert_eq!(body["error"]["status"], "INVALID_ARGUMENT");
    let (status, body) = batch_create(&g, &token, &[("bogus", "a.jpg")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body["error"]["message"],
        "Request must contain a valid upload token."
    );

    g.update_scenario(|s| s.invalid_token_policy = InvalidTokenPolicy::PerItem);
    g.set_item_fault(ItemFault {
        index: Some(3),
        failure: ItemFailure::Internal,
        times: Some(1),
        ..ItemFault::default()
    });
    let ok = upload_raw(&g, &token, bytes(1, 100), "x").await;
    let raw = upload_raw(&g, &token, bytes(2, 100), "x").await;
    let doc = upload_raw(&g, &token, bytes(3, 100), "x").await;
    let transient = upload_raw(&g, &token, bytes(4, 100), "x").await;
    let (status, body) = batch_create(
        &g,
        &token,
        &[
            (&ok, "GOPR0001.JPG"),
            (&raw, "GOPR0002.GPR"),
            (&doc, "notes.txt"),
            (&transient, "GOPR0003.JPG"),
            ("bogus", "b.jpg"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let results = body["newMediaItemResults"].as_array().unwrap();
    assert_eq!(results.len(), 5);
    assert_eq!(results[0]["status"], json!({"message": "Success"}));
    assert_eq!(results[0]["uploadToken"], ok.as_str());
    assert_eq!(results[0]["mediaItem"]["filename"], "GOPR0001.JPG");
    assert_eq!(results[0]["mediaItem"]["mediaMetadata"]["photo"], json!({}));
    assert_eq!(results[1]["status"]["code"], 3);
    assert!(results[1]["status"]["message"]
        .as_str()
        .unwrap()
        .starts_with("BAD_IMAGE:"));
    assert!(results[2]["status"]["message"]
        .as_str()
        .unwrap()
        .starts_with("NOT_IMAGE:"));
    assert_eq!(results[3]["status"]["code"], 13);
    assert_eq!(results[4]["status"]["code"], 3);
    assert!(results[1].get("mediaItem").is_none());
    // The transient failure is used up: the retry succeeds.
    let (_, body) = batch_create(&g, &token, &[(&transient, "GOPR0003.JPG")]).await;
    assert_eq!(
        body["newMediaItemResults"][0]["status"]["message"],
        "Success"
    );

    g.clock().advance(Duration::from_secs(3601));
    let token = g.issue_tokens(ALL).access_token;
    let (_, body) = batch_create(&g, &token, &[(&ok, "GOPR0001.JPG")]).await;
    assert_eq!(
        body["newMediaItemResults"][0]["status"]["code"], 3,
        "upload tokens expire after an hour"
    );
}

#[tokio::test]
async fn identical_bytes_give_the_same_item_and_keep_the_first_filename() {
    let (g, token) = fake_with_token(quick());
    let first = upload_raw(&g, &token, bytes(5, 300), "first.jpg").await;
    let second = upload_raw(&g, &token, bytes(5, 300), "second.jpg").await;
    let (_, a) = batch_create(&g, &token, &[(&first, "first.jpg")]).await;
    let (_, b) = batch_create(
        &g,
        &token,
        &[(&second, "second.jpg"), (&first, "third.jpg")],
    )
    .await;
    let id = &a["newMediaItemResults"][0]["mediaItem"]["id"];
    assert_eq!(&b["newMediaItemResults"][0]["mediaItem"]["id"], id);
    assert_eq!(&b["newMediaItemResults"][1]["mediaItem"]["id"], id);
    assert_eq!(
        b["newMediaItemResults"][0]["mediaItem"]["filename"],
        "first.jpg"
    );
    let all = g.media_items();
    assert_eq!(all.len(), 1);
    assert_eq!(
        (all[0].filename.as_str(), all[0].sha256.clone(), all[0].size),
        ("first.jpg", sha256_hex(&bytes(5, 300)), 300)
    );
}

/// Creates from the same bytes three times: twice with one description, once with another.
async fn create_the_same_bytes_three_times(g: &FakeGoogle) -> Vec<String> {
    let token = g.issue_tokens(ALL).access_token;
    let first = upload_raw(g, &token, bytes(5, 300), "a.jpg").await;
    let second = upload_raw(g, &token, bytes(5, 300), "a.jpg").await;
    let item = |t: &str, name: &str, description: &str| {
        json!({ "description": description,
                "simpleMediaItem": { "uploadToken": t, "fileName": name } })
    };
    let mut ids = Vec::new();
    for batch in [
        json!({ "newMediaItems": [item(&first, "a.jpg", "gopro:1")] }),
        json!({ "newMediaItems": [item(&second, "a.jpg", "gopro:1"),
                                  item(&first, "b.jpg", "gopro:2")] }),
    ] {
        let (status, body) = post_json(g, &token, "/v1/mediaItems:batchCreate", batch).await;
        assert_eq!(status, StatusCode::OK);
        for result in body["newMediaItemResults"].as_array().unwrap() {
            assert_eq!(result["status"]["message"], "Success");
            ids.push(result["mediaItem"]["id"].as_str().unwrap().to_owned());
        }
    }
    ids
}

#[tokio::test]
async fn the_same_bytes_merge_is_an_option() {
    let counts = |pairs: &[(&str, usize)]| {
        pairs
            .iter()
            .map(|(k, n)| (k.to_string(), *n))
            .collect::<std::collections::HashMap<_, _>>()
    };
    // Default: one item, with the first create's description and filename.
    let g = FakeGoogle::start(quick()).unwrap();
    let ids = create_the_same_bytes_three_times(&g).await;
    assert!(ids.iter().all(|id| *id == ids[0]));
    assert_eq!(g.items_by_description(), counts(&[("gopro:1", 1)]));
    assert_eq!(g.items_by_filename(), counts(&[("a.jpg", 1)]));
    assert_eq!(g.storage_used(), 300);

    // Without it every create is a new item, and the duplicate shows.
    let g = FakeGoogle::start(quick().with_merge_same_bytes(false)).unwrap();
    let ids = create_the_same_bytes_three_times(&g).await;
    assert_eq!(ids.iter().collect::<HashSet<_>>().len(), 3);
    assert_eq!(
        g.items_by_description(),
        counts(&[("gopro:1", 2), ("gopro:2", 1)])
    );
    assert_eq!(g.items_by_filename(), counts(&[("a.jpg", 2), ("b.jpg", 1)]));
    assert_eq!(g.storage_used(), 900);
    assert!(g
        .media_items()
        .iter()
        .all(|i| i.sha256 == sha256_hex(&bytes(5, 300))));
    let listed = get_json(&g, &g.issue_tokens(ALL).access_token, "/v1/mediaItems")
        .await
        .1;
    assert_eq!(listed["mediaItems"].as_array().unwrap().len(), 3);

    let scenario: GoogleScenario = serde_json::from_str(r#"{"merge_same_bytes": false}"#).unwrap();
    assert!(!scenario.merge_same_bytes);
    assert!(GoogleScenario::default().merge_same_bytes);
}

#[tokio::test]
async fn storage_full_fails_the_whole_batch() {
    let (g, token) = fake_with_token(quick().with_storage_quota(250));
    let a = upload_raw(&g, &token, bytes(1, 200), "a.jpg").await;
    let b = upload_raw(&g, &token, bytes(2, 100), "b.jpg").await;
    assert_eq!(
        batch_create(&g, &token, &[(&a, "a.jpg")]).await.0,
        StatusCode::OK
    );
    let (status, body) = batch_create(&g, &token, &[(&b, "b.jpg")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body["error"]["message"],
        "The remaining storage in the user's account is not enough to perform this operation."
    );
    assert_eq!(body["error"]["status"], "INVALID_ARGUMENT");
    g.update_scenario(|s| s.storage_quota_bytes = None);
    g.set_storage_full(true);
    assert_eq!(
        batch_create(&g, &token, &[(&b, "b.jpg")]).await.0,
        StatusCode::BAD_REQUEST
    );
    g.set_storage_full(false);
    assert_eq!(
        batch_create(&g, &token, &[(&b, "b.jpg")]).await.0,
        StatusCode::OK
    );
}

#[tokio::test]
async fn listing_is_paged_in_creation_order() {
    let (g, token) = fake_with_token(quick());
    assert_eq!(get_json(&g, &token, "/v1/mediaItems").await.1, json!({}));
    let mut batch = Vec::new();
    for i in 0..30u8 {
        batch.push((
            upload_raw(&g, &token, bytes(i, 64), "x").await,
            format!("IMG_{i:02}.JPG"),
        ));
    }
    let refs: Vec<(&str, &str)> = batch
        .iter()
        .map(|(t, n)| (t.as_str(), n.as_str()))
        .collect();
    let mut body = items(&refs);
    body["newMediaItems"][0]["description"] = json!("first one");
    assert_eq!(
        post_json(&g, &token, "/v1/mediaItems:batchCreate", body)
            .await
            .0,
        StatusCode::OK
    );
    let (_, page1) = get_json(&g, &token, "/v1/mediaItems").await;
    let items1 = page1["mediaItems"].as_array().unwrap();
    assert_eq!(items1.len(), 25);
    assert_eq!(items1[0]["filename"], "IMG_00.JPG");
    assert_eq!(items1[0]["description"], "first one");
    let next = page1["nextPageToken"].as_str().unwrap();
    let (_, page2) = get_json(
        &g,
        &token,
        &format!("/v1/mediaItems?pageSize=25&pageToken={next}"),
    )
    .await;
    let items2 = page2["mediaItems"].as_array().unwrap();
    assert_eq!(
        (items2.len(), items2[4]["filename"].clone()),
        (5, json!("IMG_29.JPG"))
    );
    assert!(page2.get("nextPageToken").is_none());
    let (_, search) = post_json(&g, &token, "/v1/mediaItems:search", json!({"pageSize": 10})).await;
    assert_eq!(search["mediaItems"].as_array().unwrap().len(), 10);
    assert_eq!(
        get_json(&g, &token, "/v1/mediaItems?pageToken=garbage")
            .await
            .0,
        StatusCode::BAD_REQUEST
    );
}
