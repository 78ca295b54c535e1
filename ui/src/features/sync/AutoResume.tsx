import { Icon } from "../../components/Icon";
import type { AutoResumeView, AutoResumeWhy } from "../../ipc/types";
import { formatDuration, formatQuotaReset } from "../../lib/format";
import { useNow } from "../../lib/useNow";

/** Why the app went on with a session without a click, in a sentence. */
export function wentOnBecause(why: AutoResumeWhy): string {
  switch (why) {
    case "interrupted":
      return "q2google was closed in the middle of this move, so it carried on from where it stopped as soon as it opened again.";
    case "daily_quota":
      return "Google's daily limit has reset, so the move carried on by itself.";
    case "login":
      return "You logged in again, so the move carried on from where it stopped.";
  }
}

/**
 * A session the app went on with by itself (`autoResume` with no time): says so, calmly, so a
 * person who comes back to a moving session knows why nobody had to press Resume.
 */
export function AutoResumedNotice({ autoResume }: { autoResume: AutoResumeView }) {
  return (
    <div className="notice notice-info" role="status" data-testid="auto-resumed">
      <Icon name="play" className="notice-icon" />
      <div className="notice-body">
        <p className="notice-title">Carried on by itself</p>
        <p>{wentOnBecause(autoResume.why)} Nothing was lost or moved twice.</p>
      </div>
    </div>
  );
}

/**
 * A paused session the app will go on with at a time (after Google's daily limit resets): when,
 * in the person's time, and how long until then. Null when `at` is not an instant.
 */
export function AutoResumeCountdown({ at }: { at: string }) {
  const now = useNow();
  const t = Date.parse(at);
  if (Number.isNaN(t)) return null;
  const left = (t - now.getTime()) / 1000;
  return (
    <p data-testid="auto-resume-countdown">
      {left > 0 ? (
        <>
          Goes on by itself <strong>{formatQuotaReset(at, now)}</strong> ({formatDuration(left)} from now). You can
          leave q2google open, or close it and open it again later.
        </>
      ) : (
        "Going on by itself now…"
      )}
    </p>
  );
}
