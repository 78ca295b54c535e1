//! `fake-clouds`: serves the GoPro and Google fakes on loopback until interrupted.
//!
//! ```text
//! fake-clouds [--scenario FILE.json] [--json]
//! ```
//! Without a scenario file it serves the seeded demo library. It prints every URL, the demo
//! GoPro login, a GoPro access token and a Google access token so the fakes can be explored
//! with `curl`; `--json` prints the same as one JSON object (for scripts and end-to-end tests).

use std::path::PathBuf;

use anyhow::{bail, Context};
use fakes::clouds::FakeClouds;
use fakes::scenario::Scenario;

const USAGE: &str = "usage: fake-clouds [--scenario FILE.json] [--json]";

fn main() -> anyhow::Result<()> {
    let mut scenario_file: Option<PathBuf> = None;
    let mut json = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--scenario" => scenario_file = Some(args.next().context(USAGE)?.into()),
            "--json" => json = true,
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            other => bail!("unknown argument {other:?}\n{USAGE}"),
        }
    }
    let scenario = match &scenario_file {
        Some(path) => Scenario::from_json_file(path)?,
        None => Scenario::demo(),
    };
    let clouds = FakeClouds::start(scenario).context("cannot start the fakes")?;
    let gopro_token = clouds.gopro.issue_token();
    let google = clouds.google.issue_tokens(&[
        "https://www.googleapis.com/auth/photoslibrary.appendonly",
        "https://www.googleapis.com/auth/photoslibrary.readonly.appcreateddata",
        fakes::google::SCOPE_OPENID,
        fakes::google::SCOPE_EMAIL,
    ]);
    let info = serde_json::json!({
        "gopro_api": clouds.gopro.api_url(),
        "gopro_cdn": clouds.gopro.cdn_url(),
        "gopro_login": clouds.gopro.login_url(),
        "gopro_email": clouds.gopro.scenario().account.email,
        "gopro_password": clouds.gopro.scenario().account.password,
        "gopro_user_id": clouds.gopro.user_id(),
        "gopro_token": gopro_token,
        "photos_api": clouds.google.base_url(),
        "google_authorize": clouds.google.authorize_url(),
        "google_token": clouds.google.token_url(),
        "google_userinfo": clouds.google.userinfo_url(),
        "google_client_id": clouds.google.client_id(),
        "google_client_secret": clouds.google.client_secret(),
        "google_access_token": google.access_token,
        "google_refresh_token": google.refresh_token,
    });
    if json {
        println!("{info}");
    } else {
        let s = |k: &str| info[k].as_str().unwrap_or_default().to_string();
        println!("Fake clouds are running (Ctrl-C stops them).\n");
        println!("GoPro API     {}", s("gopro_api"));
        println!("GoPro CDN     {}", s("gopro_cdn"));
        println!(
            "GoPro login   {}  ({} / {})",
            s("gopro_login"),
            s("gopro_email"),
            s("gopro_password")
        );
        println!("GoPro token   {}", s("gopro_token"));
        println!("Photos API    {}", s("photos_api"));
        println!(
            "Google OAuth  authorize {}  token {}",
            s("google_authorize"),
            s("google_token")
        );
        println!(
            "Google client {} / {}",
            s("google_client_id"),
            s("google_client_secret")
        );
        println!("Google token  {}", s("google_access_token"));
        println!("\nTry:");
        println!(
            "  curl -s -H 'Accept: application/vnd.gopro.jk.media+json; version=2.0.0' -H 'Authorization: Bearer {}' '{}/media/search?per_page=5&page=1'",
            s("gopro_token"),
            s("gopro_api")
        );
        println!(
            "  curl -s -H 'Authorization: Bearer {}' '{}/v1/albums'",
            s("google_access_token"),
            s("photos_api")
        );
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let _ = tokio::signal::ctrl_c().await;
    });
    drop(clouds);
    Ok(())
}
