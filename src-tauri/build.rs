//! Generates the app's ACL: every command of ours gets a permission, granted in capabilities/.

/// The commands the frontend may call; the main window's capability grants exactly these.
const COMMANDS: &[&str] = &[
    "app_state",
    "login_gopro",
    "login_gopro_token",
    "login_google",
    "logout",
    "preview_range",
    "preview_thumbnail",
    "start_sync",
    "pause_sync",
    "cancel_sync",
    "resume_session",
    "list_sessions",
    "session_items",
    "export_report",
    "get_settings",
    "set_settings",
    "open_logs_folder",
    "open_url",
    "finish_welcome",
    "check_for_updates",
    "install_update",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build script");
}
