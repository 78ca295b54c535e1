//! `/media/{id}/download`: the shape of every medium, processing states and the zip trap.

use std::collections::HashSet;

use fakes::content::sha256_hex;
use fakes::gopro::{demo_id, Media, ProcessingState};

use super::*;

#[tokio::test]
async fn download_shapes_of_videos() {
    let (fake, t) = fake_with_token(GoProScenario::demo());
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
    let proxy = fetch(&c, url(&e["files"][0], "url")).await;
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
    let (late, lt) = fake_with_token(GoProScenario::default().with_library(vec![Media::video(
        "late",
        "GX010777.MP4",
        chrono::Utc::now(),
        7,
        50_000,
    )
    .with_state(ProcessingState::Transcoding)]));
    assert_eq!(
        total(&get_json(&late, &lt, "/media/search?processing_states=transcoding").await),
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
        total(&get_json(&late, &lt, "/media/search?processing_states=transcoding").await),
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
        status_of(&fake, &t, "/media/nope/download").await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        status_of(&fake, &t, "/media/nope").await,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn download_shapes_of_photos_bursts_and_edits() {
    let (fake, t) = fake_with_token(GoProScenario::demo());
    let c = client();
    // Photo: files[0] is the original.
    let d = download(&fake, &t, &demo_id(1)).await;
    let file = fetch(&c, url(&d["_embedded"]["files"][0], "url")).await;
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
    let third = fetch(&c, url(&files[2], "url")).await;
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
    let (fake, t) = fake_with_token(scenario);
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
async fn zip_fallback_is_an_empty_200() {
    let (fake, t) = fake_with_token(GoProScenario::demo());
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
