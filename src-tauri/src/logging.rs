//! Logs to a daily-rotating file in the app's log folder (seven days kept), so a person can send
//! them when something goes wrong ("Open logs folder" in Settings). Tokens and signed URLs never
//! reach a log line: they are redaction types in the engine.

use std::path::Path;
use std::sync::OnceLock;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{RollingFileAppender, Rotation};

static GUARD: OnceLock<WorkerGuard> = OnceLock::new();

/// Starts file logging under `dir` (stderr too when `Q2GOOGLE_LOG_STDERR` is set).
pub fn init(dir: &Path) {
    let _ = std::fs::create_dir_all(dir);
    let filter = tracing_subscriber::EnvFilter::try_from_env("Q2GOOGLE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,tao=warn,wry=warn"));
    let appender = RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .filename_prefix("q2google")
        .filename_suffix("log")
        .max_log_files(7)
        .build(dir);
    match appender {
        Ok(appender) => {
            let (writer, guard) = tracing_appender::non_blocking(appender);
            let _ = GUARD.set(guard);
            let _ = tracing_subscriber::fmt()
                .with_env_filter(filter)
                .with_writer(writer)
                .with_ansi(false)
                .try_init();
        }
        Err(e) => {
            eprintln!("q2google: cannot write logs to {}: {e}", dir.display());
            let _ = tracing_subscriber::fmt()
                .with_env_filter(filter)
                .with_writer(std::io::stderr)
                .try_init();
        }
    }
}
