//! What can go wrong with the session store, in words a person can act on.

use std::path::PathBuf;

/// A session-store failure.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database file is not a q2google database or is damaged. It is left untouched.
    #[error("the session database {path} is damaged or not a q2google database ({detail}); it was left untouched: move it aside (q2google starts a new one) or restore a backup")]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What SQLite said.
        detail: String,
    },
    /// The database was written by a newer q2google. It is left untouched.
    #[error("the session database {path} was written by a newer q2google (schema {found}, this version knows up to {supported}); update q2google or point it at another data folder")]
    TooNew {
        /// The file.
        path: PathBuf,
        /// Its schema version.
        found: i64,
        /// The newest this build understands.
        supported: i64,
    },
    /// The data folder cannot be written (permissions, full disk).
    #[error("cannot write the session database {path}: {detail}; check free disk space and permissions of the data folder")]
    Io {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        detail: String,
    },
    /// Another q2google holds the database.
    #[error("another q2google is using the session database {path}; close it and try again")]
    Busy {
        /// The file.
        path: PathBuf,
    },
    /// No session with that id.
    #[error("there is no session \"{0}\"; `q2google sessions` lists them")]
    UnknownSession(String),
    /// A session with that id already exists.
    #[error("a session \"{0}\" already exists; resume it or choose another id")]
    AlreadyExists(String),
}
