import type { AccountStatus } from "../ipc/types";
import { Icon } from "./Icon";

const NAMES = { gopro: "GoPro", google: "Google Photos" } as const;

/** "GoPro: demo@example.com" with a check, or a Log in button; a problem is said in words. */
export function AccountChip({
  account,
  onLogin,
  busy,
}: {
  account: AccountStatus;
  onLogin: () => void;
  busy?: boolean;
}) {
  const name = NAMES[account.cloud];
  if (account.connected && !account.problem) {
    return (
      <span className="chip chip-ok" data-cloud={account.cloud}>
        <Icon name="check" className="chip-icon" />
        <span>
          <span className="chip-name">{name}</span> <span className="chip-label">{account.label ?? "connected"}</span>
        </span>
      </span>
    );
  }
  return (
    <span className="chip chip-warn" data-cloud={account.cloud}>
      <Icon name={account.problem ? "warning" : "lock"} className="chip-icon" />
      <span className="chip-name">{name}</span>
      <span className="visually-hidden">{account.problem ?? "not connected"}</span>
      <button type="button" className="btn btn-small" onClick={onLogin} disabled={busy}>
        {busy ? "Waiting…" : account.problem ? "Log in again" : "Log in"}
        <span className="visually-hidden"> to {name}</span>
      </button>
    </span>
  );
}
