import { lazy, Suspense } from "react";
import { useApp, type Screen } from "./AppContext";
import { AccountChips } from "../features/auth/AccountChips";
import { Welcome } from "../features/auth/Welcome";
import { Home } from "../features/sync/Home";
import { ErrorNotice } from "../components/ErrorNotice";
import { Spinner } from "../components/Spinner";

const SessionScreen = lazy(() => import("../features/sync/SessionScreen").then((m) => ({ default: m.SessionScreen })));
const History = lazy(() => import("../features/history/History").then((m) => ({ default: m.History })));
const SettingsScreen = lazy(() => import("../features/settings/SettingsScreen").then((m) => ({ default: m.SettingsScreen })));

const NAV: { name: "home" | "history" | "settings"; label: string }[] = [
  { name: "home", label: "Home" },
  { name: "history", label: "History" },
  { name: "settings", label: "Settings" },
];

function isCurrent(screen: Screen, name: string) {
  return screen.name === name || (name === "home" && screen.name === "session");
}

export function App() {
  const { app, loadError, screen, go, reload, announcement, backend } = useApp();
  const welcome = screen.name === "welcome";
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to main content
      </a>
      <header className="app-header">
        <div className="app-header-inner">
          <p className="brand">
            <span className="brand-mark" aria-hidden="true" />
            GoPro → Google Photos
          </p>
          {!welcome && app ? (
            <nav aria-label="Main">
              <ul className="nav-list">
                {NAV.map((n) => (
                  <li key={n.name}>
                    <button
                      type="button"
                      className="nav-link"
                      aria-current={isCurrent(screen, n.name) ? "page" : undefined}
                      onClick={() => go({ name: n.name })}
                    >
                      {n.label}
                    </button>
                  </li>
                ))}
              </ul>
            </nav>
          ) : null}
        </div>
        {!welcome && app ? (
          <div className="app-header-inner">
            <AccountChips />
          </div>
        ) : null}
      </header>
      <main id="main" className="app-main" tabIndex={-1}>
        {loadError ? (
          <ErrorNotice error={loadError} actions={{ onRetry: () => void reload(), onOpenLogs: () => void backend.openLogsFolder() }} />
        ) : !app ? (
          <div className="loading-screen">
            <Spinner label="Opening…" />
          </div>
        ) : (
          <Suspense fallback={<Spinner label="Loading…" />}>
            {screen.name === "welcome" ? <Welcome /> : null}
            {screen.name === "home" ? <Home /> : null}
            {screen.name === "session" ? <SessionScreen id={screen.id} /> : null}
            {screen.name === "history" ? <History /> : null}
            {screen.name === "settings" ? <SettingsScreen /> : null}
          </Suspense>
        )}
      </main>
      <div className="visually-hidden" role="status" aria-live="polite" aria-atomic="true" data-testid="announcer">
        {announcement}
      </div>
    </>
  );
}
