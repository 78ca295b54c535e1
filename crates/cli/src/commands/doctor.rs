//! `doctor`: checks what a sync needs and says what to fix, then runs the same read-only
//! contract checks the tests run against the fakes against the real clouds (one search page,
//! one download descriptor, a HEAD on the CDN, a token refresh, the album list), so a change in
//! GoPro's undocumented API is caught in one command.

use chrono::{DateTime, Utc};
use engine::gopro::select::select_originals;
use engine::gopro::{CaptureRange, Choice, SelectOptions};
use engine::tokens::{KeyringTokenStore, TokenStore as _};

use crate::context::{Context, Failure};
use crate::exit;

struct Check {
    name: &'static str,
    ok: bool,
    detail: String,
}

/// `q2google doctor`.
pub async fn run(ctx: &Context, json: bool) -> Result<i32, Failure> {
    let mut checks = Vec::new();
    let mut check = |name: &'static str, result: Result<String, String>| {
        let (ok, detail) = match result {
            Ok(d) => (true, d),
            Err(d) => (false, d),
        };
        checks.push(Check { name, ok, detail });
    };
    check("data folder writable", data_dir(ctx));
    check("free disk space", free_disk(ctx));
    check("keyring reachable", keyring());
    check(
        "database readable",
        ctx.store()
            .map(|s| {
                format!(
                    "{} sessions",
                    engine::store::SessionStore::list_sessions(&*s)
                        .map(|l| l.len())
                        .unwrap_or(0)
                )
            })
            .map_err(|f| f.message),
    );
    check("GoPro login and API", gopro(ctx).await);
    check("Google sign-in and API", google(ctx).await);
    check("clock", clock(ctx).await);
    let all_ok = checks.iter().all(|c| c.ok);
    if json {
        let list: Vec<_> = checks
            .iter()
            .map(|c| serde_json::json!({"check": c.name, "ok": c.ok, "detail": c.detail}))
            .collect();
        println!("{}", serde_json::json!({"ok": all_ok, "checks": list}));
    } else {
        for c in &checks {
            println!(
                "{} {:<24} {}",
                if c.ok { "ok  " } else { "FIX " },
                c.name,
                c.detail
            );
        }
    }
    Ok(if all_ok { exit::OK } else { exit::FAILURE })
}

fn data_dir(ctx: &Context) -> Result<String, String> {
    std::fs::create_dir_all(&ctx.data_dir).map_err(|e| {
        format!(
            "cannot create {}: {e}; set Q2GOOGLE_DATA_DIR to a folder you can write",
            ctx.data_dir.display()
        )
    })?;
    let probe = ctx.data_dir.join(".q2google-write-test");
    std::fs::write(&probe, b"ok")
        .map_err(|e| format!("cannot write in {}: {e}", ctx.data_dir.display()))?;
    let _ = std::fs::remove_file(probe);
    Ok(ctx.data_dir.display().to_string())
}

fn free_disk(ctx: &Context) -> Result<String, String> {
    let free = fs2::available_space(&ctx.data_dir).map_err(|e| format!("cannot tell: {e}"))?;
    let text = format!("{:.1} GB free", free as f64 / 1e9);
    // Nothing is copied to disk, but the session database grows with the library.
    if free < 200 * 1000 * 1000 {
        Err(format!(
            "{text}; free some space (q2google needs a little for its session database)"
        ))
    } else {
        Ok(text)
    }
}

fn keyring() -> Result<String, String> {
    let store = KeyringTokenStore::new().map_err(|e| e.to_string())?;
    store.probe().map_err(|e| e.to_string())?;
    let _ = store.get(engine::tokens::Account::GoogleRefreshToken);
    Ok(format!("{} works", store.backend()))
}

async fn gopro(ctx: &Context) -> Result<String, String> {
    let client = ctx.gopro().await.map_err(|f| f.message)?;
    let user = client.user().await.map_err(|e| e.to_string())?;
    let today = Utc::now().date_naive();
    let range = CaptureRange::new(today - chrono::Duration::days(365 * 20), today)
        .map_err(|e| e.to_string())?;
    let (rows, page) = client
        .search_page(&range, 1, 5)
        .await
        .map_err(|e| format!("search: {e}"))?;
    if page.pages.total_items.is_none() {
        return Err("search answered without _pages.total_items: GoPro changed its API".into());
    }
    let mut detail = format!("{} items; search, ", page.pages.total_items.unwrap_or(0));
    // The newest media that GoPro has ready; the first with a movable original gets a HEAD.
    let mut described = false;
    for medium in rows.iter().filter(|m| m.is_ready()) {
        let info = client
            .download_info(&medium.id)
            .await
            .map_err(|e| format!("download descriptor: {e}"))?;
        if !described {
            detail.push_str("download descriptor, ");
            described = true;
        }
        let original = select_originals(medium, &info, SelectOptions::default())
            .into_iter()
            .find_map(|c| match c {
                Choice::Transfer(o) => Some(o),
                _ => None,
            });
        if let Some(o) = original {
            let size = client
                .head_size(&o.key, o.head.as_ref())
                .await
                .map_err(|e| format!("CDN HEAD: {e}"))?;
            detail.push_str(&format!("CDN HEAD ({size} bytes) "));
            break;
        }
    }
    let _ = user;
    Ok(format!("{detail}work"))
}

async fn google(ctx: &Context) -> Result<String, String> {
    let client = ctx.photos().await.map_err(|f| f.message)?;
    let destination = client.destination().await.map_err(|e| e.to_string())?;
    let albums = client.list_albums(None).await.map_err(|e| e.to_string())?;
    Ok(format!(
        "signed in as {}; token refresh and album list work ({} albums made by q2google)",
        destination.account.email,
        albums.albums.len()
    ))
}

async fn clock(ctx: &Context) -> Result<String, String> {
    let http = ctx.http();
    let response = http
        .client()
        .get(ctx.endpoints.photos_api.clone())
        .send()
        .await
        .map_err(|e| format!("cannot reach Google to compare clocks: {}", e.without_url()))?;
    let date = response
        .headers()
        .get(reqwest::header::DATE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| DateTime::parse_from_rfc2822(v).ok())
        .ok_or("Google's answer had no Date header to compare with")?;
    let skew = (Utc::now() - date.with_timezone(&Utc)).num_seconds().abs();
    if skew > 300 {
        Err(format!("this computer's clock is {skew} s off; set the time automatically (sign-in and signed URLs depend on it)"))
    } else {
        Ok(format!("within {skew} s of Google's"))
    }
}
