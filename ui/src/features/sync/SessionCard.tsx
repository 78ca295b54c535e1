import { useApp } from "../../app/AppContext";
import { StatusBadge } from "../../components/StatusBadge";
import type { SessionView } from "../../ipc/types";
import { formatBytes } from "../../lib/format";
import { sessionTitle, statusLine } from "./sessionText";

/** The running or last session on Home: one line of state and one way in. */
export function SessionCard({ session, onResume, resuming }: { session: SessionView; onResume: () => void; resuming: boolean }) {
  const { go } = useApp();
  const c = session.counts;
  const running = session.status === "running";
  return (
    <section className="card session-card" aria-labelledby="session-card-title">
      <div className="session-card-head">
        <h2 id="session-card-title" className="card-title">
          {running ? "Moving now" : "Last session"}: {sessionTitle(session)}
        </h2>
        <StatusBadge status={session.status} />
      </div>
      <p>{statusLine(session, c)}</p>
      {c.bytesTotal > 0 ? (
        <p className="muted small">
          {formatBytes(c.bytesCreated)} of {formatBytes(c.bytesTotal)} in Google Photos
        </p>
      ) : null}
      {session.statusReason && !running ? <p className="muted small">{session.statusReason}</p> : null}
      <div className="row">
        <button type="button" className={`btn ${running ? "btn-primary" : ""}`} onClick={() => go({ name: "session", id: session.id })}>
          {running ? "Show progress" : "Show details"}
        </button>
        {session.resumable && !running ? (
          <button type="button" className="btn" onClick={onResume} disabled={resuming}>
            {resuming ? "Resuming…" : "Resume"}
          </button>
        ) : null}
      </div>
    </section>
  );
}
