//! What the person sees: progress bars on stderr, or JSON lines on stdout for scripts.

use std::io::Write;
use std::sync::Mutex;
use std::time::Duration;

use engine::events::{EventSink, SyncEvent};
use engine::model::{SessionId, SessionStatus, Stage};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Logs go to stderr, warnings only unless `-v`; tokens never appear in them (redaction types).
pub fn init_logging(verbose: u8) {
    let level = match verbose {
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("Q2GOOGLE_LOG").unwrap_or_else(|_| {
        tracing_subscriber::EnvFilter::new(format!("q2google={level},engine={level},fakes=warn"))
    });
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .try_init();
}

/// One JSON object per line on stdout, each with `event` and `session_id`.
#[derive(Default)]
pub struct JsonLines {
    out: Mutex<()>,
}

impl JsonLines {
    /// Writes `value` as one line.
    pub fn line(&self, value: &serde_json::Value) {
        let _guard = self.out.lock().expect("stdout lock");
        let mut stdout = std::io::stdout().lock();
        let _ = writeln!(stdout, "{value}");
        let _ = stdout.flush();
    }
}

impl EventSink for JsonLines {
    fn emit(&self, session: &SessionId, event: SyncEvent) {
        let mut value = serde_json::to_value(&event).unwrap_or_default();
        if let Some(object) = value.as_object_mut() {
            object.insert("session_id".into(), session.as_str().into());
            if let SyncEvent::SessionFinished { counts, .. } = &event {
                object.insert("created".into(), counts.created.into());
                object.insert("skipped".into(), counts.skipped.into());
                object.insert("failed".into(), counts.failed.into());
            }
        }
        self.line(&value);
    }
}

/// Progress bars on stderr (plain lines when stderr is not a terminal).
pub struct Terminal {
    bar: ProgressBar,
    state: Mutex<TerminalState>,
}

#[derive(Default)]
struct TerminalState {
    files_total: u64,
    files_done: u64,
}

impl Default for Terminal {
    fn default() -> Self {
        let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr_with_hz(4));
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg}\n  [{bar:40}] {bytes}/{total_bytes}  {bytes_per_sec}  about {eta} left")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        bar.enable_steady_tick(Duration::from_millis(250));
        Self {
            bar,
            state: Mutex::new(TerminalState::default()),
        }
    }
}

impl Terminal {
    fn say(&self, line: String) {
        if self.bar.is_hidden() {
            eprintln!("{line}");
        } else {
            self.bar.println(line);
        }
    }
}

impl EventSink for Terminal {
    fn emit(&self, session: &SessionId, event: SyncEvent) {
        match event {
            SyncEvent::SessionStarted { from, to, resumed } => {
                let verb = if resumed { "Resuming" } else { "Starting" };
                self.say(format!("{verb} session {session}: media captured {from} to {to}. Safe to stop at any time: `q2google resume {session}` continues."));
            }
            SyncEvent::Destination { email } => {
                self.say(format!("Moving into the Google Photos of {email}."))
            }
            SyncEvent::StageStarted { stage } => {
                let text = match stage {
                    Stage::Discovery => "Finding your media on GoPro…",
                    Stage::Transfer => "Moving files to Google Photos…",
                    Stage::Create => "Adding the last files to Google Photos…",
                };
                self.bar.set_message(text);
            }
            SyncEvent::Discovered { files } => self
                .bar
                .set_message(format!("Finding your media on GoPro… {files} files so far")),
            SyncEvent::ItemSkipped {
                filename, reason, ..
            } => self.say(format!("  skipped {filename}: {reason}")),
            SyncEvent::ItemFailed {
                filename, reason, ..
            } => self.say(format!("  failed  {filename}: {reason}")),
            SyncEvent::ItemCreated { .. } => {
                let mut state = self.state.lock().expect("terminal lock");
                state.files_done += 1;
                self.bar.set_message(format!(
                    "Moving files to Google Photos: {} of {} done",
                    state.files_done, state.files_total
                ));
            }
            SyncEvent::WaitingForNetwork { cloud, since } => self.say(format!(
                "Waiting for the network: {cloud} cannot be reached (since {}). q2google keeps \
                 trying about once a minute and goes on by itself; nothing is lost.",
                since.with_timezone(&chrono::Local).format("%H:%M")
            )),
            SyncEvent::NetworkRestored { cloud, waited_secs } => self.say(format!(
                "{cloud} answers again after {}; moving on.",
                human_wait(waited_secs)
            )),
            SyncEvent::Metrics(m) => {
                let mut state = self.state.lock().expect("terminal lock");
                state.files_total = m.files_total;
                state.files_done = m.files_done;
                self.bar.set_length(m.bytes_total.max(m.bytes_done));
                self.bar.set_position(m.bytes_done);
            }
            SyncEvent::SessionFinished {
                status,
                reason,
                counts,
                bytes,
                quota_resets_at,
                ..
            } => {
                self.bar.finish_and_clear();
                let gb = bytes as f64 / 1e9;
                let summary = format!(
                    "{} created, {} skipped, {} failed; {gb:.2} GB moved in this run.",
                    counts.created, counts.skipped, counts.failed
                );
                let line = match status {
                    SessionStatus::Completed => format!("Done. {summary}"),
                    _ => format!(
                        "Stopped ({}): {}. {summary}",
                        status.as_str(),
                        reason.unwrap_or_default()
                    ),
                };
                self.say(line);
                if let Some(at) = quota_resets_at {
                    self.say(format!("Google's quota resets at {} (your time); then run `q2google resume {session}`.", at.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M")));
                } else if status != SessionStatus::Completed {
                    self.say(format!(
                        "Nothing is lost: `q2google resume {session}` continues."
                    ));
                }
            }
            _ => {}
        }
    }
}

/// "42 s", "12 min", "3 h 05 min".
pub fn human_wait(secs: u64) -> String {
    match secs {
        0..=119 => format!("{secs} s"),
        120..=3599 => format!("{} min", secs / 60),
        _ => format!("{} h {:02} min", secs / 3600, secs % 3600 / 60),
    }
}
