//! Both fakes together, sharing one clock: what demo mode and end-to-end tests start.

use crate::google::FakeGoogle;
use crate::gopro::FakeGoPro;
use crate::scenario::Scenario;
use crate::Clock;

/// The GoPro and Google fakes running side by side.
pub struct FakeClouds {
    /// The GoPro API, CDN and login page.
    pub gopro: FakeGoPro,
    /// Google OAuth and the Photos Library API.
    pub google: FakeGoogle,
    clock: Clock,
}

impl FakeClouds {
    /// Starts both fakes from `scenario` on ephemeral loopback ports.
    pub fn start(scenario: Scenario) -> std::io::Result<Self> {
        let clock = Clock::default();
        Ok(Self {
            gopro: FakeGoPro::start_with_clock(scenario.gopro, clock.clone())?,
            google: FakeGoogle::start_with_clock(scenario.google, clock.clone())?,
            clock,
        })
    }

    /// Starts both fakes with the seeded demo library.
    pub fn demo() -> std::io::Result<Self> {
        Self::start(Scenario::demo())
    }

    /// The clock both fakes read; advance it to expire tokens and URLs.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }
}
