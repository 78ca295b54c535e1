//! History: sessions, their files, and the CSV report.

use std::io::Write;

use engine::model::ItemState;
use engine::store::SessionStore;
use tauri::State;

use super::settings::session_id;
use crate::error::{CommandError, ErrorCode};
use crate::present::session_view;
use crate::state::AppCtx;
use crate::views::{ItemView, SessionView};

/// `list_sessions`: every session, newest first.
#[tauri::command]
pub fn list_sessions(ctx: State<'_, AppCtx>) -> Result<Vec<SessionView>, CommandError> {
    let backend = ctx.backend();
    let store: &dyn SessionStore = &*backend.store;
    let running = ctx
        .run
        .lock()
        .expect("run lock")
        .as_ref()
        .map(|r| r.session_id.clone());
    let live = ctx.stages.lock().expect("stages lock").clone();
    store
        .list_sessions()?
        .into_iter()
        .map(|s| {
            let is_running = running.as_ref() == Some(&s.session.id);
            let stages = live
                .as_ref()
                .filter(|(id, _)| is_running && *id == s.session.id.as_str())
                .map(|(_, st)| *st);
            let mut view = session_view(store, &s.session, stages)?;
            if is_running {
                view.resumable = false;
            }
            Ok(view)
        })
        .collect()
}

/// `session_items`: the files of a session in discovery order.
#[tauri::command]
pub fn session_items(ctx: State<'_, AppCtx>, id: String) -> Result<Vec<ItemView>, CommandError> {
    let id = session_id(&id)?;
    let backend = ctx.backend();
    if backend.store.load_session(&id)?.is_none() {
        return Err(CommandError::new(
            ErrorCode::NotFound,
            format!("There is no session \"{id}\"."),
        ));
    }
    Ok(backend
        .store
        .items(&id)?
        .iter()
        .map(ItemView::from)
        .collect())
}

/// `export_report`: writes the session's report as CSV to the Downloads folder (GoPro file →
/// Google Photos link, or the reason it was skipped or failed) and returns its path.
#[tauri::command]
pub fn export_report(ctx: State<'_, AppCtx>, id: String) -> Result<String, CommandError> {
    let id = session_id(&id)?;
    let backend = ctx.backend();
    let session = backend.store.load_session(&id)?.ok_or_else(|| {
        CommandError::new(
            ErrorCode::NotFound,
            format!("There is no session \"{id}\"."),
        )
    })?;
    let items = backend.store.items(&id)?;
    let folder = dirs::download_dir().unwrap_or_else(|| backend.data_dir.clone());
    std::fs::create_dir_all(&folder).map_err(|e| {
        CommandError::new(
            ErrorCode::DiskFull,
            format!("cannot create {}: {e}", folder.display()),
        )
    })?;
    let path = folder.join(format!("q2google-report-{id}.csv"));
    let write = || -> std::io::Result<()> {
        let mut out = std::io::BufWriter::new(std::fs::File::create(&path)?);
        writeln!(
            out,
            "# q2google report: session {id}, media captured {} to {}, status {}",
            session.range_from,
            session.range_to,
            session.status.as_str()
        )?;
        writeln!(
            out,
            "gopro_media_id,item_number,file,filename,size_bytes,state,google_photos_url,reason"
        )?;
        for item in &items {
            let (url, reason) = match &item.state {
                ItemState::Created { product_url, .. } => {
                    (product_url.clone().unwrap_or_default(), String::new())
                }
                ItemState::Skipped { reason } => (String::new(), reason.message()),
                ItemState::Failed { reason, .. } => (String::new(), reason.clone()),
                _ => (String::new(), String::new()),
            };
            let row = [
                item.key.media_id.clone(),
                item.key.item_number.to_string(),
                item.key.label.to_string(),
                item.filename.clone(),
                item.size.map(|s| s.to_string()).unwrap_or_default(),
                item.state.name().to_string(),
                url,
                reason,
            ];
            writeln!(
                out,
                "{}",
                row.iter()
                    .map(|f| csv_field(f))
                    .collect::<Vec<_>>()
                    .join(",")
            )?;
        }
        out.flush()
    };
    write().map_err(|e| {
        CommandError::new(
            ErrorCode::DiskFull,
            format!("cannot write the report to {}: {e}", path.display()),
        )
    })?;
    Ok(path.display().to_string())
}

/// A CSV field, quoted when it holds a comma, quote or line break; a leading `=`, `+`, `-` or
/// `@` is defused so a spreadsheet does not run it as a formula.
pub fn csv_field(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@']) {
        format!("'{value}")
    } else {
        value.to_string()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

#[cfg(test)]
mod tests {
    use super::csv_field;

    #[test]
    fn csv_fields_are_quoted_and_formulas_defused() {
        assert_eq!(csv_field("GX010001.MP4"), "GX010001.MP4");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=HYPERLINK()"), "'=HYPERLINK()");
    }
}
