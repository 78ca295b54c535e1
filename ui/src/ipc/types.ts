/**
 * The IPC contract (docs/ipc.md). The contract's types are generated from the Rust side by ts-rs
 * into `src/bindings/` (`cargo test -p q2google-app export_bindings`; never edited by hand) and
 * only re-exported here. Every frontend module imports contract types from this file only.
 *
 * What lives here is frontend-only: the runtime list of error codes (checked against the
 * generated union so the two cannot drift), the event name → payload map, and helper aliases.
 */
import type { AuthEvent } from "../bindings/AuthEvent";
import type { AutoResumeEvent } from "../bindings/AutoResumeEvent";
import type { AwakeEvent } from "../bindings/AwakeEvent";
import type { ErrorCode } from "../bindings/ErrorCode";
import type { ItemEvent } from "../bindings/ItemEvent";
import type { MetricsEvent } from "../bindings/MetricsEvent";
import type { NetworkEvent } from "../bindings/NetworkEvent";
import type { SessionEvent } from "../bindings/SessionEvent";
import type { StageEvent } from "../bindings/StageEvent";

export type { AccountStatus } from "../bindings/AccountStatus";
export type { AppState } from "../bindings/AppState";
export type { AuthEvent } from "../bindings/AuthEvent";
export type { AutoResumeEvent } from "../bindings/AutoResumeEvent";
export type { AutoResumeView } from "../bindings/AutoResumeView";
export type { AutoResumeWhy } from "../bindings/AutoResumeWhy";
export type { AvailableUpdate } from "../bindings/AvailableUpdate";
export type { AwakeEvent } from "../bindings/AwakeEvent";
export type { CannotMove } from "../bindings/CannotMove";
export type { Cloud } from "../bindings/Cloud";
export type { CommandError } from "../bindings/CommandError";
export type { Counts } from "../bindings/Counts";
export type { ErrorCode } from "../bindings/ErrorCode";
export type { ItemEvent } from "../bindings/ItemEvent";
export type { ItemKind } from "../bindings/ItemKind";
export type { ItemState } from "../bindings/ItemState";
export type { ItemView } from "../bindings/ItemView";
export type { Metrics } from "../bindings/Metrics";
export type { MetricsEvent } from "../bindings/MetricsEvent";
export type { NetworkEvent } from "../bindings/NetworkEvent";
export type { PreviewItem } from "../bindings/PreviewItem";
export type { RangePreview } from "../bindings/RangePreview";
export type { SessionEvent } from "../bindings/SessionEvent";
export type { SessionStatus } from "../bindings/SessionStatus";
export type { SessionView } from "../bindings/SessionView";
export type { Settings } from "../bindings/Settings";
export type { UpdateCheck } from "../bindings/UpdateCheck";
export type { Stage } from "../bindings/Stage";
export type { StageEvent } from "../bindings/StageEvent";
export type { StageState } from "../bindings/StageState";
export type { Stages } from "../bindings/Stages";
export type { Theme } from "../bindings/Theme";
export type { ThroughputSample } from "../bindings/ThroughputSample";

/**
 * Every generated `ErrorCode`, exactly once: `satisfies Record<ErrorCode, true>` fails to compile
 * when the Rust side adds a code this object lacks, or drops one it still lists.
 */
const ERROR_CODE_SET = {
  NotLoggedIn: true,
  TokenExpired: true,
  RateLimited: true,
  Network: true,
  QuotaExceeded: true,
  StorageFull: true,
  DiskFull: true,
  InvalidInput: true,
  NotFound: true,
  Busy: true,
  Cancelled: true,
  Keyring: true,
  Internal: true,
} as const satisfies Record<ErrorCode, true>;

/** The generated `ErrorCode` union as a runtime list (to recognise a CommandError). */
export const ERROR_CODES = Object.keys(ERROR_CODE_SET) as readonly ErrorCode[];

/** Event name → payload. */
export type EventMap = {
  "sync://stage": StageEvent;
  "sync://item": ItemEvent;
  "sync://metrics": MetricsEvent;
  "sync://session": SessionEvent;
  "sync://network": NetworkEvent;
  "sync://awake": AwakeEvent;
  "sync://auto-resume": AutoResumeEvent;
  "auth://changed": AuthEvent;
};

export type EventName = keyof EventMap;

