import { invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import { toCommandError, type Backend, type Unsubscribe } from "./backend";
import type { EventMap, EventName } from "./types";

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    throw toCommandError(e);
  }
}

/** The real backend: commands and events of `src-tauri` (docs/ipc.md). */
export function createTauriBackend(): Backend {
  return {
    kind: "tauri",
    appState: () => call("app_state"),
    loginGopro: () => call("login_gopro"),
    loginGoproToken: (token) => call("login_gopro_token", { token }),
    loginGoogle: () => call("login_google"),
    logout: (cloud) => call("logout", { cloud }),
    previewRange: (from, to) => call("preview_range", { from, to }),
    previewThumbnail: (mediaId) => call("preview_thumbnail", { mediaId }),
    startSync: (from, to) => call("start_sync", { from, to }),
    pauseSync: () => call("pause_sync"),
    cancelSync: () => call("cancel_sync"),
    resumeSession: (id) => call("resume_session", { id }),
    listSessions: () => call("list_sessions"),
    sessionItems: (id) => call("session_items", { id }),
    exportReport: (id) => call("export_report", { id }),
    getSettings: () => call("get_settings"),
    setSettings: (settings) => call("set_settings", { settings }),
    openUrl: (url) => call("open_url", { url }),
    openLogsFolder: () => call("open_logs_folder"),
    finishWelcome: () => call("finish_welcome"),
    checkForUpdates: () => call("check_for_updates"),
    installUpdate: () => call("install_update"),
    on<E extends EventName>(event: E, cb: (payload: EventMap[E]) => void): Unsubscribe {
      let stopped = false;
      const pending = listen<EventMap[E]>(event, (e) => {
        if (!stopped) cb(e.payload);
      });
      return () => {
        if (stopped) return;
        stopped = true;
        void pending.then((unlisten) => unlisten()).catch(() => undefined);
      };
    },
  };
}
