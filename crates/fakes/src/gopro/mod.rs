//! Fake GoPro cloud (placeholder until the full fake lands).
use serde::{Deserialize, Serialize};
use crate::Clock;
/// GoPro scenario.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct GoProScenario {}
impl GoProScenario {
    /// Demo library.
    pub fn demo() -> Self { Self::default() }
}
/// Fake GoPro.
pub struct FakeGoPro {}
impl FakeGoPro {
    /// Start.
    pub fn start_with_clock(_s: GoProScenario, _c: Clock) -> std::io::Result<Self> { Ok(Self {}) }
}
