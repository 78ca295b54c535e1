//! In-memory store (being written).
/// In-memory store.
pub struct MemoryStore;
