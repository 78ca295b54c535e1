import type { AccountStatus, SessionView } from "../../ipc/types";

/** "Into you@example.com's Google Photos": the account a session moves into. */
export function intoAccount(email: string): string {
  return `Into ${email}'s Google Photos`;
}

const sameEmail = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/**
 * Whether `s` waits for a login because it moves into another Google account than the one signed
 * in now: decided from the data (the session's account vs the Google chip's label), never from
 * the words of its status reason.
 */
export function needsOtherGoogleAccount(
  s: Pick<SessionView, "status" | "googleAccount">,
  google: AccountStatus | null | undefined,
): boolean {
  if (s.status !== "needs_login" || s.googleAccount === null) return false;
  if (!google?.connected || google.label === null) return false;
  return !sameEmail(s.googleAccount, google.label);
}
