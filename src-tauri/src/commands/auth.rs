//! Logins. GoPro: an app window shows GoPro's own login page and the app reads the
//! `gp_access_token` cookie the login sets (HttpOnly, so from the webview's cookie store, not from
//! page script). Google: OAuth with PKCE in the system browser, back on a loopback address.
//! Tokens go to the OS keyring only; none is ever sent to the frontend.

use std::sync::Arc;
use std::time::Duration;

use engine::auth::{login_with_browser, BrowserLauncher, BROWSER_ENV, SCOPES};
use engine::gopro::{GoProCredentials, GoProError};
use engine::model::Destination;
use engine::secret::Secret;
use engine::tokens::Account;
use tauri::webview::PageLoadEvent;
use tauri::{
    AppHandle, Emitter, Manager, State, WebviewUrl, WebviewWindow, WebviewWindowBuilder,
    WindowEvent,
};
use tauri_plugin_opener::OpenerExt;
use tokio::sync::mpsc;

use super::settings::account;
use crate::error::{CommandError, ErrorCode};
use crate::state::{AppCtx, Backend};
use crate::views::{AccountStatus, AuthEvent, Cloud};

/// The label of the GoPro login window.
pub const GOPRO_LOGIN_WINDOW: &str = "gopro-login";
/// How long the login window waits for a login.
const LOGIN_TIMEOUT: Duration = Duration::from_secs(15 * 60);

/// Whether a WebDriver drives this app (tauri-driver sets `TAURI_WEBVIEW_AUTOMATION=true`).
/// WebKitGTK lets automation see only the webviews of the app's first browsing context, and an
/// incognito window gets a private one: under WebDriver the login window shares the app's
/// context instead. Its GoPro cookies are deleted once read, so nothing of the login outlives
/// the window either way.
fn under_webdriver() -> bool {
    std::env::var("TAURI_WEBVIEW_AUTOMATION").as_deref() == Ok("true")
}

enum LoginSignal {
    Loaded(Box<WebviewWindow>),
    Closed,
}

/// `login_gopro`: opens GoPro's login page in an app window and resolves once the login cookie
/// appears (and GoPro accepts it), or when the person closes the window.
#[tauri::command]
pub async fn login_gopro(app: AppHandle) -> Result<AccountStatus, CommandError> {
    gopro_login(app).await
}

/// Opens the GoPro login window from the backend (a run stopped for a GoPro login); the move
/// goes on by itself when the login succeeds.
pub fn open_gopro_login_soon(app: &AppHandle) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        if let Err(err) = gopro_login(app).await {
            tracing::info!(error = %err.message, "the GoPro login window ended without a login");
        }
    });
}

/// The GoPro login window. Outside WebDriver it keeps its own web profile in the app's data
/// folder (`gopro-web/`): GoPro's own cookies stay there so whatever its web login remembers (a
/// remembered sign-in, the email, a trusted 2FA device) saves typing next time. The API token
/// cookies are deleted the moment they are read; the token lives only in the keyring.
async fn gopro_login(app: AppHandle) -> Result<AccountStatus, CommandError> {
    let ctx = app.state::<AppCtx>();
    let backend = ctx.backend();
    if let Some(problem) = &backend.keyring_problem {
        return Err(CommandError::new(ErrorCode::Keyring, problem.clone()));
    }
    if let Some(existing) = app.get_webview_window(GOPRO_LOGIN_WINDOW) {
        let _ = existing.close();
    }
    let login_url = backend.endpoints.gopro_login.clone();
    let mut cookie_urls = vec![login_url.clone(), backend.endpoints.gopro_api.clone()];
    if backend.demo.is_none() {
        cookie_urls.extend(
            ["https://gopro.com/", "https://api.gopro.com/"]
                .iter()
                .filter_map(|u| url::Url::parse(u).ok()),
        );
    }
    let (tx, mut rx) = mpsc::unbounded_channel();
    let loaded = tx.clone();
    let mut builder =
        WebviewWindowBuilder::new(&app, GOPRO_LOGIN_WINDOW, WebviewUrl::External(login_url))
            .title("Log in to GoPro")
            .inner_size(520.0, 760.0)
            .center();
    if !under_webdriver() {
        let profile = if backend.demo.is_some() {
            "gopro-web-demo"
        } else {
            "gopro-web"
        };
        builder = builder.data_directory(ctx.app_data.join(profile));
    }
    let window = builder
        .on_page_load(move |window, payload| {
            if payload.event() == PageLoadEvent::Finished {
                let _ = loaded.send(LoginSignal::Loaded(Box::new(window)));
            }
        })
        .build()
        .map_err(|e| {
            CommandError::new(
                ErrorCode::Internal,
                format!("cannot open the GoPro login window: {e}"),
            )
        })?;
    let closed = tx.clone();
    window.on_window_event(move |event| {
        if matches!(event, WindowEvent::Destroyed) {
            let _ = closed.send(LoginSignal::Closed);
        }
    });
    let found = tokio::time::timeout(LOGIN_TIMEOUT, async {
        while let Some(signal) = rx.recv().await {
            match signal {
                LoginSignal::Closed => return None,
                LoginSignal::Loaded(window) => {
                    // Off the main thread and off event handlers: these calls block on the
                    // webview's cookie store (on Windows they deadlock on the main thread).
                    let urls = cookie_urls.clone();
                    let cookies = tokio::task::spawn_blocking(move || {
                        let mut token = None;
                        let mut user = None;
                        let mut seen = Vec::new();
                        for url in urls {
                            for cookie in window.cookies_for_url(url).unwrap_or_default() {
                                match cookie.name() {
                                    "gp_access_token" if !cookie.value().is_empty() => {
                                        token = Some(cookie.value().to_string())
                                    }
                                    "gp_user_id" if !cookie.value().is_empty() => {
                                        user = Some(cookie.value().to_string())
                                    }
                                    _ => continue,
                                }
                                seen.push(cookie);
                            }
                        }
                        if token.is_some() {
                            // From here on the login lives in the keyring, not the webview.
                            for cookie in seen {
                                let _ = window.delete_cookie(cookie);
                            }
                        }
                        token.map(|t| (t, user))
                    })
                    .await
                    .ok()
                    .flatten();
                    if cookies.is_some() {
                        return cookies;
                    }
                }
            }
        }
        None
    })
    .await;
    let close = |app: &AppHandle| {
        if let Some(w) = app.get_webview_window(GOPRO_LOGIN_WINDOW) {
            let _ = w.close();
        }
    };
    let (token, user_id) = match found {
        Ok(Some(found)) => found,
        Ok(None) => {
            return Err(CommandError::new(
                ErrorCode::Cancelled,
                "The GoPro login window was closed before you logged in.",
            ))
        }
        Err(_) => {
            close(&app);
            return Err(CommandError::new(
                ErrorCode::Cancelled,
                "The GoPro login was not finished within 15 minutes; try again.",
            ));
        }
    };
    close(&app);
    keep_gopro_login(&app, &ctx, &backend, token, user_id).await
}

/// `login_gopro_token`: the paste-a-token fallback (Settings).
#[tauri::command]
pub async fn login_gopro_token(
    app: AppHandle,
    ctx: State<'_, AppCtx>,
    token: String,
) -> Result<AccountStatus, CommandError> {
    let token = token
        .trim()
        .trim_start_matches("gp_access_token=")
        .trim()
        .to_string();
    if token.is_empty() {
        return Err(CommandError::new(
            ErrorCode::InvalidInput,
            "Paste the value of the gp_access_token cookie.",
        ));
    }
    let backend = ctx.backend();
    keep_gopro_login(&app, &ctx, &backend, token, None).await
}

/// Checks a GoPro token with GoPro, then keeps it in the keyring.
async fn keep_gopro_login(
    app: &AppHandle,
    ctx: &AppCtx,
    backend: &Arc<Backend>,
    token: String,
    user_id: Option<String>,
) -> Result<AccountStatus, CommandError> {
    let settings = ctx.settings().engine();
    let client = backend.connector(&settings).gopro_with(GoProCredentials {
        access_token: Secret::new(token.clone()),
        user_id: user_id.clone(),
    });
    let user = client.user().await.map_err(|e| match e {
        GoProError::LoginExpired => CommandError::new(
            ErrorCode::TokenExpired,
            "GoPro did not accept this login; please log in again.",
        ),
        other => CommandError::from(other),
    })?;
    backend
        .set_token(Account::GoProAccessToken, Secret::new(token))
        .await?;
    match user_id.or(user.id) {
        Some(uid) => {
            backend
                .set_token(Account::GoProUserId, Secret::new(uid))
                .await?
        }
        None => backend.delete_token(Account::GoProUserId).await?,
    }
    ctx.set_problem(Cloud::Gopro, None);
    let status = account(ctx, backend, Cloud::Gopro).await;
    let _ = app.emit(
        "auth://changed",
        AuthEvent {
            account: status.clone(),
        },
    );
    crate::resumer::after_login(app, Cloud::Gopro).await;
    Ok(status)
}

/// `login_google`: Google sign-in in the system browser (or the program in `Q2GOOGLE_BROWSER`).
#[tauri::command]
pub async fn login_google(
    app: AppHandle,
    ctx: State<'_, AppCtx>,
) -> Result<AccountStatus, CommandError> {
    let backend = ctx.backend();
    if let Some(problem) = &backend.keyring_problem {
        return Err(CommandError::new(ErrorCode::Keyring, problem.clone()));
    }
    let settings = ctx.settings().engine();
    let oauth = backend.oauth(&settings).await?;
    let launcher = if std::env::var_os(BROWSER_ENV).is_some() {
        BrowserLauncher::from_env()
    } else {
        let opener = app.clone();
        BrowserLauncher::custom(move |url| {
            opener
                .opener()
                .open_url(url.as_str(), None::<&str>)
                .map_err(std::io::Error::other)
        })
    };
    let grant =
        login_with_browser(&oauth, &SCOPES, &launcher, Duration::from_secs(10 * 60)).await?;
    let refresh = grant.refresh_token.ok_or_else(|| {
        CommandError::new(
            ErrorCode::TokenExpired,
            "Google did not give q2google lasting access; please sign in again.",
        )
    })?;
    backend
        .set_token(Account::GoogleRefreshToken, refresh)
        .await?;
    let destination = backend
        .photos(&settings)
        .await?
        .destination()
        .await
        .map_err(CommandError::from)?;
    let previous = backend
        .token(Account::GoogleAccount)
        .await?
        .and_then(|s| Destination::from_stored(&s));
    backend
        .set_token(Account::GoogleAccount, destination.to_stored())
        .await?;
    // A switch of OAuth client needs attention: earlier moves cannot go on with this one.
    ctx.set_problem(
        Cloud::Google,
        previous.and_then(|p| destination.switch_warning(&p)),
    );
    let status = account(&ctx, &backend, Cloud::Google).await;
    let _ = app.emit(
        "auth://changed",
        AuthEvent {
            account: status.clone(),
        },
    );
    crate::resumer::after_login(&app, Cloud::Google).await;
    Ok(status)
}

/// `logout`: forgets a login (the keyring entries are deleted).
#[tauri::command]
pub async fn logout(
    app: AppHandle,
    ctx: State<'_, AppCtx>,
    cloud: Cloud,
) -> Result<AccountStatus, CommandError> {
    let backend = ctx.backend();
    match cloud {
        Cloud::Gopro => {
            backend.delete_token(Account::GoProAccessToken).await?;
            backend.delete_token(Account::GoProUserId).await?;
            // The preview's thumbnail tokens were that login's.
            ctx.thumbnails.lock().expect("thumbnails lock").clear();
        }
        Cloud::Google => backend.delete_token(Account::GoogleRefreshToken).await?,
    }
    ctx.set_problem(cloud, None);
    let status = account(&ctx, &backend, cloud).await;
    let _ = app.emit(
        "auth://changed",
        AuthEvent {
            account: status.clone(),
        },
    );
    Ok(status)
}
