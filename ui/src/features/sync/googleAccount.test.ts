import { describe, expect, it } from "vitest";
import type { AccountStatus } from "../../ipc/types";
import { intoAccount, otherGoogleDestination } from "./googleAccount";

const BUILT_IN = "q2google.apps.googleusercontent.com";
const google = (label: string | null, connected = label !== null, clientId: string | null = BUILT_IN): AccountStatus => ({
  cloud: "google",
  connected,
  label,
  problem: null,
  clientId,
});

describe("the Google account a session moves into", () => {
  it("says it in words", () => {
    expect(intoAccount("you@example.com")).toBe("Into you@example.com's Google Photos");
  });

  it("another account only when a needs_login session's account differs from the signed-in one", () => {
    const s = { status: "needs_login", googleAccount: "jane@example.com", googleClient: BUILT_IN } as const;
    expect(otherGoogleDestination(s, google("bob@example.com"))).toBe("account");
    expect(otherGoogleDestination(s, google("jane@example.com"))).toBe(null);
    expect(otherGoogleDestination(s, google(" Jane@Example.com"))).toBe(null);
    // Not signed in to Google, or who is unknown: nothing to compare with.
    expect(otherGoogleDestination(s, google(null))).toBe(null);
    expect(otherGoogleDestination(s, google("bob@example.com", false))).toBe(null);
    expect(otherGoogleDestination(s, undefined)).toBe(null);
    // A session that has not found its account yet, or is not waiting for a login.
    expect(otherGoogleDestination({ ...s, googleAccount: null, googleClient: null }, google("bob@example.com"))).toBe(null);
    expect(otherGoogleDestination({ ...s, status: "paused" }, google("bob@example.com"))).toBe(null);
  });

  it("the same account through another OAuth client is another destination too", () => {
    const s = { status: "needs_login", googleAccount: "you@example.com", googleClient: BUILT_IN } as const;
    expect(otherGoogleDestination(s, google("you@example.com", true, "mine.apps.googleusercontent.com"))).toBe("client");
    expect(otherGoogleDestination(s, google("you@example.com", true, BUILT_IN))).toBe(null);
    // A client not known on either side: nothing to compare with.
    expect(otherGoogleDestination(s, google("you@example.com", true, null))).toBe(null);
    expect(otherGoogleDestination({ ...s, googleClient: null }, google("you@example.com", true, "mine"))).toBe(null);
    // Another account is said first: it is what the person can act on.
    expect(otherGoogleDestination(s, google("bob@example.com", true, "mine"))).toBe("account");
  });
});
