/**
 * Date ranges as *local calendar days* (`YYYY-MM-DD`), pure and time-zone safe.
 *
 * - A day is built from the local date parts of a Date (never `toISOString()`, which converts a
 *   local midnight to UTC and shifts the day east or west of Greenwich).
 * - Day arithmetic runs on the calendar (UTC-based day numbers), so DST transitions, where a day
 *   has 23 or 25 hours, never add or lose a day.
 * - Ranges are inclusive of both ends.
 */

export type Day = string;
export type DayRange = { from: Day; to: Day };

const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/** The local calendar day of an instant. */
export function dayOf(date: Date): Day {
  return `${pad(date.getFullYear(), 4)}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

export function isDay(s: string): boolean {
  const m = DAY_RE.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const probe = new Date(Date.UTC(y, mo - 1, d));
  return probe.getUTCFullYear() === y && probe.getUTCMonth() === mo - 1 && probe.getUTCDate() === d;
}

function parts(day: Day): [number, number, number] {
  const m = DAY_RE.exec(day);
  if (!m || !isDay(day)) throw new RangeError(`not a calendar day: ${day}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** Days since 1970-01-01 on the calendar (no time zone involved). */
function dayNumber(day: Day): number {
  const [y, m, d] = parts(day);
  return Date.UTC(y, m - 1, d) / MS_PER_DAY;
}

function fromDayNumber(n: number): Day {
  const dt = new Date(n * MS_PER_DAY);
  return `${pad(dt.getUTCFullYear(), 4)}-${pad(dt.getUTCMonth() + 1)}-${pad(dt.getUTCDate())}`;
}

/**
 * A local Date for a day, at noon: noon exists on every day in every zone (some zones skip
 * midnight on DST days), and is what the calendar widget compares by local day.
 */
export function localDate(day: Day): Date {
  const [y, m, d] = parts(day);
  return new Date(y, m - 1, d, 12, 0, 0, 0);
}

export function addDays(day: Day, n: number): Day {
  return fromDayNumber(dayNumber(day) + n);
}

/** Number of days in the range, both ends included. */
export function daysInRange(r: DayRange): number {
  return dayNumber(r.to) - dayNumber(r.from) + 1;
}

export function orderRange(a: Day, b: Day): DayRange {
  return a <= b ? { from: a, to: b } : { from: b, to: a };
}

export function inRange(day: Day, r: DayRange): boolean {
  return day >= r.from && day <= r.to;
}

/** The day before which the "Everything" preset starts; older than any GoPro cloud upload. */
export const EVERYTHING_FROM: Day = "2000-01-01";

export type PresetId = "last7" | "last30" | "thisYear" | "lastYear" | "everything";

export const PRESETS: readonly { id: PresetId; label: string }[] = [
  { id: "last7", label: "Last 7 days" },
  { id: "last30", label: "Last 30 days" },
  { id: "thisYear", label: "This year" },
  { id: "lastYear", label: "Last year" },
  { id: "everything", label: "Everything" },
];

/** A preset's range, in the local calendar of `now`. "Last 7 days" includes today. */
export function presetRange(id: PresetId, now: Date): DayRange {
  const today = dayOf(now);
  const year = now.getFullYear();
  switch (id) {
    case "last7":
      return { from: addDays(today, -6), to: today };
    case "last30":
      return { from: addDays(today, -29), to: today };
    case "thisYear":
      return { from: `${pad(year, 4)}-01-01`, to: today };
    case "lastYear":
      return { from: `${pad(year - 1, 4)}-01-01`, to: `${pad(year - 1, 4)}-12-31` };
    case "everything":
      return { from: EVERYTHING_FROM, to: today };
  }
}

export function matchPreset(r: DayRange | null, now: Date): PresetId | null {
  if (!r) return null;
  for (const p of PRESETS) {
    const pr = presetRange(p.id, now);
    if (pr.from === r.from && pr.to === r.to) return p.id;
  }
  return null;
}

/**
 * Picking on the calendar: the first click sets a one-day range and waits for the other end;
 * the second click completes the range (in either order); the next click starts over.
 */
export type Selection = { range: DayRange | null; anchor: Day | null };

export function clickDay(sel: Selection, day: Day): Selection {
  if (sel.anchor === null) return { range: { from: day, to: day }, anchor: day };
  return { range: orderRange(sel.anchor, day), anchor: null };
}

/** "1 – 31 March 2026", "28 Feb – 3 Mar 2026"; uses the local calendar. */
export function formatRange(r: DayRange, locale?: string): string {
  const fmt = new Intl.DateTimeFormat(locale, { day: "numeric", month: "long", year: "numeric" });
  if (r.from === r.to) return fmt.format(localDate(r.from));
  return fmt.formatRange(localDate(r.from), localDate(r.to));
}

/** "March 2026" when the range is exactly one whole month, else formatRange. */
export function describeRange(r: DayRange, locale?: string): string {
  const [y, m, d] = parts(r.from);
  const lastOfMonth = fromDayNumber(Date.UTC(y, m, 1) / MS_PER_DAY - 1);
  if (d === 1 && r.to === lastOfMonth) {
    return new Intl.DateTimeFormat(locale, { month: "long", year: "numeric" }).format(localDate(r.from));
  }
  return formatRange(r, locale);
}
