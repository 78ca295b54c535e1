import { Icon } from "../components/Icon";
import { useApp } from "./AppContext";

/**
 * A problem the whole app has (`AppState.notice`, e.g. its session database could not be
 * opened). The backend then runs in demo mode meanwhile; this says so calmly, and what to do.
 */
export function AppNotice() {
  const { app, backend } = useApp();
  if (!app?.notice) return null;
  return (
    <section className="notice notice-info app-notice" aria-labelledby="app-notice-title" data-testid="app-notice">
      <Icon name="info" className="notice-icon" />
      <div className="notice-body">
        <h2 id="app-notice-title" className="notice-title">
          q2google is using sample data for now
        </h2>
        <p>{app.notice}</p>
        <p>
          Meanwhile the app runs in demo mode: you can try everything, but nothing real is moved, and your photos and
          videos on GoPro and in Google Photos are not touched. Quit q2google and open it again; if this message comes
          back, open the logs folder and send the newest log with your question.
        </p>
        <div className="notice-actions">
          <button type="button" className="btn" onClick={() => void backend.openLogsFolder()}>
            Open logs folder
          </button>
        </div>
      </div>
    </section>
  );
}
