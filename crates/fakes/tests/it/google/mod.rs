//! Raw-HTTP tests of the Google fake: the places where a wrong fake would go unnoticed.
//!
//! A module per area of `src/google/` (`oauth`, `uploads`, `media_items`, `albums`, `quota`,
//! `errors`, `stable`); here, the requests and set-up they share.

mod albums;
mod errors;
mod media_items;
mod oauth;
mod quota;
mod stable;
mod uploads;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use fakes::google::{FakeGoogle, GoogleScenario, SCOPE_APPENDONLY, SCOPE_READONLY_APPCREATED};
use reqwest::StatusCode;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::common::client;

const REDIRECT: &str = "http://127.0.0.1:45678/callback";
const ALL: &[&str] = &[SCOPE_APPENDONLY, SCOPE_READONLY_APPCREATED];

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

/// `GET {path}` with `token`: the response as it came.
async fn get(g: &FakeGoogle, token: &str, path: &str) -> reqwest::Response {
    client()
        .get(format!("{}{path}", g.base_url()))
        .bearer_auth(token)
        .send()
        .await
        .expect("get")
}

async fn get_json(g: &FakeGoogle, token: &str, path: &str) -> (StatusCode, Value) {
    let response = get(g, token, path).await;
    let status = response.status();
    (status, response.json().await.expect("json"))
}

/// The status of `GET /v1/mediaItems` with `token` (whose body must still be JSON).
async fn list_status(g: &FakeGoogle, token: &str) -> StatusCode {
    get_json(g, token, "/v1/mediaItems").await.0
}

fn items(tokens: &[(&str, &str)]) -> Value {
    json!({ "newMediaItems": tokens.iter().map(|(t, name)| json!({
        "description": "", "simpleMediaItem": { "uploadToken": t, "fileName": name }
    })).collect::<Vec<_>>() })
}

/// `mediaItems:batchCreate` of `(upload token, file name)` pairs, without descriptions.
async fn batch_create(g: &FakeGoogle, token: &str, tokens: &[(&str, &str)]) -> (StatusCode, Value) {
    post_json(g, token, "/v1/mediaItems:batchCreate", items(tokens)).await
}

fn quick() -> GoogleScenario {
    GoogleScenario::default().with_batch_create_ms(0)
}

/// A fake started with `scenario`, and an access token with both scopes.
fn fake_with_token(scenario: GoogleScenario) -> (FakeGoogle, String) {
    let g = FakeGoogle::start(scenario).unwrap();
    let token = g.issue_tokens(ALL).access_token;
    (g, token)
}

/// Exchanges `code` and its PKCE `verifier` with the loopback redirect and the client secret.
async fn exchange_code(g: &FakeGoogle, code: &str, verifier: &str) -> (StatusCode, Value) {
    exchange(
        g,
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("code_verifier", verifier),
            ("redirect_uri", REDIRECT),
            ("client_id", &g.client_id()),
            ("client_secret", &g.client_secret()),
        ],
    )
    .await
}

/// The refresh grant for `refresh_token`.
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

/// Asserts a token endpoint's answer is a 400 `invalid_grant`.
fn assert_invalid_grant((status, body): (StatusCode, Value)) {
    assert_eq!(
        (status, body["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_grant")),
        "{body}"
    );
}
