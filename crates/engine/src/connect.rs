//! [`Connector`]: the one place the two clients are made, from the endpoints, the settings and
//! the logins kept in a token store.
//!
//! The app, the CLI, the bench and the tests all connect through here, so every client is
//! configured the same way: one HTTP core with the settings' retry budget, connect timeout and
//! stall timeout; the Photos client with the settings' rate-limit wait, raw-upload size and
//! create wait. (Before, four copies did this by hand and the bench's had drifted.)

use std::sync::Arc;
use std::time::Duration;

use crate::auth::{AccessTokenCache, GoogleCredentials, GoogleOAuth, OAuthClient};
use crate::config::Endpoints;
use crate::gopro::{GoProClient, GoProCredentials};
use crate::http::HttpCore;
use crate::model::Cloud;
use crate::photos::PhotosClient;
use crate::secret::Secret;
use crate::settings::Settings;
use crate::tokens::{Account, AsyncTokens, TokenStoreError};
use crate::vault::UploadVault;

/// Why a client could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// No login is stored for `cloud`.
    #[error("You are not logged in to {cloud}. Log in and try again.")]
    NotLoggedIn {
        /// Which login is missing.
        cloud: Cloud,
    },
    /// This copy of q2google has no Google OAuth client to sign in with.
    #[error(
        "No Google OAuth client is set up in this copy of q2google. Set your own Google Cloud \
         client id and secret (the README explains how to make one in a few minutes)."
    )]
    NoGoogleClient,
    /// The token store could not be read.
    #[error(transparent)]
    Tokens(#[from] TokenStoreError),
}

/// Makes the GoPro and Google Photos clients. Cheap to clone.
#[derive(Clone)]
pub struct Connector {
    endpoints: Endpoints,
    settings: Settings,
    tokens: AsyncTokens,
}

impl Connector {
    /// A connector to `endpoints` with `settings`, reading logins from `tokens`.
    pub fn new(endpoints: Endpoints, settings: &Settings, tokens: AsyncTokens) -> Self {
        Self {
            endpoints,
            settings: settings.clone().normalized(),
            tokens,
        }
    }

    /// The endpoints.
    pub fn endpoints(&self) -> &Endpoints {
        &self.endpoints
    }

    /// The settings the clients follow.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Where the logins are kept.
    pub fn tokens(&self) -> &AsyncTokens {
        &self.tokens
    }

    /// One HTTP core with the settings' retry budget, connect timeout and stall timeout.
    pub fn http(&self) -> HttpCore {
        HttpCore::new(
            self.settings.retry.clone(),
            Duration::from_secs(self.settings.cdn_download_sock_connect_seconds),
            self.settings.stall_timeout,
        )
    }

    /// A GoPro client with `credentials` (a login being checked, before it is kept).
    pub fn gopro_with(&self, credentials: GoProCredentials) -> GoProClient {
        GoProClient::new(self.http(), self.endpoints.gopro_api.clone(), credentials)
    }

    /// The GoPro client with the stored login.
    pub async fn gopro(&self) -> Result<GoProClient, ConnectError> {
        let access_token =
            self.tokens
                .get(Account::GoProAccessToken)
                .await?
                .ok_or(ConnectError::NotLoggedIn {
                    cloud: Cloud::Gopro,
                })?;
        let user_id = self
            .tokens
            .get(Account::GoProUserId)
            .await?
            .map(|s| s.expose().to_string());
        Ok(self.gopro_with(GoProCredentials {
            access_token,
            user_id,
        }))
    }

    /// Google's sign-in with `client`.
    pub fn oauth(&self, client: OAuthClient) -> GoogleOAuth {
        GoogleOAuth::new(self.http(), self.endpoints.google(), client)
    }

    /// A Photos client signing in with `refresh_token` through `client`.
    pub fn photos_with(&self, client: OAuthClient, refresh_token: Secret) -> PhotosClient {
        let cache = AccessTokenCache::new(
            self.oauth(client),
            GoogleCredentials {
                refresh_token,
                access_token: None,
            },
        );
        PhotosClient::new(
            self.http(),
            self.endpoints.photos_api.clone(),
            Arc::new(cache),
        )
        .with_settings(&self.settings)
    }

    /// The Photos client with the stored login, through `client` (`None`: this copy has no
    /// Google OAuth client).
    pub async fn photos(&self, client: Option<OAuthClient>) -> Result<PhotosClient, ConnectError> {
        let refresh = self.tokens.get(Account::GoogleRefreshToken).await?.ok_or(
            ConnectError::NotLoggedIn {
                cloud: Cloud::Google,
            },
        )?;
        let client = client.ok_or(ConnectError::NoGoogleClient)?;
        Ok(self.photos_with(client, refresh))
    }

    /// The vault that lets an unfinished upload continue after a restart (its key lives with
    /// the logins). Without one, an upload interrupted by a crash starts again: logged, not an
    /// error.
    pub async fn upload_vault(&self) -> Option<UploadVault> {
        let tokens = self.tokens.store().clone();
        let vault =
            tokio::task::spawn_blocking(move || UploadVault::from_token_store(&*tokens)).await;
        match vault {
            Ok(Ok(vault)) => Some(vault),
            Ok(Err(err)) => {
                tracing::warn!(%err, "no key for unfinished uploads; an interrupted file starts again");
                None
            }
            Err(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{Classified, ErrorKind};
    use crate::tokens::MemoryTokenStore;

    fn connector(tokens: MemoryTokenStore) -> Connector {
        Connector::new(
            Endpoints::default(),
            &Settings::default(),
            AsyncTokens::new(Arc::new(tokens)),
        )
    }

    fn client() -> OAuthClient {
        OAuthClient {
            client_id: "id".into(),
            client_secret: None,
        }
    }

    #[tokio::test]
    async fn a_missing_login_names_its_cloud() {
        let none = connector(MemoryTokenStore::new());
        let Err(gopro) = none.gopro().await else {
            panic!("a GoPro client without a login")
        };
        assert_eq!(
            gopro.kind(),
            ErrorKind::NeedsLogin {
                cloud: Cloud::Gopro
            }
        );
        let Err(google) = none.photos(Some(client())).await else {
            panic!("a Photos client without a login")
        };
        assert_eq!(
            google.kind(),
            ErrorKind::NeedsLogin {
                cloud: Cloud::Google
            }
        );
    }

    #[tokio::test]
    async fn stored_logins_make_clients_and_no_client_is_said() {
        let tokens = MemoryTokenStore::new();
        use crate::tokens::TokenStore;
        tokens
            .set(Account::GoProAccessToken, &Secret::new("gopro"))
            .unwrap();
        tokens
            .set(Account::GoogleRefreshToken, &Secret::new("refresh"))
            .unwrap();
        let connected = connector(tokens);
        assert!(connected.gopro().await.is_ok());
        assert!(connected.photos(Some(client())).await.is_ok());
        let Err(err) = connected.photos(None).await else {
            panic!("a Photos client without an OAuth client")
        };
        assert!(matches!(err, ConnectError::NoGoogleClient));
        assert_eq!(err.kind(), ErrorKind::InvalidInput);
        assert!(connected.upload_vault().await.is_some());
    }
}
