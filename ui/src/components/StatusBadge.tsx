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

/** Status as an icon plus a word (never colour alone). */
export function StatusBadge({ status }: { status: SessionStatus }) {
  return (
    <span className={`badge badge-${status}`}>
      <Icon name={ICONS[status]} className="icon-inline" />
      {WORDS[status]}
    </span>
  );
}
