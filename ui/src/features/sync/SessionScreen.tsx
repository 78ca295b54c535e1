import { useState } from "react";
import { useApp } from "../../app/AppContext";
import { Dialog } from "../../components/Dialog";
import { Disclosure } from "../../components/Disclosure";
import { ErrorNotice } from "../../components/ErrorNotice";
import { Icon } from "../../components/Icon";
import { ScreenHeading } from "../../components/ScreenHeading";
import { Spinner } from "../../components/Spinner";
import { StatusBadge } from "../../components/StatusBadge";
import { Stepper, type Step } from "../../components/Stepper";
import { toCommandError } from "../../ipc/backend";
import type { AutoResumeView, CommandError, Counts, Metrics, SessionView } from "../../ipc/types";
import { formatBytes, formatQuotaReset, formatSpeed, formatTimeLeft } from "../../lib/format";
import { MetricsPanel } from "../metrics/MetricsPanel";
import { AutoResumeCountdown, AutoResumedNotice } from "./AutoResume";
import { DoneSummary } from "./DoneSummary";
import { ItemList } from "./ItemList";
import { NetworkNotice } from "./NetworkNotice";
import { sessionTitle, statusLine } from "./sessionText";
import { liveCounts } from "./syncStore";
import { useResume } from "./useResume";
import { useStartSync } from "./useStartSync";
import { intoAccount, otherGoogleDestination } from "./googleAccount";
import { useSessionData } from "./useSessionData";
import { useNow } from "../../lib/useNow";

function steps(s: SessionView, c: Counts): Step[] {
  return [
    { label: "Finding your media", state: s.stages.discovery, detail: `${c.discovered.toLocaleString()} found` },
    { label: "Moving", state: s.stages.transfer, detail: `${c.uploaded.toLocaleString()} of ${c.total.toLocaleString()}` },
    { label: "Adding to Google Photos", state: s.stages.create, detail: `${c.created.toLocaleString()} of ${c.total.toLocaleString()}` },
  ];
}

/** `offline`: waiting for the network, so no time left or speed (nothing is wrong, it waits). */
function Progress({ s, c, metrics, offline }: { s: SessionView; c: Counts; metrics: Metrics | null; offline: boolean }) {
  const total = metrics?.bytesTotal ?? c.bytesTotal;
  // Earlier runs' bytes count: a resumed session's bar goes on from where it was.
  const done = metrics ? metrics.bytesDone : c.bytesCreated;
  const running = s.status === "running";
  return (
    <div className="progress-block">
      <progress id="session-progress" max={Math.max(total, 1)} value={Math.min(done, total)} aria-label="Progress">
        {formatBytes(done)} of {formatBytes(total)}
      </progress>
      <div className="progress-numbers">
        <span>
          <strong>{formatBytes(done)}</strong> of {formatBytes(total)}
        </span>
        {running && offline ? (
          <span data-testid="time-left">Goes on when the network is back</span>
        ) : running ? (
          <span data-testid="time-left">
            {s.stages.discovery !== "done" ? "Counting…" : formatTimeLeft(metrics?.etaSecs ?? null)}
            {metrics && metrics.throughputBps > 0 ? <span className="muted"> · {formatSpeed(metrics.throughputBps)}</span> : null}
          </span>
        ) : null}
      </div>
    </div>
  );
}

/** `autoResume`: the app's plan to go on with this session by itself at a time, if any. */
function Blocked({
  s,
  autoResume,
  onResume,
  resuming,
}: {
  s: SessionView;
  autoResume: AutoResumeView | null;
  onResume: () => void;
  resuming: boolean;
}) {
  const { login, app } = useApp();
  const [err, setErr] = useState<CommandError | null>(null);
  const { start, starting, error: startError } = useStartSync();
  const needsLogin = s.status === "needs_login" && !(app?.gopro.connected && !app.gopro.problem);
  // Signed in to another Google account than the one this session moves into, or through
  // another OAuth client than the one it started with.
  const elsewhere = needsLogin ? null : otherGoogleDestination(s, app?.google);
  const otherGoogle = elsewhere === "account";
  const quota = s.quotaResetsAt;
  const now = useNow();
  const quotaOver = quota !== null && new Date(quota).getTime() <= now.getTime();
  const tone = s.status === "failed" ? "notice-error" : "notice-warn";
  const goesOnAt = autoResume?.at ?? null;
  // The same dates again, as a new session into the signed-in account and client.
  const newMove = (className: string) => (
    <button type="button" className={className} onClick={() => void start(s.rangeFrom, s.rangeTo)} disabled={starting}>
      {starting ? "Starting…" : "Start a new move of these dates"}
    </button>
  );
  return (
    <div className={`notice ${tone}`} role="status">
      <Icon name={s.status === "needs_login" ? "lock" : s.status === "paused" ? "pause" : "warning"} className="notice-icon" />
      <div className="notice-body">
        <p className="notice-title">
          {otherGoogle
            ? "Signed in to a different Google account"
            : elsewhere === "client"
              ? "Started with a different Google sign-in setup"
              : s.status === "needs_login"
              ? "Please log in again"
              : s.status === "paused"
                ? "Paused"
                : "Stopped"}
        </p>
        {s.statusReason ? <p>{s.statusReason}</p> : null}
        {quota ? (
          <p data-testid="quota-reset">
            {quotaOver ? (
              "Google's limit has reset: you can resume now."
            ) : (
              <>
                Google's limit resets <strong>{formatQuotaReset(quota, now)}</strong> (your time).
              </>
            )}
          </p>
        ) : null}
        {goesOnAt !== null ? <AutoResumeCountdown at={goesOnAt} /> : null}
        <div className="notice-actions">
          {needsLogin ? (
            <button
              type="button"
              className="btn btn-primary"
              onClick={() => void login("gopro").then((e) => setErr(e))}
            >
              Log in to GoPro again
            </button>
          ) : otherGoogle && s.googleAccount !== null ? (
            <>
              <button
                type="button"
                className="btn btn-primary"
                onClick={() => void login("google").then((e) => setErr(e))}
              >
                Sign in to Google as {s.googleAccount}
              </button>
              {newMove("btn")}
            </>
          ) : elsewhere === "client" ? (
            newMove("btn btn-primary")
          ) : s.resumable ? (
            <button type="button" className="btn btn-primary" onClick={onResume} disabled={resuming}>
              {resuming ? "Resuming…" : goesOnAt !== null ? "Resume now" : "Resume"}
            </button>
          ) : null}
        </div>
        {err ? <ErrorNotice error={err} /> : null}
        {startError ? <ErrorNotice error={startError} /> : null}
      </div>
    </div>
  );
}

export function SessionScreen({ id }: { id: string }) {
  const { backend, go } = useApp();
  const data = useSessionData(id);
  const { resume, resuming, error: resumeError } = useResume();
  const [confirmCancel, setConfirmCancel] = useState(false);
  const [pending, setPending] = useState<"pause" | "cancel" | null>(null);
  const [error, setError] = useState<CommandError | null>(null);
  const { session: s } = data;
  const [seenStatus, setSeenStatus] = useState(s?.status);
  if (s && s.status !== seenStatus) {
    setSeenStatus(s.status);
    setPending(null);
  }

  if (data.error) {
    return (
      <div>
        <ScreenHeading>Session</ScreenHeading>
        <ErrorNotice error={data.error} />
        <button type="button" className="btn" onClick={() => go({ name: "history" })}>
          Back to History
        </button>
      </div>
    );
  }
  if (!s) return <Spinner label="Loading the session…" />;

  const c = liveCounts(s, data.items, data.itemsLoaded);
  const running = s.status === "running";
  const finished = s.status === "completed";
  // The store clears waiting when a session stops running; the check keeps a stale one off.
  const offline = running && data.waiting.length > 0;

  const act = async (what: "pause" | "cancel") => {
    setPending(what);
    setError(null);
    try {
      if (what === "pause") await backend.pauseSync();
      else await backend.cancelSync();
    } catch (e) {
      setError(toCommandError(e));
    } finally {
      setConfirmCancel(false);
    }
  };
  const waiting = pending !== null && running;

  return (
    <div className="session">
      <div className="session-head">
        <ScreenHeading>{running ? `Moving ${sessionTitle(s)}` : sessionTitle(s)}</ScreenHeading>
        <StatusBadge status={s.status} waiting={offline} />
      </div>
      {s.googleAccount !== null ? (
        <p className="session-account muted" data-testid="session-account">
          {intoAccount(s.googleAccount)}
        </p>
      ) : null}
      <p className="status-line" data-testid="status-line">
        {statusLine(s, c)}
      </p>
      {offline ? <NetworkNotice waiting={data.waiting} /> : null}
      {data.autoResume !== null && data.autoResume.at === null ? <AutoResumedNotice autoResume={data.autoResume} /> : null}

      {finished ? (
        <DoneSummary session={s} counts={c} items={data.items} onResume={() => void resume(s.id)} resuming={resuming === s.id} />
      ) : (
        <>
          <Stepper steps={steps(s, c)} paused={!running} />
          <Progress s={s} c={c} metrics={data.metrics} offline={offline} />
          {running ? (
            <>
              <p className="safe-note">
                <Icon name="check" /> Safe to close — you can resume later. Nothing is deleted from GoPro.
              </p>
              {data.keepingAwake ? (
                <p className="awake-note muted" data-testid="keeping-awake">
                  <Icon name="sun" /> Keeping this computer awake while moving
                </p>
              ) : null}
              <div className="row">
                <button type="button" className="btn" onClick={() => void act("pause")} disabled={waiting}>
                  <Icon name="pause" /> {pending === "pause" ? "Pausing…" : "Pause"}
                </button>
                <button type="button" className="btn btn-danger-quiet" onClick={() => setConfirmCancel(true)} disabled={waiting}>
                  {pending === "cancel" ? "Stopping…" : "Cancel"}
                </button>
              </div>
            </>
          ) : (
            <Blocked
              s={s}
              autoResume={data.autoResume}
              onResume={() => void resume(s.id)}
              resuming={resuming === s.id}
            />
          )}
        </>
      )}
      {error ? <ErrorNotice error={error} /> : null}
      {resumeError ? <ErrorNotice error={resumeError} actions={{ resetsAt: s.quotaResetsAt }} /> : null}

      <div className="disclosures">
        <Disclosure summary={`Files (${(c.total + c.skipped).toLocaleString()})`} testId="files">
          {() => (data.itemsLoaded || data.items.size > 0 ? <ItemList items={data.items} /> : <Spinner label="Loading the files…" />)}
        </Disclosure>
        {data.live ? (
          <Disclosure summary="Speed chart" testId="speed">
            {() => <MetricsPanel metrics={data.metrics} />}
          </Disclosure>
        ) : null}
      </div>

      <Dialog
        open={confirmCancel}
        title="Stop moving?"
        onClose={() => setConfirmCancel(false)}
        actions={
          <>
            <button type="button" className="btn btn-primary" onClick={() => setConfirmCancel(false)} autoFocus>
              Keep moving
            </button>
            <button type="button" className="btn" onClick={() => void act("cancel")}>
              Stop this session
            </button>
          </>
        }
      >
        <p>Everything already moved stays in Google Photos, and nothing is deleted from GoPro.</p>
        <p className="muted">If you only want a break, use Pause instead: you can resume later with one click.</p>
      </Dialog>
    </div>
  );
}
