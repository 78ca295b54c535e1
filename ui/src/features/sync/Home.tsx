import { useState, useSyncExternalStore } from "react";
import { useApp } from "../../app/AppContext";
import { AppNotice } from "../../app/AppNotice";
import { ErrorNotice } from "../../components/ErrorNotice";
import { ScreenHeading } from "../../components/ScreenHeading";
import { presetRange, type DayRange } from "./range";
import { RangePicker } from "./RangePicker";
import { RangeSummary, usePreview } from "./RangeSummary";
import { SessionCard } from "./SessionCard";
import { useResume } from "./useResume";
import { useStartSync } from "./useStartSync";

export function Home({ now = new Date() }: { now?: Date }) {
  const { app, store, login } = useApp();
  const live = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const [range, setRange] = useState<DayRange | null>(() => presetRange("thisYear", now));
  const { start: startSync, starting, error } = useStartSync();
  const { resume, resuming, error: resumeError } = useResume();
  const goproOk = Boolean(app?.gopro.connected && !app.gopro.problem);
  const googleOk = Boolean(app?.google.connected && !app.google.problem);
  const preview = usePreview(range, goproOk);
  const session = live.session ?? app?.current ?? null;
  const running = session !== null && session.status === "running";

  const movable = preview.kind === "ready" ? preview.preview.files - preview.preview.alreadyInGoogle : 0;
  const blocker = !goproOk
    ? "Log in to GoPro first (top of the window)."
    : !googleOk
      ? "Connect Google Photos first (top of the window)."
      : running
        ? "A session is moving right now. You can start another when it's done."
        : !range
          ? "Pick the dates first."
          : preview.kind === "ready" && movable === 0
            ? "There's nothing new to move on these dates."
            : null;

  const start = async () => {
    if (range) await startSync(range.from, range.to);
  };

  const loginGopro = () => void login("gopro");

  return (
    <div className="home">
      <ScreenHeading>Choose the dates to move</ScreenHeading>
      <AppNotice />
      <p className="lead">
        Pick the days your photos and videos were taken. They're copied to Google Photos — nothing is deleted from
        GoPro.
      </p>
      {running ? (
        <SessionCard
          session={session}
          onResume={() => undefined}
          resuming={false}
          waiting={live.session?.id === session.id ? live.waiting : []}
        />
      ) : null}
      <div className="home-grid">
        <section className="card" aria-labelledby="dates-title">
          <h2 id="dates-title" className="card-title">
            Dates
          </h2>
          <RangePicker value={range} onChange={setRange} now={now} />
        </section>
        <div className="home-side">
          <RangeSummary state={preview} onLogin={loginGopro} />
          <div className="start">
            <button
              type="button"
              className="btn btn-primary btn-large"
              onClick={() => void start()}
              disabled={blocker !== null || starting || preview.kind === "loading"}
              aria-describedby="start-hint"
            >
              {starting ? "Starting…" : "Start moving"}
            </button>
            <p id="start-hint" className="muted small">
              {blocker ?? "You can pause at any time, and close the app: it picks up where it stopped."}
            </p>
          </div>
          {error ? (
            <ErrorNotice
              error={error}
              actions={{ onLogin: loginGopro, onRetry: () => void start() }}
            />
          ) : null}
        </div>
      </div>
      {!running && session ? (
        <>
          <SessionCard session={session} onResume={() => void resume(session.id)} resuming={resuming === session.id} />
          {resumeError ? <ErrorNotice error={resumeError} actions={{ onLogin: loginGopro }} /> : null}
        </>
      ) : null}
    </div>
  );
}
