//! Keeps the computer from idle sleep while a session moves (issue: a move takes days, and a
//! laptop left alone must not stop it). The display may still sleep and the screen may lock.
//!
//! Through the `keepawake` crate: logind's `Inhibit("idle")` and `Inhibit("sleep")` block locks
//! over the system D-Bus on Linux (held as file descriptors: closing them releases the locks),
//! `PreventUserIdleSystemSleep` (IOPMAssertion) on macOS, `SetThreadExecutionState` with
//! `ES_SYSTEM_REQUIRED` on Windows. Windows ties the request to the thread that made it, so the
//! request is made and released on a thread of its own that lives as long as the [`Awake`].

use std::sync::mpsc;
use std::thread::JoinHandle;

/// Shown by the OS in its list of what keeps the computer awake (`systemd-inhibit --list`,
/// `pmset -g assertions`, `powercfg /requests`).
pub const REASON: &str = "Moving your media from GoPro to Google Photos";

/// The computer stays awake (idle sleep held off) while this lives.
pub struct Awake {
    release: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Awake {
    /// Asks the OS to hold off idle sleep until the returned guard is dropped. `None`, with the
    /// reason logged, when the OS refuses or has no such service (a container without logind):
    /// the move goes on regardless.
    pub fn hold() -> Option<Awake> {
        let (started_tx, started_rx) = mpsc::channel();
        let (release_tx, release_rx) = mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("keep-awake".into())
            .spawn(move || {
                let ask = |sleep: bool| {
                    keepawake::Builder::default()
                        .idle(true)
                        .sleep(sleep)
                        .reason(REASON)
                        .app_name("q2google")
                        .app_reverse_domain("app.q2google")
                        .create()
                };
                // logind's sleep lock also blocks the desktop's own suspend on idle; on macOS
                // and Windows "sleep" means other things (away mode), so idle only. A system
                // that refuses the sleep lock still gets asked for the idle one.
                let guard = if cfg!(target_os = "linux") {
                    ask(true).or_else(|_| ask(false))
                } else {
                    ask(false)
                };
                match guard {
                    Ok(guard) => {
                        let _ = started_tx.send(Ok(()));
                        // Until the Awake is dropped (or its owner is gone).
                        let _ = release_rx.recv();
                        drop(guard);
                    }
                    Err(err) => {
                        let _ = started_tx.send(Err(err.to_string()));
                    }
                }
            });
        let thread = match thread {
            Ok(thread) => thread,
            Err(err) => {
                tracing::warn!(error = %err, "could not start keeping the computer awake");
                return None;
            }
        };
        match started_rx.recv() {
            Ok(Ok(())) => {
                tracing::info!("keeping the computer awake while moving");
                Some(Awake {
                    release: Some(release_tx),
                    thread: Some(thread),
                })
            }
            Ok(Err(err)) => {
                tracing::warn!(error = %err, "the system would not keep the computer awake; it may sleep during the move");
                let _ = thread.join();
                None
            }
            Err(_) => {
                let _ = thread.join();
                None
            }
        }
    }
}

impl Drop for Awake {
    fn drop(&mut self) {
        drop(self.release.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        tracing::info!("no longer keeping the computer awake");
    }
}
