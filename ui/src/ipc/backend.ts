import {
  ERROR_CODES,
  type AccountStatus,
  type AppState,
  type Cloud,
  type CommandError,
  type ErrorCode,
  type EventMap,
  type EventName,
  type ItemView,
  type RangePreview,
  type SessionView,
  type Settings,
  type UpdateCheck,
} from "./types";

export type Unsubscribe = () => void;

/** Every command of the contract as a typed async function, plus event subscriptions. */
export interface Backend {
  readonly kind: "tauri" | "mock";
  appState: () => Promise<AppState>;
  loginGopro: () => Promise<AccountStatus>;
  loginGoproToken: (token: string) => Promise<AccountStatus>;
  loginGoogle: () => Promise<AccountStatus>;
  logout: (cloud: Cloud) => Promise<AccountStatus>;
  previewRange: (from: string, to: string) => Promise<RangePreview>;
  /**
   * The thumbnail of one medium of a preview's `sample` (by its `id`), as a `data:image/…` URL;
   * fetched by the backend so GoPro's thumbnail token never reaches the page.
   */
  previewThumbnail: (mediaId: string) => Promise<string>;
  startSync: (from: string, to: string) => Promise<SessionView>;
  pauseSync: () => Promise<null>;
  cancelSync: () => Promise<null>;
  resumeSession: (id: string) => Promise<SessionView>;
  listSessions: () => Promise<SessionView[]>;
  sessionItems: (id: string) => Promise<ItemView[]>;
  exportReport: (id: string) => Promise<string>;
  getSettings: () => Promise<Settings>;
  setSettings: (settings: Settings) => Promise<Settings>;
  /**
   * Opens a Google Photos link (https://photos.google.com/…, https://photos.app.goo.gl/…, or in
   * demo mode a link of the demo clouds) in the system browser. The webview never navigates to
   * external pages itself: every external link goes through here.
   */
  openUrl: (url: string) => Promise<null>;
  openLogsFolder: () => Promise<null>;
  finishWelcome: () => Promise<null>;
  /** This version, and a newer one if q2google's update server has it. */
  checkForUpdates: () => Promise<UpdateCheck>;
  /**
   * Downloads and verifies the newer version, pauses a running move at a checkpoint, installs
   * and restarts q2google (the move then goes on by itself): it resolves only when there was
   * nothing newer. A download whose signature is not q2google's is refused, nothing changed.
   */
  installUpdate: () => Promise<UpdateCheck>;
  /** Subscribes to an event; the returned function unsubscribes (safe to call more than once). */
  on: <E extends EventName>(event: E, cb: (payload: EventMap[E]) => void) => Unsubscribe;
}

const CODES: ReadonlySet<string> = new Set(ERROR_CODES);

export function isCommandError(e: unknown): e is CommandError {
  return (
    typeof e === "object" &&
    e !== null &&
    typeof (e as { code?: unknown }).code === "string" &&
    CODES.has((e as { code: string }).code) &&
    typeof (e as { message?: unknown }).message === "string"
  );
}

/** Normalises anything a command rejected with into a CommandError (never shows raw text). */
export function toCommandError(e: unknown): CommandError {
  if (isCommandError(e)) return e;
  return {
    code: "Internal",
    message: "Something went wrong inside the app. Your progress is saved; try again, and if it keeps happening, send the logs.",
  };
}

export function commandError(code: ErrorCode, message: string): CommandError {
  return { code, message };
}
