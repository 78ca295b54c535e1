//! Shared setup for the client tests: clients pointed at the fakes with a fast retry policy.
#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use engine::auth::{AccessTokenCache, GoogleCredentials, GoogleOAuth, OAuthClient};
use engine::gopro::{GoProClient, GoProCredentials};
use engine::http::{HttpCore, RetryPolicy};
use engine::photos::PhotosClient;
use engine::secret::Secret;
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

pub fn http() -> HttpCore {
    http_with_stall(Duration::from_secs(20))
}

/// A core whose requests fail after `stall` without progress (a short setting for tests of
/// slow links: a transfer that takes many times `stall` must still complete).
pub fn http_with_stall(stall: Duration) -> HttpCore {
    HttpCore::new(fast_policy(), Duration::from_secs(5), stall)
}

/// A GoPro client over `http`.
pub fn gopro_client_over(fake: &FakeGoPro, http: HttpCore) -> GoProClient {
    GoProClient::new(
        http,
        Url::parse(&fake.api_url()).unwrap(),
        GoProCredentials {
            access_token: Secret::new(fake.issue_token()),
            user_id: Some(fake.user_id().to_string()),
        },
    )
}

pub fn gopro_client(fake: &FakeGoPro) -> GoProClient {
    gopro_client_over(fake, http())
}

/// The fake's sign-in endpoints.
pub fn google_urls(fake: &FakeGoogle) -> engine::auth::GoogleUrls {
    engine::auth::GoogleUrls {
        authorize: Url::parse(&fake.authorize_url()).unwrap(),
        token: Url::parse(&fake.token_url()).unwrap(),
        userinfo: Url::parse(&fake.userinfo_url()).unwrap(),
    }
}

pub fn oauth(fake: &FakeGoogle) -> GoogleOAuth {
    GoogleOAuth::new(
        http(),
        google_urls(fake),
        OAuthClient {
            client_id: fake.client_id(),
            client_secret: Some(Secret::new(fake.client_secret())),
        },
    )
}

/// A Photos client logged in with `scopes` (a refresh token issued by the fake).
pub fn photos_client_with(fake: &FakeGoogle, scopes: &[&str]) -> PhotosClient {
    photos_client_over(fake, scopes, http())
}

/// A Photos client with every scope over `http`.
pub fn photos_client_over(fake: &FakeGoogle, scopes: &[&str], http: HttpCore) -> PhotosClient {
    let issued = fake.issue_tokens(scopes);
    let cache = AccessTokenCache::new(
        oauth(fake),
        GoogleCredentials {
            refresh_token: Secret::new(issued.refresh_token),
            access_token: None,
        },
    );
    PhotosClient::new(http, Url::parse(&fake.base_url()).unwrap(), Arc::new(cache))
        .with_rate_limit_wait(Duration::from_millis(200))
}

pub fn photos_client(fake: &FakeGoogle) -> PhotosClient {
    photos_client_with(fake, &engine::auth::SCOPES)
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
