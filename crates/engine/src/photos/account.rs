//! Which Google account and OAuth client a [`PhotosClient`] creates into, from Google's OpenID
//! `userinfo` endpoint: everything q2google remembers of Google (the ledger, albums, sessions) is
//! kept per [`Destination`].

use serde::Deserialize;

use super::client::{map_error, PhotosClient};
use super::error::PhotosError;
use crate::http::Safety;
use crate::model::{Destination, GoogleAccount};

#[derive(Deserialize)]
struct UserInfo {
    sub: String,
    #[serde(default)]
    email: Option<String>,
}

impl PhotosClient {
    /// The signed-in account (OpenID `sub` and email) and the client id this client uses.
    pub async fn destination(&self) -> Result<Destination, PhotosError> {
        let url = self.tokens.oauth().userinfo_url().clone();
        let response = self
            .authorized(Safety::Idempotent, false, |token| {
                self.http
                    .client()
                    .get(url.clone())
                    .bearer_auth(token.expose())
            })
            .await?
            .map_err(|err| match err.status() {
                // Signed in before q2google asked for `openid email`.
                Some(f) if f.status == 403 => PhotosError::AccountHidden,
                _ => map_error(err, false),
            })?;
        let body = self
            .http
            .read_body(response)
            .await
            .map_err(|e| map_error(e, false))?;
        let info: UserInfo = serde_json::from_slice(&body)
            .map_err(|e| PhotosError::Protocol(format!("userinfo: {e}")))?;
        if info.sub.is_empty() {
            return Err(PhotosError::Protocol("userinfo: empty sub".into()));
        }
        Ok(Destination {
            account: GoogleAccount {
                id: info.sub,
                email: info.email.unwrap_or_default(),
            },
            client_id: self.tokens.oauth().client_id().to_string(),
        })
    }
}
