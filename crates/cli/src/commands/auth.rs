//! `login` and `logout`.

use std::io::{BufRead, Read};
use std::time::Duration;

use engine::auth::{login_with_browser, BrowserLauncher, SCOPES};
use engine::error::Classified;
use engine::gopro::{GoProCredentials, GoProError};
use engine::model::Destination;
use engine::secret::Secret;
use engine::tokens::Account;

use crate::args::{Cloud, LoginArgs};
use crate::context::{Context, Failure};
use crate::exit;

/// `q2google login gopro|google`.
pub async fn login(ctx: &Context, args: LoginArgs) -> Result<i32, Failure> {
    match args.cloud {
        Cloud::Gopro => login_gopro(ctx, args).await,
        Cloud::Google => login_google(ctx).await,
    }
}

async fn login_gopro(ctx: &Context, args: LoginArgs) -> Result<i32, Failure> {
    let token = if args.token_stdin {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text).map_err(|e| {
            Failure::new(
                exit::BAD_INPUT,
                format!("cannot read the token from standard input: {e}"),
            )
        })?;
        text
    } else {
        eprintln!(
            "Log in at {} in your browser, then copy the value of the gp_access_token cookie",
            ctx.endpoints.gopro_login
        );
        eprintln!("(developer tools → Application → Cookies) and paste it here:");
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| Failure::new(exit::BAD_INPUT, format!("cannot read the token: {e}")))?;
        line
    };
    let token = token
        .trim()
        .trim_start_matches("gp_access_token=")
        .trim()
        .to_string();
    if token.is_empty() {
        return Err(Failure::new(
            exit::BAD_INPUT,
            "no token was given; paste the gp_access_token cookie value",
        ));
    }
    let client = ctx.connector().gopro_with(GoProCredentials {
        access_token: Secret::new(token.clone()),
        user_id: args.user_id.clone(),
    });
    let user = client.user().await.map_err(|e| match e {
        GoProError::LoginExpired => Failure::new(exit::for_kind(e.kind()), "GoPro did not accept this token (it may have expired); log in again and copy a fresh one"),
        other => Failure::engine(&other),
    })?;
    ctx.set_token(Account::GoProAccessToken, Secret::new(token))
        .await?;
    if let Some(uid) = args.user_id.or(user.id) {
        ctx.set_token(Account::GoProUserId, Secret::new(uid))
            .await?;
    }
    eprintln!(
        "Logged in to GoPro ({} items in your GoPro cloud). The token is in your keyring.",
        user.total_count.unwrap_or(0)
    );
    Ok(exit::OK)
}

async fn login_google(ctx: &Context) -> Result<i32, Failure> {
    let oauth = ctx.oauth()?;
    eprintln!("Opening your browser to sign in to Google…");
    let grant = login_with_browser(
        &oauth,
        &SCOPES,
        &BrowserLauncher::from_env(),
        Duration::from_secs(300),
    )
    .await?;
    let refresh = grant.refresh_token.ok_or_else(|| {
        Failure::new(
            exit::LOGIN,
            "Google returned no refresh token; sign in again",
        )
    })?;
    ctx.set_token(Account::GoogleRefreshToken, refresh).await?;
    let destination = ctx.photos().await?.destination().await?;
    let previous = ctx
        .token(Account::GoogleAccount)
        .await?
        .and_then(|s| Destination::from_stored(&s));
    ctx.set_token(Account::GoogleAccount, destination.to_stored())
        .await?;
    eprintln!(
        "Signed in to Google Photos as {}. The sign-in is in your keyring.",
        destination.account.email
    );
    if let Some(warning) = previous.and_then(|p| destination.switch_warning(&p)) {
        eprintln!("Note: {warning}");
    }
    Ok(exit::OK)
}

/// `q2google logout gopro|google`.
pub async fn logout(ctx: &Context, cloud: Cloud) -> Result<i32, Failure> {
    match cloud {
        Cloud::Gopro => {
            ctx.delete_token(Account::GoProAccessToken).await?;
            ctx.delete_token(Account::GoProUserId).await?;
            eprintln!("Logged out of GoPro.");
        }
        Cloud::Google => {
            ctx.delete_token(Account::GoogleRefreshToken).await?;
            eprintln!("Signed out of Google.");
        }
    }
    Ok(exit::OK)
}
