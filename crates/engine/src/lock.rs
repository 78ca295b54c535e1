//! One engine per data folder.
//!
//! Two engines running on one session database both upload and create every file, so Google
//! Photos ends up with each file twice. Whoever runs a sync first takes [`RunLock`]: an
//! exclusive OS file lock on `<data folder>/run.lock`, held for as long as the run lives. A
//! second process is refused with [`LockError::Held`], which says who holds the lock, since when
//! and on which session, read from a small note (`run.lock.json`) the holder writes beside it.
//!
//! Why an OS lock and not a lease row in the database: the kernel releases the lock the moment
//! its holder exits, however it exits (a crash, `kill -9`, a power cut ends every process), so a
//! dead holder's lock is free at once and there is no heartbeat to keep, no expiry to guess and
//! no clock to trust; it also works when the database itself cannot be opened (damaged or from a
//! newer version). The note is written beside the lock, not into it, because Windows forbids
//! reading a file another process has locked.
//!
//! The lock file is never deleted: removing a lock file while another process waits on it lets
//! two processes lock two different files of the same name.

use std::fmt;
use std::fs::{File, OpenOptions, TryLockError};
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Local, Utc};
use serde::{Deserialize, Serialize};

/// The lock file's name inside the data folder.
pub const LOCK_FILE: &str = "run.lock";

/// The name of the note about the holder, beside the lock file.
pub const NOTE_FILE: &str = "run.lock.json";

/// Which q2google program holds the lock.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Holder {
    /// The desktop app.
    App,
    /// The `q2google` command.
    CommandLine,
}

impl Holder {
    /// What to do about a run held by this program.
    fn advice(self) -> &'static str {
        match self {
            Holder::App => "Wait for it to finish or pause it there, then try again.",
            Holder::CommandLine => {
                "Wait for it to finish or stop it with Ctrl-C in its terminal (a resume loses nothing), then try again."
            }
        }
    }
}

impl fmt::Display for Holder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Holder::App => "the q2google app",
            Holder::CommandLine => "the q2google command line",
        })
    }
}

/// Who holds the lock: the note written beside it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockNote {
    /// The program.
    pub holder: Holder,
    /// Its process id.
    pub pid: u32,
    /// When it took the lock.
    pub started_at: DateTime<Utc>,
    /// The session it runs, once known.
    pub session: Option<String>,
}

/// Why the lock could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another process holds the lock. Every field comes from its note and is `None` when the
    /// note cannot be read (an older q2google, or a holder that has not written it yet).
    #[error("{}", held_message(*.holder, *.pid, *.started_at, .session.as_deref()))]
    Held {
        /// The program holding it.
        holder: Option<Holder>,
        /// Its process id.
        pid: Option<u32>,
        /// When it took the lock.
        started_at: Option<DateTime<Utc>>,
        /// The session it runs.
        session: Option<String>,
    },
    /// The lock file cannot be created or locked.
    #[error("cannot lock {path}: {source}; check that the data folder exists and can be written")]
    Io {
        /// The lock file.
        path: PathBuf,
        /// What the OS said.
        #[source]
        source: io::Error,
    },
}

fn held_message(
    holder: Option<Holder>,
    pid: Option<u32>,
    started_at: Option<DateTime<Utc>>,
    session: Option<&str>,
) -> String {
    let Some(holder) = holder else {
        return "Another q2google is already running a sync with this data folder. Wait for it to finish, then try again.".into();
    };
    let mut details = Vec::new();
    if let Some(at) = started_at {
        let at = at.with_timezone(&Local);
        let format = if at.date_naive() == Local::now().date_naive() {
            "%H:%M"
        } else {
            "%Y-%m-%d %H:%M"
        };
        details.push(format!("started {}", at.format(format)));
    }
    if let Some(session) = session {
        details.push(format!("session {session}"));
    }
    if let Some(pid) = pid {
        details.push(format!("process {pid}"));
    }
    let details = if details.is_empty() {
        String::new()
    } else {
        format!(" ({})", details.join(", "))
    };
    format!(
        "A sync is already running in {holder}{details}. {}",
        holder.advice()
    )
}

/// The exclusive right to run a sync on one data folder; released when dropped (or when the
/// process ends, however it ends).
#[derive(Debug)]
pub struct RunLock {
    // Held open for the lock's lifetime: closing it releases the lock.
    _file: File,
    dir: PathBuf,
    note: LockNote,
}

impl RunLock {
    /// Takes the lock on `dir` (created if missing) for `holder`, without waiting: fails with
    /// [`LockError::Held`] when another process (or another guard in this one) holds it.
    pub fn acquire(dir: &Path, holder: Holder) -> Result<RunLock, LockError> {
        let path = dir.join(LOCK_FILE);
        let io_error = |source| LockError::Io {
            path: path.clone(),
            source,
        };
        std::fs::create_dir_all(dir).map_err(io_error)?;
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io_error)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => return Err(held(dir)),
            Err(TryLockError::Error(e)) => return Err(io_error(e)),
        }
        let lock = RunLock {
            _file: file,
            dir: dir.to_path_buf(),
            note: LockNote {
                holder,
                pid: std::process::id(),
                started_at: Utc::now(),
                session: None,
            },
        };
        lock.write_note();
        Ok(lock)
    }

    /// Records the session this run works on, for the message a second process shows.
    pub fn set_session(&mut self, session: impl fmt::Display) {
        self.note.session = Some(session.to_string());
        self.write_note();
    }

    /// What this guard's note says.
    pub fn note(&self) -> &LockNote {
        &self.note
    }

    /// The data folder it locks.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes the note atomically (a temporary file renamed over it). Best effort: the lock
    /// works without it, and a second process then names no holder.
    fn write_note(&self) {
        let note = self.dir.join(NOTE_FILE);
        let temp = self
            .dir
            .join(format!("{NOTE_FILE}.{}.tmp", std::process::id()));
        let result = serde_json::to_vec(&self.note)
            .map_err(io::Error::other)
            .and_then(|bytes| std::fs::write(&temp, bytes))
            .and_then(|()| std::fs::rename(&temp, &note));
        if let Err(e) = result {
            let _ = std::fs::remove_file(&temp);
            tracing::warn!(path = %note.display(), error = %e, "cannot write who holds the run lock");
        }
    }
}

impl Drop for RunLock {
    fn drop(&mut self) {
        // The note goes first, while the lock is still ours: once the file closes, a new holder
        // may write its own note, which must not be removed.
        let _ = std::fs::remove_file(self.dir.join(NOTE_FILE));
    }
}

/// The refusal for a lock someone holds, with what its note says. A holder writes its note
/// right after it takes the lock, so a missing note is waited for briefly.
fn held(dir: &Path) -> LockError {
    let mut note = None;
    for attempt in 0..10 {
        note = std::fs::read(dir.join(NOTE_FILE))
            .ok()
            .and_then(|bytes| serde_json::from_slice::<LockNote>(&bytes).ok());
        if note.is_some() || attempt == 9 {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    match note {
        Some(n) => LockError::Held {
            holder: Some(n.holder),
            pid: Some(n.pid),
            started_at: Some(n.started_at),
            session: n.session,
        },
        None => LockError::Held {
            holder: None,
            pid: None,
            started_at: None,
            session: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_guard_is_refused_with_the_holder_until_the_first_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let mut first = RunLock::acquire(dir.path(), Holder::App).unwrap();
        first.set_session("gopro-2026-03");
        let err = RunLock::acquire(dir.path(), Holder::CommandLine).unwrap_err();
        match &err {
            LockError::Held {
                holder,
                pid,
                started_at,
                session,
            } => {
                assert_eq!(*holder, Some(Holder::App));
                assert_eq!(*pid, Some(std::process::id()));
                assert_eq!(*started_at, Some(first.note().started_at));
                assert_eq!(session.as_deref(), Some("gopro-2026-03"));
            }
            other => panic!("{other:?}"),
        }
        let message = err.to_string();
        assert!(
            message.starts_with("A sync is already running in the q2google app (started "),
            "{message}"
        );
        assert!(message.contains("session gopro-2026-03"), "{message}");
        assert!(
            message.ends_with("pause it there, then try again."),
            "{message}"
        );
        drop(first);
        assert!(
            !dir.path().join(NOTE_FILE).exists(),
            "the note goes with the lock"
        );
        assert!(dir.path().join(LOCK_FILE).exists(), "the lock file stays");
        let second = RunLock::acquire(dir.path(), Holder::CommandLine).unwrap();
        assert_eq!(second.note().holder, Holder::CommandLine);
        assert_eq!(second.note().session, None);
        assert_eq!(second.dir(), dir.path());
    }

    #[test]
    fn the_folder_is_created() {
        let dir = tempfile::tempdir().unwrap();
        let nested = dir.path().join("a").join("b");
        let lock = RunLock::acquire(&nested, Holder::CommandLine).unwrap();
        let note: LockNote =
            serde_json::from_slice(&std::fs::read(nested.join(NOTE_FILE)).unwrap()).unwrap();
        assert_eq!(&note, lock.note());
    }

    #[test]
    fn messages_name_the_holder_the_time_and_what_to_do() {
        let at = Utc::now();
        let local = at.with_timezone(&Local).format("%H:%M").to_string();
        let err = LockError::Held {
            holder: Some(Holder::CommandLine),
            pid: Some(4242),
            started_at: Some(at),
            session: Some("s1".into()),
        };
        assert_eq!(
            err.to_string(),
            format!("A sync is already running in the q2google command line (started {local}, session s1, process 4242). Wait for it to finish or stop it with Ctrl-C in its terminal (a resume loses nothing), then try again.")
        );
        let long_ago = DateTime::parse_from_rfc3339("2020-01-02T03:04:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let err = LockError::Held {
            holder: Some(Holder::App),
            pid: None,
            started_at: Some(long_ago),
            session: None,
        };
        let day = long_ago.with_timezone(&Local).format("%Y-%m-%d %H:%M");
        assert_eq!(
            err.to_string(),
            format!("A sync is already running in the q2google app (started {day}). Wait for it to finish or pause it there, then try again.")
        );
        let unknown = LockError::Held {
            holder: None,
            pid: None,
            started_at: None,
            session: None,
        };
        assert!(unknown
            .to_string()
            .starts_with("Another q2google is already running"));
    }

    #[test]
    fn a_lock_without_a_readable_note_names_no_holder() {
        let dir = tempfile::tempdir().unwrap();
        let first = RunLock::acquire(dir.path(), Holder::App).unwrap();
        std::fs::write(dir.path().join(NOTE_FILE), b"not json").unwrap();
        let err = RunLock::acquire(dir.path(), Holder::CommandLine).unwrap_err();
        assert!(
            matches!(err, LockError::Held { holder: None, .. }),
            "{err:?}"
        );
        drop(first);
    }
}
