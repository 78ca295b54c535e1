// @vitest-environment node
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  addDays,
  clickDay,
  dayOf,
  daysInRange,
  describeRange,
  isDay,
  localDate,
  matchPreset,
  presetRange,
  type Selection,
} from "./range";

/**
 * Node re-reads process.env.TZ when it is assigned, so each block switches the zone; every
 * block first proves the zone really took effect by checking a known UTC offset.
 */
function inZone(tz: string, probe: { date: Date; offsetMinutes: number }, body: () => void) {
  describe(tz, () => {
    let saved: string | undefined;
    beforeAll(() => {
      saved = process.env.TZ;
      process.env.TZ = tz;
    });
    afterAll(() => {
      process.env.TZ = saved;
    });
    it("is really in effect", () => {
      // getTimezoneOffset is minutes *behind* UTC (UTC-5 → 300).
      expect(-probe.date.getTimezoneOffset()).toBe(probe.offsetMinutes);
    });
    body();
  });
}

describe("calendar days, zone-free", () => {
  it("validates days", () => {
    expect(isDay("2026-02-28")).toBe(true);
    expect(isDay("2026-02-29")).toBe(false);
    expect(isDay("2028-02-29")).toBe(true);
    expect(isDay("2026-13-01")).toBe(false);
    expect(isDay("26-1-1")).toBe(false);
  });
  it("adds days across months, years and leap days", () => {
    expect(addDays("2026-01-31", 1)).toBe("2026-02-01");
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
    expect(addDays("2028-03-01", -1)).toBe("2028-02-29");
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
  });
  it("counts both ends of a range", () => {
    expect(daysInRange({ from: "2026-03-01", to: "2026-03-01" })).toBe(1);
    expect(daysInRange({ from: "2026-03-01", to: "2026-03-31" })).toBe(31);
    expect(daysInRange({ from: "2026-01-01", to: "2026-12-31" })).toBe(365);
  });
  it("picks a range with two clicks in either order, and a third click starts over", () => {
    let sel: Selection = { range: null, anchor: null };
    sel = clickDay(sel, "2026-03-20");
    expect(sel).toEqual({ range: { from: "2026-03-20", to: "2026-03-20" }, anchor: "2026-03-20" });
    sel = clickDay(sel, "2026-03-02");
    expect(sel).toEqual({ range: { from: "2026-03-02", to: "2026-03-20" }, anchor: null });
    sel = clickDay(sel, "2026-04-01");
    expect(sel.range).toEqual({ from: "2026-04-01", to: "2026-04-01" });
    expect(sel.anchor).toBe("2026-04-01");
  });
});

inZone("America/New_York", { date: new Date(Date.UTC(2026, 0, 15)), offsetMinutes: -300 }, () => {
  it("spring forward (2026-03-08, a 23-hour day) does not lose a day", () => {
    const midnight = new Date(2026, 2, 8, 0, 0);
    expect(dayOf(midnight)).toBe("2026-03-08");
    expect(dayOf(new Date(2026, 2, 8, 23, 59))).toBe("2026-03-08");
    expect(addDays("2026-03-07", 1)).toBe("2026-03-08");
    expect(addDays("2026-03-08", 1)).toBe("2026-03-09");
    expect(dayOf(localDate("2026-03-08"))).toBe("2026-03-08");
    expect(presetRange("last7", new Date(2026, 2, 10, 0, 30))).toEqual({ from: "2026-03-04", to: "2026-03-10" });
    expect(daysInRange({ from: "2026-03-01", to: "2026-03-31" })).toBe(31);
  });
  it("fall back (2026-11-01, a 25-hour day) does not add a day", () => {
    expect(dayOf(new Date(2026, 10, 1, 1, 30))).toBe("2026-11-01");
    expect(dayOf(new Date(2026, 10, 1, 23, 59))).toBe("2026-11-01");
    expect(presetRange("last7", new Date(2026, 10, 1, 23, 59))).toEqual({ from: "2026-10-26", to: "2026-11-01" });
    expect(presetRange("last30", new Date(2026, 10, 2, 0, 5))).toEqual({ from: "2026-10-04", to: "2026-11-02" });
  });
  it("late evening local is still today, though UTC is already tomorrow", () => {
    const now = new Date(2026, 4, 20, 22, 30); // 02:30 UTC on the 21st
    expect(now.toISOString().slice(0, 10)).toBe("2026-05-21"); // the trap
    expect(dayOf(now)).toBe("2026-05-20");
    expect(presetRange("thisYear", now)).toEqual({ from: "2026-01-01", to: "2026-05-20" });
  });
  it("a calendar pick at local midnight keeps its day", () => {
    const picked = new Date(2026, 2, 8); // what the calendar hands over
    const sel = clickDay(clickDay({ range: null, anchor: null }, dayOf(new Date(2026, 2, 1))), dayOf(picked));
    expect(sel.range).toEqual({ from: "2026-03-01", to: "2026-03-08" });
  });
  it("presets and matching", () => {
    const now = new Date(2026, 4, 20, 9);
    expect(presetRange("lastYear", now)).toEqual({ from: "2025-01-01", to: "2025-12-31" });
    expect(presetRange("everything", now).to).toBe("2026-05-20");
    expect(matchPreset({ from: "2026-05-14", to: "2026-05-20" }, now)).toBe("last7");
    expect(matchPreset({ from: "2026-05-13", to: "2026-05-20" }, now)).toBeNull();
  });
  it("describes whole months by name", () => {
    expect(describeRange({ from: "2026-03-01", to: "2026-03-31" }, "en-GB")).toBe("March 2026");
    expect(describeRange({ from: "2026-03-01", to: "2026-03-08" }, "en-GB")).toMatch(/^1\s*–\s*8 March 2026$/);
  });
});

inZone("Pacific/Auckland", { date: new Date(Date.UTC(2026, 0, 15)), offsetMinutes: 780 }, () => {
  it("end of DST (2026-04-05) and start of DST (2026-09-27) keep their days", () => {
    expect(dayOf(new Date(2026, 3, 5, 0, 0))).toBe("2026-04-05");
    expect(dayOf(new Date(2026, 3, 5, 23, 59))).toBe("2026-04-05");
    expect(dayOf(new Date(2026, 8, 27, 0, 0))).toBe("2026-09-27");
    expect(dayOf(localDate("2026-09-27"))).toBe("2026-09-27");
    expect(presetRange("last7", new Date(2026, 8, 29, 8))).toEqual({ from: "2026-09-23", to: "2026-09-29" });
  });
  it("local midnight is the previous day in UTC, and the day is still right", () => {
    const midnight = new Date(2026, 0, 1);
    expect(midnight.toISOString().slice(0, 10)).toBe("2025-12-31"); // the trap
    expect(dayOf(midnight)).toBe("2026-01-01");
  });
});

inZone("Pacific/Kiritimati", { date: new Date(Date.UTC(2026, 0, 15)), offsetMinutes: 840 }, () => {
  it("UTC+14: the new year starts while UTC is still on the 31st", () => {
    const now = new Date(Date.UTC(2026, 11, 31, 10, 30)); // 00:30 on 2027-01-01 locally
    expect(dayOf(now)).toBe("2027-01-01");
    expect(presetRange("thisYear", now)).toEqual({ from: "2027-01-01", to: "2027-01-01" });
    expect(presetRange("lastYear", now)).toEqual({ from: "2026-01-01", to: "2026-12-31" });
  });
});

inZone("Pacific/Honolulu", { date: new Date(Date.UTC(2026, 0, 15)), offsetMinutes: -600 }, () => {
  it("UTC-10: UTC's new year is still 31 December locally", () => {
    const now = new Date(Date.UTC(2026, 0, 1, 9, 0)); // 23:00 on 2025-12-31 locally
    expect(dayOf(now)).toBe("2025-12-31");
    expect(presetRange("thisYear", now)).toEqual({ from: "2025-01-01", to: "2025-12-31" });
    expect(presetRange("last7", now)).toEqual({ from: "2025-12-25", to: "2025-12-31" });
  });
});
