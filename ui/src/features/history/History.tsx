import { useCallback, useEffect, useState } from "react";
import { useApp } from "../../app/AppContext";
import { ErrorNotice } from "../../components/ErrorNotice";
import { Icon } from "../../components/Icon";
import { ScreenHeading } from "../../components/ScreenHeading";
import { Spinner } from "../../components/Spinner";
import { StatusBadge } from "../../components/StatusBadge";
import { toCommandError } from "../../ipc/backend";
import type { CommandError, SessionView } from "../../ipc/types";
import { formatBytes, formatDateTime, formatElapsed } from "../../lib/format";
import { formatRange } from "../sync/range";
import { useResume } from "../sync/useResume";

type Load = { kind: "loading" } | { kind: "ready"; sessions: SessionView[] } | { kind: "error"; error: CommandError };

/** Every session: range, when, how long, what moved, size, status; Resume on unfinished ones. */
export function History() {
  const { backend, store, go, login } = useApp();
  const [load, setLoad] = useState<Load>({ kind: "loading" });
  const { resume, resuming, error: resumeError } = useResume();

  const refresh = useCallback(() => {
    backend.listSessions().then(
      (sessions) => setLoad({ kind: "ready", sessions }),
      (e: unknown) => setLoad({ kind: "error", error: toCommandError(e) }),
    );
  }, [backend]);

  useEffect(() => {
    refresh();
    return store.onStatus(() => refresh());
  }, [refresh, store]);

  return (
    <div className="history">
      <ScreenHeading>History</ScreenHeading>
      <p className="lead">Every time you moved photos and videos. Open one to see its files and report.</p>
      {resumeError ? <ErrorNotice error={resumeError} actions={{ onLogin: () => void login("gopro") }} /> : null}
      {load.kind === "loading" ? <Spinner label="Loading your sessions…" /> : null}
      {load.kind === "error" ? (
        <ErrorNotice
          error={load.error}
          actions={{
            onRetry: () => {
              setLoad({ kind: "loading" });
              refresh();
            },
          }}
        />
      ) : null}
      {load.kind === "ready" && load.sessions.length === 0 ? (
        <div className="card empty">
          <h2 className="card-title">No sessions yet</h2>
          <p className="muted">When you move photos and videos, each time is listed here, with what moved and what didn't.</p>
          <button type="button" className="btn btn-primary" onClick={() => go({ name: "home" })}>
            Choose dates to move
          </button>
        </div>
      ) : null}
      {load.kind === "ready" && load.sessions.length > 0 ? (
        <table className="history-table">
          <caption className="visually-hidden">Sessions, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Dates</th>
              <th scope="col">Started</th>
              <th scope="col">Took</th>
              <th scope="col" className="num">
                Moved
              </th>
              <th scope="col" className="num">
                Skipped
              </th>
              <th scope="col" className="num">
                Couldn't move
              </th>
              <th scope="col" className="num">
                Size
              </th>
              <th scope="col">Status</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {load.sessions.map((s) => {
              const range = formatRange({ from: s.rangeFrom, to: s.rangeTo });
              return (
                <tr key={s.id} data-session={s.id}>
                  <td className="cell-main" data-label="Dates">
                    <button type="button" className="btn-link" onClick={() => go({ name: "session", id: s.id })}>
                      {range}
                      <span className="visually-hidden">, open details</span>
                    </button>
                    {s.googleAccount !== null ? (
                      <span className="history-account muted small" data-testid="history-account">
                        into {s.googleAccount}
                      </span>
                    ) : null}
                  </td>
                  <td data-label="Started">{formatDateTime(s.createdAt)}</td>
                  <td data-label="Took">{formatElapsed(s.durationSecs)}</td>
                  <td className="num" data-label="Moved">
                    {s.counts.created.toLocaleString()}
                  </td>
                  <td className="num" data-label="Skipped">
                    {s.counts.skipped.toLocaleString()}
                  </td>
                  <td className="num" data-label="Couldn't move">
                    {s.counts.failed.toLocaleString()}
                  </td>
                  <td className="num" data-label="Size">
                    {formatBytes(s.counts.bytesCreated)}
                  </td>
                  <td data-label="Status">
                    <StatusBadge status={s.status} />
                  </td>
                  <td data-label="">
                    {s.resumable && s.status !== "running" ? (
                      <button
                        type="button"
                        className="btn btn-small"
                        onClick={() => void resume(s.id)}
                        disabled={resuming !== null}
                      >
                        <Icon name="play" />
                        {resuming === s.id ? "Resuming…" : "Resume"}
                        <span className="visually-hidden"> {range}</span>
                      </button>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}
