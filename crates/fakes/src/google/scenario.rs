//! What the Google fake does: the OAuth client it knows, how consent goes, limits, TTLs, and
//! the faults it injects. Every field has a default (see each field's doc) so a scenario file
//! only names what it changes.

use serde::{Deserialize, Serialize};

use crate::Shaping;

/// OpenID: `userinfo` gives the account's `sub`.
pub const SCOPE_OPENID: &str = "openid";
/// The email scope: `userinfo` also gives the account's email address.
pub const SCOPE_EMAIL: &str = "https://www.googleapis.com/auth/userinfo.email";
/// The `appendonly` scope: upload, create media items, create albums.
pub const SCOPE_APPENDONLY: &str = "https://www.googleapis.com/auth/photoslibrary.appendonly";
/// The `readonly.appcreateddata` scope: list and search what the app created.
pub const SCOPE_READONLY_APPCREATED: &str =
    "https://www.googleapis.com/auth/photoslibrary.readonly.appcreateddata";
/// The `edit.appcreateddata` scope: edit what the app created (also lets it read it).
pub const SCOPE_EDIT_APPCREATED: &str =
    "https://www.googleapis.com/auth/photoslibrary.edit.appcreateddata";

/// How the authorization endpoint answers a valid request.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Consent {
    /// Redirect at once to `redirect_uri?code=..&state=..` granting every requested scope
    /// (a program that follows redirects acts as the browser). The default.
    #[default]
    AutoApprove,
    /// Serve an HTML consent page: one labelled checkbox per scope and Approve / Deny buttons
    /// that POST to `/o/oauth2/v2/approve`.
    Page,
    /// Redirect with `error=access_denied&state=..` (the person clicked Cancel).
    Deny,
    /// Redirect with a code that grants only the requested scopes also listed here (the person
    /// unticked the others on the granular consent screen).
    NarrowScopes(Vec<String>),
}

/// What `mediaItems:batchCreate` does with an unknown, malformed or expired upload token
/// (§8 question 4: unknown on the real API).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvalidTokenPolicy {
    /// The whole request fails with 400 "Request must contain a valid upload token." (default).
    #[default]
    WholeRequest,
    /// Only that item fails, with status `{code:3, message:"Request must contain a valid upload
    /// token."}` inside the 200.
    PerItem,
}

/// A per-item failure kind inside a 200 `batchCreate` answer (§3.3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemFailure {
    /// `{code:3, "NOT_IMAGE: There was an error while trying to create this media item."}`.
    NotImage,
    /// `{code:3, "BAD_IMAGE: There was an error while trying to create this media item."}`.
    BadImage,
    /// `{code:6, "EXISTS: There was an error while trying to create this media item."}`.
    Exists,
    /// `{code:13, "Internal error encountered."}` (transient; a retry may succeed).
    Internal,
}

/// A rule that makes matching `batchCreate` items fail.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ItemFault {
    /// Matches items whose effective filename contains this text, case-insensitively
    /// (default `None`: no filename condition).
    pub filename_contains: Option<String>,
    /// Matches the item at this index of the request (default `None`: any index).
    pub index: Option<usize>,
    /// The failure returned (default `internal`).
    pub failure: ItemFailure,
    /// How many matching items fail before the rule is used up (default `None`: forever).
    pub times: Option<u32>,
}

impl Default for ItemFault {
    fn default() -> Self {
        Self {
            filename_contains: None,
            index: None,
            failure: ItemFailure::Internal,
            times: None,
        }
    }
}

/// A whole-request error injected on API routes (not OAuth).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InjectedError {
    /// 429 with the per-minute `WritesPerMinutePerUser` body (§5.4).
    RateLimitPerMinute,
    /// 429 with the daily `ApiCallsPerProjectPerDay` body (§5.4).
    RateLimitDaily,
    /// 429 with the "concurrent write request" body.
    ConcurrentWrite,
    /// 500 INTERNAL "Internal error encountered." (`backendError`).
    BackendError,
    /// 503 UNAVAILABLE "The service is currently unavailable."
    Unavailable,
    /// 409 ABORTED "The operation was aborted."
    Aborted,
    /// 401 UNAUTHENTICATED, as Google answers a token it no longer honours (the person
    /// revoked access or changed their password between two refreshes).
    Unauthenticated,
}

/// Injects `error` on the next `times` API requests of kind `only` (or of any kind).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestFault {
    /// The error answered.
    pub error: InjectedError,
    /// How many requests get it.
    pub times: u32,
    /// Only requests of this kind (e.g. `batch_create`); `None` matches every API request.
    #[serde(default)]
    pub only: Option<super::RequestKind>,
    /// A `Retry-After` header value in seconds, if any (default `None`).
    #[serde(default)]
    pub retry_after_secs: Option<u64>,
}

/// What happens to the next byte upload(s) (raw or resumable `upload` requests).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UploadFaultKind {
    /// Stop reading after `after_bytes` of this request's body and drop the connection.
    Drop,
    /// Stop reading after `after_bytes` and answer 503 `{"code":14,...}`.
    ServerError,
}

/// Breaks the next `times` upload requests after `after_bytes` bytes of their body. For a
/// resumable session the granularity-aligned prefix of what was read is kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UploadFault {
    /// Drop or 5xx.
    pub kind: UploadFaultKind,
    /// Bytes of the request body read before the fault.
    pub after_bytes: u64,
    /// How many upload requests it hits (default 1).
    #[serde(default = "one")]
    pub times: u32,
}

fn one() -> u32 {
    1
}

/// A media item already in the person's library, uploaded by something else (the web UI).
/// Uploading the same bytes returns its id and filename, and it never shows in app listings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ForeignItem {
    /// Lowercase hex SHA-256 of its bytes.
    pub sha256: String,
    /// Its filename.
    pub filename: String,
}

/// Configuration of the Google fake. Every field is optional in a scenario file.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GoogleScenario {
    /// The seeded Desktop OAuth client id (default `q2google-fake.apps.googleusercontent.com`).
    pub client_id: String,
    /// Its client secret (default `fake-desktop-secret`).
    pub client_secret: String,
    /// The one person's Google account id, OpenID `sub` (default `104729000000000000001`). Two
    /// fakes with different ids are two Google accounts.
    pub account_id: String,
    /// The account's email address (default `you@example.com`).
    pub account_email: String,
    /// How consent goes (default `auto_approve`).
    pub consent: Consent,
    /// Authorization-code lifetime in seconds (default 600).
    pub auth_code_ttl_secs: u64,
    /// Access-token `expires_in` in seconds (default 3599).
    pub access_token_ttl_secs: u64,
    /// Refresh tokens expire this many days after issue, like a Testing-mode project's 7
    /// (default `None`: never).
    pub refresh_token_ttl_days: Option<u64>,
    /// Makes access and refresh tokens self-validating (default `None`: they are random and
    /// live only in the fake's memory). With a secret, each token carries its grant (scopes;
    /// for a refresh token also the client id and issue time, for an access token its expiry)
    /// under an HMAC-SHA256 keyed by it, so a fake restarted with the same secret still
    /// accepts them: a refresh token until `refresh_token_ttl_days` after issue or until this
    /// fake revokes it, an access token until it expires on the clock. Read when the fake
    /// starts. Authorization codes, upload sessions, upload tokens and media items stay in
    /// memory: a restarted fake forgets them.
    pub stable_secret: Option<String>,
    /// Upload-token lifetime in seconds (default 3600; §8 question 1). Tokens are reusable
    /// until then: reuse creates nothing new because the bytes deduplicate (unless
    /// `merge_same_bytes` is off).
    pub upload_token_ttl_secs: u64,
    /// Whether creating an item from bytes already in the library returns that item (its id and
    /// first filename) instead of a new one, as Google does (default `true`). With `false`
    /// every successful create is a new item, so a client that creates twice leaves a duplicate
    /// to find.
    pub merge_same_bytes: bool,
    /// Resumable-session lifetime in seconds (default 604800, one week; §8 question 2).
    pub upload_session_ttl_secs: u64,
    /// HTTP status of any request to an expired session (default 404; 410 is the other guess).
    pub expired_session_status: u16,
    /// Whether session URL requests (`query`, `upload`, `finalize`, `cancel`) need a valid
    /// access token with the upload scope, answering the same 401 (or 403) as other API calls
    /// without one (default `false`: the URL is the capability and any `Authorization` header
    /// is ignored). Google's own client sends the bearer on every session request.
    pub session_requires_bearer: bool,
    /// `X-Goog-Upload-Chunk-Granularity` (default 262144).
    pub chunk_granularity: u64,
    /// Largest upload in bytes; more gets 413 at the upload step (default 20 GB = 20·2³⁰).
    pub max_upload_bytes: u64,
    /// Largest photo (`image/*`) in bytes; more fails that item at batchCreate with code 3
    /// (default 200 MB = 200·2²⁰).
    pub max_photo_bytes: u64,
    /// Whole-request vs per-item failure for invalid upload tokens (default `whole_request`).
    pub invalid_token_policy: InvalidTokenPolicy,
    /// Storage left for new media, in bytes (default `None`: unlimited).
    pub storage_quota_bytes: Option<u64>,
    /// How long a batchCreate takes, in ms, so a test can overlap two (default 50).
    pub batch_create_ms: u64,
    /// How long a video stays `PROCESSING` after creation, in seconds of fake time; listings
    /// show `READY` afterwards (default 60).
    pub video_processing_secs: u64,
    /// Requests per project per day (default 10000).
    pub daily_request_limit: u64,
    /// Whether the daily limit's 429 carries `Retry-After`: the seconds until the fake's quota
    /// day ends (default `false`: Google documents no such header; it documents the reset as
    /// midnight Pacific time, which a client then computes itself).
    pub daily_retry_after: bool,
    /// Write requests per user per minute (default 30).
    pub writes_per_minute: u64,
    /// Whether resumable `query` and `upload` POSTs count against the daily quota (default
    /// `true`: the docs count "all API requests, such as uploading"; §8 question 3).
    pub count_session_requests: bool,
    /// Whether byte uploads (raw, start, chunks) count as writes for the per-minute limit
    /// (default `false`: only batchCreate, albums.create and batchAddMediaItems do).
    pub uploads_count_as_writes: bool,
    /// Items per album (default 20000).
    pub album_capacity: usize,
    /// How long a new item takes to show in listings and album searches, in ms of fake time
    /// (default 0). Google does not document how soon a created item is listed; this is the
    /// case a create in doubt must wait out before it is sent again.
    pub listing_lag_ms: u64,
    /// How many of the next batchCreates take effect and then answer 500, as if the answer was
    /// lost on the way (default 0).
    pub lost_create_answers: u32,
    /// How many of the next items a batchCreate makes are answered with a success status but
    /// no `mediaItem` (default 0): an answer that does not say what was made.
    pub successes_without_item: u32,
    /// Album ids that exist but were not created by the app (default none).
    pub foreign_album_ids: Vec<String>,
    /// Media already in the library from elsewhere (default none).
    pub foreign_items: Vec<ForeignItem>,
    /// Per-item batchCreate failures (default none).
    pub item_faults: Vec<ItemFault>,
    /// Whole-request errors for the next requests (default none).
    pub request_faults: Vec<RequestFault>,
    /// Upload body faults (default none).
    pub upload_faults: Vec<UploadFault>,
    /// Delay before answering every request that is not a byte upload (OAuth, creates,
    /// listings, albums), in milliseconds: a far-away server (default 0). Byte uploads take
    /// theirs from `upload_shaping`.
    pub api_latency_ms: u64,
    /// Latency and read bandwidth applied to byte uploads (default none).
    pub upload_shaping: Shaping,
    /// Read bandwidth in bytes per second shared by every upload body at once, like one home
    /// uplink, on top of `upload_shaping`'s per-connection cap (default `None`: unlimited).
    /// Read when each body starts.
    pub upload_shared_bytes_per_sec: Option<u64>,
}

impl Default for GoogleScenario {
    fn default() -> Self {
        Self {
            client_id: "q2google-fake.apps.googleusercontent.com".into(),
            client_secret: "fake-desktop-secret".into(),
            account_id: "104729000000000000001".into(),
            account_email: "you@example.com".into(),
            consent: Consent::AutoApprove,
            auth_code_ttl_secs: 600,
            access_token_ttl_secs: 3599,
            refresh_token_ttl_days: None,
            stable_secret: None,
            upload_token_ttl_secs: 3600,
            merge_same_bytes: true,
            upload_session_ttl_secs: 7 * 24 * 3600,
            expired_session_status: 404,
            session_requires_bearer: false,
            chunk_granularity: 262_144,
            max_upload_bytes: 20 << 30,
            max_photo_bytes: 200 << 20,
            invalid_token_policy: InvalidTokenPolicy::WholeRequest,
            storage_quota_bytes: None,
            batch_create_ms: 50,
            video_processing_secs: 60,
            daily_request_limit: 10_000,
            daily_retry_after: false,
            writes_per_minute: 30,
            count_session_requests: true,
            uploads_count_as_writes: false,
            album_capacity: 20_000,
            listing_lag_ms: 0,
            lost_create_answers: 0,
            successes_without_item: 0,
            foreign_album_ids: Vec::new(),
            foreign_items: Vec::new(),
            item_faults: Vec::new(),
            request_faults: Vec::new(),
            upload_faults: Vec::new(),
            api_latency_ms: 0,
            upload_shaping: Shaping::default(),
            upload_shared_bytes_per_sec: None,
        }
    }
}

impl GoogleScenario {
    /// Sets how consent goes.
    pub fn with_consent(mut self, consent: Consent) -> Self {
        self.consent = consent;
        self
    }

    /// Access tokens live `secs` seconds.
    pub fn with_access_token_ttl(mut self, secs: u64) -> Self {
        self.access_token_ttl_secs = secs;
        self
    }

    /// Refresh tokens expire after `days` (a Testing-mode project: 7).
    pub fn with_refresh_token_ttl_days(mut self, days: u64) -> Self {
        self.refresh_token_ttl_days = Some(days);
        self
    }

    /// Makes access and refresh tokens self-validating under `secret` (see
    /// [`stable_secret`](Self::stable_secret)).
    pub fn with_stable_secret(mut self, secret: impl Into<String>) -> Self {
        self.stable_secret = Some(secret.into());
        self
    }

    /// Upload tokens live `secs` seconds.
    pub fn with_upload_token_ttl(mut self, secs: u64) -> Self {
        self.upload_token_ttl_secs = secs;
        self
    }

    /// Chooses whether identical bytes merge into one item (see
    /// [`merge_same_bytes`](Self::merge_same_bytes)).
    pub fn with_merge_same_bytes(mut self, merge: bool) -> Self {
        self.merge_same_bytes = merge;
        self
    }

    /// Resumable sessions live `secs` seconds and then answer `status`.
    pub fn with_session_ttl(mut self, secs: u64, status: u16) -> Self {
        self.upload_session_ttl_secs = secs;
        self.expired_session_status = status;
        self
    }

    /// Chooses whether session URL requests need a valid bearer token (see
    /// [`session_requires_bearer`](Self::session_requires_bearer)).
    pub fn with_session_requires_bearer(mut self, required: bool) -> Self {
        self.session_requires_bearer = required;
        self
    }

    /// Sets the chunk granularity.
    pub fn with_chunk_granularity(mut self, bytes: u64) -> Self {
        self.chunk_granularity = bytes.max(1);
        self
    }

    /// Sets the upload size cap (413 above it).
    pub fn with_max_upload_bytes(mut self, bytes: u64) -> Self {
        self.max_upload_bytes = bytes;
        self
    }

    /// Sets the photo size cap (per-item failure above it).
    pub fn with_max_photo_bytes(mut self, bytes: u64) -> Self {
        self.max_photo_bytes = bytes;
        self
    }

    /// Sets the invalid-upload-token policy.
    pub fn with_invalid_token_policy(mut self, policy: InvalidTokenPolicy) -> Self {
        self.invalid_token_policy = policy;
        self
    }

    /// Leaves `bytes` of storage for new media.
    pub fn with_storage_quota(mut self, bytes: u64) -> Self {
        self.storage_quota_bytes = Some(bytes);
        self
    }

    /// Makes each batchCreate take `ms` milliseconds.
    pub fn with_batch_create_ms(mut self, ms: u64) -> Self {
        self.batch_create_ms = ms;
        self
    }

    /// Sets the daily per-project and per-minute per-user limits.
    pub fn with_quotas(mut self, daily: u64, writes_per_minute: u64) -> Self {
        self.daily_request_limit = daily;
        self.writes_per_minute = writes_per_minute;
        self
    }

    /// Chooses whether resumable query/chunk POSTs count against the daily quota.
    pub fn with_count_session_requests(mut self, count: bool) -> Self {
        self.count_session_requests = count;
        self
    }

    /// Sets how long new items take to show in listings.
    pub fn with_listing_lag_ms(mut self, ms: u64) -> Self {
        self.listing_lag_ms = ms;
        self
    }

    /// Makes the next `n` batchCreates take effect and answer 500.
    pub fn with_lost_create_answers(mut self, n: u32) -> Self {
        self.lost_create_answers = n;
        self
    }

    /// Sets how many items an album holds.
    pub fn with_album_capacity(mut self, items: usize) -> Self {
        self.album_capacity = items;
        self
    }

    /// Adds an album the app did not create.
    pub fn with_foreign_album(mut self, id: impl Into<String>) -> Self {
        self.foreign_album_ids.push(id.into());
        self
    }

    /// Adds a media item already in the library from elsewhere.
    pub fn with_foreign_item(
        mut self,
        sha256: impl Into<String>,
        filename: impl Into<String>,
    ) -> Self {
        self.foreign_items.push(ForeignItem {
            sha256: sha256.into(),
            filename: filename.into(),
        });
        self
    }

    /// Adds a per-item batchCreate failure rule.
    pub fn with_item_fault(mut self, fault: ItemFault) -> Self {
        self.item_faults.push(fault);
        self
    }

    /// Adds a whole-request fault.
    pub fn with_request_fault(mut self, fault: RequestFault) -> Self {
        self.request_faults.push(fault);
        self
    }

    /// Adds an upload body fault.
    pub fn with_upload_fault(mut self, fault: UploadFault) -> Self {
        self.upload_faults.push(fault);
        self
    }

    /// Shapes byte uploads (latency, read bandwidth).
    pub fn with_upload_shaping(mut self, shaping: Shaping) -> Self {
        self.upload_shaping = shaping;
        self
    }

    /// Caps all upload bodies together at `bytes_per_sec` (a home uplink).
    pub fn with_upload_shared_cap(mut self, bytes_per_sec: u64) -> Self {
        self.upload_shared_bytes_per_sec = Some(bytes_per_sec);
        self
    }
}
