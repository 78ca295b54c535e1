//! Google sign-in: OAuth 2 authorization code with PKCE, the browser login over a loopback
//! redirect, and a cache of access tokens that refreshes before they expire.

mod loopback;
mod oauth;
mod token_cache;

pub use loopback::{login_with_browser, BrowserLauncher, OpenUrl, BROWSER_ENV};
pub use oauth::{AuthorizeRequest, GoogleOAuth, GoogleUrls, OAuthClient, OAuthError, TokenGrant};
pub use token_cache::{AccessTokenCache, GoogleCredentials};

/// Scope to upload bytes, create media items and create albums.
pub const SCOPE_APPENDONLY: &str = "https://www.googleapis.com/auth/photoslibrary.appendonly";
/// Scope to list what this app created (used to find out whether a create took effect).
pub const SCOPE_READ_APP_CREATED: &str =
    "https://www.googleapis.com/auth/photoslibrary.readonly.appcreateddata";
/// OpenID: the account's stable id (`sub`), so everything q2google remembers of Google is kept
/// per account.
pub const SCOPE_OPENID: &str = "openid";
/// The account's email address, shown so a person sees which account media go into.
pub const SCOPE_EMAIL: &str = "https://www.googleapis.com/auth/userinfo.email";
/// The scopes q2google asks for.
pub const SCOPES: [&str; 4] = [
    SCOPE_APPENDONLY,
    SCOPE_READ_APP_CREATED,
    SCOPE_OPENID,
    SCOPE_EMAIL,
];
