//! q2google engine.
