import type { CommandError, ErrorCode } from "../ipc/types";
import { formatQuotaReset } from "../lib/format";
import { OpenInBrowser } from "./OpenInBrowser";
import { Icon } from "./Icon";

const TITLES: Record<ErrorCode, string> = {
  NotLoggedIn: "Please log in",
  TokenExpired: "Please log in again",
  RateLimited: "Slowing down for a moment",
  Network: "No connection",
  QuotaExceeded: "Google's daily limit is reached",
  StorageFull: "Your Google storage is full",
  DiskFull: "This computer's disk is full",
  InvalidInput: "Please check this",
  NotFound: "Not found",
  Busy: "Something is already running",
  Cancelled: "Stopped",
  Keyring: "The app can't reach your password store",
  Internal: "Something went wrong",
};

/** Google Photos' "Manage storage" page (open_url only opens Google Photos links). */
export const GOOGLE_STORAGE_URL = "https://photos.google.com/quotamanagement";

export type ErrorActions = {
  onLogin?: () => void;
  onRetry?: () => void;
  onOpenLogs?: () => void;
  /** When Google's quota resets (for QuotaExceeded). */
  resetsAt?: string | null;
  now?: Date;
};

/**
 * Shows a command error to a person: a title chosen by `code`, the backend's sentence, and the
 * one action that helps. Never shows a code or a stack trace.
 */
export function ErrorNotice({ error, actions = {} }: { error: CommandError; actions?: ErrorActions }) {
  const { code, message } = error;
  const quiet = code === "Cancelled" || code === "RateLimited";
  return (
    <div className={`notice ${quiet ? "notice-info" : "notice-error"}`} role="alert" data-code={code}>
      <Icon name={quiet ? "info" : "warning"} className="notice-icon" />
      <div className="notice-body">
        <p className="notice-title">{TITLES[code]}</p>
        <p>{message}</p>
        {code === "QuotaExceeded" && actions.resetsAt ? (
          <p>
            It resets <strong>{formatQuotaReset(actions.resetsAt, actions.now ?? new Date())}</strong> (your time).
          </p>
        ) : null}
        {code === "StorageFull" ? (
          <p>
            <OpenInBrowser url={GOOGLE_STORAGE_URL}>See your Google storage and free up space</OpenInBrowser>
          </p>
        ) : null}
        <div className="notice-actions">
          {(code === "TokenExpired" || code === "NotLoggedIn") && actions.onLogin ? (
            <button type="button" className="btn btn-primary" onClick={actions.onLogin}>
              {code === "TokenExpired" ? "Log in again" : "Log in"}
            </button>
          ) : null}
          {(code === "Network" || code === "RateLimited" || code === "Internal") && actions.onRetry ? (
            <button type="button" className="btn" onClick={actions.onRetry}>
              Try again
            </button>
          ) : null}
          {(code === "Internal" || code === "Keyring" || code === "DiskFull") && actions.onOpenLogs ? (
            <button type="button" className="btn btn-quiet" onClick={actions.onOpenLogs}>
              Open logs folder
            </button>
          ) : null}
        </div>
      </div>
    </div>
  );
}
