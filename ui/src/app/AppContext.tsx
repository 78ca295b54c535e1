import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { toCommandError, type Backend } from "../ipc/backend";
import type { AccountStatus, AppState, Cloud, CommandError, SessionView, Settings } from "../ipc/types";
import { SyncStore } from "../features/sync/syncStore";
import { applyTheme } from "../features/settings/theme";
import { describeRange } from "../features/sync/range";

export type Screen =
  | { name: "welcome" }
  | { name: "home" }
  | { name: "session"; id: string }
  | { name: "history" }
  | { name: "settings" };

export type AppModel = {
  backend: Backend;
  store: SyncStore;
  app: AppState | null;
  loadError: CommandError | null;
  settings: Settings | null;
  screen: Screen;
  go: (screen: Screen) => void;
  reload: () => Promise<void>;
  setAccount: (a: AccountStatus) => void;
  setSettings: (s: Settings) => void;
  login: (cloud: Cloud) => Promise<CommandError | null>;
  announce: (text: string) => void;
  announcement: string;
  /** True once the person has moved between screens (the first screen does not steal focus). */
  navigated: boolean;
};

const Ctx = createContext<AppModel | null>(null);

export function useApp(): AppModel {
  const v = useContext(Ctx);
  if (!v) throw new Error("useApp outside AppProvider");
  return v;
}

function statusAnnouncement(s: SessionView): string | null {
  const range = describeRange({ from: s.rangeFrom, to: s.rangeTo });
  switch (s.status) {
    case "running":
      return `Moving your media from ${range}.`;
    case "paused":
      return `Paused. ${s.statusReason ?? ""}`.trim();
    case "needs_login":
      return s.statusReason ?? "GoPro needs you to log in again.";
    case "completed":
      return `All done: ${s.counts.created} photos and videos from ${range} are in Google Photos.`;
    case "failed":
      return `The session stopped. ${s.statusReason ?? ""}`.trim();
    case "cancelled":
      return "The session was stopped.";
  }
}

export function AppProvider({ backend, children }: { backend: Backend; children: ReactNode }) {
  const store = useMemo(() => new SyncStore(backend), [backend]);
  const [app, setApp] = useState<AppState | null>(null);
  const [loadError, setLoadError] = useState<CommandError | null>(null);
  const [settings, setSettingsState] = useState<Settings | null>(null);
  const [screen, setScreen] = useState<Screen>({ name: "home" });
  const [announcement, setAnnouncement] = useState("");
  const announceSeq = useRef(0);
  const announceTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  // An announcement still pending when the app goes away is dropped (no state after unmount).
  useEffect(() => () => clearTimeout(announceTimer.current), []);

  const announce = useCallback((text: string) => {
    // Re-announce identical text: clear first, then set on the next frame.
    announceSeq.current++;
    const seq = announceSeq.current;
    setAnnouncement("");
    clearTimeout(announceTimer.current);
    announceTimer.current = setTimeout(() => {
      if (seq === announceSeq.current) setAnnouncement(text);
    }, 50);
  }, []);

  const reload = useCallback(async () => {
    try {
      const [state, s] = await Promise.all([backend.appState(), backend.getSettings()]);
      setApp(state);
      setSettingsState(s);
      setLoadError(null);
      store.setAppState(state);
      setScreen((cur) => (state.firstRun ? { name: "welcome" } : cur.name === "welcome" ? { name: "home" } : cur));
    } catch (e) {
      setLoadError(toCommandError(e));
    }
  }, [backend, store]);

  useEffect(() => {
    const stop = store.start();
    const offAuth = backend.on("auth://changed", ({ account }) => {
      setApp((a) => (a ? { ...a, [account.cloud]: account } : a));
    });
    const offStatus = store.onStatus((s, prev) => {
      setApp((a) => (a ? { ...a, current: s } : a));
      if (prev || s.status !== "running") {
        const text = statusAnnouncement(s);
        if (text) announce(text);
      }
    });
    // Loading data when mounting; state is set after the awaits, not synchronously.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    void reload();
    return () => {
      stop();
      offAuth();
      offStatus();
    };
  }, [backend, store, reload, announce]);

  useEffect(() => {
    if (settings) applyTheme(settings.theme);
  }, [settings]);

  const setAccount = useCallback((account: AccountStatus) => {
    setApp((a) => (a ? { ...a, [account.cloud]: account } : a));
  }, []);

  const login = useCallback(
    async (cloud: Cloud): Promise<CommandError | null> => {
      try {
        const account = cloud === "gopro" ? await backend.loginGopro() : await backend.loginGoogle();
        setAccount(account);
        announce(`${cloud === "gopro" ? "GoPro" : "Google Photos"} is connected.`);
        return null;
      } catch (e) {
        return toCommandError(e);
      }
    },
    [backend, setAccount, announce],
  );

  const setSettings = useCallback((s: Settings) => {
    setSettingsState(s);
    setApp((a) => (a ? { ...a, demo: s.demoMode } : a));
  }, []);

  const [navigated, setNavigated] = useState(false);
  const go = useCallback((next: Screen) => {
    setNavigated(true);
    setScreen(next);
  }, []);

  const value = useMemo<AppModel>(
    () => ({
      backend,
      store,
      app,
      loadError,
      settings,
      screen,
      go,
      reload,
      setAccount,
      setSettings,
      login,
      announce,
      announcement,
      navigated,
    }),
    [backend, store, app, loadError, settings, screen, go, reload, setAccount, setSettings, login, announce, announcement, navigated],
  );
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}
