//! `demo`: the whole flow against built-in fake clouds, with no accounts and no setup.

use std::sync::Arc;

use chrono::Utc;
use engine::auth::{OAuthClient, SCOPES};
use engine::model::SessionId;
use engine::secret::Secret;
use engine::tokens::{Account, MemoryTokenStore};
use fakes::clouds::FakeClouds;

use crate::args::DemoArgs;
use crate::context::{Context, Failure};
use crate::exit;

/// The demo library's capture span (`fakes::gopro::DEMO_CAPTURED_FROM` .. `_TO`) with margin.
const DEMO_FROM: &str = "2026-01-01";
const DEMO_TO: &str = "2026-06-30";

/// `q2google demo`.
pub async fn run(args: DemoArgs) -> Result<i32, Failure> {
    let clouds = FakeClouds::demo()
        .map_err(|e| Failure::new(exit::FAILURE, format!("cannot start the fake clouds: {e}")))?;
    let google = clouds.google.issue_tokens(&SCOPES);
    let tokens = MemoryTokenStore::with([
        (
            Account::GoProAccessToken,
            Secret::new(clouds.gopro.issue_token()),
        ),
        (
            Account::GoProUserId,
            Secret::new(clouds.gopro.user_id().to_string()),
        ),
        (
            Account::GoogleRefreshToken,
            Secret::new(google.refresh_token),
        ),
    ]);
    // A temporary folder unless asked otherwise: the demo's sessions never mix with real ones.
    let _temp;
    let data_dir = match args.data_dir {
        Some(dir) => dir,
        None => {
            let dir = tempfile::Builder::new()
                .prefix("q2google-demo-")
                .tempdir()
                .map_err(|e| {
                    Failure::new(
                        exit::FAILURE,
                        format!("cannot make a temporary folder: {e}"),
                    )
                })?;
            let path = dir.path().to_path_buf();
            _temp = dir;
            path
        }
    };
    let mut ctx = Context::with_tokens(Arc::new(tokens), Some(data_dir))?;
    let mut lock = ctx.run_lock()?;
    let url =
        |s: String| url::Url::parse(&s).map_err(|e| Failure::new(exit::FAILURE, e.to_string()));
    ctx.endpoints.gopro_api = url(clouds.gopro.api_url())?;
    ctx.endpoints.gopro_login = url(clouds.gopro.login_url())?;
    ctx.endpoints.photos_api = url(clouds.google.base_url())?;
    ctx.endpoints.google_authorize = url(clouds.google.authorize_url())?;
    ctx.endpoints.google_token = url(clouds.google.token_url())?;
    ctx.endpoints.google_userinfo = url(clouds.google.userinfo_url())?;
    ctx.google_client = Some(OAuthClient {
        client_id: clouds.google.client_id(),
        client_secret: Some(Secret::new(clouds.google.client_secret())),
    });
    if !args.json {
        eprintln!("Demo: a fake GoPro cloud ({}) and a fake Google Photos ({}) are running on this computer.", clouds.gopro.api_url(), clouds.google.base_url());
    }
    let from = chrono::NaiveDate::parse_from_str(DEMO_FROM, "%Y-%m-%d").expect("demo date");
    let to = chrono::NaiveDate::parse_from_str(DEMO_TO, "%Y-%m-%d").expect("demo date");
    let id = SessionId::generate(from, to, Utc::now());
    lock.set_session(&id);
    let store = ctx.store()?;
    let gopro = ctx.gopro().await?;
    let photos = ctx.photos().await?;
    let code = super::sync::run_session(
        gopro,
        photos,
        ctx.upload_vault().await,
        store,
        ctx.settings.clone(),
        id,
        from,
        to,
        None,
        super::sync::Shown {
            json: args.json,
            wait: false,
        },
    )
    .await?;
    if !args.json {
        let created = clouds.google.media_items();
        let bytes: u64 = created.iter().map(|m| m.size).sum();
        eprintln!(
            "The fake Google Photos now holds {} items ({:.2} GB) in {} album(s).",
            created.len(),
            bytes as f64 / 1e9,
            clouds.google.albums().len()
        );
    }
    Ok(code)
}
