//! A scenario for both fakes: what library they serve and which faults they inject.
//!
//! Built in Rust with the builders on [`GoProScenario`] and [`GoogleScenario`], or read from a
//! JSON file by the `fake-clouds` binary (every field optional; unknown fields are an error so a
//! typo in a scenario file is caught).

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::google::GoogleScenario;
use crate::gopro::GoProScenario;

/// Configuration of both fakes.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Scenario {
    /// The GoPro cloud fake.
    pub gopro: GoProScenario,
    /// The Google OAuth + Photos Library fake.
    pub google: GoogleScenario,
}

/// The `stable_secret` of [`Scenario::demo`]: the demo app's stored tokens stay valid when
/// the in-process fakes restart with the app.
pub const DEMO_STABLE_SECRET: &str = "q2google-demo-secret";

impl Scenario {
    /// The demo: the seeded GoPro demo library and a well-behaved Google, both with
    /// [`DEMO_STABLE_SECRET`] so tokens survive a restart.
    pub fn demo() -> Self {
        Self {
            gopro: GoProScenario::demo().with_stable_secret(DEMO_STABLE_SECRET),
            google: GoogleScenario::default().with_stable_secret(DEMO_STABLE_SECRET),
        }
    }

    /// Reads a scenario from a JSON file.
    pub fn from_json_file(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("cannot read scenario file {}: {e}", path.display()))?;
        serde_json::from_str(&text)
            .map_err(|e| anyhow::anyhow!("scenario file {} is not valid: {e}", path.display()))
    }
}
