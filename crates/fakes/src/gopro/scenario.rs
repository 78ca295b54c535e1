//! What the fake GoPro serves ([`GoProScenario`]) and which faults it injects ([`GoProFaults`]).
//!
//! Faults are evaluated per eligible request through a [`Trigger`]. Each fault counts its own
//! eligible requests from the moment the faults were set (at start or by
//! `FakeGoPro::set_faults`), so `Trigger::First(2)` means "the next two eligible requests".

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::library::Media;
use crate::shaping::Shaping;

/// When a fault fires, counted over the requests it applies to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    /// Never (the default).
    #[default]
    Never,
    /// On every eligible request.
    Always,
    /// On the first K eligible requests, then never.
    First(u32),
    /// On every Nth eligible request (the Nth, 2Nth…).
    EveryNth(u32),
    /// At random with this probability (0.0–1.0), from the scenario's seeded RNG.
    Random(f64),
}

impl Trigger {
    /// Whether the `n`-th (1-based) eligible request fires; `roll` is a uniform draw in [0, 1).
    pub fn fires(&self, n: u64, roll: f64) -> bool {
        match *self {
            Trigger::Never => false,
            Trigger::Always => true,
            Trigger::First(k) => n <= u64::from(k),
            Trigger::EveryNth(k) => k > 0 && n.is_multiple_of(u64::from(k)),
            Trigger::Random(p) => roll < p,
        }
    }
}

/// Short pages: a healthy 200 with fewer rows than `per_page` (and `_pages` unchanged).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ShortPages {
    /// When; counted over search requests for the pages below that would return rows.
    pub trigger: Trigger,
    /// Only these page numbers are affected; empty = every page.
    pub pages: Vec<u32>,
    /// How many rows a short page keeps (the first ones); the live case kept 12 of 50.
    pub keep_rows: u32,
}

/// HTTP 429 on API calls (after the Accept check, before auth).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RateLimit {
    /// When; counted over API requests that passed the Accept check.
    pub trigger: Trigger,
    /// `Retry-After` in seconds; `None` sends no header (the case go2cloud warns about).
    pub retry_after_secs: Option<u64>,
}

/// The CDN drops the connection mid-body.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CdnDrop {
    /// When; counted over CDN GETs that would succeed.
    pub trigger: Trigger,
    /// Bytes of the body sent before the connection drops.
    pub after_bytes: u64,
}

/// The CDN answers a 5xx with an S3-style XML error.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CdnError {
    /// When; counted over CDN GETs that would succeed (HEADs are not affected).
    pub trigger: Trigger,
    /// The status (0 = 503).
    pub status: u16,
}

/// Faults the fake injects; all off by default. Replaceable while running.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GoProFaults {
    /// Short search pages.
    pub short_pages: ShortPages,
    /// The last row of page k repeated as the first row of page k+1 (k ≥ 1). The repeated row
    /// is *added*: that page has up to `per_page + 1` rows, `_pages` is unchanged
    /// (`total_items` counts distinct items), and walking pages 1..=`total_pages` still sees
    /// every id. Counted over requests for page ≥ 2.
    pub duplicate_across_pages: Trigger,
    /// 429 on API calls.
    pub rate_limit: RateLimit,
    /// A known but expired token gets 500 instead of 401 (a dead token "sometimes shows up
    /// that way"); counted over requests carrying an expired token.
    pub dead_token_500: Trigger,
    /// CDN connection drops mid-body.
    pub cdn_drop: CdnDrop,
    /// CDN 5xx.
    pub cdn_error: CdnError,
    /// Media whose `/download` descriptor answers 500 every time (default none).
    pub broken_descriptors: Vec<String>,
    /// Media the search still lists but whose `/download` answers 404, as for a medium deleted
    /// after the listing (default none).
    pub gone_descriptors: Vec<String>,
    /// Latency (and body bandwidth) of the API host.
    pub api_shaping: Shaping,
    /// Latency and bandwidth of the CDN.
    pub cdn_shaping: Shaping,
    /// Bandwidth in bytes per second shared by every CDN download body at once, like one home
    /// link, on top of `cdn_shaping`'s per-connection cap (default `None`: unlimited). Read when
    /// each body starts.
    pub cdn_shared_bytes_per_sec: Option<u64>,
}

/// The seeded account: the login page credentials and the user id behind every token.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GoProAccount {
    /// Login email (default `demo@example.com`).
    pub email: String,
    /// Login password (default `demo`).
    pub password: String,
    /// `gp_user_id` / `gopro_user_id` / `id` of `/media/user`.
    pub user_id: String,
}

impl Default for GoProAccount {
    fn default() -> Self {
        Self {
            email: "demo@example.com".to_owned(),
            password: "demo".to_owned(),
            user_id: "6f1d0c2e-9b4a-4c61-8d1e-2a7f3b5c9e01".to_owned(),
        }
    }
}

/// Everything the fake GoPro serves. `default()` is an empty library with the seeded account;
/// [`GoProScenario::demo`] is the demo library.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GoProScenario {
    /// The account (default `demo@example.com` / `demo`).
    pub account: GoProAccount,
    /// The media library, in any order (search sorts it).
    pub library: Vec<Media>,
    /// Access-token lifetime in seconds on the fake clock (default 14 400 = 4 h).
    pub token_ttl_secs: u64,
    /// How long GoPro's web login remembers the browser, in seconds (default `None`: it does
    /// not, and every sign-in asks for the password, which is what public evidence suggests).
    /// With a value, a password sign-in also sets the HttpOnly cookie `gp_web_session`, and
    /// `GET /login` with a live one signs in at once: a fresh token, no password typed.
    pub web_session_ttl_secs: Option<u64>,
    /// Makes access tokens self-validating (default `None`: tokens are random and live only in
    /// the fake's memory). With a secret, the tokens the login page and `issue_token` mint
    /// carry the user id and their expiry under an HMAC-SHA256 keyed by it, so a fake
    /// restarted with the same secret still accepts them until they expire on its clock (the
    /// demo app's stored login survives a restart). Tokens of a fake with another secret, or
    /// without one, are rejected as before.
    pub stable_secret: Option<String>,
    /// Signed CDN URL lifetime in seconds (default 3 600).
    pub url_ttl_secs: u64,
    /// `per_page` when the parameter is absent, unparseable or 0 (default 30).
    pub default_per_page: u32,
    /// Rows per page are silently truncated to this (default none); `_pages.per_page` and the
    /// page offsets still use the requested `per_page`, so rows are lost unless the client
    /// notices the short pages and asks for smaller ones.
    pub per_page_cap: Option<u32>,
    /// Send `file_size`, `width`, `height` and `item_count` as strings on every other row
    /// (rows at an odd position of the library; default false).
    pub numbers_as_strings: bool,
    /// Vendor versions answered with 410 Gone instead of 406 (default `["1.0.0"]`). Listing
    /// `2.0.0`, the version clients speak, plays GoPro retiring it.
    pub gone_versions: Vec<String>,
    /// Seed of the RNG behind `Trigger::Random` (default 42).
    pub seed: u64,
    /// Injected faults (default none).
    pub faults: GoProFaults,
}

impl Default for GoProScenario {
    fn default() -> Self {
        Self {
            account: GoProAccount::default(),
            library: Vec::new(),
            token_ttl_secs: 4 * 3600,
            web_session_ttl_secs: None,
            stable_secret: None,
            url_ttl_secs: 3600,
            default_per_page: 30,
            per_page_cap: None,
            numbers_as_strings: false,
            gone_versions: vec!["1.0.0".to_owned()],
            seed: 42,
            faults: GoProFaults::default(),
        }
    }
}

impl GoProScenario {
    /// The demo library (see the `demo` module: 34 media captured 2026-01-04 … 2026-05-28), no faults.
    pub fn demo() -> Self {
        Self::default().with_library(super::demo::demo_library())
    }

    /// Replaces the library.
    pub fn with_library(mut self, library: Vec<Media>) -> Self {
        self.library = library;
        self
    }

    /// Adds one medium.
    pub fn with_media(mut self, media: Media) -> Self {
        self.library.push(media);
        self
    }

    /// Replaces the account.
    pub fn with_account(mut self, account: GoProAccount) -> Self {
        self.account = account;
        self
    }

    /// Silently truncates pages to `cap` rows.
    pub fn per_page_cap(mut self, cap: u32) -> Self {
        self.per_page_cap = Some(cap);
        self
    }

    /// Sets the token lifetime.
    pub fn token_ttl(mut self, ttl: Duration) -> Self {
        self.token_ttl_secs = ttl.as_secs();
        self
    }

    /// Makes access tokens self-validating under `secret` (see
    /// [`stable_secret`](Self::stable_secret)).
    pub fn with_stable_secret(mut self, secret: impl Into<String>) -> Self {
        self.stable_secret = Some(secret.into());
        self
    }

    /// Sets the signed URL lifetime.
    pub fn url_ttl(mut self, ttl: Duration) -> Self {
        self.url_ttl_secs = ttl.as_secs();
        self
    }

    /// Numbers as strings on every other row.
    pub fn numbers_as_strings(mut self, on: bool) -> Self {
        self.numbers_as_strings = on;
        self
    }

    /// Seeds the fault RNG.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Replaces all faults.
    pub fn with_faults(mut self, faults: GoProFaults) -> Self {
        self.faults = faults;
        self
    }

    /// Short pages keeping `keep_rows` rows, on `pages` (empty = all).
    pub fn short_pages(mut self, trigger: Trigger, pages: &[u32], keep_rows: u32) -> Self {
        self.faults.short_pages = ShortPages {
            trigger,
            pages: pages.to_vec(),
            keep_rows,
        };
        self
    }

    /// Duplicate the last row of a page at the start of the next.
    pub fn duplicate_across_pages(mut self, trigger: Trigger) -> Self {
        self.faults.duplicate_across_pages = trigger;
        self
    }

    /// 429 on API calls, with or without `Retry-After`.
    pub fn rate_limit(mut self, trigger: Trigger, retry_after_secs: Option<u64>) -> Self {
        self.faults.rate_limit = RateLimit {
            trigger,
            retry_after_secs,
        };
        self
    }

    /// 500 instead of 401 for an expired token.
    pub fn dead_token_500(mut self, trigger: Trigger) -> Self {
        self.faults.dead_token_500 = trigger;
        self
    }

    /// CDN drops GET bodies after `after_bytes`.
    pub fn cdn_drop(mut self, trigger: Trigger, after_bytes: u64) -> Self {
        self.faults.cdn_drop = CdnDrop {
            trigger,
            after_bytes,
        };
        self
    }

    /// CDN answers GETs with `status`.
    pub fn cdn_error(mut self, trigger: Trigger, status: u16) -> Self {
        self.faults.cdn_error = CdnError { trigger, status };
        self
    }

    /// Latency and bandwidth of the API host.
    pub fn api_shaping(mut self, shaping: Shaping) -> Self {
        self.faults.api_shaping = shaping;
        self
    }

    /// Latency and bandwidth of the CDN.
    pub fn cdn_shaping(mut self, shaping: Shaping) -> Self {
        self.faults.cdn_shaping = shaping;
        self
    }

    /// Caps all CDN downloads together at `bytes_per_sec` (a home link).
    pub fn cdn_shared_cap(mut self, bytes_per_sec: u64) -> Self {
        self.faults.cdn_shared_bytes_per_sec = Some(bytes_per_sec);
        self
    }
}
