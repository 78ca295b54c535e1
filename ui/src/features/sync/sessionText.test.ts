import { describe, expect, it } from "vitest";
import type { Counts, SessionView } from "../../ipc/types";
import { statusLine } from "./sessionText";

const counts = (c: Partial<Counts>): Counts => ({
  total: 0, discovered: 0, uploaded: 0, created: 0, failed: 0, skipped: 0, bytesTotal: 0, bytesCreated: 0, ...c,
});
const running = (discovery: string) =>
  ({ status: "running", stages: { discovery, transfer: "running", create: "pending" } }) as unknown as SessionView;

describe("statusLine while the range is still being listed", () => {
  it("says it is finding media until the first file moves", () => {
    expect(statusLine(running("running"), counts({ discovered: 120, total: 120 }))).toBe("Finding your media… 120 found so far");
  });
  it("says files are moving, and that more may come, once they do", () => {
    expect(statusLine(running("running"), counts({ total: 1200, uploaded: 37 }))).toBe(
      "Moving 37 of 1,200 found so far (still looking for more)",
    );
  });
  it("gives the plain count once the listing is done", () => {
    expect(statusLine(running("done"), counts({ total: 1200, uploaded: 37 }))).toBe("Moving 37 of 1,200 videos and photos");
  });
});
