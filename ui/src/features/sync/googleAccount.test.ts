import { describe, expect, it } from "vitest";
import type { AccountStatus } from "../../ipc/types";
import { intoAccount, needsOtherGoogleAccount } from "./googleAccount";

const google = (label: string | null, connected = label !== null): AccountStatus => ({ cloud: "google", connected, label, problem: null });

describe("the Google account a session moves into", () => {
  it("says it in words", () => {
    expect(intoAccount("you@example.com")).toBe("Into you@example.com's Google Photos");
  });

  it("another account only when a needs_login session's account differs from the signed-in one", () => {
    const s = { status: "needs_login", googleAccount: "jane@example.com" } as const;
    expect(needsOtherGoogleAccount(s, google("bob@example.com"))).toBe(true);
    expect(needsOtherGoogleAccount(s, google("jane@example.com"))).toBe(false);
    expect(needsOtherGoogleAccount(s, google(" Jane@Example.com"))).toBe(false);
    // Not signed in to Google, or who is unknown: nothing to compare with.
    expect(needsOtherGoogleAccount(s, google(null))).toBe(false);
    expect(needsOtherGoogleAccount(s, google("bob@example.com", false))).toBe(false);
    expect(needsOtherGoogleAccount(s, undefined)).toBe(false);
    // A session that has not found its account yet, or is not waiting for a login.
    expect(needsOtherGoogleAccount({ ...s, googleAccount: null }, google("bob@example.com"))).toBe(false);
    expect(needsOtherGoogleAccount({ ...s, status: "paused" }, google("bob@example.com"))).toBe(false);
  });
});
