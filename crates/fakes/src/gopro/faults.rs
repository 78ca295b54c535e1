//! Runtime fault state and the request counters tests inspect.

use std::collections::HashMap;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Serialize;

use super::scenario::{GoProFaults, Trigger};

/// The kinds of request the fake counts (each counted on arrival, before any check).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestKind {
    /// `GET /media/search`.
    Search,
    /// `GET /media/{id}/download`.
    Download,
    /// `GET /media/{id}`.
    Medium,
    /// `GET /media/user`.
    User,
    /// `GET /media/x/zip/source`.
    Zip,
    /// A CDN `GET`.
    CdnGet,
    /// A CDN `HEAD`.
    CdnHead,
    /// `GET /login` (the form).
    LoginPage,
    /// `POST /login`.
    Login,
    /// `GET /media-library`.
    MediaLibrary,
    /// `GET /resize/{size}/{token}` (a thumbnail).
    Thumbnail,
}

/// One request the CDN saw.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CdnRequest {
    /// `GET`, `HEAD`…
    pub method: String,
    /// The path, without the query string (so without the signature).
    pub path: String,
    /// The `Range` header, if sent.
    pub range: Option<String>,
    /// Whether an `Authorization` header was sent (it must never be).
    pub had_authorization: bool,
    /// The status the CDN answered.
    pub status: u16,
}

/// Which fault is being evaluated (each counts its eligible requests separately).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum FaultKind {
    ShortPage,
    Duplicate,
    RateLimit,
    DeadToken,
    CdnDrop,
    CdnError,
}

/// The live faults, their counters and the seeded RNG.
pub(crate) struct FaultState {
    pub(crate) faults: GoProFaults,
    seen: HashMap<FaultKind, u64>,
    rng: StdRng,
}

impl FaultState {
    pub(crate) fn new(faults: GoProFaults, seed: u64) -> Self {
        Self {
            faults,
            seen: HashMap::new(),
            rng: StdRng::seed_from_u64(seed),
        }
    }

    /// Replaces the faults and restarts their counters (the RNG keeps its sequence).
    pub(crate) fn replace(&mut self, faults: GoProFaults) {
        self.faults = faults;
        self.seen.clear();
    }

    fn trigger(&self, kind: FaultKind) -> Trigger {
        let f = &self.faults;
        match kind {
            FaultKind::ShortPage => f.short_pages.trigger,
            FaultKind::Duplicate => f.duplicate_across_pages,
            FaultKind::RateLimit => f.rate_limit.trigger,
            FaultKind::DeadToken => f.dead_token_500,
            FaultKind::CdnDrop => f.cdn_drop.trigger,
            FaultKind::CdnError => f.cdn_error.trigger,
        }
    }

    /// Counts one eligible request for `kind` and says whether the fault fires on it.
    pub(crate) fn fire(&mut self, kind: FaultKind) -> bool {
        let trigger = self.trigger(kind);
        if trigger == Trigger::Never {
            return false;
        }
        let n = self.seen.entry(kind).or_insert(0);
        *n += 1;
        let n = *n;
        let roll: f64 = self.rng.random();
        trigger.fires(n, roll)
    }
}

/// Request counters and the CDN log.
#[derive(Default)]
pub(crate) struct Counters {
    pub(crate) by_kind: HashMap<RequestKind, u64>,
    pub(crate) cdn: Vec<CdnRequest>,
}

impl Counters {
    pub(crate) fn hit(&mut self, kind: RequestKind) {
        *self.by_kind.entry(kind).or_insert(0) += 1;
    }
}
