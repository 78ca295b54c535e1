//! OAuth 2 authorization code flow with PKCE against Google's (or a fake's) endpoints.

use std::time::Duration;

use serde::Deserialize;
use url::Url;

use super::pkce::{random_token, Pkce};
use crate::http::{default_classifier, HttpCore, HttpError, Safety};
use crate::secret::Secret;

/// The OAuth client the app identifies as (a Google Cloud "Desktop app" client).
#[derive(Clone, Debug)]
pub struct OAuthClient {
    /// The client id.
    pub client_id: String,
    /// Google issues desktop clients a secret and requires it at the token endpoint, although
    /// it is not confidential.
    pub client_secret: Option<Secret>,
}

/// Google's sign-in endpoints (or a fake's).
#[derive(Clone, Debug)]
pub struct GoogleUrls {
    /// The authorization endpoint (opened in the browser).
    pub authorize: Url,
    /// The token endpoint (code exchange and refresh).
    pub token: Url,
    /// The OpenID Connect `userinfo` endpoint (which account signed in).
    pub userinfo: Url,
}

/// Talks to the authorization, token and userinfo endpoints.
#[derive(Clone, Debug)]
pub struct GoogleOAuth {
    http: HttpCore,
    urls: GoogleUrls,
    client: OAuthClient,
}

/// One login attempt: the URL to open in the browser and what is needed to finish it.
#[derive(Debug)]
pub struct AuthorizeRequest {
    /// Open this in the system browser.
    pub url: Url,
    /// The `state` the redirect must carry back (a CSRF guard).
    pub state: String,
    /// The loopback redirect URI registered for this attempt.
    pub redirect_uri: String,
    /// Scopes asked for.
    pub scopes: Vec<String>,
    pkce: Pkce,
}

/// Tokens from the token endpoint.
#[derive(Debug)]
pub struct TokenGrant {
    /// A short-lived access token.
    pub access_token: Secret,
    /// Its lifetime as stated by the server.
    pub expires_in: Duration,
    /// A refresh token (only from the code exchange, not from refreshes).
    pub refresh_token: Option<Secret>,
    /// Scopes actually granted (a person can untick some).
    pub scopes: Vec<String>,
}

/// Why signing in to Google failed; each message says what to do.
#[derive(Debug, thiserror::Error)]
pub enum OAuthError {
    /// The redirect's `state` differs from the one sent: possibly a forged redirect.
    #[error("the sign-in answer did not match the request (state mismatch); please sign in again")]
    StateMismatch,
    /// The person declined, or Google reported an error in the redirect.
    #[error("Google sign-in was not completed ({0}); please try again and allow access")]
    Denied(String),
    /// A required permission was unticked on the consent screen.
    #[error("Google did not grant {missing}; sign in again and leave every permission ticked")]
    MissingScope {
        /// The scopes not granted, space separated.
        missing: String,
    },
    /// The refresh token was revoked or expired: the person has to sign in again.
    #[error("your Google sign-in has expired or was revoked; please sign in to Google again")]
    InvalidGrant,
    /// The client id or secret is wrong.
    #[error(
        "Google rejected this app's client id or secret ({0}); check the Google client settings"
    )]
    InvalidClient(String),
    /// The network or the server failed.
    #[error("could not reach Google's sign-in service: {0}")]
    Http(#[from] HttpError),
    /// The server answered something that is not OAuth.
    #[error("unexpected answer from Google's sign-in service: {0}")]
    Protocol(String),
    /// The browser sign-in did not come back in time.
    #[error("the sign-in was not finished within {}; try again", human_duration(*.0))]
    TimedOut(Duration),
    /// No browser could be opened for the sign-in page.
    #[error(
        "could not open a web browser for the Google sign-in ({0}); set Q2GOOGLE_BROWSER to a \
         browser program and try again"
    )]
    Browser(String),
    /// The loopback address that receives Google's answer could not be opened.
    #[error(
        "could not listen on 127.0.0.1 for Google's answer ({0}); check that local connections \
         are allowed and try again"
    )]
    Loopback(std::io::Error),
}

/// "5 minutes", "1 minute", "30 seconds".
fn human_duration(d: Duration) -> String {
    let secs = d.as_secs();
    let plural = |n: u64, unit: &str| format!("{n} {unit}{}", if n == 1 { "" } else { "s" });
    if secs >= 60 && secs.is_multiple_of(60) {
        plural(secs / 60, "minute")
    } else if secs >= 60 {
        format!("{:.1} minutes", d.as_secs_f64() / 60.0)
    } else if secs >= 1 {
        plural(secs, "second")
    } else {
        plural(d.as_millis() as u64, "millisecond")
    }
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default)]
    expires_in: Option<u64>,
    #[serde(default)]
    refresh_token: Option<String>,
    #[serde(default)]
    scope: Option<String>,
}

#[derive(Deserialize)]
struct ErrorResponse {
    error: String,
    #[serde(default)]
    error_description: Option<String>,
}

impl GoogleOAuth {
    /// A client for the given endpoints.
    pub fn new(http: HttpCore, urls: GoogleUrls, client: OAuthClient) -> Self {
        Self { http, urls, client }
    }

    /// The OAuth client id q2google signs in as (Google ties app-created items to it).
    pub fn client_id(&self) -> &str {
        &self.client.client_id
    }

    /// The `userinfo` endpoint.
    pub fn userinfo_url(&self) -> &Url {
        &self.urls.userinfo
    }

    /// Builds the authorization URL for a loopback `redirect_uri`, with a fresh PKCE pair and
    /// `state`, asking for offline access (a refresh token).
    pub fn authorize_request(&self, redirect_uri: &str, scopes: &[&str]) -> AuthorizeRequest {
        let pkce = Pkce::generate();
        let state = random_token(24);
        let mut url = self.urls.authorize.clone();
        url.query_pairs_mut()
            .append_pair("client_id", &self.client.client_id)
            .append_pair("redirect_uri", redirect_uri)
            .append_pair("response_type", "code")
            .append_pair("scope", &scopes.join(" "))
            .append_pair("state", &state)
            .append_pair("code_challenge", pkce.challenge())
            .append_pair("code_challenge_method", "S256")
            .append_pair("access_type", "offline")
            .append_pair("prompt", "consent");
        AuthorizeRequest {
            url,
            state,
            redirect_uri: redirect_uri.to_string(),
            scopes: scopes.iter().map(|s| s.to_string()).collect(),
            pkce,
        }
    }

    /// Finishes a login from the redirect's query parameters: checks `state`, exchanges the
    /// code with the PKCE verifier, and verifies every requested scope was granted.
    pub async fn finish(
        &self,
        request: &AuthorizeRequest,
        redirect_query: &[(String, String)],
    ) -> Result<TokenGrant, OAuthError> {
        let get = |k: &str| {
            redirect_query
                .iter()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.as_str())
        };
        if get("state") != Some(request.state.as_str()) {
            return Err(OAuthError::StateMismatch);
        }
        if let Some(error) = get("error") {
            return Err(OAuthError::Denied(error.to_string()));
        }
        let code =
            get("code").ok_or_else(|| OAuthError::Protocol("no code in the redirect".into()))?;
        let mut form = vec![
            ("grant_type", "authorization_code".to_string()),
            ("code", code.to_string()),
            (
                "code_verifier",
                request.pkce.verifier().expose().to_string(),
            ),
            ("redirect_uri", request.redirect_uri.clone()),
        ];
        self.push_client(&mut form);
        let grant = self.token_call(&form).await?;
        let missing: Vec<&str> = request
            .scopes
            .iter()
            .filter(|s| !grant.scopes.contains(s))
            .map(String::as_str)
            .collect();
        if !missing.is_empty() {
            return Err(OAuthError::MissingScope {
                missing: missing.join(" "),
            });
        }
        if grant.refresh_token.is_none() {
            return Err(OAuthError::Protocol(
                "Google returned no refresh token".into(),
            ));
        }
        Ok(grant)
    }

    /// Trades a refresh token for a new access token.
    pub async fn refresh(&self, refresh_token: &Secret) -> Result<TokenGrant, OAuthError> {
        let mut form = vec![
            ("grant_type", "refresh_token".to_string()),
            ("refresh_token", refresh_token.expose().to_string()),
        ];
        self.push_client(&mut form);
        self.token_call(&form).await
    }

    fn push_client(&self, form: &mut Vec<(&'static str, String)>) {
        form.push(("client_id", self.client.client_id.clone()));
        if let Some(secret) = &self.client.client_secret {
            form.push(("client_secret", secret.expose().to_string()));
        }
    }

    async fn token_call(&self, form: &[(&'static str, String)]) -> Result<TokenGrant, OAuthError> {
        let result = self
            .http
            .send(Safety::Idempotent, default_classifier, || {
                self.http.client().post(self.urls.token.clone()).form(form)
            })
            .await;
        let response = match result {
            Ok(response) => response,
            Err(err) => {
                if let Some(failure) = err.status() {
                    if let Ok(e) = serde_json::from_str::<ErrorResponse>(&failure.body) {
                        let detail = e.error_description.unwrap_or_else(|| e.error.clone());
                        return Err(match e.error.as_str() {
                            "invalid_grant" => OAuthError::InvalidGrant,
                            "invalid_client" | "unauthorized_client" => {
                                OAuthError::InvalidClient(detail)
                            }
                            _ => OAuthError::Protocol(format!("{}: {detail}", e.error)),
                        });
                    }
                }
                return Err(OAuthError::Http(err));
            }
        };
        let body: TokenResponse = response.json().await.map_err(|e| {
            OAuthError::Protocol(format!("token response is not JSON: {}", e.without_url()))
        })?;
        Ok(TokenGrant {
            access_token: Secret::new(body.access_token),
            expires_in: Duration::from_secs(body.expires_in.unwrap_or(3600)),
            refresh_token: body.refresh_token.map(Secret::new),
            scopes: body
                .scope
                .unwrap_or_default()
                .split_whitespace()
                .map(str::to_owned)
                .collect(),
        })
    }
}
