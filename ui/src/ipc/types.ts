/**
 * The IPC contract (docs/ipc.md), written by hand until ts-rs bindings land in `src/bindings/`.
 * Every frontend module imports contract types from here only; switching to the generated
 * bindings means re-exporting them from this file.
 */

export type Cloud = "gopro" | "google";

export type AccountStatus = {
  cloud: Cloud;
  connected: boolean;
  /** "demo@example.com" or the GoPro user id. */
  label: string | null;
  /** A sentence, e.g. "GoPro needs you to log in again". */
  problem: string | null;
};

export type SessionStatus = "running" | "paused" | "needs_login" | "completed" | "failed" | "cancelled";
export type Stage = "discovery" | "transfer" | "create";
export type StageState = "pending" | "running" | "done" | "failed";

export type Counts = {
  total: number;
  discovered: number;
  uploaded: number;
  created: number;
  failed: number;
  skipped: number;
  bytesTotal: number;
  bytesCreated: number;
};

export type SessionView = {
  id: string;
  rangeFrom: string;
  rangeTo: string;
  status: SessionStatus;
  /** Why it paused / failed / needs login, as a sentence. */
  statusReason: string | null;
  /** RFC 3339 instant when Google's daily quota resets (paused by quota). */
  quotaResetsAt: string | null;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
  /** Wall time of all runs. */
  durationSecs: number;
  counts: Counts;
  bytesTransferred: number;
  albumTitle: string | null;
  albumUrl: string | null;
  stages: Record<Stage, StageState>;
  resumable: boolean;
};

export type ItemState = "discovered" | "uploading" | "uploaded" | "creating" | "created" | "failed" | "skipped";

export type ItemView = {
  /** "{mediaId}#{itemNumber}:{label}", stable. */
  key: string;
  filename: string;
  kind: "photo" | "video" | null;
  size: number | null;
  capturedAt: string | null;
  state: ItemState;
  /** Skip or failure reason, a sentence. */
  reason: string | null;
  /** productUrl once created. */
  googleUrl: string | null;
  /** 0..1 while uploading. */
  progress: number | null;
};

export type RangePreview = {
  from: string;
  to: string;
  photos: number;
  videos: number;
  files: number;
  bytes: number;
  alreadyInGoogle: number;
  cannotMove: { reason: string; count: number }[];
};

export type ThroughputSample = { t: number; bps: number };

export type Metrics = {
  bytesDownloaded: number;
  bytesUploaded: number;
  bytesTotal: number;
  secondsDownloading: number;
  secondsUploading: number;
  secondsTransferWall: number;
  /** Smoothed, bytes per second. */
  throughputBps: number;
  etaSecs: number | null;
  filesDone: number;
  filesTotal: number;
  /** Recent samples, t = seconds since start. */
  samples: ThroughputSample[];
};

export type Theme = "system" | "light" | "dark";

export type Settings = {
  albumPerSession: boolean;
  /** e.g. "GoPro {from} – {to}" */
  albumNamePattern: string;
  /** Files in flight, 1..8. */
  concurrency: number;
  /** null = unlimited. */
  bandwidthCapMbps: number | null;
  includeRaw: boolean;
  includeJoinedVideo: boolean;
  googleClientId: string | null;
  demoMode: boolean;
  theme: Theme;
};

export type AppState = {
  gopro: AccountStatus;
  google: AccountStatus;
  demo: boolean;
  firstRun: boolean;
  /** The running or last session. */
  current: SessionView | null;
};

export const ERROR_CODES = [
  "NotLoggedIn",
  "TokenExpired",
  "RateLimited",
  "Network",
  "QuotaExceeded",
  "StorageFull",
  "DiskFull",
  "InvalidInput",
  "NotFound",
  "Busy",
  "Cancelled",
  "Keyring",
  "Internal",
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** What every command rejects with. `message` is a sentence for a person. */
export type CommandError = { code: ErrorCode; message: string };

export type StageEvent = { sessionId: string; stage: Stage; state: StageState };
export type ItemEvent = { sessionId: string; item: ItemView };
export type MetricsEvent = { sessionId: string; metrics: Metrics };
export type SessionEvent = { session: SessionView };
export type AuthEvent = { account: AccountStatus };

/** Event name → payload. */
export type EventMap = {
  "sync://stage": StageEvent;
  "sync://item": ItemEvent;
  "sync://metrics": MetricsEvent;
  "sync://session": SessionEvent;
  "auth://changed": AuthEvent;
};

export type EventName = keyof EventMap;
