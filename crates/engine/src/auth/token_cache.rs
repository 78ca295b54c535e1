//! An access-token cache that refreshes shortly before expiry and after a 401.

use std::time::{Duration, Instant};

use tokio::sync::Mutex;

use super::oauth::{GoogleOAuth, OAuthError};
use crate::secret::Secret;

/// Refresh this long before the stated expiry, so a token never dies mid-request.
const REFRESH_MARGIN: Duration = Duration::from_secs(120);

/// What is kept of a Google login: the refresh token, and an access token if one is fresh.
#[derive(Clone, Debug)]
pub struct GoogleCredentials {
    /// The long-lived refresh token (kept in the OS keyring by the app).
    pub refresh_token: Secret,
    /// A current access token and when it expires, if known.
    pub access_token: Option<(Secret, Instant)>,
}

/// Hands out valid access tokens, refreshing them as needed; shared by all requests.
#[derive(Debug)]
pub struct AccessTokenCache {
    oauth: GoogleOAuth,
    state: Mutex<GoogleCredentials>,
}

impl AccessTokenCache {
    /// A cache over `credentials`, refreshing through `oauth`.
    pub fn new(oauth: GoogleOAuth, credentials: GoogleCredentials) -> Self {
        Self {
            oauth,
            state: Mutex::new(credentials),
        }
    }

    /// The OAuth client it refreshes through.
    pub fn oauth(&self) -> &GoogleOAuth {
        &self.oauth
    }

    /// A valid access token: the cached one, or a fresh one if it is missing or near expiry.
    pub async fn access_token(&self) -> Result<Secret, OAuthError> {
        let mut state = self.state.lock().await;
        if let Some((token, expires)) = &state.access_token {
            if Instant::now() + REFRESH_MARGIN < *expires {
                return Ok(token.clone());
            }
        }
        let grant = self.oauth.refresh(&state.refresh_token).await?;
        let expires = Instant::now() + grant.expires_in;
        state.access_token = Some((grant.access_token.clone(), expires));
        if let Some(rotated) = grant.refresh_token {
            state.refresh_token = rotated;
        }
        Ok(grant.access_token)
    }

    /// Drops `rejected` (the server answered 401 to it) so the next call refreshes.
    pub async fn invalidate(&self, rejected: &Secret) {
        let mut state = self.state.lock().await;
        if state
            .access_token
            .as_ref()
            .is_some_and(|(t, _)| t == rejected)
        {
            state.access_token = None;
        }
    }

    /// The refresh token currently held (it can rotate), for the keyring.
    pub async fn refresh_token(&self) -> Secret {
        self.state.lock().await.refresh_token.clone()
    }
}
