//! SQLite store (being written).
/// SQLite store.
pub struct SqliteStore;
