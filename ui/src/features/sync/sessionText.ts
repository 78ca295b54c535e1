import type { Cloud, Counts, SessionStatus, SessionView } from "../../ipc/types";
import { describeRange } from "./range";

export const STATUS_WORDS: Record<SessionStatus, string> = {
  running: "Moving",
  paused: "Paused",
  needs_login: "Needs you to log in",
  completed: "Done",
  failed: "Stopped with a problem",
  cancelled: "Stopped",
};

export function sessionTitle(s: Pick<SessionView, "rangeFrom" | "rangeTo">): string {
  return describeRange({ from: s.rangeFrom, to: s.rangeTo });
}

export const CLOUD_NAMES: Record<Cloud, string> = { gopro: "GoPro", google: "Google Photos" };

/** "GoPro", "Google Photos", "GoPro and Google Photos". */
export function cloudList(clouds: readonly Cloud[]): string {
  return clouds.map((c) => CLOUD_NAMES[c]).join(" and ");
}

/** One line of state, in plain words: "Moving 37 of 212 videos and photos". */
export function statusLine(s: SessionView, c: Counts): string {
  switch (s.status) {
    case "running":
      // Files move while the rest of the range is still being listed.
      if (s.stages.discovery !== "done" && c.uploaded === 0) return `Finding your media… ${c.discovered.toLocaleString()} found so far`;
      if (s.stages.discovery !== "done")
        return `Moving ${c.uploaded.toLocaleString()} of ${c.total.toLocaleString()} found so far (still looking for more)`;
      return `Moving ${c.uploaded.toLocaleString()} of ${c.total.toLocaleString()} videos and photos`;
    case "paused":
      return `Paused after moving ${c.created.toLocaleString()} of ${c.total.toLocaleString()}`;
    case "needs_login":
      return `Waiting for you to log in — ${c.created.toLocaleString()} of ${c.total.toLocaleString()} moved so far`;
    case "completed":
      return c.failed > 0
        ? `Done: ${c.created.toLocaleString()} moved, ${c.failed.toLocaleString()} couldn't be moved`
        : `Done: ${c.created.toLocaleString()} moved to Google Photos`;
    case "failed":
      return `Stopped after moving ${c.created.toLocaleString()} of ${c.total.toLocaleString()}`;
    case "cancelled":
      return `Stopped after moving ${c.created.toLocaleString()} of ${c.total.toLocaleString()}`;
  }
}

export const isActive = (s: SessionView | null) => s?.status === "running";
