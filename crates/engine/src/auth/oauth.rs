//! OAuth 2 authorization code flow with PKCE against Google's (or a fake's) endpoints, on the
//! `oauth2` crate (authorization URL, PKCE S256, code exchange, refresh, its token and error
//! types). Its requests go through q2google's own HTTP core, so sign-in gets the same retries,
//! stall detection and redaction as everything else; the `state` check and the scope check
//! are ours (`oauth2` leaves both to the caller).

use std::borrow::Cow;
use std::time::Duration;

use oauth2::basic::{BasicClient, BasicErrorResponseType, BasicTokenResponse};
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointNotSet,
    EndpointSet, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, RefreshToken, RequestTokenError,
    Scope, TokenResponse, TokenUrl,
};
use url::Url;

use crate::http::{default_classifier, HttpCore, HttpError, Safety};
use crate::secret::Secret;

/// The `oauth2` client with an authorization and a token endpoint.
type Client = BasicClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointSet>;

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
    /// The PKCE verifier the code exchange proves itself with (redacted in `Debug`).
    verifier: PkceCodeVerifier,
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
        // 48 random bytes: a 64-character verifier, as before.
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256_len(48);
        let client = self.client();
        let mut request = client
            .authorize_url(CsrfToken::new_random)
            .add_scopes(scopes.iter().map(|s| Scope::new((*s).to_string())))
            .set_pkce_challenge(challenge)
            .add_extra_param("access_type", "offline")
            .add_extra_param("prompt", "consent");
        let redirect = RedirectUrl::new(redirect_uri.to_string())
            .expect("the loopback redirect URI is built by q2google");
        request = request.set_redirect_uri(Cow::Owned(redirect));
        let (url, state) = request.url();
        AuthorizeRequest {
            url,
            state: state.secret().clone(),
            redirect_uri: redirect_uri.to_string(),
            scopes: scopes.iter().map(|s| s.to_string()).collect(),
            verifier,
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
        let redirect = RedirectUrl::new(request.redirect_uri.clone())
            .map_err(|e| OAuthError::Protocol(format!("bad redirect URI: {e}")))?;
        let answer = self
            .client()
            .exchange_code(AuthorizationCode::new(code.to_string()))
            .set_pkce_verifier(PkceCodeVerifier::new(request.verifier.secret().clone()))
            .set_redirect_uri(Cow::Owned(redirect))
            .request_async(&self.http_client(Safety::NotIdempotent))
            .await;
        let grant = grant(answer)?;
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
        let token = RefreshToken::new(refresh_token.expose().to_string());
        let answer = self
            .client()
            .exchange_refresh_token(&token)
            .request_async(&self.http_client(Safety::Idempotent))
            .await;
        grant(answer)
    }

    /// The `oauth2` client for these endpoints. The client id and secret go in the form body,
    /// as Google's installed-app flow sends them.
    fn client(&self) -> Client {
        let mut client = BasicClient::new(ClientId::new(self.client.client_id.clone()))
            .set_auth_uri(AuthUrl::from_url(self.urls.authorize.clone()))
            .set_token_uri(TokenUrl::from_url(self.urls.token.clone()))
            .set_auth_type(AuthType::RequestBody);
        if let Some(secret) = &self.client.client_secret {
            client = client.set_client_secret(ClientSecret::new(secret.expose().to_string()));
        }
        client
    }

    /// `oauth2`'s HTTP client: our HTTP core (owned by each request's future). The code
    /// exchange is `NotIdempotent`: a one-time code resent after it may have arrived would only
    /// be refused, and look like an expired sign-in.
    fn http_client(
        &self,
        safety: Safety,
    ) -> impl Fn(
        oauth2::HttpRequest,
    ) -> std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<oauth2::HttpResponse, HttpError>> + Send>,
    > {
        let http = self.http.clone();
        move |request| Box::pin(call(http.clone(), safety, request))
    }
}

/// Sends one of `oauth2`'s requests through the HTTP core (retries, redaction). An error status
/// goes back to `oauth2` as a response, so it reads the OAuth error in the body.
async fn call(
    http: HttpCore,
    safety: Safety,
    request: oauth2::HttpRequest,
) -> Result<oauth2::HttpResponse, HttpError> {
    let (parts, body) = request.into_parts();
    let url = parts.uri.to_string();
    let result = http
        .send(safety, default_classifier, || {
            http.client()
                .request(parts.method.clone(), url.as_str())
                .headers(parts.headers.clone())
                .body(body.clone())
        })
        .await;
    let response = match result {
        Ok(response) => response,
        Err(err) => {
            // A server error is the service failing, not an OAuth answer.
            let Some(failure) = err.status().filter(|f| f.status < 500) else {
                return Err(err);
            };
            let mut answer = oauth2::http::Response::builder().status(failure.status);
            if let Some(kind) = &failure.content_type {
                answer = answer.header(reqwest::header::CONTENT_TYPE, kind.as_str());
            }
            return answer
                .body(failure.body.clone().into_bytes())
                .map_err(|_| err);
        }
    };
    let mut answer = oauth2::http::Response::builder().status(response.status());
    for (name, value) in response.headers() {
        answer = answer.header(name, value);
    }
    let bytes = response
        .bytes()
        .await
        .map_err(|e| HttpError::from_reqwest(e, "Google sign-in"))?;
    Ok(answer
        .body(bytes.to_vec())
        .expect("a response rebuilt from a valid one"))
}

/// What a token-endpoint answer means: the grant, or why it failed, each in our terms.
fn grant(
    answer: Result<
        BasicTokenResponse,
        RequestTokenError<HttpError, oauth2::basic::BasicErrorResponse>,
    >,
) -> Result<TokenGrant, OAuthError> {
    let token = match answer {
        Ok(token) => token,
        Err(RequestTokenError::ServerResponse(e)) => {
            let detail = e
                .error_description()
                .cloned()
                .unwrap_or_else(|| e.error().to_string());
            return Err(match e.error() {
                BasicErrorResponseType::InvalidGrant => OAuthError::InvalidGrant,
                BasicErrorResponseType::InvalidClient
                | BasicErrorResponseType::UnauthorizedClient => OAuthError::InvalidClient(detail),
                other => OAuthError::Protocol(format!("{other}: {detail}")),
            });
        }
        Err(RequestTokenError::Request(err)) => return Err(OAuthError::Http(err)),
        Err(RequestTokenError::Parse(err, _)) => {
            return Err(OAuthError::Protocol(format!(
                "the token answer is not what OAuth defines ({err})"
            )))
        }
        Err(RequestTokenError::Other(detail)) => return Err(OAuthError::Protocol(detail)),
    };
    Ok(TokenGrant {
        access_token: Secret::new(token.access_token().secret().clone()),
        expires_in: token.expires_in().unwrap_or(Duration::from_secs(3600)),
        refresh_token: token
            .refresh_token()
            .map(|r| Secret::new(r.secret().clone())),
        scopes: token
            .scopes()
            .map(|s| s.iter().map(|s| s.to_string()).collect())
            .unwrap_or_default(),
    })
}
