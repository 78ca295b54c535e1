/** Numbers people understand: sizes, durations, counts, local times. Pure; `now` is passed in. */
import { addDays, dayOf } from "../features/sync/range";

const UNITS = ["bytes", "KB", "MB", "GB", "TB", "PB"] as const;

/** Decimal units like the storage pages people see: "138 GB", "4.2 GB", "850 MB". */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return "—";
  if (n < 1000) return n === 1 ? "1 byte" : `${Math.round(n)} bytes`;
  let v = n;
  let i = 0;
  while (v >= 1000 && i < UNITS.length - 1) {
    v /= 1000;
    i++;
  }
  // 999.6 MB would print as "1000 MB": step up instead.
  if (Math.round(v) >= 1000 && i < UNITS.length - 1) {
    v /= 1000;
    i++;
  }
  const digits = v < 10 ? 1 : 0;
  const text = v.toFixed(digits).replace(/\.0$/, "");
  return `${text} ${UNITS[i]}`;
}

export function formatSpeed(bytesPerSec: number): string {
  if (!Number.isFinite(bytesPerSec) || bytesPerSec <= 0) return "0 MB/s";
  return `${formatBytes(bytesPerSec)}/s`;
}

function hm(totalMinutes: number): string {
  const days = Math.floor(totalMinutes / 1440);
  const h = Math.floor((totalMinutes % 1440) / 60);
  const m = totalMinutes % 60;
  if (days > 0) return h > 0 ? `${days} ${days === 1 ? "day" : "days"} ${h} h` : `${days} ${days === 1 ? "day" : "days"}`;
  if (h > 0) return m > 0 ? `${h} h ${m} min` : `${h} h`;
  return `${m} min`;
}

/**
 * An estimate: "less than a minute", "about 7 min", "about 2 h 10 min", "about 1 day 4 h".
 * Under 90 minutes to the minute; beyond, to 5 minutes; beyond a day, to the hour.
 */
export function formatDuration(secs: number): string {
  if (!Number.isFinite(secs) || secs < 0) return "—";
  if (secs < 60) return "less than a minute";
  let minutes = Math.round(secs / 60);
  if (minutes >= 90) minutes = Math.round(minutes / 5) * 5;
  if (minutes >= 1440) minutes = Math.round(minutes / 60) * 60;
  return `about ${hm(minutes)}`;
}

export function formatTimeLeft(secs: number | null): string {
  if (secs === null) return "Working out the time left…";
  if (secs < 60) return "Less than a minute left";
  const d = formatDuration(secs);
  return `${d.charAt(0).toUpperCase()}${d.slice(1)} left`;
}

/** Time that was spent (not an estimate): "45 s", "12 min", "2 h 10 min". */
export function formatElapsed(secs: number): string {
  if (!Number.isFinite(secs) || secs < 0) return "—";
  if (secs < 60) return `${Math.round(secs)} s`;
  return hm(Math.round(secs / 60));
}

export function formatCount(n: number, one: string, many: string, locale?: string): string {
  return `${n.toLocaleString(locale)} ${n === 1 ? one : many}`;
}

/** "3 Mar 2026, 14:05" in local time. */
export function formatDateTime(iso: string, locale?: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "—";
  return new Intl.DateTimeFormat(locale, {
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  }).format(d);
}

/**
 * When Google's daily quota resets, in the person's local time:
 * "today at 09:00", "tomorrow at 09:00", or "on Tuesday 3 March at 09:00".
 */
export function formatQuotaReset(iso: string, now: Date, locale?: string): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return "soon";
  const time = new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit" }).format(at);
  if (at.getTime() <= now.getTime()) return "now";
  const day = dayOf(at);
  const today = dayOf(now);
  if (day === today) return `today at ${time}`;
  if (day === addDays(today, 1)) return `tomorrow at ${time}`;
  const date = new Intl.DateTimeFormat(locale, { weekday: "long", day: "numeric", month: "long" }).format(at);
  return `on ${date} at ${time}`;
}

/**
 * Since when something has been so, in the person's local time: "14:02" today, "yesterday at
 * 23:10", or "3 March at 23:10" (for "since …"); null when `iso` is no instant. An instant in the
 * future (a clock that differs a little from the backend's) counts as today.
 */
export function formatSince(iso: string, now: Date, locale?: string): string | null {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return null;
  const time = new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit" }).format(at);
  const day = dayOf(at);
  const today = dayOf(now);
  if (day >= today) return time;
  if (day === addDays(today, -1)) return `yesterday at ${time}`;
  const date = new Intl.DateTimeFormat(locale, { day: "numeric", month: "long" }).format(at);
  return `${date} at ${time}`;
}
