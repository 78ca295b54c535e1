import { useEffect, useState } from "react";
import { useApp } from "../../app/AppContext";
import { ErrorNotice } from "../../components/ErrorNotice";
import { Spinner } from "../../components/Spinner";
import { toCommandError } from "../../ipc/backend";
import type { CommandError, RangePreview } from "../../ipc/types";
import { formatBytes, formatCount } from "../../lib/format";
import { PreviewGrid } from "./PreviewGrid";
import type { DayRange } from "./range";

export type PreviewState =
  | { kind: "idle" }
  | { kind: "loading" }
  | { kind: "ready"; preview: RangePreview }
  | { kind: "error"; error: CommandError };

/** Asks the backend what a range holds, debounced; the newest request wins. */
export function usePreview(range: DayRange | null, enabled: boolean, debounceMs = 250): PreviewState {
  const { backend } = useApp();
  const key = range && enabled ? `${range.from}|${range.to}` : null;
  const [result, setResult] = useState<{ key: string; state: PreviewState } | null>(null);
  useEffect(() => {
    if (key === null) return;
    const [from = "", to = ""] = key.split("|");
    let live = true;
    const t = setTimeout(() => {
      backend.previewRange(from, to).then(
        (preview) => live && setResult({ key, state: { kind: "ready", preview } }),
        (e: unknown) => live && setResult({ key, state: { kind: "error", error: toCommandError(e) } }),
      );
    }, debounceMs);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [backend, key, debounceMs]);
  if (key === null) return { kind: "idle" };
  if (result?.key !== key) return { kind: "loading" };
  return result.state;
}

/** "412 photos and 86 videos, 138 GB" */
export function headline(p: RangePreview): string {
  const parts = [];
  if (p.photos > 0 || p.videos === 0) parts.push(formatCount(p.photos, "photo", "photos"));
  if (p.videos > 0) parts.push(formatCount(p.videos, "video", "videos"));
  return `${parts.join(" and ")}, ${formatBytes(p.bytes)}`;
}

export function RangeSummary({ state, onLogin }: { state: PreviewState; onLogin: () => void }) {
  const busy = state.kind === "loading";
  return (
    <section className="summary card" aria-labelledby="summary-title" aria-busy={busy}>
      <h2 id="summary-title" className="visually-hidden">
        What these dates hold
      </h2>
      <div aria-live="polite">
        {state.kind === "idle" ? <p className="muted">Pick the days you want to move to see what they hold.</p> : null}
        {state.kind === "loading" ? (
          <div className="summary-loading">
            <Spinner label="Counting your photos and videos…" />
            <div className="skeleton" aria-hidden="true" />
          </div>
        ) : null}
        {state.kind === "error" ? <ErrorNotice error={state.error} actions={{ onLogin }} /> : null}
        {state.kind === "ready" ? <PreviewText preview={state.preview} /> : null}
      </div>
      {/* Outside the live region: thumbnails arriving are not read out. */}
      {state.kind === "ready" && state.preview.files > 0 ? <PreviewGrid preview={state.preview} /> : null}
    </section>
  );
}

function PreviewText({ preview: p }: { preview: RangePreview }) {
  const toMove = p.files - p.alreadyInGoogle;
  if (p.files === 0) {
    return (
      <div className="summary-empty">
        <p className="summary-headline">Nothing to move on these days</p>
        <p className="muted">
          Your GoPro cloud has no photos or videos taken on these dates. Try a wider range, or “This year”.
        </p>
        {p.cannotMove.map((c) => (
          <p key={c.reason} className="muted">
            {formatCount(c.count, "item", "items")} can't be moved: {c.reason}.
          </p>
        ))}
      </div>
    );
  }
  return (
    <div>
      <p className="summary-headline" data-testid="summary-headline">
        {headline(p)}
      </p>
      <ul className="summary-facts">
        {p.alreadyInGoogle > 0 ? (
          <li>
            {p.alreadyInGoogle === 1 ? "1 is" : `${p.alreadyInGoogle.toLocaleString()} are`} already in Google Photos and
            will be skipped.
          </li>
        ) : null}
        {p.cannotMove.map((c) => (
          <li key={c.reason}>
            {c.count.toLocaleString()} can't be moved: {c.reason}. They stay safe in your GoPro cloud.
          </li>
        ))}
        {p.videoTimesToCorrect > 0 ? (
          <li data-testid="video-times">
            {p.correctingVideoTimes
              ? `${formatCount(p.videoTimesToCorrect, "video", "videos")} from older GoPros will get ${
                  p.videoTimesToCorrect === 1 ? "its" : "their"
                } times corrected on the way.`
              : `${formatCount(p.videoTimesToCorrect, "video", "videos")} from older GoPros would show up hours off in Google Photos. “Correct video times” in Settings fixes that.`}
          </li>
        ) : null}
        <li>
          Uses up to <strong>{formatBytes(p.bytes)}</strong> of your Google storage
          {toMove !== p.files ? ` (${toMove.toLocaleString()} new items)` : ""}.
        </li>
      </ul>
    </div>
  );
}
