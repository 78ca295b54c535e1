//! The state shared by the API host, the CDN host and the inspection API.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

use rand::RngCore;
use sha2::{Digest, Sha256};

use super::auth::TokenInfo;
use super::faults::{Counters, FaultState, RequestKind};
use super::library::Media;
use super::scenario::GoProScenario;
use crate::{Clock, SharedLink};

/// State behind both servers.
pub(crate) struct Shared {
    pub(crate) scenario: GoProScenario,
    pub(crate) clock: Clock,
    /// `http://127.0.0.1:P` of the CDN, set once it listens.
    pub(crate) cdn_base: OnceLock<String>,
    /// Key of the URL signatures (random per fake, so URLs of another run are rejected).
    pub(crate) secret: [u8; 32],
    /// CDN path prefix `/{uuid}/{numeric}` → index in the library.
    pub(crate) by_prefix: HashMap<String, usize>,
    /// The link every CDN download shares (`cdn_shared_bytes_per_sec`).
    pub(crate) downlink: Arc<SharedLink>,
    tokens: Mutex<HashMap<String, TokenInfo>>,
    /// Media whose processing a test finished ([`FakeGoPro::finish_processing`]).
    processed: Mutex<std::collections::HashSet<String>>,
    /// Remembered web sign-ins (`gp_web_session` → until when).
    web_sessions: Mutex<HashMap<String, chrono::DateTime<chrono::Utc>>>,
    faults: Mutex<FaultState>,
    counters: Mutex<Counters>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panicking handler must not take the whole fake down with poisoned locks.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The CDN path prefix of a medium: a uuid-looking and a numeric segment derived from its id.
pub(crate) fn cdn_prefix(media: &Media) -> String {
    let h = Sha256::digest(format!("cdn:{}", media.id).as_bytes());
    let hex = crate::content::hex(&h);
    let numeric = u64::from_be_bytes([h[24], h[25], h[26], h[27], h[28], h[29], h[30], h[31]])
        % 10_000_000_000;
    format!(
        "/{}-{}-{}-{}-{}/{numeric}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

impl Shared {
    /// Remembers a web sign-in for the scenario's `web_session_ttl_secs`; its cookie value,
    /// or `None` when the web login remembers nothing.
    pub(crate) fn remember_web_session(&self) -> Option<String> {
        let ttl = self.scenario.web_session_ttl_secs?;
        let id = super::auth::new_token();
        let until = self.clock.now() + chrono::Duration::seconds(ttl as i64);
        lock(&self.web_sessions).insert(id.clone(), until);
        Some(id)
    }

    /// Whether `id` is a live remembered web sign-in.
    pub(crate) fn web_session_live(&self, id: &str) -> bool {
        let now = self.clock.now();
        lock(&self.web_sessions)
            .get(id)
            .is_some_and(|until| now < *until)
    }

    pub(crate) fn new(scenario: GoProScenario, clock: Clock) -> Arc<Self> {
        let mut secret = [0u8; 32];
        rand::rng().fill_bytes(&mut secret);
        let by_prefix = scenario
            .library
            .iter()
            .enumerate()
            .map(|(i, m)| (cdn_prefix(m), i))
            .collect();
        let faults = FaultState::new(scenario.faults.clone(), scenario.seed);
        Arc::new(Self {
            scenario,
            clock,
            cdn_base: OnceLock::new(),
            secret,
            by_prefix,
            downlink: Arc::default(),
            tokens: Mutex::new(HashMap::new()),
            web_sessions: Mutex::new(HashMap::new()),
            processed: Mutex::new(std::collections::HashSet::new()),
            faults: Mutex::new(faults),
            counters: Mutex::new(Counters::default()),
        })
    }

    pub(crate) fn lock_tokens(&self) -> MutexGuard<'_, HashMap<String, TokenInfo>> {
        lock(&self.tokens)
    }

    pub(crate) fn lock_faults(&self) -> MutexGuard<'_, FaultState> {
        lock(&self.faults)
    }

    pub(crate) fn lock_counters(&self) -> MutexGuard<'_, Counters> {
        lock(&self.counters)
    }

    /// Counts one request of `kind`.
    pub(crate) fn hit(&self, kind: RequestKind) {
        self.lock_counters().hit(kind);
    }

    /// `m` as GoPro shows it now: ready once a test finished its processing.
    pub(crate) fn effective<'a>(&self, m: &'a Media) -> std::borrow::Cow<'a, Media> {
        if m.state != super::library::ProcessingState::Ready
            && lock(&self.processed).contains(&m.id)
        {
            std::borrow::Cow::Owned(m.clone().with_state(super::library::ProcessingState::Ready))
        } else {
            std::borrow::Cow::Borrowed(m)
        }
    }

    /// GoPro finishes processing the medium `id`.
    pub(crate) fn finish_processing(&self, id: &str) {
        lock(&self.processed).insert(id.to_string());
    }

    /// The medium with `id`.
    pub(crate) fn media(&self, id: &str) -> Option<(usize, &Media)> {
        self.scenario
            .library
            .iter()
            .enumerate()
            .find(|(_, m)| m.id == id)
    }

    /// The API host's latency (and bandwidth) for this response.
    pub(crate) fn api_shaping(&self) -> crate::Shaping {
        self.lock_faults().faults.api_shaping
    }
}
