import type { AccountStatus, SessionView } from "../../ipc/types";

/** "Into you@example.com's Google Photos": the account a session moves into. */
export function intoAccount(email: string): string {
  return `Into ${email}'s Google Photos`;
}

const sameEmail = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/**
 * Why a session that waits for a Google login cannot go on with the sign-in of now: it moves
 * into another Google `account`, or it was started through another OAuth `client` (Google lets
 * an app add only to the albums it made through the same client). `null` when neither. Decided
 * from the data (the session's account and client vs the Google chip's), never from the words
 * of its status reason.
 */
export function otherGoogleDestination(
  s: Pick<SessionView, "status" | "googleAccount" | "googleClient">,
  google: AccountStatus | null | undefined,
): "account" | "client" | null {
  if (s.status !== "needs_login" || !google?.connected) return null;
  if (s.googleAccount !== null && google.label !== null && !sameEmail(s.googleAccount, google.label)) return "account";
  if (s.googleClient !== null && google.clientId !== null && s.googleClient !== google.clientId) return "client";
  return null;
}
