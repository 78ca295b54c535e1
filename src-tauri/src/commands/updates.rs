//! `check_for_updates` and `install_update` (see [`crate::updates`]).

use tauri::AppHandle;

use crate::error::CommandError;
use crate::views::UpdateCheck;

/// `check_for_updates`: this version, and a newer one if the update server has it.
#[tauri::command]
pub async fn check_for_updates(app: AppHandle) -> Result<UpdateCheck, CommandError> {
    let update = crate::updates::check(&app).await?;
    Ok(crate::updates::view(&app, update.as_ref()))
}

/// `install_update`: downloads and verifies the newer version, pauses a running move at a
/// checkpoint, installs, and restarts q2google (the move then goes on by itself). Resolves
/// only when there was nothing newer to install.
#[tauri::command]
pub async fn install_update(app: AppHandle) -> Result<UpdateCheck, CommandError> {
    match crate::updates::install(&app).await? {
        Some(_) => app.restart(),
        None => Ok(crate::updates::view(&app, None)),
    }
}
