//! Shared setup for the client tests: clients pointed at the fakes with a fast retry policy,
//! made by the engine's [`Connector`] as the app's and the CLI's are.
#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use engine::auth::{GoogleOAuth, OAuthClient};
use engine::config::Endpoints;
use engine::connect::Connector;
use engine::gopro::{GoProClient, GoProCredentials};
use engine::http::{HttpCore, RetryPolicy};
use engine::photos::PhotosClient;
use engine::secret::Secret;
use engine::settings::Settings;
use engine::tokens::{AsyncTokens, MemoryTokenStore};
use fakes::google::FakeGoogle;
use fakes::gopro::FakeGoPro;
use futures_util::StreamExt;
use sha2::{Digest, Sha256};
use url::Url;

/// Retries as in production, with millisecond waits.
pub fn fast_policy() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 5,
        max_elapsed: Duration::from_secs(20),
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(40),
    }
}

/// Settings of a test client: production retries with millisecond waits, a 5 s connect
/// timeout, a request failing after `stall` without progress (a short setting for tests of slow
/// links: a transfer that takes many times `stall` must still complete), and a 200 ms wait
/// after a per-minute 429.
pub fn client_settings(stall: Duration) -> Settings {
    Settings {
        retry: fast_policy(),
        cdn_download_sock_connect_seconds: 5,
        stall_timeout: stall,
        rate_limit_wait: Duration::from_millis(200),
        ..Settings::default()
    }
}

/// What makes clients to `gopro` and `google` with `settings`, as the app and the CLI make
/// theirs ([`Connector`]); the logins are given to its `*_with` methods.
pub fn connector(
    gopro: Option<&FakeGoPro>,
    google: Option<&FakeGoogle>,
    settings: &Settings,
) -> Connector {
    let mut endpoints = Endpoints::default();
    if let Some(fake) = gopro {
        endpoints.gopro_api = Url::parse(&fake.api_url()).unwrap();
        endpoints.gopro_images = Url::parse(&fake.images_url()).unwrap();
    }
    if let Some(fake) = google {
        endpoints.photos_api = Url::parse(&fake.base_url()).unwrap();
        endpoints.google_authorize = Url::parse(&fake.authorize_url()).unwrap();
        endpoints.google_token = Url::parse(&fake.token_url()).unwrap();
        endpoints.google_userinfo = Url::parse(&fake.userinfo_url()).unwrap();
    }
    Connector::new(
        endpoints,
        settings,
        AsyncTokens::new(Arc::new(MemoryTokenStore::new())),
    )
}

pub fn http() -> HttpCore {
    http_with_stall(Duration::from_secs(20))
}

/// A core whose requests fail after `stall` without progress.
pub fn http_with_stall(stall: Duration) -> HttpCore {
    connector(None, None, &client_settings(stall)).http()
}

/// A login the GoPro fake issued.
pub fn gopro_login(fake: &FakeGoPro) -> GoProCredentials {
    GoProCredentials {
        access_token: Secret::new(fake.issue_token()),
        user_id: Some(fake.user_id().to_string()),
    }
}

/// A GoPro client with `settings`, logged in.
pub fn gopro_client_with(fake: &FakeGoPro, settings: &Settings) -> GoProClient {
    connector(Some(fake), None, settings).gopro_with(gopro_login(fake))
}

pub fn gopro_client(fake: &FakeGoPro) -> GoProClient {
    gopro_client_with(fake, &client_settings(Duration::from_secs(20)))
}

/// The fake's OAuth client.
pub fn google_client(fake: &FakeGoogle) -> OAuthClient {
    OAuthClient {
        client_id: fake.client_id(),
        client_secret: Some(Secret::new(fake.client_secret())),
    }
}

pub fn oauth(fake: &FakeGoogle) -> GoogleOAuth {
    connector(None, Some(fake), &client_settings(Duration::from_secs(20)))
        .oauth(google_client(fake))
}

/// A Photos client logged in with `scopes` (a refresh token issued by the fake).
pub fn photos_client_with(fake: &FakeGoogle, scopes: &[&str]) -> PhotosClient {
    photos_client_settings(fake, scopes, &client_settings(Duration::from_secs(20)))
}

/// A Photos client logged in with `scopes`, following `settings`.
pub fn photos_client_settings(
    fake: &FakeGoogle,
    scopes: &[&str],
    settings: &Settings,
) -> PhotosClient {
    let issued = fake.issue_tokens(scopes);
    connector(None, Some(fake), settings)
        .photos_with(google_client(fake), Secret::new(issued.refresh_token))
}

pub fn photos_client(fake: &FakeGoogle) -> PhotosClient {
    photos_client_with(fake, &engine::auth::SCOPES)
}

/// Test `name` of the module whose `module_path!()` is `module`, as the test harness names it
/// (without the binary's crate), for a test that runs one test of this binary again.
pub fn test_path(module: &str, name: &str) -> String {
    match module.split_once("::") {
        Some((_, path)) => format!("{path}::{name}"),
        None => name.to_string(),
    }
}

pub async fn sha256_of_stream<S, E>(stream: S) -> (String, u64)
where
    S: futures_util::Stream<Item = Result<bytes::Bytes, E>>,
    E: std::fmt::Debug,
{
    let mut hasher = Sha256::new();
    let mut len = 0u64;
    let mut stream = std::pin::pin!(stream);
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.expect("stream chunk");
        len += chunk.len() as u64;
        hasher.update(&chunk);
    }
    (fakes::content::hex(&hasher.finalize()), len)
}
