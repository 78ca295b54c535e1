//! `sessions` and `show`.

use engine::model::{ItemState, SessionId};
use engine::store::SessionStore;

use crate::args::ShowArgs;
use crate::context::{Context, Failure};
use crate::exit;

/// `q2google sessions`.
pub fn list(ctx: &Context, json: bool) -> Result<i32, Failure> {
    let store = ctx.store()?;
    let sessions = store.list_sessions()?;
    if json {
        println!("{}", serde_json::to_string(&sessions).unwrap_or_default());
        return Ok(exit::OK);
    }
    if sessions.is_empty() {
        println!(
            "No sessions yet. Start one with `q2google sync --from YYYY-MM-DD --to YYYY-MM-DD`."
        );
        return Ok(exit::OK);
    }
    println!(
        "{:<36} {:<23} {:<11} {:>7} {:>7} {:>6} {:>9}  started",
        "session", "range", "status", "created", "skipped", "failed", "size"
    );
    for s in sessions {
        let c = s.counts;
        println!(
            "{:<36} {} – {} {:<11} {:>7} {:>7} {:>6} {:>8.2}G  {}",
            s.session.id,
            s.session.range_from,
            s.session.range_to,
            s.session.status.as_str(),
            c.created,
            c.skipped,
            c.failed,
            c.bytes_created as f64 / 1e9,
            s.session
                .created_at
                .with_timezone(&chrono::Local)
                .format("%Y-%m-%d %H:%M")
        );
    }
    Ok(exit::OK)
}

/// `q2google show ID`.
pub fn show(ctx: &Context, args: ShowArgs) -> Result<i32, Failure> {
    let id = SessionId::new(args.session_id)
        .map_err(|e| Failure::new(exit::BAD_INPUT, e.to_string()))?;
    let store = ctx.store()?;
    let session = store.load_session(&id)?.ok_or_else(|| {
        Failure::new(
            exit::BAD_INPUT,
            format!("there is no session \"{id}\"; `q2google sessions` lists them"),
        )
    })?;
    let counts = store.counts(&id)?;
    let items = store.items(&id)?;
    if args.json {
        let items: Vec<serde_json::Value> = items
            .iter()
            .map(|i| {
                serde_json::json!({
                    "media_id": i.key.media_id, "item_number": i.key.item_number, "label": i.key.label,
                    "filename": i.filename, "size": i.size, "state": i.state.name(),
                    "reason": reason(&i.state), "google_url": link(&i.state),
                })
            })
            .collect();
        println!(
            "{}",
            serde_json::json!({"session": session, "counts": counts, "items": items})
        );
        return Ok(exit::OK);
    }
    println!(
        "Session {id}: media captured {} to {}, {}",
        session.range_from,
        session.range_to,
        session.status.as_str()
    );
    if let Some(reason) = &session.status_reason {
        println!("  {reason}");
    }
    if let Some(url) = &session.album_url {
        println!("  Album: {url}");
    }
    println!(
        "  {} files: {} created, {} skipped, {} failed, {} waiting",
        counts.total,
        counts.created,
        counts.skipped,
        counts.failed,
        counts.discovered + counts.uploaded
    );
    for i in &items {
        let extra = reason(&i.state)
            .or_else(|| link(&i.state))
            .unwrap_or_default();
        println!(
            "  {:<10} {:<28} {:>12}  {extra}",
            i.state.name(),
            i.filename,
            i.size.map(|s| s.to_string()).unwrap_or_default()
        );
    }
    Ok(exit::OK)
}

fn reason(state: &ItemState) -> Option<String> {
    match state {
        ItemState::Failed { reason, .. } => Some(reason.clone()),
        ItemState::Skipped { reason } => Some(reason.message()),
        _ => None,
    }
}

fn link(state: &ItemState) -> Option<String> {
    match state {
        ItemState::Created { product_url, .. } => product_url.clone(),
        _ => None,
    }
}
