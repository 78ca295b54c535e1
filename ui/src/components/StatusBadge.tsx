import type { SessionStatus } from "../ipc/types";
import { Icon, type IconName } from "./Icon";

const WORDS: Record<SessionStatus, string> = {
  running: "Moving",
  paused: "Paused",
  needs_login: "Log in needed",
  completed: "Done",
  failed: "Problem",
  cancelled: "Stopped",
};
const ICONS: Record<SessionStatus, IconName> = {
  running: "play",
  paused: "pause",
  needs_login: "lock",
  completed: "check",
  failed: "warning",
  cancelled: "cross",
};

/**
 * Status as an icon plus a word (never colour alone). `waiting`: a running session waiting for
 * the network (it goes on by itself), calm like running.
 */
export function StatusBadge({ status, waiting = false }: { status: SessionStatus; waiting?: boolean }) {
  const w = waiting && status === "running";
  return (
    <span className={`badge badge-${status}${w ? " badge-waiting" : ""}`}>
      <Icon name={w ? "offline" : ICONS[status]} className="icon-inline" />
      {w ? "Waiting for the network" : WORDS[status]}
    </span>
  );
}
