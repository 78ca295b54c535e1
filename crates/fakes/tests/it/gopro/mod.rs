//! The GoPro fake over real HTTP: the behaviours a client would not notice if the fake got
//! them wrong (`shared/design/gopro-api.md`).
//!
//! A module per area of `src/gopro/` (`auth`, `account`, `search`, `download`, `cdn`,
//! `faults`, `sealed`, `demo`); here, the requests and set-up they share.

mod account;
mod auth;
mod cdn;
mod demo;
mod download;
mod faults;
mod sealed;
mod search;

use fakes::gopro::{FakeGoPro, GoProScenario, VENDOR_ACCEPT};
use reqwest::header::{ACCEPT, COOKIE};
use reqwest::{Client, StatusCode};
use serde_json::Value;

use crate::common::client;

fn demo() -> FakeGoPro {
    FakeGoPro::start(GoProScenario::demo()).expect("fake starts")
}

/// A fake started with `scenario`, and a token for it.
fn fake_with_token(scenario: GoProScenario) -> (FakeGoPro, String) {
    let fake = FakeGoPro::start(scenario).expect("fake starts");
    let token = fake.issue_token();
    (fake, token)
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

/// The status of `GET {path}` with `token`.
async fn status_of(fake: &FakeGoPro, token: &str, path: &str) -> StatusCode {
    get(fake, token, path).await.status()
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

/// The `_pages.total_items` of a search page.
fn total(page: &Value) -> u64 {
    page["_pages"]["total_items"].as_u64().unwrap()
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

/// The whole body of a GET of `target` (a CDN URL: no token).
async fn fetch(c: &Client, target: impl reqwest::IntoUrl) -> bytes::Bytes {
    c.get(target).send().await.unwrap().bytes().await.unwrap()
}

/// Posts the login form with the demo account's email and `password`.
async fn sign_in(c: &Client, fake: &FakeGoPro, password: &str) -> reqwest::Response {
    c.post(fake.login_url())
        .form(&[("email", "demo@example.com"), ("password", password)])
        .send()
        .await
        .unwrap()
}

/// The status of `GET /media/user` with the token and user id as cookies.
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
