//! Raw-HTTP tests of the Google fake: the places where a wrong fake would go unnoticed.

use std::collections::HashSet;
use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use fakes::content::sha256_hex;
use fakes::google::{
    Consent, FakeGoogle, GoogleScenario, InjectedError, InvalidTokenPolicy, ItemFailure, ItemFault,
    RequestFault, RequestKind, SessionStatus, UploadFault, UploadFaultKind, SCOPE_APPENDONLY,
    SCOPE_READONLY_APPCREATED,
};
use fakes::Clock;
use reqwest::{redirect, Client, StatusCode};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

const REDIRECT: &str = "http://127.0.0.1:45678/callback";
const ALL: &[&str] = &[SCOPE_APPENDONLY, SCOPE_READONLY_APPCREATED];

fn client() -> Client {
    Client::builder()
        .redirect(redirect::Policy::none())
        .build()
        .expect("client")
}

fn pkce(seed: &str) -> (String, String) {
    let verifier = format!("verifier-{seed}-0123456789abcdefghijklmnopqrstuvwxyz");
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    (verifier, challenge)
}

fn bytes(seed: u8, len: usize) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
        .collect()
}

async fn authorize(
    g: &FakeGoogle,
    challenge: &str,
    redirect_uri: &str,
    scope: &str,
) -> reqwest::Response {
    client()
        .get(g.authorize_url())
        .query(&[
            ("client_id", g.client_id().as_str()),
            ("redirect_uri", redirect_uri),
            ("response_type", "code"),
            ("scope", scope),
            ("state", "xyz-state"),
            ("code_challenge", challenge),
            ("code_challenge_method", "S256"),
            ("access_type", "offline"),
        ])
        .send()
        .await
        .expect("authorize")
}

fn location_params(response: &reqwest::Response) -> Vec<(String, String)> {
    let location = response.headers()["location"].to_str().expect("location");
    url::Url::parse(location)
        .expect("url")
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn param(params: &[(String, String)], key: &str) -> Option<String> {
    params
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.clone())
}

async fn exchange(g: &FakeGoogle, form: &[(&str, &str)]) -> (StatusCode, Value) {
    let response = client()
        .post(g.token_url())
        .form(form)
        .send()
        .await
        .expect("token");
    let status = response.status();
    (status, response.json().await.expect("json"))
}

async fn code_for(g: &FakeGoogle, challenge: &str, scope: &str) -> String {
    let response = authorize(g, challenge, REDIRECT, scope).await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    param(&location_params(&response), "code").expect("code")
}

async fn upload_raw(g: &FakeGoogle, token: &str, data: Vec<u8>, name: &str) -> String {
    let response = client()
        .post(format!("{}/v1/uploads", g.base_url()))
        .bearer_auth(token)
        .header("Content-Type", "application/octet-stream")
        .header("X-Goog-Upload-Protocol", "raw")
        .header("X-Goog-Upload-File-Name", name)
        .body(data)
        .send()
        .await
        .expect("upload");
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    response.text().await.expect("token")
}

async fn start_session(g: &FakeGoogle, token: &str, size: u64, name: &str) -> reqwest::Response {
    client()
        .post(format!("{}/v1/uploads", g.base_url()))
        .bearer_auth(token)
        .header("Content-Length", "0")
        .header("X-Goog-Upload-Command", "start")
        .header("X-Goog-Upload-Protocol", "resumable")
        .header("X-Goog-Upload-Content-Type", "video/mp4")
        .header("X-Goog-Upload-Raw-Size", size.to_string())
        .header("X-Goog-Upload-File-Name", name)
        .send()
        .await
        .expect("start")
}

async fn session_url(g: &FakeGoogle, token: &str, size: u64, name: &str) -> String {
    let response = start_session(g, token, size, name).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.headers()["x-goog-upload-url"]
        .to_str()
        .unwrap()
        .to_string()
}

async fn chunk(
    url: &str,
    command: &str,
    offset: u64,
    data: Vec<u8>,
) -> reqwest::Result<reqwest::Response> {
    client()
        .post(url)
        .header("X-Goog-Upload-Command", command)
        .header("X-Goog-Upload-Offset", offset.to_string())
        .header(
            "X-Goog-Upload-Header-Content-Length",
            data.len().to_string(),
        )
        .body(data)
        .send()
        .await
}

async fn query(url: &str) -> (String, u64) {
    let response = client()
        .post(url)
        .header("Content-Length", "0")
        .header("X-Goog-Upload-Command", "query")
        .send()
        .await
        .expect("query");
    assert_eq!(response.status(), StatusCode::OK);
    let h = response.headers();
    (
        h["x-goog-upload-status"].to_str().unwrap().to_string(),
        h["x-goog-upload-size-received"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap(),
    )
}

async fn post_json(g: &FakeGoogle, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
    let response = client()
        .post(format!("{}{path}", g.base_url()))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .expect("post");
    let status = response.status();
    (status, response.json().await.expect("json"))
}

async fn get_json(g: &FakeGoogle, token: &str, path: &str) -> (StatusCode, Value) {
    let response = client()
        .get(format!("{}{path}", g.base_url()))
        .bearer_auth(token)
        .send()
        .await
        .expect("get");
    let status = response.status();
    (status, response.json().await.expect("json"))
}

fn items(tokens: &[(&str, &str)]) -> Value {
    json!({ "newMediaItems": tokens.iter().map(|(t, name)| json!({
        "description": "", "simpleMediaItem": { "uploadToken": t, "fileName": name }
    })).collect::<Vec<_>>() })
}

fn quick() -> GoogleScenario {
    GoogleScenario::default().with_batch_create_ms(0)
}

#[tokio::test]
async fn code_flow_checks_pkce_secret_redirect_and_single_use() {
    let g = FakeGoogle::start(quick()).unwrap();
    let (verifier, challenge) = pkce("a");
    let response = authorize(&g, &challenge, REDIRECT, &ALL.join(" ")).await;
    let params = location_params(&response);
    assert!(response.headers()["location"]
        .to_str()
        .unwrap()
        .starts_with(REDIRECT));
    assert_eq!(param(&params, "state").as_deref(), Some("xyz-state"));
    let code = param(&params, "code").unwrap();
    let (id, secret) = (g.client_id(), g.client_secret());
    let form = |verifier: &str, secret: Option<&str>, redirect: &str| {
        let mut f = vec![
            ("grant_type", "authorization_code".to_string()),
            ("code", code.clone()),
            ("code_verifier", verifier.to_string()),
            ("redirect_uri", redirect.to_string()),
            ("client_id", id.clone()),
        ];
        if let Some(s) = secret {
            f.push(("client_secret", s.to_string()));
        }
        f
    };
    let send = |f: Vec<(&'static str, String)>| {
        let g = &g;
        async move {
            let f: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
            exchange(g, &f).await
        }
    };
    let (status, body) = send(form(&pkce("wrong").0, Some(&secret), REDIRECT)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"], "invalid_grant");
    let (status, body) = send(form(&verifier, None, REDIRECT)).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_request"))
    );
    let (status, body) = send(form(&verifier, Some("nope"), REDIRECT)).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("invalid_client"))
    );
    let (status, _) = send(form(&verifier, Some(&secret), "http://127.0.0.1:1/other")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, body) = send(form(&verifier, Some(&secret), REDIRECT)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3599);
    assert_eq!(body["scope"], ALL.join(" "));
    assert!(body["refresh_token"]
        .as_str()
        .is_some_and(|t| !t.is_empty()));
    let (status, body) = send(form(&verifier, Some(&secret), REDIRECT)).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant"))
    );
    assert_eq!(g.request_count(RequestKind::Token), 6);
}

#[tokio::test]
async fn codes_expire_after_ten_minutes() {
    let g = FakeGoogle::start(quick()).unwrap();
    let (verifier, challenge) = pkce("b");
    let code = code_for(&g, &challenge, SCOPE_APPENDONLY).await;
    g.clock().advance(Duration::from_secs(601));
    let (status, body) = exchange(
        &g,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("code_verifier", &verifier),
            ("redirect_uri", REDIRECT),
            ("client_id", &g.client_id()),
            ("client_secret", &g.client_secret()),
        ],
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant"))
    );
}

#[tokio::test]
async fn authorize_accepts_only_loopback_and_valid_params() {
    let g = FakeGoogle::start(quick()).unwrap();
    let (_, challenge) = pkce("c");
    for ok in [
        "http://[::1]:5555/",
        "http://localhost:1/x",
        "http://127.0.0.1:65000/cb",
    ] {
        assert_eq!(
            authorize(&g, &challenge, ok, SCOPE_APPENDONLY)
                .await
                .status(),
            StatusCode::SEE_OTHER,
            "{ok}"
        );
    }
    for bad in [
        "https://example.com/cb",
        "http://example.com:80/",
        "urn:ietf:wg:oauth:2.0:oob",
    ] {
        let response = authorize(&g, &challenge, bad, SCOPE_APPENDONLY).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{bad}");
        assert!(response.headers().get("location").is_none());
        assert!(response
            .text()
            .await
            .unwrap()
            .contains("Error 400: redirect_uri_mismatch"));
    }
    let response = authorize(&g, "short", REDIRECT, SCOPE_APPENDONLY).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response
        .text()
        .await
        .unwrap()
        .contains("Error 400: invalid_request"));
    let response = client()
        .get(g.authorize_url())
        .query(&[
            ("client_id", g.client_id().as_str()),
            ("redirect_uri", REDIRECT),
            ("response_type", "code"),
            ("scope", SCOPE_APPENDONLY),
            ("code_challenge", challenge.as_str()),
            ("code_challenge_method", "plain"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let response = client()
        .get(g.authorize_url())
        .query(&[("client_id", "someone-else")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn consent_deny_narrow_and_page() {
    let g = FakeGoogle::start(quick().with_consent(Consent::Deny)).unwrap();
    let (verifier, challenge) = pkce("d");
    let params = location_params(&authorize(&g, &challenge, REDIRECT, &ALL.join(" ")).await);
    assert_eq!(param(&params, "error").as_deref(), Some("access_denied"));
    assert_eq!(param(&params, "state").as_deref(), Some("xyz-state"));
    assert!(param(&params, "code").is_none());

    g.set_consent(Consent::NarrowScopes(
        vec![SCOPE_READONLY_APPCREATED.into()],
    ));
    let code = code_for(&g, &challenge, &ALL.join(" ")).await;
    let (status, body) = exchange(
        &g,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("code_verifier", &verifier),
            ("redirect_uri", REDIRECT),
            ("client_id", &g.client_id()),
            ("client_secret", &g.client_secret()),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["scope"], SCOPE_READONLY_APPCREATED);
    let access = body["access_token"].as_str().unwrap().to_string();
    let response = start_session(&g, &access, 10, "a.mp4").await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["status"], "PERMISSION_DENIED");
    assert_eq!(
        body["error"]["message"],
        "Request had insufficient authentication scopes."
    );
    assert_eq!(
        body["error"]["details"][0]["reason"],
        "ACCESS_TOKEN_SCOPE_INSUFFICIENT"
    );

    g.set_consent(Consent::Page);
    let response = authorize(&g, &challenge, REDIRECT, &ALL.join(" ")).await;
    assert_eq!(response.status(), StatusCode::OK);
    let page = response.text().await.unwrap();
    assert!(
        page.contains("Add to your Google Photos library") && page.contains("type=\"checkbox\"")
    );
    let start = page.find("name=\"request_id\" value=\"").unwrap() + 25;
    let request_id = &page[start..start + page[start..].find('"').unwrap()];
    let response = client()
        .post(format!("{}/o/oauth2/v2/approve", g.base_url()))
        .form(&[
            ("request_id", request_id),
            ("scope", SCOPE_APPENDONLY),
            ("action", "approve"),
        ])
        .send()
        .await
        .unwrap();
    let params = location_params(&response);
    assert_eq!(param(&params, "scope").as_deref(), Some(SCOPE_APPENDONLY));
    assert!(param(&params, "code").is_some());
}

#[tokio::test]
async fn refresh_grant_revocation_and_expiry() {
    let g = FakeGoogle::start(quick().with_refresh_token_ttl_days(7)).unwrap();
    let tokens = g.issue_tokens(ALL);
    let refresh = |t: String| {
        let g = &g;
        async move {
            exchange(
                g,
                &[
                    ("grant_type", "refresh_token"),
                    ("refresh_token", &t),
                    ("client_id", &g.client_id()),
                    ("client_secret", &g.client_secret()),
                ],
            )
            .await
        }
    };
    let (status, body) = refresh(tokens.refresh_token.clone()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.get("refresh_token").is_none());
    let fresh = body["access_token"].as_str().unwrap().to_string();
    assert_eq!(
        get_json(&g, &fresh, "/v1/mediaItems").await.0,
        StatusCode::OK
    );

    g.clock().advance(Duration::from_secs(3600));
    let (status, body) = get_json(&g, &fresh, "/v1/mediaItems").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"]["status"], "UNAUTHENTICATED");
    assert!(body["error"]["message"].as_str().unwrap().starts_with(
        "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential."));

    g.clock().advance(Duration::from_secs(7 * 86_400));
    let (status, body) = refresh(tokens.refresh_token.clone()).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant"))
    );

    let other = g.issue_tokens(ALL);
    assert!(g.revoke_refresh_token(&other.refresh_token));
    let (status, body) = refresh(other.refresh_token).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant"))
    );
    g.expire_access_tokens();
    assert_eq!(
        get_json(&g, &other.access_token, "/v1/mediaItems").await.0,
        StatusCode::UNAUTHORIZED
    );
}

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
    let (status, body) = post_json(
        &g,
        &read_only,
        "/v1/mediaItems:batchCreate",
        items(&[("t", "a.jpg")]),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["error"]["code"], 403);
    assert_eq!(
        body["error"]["details"][0]["metadata"]["method"],
        "google.photos.library.v1.PhotosLibrary.BatchCreateMediaItems"
    );
    let append_only = g.issue_tokens(&[SCOPE_APPENDONLY]).access_token;
    assert_eq!(
        get_json(&g, &append_only, "/v1/mediaItems").await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        get_json(&g, &append_only, "/v1/albums").await.0,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn raw_upload_shapes() {
    let g = FakeGoogle::start(quick().with_max_upload_bytes(1000)).unwrap();
    let token = g.issue_tokens(ALL).access_token;
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
    let g = FakeGoogle::start(quick()).unwrap();
    let token = g.issue_tokens(ALL).access_token;
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
    let g = FakeGoogle::start(quick().with_chunk_granularity(1024)).unwrap();
    let token = g.issue_tokens(ALL).access_token;
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
        chunk(&url, "upload", 5, data[..1024].to_vec())
            .await
            .unwrap()
            .status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        chunk(&url, "upload", 0, data[..1000].to_vec())
            .await
            .unwrap()
            .status(),
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        chunk(&url, "upload, finalize", 0, data[..2048].to_vec())
            .await
            .unwrap()
            .status(),
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

    let (status, body) = post_json(
        &g,
        &token,
        "/v1/mediaItems:batchCreate",
        items(&[(&upload_token, "GX010001.MP4")]),
    )
    .await;
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
    let g = FakeGoogle::start(quick().with_chunk_granularity(1024)).unwrap();
    let token = g.issue_tokens(ALL).access_token;
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
    post_json(
        &g,
        &token,
        "/v1/mediaItems:batchCreate",
        items(&[(&upload_token, "a.mp4")]),
    )
    .await;
    assert_eq!(g.media_items()[0].sha256, sha256_hex(&data));
}

#[tokio::test]
async fn sessions_expire() {
    let g = FakeGoogle::start(quick().with_session_ttl(60, 410)).unwrap();
    let token = g.issue_tokens(ALL).access_token;
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
        chunk(&url, "upload", 0, vec![1; 10])
            .await
            .unwrap()
            .status(),
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
    let g = FakeGoogle::start(quick()).unwrap();
    let token = g.issue_tokens(ALL).access_token;
    let url = session_url(&g, &token, 10, "a.mp4").await;
    for bearer in [None, Some(token.as_str()), Some("ya29.not-a-token")] {
        assert_eq!(query_as(&url, bearer).await.0, StatusCode::OK, "{bearer:?}");
    }

    let g = FakeGoogle::start(quick().with_session_requires_bearer(true)).unwrap();
    let token = g.issue_tokens(ALL).access_token;
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
    let (status, _) = post_json(
        &g,
        &token,
        "/v1/mediaItems:batchCreate",
        items(&[(&upload_token, "GX010009.MP4")]),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(g.media_items()[0].sha256, sha256_hex(&data));
}

#[tokio::test]
async fn killed_sessions_answer_410() {
    let g = FakeGoogle::start(quick().with_chunk_granularity(1024)).unwrap();
    let token = g.issue_tokens(ALL).access_token;
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
        chunk(&two, "upload", 0, vec![0; 1024])
            .await
            .unwrap()
            .status(),
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
async fn batch_create_limits_and_per_item_statuses() {
    let g = FakeGoogle::start(quick().with_item_fault(ItemFault {
        filename_contains: Some(".gpr".into()),
        failure: ItemFailure::BadImage,
        ..ItemFault::default()
    }))
    .unwrap();
    let token = g.issue_tokens(ALL).access_token;
    let many: Vec<(&str, &str)> = (0..51).map(|_| ("t", "a.jpg")).collect();
    let (status, body) = post_json(&g, &token, "/v1/mediaItems:batchCreate", items(&many)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body["error"]["message"],
        "Request must have less than 50 items."
    );
    assert_eq!(body["error"]["status"], "INVALID_ARGUMENT");
    let (status, body) = post_json(
        &g,
        &token,
        "/v1/mediaItems:batchCreate",
        items(&[("bogus", "a.jpg")]),
    )
    .await;
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
    let (status, body) = post_json(
        &g,
        &token,
        "/v1/mediaItems:batchCreate",
        items(&[
            (&ok, "GOPR0001.JPG"),
            (&raw, "GOPR0002.GPR"),
            (&doc, "notes.txt"),
            (&transient, "GOPR0003.JPG"),
            ("bogus", "b.jpg"),
        ]),
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
    let (_, body) = post_json(
        &g,
        &token,
        "/v1/mediaItems:batchCreate",
        items(&[(&transient, "GOPR0003.JPG")]),
    )
    .await;
    assert_eq!(
        body["newMediaItemResults"][0]["status"]["message"],
        "Success"
    );

    g.clock().advance(Duration::from_secs(3601));
    let token = g.issue_tokens(ALL).access_token;
    let (_, body) = post_json(
        &g,
        &token,
        "/v1/mediaItems:batchCreate",
        items(&[(&ok, "GOPR0001.JPG")]),
    )
    .await;
    assert_eq!(
        body["newMediaItemResults"][0]["status"]["code"], 3,
        "upload tokens expire after an hour"
    );
}

#[tokio::test]
async fn identical_bytes_give_the_same_item_and_keep_the_first_filename() {
    let g = FakeGoogle::start(quick()).unwrap();
    let token = g.issue_tokens(ALL).access_token;
    let first = upload_raw(&g, &token, bytes(5, 300), "first.jpg").await;
    let second = upload_raw(&g, &token, bytes(5, 300), "second.jpg").await;
    let (_, a) = post_json(
        &g,
        &token,
        "/v1/mediaItems:batchCreate",
        items(&[(&first, "first.jpg")]),
    )
    .await;
    let (_, b) = post_json(
        &g,
        &token,
        "/v1/mediaItems:batchCreate",
        items(&[(&second, "second.jpg"), (&first, "third.jpg")]),
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
async fn albums_permissions_membership_and_batch_add() {
    let g = FakeGoogle::start(quick().with_foreign_album("theirs")).unwrap();
    let token = g.issue_tokens(ALL).access_token;
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
    let (_, created) = post_json(
        &g,
        &token,
        "/v1/mediaItems:batchCreate",
        items(&[(
            &upload_raw(&g, &token, bytes(2, 100), "b.jpg").await,
            "b.jpg",
        )]),
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

#[tokio::test]
async fn storage_full_fails_the_whole_batch() {
    let g = FakeGoogle::start(quick().with_storage_quota(250)).unwrap();
    let token = g.issue_tokens(ALL).access_token;
    let a = upload_raw(&g, &token, bytes(1, 200), "a.jpg").await;
    let b = upload_raw(&g, &token, bytes(2, 100), "b.jpg").await;
    assert_eq!(
        post_json(
            &g,
            &token,
            "/v1/mediaItems:batchCreate",
            items(&[(&a, "a.jpg")])
        )
        .await
        .0,
        StatusCode::OK
    );
    let (status, body) = post_json(
        &g,
        &token,
        "/v1/mediaItems:batchCreate",
        items(&[(&b, "b.jpg")]),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        body["error"]["message"],
        "The remaining storage in the user's account is not enough to perform this operation."
    );
    assert_eq!(body["error"]["status"], "INVALID_ARGUMENT");
    g.update_scenario(|s| s.storage_quota_bytes = None);
    g.set_storage_full(true);
    assert_eq!(
        post_json(
            &g,
            &token,
            "/v1/mediaItems:batchCreate",
            items(&[(&b, "b.jpg")])
        )
        .await
        .0,
        StatusCode::BAD_REQUEST
    );
    g.set_storage_full(false);
    assert_eq!(
        post_json(
            &g,
            &token,
            "/v1/mediaItems:batchCreate",
            items(&[(&b, "b.jpg")])
        )
        .await
        .0,
        StatusCode::OK
    );
}

#[tokio::test]
async fn concurrent_batch_create_gets_429() {
    let g = FakeGoogle::start(GoogleScenario::default().with_batch_create_ms(300)).unwrap();
    let token = g.issue_tokens(ALL).access_token;
    let a = upload_raw(&g, &token, bytes(1, 100), "a.jpg").await;
    let b = upload_raw(&g, &token, bytes(2, 100), "b.jpg").await;
    let (first, second) = tokio::join!(
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
        post_json(
            &g,
            &token,
            "/v1/mediaItems:batchCreate",
            items(&[(&b, "b.jpg")])
        )
        .await
        .0,
        StatusCode::OK
    );
}

#[tokio::test]
async fn listing_is_paged_in_creation_order() {
    let g = FakeGoogle::start(quick()).unwrap();
    let token = g.issue_tokens(ALL).access_token;
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
    let g = FakeGoogle::start(quick()).unwrap();
    let token = g.issue_tokens(ALL).access_token;
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
    let g = FakeGoogle::start(quick().with_quotas(5, 30)).unwrap();
    let token = g.issue_tokens(ALL).access_token;
    let url = session_url(&g, &token, 4, "a.mp4").await;
    query(&url).await;
    for _ in 0..3 {
        assert_eq!(
            get_json(&g, &token, "/v1/mediaItems").await.0,
            StatusCode::OK
        );
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
    let g = FakeGoogle::start(scenario).unwrap();
    let token = g.issue_tokens(ALL).access_token;
    assert_eq!(get_json(&g, &token, "/v1/albums").await.0, StatusCode::OK);
    let refused = client()
        .get(format!("{}/v1/albums", g.base_url()))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
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
    let g = FakeGoogle::start(quick()).unwrap();
    let token = g.issue_tokens(ALL).access_token;
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
    let response = client()
        .get(format!("{}/v1/mediaItems", g.base_url()))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
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
    let response = client()
        .get(format!("{}/v1/albums", g.base_url()))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
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

#[tokio::test]
async fn upload_shaping_throttles_how_fast_the_body_is_read() {
    let shaping = fakes::Shaping {
        latency_ms: 0,
        bytes_per_sec: Some(200_000),
    };
    let g = FakeGoogle::start(quick().with_upload_shaping(shaping)).unwrap();
    let token = g.issue_tokens(ALL).access_token;
    let started = std::time::Instant::now();
    upload_raw(&g, &token, bytes(1, 100_000), "a.jpg").await;
    assert!(
        started.elapsed() >= Duration::from_millis(400),
        "{:?}",
        started.elapsed()
    );
}

fn stable_scenario(secret: &str) -> GoogleScenario {
    quick()
        .with_stable_secret(secret)
        .with_refresh_token_ttl_days(7)
}

async fn refresh_at(g: &FakeGoogle, refresh_token: &str) -> (StatusCode, Value) {
    exchange(
        g,
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
            ("client_id", &g.client_id()),
            ("client_secret", &g.client_secret()),
        ],
    )
    .await
}

/// Refreshes, expecting success, and returns the new access token.
async fn refreshed(g: &FakeGoogle, refresh_token: &str) -> String {
    let (status, body) = refresh_at(g, refresh_token).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["access_token"]
        .as_str()
        .expect("access token")
        .to_owned()
}

async fn revoke_at(g: &FakeGoogle, token: &str) -> StatusCode {
    client()
        .post(g.revoke_url())
        .form(&[("token", token)])
        .send()
        .await
        .expect("revoke")
        .status()
}

fn assert_invalid_grant((status, body): (StatusCode, Value)) {
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant")),
        "{body}"
    );
}

#[tokio::test]
async fn stable_secret_tokens_survive_a_restart() {
    let clock = Clock::default();
    let first = FakeGoogle::start_with_clock(stable_scenario("secret-one"), clock.clone()).unwrap();
    let (verifier, challenge) = pkce("stable");
    let code = code_for(&first, &challenge, &ALL.join(" ")).await;
    let (status, body) = exchange(
        &first,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("code_verifier", &verifier),
            ("redirect_uri", REDIRECT),
            ("client_id", &first.client_id()),
            ("client_secret", &first.client_secret()),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let refresh_token = body["refresh_token"].as_str().unwrap().to_owned();
    let access_token = body["access_token"].as_str().unwrap().to_owned();
    assert!(refresh_token.starts_with("1//fake-"), "{refresh_token}");
    assert!(access_token.starts_with("ya29.fake-"), "{access_token}");
    let issued = first.issue_tokens(&[SCOPE_APPENDONLY]);
    assert_eq!(
        get_json(&first, &access_token, "/v1/mediaItems").await.0,
        StatusCode::OK
    );
    let first_url = first.base_url();
    drop(first);

    let second =
        FakeGoogle::start_with_clock(stable_scenario("secret-one"), clock.clone()).unwrap();
    assert_ne!(second.base_url(), first_url, "a new port");
    // The access token minted before the restart still works until it expires…
    assert_eq!(
        get_json(&second, &access_token, "/v1/mediaItems").await.0,
        StatusCode::OK
    );
    // …and the refresh tokens (code exchange and issue_tokens) give new ones with their scopes.
    let fresh = refreshed(&second, &refresh_token).await;
    assert_eq!(
        get_json(&second, &fresh, "/v1/mediaItems").await.0,
        StatusCode::OK
    );
    let (status, body) = refresh_at(&second, &issued.refresh_token).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["scope"], SCOPE_APPENDONLY);
    let append_only = body["access_token"].as_str().unwrap().to_owned();
    let (status, _) = post_json(
        &second,
        &append_only,
        "/v1/albums",
        json!({"album": {"title": "After a restart"}}),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        get_json(&second, &append_only, "/v1/mediaItems").await.0,
        StatusCode::FORBIDDEN,
        "the scopes travel with the token"
    );

    // Another secret, or none, rejects them.
    let other = FakeGoogle::start_with_clock(stable_scenario("secret-two"), clock.clone()).unwrap();
    let plain = FakeGoogle::start_with_clock(quick(), clock.clone()).unwrap();
    for g in [&other, &plain] {
        assert_invalid_grant(refresh_at(g, &refresh_token).await);
        assert_eq!(
            get_json(g, &fresh, "/v1/mediaItems").await.0,
            StatusCode::UNAUTHORIZED
        );
    }
    assert_invalid_grant(refresh_at(&second, &other.issue_tokens(ALL).refresh_token).await);
    // A token minted for another client id does not pass either.
    let other_client = FakeGoogle::start_with_clock(
        GoogleScenario {
            client_id: "someone-else.apps.googleusercontent.com".into(),
            ..stable_scenario("secret-one")
        },
        clock.clone(),
    )
    .unwrap();
    assert_invalid_grant(refresh_at(&second, &other_client.issue_tokens(ALL).refresh_token).await);

    // Access tokens expire on the clock; refresh tokens after refresh_token_ttl_days.
    clock.advance(Duration::from_secs(3600));
    for token in [&access_token, &fresh] {
        assert_eq!(
            get_json(&second, token, "/v1/mediaItems").await.0,
            StatusCode::UNAUTHORIZED
        );
    }
    let later = refreshed(&second, &refresh_token).await;
    assert_eq!(
        get_json(&second, &later, "/v1/mediaItems").await.0,
        StatusCode::OK
    );
    clock.advance(Duration::from_secs(7 * 86_400));
    assert_invalid_grant(refresh_at(&second, &refresh_token).await);
    drop(second);
    let third = FakeGoogle::start_with_clock(stable_scenario("secret-one"), clock.clone()).unwrap();
    assert_invalid_grant(refresh_at(&third, &refresh_token).await);
}

#[tokio::test]
async fn stable_secret_revocation_lasts_the_fake_lifetime() {
    let clock = Clock::default();
    let first = FakeGoogle::start_with_clock(stable_scenario("secret-one"), clock.clone()).unwrap();
    let before = first.issue_tokens(ALL);
    let also_before = first.issue_tokens(ALL);
    drop(first);

    let g = FakeGoogle::start_with_clock(stable_scenario("secret-one"), clock.clone()).unwrap();
    // A token of the earlier run, revoked through the endpoint, stays revoked…
    assert_eq!(revoke_at(&g, &before.refresh_token).await, StatusCode::OK);
    assert_invalid_grant(refresh_at(&g, &before.refresh_token).await);
    clock.advance(Duration::from_secs(60));
    assert_invalid_grant(refresh_at(&g, &before.refresh_token).await);
    // …without touching its sibling minted in the same second.
    refreshed(&g, &also_before.refresh_token).await;
    // A token of this run, revoked through the inspection API, too.
    let now = g.issue_tokens(ALL);
    assert!(g.revoke_refresh_token(&now.refresh_token));
    assert_invalid_grant(refresh_at(&g, &now.refresh_token).await);
    assert!(g.revoke_refresh_token(&also_before.refresh_token));
    assert_invalid_grant(refresh_at(&g, &also_before.refresh_token).await);
    assert!(!g.revoke_refresh_token("1//fake-unknown"));
    let foreign = FakeGoogle::start(stable_scenario("secret-two")).unwrap();
    assert!(!g.revoke_refresh_token(&foreign.issue_tokens(ALL).refresh_token));

    // Revoked access tokens (of either run) are rejected.
    assert_eq!(revoke_at(&g, &before.access_token).await, StatusCode::OK);
    assert_eq!(
        get_json(&g, &before.access_token, "/v1/mediaItems").await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(revoke_at(&g, &now.access_token).await, StatusCode::OK);
    assert_eq!(
        get_json(&g, &now.access_token, "/v1/mediaItems").await.0,
        StatusCode::UNAUTHORIZED
    );
    // expire_access_tokens reaches the earlier run's tokens; new ones work afterwards.
    assert_eq!(
        get_json(&g, &also_before.access_token, "/v1/mediaItems")
            .await
            .0,
        StatusCode::OK
    );
    g.expire_access_tokens();
    assert_eq!(
        get_json(&g, &also_before.access_token, "/v1/mediaItems")
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        get_json(&g, &g.issue_tokens(ALL).access_token, "/v1/mediaItems")
            .await
            .0,
        StatusCode::OK
    );

    // The revocation set is memory: a fake restarted with the same secret forgets it (as it
    // forgets uploads), which the module docs state.
    drop(g);
    let restarted =
        FakeGoogle::start_with_clock(stable_scenario("secret-one"), clock.clone()).unwrap();
    refreshed(&restarted, &before.refresh_token).await;
}
