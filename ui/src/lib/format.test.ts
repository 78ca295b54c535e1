import { describe, expect, it } from "vitest";
import {
  formatBytes,
  formatCount,
  formatDuration,
  formatElapsed,
  formatQuotaReset,
  formatSince,
  formatSpeed,
  formatTimeLeft,
} from "./format";

describe("formatBytes", () => {
  it("uses decimal units people see on storage pages", () => {
    expect(formatBytes(0)).toBe("0 bytes");
    expect(formatBytes(1)).toBe("1 byte");
    expect(formatBytes(999)).toBe("999 bytes");
    expect(formatBytes(1500)).toBe("1.5 KB");
    expect(formatBytes(850_000_000)).toBe("850 MB");
    expect(formatBytes(4_200_000_000)).toBe("4.2 GB");
    expect(formatBytes(138_000_000_000)).toBe("138 GB");
    expect(formatBytes(2_000_000_000)).toBe("2 GB");
    expect(formatBytes(999_700_000)).toBe("1 GB");
    expect(formatBytes(-1)).toBe("—");
  });
  it("speeds", () => {
    expect(formatSpeed(28_400_000)).toBe("28 MB/s");
    expect(formatSpeed(0)).toBe("0 MB/s");
  });
});

describe("durations", () => {
  it("estimates in plain words", () => {
    expect(formatDuration(30)).toBe("less than a minute");
    expect(formatDuration(7 * 60 + 10)).toBe("about 7 min");
    expect(formatDuration(60 * 60)).toBe("about 1 h");
    expect(formatDuration(2 * 3600 + 10 * 60 + 40)).toBe("about 2 h 10 min");
    expect(formatDuration(2 * 3600 + 8 * 60)).toBe("about 2 h 10 min");
    expect(formatDuration(28 * 3600 + 20 * 60)).toBe("about 1 day 4 h");
  });
  it("time left", () => {
    expect(formatTimeLeft(null)).toBe("Working out the time left…");
    expect(formatTimeLeft(20)).toBe("Less than a minute left");
    expect(formatTimeLeft(7800)).toBe("About 2 h 10 min left");
  });
  it("time spent", () => {
    expect(formatElapsed(42)).toBe("42 s");
    expect(formatElapsed(45 * 60)).toBe("45 min");
    expect(formatElapsed(2 * 3600 + 10 * 60)).toBe("2 h 10 min");
  });
  it("counts", () => {
    expect(formatCount(1, "photo", "photos")).toBe("1 photo");
    expect(formatCount(412, "photo", "photos", "en-US")).toBe("412 photos");
    expect(formatCount(1412, "photo", "photos", "en-US")).toBe("1,412 photos");
  });
});

describe("formatQuotaReset (local time; tests run in America/New_York)", () => {
  it("the zone is set", () => {
    expect(new Date(Date.UTC(2026, 0, 15)).getTimezoneOffset()).toBe(300);
  });
  const now = new Date("2026-05-20T14:00:00-04:00");
  it("today / tomorrow / a later day", () => {
    // Midnight Pacific = 03:00 in New York.
    expect(formatQuotaReset("2026-05-21T07:00:00Z", now, "en-GB")).toBe("tomorrow at 03:00");
    expect(formatQuotaReset("2026-05-20T22:30:00Z", now, "en-GB")).toBe("today at 18:30");
    expect(formatQuotaReset("2026-05-23T07:00:00Z", now, "en-GB")).toBe("on Saturday 23 May at 03:00");
    expect(formatQuotaReset("2026-05-20T10:00:00Z", now, "en-GB")).toBe("now");
  });
  it("uses the local day, not the UTC day", () => {
    // 02:00 UTC on the 21st is 22:00 on the 20th in New York: today.
    expect(formatQuotaReset("2026-05-21T02:00:00Z", now, "en-GB")).toBe("today at 22:00");
  });
});

describe("formatSince (local time; tests run in America/New_York)", () => {
  const now = new Date("2026-05-20T14:00:00-04:00");
  it("today: the time only", () => {
    expect(formatSince("2026-05-20T18:02:00Z", now, "en-GB")).toBe("14:02");
    // 02:00 UTC on the 20th is 22:00 on the 19th in New York: yesterday.
    expect(formatSince("2026-05-20T02:00:00Z", now, "en-GB")).toBe("yesterday at 22:00");
  });
  it("an earlier day, a clock a little ahead, and nonsense", () => {
    expect(formatSince("2026-05-17T13:10:00Z", now, "en-GB")).toBe("17 May at 09:10");
    expect(formatSince("2026-05-20T18:01:00Z", new Date("2026-05-20T14:00:30-04:00"), "en-GB")).toBe("14:01");
    expect(formatSince("2026-05-20T18:00:40Z", new Date("2026-05-20T14:00:30-04:00"), "en-GB")).toBe("14:00");
    expect(formatSince("soon", now, "en-GB")).toBeNull();
  });
});
