import type { Backend } from "./backend";
import { createMockBackend, mockOptionsFromUrl } from "./mock";
import { createTauriBackend } from "./tauri";

declare global {
  interface Window {
    __TAURI_INTERNALS__?: unknown;
  }
}

/**
 * The Tauri backend inside the app's webview; the in-memory mock in a plain browser, or when
 * the page is opened with `?mock=1` (see mock.ts for its other query options).
 */
export function selectBackend(win: Window = window): Backend {
  const params = new URLSearchParams(win.location.search);
  const forced = params.get("mock") === "1";
  if (!forced && win.__TAURI_INTERNALS__ !== undefined) return createTauriBackend();
  return createMockBackend(mockOptionsFromUrl(params));
}

export type { Backend, Unsubscribe } from "./backend";
export { isCommandError, toCommandError } from "./backend";
