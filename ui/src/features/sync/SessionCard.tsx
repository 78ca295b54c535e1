import { useApp } from "../../app/AppContext";
import { StatusBadge } from "../../components/StatusBadge";
import type { SessionView } from "../../ipc/types";
import type { NetworkWait } from "./syncStore";
import { formatBytes } from "../../lib/format";
import { cloudList, sessionTitle, statusLine } from "./sessionText";

/**
 * The running or last session on Home: one line of state and one way in. `waiting`: the clouds
 * the running session is waiting for (`sync://network`).
 */
export function SessionCard({
  session,
  onResume,
  resuming,
  waiting = [],
}: {
  session: SessionView;
  onResume: () => void;
  resuming: boolean;
  waiting?: readonly NetworkWait[];
}) {
  const { go } = useApp();
  const c = session.counts;
  const running = session.status === "running";
  const offline = running && waiting.length > 0;
  return (
    <section className="card session-card" aria-labelledby="session-card-title">
      <div className="session-card-head">
        <h2 id="session-card-title" className="card-title">
          {running ? "Moving now" : "Last session"}: {sessionTitle(session)}
        </h2>
        <StatusBadge status={session.status} waiting={offline} />
      </div>
      <p>{statusLine(session, c)}</p>
      {offline ? (
        <p className="muted small" data-testid="card-network-waiting">
          {cloudList(waiting.map((w) => w.cloud))} can't be reached right now. q2google keeps trying and will continue by
          itself; nothing is lost.
        </p>
      ) : null}
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
