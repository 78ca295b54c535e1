//! The `q2google` CLI's integration tests: one binary that runs the real `q2google` against
//! fakes of both clouds started in the test process.
//!
//! - `commands`: each command as a person or a script meets it (exit codes, messages, JSON).
//! - `kill_resume`: killed at random points and resumed, every file arrives exactly once.
//! - `one_engine`: one engine per data folder across processes.
//! - `common`: the harness (fakes, data folder, running the binary).

mod commands;
mod common;
mod kill_resume;
mod one_engine;
