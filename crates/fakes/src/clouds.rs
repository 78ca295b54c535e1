//! Both fakes together, sharing one clock: what demo mode and end-to-end tests start.

use crate::google::FakeGoogle;
use crate::gopro::FakeGoPro;
use crate::scenario::Scenario;
use crate::{Clock, Outage};

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

    /// Cuts both fakes off the network (the home router reboots) until
    /// [`restore`](Self::restore).
    pub fn outage(&self, kind: Outage) {
        self.gopro.outage(kind);
        self.google.outage(kind);
    }

    /// Cuts both fakes off the network for `duration` of real time.
    pub fn outage_for(&self, kind: Outage, duration: std::time::Duration) {
        self.gopro.outage_for(kind, duration);
        self.google.outage_for(kind, duration);
    }

    /// Ends an outage of both fakes.
    pub fn restore(&self) {
        self.gopro.restore();
        self.google.restore();
    }

    /// Requests that reached either fake during outages.
    pub fn requests_during_outage(&self) -> u64 {
        self.gopro.requests_during_outage() + self.google.requests_during_outage()
    }
}
