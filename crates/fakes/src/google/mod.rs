//! Fake Google (placeholder until the full fake lands).
use serde::{Deserialize, Serialize};
use crate::Clock;
/// Google scenario.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct GoogleScenario {}
/// Fake Google.
pub struct FakeGoogle {}
impl FakeGoogle {
    /// Start.
    pub fn start_with_clock(_s: GoogleScenario, _c: Clock) -> std::io::Result<Self> { Ok(Self {}) }
}
