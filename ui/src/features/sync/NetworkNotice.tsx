import { Icon } from "../../components/Icon";
import { formatSince } from "../../lib/format";
import { useNow } from "../../lib/useNow";
import type { NetworkWait } from "./syncStore";
import { cloudList } from "./sessionText";

/** The earliest instant any of the clouds has been waiting since, or null when none says. */
function earliest(waiting: readonly NetworkWait[]): string | null {
  let best: { iso: string; t: number } | null = null;
  for (const w of waiting) {
    if (w.since === null) continue;
    const t = Date.parse(w.since);
    if (!Number.isNaN(t) && (best === null || t < best.t)) best = { iso: w.since, t };
  }
  return best?.iso ?? null;
}

/**
 * A running session that cannot reach GoPro or Google Photos (`sync://network`): it waits and
 * goes on by itself. Calm (information, not a warning), in words, and says nothing is lost.
 */
export function NetworkNotice({ waiting }: { waiting: readonly NetworkWait[] }) {
  const now = useNow();
  if (waiting.length === 0) return null;
  const sinceIso = earliest(waiting);
  const since = sinceIso === null ? null : formatSince(sinceIso, now);
  return (
    <div className="notice notice-info network-notice" role="status" data-testid="network-waiting">
      <Icon name="offline" className="notice-icon" />
      <div className="notice-body">
        <p className="notice-title">Waiting for the network</p>
        <p>
          {cloudList(waiting.map((w) => w.cloud))} can't be reached right now{since ? ` (since ${since})` : ""}. q2google
          keeps trying and will continue by itself; nothing is lost.
        </p>
        <p className="muted">You can leave this window open or come back later.</p>
      </div>
    </div>
  );
}
