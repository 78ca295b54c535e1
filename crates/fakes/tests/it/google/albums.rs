//! Albums: permissions, membership and `batchAddMediaItems`.

use super::*;

#[tokio::test]
async fn albums_permissions_membership_and_batch_add() {
    let (g, token) = fake_with_token(quick().with_foreign_album("theirs"));
    let up = upload_raw(&g, &token, bytes(1, 100), "a.jpg").await;
    let mut body = items(&[(&up, "a.jpg")]);
    body["albumId"] = json!("theirs");
    let (status, err) = post_json(&g, &token, "/v1/mediaItems:batchCreate", body.clone()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        err["error"]["message"],
        "No permission to add media items to this album."
    );

    let (status, album) = post_json(
        &g,
        &token,
        "/v1/albums",
        json!({"album": {"title": "GoPro 2024"}}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (
            album["isWriteable"].clone(),
            album["mediaItemsCount"].clone()
        ),
        (json!(true), json!("0"))
    );
    let album_id = album["id"].as_str().unwrap().to_string();
    body["albumId"] = json!(album_id);
    let (_, created) = post_json(&g, &token, "/v1/mediaItems:batchCreate", body).await;
    let item_id = created["newMediaItemResults"][0]["mediaItem"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (_, created) = batch_create(
        &g,
        &token,
        &[(
            &upload_raw(&g, &token, bytes(2, 100), "b.jpg").await,
            "b.jpg",
        )],
    )
    .await;
    let other = created["newMediaItemResults"][0]["mediaItem"]["id"]
        .as_str()
        .unwrap()
        .to_string();

    let add = format!("/v1/albums/{album_id}:batchAddMediaItems");
    let (status, err) = post_json(
        &g,
        &token,
        &add,
        json!({"mediaItemIds": [other, "not-an-item"]}),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        err["error"]["message"],
        "Request contains an invalid media item id."
    );
    assert_eq!(
        g.albums()[1].media_item_ids,
        vec![item_id.clone()],
        "all or nothing"
    );
    let ids: Vec<String> = (0..51).map(|_| other.clone()).collect();
    assert_eq!(
        post_json(&g, &token, &add, json!({"mediaItemIds": ids}))
            .await
            .0,
        StatusCode::BAD_REQUEST
    );
    let (status, ok) = post_json(&g, &token, &add, json!({"mediaItemIds": [other]})).await;
    assert_eq!((status, ok), (StatusCode::OK, json!({})));
    assert_eq!(g.albums()[1].media_item_ids, vec![item_id, other]);
    let (status, err) = post_json(
        &g,
        &token,
        "/v1/albums/theirs:batchAddMediaItems",
        json!({"mediaItemIds": ["x"]}),
    )
    .await;
    assert_eq!(
        (status, err["error"]["message"].as_str()),
        (
            StatusCode::BAD_REQUEST,
            Some("No permission to add media items to this album.")
        )
    );

    let (_, listed) = get_json(&g, &token, "/v1/albums").await;
    assert_eq!(
        listed["albums"].as_array().unwrap().len(),
        1,
        "foreign albums are not listed"
    );
    assert_eq!(listed["albums"][0]["mediaItemsCount"], "2");
    let (_, found) = post_json(
        &g,
        &token,
        "/v1/mediaItems:search",
        json!({"albumId": album_id}),
    )
    .await;
    assert_eq!(found["mediaItems"].as_array().unwrap().len(), 2);
}
