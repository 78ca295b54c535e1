import { useState } from "react";
import { useApp } from "../../app/AppContext";
import { ErrorNotice } from "../../components/ErrorNotice";
import { Icon } from "../../components/Icon";
import { OpenInBrowser } from "../../components/OpenInBrowser";
import { toCommandError } from "../../ipc/backend";
import type { CommandError, Counts, ItemView, SessionView } from "../../ipc/types";
import { formatBytes, formatElapsed } from "../../lib/format";

/** When a session is done: what moved, what didn't and why, and the two next steps. */
export function DoneSummary({
  session: s,
  counts: c,
  items,
  onResume,
  resuming,
}: {
  session: SessionView;
  counts: Counts;
  items: ReadonlyMap<string, ItemView>;
  onResume: () => void;
  resuming: boolean;
}) {
  const { backend, announce } = useApp();
  const [report, setReport] = useState<string | null>(null);
  const [error, setError] = useState<CommandError | null>(null);
  const failed = [...items.values()].filter((i) => i.state === "failed");
  const reasons = new Map<string, number>();
  for (const it of items.values()) {
    if ((it.state === "skipped" || it.state === "failed") && it.reason) reasons.set(it.reason, (reasons.get(it.reason) ?? 0) + 1);
  }
  const exportReport = async () => {
    setError(null);
    try {
      const path = await backend.exportReport(s.id);
      setReport(path);
      announce(`Report saved: ${path}`);
    } catch (e) {
      setError(toCommandError(e));
    }
  };
  return (
    <section className="card done-summary" aria-labelledby="done-title">
      <h2 id="done-title">
        <Icon name="check" className="icon-inline" />
        {c.failed > 0 ? "Finished — a few files need another try" : "All done"}
      </h2>
      <dl>
        <div>
          <dt>Moved</dt>
          <dd>{c.created.toLocaleString()}</dd>
        </div>
        <div>
          <dt>Skipped</dt>
          <dd>{c.skipped.toLocaleString()}</dd>
        </div>
        <div>
          <dt>Couldn't move</dt>
          <dd>{c.failed.toLocaleString()}</dd>
        </div>
        <div>
          <dt>Size</dt>
          <dd>{formatBytes(c.bytesCreated)}</dd>
        </div>
        <div>
          <dt>Took</dt>
          <dd>{formatElapsed(s.durationSecs)}</dd>
        </div>
      </dl>
      {reasons.size > 0 ? (
        <ul className="summary-facts">
          {[...reasons].map(([reason, n]) => (
            <li key={reason}>
              {n.toLocaleString()} × {reason}
            </li>
          ))}
        </ul>
      ) : null}
      {s.albumTitle ? (
        <p className="muted">
          Album: <strong>{s.albumTitle}</strong>
        </p>
      ) : null}
      <div className="row">
        {s.albumUrl ? (
          <OpenInBrowser url={s.albumUrl} className="btn btn-primary">
            Open album in Google Photos
          </OpenInBrowser>
        ) : null}
        <button type="button" className="btn" onClick={() => void exportReport()}>
          Export report
        </button>
        {s.resumable && failed.length > 0 ? (
          <button type="button" className="btn" onClick={onResume} disabled={resuming}>
            {resuming ? "Trying again…" : `Try the ${failed.length === 1 ? "failed file" : `${failed.length} failed files`} again`}
          </button>
        ) : null}
      </div>
      {report ? (
        <p className="notice notice-success small" role="status">
          Report saved to <code>{report}</code>
        </p>
      ) : null}
      {error ? <ErrorNotice error={error} /> : null}
    </section>
  );
}
